// SPDX-License-Identifier: MIT
/*
 * The remap domain between the real vector domain and a tiny fake bus domain: composed
 * messages, multi-MSI subhandles, IO-APIC entries, activation and affinity (the message never
 * changes, the IRTE does, the old vector goes at once), faults seen through the unit, the
 * fault-injection walk with IRTE exhaustion, child negotiation, check and dump.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers/kernel_helpers.h"

#include "irqlab/ioapic_rte.h"
#include "iommu/remap_domain.h"
#include "x86/irq_alloc.h"
#include "x86/vector_domain.h"

#define RID_NIC 0x0300u /* 03:00.0 */

struct fixture {
	struct irqlab_fault fault;
	struct irqlab_kernel *k;
	struct irqlab_ir_unit *unit;
	struct irqlab_domain *vec, *ir, *bus;
};

struct fixture_cfg {
	unsigned entries;
	unsigned ncpus;
	bool eime;
	bool virtual_unit;
};

/* The fake bus domain: stores nothing, composes nothing; only allocates through its parents. */
static const struct irqlab_domain_ops bus_ops = {
	.alloc = passthrough_alloc,
	.free = passthrough_free,
};

static struct fixture *fixture_new(const struct fixture_cfg *c)
{
	struct irqlab_ir_unit_config ucfg = {
		.name = "dmar0", .nr_entries = c->entries, .eime = c->eime};
	struct irqlab_vector_config vcfg = {0};
	struct fixture *f = calloc(1, sizeof(*f));
	char name[64];

	assert_non_null(f);
	f->k = irqlab_kernel_new("host", c->ncpus, &f->fault);
	assert_non_null(f->k);
	f->unit = irqlab_ir_unit_create(&ucfg, &f->fault);
	assert_non_null(f->unit);
	assert_int_equal(irqlab_vector_domain_create(f->k, &vcfg, &f->vec), 0);
	assert_int_equal(irqlab_remap_domain_create(f->k, f->vec, f->unit, c->virtual_unit, &f->ir),
			 0);
	snprintf(name, sizeof(name), "%sPCI-MSI-0000:03:00.0", f->ir->child_prefix);
	assert_int_equal(irqlab_domain_create(f->k, f->ir, &bus_ops, name,
					      IRQLAB_REQ_MSI | IRQLAB_REQ_MULTI_MSI |
						      IRQLAB_REQ_MSIX | IRQLAB_REQ_IOAPIC,
					      NULL, &f->bus),
			 0);
	return f;
}

static int setup_with(void **state, unsigned entries, unsigned ncpus, bool eime, bool virt)
{
	struct fixture_cfg c = {
		.entries = entries, .ncpus = ncpus, .eime = eime, .virtual_unit = virt};

	*state = fixture_new(&c);
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, 256, 4, false, false);
}

static int setup_small(void **state)
{
	return setup_with(state, 4, 4, false, false);
}

static int setup_full_size(void **state)
{
	return setup_with(state, 65536, 4, false, false);
}

static int setup_virtual(void **state)
{
	return setup_with(state, 256, 4, false, true);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	irqlab_kernel_free(f->k);
	/* The unit is the platform's: it outlives the kernel's domains. */
	irqlab_ir_unit_destroy(f->unit);
	free(f);
	return 0;
}

static int alloc_irqs(struct fixture *f, enum irqlab_alloc_type type, unsigned n, unsigned flags,
		      struct irqlab_irq **out)
{
	struct irqlab_x86_alloc x86 = {.type = type, .requester_id = RID_NIC};
	struct irqlab_alloc_info info = {.flags = flags, .arch = &x86};

	return irqlab_irqs_alloc(f->bus, n, &info, out);
}

static struct irqlab_msi_msg compose(struct irqlab_irq *irq)
{
	struct irqlab_msi_msg msg;

	assert_int_equal(irqlab_irq_compose_msg(irq->top, &msg), 0);
	return msg;
}

static struct irqlab_irq_cfg cfg_of(struct irqlab_irq *irq)
{
	struct irqlab_irq_cfg cfg;

	assert_int_equal(irqlab_vector_irq_cfg(irq->top, &cfg), 0);
	return cfg;
}

static struct irqlab_ir_result send(struct fixture *f, struct irqlab_msi_msg msg, uint16_t sid)
{
	struct irqlab_ir_result res;

	irqlab_ir_unit_remap(f->unit, &msg, sid, IRQLAB_COMMIT, &res);
	return res;
}

/* The message goes through the unit to the local APIC and reaches @irq's handler. */
static void assert_delivers(struct fixture *f, struct irqlab_msi_msg msg, uint16_t sid,
			    struct irqlab_irq *irq)
{
	struct irqlab_irq_cfg cfg = cfg_of(irq);
	struct irqlab_ir_result res = send(f, msg, sid);
	struct irqlab_irq *got = NULL;

