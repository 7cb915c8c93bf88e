// SPDX-License-Identifier: MIT
/*
 * IRTE index allocation: exact indexes in small cases, the error paths, the consistency check
 * against damaged state, and a differential run against a plain linear-scan bitmap that does
 * what Linux's bitmap_find_free_region() does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iommu/irte_alloc.h"

static void assert_consistent(const struct irqlab_irte_alloc *a)
{
	char why[160] = "";

	if (irqlab_irte_alloc_check(a, why, sizeof(why)) != 0)
		fail_msg("irte allocator inconsistent: %s", why);
}

static struct irqlab_irte_alloc *create_checked(unsigned n)
{
	struct irqlab_irte_alloc *a = irqlab_irte_alloc_create(n);

	assert_non_null(a);
	assert_int_equal(irqlab_irte_alloc_size(a), n);
	assert_int_equal(irqlab_irte_alloc_used(a), 0);
	assert_consistent(a);
	return a;
}

static int alloc_checked(struct irqlab_irte_alloc *a, unsigned order)
{
	int ret = irqlab_irte_alloc_block(a, order);

	assert_consistent(a);
	return ret;
}

static void free_checked(struct irqlab_irte_alloc *a, unsigned index, unsigned order)
{
	irqlab_irte_free_block(a, index, order);
	assert_consistent(a);
}

/* What a caller does with a multi-MSI count: round up to a power of two, take its log. */
static unsigned order_for_count(unsigned count)
{
	unsigned order = 0;

	while ((1u << order) < count)
		order++;
	return order;
}

static void test_create_sizes(void **state)
{
	static const unsigned bad[] = {0, 3, 6, 100, 65535, 65537, 131072, 1u << 31};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(irqlab_irte_alloc_create(bad[i]));
		assert_int_equal(errno, EINVAL);
	}
	for (unsigned n = 1; n <= IRQLAB_IRTE_MAX_ENTRIES; n *= 2) {
		struct irqlab_irte_alloc *a = create_checked(n);

		/* A few bits per entry, whatever the size. */
		assert_true(irqlab_irte_alloc_state_bytes(a) <= 128 + n / 4);
		for (unsigned i = 0; i < n; i++)
			assert_false(irqlab_irte_alloc_test(a, i));
		assert_false(irqlab_irte_alloc_test(a, n));
		irqlab_irte_alloc_destroy(a);
	}
	irqlab_irte_alloc_destroy(NULL);
}

static void test_order0_first_fit(void **state)
{
	struct irqlab_irte_alloc *a = create_checked(256);

	for (int i = 0; i < 70; i++)
		assert_int_equal(alloc_checked(a, 0), i);
	free_checked(a, 5, 0);
	free_checked(a, 64, 0);
	free_checked(a, 3, 0);
	assert_int_equal(irqlab_irte_alloc_used(a), 67);
	assert_int_equal(alloc_checked(a, 0), 3);
	assert_int_equal(alloc_checked(a, 0), 5);
	assert_int_equal(alloc_checked(a, 0), 64);
	assert_int_equal(alloc_checked(a, 0), 70);
	assert_int_equal(irqlab_irte_alloc_used(a), 71);
	irqlab_irte_alloc_destroy(a);
}

static void test_order2_after_single_entry(void **state)
{
	struct irqlab_irte_alloc *a = create_checked(65536);

	assert_int_equal(alloc_checked(a, 0), 0);
	assert_int_equal(alloc_checked(a, 2), 4);
	/* The singles fill the hole the alignment left. */
	assert_int_equal(alloc_checked(a, 0), 1);
	assert_int_equal(alloc_checked(a, 1), 2);
	assert_int_equal(alloc_checked(a, 2), 8);
	assert_int_equal(alloc_checked(a, 0), 12);
	assert_int_equal(irqlab_irte_alloc_used(a), 13);
	irqlab_irte_alloc_destroy(a);
}

static void test_rounded_multi_msi_request(void **state)
{
	struct irqlab_irte_alloc *a = create_checked(64);
	unsigned order = order_for_count(3);

	assert_int_equal(order, 2);
	assert_int_equal(alloc_checked(a, order), 0);
	assert_int_equal(alloc_checked(a, 0), 4);
	assert_int_equal(alloc_checked(a, order), 8);
	for (unsigned i = 0; i < 12; i++)
		assert_int_equal(irqlab_irte_alloc_test(a, i), i < 5 || i >= 8);
	/* The fourth entry of a 3-request is allocated too: it is part of the block. */
	assert_true(irqlab_irte_alloc_test(a, 3));
	assert_int_equal(irqlab_irte_alloc_used(a), 9);
	irqlab_irte_alloc_destroy(a);
}

