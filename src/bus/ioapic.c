// SPDX-License-Identifier: MIT
/*
 * The IO-APIC and its bus domain. See ioapic.h. The domain follows Linux's mp_irqdomain
 * (arch/x86/kernel/apic/io_apic.c), the line logic QEMU's hw/intc/ioapic.c; the comments say
 * why where the two meet.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "irqlab/ioapic_rte.h"
#include "irqlab/pci_rid.h"
#include "bus/ioapic.h"
#include "x86/irq_alloc.h"

/* What the IO-APIC and the kernel know of one pin beyond its RTE. */
struct ioapic_pin {
	struct irqlab_irq *irq; /* NULL: no interrupt allocated */
	bool level;		/* as allocated; the RTE says so once activated */
	bool active_low;
	bool line; /* the input is asserted (QEMU's IRR bit for a level pin) */
};

struct irqlab_ioapic {
	struct irqlab_kernel *kernel;
	struct irqlab_domain *domain; /* NULL until created, and after the kernel freed it */
	unsigned id, gsi_base, nr_pins, nr_allocated;
	uint16_t sid;
	char name[32]; /* "IO-APIC-<id>" */
	uint64_t rte_reset;
	uint64_t *rte;
	struct ioapic_pin *pins;
};

/* The fields both RTE views share, taken apart by the view the entry is in. */
struct rte_status {
	bool remapped;
	unsigned vector; /* the vector field: a vector, or the pin with IR */
	bool level, active_low, masked, remote_irr;
	unsigned dest;	/* compatibility view: APIC id, ext dest included */
	unsigned index; /* remapped view: the IRTE index */
};

static void rte_status(uint64_t rte, struct rte_status *s)
{
	struct irqlab_ioapic_rte_remapped r;
	struct irqlab_ioapic_rte_compat c;

	s->remapped = irqlab_ioapic_rte_is_remapped(rte);
	if (s->remapped) {
		irqlab_ioapic_rte_decode_remapped(rte, &r);
		s->vector = r.vector;
		s->level = r.level;
		s->active_low = r.active_low;
		s->masked = r.masked;
		s->remote_irr = r.remote_irr;
		s->dest = 0;
		s->index = r.index;
	} else {
		irqlab_ioapic_rte_decode_compat(rte, &c);
		s->vector = c.vector;
		s->level = c.level;
		s->active_low = c.active_low;
		s->masked = c.masked;
		s->remote_irr = c.remote_irr;
		s->dest = c.dest;
		s->index = 0;
	}
}

static bool gsi_to_pin(const struct irqlab_ioapic *io, unsigned gsi, unsigned *pin)
{
	*pin = gsi - io->gsi_base;
	return gsi >= io->gsi_base && *pin < io->nr_pins;
}

/* -ERANGE with the sentence every GSI-taking call gives for a GSI elsewhere. */
static int pin_of(struct irqlab_ioapic *io, unsigned gsi, unsigned *pin)
{
	if (gsi_to_pin(io, gsi, pin))
		return 0;
	return irqlab_kernel_fail(io->kernel, -ERANGE,
				  "%s: GSI %u is not one of its pins (GSIs %u-%u)", io->name, gsi,
				  io->gsi_base, io->gsi_base + io->nr_pins - 1);
}

/*
 * Software writes an RTE. The read-only bits (delivery status, remote IRR) stay the IO-APIC's,
 * and an edge entry never keeps a remote IRR: QEMU's ioapic_fix_edge_remote_irr, which Linux
 * relies on to clear a stuck remote IRR by switching the pin to edge and back. The model
 * stores all 64 bits at once; hardware takes two 32-bit IOWIN writes (see set_affinity).
 */
static void rte_write(struct irqlab_ioapic *io, unsigned pin, uint64_t value)
{
	value = (value & ~IRQLAB_RTE_RO_BITS) | (io->rte[pin] & IRQLAB_RTE_RO_BITS);
	if (!(value & IRQLAB_RTE_LEVEL))
		value &= ~IRQLAB_RTE_REMOTE_IRR;
	io->rte[pin] = value;
}

