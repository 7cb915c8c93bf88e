// SPDX-License-Identifier: MIT
/*
 * The x86 vector domain. See vector_domain.h; the rules are Linux's, the comments say why.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/msi.h"
#include "x86/msi_affinity.h"
#include "x86/irq_alloc.h"
#include "x86/vector_domain.h"

/* The local-APIC table entry of an ISA vector: a handler the model has no device for. */
static struct irqlab_irq legacy_handler;
#define LEGACY_IRQ (&legacy_handler)
/* The table entry of a vector marked during a two-step move (Linux: VECTOR_RETRIGGERED). */
static struct irqlab_irq retrigger_marker;
#define RETRIGGER_IRQ (&retrigger_marker)

struct vector_domain {
	struct irqlab_matrix *matrix;
	struct irqlab_vector_config cfg;
	unsigned ncpus;
	/* vector_irq[cpu * 256 + vector]: which handler a vector reaches on that CPU. */
	struct irqlab_irq **vector_irq;
	/* The ISA interrupts: where their vectors are now (vector 0: none). */
	struct irqlab_irq_cfg legacy[IRQLAB_NR_ISA_IRQS];
	/* The one vector marked for a two-step move in progress, and whether it was hit. */
	struct {
		bool armed, irr;
		bool marked; /* the vector was free there and carries the marker */
		unsigned cpu, vector;
	} retrigger;
	/*
	 * What changed since the last check (see vector_check_changed): the CPUs whose matrix
	 * changed, and the (cpu << 8 | vector) slots, maybe twice; when the list cannot grow,
	 * the whole rows of those CPUs.
	 */
	struct irqlab_cpumask dirty_cpus;
	struct irqlab_id_log dirty_slots;
	unsigned long nr_managed; /* managed interrupts: only they restart at CPU online */
};

/* Per-interrupt state (Linux: struct apic_chip_data). */
struct apic_data {
	unsigned vector, cpu; /* the vector held; vector 0: none */
	unsigned prev_vector, prev_cpu;
	struct irqlab_irq_cfg cfg; /* what messages target: vector/cpu, or the placeholder */
	bool move_in_progress;
	bool is_managed;
	bool can_reserve;  /* maskable: returns to a reservation when deactivated */
	bool has_reserved; /* holds one global reservation */
	/* A vector taken ahead of a CPU going offline (see vector_cpu_offline). */
	bool prepared;
	bool prep_took_reservation; /* giving it back restores the reservation */
	unsigned prep_vector, prep_cpu;
};

static struct vector_domain *vd_of(struct irqlab_domain *d)
{
	return d->priv;
}

static struct irqlab_irq **lapic_slot(struct vector_domain *vd, unsigned cpu, unsigned vector)
{
	return &vd->vector_irq[(size_t)cpu * IRQLAB_NR_VECTORS + vector];
}

/* The interrupt whose handler is at (@cpu, @vector); NULL for none, an ISA one or a mark. */
static struct irqlab_irq *slot_irq(struct vector_domain *vd, unsigned cpu, unsigned vector)
{
	struct irqlab_irq *irq = *lapic_slot(vd, cpu, vector);

	return irq == LEGACY_IRQ || irq == RETRIGGER_IRQ ? NULL : irq;
}

static bool cpu_online(struct irqlab_domain *d, unsigned cpu)
{
	return irqlab_cpumask_test(&d->kernel->online, cpu);
}

static struct irqlab_irq_data *vector_level(struct irqlab_irq_data *data)
{
	while (data->parent)
		data = data->parent;
	return data;
}

/* CPU @cpu's vectors changed: the next incremental check looks at its LAPIC row. */
static void touch_cpu(struct irqlab_domain *d, unsigned cpu)
{
	irqlab_cpumask_set(&vd_of(d)->dirty_cpus, cpu);
	irqlab_domain_touch(d);
}

/* The matrix counters of every CPU of @mask changed (a managed reservation). */
static void touch_cpus(struct irqlab_domain *d, const struct irqlab_cpumask *mask)
{
	unsigned cpu;

	irqlab_for_each_cpu(cpu, mask) touch_cpu(d, cpu);
}

/* The slot of (cpu, vector) and its CPU's matrix changed. */
static void touch_slot(struct irqlab_domain *d, unsigned cpu, unsigned vector)
{
	struct vector_domain *vd = vd_of(d);

	touch_cpu(d, cpu);
	/* A log that cannot grow costs whole rows, never a failure. */
	irqlab_id_log_add(&vd->dirty_slots, cpu << 8 | vector);
}

static void forget_dirty(struct vector_domain *vd)
{
	irqlab_cpumask_zero(&vd->dirty_cpus);
	irqlab_id_log_clear(&vd->dirty_slots);
}

static void assign_placeholder(struct irqlab_domain *d, struct apic_data *apd)
{
	apd->cfg.vector = IRQLAB_SHUTDOWN_VECTOR;
	apd->cfg.cpu = irqlab_cpumask_first(&d->kernel->online);
}

static void free_vector(struct irqlab_domain *d, unsigned cpu, unsigned vector, bool managed)
{
	struct vector_domain *vd = vd_of(d);

	touch_slot(d, cpu, vector);
	*lapic_slot(vd, cpu, vector) = NULL;
	irqlab_matrix_free(vd->matrix, cpu, vector, managed);
}

/* Frees the old vector of a move (Linux: free_moved_vector). */
static void complete_move(struct irqlab_domain *d, struct apic_data *apd)
{
	if (!apd->move_in_progress)
		return;
	free_vector(d, apd->prev_cpu, apd->prev_vector, apd->is_managed);
	apd->move_in_progress = false;
	apd->prev_vector = 0;
}

static void clear_irq_vector(struct irqlab_domain *d, struct apic_data *apd)
{
	complete_move(d, apd);
	if (!apd->vector)
		return;
	free_vector(d, apd->cpu, apd->vector, apd->is_managed);
	apd->vector = 0;
}

static void release_prepared(struct irqlab_domain *d, struct apic_data *apd)
{
	if (!apd->prepared)
		return;
	touch_slot(d, apd->prep_cpu, apd->prep_vector);
	irqlab_matrix_free(vd_of(d)->matrix, apd->prep_cpu, apd->prep_vector, apd->is_managed);
	if (apd->prep_took_reservation) {
		irqlab_matrix_reserve(vd_of(d)->matrix);
		apd->has_reserved = true;
	}
	apd->prepared = false;
	apd->prep_took_reservation = false;
}

