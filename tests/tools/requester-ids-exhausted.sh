#!/bin/sh
# A device written without bdf= takes the first free 00:01.0, 00:02.0, ... ff:1f.0. When all
# 8191 are taken, the device is refused with exit status 2 and a sentence that says so, where
# it is declared (not a taken id, not a wrapped bus number, not a hang).
bin=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT

# Runs the scenario: it must exit 2 and say @1.
expect_refused() {
	out=$("$bin" run "$dir/full.irq" 2>&1)
	status=$?
	case "$out" in
	*"$1"*) ;;
	*)
		printf 'lacks "%s"\n%s\n' "$1" "$out"
		exit 1
		;;
	esac
	if [ "$status" != 2 ]; then
		printf 'exit status %s, expected 2\n%s\n' "$status" "$out"
		exit 1
	fi
}

awk 'BEGIN {
	print "host cpus=2"
	for (i = 1; i <= 8191; i++)
		printf "device d%d msix=1\n", i
	print "device last msix=1"
	print "device explicit bdf=00:00.0 msix=1"
}' >"$dir/full.irq"
expect_refused "full.irq:8193:1: device last: no requester id is free for a device without bdf= (00:01.0 to ff:1f.0 are all taken)"
# The last default id is ff:1f.0, and 00:00.0 is never one: it is still free for bdf=.
sed -i '/^device last /d' "$dir/full.irq"
printf 'device clash bdf=ff:1f.0 msix=1\n' >>"$dir/full.irq"
expect_refused "full.irq:8194:18: device clash: requester id 0000:ff:1f.0 is taken by d8191"