/*
 * The pin sends if its RTE lets it (QEMU's ioapic_service for one pin): unmasked, and for a
 * level pin an asserted line with remote IRR clear, which the send then sets. The caller has
 * already decided an edge pin saw an edge. Delivery status (bit 12) is never seen set: the
 * message leaves at once.
 */
static int pin_service(struct irqlab_ioapic *io, unsigned pin, struct irqlab_msi_msg *msg)
{
	uint64_t rte = io->rte[pin];

	if (rte & IRQLAB_RTE_MASKED)
		return 0;
	if (rte & IRQLAB_RTE_LEVEL) {
		if (!io->pins[pin].line || (rte & IRQLAB_RTE_REMOTE_IRR))
			return 0;
		io->rte[pin] = rte | IRQLAB_RTE_REMOTE_IRR;
	}
	irqlab_ioapic_rte_to_msi(io->rte[pin], msg);
	return 1;
}

static bool pin_activated(struct irqlab_ioapic *io, unsigned pin)
{
	struct irqlab_irq *irq = io->pins[pin].irq;
	struct irqlab_irq_data *data =
		irq && io->domain ? irqlab_irq_data_of(irq, io->domain) : NULL;

	return data && data->activated;
}

static struct irqlab_ioapic *io_of(struct irqlab_domain *d)
{
	return d->priv;
}

/*
 * The RTE for @data's current target, mask bit as it is now: the parent chain composes the
 * message and the RTE takes its fields (Linux: ioapic_setup_msg_from_msi), whatever the parent
 * is. From the vector level that is the compatibility view; from a remap level the remapped
 * view, the IRTE handle and, in the vector field, the subhandle it composed for an IO-APIC: the
 * pin, which only EOI matching reads.
 */
static int rte_compose(struct irqlab_ioapic *io, struct irqlab_irq_data *data, uint64_t *rte)
{
	unsigned pin = data->hwirq;
	const struct irqlab_ioapic_rte_pin cfg = {
		.level = io->pins[pin].level,
		.active_low = io->pins[pin].active_low,
		.masked = io->rte[pin] & IRQLAB_RTE_MASKED,
	};
	struct irqlab_msi_msg msg;
	int err = irqlab_irq_compose_msg(data->parent, &msg);

	if (err)
		return irqlab_kernel_fail(io->kernel, err,
					  "irq %u: the levels below %s pin %u compose no message",
					  data->irq->virq, io->name, pin);
	err = irqlab_ioapic_rte_from_msi(&msg, &cfg, rte);
	if (err)
		return irqlab_kernel_fail(io->kernel, err,
					  "irq %u: the message composed for %s pin %u (address "
					  "0x%08x%08x data 0x%08x) does not fit its RTE",
					  data->irq->virq, io->name, pin, msg.address_hi,
					  msg.address_lo, msg.data);
	return 0;
}

static int ioapic_domain_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
			       const struct irqlab_alloc_info *info)
{
	const struct irqlab_x86_alloc *x86 = irqlab_x86_alloc_of(info->arch);
	struct irqlab_ioapic *io = io_of(d);
	unsigned pin = x86 ? x86->ioapic_pin : UINT_MAX;
	struct irqlab_irq_data *data;
	int err;

	/* One RTE sends one vector: an allocation is one interrupt for one pin. */
	if (n != 1 || !x86 || x86->type != IRQLAB_ALLOC_IOAPIC || pin >= io->nr_pins)
		return irqlab_kernel_fail(
			d->kernel, -EINVAL,
			"%s: an allocation is one interrupt for one of its %u pins", d->name,
			io->nr_pins);
	if (io->pins[pin].irq)
		return irqlab_kernel_fail(
			d->kernel, -EBUSY, "%s pin %u (GSI %u): already allocated to irq %u",
			io->name, pin, io->gsi_base + pin, io->pins[pin].irq->virq);
	err = irqlab_domain_alloc_parent(d, irqs, n, info);
	if (err)
		return err;
	/* Nothing below can fail: the pin changes only now. */
	data = irqlab_irq_data_of(irqs[0], d);
	data->hwirq = pin;
	data->chip_data = &io->pins[pin];
	io->pins[pin].irq = irqs[0];
	io->nr_allocated++;
	return 0;
}

