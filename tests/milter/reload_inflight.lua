-- A reload in the middle of a message: the message finishes under the
-- policy it started with (tag); the next message on the same connection
-- gets the new one (reject).  Globals: pid (the daemon), log (its log).
dofile(dir .. "/common.lua")

local function wait_log(pattern, seconds)
	for _ = 1, seconds * 10 do
		local f = io.open(log, "r")
		if f then
			local s = f:read("a")
			f:close()
			if string.find(s, pattern, 1, true) then return true end
		end
		mt.sleep(0.1)
	end
	return false
end

run(function()
	local conn = connect()
	envelope(conn, "<>", "<sender@example.org>", "INFLIGHT1")
	headers(conn, dsn_headers("old@dest.example"))
	local body = dsn_body("old@dest.example", "5.1.1", "550 5.1.1 unknown user")
	check(mt.bodystring(conn, string.sub(body, 1, 100)) == nil, "first chunk")
	check(os.execute("kill -HUP " .. pid), "kill -HUP")
	check(wait_log("reloaded", 5), "no reload in the log")
	check(mt.bodystring(conn, string.sub(body, 101)) == nil, "rest of the body")
	check(mt.eom(conn) == nil, "eom")
	reply_is(conn, SMFIR_ACCEPT, "in-flight message under the old policy")
	expect_header(conn, "X-Bounce-Action", "tag")

	send_dsn(conn, "new@dest.example", "5.1.1", "550 5.1.1 unknown user", "INFLIGHT2")
	reply_is(conn, SMFIR_REPLYCODE, "next message under the new policy")
	mt.disconnect(conn)
end)
