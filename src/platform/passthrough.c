// SPDX-License-Identifier: MIT
/*
 * Device assignment and the host's trap-and-emulate backing (see passthrough.h). The facts it
 * follows: QEMU's MSI-X emulation (masking and pending bits kept in the emulated table and
 * PBA, the pending message replayed on unmask, address/data writes to an unmasked entry taking
 * effect at once), VFIO's dynamic MSI-X allocation (a host vector per entry the guest unmasks)
 * and KVM's MSI routing (the guest's message, decoded as the guest wrote it, picks the vCPU).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/errname.h"
#include "bus/msi_domain.h"
#include "platform/passthrough.h"
#include "platform/fabric.h"
#include "platform/hcall.h"
#include "platform/platform.h"
#include "x86/vector_domain.h"

/* A backing taken ahead by a statement, activated when the guest unmasks its entry. */
struct prepared {
	unsigned index;
	struct irqlab_irq *irq;
};

struct irqlab_passthrough {
	struct irqlab_device *view, *phys;
	struct irqlab_kernel *guest, *host;
	struct irqlab_store_observer trap; /* on the view's store, when it is trapped */
	struct prepared *prep;
	unsigned nr_prep;
	bool made_domain; /* the host's bus domain of the device was created by a prepare */
	struct irqlab_error unbacked; /* why the last entry made live on the spot was not backed */
};

static struct irqlab_machine *machine_of(const struct irqlab_passthrough *pt)
{
	return irqlab_kernel_machine(pt->host);
}