static void ioapic_domain_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	struct irqlab_ioapic *io = io_of(d);

	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);
		struct ioapic_pin *p = &io->pins[data->hwirq];

		if (p->irq != irqs[i])
			continue;
		p->irq = NULL;
		p->level = false;
		p->active_low = false;
		io->nr_allocated--;
		/* The next owner finds the entry as after reset. */
		rte_write(io, data->hwirq, io->rte_reset);
	}
	irqlab_domain_free_parent(d, irqs, n);
}

/*
 * Writes the RTE. An IO-APIC interrupt (flags 0) has no reservation mode: even a
 * reservation-only activation leaves the parents with a real target, so @reserve changes
 * nothing here.
 */
static int ioapic_domain_activate(struct irqlab_domain *d, struct irqlab_irq_data *data,
				  bool reserve)
{
	struct irqlab_ioapic *io = io_of(d);
	uint64_t rte;
	int err = rte_compose(io, data, &rte);

	if (err)
		return err;
	rte_write(io, data->hwirq, rte);
	return 0;
}

/*
 * Linux's ioapic_mask_entry: the whole entry becomes "masked" and nothing else, so a stale
 * vector field can no longer match an EOI, and the edge trigger it now says clears remote IRR.
 */
static void ioapic_domain_deactivate(struct irqlab_domain *d, struct irqlab_irq_data *data)
{
	struct irqlab_ioapic *io = io_of(d);

	rte_write(io, data->hwirq, io->rte_reset);
}

/*
 * When the parent says OK (without IR: it moved the vector) the message changed and the RTE
 * must say the new one: it is recomposed and rewritten at once, as one 64-bit store, mask bit
 * kept. Linux instead moves a level pin only from its ack path, masked and with remote IRR
 * clear (ioapic_ack_level), because the two 32-bit halves can be seen torn and an EOI for the
 * old vector no longer matches; the model neither tears the entry nor defers the move, so a
 * level pin moved while remote IRR is set waits for an EOI of its new vector. With IR the
 * parent rewrote the IRTE and says OK_DONE: the RTE, which names only the IRTE and the pin,
 * stays as it is.
 */
static int ioapic_domain_set_affinity(struct irqlab_irq_data *data,
				      const struct irqlab_cpumask *mask, bool force)
{
	struct irqlab_ioapic *io = io_of(data->domain);
	int ret = irqlab_irq_set_affinity_parent(data, mask, force);
	uint64_t rte;

	if (ret < 0 || ret == IRQLAB_SET_AFFINITY_OK_DONE)
		return ret;
	/* Not activated: the RTE is written at activation, with the target then current. */
	if (!data->activated)
		return IRQLAB_SET_AFFINITY_OK;
	ret = rte_compose(io, data, &rte);
	if (ret)
		return ret;
	rte_write(io, data->hwirq, rte);
	return IRQLAB_SET_AFFINITY_OK;
}

/*
 * The RTE the levels below would give @data now. A check must leave the kernel as it found it,
 * so a failure here (itself a broken invariant) does not become the kernel's error.
 */
static int rte_expected(struct irqlab_ioapic *io, struct irqlab_irq_data *data, uint64_t *rte)
{
	struct irqlab_error *error = io->kernel->error;
	struct irqlab_error saved = *error;
	int err = rte_compose(io, data, rte);

	*error = saved;
	return err;
}

