// SPDX-License-Identifier: MIT
/*
 * The hypercall domain (see hcall.h) and, on the host's side, the domain its backings live in:
 * one per assigned device, under the host's MSI parent (its IR unit when it has one), that
 * composes but never writes the device's store. The guest writes the message itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus/device.h"
#include "platform/hcall.h"
#include "platform/platform.h"
#include "x86/irq_alloc.h"
#include "x86/vector_domain.h"

/*
 * A multi-MSI group: one message for all its vectors, so the host backs it with one block of
 * contiguous IRTEs, allocated by the first vector's hypercall and freed with the last live.
 */
struct hcall_group {
	unsigned n, users;
	unsigned live, prepared; /* vectors activated, and taken ahead, on the block */
	struct irqlab_irq *block[32];
};

/* Per guest interrupt: its host backing, live or taken ahead, and the message it returned. */
struct hcall_irq {
	struct hcall_group *group;   /* multi-MSI, or NULL */
	unsigned offset;	     /* its vector in the group */
	struct irqlab_irq *backing;  /* live: the host injects through it */
	struct irqlab_irq *prepared; /* taken ahead for an activation */
	bool move_asked;	     /* this move's hypercall is made (its answer below) */
	bool move_prepared;	     /* the backing's move to a new host CPU is taken ahead */
	/* That move's mask, held in the host's table ahead: the move itself cannot fail. */
	const struct irqlab_cpumask *move_mask;
	struct irqlab_msi_msg msg; /* what the host returned (zero before the first call) */
};

static const struct irqlab_domain_ops hcall_ops;
static const struct irqlab_domain_ops backing_ops;

bool irqlab_hcall_domain_is(const struct irqlab_domain *d)
{
	return d && d->ops == &hcall_ops;
}

struct irqlab_irq *irqlab_hcall_backing(const struct irqlab_irq *irq)
{
	for (const struct irqlab_irq_data *data = irq->top; data; data = data->parent)
		if (data->domain->ops == &hcall_ops)
			return ((const struct hcall_irq *)data->chip_data)->backing;
	return NULL;
}

static struct irqlab_device *view_of(const struct irqlab_irq_data *data)
{
	return data->irq->dev;
}

static struct irqlab_kernel_env *guest_env(const struct irqlab_irq_data *data)
{
	return irqlab_kernel_env(data->domain->kernel);
}

static struct irqlab_kernel *host_of(const struct irqlab_irq_data *data)
{
	return irqlab_kernel_machine(data->domain->kernel)->host;
}

static void trace(const struct irqlab_irq_data *data, const char *what)
{
	struct irqlab_machine *p = irqlab_kernel_machine(data->domain->kernel);
	char line[192];

	if (!p->trace)
		return;
	snprintf(line, sizeof(line), "  %s irq %u (%s[%u]): hypercall: %s",
		 data->domain->kernel->name, data->irq->virq, view_of(data)->name, data->irq->index,
		 what);
	p->trace(p->trace_ctx, line);
}

/* Host side: the backings' domain composes through its parents and stores nothing. */
static int backing_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
			 const struct irqlab_alloc_info *info)
{
	int err = irqlab_domain_alloc_parent(d, irqs, n, info);

	for (unsigned i = 0; !err && i < n; i++)
		irqlab_irq_data_of(irqs[i], d)->hwirq = info->hwirq + i;
	return err;
}

static void backing_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	irqlab_domain_free_parent(d, irqs, n);
}

static int backing_set_affinity(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
				bool force)
{
	int ret = irqlab_irq_set_affinity_parent(data, mask, force);

	/* The guest stored the message: it must not change (only an IR unit moves in place). */
	return ret < 0 ? ret : IRQLAB_SET_AFFINITY_OK_DONE;
}

static const struct irqlab_domain_ops backing_ops = {
	.alloc = backing_alloc,
	.free = backing_free,
	.set_affinity = backing_set_affinity,
};

