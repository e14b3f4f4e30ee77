#!/usr/bin/env python3
"""accuracy.py - compare `bouncetag --format=json` with the corpus labels.

usage: accuracy.py CORPUS_DIR

Runs bouncetag over every file named in CORPUS_DIR/labels.tsv (the mail is
CORPUS_DIR/emails/<file>) and over CORPUS_DIR/negatives/*.eml, compares entry
by entry with labels.tsv, and prints our figures beside those of Sisimai 4.25
(CORPUS_DIR/sisimai-4.25.tsv) computed the same way.

Entries: a file's entries are numbered across the messages of the file in
order (an mbox such as mailbox/mbox-1 gives message 0's recipients first,
then message 1's, ...), which is how labels.tsv numbers them.

Measures, over the labelled bounce entries (reason != "-"):
  detection  an entry is present at that index and its class is not "none"
  status     detected, and our status equals the label's (both empty
             counts as equal: feedback, vacation)
  reason     detected, and our reason equals the label's
  hard       detected, and (our class == "hard") equals (hardbounce == 1)
             (an entry that is not detected agrees on nothing; this is how
             the corpus README's Sisimai figures are computed)
  all three  status, reason and hard agree
and false positives: negatives with any entry of class != none, and labelled
non-bounces (reason "-") found as bounces.  Status is also reported apart
for real codes and for made-up X.0.9NN codes.

Writes accuracy-mismatches.tsv (file, entry, expected, got, diagnostic) in
the current directory.  Exit 0 (a report, not a test); 2 when the corpus
directory is missing or bouncetag cannot be run.  Binary: $BOUNCETAG, else
./bouncetag, else ../_build/bouncetag.
"""
import csv
import json
import os
import re
import signal
import subprocess
import sys

SYNTH = re.compile(r"^[245]\.0\.9\d\d$")
BATCH = 200  # files per bouncetag run


def die(msg):
    sys.stderr.write("accuracy: %s\n" % msg)
    sys.exit(2)


