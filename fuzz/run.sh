#!/usr/bin/env bash
# fuzz/run.sh - build the libFuzzer targets with clang and run them.
#
# Usage: fuzz/run.sh [SECONDS]          (default 120 seconds per target)
#
# Builds fuzz_engine (the engine fed as the milter feeds it, plus the
# X-Bounce-* header block checked), fuzz_config (the policy file reader)
# fuzz_hdrfmt (the header block from arbitrary result strings),
# fuzz_input (the command's file and mbox reader, src/input.c) and
# fuzz_milter (src/milter.c's callbacks over libmilter stubs)
# straight from src/*.c with clang -fsanitize=fuzzer,address,undefined, seeds
# them from tests/golden, tests/data, conf/ and the shared corpus
# ($BOUNCETAG_CORPUS, default ../shared/corpus beside the repository), then
# runs the targets at once, each for SECONDS, with -rss_limit_mb=512.
# A crash, leak, timeout or out-of-memory input is copied to
# fuzz/regress/TARGET/ (replayed by `make check`: fuzz/replay.c) and the
# script exits 1.  Exit 0 when nothing was found; 0 with a message when
# clang or libFuzzer is missing (nothing to do).
#
# Environment:
#   FUZZ_WORK     work directory (objects, corpora, logs): default
#                 _build-fuzz/libfuzzer in the repository
#   FUZZ_TARGETS  "engine config hdrfmt input milter" (default) or some
#   FUZZ_JOBS     parallel fuzzing processes per target (default 1)
#   CC            clang to use (default: clang, else clang-14)
#
# A longer run (an hour, 4 processes per target, corpus kept in FUZZ_WORK
# from one run to the next):
#   FUZZ_JOBS=4 fuzz/run.sh 3600
set -euo pipefail

secs=${1:-120}
case $secs in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
work=${FUZZ_WORK:-$top/_build-fuzz/libfuzzer}
targets=${FUZZ_TARGETS:-engine config hdrfmt input milter}
jobs=${FUZZ_JOBS:-1}
corpus=${BOUNCETAG_CORPUS:-$top/../shared/corpus}

cc=${CC:-}
if [ -z "$cc" ] || ! "$cc" --version 2>/dev/null | grep -q clang; then
	cc=
	for c in clang clang-14; do
		command -v "$c" >/dev/null 2>&1 && { cc=$c; break; }
	done
fi
if [ -z "$cc" ]; then
	echo "fuzz: clang not found: skipped (install clang to fuzz)"
	exit 0
fi
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
	"$cc" -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
	echo "fuzz: $cc cannot link libFuzzer: skipped"
	exit 0
fi
for pc in libpcre2-8 libconfuse; do
	pkg-config --exists "$pc" || { echo "fuzz: pkg-config $pc missing: skipped"; exit 0; }
done

mkdir -p "$work/obj" "$work/inc"
cd "$work"

# btconfig.h: from a configured build tree when there is one, else minimal.
if [ ! -f inc/btconfig.h ]; then
	found=
	for b in "$top"/_build*/btconfig.h "$top"/btconfig.h; do
		[ -f "$b" ] && { cp "$b" inc/btconfig.h; found=1; break; }
	done
	if [ -z "$found" ]; then
		ver=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top/configure.ac")
		printf '#ifndef _GNU_SOURCE\n# define _GNU_SOURCE 1\n#endif\n' > inc/btconfig.h
		printf '#define PACKAGE "bouncetag"\n#define PACKAGE_NAME "bouncetag"\n#define PACKAGE_VERSION "%s"\n#define VERSION "%s"\n#define PACKAGE_STRING "bouncetag %s"\n' \
			"$ver" "$ver" "$ver" >> inc/btconfig.h
	fi
fi

