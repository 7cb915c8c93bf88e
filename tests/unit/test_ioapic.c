// SPDX-License-Identifier: MIT
/*
 * The IO-APIC bus domain over the real vector domain, with and without a remap domain: the
 * RTE after activation in both views (exact 64-bit values), edge and level delivery with
 * remote IRR and the EOI that re-sends, masking, EOI vector matching, IR messages through the
 * unit, affinity in both setups, the fault-injection walk over pin allocation, errors, check,
 * dump and lifetime.
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
#include "bus/ioapic.h"
#include "iommu/remap_domain.h"
#include "x86/vector_domain.h"

#define SID_IOAPIC 0x00f8u /* 00:1f.0 */
#define NR_PINS	   24u

/*
 * A parent the IO-APIC knows nothing of, as an hcall, vIR or Xen parent will be: a level
 * between the IO-APIC and the vector domain that composes what the test says, or fails.
 */
struct standin {
	struct irqlab_msi_msg msg;
	int err;
};

struct fixture {
	struct irqlab_fault fault;
	struct irqlab_kernel *k;
	struct irqlab_ir_unit *unit; /* NULL without IR */
	struct irqlab_domain *vec, *ir;
	struct irqlab_domain *mid; /* the stand-in parent's domain, or NULL */
	struct standin standin;
	struct irqlab_ioapic *io;
	int owner; /* a stand-in for the INTx device that owns the pins */
};

struct fixture_cfg {
	bool ir;
	bool standin; /* the IO-APIC under a stand-in parent instead */
	unsigned ncpus;
	bool extdest;
	unsigned irtes; /* 0: 256 */
};

static int standin_compose(struct irqlab_irq_data *data, struct irqlab_msi_msg *msg)
{
	struct standin *st = data->domain->priv;

	if (st->err)
		return irqlab_kernel_fail(data->domain->kernel, st->err, "%s: the hypercall failed",
					  data->domain->name);
	*msg = st->msg;
	/* Its hwirq is the pin (alloc_pin's owner index): the subhandle, as the remap domain's. */
	if (irqlab_msi_is_remappable(msg))
		msg->data = data->hwirq;
	return 0;
}

static int standin_accept_child(struct irqlab_domain *d, unsigned required,
				struct irqlab_strbuf *why)
{
	return 0;
}

static const struct irqlab_domain_ops standin_ops = {
	.alloc = passthrough_alloc,
	.free = passthrough_free,
	.compose_msg = standin_compose,
	.accept_child = standin_accept_child,
};

static struct fixture *fixture_new(const struct fixture_cfg *c)
{
	struct irqlab_ir_unit_config ucfg = {.name = "dmar0",
					     .nr_entries = c->irtes ? c->irtes : 256};
	struct irqlab_vector_config vcfg = {.legacy = false, .extdest = c->extdest};
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->k = irqlab_kernel_new("host", c->ncpus, &f->fault);
	assert_non_null(f->k);
	assert_int_equal(irqlab_vector_domain_create(f->k, &vcfg, &f->vec), 0);
	if (c->ir) {
		f->unit = irqlab_ir_unit_create(&ucfg, &f->fault);
		assert_non_null(f->unit);
		assert_int_equal(irqlab_remap_domain_create(f->k, f->vec, f->unit, false, &f->ir),
				 0);
	}
	if (c->standin)
		assert_int_equal(irqlab_domain_create(f->k, f->vec, &standin_ops, "STANDIN", 0,
						      &f->standin, &f->mid),
				 0);
	assert_int_equal(irqlab_ioapic_new(f->k, 0, 0, NR_PINS, SID_IOAPIC, &f->io), 0);
	assert_int_equal(irqlab_ioapic_domain(f->io, c->ir	  ? f->ir
						     : c->standin ? f->mid
								  : f->vec),
			 0);
	return f;
}

static void fixture_free(struct fixture *f)
{
	irqlab_kernel_free(f->k);
	/* After the kernel: the IO-APIC must not reach the domain the kernel freed. */
	irqlab_ioapic_free(f->io);
	if (f->unit)
		irqlab_ir_unit_destroy(f->unit);
	free(f);
}

static int setup(void **state)
{
	struct fixture_cfg c = {.ncpus = 4};

	*state = fixture_new(&c);
	return 0;
}

static int setup_ir(void **state)
{
	struct fixture_cfg c = {.ir = true, .ncpus = 4};

	*state = fixture_new(&c);
	return 0;
}

/*
 * The stand-in composes what the remap domain would behind IRTE 0x1234: handle 0x1234 in
 * address 19:5 (0x24680), format (4), SHV (3); the pin as the subhandle (pin 7 here).
 */
static const struct irqlab_msi_msg standin_remappable = {0xfee24698u, 0, 7};

static int setup_standin(void **state)
{
	struct fixture_cfg c = {.standin = true, .ncpus = 4};
	struct fixture *f = fixture_new(&c);

	f->standin.msg = standin_remappable;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_free(*state);
	return 0;
}

static struct irqlab_irq_cfg cfg_of(struct irqlab_irq *irq)
{
	struct irqlab_irq_cfg cfg;

	assert_int_equal(irqlab_vector_irq_cfg(irq->top, &cfg), 0);
	return cfg;
}

static struct irqlab_irq *alloc_pin(struct fixture *f, unsigned gsi, bool level, bool active_low)
{
	struct irqlab_irq *irq = NULL;

	assert_int_equal(
		irqlab_ioapic_alloc_pin(f->io, gsi, level, active_low, &f->owner, gsi, &irq), 0);
	assert_non_null(irq);
	return irq;
}

/* Allocated, activated and unmasked: what request_irq leaves. */
static struct irqlab_irq *start_pin(struct fixture *f, unsigned gsi, bool level, bool active_low)
{
	struct irqlab_irq *irq = alloc_pin(f, gsi, level, active_low);
	struct irqlab_msi_msg msg;

	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_int_equal(irqlab_ioapic_mask(f->io, gsi, false, &msg), 0);
	return irq;
}

