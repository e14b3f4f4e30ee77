#!/usr/bin/env python3
"""gen.py - write the hostile messages for tests/hostile.sh.

Usage: gen.py OUTDIR [--quick]

Writes one file per case into OUTDIR and OUTDIR/manifest.json, a list of
{"name", "file", "tagged", "caps", "what"}:
  tagged  True: the outcome must be a bounce (class not "none");
          False: must be "none"; None: either (the case only tests survival);
  caps    cap names (as result_caps_string() writes them: bytes, line,
          header, depth, parts, recipients, field) of which at least one must
          be reported in caps_hit; empty: no cap is required;
  messages (optional) how many messages the command must report (mbox);
  known   (optional) a known bug: the case's failure is shown as XFAIL and
          does not fail the run; remove it when the bug is fixed.
--quick leaves out the 40 MB message (for a fast run by hand).
Only the standard library; nothing is written outside OUTDIR.
"""
import base64
import json
import os
import sys

PREFIX = 'X-Bounce-'
FORGED = 'X-Bounce-Class: delivered'


def dsn(rcpts=None, diag='smtp; 550 5.1.1 <nobody@example.net>: User unknown',
        remote='dns; mx.example.net', status='5.1.1', msgid='<orig-1@example.com>',
        text=None, dsn_cte=None, boundary='BOUNDARY', close=True, extra_headers=b'',
        subject=b'Undelivered Mail Returned to Sender'):
    """A Postfix-style RFC 3464 report as bytes."""
    if rcpts is None:
        rcpts = [b'nobody@example.net']
    if isinstance(boundary, str):
        boundary = boundary.encode()
    enc = lambda s: s if isinstance(s, bytes) else s.encode('utf-8', 'surrogateescape')
    b = boundary
    head = (b'Return-Path: <>\n'
            b'From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n'
            b'To: sender@example.com\n'
            b'Subject: ' + enc(subject) + b'\n'
            b'Date: Mon, 2 Mar 2026 10:00:00 +0000\n'
            b'Message-ID: <bounce-1@mx.example.org>\n' + extra_headers +
            b'MIME-Version: 1.0\n'
            b'Content-Type: multipart/report; report-type=delivery-status;\n'
            b'\tboundary="' + b + b'"\n\n'
            b'This is a MIME-encapsulated message.\n\n')
    if text is None:
        text = b'This is the mail system at host mx.example.org.\n\n' \
               b'I\'m sorry to have to inform you that your message could not\n' \
               b'be delivered to one or more recipients.\n\n' + \
               b''.join(b'<' + enc(r) + b'>: host mx.example.net said: 550 5.1.1 User unknown\n'
                        for r in rcpts[:3])
    part1 = (b'--' + b + b'\nContent-Description: Notification\n'
             b'Content-Type: text/plain; charset=us-ascii\n\n' + enc(text) + b'\n')
    fields = b'Reporting-MTA: dns; mx.example.org\nArrival-Date: Mon, 2 Mar 2026 09:59:59 +0000\n'
    for r in rcpts:
        fields += (b'\nFinal-Recipient: rfc822; ' + enc(r) + b'\n'
                   b'Original-Recipient: rfc822;' + enc(r) + b'\n'
                   b'Action: failed\n'
                   b'Status: ' + enc(status) + b'\n'
                   b'Remote-MTA: ' + enc(remote) + b'\n'
                   b'Diagnostic-Code: ' + enc(diag) + b'\n')
    cte = b''
    if dsn_cte == 'base64-broken':
        raw = base64.encodebytes(fields)
        raw = raw[:40] + b'!!*&\n' + raw[40:80] + b'=\n==' + raw[80:-5]
        fields, cte = raw, b'Content-Transfer-Encoding: base64\n'
    elif dsn_cte == 'qp-broken':
        fields = fields.replace(b'Status', b'St=\natus').replace(b'5.1.1', b'5.=31.1=ZZ')
        fields += b'trailing=\n=\n=4'
        cte = b'Content-Transfer-Encoding: quoted-printable\n'
    part2 = (b'--' + b + b'\nContent-Description: Delivery report\n'
             b'Content-Type: message/delivery-status\n' + cte + b'\n' + fields + b'\n')
    part3 = (b'--' + b + b'\nContent-Description: Undelivered Message Headers\n'
             b'Content-Type: text/rfc822-headers\n\n'
             b'From: sender@example.com\nTo: ' + enc(rcpts[0]) + b'\n'
             b'Subject: hello\nMessage-ID: ' + enc(msgid) + b'\n\n')
    tail = b'--' + b + b'--\n' if close else b''
    return head + part1 + part2 + part3 + tail


