// SPDX-License-Identifier: MIT
/*
 * MSI message formats: compatibility and remappable (reference/linux.md §5,
 * reference/hyp-vmm.md §1), and the MSI capability's Message Control (hyp-vmm.md §2).
 */
#include <errno.h>

#include "irqlab/msi.h"
#include "x86/bitfield.h"

bool irqlab_delivery_mode_valid(unsigned dlm)
{
	switch (dlm) {
	case IRQLAB_DLM_FIXED:
	case IRQLAB_DLM_LOWEST:
	case IRQLAB_DLM_SMI:
	case IRQLAB_DLM_NMI:
	case IRQLAB_DLM_INIT:
	case IRQLAB_DLM_EXTINT:
		return true;
	default:
		return false;
	}
}

static bool msi_base_ok(const struct irqlab_msi_msg *msg)
{
	return field_get(msg->address_lo, IRQLAB_MSI_ADDR_BASE_MASK, IRQLAB_MSI_ADDR_BASE_SHIFT) ==
	       IRQLAB_MSI_ADDR_BASE_VALUE;
}

int irqlab_msi_compat_encode(const struct irqlab_msi_compat *f, bool ext_dest,
			     struct irqlab_msi_msg *out)
{
	uint32_t addr = IRQLAB_MSI_ADDR_BASE;
	uint32_t data = 0;

	if (f->dest > (ext_dest ? IRQLAB_MSI_EXT_DEST_MAX : IRQLAB_MSI_DEST_MAX))
		return -ERANGE;
	if (!irqlab_delivery_mode_valid(f->delivery_mode))
		return -EINVAL;

	addr |= field_put(f->dest & 0xffu, IRQLAB_MSI_ADDR_DEST_MASK, IRQLAB_MSI_ADDR_DEST_SHIFT);
	addr |= field_put(f->dest >> 8, IRQLAB_MSI_ADDR_EXT_DEST_MASK,
			  IRQLAB_MSI_ADDR_EXT_DEST_SHIFT);
	if (f->dest_logical)
		addr |= IRQLAB_MSI_ADDR_DM;
	if (f->redirect_hint)
		addr |= IRQLAB_MSI_ADDR_RH;

	data |= field_put(f->vector, IRQLAB_MSI_DATA_VECTOR_MASK, IRQLAB_MSI_DATA_VECTOR_SHIFT);
	data |= field_put(f->delivery_mode, IRQLAB_MSI_DATA_DLM_MASK, IRQLAB_MSI_DATA_DLM_SHIFT);
	if (f->data_dest_logical)
		data |= IRQLAB_MSI_DATA_DM;
	if (f->active_low)
		data |= IRQLAB_MSI_DATA_LEVEL;
	if (f->trigger_level)
		data |= IRQLAB_MSI_DATA_TRIGGER;

	out->address_lo = addr;
	out->address_hi = 0;
	out->data = data;
	return 0;
}

int irqlab_msi_compat_decode(const struct irqlab_msi_msg *msg, bool ext_dest,
			     struct irqlab_msi_compat *f)
{
	uint32_t addr = msg->address_lo, data = msg->data;

	if (addr & IRQLAB_MSI_ADDR_FORMAT || !msi_base_ok(msg))
		return -EINVAL;

	f->dest = field_get(addr, IRQLAB_MSI_ADDR_DEST_MASK, IRQLAB_MSI_ADDR_DEST_SHIFT);
	if (ext_dest)
		f->dest |= field_get(addr, IRQLAB_MSI_ADDR_EXT_DEST_MASK,
				     IRQLAB_MSI_ADDR_EXT_DEST_SHIFT)
			   << 8;
	f->dest_logical = addr & IRQLAB_MSI_ADDR_DM;
	f->redirect_hint = addr & IRQLAB_MSI_ADDR_RH;
	f->vector = field_get(data, IRQLAB_MSI_DATA_VECTOR_MASK, IRQLAB_MSI_DATA_VECTOR_SHIFT);
	f->delivery_mode = field_get(data, IRQLAB_MSI_DATA_DLM_MASK, IRQLAB_MSI_DATA_DLM_SHIFT);
	f->data_dest_logical = data & IRQLAB_MSI_DATA_DM;
	f->active_low = data & IRQLAB_MSI_DATA_LEVEL;
	f->trigger_level = data & IRQLAB_MSI_DATA_TRIGGER;
	return 0;
}

struct irqlab_msi_msg irqlab_msi_compat_reserved(const struct irqlab_msi_msg *msg)
{
	struct irqlab_msi_msg bad = {
		.address_lo = msg->address_lo & IRQLAB_MSI_COMPAT_ADDR_RSVD,
		.address_hi = 0,
		.data = msg->data & IRQLAB_MSI_COMPAT_DATA_RSVD,
	};

	return bad;
}

void irqlab_msi_remap_encode(const struct irqlab_msi_remap *f, struct irqlab_msi_msg *out)
{
	uint32_t addr = IRQLAB_MSI_ADDR_BASE | IRQLAB_MSI_ADDR_FORMAT;

	addr |= field_put(f->handle & 0x7fffu, IRQLAB_MSI_ADDR_HANDLE_LO_MASK,
			  IRQLAB_MSI_ADDR_HANDLE_LO_SHIFT);
	if (f->handle & 0x8000u)
		addr |= IRQLAB_MSI_ADDR_HANDLE_15;
	if (f->shv)
		addr |= IRQLAB_MSI_ADDR_SHV;

	out->address_lo = addr;
	out->address_hi = 0;
	out->data = field_put(f->subhandle, IRQLAB_MSI_DATA_SUBHANDLE_MASK,
			      IRQLAB_MSI_DATA_SUBHANDLE_SHIFT);
}

