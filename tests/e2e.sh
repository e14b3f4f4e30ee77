#!/bin/bash
# tests/e2e.sh - bouncetagd end to end through a real Postfix, loopback only.
#
# A private Postfix instance in a temp dir (postfix -c), three smtpd
# listeners (no milter; bouncetagd on a unix socket; bouncetagd over TCP;
# bouncetagd over TCP on ::1 when the machine has IPv6 loopback),
# relayhost = smtp-sink writing each delivered message to a file.  swaks
# sends DSNs and ordinary mail (tests/e2e/*.eml); the delivered headers are
# checked: X-Bounce-* on bounces, at the top; none on ordinary mail; forged
# ones removed; a rejected bounce shows the policy's 5xx to the SMTP client;
# a quarantined one sits in the hold queue; Postfix's own bounce (through
# non_smtpd_milters, internal-mail) is tagged, never refused.
# Exit 77 (skip) when not root or postfix/swaks/smtp-sink are missing.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
BOUNCETAGD=${BOUNCETAGD:-$PWD/bouncetagd}
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || bt_skip "needs root (private Postfix instance)"
PATH=$PATH:/usr/sbin:/sbin
for c in postfix postconf postqueue postsuper swaks smtp-sink; do
	command -v $c >/dev/null 2>&1 || bt_skip "$c not installed"
done
id postfix >/dev/null 2>&1 || bt_skip "no postfix user"
[ -x "$BOUNCETAGD" ] || bt_fail "no daemon at $BOUNCETAGD"

E=$top_srcdir/tests/e2e
T=$(bt_tmpdir e2e)
D=$T/pf
RUN=$(basename "$T" | tr -cd 'A-Za-z0-9')	# marks this run's messages
pass=0 fail=0
PF_STARTED= SINK_PID= D1= D2= D3= D4=

