#!/bin/sh
# Makes irqlab.1 from doc/irqlab.1.scd, dated with the release date that CMakeLists.txt sets
# (IRQLAB_RELEASE_DATE) and never with the day it runs: scdoc takes the date from
# SOURCE_DATE_EPOCH, so the same source gives the same page on any day, in any time zone.
#
# usage: doc/manpage.sh DATE            write irqlab.1
#        doc/manpage.sh --check DATE    fail unless irqlab.1 is exactly what the source makes
#                                       and renders without warnings
set -eu
check=
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi
date=${1:-}
case $date in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
*)
	echo "manpage.sh: '$date' is not a date (YYYY-MM-DD)" >&2
	exit 2
	;;
esac
cd "$(dirname "$0")/.."
# Midnight UTC of that day; -u so that the caller's time zone cannot move it.
SOURCE_DATE_EPOCH=$(date -u -d "$date" +%s)
export SOURCE_DATE_EPOCH

if [ -z "$check" ]; then
	scdoc <doc/irqlab.1.scd >irqlab.1.new
	mv irqlab.1.new irqlab.1
	exit 0
fi
if ! scdoc <doc/irqlab.1.scd | cmp - irqlab.1; then
	echo "irqlab.1 is not what doc/irqlab.1.scd makes (dated $date);" \
		"regenerate it: cmake --build BUILD --target manpage" >&2
	exit 1
fi
groff -man -ww -z irqlab.1
