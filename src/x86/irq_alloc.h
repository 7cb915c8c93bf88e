/* SPDX-License-Identifier: MIT */
/*
 * What x86 bus domains tell the parents below them, and ask of them.
 *
 * The hierarchy engine (src/core) passes an allocation's architecture part through without
 * reading it, as Linux's irq_domain_alloc_irqs() passes its void *arg: on x86 that is a
 * struct irq_alloc_info, whose type, device id and IO-APIC fields the vector and remapping
 * domains read. The requirements are what a bus domain states at creation and a parent
 * accepts or refuses (Linux: init_dev_msi_info restricting the child's flags).
 */
#ifndef IRQLAB_X86_IRQ_ALLOC_H
#define IRQLAB_X86_IRQ_ALLOC_H

#include <stdint.h>

/* What kind of bus entry an allocation is for (Linux: X86_IRQ_ALLOC_TYPE_*). */
enum irqlab_alloc_type {
	IRQLAB_ALLOC_GENERIC,
	IRQLAB_ALLOC_PCI_MSI,
	IRQLAB_ALLOC_PCI_MSIX,
	IRQLAB_ALLOC_IMS,
	IRQLAB_ALLOC_IOAPIC,
};

/* The architecture part of struct irqlab_alloc_info (its arch pointer). */
struct irqlab_x86_alloc {
	enum irqlab_alloc_type type;
	uint16_t requester_id; /* the source id the messages carry (irqlab/pci_rid.h) */
	unsigned ioapic_pin;   /* IRQLAB_ALLOC_IOAPIC: the pin */
};

/* The x86 part of an allocation, or NULL when the bus domain gave none. */
static inline const struct irqlab_x86_alloc *irqlab_x86_alloc_of(const void *arch)
{
	return arch;
}

#define IRQLAB_REQ_MULTI_MSI   (1u << 0) /* contiguous aligned blocks behind one message */
#define IRQLAB_REQ_MSIX	       (1u << 1)
#define IRQLAB_REQ_IMS	       (1u << 2) /* device-specific message store */
#define IRQLAB_REQ_QUEUE_STORE (1u << 3) /* store in queue memory: writes are deferred */
#define IRQLAB_REQ_MSI	       (1u << 4)
#define IRQLAB_REQ_IOAPIC      (1u << 5)

/* The names of the requirement bits, for messages ("multi-MSI", "IMS", ...). */
const char *irqlab_req_name(unsigned bit);

#endif
