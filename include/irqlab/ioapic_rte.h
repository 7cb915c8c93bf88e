/* SPDX-License-Identifier: MIT */
/*
 * The 64-bit IO-APIC redirection table entry (RTE), in its compatibility view and its
 * remappable (VT-d) view, selected by bit 48. This header and src/x86/ioapic_rte.c are the
 * only place its bits are assembled or taken apart; an RTE is carried as a plain uint64_t
 * (the two 32-bit IOWIN halves are its low and high words).
 */
#ifndef IRQLAB_IOAPIC_RTE_H
#define IRQLAB_IOAPIC_RTE_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/export.h"
#include "irqlab/msi.h"

/* Both views. */
#define IRQLAB_RTE_VECTOR_MASK	   UINT64_C(0x00000000000000ff) /* 7:0 (remapped: the pin) */
#define IRQLAB_RTE_VECTOR_SHIFT	   0
#define IRQLAB_RTE_DELIVERY_STATUS UINT64_C(0x0000000000001000) /* 12: send pending (RO) */
#define IRQLAB_RTE_ACTIVE_LOW	   UINT64_C(0x0000000000002000) /* 13: polarity */
#define IRQLAB_RTE_REMOTE_IRR	   UINT64_C(0x0000000000004000) /* 14: level irq accepted (RO) */
#define IRQLAB_RTE_LEVEL	   UINT64_C(0x0000000000008000) /* 15: trigger mode, 1 = level */
#define IRQLAB_RTE_MASKED	   UINT64_C(0x0000000000010000) /* 16 */
#define IRQLAB_RTE_FORMAT	   UINT64_C(0x0001000000000000) /* 48: 1 = remappable */
#define IRQLAB_RTE_RO_BITS	   (IRQLAB_RTE_DELIVERY_STATUS | IRQLAB_RTE_REMOTE_IRR)

/* Compatibility view (bit 48 = 0). */
#define IRQLAB_RTE_DLM_MASK	  UINT64_C(0x0000000000000700) /* 10:8: delivery mode */
#define IRQLAB_RTE_DLM_SHIFT	  8
#define IRQLAB_RTE_DEST_LOGICAL	  UINT64_C(0x0000000000000800) /* 11 */
#define IRQLAB_RTE_EXT_DEST_MASK  UINT64_C(0x00fe000000000000) /* 55:49: dest[14:8] */
#define IRQLAB_RTE_EXT_DEST_SHIFT 49
#define IRQLAB_RTE_DEST_MASK	  UINT64_C(0xff00000000000000) /* 63:56: dest[7:0] */
#define IRQLAB_RTE_DEST_SHIFT	  56
#define IRQLAB_RTE_COMPAT_RSVD	  UINT64_C(0x0000fffffffe0000) /* 47:17 */

/* Remapped view (bit 48 = 1). */
#define IRQLAB_RTE_IR_ZERO_MASK	  UINT64_C(0x0000000000000700) /* 10:8: must be 0 */
#define IRQLAB_RTE_INDEX_15	  UINT64_C(0x0000000000000800) /* 11: index[15] */
#define IRQLAB_RTE_INDEX_LO_MASK  UINT64_C(0xfffe000000000000) /* 63:49: index[14:0] */
#define IRQLAB_RTE_INDEX_LO_SHIFT 49
#define IRQLAB_RTE_REMAPPED_RSVD  (IRQLAB_RTE_IR_ZERO_MASK | UINT64_C(0x0000fffffffe0000))

/* The destination the two compatibility fields hold together: dest[14:0]. */
#define IRQLAB_RTE_DEST_MAX 0x7fffu

/* Compatibility-view fields. */
struct irqlab_ioapic_rte_compat {
	uint8_t vector;
	uint8_t delivery_mode; /* 3 bits, enum irqlab_delivery_mode */
	bool dest_logical;
	bool delivery_status;
	bool active_low;
	bool remote_irr;
	bool level;
	bool masked;
	/* APIC id, 15 bits: dest[7:0] in 63:56, dest[14:8] (extended destination id) in 55:49. */
	uint16_t dest;
};

