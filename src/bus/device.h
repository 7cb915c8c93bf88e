/* SPDX-License-Identifier: MIT */
/*
 * Devices: a PCI function (or a sub-device behind one) with its requester id, one message
 * store (MSI capability, MSI-X table or IMS slots, src/bus/store.h) or an INTx pin
 * (src/bus/intx_line.h), and the model's view of each entry: the interrupt the kernel
 * allocated to it and what became of its messages. The driver side, the bus domain that
 * allocates and writes the store, is src/bus/msi_domain.c.
 */
#ifndef IRQLAB_BUS_DEVICE_H
#define IRQLAB_BUS_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/msi.h"
#include "bus/intx_line.h"
#include "bus/store.h"
#include "core/irqdomain.h"
#include "core/msg_class.h"

enum irqlab_dev_kind {
	IRQLAB_DEV_MSI,
	IRQLAB_DEV_MSIX,
	IRQLAB_DEV_IMS,
	IRQLAB_DEV_INTX,
};

struct irqlab_cpu_count {
	unsigned cpu;
	unsigned long count;
};

/* One MSI vector, MSI-X entry or IMS slot, as the kernel and the model see it. */
struct irqlab_dev_entry {
	/*
	 * Whose driver the entry serves: isolation is judged by it. A view's entries that were
	 * not assigned to its guest have none.
	 */
	struct irqlab_kernel *owner;
	/* NULL: not allocated. A physical entry assigned to a guest: the host's backing. */
	struct irqlab_irq *irq;
	bool resend; /* unmasked while pending: the message goes out next */
	bool named;  /* in the index list being checked (see check_indexes) */
	unsigned long by_class[IRQLAB_MSG_NR_CLASSES]; /* what became of its messages */
	unsigned long delivered;
	struct irqlab_cpu_count *by_cpu; /* deliveries per CPU, in order of first delivery */
	unsigned nr_by_cpu, by_cpu_slots;
	unsigned long unplaced; /* deliveries with no room left to say on which CPU */
};

struct irqlab_device_config {
	const char *name;
	enum irqlab_dev_kind kind;
	uint16_t rid;	  /* requester id (include/irqlab/pci_rid.h) */
	unsigned nr;	  /* MSI vectors (1..32), MSI-X entries, IMS slots */
	bool maskable;	  /* MSI per-vector masking */
	bool queue_store; /* IMS in queue memory */
	/* INTx: the pin's GSI, trigger and polarity, and which of INTA..INTD it is. */
	unsigned gsi;
	bool level, active_low;
	unsigned intx_pin;
};

struct irqlab_device {
	char name[64];
	char bdf[16]; /* "0000:03:00.0" */
	enum irqlab_dev_kind kind;
	uint16_t rid;
	unsigned nr;
	struct irqlab_kernel *kernel; /* the kernel whose driver owns it */
	/*
	 * Its VMM delivers its messages inside the VM, never through the host: a VM's emulated
	 * device, or a guest's view of an assigned device whose store the VMM traps.
	 */
	bool emulated;
	/*
	 * A guest's view of an assigned host device (src/platform/passthrough.h): the physical
	 * device, the VMM's state for this guest, and the next view of the same device.
	 */
	struct irqlab_device *phys;
	struct irqlab_passthrough *pt;
	struct irqlab_device *next_view;
	struct irqlab_device *next_in_guest; /* the next view its guest drives */
	struct irqlab_device *views;	     /* a physical device: its views, one per guest */
	unsigned nr_assigned;		     /* a physical device: its entries some guest owns */
	/* The host's domain of the backings hypercalls asked for (src/platform/hcall.h). */
	struct irqlab_domain *hcall_domain;
	bool hcall_domain_used;	      /* it has backed an interrupt: it stays, as domains do */
	bool store_borrowed;	      /* a view without a trap writes the device's own store */
	struct irqlab_store *store;   /* MSI, MSI-X, IMS; NULL for INTx */
	struct irqlab_intx_line intx; /* INTx */
	struct irqlab_domain *domain; /* created on the first allocation */
	bool multi_msi;		      /* the parent chain offers contiguous blocks */
	struct irqlab_dev_entry *entries;
	unsigned nr_allocated;
	unsigned nr_resend; /* entries with resend set */
	bool dirty;	    /* its delivery counts changed since the last check */
	unsigned slot;	    /* its place in the machine's devices[] */
};

int irqlab_device_new(struct irqlab_kernel *k, const struct irqlab_device_config *cfg,
		      struct irqlab_device **out);
void irqlab_device_free(struct irqlab_device *dev);
/*
 * A guest's view of @phys for kernel @k: the same kind, name, requester id and entries, none
 * of them owned yet; a store of its own (the VMM's emulation) or, with @borrow, @phys's.
 */
int irqlab_device_new_view(struct irqlab_kernel *k, struct irqlab_device *phys, bool borrow,
			   struct irqlab_device **out);
/* The kernel whose driver serves entry @index (NULL: no one's, in this view). */
static inline struct irqlab_kernel *irqlab_device_entry_owner(const struct irqlab_device *dev,
							      unsigned index)
{
	return dev->entries[index].owner;
}
/* The kernel that owns the interrupt @irq handles: its entry's owner, or its own kernel. */
struct irqlab_kernel *irqlab_irq_owner(const struct irqlab_irq *irq);
/*
 * Sets or clears entry @i's resend, keeping the device's count of them and its kernel's count
 * of devices with any.
 */
void irqlab_device_set_resend(struct irqlab_device *dev, unsigned i, bool resend);
const char *irqlab_device_kind_name(enum irqlab_dev_kind kind);

/*
 * The device's store, seen from the fabric and the platform. An INTx device has none: its
 * entry is never masked or pending here (the IO-APIC pin is), and reads and writes give
 * -EOPNOTSUPP. Every index beyond the device gives -ERANGE.
 */
/* What entry @index's store holds (MSI: the shared message with the vector number merged). */
int irqlab_device_stored_msg(const struct irqlab_device *dev, unsigned index,
			     struct irqlab_msi_msg *msg);
/* The message entry @index emits now: -EINVAL while MSI or MSI-X is not enabled. */
int irqlab_device_read_msg(const struct irqlab_device *dev, unsigned index,
			   struct irqlab_msi_msg *msg);
/* Writes the store of entry @index (the `store` statement, or the kernel's driver). */
int irqlab_device_write_msg(struct irqlab_device *dev, unsigned index,
			    const struct irqlab_msi_msg *msg);
bool irqlab_device_can_mask(const struct irqlab_device *dev);
/*
 * Whether masking an entry takes effect before the next message the device sends: its store
 * is in device memory with a mask (not an INTx pin, not IMS in queue memory, which the device
 * reads when it next works the queue).
 */
bool irqlab_device_masks_at_once(const struct irqlab_device *dev);
bool irqlab_device_masked(const struct irqlab_device *dev, unsigned index);
/* The pending bit of entry @index (MSI-X: its PBA bit; MSI: its Pending Bits bit). */
bool irqlab_device_pending(const struct irqlab_device *dev, unsigned index);
void irqlab_device_set_pending(struct irqlab_device *dev, unsigned index, bool pending);
void irqlab_device_mask(struct irqlab_device *dev, unsigned index);
/* Unmasks; returns true when a pending message must now be sent (and clears it). */
bool irqlab_device_unmask(struct irqlab_device *dev, unsigned index);

#endif