static void trace(struct irqlab_passthrough *pt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void trace(struct irqlab_passthrough *pt, const char *fmt, ...)
{
	struct irqlab_machine *p = machine_of(pt);
	char line[256];
	va_list ap;

	if (!p->trace)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->trace(p->trace_ctx, line);
}

struct irqlab_device *irqlab_passthrough_view(const struct irqlab_device *dev,
					      const struct irqlab_kernel *k)
{
	for (struct irqlab_device *v = dev->views; v; v = v->next_view)
		if (v->kernel == k)
			return v;
	return NULL;
}

struct irqlab_irq *irqlab_passthrough_entry_irq(const struct irqlab_device *dev, unsigned index)
{
	const struct irqlab_device *view;

	if (dev->entries[index].irq || !dev->views)
		return dev->entries[index].irq;
	view = irqlab_passthrough_view(dev, dev->entries[index].owner);
	return view && !view->emulated ? irqlab_passthrough_backing(view, index) : NULL;
}

struct irqlab_irq *irqlab_passthrough_backing(const struct irqlab_device *view, unsigned index)
{
	if (!view->phys || view->entries[index].owner != view->kernel)
		return NULL;
	/* A hypercall's backing hangs off the guest's interrupt; a trap's off the entry. */
	if (!view->emulated)
		return view->entries[index].irq ? irqlab_hcall_backing(view->entries[index].irq)
						: NULL;
	return view->phys->entries[index].irq;
}

/*
 * The vCPU a guest message targets, or -1 when it targets none (KVM's MSI decode); a
 * remappable one through the guest's emulated IR unit, looked at, not used.
 */
static int guest_target(const struct irqlab_passthrough *pt, const struct irqlab_msi_msg *msg)
{
	struct irqlab_ir_unit *vir = irqlab_kernel_env(pt->guest)->vir;
	struct irqlab_msi_compat f;
	struct irqlab_ir_result res;

	if (vir && irqlab_msi_is_remappable(msg)) {
		irqlab_ir_unit_remap(vir, msg, pt->view->rid, IRQLAB_PROBE, &res);
		return res.blocked || res.dest >= pt->guest->ncpus ? -1 : (int)res.dest;
	}
	if (!irqlab_msi_addr_is_interrupt(msg) || irqlab_msi_is_remappable(msg) ||
	    irqlab_msi_compat_decode(msg, false, &f) || f.dest >= pt->guest->ncpus)
		return -1;
	return (int)f.dest;
}

/* The guest IRTE entry @index's message names, or -1 for a message that names none. */
static long guest_irte(const struct irqlab_passthrough *pt, unsigned index)
{
	struct irqlab_msi_remap f;
	struct irqlab_msi_msg msg;

	if (irqlab_store_read(pt->view->store, index, &msg) || irqlab_msi_remap_decode(&msg, &f))
		return -1;
	return (long)f.handle + (f.shv ? f.subhandle : 0);
}

/* The host CPU a backing for vCPU @vcpu goes to; a message that targets none: vCPU 0's. */
static unsigned host_cpu_for(const struct irqlab_passthrough *pt, int vcpu)
{
	return irqlab_kernel_host_cpu(pt->guest, vcpu < 0 ? 0 : (unsigned)vcpu);
}

static struct prepared *find_prepared(struct irqlab_passthrough *pt, unsigned index)
{
	for (unsigned i = 0; i < pt->nr_prep; i++)
		if (pt->prep[i].irq && pt->prep[i].index == index)
			return &pt->prep[i];
	return NULL;
}

/* Whether entry @index has a live backing (one taken ahead is not, until it is used). */
static bool backed(struct irqlab_passthrough *pt, unsigned index)
{
	return pt->phys->entries[index].irq && !find_prepared(pt, index);
}

/*
 * Takes one backing ahead: the host's bus domain of the device (created on first use, under
 * the host's IR unit when it has one), an interrupt at entry @index with affinity the host CPU,
 * and the vector its activation will use. Nothing is left on failure.
 */
static int take_backing(struct irqlab_passthrough *pt, unsigned index, unsigned cpu,
			struct irqlab_irq **out)
{
	struct irqlab_kernel_env *henv = irqlab_kernel_env(pt->host);
	struct irqlab_device *phys = pt->phys;
	struct irqlab_cpumask mask;
	bool made = !phys->domain;
	int err;

	/* The backing is an IMS interrupt of the host's: its policy applies, as to its own. */
	if (phys->kind == IRQLAB_DEV_IMS && henv->ims == IRQLAB_IMS_OFF)
		return irqlab_kernel_fail(pt->host, -EOPNOTSUPP,
					  "the host kernel has no IMS support (ims=off)");
	err = irqlab_msi_domain_create(phys, henv->msi_parent);
	if (err)
		return err;
	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, cpu);
	err = irqlab_msi_domain_alloc_entry(phys, index, &mask, out);
	if (!err) {
		err = irqlab_irq_prepare(*out, NULL);
		if (err) {
			irqlab_msi_domain_free_entry(phys, index);
			irqlab_kernel_fail(pt->host, err, "no free vector on host CPU %u", cpu);
		}
	} else if (!pt->host->error->code) {
		irqlab_kernel_fail(pt->host, err, "out of memory");
	}
	if (err && made) {
		irqlab_domain_destroy(phys->domain);
		phys->domain = NULL;
	}
	if (!err && made)
		pt->made_domain = true;
	return err;
}

/* Gives a backing taken ahead back. */
static void drop_backing(struct irqlab_passthrough *pt, struct prepared *pr)
{
	irqlab_irq_abort(pr->irq);
	irqlab_msi_domain_free_entry(pt->phys, pr->index);
	pr->irq = NULL;
}

/*
 * The backing goes live: activated on the vector taken for it (the host's bus domain writes
 * the real store and unmasks the entry), the function enabled. A message the device latched
 * while the entry had no backing goes out at the next flush.
 */
static void commit_backing(struct irqlab_passthrough *pt, unsigned index, struct irqlab_irq *irq)
{
	struct irqlab_device *phys = pt->phys;

	irq->started = true;
	if (irqlab_irq_activate(irq, false))
		return; /* cannot happen: everything was taken ahead */
	irqlab_kernel_env(pt->guest)->host_allocs++;
	if (!irqlab_store_enabled(phys->store))
		irqlab_store_enable(phys->store, 1);
	trace(pt, "  %s[%u] in %s: the host backs it with irq %u on CPU %u", pt->view->name, index,
	      pt->guest->name, irq->virq, irq->affinity ? irqlab_cpumask_first(irq->affinity) : 0);
}

