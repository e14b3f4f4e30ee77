/* src/bouncetag.c: placeholder, being written. */
