/* src/detect.h: placeholder, being written. */
