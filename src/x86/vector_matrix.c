// SPDX-License-Identifier: MIT
/*
 * The vector matrix. The rules, counter by counter, are Linux's kernel/irq/matrix.c; only the
 * way the CPU is chosen differs. Linux walks every CPU of the mask; here two tournament trees
 * over the CPUs (heap-ordered, node i has children 2i and 2i + 1, leaf of CPU c at P + c with
 * P a power of two) hold the best key below each node:
 *
 *   normal tree:   available << 32 | ~cpu           if online and available > 0, else 0
 *   managed tree:  ~managed_allocated << 32 | cpu   if online, else 0
 *
 * The largest key wins in both, which is Linux's order: most available with ties to the lowest
 * CPU, and fewest managed in use with ties to the last CPU. A key of 0 is never chosen.
 *
 * For a mask, the search descends from the root and stops in a subtree as soon as that
 * subtree's best CPU is in the mask (nothing below can beat it). It prunes subtrees whose key
 * cannot beat the best found so far and those with no CPU of the mask. A full mask costs one
 * look at the root; a contiguous one, two root-to-leaf paths after a scan of the mask's words
 * for its first and last CPU.
 *
 * Linux's counters drift in two places and the model drifts with them, keeping a record so that
 * irqlab_matrix_check() can still verify everything else:
 *   - a managed reservation made or dropped on an offline CPU that has been online before does
 *     not touch its available count (Linux sets it only the first time the CPU goes online);
 *     per CPU, skew is available minus what the maps imply;
 *   - freeing a vector on an offline CPU leaves total_allocated alone (freed_offline).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fault.h"
#include "core/strbuf.h"
#include "x86/vector_matrix.h"

#define MAP_WORDS (IRQLAB_NR_VECTORS / 64u)

/* Deep enough for a depth-first walk of a tree over IRQLAB_MAX_CPUS leaves. */
#define SEARCH_STACK 64

struct matrix_cpu {
	uint64_t alloc_map[MAP_WORDS];
	uint64_t managed_map[MAP_WORDS];
	uint32_t available;
	uint32_t skew; /* available minus what the maps imply (modulo 2^32) */
	uint16_t allocated;
	uint16_t managed;
	uint16_t managed_allocated;
	bool online;
	bool initialized; /* has been online once: available is counted from then on */
};

struct irqlab_matrix {
	unsigned ncpus;
	unsigned leaves; /* P: a power of two >= ncpus */
	unsigned alloc_start, alloc_end, alloc_size;
	unsigned global_available;
	unsigned global_reserved;
	unsigned total_allocated;
	unsigned systembits_inalloc;
	unsigned online_cpus;
	unsigned initialized_cpus;
	unsigned freed_offline; /* frees Linux did not take off total_allocated */
	uint64_t system_map[MAP_WORDS];
	uint64_t range_map[MAP_WORDS]; /* [alloc_start, alloc_end) */
	uint64_t *normal_tree;	       /* [1, 2P) */
	uint64_t *managed_tree;	       /* [1, 2P) */
	struct matrix_cpu cpus[];
};

/* A tree key's low half holds the CPU, complemented in the normal tree so lower CPUs win. */
#define NORMAL_TIE  UINT32_MAX
#define MANAGED_TIE 0u

static unsigned key_cpu(uint64_t key, uint32_t tie)
{
	return (uint32_t)key ^ tie;
}

static uint64_t normal_key(const struct matrix_cpu *cm, unsigned cpu)
{
	if (!cm->online || !cm->available)
		return 0;
	return (uint64_t)cm->available << 32 | (uint32_t)(cpu ^ NORMAL_TIE);
}

static uint64_t managed_key(const struct matrix_cpu *cm, unsigned cpu)
{
	if (!cm->online)
		return 0;
	return (uint64_t)(uint32_t) ~(uint32_t)cm->managed_allocated << 32 | cpu;
}

