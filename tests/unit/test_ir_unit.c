// SPDX-License-Identifier: MIT
/*
 * The VT-d IR unit: IRTE blocks, the validation order of the VT-d spec, each fault reason
 * from a crafted message, FPD, the bounded fault log, check and dump. IRTE words are written
 * as literals from the layout tables (reference/hyp-vmm.md §1), not through the encoder.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "iommu/ir_unit.h"

/* lo: P, vector 0x41, DST 0x300 (xAPIC: APIC id 3). hi: SID 03:02.0, SQ 0, SVT 1. */
#define GOOD_LO	 UINT64_C(0x0000030000410001)
#define GOOD_SID 0x0310u
#define GOOD_HI	 (UINT64_C(0x40000) | GOOD_SID)
#define SVT(n)	 ((uint64_t)(n) << 18)
#define SQ(n)	 ((uint64_t)(n) << 16)

static struct irqlab_ir_unit *unit_new(unsigned entries, bool cfi, bool eime)
{
	struct irqlab_ir_unit_config cfg = {
		.name = "dmar0",
		.nr_entries = entries,
		.cfi = cfi,
		.eime = eime,
	};
	struct irqlab_ir_unit *u = irqlab_ir_unit_create(&cfg, NULL);

	assert_non_null(u);
	return u;
}

static void put_irte(struct irqlab_ir_unit *u, unsigned index, uint64_t lo, uint64_t hi)
{
	struct irqlab_irte e = {lo, hi};

	irqlab_ir_unit_write_irte(u, index, &e);
}

static struct irqlab_msi_msg remap_msg(uint16_t handle, bool shv, uint32_t data)
{
	struct irqlab_msi_remap f = {.handle = handle, .shv = shv};
	struct irqlab_msi_msg msg;

	irqlab_msi_remap_encode(&f, &msg);
	msg.data = data;
	return msg;
}

static struct irqlab_ir_result send(struct irqlab_ir_unit *u, struct irqlab_msi_msg msg,
				    uint16_t sid)
{
	struct irqlab_ir_result res;

	memset(&res, 0xa5, sizeof(res)); /* every field must be written */
	irqlab_ir_unit_remap(u, &msg, sid, IRQLAB_COMMIT, &res);
	return res;
}

static void assert_blocked(const struct irqlab_ir_result *res, uint8_t reason, uint32_t index,
			   bool recorded)
{
	assert_true(res->blocked);
	assert_int_equal(res->reason, reason);
	assert_int_equal(res->index, index);
	assert_int_equal(res->recorded, recorded);
	assert_int_equal(res->silenced, !recorded);
	assert_false(res->passthrough);
}

static void assert_delivered(const struct irqlab_ir_result *res, uint32_t index, unsigned vector,
			     uint32_t dest)
{
	assert_false(res->blocked);
	assert_false(res->recorded);
	assert_false(res->silenced);
	assert_false(res->passthrough);
	assert_int_equal(res->index, index);
	assert_int_equal(res->vector, vector);
	assert_int_equal(res->dest, dest);
}

static void assert_last_record(struct irqlab_ir_unit *u, uint8_t reason, uint16_t sid,
			       uint32_t index)
{
	size_t n = irqlab_ir_unit_nr_faults(u);
	const struct irqlab_ir_fault_record *r;

	assert_true(n > 0);
	r = irqlab_ir_unit_fault(u, n - 1);
	assert_non_null(r);
	assert_int_equal(r->reason, reason);
	assert_int_equal(r->sid, sid);
	assert_int_equal(r->index, index);
}

static void assert_unit_clean(struct irqlab_ir_unit *u)
{
	struct irqlab_strbuf why = IRQLAB_STRBUF_INIT;

	if (irqlab_ir_unit_check(u, &why))
		fail_msg("unit check: %s", irqlab_strbuf_str(&why));
	irqlab_strbuf_release(&why);
}

