// SPDX-License-Identifier: MIT
/*
 * The remap (IR) domain. See remap_domain.h; the rules are Linux's intel_irq_remapping
 * (reference/linux.md §5), the comments say why.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "irqlab/pci_rid.h"

#include "iommu/remap_domain.h"
#include "x86/irq_alloc.h"
#include "x86/vector_domain.h"

/* The largest APIC id an xAPIC-mode IRTE can name (DST bits 15:8). */
#define XAPIC_MAX_APICID 0xffu

struct remap_domain {
	struct irqlab_ir_unit *unit; /* owned by the caller; outlives the domain */
	bool virtual_unit;
	bool ims_anyway; /* a kernel that never asks whether its unit is virtual */
};

/*
 * One IRTE block, shared by the interrupts of one allocation (a multi-MSI group). It goes
 * back to the unit with the last of them, so no interrupt ever holds an index into a
 * released block, however the group is freed.
 */
struct remap_block {
	unsigned base;
	unsigned count; /* as allocated: the unit rounds it up to a power of two */
	unsigned users;
};

/* Per-interrupt state (Linux: struct intel_ir_data / irq_2_iommu). */
struct remap_irq {
	struct remap_block *block;
	unsigned offset;    /* its IRTE is block->base + offset (multi-MSI: vector i) */
	uint16_t subhandle; /* the message's data word */
	uint16_t sid;	    /* the requester id its IRTE verifies */
};

static const struct irqlab_domain_ops remap_domain_ops;

static struct remap_domain *rd_of(struct irqlab_domain *d)
{
	return d->priv;
}

static unsigned irte_index(const struct remap_irq *ri)
{
	return ri->block->base + ri->offset;
}

static unsigned block_size(unsigned count)
{
	unsigned size = 1;

	while (size < count)
		size <<= 1;
	return size;
}

static void block_put(struct remap_domain *rd, struct remap_block *blk)
{
	if (--blk->users)
		return;
	irqlab_ir_unit_free_irtes(rd->unit, blk->base, blk->count);
	free(blk);
}

static void remap_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);
		struct remap_irq *ri = data->chip_data;

		if (!ri)
			continue;
		block_put(rd_of(d), ri->block);
		free(ri);
		data->chip_data = NULL;
	}
	irqlab_domain_free_parent(d, irqs, n);
}

static int remap_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
		       const struct irqlab_alloc_info *info)
{
	const struct irqlab_x86_alloc *x86 = irqlab_x86_alloc_of(info->arch);
	struct remap_domain *rd = rd_of(d);
	struct irqlab_kernel *k = d->kernel;
	struct irqlab_alloc_info parent_info = *info;
	struct remap_block *blk;
	unsigned base, i = 0;
	int err;

	/* Every IRTE validates a source id: the bus must say whose messages these are. */
	if (!x86)
		return irqlab_kernel_fail(k, -EINVAL, "%s: an allocation must name its source id",
					  d->name);
	/* Only multi-MSI puts several vectors behind one message (one handle). */
	if (n > 1 &&
	    (x86->type != IRQLAB_ALLOC_PCI_MSI || !(info->flags & IRQLAB_ALLOC_F_CONTIGUOUS)))
		return irqlab_kernel_fail(k, -EINVAL,
					  "%s: %u interrupts in one allocation are only possible "
					  "for multi-MSI",
					  d->name, n);
	/* The IRTE block makes the group contiguous: the vectors behind it need not be. */
	parent_info.flags &= ~IRQLAB_ALLOC_F_CONTIGUOUS;
	err = irqlab_domain_alloc_parent(d, irqs, n, &parent_info);
	if (err)
		return err;
	err = irqlab_ir_unit_alloc_irtes(rd->unit, n, &base);
	if (err) {
		err = irqlab_kernel_fail(
			k, err, "IR unit %s: no free block of %u IRTEs (%u of %u in use)",
			irqlab_ir_unit_name(rd->unit), block_size(n), irqlab_ir_unit_used(rd->unit),
			irqlab_ir_unit_size(rd->unit));
		goto out_free_parent;
	}
	blk = irqlab_fault_zalloc(k->fault, sizeof(*blk));
	if (!blk) {
		err = irqlab_kernel_fail(k, -ENOMEM, "%s: out of memory", d->name);
		goto out_free_irtes;
	}
	blk->base = base;
	blk->count = n;
	for (i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);
		struct remap_irq *ri = irqlab_fault_zalloc(k->fault, sizeof(*ri));

		if (!ri) {
			err = irqlab_kernel_fail(k, -ENOMEM, "%s: out of memory", d->name);
			goto out_free_chip_data;
		}
		ri->block = blk;
		blk->users++;
		ri->offset = i;
		/*
		 * Multi-MSI vector i carries subhandle i; an IO-APIC puts its pin there (the RTE's
		 * vector field, for EOI matching) but sends no SHV, so its entry is the handle's.
		 */
		ri->subhandle = (uint16_t)(x86->type == IRQLAB_ALLOC_IOAPIC ? x86->ioapic_pin : i);
		ri->sid = x86->requester_id;
		data->chip_data = ri;
		data->hwirq = (base << 16) + ri->subhandle;
	}
	return 0;