/* The guest is done with entry @index: the host frees its backing. */
static void unback(struct irqlab_passthrough *pt, unsigned index)
{
	struct irqlab_irq *irq = pt->phys->entries[index].irq;

	if (!irq)
		return;
	if (irqlab_irq_activated(irq))
		irqlab_irq_deactivate(irq);
	irqlab_msi_domain_free_entry(pt->phys, index);
	trace(pt, "  %s[%u] in %s: the host frees its backing", pt->view->name, index,
	      pt->guest->name);
}

/*
 * The guest made entry @index live where no statement took its backing ahead: back it now,
 * or say why not and leave both sides as they were (the statement that got here succeeds: a
 * trapped write cannot fail).
 */
static void back_now(struct irqlab_passthrough *pt, unsigned index)
{
	struct irqlab_machine *p = machine_of(pt);
	struct irqlab_error saved = p->error;
	struct prepared *pr = find_prepared(pt, index);
	struct irqlab_msi_msg msg;
	struct irqlab_irq *irq;
	int vcpu = -1;

	if (pr) {
		irq = pr->irq;
		pr->irq = NULL;
		commit_backing(pt, index, irq);
		return;
	}
	if (!irqlab_store_read(pt->view->store, index, &msg)) {
		/* A cleared entry (the guest tearing its vector down) sends nothing to back. */
		if (!irqlab_msi_addr_is_interrupt(&msg))
			return;
		vcpu = guest_target(pt, &msg);
	}
	irqlab_error_clear(&p->error);
	if (take_backing(pt, index, host_cpu_for(pt, vcpu), &irq) == 0) {
		irqlab_error_clear(&pt->unbacked);
		commit_backing(pt, index, irq);
	} else {
		pt->unbacked = p->error;
		trace(pt, "  %s[%u] in %s: the host cannot back it (%s: %s); it stays unbacked",
		      pt->view->name, index, pt->guest->name, irqlab_errno_name(p->error.code),
		      p->error.msg);
	}
	p->error = saved;
}

/*
 * The guest rewrote a live entry: the backing follows the vCPU its message now targets, by
 * the host's rules (a move now under IR, at its next interrupt without). Best effort: a host
 * that cannot move it keeps it where it is, and KVM still injects into the right vCPU.
 */
static void retarget(struct irqlab_passthrough *pt, unsigned index)
{
	struct irqlab_machine *p = machine_of(pt);
	struct irqlab_irq *irq = pt->phys->entries[index].irq;
	struct irqlab_error saved = p->error;
	struct irqlab_cpumask mask;
	struct irqlab_msi_msg msg;
	struct irqlab_irq_cfg cfg;
	unsigned cpu;
	int vcpu;

	if (irqlab_store_read(pt->view->store, index, &msg))
		return;
	vcpu = guest_target(pt, &msg);
	if (vcpu < 0)
		return;
	cpu = host_cpu_for(pt, vcpu);
	if (irqlab_vector_irq_cfg(irq->top, &cfg) == 0 && cfg.cpu == cpu && !irq->move_pending)
		return;
	if (irqlab_cpumask_test(irq->affinity, cpu) && irqlab_cpumask_weight(irq->affinity) == 1)
		return;
	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, cpu);
	irqlab_error_clear(&p->error);
	if (irqlab_platform_irq_retarget(pt->host, irq, &mask))
		trace(pt, "  %s[%u] in %s: the host keeps irq %u where it is (%s: %s)",
		      pt->view->name, index, pt->guest->name, irq->virq,
		      irqlab_errno_name(p->error.code), p->error.msg);
	else
		trace(pt, "  %s[%u] in %s: the host moves irq %u to CPU %u, where vCPU %d runs",
		      pt->view->name, index, pt->guest->name, irq->virq, cpu, vcpu);
	p->error = saved;
}

/*
 * The guest enabled MSI: the host backs every vector it enabled at once, as VFIO enables MSI
 * (MSI has no per-vector dynamic allocation), a multi-MSI group as one contiguous block of the
 * host's; the guest's per-vector masks stay emulated. Best effort: platform_alloc undoes the
 * guest's allocation when a vector is left unbacked.
 */
