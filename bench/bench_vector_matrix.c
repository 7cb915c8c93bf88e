// SPDX-License-Identifier: MIT
/*
 * Vector matrix benchmark. Without arguments: for 2 to 8192 CPUs, all online, the x86 layout
 * (vectors 0x20-0xea, 0x32 and 0x80 system-wide: 201 a CPU), fill 90% of the vectors over the
 * full mask and free them; the same through reserve + alloc(reserved); managed reservations
 * and allocations; and a fill of one "node" (a contiguous quarter of the CPUs).
 *
 * With --cpus N --op OP --iterations K it runs one configuration once, for callgrind
 * (bench/callgrind.sh); --setup-only does everything but the measured operations, so that the
 * difference of two runs is the cost of K operations.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "x86/vector_matrix.h"

#define FIRST_EXTERNAL 0x20u
#define FIRST_SYSTEM   0xebu
#define PER_CPU	       201u /* FIRST_SYSTEM - FIRST_EXTERNAL less 0x32 and 0x80 */
#define MIN_OPS	       2000000u

struct slot {
	unsigned cpu, vector;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct irqlab_matrix *boot(unsigned ncpus)
{
	struct irqlab_matrix *m = irqlab_matrix_create(ncpus, FIRST_EXTERNAL, FIRST_SYSTEM);

	if (!m) {
		fprintf(stderr, "bench_vector_matrix: cannot create a matrix of %u CPUs\n", ncpus);
		exit(1);
	}
	irqlab_matrix_assign_system(m, 0x32);
	irqlab_matrix_assign_system(m, 0x80);
	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		irqlab_matrix_online(m, cpu);
	return m;
}

static void must(int ok, const char *what, unsigned ncpus)
{
	if (!ok) {
		fprintf(stderr, "bench_vector_matrix: %s failed on %u CPUs\n", what, ncpus);
		exit(1);
	}
}

static void must_be_consistent(const struct irqlab_matrix *m)
{
	char why[256];

	if (irqlab_matrix_check(m, why, sizeof(why))) {
		fprintf(stderr, "bench_vector_matrix: matrix check: %s\n", why);
		exit(1);
	}
}

/* @n normal allocations over @msk into @slots; the time they took. */
static double fill(struct irqlab_matrix *m, const struct irqlab_cpumask *msk, bool reserved,
		   struct slot *slots, size_t n)
{
	double t0 = now_ns();

