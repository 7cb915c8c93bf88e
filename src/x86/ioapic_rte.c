// SPDX-License-Identifier: MIT
/* IO-APIC RTE layout, both views (reference/linux.md §5, reference/hyp-vmm.md §2). */
#include <errno.h>

#include "irqlab/ioapic_rte.h"
#include "irqlab/msi.h"
#include "x86/bitfield.h"

/* The status and control bits 16:12, laid out alike in both views. */
static uint64_t rte_put_shared(bool delivery_status, bool active_low, bool remote_irr, bool level,
			       bool masked)
{
	return flag(delivery_status, IRQLAB_RTE_DELIVERY_STATUS) |
	       flag(active_low, IRQLAB_RTE_ACTIVE_LOW) | flag(remote_irr, IRQLAB_RTE_REMOTE_IRR) |
	       flag(level, IRQLAB_RTE_LEVEL) | flag(masked, IRQLAB_RTE_MASKED);
}

/* The 15-bit destination, split over its two fields: dest[7:0] in 63:56, dest[14:8] in 55:49. */
static uint64_t rte_put_dest(uint16_t dest)
{
	return field_put(dest & 0xffu, IRQLAB_RTE_DEST_MASK, IRQLAB_RTE_DEST_SHIFT) |
	       field_put(dest >> 8, IRQLAB_RTE_EXT_DEST_MASK, IRQLAB_RTE_EXT_DEST_SHIFT);
}

static uint16_t rte_dest(uint64_t rte)
{
	return (uint16_t)(field_get(rte, IRQLAB_RTE_EXT_DEST_MASK, IRQLAB_RTE_EXT_DEST_SHIFT) << 8 |
			  field_get(rte, IRQLAB_RTE_DEST_MASK, IRQLAB_RTE_DEST_SHIFT));
}

int irqlab_ioapic_rte_encode_compat(const struct irqlab_ioapic_rte_compat *f, uint64_t *rte)
{
	if (f->dest > IRQLAB_RTE_DEST_MAX)
		return -ERANGE;
	if (!irqlab_delivery_mode_valid(f->delivery_mode))
		return -EINVAL;

	*rte = field_put(f->vector, IRQLAB_RTE_VECTOR_MASK, IRQLAB_RTE_VECTOR_SHIFT) |
	       field_put(f->delivery_mode, IRQLAB_RTE_DLM_MASK, IRQLAB_RTE_DLM_SHIFT) |
	       flag(f->dest_logical, IRQLAB_RTE_DEST_LOGICAL) |
	       rte_put_shared(f->delivery_status, f->active_low, f->remote_irr, f->level,
			      f->masked) |
	       rte_put_dest(f->dest);
	return 0;
}

int irqlab_ioapic_rte_decode_compat(uint64_t rte, struct irqlab_ioapic_rte_compat *f)
{
	if (irqlab_ioapic_rte_is_remapped(rte))
		return -EINVAL;

	f->vector = field_get(rte, IRQLAB_RTE_VECTOR_MASK, IRQLAB_RTE_VECTOR_SHIFT);
	f->delivery_mode = field_get(rte, IRQLAB_RTE_DLM_MASK, IRQLAB_RTE_DLM_SHIFT);
	f->dest_logical = rte & IRQLAB_RTE_DEST_LOGICAL;
	f->delivery_status = rte & IRQLAB_RTE_DELIVERY_STATUS;
	f->active_low = rte & IRQLAB_RTE_ACTIVE_LOW;
	f->remote_irr = rte & IRQLAB_RTE_REMOTE_IRR;
	f->level = rte & IRQLAB_RTE_LEVEL;
	f->masked = rte & IRQLAB_RTE_MASKED;
	f->dest = rte_dest(rte);
	return 0;
}

void irqlab_ioapic_rte_encode_remapped(const struct irqlab_ioapic_rte_remapped *f, uint64_t *rte)
{
	*rte = field_put(f->vector, IRQLAB_RTE_VECTOR_MASK, IRQLAB_RTE_VECTOR_SHIFT) |
	       flag(f->index & 0x8000u, IRQLAB_RTE_INDEX_15) |
	       rte_put_shared(f->delivery_status, f->active_low, f->remote_irr, f->level,
			      f->masked) |
	       IRQLAB_RTE_FORMAT |
	       field_put(f->index & 0x7fffu, IRQLAB_RTE_INDEX_LO_MASK, IRQLAB_RTE_INDEX_LO_SHIFT);
}

static uint16_t rte_index(uint64_t rte)
{
	uint64_t index = field_get(rte, IRQLAB_RTE_INDEX_LO_MASK, IRQLAB_RTE_INDEX_LO_SHIFT);

	if (rte & IRQLAB_RTE_INDEX_15)
		index |= 0x8000u;
	return (uint16_t)index;
}

