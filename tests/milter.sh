#!/bin/bash
# tests/milter.sh - bouncetagd under miltertest: the real daemon on a unix
# socket (and once on TCP) in a temp dir, driven by tests/milter/*.lua.
# Also: start-up errors (socket in use, stale socket, missing user, pid
# file), reload on SIGHUP (good and broken file), clean stop on SIGTERM.
# Exit 77 (skip) when miltertest is missing.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
BOUNCETAGD=${BOUNCETAGD:-$PWD/bouncetagd}
. "$top_srcdir/tests/lib.sh"

command -v miltertest >/dev/null 2>&1 || bt_skip "miltertest not installed"
[ -x "$BOUNCETAGD" ] || bt_fail "no daemon at $BOUNCETAGD"

LUA=$top_srcdir/tests/milter
T=$(bt_tmpdir milter)
LOG=$T/daemon.log
pass=0 fail=0

cleanup() {
	bt_daemon_stop
	if [ $fail -eq 0 ]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
notok() { fail=$((fail + 1)); echo "not ok - $*"; [ -f "$LOG" ] && tail -n 20 "$LOG" | sed 's/^/#   /'; }

# mt SCRIPT SOCK [-D name=value...]: run one miltertest script (60 s at most).
mt() {
	script=$1 msock=$2; shift 2
	set -- "$script" "$msock" "$@"
	out=$(timeout 60 miltertest -s "$LUA/$1" -D sock="$2" -D dir="$LUA" "${@:3}" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | tail -n 1)" = ok ]; then
		ok "$1 on $2"
	else
		notok "$1 on $2 (rc $rc): $out"
	fi
}

# start SOCK ARGS...: start the daemon and wait for its socket/port.
start() {
	sock=$1; shift
	: >"$LOG"
	bt_daemon_start "$LOG" -p "$sock" "$@"
	case $sock in
	inet:*) port=${sock#inet:}; port=${port%@*}; bt_wait_port "$port" 10 ;;
	*) bt_wait_sock "${sock#unix:}" 10 ;;
	esac || { notok "daemon did not start on $sock"; cat "$LOG"; exit 1; }
}

stop() {
	bt_daemon_stop
	if [ "$BT_DAEMON_RC" = 0 ] && grep -q 'stopped' "$LOG"; then
		ok "clean stop on SIGTERM"
	else
		notok "stop: exit $BT_DAEMON_RC"
	fi
}

