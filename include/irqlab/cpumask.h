/* SPDX-License-Identifier: MIT */
/*
 * CPU masks: a plain bitmap value, like the kernel's cpumask_t or glibc's cpu_set_t.
 * It is a value type on purpose (copied, compared, stored in an irq's affinity), so unlike
 * the model's objects it is not opaque.
 */
#ifndef IRQLAB_CPUMASK_H
#define IRQLAB_CPUMASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irqlab/export.h"

#define IRQLAB_MAX_CPUS	     8192u
#define IRQLAB_CPUMASK_WORDS (IRQLAB_MAX_CPUS / 64u)

struct irqlab_cpumask {
	uint64_t bits[IRQLAB_CPUMASK_WORDS];
};

IRQLAB_EXPORT void irqlab_cpumask_zero(struct irqlab_cpumask *m);
/* Sets CPUs [first, last], both inclusive. */
IRQLAB_EXPORT void irqlab_cpumask_set_range(struct irqlab_cpumask *m, unsigned first,
					    unsigned last);

static inline void irqlab_cpumask_set(struct irqlab_cpumask *m, unsigned cpu)
{
	m->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

static inline void irqlab_cpumask_clear(struct irqlab_cpumask *m, unsigned cpu)
{
	m->bits[cpu / 64] &= ~(UINT64_C(1) << (cpu % 64));
}

static inline bool irqlab_cpumask_test(const struct irqlab_cpumask *m, unsigned cpu)
{
	return cpu < IRQLAB_MAX_CPUS && (m->bits[cpu / 64] >> (cpu % 64)) & 1;
}

/* dst may alias either operand. Return true when the result is not empty. */
IRQLAB_EXPORT bool irqlab_cpumask_and(struct irqlab_cpumask *dst, const struct irqlab_cpumask *a,
				      const struct irqlab_cpumask *b);
IRQLAB_EXPORT void irqlab_cpumask_or(struct irqlab_cpumask *dst, const struct irqlab_cpumask *a,
				     const struct irqlab_cpumask *b);
IRQLAB_EXPORT bool irqlab_cpumask_intersects(const struct irqlab_cpumask *a,
					     const struct irqlab_cpumask *b);
IRQLAB_EXPORT bool irqlab_cpumask_subset(const struct irqlab_cpumask *sub,
					 const struct irqlab_cpumask *super);
IRQLAB_EXPORT bool irqlab_cpumask_equal(const struct irqlab_cpumask *a,
					const struct irqlab_cpumask *b);
IRQLAB_EXPORT bool irqlab_cpumask_empty(const struct irqlab_cpumask *m);
IRQLAB_EXPORT unsigned irqlab_cpumask_weight(const struct irqlab_cpumask *m);

/* First set CPU at or after @cpu, or IRQLAB_MAX_CPUS when there is none. */
IRQLAB_EXPORT unsigned irqlab_cpumask_next(const struct irqlab_cpumask *m, unsigned cpu);
/* First clear CPU at or after @cpu, or IRQLAB_MAX_CPUS when there is none. */
IRQLAB_EXPORT unsigned irqlab_cpumask_next_zero(const struct irqlab_cpumask *m, unsigned cpu);
/* Last set CPU, or IRQLAB_MAX_CPUS when the mask is empty. */
IRQLAB_EXPORT unsigned irqlab_cpumask_last(const struct irqlab_cpumask *m);

#define irqlab_cpumask_first(m) irqlab_cpumask_next((m), 0)
#define irqlab_for_each_cpu(cpu, m)                                        \
	for ((cpu) = irqlab_cpumask_next((m), 0); (cpu) < IRQLAB_MAX_CPUS; \
	     (cpu) = irqlab_cpumask_next((m), (cpu) + 1))

/*
 * Parses a CPU list such as "0,4,6-9" (ranges inclusive). Every CPU must be below @ncpus.
 * Returns 0, or -EINVAL (malformed, or a range that runs backwards) or -ERANGE (a CPU at or
 * beyond @ncpus); *@bad_pos then holds the offset of the offending character.
 */
IRQLAB_EXPORT int irqlab_cpumask_parse(struct irqlab_cpumask *m, const char *list, unsigned ncpus,
				       size_t *bad_pos);
/*
 * Formats as a compact list ("0-3,8"), or "(none)" for an empty mask. Returns the length the
 * full text needs, like snprintf.
 */
IRQLAB_EXPORT size_t irqlab_cpumask_format(const struct irqlab_cpumask *m, char *buf, size_t len);

#endif
