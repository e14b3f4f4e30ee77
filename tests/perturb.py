#!/usr/bin/env python3
"""perturb.py - does bouncetag's result depend on details that should not matter?

usage: perturb.py [--keep DIR] [--kind K[,K...]] [--only SUBSTR] [--strict] CORPUS_DIR

  --keep DIR   write the variants under DIR/<kind>/ and leave them there
  --kind K,..  only these perturbation kinds
  --only S     only corpus files whose path contains S

For every message of CORPUS_DIR (emails/ and negatives/) makes variants that
mean the same bounce, runs `bouncetag --format=json` on the original and on
the variants, and reports every variant whose per-recipient result
(detected, status, reason, hard) differs from the original's.  Recipient
addresses are compared after mapping them the way the variant did.

Perturbation kinds (each applied alone):
  rename   every address (local part and domain), hostname and IPv4 address
           renamed consistently, in headers and body; well-known provider
           domains (KEEP_DOMAINS), MTA product sites and role local parts
           (KEEP_LOCAL) are kept, because rules may legitimately use them
  ids      Message-IDs, dates and queue ids changed (consistently)
  crlf     line endings CRLF
  trail    a trailing blank line added (or removed when there is one)
  fold     Diagnostic-Code re-folded at column 38, tab continuation
  fold2    the same at column 60, four-space continuation
  unfold   Diagnostic-Code unfolded onto one line
  case     DSN field names lower-cased ("Final-Recipient" -> "final-recipient")
  rename2  as rename, with long names (lines get longer)
  cr       line endings CR alone (only with --kind: not in the corpus's
           scope, and bouncetag's input does not take them today)
  fold3    Diagnostic-Code re-folded at column 16, one-space continuation
  upcase   DSN field names upper-cased
  hcase    message and MIME header field names lower-cased ("Content-Type")
  angle    "Final-Recipient: rfc822; addr" written "rfc822;<addr>"
  wrap     (only with --kind) indented runs of long lines in the body
           (filled paragraphs of the human-readable text, folded fields)
           re-wrapped at column 44; line-structured reports (KDDI's,
           Sendmail's transcript) legitimately differ, read them one by one
  order    the fields of each per-recipient DSN group that follow its
           Original-/Final-Recipient in reverse order

A report, not a test: exit 0 when it ran (whatever it found), 1 with
--strict and any difference, 2 when the corpus or the binary is missing
(it needs the corpus, so `make check` does not run it; see
`make perturb CORPUS=...`).  Binary: $BOUNCETAG, else ./bouncetag, else
../_build/bouncetag.
"""
import base64
import binascii
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

BATCH = 200

# Domains of providers (and MTA products) whose name is part of the format:
# a rule may key on the reporting provider.  Matched as a suffix.
KEEP_DOMAINS = """
yahoo.com yahoo.co.jp yahoo.co.uk yahoo.fr yahoo.de yahoo.ne.jp yahoodns.net
yahoo.net ymail.com rocketmail.com
google.com gmail.com googlemail.com 1e100.net
outlook.com hotmail.com live.com msn.com outlook.jp hotmail.co.jp
office365.com microsoft.com protection.outlook.com
aol.com aim.com
gmx.de gmx.net gmx.com gmx.at gmx.ch web.de
mail.ru inbox.ru bk.ru list.ru
orange.fr wanadoo.fr free.fr sfr.fr laposte.net
docomo.ne.jp ezweb.ne.jp au.com softbank.ne.jp i.softbank.jp
vodafone.ne.jp disney.ne.jp pdx.ne.jp willcom.com emnet.ne.jp
qq.com 163.com 126.com sina.com
yandex.ru yandex.net yandex.com ya.ru
icloud.com me.com mac.com apple.com
amazonses.com amazon.com amazonaws.com
facebook.com facebookmail.com
messagelabs.com mimecast.com barracuda.com barracudanetworks.com
biglobe.ne.jp nifty.com ocn.ne.jp
comcast.net cox.net att.net verizon.net earthlink.net bellsouth.net
t-online.de libero.it zoho.com
postfix.org exim.org sendmail.org sendmail.com qmail.org cr.yp.to
opensmtpd.org courier-mta.org domino.com lotus.com ibm.com
spamhaus.org spamcop.net sorbs.net barracudacentral.org
spf.org openspf.org openspf.net dmarc.org
kddi.com kddi.ne.jp mail.com
googlegroups.com vtext.com
""".split()

