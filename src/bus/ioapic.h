/* SPDX-License-Identifier: MIT */
/*
 * The IO-APIC: its redirection table (nr_pins 64-bit RTEs in the exact layout of
 * irqlab/ioapic_rte.h), its input lines, and its bus domain ("IO-APIC-<id>", or
 * "IR-IO-APIC-<id>" under a remap domain).
 *
 * Two halves, as in a real machine. The domain is what the kernel programs (Linux's
 * mp_irqdomain): allocation takes a vector (and an IRTE with IR) for one pin, activation writes
 * the pin's RTE, an affinity change rewrites it or, with IR, leaves it to the IRTE. The line
 * events are what the hardware does (QEMU's ioapic_set_irq / ioapic_service /
 * ioapic_eoi_broadcast, reference/hyp-vmm.md §2): edge and level trigger, remote IRR, the EOI
 * that re-sends while a level line stays asserted. Each event returns the messages the IO-APIC
 * writes now, composed from the RTE by irqlab_ioapic_rte_to_msi(); the caller delivers them.
 *
 * Pins are named by GSI everywhere (pin = gsi - gsi_base). A GSI that is not on this IO-APIC is
 * -ERANGE, with a sentence in the kernel's error naming the IO-APIC and the GSI.
 */
#ifndef IRQLAB_BUS_IOAPIC_H
#define IRQLAB_BUS_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/msi.h"
#include "core/irqdomain.h"

/* The RTE vector field is 8 bits and, with IR, holds the pin: at most 256 pins. */
#define IRQLAB_IOAPIC_MAX_PINS 256u

struct irqlab_ioapic;

/*
 * An IO-APIC of kernel @k with @nr_pins pins (1..256) serving GSIs gsi_base..gsi_base +
 * nr_pins - 1, and requester id @sid (the source id its messages carry to an IR unit:
 * bus<<8 | dev<<3 | fn). Every RTE starts at the reset value (masked, all else 0) and every
 * line deasserted. -EINVAL for a bad pin count or a GSI range that wraps, -ENOMEM; both with a
 * sentence in the kernel's error.
 */
int irqlab_ioapic_new(struct irqlab_kernel *k, unsigned id, unsigned gsi_base, unsigned nr_pins,
		      uint16_t sid, struct irqlab_ioapic **out);
/*
 * Frees the interrupts of its pins and its domain if the kernel still has them, then the
 * IO-APIC. Safe before or after irqlab_kernel_free() of its kernel. NULL does nothing.
 */
void irqlab_ioapic_free(struct irqlab_ioapic *io);

/*
 * Creates the bus domain "<parent's child prefix>IO-APIC-<id>" under @parent (the vector
 * domain, or a remap domain: "IR-IO-APIC-<id>"), stating IRQLAB_REQ_IOAPIC. Does nothing when
 * it exists already. -EOPNOTSUPP (a parent that refuses), -EEXIST, -ENOMEM, with a sentence
 * naming the IO-APIC.
 */
int irqlab_ioapic_domain(struct irqlab_ioapic *io, struct irqlab_domain *parent);

/*
 * Allocates the interrupt of the pin of @gsi, with its trigger (@level) and polarity
 * (@active_low), through the domain and every level below it (IRQLAB_ALLOC_IOAPIC, the pin,
 * the IO-APIC's SID, flags 0: an IO-APIC interrupt takes a fixed vector, with no reservation
 * mode). The interrupt's dev and index are @owner and @owner_index (the platform's INTx
 * device, or NULL). Nothing is activated: the RTE stays masked until activation and an
 * unmask. Errors, with nothing changed: -ERANGE (not on this IO-APIC), -EBUSY (the pin has an
 * interrupt), -ENODEV (no domain yet), and whatever the parents fail with.
 */
int irqlab_ioapic_alloc_pin(struct irqlab_ioapic *io, unsigned gsi, bool level, bool active_low,
			    void *owner, unsigned owner_index, struct irqlab_irq **out);
/* Deactivates (the RTE goes back to the reset value) and frees the pin's interrupt, if any. */
void irqlab_ioapic_free_pin(struct irqlab_ioapic *io, unsigned gsi);

