/* src/config.c: placeholder, being written. */