# Local parts that are roles of the format, not people.
KEEP_LOCAL = set("""
mailer-daemon postmaster mail-daemon mailerdaemon daemon root nobody
double-bounce bounce bounces noreply no-reply abuse mailer hostmaster
post_master mailer_daemon
""".split())

TLDS = set("""
jp com net org edu gov mil int info biz io co us uk de fr ru it nl be ch at
se no fi dk es pt pl cz hu br cn tw kr au ca nz in za mx ar cl tv cc
example invalid test local localdomain lan arpa
""".split())
SLD2 = set("co ne or ac ad go ed gr lg com net org gov edu".split())

DSN_FIELDS = """
Reporting-MTA Arrival-Date Final-Recipient Original-Recipient Action Status
Remote-MTA Diagnostic-Code Last-Attempt-Date Will-Retry-Until DSN-Gateway
Received-From-MTA Original-Envelope-Id X-Postfix-Queue-ID X-Postfix-Sender
X-Actual-Recipient X-Display-Name X-Original-Message-ID
""".split()


# a base64 body: the Content-Transfer-Encoding field, the rest of its header
# block up to the empty line (group 1), the base64 lines (group 2)
B64_PART = re.compile(r"(?im)(^Content-Transfer-Encoding:[ \t]*base64[ \t]*\r?\n"
                      r"(?:[^\r\n]+\r?\n)*\r?\n)((?:[A-Za-z0-9+/=]{4,}\r?\n)+)")


def h(s, n=4):
    return int(hashlib.sha1(s.encode("latin-1", "replace")).hexdigest(), 16) % (10 ** n)


# ---------------------------------------------------------------- rename

LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST = r"(?:%s\.)+[A-Za-z]{2,12}" % LABEL
LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
IPV4 = r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]*\d)"
TOKEN = re.compile(r"(?P<addr>(?<![A-Za-z0-9.!#$%%&'*+/=?^_`{|}~-])(?P<local>%s)@(?P<dom>%s))"
                   r"|(?P<host>(?<![A-Za-z0-9@._])%s(?![A-Za-z0-9_-]|\.[A-Za-z0-9]))"
                   r"|(?P<ip>%s)" % (LOCAL, HOST, HOST, IPV4))


class Renamer:
    def __init__(self, long_names=False):
        self.long = long_names
        self.labels = {}
        self.locals = {}
        self.ips = {}
        self.msgids = set()

    def keep_domain(self, d):
        d = d.lower()
        return any(d == k or d.endswith("." + k) for k in KEEP_DOMAINS)

    def label(self, lab):
        k = lab.lower()
        if k not in self.labels:
            n = h("L" + k)
            fmt = "dom-%04d-abcdefghijklmnop" if self.long else "d%04d"
            v = fmt % n
            while v in self.labels.values():
                n = (n + 1) % 10000
                v = fmt % n
            self.labels[k] = v
        return self.labels[k]

    def domain(self, d, strict):
        """strict: an address's domain (rename whatever the TLD is);
        otherwise a bare hostname, renamed only when its last label looks
        like a TLD (so file names and versions stay)."""
        labs = d.split(".")
        tld = labs[-1].lower()
        if tld not in TLDS and not strict:
            return None
        if self.keep_domain(d):
            return d
        keep = 1
        if len(labs) >= 3 and labs[-2].lower() in SLD2 and len(tld) == 2:
            keep = 2
        if len(labs) <= keep:
            return d
        return ".".join([self.label(x) for x in labs[:-keep]] + labs[-keep:])

    def local(self, lp):
        k = lp.lower()
        if k in KEEP_LOCAL:
            return lp
        if k not in self.locals:
            self.locals[k] = ("firstname.lastname-%04d" if self.long else "u%04d") % h("U" + k)
        return self.locals[k]

    def ip(self, a):
        if a not in self.ips:
            p = a.split(".")
            if p[0] in ("127", "0") or a.startswith("255."):
                self.ips[a] = a
            else:
                n = h("I" + a, 6)
                self.ips[a] = "10.%d.%d.%d" % (n // 10000 % 250 + 1, n // 100 % 100 + 1,
                                                n % 100 + 1)
        return self.ips[a]

    def sub(self, m):
        if m.group("addr"):
            d = self.domain(m.group("dom"), True)
            if m.group("addr").lower() in self.msgids:
                # a Message-ID's left part is no person (and may name the
                # software, "...JavaMail..."): only its domain is renamed
                return m.group("local") + "@" + d
            return self.local(m.group("local")) + "@" + d
        if m.group("host"):
            d = self.domain(m.group("host"), False)
            return m.group(0) if d is None else d
        return self.ip(m.group("ip"))

    def text(self, s):
        self.msgids = set(m.group(2)[1:-1].lower() for m in HDR_MSGID.finditer(s))
        s = B64_PART.sub(self.b64, s)
        return TOKEN.sub(self.sub, s)

    def b64(self, m):
        """a base64 body: decoded, renamed, encoded again (same line
        length and line ending)."""
        lines = m.group(2).splitlines(True)
        nl = "\r\n" if lines[0].endswith("\r\n") else "\n"
        width = len(lines[0].rstrip("\r\n"))
        try:
            raw = base64.b64decode("".join(x.strip() for x in lines), validate=True)
        except (ValueError, binascii.Error):
            return m.group(0)
        new = TOKEN.sub(self.sub, raw.decode("latin-1")).encode("latin-1")
        if new == raw:
            return m.group(0)
        enc = base64.b64encode(new).decode("ascii")
        out = "".join(enc[i:i + width] + nl for i in range(0, len(enc), max(width, 4)))
        return m.group(1) + out

    def addr(self, a):
        """map a result's recipient the same way (None stays None)."""
        if a is None:
            return None
        return self.text(a)


