// SPDX-License-Identifier: MIT
/*
 * One VT-d interrupt-remapping unit. The checks follow the VT-d spec's order (reference/
 * hyp-vmm.md §1, linux.md §5); where QEMU departs from the spec, the spec wins:
 * - compatibility-format messages are blocked (0x25) unless CFI is set and EIME is clear;
 * - SVT = 2 reads the SID field as start bus in 15:8 and end bus in 7:0, the layout Linux
 *   writes (set_irte_verify_bus) and the spec describes (QEMU reads the two bytes the other
 *   way round);
 * - FPD = 1 silences every fault found once the IRTE is read, the data-word check included.
 * The unit offers no posted interrupts (CAP.PI = 0): a present entry with IM = 1 is a
 * reserved-field fault (0x24), and so is an xAPIC-mode (EIME = 0) destination with bits set
 * outside DST 15:8.
 *
 * Beside the table the unit keeps each entry decoded, as the hardware's interrupt entry cache
 * does, so that a message costs one 16-byte read instead of a full decode. The table changes
 * only through write and release, which refresh the decoded copy at once: it is never stale
 * (irqlab_ir_unit_check() proves it), so no invalidation is modelled.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/pci_rid.h"

#include "iommu/irte_alloc.h"
#include "iommu/ir_unit.h"

#define NR_REASONS (IRQLAB_IR_FAULT_SID - IRQLAB_IR_FAULT_REQ_RSVD + 1)

/* What an entry means to a message, decoded once per write. */
enum entry_state {
	ENTRY_NOT_PRESENT = 0, /* so a zeroed cache matches a zeroed table */
	ENTRY_RESERVED,	       /* present, with reserved bits or in posted mode */
	ENTRY_USABLE,
};

/* 16 bytes, no padding, so that two copies compare with memcmp(). */
struct decoded_irte {
	uint32_t dest; /* the APIC id, as the unit's EIME reads DST */
	uint16_t sid;
	uint8_t vector;
	uint8_t state; /* enum entry_state */
	uint8_t delivery_mode;
	uint8_t svt;
	uint8_t sq;
	bool fpd;
	bool dest_logical;
	bool trigger_level;
	uint8_t unused[2];
};
_Static_assert(sizeof(struct decoded_irte) == 16, "decoded IRTEs must have no padding");

struct irqlab_ir_unit {
	char name[32];
	unsigned seq_id;
	unsigned nr_entries;
	bool cfi, eime, caching_mode;
	irqlab_irte_write_fn on_write;
	void *on_write_ctx;
	/*
	 * Groups of 64 entries written since the last check: the checker verifies only those
	 * (a table of 65,536 entries is too large to decode after every statement).
	 */
	uint64_t dirty[IRQLAB_IRTE_MAX_ENTRIES / 64 / 64];
	struct irqlab_fault *fault;
	struct irqlab_irte_alloc *alloc;
	struct irqlab_irte *table;  /* nr_entries x 128 bits, the layout the hardware reads */
	struct decoded_irte *cache; /* table[i] decoded, for the message path */
	/* The fault log: the first IRQLAB_IR_FAULT_LOG_MAX records since the last clear. */
	struct irqlab_ir_fault_record *log;
	size_t nr_log;
	unsigned long dropped;		    /* reported, but the log was full */
	unsigned long reported[NR_REASONS]; /* faults not silenced by FPD, per reason */
	unsigned long nr_reported;
	unsigned long blocked; /* every blocked message, silenced ones included */
};

/*
 * The SQ masks for SVT = 1: which requester-id bits are compared. SQ 1..3 ignore function
 * bits of the BDF (bit 2, bits 2:1, bits 2:0), for devices that use several functions.
 */
static const uint16_t sq_compare_mask[4] = {0xffff, 0xfffb, 0xfff9, 0xfff8};

static unsigned order_of(unsigned count)
{
	unsigned order = 0;

	while ((1u << order) < count)
		order++;
	return order;
}

struct irqlab_ir_unit *irqlab_ir_unit_create(const struct irqlab_ir_unit_config *cfg,
					     struct irqlab_fault *fault)
{
	struct irqlab_ir_unit *u;