/* Sets a leaf, then refreshes its ancestors until one comes out unchanged. */
static void tree_set(uint64_t *tree, unsigned leaves, unsigned cpu, uint64_t key)
{
	unsigned i = leaves + cpu;

	if (tree[i] == key)
		return;
	tree[i] = key;
	for (i >>= 1; i; i >>= 1) {
		uint64_t l = tree[2 * i], r = tree[2 * i + 1];
		uint64_t best = l > r ? l : r;

		if (tree[i] == best)
			break;
		tree[i] = best;
	}
}

static void update_normal(struct irqlab_matrix *m, unsigned cpu)
{
	tree_set(m->normal_tree, m->leaves, cpu, normal_key(&m->cpus[cpu], cpu));
}

static void update_managed(struct irqlab_matrix *m, unsigned cpu)
{
	tree_set(m->managed_tree, m->leaves, cpu, managed_key(&m->cpus[cpu], cpu));
}

/* Index of the first nonzero word of @bits in [from, to), or @to. */
static unsigned first_word(const uint64_t *bits, unsigned from, unsigned to)
{
	unsigned w = from;

	/* Eight at a time: what is scanned is mostly a long empty run. */
	for (; w + 8 <= to; w += 8)
		if (bits[w] | bits[w + 1] | bits[w + 2] | bits[w + 3] | bits[w + 4] | bits[w + 5] |
		    bits[w + 6] | bits[w + 7])
			break;
	for (; w < to; w++)
		if (bits[w])
			return w;
	return to;
}

/* Index of the last nonzero word of @bits in [from, to), or @to. */
static unsigned last_word(const uint64_t *bits, unsigned from, unsigned to)
{
	unsigned w = to;

	for (; w >= from + 8; w -= 8)
		if (bits[w - 1] | bits[w - 2] | bits[w - 3] | bits[w - 4] | bits[w - 5] |
		    bits[w - 6] | bits[w - 7] | bits[w - 8])
			break;
	for (; w > from; w--)
		if (bits[w - 1])
			return w - 1;
	return to;
}

static uint64_t bits_from(unsigned bit)
{
	return ~UINT64_C(0) << (bit % 64);
}

static uint64_t bits_upto(unsigned bit)
{
	return ~UINT64_C(0) >> (63 - bit % 64);
}

/* Any CPU of @msk in [lo, hi]? */
static bool mask_any_in(const struct irqlab_cpumask *msk, unsigned lo, unsigned hi)
{
	unsigned wl = lo / 64, wh = hi / 64;

	if (wl == wh)
		return (msk->bits[wl] & bits_from(lo) & bits_upto(hi)) != 0;
	return (msk->bits[wl] & bits_from(lo)) || first_word(msk->bits, wl + 1, wh) < wh ||
	       (msk->bits[wh] & bits_upto(hi));
}

/*
 * The lowest and highest CPU of @msk below @ncpus; false when there is none. Scans from both
 * ends, so a mask with CPUs near both ends costs little.
 */
static bool mask_bounds(const struct irqlab_cpumask *msk, unsigned ncpus, unsigned *first,
			unsigned *last)
{
	unsigned nw = (ncpus + 63) / 64, w;
	uint64_t top = msk->bits[nw - 1] & bits_upto(ncpus - 1);

	w = first_word(msk->bits, 0, nw - 1);
	if (w < nw - 1)
		*first = w * 64 + (unsigned)__builtin_ctzll(msk->bits[w]);
	else if (top)
		*first = w * 64 + (unsigned)__builtin_ctzll(top);
	else
		return false;
	if (top) {
		*last = (nw - 1) * 64 + 63 - (unsigned)__builtin_clzll(top);
	} else {
		w = last_word(msk->bits, 0, nw - 1);
		*last = w * 64 + 63 - (unsigned)__builtin_clzll(msk->bits[w]);
	}
	return true;
}

/*
 * The first CPU of @msk at or after @cpu and below @ncpus, or @ncpus: the mask beyond the
 * matrix's CPUs is never read.
 */
