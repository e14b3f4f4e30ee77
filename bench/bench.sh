#!/usr/bin/env bash
# bench/bench.sh - offline benchmark of `bouncetag` against Sisimai 4.25.
#
# Usage: bench/bench.sh [CORPUS_DIR] [N]
#   CORPUS_DIR  default ../shared/corpus beside the repository (or
#               $BOUNCETAG_CORPUS); every file under CORPUS_DIR/emails and
#               CORPUS_DIR/negatives is used (mbox files are split).
#   N           messages to classify, at least (default 50000).
# Environment:
#   BOUNCETAG   the command (default: the newest _build*/bouncetag)
#   SISIMAI_N   messages given to Sisimai (default 5000, "all" for N; it is
#               about a hundred times slower, and its rate does not depend
#               on the count); SISIMAI=0 skips it
#   BENCH_TMP   where the temporary mboxes go (default $TMPDIR or /tmp)
#   BENCH_RUNS  runs of bouncetag and of Sisimai, taken in turns (default
#               5: one slow run of either moves a median of five less
#               than one of three); the ratio is that of the median rates,
#               with the range of the ratios of the runs taken side by side
#
# What it does: concatenates the corpus messages, repeated until there are
# N of them, into one mbox in a temporary directory ("From " lines inside
# a message escaped mboxrd-style), then, single-threaded, one process each:
#   1. `cat MBOX > /dev/null` and `wc -l MBOX`: the floor, one plain pass
#      over the same bytes;
#   2. `bouncetag --format=json MBOX > /dev/null` (one start-up for all;
#      one more run into a file, shown apart, checks the output);
#   3. Sisimai 4.25 (Debian's libsisimai-perl), Sisimai->make() on an mbox
#      holding the first SISIMAI_N of the same messages, when installed.
# For each it prints wall-clock seconds, messages and MB per second, CPU
# seconds (user + system) and messages per CPU second, and peak RSS (GNU
# time's %M, else VmHWM polled from /proc), then the ratios: bouncetag /
# Sisimai in messages per CPU second (steady on a busy machine; the
# wall-clock ratio is shown too), and bouncetag's CPU time over the floor's.  Targets (see the README): at least 100 x Sisimai's messages per
# second; peak RSS under 10 MB whatever the number of messages.
# Also checks that bouncetag saw every message (the "message" indexes of
# its JSON output).  Exit 1 when the command fails or misses messages.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-${BOUNCETAG_CORPUS:-$top/../shared/corpus}}
n=${2:-50000}
prog=${BOUNCETAG:-$(ls -t "$top"/_build*/bouncetag 2>/dev/null | head -1 || true)}
[ -n "$prog" ] && [ -x "$prog" ] || { echo "bench: bouncetag not built (set BOUNCETAG)" >&2; exit 1; }
[ -d "$corpus/emails" ] || { echo "bench: no corpus at $corpus (CORPUS_DIR/emails)" >&2; exit 1; }
tmp=$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

sis=${SISIMAI:-1}
sisn=${SISIMAI_N:-5000}
[ "$sisn" = all ] && sisn=$n
if [ "$sis" != 0 ] && ! perl -MSisimai -e 1 2>/dev/null; then
	echo "bench: Sisimai (libsisimai-perl) not installed: no comparison"
	sis=0
fi

cat > "$tmp/sisimai.pl" <<'EOF'
# Classify an mbox with Sisimai; print the number of messages and results.
use strict;
use warnings;
use Sisimai;
my ($mbox) = @ARGV;
my $v = Sisimai->make($mbox, 'delivered' => 1) || [];
printf "sisimai: %d results\n", scalar @$v;
EOF

runs=${BENCH_RUNS:-5}
case $runs in ''|*[!0-9]*|0) echo "bench: BENCH_RUNS must be a number >= 1" >&2; exit 1 ;; esac
python3 - "$prog" "$corpus" "$n" "$sisn" "$sis" "$tmp" "$runs" <<'EOF'
import json, os, re, statistics, subprocess, sys, time
prog, corpus, n, sisn, sis, tmp, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    int(sys.argv[4]), sys.argv[5] != '0', sys.argv[6], int(sys.argv[7])

# The messages, in a fixed order.
msgs = []
for sub in ('emails', 'negatives'):
    root = os.path.join(corpus, sub)
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for f in sorted(files):
            if f.startswith('.'):
                continue
            data = open(os.path.join(d, f), 'rb').read()
            if data.startswith(b'From '):    # an mbox: split it
                parts = re.split(rb'(?:^|\n)(?=From )', data)
                msgs += [p.split(b'\n', 1)[1] if b'\n' in p else b'' for p in parts if p]
            elif data:
                msgs.append(data)
esc = re.compile(rb'^(>*From )', re.M)
framed = []
for m in msgs:
    m = esc.sub(rb'>\1', m)
    if not m.endswith(b'\n'):
        m += b'\n'
    framed.append(b'From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n' + m + b'\n')