/* A compatibility message to APIC @dest, @vector, fixed, physical: the exact words. */
static void assert_compat_msg(const struct irqlab_msi_msg *msg, unsigned dest, unsigned vector,
			      bool level)
{
	assert_int_equal(msg->address_lo, 0xfee00000u | (dest & 0xff) << 12 | (dest >> 8) << 5);
	assert_int_equal(msg->address_hi, 0);
	assert_int_equal(msg->data, vector | (level ? 0x8000u : 0));
}

static void test_domain_names(void **state)
{
	struct fixture_cfg c = {.ir = true, .ncpus = 2};
	struct fixture *f = *state, *g;
	struct irqlab_domain *d = irqlab_ioapic_get_domain(f->io);

	assert_string_equal(d->name, "IO-APIC-0");
	assert_ptr_equal(d->parent, f->vec);
	assert_string_equal(irqlab_ioapic_name(f->io), "IO-APIC-0");
	assert_int_equal(irqlab_ioapic_id(f->io), 0);
	assert_int_equal(irqlab_ioapic_gsi_base(f->io), 0);
	assert_int_equal(irqlab_ioapic_nr_pins(f->io), NR_PINS);
	assert_int_equal(irqlab_ioapic_sid(f->io), SID_IOAPIC);
	assert_true(irqlab_ioapic_has_gsi(f->io, 23));
	assert_false(irqlab_ioapic_has_gsi(f->io, 24));
	/* A second call finds the domain there. */
	assert_int_equal(irqlab_ioapic_domain(f->io, f->vec), 0);
	assert_ptr_equal(irqlab_ioapic_get_domain(f->io), d);
	/* Every RTE starts at the reset value: masked, all else 0. */
	for (unsigned gsi = 0; gsi < NR_PINS; gsi++)
		assert_int_equal(irqlab_ioapic_rte(f->io, gsi), 0x0000000000010000ull);

	g = fixture_new(&c);
	d = irqlab_ioapic_get_domain(g->io);
	assert_string_equal(d->name, "IR-IO-APIC-0");
	assert_ptr_equal(d->parent, g->ir);
	assert_string_equal(irqlab_ioapic_name(g->io), "IO-APIC-0");
	fixture_free(g);
	assert_kernel_clean(f->k);
}

static void test_rte_compat_after_activation(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *lvl, *edge;
	struct irqlab_msi_msg msg;

	lvl = alloc_pin(f, 5, true, true);
	assert_ptr_equal(lvl->dev, &f->owner);
	assert_int_equal(lvl->index, 5);
	assert_ptr_equal(irqlab_ioapic_pin_irq(f->io, 5), lvl);
	assert_int_equal(irqlab_ioapic_irq_gsi(f->io, lvl), 5);
	assert_int_equal(lvl->top->hwirq, 5);
	/* Allocated, not activated: still the reset value. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0000000000010000ull);
	assert_int_equal(irqlab_irq_activate(lvl, false), 0);
	/* The first fixed vector: CPU 0 (most available, lowest), vector 0x20 (lowest free). */
	assert_int_equal(cfg_of(lvl).cpu, 0);
	assert_int_equal(cfg_of(lvl).vector, 0x20);
	/* vector 0x20 | active low (13) | level (15) | masked (16); dest 0 in 63:56. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x000000000001a020ull);
	assert_int_equal(irqlab_ioapic_eoi_vector(f->io, 5), 0x20);

	/* The second goes to CPU 1, the emptiest now: dest 1 in 63:56. Edge, active high. */
	edge = alloc_pin(f, 3, false, false);
	assert_int_equal(irqlab_irq_activate(edge, false), 0);
	assert_int_equal(cfg_of(edge).cpu, 1);
	assert_int_equal(cfg_of(edge).vector, 0x20);
	assert_int_equal(irqlab_ioapic_rte(f->io, 3), 0x0100000000010020ull);

	/* Unmasking clears bit 16 and nothing else. */
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x000000000000a020ull);
	assert_int_equal(irqlab_ioapic_mask(f->io, 3, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_rte(f->io, 3), 0x0100000000000020ull);
	/* Activation again keeps the mask bit as it is. */
	irqlab_irq_deactivate(edge);
	assert_int_equal(irqlab_ioapic_rte(f->io, 3), 0x0000000000010000ull);
	assert_int_equal(irqlab_irq_activate(edge, false), 0);
	assert_int_equal(irqlab_ioapic_rte(f->io, 3), 0x0100000000010020ull);
	assert_kernel_clean(f->k);
}

/* An APIC id above 255 needs the extended destination id in RTE bits 55:49. */
static void test_rte_compat_ext_dest(void **state)
{
	struct fixture_cfg c = {.ncpus = 300, .extdest = true};
	struct fixture *f = fixture_new(&c);
	struct irqlab_cpumask mask = cpu_mask(0x123);
	struct irqlab_irq *irq = alloc_pin(f, 7, false, false);
	struct irqlab_msi_msg msg;

	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_int_equal(cfg_of(irq).cpu, 0);
	/* APIC id 0: bits 55:49 stay 0. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 7), 0x0000000000010020ull);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK);
	assert_int_equal(cfg_of(irq).cpu, 0x123);
	assert_int_equal(cfg_of(irq).vector, 0x20);
	/* dest[7:0] = 0x23 in 63:56, dest[14:8] = 1 in 55:49, vector 0x20, masked. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 7), 0x2302000000010020ull);
	assert_int_equal(irqlab_ioapic_mask(f->io, 7, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 7, true, &msg), 1);
	/* 0xFEE | 0x23 in 19:12 | 1 in 11:5. */
	assert_int_equal(msg.address_lo, 0xfee23020u);
	assert_compat_msg(&msg, 0x123, 0x20, false);
	assert_kernel_clean(f->k);
	fixture_free(f);
}

