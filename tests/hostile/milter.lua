-- milter.lua - feed one message file to bouncetagd as an MTA would, for
-- tests/hostile.sh --milter.
--
-- Usage: miltertest -D sock=unix:/PATH -D file=MSG -s milter.lua
--
-- Splits the file into header fields (continuation lines joined with "\n",
-- the blank after the colon dropped, as Postfix sends them; a field is cut
-- at 900 bytes, as miltertest's mt.header() overflows its stack on a field
-- over about 1 KB, so long fields are for the command's tests only), then the body in chunks of 65535 bytes
-- (the milter protocol's largest).  Stops sending when the filter answers
-- anything but "continue" (after "skip", goes on to the end of message).  At the end of the
-- message checks every X-Bounce-* field the filter added that miltertest
-- can read back (the known names, Result 1-60): no CR, no NUL, LF only
-- in a "\n\t" fold; a field of ours (X-Bounce-*) in the message itself must
-- have been removed.  Prints "reply=X added=N" and errors out (exit
-- non-zero) on a protocol failure or a bad header value.
-- Limits: at most 200,000 header fields are sent.

local MAXFIELDS = 200000
local CHUNK = 65535
local MAXHDR = 900	-- miltertest's mt.header() smashes its stack past ~1 KB
local names = { "Checked-By", "Action", "Class", "Reason", "Status",
	"Description", "Recipient", "Diagnostic", "Remote-MTA",
	"Original-Message-ID" }

-- miltertest exits 1 without a word when the script raises: main() runs
-- under pcall so that the reason is printed.
local function main()
	local f = assert(io.open(file, "rb"))
	-- mt.header() and mt.bodystring() take C strings: a NUL would cut a field
	-- or send an empty body chunk (libmilter then drops the connection), so
	-- NULs go as blanks here; the command's tests keep them.
	local data = f:read("*a"):gsub("%z", " ")
	f:close()

	local conn = mt.connect(sock, 40, 0.25)
	if conn == nil then error("cannot connect to " .. sock) end
	-- miltertest exits 1 without a word when an mt.* call raises: say which.
	local function step(what, ok, rc)
		if not ok then error(what .. ": " .. tostring(rc)) end
		if rc ~= nil then error(what .. " failed") end
		local r = mt.getreply(conn)
		return r == SMFIR_CONTINUE, r
	end

	local go, reply = step("mailfrom", pcall(mt.mailfrom, conn, "<>"))
	-- No RCPT: the filter negotiates SMFIP_NORCPT (and no connect information).

	-- Header block: up to the first empty line (LF or CRLF).
	local pos, n, len = 1, 0, #data
	local forged = {}	-- our field names found in the message: must be removed
	while go and pos <= len and n < MAXFIELDS do
		local e = data:find("\n", pos, true) or len + 1
		local line = data:sub(pos, e - 1):gsub("\r$", "")
		if line == "" then pos = e + 1; break end
		local name, value = line:match("^([^:]+):[ \t]?(.*)$")
		if name ~= nil and #name > 200 then name = name:sub(1, 200) end
		if name == nil then break end		-- not a field: body starts here
		pos = e + 1
		while pos <= len do			-- continuation lines
			local c = data:sub(pos, pos)
			if c ~= " " and c ~= "\t" then break end
			e = data:find("\n", pos, true) or len + 1
			if #value < MAXHDR then
				value = value .. "\n" .. data:sub(pos, e - 1):gsub("\r$", "")
			end
			pos = e + 1
		end
		if #name + #value > MAXHDR then value = value:sub(1, MAXHDR - #name) end
		if name:lower():sub(1, 9) == "x-bounce-" then forged[#forged + 1] = name end
		go, reply = step("header", pcall(mt.header, conn, name, value))
		n = n + 1
	end
	if go then go, reply = step("eoh", pcall(mt.eoh, conn)) end
	local skipped = false
	while go and pos <= len do
		go, reply = step("body", pcall(mt.bodystring, conn, data:sub(pos, pos + CHUNK - 1)))
		pos = pos + CHUNK
		if reply == SMFIR_SKIP then skipped = true; go = true; break end
	end
	if go then
		local ok, rc = pcall(mt.eom, conn)
		if not ok or rc ~= nil then error("eom: " .. tostring(rc)) end
		reply = mt.getreply(conn)
	end

	local added = 0
	local function check(h, i)
		local v = mt.getheader(conn, h, i)
		if v == nil then return false end
		added = added + 1
		if v:find("\r", 1, true) or v:find("\0", 1, true) then
			error(h .. ": CR or NUL in value")
		end
		local s = 1
		while true do
			local l = v:find("\n", s, true)
			if l == nil then break end
			if v:sub(l + 1, l + 1) ~= "\t" then error(h .. ": LF without a tab fold") end
			s = l + 1
		end
		return true
	end
	for _, h in ipairs(names) do
		check("X-Bounce-" .. h, 0)
		if mt.getheader(conn, "X-Bounce-" .. h, 1) ~= nil then
			error("X-Bounce-" .. h .. " added twice")
		end
	end
	for i = 0, 60 do
		if not check("X-Bounce-Result", i) then break end
	end
	-- A message with more forged fields than the daemon can delete is
	-- held (quarantined) for the administrator, never passed on.
	local held = mt.eom_check(conn, MT_QUARANTINE)
	if (go or reply == SMFIR_ACCEPT) and not held then
		for _, h in ipairs(forged) do
			if not mt.eom_check(conn, MT_HDRDELETE, h) and not mt.eom_check(conn, MT_HDRCHANGE, h) then
				error("forged " .. h .. " in the message was not removed")
			end
		end
	end
	mt.disconnect(conn)
	print(string.format("reply=%s added=%d fields=%d%s%s", string.char(reply), added, n,
		skipped and " body-skipped" or "", held and " held" or ""))
end

local ok, err = pcall(main)
if not ok then
	print("milter.lua: " .. tostring(err))
	os.exit(1)
end
