// SPDX-License-Identifier: MIT
/*
 * Isolation breaches: every misdelivered message is noted by the entry that sent it and the
 * path it took (the IRTE that let it through, or none; the CPU and vector; whose handler ran),
 * so that `show isolation` can say which entry reached whom, and how.
 */
#include <errno.h>
#include <stdlib.h>

#include "platform/platform.h"

static bool same_breach(const struct irqlab_breach_rec *b, const struct irqlab_breach_rec *r)
{
	return b->dev == r->dev && b->index == r->index && b->at == r->at && b->cpu == r->cpu &&
	       b->vector == r->vector && b->virq == r->virq && b->remapped == r->remapped &&
	       b->irte == r->irte;
}

void irqlab_isolation_record(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			     const struct irqlab_delivery *dl)
{
	struct irqlab_breach_rec r = {
		.dev = dev,
		.index = index,
		.sender = dev->entries[index].owner,
		.remapped = dl->remapped,
		.irte = dl->remapped ? dl->ir.index : 0,
		.sid = dev->rid,
		.at = dl->at,
		.cpu = dl->cpu,
		.vector = dl->vector,
		.virq = dl->irq->virq,
		.handler_dev = dl->irq->dev,
		.handler_index = dl->irq->index,
		.handler_owner = irqlab_irq_owner(dl->irq),
		.count = 1,
	};

	/* A storm repeats one path: look where the last one was first, then everywhere. */
	if (p->last_breach < p->nr_breaches && same_breach(&p->breaches[p->last_breach], &r)) {
		p->breaches[p->last_breach].count++;
		return;
	}
	for (unsigned i = 0; i < p->nr_breaches; i++) {
		if (same_breach(&p->breaches[i], &r)) {
			p->breaches[i].count++;
			p->last_breach = i;
			return;
		}
	}
	if (p->nr_breaches == p->breach_slots) {
		unsigned slots = p->breach_slots ? 2 * p->breach_slots : 4;
		struct irqlab_breach_rec *grown = NULL;

		/* A message that arrived cannot be undone: counted, if not described. */
		if (!irqlab_fault_point(p->fault, "breach", -ENOMEM))
			grown = realloc(p->breaches, slots * sizeof(*grown));
		if (!grown) {
			p->unrecorded++;
			return;
		}
		p->breaches = grown;
		p->breach_slots = slots;
	}
	p->last_breach = p->nr_breaches;
	p->breaches[p->nr_breaches++] = r;
}
