#!/bin/sh
# accuracy.sh CORPUS_DIR - how bouncetag's classification compares with the
# labels of a corpus (and with Sisimai 4.25 on it).  A report, not a test:
# exit 0, or 2 when the corpus or python3 is missing.  See accuracy.py.
here=$(dirname "$0")
if [ $# -ne 1 ]; then
	echo "usage: $0 CORPUS_DIR" >&2
	exit 2
fi
if [ ! -d "$1" ] || [ ! -f "$1/labels.tsv" ]; then
	echo "accuracy: corpus directory '$1' not found (it needs labels.tsv and emails/)" >&2
	exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "accuracy: python3 is needed" >&2
	exit 2
fi
exec python3 "$here/accuracy.py" "$1"