out_free_chip_data:
	while (i-- > 0) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);

		free(data->chip_data);
		data->chip_data = NULL;
		data->hwirq = 0;
	}
	free(blk);
out_free_irtes:
	irqlab_ir_unit_free_irtes(rd->unit, base, n);
out_free_parent:
	irqlab_domain_free_parent(d, irqs, n);
	return err;
}

/* The IRTE for the parent's current target, written as one update (Linux's prepare_irte). */
static int program_irte(struct irqlab_domain *d, struct irqlab_irq_data *data)
{
	struct remap_domain *rd = rd_of(d);
	struct remap_irq *ri = data->chip_data;
	struct irqlab_irq_cfg cfg;
	struct irqlab_irte_remapped f = {
		.present = true,
		.redirect_hint = true,
		.delivery_mode = IRQLAB_DLM_FIXED,
		.svt = IRQLAB_IRTE_SVT_SID_SQ,
		.sq = IRQLAB_IRTE_SQ_ALL,
		.sid = ri->sid,
	};
	struct irqlab_irte e;
	int err;

	err = irqlab_vector_irq_cfg(data, &cfg);
	if (err)
		return irqlab_kernel_fail(d->kernel, err, "irq %u: %s has no vector level below it",
					  data->irq->virq, d->name);
	err = irqlab_irte_dest_encode(cfg.cpu, irqlab_ir_unit_eime(rd->unit), &f.dest);
	if (err)
		return irqlab_kernel_fail(d->kernel, err,
					  "irq %u: APIC id %u does not fit an IRTE of %s without "
					  "x2APIC mode (EIME)",
					  data->irq->virq, cfg.cpu, irqlab_ir_unit_name(rd->unit));
	f.vector = (uint8_t)cfg.vector;
	err = irqlab_irte_encode_remapped(&f, &e);
	if (err)
		return irqlab_kernel_fail(d->kernel, err, "irq %u: cannot encode IRTE 0x%04x",
					  data->irq->virq, irte_index(ri));
	irqlab_ir_unit_write_irte(rd->unit, irte_index(ri), &e);
	return 0;
}

static int remap_activate(struct irqlab_domain *d, struct irqlab_irq_data *data, bool reserve)
{
	/* A reservation targets the placeholder vector: the IRTE says so too. */
	return program_irte(d, data);
}

static void remap_deactivate(struct irqlab_domain *d, struct irqlab_irq_data *data)
{
	static const struct irqlab_irte cleared;
	struct remap_irq *ri = data->chip_data;

	/* P = 0: whatever still arrives for this entry faults (0x22) instead of landing. */
	irqlab_ir_unit_write_irte(rd_of(d)->unit, irte_index(ri), &cleared);
}

static int remap_set_affinity(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
			      bool force)
{
	struct irqlab_domain *d = data->domain;
	struct irqlab_cpumask usable;
	int ret;

	/* An xAPIC-mode IRTE names APIC ids up to 255: steer the vector level to those. */
	if (!irqlab_ir_unit_eime(rd_of(d)->unit)) {
		struct irqlab_cpumask xapic;

		irqlab_cpumask_zero(&xapic);
		irqlab_cpumask_set_range(&xapic, 0, XAPIC_MAX_APICID);
		if (!irqlab_cpumask_and(&usable, mask, &xapic))
			return irqlab_kernel_fail(d->kernel, -EINVAL,
						  "irq %u: %s reaches only APIC ids 0-255 without "
						  "x2APIC mode",
						  data->irq->virq, d->name);
		mask = &usable;
	}
	ret = irqlab_irq_set_affinity_parent(data, mask, force);
	if (ret < 0)
		return ret;
	if (data->activated) {
		ret = program_irte(d, data);
		if (ret)
			return ret;
	}
	/* One atomic IRTE update leaves nothing in flight to the old vector: free it now. */
	irqlab_vector_cleanup_now(data);
	return IRQLAB_SET_AFFINITY_OK_DONE;
}

static int remap_compose_msg(struct irqlab_irq_data *data, struct irqlab_msi_msg *msg)
{
	struct remap_irq *ri = data->chip_data;
	struct irqlab_msi_remap f = {
		.handle = (uint16_t)ri->block->base,
		.shv = true,
		.subhandle = ri->subhandle,
	};

	irqlab_msi_remap_encode(&f, msg);
	return 0;
}

