/* tests/check_policy.c: placeholder, being written. */