static void test_create(void **state)
{
	struct irqlab_ir_unit_config cfg = {.name = "DMAR1", .nr_entries = 3};
	struct irqlab_ir_unit *u;

	assert_null(irqlab_ir_unit_create(&cfg, NULL));
	cfg.nr_entries = 0;
	assert_null(irqlab_ir_unit_create(&cfg, NULL));
	/* VT-d's smallest table has 2 entries (IRTA.S = 0). */
	cfg.nr_entries = 1;
	assert_null(irqlab_ir_unit_create(&cfg, NULL));
	cfg.nr_entries = 2;
	u = irqlab_ir_unit_create(&cfg, NULL);
	assert_non_null(u);
	irqlab_ir_unit_destroy(u);
	cfg.nr_entries = 131072;
	assert_null(irqlab_ir_unit_create(&cfg, NULL));
	cfg.nr_entries = 16;
	cfg.name = NULL;
	assert_null(irqlab_ir_unit_create(&cfg, NULL));
	assert_null(irqlab_ir_unit_create(NULL, NULL));

	cfg.name = "DMAR1";
	cfg.nr_entries = 65536;
	cfg.eime = true;
	u = irqlab_ir_unit_create(&cfg, NULL);
	assert_non_null(u);
	assert_string_equal(irqlab_ir_unit_name(u), "DMAR1");
	assert_int_equal(irqlab_ir_unit_size(u), 65536);
	assert_true(irqlab_ir_unit_eime(u));
	assert_false(irqlab_ir_unit_cfi(u));
	assert_int_equal(irqlab_ir_unit_used(u), 0);
	assert_null(irqlab_ir_unit_irte(u, 65536));
	assert_non_null(irqlab_ir_unit_irte(u, 65535));
	irqlab_ir_unit_destroy(u);
	irqlab_ir_unit_destroy(NULL);
}

/* Every allocation inside create is a fault point; each failure leaks nothing (ASan). */
static void test_create_fault_walk(void **state)
{
	struct irqlab_ir_unit_config cfg = {.name = "dmar0", .nr_entries = 64};
	struct irqlab_fault fault = {0};
	struct irqlab_ir_unit *u;
	unsigned long points;

	irqlab_fault_arm(&fault, 0);
	u = irqlab_ir_unit_create(&cfg, &fault);
	assert_non_null(u);
	points = fault.points;
	assert_int_equal(points, 5);
	irqlab_ir_unit_destroy(u);
	for (unsigned long n = 1; n <= points; n++) {
		irqlab_fault_arm(&fault, n);
		assert_null(irqlab_ir_unit_create(&cfg, &fault));
		assert_int_equal(fault.failed_err, -ENOMEM);
	}
}

static void test_alloc_blocks(void **state)
{
	struct irqlab_fault fault = {0};
	struct irqlab_ir_unit_config cfg = {.name = "dmar0", .nr_entries = 16};
	struct irqlab_ir_unit *u = irqlab_ir_unit_create(&cfg, &fault);
	unsigned a, b, c, d;

	assert_non_null(u);
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 0, &a), -EINVAL);
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 1, &a), 0);
	assert_int_equal(a, 0);
	/* 3 rounds up to an aligned 4: the first fit after entry 0 is 4, not 1. */
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 3, &b), 0);
	assert_int_equal(b, 4);
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 2, &c), 0);
	assert_int_equal(c, 2);
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 8, &d), 0);
	assert_int_equal(d, 8);
	assert_int_equal(irqlab_ir_unit_used(u), 15);
	assert_true(irqlab_ir_unit_irte_allocated(u, 7));
	assert_false(irqlab_ir_unit_irte_allocated(u, 1));
	assert_false(irqlab_ir_unit_irte_allocated(u, 16));
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 2, &d), -ENOSPC);
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 17, &d), -ENOSPC);

	/* The "irte" point fails an allocation that would have fitted. */
	irqlab_fault_arm(&fault, 1);
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 1, &d), -ENOSPC);
	assert_string_equal(fault.failed_site, "irte");
	assert_int_equal(fault.failed_err, -ENOSPC);
	assert_int_equal(irqlab_ir_unit_used(u), 15);
	irqlab_fault_arm(&fault, 0);

	/* Releasing a block clears all of it, the entries past the count included. */
	put_irte(u, 4, GOOD_LO, GOOD_HI);
	put_irte(u, 7, GOOD_LO, GOOD_HI);
	assert_unit_clean(u);
	irqlab_ir_unit_free_irtes(u, 4, 3);
	for (unsigned i = 4; i < 8; i++) {
		assert_int_equal(irqlab_ir_unit_irte(u, i)->lo, 0);
		assert_int_equal(irqlab_ir_unit_irte(u, i)->hi, 0);
		assert_false(irqlab_ir_unit_irte_allocated(u, i));
	}
	assert_int_equal(irqlab_ir_unit_used(u), 11);
	/* Misaligned or out of range: ignored. */
	irqlab_ir_unit_free_irtes(u, 9, 2);
	irqlab_ir_unit_free_irtes(u, 16, 1);
	assert_int_equal(irqlab_ir_unit_used(u), 11);
	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 4, &d), 0);
	assert_int_equal(d, 4);
	assert_unit_clean(u);
	irqlab_ir_unit_destroy(u);
}

