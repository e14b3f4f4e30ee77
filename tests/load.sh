#!/bin/bash
# tests/load.sh - bouncetagd under load, faults and hostile clients, through
# a private Postfix on 127.0.0.1 (tests/load/postfix.sh) to smtp-sink.
#
#   sudo BOUNCETAG=_build/bouncetag BOUNCETAGD=_build/bouncetagd tests/load.sh
#
# Not part of `make check` (it takes minutes); check.sh runs it after.
# Exit 77 (skip) when not root or Postfix's smtp-source/smtp-sink are
# missing.  Phases, every message accounted for by tests/load/check.py:
#   main    LOAD_MESSAGES (20000) messages over LOAD_SESSIONS (20) parallel
#           sessions: ordinary mail (30%) and bounces (tests/golden, tests/e2e,
#           a sample of LOAD_CORPUS corpus mails from BOUNCETAG_CORPUS or
#           ../shared/corpus), under a policy that rejects one kind, holds
#           another and tags the rest.  Meanwhile: SIGHUP reloads every
#           second, one reload of a broken file (the old policy stays),
#           misbehaving clients on the milter socket (tests/load/clients.py),
#           the daemon's RSS sampled (fails on growth > LOAD_RSS_MAX_KB,
#           20480; LOAD_RELOAD=0 sends no SIGHUP).  Each delivered copy
#           must carry exactly the X-Bounce-* lines of `bouncetag
#           --format=headers` for its input file (so build both programs
#           from the same tree).
#   fault   LOAD_FAULT_MESSAGES (4000) messages, half to a listener with
#           milter_default_action=tempfail, half to one with accept; the
#           daemon is SIGKILLed in the middle and restarted 2 s later.
#           tempfail: the client gets 451 (smtp-source counts it; a real
#           client retries); accept: mail goes through untagged, and reject
#           and quarantine rules are not applied.  Recommended in main.cf:
#           milter_default_action = tempfail (nothing passes unchecked,
#           nothing is lost while bouncetagd restarts).
#   post    LOAD_POST_MESSAGES (1000) messages after the restart: traffic
#           resumes, tagged as before.
#   startup a second instance on the same socket, -u nosuchuser, an
#           unwritable pid file: each exits non-zero with a message on
#           stderr, and the running instance keeps serving (phase "z").
# Prints "load: sent N delivered N held N rejected N tempfailed N lost 0".
# From a build directory, as check.sh does after make check:
#   top_srcdir=.. BOUNCETAG=$PWD/bouncetag BOUNCETAGD=$PWD/bouncetagd ../tests/load.sh
# LOAD_KEEP=1 keeps the temp dir (maillog, sink copies, daemon log).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
BOUNCETAG=${BOUNCETAG:-$PWD/bouncetag}
BOUNCETAGD=${BOUNCETAGD:-$PWD/bouncetagd}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/load/postfix.sh"

MESSAGES=${LOAD_MESSAGES:-20000}
SESSIONS=${LOAD_SESSIONS:-20}
NCORPUS=${LOAD_CORPUS:-40}
FAULT=${LOAD_FAULT_MESSAGES:-4000}
POST=${LOAD_POST_MESSAGES:-1000}
RSS_MAX=${LOAD_RSS_MAX_KB:-20480}
CORPUS=${BOUNCETAG_CORPUS:-$top_srcdir/../shared/corpus}

[ "$(id -u)" = 0 ] || bt_skip "needs root (private Postfix)"
for p in postfix smtp-source smtp-sink postqueue; do
	command -v $p >/dev/null 2>&1 || [ -x /usr/sbin/$p ] ||
		bt_skip "$p not installed"
done
PATH=$PATH:/usr/sbin
command -v python3 >/dev/null 2>&1 || bt_skip "python3 missing"
[ -x "$BOUNCETAG" ] || bt_fail "no command at $BOUNCETAG"
[ -x "$BOUNCETAGD" ] || bt_fail "no daemon at $BOUNCETAGD"

T=$(bt_tmpdir load)
LOG=$T/daemon.log
SOCK=$T/milter.sock
POL=$T/policy.conf
fail=0
BG=

