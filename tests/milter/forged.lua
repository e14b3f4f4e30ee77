-- Forged X-Bounce-* headers are deleted: from ordinary mail (the body is
-- skipped, the deletion happens at EOM) and from bounces (beside the real
-- headers).
dofile(dir .. "/common.lua")

run(function()
	local conn = connect()
	-- ordinary mail with two forged X-Bounce-Class and one lower-case one
	local r = send_plain_head(conn, "FORGE001", {
		{"X-Bounce-Class", "hard"},
		{"x-bounce-status", "5.1.1"},
		{"X-BOUNCE-CLASS", "block"},
	})
	check(r == SMFIR_CONTINUE, "eoh reply " .. tostring(r) .. ", expected continue")
	check(mt.bodystring(conn, "hello\r\n") == nil, "body")
	reply_is(conn, SMFIR_SKIP, "body of a non-bounce")
	check(mt.eom(conn) == nil, "eom")
	reply_is(conn, SMFIR_ACCEPT, "eom")
	check(mt.eom_check(conn, MT_HDRDELETE, "X-Bounce-Class"), "X-Bounce-Class not deleted")
	check(mt.eom_check(conn, MT_HDRDELETE, "x-bounce-status"), "x-bounce-status not deleted")
	check(not mt.eom_check(conn, MT_HDRINSERT), "no header added to ordinary mail")

	-- a bounce carrying a forged class
	send_dsn(conn, "gone@dest.example", "5.1.1", "550 5.1.1 user unknown", "FORGE002",
		{{"X-Bounce-Class", "none"}})
	reply_is(conn, SMFIR_ACCEPT, "eom")
	check(mt.eom_check(conn, MT_HDRDELETE, "X-Bounce-Class"), "forged class not deleted from bounce")
	expect_header(conn, "X-Bounce-Class", "hard")
	mt.disconnect(conn)
end)
