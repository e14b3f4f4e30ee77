-- A DSN for an unknown user is tagged: X-Bounce-* headers inserted at the
-- top with the right values, accepted at EOM.
dofile(dir .. "/common.lua")

run(function()
	local conn = connect()
	send_dsn(conn, "nosuchuser@dest.example", "5.1.1",
		"550 5.1.1 <nosuchuser@dest.example>: Recipient address rejected: User unknown in local recipient table",
		"TAG0001")
	reply_is(conn, SMFIR_ACCEPT, "eom")
	expect_header(conn, "X-Bounce-Class", "hard")
	expect_header(conn, "X-Bounce-Status", "5.1.1")
	expect_header(conn, "X-Bounce-Reason", "userunknown")
	expect_header(conn, "X-Bounce-Recipient", "nosuchuser@dest.example")
	expect_header(conn, "X-Bounce-Action", "tag")
	-- inserted at index 0 (top of the message)
	check(mt.eom_check(conn, MT_HDRINSERT, "X-Bounce-Class", "hard", 0),
		"X-Bounce-Class not inserted at index 0")
	check(not mt.eom_check(conn, MT_HDRDELETE), "nothing to delete")
	check(not mt.eom_check(conn, MT_QUARANTINE), "not quarantined")
	mt.disconnect(conn)
end)