/* Remapped-view fields. */
struct irqlab_ioapic_rte_remapped {
	uint8_t vector; /* Linux writes the pin here; the IO-APIC matches EOIs on it */
	uint16_t index; /* IRTE index (the MSI handle) */
	bool delivery_status;
	bool active_low;
	bool remote_irr;
	bool level;
	bool masked;
};

/* -ERANGE when dest exceeds 15 bits, -EINVAL for a reserved delivery mode. */
IRQLAB_EXPORT int irqlab_ioapic_rte_encode_compat(const struct irqlab_ioapic_rte_compat *f,
						  uint64_t *rte);
/* -EINVAL for a remapped-format entry. Reserved bits are not looked at. */
IRQLAB_EXPORT int irqlab_ioapic_rte_decode_compat(uint64_t rte, struct irqlab_ioapic_rte_compat *f);

/* Sets the format bit; every input fits. */
IRQLAB_EXPORT void irqlab_ioapic_rte_encode_remapped(const struct irqlab_ioapic_rte_remapped *f,
						     uint64_t *rte);
/* -EINVAL for a compatibility-format entry. Reserved bits are not looked at. */
IRQLAB_EXPORT int irqlab_ioapic_rte_decode_remapped(uint64_t rte,
						    struct irqlab_ioapic_rte_remapped *f);

IRQLAB_EXPORT bool irqlab_ioapic_rte_is_remapped(uint64_t rte);

/* The reserved bits set in @rte for its own view (bit 48 selects); 0 when clean. */
IRQLAB_EXPORT uint64_t irqlab_ioapic_rte_reserved(uint64_t rte);

/*
 * The message the IO-APIC writes for this pin, as QEMU's IO-APIC composes it:
 * - address: 0xFEE base, RTE bits 63:48 in address 19:4, RTE bit 11 in address bit 2. So a
 *   compatibility entry gives dest[7:0] in 19:12, ext_dest in 11:5 and DM in bit 2; a
 *   remapped entry gives a remappable address with handle = index and SHV = 0.
 * - data: vector | delivery mode (10:8) | trigger (bit 15), in both views. Polarity,
 *   status and remote IRR are not sent.
 * Bits are carried as stored, reserved values included; checking them is the receiver's job.
 */
IRQLAB_EXPORT void irqlab_ioapic_rte_to_msi(uint64_t rte, struct irqlab_msi_msg *out);

/* What an RTE says of its pin rather than of its target (Linux presets these in the entry). */
struct irqlab_ioapic_rte_pin {
	bool level;
	bool active_low;
	bool masked;
};

/*
 * The RTE that makes the IO-APIC send @msg, the message its parent chain composed (Linux's
 * ioapic_setup_msg_from_msi): the inverse of irqlab_ioapic_rte_to_msi(). From the message it
 * takes data 7:0 (the vector, or with IR the subhandle: the pin), data 10:8 (the delivery
 * mode), address bit 2 (DM, or handle[15]) and address 19:4 (format bit, then dest[7:0] and
 * the extended dest[14:8], or handle[14:0]); trigger, polarity and mask come from @pin. The
 * rest has no place in an RTE and is not looked at: address 3 (RH or SHV: the IO-APIC never
 * sends SHV, so its entry is the handle's own) and 1:0, data 31:11 (trigger and level assert
 * included). Remote IRR and delivery status come out clear: they are the IO-APIC's.
 * -EINVAL for a base other than 0xFEE, a reserved delivery mode (compatibility), or data bits
 * 10:8 set in a remappable message (a subhandle wider than the 8-bit vector field: those RTE
 * bits must be zero); -ERANGE for address_hi set (a destination above 15 bits). @rte is
 * untouched on error.
 */
IRQLAB_EXPORT int irqlab_ioapic_rte_from_msi(const struct irqlab_msi_msg *msg,
					     const struct irqlab_ioapic_rte_pin *pin,
					     uint64_t *rte);

#endif
