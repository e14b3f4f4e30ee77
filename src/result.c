/* src/result.c: placeholder, being written. */