static void test_write_and_remap(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	struct irqlab_ir_result res;
	unsigned base;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 8, &base), 0);
	put_irte(u, 5, GOOD_LO, GOOD_HI);
	assert_int_equal(irqlab_ir_unit_irte(u, 5)->lo, GOOD_LO);
	assert_int_equal(irqlab_ir_unit_irte(u, 5)->hi, GOOD_HI);
	/* Handle alone (SHV = 0, the IO-APIC's way), or handle + subhandle. */
	res = send(u, remap_msg(5, false, 0xffff), GOOD_SID);
	assert_delivered(&res, 5, 0x41, 3);
	res = send(u, remap_msg(4, true, 1), GOOD_SID);
	assert_delivered(&res, 5, 0x41, 3);
	assert_false(res.dest_logical);
	assert_int_equal(res.delivery_mode, 0);
	assert_false(res.trigger_level);
	/* Address bits 1:0 are don't-care. */
	struct irqlab_msi_msg m = remap_msg(5, true, 0);
	m.address_lo |= 3;
	res = send(u, m, GOOD_SID);
	assert_delivered(&res, 5, 0x41, 3);

	/* DM logical (bit 2), TM level (bit 4), DLM lowest priority (7:5 = 1). */
	put_irte(u, 6, GOOD_LO | 0x4 | 0x10 | 0x20, GOOD_HI);
	res = send(u, remap_msg(6, true, 0), GOOD_SID);
	assert_delivered(&res, 6, 0x41, 3);
	assert_true(res.dest_logical);
	assert_true(res.trigger_level);
	assert_int_equal(res.delivery_mode, 1);

	/* xAPIC reads DST 15:8 only; the DST bits around it are reserved. */
	put_irte(u, 7, UINT64_C(0x00002300004a0001), GOOD_HI);
	res = send(u, remap_msg(7, true, 0), GOOD_SID);
	assert_delivered(&res, 7, 0x4a, 0x23);
	put_irte(u, 7, UINT64_C(0x00012345004a0001), GOOD_HI);
	res = send(u, remap_msg(7, true, 0), GOOD_SID);
	assert_blocked(&res, 0x24, 7, true);
	irqlab_ir_unit_clear_faults(u);
	/* A later write replaces both words. */
	put_irte(u, 7, UINT64_C(0x0000050000330001), SVT(0));
	res = send(u, remap_msg(7, true, 0), 0xbeef);
	assert_delivered(&res, 7, 0x33, 5);
	/* Beyond the table: ignored. */
	put_irte(u, 16, GOOD_LO, GOOD_HI);
	assert_int_equal(irqlab_ir_unit_nr_faults(u), 0);
	assert_int_equal(irqlab_ir_unit_blocked_count(u), 1);
	assert_unit_clean(u);
	irqlab_ir_unit_destroy(u);
}

static void test_eime_destination(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, true);
	struct irqlab_ir_result res;
	unsigned base;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 1, &base), 0);
	put_irte(u, 0, UINT64_C(0x00012345004a0001), GOOD_HI);
	res = send(u, remap_msg(0, true, 0), GOOD_SID);
	assert_delivered(&res, 0, 0x4a, 0x12345);
	irqlab_ir_unit_destroy(u);
}

