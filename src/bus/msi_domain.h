/* SPDX-License-Identifier: MIT */
/*
 * The bus domain of a device with a message store (PCI-MSI, PCI-MSI-X, IMS) and the driver's
 * allocation of its interrupts (pci_alloc_irq_vectors). The domain is created on the first
 * allocation, names itself as Linux does ("IR-PCI-MSIX-0000:03:00.0"), states its
 * requirements to the parent chain, and only ever stores the message the parents composed.
 */
#ifndef IRQLAB_BUS_MSI_DOMAIN_H
#define IRQLAB_BUS_MSI_DOMAIN_H

#include <stdbool.h>

#include "bus/device.h"

/*
 * Creates the bus domain under @parent if it does not exist yet. -EOPNOTSUPP names the
 * device, the requirement and the parent that refused.
 */
int irqlab_msi_domain_create(struct irqlab_device *dev, struct irqlab_domain *parent);

/*
 * Allocates between @min and @max interrupts at the lowest free entries, all or nothing for
 * each count tried (the largest first); 1 <= @min <= @max, as the caller checked. *@granted
 * receives the count.
 */
int irqlab_msi_domain_alloc(struct irqlab_device *dev, unsigned min, unsigned max, bool managed,
			    unsigned *granted);
/*
 * Frees every interrupt the device's kernel allocated and, when no guest's backing is left,
 * disables its store; its domain stays.
 */
void irqlab_msi_domain_free_irqs(struct irqlab_device *dev);

/*
 * One interrupt for entry @index with affinity @mask, allocated but not activated: the host's
 * backing of an assigned entry (src/hyp/passthrough.c). The domain must exist. Freed with
 * irqlab_msi_domain_free_entry(), which disables the store with the last interrupt.
 */
int irqlab_msi_domain_alloc_entry(struct irqlab_device *dev, unsigned index,
				  const struct irqlab_cpumask *mask, struct irqlab_irq **out);
void irqlab_msi_domain_free_entry(struct irqlab_device *dev, unsigned index);
/* The same for @n vectors of a multi-MSI function from @index: one contiguous block. */
int irqlab_msi_domain_alloc_block(struct irqlab_device *dev, unsigned index, unsigned n,
				  const struct irqlab_cpumask *mask, struct irqlab_irq **out);

#endif
