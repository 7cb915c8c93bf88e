// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/ioapic_rte.h"
#include "irqlab/pci_rid.h"

#include "bus/ioapic.h"
#include "platform/fabric.h"
#include "platform/intx.h"
#include "x86/vector_domain.h"

/* IO-APIC n sits at 00:1f.n-like requester ids on bus 0xf0 + n/8, as a DMAR scope would say. */
static uint16_t ioapic_sid(unsigned n)
{
	struct irqlab_pci_bdf f = {.bus = (uint8_t)(0xf0u + n / 8), .dev = 0x1f, .fn = n % 8};
	uint16_t sid = 0;

	irqlab_pci_rid_encode(&f, &sid);
	return sid;
}

/* The IO-APIC serving @gsi, or NULL while there is none. */
static struct irqlab_ioapic *ioapic_at(const struct irqlab_machine *p, unsigned gsi)
{
	unsigned n = gsi / IRQLAB_IOAPIC_PINS;

	return n < p->nr_ioapic_slots ? p->ioapics[n] : NULL;
}

/* The IO-APIC serving @gsi, created (and the machine's table grown) on first use. */
static int ioapic_of(struct irqlab_kernel *k, unsigned gsi, struct irqlab_ioapic **out)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	unsigned n = gsi / IRQLAB_IOAPIC_PINS;
	int err;

	if (n >= IRQLAB_MAX_IOAPICS)
		return irqlab_kernel_fail(k, -ERANGE, "GSI %u: beyond the machine's IO-APICs", gsi);
	if (n >= p->nr_ioapic_slots) {
		struct irqlab_ioapic **grown =
			irqlab_fault_realloc(p->fault, p->ioapics, (n + 1) * sizeof(*grown));

		if (!grown)
			return irqlab_kernel_fail(k, -ENOMEM, "GSI %u: out of memory", gsi);
		memset(grown + p->nr_ioapic_slots, 0,
		       (n + 1 - p->nr_ioapic_slots) * sizeof(*grown));
		p->ioapics = grown;
		p->nr_ioapic_slots = n + 1;
	}
	if (!p->ioapics[n]) {
		err = irqlab_ioapic_new(k, n, n * IRQLAB_IOAPIC_PINS, IRQLAB_IOAPIC_PINS,
					ioapic_sid(n), &p->ioapics[n]);
		if (err)
			return err;
	}
	*out = p->ioapics[n];
	return 0;
}

/* Every message the IO-APIC sends goes through the fabric as the device's. */
static void send(struct irqlab_machine *p, struct irqlab_device *dev, int n,
		 const struct irqlab_msi_msg *msg)
{
	if (n > 0)
		irqlab_platform_deliver(p, dev, 0, msg, NULL);
}

int irqlab_intx_alloc(struct irqlab_kernel *k, struct irqlab_device *dev)
{
	struct irqlab_domain *parent = irqlab_kernel_env(k)->msi_parent;
	struct irqlab_ioapic *io = NULL;
	struct irqlab_irq *irq;
	struct irqlab_irq *other;
	bool had_domain;
	int err;

	if (dev->entries[0].irq)
		return irqlab_kernel_fail(k, -EBUSY, "alloc %s: its INTx pin is allocated",
					  dev->name);
	err = ioapic_of(k, dev->intx.gsi, &io);
	if (err)
		return err;
	other = irqlab_ioapic_pin_irq(io, dev->intx.gsi);
	if (other)
		return irqlab_kernel_fail(
			k, -EBUSY,
			"alloc %s: GSI %u is taken by %s (shared INTx lines are not modelled)",
			dev->name, dev->intx.gsi,
			other->dev ? ((struct irqlab_device *)other->dev)->name
				   : "another interrupt");
	had_domain = irqlab_ioapic_get_domain(io) != NULL;
	err = irqlab_ioapic_domain(io, parent);
	if (err)
		return err;
	err = irqlab_ioapic_alloc_pin(io, dev->intx.gsi, dev->intx.level, dev->intx.active_low, dev,
				      0, &irq);
	if (err) {
		if (!had_domain)
			irqlab_domain_destroy(irqlab_ioapic_get_domain(io));
		return err;
	}
	dev->entries[0].irq = irq;
	dev->nr_allocated = 1;
	dev->intx.sid = irqlab_ioapic_sid(io);
	dev->intx.ioapic = io;
	return 0;
}

