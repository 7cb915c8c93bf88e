/* SPDX-License-Identifier: MIT */
/*
 * x86 MSI messages: the compatibility format, the VT-d remappable format, and the PCI MSI
 * capability's Message Control word. This header and src/x86/msi_format.c are the only
 * place these bits are assembled or taken apart; everything else goes through the field
 * structs below.
 *
 * Encoders are strict (they refuse values a field cannot hold or a reserved delivery mode);
 * decoders are total over the format they accept and report what is there, so a model that
 * stores raw words (a device's MSI-X table, a guest's writes) can still see odd values.
 */
#ifndef IRQLAB_MSI_H
#define IRQLAB_MSI_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/export.h"
#include "irqlab/msi_msg.h"

/* Address low word, both formats. */
#define IRQLAB_MSI_ADDR_BASE_MASK  0xfff00000u /* 31:20 */
#define IRQLAB_MSI_ADDR_BASE_SHIFT 20
#define IRQLAB_MSI_ADDR_BASE_VALUE 0xfeeu
#define IRQLAB_MSI_ADDR_BASE	   0xfee00000u
#define IRQLAB_MSI_ADDR_FORMAT	   0x00000010u /* 4: 0 compatibility, 1 remappable */
#define IRQLAB_MSI_ADDR_LOW_MASK   0x00000003u /* 1:0: reserved / don't care */

/* Address low word, compatibility format. */
#define IRQLAB_MSI_ADDR_DEST_MASK      0x000ff000u /* 19:12: dest[7:0] */
#define IRQLAB_MSI_ADDR_DEST_SHIFT     12
#define IRQLAB_MSI_ADDR_EXT_DEST_MASK  0x00000fe0u /* 11:5: dest[14:8], extended dest id */
#define IRQLAB_MSI_ADDR_EXT_DEST_SHIFT 5
#define IRQLAB_MSI_ADDR_RH	       0x00000008u /* 3: redirection hint */
#define IRQLAB_MSI_ADDR_DM	       0x00000004u /* 2: destination mode, 1 = logical */

/* Address low word, remappable format. */
#define IRQLAB_MSI_ADDR_HANDLE_LO_MASK	0x000fffe0u /* 19:5: handle[14:0] */
#define IRQLAB_MSI_ADDR_HANDLE_LO_SHIFT 5
#define IRQLAB_MSI_ADDR_SHV		0x00000008u /* 3: subhandle valid */
#define IRQLAB_MSI_ADDR_HANDLE_15	0x00000004u /* 2: handle[15] */

/* Data word, compatibility format. */
#define IRQLAB_MSI_DATA_VECTOR_MASK  0x000000ffu /* 7:0 */
#define IRQLAB_MSI_DATA_VECTOR_SHIFT 0
#define IRQLAB_MSI_DATA_DLM_MASK     0x00000700u /* 10:8: delivery mode */
#define IRQLAB_MSI_DATA_DLM_SHIFT    8
#define IRQLAB_MSI_DATA_DM	     0x00000800u /* 11: Linux mirrors DM here (RTE layout) */
#define IRQLAB_MSI_DATA_RSVD_MID     0x00003000u /* 13:12: reserved */
#define IRQLAB_MSI_DATA_LEVEL	     0x00004000u /* 14: level assert (Linux: active_low) */
#define IRQLAB_MSI_DATA_TRIGGER	     0x00008000u /* 15: trigger mode, 1 = level */
#define IRQLAB_MSI_DATA_RSVD_HIGH    0xffff0000u /* 31:16: reserved */

/* Data word, remappable format. */
#define IRQLAB_MSI_DATA_SUBHANDLE_MASK	0x0000ffffu /* 15:0 */
#define IRQLAB_MSI_DATA_SUBHANDLE_SHIFT 0

/* Reserved bits of a compatibility-format message (address bit 4 is the format bit). */
#define IRQLAB_MSI_COMPAT_ADDR_RSVD (IRQLAB_MSI_ADDR_LOW_MASK | IRQLAB_MSI_ADDR_FORMAT)
#define IRQLAB_MSI_COMPAT_DATA_RSVD (IRQLAB_MSI_DATA_RSVD_MID | IRQLAB_MSI_DATA_RSVD_HIGH)

