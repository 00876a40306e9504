#!/bin/sh
# check-layers.sh [LIBDIR] - libmailauth's layering (lib/README.md), checked
# from the #include lines of every lib/*/*.[ch]:
#
#   util < dns < msg < spf | dkim | dmarc < msgauth
#
# A file in lib/LAYER/ may include "config.h", system headers (<...>) and
# "DIR/name.h" where lib/DIR/name.h exists and DIR is LAYER or a layer
# below it.  spf, dkim and dmarc are side by side and do not include each
# other, except dmarc -> spf: DMARC evaluates an SPF result, so dmarc.h
# uses spf.h's enum spf_result (vocabulary only, no SPF code).  Also an
# error: a file directly in lib/ or in a directory that is no layer, an
# include without the directory or of a header outside lib/ (common/,
# the front-ends), and a cycle among the headers' includes.
#
# Exit 0 when all holds; 1 with one line per problem on stderr
# ("check-layers: FILE: includes X (why)"); 2 on a usage error.
set -u
lib=${1:-$(dirname "$0")/../lib}
[ -d "$lib" ] || { echo "check-layers: no directory $lib" >&2; exit 2; }
cd "$lib" || exit 2

# The layers each layer may include (itself first).
allowed() {
	case $1 in
	util)	 echo "util" ;;
	dns)	 echo "dns util" ;;
	msg)	 echo "msg dns util" ;;
	spf)	 echo "spf msg dns util" ;;
	dkim)	 echo "dkim msg dns util" ;;
	dmarc)	 echo "dmarc spf msg dns util" ;;
	msgauth) echo "msgauth spf dkim dmarc msg dns util" ;;
	*)	 echo "" ;;
	esac
}

bad=0
problem() {
	echo "check-layers: $1" >&2
	bad=1
}

edges=$(mktemp) || exit 2
trap 'rm -f "$edges"' EXIT

for f in $(find . -name '*.[ch]' | sed 's|^\./||' | LC_ALL=C sort); do
	case $f in
	*/*/*) problem "$f: nested below a layer directory"; continue ;;
	*/*) ;;
	*) problem "$f: directly in lib/, not in a layer directory"; continue ;;
	esac
	layer=${f%%/*}
	ok=$(allowed "$layer")
	if [ -z "$ok" ]; then
		problem "$f: $layer/ is not a layer (util dns msg spf dkim dmarc msgauth)"
		continue
	fi
	# the quoted includes, one per line (comments on the line ignored)
	for inc in $(sed -n 's/^[ \t]*#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		config.h) continue ;;
		*/*/*|../*|./*)
			problem "$f: includes \"$inc\" (not a lib/LAYER/name.h path)"
			continue ;;
		*/*) ;;
		*)	problem "$f: includes \"$inc\" without its directory"
			continue ;;
		esac
		dir=${inc%%/*}
		if [ ! -f "$inc" ]; then
			problem "$f: includes \"$inc\", which is not in lib/"
			continue
		fi
		case " $ok " in
		*" $dir "*) ;;
		*)	problem "$f: includes \"$inc\" ($dir is not below $layer)"
			continue ;;
		esac
		case $f in
		*.h) echo "$f $inc" >> "$edges" ;;
		esac
	done
done

# header cycles: tsort names the loop on stderr
if [ -s "$edges" ] && ! tsort "$edges" > /dev/null 2> "$edges.err"; then
	problem "header include cycle: $(grep -v 'input contains a loop' "$edges.err" | sed 's/^tsort: //' | tr '\n' ' ')"
fi
rm -f "$edges.err"
exit $bad
