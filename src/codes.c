/*
 * codes.c - the status-code table.
 *
 * DESCRIPTION
 *	One sorted, read-only table of every status code bouncetag knows:
 *	the user's reference table (classic 421..554 and enhanced 5.0.0..5.7.7,
 *	each with exactly the user's text), their 4.X.Y counterparts (same
 *	subject/detail text, transient), the rest of the IANA "SMTP Enhanced
 *	Status Codes" registry (RFC 3463, RFC 5248 and later RFCs), classic
 *	replies beyond the user's list, and provider codes with meanings of
 *	their own (Gmail, Microsoft Exchange Online).  Each entry carries a
 *	default Sisimai reason, or NULL where the code alone does not decide
 *	(5.0.0, 5.7.1, 550, 554, ...; the text rules decide then).
 *
 *	Where a provider reuses a registry code with another meaning (Gmail
 *	4.7.23, Microsoft 5.1.10 and 5.4.1), the text says both and the
 *	default reason is the one seen in practice, or NULL.
 *
 *	The table is sorted by a numeric key (class, subject, detail for
 *	enhanced codes, the number for replies), each key once; each row
 *	carries its key, made at compile time from the same numbers as its
 *	code (CODES_E, CODES_R), so a probe is one comparison;
 *	tests/check_codes.c checks the keys and the order.  A lookup goes
 *	through a hash of the keys, made once (codes_lookup()).
 *
 * MEMORY
 *	Everything here is static and read-only (the keys' hash for the
 *	lookup is made once, under pthread_once); returned pointers live for
 *	the whole process.  Thread-safe.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"

/* A table row's code and its sort key (codes_key()), both from the same
 * numbers, at compile time: an enhanced code class.subject.detail, a
 * reply code.  (No leading zeros: the numbers would be octal.) */
#define CODES_E(c, s, d)	#c "." #s "." #d, (c) * 1000000L + (s) * 1000L + (d)
#define CODES_R(n)		#n, (n)

