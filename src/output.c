/* src/output.c: placeholder, being written. */
