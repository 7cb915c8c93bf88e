// SPDX-License-Identifier: MIT
/* VT-d IRTE layout, remapped and posted views (reference/hyp-vmm.md §1, linux.md §5). */
#include <errno.h>

#include "irqlab/irte.h"
#include "irqlab/msi.h"
#include "x86/bitfield.h"

/* Fits a value into a field: true when nothing would be lost. */
static inline bool field_fits(uint64_t val, uint64_t mask, unsigned shift)
{
	return ((val << shift) & mask) >> shift == val;
}

/* The high-word fields both views share. */
static int irte_hi_common(uint16_t sid, uint8_t sq, uint8_t svt, uint64_t *hi)
{
	if (!field_fits(sq, IRQLAB_IRTE_HI_SQ_MASK, IRQLAB_IRTE_HI_SQ_SHIFT) ||
	    !field_fits(svt, IRQLAB_IRTE_HI_SVT_MASK, IRQLAB_IRTE_HI_SVT_SHIFT))
		return -ERANGE;
	*hi = field_put(sid, IRQLAB_IRTE_HI_SID_MASK, IRQLAB_IRTE_HI_SID_SHIFT) |
	      field_put(sq, IRQLAB_IRTE_HI_SQ_MASK, IRQLAB_IRTE_HI_SQ_SHIFT) |
	      field_put(svt, IRQLAB_IRTE_HI_SVT_MASK, IRQLAB_IRTE_HI_SVT_SHIFT);
	return 0;
}

int irqlab_irte_encode_remapped(const struct irqlab_irte_remapped *f, struct irqlab_irte *out)
{
	uint64_t lo, hi;
	int ret;

	if (!field_fits(f->avail, IRQLAB_IRTE_LO_AVAIL_MASK, IRQLAB_IRTE_LO_AVAIL_SHIFT))
		return -ERANGE;
	ret = irte_hi_common(f->sid, f->sq, f->svt, &hi);
	if (ret)
		return ret;
	if (!irqlab_delivery_mode_valid(f->delivery_mode))
		return -EINVAL;

	lo = flag(f->present, IRQLAB_IRTE_LO_P) | flag(f->fpd, IRQLAB_IRTE_LO_FPD) |
	     flag(f->dest_logical, IRQLAB_IRTE_LO_DM) | flag(f->redirect_hint, IRQLAB_IRTE_LO_RH) |
	     flag(f->trigger_level, IRQLAB_IRTE_LO_TM) |
	     field_put(f->delivery_mode, IRQLAB_IRTE_LO_DLM_MASK, IRQLAB_IRTE_LO_DLM_SHIFT) |
	     field_put(f->avail, IRQLAB_IRTE_LO_AVAIL_MASK, IRQLAB_IRTE_LO_AVAIL_SHIFT) |
	     field_put(f->vector, IRQLAB_IRTE_LO_VECTOR_MASK, IRQLAB_IRTE_LO_VECTOR_SHIFT) |
	     field_put(f->dest, IRQLAB_IRTE_LO_DST_MASK, IRQLAB_IRTE_LO_DST_SHIFT);

	out->lo = lo;
	out->hi = hi;
	return 0;
}

int irqlab_irte_decode_remapped(const struct irqlab_irte *e, struct irqlab_irte_remapped *f)
{
	uint64_t lo = e->lo, hi = e->hi;

	if (irqlab_irte_is_posted(e))
		return -EINVAL;

	f->present = lo & IRQLAB_IRTE_LO_P;
	f->fpd = lo & IRQLAB_IRTE_LO_FPD;
	f->dest_logical = lo & IRQLAB_IRTE_LO_DM;
	f->redirect_hint = lo & IRQLAB_IRTE_LO_RH;
	f->trigger_level = lo & IRQLAB_IRTE_LO_TM;
	f->delivery_mode = field_get(lo, IRQLAB_IRTE_LO_DLM_MASK, IRQLAB_IRTE_LO_DLM_SHIFT);
	f->avail = field_get(lo, IRQLAB_IRTE_LO_AVAIL_MASK, IRQLAB_IRTE_LO_AVAIL_SHIFT);
	f->vector = field_get(lo, IRQLAB_IRTE_LO_VECTOR_MASK, IRQLAB_IRTE_LO_VECTOR_SHIFT);
	f->dest = field_get(lo, IRQLAB_IRTE_LO_DST_MASK, IRQLAB_IRTE_LO_DST_SHIFT);
	f->sid = field_get(hi, IRQLAB_IRTE_HI_SID_MASK, IRQLAB_IRTE_HI_SID_SHIFT);
	f->sq = field_get(hi, IRQLAB_IRTE_HI_SQ_MASK, IRQLAB_IRTE_HI_SQ_SHIFT);
	f->svt = field_get(hi, IRQLAB_IRTE_HI_SVT_MASK, IRQLAB_IRTE_HI_SVT_SHIFT);
	return 0;
}