static const codes_entry codes_tab[] = {
	/* code and key, text, default reason, source; sorted by the key */
	{ CODES_R(211), "System status, or system help reply", NULL, "rfc5321" },
	{ CODES_R(214), "Help message", NULL, "rfc5321" },
	{ CODES_R(220), "Service ready", NULL, "rfc5321" },
	{ CODES_R(221), "Service closing transmission channel", NULL, "rfc5321" },
	{ CODES_R(235), "Authentication successful", NULL, "rfc4954" },
	{ CODES_R(250), "Requested mail action okay, completed", NULL, "rfc5321" },
	{ CODES_R(251), "User not local; will forward", NULL, "rfc5321" },
	{ CODES_R(252), "Cannot verify the user, but will accept the message and attempt delivery", NULL, "rfc5321" },
	{ CODES_R(334), "Authentication challenge", NULL, "rfc4954" },
	{ CODES_R(354), "Start mail input; end with <CRLF>.<CRLF>", NULL, "rfc5321" },
	{ CODES_R(421), "<domain> Service not available, closing transmission channel.", NULL, "user" },
	{ CODES_R(432), "A password transition is needed", "securityerror", "rfc4954" },
	{ CODES_R(450), "Requested mail action not taken: mailbox unavailable (for example: mailbox busy).", NULL, "user" },
	{ CODES_R(451), "Requested action aborted: error in processing.", NULL, "user" },
	{ CODES_R(452), "Requested action not taken: insufficient system storage", NULL, "user" },
	{ CODES_R(454), "Temporary authentication failure, or TLS not available", "securityerror", "rfc4954" },
	{ CODES_R(455), "Server unable to accommodate parameters", NULL, "rfc5321" },
	{ CODES_R(500), "The server couldn't recognize the command due to a syntax error.", "syntaxerror", "user" },
	{ CODES_R(501), "A syntax error was encountered in command arguments.", "syntaxerror", "user" },
	{ CODES_R(502), "This command isn't implemented.", "syntaxerror", "user" },
	{ CODES_R(503), "The server has encountered a bad sequence of commands.", "syntaxerror", "user" },
	{ CODES_R(504), "A command parameter isn't implemented.", "syntaxerror", "user" },
	{ CODES_R(521), "Host does not accept mail", "notaccept", "rfc7504" },
	{ CODES_R(523), "Encryption needed (message too large for the mechanism)", "securityerror", "rfc5248" },
	{ CODES_R(530), "Authentication required", "securityerror", "rfc4954" },
	{ CODES_R(534), "Authentication mechanism is too weak", "securityerror", "rfc4954" },
	{ CODES_R(535), "Authentication credentials invalid", "securityerror", "rfc4954" },
	{ CODES_R(538), "Encryption required for requested authentication mechanism", "securityerror", "rfc4954" },
	{ CODES_R(550), "User's mailbox was unavailable (such as not found).", NULL, "user" },
	{ CODES_R(551), "The recipient isn't local to the server.", NULL, "user" },
	{ CODES_R(552), "The action was aborted due to exceeded storage allocation.", NULL, "user" },
	{ CODES_R(553), "The command was aborted because the mailbox name is invalid.", NULL, "user" },
	{ CODES_R(554), "The transaction failed for some unstated reason.", NULL, "user" },
	{ CODES_R(555), "MAIL FROM/RCPT TO parameters not recognized or not implemented", "syntaxerror", "rfc5321" },
	{ CODES_R(556), "Domain does not accept mail", "notaccept", "rfc7504" },
	{ CODES_E(2, 0, 0), "Success", NULL, "rfc3463" },
	{ CODES_E(2, 1, 0), "Other address status: accepted", NULL, "rfc3463" },
	{ CODES_E(2, 1, 5), "Destination address valid", NULL, "rfc3463" },
	{ CODES_E(2, 6, 0), "Delivered: other or undefined media status", NULL, "rfc3463" },
	{ CODES_E(2, 6, 4), "Delivered: conversion with loss performed", NULL, "rfc3463" },
	{ CODES_E(2, 7, 0), "Other or undefined security status: accepted", NULL, "rfc3463" },
	{ CODES_E(4, 0, 0), "Unknown issue", NULL, "rfc3463" },
	{ CODES_E(4, 1, 0), "Other address status", NULL, "rfc3463" },
	{ CODES_E(4, 1, 1), "Bad destination mailbox address", "userunknown", "rfc3463" },
	{ CODES_E(4, 1, 2), "Bad destination system address", "hostunknown", "rfc3463" },
	{ CODES_E(4, 1, 3), "Bad destination mailbox address syntax", "userunknown", "rfc3463" },
	{ CODES_E(4, 1, 4), "Destination mailbox address ambiguous", "userunknown", "rfc3463" },
	{ CODES_E(4, 1, 5), "Destination mailbox address valid", NULL, "rfc3463" },
	{ CODES_E(4, 1, 6), "Mailbox has moved", "hasmoved", "rfc3463" },
	{ CODES_E(4, 1, 7), "Bad sender's mailbox address syntax", "rejected", "rfc3463" },
	{ CODES_E(4, 1, 8), "Bad sender's system address", "rejected", "rfc3463" },
	{ CODES_E(4, 1, 9), "Message relayed to non-compliant mailer", NULL, "rfc3886" },
	{ CODES_E(4, 1, 10), "Recipient address has null MX (Microsoft: recipient not found)", "userunknown", "rfc7505" },
	{ CODES_E(4, 2, 0), "Other or undefined mailbox status", NULL, "rfc3463" },
	{ CODES_E(4, 2, 1), "Mailbox disabled, not accepting messages", NULL, "rfc3463" },
	{ CODES_E(4, 2, 2), "Mailbox full", "mailboxfull", "rfc3463" },
	{ CODES_E(4, 2, 3), "Message length exceeds administrative limit.", "exceedlimit", "rfc3463" },
	{ CODES_E(4, 2, 4), "Mailing list expansion problem", "systemerror", "rfc3463" },
	{ CODES_E(4, 2, 121), "Recipient's per-hour receive limit from this sender exceeded", "speeding", "microsoft" },
	{ CODES_E(4, 3, 0), "Other or undefined mail system status", "systemerror", "rfc3463" },
	{ CODES_E(4, 3, 1), "Mail system full", "systemfull", "rfc3463" },
	{ CODES_E(4, 3, 2), "System not accepting network messages", "notaccept", "rfc3463" },
	{ CODES_E(4, 3, 3), "System not capable of selected features", "systemerror", "rfc3463" },
	{ CODES_E(4, 3, 4), "Message too big for system", "mesgtoobig", "rfc3463" },
	{ CODES_E(4, 3, 5), "System incorrectly configured", "systemerror", "rfc5248" },
	{ CODES_E(4, 3, 6), "Requested priority was changed", NULL, "rfc6710" },
	{ CODES_E(4, 4, 0), "Other or undefined network or routing status", "networkerror", "rfc3463" },
	{ CODES_E(4, 4, 1), "No answer from host", "networkerror", "rfc3463" },
	{ CODES_E(4, 4, 2), "Bad connection", "networkerror", "rfc3463" },
	{ CODES_E(4, 4, 3), "Routing server failure", "systemerror", "rfc3463" },
	{ CODES_E(4, 4, 4), "Unable to route", "networkerror", "rfc3463" },
	{ CODES_E(4, 4, 5), "Network congestion", "networkerror", "rfc3463" },
	{ CODES_E(4, 4, 6), "Routing loop detected", "networkerror", "rfc3463" },
	{ CODES_E(4, 4, 7), "Delivery time expired", "expired", "rfc3463" },
	{ CODES_E(4, 4, 312), "DNS query failed", "networkerror", "microsoft" },
	{ CODES_E(4, 4, 316), "Connection refused, will retry", "networkerror", "microsoft" },
	{ CODES_E(4, 5, 0), "Other or undefined protocol status", NULL, "rfc3463" },
	{ CODES_E(4, 5, 1), "Invalid command", "syntaxerror", "rfc3463" },
	{ CODES_E(4, 5, 2), "Syntax error", "syntaxerror", "rfc3463" },
	{ CODES_E(4, 5, 3), "Too many recipients", "toomanyconn", "rfc3463" },
	{ CODES_E(4, 5, 4), "Invalid command arguments", "syntaxerror", "rfc3463" },
	{ CODES_E(4, 5, 5), "Wrong protocol version", "syntaxerror", "rfc3463" },
	{ CODES_E(4, 5, 6), "Authentication exchange line is too long", "syntaxerror", "rfc4954" },
	{ CODES_E(4, 6, 0), "Other or undefined media error", "contenterror", "rfc3463" },
	{ CODES_E(4, 6, 1), "Media not supported", "contenterror", "rfc3463" },
	{ CODES_E(4, 6, 2), "Conversion required and prohibited", "contenterror", "rfc3463" },
	{ CODES_E(4, 6, 3), "Conversion required but not supported", "contenterror", "rfc3463" },
	{ CODES_E(4, 6, 4), "Conversion with loss performed", "contenterror", "rfc3463" },
	{ CODES_E(4, 6, 5), "Conversion failed", "contenterror", "rfc3463" },
	{ CODES_E(4, 6, 6), "Message content not accepted", "contenterror", "rfc5248" },
	{ CODES_E(4, 6, 7), "Non-ASCII addresses not permitted for that sender/recipient", "contenterror", "rfc6531" },
	{ CODES_E(4, 6, 8), "UTF-8 string reply is required, but not permitted by the SMTP client", "contenterror", "rfc6531" },
	{ CODES_E(4, 6, 9), "UTF-8 header message cannot be transferred to one or more recipients", "contenterror", "rfc6531" },
	{ CODES_E(4, 6, 10), "UTF-8 string reply is required, but not permitted by the SMTP client", "contenterror", "rfc6531" },
	{ CODES_E(4, 7, 0), "Other or undefined security status", NULL, "rfc3463" },
	{ CODES_E(4, 7, 1), "Delivery not authorized, message refused", NULL, "rfc3463" },
	{ CODES_E(4, 7, 2), "Mailing list expansion prohibited", "policyviolation", "rfc3463" },
	{ CODES_E(4, 7, 3), "Security conversion required but not possible", "securityerror", "rfc3463" },
	{ CODES_E(4, 7, 4), "Security features not supported", "securityerror", "rfc3463" },
	{ CODES_E(4, 7, 5), "Cryptographic failure", "securityerror", "rfc3463" },
	{ CODES_E(4, 7, 6), "Cryptographic algorithm not supported", "securityerror", "rfc3463" },
	{ CODES_E(4, 7, 7), "Message integrity failure", "securityerror", "rfc3463" },
	{ CODES_E(4, 7, 8), "Authentication credentials invalid", "securityerror", "rfc4954" },
	{ CODES_E(4, 7, 9), "Authentication mechanism is too weak (Yahoo: not accepted for policy reasons)", "securityerror", "rfc4954" },
	{ CODES_E(4, 7, 10), "Encryption needed", "securityerror", "rfc5248" },
	{ CODES_E(4, 7, 11), "Encryption required for requested authentication mechanism", "securityerror", "rfc4954" },
	{ CODES_E(4, 7, 12), "A password transition is needed", "securityerror", "rfc4954" },
	{ CODES_E(4, 7, 13), "User account disabled", "suspend", "rfc5248" },
	{ CODES_E(4, 7, 14), "Trust relationship required", "securityerror", "rfc5248" },
	{ CODES_E(4, 7, 15), "Priority level is too low", "policyviolation", "rfc6710" },
	{ CODES_E(4, 7, 16), "Message is too big for the specified priority", "mesgtoobig", "rfc6710" },
	{ CODES_E(4, 7, 17), "Mailbox owner has changed", "hasmoved", "rfc7293" },
	{ CODES_E(4, 7, 18), "Domain owner has changed", "hasmoved", "rfc7293" },
	{ CODES_E(4, 7, 19), "RRVS test cannot be completed", "securityerror", "rfc7293" },
	{ CODES_E(4, 7, 20), "No passing DKIM signature found", "authfailure", "rfc7372" },
	{ CODES_E(4, 7, 21), "No acceptable DKIM signature found", "authfailure", "rfc7372" },
	{ CODES_E(4, 7, 22), "No valid author-matched DKIM signature found", "authfailure", "rfc7372" },
	{ CODES_E(4, 7, 23), "SPF validation failed (Gmail 4.7.23: sending IP has no matching PTR record)", NULL, "rfc7372" },
	{ CODES_E(4, 7, 24), "SPF validation error", "authfailure", "rfc7372" },
	{ CODES_E(4, 7, 25), "Reverse DNS validation failed", "requireptr", "rfc7372" },
	{ CODES_E(4, 7, 26), "Multiple authentication checks failed (Gmail: unauthenticated sender, SPF/DKIM/DMARC)", "authfailure", "rfc7372" },
	{ CODES_E(4, 7, 27), "Sender address has null MX (Gmail: sender not authenticated by SPF)", "authfailure", "rfc7505" },
	{ CODES_E(4, 7, 28), "Mail flood detected (Gmail: unusual rate of unsolicited mail)", "badreputation", "rfc5248" },
	{ CODES_E(4, 7, 29), "ARC validation failure", "authfailure", "rfc8617" },
	{ CODES_E(4, 7, 30), "REQUIRETLS support required", "securityerror", "rfc8689" },
	{ CODES_E(4, 7, 500), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 501), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 502), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 503), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 504), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 505), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 506), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 507), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 508), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 509), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 510), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 511), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 512), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 513), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 514), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 515), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 516), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 517), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 518), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 519), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 520), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 521), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 522), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 523), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 524), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 525), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 526), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 527), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 528), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 529), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 530), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 531), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 532), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 533), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 534), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 535), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 536), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 537), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 538), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 539), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 540), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 541), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 542), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 543), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 544), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 545), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 546), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 547), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 548), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 549), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 550), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 551), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 552), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 553), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 554), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 555), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 556), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 557), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 558), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 559), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 560), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 561), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 562), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 563), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 564), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 565), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 566), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 567), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 568), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 569), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 570), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 571), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 572), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 573), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 574), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 575), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 576), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 577), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 578), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 579), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 580), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 581), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 582), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 583), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 584), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 585), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 586), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 587), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 588), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 589), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 590), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 591), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 592), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 593), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 594), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 595), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 596), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 597), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 598), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 599), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 600), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 601), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 602), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 603), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 604), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 605), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 606), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 607), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 608), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 609), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 610), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 611), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 612), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 613), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 614), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 615), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 616), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 617), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 618), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 619), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 620), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 621), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 622), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 623), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 624), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 625), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 626), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 627), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 628), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 629), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 630), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 631), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 632), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 633), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 634), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 635), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 636), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 637), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 638), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 639), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 640), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 641), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 642), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 643), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 644), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 645), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 646), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 647), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 648), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 649), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 650), "Sending IP temporarily rate limited due to its reputation", "badreputation", "microsoft" },
	{ CODES_E(4, 7, 651), "Sending IP temporarily rate limited due to its reputation", "badreputation", "microsoft" },
	{ CODES_E(4, 7, 652), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 653), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 654), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 655), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 656), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 657), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 658), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 659), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 660), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 661), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 662), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 663), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 664), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 665), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 666), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 667), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 668), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 669), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 670), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 671), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 672), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 673), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 674), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 675), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 676), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 677), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 678), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 679), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 680), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 681), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 682), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 683), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 684), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 685), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 686), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 687), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 688), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 689), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 690), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 691), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 692), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 693), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 694), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 695), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 696), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 697), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 698), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(4, 7, 699), "Server busy, try again later (throttled)", "toomanyconn", "microsoft" },
	{ CODES_E(5, 0, 0), "Unknown issue", NULL, "user" },
	{ CODES_E(5, 1, 0), "Other address status", NULL, "user" },
	{ CODES_E(5, 1, 1), "Bad destination mailbox address", "userunknown", "user" },
	{ CODES_E(5, 1, 2), "Bad destination system address", "hostunknown", "user" },
	{ CODES_E(5, 1, 3), "Bad destination mailbox address syntax", "userunknown", "user" },
	{ CODES_E(5, 1, 4), "Destination mailbox address ambiguous", "userunknown", "user" },
	{ CODES_E(5, 1, 5), "Destination mailbox address valid", NULL, "user" },
	{ CODES_E(5, 1, 6), "Mailbox has moved", "hasmoved", "user" },
	{ CODES_E(5, 1, 7), "Bad sender's mailbox address syntax", "rejected", "user" },
	{ CODES_E(5, 1, 8), "Bad sender's system address", "rejected", "user" },
	{ CODES_E(5, 1, 9), "Message relayed to non-compliant mailer", NULL, "rfc3886" },
	{ CODES_E(5, 1, 10), "Recipient address has null MX (Microsoft: recipient not found)", "userunknown", "rfc7505" },
	{ CODES_E(5, 1, 90), "Sender reached the daily limit for message recipients", "exceedlimit", "microsoft" },
	{ CODES_E(5, 1, 351), "Recipient address rejected by the remote server (Exchange)", "userunknown", "microsoft" },
	{ CODES_E(5, 2, 0), "Other or undefined mailbox status", NULL, "user" },
	{ CODES_E(5, 2, 1), "Mailbox disabled, not accepting messages", "suspend", "user" },
	{ CODES_E(5, 2, 2), "Mailbox full", "mailboxfull", "user" },
	{ CODES_E(5, 2, 3), "Message length exceeds administrative limit.", "exceedlimit", "user" },
	{ CODES_E(5, 2, 4), "Mailing list expansion problem", "systemerror", "user" },
	{ CODES_E(5, 2, 121), "Recipient's per-hour receive limit from this sender exceeded", "speeding", "microsoft" },
	{ CODES_E(5, 2, 122), "Recipient's per-hour receive limit exceeded", "speeding", "microsoft" },
	{ CODES_E(5, 3, 0), "Other or undefined mail system status", "systemerror", "user" },
	{ CODES_E(5, 3, 1), "Mail system full", "systemfull", "user" },
	{ CODES_E(5, 3, 2), "System not accepting network messages", "notaccept", "user" },
	{ CODES_E(5, 3, 3), "System not capable of selected features", "systemerror", "user" },
	{ CODES_E(5, 3, 4), "Message too big for system", "mesgtoobig", "user" },
	{ CODES_E(5, 3, 5), "System incorrectly configured", "systemerror", "rfc5248" },
	{ CODES_E(5, 3, 6), "Requested priority was changed", NULL, "rfc6710" },
	{ CODES_E(5, 3, 190), "Journaling of on-premises messages not supported", "systemerror", "microsoft" },
	{ CODES_E(5, 4, 0), "Other or undefined network or routing status", "networkerror", "user" },
	{ CODES_E(5, 4, 1), "No answer from host", NULL, "user" },
	{ CODES_E(5, 4, 2), "Bad connection", "networkerror", "user" },
	{ CODES_E(5, 4, 3), "Routing server failure", "systemerror", "user" },
	{ CODES_E(5, 4, 4), "Unable to route", "hostunknown", "user" },
	{ CODES_E(5, 4, 5), "Network congestion", "networkerror", "user" },
	{ CODES_E(5, 4, 6), "Routing loop detected", "networkerror", "user" },
	{ CODES_E(5, 4, 7), "Delivery time expired", "expired", "user" },
	{ CODES_E(5, 4, 8), "MX record points back to the sending server", "networkerror", "microsoft" },
	{ CODES_E(5, 4, 14), "Hop count exceeded, possible mail loop", "networkerror", "microsoft" },
	{ CODES_E(5, 4, 300), "Message expired", "expired", "microsoft" },
	{ CODES_E(5, 4, 310), "DNS domain does not exist", "hostunknown", "microsoft" },
	{ CODES_E(5, 4, 311), "DNS query failed", "networkerror", "microsoft" },
	{ CODES_E(5, 4, 312), "DNS query failed", "networkerror", "microsoft" },
	{ CODES_E(5, 4, 316), "Message expired, connection refused", "expired", "microsoft" },
	{ CODES_E(5, 5, 0), "Other or undefined protocol status", NULL, "user" },
	{ CODES_E(5, 5, 1), "Invalid command", "syntaxerror", "user" },
	{ CODES_E(5, 5, 2), "Syntax error", "syntaxerror", "user" },
	{ CODES_E(5, 5, 3), "Too many recipients", "toomanyconn", "user" },
	{ CODES_E(5, 5, 4), "Invalid command arguments", "syntaxerror", "user" },
	{ CODES_E(5, 5, 5), "Wrong protocol version", "syntaxerror", "user" },
	{ CODES_E(5, 5, 6), "Authentication exchange line is too long", "syntaxerror", "rfc4954" },
	{ CODES_E(5, 6, 0), "Other or undefined media error", "contenterror", "user" },
	{ CODES_E(5, 6, 1), "Media not supported", "contenterror", "user" },
	{ CODES_E(5, 6, 2), "Conversion required and prohibited", "contenterror", "user" },
	{ CODES_E(5, 6, 3), "Conversion required but not supported", "contenterror", "user" },
	{ CODES_E(5, 6, 4), "Conversion with loss performed", "contenterror", "user" },
	{ CODES_E(5, 6, 5), "Conversion failed", "contenterror", "user" },
	{ CODES_E(5, 6, 6), "Message content not accepted", "contenterror", "rfc5248" },
	{ CODES_E(5, 6, 7), "Non-ASCII addresses not permitted for that sender/recipient", "contenterror", "rfc6531" },
	{ CODES_E(5, 6, 8), "UTF-8 string reply is required, but not permitted by the SMTP client", "contenterror", "rfc6531" },
	{ CODES_E(5, 6, 9), "UTF-8 header message cannot be transferred to one or more recipients", "contenterror", "rfc6531" },
	{ CODES_E(5, 6, 10), "UTF-8 string reply is required, but not permitted by the SMTP client", "contenterror", "rfc6531" },
	{ CODES_E(5, 6, 11), "Invalid characters or bare line feeds in the message", "contenterror", "microsoft" },
	{ CODES_E(5, 7, 0), "Other or undefined security status", NULL, "user" },
	{ CODES_E(5, 7, 1), "Delivery not authorized, message refused", NULL, "user" },
	{ CODES_E(5, 7, 2), "Mailing list expansion prohibited", "policyviolation", "user" },
	{ CODES_E(5, 7, 3), "Security conversion required but not possible", "securityerror", "user" },
	{ CODES_E(5, 7, 4), "Security features not supported", "securityerror", "user" },
	{ CODES_E(5, 7, 5), "Cryptographic failure", "securityerror", "user" },
	{ CODES_E(5, 7, 6), "Cryptographic algorithm not supported", "securityerror", "user" },
	{ CODES_E(5, 7, 7), "Message integrity failure", "securityerror", "user" },
	{ CODES_E(5, 7, 8), "Authentication credentials invalid", "securityerror", "rfc4954" },
	{ CODES_E(5, 7, 9), "Authentication mechanism is too weak (Yahoo: not accepted for policy reasons)", "securityerror", "rfc4954" },
	{ CODES_E(5, 7, 10), "Encryption needed", "securityerror", "rfc5248" },
	{ CODES_E(5, 7, 11), "Encryption required for requested authentication mechanism", "securityerror", "rfc4954" },
	{ CODES_E(5, 7, 12), "A password transition is needed", "securityerror", "rfc4954" },
	{ CODES_E(5, 7, 13), "User account disabled", "suspend", "rfc5248" },
	{ CODES_E(5, 7, 14), "Trust relationship required", "securityerror", "rfc5248" },
	{ CODES_E(5, 7, 15), "Priority level is too low", "policyviolation", "rfc6710" },
	{ CODES_E(5, 7, 16), "Message is too big for the specified priority", "mesgtoobig", "rfc6710" },
	{ CODES_E(5, 7, 17), "Mailbox owner has changed", "hasmoved", "rfc7293" },
	{ CODES_E(5, 7, 18), "Domain owner has changed", "hasmoved", "rfc7293" },
	{ CODES_E(5, 7, 19), "RRVS test cannot be completed", "securityerror", "rfc7293" },
	{ CODES_E(5, 7, 20), "No passing DKIM signature found", "authfailure", "rfc7372" },
	{ CODES_E(5, 7, 21), "No acceptable DKIM signature found", "authfailure", "rfc7372" },
	{ CODES_E(5, 7, 22), "No valid author-matched DKIM signature found", "authfailure", "rfc7372" },
	{ CODES_E(5, 7, 23), "SPF validation failed (Gmail 4.7.23: sending IP has no matching PTR record)", NULL, "rfc7372" },
	{ CODES_E(5, 7, 24), "SPF validation error", "authfailure", "rfc7372" },
	{ CODES_E(5, 7, 25), "Reverse DNS validation failed", "requireptr", "rfc7372" },
	{ CODES_E(5, 7, 26), "Multiple authentication checks failed (Gmail: unauthenticated sender, SPF/DKIM/DMARC)", "authfailure", "rfc7372" },
	{ CODES_E(5, 7, 27), "Sender address has null MX (Gmail: sender not authenticated by SPF)", "authfailure", "rfc7505" },
	{ CODES_E(5, 7, 28), "Mail flood detected (Gmail: unusual rate of unsolicited mail)", "badreputation", "rfc5248" },
	{ CODES_E(5, 7, 29), "ARC validation failure", "authfailure", "rfc8617" },
	{ CODES_E(5, 7, 30), "REQUIRETLS support required", "securityerror", "rfc8689" },
	{ CODES_E(5, 7, 57), "Client was not authenticated to send anonymous mail", "securityerror", "microsoft" },
	{ CODES_E(5, 7, 64), "Relay access denied (tenant attribution)", "norelaying", "microsoft" },
	{ CODES_E(5, 7, 124), "Sender not in the group's allowed senders list", "filtered", "microsoft" },
	{ CODES_E(5, 7, 129), "Sender not allowed to send to this restricted recipient", "filtered", "microsoft" },
	{ CODES_E(5, 7, 133), "Sender not authenticated for the group", "filtered", "microsoft" },
	{ CODES_E(5, 7, 134), "Sender not authenticated for the mailbox", "filtered", "microsoft" },
	{ CODES_E(5, 7, 135), "Sender not authenticated for the public folder", "filtered", "microsoft" },
	{ CODES_E(5, 7, 136), "Sender not authenticated for the mail user", "filtered", "microsoft" },
	{ CODES_E(5, 7, 350), "Remote server reported the message as spam", "spamdetected", "microsoft" },
	{ CODES_E(5, 7, 501), "Access denied, spam abuse detected", "spamdetected", "microsoft" },
	{ CODES_E(5, 7, 502), "Access denied, spam abuse detected", "spamdetected", "microsoft" },
	{ CODES_E(5, 7, 503), "Access denied, spam abuse detected", "spamdetected", "microsoft" },
	{ CODES_E(5, 7, 504), "Recipient address rejected: access denied", NULL, "microsoft" },
	{ CODES_E(5, 7, 505), "Access denied, banned recipient", "rejected", "microsoft" },
	{ CODES_E(5, 7, 506), "Access denied, bad HELO", "blocked", "microsoft" },
	{ CODES_E(5, 7, 507), "Access denied, rejected by the recipient", "filtered", "microsoft" },
	{ CODES_E(5, 7, 508), "Access denied, sending IP exceeded the permitted limits", "blocked", "microsoft" },
	{ CODES_E(5, 7, 509), "Access denied, sending domain does not pass DMARC verification", "authfailure", "microsoft" },
	{ CODES_E(5, 7, 510), "Access denied, recipient domain does not accept mail over IPv6", "blocked", "microsoft" },
	{ CODES_E(5, 7, 511), "Access denied, banned sender", "rejected", "microsoft" },
	{ CODES_E(5, 7, 512), "Access denied, message must be RFC 5322 section 3.6.2 compliant", "notcompliantrfc", "microsoft" },
	{ CODES_E(5, 7, 513), "Service unavailable, client host has been blocked", "blocked", "microsoft" },
	{ CODES_E(5, 7, 515), "Access denied, sending domain does not meet the required authentication level", "authfailure", "microsoft" },
	{ CODES_E(5, 7, 606), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 607), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 608), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 609), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 610), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 611), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 612), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 613), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 614), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 615), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 616), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 617), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 618), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 619), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 620), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 621), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 622), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 623), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 624), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 625), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 626), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 627), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 628), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 629), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 630), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 631), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 632), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 633), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 634), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 635), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 636), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 637), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 638), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 639), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 640), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 641), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 642), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 643), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 644), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 645), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 646), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 647), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 648), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 649), "Access denied, banned sending IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 700), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 701), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 702), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 703), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 704), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 705), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 706), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 707), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 708), "Access denied, traffic not accepted from this IP", "blocked", "microsoft" },
	{ CODES_E(5, 7, 709), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 710), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 711), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 712), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 713), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 714), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 715), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 716), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 717), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 718), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 719), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 720), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 721), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 722), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 723), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 724), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 725), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 726), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 727), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 728), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 729), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 730), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 731), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 732), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 733), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 734), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 735), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 736), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 737), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 738), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 739), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 740), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 741), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 742), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 743), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 744), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 745), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 746), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 747), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 748), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 749), "Access denied, sending tenant has exceeded its threshold", "rejected", "microsoft" },
	{ CODES_E(5, 7, 750), "Client blocked from sending from unregistered domains", "rejected", "microsoft" },
};