static void back_msi_function(struct irqlab_passthrough *pt)
{
	struct irqlab_machine *p = machine_of(pt);
	struct irqlab_error saved = p->error;
	struct irqlab_device *phys = pt->phys;
	struct irqlab_irq *irqs[32];
	struct irqlab_cpumask mask;
	struct irqlab_msi_msg msg;
	unsigned n = 0, i = 0;
	bool made = !phys->domain, allocated = false;
	int vcpu = -1, err;

	while (n < pt->view->nr && n < 32 && pt->view->entries[n].irq && !backed(pt, n))
		n++;
	if (n < 2) {
		if (n == 1)
			back_now(pt, 0);
		return;
	}
	if (!irqlab_store_read(pt->view->store, 0, &msg))
		vcpu = guest_target(pt, &msg);
	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, host_cpu_for(pt, vcpu));
	irqlab_error_clear(&p->error);
	err = irqlab_msi_domain_create(phys, irqlab_kernel_env(pt->host)->msi_parent);
	if (!err)
		err = irqlab_msi_domain_alloc_block(phys, 0, n, &mask, irqs);
	allocated = !err;
	for (; !err && i < n; i++) {
		err = irqlab_irq_prepare(irqs[i], NULL);
		if (err)
			break;
	}
	if (err) {
		if (!p->error.code)
			irqlab_error_set(&p->error, err, "no backing for %u MSI vectors", n);
		pt->unbacked = p->error;
		trace(pt, "  %s in %s: the host cannot back its %u MSI vectors (%s: %s)",
		      pt->view->name, pt->guest->name, n, irqlab_errno_name(err), p->error.msg);
		while (allocated && i-- > 0)
			irqlab_irq_abort(irqs[i]);
		for (unsigned j = n; allocated && j-- > 0;)
			irqlab_msi_domain_free_entry(phys, j);
		if (made && phys->domain) {
			irqlab_domain_destroy(phys->domain);
			phys->domain = NULL;
		}
	} else {
		irqlab_error_clear(&pt->unbacked);
		for (i = 0; i < n; i++)
			commit_backing(pt, i, irqs[i]);
	}
	p->error = saved;
}

/* Whether the guest's entry @index sends now: its function enabled, the entry unmasked. */
static bool guest_live(const struct irqlab_passthrough *pt, unsigned index)
{
	const struct irqlab_store *s = pt->view->store;

	return pt->view->entries[index].owner == pt->guest && pt->view->entries[index].irq &&
	       irqlab_store_enabled(s) && !irqlab_store_masked(s, index);
}

/* Every write the guest makes to the emulated store lands here. */
static void trapped(struct irqlab_store_observer *obs, struct irqlab_store *s, unsigned index,
		    enum irqlab_store_reg reg)
{
	struct irqlab_passthrough *pt = obs->ctx;

	irqlab_kernel_env(pt->guest)->traps++;
	switch (reg) {
	case IRQLAB_STORE_ADDR_LO:
	case IRQLAB_STORE_ADDR_HI:
		break; /* the data register completes the message */
	case IRQLAB_STORE_DATA:
		if (pt->view->entries[index].owner != pt->guest)
			break;
		if (backed(pt, index))
			retarget(pt, index);
		else if (guest_live(pt, index))
			back_now(pt, index);
		break;
	case IRQLAB_STORE_VECTOR_CTRL:
		/*
		 * A masked entry's messages wait in the emulated pending bit: nothing to do. A
		 * store that cannot mask ignores the write (the guest tearing its vector down
		 * writes it): its entries went live with the function, and were backed then.
		 */
		if (irqlab_store_can_mask(s) && guest_live(pt, index) && !backed(pt, index))
			back_now(pt, index);
		break;
	case IRQLAB_STORE_FUNCTION_CTRL:
		/* The guest enabling the function enables the device's, every entry masked. */
		if (irqlab_store_enabled(s) && !irqlab_store_enabled(pt->phys->store))
			irqlab_store_enable(pt->phys->store, pt->view->kind == IRQLAB_DEV_MSI &&
									     pt->view->nr_allocated
								     ? pt->view->nr_allocated
								     : 1);
		if (irqlab_store_enabled(s) && pt->view->kind == IRQLAB_DEV_MSI)
			back_msi_function(pt);
		for (unsigned i = 0; i < pt->view->nr; i++) {
			if (pt->view->entries[i].owner != pt->guest)
				continue;
			/* Freed by the guest, or the function disabled: the backing goes. */
			if (backed(pt, i) &&
			    (!pt->view->entries[i].irq || !irqlab_store_enabled(s)))
				unback(pt, i);
			else if (!backed(pt, i) && guest_live(pt, i) &&
				 pt->view->kind != IRQLAB_DEV_MSI)
				back_now(pt, i);
		}
		if (!irqlab_store_enabled(s) && !pt->phys->nr_allocated)
			irqlab_store_disable(pt->phys->store);
		break;
	}
}

