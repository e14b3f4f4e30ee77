/* src/daemon.h: placeholder, being written. */
