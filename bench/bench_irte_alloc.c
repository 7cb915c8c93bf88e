// SPDX-License-Identifier: MIT
/*
 * IRTE allocation cost on a 65,536-entry table that is fragmented to a given occupancy: every
 * entry allocated singly, then random aligned runs of 1..64 entries freed until the target is
 * left. At each occupancy, blocks of each order are allocated in small batches and freed
 * again, so the occupancy stays put. A plain linear-scan bitmap (the way Linux's
 * bitmap_find_free_region() searches) runs the same batches for comparison.
 *
 * With --occupancy, --order and --reps one configuration runs alone (for callgrind); with
 * --setup-only as well it stops before the measured part, so a second run can be subtracted.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iommu/irte_alloc.h"

#include "bench_util.h"

#define TABLE_ENTRIES IRQLAB_IRTE_MAX_ENTRIES
#define BATCH	      16u

static const unsigned occupancies[] = {10, 50, 90, 99};
static const unsigned orders[] = {0, 1, 2, 5};

struct options {
	int occupancy; /* -1: all */
	int order;     /* -1: all */
	unsigned reps; /* allocations per configuration */
	bool setup_only;
	int scan; /* -1: with all configurations only; 1: measure only the linear scan */
};

/* The comparison: a linear scan of aligned positions over a plain bitmap. */
struct scan_table {
	uint64_t words[TABLE_ENTRIES / 64];
};

static bool __attribute__((noinline))
scan_region_free(const struct scan_table *t, unsigned pos, unsigned order)
{
	if (order < 6) {
		uint64_t mask = ((UINT64_C(1) << (1u << order)) - 1) << (pos % 64);

		return !(t->words[pos / 64] & mask);
	}
	for (unsigned w = pos / 64; w < (pos >> 6) + (1u << (order - 6)); w++)
		if (t->words[w])
			return false;
	return true;
}

static void scan_mark(struct scan_table *t, unsigned pos, unsigned order, bool used)
{
	if (order < 6) {
		uint64_t mask = ((UINT64_C(1) << (1u << order)) - 1) << (pos % 64);

		t->words[pos / 64] = used ? t->words[pos / 64] | mask : t->words[pos / 64] & ~mask;
		return;
	}
	memset(t->words + pos / 64, used ? 0xff : 0, sizeof(t->words[0]) << (order - 6));
}

static int __attribute__((noinline)) scan_alloc(struct scan_table *t, unsigned order)
{
	for (unsigned pos = 0; pos < TABLE_ENTRIES; pos += 1u << order) {
		if (scan_region_free(t, pos, order)) {
			scan_mark(t, pos, order, true);
			return (int)pos;
		}
	}
	return -ENOSPC;
}

static void __attribute__((noinline)) scan_free(struct scan_table *t, unsigned pos, unsigned order)
{
	scan_mark(t, pos, order, false);
}

/* Fill with single entries, then free random aligned runs of 2^0..2^6 until @target remain. */
static struct irqlab_irte_alloc *fragmented_table(unsigned occupancy_pct)
{
	struct irqlab_irte_alloc *a = irqlab_irte_alloc_create(TABLE_ENTRIES);
	unsigned target = (unsigned)((uint64_t)TABLE_ENTRIES * occupancy_pct / 100);
	uint64_t seed = 0x1e7e0000u + occupancy_pct;

	if (!a)
		return NULL;
	for (unsigned i = 0; i < TABLE_ENTRIES; i++)
		irqlab_irte_alloc_block(a, 0);
	while (irqlab_irte_alloc_used(a) > target) {
		uint64_t r = rng_next(&seed);
		unsigned order = (unsigned)__builtin_ctzll(r | (UINT64_C(1) << 6));
		unsigned pos = (unsigned)(r >> 32) % TABLE_ENTRIES & ~((1u << order) - 1);

		for (unsigned i = pos; i < pos + (1u << order); i++)
			if (irqlab_irte_alloc_used(a) > target && irqlab_irte_alloc_test(a, i))
				irqlab_irte_free_block(a, i, 0);
	}
	return a;
}

struct result {
	unsigned batch; /* blocks allocated per round; 0 when every attempt failed (ENOSPC) */
	unsigned allocs, frees;
	double alloc_ns, free_ns;
	unsigned scan_allocs, scan_frees;
	double scan_alloc_ns, scan_free_ns;
};

static double timer_overhead_ns(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < 1000; i++) {
		uint64_t t0 = now_ns();

		total += now_ns() - t0;
	}
	return (double)total / 1000;
}

