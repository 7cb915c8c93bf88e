#!/bin/sh
# The man-page check run on another day, in time zones either side of UTC and in two locales:
# the page's date must come from the source, never from the clock. First scdoc on its own
# stamps the fake day, which shows the fake clock reaches it; then the check must still pass.
# Exits 77 (skipped) only when faketime is not installed.
#
# usage: tests/manpage/other-day.sh RELEASE_DATE
set -u
date=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
day=2031-05-17

if ! command -v faketime >/dev/null; then
	echo "faketime is not installed (Debian package faketime): skipped"
	exit 77
fi
# Run under a fake clock already (faketime 2030-01-01 ctest), the inner faketime would stack
# its offset on the outer one: start from the real clock.
case ${LD_PRELOAD:-} in
*faketime*) unset LD_PRELOAD ;;
esac
unset FAKETIME FAKETIME_SHARED

stamped=$(env -u SOURCE_DATE_EPOCH TZ=UTC faketime "$day 03:00:00" scdoc \
	<"$top/doc/irqlab.1.scd" | sed -n 's/^\.TH "irqlab" "1" "\(.*\)"$/\1/p')
if [ "$stamped" != "$day" ]; then
	echo "the fake clock did not reach scdoc: it stamped '$stamped', not $day"
	exit 1
fi

status=0
# POSIX time zones, which need no tzdata: UTC-11 and UTC+14.
for tz in WEST+11 EAST-14; do
	for lc in C C.UTF-8; do
		if ! env TZ=$tz LC_ALL=$lc faketime "$day 03:00:00" sh "$top/doc/manpage.sh" \
			--check "$date"; then
			echo "the man-page check fails on $day with TZ=$tz LC_ALL=$lc"
			status=1
		fi
	done
done
exit $status
