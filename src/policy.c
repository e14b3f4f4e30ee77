/* src/policy.c: placeholder, being written. */
