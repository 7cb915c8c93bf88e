#!/bin/sh
# Makes the man pages irqlab.1 and irqlab.3 from doc/irqlab.1.scd and doc/irqlab.3.scd, dated
# with the release date that CMakeLists.txt sets (IRQLAB_RELEASE_DATE) and never with the day
# it runs: scdoc takes the date from SOURCE_DATE_EPOCH, so the same source gives the same page
# on any day, in any time zone.
#
# usage: doc/manpage.sh DATE            write irqlab.1 and irqlab.3
#        doc/manpage.sh --check DATE    fail unless each page is exactly what its source makes
#                                       and renders without warnings, and irqlab.3's example
#                                       is doc/example.c (the program the install test runs)
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
pages="irqlab.1 irqlab.3"

# The literal block after "# EXAMPLE" in irqlab.3.scd, with scdoc's doubled backslashes undone.
scd_example() {
	awk '/^# EXAMPLE/ { s = 1; next } s == 1 && /^```$/ { s = 2; next }
		s == 2 && /^```$/ { exit } s == 2 { print }' doc/irqlab.3.scd | sed 's/\\\\/\\/g'
}

if [ -z "$check" ]; then
	for page in $pages; do
		scdoc <"doc/$page.scd" >"$page.new"
		mv "$page.new" "$page"
	done
	exit 0
fi
status=0
for page in $pages; do
	if ! scdoc <"doc/$page.scd" | cmp - "$page"; then
		echo "$page is not what doc/$page.scd makes (dated $date);" \
			"regenerate it: cmake --build BUILD --target manpage" >&2
		status=1
	fi
	groff -man -ww -z "$page" || status=1
done
if ! scd_example | cmp - doc/example.c; then
	echo "the example in doc/irqlab.3.scd is not doc/example.c: copy it over," \
		"doubling each backslash" >&2
	status=1
fi
exit $status
