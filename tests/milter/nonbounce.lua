-- Ordinary mail is accepted at end of headers: the body is never sent and
-- nothing is changed.
dofile(dir .. "/common.lua")

run(function()
	local conn = connect()
	local r = send_plain_head(conn, "PLAIN001")
	check(r == SMFIR_ACCEPT, "eoh reply " .. tostring(r) .. ", expected accept")
	mt.disconnect(conn)
end)
