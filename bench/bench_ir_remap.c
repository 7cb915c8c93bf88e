// SPDX-License-Identifier: MIT
/*
 * Messages validated and remapped per second by one IR unit (irqlab_ir_unit_remap): a full
 * 65,536-entry table of present entries (SVT 1, SQ 0, a requester id per 32 entries, as an
 * MSI-X table each), and a precomputed ring of messages per configuration:
 *   random   indexes all over the table (1 MiB of IRTEs: cache misses included), a mix of
 *            SHV = 1 with subhandle 0 (MSI-X), handle + subhandle (multi-MSI) and SHV = 0
 *            (IO-APIC); every message is delivered
 *   hot      the same mix within 256 entries (the table stays in L1)
 *   sequential  entries 0, 16, 32, ... in turn: a stride the prefetcher can follow
 *   faults   the random mix with one message in eight blocked: not present, source id,
 *            index over the table, compatibility format (the log is emptied every ring lap)
 *
 * Each configuration runs --trials times (default 7) and reports the fastest and the median
 * trial: on a shared machine the fastest is the cost of the code, the median shows the noise.
 * With --config one configuration runs alone (for callgrind, one trial); with --setup-only as
 * well it stops before the measured part, so a second run can be subtracted.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iommu/ir_unit.h"

#include "bench_util.h"

#define TABLE_ENTRIES	65536u
#define RING		4096u /* messages per lap; a power of two */
#define ENTRIES_PER_RID 32u

enum config { CFG_RANDOM, CFG_HOT, CFG_SEQUENTIAL, CFG_FAULTS, NR_CONFIGS };

static const char *const config_names[NR_CONFIGS] = {"random", "hot", "sequential", "faults"};

struct ring {
	struct irqlab_msi_msg msg[RING];
	uint16_t sid[RING];
	unsigned expect_blocked;
};

#define MAX_TRIALS 64u

struct options {
	int config;	    /* -1: all */
	unsigned long reps; /* messages per trial */
	unsigned trials;
	bool setup_only;
};

static uint16_t rid_of(unsigned index)
{
	return (uint16_t)(0x0100 + index / ENTRIES_PER_RID);
}

/* Every entry present: vectors and CPUs spread, one requester id per 32 entries. */
static struct irqlab_ir_unit *full_unit(void)
{
	struct irqlab_ir_unit_config cfg = {.name = "dmar0", .nr_entries = TABLE_ENTRIES};
	struct irqlab_ir_unit *u = irqlab_ir_unit_create(&cfg, NULL);
	unsigned base;

	if (!u || irqlab_ir_unit_alloc_irtes(u, TABLE_ENTRIES, &base))
		goto out_fail;
	for (unsigned i = 0; i < TABLE_ENTRIES; i++) {
		struct irqlab_irte_remapped f = {
			.present = true,
			.redirect_hint = true,
			.vector = (uint8_t)(0x20 + i % 0xcb),
			.sid = rid_of(i),
			.svt = IRQLAB_IRTE_SVT_SID_SQ,
		};
		struct irqlab_irte e;

		if (irqlab_irte_dest_encode(i % 64, false, &f.dest) ||
		    irqlab_irte_encode_remapped(&f, &e))
			goto out_fail;
		irqlab_ir_unit_write_irte(u, base + i, &e);
	}
	return u;

out_fail:
	irqlab_ir_unit_destroy(u);
	return NULL;
}

/* A delivered message for entry @index, in one of the three shapes devices use. */
static void good_message(unsigned index, uint64_t r, struct irqlab_msi_msg *msg)
{
	struct irqlab_msi_remap f = {.handle = (uint16_t)index, .shv = true};

	switch (r % 4) {
	case 0: /* multi-MSI: the aligned block's handle, vector i in the subhandle */
		f.handle = (uint16_t)(index & ~7u);
		f.subhandle = (uint16_t)(index & 7u);
		break;
	case 1: /* IO-APIC: the handle alone, the pin in the data word */
		f.shv = false;
		break;
	default: /* MSI, MSI-X, IMS: subhandle 0 */
		break;
	}
	irqlab_msi_remap_encode(&f, msg);
	if (!f.shv)
		msg->data = (uint32_t)(r >> 8) & 0x1f;
}

static void build_ring(enum config cfg, struct ring *ring)
{
	uint64_t seed = 0x1a5e0000u + (unsigned)cfg;

	memset(ring, 0, sizeof(*ring));
	for (unsigned i = 0; i < RING; i++) {
		uint64_t r = rng_next(&seed);
		unsigned index = (unsigned)(r >> 40) % TABLE_ENTRIES;
		struct irqlab_msi_msg *m = &ring->msg[i];

		if (cfg == CFG_HOT)
			index %= 256;
		else if (cfg == CFG_SEQUENTIAL)
			index = i * (TABLE_ENTRIES / RING);
		else if (cfg == CFG_FAULTS && index == 0)
			index = 1; /* entry 0 is the one cleared for the not-present faults */
		good_message(index, r, m);
		ring->sid[i] = rid_of(index);
		if (cfg != CFG_FAULTS || (r >> 20) % 8)
			continue;
		ring->expect_blocked++;
		switch ((r >> 24) % 4) {
		case 0: { /* not present: entry 0 is cleared below */
			struct irqlab_msi_remap f = {.handle = 0, .shv = true};

			irqlab_msi_remap_encode(&f, m);
			break;
		}
		case 1: /* another requester */
			ring->sid[i] ^= 0x8;
			break;
		case 2: { /* beyond the table */
			struct irqlab_msi_remap f = {.handle = 0xffff, .shv = true, .subhandle = 1};

			irqlab_msi_remap_encode(&f, m);
			break;
		}
		default: /* compatibility format, blocked (CFI clear) */
			m->address_lo = 0xfee01000u;
			m->data = 0x41;
			break;
		}
	}
}