/*
 * The input line of @gsi changes; returns how many messages the IO-APIC writes now (0 or 1),
 * the message in *@msg. @asserted is the logical state (the device requests service);
 * polarity is only the electrical convention the RTE records.
 * - Edge: a rising edge (deasserted to asserted) on an unmasked pin sends. An edge on a masked
 *   pin is ignored, not latched (QEMU, after the 82093AA manual); asserting an asserted line
 *   is no edge.
 * - Level: while asserted, an unmasked pin with remote IRR clear sends and sets remote IRR;
 *   with remote IRR set nothing is sent (coalesced until the EOI). Deasserting sends nothing.
 * The line is recorded whether or not the pin has an interrupt (an unallocated pin's RTE is
 * masked). -ERANGE.
 */
int irqlab_ioapic_set_line(struct irqlab_ioapic *io, unsigned gsi, bool asserted,
			   struct irqlab_msi_msg *msg);

/*
 * An EOI for @rte_vector: the local APIC's broadcast of a level interrupt's vector, or a
 * write of the EOI register (IO-APIC version 0x20; with IR Linux writes the pin, which is what
 * the RTE's vector field holds). Every level pin whose RTE vector field is @rte_vector and
 * whose remote IRR is set clears it; one whose line is still asserted and whose RTE is
 * unmasked sends again (and sets remote IRR again). Returns how many messages were written to
 * @msgs (room for the IO-APIC's pin count), their GSIs in @gsis (may be NULL), in pin order.
 * Pins sharing a vector field (same vector on two CPUs, without IR) are all cleared, as the
 * hardware does. QEMU's storm guard (a delay after 10000 re-sends in a row) is not modelled.
 */
int irqlab_ioapic_eoi(struct irqlab_ioapic *io, unsigned rte_vector, struct irqlab_msi_msg *msgs,
		      unsigned *gsis);

/*
 * Masks or unmasks the RTE of @gsi (a software write of the entry, as the kernel's
 * irq_mask/irq_unmask). Unmasking a level pin whose line is asserted and whose remote IRR is
 * clear sends (returns 1 and *@msg); an edge that came while masked was not kept, so an edge
 * pin sends nothing. Returns 0 or 1, -ERANGE, or -EINVAL for an unmask of a pin without an
 * activated interrupt (its RTE holds no target).
 */
int irqlab_ioapic_mask(struct irqlab_ioapic *io, unsigned gsi, bool mask,
		       struct irqlab_msi_msg *msg);

/* The RTE of @gsi as software reads it (remote IRR included), or 0 for a GSI not here. */
uint64_t irqlab_ioapic_rte(const struct irqlab_ioapic *io, unsigned gsi);
/* The RTE's remote IRR bit; false for a GSI not here. */
bool irqlab_ioapic_remote_irr(const struct irqlab_ioapic *io, unsigned gsi);
/*
 * The RTE's vector field: what an EOI for this pin must carry (the vector without IR, the pin
 * with IR; Linux's eoi_ioapic_pin writes it to the EOI register). -ERANGE.
 */
int irqlab_ioapic_eoi_vector(const struct irqlab_ioapic *io, unsigned gsi);
/* Whether the line of @gsi is asserted; false for a GSI not here. */
bool irqlab_ioapic_line(const struct irqlab_ioapic *io, unsigned gsi);

/* The interrupt of the pin of @gsi, or NULL (none, or a GSI not here). */
struct irqlab_irq *irqlab_ioapic_pin_irq(const struct irqlab_ioapic *io, unsigned gsi);
/* The GSI of an interrupt of this IO-APIC, or -ENOENT. */
int irqlab_ioapic_irq_gsi(const struct irqlab_ioapic *io, struct irqlab_irq *irq);
bool irqlab_ioapic_has_gsi(const struct irqlab_ioapic *io, unsigned gsi);

/* The domain, or NULL before irqlab_ioapic_domain() (and after its kernel was freed). */
struct irqlab_domain *irqlab_ioapic_get_domain(const struct irqlab_ioapic *io);
/* "IO-APIC-<id>", whatever the domain's prefix. */
const char *irqlab_ioapic_name(const struct irqlab_ioapic *io);
unsigned irqlab_ioapic_id(const struct irqlab_ioapic *io);
unsigned irqlab_ioapic_gsi_base(const struct irqlab_ioapic *io);
unsigned irqlab_ioapic_nr_pins(const struct irqlab_ioapic *io);
uint16_t irqlab_ioapic_sid(const struct irqlab_ioapic *io);

#endif
