/* tests/check_engine.c: placeholder, being written. */
