/* src/rules_builtin.h: placeholder, being written. */
