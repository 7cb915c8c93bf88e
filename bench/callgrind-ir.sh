#!/bin/sh
# SPDX-License-Identifier: MIT
# Instructions per message through the IR unit, counted by callgrind: for each configuration
# of bench_ir_remap, one measured run minus a setup-only run. "total" is the whole difference
# (the bench loop included) divided by the messages; "remap" is the inclusive cost of
# irqlab_ir_unit_remap() alone (validation, lookup and the format helpers it calls).
#
# usage: bench/callgrind-ir.sh [BENCH_BINARY]   (REPS=N, CONFIGS="random hot ..." to change)
set -eu
# Figures with a decimal point in every locale: awk (mawk) prints 12,5 in de_DE.UTF-8.
export LC_ALL=C

bench=${1:-build-ir/bench_ir_remap}
reps=${REPS:-409600}
configs=${CONFIGS:-random hot sequential faults}

command -v valgrind >/dev/null || { echo "callgrind-ir: valgrind not found" >&2; exit 1; }
[ -x "$bench" ] || { echo "callgrind-ir: $bench: not an executable; build first" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Total instructions of profile $1.
total() {
	sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$1"
}

# Inclusive instructions of function $2 in profile $1 (0 when it was never called).
inclusive() {
	callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
		awk -v fn=":$2 " 'index($0, fn) { gsub(",", "", $1); print $1; found = 1; exit }
			END { if (!found) print 0 }'
}

printf 'callgrind, %s messages per configuration (instructions per message)\n' "$reps"
printf '%-12s %10s %10s\n' config total remap
for cfg in $configs; do
	valgrind --tool=callgrind --callgrind-out-file="$tmp/full" "$bench" --config "$cfg" \
		--reps "$reps" >"$tmp/out" 2>/dev/null
	valgrind --tool=callgrind --callgrind-out-file="$tmp/setup" "$bench" --config "$cfg" \
		--reps "$reps" --setup-only >/dev/null 2>&1
	messages=$(sed -n 's/.* messages=\([0-9]*\).*/\1/p' "$tmp/out")
	t_full=$(total "$tmp/full")
	t_setup=$(total "$tmp/setup")
	r_full=$(inclusive "$tmp/full" irqlab_ir_unit_remap)
	r_setup=$(inclusive "$tmp/setup" irqlab_ir_unit_remap)
	awk -v cfg="$cfg" -v n="$messages" -v tf="$t_full" -v ts="$t_setup" -v rf="$r_full" \
		-v rs="$r_setup" 'BEGIN {
		printf "%-12s %10.1f %10.1f\n", cfg, (tf - ts) / n, (rf - rs) / n
	}'
done