	assert_false(res.blocked);
	assert_int_equal(res.index, irqlab_remap_irq_index(irq->top));
	assert_int_equal(res.vector, cfg.vector);
	assert_int_equal(res.dest, cfg.cpu);
	assert_false(res.dest_logical);
	assert_int_equal(res.delivery_mode, IRQLAB_DLM_FIXED);
	assert_int_equal(
		irqlab_vector_lapic_accept(f->vec, res.dest, res.vector, IRQLAB_COMMIT, &got),
		IRQLAB_LAPIC_HANDLED);
	assert_ptr_equal(got, irq);
}

static const struct irqlab_irte *irte_of(struct fixture *f, struct irqlab_irq *irq)
{
	int index = irqlab_remap_irq_index(irq->top);

	assert_true(index >= 0);
	return irqlab_ir_unit_irte(f->unit, (unsigned)index);
}

static void test_create_and_lookups(void **state)
{
	struct fixture *f = *state;
	struct irqlab_domain *d = NULL;
	struct irqlab_irq *irq;

	assert_string_equal(f->ir->name, "INTEL-IR-0");
	assert_string_equal(f->ir->child_prefix, "IR-");
	assert_string_equal(f->bus->name, "IR-PCI-MSI-0000:03:00.0");
	assert_ptr_equal(irqlab_remap_domain_unit(f->ir), f->unit);
	assert_null(irqlab_remap_domain_unit(f->vec));
	assert_null(irqlab_remap_domain_unit(f->bus));
	assert_false(irqlab_remap_domain_virtual(f->ir));
	assert_int_equal(irqlab_remap_domain_create(f->k, f->vec, NULL, false, &d), -EINVAL);
	assert_null(d);
	/* One domain per unit name; the refused one leaks nothing (ASan). */
	assert_int_equal(irqlab_remap_domain_create(f->k, f->vec, f->unit, false, &d), -EEXIST);
	assert_null(d);

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irq), 0);
	assert_int_equal(irqlab_remap_irq_index(irq->top), 0);
	assert_int_equal(irqlab_remap_irq_index(irq->top->parent), 0);
	/* The vector level has no remap level at or below it. */
	assert_int_equal(irqlab_remap_irq_index(irq->top->parent->parent), -ENOENT);
	assert_int_equal(irqlab_remap_irq_sid(irq->top), RID_NIC);
	assert_int_equal(irqlab_remap_irq_sid(irq->top->parent->parent), -ENOENT);
	assert_kernel_clean(f->k);
}

/* Allocates single entries until the next free one is @index, returns how many. */
static unsigned fill_below(struct irqlab_ir_unit *u, unsigned index)
{
	unsigned got;

	for (unsigned i = 0; i < index; i++) {
		assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 1, &got), 0);
		assert_int_equal(got, i);
	}
	return index;
}

static void unfill(struct irqlab_ir_unit *u, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		irqlab_ir_unit_free_irtes(u, i, 1);
}

static void test_compose_indexes(void **state)
{
	static const struct {
		unsigned index;
		uint32_t address_lo;
	} cases[] = {
		/* 0xFEE | handle[14:0] in 19:5 | format (4) | SHV (3) | handle[15] in 2. */
		{0x0000, 0xfee00018u}, {0x0001, 0xfee00038u}, {0x7fff, 0xfeeffff8u},
		{0x8000, 0xfee0001cu}, {0xffff, 0xfeeffffcu},
	};
	struct fixture *f = *state;

	for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		unsigned filled = fill_below(f->unit, cases[c].index);
		struct irqlab_irq *irq;
		struct irqlab_msi_msg msg;

		assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irq), 0);
		assert_int_equal(irqlab_remap_irq_index(irq->top), cases[c].index);
		assert_int_equal(irq->top->parent->hwirq, cases[c].index << 16);
		msg = compose(irq);
		assert_int_equal(msg.address_lo, cases[c].address_lo);
		assert_int_equal(msg.address_hi, 0);
		assert_int_equal(msg.data, 0);
		assert_int_equal((msg.address_lo >> 2) & 1, cases[c].index >> 15);
		assert_int_equal(irqlab_irq_activate(irq, false), 0);
		assert_delivers(f, msg, RID_NIC, irq);
		irqlab_irqs_free(&irq, 1);
		unfill(f->unit, filled);
		assert_int_equal(irqlab_ir_unit_used(f->unit), 0);
	}
	assert_kernel_clean(f->k);
}

