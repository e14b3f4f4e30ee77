-- dryrun.conf: a reject rule in dry-run tags and says what it would have
-- done; a report with a line longer than max-line hits a cap and gets the
-- on-error action (accept: no headers), mail not refused; with
-- tag-non-bounces, ordinary mail is kept past EOH and gets Class: none.
dofile(dir .. "/common.lua")

run(function()
	local conn = connect()
	send_dsn(conn, "user@reject.example", "5.1.1", "550 5.1.1 unknown user", "DRY0001")
	reply_is(conn, SMFIR_ACCEPT, "dry-run reject")
	expect_header(conn, "X-Bounce-Action", "tag (dry-run: reject)")
	expect_header(conn, "X-Bounce-Class", "hard")

	send_dsn(conn, "user@reject.example", "5.1.1", "550 5.1.1 unknown user " .. string.rep("x", 400),
		"CAP0001")
	reply_is(conn, SMFIR_ACCEPT, "capped")
	check(not mt.eom_check(conn, MT_HDRINSERT), "a capped message got headers (on-error is accept)")

	check(send_plain_head(conn, "NONE0001") == SMFIR_CONTINUE, "tag-non-bounces: accepted at eoh")
	check(mt.eom(conn) == nil, "eom")
	reply_is(conn, SMFIR_ACCEPT, "ordinary mail")
	expect_header(conn, "X-Bounce-Class", "none")
	mt.disconnect(conn)
end)
