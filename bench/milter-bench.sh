#!/bin/bash
# bench/milter-bench.sh - messages per second through a private Postfix on
# 127.0.0.1 with no milter, a null milter and bouncetagd, over a unix socket
# and over TCP.  Not part of CI.  As root, from the source tree:
#
#   BOUNCETAGD=_build/bouncetagd bench/milter-bench.sh
#
# Environment (defaults): BENCH_N (3000) messages per run, BENCH_SESSIONS
# (20) parallel SMTP sessions, BENCH_ROUNDS (3) rounds, BENCH_CONNS (200)
# connections for the memory test, BENCH_KEEP=1 keeps the temp dir.
# About 3 minutes with the defaults on 2 CPUs.
#
# Configurations, one smtpd listener each (no reload between runs), run
# alternately in every round (rotated order):
#   none      no milter
#   null-unix bench/nullmilter.c (built here with cc -lmilter) on a unix
#             socket, with -e (accepts non-bounces at end of headers, as
#             bouncetagd does) and -r (no-reply steps, as bouncetagd on a
#             unix socket)
#   null-tcp  the same on 127.0.0.1 TCP, with -e and -N (TCP_NODELAY); on
#             TCP it keeps the DATA step, as bouncetagd does (skipping it
#             costs a 40 ms Nagle stall per message on the MTA's side)
#   btd-unix  bouncetagd, default policy (tag bounces), unix socket
#   btd-tcp   bouncetagd on 127.0.0.1 TCP
# Mixes: "ord" = 90% generated ordinary mail (2 KB, a sender) and 10%
# bounces (tests/golden DSNs and reports, null sender); "bounce" = bounces
# only.  smtp-source -> smtpd -> cleanup -> queue -> smtp -> smtp-sink.
# Per run: acc = messages / smtp-source wall time (what smtpd accepted),
# e2e = messages / time until smtp-sink had them all.  Prints the median of
# the rounds, the ratios btd/null and btd/none, bouncetagd's CPU time per
# message (utime+stime from /proc/PID/stat), its RSS and peak RSS, and the
# memory per concurrent connection (bench/milterconns.py: COUNT connections
# held in the middle of a bounce).  Targets: btd >= 97% of null on "ord",
# >= 90% on "bounce", both socket kinds; < 64 KB per connection.
# Then one session per configuration (BENCH_N1, 300, bounces): latency-bound,
# so a Nagle stall on TCP shows (about 22 msg/s instead of hundreds).
# The machine's other load moves single runs by +-20%: compare the per-round
# ratios (neighbouring runs) rather than one run.  Debian's libmilter runs
# a pool of a few worker threads whatever the number of connections, so the
# memory per connection is the milter's own state plus libmilter's context.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib.sh"
. "$top/tests/load/postfix.sh"
PATH=$PATH:/usr/sbin

N=${BENCH_N:-3000}
SESSIONS=${BENCH_SESSIONS:-20}
ROUNDS=${BENCH_ROUNDS:-3}
CONNS=${BENCH_CONNS:-200}
BOUNCETAGD=${BOUNCETAGD:-$top/_build/bouncetagd}
BOUNCETAGD=$(cd "$(dirname "$BOUNCETAGD")" && pwd)/$(basename "$BOUNCETAGD")

[ "$(id -u)" = 0 ] || { echo "milter-bench: needs root"; exit 77; }
command -v smtp-source >/dev/null || { echo "milter-bench: no smtp-source"; exit 77; }
[ -x "$BOUNCETAGD" ] || { echo "milter-bench: no daemon at $BOUNCETAGD"; exit 1; }

T=$(bt_tmpdir mbench)
PIDS=
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
	for p in $PIDS; do
		bt_wait_gone "$p" 8 || kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pf_stop
	pf_sink_stop
	[ -n "${BENCH_KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

cc -O2 -o "$T/nullmilter" "$top/bench/nullmilter.c" -lmilter -lpthread -ldl ||
	{ echo "milter-bench: cannot build nullmilter"; exit 1; }

# Bounces: the golden files bouncetag tags (one message each).
BOUNCES=
for f in "$top"/tests/golden/*.eml "$top"/tests/e2e/*.eml; do
	[ -f "$f" ] || continue
	case $f in */ordinary.eml|*/read-receipt.eml|*/mbox-two.eml) continue ;; esac
	BOUNCES="$BOUNCES $f"
