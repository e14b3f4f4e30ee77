/* tests/check_codes.c: placeholder, being written. */