static void test_multi_msi(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *single, *irqs[3];
	struct irqlab_msi_msg msg[3];
	struct irqlab_ir_result res;
	char *before, *after;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSI, 1, 0, &single), 0);
	assert_int_equal(irqlab_remap_irq_index(single->top), 0);
	/* 3 vectors: an aligned block of 4, so base 4 and not 1. */
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSI, 3, IRQLAB_ALLOC_F_CONTIGUOUS, irqs),
			 0);
	assert_int_equal(irqlab_ir_unit_used(f->unit), 5);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(irqlab_remap_irq_index(irqs[i]->top), 4 + i);
		assert_int_equal(irqs[i]->top->parent->hwirq, (4u << 16) + i);
		msg[i] = compose(irqs[i]);
		/* One handle for the group (4 << 5 | format | SHV), vector i in the data. */
		assert_int_equal(msg[i].address_lo, 0xfee00098u);
		assert_int_equal(msg[i].address_hi, 0);
		assert_int_equal(msg[i].data, i);
		assert_int_equal(irqlab_irq_activate(irqs[i], false), 0);
	}
	/* The device writes vector i by replacing the low bits of the first data word. */
	for (unsigned i = 0; i < 3; i++) {
		struct irqlab_msi_msg m = msg[0];

		assert_int_equal(irqlab_msi_multi_data(msg[0].data, 4, i, &m.data), 0);
		assert_delivers(f, m, RID_NIC, irqs[i]);
	}
	/* Vectors of one group are separate vectors, each with its own IRTE. */
	assert_true(cfg_of(irqs[0]).vector != cfg_of(irqs[1]).vector ||
		    cfg_of(irqs[0]).cpu != cfg_of(irqs[1]).cpu);
	/* The fourth entry of the block was never programmed. */
	msg[0].data = 3;
	res = send(f, msg[0], RID_NIC);
	assert_true(res.blocked);
	assert_int_equal(res.reason, IRQLAB_IR_FAULT_NOT_PRESENT);
	assert_int_equal(res.index, 7);
	assert_kernel_clean(f->k);

	/* Several interrupts under one message exist only for multi-MSI. */
	before = kernel_dump(f->k);
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSI, 2, 0, irqs), -EINVAL);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "INTEL-IR-0: 2 interrupts in one allocation are only possible for "
			    "multi-MSI");
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 2, IRQLAB_ALLOC_F_CONTIGUOUS, irqs),
			 -EINVAL);
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_IMS, 2, IRQLAB_ALLOC_F_CONTIGUOUS, irqs),
			 -EINVAL);
	after = kernel_dump(f->k);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_kernel_clean(f->k);
}

/* Freeing part of a group keeps the block: no interrupt holds an index into a freed block. */
static void test_group_freed_piecemeal(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irqs[3];
	struct irqlab_irte kept;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSI, 3, IRQLAB_ALLOC_F_CONTIGUOUS, irqs),
			 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(irqlab_irq_activate(irqs[i], false), 0);
	kept = *irte_of(f, irqs[1]);
	irqlab_irqs_free(&irqs[0], 1);
	assert_int_equal(irqlab_ir_unit_used(f->unit), 4);
	assert_int_equal(irqlab_ir_unit_irte(f->unit, 0)->lo, 0);
	assert_int_equal(irte_of(f, irqs[1])->lo, kept.lo);
	assert_int_equal(irte_of(f, irqs[1])->hi, kept.hi);
	assert_delivers(f, compose(irqs[1]), RID_NIC, irqs[1]);
	assert_kernel_clean(f->k);
	irqlab_irqs_free(&irqs[2], 1);
	assert_int_equal(irqlab_ir_unit_used(f->unit), 4);
	assert_kernel_clean(f->k);
	irqlab_irqs_free(&irqs[1], 1);
	assert_int_equal(irqlab_ir_unit_used(f->unit), 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(irqlab_ir_unit_irte(f->unit, i)->lo, 0);
	assert_kernel_clean(f->k);
}

static void test_activate_writes_irte(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq;
	struct irqlab_irq_cfg cfg;
	struct irqlab_irte_remapped e;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irq), 0);
	/* Allocated, not active: nothing in the table yet. */
	assert_int_equal(irte_of(f, irq)->lo, 0);
	assert_int_equal(irte_of(f, irq)->hi, 0);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	cfg = cfg_of(irq);
	assert_true(cfg.vector >= IRQLAB_FIRST_EXTERNAL_VECTOR && cfg.vector < 0xeb);
	/* Exact words: P, RH, fixed, edge, physical; SVT 1, SQ 0, SID = the requester id. */
	assert_int_equal(irte_of(f, irq)->lo,
			 ((uint64_t)(cfg.cpu << 8) << 32) | ((uint64_t)cfg.vector << 16) | 0x9);
	assert_int_equal(irte_of(f, irq)->hi, UINT64_C(0x40000) | RID_NIC);
	assert_int_equal(irqlab_irte_decode_remapped(irte_of(f, irq), &e), 0);
	assert_true(e.present);
	assert_false(e.fpd);
	assert_true(e.redirect_hint);
	assert_false(e.trigger_level);
	assert_int_equal(e.svt, IRQLAB_IRTE_SVT_SID_SQ);
	assert_int_equal(e.sq, IRQLAB_IRTE_SQ_ALL);
	assert_delivers(f, compose(irq), RID_NIC, irq);
	assert_kernel_clean(f->k);
}

