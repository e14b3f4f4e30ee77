-- Several messages on one connection, mixed: bounce, ordinary mail
-- (accepted at EOH), bounce again, ordinary mail with a forged header;
-- each gets its own verdict and nothing leaks from one to the next.
dofile(dir .. "/common.lua")

run(function()
	local conn = connect()
	send_dsn(conn, "a@dest.example", "5.1.1", "550 5.1.1 unknown user", "MULTI01")
	reply_is(conn, SMFIR_ACCEPT, "1st eom")
	expect_header(conn, "X-Bounce-Recipient", "a@dest.example")

	check(send_plain_head(conn, "MULTI02") == SMFIR_ACCEPT, "2nd: not accepted at eoh")

	send_dsn(conn, "b@dest.example", "4.2.2", "452 4.2.2 mailbox full", "MULTI03")
	reply_is(conn, SMFIR_ACCEPT, "3rd eom")
	expect_header(conn, "X-Bounce-Recipient", "b@dest.example")
	expect_header(conn, "X-Bounce-Status", "4.2.2")
	check(not has_insert(conn, "X-Bounce-Recipient", "a@dest.example"), "1st message leaked")

	check(send_plain_head(conn, "MULTI04", {{"X-Bounce-Class", "soft"}}) == SMFIR_CONTINUE,
		"4th: forged header must keep the message")
	check(mt.eom(conn) == nil, "4th eom")
	reply_is(conn, SMFIR_ACCEPT, "4th eom")
	check(mt.eom_check(conn, MT_HDRDELETE, "X-Bounce-Class"), "4th: forged not deleted")
	check(not mt.eom_check(conn, MT_HDRINSERT), "4th: headers added")

	for i = 1, 20 do
		send_dsn(conn, "c" .. i .. "@dest.example", "5.1.1", "550 5.1.1 unknown", "MULTI1" .. i)
		reply_is(conn, SMFIR_ACCEPT, "loop eom " .. i)
		expect_header(conn, "X-Bounce-Recipient", "c" .. i .. "@dest.example")
	end
	mt.disconnect(conn)
end)