/* The host's domain for the backings of @phys, created on the first hypercall. */
static int backing_domain(struct irqlab_kernel *host, struct irqlab_device *phys,
			  struct irqlab_domain **out)
{
	struct irqlab_domain *parent = irqlab_kernel_env(host)->msi_parent;
	char name[64];

	if (phys->hcall_domain) {
		*out = phys->hcall_domain;
		return 0;
	}
	snprintf(name, sizeof(name), "%sHCALL-%s", parent->child_prefix, phys->bdf);
	return irqlab_domain_create(host, parent, &backing_ops, name, IRQLAB_REQ_MSIX, phys, out);
}

/*
 * A backing domain made for a call that failed goes with it: nothing changed. One that has
 * backed an interrupt stays, empty or not, as every domain lives as long as its machine.
 */
static void backing_domain_put(struct irqlab_device *phys)
{
	if (phys->hcall_domain && !phys->hcall_domain_used && !phys->hcall_domain->nr_irqs) {
		irqlab_domain_destroy(phys->hcall_domain);
		phys->hcall_domain = NULL;
	}
}

/*
 * The host allocates @n backings from entry @index on, all on the host CPU that runs @vcpu
 * (a multi-MSI group as one contiguous IRTE block): allocated, not yet activated. Nothing is
 * left on failure (a domain made for them goes too).
 */
static int host_allocate(struct irqlab_irq_data *data, unsigned vcpu, unsigned index, unsigned n,
			 struct irqlab_irq **out)
{
	struct irqlab_kernel *host = host_of(data);
	struct irqlab_device *phys = view_of(data)->phys;
	const struct irqlab_x86_alloc x86 = {
		.type = n > 1 ? IRQLAB_ALLOC_PCI_MSI : IRQLAB_ALLOC_PCI_MSIX,
		.requester_id = phys->rid,
	};
	struct irqlab_cpumask masks[32];
	struct irqlab_alloc_info info = {
		.flags = IRQLAB_ALLOC_F_CAN_RESERVE | (n > 1 ? IRQLAB_ALLOC_F_CONTIGUOUS : 0),
		.masks = masks,
		.hwirq = index,
		.dev = phys,
		.arch = &x86,
	};
	struct irqlab_domain *d;
	int err;

	for (unsigned i = 0; i < n; i++) {
		irqlab_cpumask_zero(&masks[i]);
		irqlab_cpumask_set(&masks[i], irqlab_kernel_host_cpu(data->domain->kernel, vcpu));
	}
	err = backing_domain(host, phys, &d);
	if (err)
		return err;
	phys->hcall_domain = d;
	err = irqlab_irqs_alloc(d, n, &info, out);
	if (err) {
		for (unsigned i = 0; i < n; i++)
			out[i] = NULL;
		backing_domain_put(phys);
		return err;
	}
	guest_env(data)->host_allocs += n;
	return 0;
}

/* The host gives @n backings back, deactivating the live ones. */
static void host_release(struct irqlab_irq_data *data, struct irqlab_irq **irqs, unsigned n)
{
	struct irqlab_device *phys = view_of(data)->phys;

	for (unsigned i = 0; i < n; i++) {
		irqs[i]->started = false;
		if (irqlab_irq_activated(irqs[i]))
			irqlab_irq_deactivate(irqs[i]);
	}
	irqlab_irqs_free(irqs, n);
	for (unsigned i = 0; i < n; i++)
		irqs[i] = NULL;
	backing_domain_put(phys);
}

/*
 * The host's half of an activation: the entry's backing (the group's block for a multi-MSI
 * vector, allocated by the first), its vector taken ahead. Nothing is left on failure.
 */
