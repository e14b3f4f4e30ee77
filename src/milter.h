/* src/milter.h: placeholder, being written. */