static unsigned mask_next(const struct irqlab_cpumask *msk, unsigned cpu, unsigned ncpus)
{
	unsigned nw = (ncpus + 63) / 64, w = cpu / 64;
	uint64_t bits;

	if (cpu >= ncpus)
		return ncpus;
	bits = msk->bits[w] & bits_from(cpu);
	if (!bits) {
		w = first_word(msk->bits, w + 1, nw);
		if (w == nw)
			return ncpus;
		bits = msk->bits[w];
	}
	cpu = w * 64 + (unsigned)__builtin_ctzll(bits);
	return cpu < ncpus ? cpu : ncpus;
}

/* A subtree still to search: its root and the CPUs [lo, lo + size) below it. */
struct search_frame {
	unsigned node, lo, size;
};

/*
 * The CPU of @msk holding the largest nonzero key in @tree. -EINVAL when @msk has no CPU below
 * ncpus, -ENOSPC when none of its CPUs has a nonzero key.
 */
static int tree_search(const struct irqlab_matrix *m, const uint64_t *tree, uint32_t tie,
		       const struct irqlab_cpumask *msk)
{
	struct search_frame stack[SEARCH_STACK];
	unsigned sp = 0, first, last;
	uint64_t best = 0;

	/* The full-mask case: the overall winner is allowed. */
	if (tree[1] && irqlab_cpumask_test(msk, key_cpu(tree[1], tie)))
		return (int)key_cpu(tree[1], tie);
	if (!mask_bounds(msk, m->ncpus, &first, &last))
		return -EINVAL;
	stack[sp++] = (struct search_frame){1, 0, m->leaves};
	while (sp) {
		struct search_frame f = stack[--sp];
		unsigned node = f.node, lo = f.lo, size = f.size;
		unsigned hi = lo + size - 1, half = size / 2;
		uint64_t key = tree[node];

		if (key <= best || hi < first || lo > last)
			continue;
		if (irqlab_cpumask_test(msk, key_cpu(key, tie))) {
			best = key;
			continue;
		}
		if (size == 1 || !mask_any_in(msk, lo > first ? lo : first, hi < last ? hi : last))
			continue;
		/* Push the weaker child first so the stronger one is searched first. */
		if (tree[2 * node] > tree[2 * node + 1]) {
			stack[sp++] = (struct search_frame){2 * node + 1, lo + half, half};
			stack[sp++] = (struct search_frame){2 * node, lo, half};
		} else {
			stack[sp++] = (struct search_frame){2 * node, lo, half};
			stack[sp++] = (struct search_frame){2 * node + 1, lo + half, half};
		}
	}
	return best ? (int)key_cpu(best, tie) : -ENOSPC;
}

/* Lowest vector in @bits, or IRQLAB_NR_VECTORS when it is empty. */
static unsigned first_vector(const uint64_t bits[MAP_WORDS])
{
	for (unsigned w = 0; w < MAP_WORDS; w++)
		if (bits[w])
			return w * 64 + (unsigned)__builtin_ctzll(bits[w]);
	return IRQLAB_NR_VECTORS;
}

/* The lowest vector in the range that is neither system, allocated nor managed on @cm. */
static unsigned find_free(const struct irqlab_matrix *m, const struct matrix_cpu *cm)
{
	uint64_t free[MAP_WORDS];

	for (unsigned w = 0; w < MAP_WORDS; w++)
		free[w] = m->range_map[w] &
			  ~(m->system_map[w] | cm->alloc_map[w] | cm->managed_map[w]);
	return first_vector(free);
}

/* The lowest managed-reserved vector of @cm not in use. */
static unsigned find_managed_unused(const struct matrix_cpu *cm)
{
	uint64_t spare[MAP_WORDS];

	for (unsigned w = 0; w < MAP_WORDS; w++)
		spare[w] = cm->managed_map[w] & ~cm->alloc_map[w];
	return first_vector(spare);
}

