/* tests/check_output.c: placeholder, being written. */
