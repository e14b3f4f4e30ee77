/* src/hdrfmt.c: placeholder, being written. */
