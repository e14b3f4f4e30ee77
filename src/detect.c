/* src/detect.c: placeholder, being written. */