	if (!cfg || !cfg->name || !cfg->name[0] || cfg->nr_entries < IRQLAB_IRTE_MIN_ENTRIES ||
	    cfg->nr_entries > IRQLAB_IRTE_MAX_ENTRIES || (cfg->nr_entries & (cfg->nr_entries - 1)))
		return NULL;
	u = irqlab_fault_zalloc(fault, sizeof(*u));
	if (!u)
		return NULL;
	snprintf(u->name, sizeof(u->name), "%s", cfg->name);
	u->seq_id = cfg->seq_id;
	u->nr_entries = cfg->nr_entries;
	u->cfi = cfg->cfi;
	u->eime = cfg->eime;
	u->caching_mode = cfg->caching_mode;
	u->fault = fault;
	u->table = irqlab_fault_zalloc(fault, (size_t)cfg->nr_entries * sizeof(*u->table));
	if (!u->table)
		goto out_free_unit;
	u->cache = irqlab_fault_zalloc(fault, (size_t)cfg->nr_entries * sizeof(*u->cache));
	if (!u->cache)
		goto out_free_table;
	u->log = irqlab_fault_zalloc(fault, IRQLAB_IR_FAULT_LOG_MAX * sizeof(*u->log));
	if (!u->log)
		goto out_free_cache;
	if (irqlab_fault_point(fault, "memory", -ENOMEM))
		goto out_free_log;
	u->alloc = irqlab_irte_alloc_create(cfg->nr_entries);
	if (!u->alloc)
		goto out_free_log;
	return u;

out_free_log:
	free(u->log);
out_free_cache:
	free(u->cache);
out_free_table:
	free(u->table);
out_free_unit:
	free(u);
	return NULL;
}

void irqlab_ir_unit_destroy(struct irqlab_ir_unit *u)
{
	if (!u)
		return;
	irqlab_irte_alloc_destroy(u->alloc);
	free(u->log);
	free(u->cache);
	free(u->table);
	free(u);
}

const char *irqlab_ir_unit_name(const struct irqlab_ir_unit *u)
{
	return u->name;
}

unsigned irqlab_ir_unit_seq_id(const struct irqlab_ir_unit *u)
{
	return u->seq_id;
}

unsigned irqlab_ir_unit_size(const struct irqlab_ir_unit *u)
{
	return u->nr_entries;
}

bool irqlab_ir_unit_eime(const struct irqlab_ir_unit *u)
{
	return u->eime;
}

bool irqlab_ir_unit_cfi(const struct irqlab_ir_unit *u)
{
	return u->cfi;
}

int irqlab_ir_unit_alloc_irtes(struct irqlab_ir_unit *u, unsigned count, unsigned *index)
{
	unsigned order;
	int ret;

	if (count == 0)
		return -EINVAL;
	if (irqlab_fault_point(u->fault, "irte", -ENOSPC))
		return -ENOSPC;
	if (count > u->nr_entries)
		return -ENOSPC;
	order = order_of(count);
	ret = irqlab_irte_alloc_block(u->alloc, order);
	if (ret < 0)
		return -ENOSPC;
	*index = (unsigned)ret;
	return 0;
}

static void mark_dirty(struct irqlab_ir_unit *u, unsigned index)
{
	unsigned group = index / 64;

	u->dirty[group / 64] |= UINT64_C(1) << (group % 64);
}

void irqlab_ir_unit_free_irtes(struct irqlab_ir_unit *u, unsigned index, unsigned count)
{
	unsigned order = order_of(count ? count : 1);

	if (count > u->nr_entries || index >= u->nr_entries || (index & ((1u << order) - 1)))
		return;
	/* Cleared before the block can be handed out again: no stale entry survives. */
	memset(u->table + index, 0, sizeof(*u->table) << order);
	memset(u->cache + index, 0, sizeof(*u->cache) << order);
	for (unsigned i = index; i < index + (1u << order); i += 64)
		mark_dirty(u, i);
	irqlab_irte_free_block(u->alloc, index, order);
}

bool irqlab_ir_unit_irte_allocated(const struct irqlab_ir_unit *u, unsigned index)
{
	return irqlab_irte_alloc_test(u->alloc, index);
}

/*
 * Everything the checks after the lookup need, through the format decoders. Posted entries
 * and reserved bits are settled here, once, instead of for every message.
 */
static void decode_entry(const struct irqlab_ir_unit *u, const struct irqlab_irte *e,
			 struct decoded_irte *d)
{
	struct irqlab_irte_remapped f;
	struct irqlab_irte_posted p;