static void test_fault_request_reserved(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	struct irqlab_ir_result res;
	struct irqlab_msi_msg m;
	unsigned base;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 16, &base), 0);
	put_irte(u, 5, GOOD_LO, GOOD_HI);
	/* Not 0xFEE: reason 0x20, index 0, before anything else is looked at. */
	m = remap_msg(5, true, 0);
	m.address_lo = (m.address_lo & ~0xfff00000u) | 0xfed00000u;
	res = send(u, m, GOOD_SID);
	assert_blocked(&res, 0x20, 0, true);
	assert_last_record(u, 0x20, GOOD_SID, 0);
	/* address_hi set. */
	m = remap_msg(5, true, 0);
	m.address_hi = 1;
	res = send(u, m, 0x1234);
	assert_blocked(&res, 0x20, 0, true);
	assert_last_record(u, 0x20, 0x1234, 0);
	/* Compatibility format with a bad base is also 0x20, not 0x25. */
	m.address_lo = 0xfed01000u;
	m.address_hi = 0;
	res = send(u, m, GOOD_SID);
	assert_blocked(&res, 0x20, 0, true);

	/* SHV with data 31:16 set: 0x20 with the index, found after the IRTE lookup. */
	res = send(u, remap_msg(4, true, 0x10001), GOOD_SID);
	assert_blocked(&res, 0x20, 5, true);
	assert_last_record(u, 0x20, GOOD_SID, 5);
	/* ...so a missing entry is reported first. */
	res = send(u, remap_msg(6, true, 0x10000), GOOD_SID);
	assert_blocked(&res, 0x22, 6, true);
	/* ...and a bad source too. */
	res = send(u, remap_msg(5, true, 0x10000), 0x0400);
	assert_blocked(&res, 0x26, 5, true);
	/* Without SHV the data word is not a subhandle: nothing to refuse. */
	res = send(u, remap_msg(5, false, 0xffff0041), GOOD_SID);
	assert_delivered(&res, 5, 0x41, 3);

	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x20), 4);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x22), 1);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x26), 1);
	assert_int_equal(irqlab_ir_unit_fault_count(u, -1), 6);
	assert_int_equal(irqlab_ir_unit_blocked_count(u), 6);
	assert_unit_clean(u);
	irqlab_ir_unit_destroy(u);
}

static void test_fault_index_over(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	struct irqlab_ir_result res;
	unsigned base;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 16, &base), 0);
	put_irte(u, 15, GOOD_LO, GOOD_HI);
	res = send(u, remap_msg(15, true, 0), GOOD_SID);
	assert_delivered(&res, 15, 0x41, 3);
	res = send(u, remap_msg(16, true, 0), GOOD_SID);
	assert_blocked(&res, 0x21, 16, true);
	assert_last_record(u, 0x21, GOOD_SID, 16);
	/* Handle and subhandle each in range, their sum not. */
	res = send(u, remap_msg(15, true, 1), GOOD_SID);
	assert_blocked(&res, 0x21, 16, true);
	/* The sum is not cut to 16 bits: 0xffff + 0xffff stays out of any table. */
	res = send(u, remap_msg(0xffff, true, 0xffff), 7);
	assert_blocked(&res, 0x21, 0x1fffe, true);
	assert_last_record(u, 0x21, 7, 0x1fffe);
	/* An oversized index with data 31:16 set: the index is checked first. */
	res = send(u, remap_msg(16, true, 0x10000), GOOD_SID);
	assert_blocked(&res, 0x21, 16, true);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x21), 4);
	irqlab_ir_unit_destroy(u);
}

static void test_fault_not_present(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	struct irqlab_ir_result res;
	unsigned base;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 4, &base), 0);
	/* An unwritten entry, and one with everything but P. */
	res = send(u, remap_msg(2, true, 0), GOOD_SID);
	assert_blocked(&res, 0x22, 2, true);
	put_irte(u, 3, GOOD_LO & ~UINT64_C(1), GOOD_HI);
	res = send(u, remap_msg(3, true, 0), GOOD_SID);
	assert_blocked(&res, 0x22, 3, true);
	/* P = 0 wins over reserved bits and a bad source. */
	put_irte(u, 1, UINT64_C(0x1000), GOOD_HI | (UINT64_C(1) << 40));
	res = send(u, remap_msg(1, true, 0), 0xffff);
	assert_blocked(&res, 0x22, 1, true);
	assert_last_record(u, 0x22, 0xffff, 1);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x22), 3);
	irqlab_ir_unit_destroy(u);
}

