#!/bin/sh
# irqlab show FILE TOPIC, when an expectation in FILE fails: exit status 1, the failure on
# standard error (the line run prints), and still the view on standard output.
bin=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
cat >f.irq <<'SCN'
host cpus=2
device nic0 bdf=03:00.0 msix=4
alloc nic0 count=1
expect granted=2
SCN
want='f.irq:4: expect granted: FAILED: expected 2, saw 1'

fail() {
	printf '%s\n--- stdout\n%s\n--- stderr\n%s\n' "$1" "$(cat out)" "$(cat err)"
	exit 1
}

for mode in "" --json; do
	"$bin" show $mode f.irq domains >out 2>err
	status=$?
	[ "$status" = 1 ] || fail "show $mode: exit status $status, expected 1"
	grep -qxF "$want" err || fail "show $mode: the failure is not on standard error"
	grep -qF "$want" out && fail "show $mode: the failure is on standard output"
	grep -q 'IR-PCI-MSIX-0000:03:00.0' out || fail "show $mode: no view"
done
# An expectation that holds says nothing.
sed -i 's/granted=2/granted=1/' f.irq
"$bin" show f.irq domains >out 2>err
status=$?
[ "$status" = 0 ] || fail "exit status $status, expected 0"
[ -s err ] && fail "something on standard error"
exit 0