/*
 * The interrupt now uses (vector, cpu). When the old CPU is online the old vector stays until
 * the first interrupt arrives on the new one, because a message may already be in flight to
 * it; an offline CPU can receive nothing, so its vector goes at once.
 */
static void update_vector(struct irqlab_domain *d, struct irqlab_irq *irq, struct apic_data *apd,
			  unsigned vector, unsigned cpu)
{
	struct vector_domain *vd = vd_of(d);

	if (apd->vector) {
		if (cpu_online(d, apd->cpu)) {
			apd->move_in_progress = true;
			apd->prev_vector = apd->vector;
			apd->prev_cpu = apd->cpu;
		} else {
			free_vector(d, apd->cpu, apd->vector, apd->is_managed);
		}
	}
	apd->vector = vector;
	apd->cpu = cpu;
	apd->cfg.vector = vector;
	apd->cfg.cpu = cpu;
	*lapic_slot(vd, cpu, vector) = irq;
	touch_slot(d, cpu, vector);
}

static int take_vector(struct irqlab_domain *d, struct apic_data *apd,
		       const struct irqlab_cpumask *dest, unsigned *vector, unsigned *cpu)
{
	struct vector_domain *vd = vd_of(d);
	int ret;

	if (apd->prepared && irqlab_cpumask_test(dest, apd->prep_cpu)) {
		apd->prepared = false;
		apd->prep_took_reservation = false;
		*vector = apd->prep_vector;
		*cpu = apd->prep_cpu;
		return 0;
	}
	if (irqlab_fault_point(d->kernel->fault, "vector", -ENOSPC))
		return -ENOSPC;
	if (apd->is_managed)
		ret = irqlab_matrix_alloc_managed(vd->matrix, dest, cpu);
	else
		ret = irqlab_matrix_alloc(vd->matrix, dest, apd->has_reserved, cpu);
	if (ret < 0)
		return ret;
	*vector = (unsigned)ret;
	touch_slot(d, *cpu, *vector);
	/* The allocation consumed the global reservation. */
	if (!apd->is_managed)
		apd->has_reserved = false;
	return 0;
}

/*
 * Whether a move to @mask needs a new vector: 1, or 0 when the current CPU is online and in
 * the mask (Linux keeps it), or -EINVAL (no online CPU) / -EBUSY (a move is pending).
 * @dest receives mask ∩ online.
 */
static int move_needs_vector(struct irqlab_domain *d, const struct apic_data *apd,
			     const struct irqlab_cpumask *mask, struct irqlab_cpumask *dest)
{
	if (!irqlab_cpumask_and(dest, mask, &d->kernel->online))
		return -EINVAL;
	if (apd->vector && cpu_online(d, apd->cpu) && irqlab_cpumask_test(dest, apd->cpu))
		return 0;
	if (apd->move_in_progress)
		return -EBUSY;
	return 1;
}

/* Linux's assign_vector_locked / assign_managed_vector, on dest ∩ online. */
static int assign_vector(struct irqlab_domain *d, struct irqlab_irq *irq, struct apic_data *apd,
			 const struct irqlab_cpumask *mask)
{
	struct irqlab_cpumask dest;
	unsigned vector, cpu;
	int err;

	err = move_needs_vector(d, apd, mask, &dest);
	if (err <= 0)
		return err;
	err = take_vector(d, apd, &dest, &vector, &cpu);
	if (err)
		return err;
	update_vector(d, irq, apd, vector, cpu);
	return 0;
}

/* Affinity ∩ online, then any online CPU (one NUMA node: the node steps add nothing). */
static int assign_vector_any(struct irqlab_domain *d, struct irqlab_irq *irq, struct apic_data *apd)
{
	int err;

	/* A vector taken ahead was already chosen by these same steps. */
	if (apd->prepared)
		return assign_vector(d, irq, apd, &d->kernel->online);
	err = assign_vector(d, irq, apd, irq->affinity);

	if (err == -ENOSPC || err == -EINVAL)
		err = assign_vector(d, irq, apd, &d->kernel->online);
	return err;
}

static void vector_free_one(struct irqlab_domain *d, struct irqlab_irq *irq)
{
	struct irqlab_irq_data *data = irqlab_irq_data_of(irq, d);
	struct apic_data *apd = data->chip_data;
	struct vector_domain *vd = vd_of(d);

	if (!apd)
		return;
	release_prepared(d, apd);
	clear_irq_vector(d, apd);
	if (apd->has_reserved)
		irqlab_matrix_remove_reserved(vd->matrix);
	if (apd->is_managed) {
		irqlab_matrix_remove_managed(vd->matrix, irq->affinity);
		touch_cpus(d, irq->affinity);
		vd->nr_managed--;
	}
	free(apd);
	data->chip_data = NULL;
}

static void vector_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		vector_free_one(d, irqs[i]);
}

static int vector_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
			const struct irqlab_alloc_info *info)
{
	struct vector_domain *vd = vd_of(d);
	unsigned i;
	int err;

	/* Nothing guarantees n contiguous vectors on one CPU: this is why multi-MSI needs IR. */
	if (n > 1 && (info->flags & IRQLAB_ALLOC_F_CONTIGUOUS))
		return irqlab_kernel_fail(d->kernel, -ENOSYS,
					  "%s: cannot guarantee %u contiguous vectors", d->name, n);
	for (i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);
		struct apic_data *apd = irqlab_fault_zalloc(d->kernel->fault, sizeof(*apd));

		if (!apd) {
			err = irqlab_kernel_fail(d->kernel, -ENOMEM, "%s: out of memory", d->name);
			goto out_free;
		}
		data->chip_data = apd;
		data->hwirq = irqs[i]->virq;
		apd->is_managed = irqs[i]->managed;
		/* Only non-managed interrupts fall back to a reservation (reserve_irq_vector). */
		apd->can_reserve = !apd->is_managed && (info->flags & IRQLAB_ALLOC_F_CAN_RESERVE);
		if (apd->is_managed) {
			if (irqlab_fault_point(d->kernel->fault, "vector", -ENOSPC))
				err = -ENOSPC;
			else
				err = irqlab_matrix_reserve_managed(vd->matrix, irqs[i]->affinity);
			if (!err)
				touch_cpus(d, irqs[i]->affinity);
			if (err) {
				char cpus[64];

				/* Nothing reserved: free_one must not remove a reservation. */
				apd->is_managed = false;
				irqlab_cpumask_format(irqs[i]->affinity, cpus, sizeof(cpus));
				err = irqlab_kernel_fail(
					d->kernel, err,
					"%s: no managed vector free on every CPU of %s", d->name,
					cpus);
				i++;
				goto out_free;
			}
			vd->nr_managed++;
		} else {
			/* A global reservation only; the vector comes at activation. */
			irqlab_matrix_reserve(vd->matrix);
			apd->has_reserved = true;
		}
		assign_placeholder(d, apd);
	}
	return 0;

