/*
 * input.h - read the command's inputs and feed each message to the engine
 * through a rawfeed, in small chunks, as the milter would.  An input is a
 * single message file, an mbox file (first line "From "), a maildir (cur/
 * and new/), a directory (every regular file, sorted, subdirectories and
 * maildirs included) or "-" for standard input (which may be an mbox).
 * Streams in fixed-size reads: memory does not grow with file size.
 */
#ifndef BT_INPUT_H
#define BT_INPUT_H

#include <stddef.h>
#include "rawfeed.h"

typedef struct input_opts {
	const char *sender;	/* envelope sender to assume, or NULL */
	size_t chunk;		/* bytes per rawfeed_feed() call (0: 4096) */
	/* Optional: sees every chunk given to rawfeed_feed() (for tests). */
	void (*tap)(void *tap_arg, size_t msgno, const char *buf, size_t len);
	void *tap_arg;
} input_opts;

/* Called once per message: file is the path as given (or joined below a
 * directory argument), msgno the 0-based index of the message in that
 * file.  r is valid only during the call. */
typedef void (*input_fn)(void *arg, const char *file, size_t msgno,
			 const bt_result *r);

/* Read one argument.  Errors are printed to stderr, naming the file, and
 * reading goes on with the other files.  Returns 0 when everything was
 * read, -1 when something could not be read. */
int input_path(rawfeed *rf, const char *path, const input_opts *o,
	       input_fn fn, void *arg);

/* Read one open descriptor (a message or an mbox) named `name`. */
int input_fd(rawfeed *rf, int fd, const char *name, const input_opts *o,
	     input_fn fn, void *arg);

/* The vector code the mbox reader runs (tests): 3 AVX-512, 2 AVX2, 1
 * SSE2, 0 a byte at a time, at most what the build and the CPU have; -1
 * the best.
 * Returns the level taken. */
int input_simd_force(int level);

#endif
