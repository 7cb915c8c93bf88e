// SPDX-License-Identifier: MIT
/*
 * The readers of the model's state (include/irqlab/irqlab.h): a kernel's domains, one entry's
 * interrupt and its levels, a CPU's vectors and who owns each, the IR unit's table and fault
 * log. Each answers from the object it names, in O(1) or O(depth): none walks every interrupt
 * or every domain, so an expectation that reads one entry costs what that entry costs.
 */
#include <errno.h>
#include <string.h>

#include "api/api.h"
#include "platform/passthrough.h"
#include "iommu/remap_domain.h"
#include "x86/vector_domain.h"

_Static_assert(IRQLAB_NR_VECTORS == 256u, "x86 has 256 vectors");

/* Domains */

struct irqlab_domain *irqlab_kernel_first_domain(const struct irqlab_kernel *k)
{
	return k ? k->domains : NULL;
}

struct irqlab_domain *irqlab_domain_next(const struct irqlab_domain *d)
{
	return d ? d->next : NULL;
}

const char *irqlab_domain_name(const struct irqlab_domain *d)
{
	return d ? d->name : NULL;
}

struct irqlab_domain *irqlab_domain_parent(const struct irqlab_domain *d)
{
	return d ? d->parent : NULL;
}

unsigned long irqlab_domain_nr_irqs(const struct irqlab_domain *d)
{
	return d ? d->nr_irqs : 0;
}

/* Entries */

/* The IRTE behind @irq when its kernel remaps, or -1. */
static int irte_of(struct irqlab_irq *irq)
{
	struct irqlab_irq_data *rl;

	if (!irqlab_kernel_remapped(irq->kernel))
		return -1;
	rl = irqlab_irq_data_of(irq, irqlab_kernel_env(irq->kernel)->msi_parent);
	return rl ? irqlab_remap_irq_index(rl) : -1;
}

/* What interrupt @irq (of entry @index of @dev, or its host backing) is and where it goes. */
static int irq_state(const struct irqlab_device *dev, unsigned index, struct irqlab_irq *irq,
		     struct irqlab_entry_state *out, size_t size)
{
	struct irqlab_entry_state st = {.irte = -1};
	struct irqlab_irq_cfg cfg;
	int err;

	st.masked = irqlab_device_masked(dev, index);
	st.level = dev->kind == IRQLAB_DEV_INTX && dev->intx.level;
	st.pending = irqlab_device_pending(dev, index);
	if (irq) {
		err = irqlab_vector_irq_cfg(irq->top, &cfg);
		if (err)
			return irqlab_api_finish(irqlab_api_machine_of(dev), err, "state",
						 dev->name);
		st.allocated = true;
		st.requested = irq->started;
		st.managed = irq->managed;
		st.moving = irqlab_vector_move_pending(irq->top);
		st.virq = irq->virq;
		st.cpu = cfg.cpu;
		st.vector = cfg.vector;
		st.irte = irte_of(irq);
		st.nr_levels = irq->depth;
		st.affinity = *irq->affinity;
		st.move_pending = irq->move_pending;
		if (irq->move_pending)
			st.pending_affinity = *irq->pending_mask;
	}
	if (irqlab_api_copy_out(out, size, &st, sizeof(st)))
		return irqlab_api_fail(irqlab_api_machine_of(dev), -EINVAL,
				       "device %s index %u: an answer of %zu bytes", dev->name,
				       index, size);
	return 0;
}

int irqlab_entry_read_state(const struct irqlab_device *dev, unsigned index,
			    struct irqlab_entry_state *out, size_t size)
{
	int err = irqlab_api_entry_check(dev, index, out);

	return err ? err
		   : irq_state(dev, index, irqlab_passthrough_entry_irq(dev, index), out, size);
}

int irqlab_entry_read_backing(const struct irqlab_device *dev, unsigned index,
			      struct irqlab_entry_state *out, size_t size)
{
	int err = irqlab_api_entry_check(dev, index, out);