#define CODES_N (sizeof(codes_tab) / sizeof(codes_tab[0]))

/* Parse 1-3 decimal digits without a leading zero (except "0") at *p;
 * advance *p.  -1 when malformed.  Written out (no loop): it is asked
 * three times per code, for every recipient. */
static inline long codes_number(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	unsigned d0 = s[0] - '0', d1, d2;

	if (d0 > 9)
		return -1;
	if ((d1 = s[1] - '0') > 9) {
		*p += 1;
		return (long)d0;
	}
	if (d0 == 0)
		return -1;	/* a leading zero */
	if ((d2 = s[2] - '0') > 9) {
		*p += 2;
		return (long)(d0 * 10 + d1);
	}
	if ((unsigned)(s[3] - '0') <= 9u)
		return -1;	/* four digits */
	*p += 3;
	return (long)(d0 * 100 + d1 * 10 + d2);
}

long codes_key(const char *s)
{
	const char *p = s;
	long part[3];
	int i;

	if (s == NULL)
		return -1;
	if (codes_valid_reply(s))
		return (s[0] - '0') * 100L + (s[1] - '0') * 10L + (s[2] - '0');
	for (i = 0; i < 3; i++) {
		if ((part[i] = codes_number(&p)) < 0 || *p != (i < 2 ? '.' : '\0'))
			return -1;
		p++;
	}
	if (part[0] != 2 && part[0] != 4 && part[0] != 5)
		return -1;
	return part[0] * 1000000L + part[1] * 1000L + part[2];
}