static int host_back(struct irqlab_irq_data *data, struct hcall_irq *hi)
{
	struct hcall_group *g = hi->group;
	unsigned vcpu = irqlab_vector_next_cpu(data);
	struct irqlab_irq **irq = g ? &g->block[hi->offset] : &hi->prepared;
	bool fresh = !g || !g->block[0];
	int err = 0;

	if (fresh)
		err = host_allocate(data, vcpu, data->irq->index - hi->offset, g ? g->n : 1,
				    g ? g->block : &hi->prepared);
	if (err)
		return err;
	err = irqlab_irq_prepare(*irq, NULL);
	if (err) {
		irqlab_kernel_fail(host_of(data), err, "no free vector on host CPU %u",
				   irqlab_kernel_host_cpu(data->domain->kernel, vcpu));
		if (fresh) {
			guest_env(data)->host_allocs -= g ? g->n : 1;
			host_release(data, g ? g->block : &hi->prepared, g ? g->n : 1);
		}
		return err;
	}
	hi->prepared = *irq;
	if (g)
		g->prepared++;
	return 0;
}

/* The guest is done with the entry's backing: the host frees it (a group's block with the
 * last live vector). */
static void host_unback(struct irqlab_irq_data *data, struct hcall_irq *hi)
{
	struct hcall_group *g = hi->group;

	if (!g) {
		host_release(data, &hi->backing, 1);
		return;
	}
	hi->backing->started = false;
	irqlab_irq_deactivate(hi->backing);
	hi->backing = NULL;
	if (--g->live == 0 && !g->prepared)
		host_release(data, g->block, g->n);
}

/* One hypercall: counted whether or not the host manages. */
static int hypercall_fail(struct irqlab_irq_data *data, int err, const char *what)
{
	struct irqlab_kernel *host = host_of(data);

	if (!host->error->code)
		irqlab_kernel_fail(host, err, "out of memory");
	return irqlab_error_prefix(host->error, "hypercall (%s irq %u) refused: the host cannot %s",
				   data->domain->kernel->name, data->irq->virq, what);
}

static int hcall_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
		       const struct irqlab_alloc_info *info)
{
	struct irqlab_alloc_info parent_info = *info;
	struct hcall_group *g = NULL;
	unsigned i;
	int err;

	if (n > 32)
		return irqlab_kernel_fail(d->kernel, -EINVAL, "%s: %u interrupts in one group",
					  d->name, n);
	/* The host's IRTE block will make a group contiguous: the guest's vectors need not be. */
	parent_info.flags &= ~IRQLAB_ALLOC_F_CONTIGUOUS;
	err = irqlab_domain_alloc_parent(d, irqs, n, &parent_info);
	if (err)
		return err;
	if (n > 1) {
		g = irqlab_fault_zalloc(d->kernel->fault, sizeof(*g));
		if (!g)
			goto out_nomem;
		g->n = n;
	}
	for (i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);
		struct hcall_irq *hi = irqlab_fault_zalloc(d->kernel->fault, sizeof(*hi));

		if (!hi)
			break;
		hi->group = g;
		hi->offset = i;
		data->chip_data = hi;
		data->hwirq = info->hwirq + i;
	}
	if (i == n) {
		if (g)
			g->users = n;
		return 0;
	}
	while (i-- > 0) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);

		free(data->chip_data);
		data->chip_data = NULL;
	}
	free(g);
out_nomem:
	irqlab_domain_free_parent(d, irqs, n);
	return irqlab_kernel_fail(d->kernel, -ENOMEM, "%s: out of memory", d->name);
}

static void hcall_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);
		struct hcall_irq *hi = data->chip_data;

		if (!hi)
			continue;
		/* Released first as a rule; a machine torn down frees what is left. */
		if (hi->backing)
			host_unback(data, hi);
		if (hi->group && --hi->group->users == 0)
			free(hi->group);
		free(hi);
		data->chip_data = NULL;
	}
	irqlab_domain_free_parent(d, irqs, n);
}

/*
 * Takes ahead the host's half of an activation (one hypercall) or of a move (one hypercall,
 * when the interrupt is live: the host retargets its backing to the new vCPU's host CPU).
 */