# ---------------------------------------------------------------- ids

HDR_MSGID = re.compile(r"(?im)^((?:Message-ID|In-Reply-To|References|X-Original-Message-ID|"
                       r"Original-Message-ID|Content-ID)[ \t]*:[ \t]*(?:\r?\n[ \t]+)?)(<[^>\r\n]+>)")
HDR_DATE = re.compile(r"(?im)^((?:Date|Arrival-Date|Last-Attempt-Date|Will-Retry-Until|"
                      r"Delivery-Date)[ \t]*:[ \t]*)([^\r\n]+)")
RCVD_DATE = re.compile(r"(;[ \t]*(?:\r?\n[ \t]+)?)((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),[ \t]+\d{1,2}[ \t]+"
                       r"[A-Z][a-z]{2}[ \t]+\d{4}[ \t]+\d\d:\d\d(?::\d\d)?)")
QID_HDR = re.compile(r"(?im)^((?:X-Postfix-Queue-ID|X-Queue-ID|Original-Envelope-Id|"
                     r"X-Envelope-ID)[ \t]*:[ \t]*)([A-Za-z0-9._-]{5,})")
RCVD_ID = re.compile(r"(?i)(?<![A-Za-z-])(\bid[ \t]+)([A-Za-z0-9][A-Za-z0-9.-]{5,}[A-Za-z0-9])(?=[;\s)])")
DATE_NEW = "Wed, 12 Feb 2031 07:08:09 +0100"


def scramble(tok):
    out = []
    n = h("Q" + tok, 8)
    for i, c in enumerate(tok):
        k = (n >> (i % 24)) + i * 7
        if c.isdigit():
            out.append(str((int(c) + k) % 10))
        elif c.isupper():
            out.append(chr(65 + (ord(c) - 65 + k) % 26))
        elif c.islower():
            out.append(chr(97 + (ord(c) - 97 + k) % 26))
        else:
            out.append(c)
    return "".join(out)


def perturb_ids(s):
    toks = {}
    for m in HDR_MSGID.finditer(s):
        mid = m.group(2)
        toks[mid] = "<" + scramble(mid[1:-1]) + ">"
    for rx in (QID_HDR, RCVD_ID):
        for m in rx.finditer(s):
            t = m.group(2)
            if re.search(r"\d", t) and re.search(r"[A-Za-z]", t) and "." not in t:
                toks[t] = scramble(t)
    for t in sorted(toks, key=len, reverse=True):
        s = re.sub(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(t),
                   lambda m, v=toks[t]: v, s)
    s = HDR_DATE.sub(lambda m: m.group(1) + (DATE_NEW if re.search(r"\d\d:\d\d", m.group(2))
                                             else m.group(2)), s)
    s = RCVD_DATE.sub(lambda m: m.group(1) + DATE_NEW[:-6], s)
    return s


