// SPDX-License-Identifier: MIT
/*
 * An IMS store: device-specific slots, one message each, with a mask and a pending bit of
 * the device's own. In device memory a hypervisor can trap its writes; in queue memory (a
 * descriptor the device fetches) it cannot.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "bus/store.h"

struct ims_store {
	struct irqlab_store store;
	bool queue_memory;
	struct irqlab_msi_msg *slots;
	bool *masked;
	bool *pending; /* raised while masked */
};

static struct ims_store *ims_of(const struct irqlab_store *s)
{
	return (struct ims_store *)((char *)s - offsetof(struct ims_store, store));
}

static int ims_read(const struct irqlab_store *s, unsigned index, struct irqlab_msi_msg *msg)
{
	*msg = ims_of(s)->slots[index];
	return 0;
}

static int ims_write32(struct irqlab_store *s, unsigned index, enum irqlab_store_reg reg,
		       uint32_t value)
{
	struct irqlab_msi_msg *slot = &ims_of(s)->slots[index];

	if (reg == IRQLAB_STORE_ADDR_LO)
		slot->address_lo = value;
	else if (reg == IRQLAB_STORE_ADDR_HI)
		slot->address_hi = value;
	else
		slot->data = value;
	return 0;
}

static bool ims_masked(const struct irqlab_store *s, unsigned index)
{
	return ims_of(s)->masked[index];
}

static void ims_mask(struct irqlab_store *s, unsigned index)
{
	ims_of(s)->masked[index] = true;
}

static void ims_unmask(struct irqlab_store *s, unsigned index)
{
	ims_of(s)->masked[index] = false;
}

static bool ims_pending(const struct irqlab_store *s, unsigned index)
{
	return ims_of(s)->pending[index];
}

static void ims_set_pending(struct irqlab_store *s, unsigned index, bool pending)
{
	ims_of(s)->pending[index] = pending;
}

static bool ims_trappable(const struct irqlab_store *s)
{
	return !ims_of(s)->queue_memory;
}

static void ims_destroy(struct irqlab_store *s)
{
	struct ims_store *ims = ims_of(s);

	free(ims->slots);
	free(ims->masked);
	free(ims->pending);
	free(ims);
}

/* No enable bit: a slot is live once written. */
static const struct irqlab_store_ops ims_store_ops = {
	.read = ims_read,
	.write32 = ims_write32,
	.masked = ims_masked,
	.mask = ims_mask,
	.unmask = ims_unmask,
	.pending = ims_pending,
	.set_pending = ims_set_pending,
	.trappable = ims_trappable,
	.destroy = ims_destroy,
};

int irqlab_ims_store_new(struct irqlab_fault *fault, unsigned nr, bool queue_memory,
			 struct irqlab_store **out)
{
	struct ims_store *ims;

	if (nr == 0)
		return -EINVAL;
	ims = irqlab_fault_zalloc(fault, sizeof(*ims));
	if (!ims)
		return -ENOMEM;
	ims->store.ops = &ims_store_ops;
	ims->store.nr = nr;
	ims->queue_memory = queue_memory;
	ims->slots = irqlab_fault_zalloc(fault, nr * sizeof(*ims->slots));
	ims->masked = irqlab_fault_zalloc(fault, nr * sizeof(*ims->masked));
	ims->pending = irqlab_fault_zalloc(fault, nr * sizeof(*ims->pending));
	if (!ims->slots || !ims->masked || !ims->pending) {
		ims_destroy(&ims->store);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < nr; i++)
		ims->masked[i] = true;
	*out = &ims->store;
	return 0;
}
