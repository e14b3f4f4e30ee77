#!/bin/sh
# install-deps.sh - install the Debian packages that bouncetag's build and
# tests need, when they are missing.  Idempotent, no prompts, as root on
# Debian 12.  Usage: ./install-deps.sh [build|test]   (default: test)
set -eu
what=${1:-test}

BUILD_PKGS="gcc make autoconf automake libtool pkgconf libc6-dev \
 libmilter-dev libconfuse-dev libpcre2-dev check libsubunit-dev"
TEST_PKGS="postfix miltertest swaks iproute2 procps time clang valgrind \
 libclang-rt-14-dev python3 perl libsisimai-perl"

pkgs=$BUILD_PKGS
[ "$what" = test ] && pkgs="$pkgs $TEST_PKGS"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
		|| missing="$missing $p"
done
[ -z "$missing" ] && { echo "install-deps: all packages present"; exit 0; }

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing (run as root, or: sudo $0 $what)" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
# Postfix without a system configuration: the tests run private instances.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