	if (err)
		return err;
	/* The device's own mask and pending bits: what the host's side sees of the entry. */
	return irq_state(irqlab_device_physical(dev), index, irqlab_passthrough_backing(dev, index),
			 out, size);
}

int irqlab_entry_read_level(const struct irqlab_device *dev, unsigned index, unsigned level,
			    struct irqlab_irq_level *out, size_t size)
{
	struct irqlab_irq_level lv;
	struct irqlab_irq_data *data;
	struct irqlab_irq *irq;
	unsigned i = 0;
	int err = irqlab_api_entry_check(dev, index, out);

	if (err)
		return err;
	irq = irqlab_passthrough_entry_irq(dev, index);
	if (!irq)
		return irqlab_api_fail(irqlab_api_machine_of(dev), -EINVAL,
				       "device %s: index %u is not allocated", dev->name, index);
	for (data = irq->top; data && i < level; data = data->parent)
		i++;
	if (!data)
		return irqlab_api_fail(irqlab_api_machine_of(dev), -ERANGE,
				       "device %s index %u: level %u beyond its %u levels",
				       dev->name, index, level, irq->depth);
	lv = (struct irqlab_irq_level){
		.domain = data->domain,
		.hwirq = data->hwirq,
		.active = data->activated,
	};
	if (irqlab_api_copy_out(out, size, &lv, sizeof(lv)))
		return irqlab_api_fail(irqlab_api_machine_of(dev), -EINVAL,
				       "device %s index %u: an answer of %zu bytes", dev->name,
				       index, size);
	return 0;
}

/* Vectors */

int irqlab_cpu_read_vector_stats(const struct irqlab_kernel *k, unsigned cpu,
				 struct irqlab_vector_stats *out, size_t size)
{
	struct irqlab_matrix_cpu_stats cs;
	struct irqlab_vector_stats vs;
	int err = irqlab_api_cpu_check(k, cpu, out);

	if (err)
		return err;
	irqlab_matrix_cpu_stats(irqlab_vector_domain_matrix(irqlab_kernel_env(k)->vector), cpu,
				&cs);
	vs = (struct irqlab_vector_stats){
		.online = cs.online,
		.available = cs.available,
		.allocated = cs.allocated,
		.managed = cs.managed,
		.managed_allocated = cs.managed_allocated,
	};
	if (irqlab_api_copy_out(out, size, &vs, sizeof(vs)))
		return irqlab_api_fail(irqlab_kernel_machine(k), -EINVAL,
				       "cpu %u: an answer of %zu bytes", cpu, size);
	return 0;
}

int irqlab_kernel_read_vector_matrix(const struct irqlab_kernel *k,
				     struct irqlab_vector_matrix_info *out, size_t size)
{
	struct irqlab_vector_matrix_info info = {0};
	struct irqlab_matrix_stats ms;
	struct irqlab_matrix *m;

	if (!k)
		return -EINVAL;
	if (!out)
		return irqlab_api_fail(irqlab_kernel_machine(k), -EINVAL,
				       "kernel %s: nowhere to put the vector matrix", k->name);
	m = irqlab_vector_domain_matrix(irqlab_kernel_env(k)->vector);
	irqlab_matrix_stats(m, &ms);
	info = (struct irqlab_vector_matrix_info){
		.online_cpus = ms.online_cpus,
		.global_available = ms.global_available,
		.global_reserved = ms.global_reserved,
		.total_allocated = ms.total_allocated,
		.alloc_start = IRQLAB_FIRST_EXTERNAL_VECTOR,
		.alloc_end = IRQLAB_FIRST_SYSTEM_VECTOR,
	};
	for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++) {
		if (!irqlab_matrix_vector_system(m, v))
			continue;
		info.system[v / 64] |= UINT64_C(1) << (v % 64);
		info.nr_system++;
	}
	if (irqlab_api_copy_out(out, size, &info, sizeof(info)))
		return irqlab_api_fail(irqlab_kernel_machine(k), -EINVAL,
				       "kernel %s: an answer of %zu bytes", k->name, size);
	return 0;
}