static void test_alignment_every_order(void **state)
{
	for (unsigned order = 0; order <= 16; order++) {
		struct irqlab_irte_alloc *a = create_checked(65536);
		unsigned size = 1u << order;
		int idx;

		if (order < 16) {
			/* One entry in the way: the block must skip to the next aligned slot. */
			assert_int_equal(alloc_checked(a, 0), 0);
			idx = alloc_checked(a, order);
			assert_int_equal(idx, order == 0 ? 1 : (int)size);
		} else {
			idx = alloc_checked(a, order);
			assert_int_equal(idx, 0);
		}
		assert_int_equal((unsigned)idx % size, 0);
		for (unsigned i = 0; i < size; i++)
			assert_true(irqlab_irte_alloc_test(a, (unsigned)idx + i));
		if ((unsigned)idx + size < 65536)
			assert_false(irqlab_irte_alloc_test(a, (unsigned)idx + size));
		assert_int_equal(irqlab_irte_alloc_used(a), size + (order < 16));
		/* A second one lands on the next aligned slot, or there is none. */
		idx = alloc_checked(a, order);
		if (order >= 15)
			assert_int_equal(idx, -ENOSPC);
		else
			assert_int_equal(idx, order == 0 ? 2 : 2 * (int)size);
		irqlab_irte_alloc_destroy(a);
	}
}

static void test_enospc_when_full(void **state)
{
	static const unsigned sizes[] = {1, 2, 32, 64, 4096};

	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned n = sizes[s];
		struct irqlab_irte_alloc *a = create_checked(n);

		for (unsigned i = 0; i < n; i++)
			assert_int_equal(alloc_checked(a, 0), (int)i);
		assert_int_equal(irqlab_irte_alloc_used(a), n);
		for (unsigned order = 0; (1u << order) <= n; order++)
			assert_int_equal(alloc_checked(a, order), -ENOSPC);
		free_checked(a, n - 1, 0);
		assert_int_equal(alloc_checked(a, 0), (int)n - 1);
		irqlab_irte_alloc_destroy(a);
	}
}

/* Free every entry whose position inside its group of 4 is in @keep_free. */
static struct irqlab_irte_alloc *fragmented(unsigned n, unsigned keep_free)
{
	struct irqlab_irte_alloc *a = create_checked(n);

	for (unsigned i = 0; i < n; i++)
		assert_int_equal(irqlab_irte_alloc_block(a, 0), (int)i);
	for (unsigned i = 0; i < n; i++)
		if (keep_free & (1u << (i % 4)))
			irqlab_irte_free_block(a, i, 0);
	assert_consistent(a);
	return a;
}

static void test_enospc_when_fragmented(void **state)
{
	struct irqlab_irte_alloc *a;

	/* Half the table free, every other entry: no pair. */
	a = fragmented(4096, 0x5);
	assert_int_equal(irqlab_irte_alloc_used(a), 2048);
	assert_int_equal(alloc_checked(a, 1), -ENOSPC);
	assert_int_equal(alloc_checked(a, 0), 0);
	irqlab_irte_alloc_destroy(a);

	/* Half free in runs of two that straddle the pair boundary: no aligned pair. */
	a = fragmented(4096, 0x6);
	assert_int_equal(irqlab_irte_alloc_used(a), 2048);
	assert_int_equal(alloc_checked(a, 1), -ENOSPC);
	assert_int_equal(alloc_checked(a, 0), 1);
	irqlab_irte_alloc_destroy(a);

	/* Three quarters free, but every aligned quad has one entry taken. */
	a = fragmented(65536, 0xe);
	assert_int_equal(irqlab_irte_alloc_used(a), 16384);
	for (unsigned order = 2; order <= 16; order++)
		assert_int_equal(alloc_checked(a, order), -ENOSPC);
	assert_int_equal(alloc_checked(a, 1), 2);
	assert_int_equal(alloc_checked(a, 1), 6);
	irqlab_irte_alloc_destroy(a);

	/* Tables smaller than a word behave the same. */
	a = fragmented(16, 0x5);
	assert_int_equal(alloc_checked(a, 1), -ENOSPC);
	irqlab_irte_alloc_destroy(a);
}