static void test_fault_irte_reserved(void **state)
{
	static const uint64_t lo_bits[] = {UINT64_C(1) << 12, UINT64_C(1) << 14, UINT64_C(1) << 24,
					   UINT64_C(1) << 31};
	static const uint64_t hi_bits[] = {UINT64_C(1) << 20, UINT64_C(1) << 40, UINT64_C(1) << 63};
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	struct irqlab_ir_result res;
	struct irqlab_irte_posted p = {
		.present = true, .vector = 0x41, .pda = 0x1000, .sid = GOOD_SID, .svt = 1};
	struct irqlab_irte e;
	unsigned base, n = 0;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 16, &base), 0);
	for (unsigned i = 0; i < sizeof(lo_bits) / sizeof(lo_bits[0]); i++, n++) {
		put_irte(u, 9, GOOD_LO | lo_bits[i], GOOD_HI);
		res = send(u, remap_msg(9, true, 0), GOOD_SID);
		assert_blocked(&res, 0x24, 9, true);
	}
	for (unsigned i = 0; i < sizeof(hi_bits) / sizeof(hi_bits[0]); i++, n++) {
		put_irte(u, 9, GOOD_LO, GOOD_HI | hi_bits[i]);
		res = send(u, remap_msg(9, true, 0), GOOD_SID);
		assert_blocked(&res, 0x24, 9, true);
	}
	/* Reserved bits are checked before the source: a bad SID still reads 0x24. */
	put_irte(u, 9, GOOD_LO | lo_bits[0], GOOD_HI);
	res = send(u, remap_msg(9, true, 0), 0x0001);
	assert_blocked(&res, 0x24, 9, true);
	assert_last_record(u, 0x24, 0x0001, 9);
	n++;
	/* No posting in this unit: a clean posted entry is a reserved-field fault too. */
	assert_int_equal(irqlab_irte_encode_posted(&p, &e), 0);
	assert_false(irqlab_irte_reserved(&e, NULL, NULL));
	irqlab_ir_unit_write_irte(u, 10, &e);
	res = send(u, remap_msg(10, true, 0), GOOD_SID);
	assert_blocked(&res, 0x24, 10, true);
	n++;
	/* Software-available bits 11:8 are not reserved. */
	put_irte(u, 9, GOOD_LO | UINT64_C(0xf00), GOOD_HI);
	res = send(u, remap_msg(9, true, 0), GOOD_SID);
	assert_delivered(&res, 9, 0x41, 3);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x24), n);
	irqlab_ir_unit_destroy(u);
}

static void test_fault_compat(void **state)
{
	struct irqlab_msi_compat c = {
		.dest = 2, .vector = 0x55, .delivery_mode = 0, .trigger_level = true};
	struct irqlab_ir_unit *u;
	struct irqlab_ir_result res;
	struct irqlab_msi_msg m;

	assert_int_equal(irqlab_msi_compat_encode(&c, false, &m), 0);
	assert_int_equal(m.address_lo, 0xfee02000u);
	/* CFI clear (what Linux leaves when it enables IR): blocked. */
	u = unit_new(16, false, false);
	res = send(u, m, 0x0300);
	assert_blocked(&res, 0x25, 0, true);
	assert_last_record(u, 0x25, 0x0300, 0);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x25), 1);
	irqlab_ir_unit_destroy(u);
	/* EIME: blocked whatever CFI says. */
	u = unit_new(16, true, true);
	res = send(u, m, 0x0300);
	assert_blocked(&res, 0x25, 0, true);
	irqlab_ir_unit_destroy(u);
	/* CFI set, xAPIC mode: through, unchanged, and nothing recorded. */
	u = unit_new(16, true, false);
	res = send(u, m, 0x0300);
	assert_false(res.blocked);
	assert_true(res.passthrough);
	assert_false(res.recorded);
	assert_int_equal(res.vector, 0x55);
	assert_int_equal(res.dest, 2);
	assert_false(res.dest_logical);
	assert_int_equal(res.delivery_mode, 0);
	assert_true(res.trigger_level);
	assert_int_equal(res.index, 0);
	assert_int_equal(irqlab_ir_unit_nr_faults(u), 0);
	assert_int_equal(irqlab_ir_unit_blocked_count(u), 0);
	irqlab_ir_unit_destroy(u);
}

