/* src/engine.c: placeholder, being written. */
