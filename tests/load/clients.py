#!/usr/bin/env python3
"""tests/load/clients.py SOCKET SECONDS - misbehaving milter clients.

Against the unix socket SOCKET, for SECONDS seconds (at most 300): keeps
5 connections that never send anything (stall), 5 that send half a packet
header and stop, 5 that send one packet with a huge length and stop, and
once a second opens 10 connections and closes them at once.  At the end
closes everything and prints what it did.  The daemon must serve Postfix
undisturbed meanwhile (tests/load.sh checks that).
"""
import socket
import struct
import sys
import time


def conn(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    s.connect(path)
    return s


def main():
    path, secs = sys.argv[1], min(300.0, float(sys.argv[2]))
    held, opened, failed = [], 0, 0
    end = time.time() + secs
    for kind in range(3):
        for _ in range(5):
            try:
                s = conn(path)
                if kind == 1:
                    s.send(b'\x00\x00')
                elif kind == 2:
                    s.send(struct.pack('>I', 0x7fffffff) + b'O')
                held.append(s)
            except OSError:
                failed += 1
    while time.time() < end:
        for _ in range(10):
            try:
                conn(path).close()
                opened += 1
            except OSError:
                failed += 1
        time.sleep(1)
    for s in held:
        s.close()
    print('clients: %d held open (stall, half header, huge length), '
          '%d connect-and-close, %d failed connects' %
          (len(held), opened, failed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