static void test_reservation_targets_placeholder(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq, *got = NULL;
	struct irqlab_ir_result res;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, IRQLAB_ALLOC_F_CAN_RESERVE, &irq),
			 0);
	assert_int_equal(irqlab_irq_activate(irq, true), 0);
	assert_int_equal(cfg_of(irq).vector, IRQLAB_SHUTDOWN_VECTOR);
	res = send(f, compose(irq), RID_NIC);
	assert_false(res.blocked);
	assert_int_equal(res.vector, IRQLAB_SHUTDOWN_VECTOR);
	assert_int_equal(res.dest, 0);
	assert_int_equal(
		irqlab_vector_lapic_accept(f->vec, res.dest, res.vector, IRQLAB_COMMIT, &got),
		IRQLAB_LAPIC_SPURIOUS);
	assert_kernel_clean(f->k);
}

/*
 * Early activation as the PCI-MSI core does it for maskable entries: reservation only, then
 * the levels are marked inactive (the IRTE stays on the placeholder), and request activates
 * for real, which rewrites the IRTE with the real vector.
 */
static void test_early_activation(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq;
	struct irqlab_irq_cfg cfg;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, IRQLAB_ALLOC_F_CAN_RESERVE, &irq),
			 0);
	assert_int_equal(irqlab_irq_activate(irq, true), 0);
	irqlab_irq_mark_inactive(irq);
	assert_false(irqlab_irq_activated(irq));
	assert_int_equal(irte_of(f, irq)->lo, ((uint64_t)IRQLAB_SHUTDOWN_VECTOR << 16) | 0x9);
	assert_kernel_clean(f->k);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	cfg = cfg_of(irq);
	assert_true(cfg.vector != IRQLAB_SHUTDOWN_VECTOR);
	assert_int_equal(irte_of(f, irq)->lo,
			 ((uint64_t)(cfg.cpu << 8) << 32) | ((uint64_t)cfg.vector << 16) | 0x9);
	assert_delivers(f, compose(irq), RID_NIC, irq);
	assert_kernel_clean(f->k);
}

static void test_faults_through_the_domain(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq;
	struct irqlab_msi_msg msg;
	struct irqlab_ir_result res;
	const struct irqlab_ir_fault_record *r;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irq), 0);
	msg = compose(irq);
	/* Allocated but not active: P = 0. */
	res = send(f, msg, RID_NIC);
	assert_true(res.blocked);
	assert_int_equal(res.reason, 0x22);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_delivers(f, msg, RID_NIC, irq);
	/* Another function of another device: source-id verification fails. */
	res = send(f, msg, 0x0301);
	assert_true(res.blocked);
	assert_int_equal(res.reason, 0x26);
	r = irqlab_ir_unit_fault(f->unit, irqlab_ir_unit_nr_faults(f->unit) - 1);
	assert_int_equal(r->sid, 0x0301);
	assert_int_equal(r->index, 0);
	/* Deactivated: the entry is all zero and the message faults again. */
	irqlab_irq_deactivate(irq);
	assert_int_equal(irte_of(f, irq)->lo, 0);
	assert_int_equal(irte_of(f, irq)->hi, 0);
	res = send(f, msg, RID_NIC);
	assert_true(res.blocked);
	assert_true(res.recorded);
	assert_int_equal(res.reason, 0x22);
	assert_int_equal(irqlab_ir_unit_fault_count(f->unit, 0x22), 2);
	assert_int_equal(irqlab_ir_unit_fault_count(f->unit, 0x26), 1);
	/* The message itself never changed. */
	assert_int_equal(msg.address_lo, 0xfee00018u);
	assert_int_equal(msg.address_hi, 0);
	assert_int_equal(msg.data, 0);
	assert_kernel_clean(f->k);
}