out_free:
	while (i-- > 0)
		vector_free_one(d, irqs[i]);
	return err;
}

static int vector_activate(struct irqlab_domain *d, struct irqlab_irq_data *data, bool reserve)
{
	struct apic_data *apd = data->chip_data;
	struct irqlab_irq *irq = data->irq;
	char cpus[64];
	int err = 0;

	if (!apd->can_reserve && !apd->is_managed) {
		/* Fixed: takes a real vector once and keeps it. */
		err = assign_vector_any(d, irq, apd);
	} else if (reserve || irq->managed_shutdown) {
		assign_placeholder(d, apd);
	} else if (apd->is_managed) {
		err = assign_vector(d, irq, apd, irq->affinity);
	} else if (apd->has_reserved || apd->prepared) {
		err = assign_vector_any(d, irq, apd);
	}
	if (err) {
		irqlab_cpumask_format(irq->affinity, cpus, sizeof(cpus));
		return irqlab_kernel_fail(d->kernel, err, "irq %u: no vector free on CPUs %s",
					  irq->virq, cpus);
	}
	return 0;
}

static void vector_deactivate(struct irqlab_domain *d, struct irqlab_irq_data *data)
{
	struct apic_data *apd = data->chip_data;

	/* A fixed interrupt keeps its vector across free_irq. */
	if (!apd->is_managed && !apd->can_reserve)
		return;
	clear_irq_vector(d, apd);
	if (apd->can_reserve && !apd->has_reserved) {
		irqlab_matrix_reserve(vd_of(d)->matrix);
		apd->has_reserved = true;
	}
	assign_placeholder(d, apd);
}

static int vector_set_affinity(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
			       bool force)
{
	struct irqlab_domain *d = data->domain;
	struct apic_data *apd = data->chip_data;
	int err;

	data = vector_level(data);
	/* Not active yet: the mask is recorded and used at activation. */
	if (!data->activated && (apd->is_managed || apd->can_reserve))
		return IRQLAB_SET_AFFINITY_OK;
	err = assign_vector(d, data->irq, apd, mask);
	if (err == -EBUSY)
		return irqlab_kernel_fail(
			d->kernel, err,
			"irq %u: a move from CPU %u vector 0x%x is still in progress",
			data->irq->virq, apd->prev_cpu, apd->prev_vector);
	if (err == -EINVAL)
		return irqlab_kernel_fail(d->kernel, err, "irq %u: no online CPU in the new mask",
					  data->irq->virq);
	if (err)
		return irqlab_kernel_fail(d->kernel, err, "irq %u: no vector free on the new CPUs",
					  data->irq->virq);
	return IRQLAB_SET_AFFINITY_OK;
}

static int vector_compose_msg(struct irqlab_irq_data *data, struct irqlab_msi_msg *msg)
{
	struct vector_domain *vd = vd_of(data->domain);
	struct apic_data *apd = vector_level(data)->chip_data;
	struct irqlab_msi_compat f = {
		.dest = apd->cfg.cpu,
		.vector = (uint8_t)apd->cfg.vector,
	};
	int err = irqlab_msi_compat_encode(&f, vd->cfg.extdest, msg);

	if (err)
		return irqlab_kernel_fail(data->domain->kernel, err,
					  "irq %u: APIC id %u does not fit a compatibility message",
					  data->irq->virq, apd->cfg.cpu);
	return 0;
}

static int vector_accept_child(struct irqlab_domain *d, unsigned required,
			       struct irqlab_strbuf *why)
{
	/* Linux's X86_VECTOR_MSI_FLAGS_SUPPORTED: no multi-MSI, no IMS (unless asked to). */
	const unsigned refused = IRQLAB_REQ_MULTI_MSI | (vd_of(d)->cfg.ims ? 0 : IRQLAB_REQ_IMS);
	unsigned bad = required & refused;

	if (!bad)
		return 0;
	irqlab_strbuf_printf(why, "%s is not supported without interrupt remapping",
			     irqlab_req_name(bad & -bad));
	return -EOPNOTSUPP;
}

/*
 * Every allocated vector has exactly one owner in the LAPIC table, every owner holds what it
 * claims, and the reservations add up.
 */
/* One slot of the LAPIC table against the matrix and the interrupt it names. */
static int check_lapic_slot(struct irqlab_domain *d, unsigned cpu, unsigned v,
			    unsigned long *owners, unsigned long *unowned,
			    struct irqlab_strbuf *why)
{
	struct vector_domain *vd = vd_of(d);
	struct irqlab_irq *irq = *lapic_slot(vd, cpu, v);
	bool taken = irqlab_matrix_vector_allocated(vd->matrix, cpu, v);
	struct apic_data *apd;

	if (!irq || irq == RETRIGGER_IRQ) {
		*unowned += taken;
		return 0;
	}
	if (!taken)
		return irqlab_check_fail(why, "%s: CPU %u vector 0x%x has a handler but is free",
					 d->name, cpu, v);
	(*owners)++;
	if (irq == LEGACY_IRQ)
		return 0;
	if (irqlab_irq_find(d->kernel, irq->virq) != irq)
		return irqlab_check_fail(why, "%s: CPU %u vector 0x%x points at a freed irq",
					 d->name, cpu, v);
	apd = irqlab_irq_data_of(irq, d)->chip_data;
	if (!((apd->vector == v && apd->cpu == cpu) ||
	      (apd->move_in_progress && apd->prev_vector == v && apd->prev_cpu == cpu)))
		return irqlab_check_fail(why,
					 "%s: CPU %u vector 0x%x names irq %u, which "
					 "holds CPU %u vector 0x%x",
					 d->name, cpu, v, irq->virq, apd->cpu, apd->vector);
	return 0;
}

