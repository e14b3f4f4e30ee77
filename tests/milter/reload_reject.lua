-- After a reload to a policy that rejects hard bounces: the reply is the
-- new policy's.
dofile(dir .. "/common.lua")

run(function()
	local conn = connect()
	send_dsn(conn, "x@dest.example", "5.1.1", "550 5.1.1 unknown user", "RELOAD1")
	reply_is(conn, SMFIR_REPLYCODE, "reject after reload")
	check(mt.eom_check(conn, MT_SMTPREPLY, "550", "5.7.1", "reloaded policy"), "reply text")
	mt.disconnect(conn)
end)
