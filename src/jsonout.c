/* src/jsonout.c: placeholder, being written. */