static int hcall_prepare(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask)
{
	struct hcall_irq *hi = data->chip_data;
	struct irqlab_cpumask host_mask;
	int err;

	if (!mask) {
		if (hi->backing || hi->prepared)
			return 0;
		guest_env(data)->hypercalls++;
		err = host_back(data, hi);
		return err ? hypercall_fail(data, err, "back it") : 0;
	}
	if (!hi->backing)
		return 0;
	guest_env(data)->hypercalls++;
	hi->move_asked = true;
	/* Without IR the host cannot move a backing without changing the stored message. */
	if (!irqlab_kernel_remapped(host_of(data)))
		return 0;
	irqlab_cpumask_zero(&host_mask);
	irqlab_cpumask_set(&host_mask, irqlab_kernel_host_cpu(data->domain->kernel,
							      irqlab_vector_next_cpu(data)));
	hi->move_mask = irqlab_mask_hold(&host_of(data)->masks, &host_mask);
	if (!hi->move_mask) {
		hi->move_asked = false;
		return hypercall_fail(data, -ENOMEM, "retarget it");
	}
	err = irqlab_irq_prepare(hi->backing, &host_mask);
	if (err) {
		/* Failed, the call is over: the statement fails and nothing moves. */
		hi->move_asked = false;
		irqlab_mask_put(&host_of(data)->masks, hi->move_mask);
		hi->move_mask = NULL;
		irqlab_kernel_fail(host_of(data), err, "no free vector on host CPU %u",
				   irqlab_cpumask_first(&host_mask));
		return hypercall_fail(data, err, "retarget it");
	}
	hi->move_prepared = true;
	return 0;
}

static void hcall_abort(struct irqlab_irq_data *data)
{
	struct hcall_irq *hi = data->chip_data;

	if (hi->prepared) {
		struct hcall_group *g = hi->group;
		struct irqlab_irq *irq = hi->prepared;

		irqlab_irq_abort(irq);
		hi->prepared = NULL;
		/* What this statement allocated goes back: nothing changed (its domain too). */
		if (!g) {
			guest_env(data)->host_allocs--;
			host_release(data, &irq, 1);
		} else if (--g->prepared == 0 && !g->live) {
			guest_env(data)->host_allocs -= g->n;
			host_release(data, g->block, g->n);
		}
	}
	if (hi->move_prepared)
		irqlab_irq_abort(hi->backing);
	irqlab_mask_put(&host_of(data)->masks, hi->move_mask);
	hi->move_mask = NULL;
	hi->move_prepared = false;
	hi->move_asked = false;
}

static int hcall_activate(struct irqlab_domain *d, struct irqlab_irq_data *data, bool reserve)
{
	struct hcall_irq *hi = data->chip_data;
	struct irqlab_msi_msg msg;
	int err;

	/* A reservation makes no hypercall: the entry stays masked with no message. */
	if (reserve || hi->backing)
		return 0;
	/* An activation no statement prepared (a CPU coming back): the hypercall now. */
	if (!hi->prepared) {
		err = hcall_prepare(data, NULL);
		if (err)
			return err;
	}
	hi->prepared->started = true;
	err = irqlab_irq_activate(hi->prepared, false);
	/* A group shares one message: the block's first IRTE, each vector its subhandle. */
	if (!err)
		err = irqlab_irq_compose_msg(
			(hi->group ? hi->group->block[0] : hi->prepared)->top->parent, &msg);
	if (err) {
		hi->prepared->started = false;
		hcall_abort(data);
		return err;
	}
	hi->backing = hi->prepared;
	hi->prepared = NULL;
	view_of(data)->phys->hcall_domain_used = true;
	if (hi->group) {
		hi->group->prepared--;
		hi->group->live++;
	}
	hi->msg = msg;
	trace(data, "the host backs it; the guest stores the host's message");
	return 0;
}