int codes_valid_enhanced(const char *s)
{
	const char *p = s;
	long c;

	if (s == NULL)
		return 0;
	c = codes_number(&p);
	if (c != 2 && c != 4 && c != 5)
		return 0;
	if (*p++ != '.' || codes_number(&p) < 0)
		return 0;
	if (*p++ != '.' || codes_number(&p) < 0)
		return 0;
	return *p == '\0';
}

int codes_valid_reply(const char *s)
{
	if (s == NULL || s[0] < '2' || s[0] > '5')
		return 0;
	return s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' &&
	       s[3] == '\0';
}

/* The table's keys in an open-addressing hash (linear probing, a
 * quarter full): a lookup reads one or two slots where a binary search
 * took eleven probes.  Key 0 marks an empty slot (no code has it).  Made
 * once, on the first lookup, then read-only. */
#define CODES_HASH_BITS	12
#define CODES_HASH_SIZE	(1u << CODES_HASH_BITS)

/* the hash stays at most half full */
typedef char codes_hash_room[CODES_N <= CODES_HASH_SIZE / 2 ? 1 : -1];

static uint32_t codes_hkey[CODES_HASH_SIZE];
static uint16_t codes_hrow[CODES_HASH_SIZE];
static int codes_keys_ready;	/* set (release) once the hash is made */
static pthread_once_t codes_keys_once = PTHREAD_ONCE_INIT;