# The engine's and the policy file's sources, as Makefile.am lists them.
am_sources() {
	awk -v v="$1" '$1 == v || $1 == v"+=" {on=1} on {print; if ($0 !~ /\\$/) on=0}' \
		"$top/Makefile.am" | tr ' \t\\' '\n\n\n' | grep '\.c$' || true
}
engine_src=$(am_sources libbtengine_a_SOURCES)
conf_src=$(am_sources libbtconf_a_SOURCES)
[ -n "$engine_src" ] && [ -n "$conf_src" ] ||
	{ echo "fuzz: no engine or config sources in Makefile.am" >&2; exit 1; }

san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cflags="-g -O1 -Wall -Wextra -Wno-unused-parameter -I$work/inc -I$top/src $(pkg-config --cflags libpcre2-8 libconfuse)"
libs="$(pkg-config --libs libpcre2-8 libconfuse)"

newest_h=$(ls -t "$top"/src/*.h | head -1)
compile() {	# compile SRC [EXTRA...] -> object path printed
	local src=$1; shift
	local obj="$work/obj/$(echo "$src" | tr '/' '_' | sed 's/\.c$/.o/')"
	local quiet=	# the project's warnings are the gcc -Werror build's business
	case $src in src/*) quiet=-w;; esac
	if [ ! -f "$obj" ] || [ "$top/$src" -nt "$obj" ] || [ "$newest_h" -nt "$obj" ]; then
		"$cc" $cflags $quiet $san -fsanitize=fuzzer-no-link "$@" -c "$top/$src" -o "$obj" >&2
	fi
	echo "$obj"
}

echo "fuzz: building with $cc in $work"
objs=
for s in $engine_src; do objs="$objs $(compile "$s")"; done
conf_obj=
for s in $conf_src; do conf_obj="$conf_obj $(compile "$s")"; done
for t in $targets; do
	extra=
	[ "$t" = config ] && extra=$conf_obj
	[ "$t" = input ] && extra=$(compile src/input.c)
	[ "$t" = milter ] && extra="$conf_obj $(compile src/milter.c) $(compile src/log.c) -lpthread"
	tobj=$(compile "fuzz/fuzz_$t.c")
	"$cc" $san -fsanitize=fuzzer -o "fuzz_$t" "$tobj" $extra $objs $libs
done

# Seeds: messages get a control prefix (fuzz_engine.c) chosen from the name.
seed_engine() {
	python3 - "$work/seed-engine" "$@" <<'EOF'
import os, sys, zlib
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
n = 0
for root in sys.argv[2:]:
    if not os.path.exists(root):
        continue
    paths = [root] if os.path.isfile(root) else sorted(
        os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if not f.startswith('.'))
    for p in paths:
        with open(p, 'rb') as fh:
            data = fh.read(256 * 1024)
        h = zlib.crc32(p.encode())
        prefix = bytes([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, (h >> 24) & 0xff])
        with open(os.path.join(out, 's%06d' % n), 'wb') as fh:
            fh.write(prefix + data)
        n += 1
print('fuzz: %d engine seeds' % n)
EOF
}
mkdir -p seed-config seed-hdrfmt corpus-engine corpus-config corpus-hdrfmt corpus-input \
	corpus-milter
for t in $targets; do
	case $t in
	engine)	rm -rf seed-engine
		seed_engine "$top/tests/golden" "$top/tests/data" "$corpus/emails" "$corpus/negatives"
		[ -d "$top/fuzz/regress/engine" ] && cp "$top"/fuzz/regress/engine/* seed-engine/ 2>/dev/null || true;;
	config) rm -f seed-config/*
		for f in "$top"/conf/*.conf "$top"/tests/data/*.conf "$top"/tests/data/*/*.conf \
			"$top"/fuzz/regress/config/*; do
			[ -f "$f" ] && cp "$f" "seed-config/$(echo "$f" | tr '/' '_')"
		done
		echo "fuzz: $(ls seed-config | wc -l) config seeds";;
	input)	rm -rf seed-input; mkdir -p seed-input
		printf '\000From a@b Mon Mar  2 10:00:00 2026\nSubject: x\n\nbody\n>From here\n\nFrom b@c Mon\r\n\r\nx\n' > seed-input/s1
		printf '\003\n\nFrom \nFrom \n\n>>From x\nFrom y\n' > seed-input/s2
		n=3
		for f in "$corpus"/emails/mailbox/*; do
			[ -f "$f" ] || continue
			{ printf '\005'; head -c 60000 "$f"; } > "seed-input/s$n"; n=$((n + 1))
		done
		[ -d "$top/fuzz/regress/input" ] && cp "$top"/fuzz/regress/input/* seed-input/ 2>/dev/null || true;;
	milter)	# the engine's seeds: byte 0 flags, 1-2 chunk seeds, then the message
		rm -rf seed-milter
		[ -d seed-engine ] || seed_engine "$top/tests/golden" "$top/tests/data" \
			"$corpus/emails" "$corpus/negatives"
		mkdir -p seed-milter
		for f in seed-engine/*; do	# drop byte 3: a 3-byte prefix here
			{ head -c 3 "$f"; tail -c +5 "$f"; } > "seed-milter/${f##*/}"
		done
		[ -d "$top/fuzz/regress/milter" ] && cp "$top"/fuzz/regress/milter/* seed-milter/ 2>/dev/null || true;;
	hdrfmt) rm -f seed-hdrfmt/*
		printf '\003tag\000mx.example.org\000<id@example.com>\000nobody@example.net\000smtp; 550 5.1.1 unknown\000mx.example.net\0005.1.1\000550\000userunknown\000Bad destination mailbox\000a@b\000=?utf-8?q?x=0D=0A?=\000h\0004.2.2\000452\000mailboxfull\000full\000c\303\251@d\000\r\nX-Bounce-Class: none\000' > seed-hdrfmt/s1
		printf '\031reject\000\377\376\000<a\tb>\000x\000' > seed-hdrfmt/s2
		[ -d "$top/fuzz/regress/hdrfmt" ] && cp "$top"/fuzz/regress/hdrfmt/* seed-hdrfmt/ 2>/dev/null || true;;
	esac
done

# Run every target at once.
status=0
pids=
for t in $targets; do
	mkdir -p "art-$t"
	rm -f "art-$t"/*
	case $t in engine|input|milter) maxlen=65536;; hdrfmt) maxlen=4096;; *) maxlen=8192;; esac
	dict=
	[ -f "$top/fuzz/$t.dict" ] && dict="-dict=$top/fuzz/$t.dict"
	fork=
	[ "$jobs" -gt 1 ] && fork="-fork=$jobs -ignore_crashes=0"
	echo "fuzz: running fuzz_$t for ${secs}s (log $work/fuzz_$t.log)"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"./fuzz_$t" -max_total_time="$secs" -max_len="$maxlen" -rss_limit_mb=512 \
		-malloc_limit_mb=512 -timeout=20 -print_final_stats=1 $dict $fork \
		-artifact_prefix="$work/art-$t/" "corpus-$t" "seed-$t" > "fuzz_$t.log" 2>&1 &
	pids="$pids $!:$t"
done
for pt in $pids; do
	pid=${pt%%:*}; t=${pt#*:}
	if wait "$pid"; then
		echo "fuzz: fuzz_$t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "fuzz_$t.log" | tail -1 | awk '{print $2}') runs, no crash"
	else
		echo "fuzz: fuzz_$t FAILED; last lines of $work/fuzz_$t.log:"
		tail -40 "fuzz_$t.log"
		status=1
	fi
	for a in "art-$t"/*; do
		[ -f "$a" ] || continue
		mkdir -p "$top/fuzz/regress/$t"
		cp "$a" "$top/fuzz/regress/$t/"
		echo "fuzz: new regression input fuzz/regress/$t/$(basename "$a")"
		status=1
	done
done
exit $status
