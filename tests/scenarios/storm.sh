#!/bin/sh
# A hot-unplug storm at a small size, generated as bench/scale.sh generates its large ones
# (bench/scale-gen.awk, fixed seed): 16 CPUs, 4 devices of 16 MSI-X vectors, every vector
# requested, then 100 random `cpu offline`/`online` steps each followed by a `raise`; with
# remapping and without it. The file ends by expecting no lost, spurious, misdelivered or
# blocked message; --check=full checks every invariant after every statement.
bin=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for ir in on off; do
	awk -v CPUS=16 -v DEVS=4 -v VECS=16 -v STEPS=100 -v SEED=19 -v IR=$ir \
		-f "$top/bench/scale-gen.awk" >"$tmp/storm-ir-$ir.irq" || exit 1
	if ! "$bin" run --check=full "$tmp/storm-ir-$ir.irq"; then
		echo "storm (ir=$ir) failed"
		status=1
	fi
done
exit $status
