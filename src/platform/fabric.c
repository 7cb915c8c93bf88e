// SPDX-License-Identifier: MIT
/*
 * The delivery fabric: a message from a device goes to the IR unit covering it, or straight
 * to the local APICs, and ends in one class; every counter is kept here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/errname.h"
#include "platform/fabric.h"
#include "platform/passthrough.h"
#include "x86/vector_domain.h"

const char *irqlab_msg_class_name(enum irqlab_msg_class cls)
{
	static const char *const names[] = {
		[IRQLAB_MSG_DELIVERED] = "delivered",
		[IRQLAB_MSG_BLOCKED] = "blocked",
		[IRQLAB_MSG_LOST] = "lost",
		[IRQLAB_MSG_SPURIOUS] = "spurious",
		[IRQLAB_MSG_MISDELIVERED] = "misdelivered",
	};

	return cls < IRQLAB_MSG_NR_CLASSES ? names[cls] : "?";
}

/*
 * One more delivery to entry @e on @cpu. A message that arrived cannot be undone, so when
 * there is no room to say on which CPU it arrived, it is still counted, as unplaced.
 */
static void count_entry_delivery(struct irqlab_machine *p, struct irqlab_dev_entry *e, unsigned cpu)
{
	unsigned i;

	e->delivered++;
	for (i = 0; i < e->nr_by_cpu && e->by_cpu[i].cpu != cpu; i++)
		;
	if (i == e->by_cpu_slots) {
		unsigned slots = i ? 2 * i : 1;
		struct irqlab_cpu_count *grown = NULL;

		/* Its own site: a walk tells this absorbed failure from the ones that must fail. */
		if (!irqlab_fault_point(p->fault, "counter", -ENOMEM))
			grown = realloc(e->by_cpu, slots * sizeof(*grown));
		if (!grown) {
			e->unplaced++;
			return;
		}
		e->by_cpu = grown;
		e->by_cpu_slots = slots;
	}
	if (i == e->nr_by_cpu)
		e->by_cpu[e->nr_by_cpu++] = (struct irqlab_cpu_count){.cpu = cpu};
	e->by_cpu[i].count++;
}

static void count_delivery(struct irqlab_machine *p, struct irqlab_device *from, unsigned index,
			   struct irqlab_delivery *dl)
{
	struct irqlab_irq *irq = dl->irq;

	p->by_class[dl->cls]++;
	if (from)
		from->entries[index].by_class[dl->cls]++;
	if (dl->cls == IRQLAB_MSG_MISDELIVERED && from)
		irqlab_isolation_record(p, from, index, dl);
	if (dl->cls != IRQLAB_MSG_DELIVERED)
		return;
	/* The physical CPU: a guest's vCPU counts on the host CPU it runs on. */
	p->delivered_by_cpu[irqlab_kernel_host_cpu(dl->at, dl->cpu)]++;
	if (irq->dev) {
		struct irqlab_device *owner = irq->dev;

		count_entry_delivery(p, &owner->entries[irq->index], dl->cpu);
		irqlab_platform_touch_device(p, owner);
	}
}

/*
 * A host interrupt backing a guest's entry ran its handler on @cpu: the host counts it, as
 * /proc/interrupts counts a vfio vector; the message's class is the guest's to say.
 */
static void count_host_leg(struct irqlab_machine *p, struct irqlab_irq *backing, unsigned cpu)
{
	struct irqlab_device *phys = backing->dev;

	count_entry_delivery(p, &phys->entries[backing->index], cpu);
	irqlab_platform_touch_device(p, phys);
}