/* One CPU's row of the LAPIC table. */
static int check_lapic_row(struct irqlab_domain *d, unsigned cpu, unsigned long *owners,
			   unsigned long *unowned, struct irqlab_strbuf *why)
{
	for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++) {
		int err = check_lapic_slot(d, cpu, v, owners, unowned, why);

		if (err)
			return err;
	}
	return 0;
}

/* One interrupt's vector level against the LAPIC table. */
static int check_apd(struct irqlab_domain *d, struct irqlab_irq *irq, const struct apic_data *apd,
		     struct irqlab_strbuf *why)
{
	struct vector_domain *vd = vd_of(d);

	if (apd->vector && *lapic_slot(vd, apd->cpu, apd->vector) != irq)
		return irqlab_check_fail(
			why, "%s: irq %u holds CPU %u vector 0x%x but the LAPIC table disagrees",
			d->name, irq->virq, apd->cpu, apd->vector);
	if (apd->move_in_progress && !apd->vector)
		return irqlab_check_fail(why, "%s: irq %u moves without a vector", d->name,
					 irq->virq);
	return 0;
}

static int vector_check(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	struct vector_domain *vd = vd_of(d);
	struct irqlab_kernel *k = d->kernel;
	struct irqlab_matrix_stats ms;
	unsigned long owners = 0, unowned = 0, reserved = 0, prepared = 0;
	char mwhy[256];
	int err;

	if (irqlab_matrix_check(vd->matrix, mwhy, sizeof(mwhy)))
		return irqlab_check_fail(why, "%s: %s", d->name, mwhy);
	for (unsigned cpu = 0; cpu < vd->ncpus; cpu++) {
		err = check_lapic_row(d, cpu, &owners, &unowned, why);
		if (err)
			return err;
	}
	for (unsigned v = 0; v < k->irq_slots; v++) {
		struct irqlab_irq *irq = k->irqs[v];
		struct irqlab_irq_data *data = irq ? irqlab_irq_data_of(irq, d) : NULL;
		struct apic_data *apd = data ? data->chip_data : NULL;

		if (!apd)
			continue;
		reserved += apd->has_reserved;
		prepared += apd->prepared;
		err = check_apd(d, irq, apd, why);
		if (err)
			return err;
	}
	/*
	 * Between operations nothing is taken ahead: a prepare is used or aborted by the
	 * operation that made it. Only a prepared vector may lack a handler, and none is left.
	 */
	if (prepared)
		return irqlab_check_fail(why,
					 "%s: %lu vectors taken ahead and never used or given back",
					 d->name, prepared);
	if (unowned)
		return irqlab_check_fail(why, "%s: %lu vectors allocated with no owner", d->name,
					 unowned);
	irqlab_matrix_stats(vd->matrix, &ms);
	if (ms.total_allocated != owners + unowned)
		return irqlab_check_fail(
			why, "%s: the matrix counts %u vectors allocated, the maps hold %lu",
			d->name, ms.total_allocated, owners + unowned);
	if (ms.global_reserved != reserved)
		return irqlab_check_fail(why, "%s: %u global reservations, %lu interrupts hold one",
					 d->name, ms.global_reserved, reserved);
	forget_dirty(vd);
	return 0;
}

/* The incremental check of one interrupt: what vector_check says of it. */
static int vector_check_irq(struct irqlab_irq_data *data, struct irqlab_strbuf *why)
{
	struct irqlab_domain *d = data->domain;
	const struct apic_data *apd = data->chip_data;

	if (!apd)
		return 0;
	if (apd->prepared)
		return irqlab_check_fail(
			why, "%s: irq %u: a vector taken ahead and never used or given back",
			d->name, data->irq->virq);
	return check_apd(d, data->irq, apd, why);
}

/*
 * The matrix of the CPUs whose vectors changed and the slots that changed; the global sums
 * (reservations, totals) wait for the full check.
 */
static int vector_check_changed(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	struct vector_domain *vd = vd_of(d);
	unsigned long owners = 0, unowned = 0;
	unsigned cpu;
	char mwhy[256];
	int err = 0;

	irqlab_for_each_cpu(cpu, &vd->dirty_cpus)
	{
		if (irqlab_matrix_check_cpu(vd->matrix, cpu, mwhy, sizeof(mwhy)))
			return irqlab_check_fail(why, "%s: %s", d->name, mwhy);
		if (vd->dirty_slots.overflow)
			err = check_lapic_row(d, cpu, &owners, &unowned, why);
		if (err)
			return err;
	}
	for (unsigned i = 0; !vd->dirty_slots.overflow && i < vd->dirty_slots.n; i++) {
		err = check_lapic_slot(d, vd->dirty_slots.ids[i] >> 8,
				       vd->dirty_slots.ids[i] & 0xff, &owners, &unowned, why);
		if (err)
			return err;
	}
	if (unowned)
		return irqlab_check_fail(why, "%s: %lu vectors allocated with no owner", d->name,
					 unowned);
	forget_dirty(vd);
	return 0;
}

static void vector_dump(struct irqlab_domain *d, struct irqlab_strbuf *out)
{
	struct vector_domain *vd = vd_of(d);
	struct irqlab_matrix_stats ms;

	irqlab_matrix_stats(vd->matrix, &ms);
	irqlab_strbuf_printf(out, "  matrix available=%u reserved=%u allocated=%u online=%u\n",
			     ms.global_available, ms.global_reserved, ms.total_allocated,
			     ms.online_cpus);
	for (unsigned cpu = 0; cpu < vd->ncpus; cpu++) {
		struct irqlab_matrix_cpu_stats cs;

		irqlab_matrix_cpu_stats(vd->matrix, cpu, &cs);
		irqlab_strbuf_printf(out,
				     "  cpu %u%s available=%u allocated=%u managed=%u/%u:", cpu,
				     cs.online ? "" : " offline", cs.available, cs.allocated,
				     cs.managed_allocated, cs.managed);
		for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++) {
			struct irqlab_irq *irq = *lapic_slot(vd, cpu, v);

			if (irqlab_matrix_vector_allocated(vd->matrix, cpu, v))
				irqlab_strbuf_printf(out, " %02x=%s%u", v,
						     irq == LEGACY_IRQ ? "isa" : "",
						     irq == LEGACY_IRQ ? 0
						     : irq	       ? irq->virq
								       : 0);
		}
		irqlab_strbuf_append(out, "\n", 1);
	}
}