/* An activated pin's RTE is what the levels below compose now, with its own pin bits. */
static int check_target(struct irqlab_domain *d, struct irqlab_irq_data *data, unsigned pin,
			const struct rte_status *s, struct irqlab_strbuf *why)
{
	struct irqlab_ioapic *io = io_of(d);
	const struct ioapic_pin *p = &io->pins[pin];
	struct rte_status want;
	uint64_t rte;

	if (s->level != p->level || s->active_low != p->active_low)
		return irqlab_check_fail(
			why, "%s: pin %u: RTE says %s %s, allocated %s %s", d->name, pin,
			s->level ? "level" : "edge", s->active_low ? "low" : "high",
			p->level ? "level" : "edge", p->active_low ? "low" : "high");
	if (rte_expected(io, data, &rte))
		return irqlab_check_fail(why, "%s: pin %u: the levels below compose no RTE",
					 d->name, pin);
	rte_status(rte, &want);
	if (want.remapped) {
		if (!s->remapped || s->index != want.index || s->vector != want.vector)
			return irqlab_check_fail(
				why,
				"%s: pin %u: RTE is %s index 0x%04x vector field %u, "
				"expected remapped index 0x%04x vector field %u",
				d->name, pin, s->remapped ? "remapped" : "compatibility", s->index,
				s->vector, want.index, want.vector);
	} else if (s->remapped || s->vector != want.vector || s->dest != want.dest) {
		/* A compatibility message names the vector level's target. */
		return irqlab_check_fail(
			why,
			"%s: pin %u: RTE targets APIC %u vector 0x%x%s, the vector level "
			"CPU %u vector 0x%x",
			d->name, pin, s->dest, s->vector, s->remapped ? " (remapped)" : "",
			want.dest, want.vector);
	}
	/* Anything else the message sets (delivery and destination mode) agrees too. */
	if ((io->rte[pin] & ~IRQLAB_RTE_RO_BITS) != rte)
		return irqlab_check_fail(why,
					 "%s: pin %u: RTE 0x%016" PRIx64 ", composed 0x%016" PRIx64,
					 d->name, pin, io->rte[pin], rte);
	return 0;
}

static int ioapic_domain_check(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	struct irqlab_ioapic *io = io_of(d);
	unsigned allocated = 0;
	int err;

	for (unsigned pin = 0; pin < io->nr_pins; pin++) {
		struct irqlab_irq *irq = io->pins[pin].irq;
		struct irqlab_irq_data *data;
		struct rte_status s;

		rte_status(io->rte[pin], &s);
		if (s.remote_irr && !s.level)
			return irqlab_check_fail(why, "%s: pin %u: remote IRR on an edge RTE",
						 d->name, pin);
		if (io->rte[pin] & IRQLAB_RTE_DELIVERY_STATUS)
			return irqlab_check_fail(why, "%s: pin %u: a send is left pending", d->name,
						 pin);
		if (!irq) {
			if (!s.masked)
				return irqlab_check_fail(
					why, "%s: pin %u has no interrupt but is unmasked", d->name,
					pin);
			continue;
		}
		allocated++;
		data = irqlab_irq_data_of(irq, d);
		if (irqlab_irq_find(d->kernel, irq->virq) != irq || irq->top != data ||
		    data->hwirq != pin || data->chip_data != &io->pins[pin])
			return irqlab_check_fail(
				why, "%s: pin %u names an interrupt it does not own", d->name, pin);
		if (!data->activated) {
			if (!s.masked)
				return irqlab_check_fail(
					why, "%s: pin %u: irq %u is inactive but unmasked", d->name,
					pin, irq->virq);
			continue;
		}
		err = check_target(d, data, pin, &s, why);
		if (err)
			return err;
	}
	if (allocated != d->nr_irqs || allocated != io->nr_allocated)
		return irqlab_check_fail(why,
					 "%s: %u pins allocated, domain has %lu, IO-APIC counts %u",
					 d->name, allocated, d->nr_irqs, io->nr_allocated);
	return 0;
}

static void dump_rte(uint64_t rte, struct irqlab_strbuf *out)
{
	struct rte_status s;

	rte_status(rte, &s);
	irqlab_strbuf_printf(out, " rte=0x%016" PRIx64 " %s %s%s%s", rte,
			     s.level ? "level" : "edge", s.active_low ? "low" : "high",
			     s.masked ? " masked" : "", s.remote_irr ? " remote-irr" : "");
}

