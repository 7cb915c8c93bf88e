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
 * Entry @index of @dev sends the message it stores, through the fabric; a masked entry only
 * latches its pending bit.
 */
void irqlab_fabric_emit(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index);
/*
 * The host injects @vector into kernel @k's CPU @cpu for entry @index of @dev (a guest's view
 * whose backing a hypercall made): the guest's LAPIC classifies it, and it is counted there.
 */
void irqlab_fabric_inject(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			  unsigned cpu, unsigned vector);
/*
 * Sends again what two-step moves in kernel @k latched (Linux: irq_retrigger, an IPI to the
 * new target).
 */
void irqlab_fabric_flush_retriggers(struct irqlab_kernel *k);
/*
 * The ack of an interrupt that arrived on @cpu: makes the move pending for @irq, if any, with
 * its entry masked where the mask takes effect at once (Linux: __irq_move_irq).
 */
void irqlab_fabric_ack(struct irqlab_machine *p, struct irqlab_irq *irq, unsigned cpu);
/*
 * The first half of an affinity statement: the checks, then for each entry whether its move
 * waits for its next interrupt (@deferred[i]: room for the pending mask is taken) or is made
 * now (every level takes ahead what the move needs). On success nothing below can fail:
 * *@held is the kernel's copy of @mask, which the caller puts back after the commits.
 */
int irqlab_platform_affinity_prepare(struct irqlab_kernel *k, struct irqlab_device *dev,
				     const unsigned *idx, unsigned n,
				     const struct irqlab_cpumask *mask, bool *deferred,
				     const struct irqlab_cpumask **held);
/* The second half, for one entry: the move now, or its pending mask recorded. */
void irqlab_platform_affinity_commit(struct irqlab_kernel *k, struct irqlab_irq *irq,
				     const struct irqlab_cpumask *mask, bool deferred);
/*
 * Moves one interrupt of kernel @k to @mask by the kernel's rules, as an affinity statement
 * does (now, or pending until its next interrupt): all or nothing, the reason in the error.
 */
int irqlab_platform_irq_retarget(struct irqlab_kernel *k, struct irqlab_irq *irq,
				 const struct irqlab_cpumask *mask);
/*
 * Room in the machine's device table for one more, then the device added there (which cannot
 * fail after the reserve): a guest's view of an assigned device is a device of the machine.
 */
int irqlab_platform_devices_reserve(struct irqlab_machine *p);
void irqlab_platform_devices_add(struct irqlab_machine *p, struct irqlab_device *dev);
/* -ERANGE / -EINVAL with a sentence unless every index names an allocated entry of @dev. */
int irqlab_platform_check_allocated(struct irqlab_kernel *k, const char *op,
				    struct irqlab_device *dev, const unsigned *idx, unsigned n);

#endif