# ---------------------------------------------------------------- layout


def perturb_crlf(s):
    return re.sub(r"\r?\n", "\r\n", s)


def perturb_cr(s):
    return re.sub(r"\r?\n", "\r", s)


def perturb_trail(s):
    nl = "\r\n" if s.endswith("\r\n") else "\n"
    if s.endswith(nl + nl):
        return s[:-len(nl)]
    if not s.endswith(nl):
        return s + nl + nl
    return s + nl


DIAG = re.compile(r"(?im)^(Diagnostic-Code[ \t]*:)([^\r\n]*(?:\r?\n[ \t]+[^\r\n]*)*)")


def refold(value, width, cont):
    words = value.split()
    if not words:
        return None
    lines, cur = [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w) if cur else w
    lines.append(cur)
    return lines


def perturb_fold(s, width=38, cont="\t"):
    nl = "\r\n" if "\r\n" in s else "\n"

    def f(m):
        val = re.sub(r"\r?\n[ \t]+", " ", m.group(2)).strip()
        if ";" in val:
            typ, rest = val.split(";", 1)
            head = typ + ";"
            rest = rest.strip()
        else:
            head, rest = "", val
        lines = refold(rest, width, cont)
        if lines is None:
            return m.group(0)
        out = m.group(1) + " " + head + " " + lines[0]
        for ln in lines[1:]:
            out += nl + cont + ln
        return out
    return DIAG.sub(f, s)


def perturb_unfold(s):
    def f(m):
        val = re.sub(r"\r?\n[ \t]+", " ", m.group(2))
        return m.group(1) + val
    return DIAG.sub(f, s)


# a run of indented lines under a non-empty line, in the body: a filled
# paragraph of a human-readable report (Exim's "    SMTP error from remote
# mail server after RCPT TO:..." lines, Postfix's "    (in reply to RCPT TO
# command)") or a folded field
INDENTED = re.compile(r"(?m)(?<=\n)([ \t]+)(\S[^\r\n]*)(\r?\n)((?:\1\S[^\r\n]*\r?\n)+)")


def perturb_wrap(s, width=44):
    """indented runs of the body (after the first blank line) re-wrapped at
    another column, same indentation; lines of base64 stay."""
    m = re.search(r"\r?\n\r?\n", s)
    if not m:
        return s
    head, body = s[:m.end()], s[m.end():]

    def f(m):
        ind, nl = m.group(1), m.group(3)
        lines = [m.group(2)] + [x[len(ind):] for x in m.group(4).splitlines()]
        if any(re.fullmatch(r"[A-Za-z0-9+/=]{40,}", x) for x in lines):
            return m.group(0)
        # only a filled paragraph (its lines but the last long): separate
        # lines of a list ("Subject: ...", ">>> RCPT TO:...") mean lines
        if any(len(ind) + len(x) < 60 for x in lines[:-1]):
            return m.group(0)
        words = " ".join(lines).split()
        out = refold(" ".join(words), width, None)
        return "".join(ind + x + nl for x in out)
    return head + INDENTED.sub(f, body)


CASE = re.compile(r"(?im)^(%s)(?=[ \t]*:)" % "|".join(re.escape(x) for x in DSN_FIELDS))


def perturb_case(s):
    return CASE.sub(lambda m: m.group(1).lower(), s)


HDR_FIELDS = """
From To Cc Subject Date Message-ID Return-Path Reply-To Sender In-Reply-To
References MIME-Version Content-Type Content-Transfer-Encoding
Content-Disposition Content-Description X-Failed-Recipients Auto-Submitted
X-Mailer Received
""".split()
HCASE = re.compile(r"(?im)^(%s)(?=[ \t]*:)" % "|".join(re.escape(x) for x in HDR_FIELDS))


def perturb_hcase(s):
    return HCASE.sub(lambda m: m.group(1).lower(), s)