static void test_einval_for_order_beyond_table(void **state)
{
	static const unsigned sizes[] = {1, 2, 16, 64, 128, 65536};

	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned n = sizes[s], max = order_for_count(n);
		struct irqlab_irte_alloc *a = create_checked(n);

		assert_int_equal(alloc_checked(a, max + 1), -EINVAL);
		assert_int_equal(alloc_checked(a, 32), -EINVAL);
		assert_int_equal(alloc_checked(a, ~0u), -EINVAL);
		assert_int_equal(alloc_checked(a, max), 0);
		assert_int_equal(irqlab_irte_alloc_used(a), n);
		/* Full now, but a bad order is still a bad order. */
		assert_int_equal(alloc_checked(a, max + 1), -EINVAL);
		irqlab_irte_alloc_destroy(a);
	}
	assert_int_equal(irqlab_irte_alloc_block(NULL, 0), -EINVAL);
}

static void test_free_clears_whole_block(void **state)
{
	static const unsigned orders[] = {0, 1, 3, 5, 6, 7, 10, 16};

	for (unsigned o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		unsigned order = orders[o], size = 1u << order;
		struct irqlab_irte_alloc *a = create_checked(65536);
		int first, idx;

		first = alloc_checked(a, order);
		assert_int_equal(first, 0);
		if (order < 16) {
			idx = alloc_checked(a, order);
			assert_int_equal(idx, (int)size);
		}
		free_checked(a, 0, order);
		for (unsigned i = 0; i < size; i++)
			assert_false(irqlab_irte_alloc_test(a, i));
		assert_int_equal(irqlab_irte_alloc_used(a), order < 16 ? size : 0);
		/* The freed block is the lowest fit again, for its order and for smaller ones. */
		assert_int_equal(alloc_checked(a, order), 0);
		free_checked(a, 0, order);
		if (order > 0) {
			assert_int_equal(alloc_checked(a, order - 1), 0);
			assert_int_equal(alloc_checked(a, order - 1), (int)size / 2);
		}
		assert_int_equal(irqlab_irte_alloc_used(a),
				 (order < 16 ? size : 0) + (order > 0 ? size : 0));
		irqlab_irte_alloc_destroy(a);
	}
}

static void test_free_ignores_bad_blocks(void **state)
{
	struct irqlab_irte_alloc *a = create_checked(128);

	assert_int_equal(alloc_checked(a, 3), 0);
	free_checked(a, 4, 3);	 /* misaligned */
	free_checked(a, 128, 0); /* beyond the table */
	free_checked(a, 0, 8);	 /* order beyond the table */
	free_checked(a, 0, 40);
	assert_int_equal(irqlab_irte_alloc_used(a), 8);
	/* A block freed twice is counted once. */
	free_checked(a, 0, 3);
	free_checked(a, 0, 3);
	assert_int_equal(irqlab_irte_alloc_used(a), 0);
	assert_int_equal(alloc_checked(a, 7), 0);
	free_checked(a, 0, 7);
	free_checked(a, 0, 7);
	assert_int_equal(irqlab_irte_alloc_used(a), 0);
	irqlab_irte_free_block(NULL, 0, 0);
	irqlab_irte_alloc_destroy(a);
}

static void test_used_count(void **state)
{
	struct irqlab_irte_alloc *a = create_checked(4096);
	int b0, b1, b2, b3;

	b0 = alloc_checked(a, 0);
	b1 = alloc_checked(a, 4);
	b2 = alloc_checked(a, 9);
	b3 = alloc_checked(a, 6);
	assert_int_equal(irqlab_irte_alloc_used(a), 1 + 16 + 512 + 64);
	free_checked(a, (unsigned)b2, 9);
	assert_int_equal(irqlab_irte_alloc_used(a), 1 + 16 + 64);
	free_checked(a, (unsigned)b0, 0);
	free_checked(a, (unsigned)b1, 4);
	assert_int_equal(irqlab_irte_alloc_used(a), 64);
	free_checked(a, (unsigned)b3, 6);
	assert_int_equal(irqlab_irte_alloc_used(a), 0);
	irqlab_irte_alloc_destroy(a);
}

static void expect_damage_found(unsigned n, enum irqlab_irte_alloc_damage what, unsigned index,
				const char *mentions)
{
	struct irqlab_irte_alloc *a = create_checked(n);
	char why[160] = "";

	/* Some state first, so the damage is not to a pristine table only. */
	for (unsigned i = 0; i < n / 2; i++)
		irqlab_irte_alloc_block(a, 0);
	if (n >= 4)
		irqlab_irte_free_block(a, 1, 0);
	assert_consistent(a);
	assert_int_equal(irqlab_irte_alloc_damage(a, what, index), 0);
	assert_int_equal(irqlab_irte_alloc_check(a, why, sizeof(why)), -EFAULT);
	if (!strstr(why, mentions))
		fail_msg("check on %u entries said \"%s\", expected it to mention \"%s\"", n, why,
			 mentions);
	/* A null or empty buffer still gets the verdict. */
	assert_int_equal(irqlab_irte_alloc_check(a, NULL, 0), -EFAULT);
	irqlab_irte_alloc_destroy(a);
}