int irqlab_passthrough_prepare(struct irqlab_device *view, const unsigned *idx,
			       const unsigned *cpus, unsigned n)
{
	struct irqlab_passthrough *pt = view->pt;
	int err = 0;

	if (!pt || !view->emulated || !n)
		return 0;
	pt->prep = irqlab_fault_zalloc(pt->host->fault, n * sizeof(*pt->prep));
	if (!pt->prep)
		return irqlab_kernel_fail(pt->host, -ENOMEM, "the host: out of memory");
	pt->made_domain = false;
	for (unsigned i = 0; i < n && !err; i++) {
		unsigned index = idx[i];
		struct prepared *pr = &pt->prep[pt->nr_prep];

		if (view->entries[index].owner != pt->guest || pt->phys->entries[index].irq)
			continue;
		err = take_backing(pt, index, host_cpu_for(pt, (int)cpus[i]), &pr->irq);
		if (!err) {
			pr->index = index;
			pt->nr_prep++;
		} else {
			irqlab_error_prefix(pt->host->error, "the host cannot back index %u",
					    index);
		}
	}
	if (err)
		irqlab_passthrough_finish(view);
	return err;
}

void irqlab_passthrough_finish(struct irqlab_device *view)
{
	struct irqlab_passthrough *pt = view->pt;

	if (!pt || !pt->prep)
		return;
	for (unsigned i = pt->nr_prep; i-- > 0;)
		if (pt->prep[i].irq)
			drop_backing(pt, &pt->prep[i]);
	/* A domain made for backings none of which stayed goes too: nothing changed. */
	if (pt->made_domain && !pt->phys->nr_allocated) {
		irqlab_domain_destroy(pt->phys->domain);
		pt->phys->domain = NULL;
	}
	free(pt->prep);
	pt->prep = NULL;
	pt->nr_prep = 0;
	pt->made_domain = false;
}

int irqlab_passthrough_unbacked(const struct irqlab_device *view, struct irqlab_error *why)
{
	const struct irqlab_passthrough *pt = view->pt;

	if (!pt || !pt->unbacked.code)
		return irqlab_error_set(why, -ENOSPC, "the host cannot back it");
	*why = pt->unbacked;
	return why->code;
}

void irqlab_passthrough_inject(struct irqlab_machine *p, struct irqlab_irq *backing)
{
	struct irqlab_device *phys = backing->dev;
	struct irqlab_device *view =
		irqlab_passthrough_view(phys, phys->entries[backing->index].owner);

	if (!view)
		return;
	/* A hypercall's backing: the guest's vector level says where its interrupt is now. */
	if (!view->emulated) {
		struct irqlab_irq *irq = view->entries[backing->index].irq;
		struct irqlab_irq_cfg cfg;

		if (irq && irqlab_vector_irq_cfg(irq->top, &cfg) == 0)
			irqlab_fabric_inject(p, view, backing->index, cfg.cpu, cfg.vector);
		return;
	}
	/* The emulated entry: masked, it latches its pending bit; else the VMM delivers it. */
	irqlab_fabric_emit(p, view, backing->index);
}

/*
 * The guest rewrote IRTE @irte of its emulated IR unit (a move under vIR leaves the device's
 * store alone): every backing whose guest message names that entry follows its new vCPU.
 */
