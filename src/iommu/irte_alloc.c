// SPDX-License-Identifier: MIT
/*
 * IRTE index allocation. State: a bitmap (1 = allocated) and a binary tree over its 64-bit
 * words, stored heap-ordered in one byte array (node i has children 2i and 2i + 1; the
 * nr_words leaves, one per word, come last). A node holds 1 + the order of the largest naturally
 * aligned free block below it, 0 when none is free. The leftmost child that can hold the block
 * always holds the lowest one, so descending left-first gives the linear scan's answer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "iommu/irte_alloc.h"

#define WORD_ORDER 6u /* 64 entries per bitmap word */
#define WORD_BITS  (1u << WORD_ORDER)
/* Summary of a wholly free word; a wholly free node of height h holds LEAF_FREE + h. */
#define LEAF_FREE (WORD_ORDER + 1)

struct irqlab_irte_alloc {
	unsigned nr_entries;
	unsigned max_order; /* log2(nr_entries) */
	unsigned nr_words;  /* a power of two; 1 for tables under 64 entries */
	unsigned depth;	    /* log2(nr_words): tree levels above the leaves */
	unsigned used;
	uint8_t *tree; /* [1, 2 * nr_words), inside this allocation */
	uint64_t words[];
};

/*
 * Step k keeps bit i only if i is aligned to 2^(k+1) and both halves of the block at i were
 * free after step k - 1.
 */
static const uint64_t aligned_at[WORD_ORDER] = {
	UINT64_C(0x5555555555555555), UINT64_C(0x1111111111111111), UINT64_C(0x0101010101010101),
	UINT64_C(0x0001000100010001), UINT64_C(0x0000000100000001), UINT64_C(0x0000000000000001),
};

/* Bit i set: the aligned block of 2^@order entries at i is wholly free. */
static uint64_t free_blocks(uint64_t used, unsigned order)
{
	uint64_t f = ~used;

	for (unsigned k = 0; k < order; k++)
		f &= (f >> (1u << k)) & aligned_at[k];
	return f;
}

static uint8_t leaf_summary(uint64_t used)
{
	uint64_t f = ~used;
	unsigned v = 0;

	/* Each nonzero step means a free aligned block one order larger. */
	while (f && v < WORD_ORDER) {
		f &= (f >> (1u << v)) & aligned_at[v];
		v++;
	}
	return (uint8_t)(v + (f != 0));
}

static uint8_t node_summary(uint8_t left, uint8_t right, unsigned child_height)
{
	uint8_t whole = (uint8_t)(LEAF_FREE + child_height);

	/* Two wholly free halves make one aligned block of the next order. */
	if (left == whole && right == whole)
		return whole + 1;
	return left > right ? left : right;
}

static uint64_t block_mask(unsigned order)
{
	return (UINT64_C(1) << (1u << order)) - 1; /* order < WORD_ORDER */
}

/*
 * Of the 8 nodes at @p (the great-grandchildren of one node, adjacent in the heap), the
 * leftmost holding at least @need. Summaries stay below 0x80, so setting each byte's top bit
 * and subtracting @need leaves that bit set exactly in the bytes >= @need, with no borrow
 * between bytes.
 */
static unsigned leftmost_at_least(const uint8_t *p, unsigned need)
{
	uint64_t x, ge;

	memcpy(&x, p, sizeof(x));
	ge = ((x | UINT64_C(0x8080808080808080)) - need * UINT64_C(0x0101010101010101)) &
	     UINT64_C(0x8080808080808080);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (unsigned)__builtin_ctzll(ge) / 8;
#else
	return (unsigned)__builtin_clzll(ge) / 8;
#endif
}

/* Node @i, of @height, changed: refresh its ancestors until one comes out the same. */
static void update_ancestors(struct irqlab_irte_alloc *a, unsigned i, unsigned height)
{
	uint8_t *t = a->tree;

	for (; i > 1; i >>= 1, height++) {
		uint8_t v = node_summary(t[i & ~1u], t[i | 1u], height);

		if (t[i >> 1] == v)
			break;
		t[i >> 1] = v;
	}
}