static bool bit_test(const uint64_t *map, unsigned bit)
{
	return (map[bit / 64] >> (bit % 64)) & 1;
}

static void bit_set(uint64_t *map, unsigned bit)
{
	map[bit / 64] |= UINT64_C(1) << (bit % 64);
}

static void bit_clear(uint64_t *map, unsigned bit)
{
	map[bit / 64] &= ~(UINT64_C(1) << (bit % 64));
}

struct irqlab_matrix *irqlab_matrix_create(unsigned ncpus, unsigned alloc_start, unsigned alloc_end)
{
	return irqlab_matrix_create_fault(ncpus, alloc_start, alloc_end, NULL);
}

struct irqlab_matrix *irqlab_matrix_create_fault(unsigned ncpus, unsigned alloc_start,
						 unsigned alloc_end, struct irqlab_fault *fault)
{
	struct irqlab_matrix *m;
	unsigned leaves = 1;

	if (!ncpus || ncpus > IRQLAB_MAX_CPUS || alloc_start >= alloc_end ||
	    alloc_end > IRQLAB_NR_VECTORS)
		return NULL;
	while (leaves < ncpus)
		leaves *= 2;
	m = irqlab_fault_zalloc(fault, sizeof(*m) + ncpus * sizeof(m->cpus[0]));
	if (!m)
		return NULL;
	/* Both trees in one block; every key starts at 0 (offline). */
	m->normal_tree = irqlab_fault_zalloc(fault, 4 * (size_t)leaves * sizeof(uint64_t));
	if (!m->normal_tree)
		goto out_free_matrix;
	m->managed_tree = m->normal_tree + 2 * (size_t)leaves;
	m->ncpus = ncpus;
	m->leaves = leaves;
	m->alloc_start = alloc_start;
	m->alloc_end = alloc_end;
	m->alloc_size = alloc_end - alloc_start;
	for (unsigned v = alloc_start; v < alloc_end; v++)
		bit_set(m->range_map, v);
	return m;

out_free_matrix:
	free(m);
	return NULL;
}

void irqlab_matrix_destroy(struct irqlab_matrix *m)
{
	if (!m)
		return;
	free(m->normal_tree);
	free(m);
}

unsigned irqlab_matrix_ncpus(const struct irqlab_matrix *m)
{
	return m->ncpus;
}

size_t irqlab_matrix_state_bytes(const struct irqlab_matrix *m)
{
	return sizeof(*m) + m->ncpus * sizeof(m->cpus[0]) +
	       4 * (size_t)m->leaves * sizeof(uint64_t);
}

void irqlab_matrix_assign_system(struct irqlab_matrix *m, unsigned vector)
{
	/*
	 * Linux BUG()s on a late call; here a call it would get wrong (after a CPU has counted its
	 * available, twice for one vector, over a vector in use) is ignored.
	 */
	if (vector >= IRQLAB_NR_VECTORS || m->initialized_cpus || bit_test(m->system_map, vector))
		return;
	for (unsigned cpu = 0; cpu < m->ncpus; cpu++)
		if (bit_test(m->cpus[cpu].alloc_map, vector) ||
		    bit_test(m->cpus[cpu].managed_map, vector))
			return;
	bit_set(m->system_map, vector);
	if (vector >= m->alloc_start && vector < m->alloc_end)
		m->systembits_inalloc++;
}

int irqlab_matrix_assign(struct irqlab_matrix *m, unsigned cpu, unsigned vector)
{
	struct matrix_cpu *cm;

	if (cpu >= m->ncpus || vector < m->alloc_start || vector >= m->alloc_end)
		return -EINVAL;
	cm = &m->cpus[cpu];
	/* Linux assigns on the running CPU only, which is online. */
	if (!cm->online)
		return -EINVAL;
	if (bit_test(cm->alloc_map, vector) || bit_test(cm->managed_map, vector) ||
	    bit_test(m->system_map, vector))
		return -EBUSY;
	bit_set(cm->alloc_map, vector);
	cm->allocated++;
	m->total_allocated++;
	cm->available--;
	m->global_available--;
	update_normal(m, cpu);
	return 0;
}

