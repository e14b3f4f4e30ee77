/* src/input.h: placeholder, being written. */
