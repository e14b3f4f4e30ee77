-- Abort in the middle of a message (after part of the body), then another
-- message on the same connection: the second is classified on its own.
dofile(dir .. "/common.lua")

run(function()
	local conn = connect()
	envelope(conn, "<>", "<sender@example.org>", "ABORT01")
	headers(conn, dsn_headers("first@dest.example"))
	local body = dsn_body("first@dest.example", "5.7.1", "550 5.7.1 blocked")
	check(mt.bodystring(conn, string.sub(body, 1, 200)) == nil, "partial body")
	check(mt.abort(conn) == nil, "abort")

	send_dsn(conn, "second@dest.example", "5.1.1", "550 5.1.1 unknown user", "ABORT02")
	reply_is(conn, SMFIR_ACCEPT, "eom after abort")
	expect_header(conn, "X-Bounce-Recipient", "second@dest.example")
	expect_header(conn, "X-Bounce-Status", "5.1.1")

	-- abort right after the headers of an ordinary message with a forged field
	check(send_plain_head(conn, "ABORT03", {{"X-Bounce-Class", "hard"}}) == SMFIR_CONTINUE, "eoh")
	check(mt.abort(conn) == nil, "abort 2")
	check(send_plain_head(conn, "ABORT04") == SMFIR_ACCEPT, "clean message after abort")
	mt.disconnect(conn)
end)