void irqlab_matrix_online(struct irqlab_matrix *m, unsigned cpu)
{
	struct matrix_cpu *cm;

	if (cpu >= m->ncpus || m->cpus[cpu].online)
		return;
	cm = &m->cpus[cpu];
	if (!cm->initialized) {
		cm->available = m->alloc_size - cm->managed - m->systembits_inalloc;
		cm->initialized = true;
		m->initialized_cpus++;
	}
	m->global_available += cm->available;
	cm->online = true;
	m->online_cpus++;
	update_normal(m, cpu);
	update_managed(m, cpu);
}

void irqlab_matrix_offline(struct irqlab_matrix *m, unsigned cpu)
{
	struct matrix_cpu *cm;

	if (cpu >= m->ncpus || !m->cpus[cpu].online)
		return;
	cm = &m->cpus[cpu];
	m->global_available -= cm->available;
	cm->online = false;
	m->online_cpus--;
	update_normal(m, cpu);
	update_managed(m, cpu);
}

int irqlab_matrix_alloc(struct irqlab_matrix *m, const struct irqlab_cpumask *msk, bool reserved,
			unsigned *cpu)
{
	struct matrix_cpu *cm;
	unsigned vector;
	int best;

	best = tree_search(m, m->normal_tree, NORMAL_TIE, msk);
	if (best < 0)
		return best;
	cm = &m->cpus[best];
	/* Greedy, as in Linux: a full best CPU is an error, the next best is not tried. */
	vector = find_free(m, cm);
	if (vector >= m->alloc_end)
		return -ENOSPC;
	bit_set(cm->alloc_map, vector);
	cm->allocated++;
	cm->available--;
	m->total_allocated++;
	m->global_available--;
	if (reserved)
		m->global_reserved--;
	update_normal(m, (unsigned)best);
	*cpu = (unsigned)best;
	return (int)vector;
}

void irqlab_matrix_reserve(struct irqlab_matrix *m)
{
	m->global_reserved++;
}

void irqlab_matrix_remove_reserved(struct irqlab_matrix *m)
{
	m->global_reserved--;
}

/* Drops the lowest unused managed reservation of one CPU; false when it has none. */
static bool remove_managed_one(struct irqlab_matrix *m, unsigned cpu)
{
	struct matrix_cpu *cm = &m->cpus[cpu];
	unsigned vector;

	if (!cm->managed)
		return false;
	vector = find_managed_unused(cm);
	if (vector >= IRQLAB_NR_VECTORS)
		return false;
	bit_clear(cm->managed_map, vector);
	cm->managed--;
	if (cm->online) {
		cm->available++;
		m->global_available++;
		update_normal(m, cpu);
	} else if (cm->initialized) {
		cm->skew--;
	}
	return true;
}

int irqlab_matrix_reserve_managed(struct irqlab_matrix *m, const struct irqlab_cpumask *msk)
{
	unsigned cpu, failed, n = m->ncpus;

	for (cpu = mask_next(msk, 0, n); cpu < n; cpu = mask_next(msk, cpu + 1, n)) {
		struct matrix_cpu *cm = &m->cpus[cpu];
		unsigned vector;

		vector = find_free(m, cm);
		if (vector >= m->alloc_end)
			goto out_remove_reserved;
		bit_set(cm->managed_map, vector);
		cm->managed++;
		if (cm->online) {
			cm->available--;
			m->global_available--;
			update_normal(m, cpu);
		} else if (cm->initialized) {
			cm->skew++;
		}
	}
	return 0;

out_remove_reserved:
	/* As Linux: each earlier CPU drops its lowest spare reservation, maybe not the new one. */
	failed = cpu;
	for (cpu = mask_next(msk, 0, n); cpu < failed; cpu = mask_next(msk, cpu + 1, n))
		remove_managed_one(m, cpu);
	return -ENOSPC;
}

