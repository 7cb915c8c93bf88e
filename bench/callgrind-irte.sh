#!/bin/sh
# SPDX-License-Identifier: MIT
# Instructions per IRTE allocation and release, counted by callgrind: for each occupancy and
# order, one measured run of bench_irte_alloc minus a setup-only run, taking the inclusive cost
# of the allocator's functions and dividing by the measured calls. --scan does the same for the
# linear-scan comparison.
#
# usage: bench/callgrind-irte.sh [--scan] [BENCH_BINARY]   (REPS=N to change the call count)
set -eu
# Figures with a decimal point in every locale: awk (mawk) prints 12,5 in de_DE.UTF-8.
export LC_ALL=C

impl=tree
alloc_fn=irqlab_irte_alloc_block
free_fn=irqlab_irte_free_block
if [ "${1:-}" = "--scan" ]; then
	impl=scan
	alloc_fn=scan_alloc
	free_fn=scan_free
	shift
fi
bench=${1:-build-irte/bench_irte_alloc}
reps=${REPS:-20000}
occupancies=${OCCUPANCIES:-10 50 90 99}
orders=${ORDERS:-0 1 2 5}

command -v valgrind >/dev/null || { echo "callgrind-irte: valgrind not found" >&2; exit 1; }
[ -x "$bench" ] || { echo "callgrind-irte: $bench: not an executable; build first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Inclusive instructions of function $2 in profile $1 (0 when it was never called).
inclusive() {
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v fn=":$2 " 'index($0, fn) { gsub(",", "", $1); print $1; found = 1; exit }
			END { if (!found) print 0 }'
}

# Field $2 (allocs= or frees=) of the bench's "measured" line in file $1.
measured() {
	sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$1"
}

extra=
[ "$impl" = scan ] && extra=--scan
printf 'callgrind, %s, %s calls per case (instructions per call)\n' "$impl" "$reps"
printf '%9s %6s %10s %10s\n' occupancy order alloc free
for occ in $occupancies; do
	for order in $orders; do
		valgrind --tool=callgrind --callgrind-out-file="$tmp/full" "$bench" $extra \
			--occupancy "$occ" --order "$order" --reps "$reps" >"$tmp/out" 2>/dev/null
		valgrind --tool=callgrind --callgrind-out-file="$tmp/setup" "$bench" $extra \
			--occupancy "$occ" --order "$order" --reps "$reps" --setup-only \
			>/dev/null 2>&1
		allocs=$(measured "$tmp/out" allocs)
		frees=$(measured "$tmp/out" frees)
		a_full=$(inclusive "$tmp/full" "$alloc_fn")
		a_setup=$(inclusive "$tmp/setup" "$alloc_fn")
		f_full=$(inclusive "$tmp/full" "$free_fn")
		f_setup=$(inclusive "$tmp/setup" "$free_fn")
		awk -v occ="$occ" -v order="$order" -v na="$allocs" -v nf="$frees" \
			-v a="$a_full" -v as="$a_setup" -v f="$f_full" -v fs="$f_setup" 'BEGIN {
			alloc = na ? sprintf("%.1f", (a - as) / na) : "-"
			free = nf ? sprintf("%.1f", (f - fs) / nf) : "-"
			if (nf == 0)
				free = "ENOSPC"
			printf "%8s%% %6s %10s %10s\n", occ, order, alloc, free
		}'
	done
done