static void vector_dump_irq(struct irqlab_irq_data *data, struct irqlab_strbuf *out)
{
	struct apic_data *apd = data->chip_data;

	irqlab_strbuf_printf(out, " target=%u:%02x", apd->cfg.cpu, apd->cfg.vector);
	if (apd->move_in_progress)
		irqlab_strbuf_printf(out, " moving-from=%u:%02x", apd->prev_cpu, apd->prev_vector);
	if (apd->has_reserved)
		irqlab_strbuf_printf(out, " reserved");
	if (!apd->can_reserve && !apd->is_managed)
		irqlab_strbuf_printf(out, " fixed");
}

static void vector_destroy(struct irqlab_domain *d)
{
	struct vector_domain *vd = vd_of(d);

	irqlab_matrix_destroy(vd->matrix);
	free(vd->vector_irq);
	irqlab_id_log_release(&vd->dirty_slots);
	free(vd);
}

static int prepare_move(struct irqlab_irq_data *vl, const struct irqlab_cpumask *mask);
static int prepare_activate(struct irqlab_irq_data *vl);

/*
 * The prepare op (irqlab_irq_prepare): takes ahead the vector an activation (@mask NULL) or a
 * move to @mask will use, so that several can be made all or nothing. 0 when none is needed;
 * -EBUSY, -EINVAL, -ENOSPC otherwise.
 */
static int vector_prepare(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask)
{
	return mask ? prepare_move(data, mask) : prepare_activate(data);
}

/* Gives back a vector taken ahead and not used (and the reservation it consumed). */
static void vector_abort(struct irqlab_irq_data *data)
{
	release_prepared(data->domain, data->chip_data);
}

static const struct irqlab_domain_ops vector_domain_ops = {
	.alloc = vector_alloc,
	.free = vector_free,
	.activate = vector_activate,
	.deactivate = vector_deactivate,
	.prepare = vector_prepare,
	.abort = vector_abort,
	.set_affinity = vector_set_affinity,
	.compose_msg = vector_compose_msg,
	.child_msi_set_affinity = irqlab_x86_msi_set_affinity,
	.accept_child = vector_accept_child,
	.check = vector_check,
	.check_irq = vector_check_irq,
	.check_changed = vector_check_changed,
	.dump = vector_dump,
	.dump_irq = vector_dump_irq,
	.destroy = vector_destroy,
};

int irqlab_vector_domain_create(struct irqlab_kernel *k, const struct irqlab_vector_config *cfg,
				struct irqlab_domain **out)
{
	struct vector_domain *vd = irqlab_fault_zalloc(k->fault, sizeof(*vd));
	unsigned cpu;
	int err = -ENOMEM;

	if (!vd)
		goto out_fail;
	vd->cfg = *cfg;
	vd->ncpus = k->ncpus;
	vd->matrix = irqlab_matrix_create_fault(k->ncpus, IRQLAB_FIRST_EXTERNAL_VECTOR,
						IRQLAB_FIRST_SYSTEM_VECTOR, k->fault);
	if (!vd->matrix)
		goto out_free_vd;
	vd->vector_irq = irqlab_fault_zalloc(k->fault, (size_t)k->ncpus * IRQLAB_NR_VECTORS *
							       sizeof(*vd->vector_irq));
	if (!vd->vector_irq)
		goto out_free_matrix;
	/* Boot: system vectors everywhere, CPUs online, then the ISA vectors on CPU 0. */
	irqlab_matrix_assign_system(vd->matrix, IRQLAB_SYSCALL_VECTOR);
	irqlab_matrix_assign_system(vd->matrix, IRQLAB_PIC_CASCADE_VECTOR);
	irqlab_for_each_cpu(cpu, &k->online) irqlab_matrix_online(vd->matrix, cpu);
	if (cfg->legacy) {
		for (unsigned isa = 0; isa < IRQLAB_NR_ISA_IRQS; isa++) {
			unsigned vector = IRQLAB_ISA_VECTOR_BASE + isa;

			if (vector == IRQLAB_PIC_CASCADE_VECTOR)
				continue;
			irqlab_matrix_assign(vd->matrix, 0, vector);
			*lapic_slot(vd, 0, vector) = LEGACY_IRQ;
			vd->legacy[isa].vector = vector;
			vd->legacy[isa].cpu = 0;
		}
	}
	err = irqlab_domain_create(k, NULL, &vector_domain_ops, "VECTOR", 0, vd, out);
	if (err)
		goto out_free_table;
	return 0;

out_free_table:
	free(vd->vector_irq);
out_free_matrix:
	irqlab_matrix_destroy(vd->matrix);
out_free_vd:
	free(vd);
out_fail:
	if (err == -ENOMEM)
		irqlab_kernel_fail(k, err, "kernel %s: no memory for the vector domain", k->name);
	return err;
}

struct irqlab_matrix *irqlab_vector_domain_matrix(struct irqlab_domain *vd)
{
	return vd_of(vd)->matrix;
}

int irqlab_vector_irq_cfg(struct irqlab_irq_data *data, struct irqlab_irq_cfg *cfg)
{
	struct apic_data *apd = vector_level(data)->chip_data;

	if (!apd)
		return -ENOENT;
	*cfg = apd->cfg;
	return 0;
}

unsigned irqlab_vector_next_cpu(struct irqlab_irq_data *data)
{
	struct apic_data *apd = vector_level(data)->chip_data;

	return apd->prepared ? apd->prep_cpu : apd->cfg.cpu;
}

bool irqlab_vector_move_pending(struct irqlab_irq_data *data)
{
	struct apic_data *apd = vector_level(data)->chip_data;

	return apd && apd->move_in_progress;
}

void irqlab_vector_cleanup_now(struct irqlab_irq_data *data)
{
	data = vector_level(data);
	complete_move(data->domain, data->chip_data);
}

bool irqlab_vector_has_vector(struct irqlab_irq_data *data)
{
	struct apic_data *apd = vector_level(data)->chip_data;

	return apd && apd->vector && apd->cfg.vector == apd->vector;
}

/* What a message finds at (cpu, vector), with no effect on the model. */
static enum irqlab_lapic_result lapic_lookup(struct irqlab_domain *d, unsigned cpu, unsigned vector,
					     struct irqlab_irq **irqp)
{
	struct vector_domain *vd = vd_of(d);
	struct irqlab_irq *irq;

