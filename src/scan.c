/* src/scan.c: placeholder, being written. */
