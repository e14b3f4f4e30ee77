/* src/engine_int.h: placeholder, being written. */