cleanup() {
	for p in $BG; do kill "$p" 2>/dev/null; done
	for p in $BG; do wait "$p" 2>/dev/null; done
	bt_daemon_stop
	pf_stop
	pf_sink_stop
	if [ $fail -eq 0 ] && [ -z "${LOAD_KEEP:-}" ]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap cleanup EXIT
trap 'fail=1; exit 1' INT TERM HUP

ok() { echo "ok - $*"; }
notok() { fail=1; echo "not ok - $*"; }
now() { date +%s.%N; }
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null; }
# CPU seconds (utime + stime) of a process.
cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' \
		"/proc/$1/stat" 2>/dev/null
}

# --- the policy: reject one kind, hold another, tag the rest ---------------
cat >"$POL" <<'CONF'
socket-mode = "0666"
log-level = info
rule reject-full {
	class = {soft}
	reason = {mailboxfull}
	action = reject
	reply-code = 550
	reply-status = "5.7.1"
	reply-text = "mailbox-full bounces refused (load test)"
}
rule hold-block {
	class = {block}
	action = quarantine
	quarantine-reason = "held by the load test"
}
default {
	action = tag
}
CONF
cp "$POL" "$T/policy.good"
echo 'rule broken { action = explode }' >"$T/policy.broken"

# --- inputs and their offline results ---------------------------------------
inputs=$(ls "$top_srcdir"/tests/golden/*.eml "$top_srcdir"/tests/e2e/*.eml 2>/dev/null)
[ -d "$CORPUS/emails" ] && CORPUS=$CORPUS/emails
[ -d "$CORPUS" ] || NCORPUS=0
python3 "$top_srcdir/tests/load/check.py" prepare --bouncetag "$BOUNCETAG" \
	--policy "$POL" --out "$T/exp" --corpus "$CORPUS" --ncorpus "$NCORPUS" \
	$inputs || bt_fail "prepare"
grep -q 'reject' "$T/exp/manifest" && grep -q 'quarantine' "$T/exp/manifest" ||
	bt_fail "the inputs have no reject and quarantine cases"

# --- Postfix, smtp-sink, the daemon -----------------------------------------
SINKP=$(bt_free_port)
TFP=$(bt_free_port); while [ "$TFP" = "$SINKP" ]; do TFP=$(bt_free_port); done
ACCP=$(bt_free_port); while [ "$ACCP" = "$SINKP" ] || [ "$ACCP" = "$TFP" ]; do ACCP=$(bt_free_port); done
pf_init "$T/pf" "$SINKP"
pf_listener "$TFP" tf "{ unix:$SOCK, default_action=tempfail }"
pf_listener "$ACCP" acc "{ unix:$SOCK, default_action=accept }"
cat >>"$T/pf/etc/main.cf" <<CF
local_header_rewrite_clients =
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 60s
CF
pf_start || bt_fail "postfix did not start"
pf_sink_start "$SINKP" "$T/sink" || bt_fail "smtp-sink did not start"
bt_wait_port "$TFP" 10 && bt_wait_port "$ACCP" 10 || bt_fail "smtpd ports"

start_daemon() {
	ns=$(grep -c "starting on unix:$SOCK" "$LOG" 2>/dev/null)
	bt_daemon_start "$LOG" -c "$POL" -p "unix:$SOCK"
	# A SIGKILLed daemon leaves its socket: wait for the new log line.
	bt_wait "[ \$(grep -c 'starting on unix:$SOCK' '$LOG') -gt ${ns:-0} ]" 10 &&
		bt_wait_sock "$SOCK" 5 || { cat "$LOG"; bt_fail "daemon did not start"; }
}
start_daemon
ok "postfix on 127.0.0.1:$TFP (tempfail) and :$ACCP (accept), sink :$SINKP, daemon $BT_DAEMON_PID"

# --- jobs -------------------------------------------------------------------
# gen_jobs CODE PHASE LISTENER PORT TOTAL SLOTS PREFIX: split TOTAL messages
# (30% generated ordinary mail, the rest spread over the input files) into
# one job per input, spread over SLOTS slot files PREFIX.N (largest first,
# each to the least loaded slot); append the jobs to $T/jobs.
njob=0
gen_jobs() {
	code=$1 phase=$2 listener=$3 port=$4 total=$5 slots=$6 prefix=$7
	n=$(($(wc -l <"$T/exp/manifest") - 1))
	gen=$((total * 3 / 10))
	each=$(( (total - gen) / n ))
	gen=$((total - each * n))
	# Generated mail in one job per slot, the files one job each.
	{
		i=0
		while [ $i -lt "$slots" ]; do
			c=$((gen / slots)); [ $i -lt $((gen % slots)) ] && c=$((c + 1))
			[ $c -gt 0 ] && echo "gen $c -"
			i=$((i + 1))
		done
		awk -F'\t' -v e="$each" '$1 != "gen" { print $1, e, $3 }' "$T/exp/manifest"
	} | sort -k2,2nr | awk -v s="$slots" -v pre="$prefix" -v port="$port" \
		-v code="$code" -v phase="$phase" -v lis="$listener" \
		-v err="$T/err" -v j0="$njob" -v jobs="$T/jobs" '
	BEGIN { for (i = 0; i < s; i++) load[i] = 0 }
	{
		best = 0
		for (i = 1; i < s; i++) if (load[i] < load[best]) best = i
		load[best] += $2
		rcpt = $1 "." code "@example.net"
		e = err "/" (j0 + NR)
		print rcpt, $2, port, $3, e >> (pre "." best)
		print rcpt, $2, lis, phase, e >> jobs
	}'
	njob=$((njob + 1000))
}

# run_slot FILE: its jobs one after another, one SMTP session at a time.
run_slot() {
	while read -r rcpt count port file errf; do
		if [ "$file" = - ]; then
			timeout 900 smtp-source -A -s 1 -m "$count" -l 2048 \
				-f sender@example.org -t "$rcpt" -M client.example.org \
				"127.0.0.1:$port" 2>>"$errf"
		else
			timeout 900 smtp-source -A -s 1 -m "$count" -f '' \
				-t "$rcpt" -M client.example.org -F "$file" \
				"127.0.0.1:$port" 2>>"$errf"
		fi
	done <"$1"
}

# run_phase PREFIX: run every slot file PREFIX.* in parallel, wait.
SLOT_PIDS=
run_phase_start() {
	SLOT_PIDS=
	for f in "$1".*; do
		run_slot "$f" &
		SLOT_PIDS="$SLOT_PIDS $!"
	done
	BG="$BG $SLOT_PIDS"
}
run_phase_wait() {
	for p in $SLOT_PIDS; do wait "$p"; done
}

mkdir -p "$T/err" "$T/slots"
: >"$T/jobs"
sink_count() { find "$T/sink" -type f | wc -l; }

# --- phase main ---------------------------------------------------------------
gen_jobs m strict tf "$TFP" "$MESSAGES" "$SESSIONS" "$T/slots/main"
DPID=$BT_DAEMON_PID

# RSS every 0.5 s while the flag file exists (at most 30 min).
: >"$T/rss.flag"
( rn=0; while [ -f "$T/rss.flag" ] && [ $rn -lt 3600 ]; do
	r=$(rss "$DPID"); [ -n "$r" ] && echo "$r"; sleep 0.5; rn=$((rn + 1)); done
) >"$T/rss.main" &
RSSPID=$!
# SIGHUP every second; the 3rd time the file is broken (then restored).
# (Loop counters are not called n: tests/lib.sh's bt_wait uses n.)
( hn=0; while [ -f "$T/rss.flag" ] && [ $hn -lt 1800 ] && [ "${LOAD_RELOAD:-1}" = 1 ]; do
	hn=$((hn + 1))
	if [ $hn = 3 ]; then
		cp "$T/policy.broken" "$POL.tmp" && mv "$POL.tmp" "$POL"
		kill -HUP "$DPID"
		bt_wait_log "$LOG" "reload failed" 5 && echo broken-kept >"$T/broken.ok"
		cp "$T/policy.good" "$POL.tmp" && mv "$POL.tmp" "$POL"
	else
		kill -HUP "$DPID"
	fi
	echo $hn >"$T/hups"
	sleep 1
done ) &
HUPPID=$!
python3 "$top_srcdir/tests/load/clients.py" "$SOCK" 30 >"$T/clients.out" 2>&1 &
CLIPID=$!
BG="$RSSPID $HUPPID $CLIPID"

cpu0=$(cpu "$DPID")
t0=$(now)
run_phase_start "$T/slots/main"
run_phase_wait
t1=$(now)
cpu1=$(cpu "$DPID")
rm -f "$T/rss.flag"
wait $RSSPID $HUPPID $CLIPID 2>/dev/null
BG=
main_rate=$(echo "$MESSAGES $t0 $t1" | awk '{ printf "%.0f", $1 / ($3 - $2) }')
echo "# main: $MESSAGES messages, $SESSIONS sessions, $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s, $main_rate msg/s accepted by smtpd"
echo "# daemon CPU during main: $(echo "$cpu0 $cpu1" | awk '{ printf "%.2f", $2 - $1 }') s"
cat "$T/clients.out" | sed 's/^/# /'
read -r rss_first rss_warm rss_last rss_max nrss <<EOF
$(awk '{ a[NR] = $1; if ($1 > m) m = $1 } END { w = int(NR / 5); if (w < 1) w = 1; print a[1], a[w], a[NR], m, NR }' "$T/rss.main")
EOF
echo "# RSS (kB) during main: first $rss_first, after 20% $rss_warm, last $rss_last, max $rss_max ($nrss samples); growth after 20%: $((rss_last - rss_warm)) kB"
if [ -n "$rss_first" ] && [ $((rss_last - rss_first)) -le "$RSS_MAX" ] &&
   [ $((rss_max - rss_first)) -le $((RSS_MAX * 2)) ]; then
	ok "RSS flat (growth $((rss_last - rss_first)) kB <= $RSS_MAX kB)"
else
	notok "RSS grew: first $rss_first last $rss_last max $rss_max kB"
fi
nh=$(cat "$T/hups" 2>/dev/null || echo 0)
nre=$(grep -c 'reloaded ' "$LOG"); nre=$((nre + $(grep -c 'reload failed' "$LOG")))
if [ "${LOAD_RELOAD:-1}" != 1 ]; then
	echo "# LOAD_RELOAD=0: no reloads"
elif [ -f "$T/broken.ok" ] && kill -0 "$DPID" 2>/dev/null; then
	ok "broken policy file on reload: error logged, old policy kept, still running"
else
	notok "broken policy file on reload"
fi
echo "# SIGHUPs sent during main: $nh, 'reloaded' log lines: $nre"
[ "$nre" -ge $((nh > 3 ? nh - 3 : 0)) ] && ok "reloads: $nre of $nh SIGHUPs logged" ||
	notok "reloads: only $nre of $nh SIGHUPs logged"

# --- phase fault: SIGKILL in the middle, restart -----------------------------
half=$((SESSIONS / 2)); [ $half -lt 1 ] && half=1
gen_jobs ft fault tf "$TFP" $((FAULT / 2)) "$half" "$T/slots/fault"
gen_jobs fa fault acc "$ACCP" $((FAULT / 2)) "$half" "$T/slots/faultacc"
before=$(sink_count)
run_phase_start "$T/slots/fault"
p1=$SLOT_PIDS
run_phase_start "$T/slots/faultacc"
SLOT_PIDS="$p1 $SLOT_PIDS"
bt_wait "[ \$(sink_count) -ge $((before + FAULT / 5)) ]" 60
exec 3>&2 2>/dev/null	# no "Killed" job notice
kill -KILL "$BT_DAEMON_PID"
wait "$BT_DAEMON_PID"
exec 2>&3 3>&-
echo "# fault: SIGKILL after $(( $(sink_count) - before )) deliveries; restart in 2 s"
sleep 2
start_daemon
DPID=$BT_DAEMON_PID
run_phase_wait
BG=
ok "daemon restarted after SIGKILL (pid $DPID)"

# --- phase post: traffic resumes ---------------------------------------------
gen_jobs p strict tf "$TFP" "$POST" "$SESSIONS" "$T/slots/post"
run_phase_start "$T/slots/post"
run_phase_wait
BG=

# --- start-up errors while it runs -------------------------------------------
# expect_fail WHAT PATTERN ARGS...: exit non-zero, PATTERN on stderr.
expect_fail() {
	what=$1 pat=$2; shift 2
	timeout 20 "$BOUNCETAGD" -f "$@" >"$T/sf.out" 2>"$T/sf.err"
	rc=$?
	if [ $rc -ne 0 ] && grep -q -e "$pat" "$T/sf.err"; then
		ok "start-up error, $what: exit $rc: $(head -n 1 "$T/sf.err")"
	else
		notok "start-up error, $what: exit $rc, stderr: $(cat "$T/sf.err")"
	fi
}
expect_fail "socket in use by a running instance" "in use" -u nobody -c "$POL" -p "unix:$SOCK"
expect_fail "missing user" "nosuchuser" -u nosuchuser -c "$POL" -p "unix:$T/x.sock"
expect_fail "pid file cannot be written" "/nonexistent/dir/x.pid" -u nobody -c "$POL" \
	-p "unix:$T/y.sock" -P /nonexistent/dir/x.pid
[ -S "$SOCK" ] && kill -0 "$DPID" 2>/dev/null && ok "running instance and its socket untouched" ||
	notok "running instance or its socket gone after the failed starts"
# Not fatal: a stale socket is removed at the next start.
for s in x y; do
	[ -e "$T/$s.sock" ] && echo "# note: a failed start left its socket $T/$s.sock behind"
done
gen_jobs z strict tf "$TFP" 200 4 "$T/slots/z"
run_phase_start "$T/slots/z"
run_phase_wait
BG=

# --- drain, stop, account ----------------------------------------------------
bt_wait "[ \$(( \$(pf_queue_count) - \$(pf_hold_count) )) -eq 0 ]" 60 ||
	{ postqueue -c "$T/pf/etc" -f; bt_wait "[ \$(( \$(pf_queue_count) - \$(pf_hold_count) )) -eq 0 ]" 120; }
left=$(( $(pf_queue_count) - $(pf_hold_count) ))
[ $left -eq 0 ] && ok "queue drained ($(pf_hold_count) held)" || notok "$left messages still queued"
echo "# daemon RSS at the end: $(rss "$DPID") kB, CPU since restart $(cpu "$DPID") s"
bt_daemon_stop
[ "$BT_DAEMON_RC" = 0 ] && ok "clean stop on SIGTERM" || notok "stop: exit $BT_DAEMON_RC"
if grep -q 'milter-reject: END-OF-MESSAGE.*: 4' "$T/pf/log/maillog"; then
	echo "# tempfails at end of message (daemon killed mid-message): $(grep -c 'milter-reject: END-OF-MESSAGE.*: 4' "$T/pf/log/maillog")"
fi
python3 "$top_srcdir/tests/load/check.py" account --exp "$T/exp" --sink "$T/sink" \
	--hold "$T/pf/spool/hold" --jobs "$T/jobs" >"$T/account.out" 2>&1
arc=$?
cat "$T/account.out"
[ $arc -eq 0 ] && ok "every message accounted for, headers as offline" || notok "accounting"
tf=$(sed -n 's/^fault\/tf .*tempfailed=\([0-9]*\).*/\1/p' "$T/exp/totals")
un=$(sed -n 's/^fault\/acc .*untagged=\([0-9]*\).*/\1/p' "$T/exp/totals")
[ "${tf:-0}" -gt 0 ] && ok "fault, default_action=tempfail: $tf messages got 4xx" ||
	notok "fault: no 4xx on the tempfail listener (kill missed the traffic?)"
echo "# fault, default_action=accept: ${un:-0} messages delivered untagged"
exit $fail
