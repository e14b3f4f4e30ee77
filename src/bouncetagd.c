/* src/bouncetagd.c: placeholder, being written. */
