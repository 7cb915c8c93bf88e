// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/irqlab.h"
#include "irqlab/irte.h"
#include "irqlab/pci_rid.h"
#include "irqlab/scenario.h"
#include "output/output.h"
#include "scenario/resolve.h"
#include "scenario/show.h"

static void show_domain_tree(struct irqlab_out *o, const struct irqlab_kernel *k,
			     const struct irqlab_domain *parent, unsigned depth)
{
	for (struct irqlab_domain *d = irqlab_kernel_first_domain(k); d;
	     d = irqlab_domain_next(d)) {
		if (irqlab_domain_parent(d) != parent)
			continue;
		irqlab_out_open_object(o, NULL);
		irqlab_out_text(o, "%*s", (int)(2 * depth), "");
		irqlab_out_str(o, "name", "%s", irqlab_domain_name(d));
		irqlab_out_str(o, "parent", NULL, parent ? irqlab_domain_name(parent) : "");
		irqlab_out_uint(o, "irqs", "  irqs=%llu", irqlab_domain_nr_irqs(d));
		irqlab_out_text(o, "\n");
		irqlab_out_close_object(o);
		show_domain_tree(o, k, d, depth + 1);
	}
}

/* A guest's detection: the rule, what it read, what it concluded. */
static void show_detection(struct irqlab_out *o, const struct irqlab_kernel *k)
{
	static const char *const rules[] = {
		[IRQLAB_VM_DETECT_PROBABLE] = "probable",
		[IRQLAB_VM_DETECT_NONE] = "none",
		[IRQLAB_VM_DETECT_CPUID] = "cpuid",
	};
	static const char *const evidence_key[] = {
		[IRQLAB_DETECTION_ASSUMED] = "assumed",
		[IRQLAB_DETECTION_CPUID] = "cpuid",
		[IRQLAB_DETECTION_CPUID_CLEAR] = "cpuid-clear",
		[IRQLAB_DETECTION_DMI_LISTED] = "dmi-listed",
		[IRQLAB_DETECTION_DMI_UNLISTED] = "dmi-unlisted",
	};
	static const char *const evidence[] = {
		[IRQLAB_DETECTION_ASSUMED] = "nothing read: bare metal assumed",
		[IRQLAB_DETECTION_CPUID] = "the CPUID hypervisor bit is set",
		[IRQLAB_DETECTION_CPUID_CLEAR] = "the CPUID hypervisor bit is clear",
		[IRQLAB_DETECTION_DMI_LISTED] = "the DMI vendor is on the list",
		[IRQLAB_DETECTION_DMI_UNLISTED] = "the DMI vendor is not on the list",
	};
	struct irqlab_detection d;

	if (irqlab_kernel_detection(k, &d))
		return;
	irqlab_out_open_object(o, "detection");
	irqlab_out_str(o, "rule", "  detection: detect=%s", rules[d.rule]);
	irqlab_out_bool(o, "cpuid_hv", " cpuid-hv=%s", d.cpuid_hv);
	if (d.cpuid_hv)
		irqlab_out_str(o, "signature", " signature=\"%s\"", d.signature);
	irqlab_out_str(o, "dmi_vendor", d.has_dmi_vendor ? " dmi-vendor=\"%s\"" : NULL,
		       d.dmi_vendor);
	irqlab_out_str(o, "evidence", NULL, evidence_key[d.evidence]);
	irqlab_out_text(o, ": %s", evidence[d.evidence]);
	irqlab_out_bool(o, "bare_metal", NULL, d.bare_metal);
	irqlab_out_text(o, ": %s\n", d.bare_metal ? "bare metal" : "a VM");
	irqlab_out_close_object(o);
}

static void show_domains(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	irqlab_out_str(o, "kernel", "kernel %s\n", irqlab_kernel_name(ctx->k));
	if (irqlab_kernel_is_guest(ctx->k))
		show_detection(o, ctx->k);
	irqlab_out_open_array(o, "domains");
	show_domain_tree(o, ctx->k, NULL, 1);
	irqlab_out_close_array(o);
}

static void owner_of(struct irqlab_out *o, const struct irqlab_vector_owner *own)
{
	irqlab_out_uint(o, "irq", " irq %llu", own->virq);
	if (own->dev) {
		irqlab_out_str(o, "device", " (%s", irqlab_device_name(own->dev));
		irqlab_out_uint(o, "index", " index %llu)", own->index);
	}
}

