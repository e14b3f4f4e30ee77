/* src/jsonout.h: placeholder, being written. */
