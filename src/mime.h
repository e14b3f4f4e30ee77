/* src/mime.h: placeholder, being written. */