static void test_rte_remapped_after_activation(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *edge, *lvl;
	struct irqlab_msi_msg msg;

	edge = alloc_pin(f, 9, false, false);
	lvl = alloc_pin(f, 10, true, true);
	assert_int_equal(irqlab_remap_irq_index(edge->top), 0);
	assert_int_equal(irqlab_remap_irq_index(lvl->top), 1);
	assert_int_equal(irqlab_remap_irq_sid(lvl->top), SID_IOAPIC);
	assert_int_equal(irqlab_irq_activate(edge, false), 0);
	assert_int_equal(irqlab_irq_activate(lvl, false), 0);
	/* Pin 9 in the vector field | masked | format (48) | index 0 in 63:49. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 9), 0x0001000000010009ull);
	/* Pin 10 | active low | level | masked | format | index 1 in 63:49. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 10), 0x000300000001a00aull);
	/* With IR the EOI for a pin carries the pin, not the vector. */
	assert_int_equal(irqlab_ioapic_eoi_vector(f->io, 10), 10);
	assert_int_equal(irqlab_ioapic_mask(f->io, 10, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_rte(f->io, 10), 0x000300000000a00aull);
	assert_kernel_clean(f->k);
}

/* IRTE index bit 15 goes to RTE bit 11, and from there to address bit 2 (handle[15]). */
static void test_rte_remapped_index15(void **state)
{
	struct fixture_cfg c = {.ir = true, .ncpus = 4, .irtes = 65536};
	struct fixture *f = fixture_new(&c);
	struct irqlab_ir_result res;
	struct irqlab_msi_msg msg;
	struct irqlab_irq *irq;
	unsigned index;

	/* Take 0x0000-0x7fff so that the pin gets 0x8000. */
	for (unsigned i = 0; i < 0x8000; i += 0x800)
		assert_int_equal(irqlab_ir_unit_alloc_irtes(f->unit, 0x800, &index), 0);
	irq = start_pin(f, 4, true, false);
	assert_int_equal(irqlab_remap_irq_index(irq->top), 0x8000);
	/* Pin 4 | index[15] (11) | level | format; index[14:0] = 0 in 63:49. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 4), 0x0001000000008804ull);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 4, true, &msg), 1);
	/* 0xFEE | format (4) | handle[15] (2); handle[14:0] = 0. */
	assert_int_equal(msg.address_lo, 0xfee00014u);
	assert_int_equal(msg.data, 0x8004u);
	irqlab_ir_unit_remap(f->unit, &msg, SID_IOAPIC, IRQLAB_COMMIT, &res);
	assert_false(res.blocked);
	assert_int_equal(res.index, 0x8000);
	assert_int_equal(res.vector, cfg_of(irq).vector);
	assert_kernel_clean(f->k);
	for (unsigned i = 0; i < 0x8000; i += 0x800)
		irqlab_ir_unit_free_irtes(f->unit, i, 0x800);
	fixture_free(f);
}

static void test_level_remote_irr(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg, msgs[NR_PINS];
	unsigned gsis[NR_PINS];
	struct irqlab_irq *irq = start_pin(f, 5, true, false);
	unsigned vector = cfg_of(irq).vector;

	assert_false(irqlab_ioapic_remote_irr(f->io, 5));
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, true, &msg), 1);
	assert_compat_msg(&msg, 0, vector, true);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x000000000000c020ull);
	assert_true(irqlab_ioapic_line(f->io, 5));
	/* Asserted again while the first is in service: coalesced. */
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, true, &msg), 0);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	/* An EOI for another vector clears nothing. */
	assert_int_equal(irqlab_ioapic_eoi(f->io, vector + 1, msgs, gsis), 0);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	/* The right one clears it; the line is still asserted, so the pin sends again. */
	assert_int_equal(irqlab_ioapic_eoi(f->io, vector, msgs, gsis), 1);
	assert_int_equal(gsis[0], 5);
	assert_compat_msg(&msgs[0], 0, vector, true);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	/* Deasserted: the EOI clears remote IRR and nothing follows. */
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, false, &msg), 0);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	assert_int_equal(irqlab_ioapic_eoi(f->io, vector, msgs, NULL), 0);
	assert_false(irqlab_ioapic_remote_irr(f->io, 5));
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0000000000008020ull);
	/* A second EOI finds no remote IRR: nothing. */
	assert_int_equal(irqlab_ioapic_eoi(f->io, vector, msgs, NULL), 0);
	/* Asserted again: a new interrupt. */
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, true, &msg), 1);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	assert_kernel_clean(f->k);
}

static void test_edge(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg, msgs[NR_PINS];
	struct irqlab_irq *irq = start_pin(f, 3, false, false);
	unsigned vector = cfg_of(irq).vector;

	assert_int_equal(irqlab_ioapic_set_line(f->io, 3, true, &msg), 1);
	assert_compat_msg(&msg, 0, vector, false);
	/* No remote IRR on an edge pin. */
	assert_false(irqlab_ioapic_remote_irr(f->io, 3));
	/* Asserting an asserted line is no edge. */
	assert_int_equal(irqlab_ioapic_set_line(f->io, 3, true, &msg), 0);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 3, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 3, true, &msg), 1);
	assert_compat_msg(&msg, 0, vector, false);
	/* EOI matching looks at level pins only. */
	assert_int_equal(irqlab_ioapic_eoi(f->io, vector, msgs, NULL), 0);
	assert_int_equal(irqlab_ioapic_rte(f->io, 3), 0x0000000000000020ull);
	assert_kernel_clean(f->k);
}

