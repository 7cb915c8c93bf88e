/* SPDX-License-Identifier: MIT */
/*
 * The public API's machine is the platform: struct irqlab_machine is never defined, and a
 * pointer to one is a pointer to a struct irqlab_platform. These two helpers are the only
 * place that says so (tests use them to reach the machine's fault injector).
 */
#ifndef IRQLAB_API_API_H
#define IRQLAB_API_API_H

#include "irqlab/irqlab.h"
#include "platform/platform.h"

static inline struct irqlab_platform *irqlab_api_platform(const struct irqlab_machine *m)
{
	return (struct irqlab_platform *)m;
}

static inline struct irqlab_machine *irqlab_api_machine(const struct irqlab_platform *p)
{
	return (struct irqlab_machine *)p;
}

#endif
