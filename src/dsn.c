/* src/dsn.c: placeholder, being written. */