/* Returns 1 for an expected failure, so that the caller can count them. */
static unsigned expect_sid(struct irqlab_ir_unit *u, uint64_t hi, uint16_t sid, bool pass)
{
	struct irqlab_ir_result res;

	put_irte(u, 3, GOOD_LO, hi);
	res = send(u, remap_msg(3, true, 0), sid);
	if (pass) {
		assert_delivered(&res, 3, 0x41, 3);
	} else {
		assert_blocked(&res, 0x26, 3, true);
		assert_last_record(u, 0x26, sid, 3);
	}
	return !pass;
}

static void test_fault_source_id(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	unsigned base, fails = 0;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 4, &base), 0);
	/* SVT 0: anything. */
	expect_sid(u, SVT(0) | 0x0310, 0xabcd, true);
	/* SVT 1, SQ 0: all 16 bits. SID 03:02.0 = 0x0310. */
	expect_sid(u, SVT(1) | SQ(0) | 0x0310, 0x0310, true);
	fails += expect_sid(u, SVT(1) | SQ(0) | 0x0310, 0x0311, false);
	fails += expect_sid(u, SVT(1) | SQ(0) | 0x0310, 0x0410, false);
	/* SQ 1 ignores bit 2 only. */
	expect_sid(u, SVT(1) | SQ(1) | 0x0310, 0x0314, true);
	fails += expect_sid(u, SVT(1) | SQ(1) | 0x0310, 0x0312, false);
	fails += expect_sid(u, SVT(1) | SQ(1) | 0x0310, 0x0311, false);
	/* SQ 2 ignores bits 2:1. */
	expect_sid(u, SVT(1) | SQ(2) | 0x0310, 0x0316, true);
	expect_sid(u, SVT(1) | SQ(2) | 0x0310, 0x0312, true);
	fails += expect_sid(u, SVT(1) | SQ(2) | 0x0310, 0x0311, false);
	/* SQ 3 ignores the function number. */
	expect_sid(u, SVT(1) | SQ(3) | 0x0310, 0x0317, true);
	fails += expect_sid(u, SVT(1) | SQ(3) | 0x0310, 0x0318, false);
	/* SVT 2: start bus 2 in SID 15:8, end bus 5 in 7:0 (VT-d spec, Linux). */
	expect_sid(u, SVT(2) | 0x0205, 0x0200, true);
	expect_sid(u, SVT(2) | 0x0205, 0x03ff, true);
	expect_sid(u, SVT(2) | 0x0205, 0x0508, true);
	fails += expect_sid(u, SVT(2) | 0x0205, 0x0108, false);
	fails += expect_sid(u, SVT(2) | 0x0205, 0x0600, false);
	/* The bytes read the other way round (QEMU's reading) would pass bus 1 here. */
	fails += expect_sid(u, SVT(2) | 0x0501, 0x0300, false);
	/* SQ does not apply to SVT 2. */
	expect_sid(u, SVT(2) | SQ(3) | 0x0303, 0x03f8, true);
	/* SVT 3 is reserved: nothing passes. */
	fails += expect_sid(u, SVT(3) | 0x0310, 0x0310, false);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x26), fails);
	assert_int_equal(irqlab_ir_unit_fault_count(u, -1), fails);
	irqlab_ir_unit_destroy(u);
}

