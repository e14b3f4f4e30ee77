# tests/lib.sh - shell helpers for the tests that run the real bouncetagd
# (milter.sh, e2e.sh).  Source it from bash.
#
#   bt_skip MSG            exit 77 (automake: skipped)
#   bt_fail MSG            print and exit 1
#   bt_tmpdir NAME         make a fresh temp dir, print its path
#   bt_free_port           print a TCP port free on 127.0.0.1
#   bt_wait_port PORT [S]  wait until 127.0.0.1:PORT accepts (S seconds, 10)
#   bt_wait_sock PATH [S]  wait until PATH is a socket
#   bt_wait_file PATH [S]  wait until PATH exists and is not empty
#   bt_wait_gone PID [S]   wait until PID has exited (0) or not (1)
#   bt_daemon_start LOG ARGS...   bouncetagd -f ARGS in the background
#                          (as root: -u nobody added); sets BT_DAEMON_PID
#   bt_daemon_stop         SIGTERM, wait <= 8 s, then SIGKILL; BT_DAEMON_RC
#
# Everything is bounded in time; nothing leaves loopback.

bt_skip() { echo "SKIP: $*"; exit 77; }
bt_fail() { echo "FAIL: $*" >&2; exit 1; }

bt_tmpdir() {
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/bt-$1.XXXXXX") || bt_fail "mktemp"
	chmod 755 "$d"
	echo "$d"
}

# 1 if something listens on 127.0.0.1:$1.
bt_port_busy() {
	if command -v ss >/dev/null 2>&1; then
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# In use as a local port in any state (listening, connected, TIME-WAIT).
bt_port_used() {
	if command -v ss >/dev/null 2>&1; then
		ss -Htan "sport = :$1" 2>/dev/null | grep -q .
	else
		bt_port_busy "$1"
	fi
}

# Below Linux's ephemeral range (32768-60999): a busy machine's outgoing
# connections cannot take the port between this check and the bind.
bt_free_port() {
	local i=0 p
	while [ $i -lt 200 ]; do
		p=$(( 20000 + ($$ * 7919 + i * 104729 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 12000 ))
		if ! bt_port_used "$p"; then echo "$p"; return 0; fi
		i=$((i + 1))
	done
	bt_fail "no free port"
}

# bt_wait COND SECONDS: poll COND (a command) every 0.1 s.  Its counter
# has a name of its own, so COND may use any of the caller's variables.
bt_wait() {
	local _bt_wait_n=$(( ${2:-10} * 10 ))
	while [ $_bt_wait_n -gt 0 ]; do
		eval "$1" && return 0
		sleep 0.1
		_bt_wait_n=$((_bt_wait_n - 1))
	done
	return 1
}

bt_wait_port() { bt_wait "bt_port_busy $1" "${2:-10}"; }
bt_wait_sock() { bt_wait "test -S '$1'" "${2:-10}"; }
bt_wait_file() { bt_wait "test -s '$1'" "${2:-10}"; }
bt_wait_gone() { bt_wait "! kill -0 $1 2>/dev/null" "${2:-10}"; }

# bt_wait_log FILE PATTERN [S]: wait until FILE has a line matching PATTERN.
bt_wait_log() { bt_wait "grep -q -e '$2' '$1' 2>/dev/null" "${3:-10}"; }

BT_DAEMON_PID=
bt_daemon_start() {
	log=$1; shift
	if [ "$(id -u)" = 0 ]; then
		set -- -u nobody "$@"
	fi
	# BT_DAEMON_WRAPPER: a command to run the daemon under (check.sh
	# uses valgrind); word-split on purpose.
	# shellcheck disable=SC2086
	${BT_DAEMON_WRAPPER:-} "$BOUNCETAGD" -f "$@" >>"$log" 2>&1 &
	BT_DAEMON_PID=$!
}

bt_daemon_stop() {
	[ -n "$BT_DAEMON_PID" ] || return 0
	kill -TERM "$BT_DAEMON_PID" 2>/dev/null
	if ! bt_wait_gone "$BT_DAEMON_PID" 8; then
		kill -KILL "$BT_DAEMON_PID" 2>/dev/null
		bt_wait_gone "$BT_DAEMON_PID" 2
	fi
	wait "$BT_DAEMON_PID" 2>/dev/null
	BT_DAEMON_RC=$?
	BT_DAEMON_PID=
}

# bt_postfix_services: the master.cf lines of Postfix's own services for a
# private test instance (Debian's list, chroot off everywhere; postlog for
# maillog_file).  The caller adds its smtpd listeners.
bt_postfix_services() {
	cat <<'CF'
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
}

# bt_postfix_main DIR SINKPORT: the main.cf lines every private test
# instance needs (ours only: its own queue and data below DIR, loopback
# only, no DNS, everything relayed to smtp-sink on SINKPORT, log to
# DIR/log/maillog).  The caller appends its own settings.
bt_postfix_main() {
	cat <<CF
compatibility_level = 3.6
queue_directory = $1/spool
data_directory = $1/data
myhostname = mx.sandbox.test
mydestination =
local_recipient_maps =
local_transport = error:local delivery disabled
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$2
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
in_flow_delay = 0s
maillog_file = $1/log/maillog
maillog_file_prefixes = $1/log
CF
}