/* The measured loop: one lap of the ring after another. */
static unsigned long run(struct irqlab_ir_unit *u, const struct ring *ring, unsigned long reps,
			 bool clear_log, unsigned long *blocked)
{
	unsigned long sum = 0, nblocked = 0;

	for (unsigned long n = 0; n < reps; n++) {
		unsigned i = (unsigned)(n & (RING - 1));
		struct irqlab_ir_result res;

		irqlab_ir_unit_remap(u, &ring->msg[i], ring->sid[i], IRQLAB_COMMIT, &res);
		sum += res.vector + res.dest;
		nblocked += res.blocked;
		if (clear_log && i == RING - 1)
			irqlab_ir_unit_clear_faults(u);
	}
	*blocked = nblocked;
	return sum;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int run_config(enum config cfg, const struct options *opt, bool table)
{
	struct irqlab_ir_unit *u = full_unit();
	struct ring *ring = malloc(sizeof(*ring));
	static const struct irqlab_irte cleared;
	unsigned long blocked = 0, warm_blocked, expected, sum = 0;
	uint64_t elapsed[MAX_TRIALS];
	unsigned trials = table ? opt->trials : 1;
	int ret = 0;

	if (!u || !ring) {
		fprintf(stderr, "bench_ir_remap: out of memory\n");
		ret = -ENOMEM;
		goto out;
	}
	build_ring(cfg, ring);
	if (cfg == CFG_FAULTS)
		irqlab_ir_unit_write_irte(u, 0, &cleared);
	/* One lap to warm the caches the way the measured laps find them. */
	run(u, ring, RING, cfg == CFG_FAULTS, &warm_blocked);
	if (opt->setup_only) {
		printf("setup config=%s\n", config_names[cfg]);
		goto out;
	}
	for (unsigned t = 0; t < trials; t++) {
		unsigned long b;
		uint64_t t0 = now_ns();

		sum += run(u, ring, opt->reps, cfg == CFG_FAULTS, &b);
		elapsed[t] = now_ns() - t0;
		blocked += b;
	}
	expected = trials * (opt->reps / RING) * ring->expect_blocked;
	if (blocked != expected) {
		fprintf(stderr, "bench_ir_remap: %s: %lu blocked, expected %lu\n",
			config_names[cfg], blocked, expected);
		ret = -EPROTO;
	}
	qsort(elapsed, trials, sizeof(elapsed[0]), compare_u64);
	if (table)
		printf("%-12s %12lu %8lu %10.2f %10.2f %12.1f   (checksum %lu)\n",
		       config_names[cfg], opt->reps * trials, blocked,
		       (double)elapsed[0] / opt->reps, (double)elapsed[trials / 2] / opt->reps,
		       opt->reps * 1e3 / (double)elapsed[0], sum);
	else
		printf("measured config=%s messages=%lu blocked=%lu ns=%.2f\n", config_names[cfg],
		       opt->reps, blocked, (double)elapsed[0] / opt->reps);
out:
	free(ring);
	irqlab_ir_unit_destroy(u);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bench_ir_remap [--reps N] [--trials T] [--config "
		"random|hot|sequential|faults [--setup-only]]\n"
		"N messages per trial, rounded down to a multiple of %u (one ring lap);\n"
		"T trials (1..%u) per configuration when all of them run.\n",
		RING, MAX_TRIALS);
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(arg, "--setup-only")) {
			opt->setup_only = true;
		} else if (!strcmp(arg, "--trials") && val) {
			opt->trials = (unsigned)strtoul(val, NULL, 0);
			i++;
		} else if (!strcmp(arg, "--reps") && val) {
			opt->reps = strtoul(val, NULL, 0);
			i++;
		} else if (!strcmp(arg, "--config") && val) {
			opt->config = -2;
			for (int c = 0; c < NR_CONFIGS; c++)
				if (!strcmp(val, config_names[c]))
					opt->config = c;
			i++;
		} else if (!strcmp(arg, "--help")) {
			usage(stdout);
			exit(0);
		} else {
			usage(stderr);
			return -EINVAL;
		}
	}
	opt->reps -= opt->reps % RING;
	if (opt->config == -2 || opt->reps == 0 || opt->trials == 0 || opt->trials > MAX_TRIALS ||
	    (opt->setup_only && opt->config < 0)) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = {.config = -1, .reps = 1u << 23, .trials = 7};

	if (parse_options(argc, argv, &opt))
		return 2;
	if (opt.config >= 0)
		return run_config((enum config)opt.config, &opt, false) ? 1 : 0;
	printf("IR unit, %u present IRTEs, rings of %u messages, %u trials of %lu messages\n\n",
	       TABLE_ENTRIES, RING, opt.trials, opt.reps);
	printf("%-12s %12s %8s %10s %10s %12s\n", "config", "messages", "blocked", "best ns",
	       "median ns", "best Mmsg/s");
	for (int c = 0; c < NR_CONFIGS; c++)
		if (run_config((enum config)c, &opt, true))
			return 1;
	return 0;
}