/* FPD = 1: blocked all the same, but no record and no count; only the blocked counter. */
static void test_fpd_silences(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	struct irqlab_ir_result res;
	unsigned base;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 16, &base), 0);
	put_irte(u, 1, 0x2, 0);					   /* FPD, not present */
	put_irte(u, 2, GOOD_LO | 0x2 | UINT64_C(0x1000), GOOD_HI); /* FPD, reserved bit */
	put_irte(u, 3, GOOD_LO | 0x2, GOOD_HI);			   /* FPD, good */
	res = send(u, remap_msg(1, true, 0), GOOD_SID);
	assert_blocked(&res, 0x22, 1, false);
	res = send(u, remap_msg(2, true, 0), GOOD_SID);
	assert_blocked(&res, 0x24, 2, false);
	res = send(u, remap_msg(3, true, 0), 0x0001);
	assert_blocked(&res, 0x26, 3, false);
	res = send(u, remap_msg(3, true, 0x20000), GOOD_SID);
	assert_blocked(&res, 0x20, 3, false);
	assert_int_equal(irqlab_ir_unit_nr_faults(u), 0);
	assert_int_equal(irqlab_ir_unit_fault_count(u, -1), 0);
	assert_int_equal(irqlab_ir_unit_blocked_count(u), 4);
	/* A good message through an FPD entry is delivered. */
	res = send(u, remap_msg(3, true, 0), GOOD_SID);
	assert_delivered(&res, 3, 0x41, 3);
	/* FPD cannot silence what is found before the entry is read. */
	res = send(u, remap_msg(3, true, 13), GOOD_SID);
	assert_blocked(&res, 0x21, 16, true);
	assert_int_equal(irqlab_ir_unit_nr_faults(u), 1);
	assert_int_equal(irqlab_ir_unit_blocked_count(u), 5);
	assert_unit_clean(u);
	irqlab_ir_unit_destroy(u);
}

static void test_fault_log_order_and_bound(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	struct irqlab_ir_result res;
	const struct irqlab_ir_fault_record *r;
	unsigned base;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 1, &base), 0);
	put_irte(u, 0, GOOD_LO, GOOD_HI);
	res = send(u, remap_msg(0, true, 1), 0x0101);
	res = send(u, remap_msg(0, true, 0), 0x0102);
	res = send(u, remap_msg(20, true, 0), 0x0103);
	assert_int_equal(irqlab_ir_unit_nr_faults(u), 3);
	r = irqlab_ir_unit_fault(u, 0);
	assert_int_equal(r->reason, 0x22);
	assert_int_equal(r->sid, 0x0101);
	assert_int_equal(r->index, 1);
	r = irqlab_ir_unit_fault(u, 1);
	assert_int_equal(r->reason, 0x26);
	assert_int_equal(r->sid, 0x0102);
	assert_int_equal(r->index, 0);
	r = irqlab_ir_unit_fault(u, 2);
	assert_int_equal(r->reason, 0x21);
	assert_int_equal(r->sid, 0x0103);
	assert_int_equal(r->index, 20);
	assert_null(irqlab_ir_unit_fault(u, 3));

	/* Fill the log: the first IRQLAB_IR_FAULT_LOG_MAX stay, the rest are counted. */
	for (unsigned i = 3; i < IRQLAB_IR_FAULT_LOG_MAX + 10; i++) {
		res = send(u, remap_msg(1, true, 0), (uint16_t)i);
		assert_int_equal(res.recorded, i < IRQLAB_IR_FAULT_LOG_MAX);
		assert_false(res.silenced);
		assert_true(res.blocked);
	}
	assert_int_equal(irqlab_ir_unit_nr_faults(u), IRQLAB_IR_FAULT_LOG_MAX);
	assert_int_equal(irqlab_ir_unit_dropped_count(u), 10);
	assert_int_equal(irqlab_ir_unit_fault_count(u, -1), IRQLAB_IR_FAULT_LOG_MAX + 10);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x22), IRQLAB_IR_FAULT_LOG_MAX + 8);
	assert_int_equal(irqlab_ir_unit_fault(u, IRQLAB_IR_FAULT_LOG_MAX - 1)->sid,
			 IRQLAB_IR_FAULT_LOG_MAX - 1);
	assert_unit_clean(u);
	irqlab_ir_unit_clear_faults(u);
	assert_int_equal(irqlab_ir_unit_nr_faults(u), 0);
	assert_int_equal(irqlab_ir_unit_dropped_count(u), 0);
	assert_int_equal(irqlab_ir_unit_fault_count(u, -1), IRQLAB_IR_FAULT_LOG_MAX + 10);
	res = send(u, remap_msg(1, true, 0), 0x4242);
	assert_true(res.recorded);
	assert_last_record(u, 0x22, 0x4242, 1);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x19), 0);
	assert_int_equal(irqlab_ir_unit_fault_count(u, 0x27), 0);
	assert_unit_clean(u);
	irqlab_ir_unit_destroy(u);
}