static void hcall_deactivate(struct irqlab_domain *d, struct irqlab_irq_data *data)
{
	struct hcall_irq *hi = data->chip_data;

	if (!hi->backing)
		return;
	guest_env(data)->hypercalls++;
	host_unback(data, hi);
	hi->msg = (struct irqlab_msi_msg){0};
	trace(data, "the host frees its backing");
}

static int hcall_set_affinity(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
			      bool force)
{
	struct hcall_irq *hi = data->chip_data;
	int ret = irqlab_irq_set_affinity_parent(data, mask, force);

	if (ret < 0)
		return ret;
	if (hi->backing) {
		struct irqlab_cpumask host_mask;

		/* A move no statement prepared makes its hypercall now. */
		if (!hi->move_asked && hcall_prepare(data, mask))
			trace(data, "the host cannot retarget it: it stays where it was");
		irqlab_cpumask_zero(&host_mask);
		irqlab_cpumask_set(
			&host_mask,
			irqlab_kernel_host_cpu(data->domain->kernel, irqlab_vector_next_cpu(data)));
		/* Its mask is held since the prepare: this cannot fail. */
		if (hi->move_prepared)
			irqlab_irq_set_affinity(hi->backing, &host_mask, false);
		irqlab_mask_put(&host_of(data)->masks, hi->move_mask);
		hi->move_mask = NULL;
		hi->move_prepared = false;
		hi->move_asked = false;
	}
	/* The host's handler injects whatever vector the guest holds now: none is in flight. */
	irqlab_vector_cleanup_now(data);
	return IRQLAB_SET_AFFINITY_OK_DONE;
}

static int hcall_compose_msg(struct irqlab_irq_data *data, struct irqlab_msi_msg *msg)
{
	const struct hcall_irq *hi = data->chip_data;

	*msg = hi->msg;
	return 0;
}

/* The hypercall stands where an IR unit would: it offers what IR offers its children. */
static int hcall_accept_child(struct irqlab_domain *d, unsigned required, struct irqlab_strbuf *why)
{
	/* A contiguous block behind one message is an IRTE block: only a host with IR has it. */
	const unsigned offered = IRQLAB_REQ_MSI | IRQLAB_REQ_MSIX | IRQLAB_REQ_IMS |
				 IRQLAB_REQ_QUEUE_STORE |
				 (irqlab_kernel_remapped(irqlab_kernel_machine(d->kernel)->host)
					  ? IRQLAB_REQ_MULTI_MSI
					  : 0);
	unsigned bad = required & ~offered;

	if (!bad)
		return 0;
	irqlab_strbuf_printf(why, "%s is not offered by the hypercall parent%s",
			     irqlab_req_name(bad & -bad),
			     bad & IRQLAB_REQ_MULTI_MSI ? " of a host without IR" : "");
	return -EOPNOTSUPP;
}

static void hcall_dump_irq(struct irqlab_irq_data *data, struct irqlab_strbuf *out)
{
	const struct hcall_irq *hi = data->chip_data;

	if (hi->backing)
		irqlab_strbuf_printf(out, " backing=host irq %u", hi->backing->virq);
}

static const struct irqlab_domain_ops hcall_ops = {
	.alloc = hcall_alloc,
	.free = hcall_free,
	.activate = hcall_activate,
	.deactivate = hcall_deactivate,
	.prepare = hcall_prepare,
	.abort = hcall_abort,
	.moves_in_process_context = true,
	.set_affinity = hcall_set_affinity,
	.compose_msg = hcall_compose_msg,
	.accept_child = hcall_accept_child,
	.dump_irq = hcall_dump_irq,
};

int irqlab_hcall_domain_create(struct irqlab_kernel *k, struct irqlab_domain *vector,
			       struct irqlab_domain **out)
{
	int err = irqlab_domain_create(k, vector, &hcall_ops, "HCALL", 0, NULL, out);

	if (!err)
		snprintf((*out)->child_prefix, sizeof((*out)->child_prefix), "HC-");
	return err;
}
