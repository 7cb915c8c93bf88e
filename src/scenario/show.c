// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>

#include "irqlab/irte.h"
#include "iommu/remap_domain.h"
#include "output/output.h"
#include "platform/platform.h"
#include "scenario/resolve.h"
#include "scenario/show.h"
#include "x86/vector_domain.h"

static void show_domain_tree(struct irqlab_out *o, struct irqlab_kernel *k,
			     struct irqlab_domain *parent, unsigned depth)
{
	for (struct irqlab_domain *d = k->domains; d; d = d->next) {
		if (d->parent != parent)
			continue;
		irqlab_out_open_object(o, NULL);
		irqlab_out_text(o, "%*s", (int)(2 * depth), "");
		irqlab_out_str(o, "name", "%s", d->name);
		irqlab_out_str(o, "parent", NULL, parent ? parent->name : "");
		irqlab_out_uint(o, "irqs", "  irqs=%llu", d->nr_irqs);
		irqlab_out_text(o, "\n");
		irqlab_out_close_object(o);
		show_domain_tree(o, k, d, depth + 1);
	}
}

static void show_domains(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	irqlab_out_str(o, "kernel", "kernel %s\n", ctx->k->name);
	irqlab_out_open_array(o, "domains");
	show_domain_tree(o, ctx->k, NULL, 1);
	irqlab_out_close_array(o);
}

static void owner_of(struct irqlab_out *o, struct irqlab_irq *irq)
{
	const struct irqlab_device *dev = irq->dev;

	irqlab_out_uint(o, "irq", " irq %llu", irq->virq);
	if (dev) {
		irqlab_out_str(o, "device", " (%s", dev->name);
		irqlab_out_uint(o, "index", " index %llu)", irq->index);
	}
}

