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

struct irqlab_irte_alloc;

/* @nr_entries: a power of two, 1..65536. NULL on ENOMEM. */
struct irqlab_irte_alloc *irqlab_irte_alloc_create(unsigned nr_entries);
void irqlab_irte_alloc_destroy(struct irqlab_irte_alloc *a);
unsigned irqlab_irte_alloc_size(const struct irqlab_irte_alloc *a);

/*
 * A free block of 2^@order entries aligned to 2^@order, the lowest such. Returns its first
 * index, or -ENOSPC (none free) / -EINVAL (order beyond the table).
 */
int irqlab_irte_alloc_block(struct irqlab_irte_alloc *a, unsigned order);
/* Releases a block returned by irqlab_irte_alloc_block() with the same order. */
void irqlab_irte_free_block(struct irqlab_irte_alloc *a, unsigned index, unsigned order);
bool irqlab_irte_alloc_test(const struct irqlab_irte_alloc *a, unsigned index);
unsigned irqlab_irte_alloc_used(const struct irqlab_irte_alloc *a);

/* Summary levels agree with the leaf bitmap and the used count. 0, or -EFAULT with @why. */
int irqlab_irte_alloc_check(const struct irqlab_irte_alloc *a, char *why, size_t len);

#endif
