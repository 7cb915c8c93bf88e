/* SPDX-License-Identifier: MIT */
/*
 * Allocation of IRTE indexes in one IR unit's table: naturally aligned power-of-two blocks,
 * first fit at the lowest index, as Linux's bitmap_find_free_region() does, but without its
 * linear scan: a summary hierarchy finds the first fitting block in O(log2(size)) word
 * operations however full or fragmented the table is.
 */
#ifndef IRQLAB_IOMMU_IRTE_ALLOC_H
#define IRQLAB_IOMMU_IRTE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "irqlab/irte.h" /* IRQLAB_IRTE_MAX_ENTRIES */

struct irqlab_irte_alloc;

/*
 * @nr_entries: a power of two, 1..65536. NULL on ENOMEM, or with errno EINVAL when
 * @nr_entries is not such a power of two.
 */
struct irqlab_irte_alloc *irqlab_irte_alloc_create(unsigned nr_entries);
void irqlab_irte_alloc_destroy(struct irqlab_irte_alloc *a);
unsigned irqlab_irte_alloc_size(const struct irqlab_irte_alloc *a);

/*
 * A free block of 2^@order entries aligned to 2^@order, the lowest such. Returns its first
 * index, or -ENOSPC (none free) / -EINVAL (order beyond the table). The search costs
 * O(log2(size)); marking a block wider than 64 entries also writes one word per 64 entries.
 */
int irqlab_irte_alloc_block(struct irqlab_irte_alloc *a, unsigned order);
/*
 * Releases a block returned by irqlab_irte_alloc_block() with the same order. A block that is
 * out of range or misaligned for @order is ignored; entries already free stay free and are
 * not counted twice.
 */
void irqlab_irte_free_block(struct irqlab_irte_alloc *a, unsigned index, unsigned order);
/* Whether entry @index is allocated; false beyond the table. */
bool irqlab_irte_alloc_test(const struct irqlab_irte_alloc *a, unsigned index);
unsigned irqlab_irte_alloc_used(const struct irqlab_irte_alloc *a);
/* Bytes of allocator state for this table (bitmap, summaries and header). */
size_t irqlab_irte_alloc_state_bytes(const struct irqlab_irte_alloc *a);

/*
 * Summary levels agree with the leaf bitmap and the used count. 0, or -EFAULT with @why
 * (-EINVAL for a NULL @a).
 */
int irqlab_irte_alloc_check(const struct irqlab_irte_alloc *a, char *why, size_t len);

/* Test hook: damage one part of the state so that irqlab_irte_alloc_check() must notice. */
enum irqlab_irte_alloc_damage {
	IRQLAB_IRTE_DAMAGE_WORD_SUMMARY, /* the summary of the bitmap word holding @index */
	IRQLAB_IRTE_DAMAGE_TREE_SUMMARY, /* the tree node above that word (tables > 64 entries) */
	IRQLAB_IRTE_DAMAGE_BITMAP,	 /* flip entry @index, leaving summaries and count alone */
	IRQLAB_IRTE_DAMAGE_USED_COUNT,	 /* the used count is off by one */
};
/* 0, or -EINVAL when @index is beyond the table or the table has no such part. */
int irqlab_irte_alloc_damage(struct irqlab_irte_alloc *a, enum irqlab_irte_alloc_damage what,
			     unsigned index);

#endif