/* Mark the whole subtree under @node (of @height, so at least a word) allocated or free. */
static void set_span(struct irqlab_irte_alloc *a, unsigned node, unsigned height, bool used)
{
	unsigned first = node, n = 1;

	for (unsigned h = height + 1; h-- > 0; first *= 2, n *= 2)
		memset(a->tree + first, used ? 0 : (int)(LEAF_FREE + h), n);
	first = (node << height) - a->nr_words;
	memset(a->words + first, used ? 0xff : 0, sizeof(a->words[0]) << height);
	update_ancestors(a, node, height);
}

struct irqlab_irte_alloc *irqlab_irte_alloc_create(unsigned nr_entries)
{
	struct irqlab_irte_alloc *a;
	unsigned nr_words, depth = 0, order = 0;

	if (nr_entries == 0 || nr_entries > IRQLAB_IRTE_MAX_ENTRIES ||
	    (nr_entries & (nr_entries - 1))) {
		errno = EINVAL;
		return NULL;
	}
	while ((1u << order) < nr_entries)
		order++;
	nr_words = nr_entries >= WORD_BITS ? nr_entries / WORD_BITS : 1;
	while ((1u << depth) < nr_words)
		depth++;

	a = calloc(1, sizeof(*a) + nr_words * sizeof(uint64_t) + 2 * nr_words);
	if (!a) {
		errno = ENOMEM;
		return NULL;
	}
	a->nr_entries = nr_entries;
	a->max_order = order;
	a->nr_words = nr_words;
	a->depth = depth;
	a->tree = (uint8_t *)(a->words + nr_words);
	/* Bits past a short table stay allocated forever, so no search can return them. */
	if (nr_entries < WORD_BITS)
		a->words[0] = ~UINT64_C(0) << nr_entries;
	for (unsigned w = 0; w < nr_words; w++)
		a->tree[nr_words + w] = leaf_summary(a->words[w]);
	for (unsigned i = nr_words; i-- > 1;) {
		unsigned height = depth - (unsigned)(31 - __builtin_clz(i));

		a->tree[i] = node_summary(a->tree[2 * i], a->tree[2 * i + 1], height - 1);
	}
	return a;
}

void irqlab_irte_alloc_destroy(struct irqlab_irte_alloc *a)
{
	free(a);
}

unsigned irqlab_irte_alloc_size(const struct irqlab_irte_alloc *a)
{
	return a->nr_entries;
}

int irqlab_irte_alloc_block(struct irqlab_irte_alloc *a, unsigned order)
{
	unsigned need, height, h, i, w, bit;
	uint8_t *t;

	if (!a || order > a->max_order)
		return -EINVAL;
	t = a->tree;
	need = order + 1;
	if (t[1] < need)
		return -ENOSPC;

	/* Blocks of a word or more are whole subtrees: stop at the node that is the block. */
	height = order > WORD_ORDER ? order - WORD_ORDER : 0;
	/*
	 * Any block of this order lies inside one node of this height, so the leftmost node that
	 * can hold it, at any level down to here, leads to the lowest block: skip three levels
	 * at a time while they are there.
	 */
	i = 1;
	h = a->depth;
	for (; h >= height + 3; h -= 3)
		i = 8 * i + leftmost_at_least(t + 8 * i, need);
	for (; h > height; h--) {
		i *= 2;
		i += t[i] < need;
	}
	a->used += 1u << order;
	if (order >= WORD_ORDER) {
		set_span(a, i, height, true);
		return (int)((i - (a->nr_words >> height)) << order);
	}

	w = i - a->nr_words;
	bit = (unsigned)__builtin_ctzll(free_blocks(a->words[w], order));
	a->words[w] |= block_mask(order) << bit;
	t[i] = leaf_summary(a->words[w]);
	update_ancestors(a, i, 0);
	return (int)(w * WORD_BITS + bit);
}