static void ioapic_domain_dump(struct irqlab_domain *d, struct irqlab_strbuf *out)
{
	struct irqlab_ioapic *io = io_of(d);
	char sid[16];

	irqlab_pci_rid_format(io->sid, sid, sizeof(sid));
	irqlab_strbuf_printf(out, "  ioapic %s gsi=%u-%u sid=%s allocated=%u\n", io->name,
			     io->gsi_base, io->gsi_base + io->nr_pins - 1, sid, io->nr_allocated);
	for (unsigned pin = 0; pin < io->nr_pins; pin++) {
		const struct ioapic_pin *p = &io->pins[pin];

		if (!p->irq && !p->line && io->rte[pin] == io->rte_reset)
			continue;
		irqlab_strbuf_printf(out, "  pin %u gsi=%u", pin, io->gsi_base + pin);
		dump_rte(io->rte[pin], out);
		if (p->line)
			irqlab_strbuf_printf(out, " asserted");
		if (p->irq)
			irqlab_strbuf_printf(out, " irq=%u", p->irq->virq);
		irqlab_strbuf_append(out, "\n", 1);
	}
}

static void ioapic_domain_dump_irq(struct irqlab_irq_data *data, struct irqlab_strbuf *out)
{
	struct irqlab_ioapic *io = io_of(data->domain);

	irqlab_strbuf_printf(out, " pin=%u gsi=%u", data->hwirq, io->gsi_base + data->hwirq);
	dump_rte(io->rte[data->hwirq], out);
}

/* The kernel frees its domains: the IO-APIC must not reach this one again. */
static void ioapic_domain_destroy(struct irqlab_domain *d)
{
	io_of(d)->domain = NULL;
}

static const struct irqlab_domain_ops ioapic_domain_ops = {
	.alloc = ioapic_domain_alloc,
	.free = ioapic_domain_free,
	.activate = ioapic_domain_activate,
	.deactivate = ioapic_domain_deactivate,
	.set_affinity = ioapic_domain_set_affinity,
	.check = ioapic_domain_check,
	.dump = ioapic_domain_dump,
	.dump_irq = ioapic_domain_dump_irq,
	.destroy = ioapic_domain_destroy,
};

int irqlab_ioapic_new(struct irqlab_kernel *k, unsigned id, unsigned gsi_base, unsigned nr_pins,
		      uint16_t sid, struct irqlab_ioapic **out)
{
	struct irqlab_ioapic_rte_compat reset = {.masked = true};
	struct irqlab_ioapic *io;

	if (nr_pins == 0 || nr_pins > IRQLAB_IOAPIC_MAX_PINS)
		return irqlab_kernel_fail(k, -EINVAL, "IO-APIC-%u: %u pins (1-%u possible)", id,
					  nr_pins, IRQLAB_IOAPIC_MAX_PINS);
	if (gsi_base > UINT_MAX - (nr_pins - 1))
		return irqlab_kernel_fail(k, -EINVAL, "IO-APIC-%u: GSIs from %u do not fit", id,
					  gsi_base);
	io = irqlab_fault_zalloc(k->fault, sizeof(*io));
	if (!io)
		goto out_nomem;
	io->rte = irqlab_fault_zalloc(k->fault, nr_pins * sizeof(*io->rte));
	io->pins = irqlab_fault_zalloc(k->fault, nr_pins * sizeof(*io->pins));
	if (!io->rte || !io->pins)
		goto out_free_io;
	io->kernel = k;
	io->id = id;
	io->gsi_base = gsi_base;
	io->nr_pins = nr_pins;
	io->sid = sid;
	snprintf(io->name, sizeof(io->name), "IO-APIC-%u", id);
	irqlab_ioapic_rte_encode_compat(&reset, &io->rte_reset);
	for (unsigned pin = 0; pin < nr_pins; pin++)
		io->rte[pin] = io->rte_reset;
	*out = io;
	return 0;

out_free_io:
	free(io->rte);
	free(io->pins);
	free(io);
out_nomem:
	return irqlab_kernel_fail(k, -ENOMEM, "IO-APIC-%u: out of memory", id);
}