/* @map's set bits as Linux's "%*pbl" prints a bitmap: "32,48-49,51-63", "" when empty. */
static void format_bitmap_list(const uint64_t map[4], char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned v = 0; v < IRQLAB_NR_VECTORS && o < size; v++) {
		unsigned end = v;

		if (!(map[v / 64] >> (v % 64) & 1))
			continue;
		while (end + 1 < IRQLAB_NR_VECTORS && (map[(end + 1) / 64] >> ((end + 1) % 64) & 1))
			end++;
		o += (size_t)snprintf(buf + o, size - o, end > v ? "%s%u-%u" : "%s%u", o ? "," : "",
				      v, end);
		v = end;
	}
}

/* Vector @v of @cpu, and whether the matrix has it allocated there. */
static bool vector_owner(const struct scn_ctx *ctx, unsigned cpu, unsigned v,
			 struct irqlab_vector_owner *own)
{
	return irqlab_cpu_vector_owner(ctx->k, cpu, v, own) == 0;
}

/* The vectors the matrix has allocated on @cpu, as a bitmap list (Linux: its alloc_map). */
static void alloc_map_list(const struct scn_ctx *ctx, unsigned cpu, char *buf, size_t size)
{
	uint64_t map[4] = {0};

	for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++) {
		struct irqlab_vector_owner own;

		if (vector_owner(ctx, cpu, v, &own) && own.allocated)
			map[v / 64] |= UINT64_C(1) << (v % 64);
	}
	format_bitmap_list(map, buf, size);
}

/*
 * The matrix as debugfs's irq/domains/VECTOR prints it (irq_matrix_debug_show()): the global
 * counters, the system vectors and one row per CPU. Linux lists online CPUs only; offline
 * ones are listed here too, marked, since expect free-vectors can ask about them.
 */
static void show_matrix(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_vector_matrix_info mi;
	char list[1024];

	if (irqlab_kernel_vector_matrix(ctx->k, &mi))
		return;
	format_bitmap_list(mi.system, list, sizeof(list));
	irqlab_out_uint(o, "online_maps", "Online bitmaps:   %6llu\n", mi.online_cpus);
	irqlab_out_uint(o, "global_available", "Global available: %6llu\n", mi.global_available);
	irqlab_out_uint(o, "global_reserved", "Global reserved:  %6llu\n", mi.global_reserved);
	irqlab_out_uint(o, "total_allocated", "Total allocated:  %6llu\n", mi.total_allocated);
	irqlab_out_uint(o, "nr_system", "System: %llu: ", mi.nr_system);
	irqlab_out_str(o, "system", "%s\n", list);
	irqlab_out_text(o, " | CPU | avl | man | mac | act | vectors\n");
	for (unsigned cpu = 0; cpu < irqlab_kernel_ncpus(ctx->k); cpu++) {
		struct irqlab_vector_stats cs;

		if (ctx->cpu < IRQLAB_MAX_CPUS && cpu != ctx->cpu)
			continue;
		if (irqlab_cpu_vector_stats(ctx->k, cpu, &cs))
			break;
		alloc_map_list(ctx, cpu, list, sizeof(list));
		irqlab_out_text(o, "  %4u  %4u  %4u  %4u %4u  %s%s\n", cpu, cs.available,
				cs.managed, cs.managed_allocated, cs.allocated, list,
				cs.online ? "" : "  (offline)");
	}
	irqlab_out_text(o, "avl (free): free for a normal allocation, what expect free-vectors "
			   "counts\nman: reserved for managed interrupts; mac: managed and "
			   "allocated; act: allocated\n");
}