/* Largest destination: 8 bits, or 15 with the extended destination id. */
#define IRQLAB_MSI_DEST_MAX	0xffu
#define IRQLAB_MSI_EXT_DEST_MAX 0x7fffu

/* Delivery modes (MSI data 10:8, IRTE DLM, IO-APIC RTE 10:8); 3 and 6 are reserved. */
enum irqlab_delivery_mode {
	IRQLAB_DLM_FIXED = 0,
	IRQLAB_DLM_LOWEST = 1,
	IRQLAB_DLM_SMI = 2,
	IRQLAB_DLM_NMI = 4,
	IRQLAB_DLM_INIT = 5,
	IRQLAB_DLM_EXTINT = 7,
};

/* True for the six architectural delivery modes; false for 3, 6 and anything above 7. */
IRQLAB_EXPORT bool irqlab_delivery_mode_valid(unsigned dlm);

/* Compatibility-format message fields. */
struct irqlab_msi_compat {
	uint32_t dest;		/* APIC id: 0..0xff, or 0..0x7fff with ext dest */
	bool dest_logical;	/* address bit 2 */
	bool redirect_hint;	/* address bit 3 */
	uint8_t vector;		/* data 7:0 */
	uint8_t delivery_mode;	/* data 10:8, enum irqlab_delivery_mode */
	bool data_dest_logical; /* data bit 11 */
	bool active_low;	/* data bit 14, the SDM's "level" (assert) bit */
	bool trigger_level;	/* data bit 15 */
};

/*
 * Builds a compatibility-format message: base 0xFEE, dest[7:0] in 19:12 and, when @ext_dest
 * is allowed, dest[14:8] in 11:5; address_hi = 0. -ERANGE when dest does not fit,
 * -EINVAL for a reserved delivery mode. @out is untouched on error.
 */
IRQLAB_EXPORT int irqlab_msi_compat_encode(const struct irqlab_msi_compat *f, bool ext_dest,
					   struct irqlab_msi_msg *out);
/*
 * -EINVAL when @msg is remappable (address bit 4) or its base is not 0xFEE. Without
 * @ext_dest, address bits 11:5 are ignored, as by a decoder unaware of the extension.
 * address_hi and reserved bits are not looked at; see irqlab_msi_compat_reserved().
 */
IRQLAB_EXPORT int irqlab_msi_compat_decode(const struct irqlab_msi_msg *msg, bool ext_dest,
					   struct irqlab_msi_compat *f);
/*
 * The reserved bits set in a compatibility-format message, as a message-shaped mask:
 * address 1:0 and 4, data 13:12 and 31:16. address_hi carries destination bits in the
 * x2APIC/DMAR conventions, so it is never reported (always 0 in the result).
 */
IRQLAB_EXPORT struct irqlab_msi_msg irqlab_msi_compat_reserved(const struct irqlab_msi_msg *msg);

/* Remappable-format message fields. */
struct irqlab_msi_remap {
	uint16_t handle;    /* handle[14:0] in address 19:5, handle[15] in bit 2 */
	bool shv;	    /* address bit 3: data carries a subhandle */
	uint16_t subhandle; /* data 15:0 */
};

/* Base 0xFEE, format bit 4 = 1, address_hi = 0, data = subhandle. Every input fits. */
IRQLAB_EXPORT void irqlab_msi_remap_encode(const struct irqlab_msi_remap *f,
					   struct irqlab_msi_msg *out);
/* -EINVAL when @msg is not remappable or its base is not 0xFEE. */
IRQLAB_EXPORT int irqlab_msi_remap_decode(const struct irqlab_msi_msg *msg,
					  struct irqlab_msi_remap *f);
/*
 * Whether a write to @msg's address is an interrupt message at all: address_hi = 0 and the
 * base 0xFEE (any other address is a memory write).
 */
