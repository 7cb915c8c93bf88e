/* SPDX-License-Identifier: MIT */
/* The `show` views of a platform, through the one printing layer (text or JSON). */
#ifndef IRQLAB_SCENARIO_SHOW_H
#define IRQLAB_SCENARIO_SHOW_H

#include "output/output.h"
#include "platform/platform.h"

void irqlab_show_domains(struct irqlab_out *o, struct irqlab_platform *p);
/* @cpu: one CPU, or IRQLAB_MAX_CPUS for all. */
void irqlab_show_vectors(struct irqlab_out *o, struct irqlab_platform *p, unsigned cpu);
void irqlab_show_irq(struct irqlab_out *o, struct irqlab_platform *p, struct irqlab_device *dev,
		     unsigned index);
void irqlab_show_irtes(struct irqlab_out *o, struct irqlab_platform *p);
void irqlab_show_faults(struct irqlab_out *o, struct irqlab_platform *p);
void irqlab_show_stats(struct irqlab_out *o, struct irqlab_platform *p);

#endif