static void vir_written(void *ctx, unsigned irte)
{
	struct irqlab_kernel *guest = ctx;

	irqlab_kernel_env(guest)->traps++;
	for (struct irqlab_device *view = irqlab_kernel_env(guest)->views; view;
	     view = view->next_in_guest) {
		/* A view the VMM was detached from (the machine going) traps nothing. */
		if (!view->pt || !view->emulated)
			continue;
		for (unsigned i = 0; i < view->nr; i++)
			if (view->entries[i].owner == guest && backed(view->pt, i) &&
			    guest_irte(view->pt, i) == (long)irte)
				retarget(view->pt, i);
	}
}

/* The backings of guest @guest's trapped views follow their vCPUs to their host CPUs now. */
static void follow_vcpus(struct irqlab_kernel *guest)
{
	for (struct irqlab_device *view = irqlab_kernel_env(guest)->views; view;
	     view = view->next_in_guest) {
		/* A view the VMM was detached from (the machine going) traps nothing. */
		if (!view->pt || !view->emulated)
			continue;
		for (unsigned i = 0; i < view->nr; i++)
			if (view->entries[i].owner == guest && backed(view->pt, i))
				retarget(view->pt, i);
	}
}

void irqlab_passthrough_watch_vir(struct irqlab_kernel *guest)
{
	irqlab_ir_unit_watch_writes(irqlab_kernel_env(guest)->vir, vir_written, guest);
}

void irqlab_passthrough_host_cpu_offline(struct irqlab_machine *p, unsigned cpu)
{
	unsigned fallback = irqlab_cpumask_first(&p->host->online);

	for (unsigned i = 1; i < p->nr_kernels; i++) {
		struct irqlab_kernel_env *env = irqlab_kernel_env(p->kernels[i]);
		bool moved = false;

		for (unsigned v = 0; v < p->kernels[i]->ncpus; v++) {
			if (env->vcpu_host[v] != cpu)
				continue;
			env->vcpu_host[v] = fallback;
			moved = true;
			if (p->trace) {
				char line[128];

				snprintf(line, sizeof(line),
					 "  %s vCPU %u: its host CPU %u is offline; it runs on CPU "
					 "%u now",
					 p->kernels[i]->name, v, cpu, fallback);
				p->trace(p->trace_ctx, line);
			}
		}
		/*
		 * The host moved the backings off the dying CPU by its own rules; a trapped one
		 * then follows its vCPU, as a guest's rewrite would make it (best effort, as
		 * there).
		 */
		if (moved)
			follow_vcpus(p->kernels[i]);
	}
}

