/* src/daemon.c: placeholder, being written. */