static unsigned codes_hash(uint32_t key)
{
	return (unsigned)((uint32_t)(key * 2654435761u) >> (32 - CODES_HASH_BITS));
}

static void codes_keys_make(void)
{
	size_t i;

	for (i = 0; i < CODES_N; i++) {
		uint32_t key = (uint32_t)codes_tab[i].key;	/* < 6e6: fits */
		unsigned h = codes_hash(key);

		while (codes_hkey[h] != 0 && codes_hkey[h] != key)
			h = (h + 1) & (CODES_HASH_SIZE - 1);
		codes_hkey[h] = key;	/* keys are unique (check_codes) */
		codes_hrow[h] = (uint16_t)i;
	}
	__atomic_store_n(&codes_keys_ready, 1, __ATOMIC_RELEASE);
}

const codes_entry *codes_lookup(const char *code)
{
	long key = codes_key(code);
	unsigned h;

	if (key <= 0)
		return NULL;
	if (!__atomic_load_n(&codes_keys_ready, __ATOMIC_ACQUIRE))	/* (no call once made) */
		pthread_once(&codes_keys_once, codes_keys_make);
	for (h = codes_hash((uint32_t)key); codes_hkey[h] != 0; h = (h + 1) & (CODES_HASH_SIZE - 1))
		if (codes_hkey[h] == (uint32_t)key)
			return &codes_tab[codes_hrow[h]];
	return NULL;
}

const codes_entry *codes_table(size_t *n)
{
	if (n != NULL)
		*n = CODES_N;
	return codes_tab;
}