static void trace_delivery(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			   const struct irqlab_delivery *dl)
{
	char line[320];
	int n;

	if (!p->trace)
		return;
	/* The whole address: a store can put anything in address_hi. */
	if (dev->phys && dev->emulated)
		n = snprintf(line, sizeof(line),
			     "  %s[%u] in %s: the VMM injects addr=0x%08llx "
			     "data=0x%08x",
			     dev->name, index, dev->kernel->name,
			     (unsigned long long)dl->msg.address_hi << 32 | dl->msg.address_lo,
			     dl->msg.data);
	else
		n = snprintf(line, sizeof(line), "  %s[%u] emits addr=0x%08llx data=0x%08x",
			     dev->name, index,
			     (unsigned long long)dl->msg.address_hi << 32 | dl->msg.address_lo,
			     dl->msg.data);
	if (dl->remapped && !dl->ir.blocked && dev->emulated)
		/* A VM's own (emulated) unit translated it. */
		n += snprintf(line + n, sizeof(line) - (size_t)n, " -> %s's %s IRTE %u",
			      dev->kernel->name,
			      irqlab_ir_unit_name(irqlab_kernel_env(dev->kernel)->vir),
			      dl->ir.index);
	else if (dl->remapped && !dl->ir.blocked)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " -> %s IRTE %u",
			      irqlab_ir_unit_name(p->ir), dl->ir.index);
	if (dl->cls == IRQLAB_MSG_BLOCKED)
		snprintf(line + n, sizeof(line) - (size_t)n, " -> blocked (fault 0x%02x%s)",
			 dl->ir.reason, dl->ir.recorded ? "" : ", not recorded: FPD");
	else if (dl->irq && dl->at && dl->at != p->host)
		/* A guest's vCPU, and the host CPU it runs on. */
		snprintf(line + n, sizeof(line) - (size_t)n,
			 " -> %s vCPU %u (CPU %u) vector 0x%02x -> %s irq %u: %s", dl->at->name,
			 dl->cpu, irqlab_kernel_host_cpu(dl->at, dl->cpu), dl->vector,
			 dl->irq->kernel->name, dl->irq->virq, irqlab_msg_class_name(dl->cls));
	else if (dl->irq && dl->cls == IRQLAB_MSG_DELIVERED &&
		 irqlab_passthrough_is_backing(dl->irq))
		snprintf(line + n, sizeof(line) - (size_t)n,
			 " -> CPU %u vector 0x%02x -> irq %u, %s's backing: injected", dl->cpu,
			 dl->vector, dl->irq->virq, irqlab_irq_owner(dl->irq)->name);
	else if (dl->irq && dl->cls == IRQLAB_MSG_MISDELIVERED)
		snprintf(line + n, sizeof(line) - (size_t)n,
			 " -> CPU %u vector 0x%02x -> irq %u: misdelivered (%s's, not %s's)",
			 dl->cpu, dl->vector, dl->irq->virq, irqlab_irq_owner(dl->irq)->name,
			 dev->entries[index].owner ? dev->entries[index].owner->name : "no one");
	else if (dl->irq)
		snprintf(line + n, sizeof(line) - (size_t)n,
			 " -> CPU %u vector 0x%02x -> irq %u: %s", dl->cpu, dl->vector,
			 dl->irq->virq, irqlab_msg_class_name(dl->cls));
	else
		snprintf(line + n, sizeof(line) - (size_t)n, " -> %s (%s)",
			 irqlab_msg_class_name(dl->cls), dl->why);
	p->trace(p->trace_ctx, line);
}

/*
 * The LAPIC part of a message's path: @dl->cpu and @dl->vector in kernel @k's vector table.
 */
static void lapic_take(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index,
		       struct irqlab_delivery *dl, enum irqlab_mode mode);

/*
 * An emulated device of a VM: its VMM takes the write (QEMU's MSI emulation, KVM's
 * kvm_set_msi) and delivers it to the vCPU with that APIC id, inside the VM. No host IR, no
 * host CPU ever sees it.
 */
static void route_in_vm(struct irqlab_device *dev, unsigned index, const struct irqlab_msi_msg *msg,
			struct irqlab_delivery *dl, enum irqlab_mode mode)
{
	struct irqlab_msi_compat f;

	struct irqlab_ir_unit *vir = irqlab_kernel_env(dev->kernel)->vir;