	memset(d, 0, sizeof(*d));
	if (irqlab_irte_decode_remapped(e, &f)) {
		/* Posted mode (IM = 1): this unit cannot post, so IM is a reserved bit. */
		irqlab_irte_decode_posted(e, &p);
		d->fpd = p.fpd;
		d->state = p.present ? ENTRY_RESERVED : ENTRY_NOT_PRESENT;
		return;
	}
	d->fpd = f.fpd;
	if (!f.present)
		return;
	/* In xAPIC mode the DST bits around the 8-bit APIC id are reserved as well. */
	if (irqlab_irte_reserved(e, NULL, NULL) ||
	    (!u->eime && (f.dest & ~IRQLAB_IRTE_DST_XAPIC_MASK))) {
		d->state = ENTRY_RESERVED;
		return;
	}
	d->state = ENTRY_USABLE;
	d->dest = irqlab_irte_dest_decode(f.dest, u->eime);
	d->sid = f.sid;
	d->vector = f.vector;
	d->delivery_mode = f.delivery_mode;
	d->svt = f.svt;
	d->sq = f.sq;
	d->dest_logical = f.dest_logical;
	d->trigger_level = f.trigger_level;
}

void irqlab_ir_unit_write_irte(struct irqlab_ir_unit *u, unsigned index,
			       const struct irqlab_irte *e)
{
	if (index >= u->nr_entries)
		return;
	/*
	 * The model runs one message at a time, so replacing the struct is the 128-bit atomic
	 * store (cmpxchg16b on real hardware): no message ever sees the old low word with the
	 * new high word.
	 */
	u->table[index] = *e;
	decode_entry(u, e, &u->cache[index]);
	mark_dirty(u, index);
	if (u->on_write)
		u->on_write(u->on_write_ctx, index);
}

bool irqlab_ir_unit_caching_mode(const struct irqlab_ir_unit *u)
{
	return u->caching_mode;
}

void irqlab_ir_unit_watch_writes(struct irqlab_ir_unit *u, irqlab_irte_write_fn fn, void *ctx)
{
	u->on_write = fn;
	u->on_write_ctx = ctx;
}

const struct irqlab_irte *irqlab_ir_unit_irte(const struct irqlab_ir_unit *u, unsigned index)
{
	return index < u->nr_entries ? &u->table[index] : NULL;
}

unsigned irqlab_ir_unit_used(const struct irqlab_ir_unit *u)
{
	return irqlab_irte_alloc_used(u->alloc);
}

static void block(struct irqlab_ir_unit *u, enum irqlab_mode mode, struct irqlab_ir_result *res,
		  uint8_t reason, uint16_t sid, uint32_t index, bool report)
{
	res->blocked = true;
	res->reason = reason;
	res->index = index;
	if (mode == IRQLAB_PROBE) {
		res->silenced = !report;
		return;
	}
	u->blocked++;
	if (!report) {
		res->silenced = true;
		return;
	}
	u->reported[reason - IRQLAB_IR_FAULT_REQ_RSVD]++;
	u->nr_reported++;
	if (u->nr_log == IRQLAB_IR_FAULT_LOG_MAX) {
		u->dropped++;
		return;
	}
	u->log[u->nr_log].reason = reason;
	u->log[u->nr_log].sid = sid;
	u->log[u->nr_log].index = index;
	u->nr_log++;
	res->recorded = true;
}

static bool source_verified(const struct decoded_irte *f, uint16_t sid)
{
	unsigned bus = sid >> 8;

	switch (f->svt) {
	case IRQLAB_IRTE_SVT_NONE:
		return true;
	case IRQLAB_IRTE_SVT_SID_SQ:
		return ((sid ^ f->sid) & sq_compare_mask[f->sq & 3]) == 0;
	case IRQLAB_IRTE_SVT_BUS:
		/* Start bus in SID 15:8, end bus in 7:0: a bridge and the bus behind it. */
		return bus >= (unsigned)(f->sid >> 8) && bus <= (unsigned)(f->sid & 0xff);
	default:
		return false; /* SVT = 3 is reserved: nothing verifies */
	}
}

static void pass_compat(struct irqlab_ir_unit *u, const struct irqlab_msi_msg *msg, uint16_t sid,
			enum irqlab_mode mode, struct irqlab_ir_result *res)
{
	struct irqlab_msi_compat c;

	/* EIME makes 8-bit compatibility destinations meaningless: blocked whatever CFI says. */
	if (!u->cfi || u->eime || irqlab_msi_compat_decode(msg, false, &c)) {
		block(u, mode, res, IRQLAB_IR_FAULT_COMPAT, sid, 0, true);
		return;
	}
	res->passthrough = true;
	res->vector = c.vector;
	res->dest = c.dest;
	res->dest_logical = c.dest_logical;
	res->delivery_mode = c.delivery_mode;
	res->trigger_level = c.trigger_level;
}

