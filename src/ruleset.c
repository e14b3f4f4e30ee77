/* src/ruleset.c: placeholder, being written. */
