#!/bin/sh
# install-deps.sh: install the Debian packages that building and testing
# mailauth-pack needs.  Idempotent and quiet when everything is present.
# Must run as root on Debian 12 (the test command calls it).
set -eu

PKGS="build-essential autoconf automake libtool pkg-config
  libssl-dev libunbound-dev libevent-dev libpsl-dev libidn2-dev check
  libsqlite3-dev sqlite3 zlib1g-dev libxml2-utils
  libpq-dev postgresql
  unbound dns-root-data publicsuffix ldnsutils
  clang libclang-rt-14-dev
  python3 python3-yaml python3-dkim python3-dnspython python3-nacl python3-spf openssl
  postfix postfix-policyd-spf-python swaks libnet-ssleay-perl
  opendkim-tools libopendkim-dev libopendmarc-dev
  dovecot-dev dovecot-core dovecot-lmtpd dovecot-imapd dovecot-sieve
  util-linux procps openssl time"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Postfix asks debconf questions; answer them so the install is unattended.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# Never let package scripts start system daemons on a build/test machine.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
fi
apt-get update -qq >/dev/null 2>&1 || apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || \
	apt-get install -y --no-install-recommends $missing