def injections():
    """CR/LF, NUL and encoded-word injection in every field we copy out."""
    crlf = [('cr', '\r' + FORGED), ('lf', '\n' + FORGED), ('crlf', '\r\n' + FORGED),
            ('fold', '\n ' + FORGED), ('nul', '\0' + FORGED),
            ('ew', '=?utf-8?q?x=0D=0A' + FORGED.replace(' ', '_') + '?='),
            ('ewb', '=?utf-8?b?' + base64.b64encode(('\r\n' + FORGED).encode()).decode() + '?=')]
    for how, bad in crlf:
        yield ('inject-rcpt-' + how, dict(rcpts=['nobody@example.net' + bad]))
        yield ('inject-diag-' + how, dict(diag='smtp; 550 5.1.1 unknown' + bad))
        yield ('inject-remote-' + how, dict(remote='dns; mx.example.net' + bad))
        yield ('inject-status-' + how, dict(status='5.1.1' + bad))
        yield ('inject-msgid-' + how, dict(msgid='<orig@example.com>' + bad))
        yield ('inject-subject-' + how, dict(subject=('Undelivered' + bad).encode()))


def write_many(path, head, unit, count, tail):
    with open(path, 'wb') as f:
        f.write(head)
        for _ in range(count):
            f.write(unit)
        f.write(tail)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    quick = '--quick' in sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    cases = []

    def add(name, data, tagged, caps=(), what='', known=None, messages=None):
        path = os.path.join(out, name + '.eml')
        if data is not None:
            with open(path, 'wb') as f:
                f.write(data)
        cases.append(dict(name=name, file=path, tagged=tagged, caps=list(caps), what=what,
                          known=known, messages=messages))

    add('baseline', dsn(), True, what='a plain Postfix DSN')
    for name, kw in injections():
        add(name, dsn(**kw), True, what='header/field injection')
    add('diag-200k', dsn(diag='smtp; 550 5.1.1 ' + 'A' * 200 * 1024), True,
        ['line', 'header', 'field'], '200 KB diagnostic line')
    add('nul-bytes', dsn(text=b'Sorry\0\0 <nobody@example.net>\0: 550 5.1.1 unknown\n',
                         diag='smtp; 550 \0 5.1.1 unknown\0', extra_headers=b'X-Nul: a\0b\n'),
        True, what='NUL bytes in headers, text and report')
    add('invalid-utf8', dsn(diag=b'smtp; 550 5.1.1 \xff\xfe\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 bad',
                            subject=b'Undelivered \xff\xc3\x28 Mail', rcpts=[b'n\xffbody@example.net'],
                            remote=b'dns; mx.\xe9xample.net'),
        True, what='invalid UTF-8 everywhere')
    # 1000 nested multiparts around the report.
    depth = 1000
    head = (b'From: MAILER-DAEMON@mx.example.org\nTo: sender@example.com\n'
            b'Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n'
            b'Content-Type: multipart/mixed; boundary="b0"\n\n')
    body = b''.join(b'--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (i, i + 1)
                    for i in range(depth))
    body += b'--b%d\nContent-Type: text/plain\n\nhello\n' % depth
    body += b''.join(b'--b%d--\n' % i for i in range(depth, -1, -1))
    add('nested-1000', head + body, None, ['depth'], '1000 nested multiparts')
    # 10,000 parts.
    p = os.path.join(out, 'parts-10000.eml')
    write_many(p, head.replace(b'b0', b'P'),
               b'--P\nContent-Type: text/plain\n\nUser unknown\n', 10000, b'--P--\n')
    add('parts-10000', None, None, ['parts'], '10,000 MIME parts')
    add('boundary-5000', dsn(boundary='B' * 5000), None, what='a 5,000-character boundary')
    add('missing-close', dsn(close=False), True, what='no closing boundary')
    whole = dsn()
    add('cut-middle', whole[:whole.index(b'Action: failed') + 9], None,
        what='message cut in the middle of the report')
    add('rcpts-5000', dsn(rcpts=['user%d@example.net' % i for i in range(5000)]), True,
        ['recipients'], '5,000 recipients in one report')
    add('base64-broken', dsn(dsn_cte='base64-broken'), None, what='broken base64 report part')
    add('qp-broken', dsn(dsn_cte='qp-broken'), None, what='broken quoted-printable report part')
    for i, st in enumerate(['5.1.1.1', '9.9.9', '5..1', '555555.1.1', '5.1.1 extra words',
                            '', '5.1', '4.4444444444.1', '5.1.1;', '2.0.0 \x01']):
        add('status-%d' % i, dsn(status=st), None, what='malformed status %r' % st)
    add('header-1mb', dsn(subject=b'Undelivered ' + b'x' * (1 << 20)), None,
        ['header', 'line'], 'a 1 MB header line')
    add('header-fold-1mb', dsn(extra_headers=b'X-Long: a\n' + b' folded\n' * 131072), None,
        ['header'], 'a 1 MB folded header field')
    add('fields-100k', dsn(extra_headers=b''.join(b'X-F%d: v\n' % i for i in range(100000))),
        None, what='100,000 header fields')
    forged = b'X-Bounce-Class: delivered\nx-bounce-result: <a@b>; class=delivered\n'
    add('forged-bounce', dsn(extra_headers=forged), True,
        what='our fields forged in a bounce (the daemon must remove them)')
    add('forged-nonbounce', b'From: a@example.com\nTo: b@example.com\nSubject: hi\n' + forged +
        b'\nhello\n', False, what='our fields forged in a plain message')
    many = b''.join(b'X-Bounce-Junk%d: x\n' % i for i in range(40)) + \
        b'X-Bounce-Class: delivered\n'
    add('forged-many-names', b'From: a@example.com\nTo: b@example.com\nSubject: hi\n' + many +
        b'\nhello\n', False, what='41 distinct forged X-Bounce-* names, the last one Class '
        '(more than bouncetagd can delete: the daemon holds the message)')
    one = dsn(rcpts=['u@example.net']).replace(b'\nFrom ', b'\n>From ')
    mbox = b''.join(b'From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n' + one + b'\n'
                    for _ in range(10000))
    add('mbox-10000', mbox, True, what='an mbox of 10,000 reports', messages=10000)
    add('mbox-from-lines', b'From x\n\nFrom y\nFrom \n\n>From z\n\nFrom \n', None,
        what='an mbox of empty and odd From_ lines')
    add('no-body', b'From: MAILER-DAEMON@mx.example.org\nSubject: Mail delivery failed', None,
        what='header only, no final newline')
    add('empty', b'', False, what='an empty file')
    add('binary', bytes(range(256)) * 64, None, what='binary noise')
    add('cr-only', dsn().replace(b'\n', b'\r'), None, what='bare CR line ends')
    add('lone-lf-in-crlf', dsn().replace(b'\n', b'\r\n').replace(b'Status: 5.1.1\r\n', b'Status: 5.1.1\n'),
        True, what='mixed CRLF / LF')
    if not quick:
        # 40 MB: a report whose returned message is a 40 MB attachment.
        p = os.path.join(out, 'big-40mb.eml')
        d = dsn(close=False)
        line = base64.encodebytes(b'\x00\x01binary' * 57)[:76] + b'\n'
        write_many(p, d + b'--BOUNDARY\nContent-Type: message/rfc822\n\n'
                   b'From: a@example.com\nSubject: big\nContent-Transfer-Encoding: base64\n\n',
                   line, (40 << 20) // len(line), b'\n--BOUNDARY--\n')
        add('big-40mb', None, True, [], 'a 40 MB message, report first (no cap needed)')
        # 40 MB of text before the report: max_bytes stops the reading.
        p = os.path.join(out, 'big-40mb-first.eml')
        d = dsn()
        i = d.index(b'--BOUNDARY\nContent-Description: Notification')
        write_many(p, d[:i] + b'--BOUNDARY\nContent-Type: text/plain\n\n',
                   b'filler line of a big first part ' * 2 + b'\n', (40 << 20) // 65,
                   d[i:])
        add('big-40mb-first', None, None, ['bytes'], 'a 40 MB message, 40 MB before the report')
    with open(os.path.join(out, 'manifest.json'), 'w') as f:
        json.dump(cases, f, indent=1)
    print('gen.py: %d cases in %s' % (len(cases), out))


if __name__ == '__main__':
    main()