	*irqp = NULL;
	if (cpu >= vd->ncpus || !cpu_online(d, cpu))
		return IRQLAB_LAPIC_CPU_OFFLINE;
	if (vector == IRQLAB_SHUTDOWN_VECTOR)
		return IRQLAB_LAPIC_SPURIOUS;
	if (vector < IRQLAB_FIRST_EXTERNAL_VECTOR || vector >= IRQLAB_FIRST_SYSTEM_VECTOR ||
	    irqlab_matrix_vector_system(vd->matrix, vector))
		return IRQLAB_LAPIC_BAD_VECTOR;
	irq = *lapic_slot(vd, cpu, vector);
	/*
	 * The mover watches this vector's IRR bit with interrupts off: whatever the table
	 * holds, the message is latched and resent (an installed handler also sees it, as a
	 * harmless spurious call, once interrupts are on again).
	 */
	if (vd->retrigger.armed && vd->retrigger.cpu == cpu && vd->retrigger.vector == vector) {
		*irqp = irq == RETRIGGER_IRQ ? NULL : irq;
		return IRQLAB_LAPIC_RETRIGGER;
	}
	if (!irq)
		return IRQLAB_LAPIC_NO_HANDLER;
	if (irq == LEGACY_IRQ)
		return IRQLAB_LAPIC_LEGACY;
	*irqp = irq;
	return IRQLAB_LAPIC_HANDLED;
}

enum irqlab_lapic_result irqlab_vector_lapic_accept(struct irqlab_domain *d, unsigned cpu,
						    unsigned vector, enum irqlab_mode mode,
						    struct irqlab_irq **irqp)
{
	enum irqlab_lapic_result res = lapic_lookup(d, cpu, vector, irqp);
	struct apic_data *apd;

	if (mode == IRQLAB_PROBE)
		return res;
	if (res == IRQLAB_LAPIC_RETRIGGER) {
		/* Latched in the local APIC's IRR: the mover sees it and resends. */
		vd_of(d)->retrigger.irr = true;
		return res;
	}
	if (res != IRQLAB_LAPIC_HANDLED)
		return res;
	apd = irqlab_irq_data_of(*irqp, d)->chip_data;
	/* The first interrupt on the new vector proves the old one is no longer targeted. */
	if (apd->move_in_progress && apd->cpu == cpu && apd->vector == vector) {
		irqlab_irq_touch(*irqp);
		complete_move(d, apd);
	}
	return IRQLAB_LAPIC_HANDLED;
}

int irqlab_vector_retrigger_arm(struct irqlab_domain *d, unsigned cpu, unsigned vector)
{
	struct vector_domain *vd = vd_of(d);
	struct irqlab_irq **slot;

	if (vd->retrigger.armed || cpu >= vd->ncpus || vector >= IRQLAB_NR_VECTORS)
		return -EBUSY;
	slot = lapic_slot(vd, cpu, vector);
	touch_slot(d, cpu, vector);
	/* Marked only when free, so that no "No irq handler" is reported for it. */
	vd->retrigger.marked = !*slot;
	if (vd->retrigger.marked)
		*slot = RETRIGGER_IRQ;
	vd->retrigger.armed = true;
	vd->retrigger.irr = false;
	vd->retrigger.cpu = cpu;
	vd->retrigger.vector = vector;
	return 0;
}

bool irqlab_vector_retrigger_disarm(struct irqlab_domain *d)
{
	struct vector_domain *vd = vd_of(d);
	bool irr = vd->retrigger.irr;

	if (!vd->retrigger.armed)
		return false;
	if (vd->retrigger.marked)
		*lapic_slot(vd, vd->retrigger.cpu, vd->retrigger.vector) = NULL;
	vd->retrigger.armed = false;
	vd->retrigger.marked = false;
	vd->retrigger.irr = false;
	return irr;
}

struct irqlab_irq *irqlab_vector_lookup(struct irqlab_domain *d, unsigned cpu, unsigned vector,
					bool *legacy)
{
	struct vector_domain *vd = vd_of(d);

	*legacy = false;
	if (cpu >= vd->ncpus || vector >= IRQLAB_NR_VECTORS)
		return NULL;
	*legacy = *lapic_slot(vd, cpu, vector) == LEGACY_IRQ;
	return slot_irq(vd, cpu, vector);
}

static int prepare_move(struct irqlab_irq_data *vl, const struct irqlab_cpumask *mask)
{
	struct irqlab_domain *d = vl->domain;
	struct apic_data *apd = vl->chip_data;
	struct irqlab_cpumask dest;
	int err;

	if (apd->prepared)
		return -EBUSY;
	if (!vl->activated && (apd->is_managed || apd->can_reserve))
		return 0;
	err = move_needs_vector(d, apd, mask, &dest);
	if (err <= 0)
		return err;
	err = take_vector(d, apd, &dest, &apd->prep_vector, &apd->prep_cpu);
	if (!err)
		apd->prepared = true;
	return err;
}

static int prepare_activate(struct irqlab_irq_data *vl)
{
	struct irqlab_domain *d = vl->domain;
	struct irqlab_irq *irq = vl->irq;
	struct apic_data *apd = vl->chip_data;
	struct irqlab_cpumask dest;
	bool had_reservation = apd->has_reserved;
	int err;

	if (apd->prepared)
		return -EBUSY;
	if (vl->activated && apd->vector)
		return 0;
	if (apd->is_managed) {
		/* No online CPU in its mask: request shuts it down instead (IRQ_STARTUP_ABORT). */
		if (irq->managed_shutdown ||
		    !irqlab_cpumask_and(&dest, irq->affinity, &d->kernel->online))
			return 0;
		err = take_vector(d, apd, &dest, &apd->prep_vector, &apd->prep_cpu);
	} else {
		if (!apd->has_reserved && apd->vector)
			return 0;
		err = -ENOSPC;
		if (irqlab_cpumask_and(&dest, irq->affinity, &d->kernel->online))
			err = take_vector(d, apd, &dest, &apd->prep_vector, &apd->prep_cpu);
		if (err == -ENOSPC)
			err = take_vector(d, apd, &d->kernel->online, &apd->prep_vector,
					  &apd->prep_cpu);
	}
	if (err)
		return err;
	apd->prepared = true;
	apd->prep_took_reservation = had_reservation && !apd->has_reserved;
	return 0;
}

/*
 * One interrupt or ISA vector that must leave a dying CPU, with the vector taken for it ahead.
 */
