/* src/rules_builtin.c: placeholder, being written. */