int irqlab_passthrough_assign(struct irqlab_kernel *guest, struct irqlab_device *dev,
			      const unsigned *slots, unsigned n, struct irqlab_device **out)
{
	struct irqlab_machine *p = irqlab_kernel_machine(guest);
	struct irqlab_device *view = irqlab_passthrough_view(dev, guest);
	struct irqlab_passthrough *pt = NULL;
	/* Under a hypercall parent the guest stores what the host returns: nothing traps. */
	bool trap = dev->store && irqlab_store_trappable(dev->store) &&
		    !irqlab_hcall_domain_is(irqlab_kernel_env(guest)->msi_parent);
	unsigned total = n ? n : dev->nr;
	int err;

	irqlab_error_clear(&p->error);
	if (guest == p->host)
		return irqlab_kernel_fail(guest, -EINVAL, "assign %s: the host is not a VM",
					  dev->name);
	if (dev->phys || dev->kernel != p->host)
		return irqlab_kernel_fail(guest, -EINVAL,
					  "assign %s: it is %s's own device, not the host's",
					  dev->name, dev->kernel->name);
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_kernel_fail(
			guest, -EOPNOTSUPP,
			"assign %s: passing a wired INTx pin to a VM is not modelled; assign a "
			"message-signalled device",
			dev->name);
	if (n && dev->kind != IRQLAB_DEV_IMS)
		return irqlab_kernel_fail(
			guest, -EINVAL,
			"assign %s: slots= hands out IMS slots; a %s device is assigned whole",
			dev->name, irqlab_device_kind_name(dev->kind));
	for (unsigned i = 0; i < total; i++) {
		unsigned index = n ? slots[i] : i;

		if (index >= dev->nr)
			return irqlab_kernel_fail(guest, -ERANGE,
						  "assign %s: slot %u is beyond its %u slots",
						  dev->name, index, dev->nr);
		if (dev->entries[index].owner != p->host)
			return irqlab_kernel_fail(guest, -EBUSY, "assign %s: %s %u is already %s's",
						  dev->name,
						  dev->kind == IRQLAB_DEV_IMS ? "slot" : "entry",
						  index, dev->entries[index].owner->name);
		if (dev->entries[index].irq)
			return irqlab_kernel_fail(
				guest, -EBUSY,
				"assign %s: the host has %s %u allocated; free it first", dev->name,
				dev->kind == IRQLAB_DEV_IMS ? "slot" : "entry", index);
	}
	if (!view) {
		err = irqlab_platform_devices_reserve(p);
		if (!err)
			err = irqlab_device_new_view(guest, dev, !trap, &view);
		if (!err) {
			pt = irqlab_fault_zalloc(p->fault, sizeof(*pt));
			if (!pt) {
				irqlab_device_free(view);
				err = -ENOMEM;
			}
		}
		if (err)
			return irqlab_kernel_fail(guest, -ENOMEM, "assign %s: out of memory",
						  dev->name);
		*pt = (struct irqlab_passthrough){
			.view = view,
			.phys = dev,
			.guest = guest,
			.host = p->host,
			.trap = {.written = trapped, .ctx = pt},
		};
		view->pt = pt;
		if (trap)
			irqlab_store_observe_add(view->store, &pt->trap);
		view->next_view = dev->views;
		dev->views = view;
		view->next_in_guest = irqlab_kernel_env(guest)->views;
		irqlab_kernel_env(guest)->views = view;
		irqlab_platform_devices_add(p, view);
	}
	/* Counted as they change hands: a slot the list names twice is given once. */
	for (unsigned i = 0; i < total; i++) {
		unsigned index = n ? slots[i] : i;

		if (dev->entries[index].owner == guest)
			continue;
		dev->entries[index].owner = guest;
		view->entries[index].owner = guest;
		dev->nr_assigned++;
	}
	*out = view;
	return 0;
}

void irqlab_passthrough_release(struct irqlab_device *view)
{
	struct irqlab_passthrough *pt = view->pt;

	if (!pt)
		return;
	irqlab_passthrough_finish(view);
	if (view->emulated)
		irqlab_store_observe_remove(view->store, &pt->trap);
	free(pt);
	view->pt = NULL;
}

int irqlab_passthrough_check(const struct irqlab_device *view, struct irqlab_strbuf *why)
{
	const struct irqlab_passthrough *pt = view->pt;
	unsigned given = 0;

	if (!pt)
		return irqlab_check_fail(why, "%s in %s: a view without its VMM", view->name,
					 view->kernel->name);
	if (pt->prep)
		return irqlab_check_fail(why, "%s in %s: backings taken ahead and never given back",
					 view->name, view->kernel->name);
	for (unsigned i = 0; i < view->nr; i++) {
		const struct irqlab_irq *backing = view->phys->entries[i].irq;
		bool mine = view->phys->entries[i].owner == view->kernel;

		given += view->phys->entries[i].owner != view->phys->kernel;
		if (mine != (view->entries[i].owner == view->kernel))
			return irqlab_check_fail(why,
						 "%s index %u: the device and %s's view disagree "
						 "about its owner",
						 view->name, i, view->kernel->name);
		if (mine && backing && (!view->emulated || !view->entries[i].irq))
			return irqlab_check_fail(why,
						 "%s index %u: the host backs an entry %s has not "
						 "allocated",
						 view->name, i, view->kernel->name);
	}
	/* irqlab_device_owner() trusts this count to tell a whole device from a split one. */
	if (given != view->phys->nr_assigned)
		return irqlab_check_fail(why, "%s: %u entries assigned, and its count says %u",
					 view->name, given, view->phys->nr_assigned);
	return 0;
}