void irqlab_matrix_remove_managed(struct irqlab_matrix *m, const struct irqlab_cpumask *msk)
{
	unsigned cpu, n = m->ncpus;

	for (cpu = mask_next(msk, 0, n); cpu < n; cpu = mask_next(msk, cpu + 1, n))
		remove_managed_one(m, cpu);
}

int irqlab_matrix_alloc_managed(struct irqlab_matrix *m, const struct irqlab_cpumask *msk,
				unsigned *cpu)
{
	struct matrix_cpu *cm;
	unsigned vector;
	int best;

	best = tree_search(m, m->managed_tree, MANAGED_TIE, msk);
	if (best < 0)
		return best;
	cm = &m->cpus[best];
	vector = find_managed_unused(cm);
	if (vector >= IRQLAB_NR_VECTORS)
		return -ENOSPC;
	bit_set(cm->alloc_map, vector);
	cm->allocated++;
	cm->managed_allocated++;
	m->total_allocated++;
	update_managed(m, (unsigned)best);
	*cpu = (unsigned)best;
	return (int)vector;
}

void irqlab_matrix_free(struct irqlab_matrix *m, unsigned cpu, unsigned vector, bool managed)
{
	struct matrix_cpu *cm;

	if (cpu >= m->ncpus || vector < m->alloc_start || vector >= m->alloc_end)
		return;
	cm = &m->cpus[cpu];
	/* Linux trusts @managed; a caller that gets it wrong would corrupt the counts. */
	if (!bit_test(cm->alloc_map, vector) || bit_test(cm->managed_map, vector) != managed)
		return;
	bit_clear(cm->alloc_map, vector);
	cm->allocated--;
	if (cm->online)
		m->total_allocated--;
	else
		m->freed_offline++;
	if (managed) {
		cm->managed_allocated--;
		update_managed(m, cpu);
	} else {
		cm->available++;
		if (cm->online)
			m->global_available++;
		update_normal(m, cpu);
	}
}

unsigned irqlab_matrix_available(const struct irqlab_matrix *m, bool cpudown, unsigned cpu)
{
	if (!cpudown || cpu >= m->ncpus)
		return m->global_available;
	return m->global_available - m->cpus[cpu].available;
}

void irqlab_matrix_stats(const struct irqlab_matrix *m, struct irqlab_matrix_stats *out)
{
	out->global_available = m->global_available;
	out->global_reserved = m->global_reserved;
	out->total_allocated = m->total_allocated;
	out->systembits_inalloc = m->systembits_inalloc;
	out->online_cpus = m->online_cpus;
}

void irqlab_matrix_cpu_stats(const struct irqlab_matrix *m, unsigned cpu,
			     struct irqlab_matrix_cpu_stats *out)
{
	const struct matrix_cpu *cm;

	memset(out, 0, sizeof(*out));
	if (cpu >= m->ncpus)
		return;
	cm = &m->cpus[cpu];
	out->available = cm->available;
	out->allocated = cm->allocated;
	out->managed = cm->managed;
	out->managed_allocated = cm->managed_allocated;
	out->online = cm->online;
}

bool irqlab_matrix_vector_allocated(const struct irqlab_matrix *m, unsigned cpu, unsigned vector)
{
	return cpu < m->ncpus && vector < IRQLAB_NR_VECTORS &&
	       bit_test(m->cpus[cpu].alloc_map, vector);
}

bool irqlab_matrix_vector_managed(const struct irqlab_matrix *m, unsigned cpu, unsigned vector)
{
	return cpu < m->ncpus && vector < IRQLAB_NR_VECTORS &&
	       bit_test(m->cpus[cpu].managed_map, vector);
}

bool irqlab_matrix_vector_system(const struct irqlab_matrix *m, unsigned vector)
{
	return vector < IRQLAB_NR_VECTORS && bit_test(m->system_map, vector);
}

