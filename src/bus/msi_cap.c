// SPDX-License-Identifier: MIT
/*
 * The PCI MSI capability as a message store: Message Control, one address/data pair shared
 * by every vector (a multi-MSI device merges the vector number into the data's low bits),
 * and the optional per-vector Mask Bits and Pending Bits (reference/hyp-vmm.md §2).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "bus/store.h"

struct msi_cap {
	struct irqlab_store store;
	uint16_t ctrl; /* Message Control */
	uint32_t address_lo, address_hi;
	uint16_t data;
	uint32_t mask_bits, pending_bits;
};

static struct msi_cap *cap_of(const struct irqlab_store *s)
{
	return (struct msi_cap *)((char *)s - offsetof(struct msi_cap, store));
}

static struct irqlab_msi_ctrl ctrl_of(const struct msi_cap *c)
{
	struct irqlab_msi_ctrl f;

	irqlab_msi_ctrl_decode(c->ctrl, &f);
	return f;
}

static int msi_cap_read(const struct irqlab_store *s, unsigned index, struct irqlab_msi_msg *msg)
{
	const struct msi_cap *c = cap_of(s);
	struct irqlab_msi_ctrl f = ctrl_of(c);
	unsigned nvec = f.enable ? 1u << f.mme : 1;
	uint32_t data;

	/* Only the vectors software enabled exist; the data carries the vector number. */
	if (index >= nvec)
		return -ERANGE;
	irqlab_msi_multi_data(c->data, nvec, index, &data);
	msg->address_lo = c->address_lo;
	msg->address_hi = c->address_hi;
	msg->data = data;
	return 0;
}

static int msi_cap_write32(struct irqlab_store *s, unsigned index, enum irqlab_store_reg reg,
			   uint32_t value)
{
	struct msi_cap *c = cap_of(s);

	/* The capability holds one message; index selects nothing but must be 0. */
	if (index != 0)
		return -ERANGE;
	if (reg == IRQLAB_STORE_ADDR_LO)
		c->address_lo = value;
	else if (reg == IRQLAB_STORE_ADDR_HI)
		c->address_hi = value;
	else
		c->data = (uint16_t)value;
	return 0;
}

static bool msi_cap_can_mask(const struct irqlab_store *s)
{
	return ctrl_of(cap_of(s)).per_vector_mask;
}

static bool msi_cap_masked(const struct irqlab_store *s, unsigned index)
{
	return msi_cap_can_mask(s) && irqlab_msi_vector_bit(cap_of(s)->mask_bits, index);
}

static void msi_cap_mask(struct irqlab_store *s, unsigned index)
{
	struct msi_cap *c = cap_of(s);

	if (msi_cap_can_mask(s))
		c->mask_bits = irqlab_msi_vector_bit_set(c->mask_bits, index, true);
}

static void msi_cap_unmask(struct irqlab_store *s, unsigned index)
{
	struct msi_cap *c = cap_of(s);

	c->mask_bits = irqlab_msi_vector_bit_set(c->mask_bits, index, false);
}

static bool msi_cap_pending(const struct irqlab_store *s, unsigned index)
{
	return irqlab_msi_vector_bit(cap_of(s)->pending_bits, index);
}

static void msi_cap_set_pending(struct irqlab_store *s, unsigned index, bool pending)
{
	struct msi_cap *c = cap_of(s);

	c->pending_bits = irqlab_msi_vector_bit_set(c->pending_bits, index, pending);
}

static bool msi_cap_trappable(const struct irqlab_store *s)
{
	return true; /* config space */
}

static bool msi_cap_enabled(const struct irqlab_store *s)
{
	return ctrl_of(cap_of(s)).enable;
}

static void msi_cap_enable(struct irqlab_store *s, unsigned nvec)
{
	struct msi_cap *c = cap_of(s);
	struct irqlab_msi_ctrl f = ctrl_of(c);

	f.enable = true;
	/* The device is told the power of two that covers nvec (Linux: order_base_2). */
	f.mme = irqlab_msi_mme_for(nvec);
	irqlab_msi_ctrl_encode(&f, &c->ctrl);
}

static void msi_cap_disable(struct irqlab_store *s)
{
	struct msi_cap *c = cap_of(s);
	struct irqlab_msi_ctrl f = ctrl_of(c);

	f.enable = false;
	f.mme = 0;
	irqlab_msi_ctrl_encode(&f, &c->ctrl);
}

static void msi_cap_destroy(struct irqlab_store *s)
{
	free(cap_of(s));
}

static const struct irqlab_store_ops msi_cap_ops = {
	.read = msi_cap_read,
	.write32 = msi_cap_write32,
	.can_mask = msi_cap_can_mask,
	.masked = msi_cap_masked,
	.mask = msi_cap_mask,
	.unmask = msi_cap_unmask,
	.pending = msi_cap_pending,
	.set_pending = msi_cap_set_pending,
	.trappable = msi_cap_trappable,
	.enabled = msi_cap_enabled,
	.enable = msi_cap_enable,
	.disable = msi_cap_disable,
	.destroy = msi_cap_destroy,
};

int irqlab_msi_cap_new(struct irqlab_fault *fault, unsigned nvec, bool maskable,
		       struct irqlab_store **out)
{
	struct irqlab_msi_ctrl f = {
		.mmc = irqlab_msi_mmc_for(nvec),
		.addr64 = true,
		.per_vector_mask = maskable,
	};
	struct msi_cap *c;

	if (nvec == 0 || nvec > 1u << IRQLAB_MSI_MAX_LOG2_VECTORS || (nvec & (nvec - 1)))
		return -EINVAL;
	c = irqlab_fault_zalloc(fault, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->store.ops = &msi_cap_ops;
	c->store.nr = nvec;
	irqlab_msi_ctrl_encode(&f, &c->ctrl);
	/* A maskable function comes out of reset with every vector masked. */
	c->mask_bits = maskable ? irqlab_msi_vector_bits_all(nvec) : 0;
	*out = &c->store;
	return 0;
}