static void test_check_detects_damage(void **state)
{
	static const unsigned sizes[] = {1, 8, 64, 128, 4096, 65536};

	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned n = sizes[s];

		expect_damage_found(n, IRQLAB_IRTE_DAMAGE_WORD_SUMMARY, 0, "word 0");
		expect_damage_found(n, IRQLAB_IRTE_DAMAGE_WORD_SUMMARY, n - 1, "summary");
		expect_damage_found(n, IRQLAB_IRTE_DAMAGE_BITMAP, n / 2, "");
		expect_damage_found(n, IRQLAB_IRTE_DAMAGE_USED_COUNT, 0, "used count");
		if (n > 64) {
			expect_damage_found(n, IRQLAB_IRTE_DAMAGE_TREE_SUMMARY, 0, "tree node");
			expect_damage_found(n, IRQLAB_IRTE_DAMAGE_TREE_SUMMARY, n - 1, "tree node");
		}
	}

	struct irqlab_irte_alloc *a = create_checked(64);

	assert_int_equal(irqlab_irte_alloc_damage(a, IRQLAB_IRTE_DAMAGE_TREE_SUMMARY, 0), -EINVAL);
	assert_int_equal(irqlab_irte_alloc_damage(a, IRQLAB_IRTE_DAMAGE_BITMAP, 64), -EINVAL);
	assert_int_equal(irqlab_irte_alloc_damage(a, (enum irqlab_irte_alloc_damage)99, 0),
			 -EINVAL);
	assert_consistent(a);
	irqlab_irte_alloc_destroy(a);
	assert_int_equal(irqlab_irte_alloc_check(NULL, NULL, 0), -EINVAL);
}

/* The reference: a plain bitmap probed at every aligned position, lowest first. */
struct ref_table {
	unsigned n;
	unsigned used;
	unsigned char *bits;
};

static bool ref_test(const struct ref_table *r, unsigned i)
{
	return r->bits[i / 8] >> (i % 8) & 1;
}

static void ref_set(struct ref_table *r, unsigned i, bool used)
{
	if (used)
		r->bits[i / 8] |= (unsigned char)(1u << (i % 8));
	else
		r->bits[i / 8] &= (unsigned char)~(1u << (i % 8));
}

static bool ref_region_free(const struct ref_table *r, unsigned pos, unsigned size)
{
	if (size < 8)
		return !(r->bits[pos / 8] & (((1u << size) - 1) << (pos % 8)));
	for (unsigned b = pos / 8; b < (pos + size) / 8; b++)
		if (r->bits[b])
			return false;
	return true;
}

static int ref_alloc(struct ref_table *r, unsigned order)
{
	unsigned size, pos = 0;

	if (order >= 32 || (1u << order) > r->n)
		return -EINVAL;
	size = 1u << order;
	while (pos + size <= r->n) {
		/* Only to keep the test quick: a wholly taken byte holds no small block. */
		if (size < 8 && r->bits[pos / 8] == 0xff) {
			pos = (pos / 8 + 1) * 8;
			continue;
		}
		if (ref_region_free(r, pos, size)) {
			for (unsigned i = 0; i < size; i++)
				ref_set(r, pos + i, true);
			r->used += size;
			return (int)pos;
		}
		pos += size;
	}
	return -ENOSPC;
}