static void test_affinity_rewrites_irte_only(void **state)
{
	struct fixture *f = *state;
	struct irqlab_matrix *m = irqlab_vector_domain_matrix(f->vec);
	struct irqlab_irq *irq, *got;
	struct irqlab_msi_msg before, after;
	struct irqlab_irq_cfg old, now;
	struct irqlab_cpumask mask;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irq), 0);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	before = compose(irq);
	for (unsigned cpu = 1; cpu < 4; cpu++) {
		old = cfg_of(irq);
		assert_true(old.cpu != cpu);
		mask = cpu_mask(cpu);
		assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false),
				 IRQLAB_SET_AFFINITY_OK_DONE);
		now = cfg_of(irq);
		assert_int_equal(now.cpu, cpu);
		/* The message is byte for byte what it was; the IRTE follows the vector. */
		after = compose(irq);
		assert_memory_equal(&before, &after, sizeof(before));
		assert_int_equal(irte_of(f, irq)->lo,
				 ((uint64_t)(cpu << 8) << 32) | ((uint64_t)now.vector << 16) | 0x9);
		/* The old vector is gone at once: no move waits for a first interrupt. */
		assert_false(irqlab_vector_move_pending(irq->top));
		assert_false(irqlab_matrix_vector_allocated(m, old.cpu, old.vector));
		assert_true(irqlab_matrix_vector_allocated(m, now.cpu, now.vector));
		assert_int_equal(irqlab_vector_lapic_accept(f->vec, old.cpu, old.vector,
							    IRQLAB_COMMIT, &got),
				 IRQLAB_LAPIC_NO_HANDLER);
		assert_delivers(f, after, RID_NIC, irq);
		assert_kernel_clean(f->k);
	}
	/* Not active: the move is recorded, the table stays empty. */
	irqlab_irq_deactivate(irq);
	mask = cpu_mask(0);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK_DONE);
	assert_int_equal(irte_of(f, irq)->lo, 0);
	assert_kernel_clean(f->k);
}

/* An IRTE validates a source id: an allocation that names none is refused, nothing taken. */
static void test_alloc_needs_source_id(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {.flags = IRQLAB_ALLOC_F_CAN_RESERVE};
	struct irqlab_irq *irq;
	unsigned used = irqlab_ir_unit_used(f->unit);

	assert_int_equal(irqlab_irqs_alloc(f->bus, 1, &info, &irq), -EINVAL);
	assert_non_null(strstr(irqlab_kernel_error(f->k), "must name its source id"));
	assert_int_equal(irqlab_ir_unit_used(f->unit), used);
	assert_int_equal(f->k->nr_irqs, 0);
	assert_kernel_clean(f->k);
}

static void test_ioapic_pin(void **state)
{
	struct fixture *f = *state;
	struct irqlab_x86_alloc x86 = {
		.type = IRQLAB_ALLOC_IOAPIC, .requester_id = 0x00f8, .ioapic_pin = 9};
	struct irqlab_alloc_info info = {.arch = &x86};
	struct irqlab_ioapic_rte_remapped rf = {0};
	struct irqlab_irq *pad, *irq;
	struct irqlab_msi_msg msg;
	uint64_t rte;
	int index;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &pad), 0);
	assert_int_equal(irqlab_irqs_alloc(f->bus, 1, &info, &irq), 0);
	index = irqlab_remap_irq_index(irq->top);
	assert_int_equal(index, 1);
	assert_int_equal(irq->top->parent->hwirq, (1u << 16) + 9);
	/* The pin rides in the data word (the RTE's vector field, for EOI matching). */
	msg = compose(irq);
	assert_int_equal(msg.address_lo, 0xfee00038u);
	assert_int_equal(msg.data, 9);
	assert_int_equal(irqlab_irq_activate(pad, false), 0);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	/* The IO-APIC sends handle = index without SHV: its entry is the block's own. */
	rf.index = (uint16_t)index;
	rf.vector = 9;
	rf.level = true;
	irqlab_ioapic_rte_encode_remapped(&rf, &rte);
	irqlab_ioapic_rte_to_msi(rte, &msg);
	assert_delivers(f, msg, 0x00f8, irq);
	assert_int_equal(irqlab_remap_irq_sid(irq->top), 0x00f8);
	assert_kernel_clean(f->k);
}

static void test_xapic_destination_limit(void **state)
{
	struct fixture_cfg c = {.entries = 16, .ncpus = 260};
	struct fixture *f = fixture_new(&c);
	struct irqlab_cpumask mask = cpu_mask(258);
	struct irqlab_irq *irq;
	char *before, *after;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irq), 0);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	before = kernel_dump(f->k);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), -EINVAL);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "irq 1: INTEL-IR-0 reaches only APIC ids 0-255 "
			    "without x2APIC mode");
	after = kernel_dump(f->k);
	assert_string_equal(before, after);
	/* Part of the mask is reachable: the vector goes there. */
	irqlab_cpumask_set(&mask, 2);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK_DONE);
	assert_int_equal(cfg_of(irq).cpu, 2);
	assert_kernel_clean(f->k);
	free(before);
	free(after);
	*state = f;
	teardown(state);

	/* x2APIC mode: the full 32-bit APIC id goes in DST. */
	c.eime = true;
	f = fixture_new(&c);
	mask = cpu_mask(258);
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irq), 0);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK_DONE);
	assert_int_equal(irte_of(f, irq)->lo >> 32, 258);
	assert_delivers(f, compose(irq), RID_NIC, irq);
	assert_kernel_clean(f->k);
	*state = f;
	teardown(state);
	*state = NULL;
}

