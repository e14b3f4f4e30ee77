/* src/log.c: placeholder, being written. */
