/* src/rawfeed.c: placeholder, being written. */