int irqlab_irte_encode_posted(const struct irqlab_irte_posted *f, struct irqlab_irte *out)
{
	uint64_t lo, hi;
	int ret;

	if (f->pda & (IRQLAB_IRTE_PDA_ALIGN - 1))
		return -EINVAL;
	if (!field_fits(f->avail, IRQLAB_IRTE_LO_AVAIL_MASK, IRQLAB_IRTE_LO_AVAIL_SHIFT))
		return -ERANGE;
	ret = irte_hi_common(f->sid, f->sq, f->svt, &hi);
	if (ret)
		return ret;

	/* PDA[31:6] goes to lo 63:38, PDA[63:32] to hi 63:32. */
	hi |= field_put(f->pda >> 32, IRQLAB_IRTE_HI_PDA_MASK, IRQLAB_IRTE_HI_PDA_SHIFT);
	lo = flag(f->present, IRQLAB_IRTE_LO_P) | flag(f->fpd, IRQLAB_IRTE_LO_FPD) |
	     field_put(f->avail, IRQLAB_IRTE_LO_AVAIL_MASK, IRQLAB_IRTE_LO_AVAIL_SHIFT) |
	     flag(f->urg, IRQLAB_IRTE_LO_URG) | IRQLAB_IRTE_LO_IM |
	     field_put(f->vector, IRQLAB_IRTE_LO_VECTOR_MASK, IRQLAB_IRTE_LO_VECTOR_SHIFT) |
	     field_put((f->pda & UINT64_C(0xffffffff)) >> 6, IRQLAB_IRTE_LO_PDA_MASK,
		       IRQLAB_IRTE_LO_PDA_SHIFT);

	out->lo = lo;
	out->hi = hi;
	return 0;
}

int irqlab_irte_decode_posted(const struct irqlab_irte *e, struct irqlab_irte_posted *f)
{
	uint64_t lo = e->lo, hi = e->hi;

	if (!irqlab_irte_is_posted(e))
		return -EINVAL;

	f->present = lo & IRQLAB_IRTE_LO_P;
	f->fpd = lo & IRQLAB_IRTE_LO_FPD;
	f->urg = lo & IRQLAB_IRTE_LO_URG;
	f->avail = field_get(lo, IRQLAB_IRTE_LO_AVAIL_MASK, IRQLAB_IRTE_LO_AVAIL_SHIFT);
	f->vector = field_get(lo, IRQLAB_IRTE_LO_VECTOR_MASK, IRQLAB_IRTE_LO_VECTOR_SHIFT);
	f->pda = field_get(hi, IRQLAB_IRTE_HI_PDA_MASK, IRQLAB_IRTE_HI_PDA_SHIFT) << 32 |
		 field_get(lo, IRQLAB_IRTE_LO_PDA_MASK, IRQLAB_IRTE_LO_PDA_SHIFT) << 6;
	f->sid = field_get(hi, IRQLAB_IRTE_HI_SID_MASK, IRQLAB_IRTE_HI_SID_SHIFT);
	f->sq = field_get(hi, IRQLAB_IRTE_HI_SQ_MASK, IRQLAB_IRTE_HI_SQ_SHIFT);
	f->svt = field_get(hi, IRQLAB_IRTE_HI_SVT_MASK, IRQLAB_IRTE_HI_SVT_SHIFT);
	return 0;
}

bool irqlab_irte_is_posted(const struct irqlab_irte *e)
{
	return e->lo & IRQLAB_IRTE_LO_IM;
}

bool irqlab_irte_present(const struct irqlab_irte *e)
{
	return e->lo & IRQLAB_IRTE_LO_P;
}

bool irqlab_irte_reserved(const struct irqlab_irte *e, uint64_t *lo_bits, uint64_t *hi_bits)
{
	uint64_t lo, hi;

	if (irqlab_irte_is_posted(e)) {
		lo = e->lo & IRQLAB_IRTE_LO_POSTED_RSVD;
		hi = e->hi & IRQLAB_IRTE_HI_POSTED_RSVD;
	} else {
		lo = e->lo & IRQLAB_IRTE_LO_RSVD;
		hi = e->hi & IRQLAB_IRTE_HI_RSVD;
	}
	if (lo_bits)
		*lo_bits = lo;
	if (hi_bits)
		*hi_bits = hi;
	return lo || hi;
}

uint32_t irqlab_irte_dest_xapic(uint8_t apicid)
{
	return ((uint32_t)apicid << IRQLAB_IRTE_DST_XAPIC_SHIFT) & IRQLAB_IRTE_DST_XAPIC_MASK;
}

uint8_t irqlab_irte_xapic_apicid(uint32_t dest)
{
	return (uint8_t)((dest & IRQLAB_IRTE_DST_XAPIC_MASK) >> IRQLAB_IRTE_DST_XAPIC_SHIFT);
}

uint32_t irqlab_irte_dest_x2apic(uint32_t apicid)
{
	return apicid;
}

uint32_t irqlab_irte_x2apic_apicid(uint32_t dest)
{
	return dest;
}

int irqlab_irte_dest_encode(uint32_t apicid, bool eim, uint32_t *dest)
{
	if (eim) {
		*dest = irqlab_irte_dest_x2apic(apicid);
		return 0;
	}
	if (apicid > 0xffu)
		return -ERANGE;
	*dest = irqlab_irte_dest_xapic((uint8_t)apicid);
	return 0;
}

uint32_t irqlab_irte_dest_decode(uint32_t dest, bool eim)
{
	return eim ? irqlab_irte_x2apic_apicid(dest) : irqlab_irte_xapic_apicid(dest);
}
