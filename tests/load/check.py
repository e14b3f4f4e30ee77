#!/usr/bin/env python3
"""tests/load/check.py - inputs and accounting for tests/load.sh.

  check.py prepare --bouncetag B --policy P --out DIR [--corpus DIR]
                   [--ncorpus N] FILE...
      Runs `bouncetag --format=headers --policy P --sender ''` on each FILE
      (and on a sample of N corpus mails that smtp-source can send
      unchanged: LF line ends, no mbox "From " line, lines under 990
      bytes, one message).  Writes DIR/KEY.hdr (the X-Bounce-* lines) and
      DIR/manifest (KEY TAB ACTION TAB PATH).  Key "gen" is the ordinary
      mail smtp-source makes up itself (action accept, no headers).

  check.py account --exp DIR --sink DIR --hold DIR --jobs FILE
      Accounts for every message the jobs sent.  A job line is
      "RCPT COUNT LISTENER PHASE ERRFILE": RCPT is KEY.PHASE@example.net,
      LISTENER is tf (milter_default_action tempfail) or acc (accept),
      PHASE is strict (the daemon runs throughout) or fault (it is killed
      and restarted during the phase).  Outcomes: delivered (a file in the
      smtp-sink directory), held (a file in the hold queue), rejected (a
      5xx that smtp-source -A reported in ERRFILE), tempfailed (a 4xx).
      Strict: exactly the offline action, delivered copies carry exactly
      the offline X-Bounce-* lines.  Fault: as strict, or tempfailed on
      the tf listener, or delivered untagged on the acc listener.  Nothing
      may be lost, duplicated, or delivered with headers it should not
      have.  Prints per-phase figures and the summary line; exit 1 on any
      problem.
"""
import os
import re
import subprocess
import sys
from collections import defaultdict