	if (vir) {
		/* The VM's own (emulated) IR unit translates what its devices send. */
		dl->remapped = true;
		irqlab_ir_unit_remap(vir, msg, dev->rid, mode, &dl->ir);
		if (dl->ir.blocked) {
			dl->cls = IRQLAB_MSG_BLOCKED;
			dl->why = "blocked by the VM's IR unit";
			return;
		}
		f.dest = dl->ir.dest;
		f.vector = dl->ir.vector;
	} else if (!irqlab_msi_addr_is_interrupt(msg)) {
		dl->why = "not an interrupt address: a memory write in the VM";
		return;
	} else if (irqlab_msi_is_remappable(msg) || irqlab_msi_compat_decode(msg, false, &f)) {
		dl->why = "remappable format, and the VM has no IR unit";
		return;
	}
	dl->decoded = true;
	dl->cpu = f.dest;
	dl->vector = f.vector;
	if (f.dest >= dev->kernel->ncpus) {
		dl->why = "no vCPU has that APIC id";
		return;
	}
	lapic_take(dev->kernel, dev, index, dl, mode);
}

void irqlab_fabric_route(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			 const struct irqlab_msi_msg *msg, struct irqlab_delivery *dl,
			 enum irqlab_mode mode)
{
	const struct irqlab_apic_slot *at;
	struct irqlab_msi_compat f;
	unsigned dest, vector;

	memset(dl, 0, sizeof(*dl));
	dl->msg = *msg;
	dl->cls = IRQLAB_MSG_LOST;
	if (dev->emulated) {
		route_in_vm(dev, index, msg, dl, mode);
		return;
	}
	if (p->ir) {
		dl->remapped = true;
		/* The IO-APIC, not the PCI function, writes an INTx message. */
		uint16_t sid = dev->kind == IRQLAB_DEV_INTX ? dev->intx.sid : dev->rid;

		irqlab_ir_unit_remap(p->ir, msg, sid, mode, &dl->ir);
		if (dl->ir.blocked) {
			dl->cls = IRQLAB_MSG_BLOCKED;
			dl->why = "blocked by the IR unit";
			return;
		}
		dest = dl->ir.dest;
		vector = dl->ir.vector;
	} else {
		/* Without IR the message goes to the local APICs as written, or nowhere. */
		if (!irqlab_msi_addr_is_interrupt(msg)) {
			dl->why = "not an interrupt address: a memory write";
			return;
		}
		if (irqlab_msi_is_remappable(msg) ||
		    irqlab_msi_compat_decode(msg, p->cfg.extdest, &f)) {
			dl->why = "remappable format with no IR unit";
			return;
		}
		dest = f.dest;
		vector = f.vector;
	}
	dl->decoded = true;
	dl->cpu = dest;
	dl->vector = vector;
	at = irqlab_platform_apic(p, dest);
	if (!at) {
		dl->why = "no CPU has that APIC id";
		return;
	}
	/* The kernel running on that CPU takes it, in its own vector table. */
	dl->cpu = at->cpu;
	lapic_take(at->kernel, dev, index, dl, mode);
}

static void lapic_take(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index,
		       struct irqlab_delivery *dl, enum irqlab_mode mode)
{
	struct irqlab_domain *vd = irqlab_kernel_env(k)->vector;

	dl->at = k;
	switch (irqlab_vector_lapic_accept(vd, dl->cpu, dl->vector, mode, &dl->irq)) {
	case IRQLAB_LAPIC_HANDLED:
		/*
		 * Reaching another owner's handler is the isolation breach, judged per entry: a
		 * host interrupt backing a guest's entry is that guest's.
		 */
		dl->cls = irqlab_irq_owner(dl->irq) == dev->entries[index].owner
				  ? IRQLAB_MSG_DELIVERED
				  : IRQLAB_MSG_MISDELIVERED;
		break;
	case IRQLAB_LAPIC_RETRIGGER:
		/* Latched in the old CPU's IRR; the mover resends it to the new target. */
		dl->cls = IRQLAB_MSG_DELIVERED;
		dl->retriggered = true;
		dl->why = dl->irq ? "latched in the old CPU's IRR and resent to the new target "
				    "(the handler installed there also sees a spurious call)"
				  : "latched in the old CPU's IRR and resent to the new target";
		dl->irq = NULL;
		break;
	case IRQLAB_LAPIC_SPURIOUS:
		dl->cls = IRQLAB_MSG_SPURIOUS;
		dl->why = "the placeholder vector";
		break;
	case IRQLAB_LAPIC_NO_HANDLER:
		dl->why = "no irq handler for vector";
		break;
	case IRQLAB_LAPIC_LEGACY:
		dl->why = "an ISA interrupt's vector";
		break;
	case IRQLAB_LAPIC_CPU_OFFLINE:
		dl->why = "the CPU is offline";
		break;
	case IRQLAB_LAPIC_BAD_VECTOR:
		dl->why = "not an external interrupt vector";
		break;
	}
}