void irqlab_ioapic_free(struct irqlab_ioapic *io)
{
	if (!io)
		return;
	/* The domain is still there only while the kernel is: free what it holds for us. */
	if (io->domain) {
		for (unsigned pin = io->nr_pins; pin-- > 0;)
			irqlab_ioapic_free_pin(io, io->gsi_base + pin);
		irqlab_domain_destroy(io->domain);
	}
	free(io->rte);
	free(io->pins);
	free(io);
}

int irqlab_ioapic_domain(struct irqlab_ioapic *io, struct irqlab_domain *parent)
{
	struct irqlab_kernel *k = io->kernel;
	char name[64];
	int err;

	if (io->domain)
		return 0;
	if (!parent)
		return irqlab_kernel_fail(k, -EINVAL, "%s: needs a parent domain", io->name);
	snprintf(name, sizeof(name), "%s%s", parent->child_prefix, io->name);
	err = irqlab_domain_create(k, parent, &ioapic_domain_ops, name, IRQLAB_REQ_IOAPIC, io,
				   &io->domain);
	/* Name the IO-APIC first: the domain's own sentence names the parent and the need. */
	if (err)
		return irqlab_error_prefix(k->error, "%s", io->name);
	return 0;
}

int irqlab_ioapic_alloc_pin(struct irqlab_ioapic *io, unsigned gsi, bool level, bool active_low,
			    void *owner, unsigned owner_index, struct irqlab_irq **out)
{
	struct irqlab_x86_alloc x86 = {.type = IRQLAB_ALLOC_IOAPIC, .requester_id = io->sid};
	struct irqlab_alloc_info info = {
		.flags = 0,
		.hwirq = owner_index,
		.dev = owner,
		.arch = &x86,
	};
	struct irqlab_irq *irq;
	unsigned pin;
	int err = pin_of(io, gsi, &pin);

	if (err)
		return err;
	if (!io->domain)
		return irqlab_kernel_fail(io->kernel, -ENODEV, "%s pin %u (GSI %u): no domain yet",
					  io->name, pin, gsi);
	if (io->pins[pin].irq)
		return irqlab_kernel_fail(io->kernel, -EBUSY,
					  "%s pin %u (GSI %u): already allocated to irq %u",
					  io->name, pin, gsi, io->pins[pin].irq->virq);
	x86.ioapic_pin = pin;
	err = irqlab_irqs_alloc(io->domain, 1, &info, &irq);
	if (err)
		return err;
	/* The RTE learns trigger and polarity at activation; it stays at reset until then. */
	io->pins[pin].level = level;
	io->pins[pin].active_low = active_low;
	*out = irq;
	return 0;
}

void irqlab_ioapic_free_pin(struct irqlab_ioapic *io, unsigned gsi)
{
	struct irqlab_irq *irq;
	unsigned pin;

	if (!gsi_to_pin(io, gsi, &pin) || !io->pins[pin].irq)
		return;
	irq = io->pins[pin].irq;
	irq->started = false;
	irqlab_irqs_free(&irq, 1);
}

int irqlab_ioapic_set_line(struct irqlab_ioapic *io, unsigned gsi, bool asserted,
			   struct irqlab_msi_msg *msg)
{
	unsigned pin;
	bool was;
	int err = pin_of(io, gsi, &pin);

	if (err)
		return err;
	was = io->pins[pin].line;
	io->pins[pin].line = asserted;
	if (!asserted)
		return 0;
	if (io->rte[pin] & IRQLAB_RTE_LEVEL)
		return pin_service(io, pin, msg);
	/* Edge: only a rising edge counts, and a masked pin ignores it (82093AA, QEMU). */
	if (was)
		return 0;
	return pin_service(io, pin, msg);
}