/* How many blocks of @order fit, up to BATCH; the table is left as it was. */
static unsigned fitting_blocks(struct irqlab_irte_alloc *a, unsigned order)
{
	int idx[BATCH];
	unsigned n = 0;

	while (n < BATCH && (idx[n] = irqlab_irte_alloc_block(a, order)) >= 0)
		n++;
	for (unsigned i = n; i-- > 0;)
		irqlab_irte_free_block(a, (unsigned)idx[i], order);
	return n;
}

static void measure_tree(struct irqlab_irte_alloc *a, unsigned order, unsigned reps,
			 double overhead, struct result *res)
{
	unsigned rounds = reps / (res->batch ? res->batch : BATCH);
	uint64_t t_alloc = 0, t_free = 0;
	int idx[BATCH];

	if (!res->batch) {
		/* Nothing fits: what a failing request costs. */
		uint64_t t0 = now_ns();
		unsigned failed = 0;

		for (unsigned r = 0; r < rounds * BATCH; r++)
			failed += irqlab_irte_alloc_block(a, order) == -ENOSPC;
		t_alloc = now_ns() - t0;
		res->allocs = rounds * BATCH;
		res->alloc_ns = (double)t_alloc / res->allocs;
		if (failed != res->allocs)
			fprintf(stderr, "bench_irte_alloc: order %u: %u of %u requests fit\n",
				order, res->allocs - failed, res->allocs);
		return;
	}
	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns(), t1, t2;

		for (unsigned i = 0; i < res->batch; i++)
			idx[i] = irqlab_irte_alloc_block(a, order);
		t1 = now_ns();
		for (unsigned i = 0; i < res->batch; i++)
			irqlab_irte_free_block(a, (unsigned)idx[i], order);
		t2 = now_ns();
		t_alloc += t1 - t0;
		t_free += t2 - t1;
	}
	res->allocs = res->frees = rounds * res->batch;
	res->alloc_ns = ((double)t_alloc - overhead * rounds) / res->allocs;
	res->free_ns = ((double)t_free - overhead * rounds) / res->frees;
}

static void measure_scan(struct scan_table *t, unsigned order, unsigned reps, double overhead,
			 struct result *res)
{
	unsigned batch = res->batch ? res->batch : BATCH;
	unsigned rounds = reps / batch;
	uint64_t t_alloc = 0, t_free = 0;
	int idx[BATCH];

	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t0 = now_ns(), t1, t2;

		for (unsigned i = 0; i < batch; i++)
			idx[i] = scan_alloc(t, order);
		t1 = now_ns();
		for (unsigned i = 0; i < batch; i++)
			if (idx[i] >= 0)
				scan_free(t, (unsigned)idx[i], order);
		t2 = now_ns();
		t_alloc += t1 - t0;
		t_free += t2 - t1;
	}
	res->scan_allocs = rounds * batch;
	res->scan_frees = res->batch ? rounds * batch : 0;
	res->scan_alloc_ns = ((double)t_alloc - overhead * rounds) / res->scan_allocs;
	res->scan_free_ns = ((double)t_free - overhead * rounds) / rounds / batch;
}

static void print_row(unsigned occupancy, unsigned order, const struct result *res, bool scan)
{
	char alloc_col[16] = "-", free_col[16] = "-";

	if (scan)
		snprintf(alloc_col, sizeof(alloc_col), "%.1f", res->scan_alloc_ns);
	if (scan && res->batch)
		snprintf(free_col, sizeof(free_col), "%.1f", res->scan_free_ns);
	if (res->batch)
		printf("%8u%% %6u %6u %12.1f %12.1f %14s %14s\n", occupancy, order, res->batch,
		       res->alloc_ns, res->free_ns, alloc_col, free_col);
	else
		printf("%8u%% %6u %6s %12.1f %12s %14s %14s\n", occupancy, order, "ENOSPC",
		       res->alloc_ns, "-", alloc_col, free_col);
}

