/* SPDX-License-Identifier: MIT */
/*
 * A kernel's CPU masks, each distinct one stored once and shared by every interrupt that has
 * it (its affinity, its pending move). A mask of 8,192 CPUs is 1 KiB: a million interrupts
 * with a copy each would need a GiB, where they have a few thousand distinct masks at most.
 */
#ifndef IRQLAB_CORE_MASK_TABLE_H
#define IRQLAB_CORE_MASK_TABLE_H

#include <stdint.h>

#include "core/fault.h"
#include "irqlab/cpumask.h"

struct irqlab_mask_entry;

struct irqlab_mask_table {
	struct irqlab_mask_entry **buckets;
	unsigned nr_buckets; /* a power of two */
	unsigned long nr;    /* distinct masks held */
	unsigned words;	     /* the words a mask of the kernel's CPUs can have set */
	struct irqlab_fault *fault;
};

/* An empty table for masks of @ncpus CPUs: 0 or -ENOMEM. */
int irqlab_mask_table_init(struct irqlab_mask_table *t, unsigned ncpus, struct irqlab_fault *fault);
/* Frees the table; every mask must have been put back. */
void irqlab_mask_table_release(struct irqlab_mask_table *t);
/*
 * A shared copy of @mask, one more reference to it: NULL when it is new and there is no memory
 * for it. A caller that holds a reference to an equal mask cannot see a failure.
 */
const struct irqlab_cpumask *irqlab_mask_hold(struct irqlab_mask_table *t,
					      const struct irqlab_cpumask *mask);
/* Gives back one reference (NULL is ignored); the last one frees the copy. */
void irqlab_mask_put(struct irqlab_mask_table *t, const struct irqlab_cpumask *mask);
/* References to the copy @mask (for the checker). */
unsigned long irqlab_mask_refs(const struct irqlab_cpumask *mask);
/* References to every copy in the table: what its holders must add up to. */
unsigned long irqlab_mask_table_refs(const struct irqlab_mask_table *t);

#endif