static unsigned map_weight(const uint64_t map[MAP_WORDS])
{
	unsigned n = 0;

	for (unsigned w = 0; w < MAP_WORDS; w++)
		n += (unsigned)__builtin_popcountll(map[w]);
	return n;
}

static int check_cpu(const struct irqlab_matrix *m, unsigned cpu, char *why, size_t len)
{
	const struct matrix_cpu *cm = &m->cpus[cpu];
	uint64_t in_use[MAP_WORDS];
	unsigned w, expect;

	for (w = 0; w < MAP_WORDS; w++) {
		if ((cm->alloc_map[w] | cm->managed_map[w]) & ~m->range_map[w])
			return irqlab_check_fail_buf(why, len,
						     "CPU %u holds a vector outside [%u, %u)", cpu,
						     m->alloc_start, m->alloc_end);
		if ((cm->alloc_map[w] | cm->managed_map[w]) & m->system_map[w])
			return irqlab_check_fail_buf(
				why, len, "CPU %u holds a system vector in word %u", cpu, w);
		in_use[w] = cm->alloc_map[w] & cm->managed_map[w];
	}
	if (cm->allocated != map_weight(cm->alloc_map))
		return irqlab_check_fail_buf(why, len,
					     "CPU %u counts %u allocated, its map holds %u", cpu,
					     cm->allocated, map_weight(cm->alloc_map));
	if (cm->managed != map_weight(cm->managed_map))
		return irqlab_check_fail_buf(why, len, "CPU %u counts %u managed, its map holds %u",
					     cpu, cm->managed, map_weight(cm->managed_map));
	if (cm->managed_allocated != map_weight(in_use))
		return irqlab_check_fail_buf(why, len,
					     "CPU %u counts %u managed in use, its maps hold %u",
					     cpu, cm->managed_allocated, map_weight(in_use));
	if (!cm->initialized) {
		if (cm->online || cm->available || cm->allocated || cm->skew)
			return irqlab_check_fail_buf(
				why, len,
				"CPU %u was never online but has available %u, allocated %u", cpu,
				cm->available, cm->allocated);
	} else {
		expect = m->alloc_size - cm->managed - m->systembits_inalloc -
			 (cm->allocated - cm->managed_allocated) + cm->skew;
		if (cm->available != expect)
			return irqlab_check_fail_buf(why, len,
						     "CPU %u counts %u available, its maps say %u",
						     cpu, cm->available, expect);
	}
	if (m->normal_tree[m->leaves + cpu] != normal_key(cm, cpu))
		return irqlab_check_fail_buf(why, len,
					     "CPU %u has a stale normal-allocation tree leaf", cpu);
	if (m->managed_tree[m->leaves + cpu] != managed_key(cm, cpu))
		return irqlab_check_fail_buf(
			why, len, "CPU %u has a stale managed-allocation tree leaf", cpu);
	return 0;
}

static int check_tree(const struct irqlab_matrix *m, const uint64_t *tree, const char *name,
		      char *why, size_t len)
{
	for (unsigned cpu = m->ncpus; cpu < m->leaves; cpu++)
		if (tree[m->leaves + cpu])
			return irqlab_check_fail_buf(why, len,
						     "%s tree has a key for CPU %u beyond the last",
						     name, cpu);
	for (unsigned i = m->leaves; i-- > 1;) {
		uint64_t l = tree[2 * i], r = tree[2 * i + 1];

		if (tree[i] != (l > r ? l : r))
			return irqlab_check_fail_buf(
				why, len, "%s tree node %u is not the best of its children", name,
				i);
	}
	return 0;
}

int irqlab_matrix_check_cpu(const struct irqlab_matrix *m, unsigned cpu, char *why, size_t len)
{
	if (cpu >= m->ncpus)
		return irqlab_check_fail_buf(why, len, "CPU %u beyond the matrix's %u", cpu,
					     m->ncpus);
	return check_cpu(m, cpu, why, len);
}

