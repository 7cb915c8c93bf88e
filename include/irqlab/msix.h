/* SPDX-License-Identifier: MIT */
/*
 * PCI MSI-X: the 16-byte table entry, the capability's Message Control word, and the
 * pending-bit array size. The entry is kept as the bytes a device stores, little-endian,
 * so a table is a plain array of entries that MMIO reads and writes address directly.
 * This header and src/x86/msix_entry.c are the only place these bits are handled.
 */
#ifndef IRQLAB_MSIX_H
#define IRQLAB_MSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/export.h"
#include "irqlab/msi.h"

#define IRQLAB_MSIX_ENTRY_SIZE 16u

struct irqlab_msix_entry {
	uint8_t b[IRQLAB_MSIX_ENTRY_SIZE];
};

/* Dword offsets inside an entry. */
#define IRQLAB_MSIX_ENTRY_ADDR_LO  0u
#define IRQLAB_MSIX_ENTRY_ADDR_HI  4u
#define IRQLAB_MSIX_ENTRY_DATA	   8u
#define IRQLAB_MSIX_ENTRY_VEC_CTRL 12u

/* Vector Control dword. */
#define IRQLAB_MSIX_VEC_CTRL_MASKBIT 0x00000001u /* 0: vector masked */
#define IRQLAB_MSIX_VEC_CTRL_RSVD    0xfffffffeu /* 31:1: reserved */

/*
 * A dword of the entry at @offset (0, 4, 8 or 12), the only accesses the table accepts.
 * -EINVAL for any other offset; @val is untouched then.
 */
IRQLAB_EXPORT int irqlab_msix_entry_read32(const struct irqlab_msix_entry *e, unsigned offset,
					   uint32_t *val);
IRQLAB_EXPORT int irqlab_msix_entry_write32(struct irqlab_msix_entry *e, unsigned offset,
					    uint32_t val);

IRQLAB_EXPORT uint32_t irqlab_msix_entry_addr_lo(const struct irqlab_msix_entry *e);
IRQLAB_EXPORT uint32_t irqlab_msix_entry_addr_hi(const struct irqlab_msix_entry *e);
IRQLAB_EXPORT uint32_t irqlab_msix_entry_data(const struct irqlab_msix_entry *e);
IRQLAB_EXPORT uint32_t irqlab_msix_entry_vec_ctrl(const struct irqlab_msix_entry *e);
IRQLAB_EXPORT void irqlab_msix_entry_set_addr_lo(struct irqlab_msix_entry *e, uint32_t v);
IRQLAB_EXPORT void irqlab_msix_entry_set_addr_hi(struct irqlab_msix_entry *e, uint32_t v);
IRQLAB_EXPORT void irqlab_msix_entry_set_data(struct irqlab_msix_entry *e, uint32_t v);
IRQLAB_EXPORT void irqlab_msix_entry_set_vec_ctrl(struct irqlab_msix_entry *e, uint32_t v);

IRQLAB_EXPORT bool irqlab_msix_entry_masked(const struct irqlab_msix_entry *e);
/* Changes only the mask bit; reserved Vector Control bits keep their value. */
IRQLAB_EXPORT void irqlab_msix_entry_set_masked(struct irqlab_msix_entry *e, bool masked);
/* The reserved Vector Control bits that are set (31:1), 0 when clean. */
IRQLAB_EXPORT uint32_t irqlab_msix_entry_reserved(const struct irqlab_msix_entry *e);

IRQLAB_EXPORT void irqlab_msix_entry_get_msg(const struct irqlab_msix_entry *e,
					     struct irqlab_msi_msg *msg);
/* Writes address and data; Vector Control is left alone. */
IRQLAB_EXPORT void irqlab_msix_entry_set_msg(struct irqlab_msix_entry *e,
					     const struct irqlab_msi_msg *msg);
/* The reset state: everything zero, vector masked. */
IRQLAB_EXPORT void irqlab_msix_entry_reset(struct irqlab_msix_entry *e);

/* MSI-X capability, Message Control (16 bits). */
#define IRQLAB_MSIX_CTRL_TABLE_SIZE_MASK  0x07ffu /* 10:0: table size N - 1 */
#define IRQLAB_MSIX_CTRL_TABLE_SIZE_SHIFT 0
#define IRQLAB_MSIX_CTRL_RSVD		  0x3800u /* 13:11: reserved */
#define IRQLAB_MSIX_CTRL_FUNCTION_MASK	  0x4000u /* 14: mask all vectors */
#define IRQLAB_MSIX_CTRL_ENABLE		  0x8000u /* 15 */

#define IRQLAB_MSIX_MAX_ENTRIES		  2048u

struct irqlab_msix_ctrl {
	unsigned table_size; /* N, the number of entries, 1..2048 (stored as N - 1) */
	bool function_mask;
	bool enable;
};

/* -ERANGE when table_size is 0 or above 2048. */
IRQLAB_EXPORT int irqlab_msix_ctrl_encode(const struct irqlab_msix_ctrl *f, uint16_t *ctrl);
/* Reserved bits 13:11 are ignored. */
IRQLAB_EXPORT void irqlab_msix_ctrl_decode(uint16_t ctrl, struct irqlab_msix_ctrl *f);

/* Bytes of pending-bit array for @nvec entries: one bit each, in whole qwords. */
IRQLAB_EXPORT unsigned irqlab_msix_pba_size(unsigned nvec);
/*
 * The Pending Bit Array as bytes: entry @i is bit i % 8 of byte i / 8 (little-endian qwords
 * read bytewise). The caller keeps @i below the entries the array was sized for.
 */
IRQLAB_EXPORT bool irqlab_msix_pba_pending(const uint8_t *pba, unsigned i);
IRQLAB_EXPORT void irqlab_msix_pba_set_pending(uint8_t *pba, unsigned i, bool pending);

#endif