def parse_args(argv):
    opts, files = {}, []
    i = 0
    while i < len(argv):
        if argv[i].startswith('--'):
            opts[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            files.append(argv[i])
            i += 1
    return opts, files


def offline(bouncetag, policy, path):
    """(action, [header lines]) or None when not one message."""
    out = subprocess.run([bouncetag, '--format=headers', '--policy', policy,
                          '--sender', '', path], capture_output=True,
                         timeout=60).stdout.decode('utf-8', 'replace')
    blocks = [b for b in out.split('==> ') if b.strip()]
    if len(blocks) != 1:
        return None
    lines = blocks[0].split('\n')
    m = re.search(r'\[message 0\] action=(\S+)', lines[0])
    if not m:
        return None
    hdr = [l for l in lines[1:] if l != '']
    return m.group(1), hdr


def sendable(path):
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError:
        return False
    if len(data) > 200000 or b'\r' in data or data.startswith(b'From '):
        return False
    if b'\n\n' not in data:
        return False
    return all(len(l) < 990 for l in data.split(b'\n'))


def prepare(opts, files):
    out = opts['out']
    os.makedirs(out, exist_ok=True)
    bt, pol = opts['bouncetag'], opts['policy']
    entries = [('gen', 'accept', '-', [])]
    for p in files:
        r = offline(bt, pol, p)
        if r is None:
            print('prepare: skipping %s (not one message)' % p)
            continue
        entries.append(('f%02d' % len(entries), r[0], p, r[1]))
    corpus, n = opts.get('corpus'), int(opts.get('ncorpus', '0'))
    if corpus and n > 0 and os.path.isdir(corpus):
        cand = []
        for d, _, fs in os.walk(corpus):
            cand += [os.path.join(d, f) for f in fs]
        cand = sorted(c for c in cand if sendable(c))
        step = max(1, len(cand) // (3 * n))
        got = 0
        for c in cand[::step]:
            if got >= n:
                break
            r = offline(bt, pol, c)
            if r is None or r[0] not in ('tag', 'accept', 'reject',
                                         'quarantine'):
                continue
            entries.append(('c%02d' % got, r[0], c, r[1]))
            got += 1
    with open(os.path.join(out, 'manifest'), 'w') as m:
        for key, action, path, hdr in entries:
            m.write('%s\t%s\t%s\n' % (key, action, path))
            with open(os.path.join(out, key + '.hdr'), 'w') as h:
                h.write(''.join(l + '\n' for l in hdr))
    acts = defaultdict(int)
    for e in entries:
        acts[e[1]] += 1
    print('prepare: %d inputs (%s)' % (len(entries), ', '.join(
        '%s %d' % kv for kv in sorted(acts.items()))))


def sink_headers(path):
    """(rcpt, [X-Bounce-* lines]) of one smtp-sink dump."""
    with open(path, 'rb') as f:
        data = f.read()
    head = data.split(b'\n\n', 1)[0].decode('utf-8', 'replace')
    rcpt, hdr, inx = None, [], False
    for line in head.split('\n'):
        line = line.rstrip('\r')
        if line.startswith('X-Rcpt-Args: '):
            m = re.match(r'X-Rcpt-Args: <([^>]*)>', line)
            rcpt = m.group(1) if m else None
            inx = False
        elif line[:1] in (' ', '\t'):
            if inx:
                hdr.append(line)
        elif line.lower().startswith('x-bounce-'):
            hdr.append(line)
            inx = True
        else:
            inx = False
    return rcpt, hdr


def account(opts):
    exp = {}
    with open(os.path.join(opts['exp'], 'manifest')) as m:
        for line in m:
            key, action, path = line.rstrip('\n').split('\t')
            with open(os.path.join(opts['exp'], key + '.hdr')) as h:
                exp[key] = (action, h.read().splitlines(), path)
    jobs = defaultdict(lambda: {'sent': 0, 'rejected': 0, 'tempfailed': 0,
                                'errors': []})
    meta = {}
    with open(opts['jobs']) as j:
        for line in j:
            rcpt, count, listener, phase, errf = line.split()
            st = jobs[rcpt]
            st['sent'] += int(count)
            meta[rcpt] = (listener, phase)
            try:
                with open(errf, errors='replace') as e:
                    text = e.read()
            except OSError:
                text = ''
            for el in text.splitlines():
                if re.search(r'rejected: 5\d\d', el):
                    st['rejected'] += 1
                elif re.search(r'rejected: 4\d\d', el):
                    st['tempfailed'] += 1
                elif el.strip():
                    st['errors'].append(el.strip())
    problems = []
    dl = defaultdict(int)
    untagged = defaultdict(int)
    mism = defaultdict(int)
    partial = [0]
    partheld = [0]
    for name in os.listdir(opts['sink']):
        rcpt, hdr = sink_headers(os.path.join(opts['sink'], name))
        if rcpt not in meta:
            problems.append('delivered message for unknown recipient %s '
                            '(%s)' % (rcpt, name))
            continue
        key = rcpt.split('.')[0]
        action, want, path = exp[key]
        listener, phase = meta[rcpt]
        if hdr == want and action in ('tag', 'accept'):
            dl[rcpt] += 1
        elif hdr == []:
            untagged[rcpt] += 1	# allowed only while the milter was down
        elif (phase == 'fault' and listener == 'acc' and
              len(hdr) < len(want) and want[len(want) - len(hdr):] == hdr):
            # The daemon was killed while inserting its fields, and Postfix
            # (milter_default_action=accept) kept those already received.
            # Fields are inserted last-to-first, so such a block always
            # lacks the top field, Checked-By: counted with the untagged.
            untagged[rcpt] += 1
            partial[0] += 1
        else:
            mism[rcpt] += 1
            problems.append('%s: %s: headers differ from bouncetag '
                            '--format=headers %s:\n  got:  %s\n  want: %s' %
                            (rcpt, name, path, '\n        '.join(hdr),
                             '\n        '.join(want)))
    held = defaultdict(int)
    hold = opts['hold']
    rcpt_b = {r.encode(): r for r in meta}
    for d, _, fs in os.walk(hold):
        for f in fs:
            with open(os.path.join(d, f), 'rb') as q:
                data = q.read()
            m = re.search(rb'([a-z0-9]+\.[a-z]+@example\.net)', data)
            r = rcpt_b.get(m.group(1)) if m else None
            if r is None:
                problems.append('held message %s for no known recipient' % f)
                continue
            held[r] += 1
            key = r.split('.')[0]
            want = exp[key][1]
            have = [l for l in want if l.encode() in data]
            if have == want:
                continue
            listener, phase = meta[r]
            if (phase == 'fault' and listener == 'acc' and
                    have == want[len(want) - len(have):]):
                # milter.c asks for the quarantine before inserting its
                # fields (last to first): a daemon killed in between
                # leaves the copy held with the bottom of the block.
                partheld[0] += 1
                continue
            missing = [l for l in want if l not in have]
            problems.append('%s: held %s lacks "%s"' % (r, f, missing[0]))
    tot = defaultdict(lambda: defaultdict(int))
    for rcpt, st in sorted(jobs.items()):
        key = rcpt.split('.')[0]
        action = exp[key][0]
        listener, phase = meta[rcpt]
        ph = '%s/%s' % (phase, listener)
        d, u, h = dl[rcpt], untagged[rcpt], held[rcpt]
        rj, tf, mm = st['rejected'], st['tempfailed'], mism[rcpt]
        lost = st['sent'] - d - u - h - rj - tf - mm
        for k, v in (('sent', st['sent']), ('delivered', d + u + mm),
                     ('mismatched', mm),
                     ('untagged', u), ('held', h), ('rejected', rj),
                     ('tempfailed', tf), ('lost', lost)):
            tot[ph][k] += v
            tot['all'][k] += v
        if st['errors']:
            problems.append('%s: smtp-source: %s' % (rcpt, st['errors'][0]))
        if lost != 0:
            problems.append('%s: sent %d, accounted %d (lost %d)' %
                            (rcpt, st['sent'], st['sent'] - lost, lost))
        want = {'tag': 'd', 'accept': 'd', 'quarantine': 'h',
                'reject': 'r'}.get(action, '?')
        got = {'d': d, 'u': u, 'h': h, 'r': rj, 't': tf}
        allowed = {want}
        if phase == 'fault':
            allowed.add('t' if listener == 'tf' else 'u')
        wrong = sum(v for k, v in got.items() if k not in allowed)
        if wrong:
            problems.append('%s (%s, policy %s): delivered %d untagged %d '
                            'held %d rejected %d tempfailed %d' %
                            (rcpt, ph, action, d + u, u, h, rj, tf))
    for ph in sorted(tot):
        if ph == 'all':
            continue
        t = tot[ph]
        print('  %-12s sent %6d delivered %6d (untagged %d, wrong headers '
              '%d) held %5d rejected %5d tempfailed %5d lost %d' %
              (ph, t['sent'], t['delivered'], t['untagged'], t['mismatched'],
               t['held'], t['rejected'], t['tempfailed'], t['lost']))
    if partheld[0]:
        print('# killed after the quarantine request, mid-insert: %d copies '
              'held with part of the block' % partheld[0])
    if partial[0]:
        print('# killed mid-insert: %d copies with a partial block (no '
              'Checked-By), counted as untagged' % partial[0])
    for p in problems[:20]:
        print('PROBLEM: ' + p)
    if len(problems) > 20:
        print('PROBLEM: ... and %d more' % (len(problems) - 20))
    t = tot['all']
    print('load: sent %d delivered %d held %d rejected %d tempfailed %d '
          'lost %d' % (t['sent'], t['delivered'], t['held'], t['rejected'],
                       t['tempfailed'], t['lost']))
    with open(os.path.join(opts['exp'], 'totals'), 'w') as f:
        for ph in sorted(tot):
            f.write('%s %s\n' % (ph, ' '.join('%s=%d' % kv for kv in
                                              sorted(tot[ph].items()))))
    return 1 if problems else 0


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    opts, files = parse_args(sys.argv[2:])
    if sys.argv[1] == 'prepare':
        prepare(opts, files)
        return 0
    if sys.argv[1] == 'account':
        return account(opts)
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
