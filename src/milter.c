/* src/milter.c: placeholder, being written. */
