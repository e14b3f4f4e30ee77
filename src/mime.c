/* src/mime.c: placeholder, being written. */
