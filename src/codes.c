/* src/codes.c: placeholder, being written. */