/*
 * Fails the Nth allocation point of an allocation (and its activation when @activate), for
 * every N, on top of what the fixture holds; each time the error is the injected one and the
 * whole kernel is exactly as before. Returns how many times each kind of site failed.
 */
struct walk_sites {
	unsigned long memory, irte, vector, total;
};

static void fault_walk(struct fixture *f, const struct irqlab_alloc_info *info, unsigned n,
		       bool activate, struct walk_sites *sites)
{
	struct irqlab_irq *irqs[4];
	unsigned long points;
	char *before;
	int err = 0;

	memset(sites, 0, sizeof(*sites));
	before = kernel_dump(f->k);
	irqlab_fault_arm(&f->fault, 0);
	assert_int_equal(irqlab_irqs_alloc(f->bus, n, info, irqs), 0);
	for (unsigned i = 0; activate && i < n; i++)
		assert_int_equal(irqlab_irq_activate(irqs[i], false), 0);
	points = f->fault.points;
	irqlab_irqs_free(irqs, n);

	for (unsigned long nth = 1; nth <= points; nth++) {
		bool allocated;
		char *after;

		irqlab_kernel_clear_error(f->k);
		irqlab_fault_arm(&f->fault, nth);
		err = irqlab_irqs_alloc(f->bus, n, info, irqs);
		allocated = !err;
		for (unsigned i = 0; !err && activate && i < n; i++)
			err = irqlab_irq_activate(irqs[i], false);
		assert_non_null(f->fault.failed_site);
		if (!err) {
			/*
			 * Only the vector level absorbs a failure: it retries on every online
			 * CPU when the affinity mask has no vector left (as Linux does).
			 */
			assert_true(allocated && activate);
			assert_string_equal(f->fault.failed_site, "vector");
		} else {
			assert_int_equal(err, f->fault.failed_err);
			assert_true(irqlab_kernel_error(f->k)[0] != '\0');
		}
		/* An activation leaves the allocation behind: give it back. */
		if (allocated)
			irqlab_irqs_free(irqs, n);
		sites->memory += !strcmp(f->fault.failed_site, "memory");
		sites->irte += !strcmp(f->fault.failed_site, "irte");
		sites->vector += !strcmp(f->fault.failed_site, "vector");
		sites->total++;
		after = kernel_dump(f->k);
		assert_string_equal(before, after);
		free(after);
		assert_kernel_clean(f->k);
	}
	irqlab_fault_arm(&f->fault, points + 1);
	assert_int_equal(irqlab_irqs_alloc(f->bus, n, info, irqs), 0);
	assert_null(f->fault.failed_site);
	irqlab_fault_arm(&f->fault, 0);
	irqlab_irqs_free(irqs, n);
	free(before);
}

static void test_fault_walk(void **state)
{
	struct fixture *f = *state;
	struct irqlab_cpumask masks[3];
	struct irqlab_x86_alloc x86 = {.type = IRQLAB_ALLOC_PCI_MSI, .requester_id = RID_NIC};
	struct irqlab_alloc_info info = {
		.arch = &x86, .flags = IRQLAB_ALLOC_F_CONTIGUOUS | IRQLAB_ALLOC_F_CAN_RESERVE};
	struct irqlab_irq *first;
	struct walk_sites s;

	/* Something already there, so rollback must not disturb it. */
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &first), 0);
	assert_int_equal(irqlab_irq_activate(first, false), 0);

	/* Multi-MSI of 3: 3 descriptors with their levels, 3 vector blocks, IRTE, group, 3 x IR. */
	fault_walk(f, &info, 3, false, &s);
	assert_int_equal(s.irte, 1);
	assert_int_equal(s.vector, 0);
	assert_int_equal(s.memory, 3 + 3 + 1 + 3);
	assert_int_equal(s.total, s.memory + s.irte);

	/* Managed: the parent reserves managed vectors first, then the IRTE point fails. */
	irqlab_irq_spread_affinity(4, 3, masks);
	info.flags = IRQLAB_ALLOC_F_CONTIGUOUS | IRQLAB_ALLOC_F_MANAGED;
	info.masks = masks;
	fault_walk(f, &info, 3, false, &s);
	assert_int_equal(s.irte, 1);
	assert_int_equal(s.vector, 3);

	/* Allocation and activation: the real vector and the IRTE write fail and roll back. */
	x86.type = IRQLAB_ALLOC_PCI_MSIX;
	info.flags = IRQLAB_ALLOC_F_CAN_RESERVE;
	info.masks = NULL;
	fault_walk(f, &info, 1, true, &s);
	assert_int_equal(s.irte, 1);
	assert_int_equal(s.vector, 1);
	assert_kernel_clean(f->k);
}

