#!/usr/bin/env bash
# check.sh - the README's test command: installs what is missing, builds
# with warnings as errors, runs every test (unit, golden, milter protocol,
# end to end through Postfix), then the accuracy report when the corpus is
# there.  Exit status non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")"
./install-deps.sh test
[ -x configure ] || autoreconf -fi
mkdir -p _build
cd _build
[ -f Makefile ] || ../configure --enable-werror
make -j"$(nproc)"
if ! make -j2 check; then
	for f in tests/*.log; do
		grep -q '^FAIL\|^ERROR' "${f%.log}.trs" 2>/dev/null && { echo "=== $f"; tail -50 "$f"; }
	done
	exit 1
fi
# The corpus lives beside the project only in the developers' workspace.
CORPUS=${BOUNCETAG_CORPUS:-$(cd .. && pwd)/../shared/corpus}
if [ -d "$CORPUS/emails" ]; then
	../tests/accuracy.sh "$CORPUS"
else
	echo "accuracy: corpus not found at $CORPUS (set BOUNCETAG_CORPUS): skipped"
fi
