#!/bin/sh
# libunbound-forward.sh PORT: print a libunbound configuration (for
# --resolver-config / resolver_config) that sends every query to the test
# unbound on 127.0.0.1@PORT.
#
# libunbound answers some reserved names itself (RFC 5737 reverse zones,
# RFC 6761 test./invalid.); tests use them as ordinary zones, so those
# built-in zones are switched off here.
cat <<CONF
server:
	do-not-query-localhost: no
	do-ip6: no
	local-zone: "2.0.192.in-addr.arpa." nodefault
	local-zone: "100.51.198.in-addr.arpa." nodefault
	local-zone: "113.0.203.in-addr.arpa." nodefault
	local-zone: "test." nodefault
	local-zone: "invalid." nodefault
forward-zone:
	name: "."
	forward-addr: 127.0.0.1@$1
CONF