struct mover {
	struct irqlab_irq *irq; /* NULL: the ISA interrupt isa */
	unsigned isa;
	bool shutdown; /* managed, and no CPU of its mask stays online */
	/* A pending move completed first (irq_force_complete_move), undone if offline fails. */
	bool completed;
	bool above; /* the levels above took their part of the move ahead too */
	unsigned prev_cpu, prev_vector;
	/* Where it goes: a mask the kernel holds (its affinity, its pending mask, or online). */
	const struct irqlab_cpumask *mask;
	unsigned vector, cpu;
};

static int mover_cmp(const void *a, const void *b)
{
	unsigned va = ((const struct mover *)a)->irq->virq,
		 vb = ((const struct mover *)b)->irq->virq;

	return va < vb ? -1 : va > vb;
}

static int prepare_mover(struct irqlab_domain *d, struct mover *m,
			 const struct irqlab_cpumask *online)
{
	struct vector_domain *vd = vd_of(d);
	struct apic_data *apd;
	struct irqlab_cpumask dest;
	int ret;

	if (!m->irq) {
		if (irqlab_fault_point(d->kernel->fault, "vector", -ENOSPC))
			return -ENOSPC;
		ret = irqlab_matrix_alloc(vd->matrix, online, false, &m->cpu);
		if (ret < 0)
			return ret;
		m->vector = (unsigned)ret;
		touch_slot(d, m->cpu, m->vector);
		return 0;
	}
	apd = irqlab_irq_data_of(m->irq, d)->chip_data;
	/* A pending move's mask wins where a CPU of it stays online (irq_fixup_move_pending). */
	m->mask = m->irq->move_pending && irqlab_cpumask_intersects(m->irq->pending_mask, online)
			  ? m->irq->pending_mask
			  : m->irq->affinity;
	if (!irqlab_cpumask_and(&dest, m->mask, online)) {
		if (apd->is_managed) {
			m->shutdown = true;
			return 0;
		}
		/* Affinity broken: any online CPU. */
		m->mask = online;
		dest = *online;
	}
	ret = take_vector(d, apd, &dest, &m->vector, &m->cpu);
	if (ret == -ENOSPC && !apd->is_managed && !irqlab_cpumask_equal(&dest, online)) {
		m->mask = online;
		ret = take_vector(d, apd, online, &m->vector, &m->cpu);
	}
	if (ret)
		return ret;
	apd->prepared = true;
	apd->prep_vector = m->vector;
	apd->prep_cpu = m->cpu;
	return 0;
}

int irqlab_vector_cpu_offline(struct irqlab_domain *d, unsigned cpu)
{
	struct vector_domain *vd = vd_of(d);
	struct irqlab_kernel *k = d->kernel;
	struct irqlab_matrix_cpu_stats cs;
	const struct irqlab_cpumask *online_held;
	struct irqlab_cpumask online;
	struct mover *movers = NULL;
	unsigned nr = 0, nr_isa, cap = 0, i, avail;
	int err = 0;

	if (cpu >= k->ncpus)
		return irqlab_kernel_fail(k, -EINVAL, "cpu %u: no such CPU in %s", cpu, k->name);
	if (!cpu_online(d, cpu))
		return irqlab_kernel_fail(k, -EINVAL, "cpu %u: already offline in %s", cpu,
					  k->name);
	if (irqlab_cpumask_weight(&k->online) == 1)
		return irqlab_kernel_fail(k, -EBUSY, "cpu %u: the last online CPU of %s", cpu,
					  k->name);
	/* Linux's lapic_can_unplug_cpu. */
	irqlab_matrix_cpu_stats(vd->matrix, cpu, &cs);
	avail = irqlab_matrix_available(vd->matrix, true, cpu);
	if (avail < cs.allocated - cs.managed_allocated)
		return irqlab_kernel_fail(k, -ENOSPC,
					  "cpu %u: has %u vectors, %u available on the other CPUs",
					  cpu, cs.allocated - cs.managed_allocated, avail);
	online = k->online;
	irqlab_cpumask_clear(&online, cpu);
	/* The kernel's copy of what stays online: an interrupt whose affinity broke gets it. */
	online_held = irqlab_mask_hold(&k->masks, &online);
	if (!online_held)
		return irqlab_kernel_fail(k, -ENOMEM, "cpu %u: out of memory", cpu);

	/*
	 * Who must move, in ascending interrupt order: the ISA interrupts are 0..15, then the
	 * interrupts whose vector is on this CPU, found in its row of the LAPIC table (at most
	 * one per vector) rather than among all the kernel's interrupts.
	 */
	cap = IRQLAB_NR_ISA_IRQS + IRQLAB_NR_VECTORS;
	movers = irqlab_fault_zalloc(k->fault, cap * sizeof(*movers));
	if (!movers) {
		irqlab_mask_put(&k->masks, online_held);
		return irqlab_kernel_fail(k, -ENOMEM, "cpu %u: out of memory", cpu);
	}
	for (i = 0; i < IRQLAB_NR_ISA_IRQS; i++)
		if (vd->legacy[i].vector && vd->legacy[i].cpu == cpu)
			movers[nr++] = (struct mover){.isa = i};
	nr_isa = nr;
	for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++) {
		struct irqlab_irq *irq = slot_irq(vd, cpu, v);
		struct apic_data *apd = irq ? irqlab_irq_data_of(irq, d)->chip_data : NULL;

		if (apd && apd->vector == v && apd->cpu == cpu)
			movers[nr++] = (struct mover){.irq = irq};
	}
	qsort(movers + nr_isa, nr - nr_isa, sizeof(*movers), mover_cmp);
	/*
	 * Phase 1: every new vector, or nothing. As Linux's migrate_one_irq, a pending move is
	 * completed before the new vector is chosen; the old vector is taken back on failure.
	 */
	for (i = 0; i < nr; i++) {
		struct mover *m = &movers[i];
		struct apic_data *apd = m->irq ? irqlab_irq_data_of(m->irq, d)->chip_data : NULL;

		if (m->irq)
			irqlab_irq_touch(m->irq);
		if (apd && apd->move_in_progress) {
			m->completed = true;
			m->prev_cpu = apd->prev_cpu;
			m->prev_vector = apd->prev_vector;
			complete_move(d, apd);
		}
		err = prepare_mover(d, m, online_held);
		/* A level above may have its own say (a hypercall): ask it now, not in phase 2. */
		if (!err && m->irq && !m->shutdown) {
			err = irqlab_irq_prepare_above(m->irq, m->mask);
			m->above = !err;
			if (err)
				release_prepared(d, irqlab_irq_data_of(m->irq, d)->chip_data);
		}
		if (err)
			break;
	}
	if (err) {
		unsigned failed = movers[i].irq ? movers[i].irq->virq : movers[i].isa;

		/* The failed one completed its move too: undo it with the others. */
		for (i++; i-- > 0;) {
			struct mover *m = &movers[i];
			struct apic_data *apd;

			if (!m->irq) {
				if (m->vector) {
					irqlab_matrix_free(vd->matrix, m->cpu, m->vector, false);
					touch_slot(d, m->cpu, m->vector);
				}
				continue;
			}
			apd = irqlab_irq_data_of(m->irq, d)->chip_data;
			if (m->above)
				irqlab_irq_abort_above(m->irq);
			if (!m->shutdown && m->above)
				release_prepared(d, apd);
			if (m->completed) {
				/* Only non-managed interrupts move by request: a plain vector. */
				irqlab_matrix_assign(vd->matrix, m->prev_cpu, m->prev_vector);
				*lapic_slot(vd, m->prev_cpu, m->prev_vector) = m->irq;
				touch_slot(d, m->prev_cpu, m->prev_vector);
				apd->move_in_progress = true;
				apd->prev_cpu = m->prev_cpu;
				apd->prev_vector = m->prev_vector;
			}
		}
		free(movers);
		irqlab_mask_put(&k->masks, online_held);
		return irqlab_kernel_fail(k, err,
					  "cpu %u: no vector for interrupt %u on the other CPUs",
					  cpu, failed);
	}
	/* Phase 2: nothing below can fail. */
	irqlab_cpumask_clear(&k->online, cpu);
	for (i = 0; i < nr; i++) {
		struct mover *m = &movers[i];
		struct apic_data *apd;

		if (!m->irq) {
			struct irqlab_irq_cfg *isa = &vd->legacy[m->isa];

			free_vector(d, isa->cpu, isa->vector, false);
			isa->cpu = m->cpu;
			isa->vector = m->vector;
			*lapic_slot(vd, m->cpu, m->vector) = LEGACY_IRQ;
			touch_slot(d, m->cpu, m->vector);
			continue;
		}
		apd = irqlab_irq_data_of(m->irq, d)->chip_data;
		complete_move(d, apd);
		if (m->shutdown) {
			irqlab_irq_set_managed_shutdown(m->irq, true);
			irqlab_irq_deactivate(m->irq);
		} else {
			irqlab_irq_set_affinity(m->irq, m->mask, true);
		}
		/* Used or hopeless, the pending move is over (after its mask was used). */
		irqlab_irq_clear_pending(m->irq);
	}
	/*
	 * Pending moves away from the dying CPU can never complete there: finish them now. Their
	 * old vectors are in this CPU's row.
	 */
	for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++) {
		struct irqlab_irq *irq = slot_irq(vd, cpu, v);
		struct apic_data *apd = irq ? irqlab_irq_data_of(irq, d)->chip_data : NULL;

		if (apd && apd->move_in_progress && apd->prev_cpu == cpu && apd->prev_vector == v) {
			irqlab_irq_touch(irq);
			complete_move(d, apd);
		}
	}
	touch_cpu(d, cpu);
	irqlab_matrix_offline(vd->matrix, cpu);
	free(movers);
	irqlab_mask_put(&k->masks, online_held);
	return 0;
}