static void test_masked_pins(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg;
	struct irqlab_irq *lvl = start_pin(f, 5, true, false);
	struct irqlab_irq *edge = start_pin(f, 3, false, false);

	/* Level: a masked pin sends nothing; the unmask sends what the line still wants. */
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, true, &msg), 0);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, true, &msg), 0);
	assert_false(irqlab_ioapic_remote_irr(f->io, 5));
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, false, &msg), 1);
	assert_compat_msg(&msg, cfg_of(lvl).cpu, cfg_of(lvl).vector, true);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	/* Masked with remote IRR set: the unmask sends nothing (still in service). */
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, true, &msg), 0);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, false, &msg), 0);
	/* Deasserted while masked: the unmask has nothing to send. */
	assert_int_equal(irqlab_ioapic_eoi(f->io, cfg_of(lvl).vector, &msg, NULL), 1);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, true, &msg), 0);
	assert_int_equal(irqlab_ioapic_eoi(f->io, cfg_of(lvl).vector, &msg, NULL), 0);
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, false, &msg), 0);
	assert_false(irqlab_ioapic_remote_irr(f->io, 5));

	/* Edge: an edge on a masked pin is ignored, not latched (82093AA, QEMU). */
	assert_int_equal(irqlab_ioapic_mask(f->io, 3, true, &msg), 0);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 3, true, &msg), 0);
	assert_int_equal(irqlab_ioapic_mask(f->io, 3, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 3, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 3, true, &msg), 1);
	assert_compat_msg(&msg, cfg_of(edge).cpu, cfg_of(edge).vector, false);

	/* A pin without an interrupt: its line is recorded, its masked RTE sends nothing. */
	assert_int_equal(irqlab_ioapic_set_line(f->io, 12, true, &msg), 0);
	assert_true(irqlab_ioapic_line(f->io, 12));
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_ioapic_mask(f->io, 12, false, &msg), -EINVAL);
	assert_string_equal(
		irqlab_kernel_error(f->k),
		"IO-APIC-0 pin 12 (GSI 12): cannot unmask: it has no activated interrupt");
	/* Allocated but not activated: no target to unmask either. */
	alloc_pin(f, 12, true, false);
	assert_int_equal(irqlab_ioapic_mask(f->io, 12, false, &msg), -EINVAL);
	assert_int_equal(irqlab_ioapic_rte(f->io, 12), 0x0000000000010000ull);
	/* Masking is always possible, and changes nothing on a masked entry. */
	assert_int_equal(irqlab_ioapic_mask(f->io, 13, true, &msg), 0);
	assert_int_equal(irqlab_ioapic_rte(f->io, 13), 0x0000000000010000ull);
	assert_kernel_clean(f->k);
}

/*
 * Without IR a vector is per CPU: two pins on two CPUs can hold the same one. A broadcast EOI
 * then clears both, as the hardware does, and both still-asserted lines send again.
 */
static void test_eoi_shared_vector(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg, msgs[NR_PINS];
	unsigned gsis[NR_PINS];
	struct irqlab_irq *a = start_pin(f, 5, true, false);
	struct irqlab_irq *b = start_pin(f, 6, true, false);

	assert_int_equal(cfg_of(a).vector, cfg_of(b).vector);
	assert_int_equal(cfg_of(a).cpu, 0);
	assert_int_equal(cfg_of(b).cpu, 1);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, true, &msg), 1);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 6, true, &msg), 1);
	assert_int_equal(irqlab_ioapic_eoi(f->io, cfg_of(a).vector, msgs, gsis), 2);
	assert_int_equal(gsis[0], 5);
	assert_int_equal(gsis[1], 6);
	assert_compat_msg(&msgs[0], 0, cfg_of(a).vector, true);
	assert_compat_msg(&msgs[1], 1, cfg_of(b).vector, true);
	assert_kernel_clean(f->k);
}

static void test_ir_delivery(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg, msgs[NR_PINS];
	struct irqlab_irq *pad = start_pin(f, 2, false, false);
	struct irqlab_irq *irq = start_pin(f, 10, true, true);
	struct irqlab_irq_cfg cfg = cfg_of(irq);
	struct irqlab_ir_result res;
	struct irqlab_msi_remap r;
	unsigned gsis[NR_PINS];

	assert_int_equal(irqlab_remap_irq_index(pad->top), 0);
	assert_int_equal(irqlab_remap_irq_index(irq->top), 1);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 10, true, &msg), 1);
	/* RTE 63:48 in address 19:4: handle 1 in 19:5, format in 4; no SHV. */
	assert_int_equal(msg.address_lo, 0xfee00030u);
	assert_int_equal(msg.address_hi, 0);
	/* The pin in 7:0 and the trigger bit, as the IO-APIC sends its data word. */
	assert_int_equal(msg.data, 0x800au);
	assert_true(irqlab_msi_is_remappable(&msg));
	assert_int_equal(irqlab_msi_remap_decode(&msg, &r), 0);
	assert_int_equal(r.handle, 1);
	assert_false(r.shv);
	irqlab_ir_unit_remap(f->unit, &msg, SID_IOAPIC, IRQLAB_COMMIT, &res);
	assert_false(res.blocked);
	assert_int_equal(res.index, 1);
	assert_int_equal(res.vector, cfg.vector);
	assert_int_equal(res.dest, cfg.cpu);
	/* From another requester the IRTE's source-id check blocks it. */
	irqlab_ir_unit_remap(f->unit, &msg, 0x0300, IRQLAB_COMMIT, &res);
	assert_true(res.blocked);
	assert_int_equal(res.reason, IRQLAB_IR_FAULT_SID);

	/* The LAPIC's vector does not match the pin in the RTE: Linux EOIs the pin. */
	assert_int_equal(irqlab_ioapic_eoi(f->io, cfg.vector, msgs, gsis), 0);
	assert_true(irqlab_ioapic_remote_irr(f->io, 10));
	assert_int_equal(irqlab_ioapic_eoi(f->io, 10, msgs, gsis), 1);
	assert_int_equal(gsis[0], 10);
	assert_memory_equal(&msgs[0], &msg, sizeof(msg));
	assert_int_equal(irqlab_ioapic_set_line(f->io, 10, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_eoi(f->io, 10, msgs, gsis), 0);
	assert_false(irqlab_ioapic_remote_irr(f->io, 10));
	/* The edge pin's message: handle 0, data = pin 2, edge. */
	assert_int_equal(irqlab_ioapic_set_line(f->io, 2, true, &msg), 1);
	assert_int_equal(msg.address_lo, 0xfee00010u);
	assert_int_equal(msg.data, 2);
	irqlab_ir_unit_remap(f->unit, &msg, SID_IOAPIC, IRQLAB_COMMIT, &res);
	assert_false(res.blocked);
	assert_int_equal(res.vector, cfg_of(pad).vector);
	assert_int_equal(res.dest, cfg_of(pad).cpu);
	assert_kernel_clean(f->k);
}

