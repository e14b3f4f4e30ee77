#!/usr/bin/env bash
# check.sh - the README's test command.  Installs the Debian packages that
# are missing, builds with warnings as errors and runs every test:
#   1. make check: Check unit tests, golden files through the command, the
#      hostile-input suite, miltertest protocol tests against the real
#      daemon, end to end through a private Postfix on 127.0.0.1; then the
#      load and fault test through Postfix (tests/load.sh);
#   2. the unit and protocol tests again under AddressSanitizer and
#      UndefinedBehaviorSanitizer (LeakSanitizer included);
#   3. the unit tests, the command and the daemon (its miltertest
#      protocol tests) under valgrind, failing on leaks and errors;
#   4. variant builds (clang; plain C without SSE2/AVX2; the rule
#      prefilter's self-check) through the unit and golden tests, each
#      giving the same output as the normal build on the corpus;
#   5. short libFuzzer runs on the engine, the policy-file parser, the
#      header formatter, the input reader and the milter glue;
#   6. make distcheck (tarball builds and passes its own tests);
#   7. the accuracy report on the labelled corpus, and the perturbation
#      test (tests/perturb.py) on it, when it is there.
# Exits non-zero when anything fails.  Set QUICK=1 to stop after step 1.
set -euo pipefail
cd "$(dirname "$0")"
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

step() { printf '\n===== %s =====\n' "$*"; }

