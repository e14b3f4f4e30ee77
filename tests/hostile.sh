#!/bin/sh
# tests/hostile.sh - hostile messages through `bouncetag` and `bouncetagd`:
# injection into every copied field, NUL bytes, invalid UTF-8, deep and
# wide MIME, huge lines, headers and messages.  Checks exit status, peak
# memory (< 64 MB; HOSTILE_MAX_RSS_KB to change) and that the header block
# cannot be forged (tests/hostile/check.py says exactly what is checked,
# gen.py what each case is and its expected outcome).  The messages are
# generated into a temporary directory (about 90 MB) removed afterwards.
#
#   BOUNCETAG=path/to/bouncetag [BOUNCETAGD=path/to/bouncetagd] \
#       tests/hostile.sh [--quick] [--no-milter]
#
# When miltertest and bouncetagd are there, every case also goes through
# the daemon (tests/hostile/milter.lua, on a unix socket in the temporary
# directory): miltertest must succeed, the daemon must survive every case,
# and its peak RSS must stay under the limit.  --quick leaves out the 40 MB
# messages.  Exit 77 (skipped) when python3 or the command is missing.
set -u
top=${top_srcdir:-$(dirname "$0")/..}
prog=${BOUNCETAG:-${top_builddir:-.}/bouncetag}
daemon=${BOUNCETAGD:-${top_builddir:-.}/bouncetagd}
quick= milter=yes
for a in "$@"; do
	case $a in
	--quick) quick=--quick;;
	--no-milter) milter=;;
	*) echo "usage: $0 [--quick] [--no-milter]" >&2; exit 2;;
	esac
done
command -v python3 >/dev/null 2>&1 || { echo "hostile: python3 missing: skipped"; exit 77; }
[ -x "$prog" ] || { echo "hostile: $prog not built: skipped"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX") || exit 1
dpid=
cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
python3 "$top/tests/hostile/gen.py" "$dir/cases" $quick || exit 1

if [ -n "$milter" ] && [ -x "$daemon" ] && command -v miltertest >/dev/null 2>&1; then
	printf 'allow-root = true\n' > "$dir/test.conf"
	"$daemon" -f -c "$dir/test.conf" -p "unix:$dir/milter.sock" > "$dir/daemon.log" 2>&1 &
	dpid=$!
	i=0
	while [ ! -S "$dir/milter.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if [ ! -S "$dir/milter.sock" ]; then
		echo "hostile: bouncetagd did not start:"; cat "$dir/daemon.log"; exit 1
	fi
	export HOSTILE_MILTER_SOCK="unix:$dir/milter.sock" HOSTILE_MILTER_PID=$dpid
	export HOSTILE_MILTER_LUA="$top/tests/hostile/milter.lua"
else
	echo "hostile: miltertest or $daemon missing: command only"
fi
python3 "$top/tests/hostile/check.py" "$prog" "$dir/cases" "${HOSTILE_MAX_RSS_KB:-65536}"
rc=$?
[ $rc -ne 0 ] && [ -n "$dpid" ] && { echo "--- daemon log"; tail -20 "$dir/daemon.log"; }
exit $rc