/* Every CPU's vectors, or only those of cpu=C. */
static void show_vectors(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_machine *p = ctx->p;
	unsigned only = ctx->cpu;
	struct irqlab_matrix *m = irqlab_vector_domain_matrix(irqlab_kernel_env(ctx->k)->vector);

	irqlab_out_open_array(o, "cpus");
	for (unsigned cpu = 0; cpu < p->cfg.ncpus; cpu++) {
		struct irqlab_matrix_cpu_stats cs;

		if (only < IRQLAB_MAX_CPUS && cpu != only)
			continue;
		irqlab_matrix_cpu_stats(m, cpu, &cs);
		irqlab_out_open_object(o, NULL);
		irqlab_out_uint(o, "cpu", "cpu %llu", cpu);
		irqlab_out_bool(o, "online", " online=%s", cs.online);
		irqlab_out_uint(o, "available", " available=%llu", cs.available);
		irqlab_out_uint(o, "allocated", " allocated=%llu", cs.allocated);
		irqlab_out_uint(o, "managed", " managed=%llu", cs.managed);
		irqlab_out_uint(o, "managed_allocated", " managed-allocated=%llu\n",
				cs.managed_allocated);
		irqlab_out_open_array(o, "vectors");
		for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++) {
			bool legacy;
			struct irqlab_irq *irq = irqlab_vector_lookup(
				irqlab_kernel_env(ctx->k)->vector, cpu, v, &legacy);

			if (!irq && !legacy)
				continue;
			irqlab_out_open_object(o, NULL);
			irqlab_out_hex(o, "vector", "  0x%02llx", v);
			if (legacy)
				irqlab_out_uint(o, "isa", " ISA irq %llu",
						v - IRQLAB_ISA_VECTOR_BASE);
			else
				owner_of(o, irq);
			irqlab_out_text(o, "\n");
			irqlab_out_close_object(o);
		}
		irqlab_out_close_array(o);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

static void show_irq(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_machine *p = ctx->p;
	struct irqlab_device *dev = ctx->dev;
	unsigned index = ctx->index;
	struct irqlab_irq *irq = dev->entries[index].irq;
	struct irqlab_msi_msg msg = {0};
	bool has_msg = irqlab_platform_stored_msg(p, dev, index, &msg) == 0;
	struct irqlab_irq_cfg cfg;
	char cpus[128];

	irqlab_out_str(o, "device", "%s", dev->name);
	irqlab_out_uint(o, "index", " index %llu:", index);
	if (has_msg) {
		irqlab_out_hex(o, "addr", " stored addr=0x%08llx",
			       (uint64_t)msg.address_hi << 32 | msg.address_lo);
		irqlab_out_hex(o, "data", " data=0x%08llx", msg.data);
	}
	irqlab_out_bool(o, "masked", " masked=%s", irqlab_device_masked(dev, index));
	irqlab_out_bool(o, "pending", " pending=%s\n", irqlab_device_pending(dev, index));
	if (!irq) {
		irqlab_out_bool(o, "allocated", "  allocated=%s\n", false);
		return;
	}
	irqlab_vector_irq_cfg(irq->top, &cfg);
	irqlab_cpumask_format(&irq->affinity, cpus, sizeof(cpus));
	irqlab_out_uint(o, "irq", "  irq %llu", irq->virq);
	irqlab_out_str(o, "affinity", " affinity=%s", cpus);
	irqlab_out_uint(o, "cpu", " target CPU %llu", cfg.cpu);
	irqlab_out_hex(o, "vector", " vector 0x%02llx", cfg.vector);
	irqlab_out_bool(o, "requested", " requested=%s", irq->started);
	irqlab_out_bool(o, "managed", " managed=%s", irq->managed);
	irqlab_out_bool(o, "moving", " moving=%s\n", irqlab_vector_move_pending(irq->top));
	irqlab_out_open_array(o, "levels");
	for (struct irqlab_irq_data *data = irq->top; data; data = data->parent) {
		irqlab_out_open_object(o, NULL);
		irqlab_out_str(o, "domain", "  %s", data->domain->name);
		irqlab_out_hex(o, "hwirq", " hwirq=0x%llx", data->hwirq);
		irqlab_out_bool(o, "active", " active=%s\n", data->activated);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
	if (irqlab_kernel_remapped(irq->kernel)) {
		struct irqlab_irq_data *rl =
			irqlab_irq_data_of(irq, irqlab_kernel_env(irq->kernel)->msi_parent);
		int idx = rl ? irqlab_remap_irq_index(rl) : -1;

		if (idx >= 0)
			irqlab_out_uint(o, "irte", "  IRTE %llu\n", (unsigned)idx);
	}
}

static void show_irtes(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_machine *p = ctx->p;

	irqlab_out_open_array(o, "irtes");
	if (!p->ir) {
		irqlab_out_text(o, "no IR unit (ir=off)\n");
		irqlab_out_close_array(o);
		return;
	}
	for (unsigned i = 0; i < irqlab_ir_unit_size(p->ir); i++) {
		const struct irqlab_irte *e = irqlab_ir_unit_irte(p->ir, i);
		struct irqlab_irte_remapped f;

		if (!irqlab_irte_present(e) || irqlab_irte_is_posted(e))
			continue;
		irqlab_irte_decode_remapped(e, &f);
		irqlab_out_open_object(o, NULL);
		irqlab_out_uint(o, "index", "%6llu:", i);
		irqlab_out_hex(o, "vector", " vector=0x%02llx", f.vector);
		irqlab_out_uint(o, "dest", " dest=%llu",
				irqlab_irte_dest_decode(f.dest, irqlab_ir_unit_eime(p->ir)));
		irqlab_out_hex(o, "sid", " sid=0x%04llx", f.sid);
		irqlab_out_uint(o, "svt", " svt=%llu", f.svt);
		irqlab_out_uint(o, "sq", " sq=%llu", f.sq);
		irqlab_out_bool(o, "fpd", " fpd=%s", f.fpd);
		irqlab_out_hex(o, "raw_hi", " raw=%016llx", e->hi);
		irqlab_out_hex(o, "raw_lo", ":%016llx\n", e->lo);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

static void show_faults(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_machine *p = ctx->p;
	size_t n = p->ir ? irqlab_ir_unit_nr_faults(p->ir) : 0;

	irqlab_out_uint(o, "blocked", "blocked=%llu",
			p->ir ? irqlab_ir_unit_blocked_count(p->ir) : 0);
	irqlab_out_uint(o, "recorded", " recorded=%llu\n", n);
	irqlab_out_open_array(o, "faults");
	for (size_t i = 0; i < n; i++) {
		const struct irqlab_ir_fault_record *f = irqlab_ir_unit_fault(p->ir, i);

		irqlab_out_open_object(o, NULL);
		irqlab_out_hex(o, "reason", "  reason=0x%02llx", f->reason);
		irqlab_out_hex(o, "sid", " sid=0x%04llx", f->sid);
		irqlab_out_uint(o, "index", " index=%llu\n", f->index);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

static void show_stats(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_machine *p = ctx->p;

	irqlab_out_open_object(o, "classes");
	for (unsigned c = 0; c < IRQLAB_MSG_NR_CLASSES; c++) {
		irqlab_out_text(o, "%s", c ? " " : "");
		irqlab_out_text(o, "%s=", irqlab_msg_class_name(c));
		irqlab_out_uint(o, irqlab_msg_class_name(c), "%llu", p->by_class[c]);
	}
	irqlab_out_text(o, "\n");
	irqlab_out_close_object(o);
	irqlab_out_open_array(o, "cpus");
	for (unsigned cpu = 0; cpu < p->cfg.ncpus; cpu++) {
		if (!p->delivered_by_cpu[cpu])
			continue;
		irqlab_out_open_object(o, NULL);
		irqlab_out_uint(o, "cpu", "cpu %llu", cpu);
		irqlab_out_uint(o, "delivered", " delivered=%llu\n", p->delivered_by_cpu[cpu]);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
	irqlab_out_open_array(o, "entries");
	for (unsigned d = 0; d < p->nr_devices; d++) {
		struct irqlab_device *dev = p->devices[d];

		for (unsigned i = 0; i < dev->nr; i++) {
			const struct irqlab_dev_entry *e = &dev->entries[i];
			unsigned long sent = 0;

			for (unsigned c = 0; c < IRQLAB_MSG_NR_CLASSES; c++)
				sent += e->by_class[c];
			if (!sent && !e->delivered)
				continue;
			irqlab_out_open_object(o, NULL);
			irqlab_out_str(o, "device", "%s", dev->name);
			irqlab_out_uint(o, "index", "[%llu]", i);
			irqlab_out_uint(o, "handled", " handled=%llu", e->delivered);
			irqlab_out_open_object(o, "sent");
			irqlab_out_text(o, " sent:");
			for (unsigned c = 0; c < IRQLAB_MSG_NR_CLASSES; c++) {
				irqlab_out_text(o, " %s=", irqlab_msg_class_name(c));
				irqlab_out_uint(o, irqlab_msg_class_name(c), "%llu",
						e->by_class[c]);
			}
			irqlab_out_close_object(o);
			irqlab_out_text(o, "\n");
			irqlab_out_close_object(o);
		}
	}
	irqlab_out_close_array(o);
}

const struct irqlab_show_topic irqlab_show_topics[] = {
	{"domains", "the interrupt-domain hierarchy and how many interrupts each holds",
	 IRQLAB_SCN_SHOW_DOMAINS, false, show_domains},
	{"vectors", "every CPU's vector counters and which interrupt owns each vector",
	 IRQLAB_SCN_SHOW_VECTORS, false, show_vectors},
	{"irq", "one interrupt: its stored message, target and the levels of its hierarchy",
	 IRQLAB_SCN_SHOW_IRQ, true, show_irq},
	{"irtes", "the present entries of the IR unit's table, decoded and raw",
	 IRQLAB_SCN_SHOW_IRTES, false, show_irtes},
	{"faults", "the faults the IR unit recorded", IRQLAB_SCN_SHOW_FAULTS, false, show_faults},
	{"stats", "messages by class, deliveries per CPU and per device entry",
	 IRQLAB_SCN_SHOW_STATS, false, show_stats},
};
const size_t irqlab_show_nr_topics = sizeof(irqlab_show_topics) / sizeof(irqlab_show_topics[0]);

const struct irqlab_show_topic *irqlab_show_topic_of(enum irqlab_scn_kind kind)
{
	for (size_t i = 0; i < irqlab_show_nr_topics; i++)
		if (irqlab_show_topics[i].kind == kind)
			return &irqlab_show_topics[i];
	return NULL;
}

const struct irqlab_show_topic *irqlab_show_topic_find(const char *name)
{
	for (size_t i = 0; i < irqlab_show_nr_topics; i++)
		if (!irqlab_show_topics[i].needs_entry &&
		    strcmp(irqlab_show_topics[i].name, name) == 0)
			return &irqlab_show_topics[i];
	return NULL;
}

const char *irqlab_show_topic_names(char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < irqlab_show_nr_topics && o < size; i++)
		if (!irqlab_show_topics[i].needs_entry)
			o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "",
					      irqlab_show_topics[i].name);
	return buf;
}