cleanup() {
	[ -n "$PF_STARTED" ] && timeout 20 postfix -c "$D/etc" stop >/dev/null 2>&1
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
	for p in $D1 $D2 $D3 $D4; do BT_DAEMON_PID=$p bt_daemon_stop; done
	[ -n "$SINK_PID" ] && wait "$SINK_PID" 2>/dev/null
	if [ $fail -eq 0 ]; then rm -rf "$T"; else echo "kept $T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { pass=$((pass + 1)); echo "ok $pass - $*"; }
notok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

# --- ports, daemons, sink ----------------------------------------------------
for try in 1 2 3 4 5; do
	SINKP=$(bt_free_port)
	P0=$(bt_free_port); P1=$(bt_free_port); P2=$(bt_free_port); MP=$(bt_free_port)
	P3=$(bt_free_port); MP6=$(bt_free_port)
	ports="$SINKP $P0 $P1 $P2 $MP $P3 $MP6"
	[ "$(printf '%s\n' $ports | sort -u | wc -l)" = 7 ] && break
done
[ "$(printf '%s\n' $ports | sort -u | wc -l)" = 7 ] || bt_fail "port clash: $ports"
# IPv6 loopback: ::1 configured on lo (containers may have IPv6 off).
HAVE6=
[ -r /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6 && HAVE6=1

mkdir -p "$D/etc" "$D/spool" "$D/data" "$D/log" "$T/sink"
chown postfix:postfix "$D/data" "$T/sink"; chmod 700 "$D/data"

bt_daemon_start "$T/d1.log" -c "$E/policy.conf" -p "unix:$T/bt.sock"; D1=$BT_DAEMON_PID
bt_daemon_start "$T/d2.log" -c "$E/policy.conf" -p "inet:$MP@127.0.0.1"; D2=$BT_DAEMON_PID
bt_daemon_start "$T/d3.log" -c "$E/internal.conf" -p "unix:$T/int.sock"; D3=$BT_DAEMON_PID
if [ -n "$HAVE6" ]; then
	bt_daemon_start "$T/d4.log" -c "$E/policy.conf" -p "inet6:$MP6@::1"; D4=$BT_DAEMON_PID
fi
bt_wait_sock "$T/bt.sock" 10 && bt_wait_port "$MP" 10 && bt_wait_sock "$T/int.sock" 10 &&
	{ [ -z "$HAVE6" ] || bt_wait_port "$MP6" 10; } ||
	bt_fail "bouncetagd did not start: $(cat "$T"/d*.log)"

smtp-sink -u postfix -d "$T/sink/" "127.0.0.1:$SINKP" 64 >"$D/log/sink.out" 2>&1 &
SINK_PID=$!
bt_wait_port "$SINKP" 10 || bt_fail "smtp-sink did not start"

# --- the Postfix instance --------------------------------------------------
{ bt_postfix_main "$D" "$SINKP"; cat <<CF
smtpd_reject_unlisted_recipient = no
transport_maps = inline:{ { nowhere.example = error:5.1.1 no such user here } }
bounce_queue_lifetime = 0
smtpd_milters =
non_smtpd_milters = unix:$T/int.sock
internal_mail_filter_classes = bounce
milter_default_action = tempfail
CF
} >"$D/etc/main.cf"
cat >"$D/etc/master.cf" <<CF
127.0.0.1:$P0 inet n - n - - smtpd
  -o syslog_name=postfix/nomilter
127.0.0.1:$P1 inet n - n - - smtpd
  -o syslog_name=postfix/unix
  -o smtpd_milters=unix:$T/bt.sock
127.0.0.1:$P2 inet n - n - - smtpd
  -o syslog_name=postfix/tcp
  -o smtpd_milters=inet:127.0.0.1:$MP
$(bt_postfix_services)
CF
# The IPv6 milter: Postfix connects to [::1]; this smtpd alone may use IPv6.
[ -n "$HAVE6" ] && cat >>"$D/etc/master.cf" <<CF
127.0.0.1:$P3 inet n - n - - smtpd
  -o syslog_name=postfix/tcp6
  -o inet_protocols=all
  -o smtpd_milters=inet:[::1]:$MP6
CF
timeout 30 postfix -c "$D/etc" check >/dev/null 2>&1 || bt_fail "postfix check failed: $(tail -5 "$D/log/maillog" 2>/dev/null)"
timeout 30 postfix -c "$D/etc" start >/dev/null 2>&1 || bt_fail "postfix start failed: $(tail -5 "$D/log/maillog" 2>/dev/null)"
PF_STARTED=1
for p in $P0 $P1 $P2 ${HAVE6:+$P3}; do bt_wait_port "$p" 15 || bt_fail "smtpd not listening on $p"; done

# --- helpers -------------------------------------------------------------------
# render TEMPLATE MARK RCPT STATUS DIAG EXTRA > file
render() {
	sed -e "s|@MARK@|$2|g" -e "s|@RCPT@|$3|g" -e "s|@STATUS@|$4|g" \
	    -e "s|@DIAG@|$5|g" "$E/$1" |
	if [ -n "$6" ]; then sed "s|^@EXTRA@\$|$6|"; else sed '/^@EXTRA@$/d'; fi
}

# send PORT FROM FILE: swaks; the transcript goes to $T/swaks.out.
send() {
	timeout 30 swaks --server "127.0.0.1:$1" --helo client.example.org \
		--from "$2" --to sender@example.org --data "@$3" \
		--timeout 20 >"$T/swaks.out" 2>&1
}

# delivered MARK: wait (20 s) for the message with MARK; print its file.
delivered() {
	bt_wait "grep -l -e '$1' '$T'/sink/* >/dev/null 2>&1" 20 &&
		grep -l -e "$1" "$T"/sink/* | head -n 1
}

# The header block of a delivered file (up to the first empty line).
head_of() { sed -e 's/\r$//' -e '/^$/q' "$1"; }

n=0
mark() { n=$((n + 1)); M=bt$RUN-$n; }	# sets M (no subshell: n must count)

HARD_DIAG='550 5.1.1 <nosuchuser@dest.example>: Recipient address rejected: User unknown in local recipient table'

# --- 1. a DSN through the unix-socket milter: tagged, at the top ------------
mark
render dsn.eml "$M" nosuchuser@dest.example 5.1.1 "$HARD_DIAG" "" >"$T/m1.eml"
check "dsn accepted (unix milter)" send "$P1" '' "$T/m1.eml"
f=$(delivered "$M")
if [ -n "$f" ]; then
	h=$(head_of "$f")
	check "X-Bounce-Class: hard" grep -q '^X-Bounce-Class: hard$' <<<"$h"
	check "X-Bounce-Status: 5.1.1" grep -q '^X-Bounce-Status: 5.1.1$' <<<"$h"
	check "X-Bounce-Recipient" grep -q '^X-Bounce-Recipient: nosuchuser@dest.example$' <<<"$h"
	check "X-Bounce-Reason: userunknown" grep -q '^X-Bounce-Reason: userunknown$' <<<"$h"
	check "X-Bounce-Action: tag" grep -q '^X-Bounce-Action: tag$' <<<"$h"
	# our block sits above Postfix's own Received: line
	first_bt=$(grep -n '^X-Bounce-' <<<"$h" | head -n 1 | cut -d: -f1)
	pf_rcv=$(grep -n '^Received: from client.example.org' <<<"$h" | head -n 1 | cut -d: -f1)
	check "headers above Postfix's Received" test "${first_bt:-999}" -lt "${pf_rcv:-0}"
	check "reading order: Checked-By first" test "$(grep '^X-Bounce-' <<<"$h" | head -n 1 | cut -d: -f1)" = X-Bounce-Checked-By
else
	notok "dsn not delivered"
fi

# --- 2. ordinary mail with forged headers: delivered without them ------------
mark
render plain.eml "$M" "" "" "" "X-Bounce-Class: hard" >"$T/m2.eml"
check "plain accepted" send "$P1" alice@example.org "$T/m2.eml"
f=$(delivered "$M")
if [ -n "$f" ]; then
	check "forged X-Bounce-Class removed from ordinary mail" \
		test -z "$(head_of "$f" | grep -i '^X-Bounce-')"
else
	notok "plain mail not delivered"
fi

# --- 3. ordinary mail: untouched ---------------------------------------------
mark
render plain.eml "$M" "" "" "" "" >"$T/m3.eml"
check "plain accepted (no forged)" send "$P1" alice@example.org "$T/m3.eml"
f=$(delivered "$M")
check "no X-Bounce-* on ordinary mail" test -n "$f" -a -z "$(head_of "${f:-/dev/null}" | grep -i '^X-Bounce-')"

# --- 4. a DSN with a forged class: one X-Bounce-Class, the real one ----------
mark
render dsn.eml "$M" gone@dest.example 5.1.1 "$HARD_DIAG" "X-Bounce-Class: none" >"$T/m4.eml"
check "dsn with forged header accepted" send "$P1" '' "$T/m4.eml"
f=$(delivered "$M")
check "forged class replaced by the real one" test -n "$f" -a \
	"$(head_of "${f:-/dev/null}" | grep -c '^X-Bounce-Class:')" = 1 -a \
	"$(head_of "${f:-/dev/null}" | grep '^X-Bounce-Class:')" = "X-Bounce-Class: hard"

# --- 5. reject: the SMTP client sees the policy's reply ----------------------
mark
render dsn.eml "$M" user@reject.example 5.1.1 "$HARD_DIAG" "" >"$T/m5.eml"
send "$P1" '' "$T/m5.eml"
check "reject: client sees 550 5.7.1 text" \
	grep -q '550 5.7.1 bounces for reject.example are refused here' "$T/swaks.out"

# --- 6. quarantine: in the hold queue ----------------------------------------
mark
render dsn.eml "$M" user@quarantine.example 5.1.1 "$HARD_DIAG" "" >"$T/m6.eml"
check "quarantined dsn accepted" send "$P1" '' "$T/m6.eml"
qid=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' "$T/swaks.out" | head -n 1)
check "quarantined: '!' in postqueue -p" bt_wait "postqueue -c '$D/etc' -p | grep -q '^${qid:-none}!'" 10

# --- 7. TCP milter: tagged, and no Nagle stall ---------------------------------
mark
render dsn.eml "$M" tcpuser@dest.example 5.1.1 "$HARD_DIAG" "" >"$T/m7.eml"
check "dsn accepted (TCP milter)" send "$P2" '' "$T/m7.eml"
f=$(delivered "$M")
check "tagged over TCP" test -n "$f" -a -n "$(head_of "${f:-/dev/null}" | grep '^X-Bounce-Recipient: tcpuser@dest.example$')"
if command -v smtp-source >/dev/null 2>&1; then
	# 20 bounces in one session: ~45 ms each with a Nagle stall (0.9 s),
	# a few ms each without.  smtp-source -d: one session for all.
	mark
	render dsn.eml "$M" speed@dest.example 5.1.1 "$HARD_DIAG" "" >"$T/m8.eml"
	# Two rounds, the faster counts (other load on the machine); a stall
	# adds ~850 ms over the run without a milter.
	declare -A ms
	for round in 1 2; do
		for p in $P0 $P1 $P2; do
			t0=$(date +%s%N)
			timeout 60 smtp-source -d -s 1 -m 20 -f '' -t sender@example.org \
				-M client.example.org -F "$T/m8.eml" "127.0.0.1:$p" >/dev/null 2>&1
			t1=$(date +%s%N)
			t=$(( (t1 - t0) / 1000000 ))
			[ -z "${ms[$p]:-}" ] || [ "$t" -lt "${ms[$p]}" ] && ms[$p]=$t
		done
	done
	echo "# 20 bounces, one session: no milter ${ms[$P0]} ms, unix ${ms[$P1]} ms, TCP ${ms[$P2]} ms"
	check "no Nagle stall over TCP" test "${ms[$P2]}" -lt $(( ${ms[$P0]} + 500 ))
fi

# --- 7b. TCP milter on IPv6 loopback ([::1]) ------------------------------------
if [ -n "$HAVE6" ]; then
	mark
	render dsn.eml "$M" tcp6user@dest.example 5.1.1 "$HARD_DIAG" "" >"$T/m7b.eml"
	check "dsn accepted (TCP milter on ::1)" send "$P3" '' "$T/m7b.eml"
	f=$(delivered "$M")
	check "tagged over IPv6" test -n "$f" -a -n "$(head_of "${f:-/dev/null}" | grep '^X-Bounce-Recipient: tcp6user@dest.example$')"
else
	echo "# skip: no IPv6 loopback (::1): the inet6 milter socket is not tested"
fi

# --- 8. Postfix's own bounce, through non_smtpd_milters (internal-mail) -------
mark
render plain.eml "$M" "" "" "" "" >"$T/m9.eml"
timeout 30 swaks --server "127.0.0.1:$P0" --helo client.example.org \
	--from "owner-$M@example.org" --to "someone@nowhere.example" \
	--data "@$T/m9.eml" --timeout 20 >"$T/swaks.out" 2>&1
f=$(delivered "owner-$M@example.org")
# the bounce is addressed to the sender; find the delivered DSN (not the original)
if [ -n "$f" ] && bt_wait "grep -l 'X-Rcpt-Args: <owner-$M@example.org>' '$T'/sink/* >/dev/null 2>&1" 20; then
	f=$(grep -l "X-Rcpt-Args: <owner-$M@example.org>" "$T"/sink/* | head -n 1)
	h=$(head_of "$f")
	check "Postfix's own bounce tagged" grep -q '^X-Bounce-Class: hard$' <<<"$h"
	check "internal mail: reject became tag" grep -q '^X-Bounce-Action: tag (internal: reject)$' <<<"$h"
else
	notok "Postfix's own bounce not delivered"
fi

# --- logs ------------------------------------------------------------------------
check "daemon log: one line per bounce with Postfix's queue id" \
	grep -Eq '[0-9A-F]{6,}: class=hard reason=userunknown status=5.1.1 rcpt=<nosuchuser@dest.example>' "$T/d1.log"
check "daemon log: reject logged" grep -q 'rule=refuse action=reject' "$T/d1.log"
check "postfix: milter-reject logged" grep -q 'milter-reject: END-OF-MESSAGE' "$D/log/maillog"
check "postfix: milter-hold logged" grep -q 'milter-hold' "$D/log/maillog"
check "no milter errors in postfix log" test -z "$(grep -E 'warning: .*milter' "$D/log/maillog")"

# --- the daemons stop cleanly (exit 0; no sanitizer report) --------------------
kill -TERM $D1 $D2 $D3 $D4 2>/dev/null	# in parallel: each takes up to 5 s
i=0
for p in $D1 $D2 $D3 $D4; do
	i=$((i + 1))
	BT_DAEMON_PID=$p bt_daemon_stop
	check "daemon $i: clean stop" test "$BT_DAEMON_RC" = 0
done
D1= D2= D3= D4=
check "no sanitizer reports" test -z "$(grep -l 'Sanitizer' "$T"/d*.log)"

if [ -n "${BT_E2E_HOLD:-}" ]; then	# debugging: keep everything up a while
	echo "# holding ${BT_E2E_HOLD}s: T=$T P0=$P0 P1=$P1 P2=$P2 D2=$D2"
	sleep "$BT_E2E_HOLD"
fi
echo "# $pass passed, $fail failed"
if [ $fail -ne 0 ]; then
	echo "# daemon logs:"; tail -n 20 "$T"/d*.log | sed 's/^/#   /'
	echo "# maillog:"; tail -n 30 "$D/log/maillog" | sed 's/^/#   /'
fi
[ $fail -eq 0 ]
