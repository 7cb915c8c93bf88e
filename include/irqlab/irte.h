/* SPDX-License-Identifier: MIT */
/*
 * The 128-bit VT-d interrupt remapping table entry (IRTE), in its two views: remapped
 * (IM = 0) and posted (IM = 1). This header and src/x86/irte_format.c are the only place
 * its bits are assembled or taken apart.
 *
 * Bit numbers in the comments are within the 64-bit word; the 128-bit numbering of the
 * VT-d spec is given in brackets for the high word.
 */
#ifndef IRQLAB_IRTE_H
#define IRQLAB_IRTE_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/export.h"
#include "irqlab/msi.h" /* enum irqlab_delivery_mode */

/* One IRTE as it sits in the table: lo = bits 63:0, hi = bits 127:64. */
struct irqlab_irte {
	uint64_t lo;
	uint64_t hi;
};

#define IRQLAB_IRTE_SIZE 16u
/* Tables VT-d describes: 2^(S+1) entries for the IRTA size field S = 0..0xF. */
#define IRQLAB_IRTE_MIN_ENTRIES 2u
#define IRQLAB_IRTE_MAX_ENTRIES 65536u

/* Low word, both views. */
#define IRQLAB_IRTE_LO_P	    UINT64_C(0x0000000000000001) /* 0: present */
#define IRQLAB_IRTE_LO_FPD	    UINT64_C(0x0000000000000002) /* 1: fault processing disable */
#define IRQLAB_IRTE_LO_AVAIL_MASK   UINT64_C(0x0000000000000f00) /* 11:8: software available */
#define IRQLAB_IRTE_LO_AVAIL_SHIFT  8
#define IRQLAB_IRTE_LO_IM	    UINT64_C(0x0000000000008000) /* 15: IRTE mode, 1 = posted */
#define IRQLAB_IRTE_LO_VECTOR_MASK  UINT64_C(0x0000000000ff0000) /* 23:16 */
#define IRQLAB_IRTE_LO_VECTOR_SHIFT 16

/* Low word, remapped view. */
#define IRQLAB_IRTE_LO_DM	 UINT64_C(0x0000000000000004) /* 2: destination mode, 1 = logical */
#define IRQLAB_IRTE_LO_RH	 UINT64_C(0x0000000000000008) /* 3: redirection hint */
#define IRQLAB_IRTE_LO_TM	 UINT64_C(0x0000000000000010) /* 4: trigger mode, 1 = level */
#define IRQLAB_IRTE_LO_DLM_MASK	 UINT64_C(0x00000000000000e0) /* 7:5: delivery mode */
#define IRQLAB_IRTE_LO_DLM_SHIFT 5
#define IRQLAB_IRTE_LO_DST_MASK	 UINT64_C(0xffffffff00000000) /* 63:32: destination */
#define IRQLAB_IRTE_LO_DST_SHIFT 32
#define IRQLAB_IRTE_LO_RSVD	 UINT64_C(0x00000000ff007000) /* 14:12, 31:24 */

/* DST in xAPIC mode (EIME = 0): the 8-bit APIC id in DST bits 15:8 (IRTE bits 47:40). */
#define IRQLAB_IRTE_DST_XAPIC_MASK  0x0000ff00u
#define IRQLAB_IRTE_DST_XAPIC_SHIFT 8

/* Low word, posted view. */
#define IRQLAB_IRTE_LO_URG	   UINT64_C(0x0000000000004000) /* 14: urgent */
#define IRQLAB_IRTE_LO_PDA_MASK	   UINT64_C(0xffffffc000000000) /* 63:38: PDA[31:6] */
#define IRQLAB_IRTE_LO_PDA_SHIFT   38
#define IRQLAB_IRTE_LO_POSTED_RSVD UINT64_C(0x0000003fff0030fc) /* 7:2, 13:12, 37:24 */

/* High word, both views. */
#define IRQLAB_IRTE_HI_SID_MASK	 UINT64_C(0x000000000000ffff) /* 15:0 [79:64]: source id */
#define IRQLAB_IRTE_HI_SID_SHIFT 0
#define IRQLAB_IRTE_HI_SQ_MASK	 UINT64_C(0x0000000000030000) /* 17:16 [81:80]: SID qualifier */
#define IRQLAB_IRTE_HI_SQ_SHIFT	 16
#define IRQLAB_IRTE_HI_SVT_MASK	 UINT64_C(0x00000000000c0000) /* 19:18 [83:82]: validation */
#define IRQLAB_IRTE_HI_SVT_SHIFT 18

/* High word, remapped view. */
#define IRQLAB_IRTE_HI_RSVD UINT64_C(0xfffffffffff00000) /* 63:20 [127:84] */

/* High word, posted view. */
#define IRQLAB_IRTE_HI_PDA_MASK	   UINT64_C(0xffffffff00000000) /* 63:32 [127:96]: PDA[63:32] */
#define IRQLAB_IRTE_HI_PDA_SHIFT   32
#define IRQLAB_IRTE_HI_POSTED_RSVD UINT64_C(0x00000000fff00000) /* 31:20 [95:84] */

