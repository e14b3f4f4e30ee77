#!/bin/sh
# golden.sh - run `bouncetag --format=json` on each tests/golden/*.eml and
# compare with tests/golden/*.json, also with body chunks of 1 and 7 bytes
# (the result must not depend on them).  `golden.sh --update` rewrites the
# expectations (check them by hand before committing: they must be right,
# not just what the code prints today).
# Env: top_srcdir (default: the parent of this script's directory),
# BOUNCETAG (default: ./bouncetag).  Exit 0 pass, 1 fail, 77 skip.
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/..}
bt=${BOUNCETAG:-./bouncetag}
case $bt in /*) ;; *) bt=$(pwd)/$bt ;; esac
update=0
[ "${1:-}" = "--update" ] && update=1
if [ ! -x "$bt" ]; then
	echo "golden: $bt not found or not executable (set BOUNCETAG)" >&2
	exit 77
fi
cd "$top_srcdir/tests/golden" || exit 1
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp" "$tmp.err" "$tmp.exp"' EXIT
fail=0
n=0
for eml in *.eml; do
	[ -f "$eml" ] || continue
	n=$((n + 1))
	exp=${eml%.eml}.json
	# Relative file name, so output does not depend on the build directory.
	"$bt" --format=json "$eml" >"$tmp" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL $eml: bouncetag exited $rc" >&2
		cat "$tmp" >&2
		fail=$((fail + 1))
		continue
	fi
	if [ $update -eq 1 ]; then
		cp "$tmp" "$exp"
		echo "updated $exp"
	elif [ ! -f "$exp" ]; then
		echo "FAIL $eml: no expectation $exp (run golden.sh --update)" >&2
		fail=$((fail + 1))
	elif ! diff -u "$exp" "$tmp" >&2; then
		echo "FAIL $eml: output differs from $exp" >&2
		fail=$((fail + 1))
	else
		# The result must not depend on how the body is cut into chunks.
		for chunk in 1 7; do
			"$bt" --format=json --chunk $chunk "$eml" 2>&1 | cmp -s - "$exp" || {
				echo "FAIL $eml: output with --chunk $chunk differs from $exp" >&2
				fail=$((fail + 1))
				continue 2
			}
		done
		echo "ok   $eml"
	fi
done
# The command itself: exit status, standard input, errors naming the file.
check() {	# check NAME EXPECTED-STATUS ACTUAL-STATUS
	if [ "$2" != "$3" ]; then
		echo "FAIL command: $1 (exit $3, wanted $2)" >&2
		fail=$((fail + 1))
	else
		echo "ok   command: $1"
	fi
}
if [ $update -eq 0 ]; then
	"$bt" >/dev/null 2>&1; check "no argument is a usage error" 2 $?
	"$bt" --format=xml postfix-dsn.eml >/dev/null 2>&1; check "bad --format" 2 $?
	"$bt" --chunk 0 postfix-dsn.eml >/dev/null 2>&1; check "bad --chunk" 2 $?
	"$bt" --bogus >/dev/null 2>&1; check "unknown option" 2 $?
	"$bt" --help >/dev/null 2>&1; check "--help" 0 $?
	"$bt" --format=json no-such.eml postfix-dsn.eml >"$tmp" 2>"$tmp.err"
	check "unreadable input gives 1" 1 $?
	grep -q 'no-such.eml' "$tmp.err"; check "error names the file" 0 $?
	grep -q '"file":"postfix-dsn.eml"' "$tmp"; check "other inputs still read" 0 $?
	sed 's/"file":"postfix-dsn.eml"/"file":"-"/' postfix-dsn.json >"$tmp.exp"
	"$bt" --format=json - <postfix-dsn.eml >"$tmp" 2>&1
	cmp -s "$tmp" "$tmp.exp"; check "standard input" 0 $?
	"$bt" --format=json - <mbox-two.eml | grep -c '"message":1,' >"$tmp"
	[ "$(cat "$tmp")" = 1 ]; check "mbox on standard input" 0 $?
	# CR-only line ends (old Mac OS files) read as LF ones; the second
	# time the first line's CR ends the first read (held for the next)
	sed 's/"file":"qmail-text.eml"/"file":"-"/' qmail-text.json >"$tmp.exp"
	tr '\n' '\r' <qmail-text.eml | "$bt" --format=json - >"$tmp" 2>&1
	cmp -s "$tmp" "$tmp.exp"; check "CR-only line ends" 0 $?
	{ head -n 1 qmail-text.eml | tr '\n' '\r'; sleep 0.3
	  tail -n +2 qmail-text.eml | tr '\n' '\r'; } |
		"$bt" --format=json - >"$tmp" 2>&1
	cmp -s "$tmp" "$tmp.exp"; check "CR-only line ends, first CR alone in a read" 0 $?
	tr '\n' '\r' <mbox-two.eml | "$bt" --format=json - | grep -c '"message":1,' >"$tmp"
	[ "$(cat "$tmp")" = 1 ]; check "CR-only mbox" 0 $?
	"$bt" --list-codes | grep -q '^5\.1\.1	userunknown	'; check "--list-codes" 0 $?
	"$bt" --format=headers postfix-dsn.eml | head -1 >"$tmp"
	[ "$(cat "$tmp")" = "==> postfix-dsn.eml [message 0] action=tag" ]
	check "--format=headers first line" 0 $?
	rm -f "$tmp.err" "$tmp.exp"
fi
echo "golden: $n files, $fail failed"
[ $fail -eq 0 ]