int irqlab_ioapic_eoi(struct irqlab_ioapic *io, unsigned rte_vector, struct irqlab_msi_msg *msgs,
		      unsigned *gsis)
{
	int sent = 0;

	for (unsigned pin = 0; pin < io->nr_pins; pin++) {
		struct rte_status s;

		rte_status(io->rte[pin], &s);
		if (!s.level || !s.remote_irr || s.vector != rte_vector)
			continue;
		io->rte[pin] &= ~IRQLAB_RTE_REMOTE_IRR;
		/* Still asserted: the device wants service again (QEMU re-services at once). */
		if (pin_service(io, pin, &msgs[sent])) {
			if (gsis)
				gsis[sent] = io->gsi_base + pin;
			sent++;
		}
	}
	return sent;
}

int irqlab_ioapic_mask(struct irqlab_ioapic *io, unsigned gsi, bool mask,
		       struct irqlab_msi_msg *msg)
{
	unsigned pin;
	int err = pin_of(io, gsi, &pin);

	if (err)
		return err;
	if (mask) {
		rte_write(io, pin, io->rte[pin] | IRQLAB_RTE_MASKED);
		return 0;
	}
	if (!pin_activated(io, pin))
		return irqlab_kernel_fail(io->kernel, -EINVAL,
					  "%s pin %u (GSI %u): cannot unmask: it has no activated "
					  "interrupt",
					  io->name, pin, gsi);
	rte_write(io, pin, io->rte[pin] & ~IRQLAB_RTE_MASKED);
	/* An edge seen while masked was dropped; a level line still asserted is not. */
	if (!(io->rte[pin] & IRQLAB_RTE_LEVEL))
		return 0;
	return pin_service(io, pin, msg);
}

uint64_t irqlab_ioapic_rte(const struct irqlab_ioapic *io, unsigned gsi)
{
	unsigned pin;

	return gsi_to_pin(io, gsi, &pin) ? io->rte[pin] : 0;
}

bool irqlab_ioapic_remote_irr(const struct irqlab_ioapic *io, unsigned gsi)
{
	struct rte_status s;
	unsigned pin;

	if (!gsi_to_pin(io, gsi, &pin))
		return false;
	rte_status(io->rte[pin], &s);
	return s.remote_irr;
}

int irqlab_ioapic_eoi_vector(const struct irqlab_ioapic *io, unsigned gsi)
{
	struct rte_status s;
	unsigned pin;

	if (!gsi_to_pin(io, gsi, &pin))
		return -ERANGE;
	rte_status(io->rte[pin], &s);
	return (int)s.vector;
}

bool irqlab_ioapic_line(const struct irqlab_ioapic *io, unsigned gsi)
{
	unsigned pin;

	return gsi_to_pin(io, gsi, &pin) && io->pins[pin].line;
}

struct irqlab_irq *irqlab_ioapic_pin_irq(const struct irqlab_ioapic *io, unsigned gsi)
{
	unsigned pin;

	return gsi_to_pin(io, gsi, &pin) ? io->pins[pin].irq : NULL;
}

int irqlab_ioapic_irq_gsi(const struct irqlab_ioapic *io, struct irqlab_irq *irq)
{
	struct irqlab_irq_data *data =
		io->domain && irq ? irqlab_irq_data_of(irq, io->domain) : NULL;

	if (!data || data->hwirq >= io->nr_pins || io->pins[data->hwirq].irq != irq)
		return -ENOENT;
	return (int)(io->gsi_base + data->hwirq);
}

bool irqlab_ioapic_has_gsi(const struct irqlab_ioapic *io, unsigned gsi)
{
	unsigned pin;

	return gsi_to_pin(io, gsi, &pin);
}

struct irqlab_domain *irqlab_ioapic_get_domain(const struct irqlab_ioapic *io)
{
	return io->domain;
}

const char *irqlab_ioapic_name(const struct irqlab_ioapic *io)
{
	return io->name;
}

unsigned irqlab_ioapic_id(const struct irqlab_ioapic *io)
{
	return io->id;
}

unsigned irqlab_ioapic_gsi_base(const struct irqlab_ioapic *io)
{
	return io->gsi_base;
}

unsigned irqlab_ioapic_nr_pins(const struct irqlab_ioapic *io)
{
	return io->nr_pins;
}

uint16_t irqlab_ioapic_sid(const struct irqlab_ioapic *io)
{
	return io->sid;
}
