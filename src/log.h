/* src/log.h: placeholder, being written. */