/* Every CPU's vectors, or only those of cpu=C: the matrix, then who owns each vector. */
static void show_vectors(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	unsigned only = ctx->cpu;

	show_matrix(o, ctx);
	irqlab_out_open_array(o, "cpus");
	for (unsigned cpu = 0; cpu < irqlab_kernel_ncpus(ctx->k); cpu++) {
		struct irqlab_vector_stats cs;
		bool header = false;
		char list[1024];

		if (only < IRQLAB_MAX_CPUS && cpu != only)
			continue;
		if (irqlab_cpu_vector_stats(ctx->k, cpu, &cs))
			break;
		irqlab_out_open_object(o, NULL);
		irqlab_out_uint(o, "cpu", NULL, cpu);
		irqlab_out_bool(o, "online", NULL, cs.online);
		irqlab_out_uint(o, "available", NULL, cs.available);
		irqlab_out_uint(o, "allocated", NULL, cs.allocated);
		irqlab_out_uint(o, "managed", NULL, cs.managed);
		irqlab_out_uint(o, "managed_allocated", NULL, cs.managed_allocated);
		alloc_map_list(ctx, cpu, list, sizeof(list));
		irqlab_out_str(o, "alloc_map", NULL, list);
		irqlab_out_open_array(o, "vectors");
		for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++) {
			struct irqlab_vector_owner own;

			if (!vector_owner(ctx, cpu, v, &own) || own.use == IRQLAB_VECTOR_NONE)
				continue;
			if (!header)
				irqlab_out_text(o, "CPU %u:\n", cpu);
			header = true;
			irqlab_out_open_object(o, NULL);
			irqlab_out_hex(o, "vector", "  0x%02llx", v);
			if (own.use == IRQLAB_VECTOR_ISA)
				irqlab_out_uint(o, "isa", " ISA irq %llu", own.isa_irq);
			else
				owner_of(o, &own);
			irqlab_out_text(o, "\n");
			irqlab_out_close_object(o);
		}
		irqlab_out_close_array(o);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

/*
 * An assigned entry has two sides: the guest's interrupt and the host's backing of it. Each
 * view shows the other beside it: the guest's view its host backing, the host's its guest.
 */
static void show_irq_other_side(struct irqlab_out *o, const struct irqlab_device *dev,
				unsigned index)
{
	const struct irqlab_device *phys = irqlab_device_physical(dev);
	const struct irqlab_kernel *owner = irqlab_entry_owner(dev, index);
	struct irqlab_entry_state st;

	if (phys != dev) {
		irqlab_out_open_object(o, "backing");
		if (irqlab_entry_backing(dev, index, &st) == 0 && st.allocated) {
			irqlab_out_uint(o, "irq", "  host backing: irq %llu", st.virq);
			irqlab_out_uint(o, "cpu", " on CPU %llu", st.cpu);
			irqlab_out_hex(o, "vector", " vector 0x%02llx", st.vector);
			if (st.irte >= 0)
				irqlab_out_uint(o, "irte", " IRTE %llu", (unsigned)st.irte);
			irqlab_out_text(o, "\n");
		} else {
			irqlab_out_text(
				o, "  host backing: none%s\n",
				irqlab_device_trapped(dev)
					? " (allocated when the guest unmasks the entry)"
				: irqlab_kernel_parent(irqlab_device_kernel(dev)) ==
						IRQLAB_VM_PARENT_HCALL
					? " (allocated by the hypercall of its request)"
					: " (nothing traps this store: the device sends what "
					  "the guest wrote)");
		}
		irqlab_out_close_object(o);
	} else if (owner && owner != irqlab_device_kernel(dev)) {
		irqlab_out_str(o, "backs", "  backs %s's entry: see show irq ... in=VM\n",
			       irqlab_kernel_name(owner));
	}
}

static void show_irq(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_device *dev = ctx->dev;
	unsigned index = ctx->index;
	struct irqlab_msi_msg msg = {0};
	bool has_msg = irqlab_entry_message(dev, index, &msg) == 0;
	struct irqlab_entry_state st;
	char cpus[128];

	if (irqlab_entry_state(dev, index, &st))
		return;
	irqlab_out_str(o, "device", "%s", irqlab_device_name(dev));
	irqlab_out_uint(o, "index", " index %llu:", index);
	if (has_msg) {
		irqlab_out_hex(o, "addr", " stored addr=0x%08llx",
			       (uint64_t)msg.address_hi << 32 | msg.address_lo);
		irqlab_out_hex(o, "data", " data=0x%08llx", msg.data);
	}
	irqlab_out_bool(o, "masked", " masked=%s", st.masked);
	irqlab_out_bool(o, "pending", " pending=%s\n", st.pending);
	if (!st.allocated) {
		irqlab_out_bool(o, "allocated", "  allocated=%s\n", false);
		return;
	}
	irqlab_cpumask_format(&st.affinity, cpus, sizeof(cpus));
	irqlab_out_uint(o, "irq", "  irq %llu", st.virq);
	irqlab_out_str(o, "affinity", " affinity=%s", cpus);
	irqlab_out_uint(o, "cpu", " target CPU %llu", st.cpu);
	irqlab_out_hex(o, "vector", " vector 0x%02llx", st.vector);
	irqlab_out_bool(o, "requested", " requested=%s", st.requested);
	irqlab_out_bool(o, "managed", " managed=%s", st.managed);
	irqlab_out_bool(o, "moving", " moving=%s\n", st.moving);
	if (st.move_pending) {
		irqlab_cpumask_format(&st.pending_affinity, cpus, sizeof(cpus));
		irqlab_out_str(o, "pending_affinity",
			       "  pending move to CPUs %s: the next interrupt's ack makes it\n",
			       cpus);
	}
	irqlab_out_open_array(o, "levels");
	for (unsigned l = 0; l < st.nr_levels; l++) {
		struct irqlab_irq_level lv;

		if (irqlab_entry_level(dev, index, l, &lv))
			break;
		irqlab_out_open_object(o, NULL);
		irqlab_out_str(o, "domain", "  %s", irqlab_domain_name(lv.domain));
		irqlab_out_hex(o, "hwirq", " hwirq=0x%llx", lv.hwirq);
		irqlab_out_bool(o, "active", " active=%s\n", lv.active);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
	if (st.irte >= 0)
		irqlab_out_uint(o, "irte", "  IRTE %llu\n", (unsigned)st.irte);
	show_irq_other_side(o, dev, index);
}

static void show_irtes(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_ir_info ir;

	irqlab_out_open_array(o, "irtes");
	if (irqlab_ir_info(ctx->p, &ir) || !ir.present) {
		irqlab_out_text(o, "no IR unit (ir=off)\n");
		irqlab_out_close_array(o);
		return;
	}
	for (unsigned i = 0; i < ir.entries; i++) {
		struct irqlab_irte e;
		struct irqlab_irte_remapped f;

		if (irqlab_ir_read_irte(ctx->p, i, &e) || !irqlab_irte_present(&e) ||
		    irqlab_irte_is_posted(&e))
			continue;
		irqlab_irte_decode_remapped(&e, &f);
		irqlab_out_open_object(o, NULL);
		irqlab_out_uint(o, "index", "%6llu:", i);
		irqlab_out_hex(o, "vector", " vector=0x%02llx", f.vector);
		irqlab_out_uint(o, "dest", " dest=%llu",
				irqlab_irte_dest_decode(f.dest, ir.x2apic));
		irqlab_out_hex(o, "sid", " sid=0x%04llx", f.sid);
		irqlab_out_uint(o, "svt", " svt=%llu", f.svt);
		irqlab_out_uint(o, "sq", " sq=%llu", f.sq);
		irqlab_out_bool(o, "fpd", " fpd=%s", f.fpd);
		irqlab_out_hex(o, "raw_hi", " raw=%016llx", e.hi);
		irqlab_out_hex(o, "raw_lo", ":%016llx\n", e.lo);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

static void show_faults(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_ir_info ir = {0};

	irqlab_ir_info(ctx->p, &ir);
	irqlab_out_uint(o, "blocked", "blocked=%llu", ir.blocked);
	irqlab_out_uint(o, "recorded", " recorded=%llu\n", ir.nr_faults);
	irqlab_out_open_array(o, "faults");
	for (unsigned i = 0; i < ir.nr_faults; i++) {
		struct irqlab_ir_fault f;

		if (irqlab_ir_read_fault(ctx->p, i, &f))
			break;
		irqlab_out_open_object(o, NULL);
		irqlab_out_hex(o, "reason", "  reason=0x%02llx", f.reason);
		irqlab_out_hex(o, "sid", " sid=0x%04llx", f.sid);
		irqlab_out_uint(o, "index", " index=%llu\n", f.index);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

/* What entry @index of @dev sent, by class, and how many reached its handler. */
static void entry_stats(struct irqlab_out *o, const struct irqlab_device *dev, unsigned index)
{
	uint64_t by_class[IRQLAB_NR_CLASSES], sent = 0, handled = 0;

	for (unsigned c = 0; c < IRQLAB_NR_CLASSES; c++) {
		by_class[c] = 0;
		irqlab_entry_count(dev, index, (enum irqlab_class)c, &by_class[c]);
		sent += by_class[c];
	}
	irqlab_entry_delivered(dev, index, &handled);
	if (!sent && !handled)
		return;
	irqlab_out_open_object(o, NULL);
	irqlab_out_str(o, "device", "%s", irqlab_device_name(dev));
	irqlab_out_uint(o, "index", "[%llu]", index);
	/* An assigned device has a row per side, the host's and the guest's: say whose. */
	irqlab_out_str(o, "kernel",
		       irqlab_kernel_is_guest(irqlab_device_kernel(dev)) ? " in %s" : NULL,
		       irqlab_kernel_name(irqlab_device_kernel(dev)));
	irqlab_out_uint(o, "handled", " handled=%llu", handled);
	irqlab_out_open_object(o, "sent");
	irqlab_out_text(o, " sent:");
	for (unsigned c = 0; c < IRQLAB_NR_CLASSES; c++) {
		irqlab_out_text(o, " %s=", irqlab_class_name((enum irqlab_class)c));
		irqlab_out_uint(o, irqlab_class_name((enum irqlab_class)c), "%llu", by_class[c]);
	}
	irqlab_out_close_object(o);
	irqlab_out_text(o, "\n");
	irqlab_out_close_object(o);
}

/* What each guest cost its host: the two backing designs side by side (no guests: nothing). */
static void guest_stats(struct irqlab_out *o, struct irqlab_machine *m)
{
	if (irqlab_machine_nr_kernels(m) < 2)
		return;
	irqlab_out_open_array(o, "guests");
	for (unsigned i = 1; i < irqlab_machine_nr_kernels(m); i++) {
		const struct irqlab_kernel *k = irqlab_machine_kernel(m, i);
		struct irqlab_guest_stats gs;

		if (irqlab_kernel_guest_stats(k, &gs))
			continue;
		irqlab_out_open_object(o, NULL);
		irqlab_out_str(o, "kernel", "vm %s:", irqlab_kernel_name(k));
		irqlab_out_uint(o, "traps", " traps=%llu", gs.traps);
		irqlab_out_uint(o, "hypercalls", " hypercalls=%llu", gs.hypercalls);
		irqlab_out_uint(o, "host_allocations", " host-allocations=%llu\n",
				gs.host_allocations);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

static void show_stats(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_machine *m = ctx->p;

	irqlab_out_open_object(o, "classes");
	for (unsigned c = 0; c < IRQLAB_NR_CLASSES; c++) {
		uint64_t n = 0;

		irqlab_machine_count(m, (enum irqlab_class)c, &n);
		irqlab_out_text(o, "%s", c ? " " : "");
		irqlab_out_text(o, "%s=", irqlab_class_name((enum irqlab_class)c));
		irqlab_out_uint(o, irqlab_class_name((enum irqlab_class)c), "%llu", n);
	}
	irqlab_out_text(o, "\n");
	irqlab_out_close_object(o);
	guest_stats(o, m);
	irqlab_out_open_array(o, "cpus");
	for (unsigned cpu = 0; cpu < irqlab_machine_ncpus(m); cpu++) {
		uint64_t n = 0;

		if (irqlab_cpu_delivered(m, cpu, &n) || !n)
			continue;
		irqlab_out_open_object(o, NULL);
		irqlab_out_uint(o, "cpu", "cpu %llu", cpu);
		irqlab_out_uint(o, "delivered", " delivered=%llu\n", n);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
	irqlab_out_open_array(o, "entries");
	for (unsigned d = 0; d < irqlab_machine_nr_devices(m); d++) {
		const struct irqlab_device *dev = irqlab_machine_device(m, d);

		for (unsigned i = 0; i < irqlab_device_nr_entries(dev); i++)
			entry_stats(o, dev, i);
	}
	irqlab_out_close_array(o);
}

/* One row of show interrupts: an allocated interrupt of the kernel. */
struct irq_row {
	unsigned virq;
	const struct irqlab_device *dev;
	unsigned index;
	struct irqlab_entry_state st;
};

static int irq_row_cmp(const void *a, const void *b)
{
	const struct irq_row *x = a, *y = b;

	return (x->virq > y->virq) - (x->virq < y->virq);
}

/* Kernel @k's allocated interrupts in irq order; NULL (and 0) when there are none. */
static struct irq_row *irq_rows(const struct scn_ctx *ctx, size_t *n)
{
	struct irqlab_machine *m = ctx->p;
	struct irq_row *rows = NULL;
	size_t nr = 0, cap = 0;

	for (unsigned d = 0; d < irqlab_machine_nr_devices(m); d++) {
		const struct irqlab_device *dev = irqlab_machine_device(m, d);

		if (irqlab_device_kernel(dev) != ctx->k)
			continue;
		for (unsigned i = 0; i < irqlab_device_nr_entries(dev); i++) {
			struct irqlab_entry_state st;

			if (irqlab_entry_state(dev, i, &st) || !st.allocated)
				continue;
			if (nr == cap) {
				size_t grown_cap = cap ? 2 * cap : 64;
				struct irq_row *grown = realloc(rows, grown_cap * sizeof(*rows));

				if (!grown)
					break;
				rows = grown;
				cap = grown_cap;
			}
			rows[nr++] = (struct irq_row){st.virq, dev, i, st};
		}
	}
	if (nr)
		qsort(rows, nr, sizeof(*rows), irq_row_cmp);
	*n = nr;
	return rows;
}

/* The CPUs show interrupts gives a column: the online ones, of cpus= when it is written. */
static bool irq_column(const struct scn_ctx *ctx, unsigned cpu)
{
	struct irqlab_vector_stats cs;

	if (!irqlab_cpumask_empty(&ctx->cpus) && !irqlab_cpumask_test(&ctx->cpus, cpu))
		return false;
	return irqlab_cpu_vector_stats(ctx->k, cpu, &cs) == 0 && cs.online;
}

/*
 * /proc/interrupts as Linux's show_interrupts() (kernel/irq/proc.c) prints it: a header of
 * the online CPUs, then one row per interrupt that is requested or was ever delivered: its
 * number, its count on each CPU, its chip (the bus domain), its hwirq there, its flow
 * handler's name (x86 shows no Edge/Level column: edge, or fasteoi for a level pin) and,
 * as the action's name, the device and entry. The per-CPU interrupts of arch_show_interrupts()
 * (NMI, LOC, ...) are not modelled.
 */
static void show_interrupts(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	unsigned ncpus = irqlab_kernel_ncpus(ctx->k), nr_irqs = 0;
	size_t n;
	struct irq_row *rows = irq_rows(ctx, &n);
	int prec = 3;

	/* The width of the first column, as Linux derives it from nr_irqs. */
	for (size_t r = 0; r < n; r++)
		if (rows[r].virq + 1 > nr_irqs)
			nr_irqs = rows[r].virq + 1;
	for (unsigned long long j = 1000; prec < 10 && j <= nr_irqs; prec++)
		j *= 10;
	irqlab_out_text(o, "%*s", prec + 8, "");
	irqlab_out_open_array(o, "cpus");
	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		if (irq_column(ctx, cpu))
			irqlab_out_uint(o, NULL, "CPU%-8llu", cpu);
	irqlab_out_close_array(o);
	irqlab_out_text(o, "\n");
	irqlab_out_open_array(o, "irqs");
	for (size_t r = 0; r < n; r++) {
		const struct irq_row *row = &rows[r];
		struct irqlab_irq_level top = {0};
		uint64_t any = 0;

		for (unsigned cpu = 0; cpu < ncpus; cpu++) {
			uint64_t c = 0;

			if (irq_column(ctx, cpu) &&
			    irqlab_entry_delivered_on(row->dev, row->index, cpu, &c) == 0)
				any |= c;
		}
		if (!row->st.requested && !any)
			continue;
		irqlab_entry_level(row->dev, row->index, 0, &top);
		irqlab_out_open_object(o, NULL);
		irqlab_out_uint(o, "irq", NULL, row->virq);
		irqlab_out_text(o, "%*u: ", prec, row->virq);
		irqlab_out_open_array(o, "counts");
		for (unsigned cpu = 0; cpu < ncpus; cpu++) {
			uint64_t c = 0;

			if (!irq_column(ctx, cpu))
				continue;
			irqlab_entry_delivered_on(row->dev, row->index, cpu, &c);
			irqlab_out_uint(o, NULL, "%10llu ", c);
		}
		irqlab_out_close_array(o);
		irqlab_out_str(o, "chip", " %8s",
			       top.domain ? irqlab_domain_name(top.domain) : "None");
		irqlab_out_uint(o, "hwirq", NULL, top.hwirq);
		irqlab_out_text(o, " %*u", prec, top.hwirq);
		irqlab_out_str(o, "handler", "-%-8s", row->st.level ? "fasteoi" : "edge");
		irqlab_out_str(o, "trigger", NULL, row->st.level ? "level" : "edge");
		irqlab_out_str(o, "device", "  %s", irqlab_device_name(row->dev));
		irqlab_out_uint(o, "index", "[%llu]", row->index);
		irqlab_out_bool(o, "requested", NULL, row->st.requested);
		irqlab_out_text(o, "\n");
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
	free(rows);
}

/* Whether breach @b concerns kernel @k: its entry's owner, or whose handler it reached. */
static bool breach_involves(const struct irqlab_breach *b, const struct irqlab_kernel *k)
{
	return b->sender == k || b->handler_owner == k || b->at == k;
}

static void show_breaches(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_machine *m = ctx->p;
	unsigned n = irqlab_machine_nr_breaches(m);
	char bdf[8];

	irqlab_out_open_array(o, "breaches");
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_breach b;

		if (irqlab_machine_breach(m, i, &b) ||
		    (ctx->explicit_kernel && !breach_involves(&b, ctx->k)))
			continue;
		irqlab_out_open_object(o, NULL);
		irqlab_out_str(o, "device", "  %s", irqlab_device_name(b.dev));
		irqlab_out_uint(o, "index", " index %llu", b.index);
		irqlab_out_str(o, "owner", " (%s's)", b.sender ? irqlab_kernel_name(b.sender) : "");
		irqlab_out_bool(o, "remapped", NULL, b.remapped);
		if (b.remapped) {
			irqlab_pci_rid_format(b.sid, bdf, sizeof(bdf));
			irqlab_out_uint(o, "irte", " -> IRTE %llu", b.irte);
			irqlab_out_str(o, "sid", " (SID %s passes)", bdf);
		} else {
			irqlab_out_text(o, " -> no IR unit");
		}
		irqlab_out_str(o, "kernel", " -> %s", irqlab_kernel_name(b.at));
		irqlab_out_uint(o, "cpu", " CPU %llu", b.cpu);
		irqlab_out_hex(o, "vector", " vector 0x%02llx", b.vector);
		irqlab_out_uint(o, "irq", " -> irq %llu", b.virq);
		if (b.handler_dev) {
			irqlab_out_str(o, "handler_device", " (%s",
				       irqlab_device_name(b.handler_dev));
			irqlab_out_uint(o, "handler_index", " index %llu)", b.handler_index);
		}
		irqlab_out_str(o, "handler_owner", ", %s's handler",
			       irqlab_kernel_name(b.handler_owner));
		irqlab_out_uint(o, "count", ": %llu", b.count);
		irqlab_out_text(o, " message%s\n", b.count == 1 ? "" : "s");
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

/* The entries of @dev that kernel @k owns, as a list ("0-3,8"). */
static void owned_list(const struct irqlab_device *dev, const struct irqlab_kernel *k, char *buf,
		       size_t size)
{
	unsigned nr = irqlab_device_nr_entries(dev);
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < nr && o < size; i++) {
		unsigned end = i;

		if (irqlab_entry_owner(dev, i) != k)
			continue;
		while (end + 1 < nr && irqlab_entry_owner(dev, end + 1) == k)
			end++;
		if (end == i)
			o += (size_t)snprintf(buf + o, size - o, "%s%u", o ? "," : "", i);
		else
			o += (size_t)snprintf(buf + o, size - o, "%s%u-%u", o ? "," : "", i, end);
		i = end;
	}
}

/*
 * Requester ids more than one kernel sends with: sub-devices of one function given to
 * different owners. The IR unit validates a message by its requester id alone, so it cannot
 * tell their messages apart: each may reach the others' IRTEs.
 */
static void show_shared_rids(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	struct irqlab_machine *m = ctx->p;
	char bdf[8], list[160];
	bool first;

	irqlab_out_open_array(o, "shared_requester_ids");
	for (unsigned d = 0; d < irqlab_machine_nr_devices(m); d++) {
		const struct irqlab_device *dev = irqlab_machine_device(m, d);
		bool involved = !ctx->explicit_kernel;

		if (irqlab_device_physical(dev) != dev || irqlab_device_owner(dev))
			continue;
		for (unsigned k = 0; k < irqlab_machine_nr_kernels(m); k++) {
			owned_list(dev, irqlab_machine_kernel(m, k), list, sizeof(list));
			involved |= list[0] && irqlab_machine_kernel(m, k) == ctx->k;
		}
		if (!involved)
			continue;
		irqlab_pci_rid_format((uint16_t)irqlab_device_rid(dev), bdf, sizeof(bdf));
		irqlab_out_open_object(o, NULL);
		irqlab_out_str(o, "sid", "  requester id %s", bdf);
		irqlab_out_str(o, "device", " (%s) is shared:", irqlab_device_name(dev));
		irqlab_out_open_array(o, "owners");
		first = true;
		for (unsigned k = 0; k < irqlab_machine_nr_kernels(m); k++) {
			const struct irqlab_kernel *kern = irqlab_machine_kernel(m, k);

			owned_list(dev, kern, list, sizeof(list));
			if (!list[0])
				continue;
			irqlab_out_open_object(o, NULL);
			irqlab_out_str(o, "kernel", first ? " %s" : ", %s",
				       irqlab_kernel_name(kern));
			first = false;
			irqlab_out_str(o, "slots", " slots %s", list);
			irqlab_out_close_object(o);
		}
		irqlab_out_close_array(o);
		irqlab_out_text(o, "\n    the IR unit checks the requester id only: it cannot "
				   "tell these owners' messages apart\n");
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
}

static void show_isolation(struct irqlab_out *o, const struct scn_ctx *ctx)
{
	uint64_t n = 0;

	irqlab_machine_count(ctx->p, IRQLAB_CLASS_MISDELIVERED, &n);
	irqlab_out_uint(o, "misdelivered", "isolation: %llu misdelivered", n);
	irqlab_out_text(o, "%s\n", ctx->explicit_kernel ? "" : " (every kernel)");
	show_breaches(o, ctx);
	show_shared_rids(o, ctx);
}

const struct irqlab_show_topic irqlab_show_topics[] = {
	{"domains", "", "the interrupt-domain hierarchy and how many interrupts each holds",
	 IRQLAB_SCN_SHOW_DOMAINS, show_domains},
	{"vectors", "[cpu=C]",
	 "the vector matrix: its counters, every CPU's, and who owns each vector",
	 IRQLAB_SCN_SHOW_VECTORS, show_vectors},
	{"irq", "DEV index=I", "one interrupt: its stored message, target and hierarchy levels",
	 IRQLAB_SCN_SHOW_IRQ, show_irq},
	{"irtes", "", "the present entries of the IR unit's table, decoded and raw",
	 IRQLAB_SCN_SHOW_IRTES, show_irtes},
	{"faults", "", "the faults the IR unit recorded", IRQLAB_SCN_SHOW_FAULTS, show_faults},
	{"stats", "", "messages by class, deliveries per CPU and per device entry",
	 IRQLAB_SCN_SHOW_STATS, show_stats},
	{"interrupts", "[cpus=LIST]", "/proc/interrupts: every interrupt's count on each CPU",
	 IRQLAB_SCN_SHOW_INTERRUPTS, show_interrupts},
	{"isolation", "", "each isolation breach and its path; the requester ids kernels share",
	 IRQLAB_SCN_SHOW_ISOLATION, show_isolation},
};
const size_t irqlab_show_nr_topics = sizeof(irqlab_show_topics) / sizeof(irqlab_show_topics[0]);

const struct irqlab_show_topic *irqlab_show_topic_of(enum irqlab_scn_kind kind)
{
	for (size_t i = 0; i < irqlab_show_nr_topics; i++)
		if (irqlab_show_topics[i].kind == kind)
			return &irqlab_show_topics[i];
	return NULL;
}

const struct irqlab_show_topic *irqlab_show_topic_find(const char *name, size_t len)
{
	for (size_t i = 0; i < irqlab_show_nr_topics; i++)
		if (strlen(irqlab_show_topics[i].name) == len &&
		    strncmp(irqlab_show_topics[i].name, name, len) == 0)
			return &irqlab_show_topics[i];
	return NULL;
}

const char *irqlab_show_topic_names(char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < irqlab_show_nr_topics && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "",
				      irqlab_show_topics[i].name);
	return buf;
}

static const struct irqlab_show_topic *topic_at(unsigned i)
{
	return i < irqlab_show_nr_topics ? &irqlab_show_topics[i] : NULL;
}

const char *irqlab_show_topic_name(unsigned i)
{
	const struct irqlab_show_topic *t = topic_at(i);

	return t ? t->name : NULL;
}

const char *irqlab_show_topic_args(unsigned i)
{
	const struct irqlab_show_topic *t = topic_at(i);

	return t ? t->args : NULL;
}

const char *irqlab_show_topic_help(unsigned i)
{
	const struct irqlab_show_topic *t = topic_at(i);

	return t ? t->help : NULL;
}