static void test_affinity_rewrites_rte(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg, msgs[NR_PINS];
	struct irqlab_irq *irq = start_pin(f, 5, true, false), *got;
	struct irqlab_cpumask mask = cpu_mask(2);
	struct irqlab_irq_cfg old, now;

	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0000000000008020ull);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK);
	now = cfg_of(irq);
	assert_int_equal(now.cpu, 2);
	assert_int_equal(now.vector, 0x20);
	/* Dest 2 in 63:56, still unmasked. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0200000000008020ull);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, true, &msg), 1);
	assert_compat_msg(&msg, 2, 0x20, true);
	/* The first interrupt at the new vector completes the move. */
	assert_int_equal(irqlab_vector_lapic_accept(f->vec, 2, 0x20, IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_HANDLED);
	assert_ptr_equal(got, irq);
	assert_false(irqlab_vector_move_pending(irq->top));
	assert_kernel_clean(f->k);

	/* Vector 0x20 taken on CPUs 0, 1 and 3, so that the next move changes the vector. */
	assert_int_equal(cfg_of(start_pin(f, 7, false, false)).cpu, 0);
	assert_int_equal(cfg_of(start_pin(f, 8, false, false)).cpu, 1);
	assert_int_equal(cfg_of(start_pin(f, 9, false, false)).cpu, 3);
	/*
	 * Moved while in service: remote IRR stays, and the EOI of the vector the handler ran on
	 * no longer matches; only an EOI of the new vector field clears it. Linux defers such a
	 * move to the ack path; the model rewrites at once.
	 */
	old = cfg_of(irq);
	mask = cpu_mask(3);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK);
	now = cfg_of(irq);
	assert_int_equal(now.cpu, 3);
	assert_int_equal(now.vector, 0x21);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x030000000000c021ull);
	assert_int_equal(irqlab_ioapic_eoi(f->io, old.vector, msgs, NULL), 0);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_eoi(f->io, now.vector, msgs, NULL), 0);
	assert_false(irqlab_ioapic_remote_irr(f->io, 5));
	/* No interrupt came at the new vector: drop the old one by hand. */
	irqlab_vector_cleanup_now(irq->top);
	assert_kernel_clean(f->k);

	/* Masked pin: the rewrite keeps it masked. CPU 1 has 0x20 taken: 0x21. */
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, true, &msg), 0);
	mask = cpu_mask(1);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK);
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0100000000018021ull);
	irqlab_vector_cleanup_now(irq->top);
	assert_kernel_clean(f->k);

	/* Not activated: nothing written now; activation uses the new target. */
	irqlab_irq_deactivate(irq);
	mask = cpu_mask(0);
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK);
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0000000000010000ull);
	assert_kernel_clean(f->k);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_int_equal(cfg_of(irq).cpu, 0);
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0000000000018021ull);
	assert_kernel_clean(f->k);
}

static void test_affinity_ir_leaves_rte(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq = start_pin(f, 10, true, false);
	struct irqlab_cpumask mask;
	struct irqlab_ir_result res;
	struct irqlab_msi_msg msg;
	struct irqlab_irte before_irte;
	uint64_t before = irqlab_ioapic_rte(f->io, 10);

	before_irte = *irqlab_ir_unit_irte(f->unit, 0);
	assert_int_equal(before, 0x000100000000800aull);
	for (unsigned cpu = 1; cpu < 4; cpu++) {
		mask = cpu_mask(cpu);
		assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false),
				 IRQLAB_SET_AFFINITY_OK_DONE);
		assert_int_equal(cfg_of(irq).cpu, cpu);
		/* The RTE names the IRTE and the pin: nothing to rewrite. */
		assert_int_equal(irqlab_ioapic_rte(f->io, 10), before);
		assert_true(irqlab_ir_unit_irte(f->unit, 0)->lo != before_irte.lo);
		before_irte = *irqlab_ir_unit_irte(f->unit, 0);
		/* The same message now lands on the new CPU. */
		assert_int_equal(irqlab_ioapic_set_line(f->io, 10, true, &msg), 1);
		irqlab_ir_unit_remap(f->unit, &msg, SID_IOAPIC, IRQLAB_COMMIT, &res);
		assert_false(res.blocked);
		assert_int_equal(res.dest, cpu);
		assert_int_equal(res.vector, cfg_of(irq).vector);
		assert_int_equal(irqlab_ioapic_set_line(f->io, 10, false, &msg), 0);
		assert_int_equal(irqlab_ioapic_eoi(f->io, 10, &msg, NULL), 0);
		assert_kernel_clean(f->k);
	}
}

/*
 * Under a parent that is neither the vector nor the remap domain, the RTE comes from the
 * composed message alone: both views, delivery and destination mode, and errors.
 */
