/*
 * rules_builtin.c - the built-in text rules, as data.
 *
 * DESCRIPTION
 *	An ordered table of {pattern, reason, host filter, status filter}.
 *	ruleset.c compiles each pattern once (PCRE2, caseless) and matches it
 *	over a recipient's diagnostic text, whitespace runs folded to one
 *	space; the first rule that matches decides the reason.  A rule with a
 *	host filter applies only when the reporting MTA, the remote MTA or
 *	the recipient domain matches it; one with a status filter only when
 *	the status or reply code does ("5.2.3", "5.7.*", "55?", lists).
 *
 *	Rules describe the phrasing of a family of MTAs or providers, never a
 *	single bounce.  The order matters where phrasings overlap: the more
 *	specific family comes first (a relay refusal that mentions a failed
 *	name lookup is norelaying, not requireptr; a rate limit that names a
 *	blocked IP is toomanyconn, not blocked; user unknown comes late
 *	because many refusals say "recipient address rejected" before their
 *	real cause).
 *
 * MEMORY
 *	Static, read-only data.
 */
#include <stddef.h>

#include "rules_builtin.h"

static const rules_builtin_rule rules_builtin_tab[] = {
	/* --- a size refusal under X.2.3 is a per-recipient limit ------- */
	{ "size|length|too (large|big)", "exceedlimit", NULL, "5.2.3,4.2.3" },

	/* --- the receiving site put the message or the address on hold -- */
	{ "(rejected|refused|deferred|address|recipient|mailbox|message)(: | is | has been )(put )?on hold\\b",
	  "onhold", NULL, NULL },

	/* --- local delivery programs (pipe, procmail, maildrop) -------- */
	{ "procmail|maildrop|mail(er)? program (failed|error|returned|exited|died)|mailer error"
	  "|pipe to \\||command (died|failed|output)"
	  "|local delivery (agent|program) (failed|error)|\\bexit (code|status) \\d"
	  "|operating system error|command not found|bad interpreter",
	  "mailererror", NULL, NULL },

	/* --- the sender's own quota (before mailboxfull: "quota exceeded") */
	{ "sending (quota|limit)", "speeding", NULL, NULL },

	/* --- the mailbox is full (before expired: "full: retry timeout") */
	{ "mailbox (is |was )?full|(over|exceeded|exceeds|reached) (the |its |their |his |her )?(disk )?(quota|storage)"
	  "|quota (exceeded|exceed|full|reached|limit)|over ?quota|(insufficient|not enough) (disk )?(space|storage) (in|for|on) (the )?(mailbox|account|user)"
	  "|out of storage space|mailbox (size )?limit|full mailbox|mailbox (has )?exceed|mail ?folder is full"
	  "|storage (quota|space) (exceeded|full)|quotaexceeded|user (is )?over|(inbox|account) is full|no space left in (the )?mailbox"
	  "|exceeded storage allocation|too many messages (in|on) (the |this )?(mailbox|account)",
	  "mailboxfull", NULL, NULL },

	/* --- the sender's MTA gave up: queue lifetime ------------------ */
	{ "retry time(out)? (not reached|exceeded|expired)|too long in (the )?queue"
	  "|been in the queue too long|message expired|delivery time expired|envelope expired"
	  "|queue\\.expired|expired after \\d|unable to deliver in \\d+ (minutes|hours|days)"
	  "|(could not be|was not|wasn't) delivered (within|for|in) \\d+ (days?|hours?)|remote host is not responding"
	  "|(delivery|retry) (period|timeout) (has )?(expired|exceeded)|all hosts have been failing"
	  "|failed \\d+ attempts|after (multiple|too many|\\d+) (retries|attempts)|giving up|gave up"
	  "|maximum (delivery|queue) time|timed? ?out|could not find a gateway|host not reachable"
	  "|did not accept our requests to connect|unable to deliver (this message )?after \\d+"
	  "|cannot send (this )?message for \\d+ (days|hours)",
	  "expired", NULL, NULL },

	/* --- under X.4.7, the sending MTA's own "gave up": a connection that
	 * kept failing until then is the expiry itself (a failed name
	 * lookup stays a network error) -------------------------------- */
	{ "(unable|not able|could not|couldn't|failed) to connect|connection (timed out|refused)"
	  "|no route to host|(host|server) (is )?unreachable", "expired", NULL, "?.4.7" },

	/* --- relaying ------------------------------------------------- */
	{ "relay(ing)? (access )?(is )?(denied|not (permitted|allowed)|prohibited|refused)"
	  "|not (configured|permitted|allowed|authori[sz]ed) to relay|unable to relay"
	  "|we do not relay|relay not permitted|no relaying|cannot relay|relaying mail to .* not allowed"
	  "|email address is not verified|(not|isn't) in my list of allowed rcpthosts",
	  "norelaying", NULL, NULL },

	/* --- the recipient's own mailbox (Office 365 edge blocking) --- */
	{ "recipient address rejected: access denied", "userunknown", NULL, NULL },

	/* --- SMTP AUTH / TLS required ---------------------------------- */
	{ "authentication (is )?required|authrequired|unauthenticated (senders|users|relay)"
	  "|turn on smtp authentication|must (be )?authenticat|requires? (smtp )?auth"
	  "|(tls|starttls|encryption) (is )?required|must (use|issue a) starttls|requiretls"
	  "|\\.\\.\\. access denied|authentication (credentials invalid|failed)|not logged in|auth(entication)? required"
	  "|delivery not authori[sz]ed",
	  "securityerror", NULL, NULL },

	/* --- SPF, DKIM, DMARC, ARC ------------------------------------- */
	{ "\\bdmarc\\b|\\bspf\\b|\\bdkim\\b|\\barc validation"
	  "|unauthenticated (e-?mail|message)|sender is unauthenticated"
	  "|(does not|doesn't) have authentication information|fails? to pass authentication"
	  "|authentication checks? (failed|did not pass)|sender (domain )?(is not )?authenticated",
	  "authfailure", NULL, NULL },

	/* --- reverse DNS of the sending host -------------------------- */
	{ "reverse (dns|lookup|mapping|hostname)|\\bptr\\b|\\brdns\\b"
	  "|ip name lookup failed|cannot find your (reverse )?hostname"
	  "|(no|without a) valid (sender domain|hostname|host name)"
	  "|(client|host) (name|hostname) (lookup|verification) failed"
	  "|(no|missing) (dns )?(ptr|reverse) record|does not resolve to|not resolve back"
	  "|hostname (does not|doesn't) match|unverif[iy]able sending ip"
	  "|(does not|doesn't) have an? (valid )?(ptr|reverse|host ?name)|(has|with) no (reverse|ptr)",
	  "requireptr", NULL, NULL },

	/* --- too many connections, too fast --------------------------- */
	{ "receiving mail (at|too) (a )?(rate|fast)|sending (mail )?too (fast|quickly)"
	  "|rate limit(ed|ing)? (exceeded|reached)|exceeded (the )?(sending )?rate"
	  "|too many (messages|mails) (from|in|per)",
	  "speeding", NULL, NULL },
	{ "too many (connections|sessions|concurrent|simultaneous|smtp sessions|recipients)"
	  "|frequency limited|connection (rate|limit)|(sessions?|connections?) limit"
	  "|too many (errors|invalid)|throttl|\\brp-00[1-3]\\b",
	  "toomanyconn", NULL, NULL },

	/* --- provider error codes that name the cause --------------------- */
	/* Cox: AUP#CXBL / AUP#CDRBL, the sending IP is on Cox's blocklists */
	{ "aup#(cxbl|cdrbl)\\b", "blocked", NULL, NULL },
	/* Spectrum: AUP#In-1310, too many connections or messages */
	{ "aup#in-1310\\b", "toomanyconn", NULL, NULL },

	/* Orange (orange.fr, wanadoo.fr) numbers its refusals, "OFR_999 [999]":
	 * 999 the sending IP is refused, 505 its service is unavailable */
	{ "\\bofr\\w*_999\\b|\\[999\\]", "blocked", "(^|\\.)(orange|wanadoo)\\.fr$", NULL },
	{ "\\bofr\\w*_505\\b|\\[505\\]", "systemerror", "(^|\\.)(orange|wanadoo)\\.fr$", NULL },

	/* --- reputation (Yahoo's TSS04: volume or complaints) ------------ */
	/* Yahoo's own MX says TSS04 to the envelope sender's traffic */
	{ "unexpected volume or user complaints|\\[tss04\\]", "rejected", "yahoodns\\.net$", NULL },
	{ "reputation|sender ?score|unexpected volume or user complaints|\\[tss04\\]",
	  "badreputation", NULL, NULL },

	/* --- the message breaks RFC 5322 (before spam: Gmail says both) -- */
	{ "not (rfc ?5322|rfc ?2822|rfc) compliant|not compliant with (the )?rfc|multiple (addresses in from|\\S+ headers)"
	  "|duplicate (header|\\S+ header)|rfc ?5322 section|message-id (header )?(is )?(missing|invalid)"
	  "|missing (a )?(required )?(date|from|message-id) header",
	  "notcompliantrfc", NULL, NULL },

	/* cPanel/Exim: "the account or domain may not exist, they may be
	 * blacklisted, or missing the proper dns entries" */
	{ "domain may not exist", "hostunknown", NULL, NULL },

	/* --- the sending host: blocklists, IP bans, refusals ----------- */
	{ "blocked using|(?<!not )listed (at|on|in|by)|spamhaus|spamcop|\\bsorbs\\b|\\bbarracuda"
	  "|dnsbl|\\brbl\\b|blacklist|blocklist|black list|block list"
	  "|client host (\\S+ )?(rejected|blocked)|(ip|host|client)( address)? (\\S+ )?(is )?(blocked|banned|denied)"
	  "|\\b\\d{1,3}(\\.\\d{1,3}){3}\\]?:? (is |has been )?(blocked|blacklisted|banned|denied)"
	  "|banned sending ip|blocked ip|refused to talk to me|not accepting connections"
	  "|connection (refused|rejected) (by|from)|access denied.*\\bip\\b|\\(bl\\)"
	  "|^\\d{3}[- ]blocked|may not be mail exchanger|your ip|my name was rejected"
	  "|please use (the|your) (\\S+ )?(smtp|mail) (server|relay)|invalid ip for sending"
	  "|\\b(sc|ou|dy)-00[1-4]\\b|\\[tss?0[39]\\]|permanently deferred|:(hvu|rly|dyn|rtr):"
	  "|helo (command )?rejected|(invalid|bad) helo|not authori[sz]ed to send (e-?mail )?directly"
	  "|blocked for (abuse|spam)|open relay|(do not|don't|does not) accept (e-?)?mail from"
	  "|dynamic (ip|address|pool|range)|dial-?up|residential (ip|address|range)"
	  "|access to this mail system has been rejected",
	  "blocked", NULL, NULL },
	/* a bare "rejected" with a generic code: the connection was refused */
	{ "^(\\d{3}[- ])?(#?\\d\\.\\d\\.\\d )?rejected\\.?$", "blocked", NULL, "?.0.0" },

	/* --- malware, spam --------------------------------------------- */
	{ "virus|malware|trojan|infected|worm detected|mcspamsignature",
	  "virusdetected", NULL, NULL },
	{ "\\bspam(?!haus|cop)|\\bube\\b|\\buce\\b|unsolicited|junk mail|bulk mail|message content rejected"
	  "|content (was )?(rejected|refused)|identified as (spam|junk)|spamassassin",
	  "spamdetected", NULL, NULL },

	/* --- the message: content, size, policy ------------------------- */
	{ "headers? (too (large|long|big)|exceed|size)|invalid (character|charset)|bare (lf|linefeed)"
	  "|illegal (character|header)|content (type|encoding) (not|is)|mime (error|syntax)|invalid mime|8-?bitmime|8-?bit (data|characters)",
	  "contenterror", NULL, NULL },
	{ "message (size|length) (exceeds|too|is larger)|size (of message )?exceeds|message (is )?too (large|big)"
	  "|exceeds (the )?(maximum|size|message size)|maximum (allowed )?((e-?mail|message|mail) )?size|larger than (the )?(maximum|allowed)"
	  "|too (large|big) for|(mail|message) size limit|line limit exceeded|exceeds (the )?(\\S+ )?size limit",
	  "mesgtoobig", NULL, NULL },
	{ "policy (reasons|violation)|violat(es|ion of) .*polic|protocol violation|not allowed by .*polic"
	  "|network not allowed|content presents a potential|against (our|the) (mail )?policy|prohibited by policy"
	  "|(due to|by) (local|our|site|the domain's) polic"
	  "|(rejected|blocked|refused|denied|prohibited) (due to|by) (\\S+ ){0,3}polic(y|ies)\\b"
	  "|(due to|because of) content restrictions",
	  "policyviolation", NULL, NULL },

	/* --- the envelope sender --------------------------------------- */
	{ "sender (address |domain )?(rejected|refused|denied|blocked|invalid|not allowed|verify failed|unknown)"
	  "|(domain of )?sender address .* (does not exist|invalid|rejected)"
	  "|invalid sender|bad sender|sender (\\S+ )?(is )?not (allowed|permitted|authorized)"
	  "|mail from (address )?(rejected|refused|not allowed)|rejected (the )?mail from|return.?path (is )?(invalid|rejected|not)"
	  "|your (e-?mail )?address (has been|is) (blocked|banned|blacklisted)|unverified sender"
	  "|sender domain (does not|doesn't) exist|senders? (address )?domain (must|is not)"
	  "|(not have|no) permission to post|not a member of (this|the) (mailing )?list"
	  "|all recipient addresses rejected|not a registered gateway user",
	  "rejected", NULL, NULL },

	/* --- the mailbox moved, was disabled ---------------------------- */
	{ "no longer on (this )?server|has moved|mailbox moved|not our (customer|user)"
	  "|address (has )?changed|new address is|moved (away|permanently)",
	  "hasmoved", NULL, NULL },
	{ "(account|mailbox|user|recipient)( \\S+)? (is |has been |was )"
	  "(disabled|suspended|deactivated|inactive|frozen|locked|closed|expired|blocked|discontinued)"
	  "|(account|mailbox|user|recipient|address) (disabled|suspended|deactivated|frozen|temporar(il)?y locked)"
	  "|disabled (recipient|account|mailbox|user)|(inactive|suspended|expired) (account|mailbox|user)"
	  "|(address|recipient) rejected: (suspended|disabled)\\b"
	  "|account (has been )?(disabled|suspended|terminated)|not (an )?active (user|account|mailbox)"
	  "|mailbox is frozen|compte du destinataire est bloque|temporar(il)?y locked"
	  "|tried to reach (is|has been) (disabled|inactive|deactivated|suspended)",
	  "suspend", NULL, NULL },

	/* Yahoo-style "dd This user doesn't have a ... account": refused by
	 * the receiving side after the fact (filtered) */
	{ "this user (doesn't|does not) have an? \\S+ account", "filtered", NULL, NULL },

	/* --- the recipient's domain does not accept mail, or not found ---- */
	{ "null mx|(does not|doesn't|do not) (accept|receive) (e-?)?mail(?! from)|not accepting (e-?)?mail(?! from)"
	  "|domain (does not|doesn't) (accept|receive)|couldn't find a mail exchanger|indicated no smtp service",
	  "notaccept", NULL, NULL },
	{ "host \\S+ not found(?!, try again)", "hostunknown", NULL, NULL },
	{ "dns error|(name server|nameserver) (reply|error|failure)|malformed or unexpected|dns (lookup|query) (failed|error)"
	  "|temporary (dns|lookup) failure|servfail|host not found, try again|(host name|dns) lookup failure",
	  "networkerror", NULL, NULL },
	{ "host (or domain name )?not found|domain (name )?not found|no such (domain|host)|unrouteable (address|domain)"
	  "|host ?unknown|unknown (host|domain)|domain (\\S+ )?(does not|doesn't) exist|nxdomain|no mx (record|host)"
	  "|(mx|a) record (not found|missing)|(invalid|bad) (domain|host)( name)?|unresolvable|hostname (not found|unknown)"
	  "|(?<![@\\w.-])[a-z0-9-]+(\\.[a-z0-9-]+)+ (does not|doesn't) exist|mx records point to non-existent hosts",
	  "hostunknown", NULL, NULL },

	/* Japanese mobile carriers (au/KDDI, docomo) answer "user unknown"
	 * when the recipient's own sender filter refuses the message after
	 * RCPT; their relays' DSNs then carry a vague status; with X.1.1, or
	 * a plain RCPT-time refusal without a status, it is userunknown */
	{ "user unknown|unknown user", "filtered",
	  "(^|\\.)(ezweb\\.ne\\.jp|au\\.com|docomo\\.ne\\.jp)\\b", "?.0.*,?.2.*,?.3.*" },

	/* au (KDDI)'s EZweb gateway words its own refusal of a recipient
	 * (the recipient's reception settings, a domain filter) "Each of the
	 * following recipients was rejected by a remote mail server", with
	 * no code */
	{ "recipients? (was|were) rejected by a remote mail server", "filtered",
	  "(^|\\.)(ezweb\\.ne\\.jp|au\\.com)\\b", NULL },

	/* au (KDDI)'s sender filter answers "550 : User unknown", no address
	 * between the code and the colon, to the message it refuses; relays
	 * (Office 365, Gmail, Sendmail ...) quote it with codes of their own */
	{ "\\b[45]\\d\\d : user unknown", "filtered", NULL, NULL },

	/* Amazon SES inbound: a receipt rule bounced the message */
	{ "mailbox does not exist|user unknown", "filtered",
	  "^inbound-smtp\\.[a-z0-9-]+\\.amazonaws\\.com$", NULL },

	/* --- the recipient's address does not exist --------------------- */
	{ "user unknown|unknown (user|recipient|address|mailbox|local.?part|alias)|no such (user|mailbox|recipient|address|account|local user|person)"
	  "|(user|mailbox|account|address|recipient|addressee|email account)( \\S+)? (does not|doesn't|did not|not) exists?"
	  "|(mailbox|recipient|user|address|account) (was )?not found|recipnotfound|recipientnotfound"
	  "|invalid (recipient|mailbox|address|user|e-?mail address|destination)|(bad|illegal) (recipient|destination (mailbox )?address)"
	  "|mailbox (is )?unavailable|mailbox (not available|unknown|does not)|recipient (address )?(is )?(unknown|invalid)"
	  "|not a (valid|known) (user|recipient|mailbox|address)|no (mailbox|account) (here|for|by that name)"
	  "|(user|recipient) (is )?not (local|listed|known)|unknown or illegal|undeliverable address"
	  "|(doesn't|does not) have an? \\S+ account|adresse destinataire invalide|destination address (is )?(invalid|rejected)"
	  "|inactive (e-?mail )?address|no valid recipients|rejected recipient|user not exist"
	  "|not listed in (\\S+ )?(public )?(name and address book|directory)|(address|recipient|user|mailbox) (couldn't|could not|can't|cannot) be found"
	  "|check (if|that) (the )?address is correct|(addressee|address|recipient) unknown|unknown account"
	  "|tried to reach (does not|doesn't) exist|bad (e-?mail )?address",
	  "userunknown", NULL, NULL },

	/* Lotus Notes / Domino in Japanese: "<directory> ... not found / not
	 * listed" (the address is not in the directory), as ISO-2022-JP text
	 * left undecoded (7-bit JIS: "%G%#%l%/%H%j" is the word directory;
	 * "$\"$j$^$;$s" and "8+$D$+$j$^$;$s" are "is not" and "is not found")
	 * or as UTF-8 */
	{ "%G%#%l%/%H%j.{0,40}(\\$\"\\$j\\$\\^\\$;\\$s|8\\+\\$D\\$\\+\\$j\\$\\^\\$;\\$s)"
	  "|\xe3\x83\x87\xe3\x82\xa3\xe3\x83\xac\xe3\x82\xaf\xe3\x83\x88\xe3\x83\xaa.{0,40}"
	  "(\xe3\x81\x82\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93"
	  "|\xe8\xa6\x8b\xe3\x81\xa4\xe3\x81\x8b\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x9b\xe3\x82\x93)",
	  "userunknown", NULL, NULL },

	/* --- the network ------------------------------------------------ */
	{ "no route to host|connection (refused|reset|closed)|lost connection|network (is )?unreachable|(host|server) unreachable"
	  "|(too many|exceeded) hops|hop count|mail (for \\S+ )?loops? back|routing loop|mail loop|loop detected"
	  "|could not connect|unable to connect|can't connect|failed to connect|tls (negotiation|handshake) failed"
	  "|network error|(wasn't|was not|couldn't|could not) (able to )?establish an? (smtp )?connection|actively refused"
	  "|host lookup did not complete",
	  "networkerror", NULL, NULL },

	/* --- the receiving system --------------------------------------- */
	{ "insufficient system storage|disk (is )?full|(system|server|file ?system) (is )?full|out of disk|no space left on device",
	  "systemfull", NULL, NULL },
	{ "system error|internal (server )?error|local error|service (currently |temporarily )?(unavailable|not available)"
	  "|(does not|doesn't) support (tls|starttls|ssl)"
	  "|transaction failed|temporar(il)?y (unavailable|failure|error)|i/o error|server (error|busy|failure)"
	  "|could not load|configuration error|try again later|resources temporarily|error in processing"
	  "|temporary local problem",
	  "systemerror", NULL, NULL },

	/* --- SMTP protocol -------------------------------------------- */
	{ "syntax error|command (not )?(recogni[sz]ed|implemented|unrecogni[sz]ed)|(bad|improper|out of) sequence"
	  "|parameter not implemented|unrecognized command|line too long|invalid command|malformed address",
	  "syntaxerror", NULL, NULL },

	/* --- per-user and content filters -------------------------------- */
	{ "filter(ed)?|badrcptto|refused by (the )?recipient|rejected by (the )?(recipient|user)|resolver\\.rst\\.notauthorized"
	  "|recipient (has )?(rejected|refused|blocked)|(does not|doesn't) (want|wish) to receive|not authori[sz]ed to (send|receive|mail)"
	  "|not (on|in) (the )?(allowed|white) ?list|whitelist|receiving (mail )?(is )?(denied|refused|rejected)",
	  "filtered", NULL, NULL },

	/* last resort: a refusal that only says "blocked" is about the sender
	 * (more specific "blocked" phrasings matched above) */
	{ "\\bblocked\\b", "blocked", NULL, NULL },

	/* a bare "recipient address rejected" means the address only with a
	 * generic or addressing code; otherwise the code decides */
	{ "address rejected|recipient rejected", "userunknown", NULL, "?.0.0,?.1.*" },

	/* Google Groups' own refusal, in any language: the group does not
	 * exist or the sender may not post to it.  It quotes no status code;
	 * a bounce for a group address that does (a real SMTP refusal) is
	 * left to the code and the other rules. */
	{ "^(?!.*\\b[245]\\.\\d{1,3}\\.\\d{1,3}\\b)", "rejected", "^googlegroups\\.com$", NULL },
};

const rules_builtin_rule *rules_builtin_table(size_t *n)
{
	*n = sizeof(rules_builtin_tab) / sizeof(rules_builtin_tab[0]);
	return rules_builtin_tab;
}
