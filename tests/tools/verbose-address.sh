#!/bin/sh
# irqlab run -v prints the whole 64-bit address a device emits: a store can write any address,
# and the trace must show what went out, not its low half.
bin=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cat >"$dir/high.irq" <<'SCN'
host cpus=4 ir=off
device nic0 bdf=03:00.0 msix=1
alloc nic0 count=1
request nic0 index=0
store nic0 index=0 addr=0x1fee00000 data=0x20
raise nic0 index=0
expect lost count=1
SCN
out=$("$bin" run -v "$dir/high.irq" 2>&1)
status=$?
want="nic0[0] emits addr=0x1fee00000 data=0x00000020"
case "$out" in
*"$want"*) ;;
*)
	printf 'irqlab run -v does not show the whole address: lacks "%s"\n%s\n' "$want" "$out"
	exit 1
	;;
esac
if [ "$status" != 0 ]; then
	printf 'exit status %s, expected 0\n%s\n' "$status" "$out"
	exit 1
fi

# The race explorer's points too: here the address-high write is what makes the message an
# interrupt again, and the point before it must show why it was not.
cat >"$dir/race.irq" <<'SCN'
host cpus=4 ir=off
device nic0 bdf=03:00.0 msi=1 maskable=off
alloc nic0 count=1
request nic0 index=0
store nic0 index=0 addr=0x1fee00000 data=0x20
race nic0 index=0 cpus=2 style=naive
SCN
for mode in "" --json; do
	out=$("$bin" run $mode "$dir/race.irq" 2>&1)
	case "$mode" in
	--json) want='"when":"after the address-low write","addr":"0x1fee02000",' ;;
	*) want="after the address-low write                   addr=0x1fee02000" ;;
	esac
	case "$out" in
	*"$want"*) ;;
	*)
		printf 'irqlab run %s: a race point lacks its whole address: "%s"\n%s\n' "$mode" \
			"$want" "$out"
		exit 1
		;;
	esac
done