/* A table of 4: a block of 4 cannot fit beside one entry, and the parent's vectors go back. */
static void test_irte_exhaustion_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct irqlab_matrix *m = irqlab_vector_domain_matrix(f->vec);
	struct irqlab_matrix_stats before_stats, after_stats;
	struct irqlab_cpumask masks[3];
	struct irqlab_x86_alloc x86 = {.type = IRQLAB_ALLOC_PCI_MSI, .requester_id = RID_NIC};
	struct irqlab_alloc_info info = {.arch = &x86,
					 .flags =
						 IRQLAB_ALLOC_F_CONTIGUOUS | IRQLAB_ALLOC_F_MANAGED,
					 .masks = masks};
	struct irqlab_irq *first, *irqs[4];
	char *before, *after;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &first), 0);
	assert_int_equal(irqlab_irq_activate(first, false), 0);
	irqlab_irq_spread_affinity(4, 3, masks);
	before = kernel_dump(f->k);
	irqlab_matrix_stats(m, &before_stats);
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_irqs_alloc(f->bus, 3, &info, irqs), -ENOSPC);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "IR unit dmar0: no free block of 4 IRTEs (1 of 4 in use)");
	irqlab_matrix_stats(m, &after_stats);
	assert_memory_equal(&before_stats, &after_stats, sizeof(before_stats));
	after = kernel_dump(f->k);
	assert_string_equal(before, after);
	free(after);
	assert_kernel_clean(f->k);

	/* The same without managed vectors (a global reservation each). */
	info.flags = IRQLAB_ALLOC_F_CONTIGUOUS | IRQLAB_ALLOC_F_CAN_RESERVE;
	info.masks = NULL;
	assert_int_equal(irqlab_irqs_alloc(f->bus, 3, &info, irqs), -ENOSPC);
	after = kernel_dump(f->k);
	assert_string_equal(before, after);
	free(after);

	/* Three singles fill the table; the next one finds no entry at all. */
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irqs[i]), 0);
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irqs[3]), -ENOSPC);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "IR unit dmar0: no free block of 1 IRTEs (4 of 4 in use)");
	irqlab_irqs_free(irqs, 3);
	/* With the entries back, the group fits at 0 once the first one goes too. */
	irqlab_irqs_free(&first, 1);
	info.flags = IRQLAB_ALLOC_F_CONTIGUOUS;
	assert_int_equal(irqlab_irqs_alloc(f->bus, 3, &info, irqs), 0);
	assert_int_equal(irqlab_remap_irq_index(irqs[2]->top), 2);
	assert_kernel_clean(f->k);
	free(before);
}

static void test_accept_child(void **state)
{
	struct fixture *f = *state;
	struct irqlab_domain *d = NULL;

	assert_int_equal(irqlab_domain_create(f->k, f->ir, &bus_ops, "IR-IMS-dev0",
					      IRQLAB_REQ_IMS | IRQLAB_REQ_QUEUE_STORE, NULL, &d),
			 0);
	assert_int_equal(irqlab_domain_destroy(d), 0);
	d = NULL;
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_domain_create(f->k, f->ir, &bus_ops, "odd", 1u << 9, NULL, &d),
			 -EOPNOTSUPP);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "domain odd: parent INTEL-IR-0 refuses: an unknown "
			    "requirement is not offered by interrupt remapping");
	assert_null(d);
	assert_kernel_clean(f->k);
}

static void test_accept_child_virtual(void **state)
{
	struct fixture *f = *state;
	struct irqlab_domain *d = NULL;
	struct irqlab_irq *irqs[2];

	assert_string_equal(f->ir->child_prefix, "vIR-");
	assert_string_equal(f->bus->name, "vIR-PCI-MSI-0000:03:00.0");
	assert_true(irqlab_remap_domain_virtual(f->ir));
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_domain_create(f->k, f->ir, &bus_ops, "vIR-IMS-dev0",
					      IRQLAB_REQ_IMS | IRQLAB_REQ_QUEUE_STORE, NULL, &d),
			 -EOPNOTSUPP);
	assert_null(d);
	assert_null(irqlab_domain_find(f->k, "vIR-IMS-dev0"));
	assert_string_equal(
		irqlab_kernel_error(f->k),
		"domain vIR-IMS-dev0: parent INTEL-IR-0 refuses: IMS (a "
		"device-specific message store) is not offered by the virtual IR unit "
		"dmar0 (caching mode): the kernel allows IMS only under a non-virtual IR "
		"unit or a hypercall parent (ims=ir), as its handles mean nothing to the "
		"host's IR unit");
	assert_int_equal(f->ir->nr_children, 1);
	/* Everything else works as on a real unit. */
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSI, 2, IRQLAB_ALLOC_F_CONTIGUOUS, irqs),
			 0);
	assert_kernel_clean(f->k);
}