int irqlab_matrix_check(const struct irqlab_matrix *m, char *why, size_t len)
{
	unsigned online = 0, available = 0, allocated = 0, sys = 0;
	int err;

	for (unsigned w = 0; w < MAP_WORDS; w++)
		sys += (unsigned)__builtin_popcountll(m->system_map[w] & m->range_map[w]);
	if (m->systembits_inalloc != sys)
		return irqlab_check_fail_buf(
			why, len, "matrix counts %u system vectors in range, its map holds %u",
			m->systembits_inalloc, sys);
	for (unsigned cpu = 0; cpu < m->ncpus; cpu++) {
		err = check_cpu(m, cpu, why, len);
		if (err)
			return err;
		if (m->cpus[cpu].online) {
			online++;
			available += m->cpus[cpu].available;
		}
		allocated += m->cpus[cpu].allocated;
	}
	if (m->online_cpus != online)
		return irqlab_check_fail_buf(why, len, "matrix counts %u CPUs online, %u are",
					     m->online_cpus, online);
	if (m->global_available != available)
		return irqlab_check_fail_buf(
			why, len, "matrix counts %u available globally, online CPUs hold %u",
			m->global_available, available);
	if (m->total_allocated != allocated + m->freed_offline)
		return irqlab_check_fail_buf(
			why, len,
			"matrix counts %u allocated in total, CPUs hold %u (+%u freed offline)",
			m->total_allocated, allocated, m->freed_offline);
	err = check_tree(m, m->normal_tree, "normal-allocation", why, len);
	if (err)
		return err;
	return check_tree(m, m->managed_tree, "managed-allocation", why, len);
}

void irqlab_matrix_debug_corrupt(struct irqlab_matrix *m, enum irqlab_matrix_debug_what what,
				 unsigned cpu, unsigned arg)
{
	struct matrix_cpu *cm = cpu < m->ncpus ? &m->cpus[cpu] : NULL;

	switch (what) {
	case IRQLAB_MATRIX_DEBUG_AVAILABLE:
		if (cm)
			cm->available += arg;
		break;
	case IRQLAB_MATRIX_DEBUG_ALLOCATED:
		if (cm)
			cm->allocated = (uint16_t)(cm->allocated + arg);
		break;
	case IRQLAB_MATRIX_DEBUG_MANAGED_ALLOCATED:
		if (cm)
			cm->managed_allocated = (uint16_t)(cm->managed_allocated + arg);
		break;
	case IRQLAB_MATRIX_DEBUG_ALLOC_BIT:
		if (cm && arg < IRQLAB_NR_VECTORS)
			cm->alloc_map[arg / 64] ^= UINT64_C(1) << (arg % 64);
		break;
	case IRQLAB_MATRIX_DEBUG_MANAGED_BIT:
		if (cm && arg < IRQLAB_NR_VECTORS)
			cm->managed_map[arg / 64] ^= UINT64_C(1) << (arg % 64);
		break;
	case IRQLAB_MATRIX_DEBUG_GLOBAL_AVAILABLE:
		m->global_available += arg;
		break;
	case IRQLAB_MATRIX_DEBUG_TOTAL_ALLOCATED:
		m->total_allocated += arg;
		break;
	case IRQLAB_MATRIX_DEBUG_NORMAL_LEAF:
		if (cm)
			m->normal_tree[m->leaves + cpu] ^= arg;
		break;
	case IRQLAB_MATRIX_DEBUG_MANAGED_NODE:
		if (cpu >= 1 && cpu < 2 * m->leaves)
			m->managed_tree[cpu] ^= arg;
		break;
	case IRQLAB_MATRIX_DEBUG_SYSTEM_BIT:
		if (arg < IRQLAB_NR_VECTORS)
			m->system_map[arg / 64] ^= UINT64_C(1) << (arg % 64);
		break;
	}
}