done
set -- $BOUNCES; NB=$#

SINKP=$(bt_free_port)
ports=
newport() {
	while :; do
		p=$(bt_free_port)
		case " $SINKP $ports " in *" $p "*) ;; *) ports="$ports $p"; echo "$p"; return ;; esac
	done
}
P_none=$(newport); P_nullu=$(newport); P_nullt=$(newport); P_btdu=$(newport); P_btdt=$(newport)
M_nullt=$(newport); M_btdt=$(newport)
pf_init "$T/pf" "$SINKP"
pf_listener "$P_none" none ""
pf_listener "$P_nullu" nullu "unix:$T/null.sock"
pf_listener "$P_nullt" nullt "inet:127.0.0.1:$M_nullt"
pf_listener "$P_btdu" btdu "unix:$T/btd.sock"
pf_listener "$P_btdt" btdt "inet:127.0.0.1:$M_btdt"
echo "local_header_rewrite_clients =" >>"$T/pf/etc/main.cf"
pf_start || { echo "milter-bench: postfix did not start"; exit 1; }
pf_sink_start "$SINKP" || { echo "milter-bench: smtp-sink did not start"; exit 1; }

(umask 000; exec "$T/nullmilter" -e -r -p "unix:$T/null.sock") 2>"$T/nullu.log" &
PID_nullu=$!
"$T/nullmilter" -e -N -p "inet:$M_nullt@127.0.0.1" 2>"$T/nullt.log" &
PID_nullt=$!
PIDS="$PID_nullu $PID_nullt"
cat >"$T/btd.conf" <<'CONF'
socket-mode = "0666"
CONF
"$BOUNCETAGD" -f -u nobody -c "$T/btd.conf" -p "unix:$T/btd.sock" >"$T/btdu.log" 2>&1 &
PID_btdu=$!
"$BOUNCETAGD" -f -u nobody -c "$T/btd.conf" -p "inet:$M_btdt@127.0.0.1" >"$T/btdt.log" 2>&1 &
PID_btdt=$!
PIDS="$PIDS $PID_btdu $PID_btdt"
bt_wait_sock "$T/null.sock" && bt_wait_sock "$T/btd.sock" && bt_wait_port "$M_nullt" &&
	bt_wait_port "$M_btdt" || { echo "milter-bench: a milter did not start"; cat "$T"/*.log; exit 1; }
for p in $P_none $P_nullu $P_nullt $P_btdu $P_btdt; do bt_wait_port "$p" || exit 1; done

now() { date +%s.%N; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / hz }' "/proc/$1/stat"; }
kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$1/status"; }

# bounce_slot PORT COUNT INDEX: COUNT bounces in one SMTP session at a time
# (one smtp-source run), all of file INDEX modulo the number of files.
bounce_slot() {
	bport=$1 bcount=$2 bidx=$(( $3 % NB + 1 ))
	[ "$bcount" -gt 0 ] || return 0
	f=$(echo $BOUNCES | cut -d' ' -f"$bidx")
	smtp-source -s 1 -m "$bcount" -f '' -t bench@example.net -M client.example.org \
		-F "$f" "127.0.0.1:$bport" 2>>"$T/src.err"
}

# run MIX PORT: one run; prints "acc e2e" in messages per second.
run() {
	mix=$1 port=$2
	c0=$(pf_sink_count)
	t0=$(now)
	pids=
	if [ "$mix" = ord ]; then
		nb=$((N / 10)); no=$((N - nb))
		bs=$((SESSIONS / 10)); [ $bs -lt 1 ] && bs=1
		smtp-source -s $((SESSIONS - bs)) -m "$no" -l 2048 -f sender@example.org \
			-t bench@example.net -M client.example.org "127.0.0.1:$port" 2>>"$T/src.err" &
		pids=$!
		s=0
		while [ $s -lt $bs ]; do
			c=$((nb / bs)); [ $s -lt $((nb % bs)) ] && c=$((c + 1))
			bounce_slot "$port" "$c" $((s + ${r:-0})) & pids="$pids $!"
			s=$((s + 1))
		done
	else
		s=0
		while [ $s -lt "$SESSIONS" ]; do
			c=$((N / SESSIONS)); [ $s -lt $((N % SESSIONS)) ] && c=$((c + 1))
			bounce_slot "$port" "$c" $((s + ${r:-0})) & pids="$pids $!"
			s=$((s + 1))
		done
	fi
	for p in $pids; do wait "$p"; done
	t1=$(now)
	bt_wait "[ \$(pf_sink_count) -ge $((c0 + N)) ]" 120 || echo "# short: $(( $(pf_sink_count) - c0 )) of $N" >&2
	t2=$(now)
	echo "$N $t0 $t1 $t2" | awk '{ printf "%.1f %.1f\n", $1 / ($3 - $2), $1 / ($4 - $2) }'
}

cfgs="none null-unix null-tcp btd-unix btd-tcp"
port_of() { case $1 in none) echo $P_none ;; null-unix) echo $P_nullu ;; null-tcp) echo $P_nullt ;; btd-unix) echo $P_btdu ;; btd-tcp) echo $P_btdt ;; esac; }
pid_of() { case $1 in btd-unix) echo $PID_btdu ;; btd-tcp) echo $PID_btdt ;; null-unix) echo $PID_nullu ;; null-tcp) echo $PID_nullt ;; *) echo "" ;; esac; }

echo "milter-bench: $N messages per run, $SESSIONS sessions, $ROUNDS rounds, $NB bounce files, $(nproc) CPUs"
# Warm-up: Postfix processes, the milters' first threads.
for c in $cfgs; do run bounce "$(port_of "$c")" >/dev/null; done
: >"$T/results"
: >"$T/src.err"
r=1
while [ $r -le "$ROUNDS" ]; do
	for mix in ord bounce; do
		order=$(echo $cfgs | awk -v r=$r '{ for (i = 0; i < NF; i++) printf "%s ", $(((i + r) % NF) + 1) }')
		for c in $order; do
			pid=$(pid_of "$c")
			u0=; [ -n "$pid" ] && u0=$(cpu "$pid")
			read -r acc e2e <<EOF
$(run "$mix" "$(port_of "$c")")
EOF
			u=0; [ -n "$pid" ] && u=$(echo "$u0 $(cpu "$pid")" | awk '{ printf "%.3f", $2 - $1 }')
			echo "$mix $c $r $acc $e2e $u" >>"$T/results"
			printf '  round %d %-6s %-9s acc %7.1f msg/s  e2e %7.1f msg/s  cpu %6.3f s\n' "$r" "$mix" "$c" "$acc" "$e2e" "$u"
		done
	done
	r=$((r + 1))
done
nerr=$(grep -c . "$T/src.err")
[ "$nerr" -eq 0 ] || { echo "# smtp-source reported $nerr problems:"; sort "$T/src.err" | uniq -c | head; }

med() { # med MIX CFG FIELD
	awk -v m="$1" -v c="$2" -v f="$3" '$1 == m && $2 == c { print $f }' "$T/results" |
		sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
echo
echo "Median of $ROUNDS rounds (msg/s; acc = accepted by smtpd, e2e = at smtp-sink):"
printf '%-7s %-10s %8s %8s %14s\n' mix config acc e2e "cpu us/msg"
for mix in ord bounce; do
	for c in $cfgs; do
		cp=$(med "$mix" "$c" 6)
		printf '%-7s %-10s %8s %8s %14s\n' "$mix" "$c" "$(med "$mix" "$c" 4)" "$(med "$mix" "$c" 5)" \
			"$(echo "$cp $N" | awk '{ printf "%.0f", $1 * 1e6 / $2 }')"
	done
done
echo
echo "Ratios (medians; target btd/null >= 0.97 on ord, >= 0.90 on bounce):"
for mix in ord bounce; do
	for k in unix tcp; do
		b=$(med "$mix" "btd-$k" 4); n=$(med "$mix" "null-$k" 4); z=$(med "$mix" none 4)
		be=$(med "$mix" "btd-$k" 5); ne=$(med "$mix" "null-$k" 5); ze=$(med "$mix" none 5)
		tgt=0.97; [ "$mix" = bounce ] && tgt=0.90
		echo "$mix $k $b $n $z $be $ne $ze $tgt" | awk '{
			r1 = $3 / $4; r2 = $3 / $5; r3 = $6 / $7; r4 = $6 / $8
			printf "  %-6s %-4s btd/null acc %.3f e2e %.3f   btd/none acc %.3f e2e %.3f   %s\n",
				$1, $2, r1, r3, r2, r4, (r1 >= $9 ? "meets " : "MISSES ") $9 }'
	done
done
echo
echo "Per-round ratios btd/null (acc; configurations run back to back in a round):"
for mix in ord bounce; do
	for k in unix tcp; do
		awk -v m="$mix" -v k="$k" '$1 == m && $2 == "btd-" k { b[$3] = $4 }
			$1 == m && $2 == "null-" k { n[$3] = $4 }
			END { for (r in b) if (n[r] > 0) printf "%.3f\n", b[r] / n[r] }' "$T/results" |
			sort -n | awk -v m="$mix" -v k="$k" '{ a[NR] = $1; s = s " " $1 }
			END { printf "  %-6s %-4s%s   median %s\n", m, k, s, (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
	done
done
echo
# One session: latency-bound, so a 40 ms Nagle/delayed-ACK stall per message
# (libmilter writing header changes and the verdict as separate small
# packets on a TCP socket without TCP_NODELAY) shows as about 22 msg/s.
n1=${BENCH_N1:-300}
echo "One session, $n1 tagged bounces each (msg/s accepted; a Nagle stall shows as ~22):"
line=
for c in none null-unix null-tcp btd-unix btd-tcp; do
	f=$(echo $BOUNCES | cut -d' ' -f1)
	for x in $BOUNCES; do case $x in */postfix-dsn.eml) f=$x ;; esac; done
	t0=$(now)
	smtp-source -s 1 -m "$n1" -f '' -t bench@example.net -M client.example.org \
		-F "$f" "127.0.0.1:$(port_of "$c")" 2>>"$T/src.err"
	t1=$(now)
	line="$line $c $(echo "$n1 $t0 $t1" | awk '{ printf "%.1f", $1 / ($3 - $2) }')"