int irqlab_ioapic_rte_decode_remapped(uint64_t rte, struct irqlab_ioapic_rte_remapped *f)
{
	if (!irqlab_ioapic_rte_is_remapped(rte))
		return -EINVAL;

	f->vector = field_get(rte, IRQLAB_RTE_VECTOR_MASK, IRQLAB_RTE_VECTOR_SHIFT);
	f->index = rte_index(rte);
	f->delivery_status = rte & IRQLAB_RTE_DELIVERY_STATUS;
	f->active_low = rte & IRQLAB_RTE_ACTIVE_LOW;
	f->remote_irr = rte & IRQLAB_RTE_REMOTE_IRR;
	f->level = rte & IRQLAB_RTE_LEVEL;
	f->masked = rte & IRQLAB_RTE_MASKED;
	return 0;
}

bool irqlab_ioapic_rte_is_remapped(uint64_t rte)
{
	return rte & IRQLAB_RTE_FORMAT;
}

uint64_t irqlab_ioapic_rte_reserved(uint64_t rte)
{
	if (irqlab_ioapic_rte_is_remapped(rte))
		return rte & IRQLAB_RTE_REMAPPED_RSVD;
	return rte & IRQLAB_RTE_COMPAT_RSVD;
}

void irqlab_ioapic_rte_to_msi(uint64_t rte, struct irqlab_msi_msg *out)
{
	uint32_t vector = field_get(rte, IRQLAB_RTE_VECTOR_MASK, IRQLAB_RTE_VECTOR_SHIFT);
	/* Bits 10:8 are the delivery mode, or must-be-zero in the remapped view: sent as is. */
	uint32_t dlm = field_get(rte, IRQLAB_RTE_DLM_MASK, IRQLAB_RTE_DLM_SHIFT);

	if (irqlab_ioapic_rte_is_remapped(rte)) {
		struct irqlab_msi_remap r = {.handle = rte_index(rte), .shv = false};

		irqlab_msi_remap_encode(&r, out);
	} else {
		/* 15 bits always fit with the extended id; the delivery mode is set below. */
		struct irqlab_msi_compat c = {
			.dest = rte_dest(rte),
			.dest_logical = rte & IRQLAB_RTE_DEST_LOGICAL,
			.delivery_mode = IRQLAB_DLM_FIXED,
		};

		irqlab_msi_compat_encode(&c, true, out);
	}

	out->data = (vector << IRQLAB_MSI_DATA_VECTOR_SHIFT & IRQLAB_MSI_DATA_VECTOR_MASK) |
		    (dlm << IRQLAB_MSI_DATA_DLM_SHIFT & IRQLAB_MSI_DATA_DLM_MASK) |
		    (rte & IRQLAB_RTE_LEVEL ? IRQLAB_MSI_DATA_TRIGGER : 0);
}

/* A compatibility message: its target, with the extended destination the RTE always has. */
static int rte_from_compat_msi(const struct irqlab_msi_msg *msg,
			       const struct irqlab_ioapic_rte_pin *pin, uint64_t *rte)
{
	struct irqlab_ioapic_rte_compat f = {
		.active_low = pin->active_low,
		.level = pin->level,
		.masked = pin->masked,
	};
	struct irqlab_msi_compat c;

	if (irqlab_msi_compat_decode(msg, true, &c))
		return -EINVAL;
	f.vector = c.vector;
	f.delivery_mode = c.delivery_mode;
	f.dest_logical = c.dest_logical;
	f.dest = (uint16_t)c.dest; /* 15 bits at most: 19:12 and 11:5 */
	return irqlab_ioapic_rte_encode_compat(&f, rte);
}

/* A remappable message: its handle, and the subhandle's low byte in the vector field. */
static int rte_from_remap_msi(const struct irqlab_msi_msg *msg,
			      const struct irqlab_ioapic_rte_pin *pin, uint64_t *rte)
{
	struct irqlab_ioapic_rte_remapped f = {
		.active_low = pin->active_low,
		.level = pin->level,
		.masked = pin->masked,
	};
	struct irqlab_msi_remap r;

	if (irqlab_msi_remap_decode(msg, &r))
		return -EINVAL;
	/* Data 10:8 would land in the remapped view's must-be-zero bits 10:8. */
	if (field_get(msg->data, IRQLAB_MSI_DATA_DLM_MASK, IRQLAB_MSI_DATA_DLM_SHIFT))
		return -EINVAL;
	f.vector = field_get(msg->data, IRQLAB_MSI_DATA_VECTOR_MASK, IRQLAB_MSI_DATA_VECTOR_SHIFT);
	f.index = r.handle;
	irqlab_ioapic_rte_encode_remapped(&f, rte);
	return 0;
}

int irqlab_ioapic_rte_from_msi(const struct irqlab_msi_msg *msg,
			       const struct irqlab_ioapic_rte_pin *pin, uint64_t *rte)
{
	if (msg->address_hi)
		return -ERANGE;
	if (irqlab_msi_is_remappable(msg))
		return rte_from_remap_msi(msg, pin, rte);
	return rte_from_compat_msi(msg, pin, rte);
}
