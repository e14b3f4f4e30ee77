/* tests/check_mime.c: placeholder, being written. */