int irqlab_cpu_read_vector_owner(const struct irqlab_kernel *k, unsigned cpu, unsigned vector,
				 struct irqlab_vector_owner *out, size_t size)
{
	struct irqlab_vector_owner own = {.use = IRQLAB_VECTOR_NONE};
	struct irqlab_matrix *m;
	struct irqlab_irq *irq;
	bool legacy;
	int err = irqlab_api_cpu_check(k, cpu, out);

	if (err)
		return err;
	if (vector >= IRQLAB_NR_VECTORS)
		return irqlab_api_fail(irqlab_kernel_machine(k), -EINVAL,
				       "cpu %u: no vector %u; x86 has 0 to %u", cpu, vector,
				       IRQLAB_NR_VECTORS - 1);
	m = irqlab_vector_domain_matrix(irqlab_kernel_env(k)->vector);
	own.allocated = irqlab_matrix_vector_allocated(m, cpu, vector);
	own.managed = irqlab_matrix_vector_managed(m, cpu, vector);
	own.system = irqlab_matrix_vector_system(m, vector);
	irq = irqlab_vector_lookup(irqlab_kernel_env(k)->vector, cpu, vector, &legacy);
	if (legacy) {
		own.use = IRQLAB_VECTOR_ISA;
		own.isa_irq = vector - IRQLAB_ISA_VECTOR_BASE;
	} else if (irq) {
		own.use = IRQLAB_VECTOR_IRQ;
		own.virq = irq->virq;
		own.dev = irq->dev;
		own.index = irq->index;
	}
	if (irqlab_api_copy_out(out, size, &own, sizeof(own)))
		return irqlab_api_fail(irqlab_kernel_machine(k), -EINVAL,
				       "cpu %u: an answer of %zu bytes", cpu, size);
	return 0;
}

/* The IR unit */

int irqlab_ir_read_info(struct irqlab_machine *m, struct irqlab_ir_info *out, size_t size)
{
	struct irqlab_ir_info info = {0};
	struct irqlab_ir_unit *u;

	if (!m)
		return -EINVAL;
	if (!out)
		return irqlab_api_fail(m, -EINVAL, "ir: nowhere to put the answer");
	u = m->ir;
	if (u)
		info = (struct irqlab_ir_info){
			.present = true,
			.entries = irqlab_ir_unit_size(u),
			.used = irqlab_ir_unit_used(u),
			.x2apic = irqlab_ir_unit_eime(u),
			.cfi = irqlab_ir_unit_cfi(u),
			.blocked = irqlab_ir_unit_blocked_count(u),
			.nr_faults = (unsigned)irqlab_ir_unit_nr_faults(u),
		};
	if (irqlab_api_copy_out(out, size, &info, sizeof(info)))
		return irqlab_api_fail(m, -EINVAL, "ir: an answer of %zu bytes", size);
	return 0;
}

int irqlab_ir_read_irte(struct irqlab_machine *m, unsigned index, struct irqlab_irte *out)
{
	if (!m)
		return -EINVAL;
	if (!out)
		return irqlab_api_fail(m, -EINVAL, "irte %u: nowhere to put it", index);
	if (!m->ir)
		return irqlab_api_fail(m, -ENODEV, "irte %u: the machine has no IR unit", index);
	if (index >= irqlab_ir_unit_size(m->ir))
		return irqlab_api_fail(m, -ERANGE, "irte %u: beyond the table's %u entries", index,
				       irqlab_ir_unit_size(m->ir));
	*out = *irqlab_ir_unit_irte(m->ir, index);
	return 0;
}

int irqlab_ir_fault_count(struct irqlab_machine *m, int reason, uint64_t *out)
{
	if (!m)
		return -EINVAL;
	if (!out)
		return irqlab_api_fail(m, -EINVAL, "faults: nowhere to put the count");
	if (reason < IRQLAB_IR_FAULT_ANY || reason > 0xff)
		return irqlab_api_fail(m, -EINVAL, "faults: no fault reason %d; 0 to 0xff", reason);
	*out = m->ir ? irqlab_ir_unit_fault_count(m->ir, reason) : 0;
	/* The guests' emulated units record theirs too (parent=vir). */
	for (unsigned i = 1; i < m->nr_kernels; i++) {
		const struct irqlab_ir_unit *vir = irqlab_kernel_env(m->kernels[i])->vir;

		if (vir)
			*out += irqlab_ir_unit_fault_count(vir, reason);
	}
	return 0;
}