RCPT_FIELD = re.compile(r"(?im)^((?:Final|Original)-Recipient[ \t]*:[ \t]*rfc822[ \t]*;[ \t]*)"
                        r"([^\s<>\"]+@[^\s<>\"]+)[ \t]*$")


def perturb_angle(s):
    """"rfc822; addr" written "rfc822;<addr>" (as some MTAs do)."""
    return RCPT_FIELD.sub(lambda m: m.group(1).rstrip() + "<" + m.group(2) + ">", s)


def perturb_upcase(s):
    return CASE.sub(lambda m: m.group(1).upper(), s)


GROUP = re.compile(r"(?m)(?:^[A-Za-z][A-Za-z0-9-]*[ \t]*:[^\r\n]*\r?\n(?:[ \t]+[^\r\n]*\r?\n)*)+")


def perturb_order(s):
    """the fields of each per-recipient group (a run of fields holding
    Final-Recipient) after its leading recipient fields, in the reverse
    order: RFC 3464 gives them none.  The recipient fields stay first: a
    parser may rightly take a recipient field after another as the start
    of a new group when a report lacks its blank lines."""
    def f(m):
        g = m.group(0)
        if not re.search(r"(?im)^Final-Recipient[ \t]*:", g) or \
                re.search(r"(?im)^(Received|From|To|Subject|Message-ID|Content-Type)[ \t]*:", g):
            return g
        fields = re.findall(r"(?m)^[A-Za-z][A-Za-z0-9-]*[ \t]*:[^\r\n]*\r?\n(?:[ \t]+[^\r\n]*\r?\n)*", g)
        lead = 0
        while lead < len(fields) and re.match(r"(?i)(Original|Final)-Recipient[ \t]*:", fields[lead]):
            lead += 1
        # a continuation line of white space alone is dropped: moved into
        # the middle of the group it reads as the blank line that ends it
        rest = [re.sub(r"(?m)^[ \t]+\r?\n", "", x) for x in fields[lead:]]
        return "".join(fields[:lead] + list(reversed(rest)))
    return GROUP.sub(f, s)


KINDS = ["rename", "rename2", "ids", "crlf", "cr", "trail", "fold", "fold2", "fold3",
         "unfold", "case", "upcase", "hcase", "angle", "order"]
# also known, not run unless asked (--kind):
# wrap: line-structured reports (KDDI's, a Sendmail transcript's ">>>"
# and "<<<" lines, Exim's indented error lines) lose their structure when
# re-wrapped, so its differences need reading one by one
EXTRA_KINDS = ["wrap"]


def make_variant(kind, s):
    """-> (text, recipient-mapper) or None when the variant is the same."""
    ident = lambda a: a
    if kind in ("rename", "rename2"):
        r = Renamer(long_names=kind == "rename2")
        t = r.text(s)
        return t, r.addr
    if kind == "ids":
        t = perturb_ids(s)
    elif kind == "crlf":
        t = perturb_crlf(s)
    elif kind == "cr":
        t = perturb_cr(s)
    elif kind == "fold3":
        t = perturb_fold(s, 16, " ")
    elif kind == "wrap":
        t = perturb_wrap(s)
    elif kind == "angle":
        t = perturb_angle(s)
    elif kind == "hcase":
        t = perturb_hcase(s)
    elif kind == "upcase":
        t = perturb_upcase(s)
    elif kind == "order":
        t = perturb_order(s)
    elif kind == "trail":
        t = perturb_trail(s)
    elif kind == "fold":
        t = perturb_fold(s, 38, "\t")
    elif kind == "fold2":
        t = perturb_fold(s, 60, "    ")
    elif kind == "unfold":
        t = perturb_unfold(s)
    elif kind == "case":
        t = perturb_case(s)
    else:
        raise ValueError(kind)
    return t, ident


# ---------------------------------------------------------------- running


def find_binary():
    for c in (os.environ.get("BOUNCETAG"), "./bouncetag", "../_build/bouncetag"):
        if c and os.access(c, os.X_OK):
            return os.path.abspath(c)
    sys.stderr.write("perturb: no bouncetag binary: set BOUNCETAG, or run from the build directory\n")
    sys.exit(2)