# expect_fail WHAT PATTERN ARGS...: the daemon must exit 1 saying PATTERN.
expect_fail() {
	what=$1 pat=$2; shift 2
	out=$(timeout 10 "$BOUNCETAGD" -f "$@" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q -e "$pat"; then
		ok "refused: $what"
	else
		notok "$what: rc $rc, output: $out"
	fi
}

U=; [ "$(id -u)" = 0 ] && U="-u nobody"

# --- the default policy: tag bounces ---------------------------------------
S=unix:$T/a.sock
start "$S"
for s in bounce_tag.lua nonbounce.lua forged.lua multi.lua abort.lua; do
	mt $s "$S"
done
if grep -q 'TAG0001: class=hard reason=userunknown status=5.1.1 rcpt=<nosuchuser@dest.example>.*action=tag' "$LOG"; then
	ok "log line for a tagged bounce"
else
	notok "log line for a tagged bounce"
fi

# --- start-up errors while it runs -----------------------------------------
expect_fail "socket in use" "is in use" $U -p "$S"
stop
[ -S "$T/a.sock" ] || : >"$T/a.sock.gone"

# --- policy actions -----------------------------------------------------------
start "unix:$T/b.sock" -c "$LUA/policy.conf"
mt actions.lua "unix:$T/b.sock"
grep -q 'ACT0001: class=hard.*rule=rejectit action=reject' "$LOG" &&
	ok "log line for a rejected bounce" || notok "log line for a rejected bounce"
stop

# --- dry-run, and a cap hit -> on-error ---------------------------------------
start "unix:$T/h.sock" -c "$LUA/dryrun.conf"
mt dryrun.lua "unix:$T/h.sock"
grep -q 'DRY0001: class=hard.*rule=rejectit action=tag(dry-run:reject)' "$LOG" &&
	ok "log line for a dry-run reject" || notok "log line for a dry-run reject"
grep -q 'CAP0001: class=.*rule=on-error action=accept caps=.*line' "$LOG" &&
	ok "log line for a capped message (on-error, caps)" || notok "log line for a capped message"
stop

# --- reload: SIGHUP reads the file again; a broken file keeps the old one ---
cp "$LUA/policy.conf" "$T/reload.conf"
start "unix:$T/c.sock" -c "$T/reload.conf"
mt bounce_tag.lua "unix:$T/c.sock"
cat >"$T/reload.conf" <<'CONF'
rule everything {
	class = {hard}
	action = reject
	reply-code = 550
	reply-status = "5.7.1"
	reply-text = "reloaded policy"
}
CONF
# the script sends SIGHUP itself, in the middle of a message
mt reload_inflight.lua "unix:$T/c.sock" -D pid="$BT_DAEMON_PID" -D log="$LOG"
if bt_wait_log "$LOG" "reloaded $T/reload.conf" 5; then ok "reload logged"; else notok "reload logged"; fi
mt reload_reject.lua "unix:$T/c.sock"
echo 'rule broken { action = explode }' >"$T/reload.conf"
kill -HUP "$BT_DAEMON_PID"
if bt_wait_log "$LOG" "reload failed, keeping the current policy" 5 &&
   kill -0 "$BT_DAEMON_PID" 2>/dev/null; then
	ok "broken file on reload: kept running"
else
	notok "broken file on reload"
fi
mt reload_reject.lua "unix:$T/c.sock"
stop

# --- TCP: same tests, and TCP_NODELAY on the accepted socket -----------------
P=$(bt_free_port)
start "inet:$P@127.0.0.1"
mt multi.lua "inet:$P@127.0.0.1"
expect_fail "TCP port in use" "cannot open socket inet:$P@127.0.0.1" $U -p "inet:$P@127.0.0.1"
# miltertest itself writes macro and command as two small packets and stalls
# on its own Nagle, so no timing here (e2e.sh times it through Postfix).
# The accept() interposition counts the sockets it set TCP_NODELAY on.
stop
if grep -q 'stopped; [1-9][0-9]* TCP connections had TCP_NODELAY set' "$LOG"; then
	ok "TCP_NODELAY set on accepted sockets"
else
	notok "TCP_NODELAY not set: $(grep stopped "$LOG")"
fi

# --- start-up errors ----------------------------------------------------------
expect_fail "bad socket spec" "expected unix:PATH" $U -p "tcp:1@x"
: >"$T/plainfile"
expect_fail "path is not a socket" "is not a socket" $U -p "unix:$T/plainfile"
[ -f "$T/plainfile" ] && ok "plain file left alone" || notok "plain file removed"
expect_fail "missing user" 'unknown user "no-such-user-bt"' -u no-such-user-bt -p "unix:$T/d.sock"
[ ! -e "$T/d.sock" ] && ok "socket removed after a start-up error" || notok "socket left after error"
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" = 0 ]; then
	expect_fail "pid file cannot be written" "cannot write pid file" -u nobody -p "unix:$T/e.sock" -P "$T/ro/pid"
	[ ! -e "$T/e.sock" ] && ok "socket removed after the pid file error" ||
		notok "socket left after the pid file error"
	mkdir -p "$T/rootonly" && chmod 755 "$T/rootonly"
	expect_fail "pid file in a directory only root may write" "cannot write pid file .* as nobody" \
		-u nobody -p "unix:$T/rootonly/s.sock" -P "$T/rootonly/pid"
	[ ! -e "$T/rootonly/s.sock" ] && ok "socket removed (root-owned directory)" ||
		notok "socket left in a root-owned directory"
	expect_fail "root without a user" "refusing to run as root" -p "unix:$T/f.sock"
else
	expect_fail "pid file cannot be written" "cannot write pid file" -p "unix:$T/e.sock" -P "$T/ro/pid"
fi
echo 'bogus-setting = 1' >"$T/bad.conf"
out=$("$BOUNCETAGD" -n -c "$T/bad.conf" 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "$T/bad.conf:1:" && ok "-n: error with file and line" ||
	notok "-n bad file: rc $rc: $out"
out=$("$BOUNCETAGD" -n -c "$LUA/policy.conf" 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "$LUA/policy.conf: OK" ] && ok "-n: OK" || notok "-n good file: rc $rc: $out"
"$BOUNCETAGD" -V | grep -q '^bouncetagd [0-9]' && ok "-V" || notok "-V"

# --- several connections at once (threads share only the configuration) -----
start "unix:$T/p.sock"
pids=
for i in 1 2 3 4 5 6; do
	timeout 60 miltertest -s "$LUA/multi.lua" -D sock="unix:$T/p.sock" -D dir="$LUA" \
		>"$T/par.$i.out" 2>&1 &
	pids="$pids $!"
done
good=0
for p in $pids; do wait "$p" && good=$((good + 1)); done
n=$(grep -c ': class=' "$LOG")
[ $good = 6 ] && [ "$n" = $((6 * 22)) ] && ok "6 connections in parallel ($n bounces classified)" ||
	notok "parallel connections: $good/6 scripts passed, $n bounces logged"
stop

# --- detached (no -f): pid file written, removed at stop ------------------------
mkdir -p "$T/run" && chmod 777 "$T/run"
D=; [ "$(id -u)" = 0 ] && D="-u nobody"
"$BOUNCETAGD" $D -p "unix:$T/run/q.sock" -P "$T/run/q.pid"
rc=$?
if [ $rc = 0 ] && bt_wait_file "$T/run/q.pid" 5; then
	pid=$(cat "$T/run/q.pid")
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && bt_wait_sock "$T/run/q.sock" 5; then
		ok "detached; pid file holds the daemon's pid"
		expect_fail "pid file locked by a running daemon" "already running" $U \
			-p "unix:$T/run/r.sock" -P "$T/run/q.pid"
		BT_DAEMON_PID=$pid
		kill -TERM "$pid"
		bt_wait_gone "$pid" 8 && [ ! -e "$T/run/q.pid" ] && ok "stopped; pid file removed" ||
			notok "detached daemon: not stopped, or pid file left"
		BT_DAEMON_PID=
	else
		notok "detached daemon not running (pid '$pid')"
	fi
else
	notok "detach: rc $rc, no pid file"
fi

# --- stale socket: left by a killed daemon, removed at the next start -------
start "unix:$T/g.sock"
kill -KILL "$BT_DAEMON_PID"; wait "$BT_DAEMON_PID" 2>/dev/null; BT_DAEMON_PID=
[ -S "$T/g.sock" ] || notok "no stale socket to test with"
start "unix:$T/g.sock"
mt nonbounce.lua "unix:$T/g.sock"
stop

echo "# $pass passed, $fail failed"
[ $fail -eq 0 ]
