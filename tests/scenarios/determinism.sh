#!/bin/sh
# Runs every scenario twice, in text with -v and in JSON, with the same seed, and demands
# byte-identical output: nothing may depend on time, addresses or hash order. The second run
# has another time zone, locale, home and user, which the output must not depend on either.
bin=$1
status=0
# One order of files, and so of messages, whatever the caller's locale.
export LC_ALL=C
for f in scenarios/*.irq tests/scenarios/*.irq; do
	[ -e "$f" ] || continue
	for mode in "-v" "--json"; do
		a=$("$bin" run $mode --seed 7 "$f" 2>&1)
		b=$(env TZ=EAST-14 LC_ALL=C.UTF-8 HOME=/nonexistent USER=nobody LOGNAME=nobody \
			"$bin" run $mode --seed 7 "$f" 2>&1)
		if [ "$a" != "$b" ]; then
			echo "$f ($mode): two runs differ"
			status=1
		fi
	done
done
exit $status
