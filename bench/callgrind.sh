#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Instructions per vector-matrix operation, counted by callgrind: each configuration runs
# twice, in full and with --setup-only, and the difference is divided by the number of
# operations the benchmark reports, so booting the matrix and filling it first is not counted.
#
# usage: bench/callgrind.sh [path/to/bench_vector_matrix] [CPUS...]
set -eu
# Figures with a decimal point in every locale: awk (mawk) prints 12,5 in de_DE.UTF-8.
export LC_ALL=C

bench=${1:-build/bench_vector_matrix}
[ $# -gt 0 ] && shift
cpus=${*:-2 64 256 1024 8192}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$bench" ]; then
	echo "callgrind.sh: no benchmark at $bench (build it, or pass its path)" >&2
	exit 2
fi
command -v valgrind >/dev/null || {
	echo "callgrind.sh: valgrind is not installed" >&2
	exit 2
}

# Instructions (Ir) of one run, from the "summary:" line callgrind writes.
instructions() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bench" "$@" >"$tmp/stdout" \
		2>"$tmp/stderr" || {
		echo "callgrind.sh: $bench $* failed:" >&2
		cat "$tmp/stderr" >&2
		exit 1
	}
	sed -n 's/^summary: //p' "$tmp/out"
}

# How many operations the iterations stand for (reserve-managed: one per CPU and round).
ops_of() {
	sed -n 's/.* ops=\([0-9]*\).*/\1/p' "$tmp/stdout"
}

printf '%6s  %-16s %9s %12s\n' CPUs op ops instr/op
for n in $cpus; do
	fill=$((n * 201 * 9 / 10))
	quarter=$((n >= 4 ? n / 2 - n / 4 : n))
	node=$((quarter * 201 * 9 / 10))
	for op in alloc free alloc-reserved alloc-node reserve-managed alloc-managed; do
		case $op in
		alloc-node) k=$node ;;
		reserve-managed) k=180 ;;
		alloc-managed) k=$((n * 180)) ;;
		*) k=$fill ;;
		esac
		# Enough operations to average over, few enough for valgrind's pace.
		[ "$k" -gt 200000 ] && k=200000
		[ "$op" = reserve-managed ] && [ "$n" -ge 1024 ] && k=$((200000 / n + 1))
		full=$(instructions --cpus "$n" --op "$op" --iterations "$k")
		ops=$(ops_of)
		setup=$(instructions --cpus "$n" --op "$op" --iterations "$k" --setup-only)
		printf '%6s  %-16s %9s %12.1f\n' "$n" "$op" "$ops" \
			"$(echo "($full - $setup) / $ops" | bc -l)"
	done
done