static int run_config(unsigned occupancy, unsigned order, const struct options *opt,
		      double overhead)
{
	bool single = opt->occupancy >= 0, scan = single ? opt->scan == 1 : opt->scan != 0;
	unsigned target = (unsigned)((uint64_t)TABLE_ENTRIES * occupancy / 100);
	struct irqlab_irte_alloc *a = fragmented_table(occupancy);
	struct scan_table *t = NULL;
	struct result res = {0};
	int ret = 0;

	if (!a)
		goto out_nomem;
	res.batch = fitting_blocks(a, order);
	if (scan) {
		t = calloc(1, sizeof(*t));
		if (!t)
			goto out_nomem;
		for (unsigned i = 0; i < TABLE_ENTRIES; i++)
			if (irqlab_irte_alloc_test(a, i))
				t->words[i / 64] |= UINT64_C(1) << (i % 64);
	}

	if (opt->setup_only) {
		/* Same work as a measured run up to here, nothing after. */
		printf("setup occupancy=%u order=%u used=%u\n", occupancy, order,
		       irqlab_irte_alloc_used(a));
	} else if (single && scan) {
		measure_scan(t, order, opt->reps, 0, &res);
		printf("measured impl=scan occupancy=%u order=%u allocs=%u frees=%u\n", occupancy,
		       order, res.scan_allocs, res.scan_frees);
	} else if (single) {
		measure_tree(a, order, opt->reps, 0, &res);
		printf("measured impl=tree occupancy=%u order=%u allocs=%u frees=%u\n", occupancy,
		       order, res.allocs, res.frees);
	} else {
		measure_tree(a, order, opt->reps, overhead, &res);
		if (scan)
			measure_scan(t, order, opt->reps, overhead, &res);
		print_row(occupancy, order, &res, scan);
	}
	if (irqlab_irte_alloc_used(a) != target) {
		fprintf(stderr, "bench_irte_alloc: occupancy drifted from %u to %u entries\n",
			target, irqlab_irte_alloc_used(a));
		ret = -EPROTO;
	}
	free(t);
	irqlab_irte_alloc_destroy(a);
	return ret;

out_nomem:
	fprintf(stderr, "bench_irte_alloc: table of %u entries: out of memory\n", TABLE_ENTRIES);
	irqlab_irte_alloc_destroy(a);
	return -ENOMEM;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_irte_alloc [--reps N] [--no-scan]\n"
		"       bench_irte_alloc --occupancy PCT --order K [--reps N] [--scan]"
		" [--setup-only]\n"
		"The second form runs one configuration (for callgrind): the allocator, or with\n"
		"--scan the linear-scan comparison; --setup-only stops before measuring.\n");
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(arg, "--setup-only")) {
			opt->setup_only = true;
		} else if (!strcmp(arg, "--scan")) {
			opt->scan = 1;
		} else if (!strcmp(arg, "--no-scan")) {
			opt->scan = 0;
		} else if (!strcmp(arg, "--occupancy") && val) {
			opt->occupancy = atoi(val);
			i++;
		} else if (!strcmp(arg, "--order") && val) {
			opt->order = atoi(val);
			i++;
		} else if (!strcmp(arg, "--reps") && val) {
			opt->reps = (unsigned)strtoul(val, NULL, 0);
			i++;
		} else if (!strcmp(arg, "--help")) {
			usage(stdout);
			exit(0);
		} else {
			usage(stderr);
			return -EINVAL;
		}
	}
	if ((opt->occupancy < 0) != (opt->order < 0) || opt->occupancy > 99 || opt->order > 16 ||
	    opt->reps < BATCH) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = {.occupancy = -1, .order = -1, .reps = 400000, .scan = -1};
	struct irqlab_irte_alloc *probe;
	double overhead;

	if (parse_options(argc, argv, &opt))
		return 2;
	if (opt.occupancy >= 0)
		return run_config((unsigned)opt.occupancy, (unsigned)opt.order, &opt, 0) ? 1 : 0;

	probe = irqlab_irte_alloc_create(TABLE_ENTRIES);
	if (!probe)
		return 1;
	overhead = timer_overhead_ns();
	printf("irte allocator, %u entries: %zu bytes of state (%.2f bits per entry)\n",
	       TABLE_ENTRIES, irqlab_irte_alloc_state_bytes(probe),
	       irqlab_irte_alloc_state_bytes(probe) * 8.0 / TABLE_ENTRIES);
	printf("linear-scan comparison: %zu bytes; timer overhead %.1f ns per batch subtracted\n",
	       sizeof(struct scan_table), overhead);
	printf("fragmented fill (seeded), %u allocations per case in batches of up to %u\n\n",
	       opt.reps, BATCH);
	printf("%9s %6s %6s %12s %12s %14s %14s\n", "occupancy", "order", "batch", "ns/alloc",
	       "ns/free", "scan ns/alloc", "scan ns/free");
	irqlab_irte_alloc_destroy(probe);
	for (unsigned o = 0; o < sizeof(occupancies) / sizeof(occupancies[0]); o++)
		for (unsigned k = 0; k < sizeof(orders) / sizeof(orders[0]); k++)
			if (run_config(occupancies[o], orders[k], &opt, overhead))
				return 1;
	return 0;
}