void irqlab_irte_free_block(struct irqlab_irte_alloc *a, unsigned index, unsigned order)
{
	unsigned w, i;
	uint64_t mask;

	if (!a || order > a->max_order || index >= a->nr_entries || (index & ((1u << order) - 1)))
		return;
	w = index / WORD_BITS;
	if (order >= WORD_ORDER) {
		unsigned height = order - WORD_ORDER;

		for (unsigned k = 0; k < 1u << height; k++)
			a->used -= (unsigned)__builtin_popcountll(a->words[w + k]);
		set_span(a, (a->nr_words + w) >> height, height, false);
		return;
	}
	mask = block_mask(order) << (index % WORD_BITS);
	if ((a->words[w] & mask) == mask)
		a->used -= 1u << order;
	else
		a->used -= (unsigned)__builtin_popcountll(a->words[w] & mask);
	a->words[w] &= ~mask;
	i = a->nr_words + w;
	a->tree[i] = leaf_summary(a->words[w]);
	update_ancestors(a, i, 0);
}

bool irqlab_irte_alloc_test(const struct irqlab_irte_alloc *a, unsigned index)
{
	if (index >= a->nr_entries)
		return false;
	return (a->words[index / WORD_BITS] >> (index % WORD_BITS)) & 1;
}

unsigned irqlab_irte_alloc_used(const struct irqlab_irte_alloc *a)
{
	return a->used;
}

size_t irqlab_irte_alloc_state_bytes(const struct irqlab_irte_alloc *a)
{
	return sizeof(*a) + a->nr_words * sizeof(uint64_t) + 2 * a->nr_words;
}

int irqlab_irte_alloc_check(const struct irqlab_irte_alloc *a, char *why, size_t len)
{
	const uint8_t *t;
	unsigned used = 0;

	if (!a) {
		irqlab_check_fail_buf(why, len, "irte table: no allocator to check");
		return -EINVAL;
	}
	t = a->tree;
	if (a->nr_entries < WORD_BITS && ~a->words[0] >> a->nr_entries)
		return irqlab_check_fail_buf(
			why, len, "irte table of %u: entries past the end are free", a->nr_entries);
	for (unsigned w = 0; w < a->nr_words; w++) {
		uint8_t want = leaf_summary(a->words[w]);

		if (t[a->nr_words + w] != want)
			return irqlab_check_fail_buf(
				why, len,
				"irte word %u (entries %u-%u): summary %u, bitmap says %u", w,
				w * WORD_BITS, w * WORD_BITS + WORD_BITS - 1, t[a->nr_words + w],
				want);
		used += (unsigned)__builtin_popcountll(a->words[w]);
	}
	if (a->nr_entries < WORD_BITS)
		used -= WORD_BITS - a->nr_entries;
	for (unsigned i = a->nr_words; i-- > 1;) {
		unsigned height = a->depth - (unsigned)(31 - __builtin_clz(i));
		uint8_t want = node_summary(t[2 * i], t[2 * i + 1], height - 1);

		if (t[i] != want)
			return irqlab_check_fail_buf(
				why, len,
				"irte tree node %u (height %u): summary %u, children say %u", i,
				height, t[i], want);
	}
	if (used != a->used)
		return irqlab_check_fail_buf(why, len, "irte used count %u, bitmap holds %u",
					     a->used, used);
	return 0;
}

int irqlab_irte_alloc_damage(struct irqlab_irte_alloc *a, enum irqlab_irte_alloc_damage what,
			     unsigned index)
{
	unsigned w;

	if (!a || index >= a->nr_entries)
		return -EINVAL;
	w = index / WORD_BITS;
	switch (what) {
	case IRQLAB_IRTE_DAMAGE_WORD_SUMMARY:
		/* Flipping the low bit gives a wrong value that still looks plausible. */
		a->tree[a->nr_words + w] ^= 1;
		return 0;
	case IRQLAB_IRTE_DAMAGE_TREE_SUMMARY:
		if (a->nr_words == 1)
			return -EINVAL;
		a->tree[(a->nr_words + w) / 2] ^= 1;
		return 0;
	case IRQLAB_IRTE_DAMAGE_BITMAP:
		a->words[w] ^= UINT64_C(1) << (index % WORD_BITS);
		return 0;
	case IRQLAB_IRTE_DAMAGE_USED_COUNT:
		a->used++;
		return 0;
	}
	return -EINVAL;
}