/* @cpus: the pending mask the move was asked for, formatted before the move forgot it. */
static void trace_move(struct irqlab_machine *p, const struct irqlab_irq *irq, unsigned cpu,
		       const char *cpus, int ret)
{
	char line[192];

	if (!p->trace)
		return;
	if (!ret)
		snprintf(line, sizeof(line),
			 "  irq %u: its ack on CPU %u makes the move to CPUs %s", irq->virq, cpu,
			 cpus);
	else if (ret == -EBUSY)
		snprintf(line, sizeof(line),
			 "  irq %u: the move to CPUs %s waits again: its previous move is not "
			 "complete",
			 irq->virq, cpus);
	else if (ret == -EINVAL)
		snprintf(line, sizeof(line),
			 "  irq %u: the move to CPUs %s is dropped: none of them is online",
			 irq->virq, cpus);
	else
		snprintf(line, sizeof(line),
			 "  irq %u: the move to CPUs %s is dropped (%s): it stays on CPU %u",
			 irq->virq, cpus, irqlab_errno_name(ret), cpu);
	p->trace(p->trace_ctx, line);
}

void irqlab_fabric_ack(struct irqlab_machine *p, struct irqlab_irq *irq, unsigned cpu)
{
	struct irqlab_device *dev = irq->dev;
	char cpus[64];
	bool mask;
	int ret;

	/* A disabled interrupt keeps its move for later (irqd_irq_disabled). */
	if (!irq->move_pending || !irq->started)
		return;
	mask = dev && irqlab_device_masks_at_once(dev) && !irqlab_device_masked(dev, irq->index);
	if (mask)
		irqlab_device_mask(dev, irq->index);
	irqlab_cpumask_format(irq->pending_mask, cpus, sizeof(cpus));
	ret = irqlab_irq_move_masked(irq);
	trace_move(p, irq, cpu, cpus, ret);
	/* What arrived during the rewrite waited in the pending bit: it goes out now, once. */
	if (mask && irqlab_device_unmask(dev, irq->index))
		irqlab_fabric_emit(p, dev, irq->index);
	irqlab_fabric_flush_retriggers(irq->kernel);
}

static bool irq_is_level_pin(const struct irqlab_irq *irq)
{
	const struct irqlab_device *dev = irq->dev;

	return dev && dev->kind == IRQLAB_DEV_INTX && dev->intx.level;
}

void irqlab_platform_deliver(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			     const struct irqlab_msi_msg *msg, struct irqlab_delivery *out)
{
	struct irqlab_delivery dl;
	bool backing;

	irqlab_fabric_route(p, dev, index, msg, &dl, IRQLAB_COMMIT);
	/* The host handler of a guest's entry injects it: the guest's side counts it, once. */
	backing = dl.cls == IRQLAB_MSG_DELIVERED && dl.irq && irqlab_passthrough_is_backing(dl.irq);
	/* A latched message is counted when it is resent, not twice. */
	if (!dl.retriggered && !backing)
		count_delivery(p, dev, index, &dl);
	/* The host's own count of its backing interrupt (its line in /proc/interrupts). */
	if (backing)
		count_host_leg(p, dl.irq, dl.cpu);
	trace_delivery(p, dev, index, &dl);
	if (out)
		*out = dl;
	/* A level-triggered pin makes its move at the EOI instead (ioapic_ack_level). */
	if (dl.irq && (dl.cls == IRQLAB_MSG_DELIVERED || dl.cls == IRQLAB_MSG_MISDELIVERED) &&
	    !irq_is_level_pin(dl.irq))
		irqlab_fabric_ack(p, dl.irq, dl.cpu);
	if (backing)
		irqlab_passthrough_inject(p, dl.irq);
}