def run(binary, files):
    res = defaultdict(list)
    for i in range(0, len(files), BATCH):
        chunk = files[i:i + BATCH]
        p = subprocess.run([binary, "--format=json"] + chunk, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.returncode not in (0, 1):
            sys.stderr.write("perturb: bouncetag exit %d\n" % p.returncode)
            sys.exit(2)
        for line in p.stdout.decode("utf-8", "replace").splitlines():
            if not line.strip():
                continue
            o = json.loads(line)
            res[o["file"]].append(o)
    return res


def summarize(entries, mapper):
    """-> {message: sorted list of (recipient, detected, status, reason, hard)}"""
    out = defaultdict(list)
    for o in entries:
        det = o.get("class") not in (None, "none")
        rcpt = o.get("recipient")
        rcpt = mapper(rcpt).lower() if rcpt else None
        out[o.get("message", 0)].append(
            (rcpt or "", det, o.get("status") or "", o.get("reason") or "", bool(o.get("hard"))))
    return {k: sorted(v) for k, v in out.items()}


def main():
    args = sys.argv[1:]
    keep = None
    kinds = KINDS
    only = None
    strict = False
    while args and args[0].startswith("-"):
        a = args.pop(0)
        if a == "--keep":
            keep = args.pop(0)
        elif a == "--kind":
            kinds = args.pop(0).split(",")
            bad = [k for k in kinds if k not in KINDS + EXTRA_KINDS]
            if bad:
                sys.stderr.write("perturb: unknown kind(s) %s; known: %s\n"
                                 % (",".join(bad), ",".join(KINDS + EXTRA_KINDS)))
                sys.exit(2)
        elif a == "--only":
            only = args.pop(0)
        elif a == "--strict":
            strict = True
        else:
            sys.stderr.write(__doc__)
            sys.exit(2)
    if len(args) != 1:
        sys.stderr.write(__doc__)
        sys.exit(2)
    corpus = args[0]
    if not os.path.isdir(os.path.join(corpus, "emails")):
        sys.stderr.write("perturb: corpus directory '%s' not found (it needs emails/); skipped\n"
                         % corpus)
        sys.exit(2)
    binary = find_binary()
    files = []
    for sub in ("emails", "negatives"):
        root = os.path.join(corpus, sub)
        for dp, _, fns in os.walk(root):
            for fn in fns:
                p = os.path.join(dp, fn)
                rel = os.path.relpath(p, corpus)
                if only and only not in rel:
                    continue
                files.append((rel, p))
    files.sort()
    tmp = keep or tempfile.mkdtemp(prefix="perturb.")
    os.makedirs(tmp, exist_ok=True)
    jobs = []  # (rel, kind, path, mapper)
    origs = []
    for rel, p in files:
        with open(p, "rb") as fh:
            s = fh.read().decode("latin-1")
        origs.append(p)
        for kind in kinds:
            t, mapper = make_variant(kind, s)
            if t == s:
                continue
            vp = os.path.join(tmp, kind, rel)
            os.makedirs(os.path.dirname(vp), exist_ok=True)
            with open(vp, "wb") as fh:
                fh.write(t.encode("latin-1"))
            jobs.append((rel, kind, vp, mapper))
    ores = run(binary, origs)
    vres = run(binary, [j[2] for j in jobs])
    made = Counter()
    differ = Counter()
    lines = []
    for rel, kind, vp, mapper in jobs:
        made[kind] += 1
        a = summarize(ores.get(os.path.join(corpus, rel), []), mapper)
        b = summarize(vres.get(vp, []), lambda x: x)
        if a != b:
            differ[kind] += 1
            lines.append("%s\t%s" % (kind, rel))
            for msg in sorted(set(a) | set(b)):
                if a.get(msg) != b.get(msg):
                    lines.append("    msg %s orig: %s" % (msg, a.get(msg)))
                    lines.append("    msg %s var:  %s" % (msg, b.get(msg)))
    print("perturbation results: %d files, binary %s" % (len(files), binary))
    print("%-8s %8s %8s" % ("kind", "variants", "differ"))
    for k in kinds:
        print("%-8s %8d %8d" % (k, made[k], differ[k]))
    print("%-8s %8d %8d" % ("total", sum(made.values()), sum(differ.values())))
    if lines:
        print()
        print("\n".join(lines))
    if not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("variants kept in %s" % tmp)
    sys.exit(1 if strict and lines else 0)


if __name__ == "__main__":
    main()