static void ref_free(struct ref_table *r, unsigned pos, unsigned order)
{
	for (unsigned i = 0; i < 1u << order; i++) {
		r->used -= ref_test(r, pos + i);
		ref_set(r, pos + i, false);
	}
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static unsigned rng_below(uint64_t *s, unsigned bound)
{
	return (unsigned)(rng_next(s) % bound);
}

/* Mostly small blocks, as MSI and multi-MSI ask; sometimes any order, one past the table too. */
static unsigned random_order(uint64_t *s, unsigned max_order)
{
	unsigned pick = rng_below(s, 16), order;

	if (pick < 6)
		return 0;
	if (pick < 14) {
		order = (unsigned)__builtin_ctzll(rng_next(s) | (UINT64_C(1) << 40));
		return order < max_order ? order : max_order;
	}
	return rng_below(s, max_order + 2);
}

struct live_block {
	unsigned index;
	unsigned order;
};

static void assert_same_entries(const struct irqlab_irte_alloc *a, const struct ref_table *r,
				unsigned step)
{
	for (unsigned i = 0; i < r->n; i++)
		if (irqlab_irte_alloc_test(a, i) != ref_test(r, i))
			fail_msg("%u entries, step %u: entry %u is %d, reference %d", r->n, step, i,
				 irqlab_irte_alloc_test(a, i), ref_test(r, i));
}

static void run_differential(unsigned n, unsigned steps, uint64_t seed)
{
	/* Percent of steps that allocate, phase by phase: fill, churn, saturate, drain. */
	static const unsigned alloc_percent[8] = {85, 60, 97, 40, 70, 99, 50, 15};
	struct irqlab_irte_alloc *a = create_checked(n);
	struct ref_table r = {.n = n, .bits = calloc((n + 7) / 8, 1)};
	struct live_block *live = calloc(n, sizeof(*live));
	unsigned nr_live = 0, max_order = order_for_count(n), peak = 0;
	unsigned fragmented_enospc = 0, successes = 0, einval = 0;
	uint64_t s = seed;

	assert_non_null(r.bits);
	assert_non_null(live);
	for (unsigned step = 0; step < steps; step++) {
		unsigned phase = (unsigned)((uint64_t)step * 8 / steps);

		if (nr_live == 0 || rng_below(&s, 100) < alloc_percent[phase]) {
			unsigned order = random_order(&s, max_order);
			int want = ref_alloc(&r, order);
			int got = irqlab_irte_alloc_block(a, order);

			if (got != want)
				fail_msg("%u entries, step %u: order %u got %d, reference %d", n,
					 step, order, got, want);
			if (got >= 0) {
				live[nr_live++] = (struct live_block){(unsigned)got, order};
				successes++;
			} else if (got == -EINVAL) {
				einval++;
			} else if (n - r.used >= 1u << order) {
				fragmented_enospc++;
			}
		} else {
			unsigned j = rng_below(&s, nr_live);

			ref_free(&r, live[j].index, live[j].order);
			irqlab_irte_free_block(a, live[j].index, live[j].order);
			live[j] = live[--nr_live];
		}
		if (irqlab_irte_alloc_used(a) != r.used)
			fail_msg("%u entries, step %u: used %u, reference %u", n, step,
				 irqlab_irte_alloc_used(a), r.used);
		assert_consistent(a);
		if (step % 1024 == 0)
			assert_same_entries(a, &r, step);
		if (r.used > peak)
			peak = r.used;
	}
	assert_same_entries(a, &r, steps);
	print_message("%u entries: %u steps, %u allocated, %u EINVAL, %u ENOSPC with room\n", n,
		      steps, successes, einval, fragmented_enospc);
	/* The run must have reached the cases that matter, or it proves little. */
	assert_int_equal(peak, n);
	assert_true(einval > 0);
	assert_true(successes > steps / 10);
	if (n >= 4)
		assert_true(fragmented_enospc > 0);

	while (nr_live) {
		nr_live--;
		irqlab_irte_free_block(a, live[nr_live].index, live[nr_live].order);
	}
	assert_int_equal(irqlab_irte_alloc_used(a), 0);
	assert_consistent(a);
	assert_int_equal(irqlab_irte_alloc_block(a, max_order), 0);
	free(live);
	free(r.bits);
	irqlab_irte_alloc_destroy(a);
}

static void test_differential_1(void **state)
{
	run_differential(1, 5000, 1);
}

static void test_differential_2(void **state)
{
	run_differential(2, 10000, 2);
}

static void test_differential_64(void **state)
{
	run_differential(64, 20000, 64);
}

static void test_differential_4096(void **state)
{
	run_differential(4096, 40000, 4096);
}

static void test_differential_65536(void **state)
{
	run_differential(65536, 60000, 65536);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_sizes),
		cmocka_unit_test(test_order0_first_fit),
		cmocka_unit_test(test_order2_after_single_entry),
		cmocka_unit_test(test_rounded_multi_msi_request),
		cmocka_unit_test(test_alignment_every_order),
		cmocka_unit_test(test_enospc_when_full),
		cmocka_unit_test(test_enospc_when_fragmented),
		cmocka_unit_test(test_einval_for_order_beyond_table),
		cmocka_unit_test(test_free_clears_whole_block),
		cmocka_unit_test(test_free_ignores_bad_blocks),
		cmocka_unit_test(test_used_count),
		cmocka_unit_test(test_check_detects_damage),
		cmocka_unit_test(test_differential_1),
		cmocka_unit_test(test_differential_2),
		cmocka_unit_test(test_differential_64),
		cmocka_unit_test(test_differential_4096),
		cmocka_unit_test(test_differential_65536),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