def find_binary():
    cands = [os.environ.get("BOUNCETAG"), "./bouncetag", "../_build/bouncetag"]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    die("no bouncetag binary: set BOUNCETAG, or run from the build directory")


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def run_bouncetag(binary, cwd, files):
    """Map file -> list of entry dicts (flattened over messages)."""
    out = {}
    for i in range(0, len(files), BATCH):
        batch = files[i:i + BATCH]
        p = subprocess.run([binary, "--format=json", "--"] + batch, cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode not in (0, 1):
            die("bouncetag failed (exit %d): %s" % (p.returncode,
                p.stderr.decode("utf-8", "replace").strip()[:500]))
        for err in p.stderr.decode("utf-8", "replace").splitlines():
            sys.stderr.write("accuracy: %s\n" % err)
        for line in p.stdout.decode("utf-8", "replace").splitlines():
            if not line.strip():
                continue
            try:
                o = json.loads(line)
            except ValueError:
                sys.stderr.write("accuracy: bad JSON line: %s\n" % line[:200])
                continue
            out.setdefault(o.get("file"), []).append(o)
    for f in out:
        out[f].sort(key=lambda o: (o.get("message", 0), o.get("entry", 0)))
    return out


def ours_entry(res, f, idx):
    """(detected, status, reason, hard, diagnostic) of our entry idx."""
    lst = [o for o in res.get(f, [])]
    bounces = [o for o in lst if o.get("class") not in (None, "none")]
    if not lst:
        return (False, "", "", False, "(no output)")
    # Entries are numbered over the messages of a file; non-bounce messages
    # give one "none" object that holds no recipient slot.
    if len(lst) != len(bounces) and len(bounces) > 0:
        lst = bounces
    if idx >= len(lst):
        return (False, "", "", False, "(no entry %d)" % idx)
    o = lst[idx]
    det = o.get("class") not in (None, "none")
    return (det, o.get("status") or "", o.get("reason") or "",
            o.get("class") == "hard", o.get("diagnostic") or "")


def family(f):
    """maildir/bsd/lhost-exim-03.eml -> lhost-exim; others by directory."""
    base = os.path.basename(f)
    m = re.match(r"^(.*?)-\d+\.eml$", base)
    if m and ("/bsd/" in f or "/dos/" in f):
        return m.group(1)
    return os.path.dirname(f) or f


def sisimai_entries(rows):
    m = {}
    for r in rows:
        m[(r["file"], int(r["entry"]))] = r
    return m


def sisimai_entry(sis, f, idx):
    r = sis.get((f, idx))
    if r is None or r["reason"] in ("", "-"):
        return (False, "", "", False, "")
    return (True, r["status"] or "", r["reason"], r["hardbounce"] == "1", "")


class Score:
    def __init__(self):
        self.n = 0
        self.det = self.status = self.reason = self.hard = self.all3 = 0
        self.real_n = self.real_ok = self.synth_n = self.synth_ok = 0

    def add(self, lab, got):
        det, status, reason, hard, _ = got
        self.n += 1
        st_ok = det and status == (lab["status"] or "")
        re_ok = det and reason == lab["reason"]
        hd_ok = det and hard == (lab["hardbounce"] == "1")
        self.det += det
        self.status += st_ok
        self.reason += re_ok
        self.hard += hd_ok
        self.all3 += st_ok and re_ok and hd_ok
        if lab["status"]:
            if SYNTH.match(lab["status"]):
                self.synth_n += 1
                self.synth_ok += st_ok
            else:
                self.real_n += 1
                self.real_ok += st_ok
        return st_ok, re_ok, hd_ok


def pct(a, n):
    return "%6.1f%%" % (100.0 * a / n) if n else "     -"


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: accuracy.sh CORPUS_DIR\n")
        sys.exit(2)
    corpus = sys.argv[1]
    labels_path = os.path.join(corpus, "labels.tsv")
    if not os.path.isdir(corpus) or not os.path.isfile(labels_path):
        die("corpus directory %s not found (it needs labels.tsv and emails/)" % corpus)
    binary = find_binary()
    labels = read_tsv(labels_path)
    sis_path = os.path.join(corpus, "sisimai-4.25.tsv")
    sis = sisimai_entries(read_tsv(sis_path)) if os.path.isfile(sis_path) else {}

    files = sorted(set(r["file"] for r in labels))
    emails = os.path.join(corpus, "emails")
    res = run_bouncetag(binary, emails, files)
    negdir = os.path.join(corpus, "negatives")
    negs = sorted(f for f in os.listdir(negdir) if f.endswith(".eml")) \
        if os.path.isdir(negdir) else []
    negres = run_bouncetag(binary, negdir, negs) if negs else {}

    ours, theirs = Score(), Score()
    nb_n = nb_fp = nb_fp_sis = 0
    mism = []
    confusion = {}
    families = {}
    for lab in labels:
        f, idx = lab["file"], int(lab["entry"])
        got = ours_entry(res, f, idx)
        if lab["reason"] == "-":
            nb_n += 1
            nb_fp += got[0]
            nb_fp_sis += sisimai_entry(sis, f, idx)[0]
            if got[0]:
                mism.append((f, idx, "not a bounce", "%s %s" % (got[2], got[1]), got[4]))
            continue
        st, rs, hd = ours.add(lab, got)
        fam = family(f)
        fs = families.setdefault(fam, [0, 0])
        fs[0] += 1
        fs[1] += bool(st and rs and hd)
        if not rs:
            key = (lab["reason"], got[2] if got[0] else "(not detected)")
            confusion[key] = confusion.get(key, 0) + 1
        if sis:
            theirs.add(lab, sisimai_entry(sis, f, idx))
        if not (st and rs and hd):
            exp = "%s %s hard=%s" % (lab["reason"], lab["status"] or "-", lab["hardbounce"])
            gotstr = ("%s %s hard=%d" % (got[2] or "-", got[1] or "-", got[3])) \
                if got[0] else "not detected"
            mism.append((f, idx, exp, gotstr, got[4]))
    neg_fp = 0
    for f in negs:
        lst = negres.get(f, [])
        hit = [o for o in lst if o.get("class") not in (None, "none")]
        if hit:
            neg_fp += 1
            mism.append(("negatives/" + f, 0, "not a bounce",
                         "%s %s" % (hit[0].get("reason"), hit[0].get("status")),
                         hit[0].get("diagnostic") or ""))

    with open("accuracy-mismatches.tsv", "w", encoding="utf-8") as out:
        out.write("file\tentry\texpected\tgot\tdiagnostic\n")
        for m in mism:
            diag = re.sub(r"[\t\r\n]+", " ", m[4] or "")[:300]
            out.write("%s\t%d\t%s\t%s\t%s\n" % (m[0], m[1], m[2], m[3], diag))

    print("labelled bounce entries: %d (in %d files); binary %s" % (ours.n, len(files), binary))
    print("%-38s %10s %12s" % ("", "bouncetag", "sisimai4.25"))
    rows = [("detection", "det"), ("status", "status"), ("reason", "reason"),
            ("hard or not", "hard"), ("all three", "all3")]
    for name, attr in rows:
        print("%-38s %10s %12s" % (name, pct(getattr(ours, attr), ours.n),
                                   pct(getattr(theirs, attr), theirs.n) if sis else "-"))
    print("%-38s %10s %12s" % ("status, real codes (%d)" % ours.real_n,
                               pct(ours.real_ok, ours.real_n), pct(theirs.real_ok, theirs.real_n)))
    print("%-38s %10s %12s" % ("status, made-up X.0.9NN codes (%d)" % ours.synth_n,
                               pct(ours.synth_ok, ours.synth_n), pct(theirs.synth_ok, theirs.synth_n)))
    print("%-38s %10s %12s" % ("false positives, negatives (%d)" % len(negs),
                               "%d" % neg_fp, "-"))
    print("%-42s %6s %12s" % ("false positives, labelled non-bounces (%d)" % nb_n,
                               "%d" % nb_fp, "%d" % nb_fp_sis))
    print("mismatches: %d, written to accuracy-mismatches.tsv" % len(mism))
    worst = sorted(((n - ok, fam, n) for fam, (n, ok) in families.items() if ok < n),
                   reverse=True)[:12]
    if worst:
        print("families with the most entries not agreeing on all three:")
        for bad, fam, n in worst:
            print("  %4d of %4d  %s" % (bad, n, fam))
    if confusion:
        print("most frequent reason mismatches (expected -> got):")
        top = sorted(confusion.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
        for (exp, got), n in top:
            print("  %4d  %s -> %s" % (n, exp, got))
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `accuracy.sh | head`
    sys.exit(main())
