/* tests/check_config.c: placeholder, being written. */
