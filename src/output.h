/* src/output.h: placeholder, being written. */