static void test_check_detects_corruption(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq;
	struct irqlab_irte good, bad;
	char why[512];

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &irq), 0);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_kernel_clean(f->k);
	good = *irte_of(f, irq);

	/* A stale vector in the IRTE. */
	bad = good;
	bad.lo ^= UINT64_C(1) << 16;
	irqlab_ir_unit_write_irte(f->unit, 0, &bad);
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_non_null(strstr(why, "INTEL-IR-0: irq 1: IRTE 0x0000 targets CPU"));
	/* A cleared IRTE under an active interrupt. */
	irqlab_ir_unit_write_irte(f->unit, 0, &(struct irqlab_irte){0, 0});
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "INTEL-IR-0: irq 1 is active but IRTE 0x0000 is not present");
	irqlab_ir_unit_write_irte(f->unit, 0, &good);
	assert_kernel_clean(f->k);

	/* A present IRTE under an inactive interrupt must still agree with the vector level. */
	irqlab_irq_deactivate(irq);
	irqlab_ir_unit_write_irte(f->unit, 0, &good);
	assert_kernel_clean(f->k);
	irqlab_ir_unit_write_irte(f->unit, 0, &bad);
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_non_null(strstr(why, "INTEL-IR-0: irq 1: IRTE 0x0000 targets CPU"));
	/* A posted entry is never the domain's. */
	{
		struct irqlab_irte_posted p = {.present = true, .vector = 0x41, .sid = RID_NIC};
		struct irqlab_irte posted;

		assert_int_equal(irqlab_irte_encode_posted(&p, &posted), 0);
		irqlab_ir_unit_write_irte(f->unit, 0, &posted);
		assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
		assert_string_equal(why, "INTEL-IR-0: irq 1: IRTE 0x0000 is in posted mode");
	}
	irqlab_ir_unit_write_irte(f->unit, 0, &(struct irqlab_irte){0, 0});

	/* The block released behind the domain's back. */
	irqlab_ir_unit_free_irtes(f->unit, 0, 1);
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "INTEL-IR-0: irq 1: block 0x0000+1 of dmar0 is not allocated");
	{
		unsigned index;

		assert_int_equal(irqlab_ir_unit_alloc_irtes(f->unit, 1, &index), 0);
		assert_int_equal(index, 0);
	}
	assert_kernel_clean(f->k);
}

static void test_dump(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *single, *irqs[3];
	char *text;

	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSIX, 1, 0, &single), 0);
	assert_int_equal(alloc_irqs(f, IRQLAB_ALLOC_PCI_MSI, 3, IRQLAB_ALLOC_F_CONTIGUOUS, irqs),
			 0);
	assert_int_equal(irqlab_irq_activate(irqs[1], false), 0);
	text = kernel_dump(f->k);
	assert_non_null(strstr(text, "domain INTEL-IR-0 parent=VECTOR irqs=4 children=1\n"
				     "  remap unit=dmar0\n"
				     "  ir-unit dmar0 entries=256 used=5 eime=0 cfi=0 faults=0 "
				     "records=0 dropped=0 blocked=0\n"
				     "  irte 0x0005 0000000000040300:"));
	assert_non_null(strstr(text, "  INTEL-IR-0 hwirq=262145 active irte=0x0005 "
				     "block=0x0004+3 subhandle=1 sid=03:00.0\n"));
	assert_non_null(strstr(text, "  INTEL-IR-0 hwirq=0 irte=0x0000 block=0x0000+1 "
				     "subhandle=0 sid=03:00.0\n"));
	/* The same state prints the same text. */
	{
		char *again = kernel_dump(f->k);

		assert_string_equal(text, again);
		free(again);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_lookups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compose_indexes, setup_full_size, teardown),
		cmocka_unit_test_setup_teardown(test_multi_msi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_freed_piecemeal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activate_writes_irte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reservation_targets_placeholder, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_early_activation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_faults_through_the_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_affinity_rewrites_irte_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_needs_source_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioapic_pin, setup, teardown),
		cmocka_unit_test(test_xapic_destination_limit),
		cmocka_unit_test_setup_teardown(test_fault_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irte_exhaustion_rolls_back, setup_small,
						teardown),
		cmocka_unit_test_setup_teardown(test_accept_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_child_virtual, setup_virtual, teardown),
		cmocka_unit_test_setup_teardown(test_check_detects_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
