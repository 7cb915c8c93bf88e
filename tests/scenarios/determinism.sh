#!/bin/sh
# Runs every scenario twice, in text with -v and in JSON, with the same seed, and demands
# byte-identical output: nothing may depend on time, addresses or hash order.
bin=$1
status=0
for f in scenarios/*.irq tests/scenarios/*.irq; do
	[ -e "$f" ] || continue
	for mode in "-v" "--json"; do
		a=$("$bin" run $mode --seed 7 "$f" 2>&1)
		b=$("$bin" run $mode --seed 7 "$f" 2>&1)
		if [ "$a" != "$b" ]; then
			echo "$f ($mode): two runs differ"
			status=1
		fi
	done
done
exit $status
