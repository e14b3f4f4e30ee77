/* src/input.c: placeholder, being written. */
