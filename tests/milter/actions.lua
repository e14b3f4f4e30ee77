-- Policy actions (policy.conf in this directory): reject with the
-- configured reply, tempfail, quarantine (+ headers), discard.  One
-- connection each, as an MTA would do after a refused message.
dofile(dir .. "/common.lua")

local function one(domain, qid)
	local conn = connect()
	send_dsn(conn, "user@" .. domain, "5.1.1", "550 5.1.1 user unknown", qid)
	return conn
end

run(function()
	local conn = one("reject.example", "ACT0001")
	reply_is(conn, SMFIR_REPLYCODE, "reject")
	check(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "bounces for reject.example refused"),
		"reject reply text")
	mt.disconnect(conn)

	conn = one("tempfail.example", "ACT0002")
	reply_is(conn, SMFIR_REPLYCODE, "tempfail")
	check(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.7.1", "try again later"), "tempfail reply")
	mt.disconnect(conn)

	conn = one("quarantine.example", "ACT0003")
	reply_is(conn, SMFIR_ACCEPT, "quarantine")
	check(mt.eom_check(conn, MT_QUARANTINE, "held by bouncetag"), "quarantine reason")
	expect_header(conn, "X-Bounce-Class", "hard")
	expect_header(conn, "X-Bounce-Action", "quarantine")
	mt.disconnect(conn)

	conn = one("discard.example", "ACT0004")
	reply_is(conn, SMFIR_DISCARD, "discard")
	check(not mt.eom_check(conn, MT_HDRINSERT), "no headers on a discarded message")
	mt.disconnect(conn)

	-- a bounce no rule names: tagged by the default rule
	conn = one("other.example", "ACT0005")
	reply_is(conn, SMFIR_ACCEPT, "default")
	expect_header(conn, "X-Bounce-Action", "tag")
	mt.disconnect(conn)
end)
