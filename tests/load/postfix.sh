# tests/load/postfix.sh - a throwaway Postfix on 127.0.0.1 for the load
# test and the milter benchmark (see /work/shared/docs/postfix-sandbox.md).
# Source it from bash after tests/lib.sh.
#
#   pf_init DIR SINKPORT      write DIR/etc/main.cf and a master.cf without
#                             smtpd listeners; mail relays to
#                             [127.0.0.1]:SINKPORT
#   pf_listener PORT NAME MILTERS
#                             add an smtpd on 127.0.0.1:PORT whose
#                             smtpd_milters is MILTERS (a Postfix value,
#                             may be empty); syslog_name postfix/NAME
#   pf_start / pf_stop        start and stop the instance (bounded waits)
#   pf_log                    path of the instance's maillog
#   pf_sink_start PORT [DIR]  smtp-sink on 127.0.0.1:PORT (DIR/: one file per
#                             message); sets PF_SINK_PID
#   pf_sink_stop
#   pf_queue_count            messages in the queue (active, deferred,
#                             incoming, hold)
#   pf_hold_count             messages in the hold queue
#
# Everything listens on 127.0.0.1 only; nothing is chrooted.

PF_DIR=
PF_SINK_PID=

pf_init() {
	PF_DIR=$1
	mkdir -p "$PF_DIR/etc" "$PF_DIR/spool" "$PF_DIR/data" "$PF_DIR/log"
	chown postfix:postfix "$PF_DIR/data"
	chmod 700 "$PF_DIR/data"
	{ bt_postfix_main "$PF_DIR" "$2"; cat <<CF
smtpd_milters =
milter_default_action = tempfail
default_process_limit = 200
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
queue_run_delay = 10s
minimal_backoff_time = 10s
maximal_backoff_time = 20s
message_size_limit = 20480000
CF
	} >"$PF_DIR/etc/main.cf"
	bt_postfix_services >"$PF_DIR/etc/master.cf"
}

pf_listener() {
	cat >>"$PF_DIR/etc/master.cf" <<CF
127.0.0.1:$1 inet n - n - - smtpd
  -o syslog_name=postfix/$2
  -o { smtpd_milters = $3 }
CF
}

pf_log() { echo "$PF_DIR/log/maillog"; }

pf_start() {
	postfix -c "$PF_DIR/etc" check >/dev/null 2>&1 ||
		{ cat "$PF_DIR/log/maillog" 2>/dev/null; return 1; }
	postfix -c "$PF_DIR/etc" start >/dev/null 2>&1 ||
		{ cat "$PF_DIR/log/maillog" 2>/dev/null; return 1; }
}

pf_stop() {
	[ -n "$PF_DIR" ] && [ -f "$PF_DIR/etc/main.cf" ] || return 0
	postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1
	# master exits within a few seconds; wait for its lock to be free.
	if [ -f "$PF_DIR/spool/pid/master.pid" ]; then
		p=$(tr -d ' ' <"$PF_DIR/spool/pid/master.pid")
		[ -n "$p" ] && bt_wait_gone "$p" 10
	fi
	return 0
}

pf_sink_start() {
	if [ -n "${2:-}" ]; then
		mkdir -p "$2"; chown postfix "$2"
		smtp-sink -c -u postfix -d "$2/" "127.0.0.1:$1" 1024 \
			>"$PF_DIR/log/sink.out" 2>&1 &
	else
		smtp-sink -c -u postfix "127.0.0.1:$1" 1024 \
			>"$PF_DIR/log/sink.out" 2>&1 &
	fi
	PF_SINK_PID=$!
	bt_wait_port "$1" 10
}

pf_sink_stop() {
	[ -n "$PF_SINK_PID" ] || return 0
	kill -TERM "$PF_SINK_PID" 2>/dev/null
	bt_wait_gone "$PF_SINK_PID" 5 || kill -KILL "$PF_SINK_PID" 2>/dev/null
	wait "$PF_SINK_PID" 2>/dev/null
	PF_SINK_PID=
}

# Number of messages smtp-sink has received (its last "mesg=" counter).
pf_sink_count() {
	tr '\r' '\n' <"$PF_DIR/log/sink.out" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' |
		tail -n 1 | grep . || echo 0
}

pf_queue_count() {
	find "$PF_DIR/spool/incoming" "$PF_DIR/spool/active" \
		"$PF_DIR/spool/deferred" "$PF_DIR/spool/hold" \
		"$PF_DIR/spool/maildrop" -type f 2>/dev/null | wc -l
}

pf_hold_count() {
	find "$PF_DIR/spool/hold" -type f 2>/dev/null | wc -l
}