void irqlab_intx_free(struct irqlab_machine *p, struct irqlab_device *dev)
{
	if (!dev->entries[0].irq)
		return;
	irqlab_ioapic_free_pin(dev->intx.ioapic, dev->intx.gsi);
	dev->entries[0].irq = NULL;
	dev->nr_allocated = 0;
}

int irqlab_intx_request(struct irqlab_kernel *k, struct irqlab_device *dev)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	struct irqlab_irq *irq = dev->entries[0].irq;
	struct irqlab_msi_msg msg;
	int err, n;

	/* An IO-APIC interrupt takes its vector at request: take it ahead, then nothing fails. */
	err = irqlab_irq_prepare(irq, NULL);
	if (err)
		return irqlab_kernel_fail(k, err, "request %s: no free vector", dev->name);
	err = irqlab_irq_activate(irq, false);
	if (err) {
		irqlab_irq_abort(irq);
		return err;
	}
	irq->started = true;
	n = irqlab_ioapic_mask(dev->intx.ioapic, dev->intx.gsi, false, &msg);
	send(p, dev, n, &msg);
	return 0;
}

int irqlab_intx_release(struct irqlab_kernel *k, struct irqlab_device *dev)
{
	struct irqlab_irq *irq = dev->entries[0].irq;
	struct irqlab_msi_msg msg;

	irqlab_ioapic_mask(dev->intx.ioapic, dev->intx.gsi, true, &msg);
	irq->started = false;
	irqlab_irq_deactivate(irq);
	return 0;
}

int irqlab_intx_mask(struct irqlab_kernel *k, struct irqlab_device *dev, bool mask)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	struct irqlab_msi_msg msg;
	int n;

	if (!dev->entries[0].irq || !irqlab_irq_activated(dev->entries[0].irq))
		return irqlab_kernel_fail(k, -EINVAL, "%s %s: its INTx pin is not requested",
					  mask ? "mask" : "unmask", dev->name);
	n = irqlab_ioapic_mask(dev->intx.ioapic, dev->intx.gsi, mask, &msg);
	if (n < 0)
		return irqlab_kernel_fail(k, n, "%s %s: the IO-APIC refused",
					  mask ? "mask" : "unmask", dev->name);
	send(p, dev, n, &msg);
	return 0;
}

int irqlab_intx_raise(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned count)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	struct irqlab_ioapic *io = NULL;
	struct irqlab_msi_msg msg;
	int err = ioapic_of(k, dev->intx.gsi, &io);

	if (err)
		return err;
	if (dev->intx.level) {
		/* Requests accumulate; the line stays asserted until the driver serves them all. */
		irqlab_intx_line_request(&dev->intx, count);
		send(p, dev, irqlab_ioapic_set_line(io, dev->intx.gsi, true, &msg), &msg);
		return 0;
	}
	for (unsigned c = 0; c < count; c++) {
		send(p, dev, irqlab_ioapic_set_line(io, dev->intx.gsi, true, &msg), &msg);
		irqlab_ioapic_set_line(io, dev->intx.gsi, false, &msg);
	}
	return 0;
}