void irqlab_ir_unit_remap(struct irqlab_ir_unit *u, const struct irqlab_msi_msg *msg, uint16_t sid,
			  enum irqlab_mode mode, struct irqlab_ir_result *res)
{
	const struct decoded_irte *d;
	uint32_t index;
	bool report;

	memset(res, 0, sizeof(*res));
	if (msg->address_hi ||
	    (msg->address_lo & IRQLAB_MSI_ADDR_BASE_MASK) != IRQLAB_MSI_ADDR_BASE) {
		block(u, mode, res, IRQLAB_IR_FAULT_REQ_RSVD, sid, 0, true);
		return;
	}
	if (!irqlab_msi_is_remappable(msg)) {
		pass_compat(u, msg, sid, mode, res);
		return;
	}
	index = irqlab_msi_remap_index(msg);
	if (index >= u->nr_entries) {
		block(u, mode, res, IRQLAB_IR_FAULT_INDEX_OVER, sid, index, true);
		return;
	}
	d = &u->cache[index];
	/* From here on the entry decides whether a fault is reported. */
	report = !d->fpd;
	if (d->state != ENTRY_USABLE) {
		block(u, mode, res,
		      d->state == ENTRY_NOT_PRESENT ? IRQLAB_IR_FAULT_NOT_PRESENT
						    : IRQLAB_IR_FAULT_IRTE_RSVD,
		      sid, index, report);
		return;
	}
	if (!source_verified(d, sid)) {
		block(u, mode, res, IRQLAB_IR_FAULT_SID, sid, index, report);
		return;
	}
	/* address_hi is 0 by now: only a subhandle wider than 16 bits is left to refuse. */
	if (irqlab_msi_remap_reserved(msg).data) {
		block(u, mode, res, IRQLAB_IR_FAULT_REQ_RSVD, sid, index, report);
		return;
	}
	res->index = index;
	res->vector = d->vector;
	res->dest = d->dest;
	res->dest_logical = d->dest_logical;
	res->delivery_mode = d->delivery_mode;
	res->trigger_level = d->trigger_level;
}

size_t irqlab_ir_unit_nr_faults(const struct irqlab_ir_unit *u)
{
	return u->nr_log;
}

const struct irqlab_ir_fault_record *irqlab_ir_unit_fault(const struct irqlab_ir_unit *u, size_t i)
{
	return i < u->nr_log ? &u->log[i] : NULL;
}

unsigned long irqlab_ir_unit_fault_count(const struct irqlab_ir_unit *u, int reason)
{
	if (reason < 0)
		return u->nr_reported;
	if (reason < IRQLAB_IR_FAULT_REQ_RSVD || reason > IRQLAB_IR_FAULT_SID)
		return 0;
	return u->reported[reason - IRQLAB_IR_FAULT_REQ_RSVD];
}

unsigned long irqlab_ir_unit_blocked_count(const struct irqlab_ir_unit *u)
{
	return u->blocked;
}

unsigned long irqlab_ir_unit_dropped_count(const struct irqlab_ir_unit *u)
{
	return u->dropped;
}

void irqlab_ir_unit_clear_faults(struct irqlab_ir_unit *u)
{
	u->nr_log = 0;
	u->dropped = 0;
}

static int check_group(const struct irqlab_ir_unit *u, unsigned first, struct irqlab_strbuf *why)
{
	unsigned end = first + 64 < u->nr_entries ? first + 64 : u->nr_entries;

	for (unsigned i = first; i < end; i++) {
		const struct irqlab_irte *e = &u->table[i];
		struct decoded_irte d;

		decode_entry(u, e, &d);
		if (memcmp(&d, &u->cache[i], sizeof(d)))
			return irqlab_check_fail(
				why, "IR unit %s: the decoded copy of IRTE 0x%04x is stale",
				u->name, i);
		if ((e->lo || e->hi) && !irqlab_irte_alloc_test(u->alloc, i))
			return irqlab_check_fail(
				why,
				"IR unit %s: IRTE 0x%04x holds %016llx:%016llx but is not "
				"allocated",
				u->name, i, (unsigned long long)e->hi, (unsigned long long)e->lo);
	}
	return 0;
}