/* The posted-interrupt descriptor is 64-byte aligned: PDA bits 5:0 are not stored. */
#define IRQLAB_IRTE_PDA_ALIGN 64u

/* Source validation type (SVT; 3 is reserved) and source-id qualifier (SQ) values. */
enum irqlab_irte_svt {
	IRQLAB_IRTE_SVT_NONE = 0,   /* no verification */
	IRQLAB_IRTE_SVT_SID_SQ = 1, /* compare SID under the SQ mask */
	IRQLAB_IRTE_SVT_BUS = 2,    /* SID = start_bus << 8 | end_bus */
};

enum irqlab_irte_sq {
	IRQLAB_IRTE_SQ_ALL = 0,	    /* compare all 16 bits */
	IRQLAB_IRTE_SQ_IGN_2 = 1,   /* ignore bit 2 */
	IRQLAB_IRTE_SQ_IGN_2_1 = 2, /* ignore bits 2:1 */
	IRQLAB_IRTE_SQ_IGN_2_0 = 3, /* ignore bits 2:0 */
};

/* Remapped-view fields (IM = 0). */
struct irqlab_irte_remapped {
	bool present;
	bool fpd;
	bool dest_logical;
	bool redirect_hint;
	bool trigger_level;
	uint8_t delivery_mode; /* 3 bits, enum irqlab_delivery_mode */
	uint8_t avail;	       /* 4 bits */
	uint8_t vector;
	uint32_t dest; /* the raw DST field; see irqlab_irte_dest_xapic() */
	uint16_t sid;
	uint8_t sq;  /* 2 bits */
	uint8_t svt; /* 2 bits */
};

/* Posted-view fields (IM = 1). */
struct irqlab_irte_posted {
	bool present;
	bool fpd;
	bool urg;
	uint8_t vector; /* the guest vector */
	uint64_t pda;	/* posted-interrupt descriptor address, 64-byte aligned */
	uint8_t avail;	/* 4 bits */
	uint16_t sid;
	uint8_t sq;  /* 2 bits */
	uint8_t svt; /* 2 bits */
};

/*
 * -ERANGE when avail, sq or svt is wider than its field, -EINVAL for a reserved delivery
 * mode. Reserved bits come out zero. @out is untouched on error.
 */
IRQLAB_EXPORT int irqlab_irte_encode_remapped(const struct irqlab_irte_remapped *f,
					      struct irqlab_irte *out);
/* -EINVAL for a posted entry. Reserved bits are not looked at. */
IRQLAB_EXPORT int irqlab_irte_decode_remapped(const struct irqlab_irte *e,
					      struct irqlab_irte_remapped *f);

/* -EINVAL when pda is not 64-byte aligned, -ERANGE when avail, sq or svt does not fit. */
IRQLAB_EXPORT int irqlab_irte_encode_posted(const struct irqlab_irte_posted *f,
					    struct irqlab_irte *out);
/* -EINVAL for an entry that is not posted. Reserved bits are not looked at. */
IRQLAB_EXPORT int irqlab_irte_decode_posted(const struct irqlab_irte *e,
					    struct irqlab_irte_posted *f);

IRQLAB_EXPORT bool irqlab_irte_is_posted(const struct irqlab_irte *e);
/* P, bit 0, in either view. */
IRQLAB_EXPORT bool irqlab_irte_present(const struct irqlab_irte *e);

/*
 * True when @e has reserved bits set for its own view (IM selects it); the offending bits
 * go to @lo_bits and @hi_bits (both set to 0 otherwise; either may be NULL).
 */
IRQLAB_EXPORT bool irqlab_irte_reserved(const struct irqlab_irte *e, uint64_t *lo_bits,
					uint64_t *hi_bits);

/*
 * Destination conventions. xAPIC (EIME = 0): the 8-bit APIC id sits in DST bits 15:8.
 * x2APIC (EIME = 1): DST is the 32-bit APIC id.
 */
IRQLAB_EXPORT uint32_t irqlab_irte_dest_xapic(uint8_t apicid);
/* The APIC id an xAPIC-mode remapping unit reads from DST: (DST & 0xff00) >> 8. */
IRQLAB_EXPORT uint8_t irqlab_irte_xapic_apicid(uint32_t dest);
IRQLAB_EXPORT uint32_t irqlab_irte_dest_x2apic(uint32_t apicid);
IRQLAB_EXPORT uint32_t irqlab_irte_x2apic_apicid(uint32_t dest);
/* DST for @apicid in the mode @eim selects; -ERANGE when @apicid > 0xff without EIM. */
IRQLAB_EXPORT int irqlab_irte_dest_encode(uint32_t apicid, bool eim, uint32_t *dest);
/* The APIC id a remapping unit in the mode @eim selects reads from @dest. */
IRQLAB_EXPORT uint32_t irqlab_irte_dest_decode(uint32_t dest, bool eim);

#endif
