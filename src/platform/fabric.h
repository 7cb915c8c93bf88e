/* SPDX-License-Identifier: MIT */
/* Internal to the platform: the fabric's routing, shared by delivery and the race explorer. */
#ifndef IRQLAB_PLATFORM_FABRIC_H
#define IRQLAB_PLATFORM_FABRIC_H

#include "core/mode.h"
#include "platform/platform.h"

/*
 * Where @msg from entry @index of @dev goes. With IRQLAB_COMMIT the model changes as it does
 * when a message really arrives (faults recorded, moves completed); with IRQLAB_PROBE it is
 * only looked at.
 */
void irqlab_fabric_route(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			 const struct irqlab_msi_msg *msg, struct irqlab_delivery *dl,
			 enum irqlab_mode mode);
/*
 * Sends again what two-step moves in kernel @k latched (Linux: irq_retrigger, an IPI to the
 * new target).
 */
void irqlab_fabric_flush_retriggers(struct irqlab_kernel *k);
/*
 * The first half of an affinity statement: the checks, then every level of every entry takes
 * ahead what the move needs. On success the moves cannot fail for want of a resource.
 */
int irqlab_platform_affinity_prepare(struct irqlab_kernel *k, struct irqlab_device *dev,
				     const unsigned *idx, unsigned n,
				     const struct irqlab_cpumask *mask);
/* -ERANGE / -EINVAL with a sentence unless every index names an allocated entry of @dev. */
int irqlab_platform_check_allocated(struct irqlab_kernel *k, const char *op,
				    struct irqlab_device *dev, const unsigned *idx, unsigned n);

#endif