static int remap_accept_child(struct irqlab_domain *d, unsigned required, struct irqlab_strbuf *why)
{
	const unsigned offered = IRQLAB_REQ_MSI | IRQLAB_REQ_MSIX | IRQLAB_REQ_MULTI_MSI |
				 IRQLAB_REQ_IOAPIC | IRQLAB_REQ_IMS | IRQLAB_REQ_QUEUE_STORE;
	unsigned bad = required & ~offered;

	if (bad) {
		irqlab_strbuf_printf(why, "%s is not offered by interrupt remapping",
				     irqlab_req_name(bad & -bad));
		return -EOPNOTSUPP;
	}
	/*
	 * A virtual unit (caching mode) is backed by the hypervisor only for the message writes
	 * it traps and understands (MSI, MSI-X). An IMS store is device-specific, possibly in
	 * queue memory: the host never sees the guest's message, so the guest's handle would
	 * reach the real IOMMU with no host IRTE behind it. Linux refuses IMS there too.
	 */
	if (rd_of(d)->virtual_unit && !rd_of(d)->ims_anyway && (required & IRQLAB_REQ_IMS)) {
		irqlab_strbuf_printf(
			why,
			"%s is not offered by the virtual IR unit %s (caching mode): "
			"the kernel allows IMS only under a non-virtual IR unit or a "
			"hypercall parent (ims=ir), as its handles mean nothing to the "
			"host's IR unit",
			irqlab_req_name(IRQLAB_REQ_IMS), irqlab_ir_unit_name(rd_of(d)->unit));
		return -EOPNOTSUPP;
	}
	return 0;
}

static int check_irq(struct irqlab_domain *d, struct irqlab_irq_data *data,
		     struct irqlab_strbuf *why)
{
	struct irqlab_ir_unit *unit = rd_of(d)->unit;
	struct remap_irq *ri = data->chip_data;
	unsigned virq = data->irq->virq, index, size;
	struct irqlab_irte_remapped f;
	struct irqlab_irq_cfg cfg;
	const struct irqlab_irte *e;

	if (!ri)
		return irqlab_check_fail(why, "%s: irq %u has no IRTE", d->name, virq);
	size = block_size(ri->block->count);
	index = irte_index(ri);
	if (ri->offset >= ri->block->count || ri->block->users == 0 || ri->block->base % size)
		return irqlab_check_fail(why,
					 "%s: irq %u: IRTE 0x%04x is not in its block 0x%04x+%u",
					 d->name, virq, index, ri->block->base, ri->block->count);
	for (unsigned i = ri->block->base; i < ri->block->base + size; i++)
		if (!irqlab_ir_unit_irte_allocated(unit, i))
			return irqlab_check_fail(
				why, "%s: irq %u: block 0x%04x+%u of %s is not allocated", d->name,
				virq, ri->block->base, size, irqlab_ir_unit_name(unit));
	e = irqlab_ir_unit_irte(unit, index);
	if (irqlab_irte_decode_remapped(e, &f))
		return irqlab_check_fail(why, "%s: irq %u: IRTE 0x%04x is in posted mode", d->name,
					 virq, index);
	/*
	 * An early, reservation-only activation leaves the IRTE present (on the placeholder)
	 * with the levels marked inactive, as Linux does: a present entry is fine either way,
	 * as long as it says what the vector level says.
	 */
	if (!f.present) {
		if (data->activated)
			return irqlab_check_fail(
				why, "%s: irq %u is active but IRTE 0x%04x is not present", d->name,
				virq, index);
		return 0;
	}
	if (irqlab_vector_irq_cfg(data, &cfg))
		return irqlab_check_fail(why, "%s: irq %u has no vector level", d->name, virq);
	if (f.vector != cfg.vector ||
	    irqlab_irte_dest_decode(f.dest, irqlab_ir_unit_eime(unit)) != cfg.cpu ||
	    f.sid != ri->sid)
		return irqlab_check_fail(
			why,
			"%s: irq %u: IRTE 0x%04x targets CPU %u vector 0x%x sid %04x, "
			"the vector level CPU %u vector 0x%x sid %04x",
			d->name, virq, index,
			irqlab_irte_dest_decode(f.dest, irqlab_ir_unit_eime(unit)), f.vector, f.sid,
			cfg.cpu, cfg.vector, ri->sid);
	return 0;
}

static int remap_check(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	struct irqlab_kernel *k = d->kernel;
	int err = irqlab_ir_unit_check(rd_of(d)->unit, why);

	for (unsigned v = 0; v < k->irq_slots && !err; v++) {
		struct irqlab_irq_data *data =
			k->irqs[v] ? irqlab_irq_data_of(k->irqs[v], d) : NULL;

		if (data)
			err = check_irq(d, data, why);
	}
	return err;
}