static uint16_t msi_remap_handle(uint32_t addr)
{
	uint32_t handle;

	handle = field_get(addr, IRQLAB_MSI_ADDR_HANDLE_LO_MASK, IRQLAB_MSI_ADDR_HANDLE_LO_SHIFT);
	if (addr & IRQLAB_MSI_ADDR_HANDLE_15)
		handle |= 0x8000u;
	return (uint16_t)handle;
}

int irqlab_msi_remap_decode(const struct irqlab_msi_msg *msg, struct irqlab_msi_remap *f)
{
	if (!irqlab_msi_is_remappable(msg) || !msi_base_ok(msg))
		return -EINVAL;

	f->handle = msi_remap_handle(msg->address_lo);
	f->shv = msg->address_lo & IRQLAB_MSI_ADDR_SHV;
	f->subhandle = field_get(msg->data, IRQLAB_MSI_DATA_SUBHANDLE_MASK,
				 IRQLAB_MSI_DATA_SUBHANDLE_SHIFT);
	return 0;
}

bool irqlab_msi_addr_is_interrupt(const struct irqlab_msi_msg *msg)
{
	return msg->address_hi == 0 && msi_base_ok(msg);
}

bool irqlab_msi_is_remappable(const struct irqlab_msi_msg *msg)
{
	return msg->address_lo & IRQLAB_MSI_ADDR_FORMAT;
}

uint32_t irqlab_msi_remap_index(const struct irqlab_msi_msg *msg)
{
	uint32_t index = msi_remap_handle(msg->address_lo);

	if (msg->address_lo & IRQLAB_MSI_ADDR_SHV)
		index += field_get(msg->data, IRQLAB_MSI_DATA_SUBHANDLE_MASK,
				   IRQLAB_MSI_DATA_SUBHANDLE_SHIFT);
	return index;
}

struct irqlab_msi_msg irqlab_msi_remap_reserved(const struct irqlab_msi_msg *msg)
{
	struct irqlab_msi_msg bad = {
		.address_lo = 0,
		.address_hi = msg->address_hi,
		.data = 0,
	};

	/* Without SHV the data word is not a subhandle (the IO-APIC puts its vector there). */
	if (msg->address_lo & IRQLAB_MSI_ADDR_SHV)
		bad.data = msg->data & ~IRQLAB_MSI_DATA_SUBHANDLE_MASK;
	return bad;
}

int irqlab_msi_ctrl_encode(const struct irqlab_msi_ctrl *f, uint16_t *ctrl)
{
	uint32_t v = 0;

	if (f->mmc > IRQLAB_MSI_MAX_LOG2_VECTORS || f->mme > IRQLAB_MSI_MAX_LOG2_VECTORS)
		return -EINVAL;

	if (f->enable)
		v |= IRQLAB_MSI_CTRL_ENABLE;
	v |= field_put(f->mmc, IRQLAB_MSI_CTRL_MMC_MASK, IRQLAB_MSI_CTRL_MMC_SHIFT);
	v |= field_put(f->mme, IRQLAB_MSI_CTRL_MME_MASK, IRQLAB_MSI_CTRL_MME_SHIFT);
	if (f->addr64)
		v |= IRQLAB_MSI_CTRL_64BIT;
	if (f->per_vector_mask)
		v |= IRQLAB_MSI_CTRL_MASKABLE;
	*ctrl = (uint16_t)v;
	return 0;
}

void irqlab_msi_ctrl_decode(uint16_t ctrl, struct irqlab_msi_ctrl *f)
{
	f->enable = ctrl & IRQLAB_MSI_CTRL_ENABLE;
	f->mmc = field_get(ctrl, IRQLAB_MSI_CTRL_MMC_MASK, IRQLAB_MSI_CTRL_MMC_SHIFT);
	f->mme = field_get(ctrl, IRQLAB_MSI_CTRL_MME_MASK, IRQLAB_MSI_CTRL_MME_SHIFT);
	f->addr64 = ctrl & IRQLAB_MSI_CTRL_64BIT;
	f->per_vector_mask = ctrl & IRQLAB_MSI_CTRL_MASKABLE;
}

int irqlab_msi_multi_data(uint32_t base_data, unsigned nvec, unsigned i, uint32_t *data)
{
	if (nvec == 0 || nvec > (1u << IRQLAB_MSI_MAX_LOG2_VECTORS) || (nvec & (nvec - 1)))
		return -EINVAL;
	if (i >= nvec)
		return -EINVAL;

	/* nvec is a power of two, so nvec - 1 is exactly the low log2(nvec) bits. */
	*data = (base_data & ~(nvec - 1)) | i;
	return 0;
}

bool irqlab_msi_vector_bit(uint32_t reg, unsigned i)
{
	return (reg >> i) & 1u;
}

uint32_t irqlab_msi_vector_bit_set(uint32_t reg, unsigned i, bool on)
{
	return on ? reg | 1u << i : reg & ~(1u << i);
}

uint32_t irqlab_msi_vector_bits_all(unsigned nvec)
{
	return nvec >= 32 ? ~0u : (1u << nvec) - 1;
}

uint8_t irqlab_msi_mme_for(unsigned nvec)
{
	return (uint8_t)(nvec > 1 ? 32 - __builtin_clz(nvec - 1) : 0);
}

uint8_t irqlab_msi_mmc_for(unsigned nvec)
{
	return (uint8_t)(nvec ? __builtin_ctz(nvec) : 0);
}
