# contrib/bouncetag.sieve - file bounces by their X-Bounce-Class header
# (added by bouncetagd).  Sieve (RFC 5228) with fileinto and mailbox
# (Dovecot Pigeonhole, Cyrus): put it in the user's active script, or as a
# sieve_before script for every user.
require ["fileinto", "mailbox"];

# Hard bounces: the address is dead; a list manager should unsubscribe it.
if header :is "X-Bounce-Class" "hard" {
	fileinto :create "Bounces.Hard";
	stop;
}
# Blocked by the receiving side (reputation, policy, content).
if header :is "X-Bounce-Class" "block" {
	fileinto :create "Bounces.Blocked";
	stop;
}
# Temporary trouble and delay notices: informational.
if header :is "X-Bounce-Class" ["soft", "delayed"] {
	fileinto :create "Bounces.Soft";
	stop;
}
# Abuse complaints (ARF feedback reports).
if header :is "X-Bounce-Class" "complaint" {
	fileinto :create "Bounces.Complaints";
	stop;
}
# Auto-replies (vacation, out of office) and delivery confirmations.
if header :is "X-Bounce-Class" ["auto-reply", "delivered"] {
	fileinto :create "Bounces.Auto";
	stop;
}
# Any other bounce (undetermined).
if exists "X-Bounce-Class" {
	if not header :is "X-Bounce-Class" "none" {
		fileinto :create "Bounces";
		stop;
	}
}
