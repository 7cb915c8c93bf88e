/* SPDX-License-Identifier: MIT */
/* Fixtures the kernel-level unit tests share (linked into every test from helpers/). */
#ifndef IRQLAB_TESTS_KERNEL_HELPERS_H
#define IRQLAB_TESTS_KERNEL_HELPERS_H

#include "core/irqdomain.h"

/* Fails the running test, naming the first broken invariant. */
void assert_kernel_clean(struct irqlab_kernel *k);
/* The kernel's whole state as text, for before/after comparisons (caller frees). */
char *kernel_dump(struct irqlab_kernel *k);
/*
 * A fake bus level that keeps nothing of its own: alloc takes the parents' levels and numbers
 * its hwirqs from info->hwirq; free gives the parents' back.
 */
int passthrough_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
		      const struct irqlab_alloc_info *info);
void passthrough_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n);
/* A mask of one CPU. */
struct irqlab_cpumask cpu_mask(unsigned cpu);

#endif
