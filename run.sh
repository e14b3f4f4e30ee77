#!/bin/sh
# run.sh - from a fresh checkout to a running bouncetagd, in one command.
#
#   ./run.sh            install what is missing (./install-deps.sh build),
#                       build in _build/ (autoreconf -fi when configure is
#                       missing), print the lines for Postfix's main.cf,
#                       then run bouncetagd in the foreground on
#                       inet:8893@127.0.0.1 with the embedded default
#                       policy (tag every bounce, refuse nothing).
#
# Environment: BOUNCETAGD_SOCKET (default inet:8893@127.0.0.1),
# BOUNCETAGD_ARGS (more flags, e.g. "-c /etc/bouncetag.conf").
# Ctrl-C stops the daemon.  Started as root, it runs as user nobody.
set -eu
cd "$(dirname "$0")"
top=$(pwd)
sock=${BOUNCETAGD_SOCKET:-inet:8893@127.0.0.1}

say() { printf 'run.sh: %s\n' "$*"; }

say "checking build dependencies"
if ! ./install-deps.sh build; then
	say "missing packages: run ./install-deps.sh build as root" >&2
	exit 1
fi

if [ ! -x configure ]; then
	say "autoreconf -fi"
	autoreconf -fi
fi
mkdir -p _build
cd _build
if [ ! -f Makefile ]; then
	say "configure"
	../configure >configure.out 2>&1 || { tail -20 configure.out >&2; exit 1; }
fi
say "make"
make -j"$(nproc 2>/dev/null || echo 2)" >make.out 2>&1 || { tail -30 make.out >&2; exit 1; }

case $sock in
inet:*@*) pf_sock="inet:${sock##*@}:$(echo "${sock#inet:}" | cut -d@ -f1)" ;;
unix:*|local:*) pf_sock="unix:${sock#*:}" ;;
*) pf_sock=$sock ;;
esac

cat <<EOF2

Built $top/_build/bouncetagd.  Add to Postfix's main.cf (then: postfix reload):

    # bouncetagd: classify bounces, add X-Bounce-* headers
    smtpd_milters = $pf_sock
    non_smtpd_milters = $pf_sock
    milter_default_action = accept
    # Postfix's own bounces go through non_smtpd_milters only with:
    internal_mail_filter_classes = bounce

(A unix socket is faster than TCP: see contrib/postfix-main.cf and
bouncetagd(8).)  Try the classifier offline:  ./_build/bouncetag tests/golden/postfix-dsn.eml

Starting bouncetagd in the foreground on $sock (Ctrl-C stops it).
EOF2

set -- -f -p "$sock"
[ "$(id -u)" = 0 ] && set -- "$@" -u nobody
# shellcheck disable=SC2086
exec ./bouncetagd "$@" ${BOUNCETAGD_ARGS:-}