	for (size_t i = 0; i < n; i++) {
		int v;

		if (reserved)
			irqlab_matrix_reserve(m);
		v = irqlab_matrix_alloc(m, msk, reserved, &slots[i].cpu);
		if (v < 0) {
			fprintf(stderr, "bench_vector_matrix: alloc %zu of %zu: %s\n", i, n,
				strerror(-v));
			exit(1);
		}
		slots[i].vector = (unsigned)v;
	}
	return now_ns() - t0;
}

static double free_all(struct irqlab_matrix *m, const struct slot *slots, size_t n, bool managed)
{
	double t0 = now_ns();

	for (size_t i = 0; i < n; i++)
		irqlab_matrix_free(m, slots[i].cpu, slots[i].vector, managed);
	return now_ns() - t0;
}

struct row {
	unsigned ncpus;
	double alloc, free, fill_ms, resv_alloc, mgd_reserve, mgd_alloc, mgd_free, node_alloc;
	double bytes, fixed;
};

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

/*
 * What a CPU adds to the matrix beyond its two 32-byte maps (the difference between @ncpus and
 * @ncpus / 2 CPUs, a power of two), and what the matrix needs whatever the CPU count.
 */
static void state_bytes(unsigned ncpus, double *per_cpu, double *fixed)
{
	struct irqlab_matrix *big = boot(ncpus), *half = boot(ncpus / 2);
	size_t b = irqlab_matrix_state_bytes(big), h = irqlab_matrix_state_bytes(half);

	*per_cpu = (double)(b - h) / (ncpus - ncpus / 2) - 64;
	*fixed = (double)b - ncpus * (*per_cpu + 64);
	irqlab_matrix_destroy(big);
	irqlab_matrix_destroy(half);
}

static void measure(unsigned ncpus, struct row *row)
{
	struct irqlab_matrix *m = boot(ncpus);
	size_t n = (size_t)ncpus * PER_CPU * 9 / 10, node_n, mgd_n;
	unsigned rounds = PER_CPU * 9 / 10, reps = MIN_OPS / n + 1, node_lo, node_hi;
	struct slot *slots = malloc(n * sizeof(*slots));
	struct irqlab_cpumask all, node;

	must(slots != NULL, "malloc", ncpus);
	irqlab_cpumask_zero(&all);
	irqlab_cpumask_set_range(&all, 0, ncpus - 1);
	node_lo = ncpus / 4;
	node_hi = ncpus >= 4 ? ncpus / 2 - 1 : ncpus - 1;
	irqlab_cpumask_zero(&node);
	irqlab_cpumask_set_range(&node, node_lo, node_hi);
	node_n = (size_t)(node_hi - node_lo + 1) * PER_CPU * 9 / 10;
	mgd_n = (size_t)rounds * ncpus;

	memset(row, 0, sizeof(*row));
	row->ncpus = ncpus;
	row->alloc = row->free = row->resv_alloc = row->node_alloc = 1e300;
	row->mgd_reserve = row->mgd_alloc = row->mgd_free = 1e300;
	for (unsigned r = 0; r < reps; r++) {
		double t = fill(m, &all, false, slots, n);

		row->alloc = min_d(row->alloc, t / (double)n);
		if (r == 0) {
			row->fill_ms = t / 1e6;
			must_be_consistent(m);
		}
		row->free = min_d(row->free, free_all(m, slots, n, false) / (double)n);

		t = fill(m, &all, true, slots, n);
		row->resv_alloc = min_d(row->resv_alloc, t / (double)n);
		free_all(m, slots, n, false);

		t = fill(m, &node, false, slots, node_n);
		row->node_alloc = min_d(row->node_alloc, t / (double)node_n);
		free_all(m, slots, node_n, false);
	}

	/* Managed: rounds of one reservation on every CPU, then every reservation used. */
	reps = MIN_OPS / mgd_n / 4 + 1;
	for (unsigned r = 0; r < reps; r++) {
		double t0 = now_ns(), t;

		for (unsigned i = 0; i < rounds; i++)
			must(irqlab_matrix_reserve_managed(m, &all) == 0, "reserve_managed", ncpus);
		t = now_ns() - t0;
		row->mgd_reserve = min_d(row->mgd_reserve, t / (double)mgd_n);
		t0 = now_ns();
		for (size_t i = 0; i < mgd_n; i++) {
			int v = irqlab_matrix_alloc_managed(m, &all, &slots[i].cpu);

			must(v >= 0, "alloc_managed", ncpus);
			slots[i].vector = (unsigned)v;
		}
		t = now_ns() - t0;
		row->mgd_alloc = min_d(row->mgd_alloc, t / (double)mgd_n);
		if (r == 0)
			must_be_consistent(m);
		row->mgd_free =
			min_d(row->mgd_free, free_all(m, slots, mgd_n, true) / (double)mgd_n);
		for (unsigned i = 0; i < rounds; i++)
			irqlab_matrix_remove_managed(m, &all);
	}
	must_be_consistent(m);
	state_bytes(ncpus, &row->bytes, &row->fixed);
	free(slots);
	irqlab_matrix_destroy(m);
}

static void table(void)
{
	static const unsigned cpus[] = {2, 64, 256, 1024, 8192};

	printf("Vector matrix, all CPUs online, 201 vectors a CPU: ns per operation, best of\n"
	       "repeated runs\n\n");
	printf("%6s %7s %6s %8s %10s %8s %9s %8s %10s %9s %7s\n", "CPUs", "alloc", "free",
	       "fill ms", "resv+alloc", "mgd-resv", "mgd-alloc", "mgd-free", "node-alloc",
	       "bytes/CPU", "fixed B");
	for (size_t i = 0; i < sizeof(cpus) / sizeof(cpus[0]); i++) {
		struct row r;

		measure(cpus[i], &r);
		printf("%6u %7.1f %6.1f %8.3f %10.1f %8.1f %9.1f %8.1f %10.1f %9.1f %7.0f\n",
		       r.ncpus, r.alloc, r.free, r.fill_ms, r.resv_alloc, r.mgd_reserve,
		       r.mgd_alloc, r.mgd_free, r.node_alloc, r.bytes, r.fixed);
		fflush(stdout);
	}
	printf("\nalloc, free, resv+alloc (reserve + alloc(reserved)): 90%% fill over the full\n"
	       "mask, then free; fill ms: one such fill. node-alloc: 90%% fill of CPUs [n/4, n/2)\n"
	       "through that mask. mgd-*: 180 rounds of reserve_managed over the full mask (per\n"
	       "CPU reserved on), then as many alloc_managed and frees. bytes/CPU: what a CPU\n"
	       "adds beyond its two 256-bit maps (counters, and its share of both trees); fixed "
	       "B:\n"
	       "the rest, whatever the CPU count.\n");
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_vector_matrix [--cpus N --op OP --iterations K "
			"[--setup-only]]\n  OP: alloc free alloc-reserved reserve-managed "
			"alloc-managed alloc-node\n  (reserve-managed: K rounds over the "
			"full mask, K <= 201)\n");
	return 2;
}

/*
 * One configuration, once. Prints "ops=N": the number of operations the difference between a
 * full and a --setup-only run stands for.
 */
static bool is_op(const char *op, const char *name)
{
	return strcmp(op, name) == 0;
}

/* The largest --iterations each operation takes on @ncpus CPUs. */
static unsigned long max_iterations(unsigned ncpus, const char *op)
{
	unsigned long fill90 = (unsigned long)ncpus * PER_CPU * 9 / 10;
	unsigned long quarter = ncpus >= 4 ? ncpus / 2 - ncpus / 4 : ncpus;

	if (is_op(op, "alloc") || is_op(op, "alloc-reserved") || is_op(op, "free"))
		return fill90;
	if (is_op(op, "alloc-node"))
		return quarter * PER_CPU * 9 / 10;
	if (is_op(op, "reserve-managed"))
		return PER_CPU; /* rounds over the full mask */
	if (is_op(op, "alloc-managed"))
		return (unsigned long)ncpus * PER_CPU;
	return 0;
}

/*
 * One configuration, once. Prints "ops=N": the number of operations the difference between a
 * full and a --setup-only run stands for.
 */
static int single(unsigned ncpus, const char *op, unsigned long k, bool setup_only)
{
	struct irqlab_cpumask all, node;
	unsigned long ops_done = k;
	struct irqlab_matrix *m;
	struct slot *slots;

	if (!ncpus || ncpus > IRQLAB_MAX_CPUS || !max_iterations(ncpus, op))
		return usage();
	if (!k || k > max_iterations(ncpus, op)) {
		fprintf(stderr, "bench_vector_matrix: --iterations for %s on %u CPUs: 1 to %lu\n",
			op, ncpus, max_iterations(ncpus, op));
		return 2;
	}
	m = boot(ncpus);
	irqlab_cpumask_zero(&all);
	irqlab_cpumask_set_range(&all, 0, ncpus - 1);
	irqlab_cpumask_zero(&node);
	irqlab_cpumask_set_range(&node, ncpus / 4, ncpus >= 4 ? ncpus / 2 - 1 : ncpus - 1);
	slots = calloc(k, sizeof(*slots));
	must(slots != NULL, "calloc", ncpus);

	if (is_op(op, "alloc") || is_op(op, "alloc-reserved") || is_op(op, "alloc-node")) {
		if (!setup_only)
			fill(m, is_op(op, "alloc-node") ? &node : &all, is_op(op, "alloc-reserved"),
			     slots, k);
	} else if (is_op(op, "free")) {
		fill(m, &all, false, slots, k);
		if (!setup_only)
			free_all(m, slots, k, false);
	} else if (is_op(op, "reserve-managed")) {
		ops_done = k * ncpus; /* reservations, one per CPU a round */
		for (unsigned long i = 0; i < k && !setup_only; i++)
			must(irqlab_matrix_reserve_managed(m, &all) == 0, "reserve_managed", ncpus);
	} else {
		unsigned long rounds = (k + ncpus - 1) / ncpus;

		for (unsigned long i = 0; i < rounds; i++)
			must(irqlab_matrix_reserve_managed(m, &all) == 0, "reserve_managed", ncpus);
		for (unsigned long i = 0; i < k && !setup_only; i++)
			must(irqlab_matrix_alloc_managed(m, &all, &slots[i].cpu) >= 0,
			     "alloc_managed", ncpus);
	}
	printf("cpus=%u op=%s ops=%lu%s\n", ncpus, op, ops_done, setup_only ? " setup-only" : "");
	free(slots);
	irqlab_matrix_destroy(m);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long ncpus = 0, k = 0;
	const char *op = NULL;
	bool setup_only = false;

	if (argc == 1) {
		table();
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cpus") && i + 1 < argc)
			ncpus = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--op") && i + 1 < argc)
			op = argv[++i];
		else if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
			k = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--setup-only"))
			setup_only = true;
		else
			return usage();
	}
	if (!op || ncpus > IRQLAB_MAX_CPUS)
		return usage();
	return single((unsigned)ncpus, op, k, setup_only);
}