IRQLAB_EXPORT bool irqlab_msi_addr_is_interrupt(const struct irqlab_msi_msg *msg);
/* Address bit 4 only; the base is not checked. */
IRQLAB_EXPORT bool irqlab_msi_is_remappable(const struct irqlab_msi_msg *msg);
/*
 * The interrupt index a remapping unit computes: SHV ? handle + data[15:0] : handle.
 * The sum can reach 0x1fffe, beyond 16 bits; the caller checks it against its table size.
 */
IRQLAB_EXPORT uint32_t irqlab_msi_remap_index(const struct irqlab_msi_msg *msg);
/*
 * The bits of a remappable message a remapping unit faults on (reason 0x20): all of
 * address_hi, and data 31:16 when SHV = 1. Address bits 1:0 are don't-care.
 */
IRQLAB_EXPORT struct irqlab_msi_msg irqlab_msi_remap_reserved(const struct irqlab_msi_msg *msg);

/* PCI MSI capability, Message Control (16 bits). */
#define IRQLAB_MSI_CTRL_ENABLE	    0x0001u /* 0 */
#define IRQLAB_MSI_CTRL_MMC_MASK    0x000eu /* 3:1: log2 of vectors the device supports */
#define IRQLAB_MSI_CTRL_MMC_SHIFT   1
#define IRQLAB_MSI_CTRL_MME_MASK    0x0070u /* 6:4: log2 of vectors software enabled */
#define IRQLAB_MSI_CTRL_MME_SHIFT   4
#define IRQLAB_MSI_CTRL_64BIT	    0x0080u /* 7: 64-bit address capable */
#define IRQLAB_MSI_CTRL_MASKABLE    0x0100u /* 8: per-vector masking capable */
#define IRQLAB_MSI_CTRL_RSVD	    0xfe00u /* 15:9: reserved (extended data in PCIe 4.0+) */
#define IRQLAB_MSI_MAX_LOG2_VECTORS 5u	    /* 32 vectors; encodings 6 and 7 are reserved */

struct irqlab_msi_ctrl {
	bool enable;
	uint8_t mmc; /* log2(vectors supported), 0..5 */
	uint8_t mme; /* log2(vectors enabled), 0..5 */
	bool addr64;
	bool per_vector_mask;
};

/* -EINVAL when mmc or mme is above 5 (reserved encodings 6, 7, or wider than 3 bits). */
IRQLAB_EXPORT int irqlab_msi_ctrl_encode(const struct irqlab_msi_ctrl *f, uint16_t *ctrl);
/* Reports mmc/mme as stored, reserved encodings included; bits 15:9 are ignored. */
IRQLAB_EXPORT void irqlab_msi_ctrl_decode(uint16_t ctrl, struct irqlab_msi_ctrl *f);

/*
 * The capability's Mask Bits and Pending Bits registers (32 bits each): vector @i is bit i.
 * @i must be below 32.
 */
IRQLAB_EXPORT bool irqlab_msi_vector_bit(uint32_t reg, unsigned i);
IRQLAB_EXPORT uint32_t irqlab_msi_vector_bit_set(uint32_t reg, unsigned i, bool on);
/* The Mask Bits value with the first @nvec vectors masked (1..32), the reset state. */
IRQLAB_EXPORT uint32_t irqlab_msi_vector_bits_all(unsigned nvec);
/* Message Control's MME for @nvec vectors: the power of two that covers it (order_base_2). */
IRQLAB_EXPORT uint8_t irqlab_msi_mme_for(unsigned nvec);
/* Message Control's MMC for a device of @nvec vectors, a power of two (its log2). */
IRQLAB_EXPORT uint8_t irqlab_msi_mmc_for(unsigned nvec);

/*
 * The data word a multi-MSI device emits for vector @i of @nvec: @base_data with its low
 * log2(@nvec) bits replaced by @i. -EINVAL unless @nvec is a power of two in 1..32 and
 * @i < @nvec.
 */
IRQLAB_EXPORT int irqlab_msi_multi_data(uint32_t base_data, unsigned nvec, unsigned i,
					uint32_t *data);

#endif