static int irq_virq_cmp(const void *a, const void *b)
{
	unsigned va = (*(struct irqlab_irq *const *)a)->virq,
		 vb = (*(struct irqlab_irq *const *)b)->virq;

	return va < vb ? -1 : va > vb;
}

int irqlab_vector_cpu_online(struct irqlab_domain *d, unsigned cpu)
{
	struct vector_domain *vd = vd_of(d);
	struct irqlab_kernel *k = d->kernel;
	struct irqlab_irq **restart;
	unsigned nr = 0, i;
	int err = 0;

	if (cpu >= k->ncpus)
		return irqlab_kernel_fail(k, -EINVAL, "cpu %u: no such CPU in %s", cpu, k->name);
	if (cpu_online(d, cpu))
		return irqlab_kernel_fail(k, -EINVAL, "cpu %u: already online in %s", cpu, k->name);
	restart = irqlab_fault_zalloc(k->fault,
				      (k->lists[IRQLAB_IRQS_SHUT_DOWN].n + 1) * sizeof(*restart));
	if (!restart)
		return irqlab_kernel_fail(k, -ENOMEM, "cpu %u: out of memory", cpu);
	/*
	 * Managed interrupts shut down for lack of a CPU start again (irq_affinity_online_cpu),
	 * in ascending interrupt order. Only the shut-down ones are looked at.
	 */
	for (struct irqlab_irq *irq = k->lists[IRQLAB_IRQS_SHUT_DOWN].head; irq;
	     irq = irq->links[IRQLAB_IRQS_SHUT_DOWN].next)
		if (irqlab_cpumask_test(irq->affinity, cpu))
			restart[nr++] = irq;
	qsort(restart, nr, sizeof(*restart), irq_virq_cmp);
	touch_cpu(d, cpu);
	irqlab_matrix_online(vd->matrix, cpu);
	irqlab_cpumask_set(&k->online, cpu);
	/*
	 * What every level of every restart needs, taken first: activation unmasks and sends
	 * what was pending, which cannot be taken back, so nothing may fail after it.
	 */
	for (i = 0; i < nr; i++) {
		if (!restart[i]->started)
			continue;
		restart[i]->managed_shutdown = false;
		err = irqlab_irq_prepare(restart[i], NULL);
		restart[i]->managed_shutdown = true;
		if (err)
			break;
	}
	if (err) {
		while (i-- > 0)
			if (restart[i]->started)
				irqlab_irq_abort(restart[i]);
		irqlab_cpumask_clear(&k->online, cpu);
		irqlab_matrix_offline(vd->matrix, cpu);
		err = irqlab_kernel_fail(
			k, err, "cpu %u: no vector to restart the managed interrupts of %s", cpu,
			k->name);
		goto out;
	}
	for (i = 0; i < nr; i++) {
		irqlab_irq_set_managed_shutdown(restart[i], false);
		if (restart[i]->started)
			irqlab_irq_activate(restart[i], false);
	}
out:
	free(restart);
	return err;
}
