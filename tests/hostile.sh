#!/bin/sh
# tests/hostile.sh - hostile messages through `bouncetag`: injection into
# every copied field, NUL bytes, invalid UTF-8, deep and wide MIME, huge
# lines, headers and messages.  Checks exit status, peak memory (< 64 MB,
# HOSTILE_MAX_RSS_KB to change) and that --format=headers output cannot be
# forged (tests/hostile/check.py says exactly what is checked, gen.py what
# each case is and its expected outcome).  The messages are generated into a
# temporary directory (about 50 MB) and removed afterwards.
#   BOUNCETAG=path/to/bouncetag tests/hostile.sh [--quick]
# Exit 77 (skipped) when python3 or the command is missing.
set -u
top=${top_srcdir:-$(dirname "$0")/..}
prog=${BOUNCETAG:-${top_builddir:-.}/bouncetag}
command -v python3 >/dev/null 2>&1 || { echo "hostile: python3 missing: skipped"; exit 77; }
[ -x "$prog" ] || { echo "hostile: $prog not built: skipped"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
python3 "$top/tests/hostile/gen.py" "$dir" "$@" || exit 1
python3 "$top/tests/hostile/check.py" "$prog" "$dir" "${HOSTILE_MAX_RSS_KB:-65536}"