static void test_check_and_dump(void **state)
{
	struct irqlab_ir_unit *u = unit_new(16, false, false);
	struct irqlab_strbuf sb = IRQLAB_STRBUF_INIT;
	unsigned base;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 2, &base), 0);
	put_irte(u, 1, GOOD_LO | 0x2 | 0x8, GOOD_HI);
	send(u, remap_msg(0, true, 0), 0x0300);
	irqlab_ir_unit_dump(u, &sb);
	assert_string_equal(irqlab_strbuf_str(&sb),
			    "  ir-unit dmar0 entries=16 used=2 eime=0 cfi=0 faults=1 records=1 "
			    "dropped=0 blocked=1\n"
			    "  irte 0x0001 0000000000040310:000003000041000b P fpd vector=0x41 "
			    "dest=3 physical rh dlm=0 edge svt=1 sq=0 sid=03:02.0\n");
	irqlab_strbuf_reset(&sb);
	assert_unit_clean(u);

	/* An entry written outside every block. */
	put_irte(u, 9, GOOD_LO, GOOD_HI);
	assert_int_equal(irqlab_ir_unit_check(u, &sb), -EFAULT);
	assert_string_equal(irqlab_strbuf_str(&sb),
			    "IR unit dmar0: IRTE 0x0009 holds 0000000000040310:0000030000410001 "
			    "but is not allocated");
	irqlab_strbuf_release(&sb);
	irqlab_ir_unit_destroy(u);
}

/* A probe gives the answer a real message gets, and records and counts nothing. */
static void test_probe_changes_nothing(void **state)
{
	struct irqlab_ir_unit *u = unit_new(256, false, false);
	struct irqlab_msi_msg bad = remap_msg(7, false, 0), good = remap_msg(5, false, 0);
	struct irqlab_ir_result probed, real;
	unsigned index;

	assert_int_equal(irqlab_ir_unit_alloc_irtes(u, 8, &index), 0);
	assert_int_equal(index, 0);
	put_irte(u, 5, GOOD_LO, GOOD_HI);
	irqlab_ir_unit_remap(u, &bad, GOOD_SID, IRQLAB_PROBE, &probed);
	assert_true(probed.blocked);
	assert_int_equal(probed.reason, IRQLAB_IR_FAULT_NOT_PRESENT);
	assert_false(probed.recorded);
	assert_int_equal(irqlab_ir_unit_nr_faults(u), 0);
	assert_int_equal(irqlab_ir_unit_blocked_count(u), 0);
	assert_int_equal(irqlab_ir_unit_fault_count(u, -1), 0);
	irqlab_ir_unit_remap(u, &good, GOOD_SID, IRQLAB_PROBE, &probed);
	assert_delivered(&probed, 5, 0x41, 3);
	real = send(u, good, GOOD_SID);
	assert_delivered(&real, 5, 0x41, 3);
	real = send(u, bad, GOOD_SID);
	assert_true(real.recorded);
	assert_int_equal(irqlab_ir_unit_blocked_count(u), 1);
	assert_unit_clean(u);
	irqlab_ir_unit_destroy(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_fault_walk),
		cmocka_unit_test(test_alloc_blocks),
		cmocka_unit_test(test_write_and_remap),
		cmocka_unit_test(test_eime_destination),
		cmocka_unit_test(test_fault_request_reserved),
		cmocka_unit_test(test_fault_index_over),
		cmocka_unit_test(test_fault_not_present),
		cmocka_unit_test(test_fault_irte_reserved),
		cmocka_unit_test(test_fault_compat),
		cmocka_unit_test(test_fault_source_id),
		cmocka_unit_test(test_fpd_silences),
		cmocka_unit_test(test_fault_log_order_and_bound),
		cmocka_unit_test(test_check_and_dump),
		cmocka_unit_test(test_probe_changes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
