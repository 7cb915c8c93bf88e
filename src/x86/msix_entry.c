// SPDX-License-Identifier: MIT
/* MSI-X table entry and capability layout (reference/hyp-vmm.md §2). */
#include <errno.h>
#include <string.h>

#include "irqlab/msix.h"

/* Byte-wise so the layout is little-endian whatever the host is. */
static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static bool entry_offset_ok(unsigned offset)
{
	return offset < IRQLAB_MSIX_ENTRY_SIZE && offset % 4 == 0;
}

int irqlab_msix_entry_read32(const struct irqlab_msix_entry *e, unsigned offset, uint32_t *val)
{
	if (!entry_offset_ok(offset))
		return -EINVAL;
	*val = get_le32(&e->b[offset]);
	return 0;
}

int irqlab_msix_entry_write32(struct irqlab_msix_entry *e, unsigned offset, uint32_t val)
{
	if (!entry_offset_ok(offset))
		return -EINVAL;
	put_le32(&e->b[offset], val);
	return 0;
}

uint32_t irqlab_msix_entry_addr_lo(const struct irqlab_msix_entry *e)
{
	return get_le32(&e->b[IRQLAB_MSIX_ENTRY_ADDR_LO]);
}

uint32_t irqlab_msix_entry_addr_hi(const struct irqlab_msix_entry *e)
{
	return get_le32(&e->b[IRQLAB_MSIX_ENTRY_ADDR_HI]);
}

uint32_t irqlab_msix_entry_data(const struct irqlab_msix_entry *e)
{
	return get_le32(&e->b[IRQLAB_MSIX_ENTRY_DATA]);
}

uint32_t irqlab_msix_entry_vec_ctrl(const struct irqlab_msix_entry *e)
{
	return get_le32(&e->b[IRQLAB_MSIX_ENTRY_VEC_CTRL]);
}

void irqlab_msix_entry_set_addr_lo(struct irqlab_msix_entry *e, uint32_t v)
{
	put_le32(&e->b[IRQLAB_MSIX_ENTRY_ADDR_LO], v);
}

void irqlab_msix_entry_set_addr_hi(struct irqlab_msix_entry *e, uint32_t v)
{
	put_le32(&e->b[IRQLAB_MSIX_ENTRY_ADDR_HI], v);
}

void irqlab_msix_entry_set_data(struct irqlab_msix_entry *e, uint32_t v)
{
	put_le32(&e->b[IRQLAB_MSIX_ENTRY_DATA], v);
}

void irqlab_msix_entry_set_vec_ctrl(struct irqlab_msix_entry *e, uint32_t v)
{
	put_le32(&e->b[IRQLAB_MSIX_ENTRY_VEC_CTRL], v);
}

bool irqlab_msix_entry_masked(const struct irqlab_msix_entry *e)
{
	return irqlab_msix_entry_vec_ctrl(e) & IRQLAB_MSIX_VEC_CTRL_MASKBIT;
}

void irqlab_msix_entry_set_masked(struct irqlab_msix_entry *e, bool masked)
{
	uint32_t v = irqlab_msix_entry_vec_ctrl(e) & ~IRQLAB_MSIX_VEC_CTRL_MASKBIT;

	if (masked)
		v |= IRQLAB_MSIX_VEC_CTRL_MASKBIT;
	irqlab_msix_entry_set_vec_ctrl(e, v);
}

uint32_t irqlab_msix_entry_reserved(const struct irqlab_msix_entry *e)
{
	return irqlab_msix_entry_vec_ctrl(e) & IRQLAB_MSIX_VEC_CTRL_RSVD;
}

void irqlab_msix_entry_get_msg(const struct irqlab_msix_entry *e, struct irqlab_msi_msg *msg)
{
	msg->address_lo = irqlab_msix_entry_addr_lo(e);
	msg->address_hi = irqlab_msix_entry_addr_hi(e);
	msg->data = irqlab_msix_entry_data(e);
}

void irqlab_msix_entry_set_msg(struct irqlab_msix_entry *e, const struct irqlab_msi_msg *msg)
{
	irqlab_msix_entry_set_addr_lo(e, msg->address_lo);
	irqlab_msix_entry_set_addr_hi(e, msg->address_hi);
	irqlab_msix_entry_set_data(e, msg->data);
}

void irqlab_msix_entry_reset(struct irqlab_msix_entry *e)
{
	memset(e->b, 0, sizeof(e->b));
	irqlab_msix_entry_set_vec_ctrl(e, IRQLAB_MSIX_VEC_CTRL_MASKBIT);
}

int irqlab_msix_ctrl_encode(const struct irqlab_msix_ctrl *f, uint16_t *ctrl)
{
	uint32_t v;

	if (f->table_size == 0 || f->table_size > IRQLAB_MSIX_MAX_ENTRIES)
		return -ERANGE;

	v = ((f->table_size - 1) << IRQLAB_MSIX_CTRL_TABLE_SIZE_SHIFT) &
	    IRQLAB_MSIX_CTRL_TABLE_SIZE_MASK;
	if (f->function_mask)
		v |= IRQLAB_MSIX_CTRL_FUNCTION_MASK;
	if (f->enable)
		v |= IRQLAB_MSIX_CTRL_ENABLE;
	*ctrl = (uint16_t)v;
	return 0;
}

void irqlab_msix_ctrl_decode(uint16_t ctrl, struct irqlab_msix_ctrl *f)
{
	f->table_size =
		((ctrl & IRQLAB_MSIX_CTRL_TABLE_SIZE_MASK) >> IRQLAB_MSIX_CTRL_TABLE_SIZE_SHIFT) +
		1;
	f->function_mask = ctrl & IRQLAB_MSIX_CTRL_FUNCTION_MASK;
	f->enable = ctrl & IRQLAB_MSIX_CTRL_ENABLE;
}

unsigned irqlab_msix_pba_size(unsigned nvec)
{
	/* ALIGN_UP(nvec, 64) / 8, without overflowing near UINT_MAX. */
	return (nvec / 64u + (nvec % 64u != 0)) * 8u;
}

bool irqlab_msix_pba_pending(const uint8_t *pba, unsigned i)
{
	return (pba[i / 8] >> (i % 8)) & 1u;
}

void irqlab_msix_pba_set_pending(uint8_t *pba, unsigned i, bool pending)
{
	uint8_t bit = (uint8_t)(1u << (i % 8));

	if (pending)
		pba[i / 8] |= bit;
	else
		pba[i / 8] &= (uint8_t)~bit;
}