static void test_standin_parent(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg, msgs[NR_PINS];
	struct irqlab_cpumask mask = cpu_mask(1);
	struct irqlab_irq *irq = alloc_pin(f, 7, true, true);
	char why[512], *before, *after;

	assert_string_equal(irqlab_ioapic_get_domain(f->io)->name, "IO-APIC-0");
	assert_ptr_equal(irqlab_ioapic_get_domain(f->io)->parent, f->mid);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	/* Index 0x1234 in 63:49 (0x2468 << 48) | format 48 | masked, level, low | pin 7. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 7), 0x246900000001a007ull);
	assert_kernel_clean(f->k);
	assert_int_equal(irqlab_ioapic_mask(f->io, 7, false, &msg), 0);
	/* RTE 63:48 in address 19:4, no SHV; the pin and the trigger in the data word. */
	assert_int_equal(irqlab_ioapic_set_line(f->io, 7, true, &msg), 1);
	assert_int_equal(msg.address_lo, 0xfee24690u);
	assert_int_equal(msg.address_hi, 0);
	assert_int_equal(msg.data, 0x8007u);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 7, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_eoi(f->io, 7, msgs, NULL), 0);

	/*
	 * The parent now composes APIC id 0x4321 (0x21 in 19:12, 0x43 in 11:5), logical (2),
	 * vector 0x66, lowest priority (data 10:8 = 1). Until the RTE is rewritten the check
	 * sees it stale.
	 */
	f->standin.msg = (struct irqlab_msi_msg){0xfee21864u, 0, 0x166};
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	/* A move: the vector level moves and says OK, so the IO-APIC composes again. */
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK);
	/* 0x21 in 63:56, 0x43 in 55:49 | DM 11 | lowest 10:8 | level, low | vector 0x66. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 7), 0x218600000000a966ull);
	assert_kernel_clean(f->k);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 7, true, &msg), 1);
	assert_int_equal(msg.address_lo, 0xfee21864u);
	assert_int_equal(msg.data, 0x8166u);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 7, false, &msg), 0);
	assert_int_equal(irqlab_ioapic_eoi(f->io, 0x66, msgs, NULL), 0);
	assert_false(irqlab_ioapic_remote_irr(f->io, 7));

	/* Only the delivery mode differs: the whole-entry comparison sees it. */
	f->standin.msg.data = 0x66;
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "IO-APIC-0: pin 7: RTE 0x218600000000a966, composed "
				 "0x218600000000a866");
	f->standin.msg.data = 0x166;
	assert_kernel_clean(f->k);

	/* A parent that fails to compose: the check says so and leaves no error behind. */
	f->standin.err = -EIO;
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "IO-APIC-0: pin 7: the levels below compose no RTE");
	assert_int_equal(f->k->error->code, 0);
	assert_string_equal(irqlab_kernel_error(f->k), "");
	/* Activation fails with the parent's error, and leaves the pin as it was. */
	irqlab_irq_deactivate(irq);
	before = kernel_dump(f->k);
	assert_int_equal(irqlab_irq_activate(irq, false), -EIO);
	assert_string_equal(irqlab_kernel_error(f->k), "STANDIN: the hypercall failed");
	assert_int_equal(irqlab_ioapic_rte(f->io, 7), 0x0000000000010000ull);
	assert_false(irqlab_irq_activated(irq));
	assert_kernel_clean(f->k);
	after = kernel_dump(f->k);
	assert_string_equal(before, after);
	free(after);

	/* A message the RTE cannot hold: a destination in address_hi. */
	f->standin.err = 0;
	f->standin.msg.address_hi = 1;
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_irq_activate(irq, false), -ERANGE);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "irq 1: the message composed for IO-APIC-0 pin 7 (address "
			    "0x00000001fee21864 data 0x00000166) does not fit its RTE");
	assert_int_equal(irqlab_ioapic_rte(f->io, 7), 0x0000000000010000ull);
	assert_kernel_clean(f->k);
	after = kernel_dump(f->k);
	assert_string_equal(before, after);
	free(after);
	free(before);

	f->standin.msg = standin_remappable;
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_int_equal(irqlab_ioapic_rte(f->io, 7), 0x246900000001a007ull);
	assert_kernel_clean(f->k);
}

struct walk_sites {
	unsigned memory, vector, irte, total;
};

/*
 * Fails every allocation point of irqlab_ioapic_alloc_pin (and of the activation after it
 * when @activate) in turn: each failure reports the injected error, leaves the books clean
 * and the dump as it was, and the pin free.
 */
static void fault_walk(struct fixture *f, unsigned gsi, bool activate, struct walk_sites *sites)
{
	struct irqlab_irq *irq;
	unsigned long points;
	char *before;

	memset(sites, 0, sizeof(*sites));
	before = kernel_dump(f->k);
	irqlab_fault_arm(&f->fault, 0);
	irq = alloc_pin(f, gsi, true, false);
	if (activate)
		assert_int_equal(irqlab_irq_activate(irq, false), 0);
	points = f->fault.points;
	irqlab_ioapic_free_pin(f->io, gsi);
	assert_null(irqlab_ioapic_pin_irq(f->io, gsi));

	for (unsigned long nth = 1; nth <= points; nth++) {
		bool allocated;
		char *after;
		int err;

		irqlab_kernel_clear_error(f->k);
		irqlab_fault_arm(&f->fault, nth);
		irq = NULL;
		err = irqlab_ioapic_alloc_pin(f->io, gsi, true, false, &f->owner, gsi, &irq);
		allocated = !err;
		if (!err && activate)
			err = irqlab_irq_activate(irq, false);
		assert_non_null(f->fault.failed_site);
		if (!err) {
			/* Only the vector level absorbs a failure: it retries on every CPU. */
			assert_true(allocated && activate);
			assert_string_equal(f->fault.failed_site, "vector");
		} else {
			assert_int_equal(err, f->fault.failed_err);
			assert_true(irqlab_kernel_error(f->k)[0] != '\0');
		}
		if (allocated)
			irqlab_ioapic_free_pin(f->io, gsi);
		else
			assert_null(irq);
		assert_null(irqlab_ioapic_pin_irq(f->io, gsi));
		assert_int_equal(irqlab_ioapic_rte(f->io, gsi), 0x0000000000010000ull);
		assert_kernel_clean(f->k);
		after = kernel_dump(f->k);
		assert_string_equal(before, after);
		free(after);
		sites->total++;
		if (strcmp(f->fault.failed_site, "memory") == 0)
			sites->memory++;
		else if (strcmp(f->fault.failed_site, "vector") == 0)
			sites->vector++;
		else if (strcmp(f->fault.failed_site, "irte") == 0)
			sites->irte++;
	}
	irqlab_fault_arm(&f->fault, 0);
	free(before);
}

static void test_fault_walk(void **state)
{
	struct fixture *f = *state;
	struct walk_sites s;

	/* Something already there, so rollback must not disturb it. */
	start_pin(f, 1, false, false);
	/* A descriptor with its 2 levels, the vector level's data: 2 memory points, nothing else.
	 */
	fault_walk(f, 5, false, &s);
	assert_int_equal(s.memory, 2);
	assert_int_equal(s.total, 2);
	/* With activation: the fixed vector is taken then. */
	fault_walk(f, 5, true, &s);
	assert_int_equal(s.vector, 1);
	assert_int_equal(s.total, 3);
	assert_kernel_clean(f->k);
}

static void test_fault_walk_ir(void **state)
{
	struct fixture *f = *state;
	struct walk_sites s;

	start_pin(f, 1, false, false);
	/* A descriptor with its 3 levels, vector data, an IRTE, the IRTE block, the remap data. */
	fault_walk(f, 5, false, &s);
	assert_int_equal(s.irte, 1);
	assert_int_equal(s.memory, 1 + 1 + 2);
	assert_int_equal(s.total, s.memory + s.irte);
	fault_walk(f, 5, true, &s);
	assert_int_equal(s.vector, 1);
	assert_kernel_clean(f->k);
}

