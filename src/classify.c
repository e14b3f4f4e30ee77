/* src/classify.c: placeholder, being written. */
