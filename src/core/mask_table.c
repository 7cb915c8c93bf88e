// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/mask_table.h"

struct irqlab_mask_entry {
	struct irqlab_mask_entry *next; /* in its bucket */
	unsigned long refs;
	uint64_t hash;
	struct irqlab_cpumask mask;
};

#define FIRST_BUCKETS 64u

static struct irqlab_mask_entry *entry_of(const struct irqlab_cpumask *mask)
{
	return (struct irqlab_mask_entry *)((char *)mask -
					    offsetof(struct irqlab_mask_entry, mask));
}

/* FNV-1a over the words a mask of the kernel can use. */
static uint64_t mask_hash(const struct irqlab_mask_table *t, const struct irqlab_cpumask *mask)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (unsigned w = 0; w < t->words; w++) {
		h ^= mask->bits[w];
		h *= UINT64_C(0x100000001b3);
	}
	return h ^ (h >> 29);
}

int irqlab_mask_table_init(struct irqlab_mask_table *t, unsigned ncpus, struct irqlab_fault *fault)
{
	memset(t, 0, sizeof(*t));
	t->words = (ncpus + 63) / 64;
	t->fault = fault;
	t->buckets = irqlab_fault_zalloc(fault, FIRST_BUCKETS * sizeof(*t->buckets));
	if (!t->buckets)
		return -ENOMEM;
	t->nr_buckets = FIRST_BUCKETS;
	return 0;
}

void irqlab_mask_table_release(struct irqlab_mask_table *t)
{
	for (unsigned b = 0; b < t->nr_buckets; b++) {
		struct irqlab_mask_entry *e, *next;

		for (e = t->buckets[b]; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(t->buckets);
	t->buckets = NULL;
	t->nr_buckets = 0;
	t->nr = 0;
}

/*
 * Twice the buckets when the chains grow long. Only lookups get slower when there is no memory
 * for it, so that failure is absorbed, at its own fault site.
 */
static void maybe_grow(struct irqlab_mask_table *t)
{
	unsigned n = t->nr_buckets * 2;
	struct irqlab_mask_entry **grown;

	if (t->nr < 2ul * t->nr_buckets || irqlab_fault_point(t->fault, "mask-table", -ENOMEM))
		return;
	grown = calloc(n, sizeof(*grown));
	if (!grown)
		return;
	for (unsigned b = 0; b < t->nr_buckets; b++) {
		struct irqlab_mask_entry *e, *next;

		for (e = t->buckets[b]; e; e = next) {
			next = e->next;
			e->next = grown[e->hash & (n - 1)];
			grown[e->hash & (n - 1)] = e;
		}
	}
	free(t->buckets);
	t->buckets = grown;
	t->nr_buckets = n;
}

const struct irqlab_cpumask *irqlab_mask_hold(struct irqlab_mask_table *t,
					      const struct irqlab_cpumask *mask)
{
	uint64_t h = mask_hash(t, mask);
	struct irqlab_mask_entry **bucket = &t->buckets[h & (t->nr_buckets - 1)], *e;

	for (e = *bucket; e; e = e->next)
		if (e->hash == h &&
		    !memcmp(e->mask.bits, mask->bits, t->words * sizeof(uint64_t))) {
			e->refs++;
			return &e->mask;
		}
	e = irqlab_fault_zalloc(t->fault, sizeof(*e));
	if (!e)
		return NULL;
	e->refs = 1;
	e->hash = h;
	memcpy(e->mask.bits, mask->bits, t->words * sizeof(uint64_t));
	e->next = *bucket;
	*bucket = e;
	t->nr++;
	maybe_grow(t);
	return &e->mask;
}

void irqlab_mask_put(struct irqlab_mask_table *t, const struct irqlab_cpumask *mask)
{
	struct irqlab_mask_entry *e, **link;

	if (!mask)
		return;
	e = entry_of(mask);
	if (--e->refs)
		return;
	for (link = &t->buckets[e->hash & (t->nr_buckets - 1)]; *link != e; link = &(*link)->next)
		;
	*link = e->next;
	t->nr--;
	free(e);
}

unsigned long irqlab_mask_table_refs(const struct irqlab_mask_table *t)
{
	unsigned long refs = 0;

	for (unsigned b = 0; b < t->nr_buckets; b++)
		for (const struct irqlab_mask_entry *e = t->buckets[b]; e; e = e->next)
			refs += e->refs;
	return refs;
}

unsigned long irqlab_mask_refs(const struct irqlab_cpumask *mask)
{
	return entry_of(mask)->refs;
}