static void test_fault_walk_standin(void **state)
{
	struct fixture *f = *state;
	struct walk_sites s;

	start_pin(f, 1, false, false);
	/* A descriptor with its 3 levels (the stand-in's too), the vector level's data. */
	fault_walk(f, 5, false, &s);
	assert_int_equal(s.memory, 2);
	assert_int_equal(s.total, 2);
	fault_walk(f, 5, true, &s);
	assert_int_equal(s.vector, 1);
	assert_int_equal(s.total, 3);
	assert_kernel_clean(f->k);
}

/*
 * Fails every allocation point of an affinity change of @irq to @cpu in turn: each failure
 * reports the injected error and leaves the RTE, the books and the dump as they were. Then
 * lets it through. Returns how many points it failed.
 */
static unsigned affinity_fault_walk(struct fixture *f, struct irqlab_irq *irq, unsigned gsi,
				    unsigned cpu)
{
	struct irqlab_cpumask mask = cpu_mask(cpu);
	uint64_t rte = irqlab_ioapic_rte(f->io, gsi);
	char *before = kernel_dump(f->k);
	unsigned failed = 0;
	int ret;

	for (unsigned long nth = 1;; nth++) {
		char *after;

		irqlab_kernel_clear_error(f->k);
		irqlab_fault_arm(&f->fault, nth);
		ret = irqlab_irq_set_affinity(irq, &mask, false);
		if (!f->fault.failed_site)
			break;
		failed++;
		assert_int_equal(ret, f->fault.failed_err);
		assert_true(irqlab_kernel_error(f->k)[0] != '\0');
		assert_int_equal(irqlab_ioapic_rte(f->io, gsi), rte);
		assert_kernel_clean(f->k);
		after = kernel_dump(f->k);
		assert_string_equal(before, after);
		free(after);
	}
	irqlab_fault_arm(&f->fault, 0);
	assert_true(ret >= 0);
	assert_int_equal(cfg_of(irq).cpu, cpu);
	assert_kernel_clean(f->k);
	free(before);
	return failed;
}

/*
 * The affinity path recomposes through the parent: its points are the kernel's copy of the
 * new mask, then the new vector.
 */
static void test_fault_walk_affinity(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq = start_pin(f, 5, true, false);

	assert_int_equal(affinity_fault_walk(f, irq, 5, 2), 2);
	/* Dest 2 in 63:56, vector 0x20, level. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0200000000008020ull);
}

static void test_fault_walk_affinity_ir(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq = start_pin(f, 5, true, false);
	uint64_t rte = irqlab_ioapic_rte(f->io, 5);

	assert_int_equal(affinity_fault_walk(f, irq, 5, 2), 2);
	/* OK_DONE from the remap level: the RTE names the IRTE, and stays. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), rte);
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	struct irqlab_ioapic *io2;
	struct irqlab_irq *irq = NULL, *first;
	struct irqlab_msi_msg msg;
	char *before, *after;

	first = alloc_pin(f, 5, true, false);
	before = kernel_dump(f->k);
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_ioapic_alloc_pin(f->io, 5, false, false, NULL, 0, &irq), -EBUSY);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "IO-APIC-0 pin 5 (GSI 5): already allocated to irq 1");
	assert_null(irq);
	assert_ptr_equal(irqlab_ioapic_pin_irq(f->io, 5), first);
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_ioapic_alloc_pin(f->io, 24, false, false, NULL, 0, &irq), -ERANGE);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "IO-APIC-0: GSI 24 is not one of its pins (GSIs 0-23)");
	assert_null(irq);
	after = kernel_dump(f->k);
	assert_string_equal(before, after);
	free(before);
	free(after);

	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 100, true, &msg), -ERANGE);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "IO-APIC-0: GSI 100 is not one of its pins (GSIs 0-23)");
	assert_int_equal(irqlab_ioapic_mask(f->io, 24, true, &msg), -ERANGE);
	assert_int_equal(irqlab_ioapic_eoi_vector(f->io, 24), -ERANGE);
	assert_int_equal(irqlab_ioapic_rte(f->io, 24), 0);
	assert_false(irqlab_ioapic_remote_irr(f->io, 24));
	assert_false(irqlab_ioapic_line(f->io, 24));
	assert_null(irqlab_ioapic_pin_irq(f->io, 24));
	assert_int_equal(irqlab_ioapic_eoi(f->io, 0x100, &msg, NULL), 0);
	irqlab_ioapic_free_pin(f->io, 24); /* nothing there: nothing happens */

	/* A second IO-APIC from GSI 24, no domain yet. */
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_ioapic_new(f->k, 1, 24, 8, 0x00f0, &io2), 0);
	assert_int_equal(irqlab_ioapic_alloc_pin(io2, 25, false, false, NULL, 0, &irq), -ENODEV);
	assert_string_equal(irqlab_kernel_error(f->k), "IO-APIC-1 pin 1 (GSI 25): no domain yet");
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_ioapic_alloc_pin(io2, 5, false, false, NULL, 0, &irq), -ERANGE);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "IO-APIC-1: GSI 5 is not one of its pins (GSIs 24-31)");
	assert_int_equal(irqlab_ioapic_domain(io2, f->vec), 0);
	irq = alloc_pin(f, 6, false, false);
	assert_int_equal(irqlab_ioapic_alloc_pin(io2, 31, false, false, NULL, 7, &irq), 0);
	assert_int_equal(irqlab_ioapic_irq_gsi(io2, irq), 31);
	assert_int_equal(irqlab_ioapic_irq_gsi(f->io, irq), -ENOENT);
	assert_int_equal(irq->top->hwirq, 7);
	assert_null(irq->dev);
	assert_int_equal(irq->index, 7);
	assert_kernel_clean(f->k);
	/* Freed before the kernel: its pins and its domain go with it. */
	irqlab_ioapic_free(io2);
	assert_null(irqlab_domain_find(f->k, "IO-APIC-1"));
	assert_kernel_clean(f->k);

	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_ioapic_new(f->k, 2, 0, 0, 0, &io2), -EINVAL);
	assert_string_equal(irqlab_kernel_error(f->k), "IO-APIC-2: 0 pins (1-256 possible)");
	assert_int_equal(irqlab_ioapic_new(f->k, 2, 0, 257, 0, &io2), -EINVAL);
	assert_int_equal(irqlab_ioapic_new(f->k, 2, 0xffffff00u, 256, 0, &io2), 0);
	irqlab_ioapic_free(io2);
	assert_int_equal(irqlab_ioapic_new(f->k, 2, 0xffffff01u, 256, 0, &io2), -EINVAL);
	/* Two IO-APICs with one id cannot both have a domain. */
	assert_int_equal(irqlab_ioapic_new(f->k, 0, 100, 4, 0, &io2), 0);
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_ioapic_domain(io2, f->vec), -EEXIST);
	assert_string_equal(irqlab_kernel_error(f->k),
			    "IO-APIC-0: domain IO-APIC-0: already exists in host");
	irqlab_ioapic_free(io2);
	assert_kernel_clean(f->k);
}

