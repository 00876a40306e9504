#!/bin/sh
# install-deps.sh: install the Debian packages that building and testing
# mailauth-pack needs.  Idempotent and quiet when everything is present.
# Must run as root on Debian 12 (bookworm) or 13 (trixie), also on a
# pristine one (debootstrap --variant=minbase + git: the test command
# proves that in a root made by scripts/pristine-root.sh).  README's two
# commands call it.
set -eu

# nettle-dev: libunbound-dev's libunbound.pc requires nettle and hogweed
# but the package does not depend on nettle-dev (Debian 12), so configure's
# pkg-config check of libunbound fails without it.
# chromium: tests/dmarc-reports-html.sh renders the summary page headless
# (fonts-dejavu-core: text in its screenshot also in a pristine root).
PKGS="build-essential autoconf automake libtool pkg-config
  libssl-dev libunbound-dev nettle-dev libevent-dev libpsl-dev libidn2-dev check
  libsqlite3-dev sqlite3 zlib1g-dev libxml2-utils
  libpq-dev postgresql
  unbound dns-root-data publicsuffix ldnsutils
  clang
  python3 python3-yaml python3-dkim python3-dnspython python3-nacl python3-spf openssl
  postfix postfix-policyd-spf-python swaks libnet-ssleay-perl
  opendkim-tools libopendkim-dev libopendmarc-dev
  dovecot-dev dovecot-core dovecot-lmtpd dovecot-imapd dovecot-sieve
  util-linux procps openssl time
  chromium fonts-dejavu-core"

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed'
}

# The sanitizer runtime (libclang-rt-N-dev) of the release's clang: N is
# the major version of the installed clang, else of the clang-N package
# that the release's clang depends on (14 on Debian 12, 19 on Debian 13).
clang_rt() {
	v=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9][0-9]*\)\..*/\1/p' | head -1)
	[ -n "$v" ] || v=$(apt-cache depends clang 2>/dev/null |
		sed -n 's/^ *Depends: clang-\([0-9][0-9]*\)$/\1/p' | head -1)
	[ -z "$v" ] || echo "libclang-rt-$v-dev"
}

# Package scripts must not start their daemons while this installs them
# (a build machine, a chroot, a container): a policy-rc.d that exits 101
# ("action forbidden", invoke-rc.d(8)) says so.  Ours lives only as long
# as this script, whichever way it ends: left behind, it would silently
# keep every later package on the machine from starting its service.  One
# that was there before is never touched.  MAILAUTH_POLICY_RC_D names
# another file instead (tests/install-deps-policy-rc.sh).
policy_rc=${MAILAUTH_POLICY_RC_D:-/usr/sbin/policy-rc.d}
policy_rc_ours=0

# policy_rc_hold: create $policy_rc unless it exists (noclobber: never
# over one that appears meanwhile) and remove it again on every exit.
policy_rc_hold() {
	trap policy_rc_release EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if (set -C; printf '#!/bin/sh\nexit 101\n' > "$policy_rc") 2>/dev/null; then
		policy_rc_ours=1
		chmod 755 "$policy_rc"
	fi
}

# policy_rc_release: remove $policy_rc if this script created it.
policy_rc_release() {
	[ "$policy_rc_ours" = 1 ] && rm -f "$policy_rc"
	policy_rc_ours=0
}

missing=""
for p in $PKGS $(clang_rt); do
	installed "$p" || missing="$missing $p"
done
# Without clang and without apt lists the runtime's name is not known
# yet: it is looked up after apt-get update below.
[ -z "$missing" ] && [ -n "$(clang_rt)" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing (run as root to install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks debconf questions; answer them so the install is unattended.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
policy_rc_hold
apt-get update -qq >/dev/null 2>&1 || apt-get update -qq
rt=$(clang_rt)
[ -n "$rt" ] || { echo "install-deps: no clang package in the apt sources" >&2; exit 1; }
case " $missing " in *" $rt "*) ;; *) installed "$rt" || missing="$missing $rt";; esac
echo "install-deps: installing:$missing"
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || \
	apt-get install -y --no-install-recommends $missing
