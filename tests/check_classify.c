/* tests/check_classify.c: placeholder, being written. */
