/* tests/check_dsn.c: placeholder, being written. */