void irqlab_fabric_emit(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index)
{
	struct irqlab_msi_msg msg;

	/* A guest's view without a trap is the device's own store: the device sends. */
	if (dev->store_borrowed)
		dev = dev->phys;
	/* A masked entry only latches its pending bit; more messages add nothing. */
	if (irqlab_device_masked(dev, index))
		irqlab_device_set_pending(dev, index, true);
	else if (!irqlab_device_read_msg(dev, index, &msg))
		irqlab_platform_deliver(p, dev, index, &msg, NULL);
}

void irqlab_fabric_inject(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			  unsigned cpu, unsigned vector)
{
	struct irqlab_delivery dl = {
		.cls = IRQLAB_MSG_LOST,
		.decoded = true,
		.cpu = cpu,
		.vector = vector,
	};

	lapic_take(dev->kernel, dev, index, &dl, IRQLAB_COMMIT);
	count_delivery(p, dev, index, &dl);
	if (p->trace) {
		char line[256];

		if (dl.irq)
			snprintf(line, sizeof(line),
				 "  %s[%u] in %s: the host injects vector 0x%02x into vCPU %u (CPU "
				 "%u) -> %s irq %u: %s",
				 dev->name, index, dev->kernel->name, vector, cpu,
				 irqlab_kernel_host_cpu(dev->kernel, cpu), dl.irq->kernel->name,
				 dl.irq->virq, irqlab_msg_class_name(dl.cls));
		else
			snprintf(
				line, sizeof(line),
				"  %s[%u] in %s: the host injects vector 0x%02x into vCPU %u -> %s "
				"(%s)",
				dev->name, index, dev->kernel->name, vector, cpu,
				irqlab_msg_class_name(dl.cls), dl.why);
		p->trace(p->trace_ctx, line);
	}
	if (dl.irq && (dl.cls == IRQLAB_MSG_DELIVERED || dl.cls == IRQLAB_MSG_MISDELIVERED))
		irqlab_fabric_ack(p, dl.irq, dl.cpu);
}

/* Sends again what a two-step move latched (Linux: irq_retrigger, an IPI to the new target). */
void irqlab_fabric_flush_retriggers(struct irqlab_kernel *k)
{
	struct irqlab_kernel_env *env = irqlab_kernel_env(k);
	struct irqlab_machine *p = env->machine;
	const unsigned *marked = NULL;
	unsigned nr = k->irq_slots;
	/* The interrupts moves marked, in virq order; all of them if the kernel lost count. */
	bool listed = irqlab_kernel_retriggers(k, &marked, &nr);

	for (unsigned i = 0; i < nr; i++) {
		struct irqlab_irq *irq = irqlab_irq_find(k, listed ? marked[i] : i);
		struct irqlab_delivery dl = {.cls = IRQLAB_MSG_LOST};
		struct irqlab_irq_cfg cfg;

		if (!irq || !irq->retrigger)
			continue;
		irq->retrigger = false;
		irqlab_vector_irq_cfg(irq->top, &cfg);
		dl.at = k;
		dl.cpu = cfg.cpu;
		dl.vector = cfg.vector;
		dl.why = "resent after a move";
		if (irqlab_vector_lapic_accept(env->vector, cfg.cpu, cfg.vector, IRQLAB_COMMIT,
					       &dl.irq) == IRQLAB_LAPIC_HANDLED)
			dl.cls = IRQLAB_MSG_DELIVERED;
		if (irq->dev)
			trace_delivery(p, irq->dev, irq->index, &dl);
		/* A guest's backing resent: its handler injects, the guest's side counts. */
		if (dl.cls == IRQLAB_MSG_DELIVERED && irqlab_passthrough_is_backing(irq)) {
			count_host_leg(p, irq, dl.cpu);
			irqlab_passthrough_inject(p, irq);
		} else
			count_delivery(p, irq->dev, irq->index, &dl);
	}
	irqlab_kernel_retriggers_clear(k);
}