/* The out-of-memory paths of irqlab_ioapic_new. */
static void test_new_fault_walk(void **state)
{
	struct fixture *f = *state;
	struct irqlab_ioapic *io;

	for (unsigned long nth = 1; nth <= 3; nth++) {
		irqlab_kernel_clear_error(f->k);
		irqlab_fault_arm(&f->fault, nth);
		assert_int_equal(irqlab_ioapic_new(f->k, 3, 40, 4, 0, &io), -ENOMEM);
		assert_string_equal(irqlab_kernel_error(f->k), "IO-APIC-3: out of memory");
	}
	irqlab_fault_arm(&f->fault, 4);
	assert_int_equal(irqlab_ioapic_new(f->k, 3, 40, 4, 0, &io), 0);
	irqlab_fault_arm(&f->fault, 0);
	irqlab_ioapic_free(io);
}

static void test_free_pin_resets(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg;
	struct irqlab_irq *irq = start_pin(f, 5, true, false);

	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, true, &msg), 1);
	assert_true(irqlab_ioapic_remote_irr(f->io, 5));
	irqlab_ioapic_free_pin(f->io, 5);
	assert_null(irqlab_ioapic_pin_irq(f->io, 5));
	/* Reset value: masked, edge, and so no remote IRR. The line is the device's. */
	assert_int_equal(irqlab_ioapic_rte(f->io, 5), 0x0000000000010000ull);
	assert_false(irqlab_ioapic_remote_irr(f->io, 5));
	assert_true(irqlab_ioapic_line(f->io, 5));
	assert_kernel_clean(f->k);
	/* The next owner starts clean and gets the still-asserted line at unmask. */
	irq = alloc_pin(f, 5, true, false);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_int_equal(irqlab_ioapic_mask(f->io, 5, false, &msg), 1);
	assert_compat_msg(&msg, cfg_of(irq).cpu, cfg_of(irq).vector, true);
	assert_kernel_clean(f->k);
}

/* The checker sees an RTE that no longer says what the vector level says. */
static void test_check_detects_stale_rte(void **state)
{
	struct fixture *f = *state;
	struct irqlab_irq *irq = start_pin(f, 5, true, false);
	struct irqlab_cpumask mask = cpu_mask(2);
	char why[512];

	/* Moved behind the IO-APIC's back: only the vector level knows. */
	assert_int_equal(irqlab_irq_set_affinity_parent(irq->top, &mask, false),
			 IRQLAB_SET_AFFINITY_OK);
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "IO-APIC-0: pin 5: RTE targets APIC 0 vector 0x20, the vector "
				 "level CPU 2 vector 0x20");
	/* The proper move repairs it. */
	assert_int_equal(irqlab_irq_set_affinity(irq, &mask, false), IRQLAB_SET_AFFINITY_OK);
	assert_kernel_clean(f->k);
}

static void test_dump(void **state)
{
	struct fixture *f = *state;
	struct irqlab_msi_msg msg;
	char *text, *again;

	start_pin(f, 5, true, true);
	alloc_pin(f, 3, false, false);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 5, true, &msg), 1);
	assert_int_equal(irqlab_ioapic_set_line(f->io, 8, true, &msg), 0);
	text = kernel_dump(f->k);
	assert_non_null(strstr(text, "domain IO-APIC-0 parent=VECTOR irqs=2 children=0\n"
				     "  ioapic IO-APIC-0 gsi=0-23 sid=00:1f.0 allocated=2\n"
				     "  pin 3 gsi=3 rte=0x0000000000010000 edge high masked irq=2\n"
				     "  pin 5 gsi=5 rte=0x000000000000e020 level low remote-irr "
				     "asserted irq=1\n"
				     "  pin 8 gsi=8 rte=0x0000000000010000 edge high masked "
				     "asserted\n"));
	assert_non_null(strstr(text, "  IO-APIC-0 hwirq=5 active pin=5 gsi=5 "
				     "rte=0x000000000000e020 level low remote-irr\n"));
	assert_non_null(strstr(text, "  IO-APIC-0 hwirq=3 pin=3 gsi=3 "
				     "rte=0x0000000000010000 edge high masked\n"));
	again = kernel_dump(f->k);
	assert_string_equal(text, again);
	free(text);
	free(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_domain_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rte_compat_after_activation, setup, teardown),
		cmocka_unit_test(test_rte_compat_ext_dest),
		cmocka_unit_test_setup_teardown(test_rte_remapped_after_activation, setup_ir,
						teardown),
		cmocka_unit_test(test_rte_remapped_index15),
		cmocka_unit_test_setup_teardown(test_level_remote_irr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_pins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eoi_shared_vector, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ir_delivery, setup_ir, teardown),
		cmocka_unit_test_setup_teardown(test_affinity_rewrites_rte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_affinity_ir_leaves_rte, setup_ir, teardown),
		cmocka_unit_test_setup_teardown(test_fault_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_walk_ir, setup_ir, teardown),
		cmocka_unit_test_setup_teardown(test_standin_parent, setup_standin, teardown),
		cmocka_unit_test_setup_teardown(test_fault_walk_standin, setup_standin, teardown),
		cmocka_unit_test_setup_teardown(test_fault_walk_affinity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_walk_affinity_ir, setup_ir, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_fault_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_pin_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_detects_stale_rte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
