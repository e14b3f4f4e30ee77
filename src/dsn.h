/* src/dsn.h: placeholder, being written. */
