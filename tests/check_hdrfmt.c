/* tests/check_hdrfmt.c: placeholder, being written. */