static int remap_check_irq(struct irqlab_irq_data *data, struct irqlab_strbuf *why)
{
	return check_irq(data->domain, data, why);
}

/* The unit's entries written since the last check; the interrupts are checked one by one. */
static int remap_check_changed(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	return irqlab_ir_unit_check_changed(rd_of(d)->unit, why);
}

static void remap_dump(struct irqlab_domain *d, struct irqlab_strbuf *out)
{
	irqlab_strbuf_printf(out, "  remap unit=%s%s\n", irqlab_ir_unit_name(rd_of(d)->unit),
			     rd_of(d)->virtual_unit ? " virtual" : "");
	irqlab_ir_unit_dump(rd_of(d)->unit, out);
}

static void remap_dump_irq(struct irqlab_irq_data *data, struct irqlab_strbuf *out)
{
	struct remap_irq *ri = data->chip_data;
	char sid[16];

	irqlab_pci_rid_format(ri->sid, sid, sizeof(sid));
	irqlab_strbuf_printf(out, " irte=0x%04x block=0x%04x+%u subhandle=%u sid=%s",
			     irte_index(ri), ri->block->base, ri->block->count, ri->subhandle, sid);
}

static void remap_destroy(struct irqlab_domain *d)
{
	free(d->priv);
}

static const struct irqlab_domain_ops remap_domain_ops = {
	.alloc = remap_alloc,
	.free = remap_free,
	.activate = remap_activate,
	.deactivate = remap_deactivate,
	/* The device keeps its handle: only the IRTE changes, in one atomic update. */
	.moves_in_process_context = true,
	.set_affinity = remap_set_affinity,
	.compose_msg = remap_compose_msg,
	.accept_child = remap_accept_child,
	.check = remap_check,
	.check_irq = remap_check_irq,
	.check_changed = remap_check_changed,
	.dump = remap_dump,
	.dump_irq = remap_dump_irq,
	.destroy = remap_destroy,
};

int irqlab_remap_domain_create(struct irqlab_kernel *k, struct irqlab_domain *parent,
			       struct irqlab_ir_unit *unit, bool virtual_unit,
			       struct irqlab_domain **out)
{
	struct remap_domain *rd;
	struct irqlab_domain *d;
	char name[64];
	int err;

	if (!parent || !unit)
		return irqlab_kernel_fail(k, -EINVAL, "kernel %s: a remap domain needs %s", k->name,
					  unit ? "a parent domain" : "an IR unit");
	rd = irqlab_fault_zalloc(k->fault, sizeof(*rd));
	if (!rd)
		return irqlab_kernel_fail(k, -ENOMEM, "IR unit %s: no memory for its domain",
					  irqlab_ir_unit_name(unit));
	rd->unit = unit;
	rd->virtual_unit = virtual_unit;
	/* Linux names the domain after the unit's number, the unit itself "dmar%d". */
	snprintf(name, sizeof(name), "INTEL-IR-%u", irqlab_ir_unit_seq_id(unit));
	err = irqlab_domain_create(k, parent, &remap_domain_ops, name, 0, rd, &d);
	if (err) {
		free(rd);
		return err;
	}
	snprintf(d->child_prefix, sizeof(d->child_prefix), "%s", virtual_unit ? "vIR-" : "IR-");
	*out = d;
	return 0;
}

void irqlab_remap_domain_offer_ims(struct irqlab_domain *d)
{
	rd_of(d)->ims_anyway = true;
}

struct irqlab_ir_unit *irqlab_remap_domain_unit(struct irqlab_domain *d)
{
	return d && d->ops == &remap_domain_ops ? rd_of(d)->unit : NULL;
}

bool irqlab_remap_domain_virtual(struct irqlab_domain *d)
{
	return d && d->ops == &remap_domain_ops && rd_of(d)->virtual_unit;
}

/* The remap level at or below @data, or NULL. */
static struct irqlab_irq_data *remap_level(struct irqlab_irq_data *data)
{
	for (; data; data = data->parent)
		if (data->domain->ops == &remap_domain_ops)
			return data;
	return NULL;
}

int irqlab_remap_irq_index(struct irqlab_irq_data *data)
{
	struct irqlab_irq_data *level = remap_level(data);
	struct remap_irq *ri = level ? level->chip_data : NULL;

	return ri ? (int)irte_index(ri) : -ENOENT;
}

int irqlab_remap_irq_sid(struct irqlab_irq_data *data)
{
	struct irqlab_irq_data *level = remap_level(data);
	struct remap_irq *ri = level ? level->chip_data : NULL;

	return ri ? ri->sid : -ENOENT;
}