def build(path, count):
    size = 0
    with open(path, 'wb') as f:
        for i in range(count):
            f.write(framed[i % len(framed)])
            size += len(framed[i % len(framed)])
    return size

reps = -(-n // len(framed))
n = reps * len(framed)
mbox = os.path.join(tmp, 'bench.mbox')
size = build(mbox, n)
print('bench: %d corpus messages x %d = %d messages, %.1f MB in one mbox' % (
    len(framed), reps, n, size / 1e6))

def vmhwm(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0

TIME = '/usr/bin/time'
def run(cmd, out=subprocess.DEVNULL):
    """Wall-clock seconds, CPU seconds (user + system) and peak RSS (KB) of
    cmd.  Peak RSS from GNU time when installed (adds ~1 MB, its own), else
    VmHWM polled from /proc: os.wait4's ru_maxrss would count this Python
    process (Linux keeps the high-water mark from before exec)."""
    tf = os.path.join(tmp, 'time.out')
    use_time = os.access(TIME, os.X_OK)
    full = [TIME, '-q', '-f', '%M', '-o', tf] + cmd if use_time else cmd
    t0 = time.perf_counter()
    p = subprocess.Popen(full, stdout=out, stdin=subprocess.DEVNULL)
    hwm = 0
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if not use_time:
            hwm = max(hwm, vmhwm(p.pid))
        time.sleep(0.001)
    p.returncode = 0
    secs = time.perf_counter() - t0
    if status != 0:
        sys.exit('bench: %s failed (status %d)' % (cmd[0], status))
    if use_time:
        with open(tf) as f:
            hwm = int(f.read().split()[-1])
    return secs, ru.ru_utime + ru.ru_stime, hwm

def show(what, r, count, nbytes):
    secs, cpu, rss = r
    print('%-30s %7.3f s %9.0f msg/s %7.1f MB/s | CPU %7.3f s %9.0f msg/s | peak RSS %5.1f MB' % (
        what, secs, count / secs, nbytes / 1e6 / secs, cpu, count / max(cpu, 1e-6), rss / 1024))
    return count / max(cpu, 1e-6)

run(['cat', mbox])                       # warm the page cache
floor = run(['cat', mbox])
show('floor: cat', floor, n, size)
show('floor: wc -l', run(['wc', '-l', mbox]), n, size)
out = os.path.join(tmp, 'out.json')
if sis:
    sn = min(sisn, n)
    smbox = os.path.join(tmp, 'sisimai.mbox')
    ssize = build(smbox, sn)
# bouncetag and Sisimai in turns, so that both see the same machine load
# Once with the JSON kept in a file: every message must be in it.  This run
# is shown but not in the ratio: Sisimai's results stay in memory, so the
# timed runs below send the JSON (formatted and written all the same) to
# /dev/null, and the kernel's copy into a file is not counted for either.
with open(out, 'wb') as f:
    to_file = run([prog, '--format=json', mbox], out=f)
seen = set()
with open(out) as f:
    for line in f:
        seen.add(json.loads(line).get('message'))
os.unlink(out)
bts, sss = [], []
for i in range(runs):
    bts.append(run([prog, '--format=json', mbox]))
    if sis:
        sss.append(run(['perl', os.path.join(tmp, 'sisimai.pl'), smbox]))
tag = lambda what, i: what if runs == 1 else '%s #%d' % (what, i + 1)
show('bouncetag --format=json > file', to_file, n, size)
bt_rates = [show(tag('bouncetag --format=json', i), r, n, size) for i, r in enumerate(bts)]
bt_rate = statistics.median(bt_rates)
bt = sorted(bts, key=lambda r: r[1])[len(bts) // 2]     # the median run
print('%-30s %7.1f x the floor (cat), CPU time (median run)' % ('', bt[1] / max(floor[1], 1e-3)))
status = 0
if len(seen) != n:
    print('bench: bouncetag reported %d messages, expected %d' % (len(seen), n))
    status = 1
rss = max(r[2] for r in bts)
if sis:
    s_rates = [show(tag('Sisimai 4.25 (%d msgs)' % sn, i), r, sn, ssize) for i, r in enumerate(sss)]
    s_rate = statistics.median(s_rates)
    sr = sorted(sss, key=lambda r: r[1])[len(sss) // 2]
    pair = [b / s for b, s in zip(bt_rates, s_rates)]
    print('ratio: bouncetag is %.0f x Sisimai in msg/s of CPU time (medians of %d runs; '
          'runs side by side %.0f-%.0f x; %.0f x by wall clock; target >= 100), '
          'peak RSS %.1f MB vs %.1f MB (target < 10 MB)' % (
              bt_rate / s_rate, runs, min(pair), max(pair), (n / bt[0]) / (sn / sr[0]),
              rss / 1024, max(r[2] for r in sss) / 1024))
else:
    print('peak RSS %.1f MB (target < 10 MB)' % (rss / 1024))
sys.exit(status)
EOF
