/* SPDX-License-Identifier: MIT */
/*
 * Devices and their bus domains (PCI-MSI, PCI-MSI-X, IMS).
 *
 * A device stores messages where it reads them: the MSI capability registers, the MSI-X table
 * (16-byte entries in the exact layout) and its pending bits, or an IMS store of slots. Its
 * bus domain is created on the first allocation, names itself as Linux does
 * ("IR-PCI-MSIX-0000:03:00.0"), states its requirements to the parent chain, and only ever
 * stores the message the parents composed.
 */
#ifndef IRQLAB_BUS_DEVICE_H
#define IRQLAB_BUS_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/msi.h"
#include "irqlab/msix.h"
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
	struct irqlab_kernel *owner; /* whose driver the entry serves: isolation is judged by it */
	struct irqlab_irq *irq;	     /* NULL: not allocated */
	bool ims_pending;	     /* IMS: raised while masked (MSI/MSI-X keep it in hardware) */
	bool resend;		     /* unmasked while pending: the message goes out next */
	unsigned long by_class[IRQLAB_MSG_NR_CLASSES]; /* what became of its messages */
	unsigned long delivered;
	struct irqlab_cpu_count *by_cpu; /* deliveries per CPU, in order of first delivery */
	unsigned nr_by_cpu, by_cpu_slots;
	unsigned long unplaced; /* deliveries with no room left to say on which CPU */
};

struct irqlab_device_config {
	const char *name;
	enum irqlab_dev_kind kind;
	uint16_t rid;	  /* requester id: bus<<8 | dev<<3 | fn */
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
	bool maskable;
	bool queue_store;
	struct irqlab_kernel *kernel; /* the kernel whose driver owns it */
	struct {
		unsigned gsi;
		bool level, active_low;
		unsigned pin;	     /* 0..3: INTA..INTD */
		unsigned conditions; /* level: requests raised and not yet serviced (eoi) */
		uint16_t sid;	     /* the IO-APIC's requester id: it sends the messages */
		void *ioapic;	     /* the struct irqlab_ioapic its GSI is on, once allocated */
	} intx;
	struct irqlab_domain *domain; /* created on the first allocation */
	bool multi_msi;		      /* the parent chain offers contiguous blocks */
	struct irqlab_dev_entry *entries;
	unsigned nr_allocated;

	/*
	 * Called after each 32-bit write to a message store (the race explorer's probe): a
	 * device may emit between any two of them.
	 */
	void (*observe)(void *ctx, struct irqlab_device *dev, unsigned index);
	void *observe_ctx;

	/* The stores, in their hardware layouts. */
	struct irqlab_msix_entry *msix_table; /* MSI-X */
	uint16_t msix_ctrl;
	uint8_t *msix_pba; /* the Pending Bit Array, one bit an entry, little-endian */
	struct irqlab_msi_msg *ims_slots; /* IMS: one message a slot */
	bool *ims_masked;
	struct {
		uint16_t ctrl; /* Message Control */
		uint32_t address_lo, address_hi;
		uint16_t data;
		uint32_t mask_bits, pending_bits;
	} msi; /* MSI capability */
};

int irqlab_device_new(struct irqlab_kernel *k, const struct irqlab_device_config *cfg,
		      struct irqlab_device **out);
void irqlab_device_free(struct irqlab_device *dev);

/*
 * Creates the bus domain under @parent if it does not exist yet. -EOPNOTSUPP names the
 * device, the requirement and the parent that refused.
 */
int irqlab_device_domain(struct irqlab_device *dev, struct irqlab_domain *parent);

/*
 * Allocates between @min and @max interrupts at the lowest free entries, all or nothing for
 * each count tried (the largest first). *@granted receives the count.
 */
int irqlab_device_alloc(struct irqlab_device *dev, unsigned min, unsigned max, bool managed,
			unsigned *granted);
/* Frees every interrupt of the device; its domain stays. */
void irqlab_device_free_irqs(struct irqlab_device *dev);

/*
 * What entry @index's store holds (MSI: the shared message with the vector number merged).
 */
int irqlab_device_stored_msg(const struct irqlab_device *dev, unsigned index,
			     struct irqlab_msi_msg *msg);
/* The message entry @index emits now: -EINVAL while MSI or MSI-X is not enabled. */
int irqlab_device_read_msg(const struct irqlab_device *dev, unsigned index,
			   struct irqlab_msi_msg *msg);
/* The 32-bit registers of a message store, in the order a driver writes them. */
enum irqlab_store_reg {
	IRQLAB_STORE_ADDR_LO,
	IRQLAB_STORE_ADDR_HI,
	IRQLAB_STORE_DATA,
};
/* One 32-bit write into entry @index's store, then the observer. */
int irqlab_device_write_reg(struct irqlab_device *dev, unsigned index, enum irqlab_store_reg reg,
			    uint32_t value);
/* Writes the store of entry @index (the `store` statement, or the kernel's driver). */
int irqlab_device_write_msg(struct irqlab_device *dev, unsigned index,
			    const struct irqlab_msi_msg *msg);
bool irqlab_device_masked(const struct irqlab_device *dev, unsigned index);
/* The pending bit of entry @index (MSI-X: its PBA bit; MSI: its Pending Bits bit). */
bool irqlab_device_pending(const struct irqlab_device *dev, unsigned index);
void irqlab_device_set_pending(struct irqlab_device *dev, unsigned index, bool pending);
void irqlab_device_mask(struct irqlab_device *dev, unsigned index);
/* Unmasks; returns true when a pending message must now be sent (and clears it). */
bool irqlab_device_unmask(struct irqlab_device *dev, unsigned index);
bool irqlab_device_can_mask(const struct irqlab_device *dev);
const char *irqlab_device_kind_name(enum irqlab_dev_kind kind);

#endif