/* The EOI itself, and what the IO-APIC sends again for lines still asserted. */
static int eoi_pin(struct irqlab_kernel *k, struct irqlab_device *dev, struct irqlab_irq *irq)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	struct irqlab_ioapic *io = dev->intx.ioapic;
	struct irqlab_msi_msg msgs[IRQLAB_IOAPIC_PINS], msg;
	unsigned gsis[IRQLAB_IOAPIC_PINS];
	struct irqlab_irq_cfg cfg;
	int n;

	if (irqlab_intx_line_serve(&dev->intx))
		irqlab_ioapic_set_line(io, dev->intx.gsi, false, &msg);
	/*
	 * Without IR the local APIC broadcasts the vector to every IO-APIC; with IR the kernel
	 * writes the IO-APIC's EOI register with the RTE's vector field, which holds the pin.
	 */
	if (irqlab_kernel_remapped(k)) {
		n = irqlab_ioapic_eoi(io, (unsigned)irqlab_ioapic_eoi_vector(io, dev->intx.gsi),
				      msgs, gsis);
		for (int i = 0; i < n; i++)
			send(p, dev, 1, &msgs[i]);
		return 0;
	}
	irqlab_vector_irq_cfg(irq->top, &cfg);
	for (unsigned a = 0; a < p->nr_ioapic_slots; a++) {
		if (!p->ioapics[a])
			continue;
		n = irqlab_ioapic_eoi(p->ioapics[a], cfg.vector, msgs, gsis);
		for (int i = 0; i < n; i++) {
			struct irqlab_irq *owner = irqlab_ioapic_pin_irq(p->ioapics[a], gsis[i]);
			struct irqlab_device *d = owner && owner->dev ? owner->dev : dev;

			send(p, d, 1, &msgs[i]);
		}
	}
	return 0;
}

int irqlab_intx_eoi(struct irqlab_kernel *k, struct irqlab_device *dev)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	struct irqlab_ioapic *io = dev->intx.ioapic;
	struct irqlab_irq *irq = dev->entries[0].irq;
	struct irqlab_irq_cfg cfg;
	struct irqlab_msi_msg msg;
	bool move, was_masked;
	int err;

	if (!irq || !irqlab_irq_activated(irq))
		return irqlab_kernel_fail(k, -EINVAL, "eoi %s: its INTx pin is not requested",
					  dev->name);
	if (!dev->intx.level)
		return 0; /* an edge interrupt's EOI never reaches the IO-APIC */
	/*
	 * ioapic_ack_level: a pending move masks the pin before the EOI (ioapic_prepare_move),
	 * so that the EOI names the vector in service and what the line sends again waits for
	 * the move; the move and the unmask come after (ioapic_finish_move). A pin masked
	 * already (a oneshot handler's) moves all the same and stays masked.
	 */
	move = irq->move_pending && irq->started;
	was_masked = irqlab_ioapic_rte(io, dev->intx.gsi) & IRQLAB_RTE_MASKED;
	if (move && !was_masked)
		irqlab_ioapic_mask(io, dev->intx.gsi, true, &msg);
	err = eoi_pin(k, dev, irq);
	if (move) {
		irqlab_vector_irq_cfg(irq->top, &cfg);
		irqlab_fabric_ack(p, irq, cfg.cpu);
		if (!was_masked)
			send(p, dev, irqlab_ioapic_mask(io, dev->intx.gsi, false, &msg), &msg);
	}
	return err;
}

int irqlab_intx_message(struct irqlab_machine *p, const struct irqlab_device *dev,
			struct irqlab_msi_msg *msg)
{
	struct irqlab_ioapic *io = ioapic_at(p, dev->intx.gsi);

	if (!io)
		return -ENOENT;
	irqlab_ioapic_rte_to_msi(irqlab_ioapic_rte(io, dev->intx.gsi), msg);
	return 0;
}

void irqlab_intx_free_all(struct irqlab_machine *p)
{
	for (unsigned n = 0; n < p->nr_ioapic_slots; n++)
		irqlab_ioapic_free(p->ioapics[n]);
	free(p->ioapics);
	p->ioapics = NULL;
	p->nr_ioapic_slots = 0;
}
