-- tests/milter/common.lua: helpers for the miltertest scripts.
-- Globals from miltertest -D: sock (milter socket spec), dir (this directory).
-- Each script defines main() and ends with run(main): errors are printed
-- (this miltertest build prints nothing for a failed script) and exit 1.

function check(cond, msg)
	if not cond then error(msg, 2) end
end

-- Reply letters: compare numbers (miltertest prints them as floats).
function reply_is(conn, want, what)
	local got = mt.getreply(conn)
	check(got == want, what .. ": reply " .. string.format("%q", string.char(math.floor(got)))
		.. ", expected " .. string.format("%q", string.char(math.floor(want))))
end

function connect()
	local conn = mt.connect(sock, 40, 0.25)
	check(conn ~= nil, "cannot connect to " .. sock)
	return conn
end

-- The envelope: MAIL FROM and one RCPT; the queue id macro i.
function envelope(conn, from, rcpt, qid)
	check(mt.macro(conn, SMFIC_MAIL, "i", qid) == nil, "macro")
	check(mt.mailfrom(conn, from) == nil, "mailfrom")
	-- bouncetagd asks for no RCPT (SMFIP_NORCPT); miltertest refuses to send one then
	if not mt.test_option(conn, SMFIP_NORCPT) then
		check(mt.rcptto(conn, rcpt) == nil, "rcptto")
	end
end

-- Send header fields (a list of {name, value}) and end of headers.
function headers(conn, list)
	for _, h in ipairs(list) do
		check(mt.header(conn, h[1], h[2]) == nil, "header " .. h[1])
	end
	check(mt.eoh(conn) == nil, "eoh")
end

-- A DSN for rcpt (status, diagnostic), as Postfix writes one.
function dsn_headers(rcpt, extra)
	local h = {
		{"Date", "Sun, 29 Nov 2026 10:00:00 +0000 (UTC)"},
		{"From", "MAILER-DAEMON@mx.example.net (Mail Delivery System)"},
		{"Subject", "Undelivered Mail Returned to Sender"},
		{"To", "sender@example.org"},
		{"Auto-Submitted", "auto-replied"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "multipart/report; report-type=delivery-status;\n\tboundary=\"B0UNDARY\""},
		{"Message-Id", "<20261129100000.1A2B3C@mx.example.net>"},
	}
	for _, x in ipairs(extra or {}) do table.insert(h, x) end
	return h
end

-- A DSN body; more: further recipients (each failed with the same status).
function dsn_body(rcpt, status, diag, more)
	local t = {
		"This is a MIME-encapsulated message.",
		"",
		"--B0UNDARY",
		"Content-Description: Notification",
		"Content-Type: text/plain; charset=us-ascii",
		"",
		"I'm sorry to have to inform you that your message could not",
		"be delivered to one or more recipients.",
		"",
		"<" .. rcpt .. ">: host mx.dest.example[192.0.2.7] said: " .. diag,
		"",
		"--B0UNDARY",
		"Content-Description: Delivery report",
		"Content-Type: message/delivery-status",
		"",
		"Reporting-MTA: dns; mx.example.net",
		"X-Postfix-Queue-ID: 1A2B3C",
		"Arrival-Date: Sun, 29 Nov 2026 09:59:58 +0000 (UTC)",
		"",
		"Final-Recipient: rfc822; " .. rcpt,
		"Original-Recipient: rfc822;" .. rcpt,
		"Action: failed",
		"Status: " .. status,
		"Remote-MTA: dns; mx.dest.example",
		"Diagnostic-Code: smtp; " .. diag,
		"",
	}
	for _, r in ipairs(more or {}) do
		table.insert(t, "Final-Recipient: rfc822; " .. r)
		table.insert(t, "Action: failed")
		table.insert(t, "Status: " .. status)
		table.insert(t, "Diagnostic-Code: smtp; " .. diag)
		table.insert(t, "")
	end
	for _, l in ipairs({
		"--B0UNDARY",
		"Content-Description: Undelivered Message Headers",
		"Content-Type: text/rfc822-headers",
		"",
		"From: sender@example.org",
		"To: " .. rcpt,
		"Subject: hello",
		"Message-Id: <orig-1@example.org>",
		"",
		"--B0UNDARY--",
		"",
	}) do table.insert(t, l) end
	return table.concat(t, "\r\n")
end

-- One DSN message up to EOM; returns after mt.eom.
function send_dsn(conn, rcpt, status, diag, qid, extra, more)
	envelope(conn, "<>", "<sender@example.org>", qid)
	headers(conn, dsn_headers(rcpt, extra))
	reply_is(conn, SMFIR_CONTINUE, qid .. " eoh")
	check(mt.bodystring(conn, dsn_body(rcpt, status, diag, more)) == nil, "body")
	check(mt.eom(conn) == nil, "eom")
end

-- One ordinary message up to EOH; returns the reply at EOH.
function send_plain_head(conn, qid, extra)
	envelope(conn, "<alice@example.org>", "<bob@example.com>", qid)
	local h = {
		{"From", "Alice <alice@example.org>"},
		{"To", "bob@example.com"},
		{"Subject", "lunch"},
		{"Message-Id", "<" .. qid .. "@example.org>"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=us-ascii"},
	}
	for _, x in ipairs(extra or {}) do table.insert(h, x) end
	headers(conn, h)
	return mt.getreply(conn)
end

function has_insert(conn, name, value)
	if value == nil then return mt.eom_check(conn, MT_HDRINSERT, name) end
	return mt.eom_check(conn, MT_HDRINSERT, name, value)
end

function expect_header(conn, name, value)
	check(has_insert(conn, name, value), "missing " .. name .. ": " .. tostring(value)
		.. " (got " .. tostring(mt.getheader(conn, name, 0)) .. ")")
end

function run(main)
	local ok, err = pcall(main)
	if not ok then
		print("FAIL: " .. tostring(err))
		os.exit(1)
	end
	print("ok")
end