int irqlab_ir_unit_check(struct irqlab_ir_unit *u, struct irqlab_strbuf *why)
{
	char awhy[256];

	if (irqlab_irte_alloc_check(u->alloc, awhy, sizeof(awhy)))
		return irqlab_check_fail(why, "IR unit %s: %s", u->name, awhy);
	return irqlab_ir_unit_check_changed(u, why);
}

int irqlab_ir_unit_check_changed(struct irqlab_ir_unit *u, struct irqlab_strbuf *why)
{
	unsigned long sum = 0;

	if (irqlab_irte_alloc_size(u->alloc) != u->nr_entries)
		return irqlab_check_fail(why, "IR unit %s: table of %u entries, allocator of %u",
					 u->name, u->nr_entries, irqlab_irte_alloc_size(u->alloc));
	/*
	 * A released block was cleared, so an entry outside every block must be all zero. Only
	 * entries written since the last check can have changed: a clean group stays clean.
	 */
	for (unsigned w = 0; w < sizeof(u->dirty) / sizeof(u->dirty[0]); w++) {
		while (u->dirty[w]) {
			unsigned group = w * 64 + (unsigned)__builtin_ctzll(u->dirty[w]);
			int err = check_group(u, group * 64, why);

			if (err)
				return err;
			u->dirty[w] &= u->dirty[w] - 1;
		}
	}
	for (unsigned r = 0; r < NR_REASONS; r++)
		sum += u->reported[r];
	if (sum != u->nr_reported)
		return irqlab_check_fail(why, "IR unit %s: %lu faults by reason, %lu in total",
					 u->name, sum, u->nr_reported);
	if (u->nr_log > IRQLAB_IR_FAULT_LOG_MAX || u->nr_log + u->dropped > u->nr_reported)
		return irqlab_check_fail(why,
					 "IR unit %s: %zu records and %lu dropped of %lu faults",
					 u->name, u->nr_log, u->dropped, u->nr_reported);
	if (u->blocked < u->nr_reported)
		return irqlab_check_fail(why,
					 "IR unit %s: %lu faults but only %lu messages blocked",
					 u->name, u->nr_reported, u->blocked);
	return 0;
}

static void dump_entry(const struct irqlab_ir_unit *u, unsigned i, const struct irqlab_irte *e,
		       struct irqlab_strbuf *out)
{
	struct irqlab_irte_remapped f;
	struct irqlab_irte_posted p;
	char sid[16];

	irqlab_strbuf_printf(out, "  irte 0x%04x %016llx:%016llx", i, (unsigned long long)e->hi,
			     (unsigned long long)e->lo);
	if (!irqlab_irte_decode_remapped(e, &f)) {
		irqlab_pci_rid_format(f.sid, sid, sizeof(sid));
		irqlab_strbuf_printf(out,
				     " %s%s vector=0x%02x dest=%u %s%s dlm=%u %s svt=%u sq=%u "
				     "sid=%s",
				     f.present ? "P" : "-", f.fpd ? " fpd" : "", f.vector,
				     irqlab_irte_dest_decode(f.dest, u->eime),
				     f.dest_logical ? "logical" : "physical",
				     f.redirect_hint ? " rh" : "", f.delivery_mode,
				     f.trigger_level ? "level" : "edge", f.svt, f.sq, sid);
	} else if (!irqlab_irte_decode_posted(e, &p)) {
		irqlab_pci_rid_format(p.sid, sid, sizeof(sid));
		irqlab_strbuf_printf(out, " %s posted vector=0x%02x pda=0x%llx svt=%u sq=%u sid=%s",
				     p.present ? "P" : "-", p.vector, (unsigned long long)p.pda,
				     p.svt, p.sq, sid);
	}
	if (irqlab_irte_reserved(e, NULL, NULL))
		irqlab_strbuf_printf(out, " reserved-bits");
	irqlab_strbuf_append(out, "\n", 1);
}

void irqlab_ir_unit_dump(const struct irqlab_ir_unit *u, struct irqlab_strbuf *out)
{
	irqlab_strbuf_printf(out,
			     "  ir-unit %s entries=%u used=%u eime=%d cfi=%d faults=%lu "
			     "records=%zu dropped=%lu blocked=%lu\n",
			     u->name, u->nr_entries, irqlab_irte_alloc_used(u->alloc), u->eime,
			     u->cfi, u->nr_reported, u->nr_log, u->dropped, u->blocked);
	for (unsigned i = 0; i < u->nr_entries; i++)
		if (u->table[i].lo || u->table[i].hi)
			dump_entry(u, i, &u->table[i], out);
}