show_failures() {
	local f
	for f in "$1"/tests/*.trs; do
		[ -f "$f" ] || continue
		if grep -q '^:test-result: \(FAIL\|ERROR\)' "$f"; then
			echo "--- ${f%.trs}.log"
			tail -60 "${f%.trs}.log"
		fi
	done
}

# run_check DIR CONFIGURE-ARGS... : configure and build in DIR, run make check.
run_check() {
	local dir=$1; shift
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top"/configure "$@" >/dev/null; } \
		&& make -j"$jobs" >/dev/null)
	if ! (cd "$dir" && make -j"$jobs" check ${TESTS_OVERRIDE:+TESTS="$TESTS_OVERRIDE"}); then
		show_failures "$dir"
		return 1
	fi
}

step "install missing packages"
./install-deps.sh test

step "build and make check"
[ -x configure ] || autoreconf -fi
run_check _build --enable-werror
[ "${QUICK:-0}" = 1 ] && exit 0

if [ -x tests/load.sh ]; then
	step "load and faults through Postfix"
	rc=0
	(cd _build && BOUNCETAG="$top/_build/bouncetag" BOUNCETAGD="$top/_build/bouncetagd" \
		top_srcdir="$top" top_builddir="$top/_build" "$top"/tests/load.sh) || rc=$?
	case $rc in 0) ;; 77) echo "load: skipped" ;; *) echo "load: failed ($rc)"; exit 1 ;; esac
fi

step "unit and protocol tests under ASan + UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
unit=$(make -s -C _build print-unit-tests)
TESTS_OVERRIDE="$unit tests/golden.sh tests/milter.sh" \
	run_check _build-san --enable-werror --enable-sanitizers
unset ASAN_OPTIONS UBSAN_OPTIONS

step "unit tests and the command under valgrind"
export BOUNCETAG_NO_JIT=1	# valgrind cannot follow PCRE2's JIT code
vg="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
for t in $unit; do
	echo "valgrind $t"
	(cd _build && CK_FORK=no top_srcdir="$top" $vg "./$t" >/dev/null) \
		|| { echo "valgrind: $t failed or leaked"; exit 1; }
done
for f in tests/golden/*.eml; do
	$vg _build/bouncetag --format=json "$f" >/dev/null \
		|| { echo "valgrind: bouncetag $f failed or leaked"; exit 1; }
done
vglogs=$(mktemp -d /tmp/bt-vg.XXXXXX); chmod 1777 "$vglogs"
echo "valgrind tests/milter.sh (the daemon under valgrind)"
(cd _build && BT_DAEMON_WRAPPER="$vg --vgdb=no --log-file=$vglogs/vg.%p.log" \
	top_srcdir="$top" top_builddir=. BOUNCETAGD="$top/_build/bouncetagd" \
	BOUNCETAG="$top/_build/bouncetag" "$top"/tests/milter.sh >"$vglogs/milter.out" 2>&1) \
	|| { tail -30 "$vglogs/milter.out"; echo "valgrind: milter.sh failed"; exit 1; }
if grep -l -e 'definitely lost' -e 'indirectly lost' -e 'Invalid ' -e 'uninitialised' \
	"$vglogs"/vg.*.log 2>/dev/null; then
	cat "$vglogs"/vg.*.log | head -60
	echo "valgrind: the daemon leaked or erred"
	exit 1
fi
tail -1 "$vglogs/milter.out"
rm -rf "$vglogs"
echo "valgrind: clean"
unset BOUNCETAG_NO_JIT

step "variant builds: clang, plain C, prefilter self-check"
# The same sources three more ways, each through the unit and golden tests:
#   clang       the fuzzers' compiler, with -Werror too;
#   plain C     the SSE2/AVX2 paths compiled out, so the portable fallbacks
#               (what non-x86 machines run) are tested here;
#   prefilter   -DRULESET_LIT_CHECK: every rule the literal prefilter skips
#               is run anyway, aborting if it would have matched.
# With the corpus present, each must give byte-identical JSON to _build.
clang=$(command -v clang-14 || command -v clang || true)
variants="_build-plain _build-litchk"
TESTS_OVERRIDE="$unit tests/golden.sh" run_check _build-plain --enable-werror \
	CFLAGS="-O2 -g -U__SSE2__ -U__AVX2__"
TESTS_OVERRIDE="$unit tests/golden.sh" run_check _build-litchk --enable-werror \
	CFLAGS="-O2 -g -DRULESET_LIT_CHECK"
if [ -n "$clang" ]; then
	TESTS_OVERRIDE="$unit tests/golden.sh" run_check _build-clang --enable-werror CC="$clang"
	variants="$variants _build-clang"
fi
CORPUS=${BOUNCETAG_CORPUS:-$top/../shared/corpus}
if [ -d "$CORPUS/emails" ]; then
	ref=$(mktemp /tmp/bt-variant.XXXXXX)
	_build/bouncetag --format=json "$CORPUS/emails" "$CORPUS/negatives" >"$ref"
	for v in $variants; do
		"$v"/bouncetag --format=json "$CORPUS/emails" "$CORPUS/negatives" | cmp -s - "$ref" \
			|| { rm -f "$ref"; echo "variant $v: output differs from _build on the corpus"; exit 1; }
		echo "variant $v: same output on the corpus ($(wc -l <"$ref") results)"
	done
	rm -f "$ref"
else
	echo "variants: corpus not found at $CORPUS: output not compared"
fi

if [ -x fuzz/run.sh ]; then
	step "fuzzers (bounded)"
	fuzz/run.sh "${FUZZ_SECONDS:-60}"
fi

step "make distcheck"
(cd _build && make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >/dev/null) \
	|| { echo "make distcheck failed"; exit 1; }
echo "distcheck: ok"

step "accuracy on the labelled corpus"
# The corpus lives beside the project only in the developers' workspace.
CORPUS=${BOUNCETAG_CORPUS:-$top/../shared/corpus}
if [ -d "$CORPUS/emails" ]; then
	(cd _build && BOUNCETAG="$top/_build/bouncetag" "$top"/tests/accuracy.sh "$CORPUS")
	step "perturbation: the same results for renamed, refolded, CRLF, ... copies"
	BOUNCETAG="$top/_build/bouncetag" python3 tests/perturb.py --strict "$CORPUS" \
		|| { echo "perturb: results changed under a perturbation"; exit 1; }
else
	echo "accuracy: corpus not found at $CORPUS (set BOUNCETAG_CORPUS): skipped"
fi
# One closing line for whoever reads the log: the automake test results of
# the normal, sanitizer and variant builds (the other stages stop the script on
# failure, so reaching here means they passed).
trs=$(find _build _build-san _build-plain _build-litchk _build-clang -name '*.trs' -not -path '*/bouncetag-*' 2>/dev/null)
npass=$(cat $trs /dev/null | grep -c '^:test-result: PASS' || true)
nfail=$(cat $trs /dev/null | grep -c '^:test-result: \(FAIL\|ERROR\)' || true)
echo "check.sh: $npass passed, $nfail failed"