done
echo "  $line"
tcp1=$(echo "$line" | awk '{ for (i = 1; i < NF; i += 2) if ($i == "btd-tcp") print $(i + 1) }')
unix1=$(echo "$line" | awk '{ for (i = 1; i < NF; i += 2) if ($i == "btd-unix") print $(i + 1) }')
echo "$tcp1 $unix1" | awk '{ if ($1 < $2 / 2) print "  btd-tcp is less than half of btd-unix in one session: the Nagle stall (TCP_NODELAY not set?)"; else print "  no Nagle stall over TCP (btd-tcp/btd-unix in one session: " sprintf("%.2f", $1 / $2) ")" }'
echo
for c in btd-unix btd-tcp null-unix null-tcp; do
	p=$(pid_of "$c")
	echo "  $c: RSS $(kb "$p" VmRSS) kB, peak $(kb "$p" VmHWM) kB, CPU total $(cpu "$p") s, threads $(kb "$p" Threads)"
done
echo
echo "Memory per concurrent connection ($CONNS connections held in the middle of a bounce):"
for c in btd-unix null-unix; do
	s=unix:$T/btd.sock; [ "$c" = null-unix ] && s=unix:$T/null.sock
	echo "  $c: $(python3 "$top/bench/milterconns.py" "$s" "$(pid_of "$c")" "$CONNS" "$top/tests/golden/postfix-dsn.eml")"
done
exit 0