int irqlab_ir_read_fault(struct irqlab_machine *m, unsigned i, struct irqlab_ir_fault *out)
{
	const struct irqlab_ir_fault_record *f;
	size_t n;

	if (!m)
		return -EINVAL;
	if (!out)
		return irqlab_api_fail(m, -EINVAL, "fault %u: nowhere to put it", i);
	n = m->ir ? irqlab_ir_unit_nr_faults(m->ir) : 0;
	if (i >= n)
		return irqlab_api_fail(m, -ERANGE, "fault %u: the IR unit recorded %zu", i, n);
	f = irqlab_ir_unit_fault(m->ir, i);
	*out = (struct irqlab_ir_fault){.reason = f->reason, .sid = f->sid, .index = f->index};
	return 0;
}

unsigned irqlab_machine_nr_breaches(const struct irqlab_machine *m)
{
	return m ? m->nr_breaches : 0;
}

int irqlab_machine_read_breach(const struct irqlab_machine *m, unsigned i,
			       struct irqlab_breach *out, size_t size)
{
	const struct irqlab_breach_rec *r;
	struct irqlab_breach b;

	if (!m || !out)
		return -EINVAL;
	if (i >= m->nr_breaches)
		return -ERANGE;
	r = &m->breaches[i];
	b = (struct irqlab_breach){
		.dev = r->dev,
		.index = r->index,
		.sender = r->sender,
		.remapped = r->remapped,
		.irte = r->irte,
		.sid = r->sid,
		.at = r->at,
		.cpu = r->cpu,
		.vector = r->vector,
		.virq = r->virq,
		.handler_dev = r->handler_dev,
		.handler_index = r->handler_index,
		.handler_owner = r->handler_owner,
		.count = r->count,
	};
	return irqlab_api_copy_out(out, size, &b, sizeof(b)) ? -EINVAL : 0;
}

int irqlab_kernel_read_guest_stats(const struct irqlab_kernel *k, struct irqlab_guest_stats *out,
				   size_t size)
{
	const struct irqlab_kernel_env *env;
	struct irqlab_guest_stats gs;

	if (!k || !out)
		return -EINVAL;
	env = irqlab_kernel_env(k);
	gs = (struct irqlab_guest_stats){
		.traps = env->traps,
		.hypercalls = env->hypercalls,
		.host_allocations = env->host_allocs,
	};
	return irqlab_api_copy_out(out, size, &gs, sizeof(gs)) ? -EINVAL : 0;
}

int irqlab_kernel_read_detection(const struct irqlab_kernel *k, struct irqlab_detection *out,
				 size_t size)
{
	static const enum irqlab_vm_detect rules[] = {
		[IRQLAB_DETECT_NONE] = IRQLAB_VM_DETECT_NONE,
		[IRQLAB_DETECT_CPUID] = IRQLAB_VM_DETECT_CPUID,
		[IRQLAB_DETECT_PROBABLE] = IRQLAB_VM_DETECT_PROBABLE,
	};
	const struct irqlab_detect_record *r;
	struct irqlab_detection d;

	if (!k || !out)
		return -EINVAL;
	r = &irqlab_kernel_env(k)->detection;
	d = (struct irqlab_detection){
		.rule = rules[r->rule],
		.evidence = (enum irqlab_detection_evidence)r->evidence,
		.bare_metal = irqlab_kernel_env(k)->believes_bare_metal,
		.cpuid_hv = r->cpuid_hv,
		.has_dmi_vendor = r->has_vendor,
	};
	memcpy(d.signature, r->signature, sizeof(d.signature));
	memcpy(d.dmi_vendor, r->dmi_vendor, sizeof(d.dmi_vendor));
	return irqlab_api_copy_out(out, size, &d, sizeof(d)) ? -EINVAL : 0;
}
