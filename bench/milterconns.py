#!/usr/bin/env python3
"""bench/milterconns.py SOCKET PID COUNT FILE - memory per milter connection.

Opens COUNT connections to the milter at SOCKET (unix:/path or
inet:PORT@127.0.0.1), and on each plays the MTA half-way through a
message: option negotiation, MAIL FROM:<>, the header fields of FILE, end
of headers, the first 16 KB of its body; then stalls.  Reads the VmRSS of
process PID before and after (2 s after the last packet), prints
"conns COUNT rss_before KB rss_after KB per_conn KB", closes everything.
Replies are read only at negotiation (the rest wait in the socket buffer).
"""
import socket
import struct
import sys
import time


def rss(pid):
    with open('/proc/%s/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def pkt(cmd, data=b''):
    return struct.pack('>I', len(data) + 1) + cmd + data


def connect(spec):
    if spec.startswith('unix:'):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(spec[5:])
    else:
        port, host = spec[5:].split('@')
        s = socket.create_connection((host, int(port)))
    s.settimeout(10)
    return s


def message(path):
    with open(path, 'rb') as f:
        data = f.read().replace(b'\r\n', b'\n')
    head, _, body = data.partition(b'\n\n')
    fields = []
    for line in head.split(b'\n'):
        if line[:1] in (b' ', b'\t') and fields:
            fields[-1][1] += b'\n' + line
        elif b':' in line:
            n, v = line.split(b':', 1)
            fields.append([n, v.lstrip()])
    return fields, body.replace(b'\n', b'\r\n')[:16384]


def main():
    spec, pid, count, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        sys.argv[4]
    count = min(count, 2000)
    fields, body = message(path)
    msgs = [pkt(b'M', b'<>\0')]
    msgs += [pkt(b'L', n + b'\0' + v + b'\0') for n, v in fields]
    msgs += [pkt(b'N'), pkt(b'B', body)]
    stream = b''.join(msgs)
    time.sleep(1)
    before = rss(pid)
    conns = []
    for _ in range(count):
        s = connect(spec)
        s.sendall(pkt(b'O', struct.pack('>III', 6, 0x1ff, 0x1fffff)))
        hdr = s.recv(4)
        n = struct.unpack('>I', hdr)[0]
        while n > 0:
            n -= len(s.recv(n))
        s.sendall(stream)
        conns.append(s)
    time.sleep(2)
    after = rss(pid)
    for s in conns:
        s.close()
    print('conns %d rss_before %d KB rss_after %d KB per_conn %.1f KB' %
          (count, before, after, (after - before) / count))
    return 0


if __name__ == '__main__':
    sys.exit(main())
