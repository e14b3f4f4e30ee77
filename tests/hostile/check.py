#!/usr/bin/env python3
"""check.py - run the hostile messages through the command and check it.

Usage: check.py BOUNCETAG CASEDIR [MAX_RSS_KB]

For every case of CASEDIR/manifest.json (written by gen.py) runs
  BOUNCETAG --format=json FILE      and      BOUNCETAG --format=headers FILE
and checks:
  - exit status 0, no signal, within TIMEOUT seconds;
  - peak RSS (os.wait4's ru_maxrss of that one process) under MAX_RSS_KB
    (default 65536, 64 MB);
  - the JSON output: at least one object, every line valid JSON; the class
    agrees with the case's "tagged" (True: not "none"; False: "none");
    caps_hit names at least one of the case's caps when it lists any
  (a case marked "known" in gen.py reports XFAIL and does not fail the run);
  - the headers output: blocks of "==> FILE ..." then fields then a blank
    line; every line of a block starts with the prefix "X-Bounce-" or is a
    tab fold; no CR, NUL or other control byte, no 8-bit byte; a field name
    is one of ours; single fields (Class, Reason, ...) appear once; no line
    says "X-Bounce-Class: delivered" (the injected forgery).
With HOSTILE_MILTER_SOCK, HOSTILE_MILTER_PID and HOSTILE_MILTER_LUA set
(tests/hostile.sh does it), each case also goes through the running daemon
with miltertest (milter.lua checks the added fields): miltertest must exit
0 and the daemon must be alive after it; its VmHWM is checked at the end.
Prints one line per case (name, outcome, caps, RSS, time) and exits 1 when
any check failed.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

TIMEOUT = 120
PREFIX = 'X-Bounce-'
SINGLE = {'checked-by', 'action', 'class', 'reason', 'status', 'description',
          'recipient', 'diagnostic', 'remote-mta', 'original-message-id'}
OURS = SINGLE | {'result'}


TIME = '/usr/bin/time'


def vmhwm(pid):
    """VmHWM of a running process in KB, or 0."""
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run(cmd):
    """Run cmd; return (status, stdout bytes, stderr bytes, peak RSS KB, seconds).

    Peak RSS: os.wait4's ru_maxrss would count the RSS of this Python
    process (Linux keeps the pre-exec high-water mark), so GNU time's %M is
    used when /usr/bin/time exists (it adds about 1 MB, time's own), else
    the process's VmHWM polled from /proc (a lower bound)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode='r') as tf:
        use_time = os.access(TIME, os.X_OK)
        full = [TIME, '-q', '-f', '%M', '-o', tf.name] + cmd if use_time else cmd
        t0 = time.monotonic()
        p = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = t0 + TIMEOUT
        hwm = 0
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if not use_time:
                hwm = max(hwm, vmhwm(p.pid))
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                status = -1
                break
            time.sleep(0.002)
        p.returncode = 0  # reaped by hand: keep Popen from waiting again
        secs = time.monotonic() - t0
        if use_time:
            try:
                hwm = int(tf.read().split()[-1])
            except (ValueError, IndexError):
                hwm = 0
            # GNU time exits 128+N when the command died of signal N.
            if status > 0 and os.WIFEXITED(status) and os.WEXITSTATUS(status) > 128:
                status = os.WEXITSTATUS(status) - 128
        out.seek(0)
        err.seek(0)
        return status, out.read(), err.read(), hwm, secs


def describe(status):
    if status == -1:
        return 'timed out after %ds' % TIMEOUT
    if os.WIFSIGNALED(status):
        return 'killed by signal %d' % os.WTERMSIG(status)
    return 'exit %d' % os.WEXITSTATUS(status)


def check_json(case, out, errs):
    objs = []
    for n, line in enumerate(out.splitlines(), 1):
        try:
            objs.append(json.loads(line))
        except ValueError as e:
            errs.append('json line %d not JSON: %s' % (n, e))
    if not objs:
        errs.append('no JSON object')
        return '-', ''
    if case.get('messages') is not None:
        seen = {o.get('message') for o in objs}
        if len(seen) != case['messages']:
            errs.append('%d messages reported, expected %d' % (len(seen), case['messages']))
    classes = {o.get('class') for o in objs}
    caps = set()
    for o in objs:
        c = o.get('caps_hit')
        if isinstance(c, str):
            caps.update(x for x in c.split(',') if x)
        elif isinstance(c, list):
            caps.update(c)
    tagged = classes != {'none'} and classes != {None}
    if case['tagged'] is True and not tagged:
        errs.append('expected a bounce, got class %s' % sorted(map(str, classes)))
    if case['tagged'] is False and tagged:
        errs.append('expected no bounce, got class %s' % sorted(map(str, classes)))
    if case['caps'] and not caps & set(case['caps']):
        errs.append('caps_hit %s has none of %s' % (sorted(caps) or 'empty', case['caps']))
    top = [o for o in objs if o.get('top')] or objs
    return top[0].get('class'), ','.join(sorted(caps))


def check_headers(out, errs):
    seen = None
    for n, raw in enumerate(out.split(b'\n'), 1):
        if raw.startswith(b'==> '):
            seen = set()
            continue
        if raw == b'':
            seen = None
            continue
        bad = [c for c in raw if c < 0x20 and c != 0x09 or c >= 0x7f]
        if bad:
            errs.append('headers line %d has byte 0x%02x' % (n, bad[0]))
            continue
        line = raw.decode('ascii')
        if seen is None:
            errs.append('headers line %d outside a block: %r' % (n, line[:60]))
            continue
        if line.startswith('\t'):
            if not line.strip():
                errs.append('headers line %d is an empty fold' % n)
            continue
        if not line.startswith(PREFIX) or ':' not in line:
            errs.append('headers line %d is not one of our fields: %r' % (n, line[:60]))
            continue
        name = line[len(PREFIX):line.index(':')].lower()
        if name not in OURS:
            errs.append('headers line %d: unknown field %r' % (n, line[:60]))
        elif name in SINGLE and name in seen:
            errs.append('headers line %d: second %s field (forged?)' % (n, name))
        seen.add(name)
        if line.lower().startswith('x-bounce-class: delivered'):
            errs.append('headers line %d: the injected field got through' % n)


def check_milter(case, errs):
    """The case through the daemon with miltertest; returns a short note."""
    sock = os.environ['HOSTILE_MILTER_SOCK']
    pid = int(os.environ['HOSTILE_MILTER_PID'])
    cmd = ['miltertest', '-D', 'sock=' + sock, '-D', 'file=' + case['file'],
           '-s', os.environ['HOSTILE_MILTER_LUA']]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        out = p.stdout.decode(errors='replace').strip()
        if p.returncode != 0:
            how = ('killed by signal %d' % -p.returncode if p.returncode < 0
                   else 'exit %d' % p.returncode)
            errs.append('milter: miltertest %s: %s' % (how, out[-300:]))
    except subprocess.TimeoutExpired:
        errs.append('milter: miltertest timed out')
        out = ''
    try:
        os.kill(pid, 0)
        with open('/proc/%d/stat' % pid) as f:
            if f.read().split(') ')[1][0] == 'Z':
                raise OSError
    except OSError:
        errs.append('milter: bouncetagd died')
        os.environ.pop('HOSTILE_MILTER_SOCK')
    m = out.split('\n')[-1] if out else ''
    return m


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    prog, casedir = sys.argv[1], sys.argv[2]
    max_rss = int(sys.argv[3]) if len(sys.argv) > 3 else 65536
    with open(os.path.join(casedir, 'manifest.json')) as f:
        cases = json.load(f)
    failed = 0
    worst = 0
    for case in cases:
        errs = []
        st, out, err, rss, secs = run([prog, '--format=json', case['file']])
        worst = max(worst, rss)
        if st != 0:
            errs.append('json: %s: %s' % (describe(st), err.decode(errors='replace')[-300:]))
        if rss > max_rss:
            errs.append('json: peak RSS %d KB over %d KB' % (rss, max_rss))
        cls, caps = check_json(case, out, errs)
        st2, out2, err2, rss2, secs2 = run([prog, '--format=headers', case['file']])
        worst = max(worst, rss2)
        if st2 != 0:
            errs.append('headers: %s: %s' % (describe(st2), err2.decode(errors='replace')[-300:]))
        if rss2 > max_rss:
            errs.append('headers: peak RSS %d KB over %d KB' % (rss2, max_rss))
        check_headers(out2, errs)
        mnote = ''
        if os.environ.get('HOSTILE_MILTER_SOCK'):
            mnote = ' milter: ' + check_milter(case, errs)
        status = 'FAIL' if errs else 'ok'
        if case.get('known'):
            status = 'XFAIL' if errs else 'XPASS'
            errs = ['known bug: ' + case['known']] + errs if errs else \
                ['known bug seems fixed, remove "known" in gen.py: ' + case['known']]
        print('%-5s %-26s class=%-12s caps=%-18s rss=%6d KB %6.2fs  %s%s' % (
            status, case['name'], cls, caps or '-', max(rss, rss2),
            secs + secs2, case['what'], mnote))
        for e in errs:
            print('     ' + e)
        failed += status == 'FAIL'
    print('hostile: %d cases, %d failed, worst peak RSS %d KB (limit %d KB)' % (
        len(cases), failed, worst, max_rss))
    if os.environ.get('HOSTILE_MILTER_SOCK'):
        hwm = vmhwm(int(os.environ['HOSTILE_MILTER_PID']))
        print('hostile: bouncetagd peak RSS %d KB after all cases' % hwm)
        if hwm > max_rss:
            print('FAIL bouncetagd peak RSS %d KB over %d KB' % (hwm, max_rss))
            failed += 1
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
