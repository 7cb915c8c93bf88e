// SPDX-License-Identifier: MIT
/*
 * VT-d IRTE layout, remapped and posted views. Expected words come from the tables in
 * reference/hyp-vmm.md §1 and reference/linux.md §5, not from the encoder under test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "irqlab/irte.h"

static const struct irqlab_irte sentinel = {UINT64_C(0x0123456789abcdef),
					    UINT64_C(0xfedcba9876543210)};

static void assert_irte(const struct irqlab_irte *e, uint64_t lo, uint64_t hi)
{
	assert_int_equal(e->lo, lo);
	assert_int_equal(e->hi, hi);
}

static void remapped_roundtrip(const struct irqlab_irte_remapped *f, uint64_t lo, uint64_t hi)
{
	struct irqlab_irte e = sentinel;
	struct irqlab_irte_remapped b;
	uint64_t rl = 1, rh = 1;

	assert_int_equal(irqlab_irte_encode_remapped(f, &e), 0);
	assert_irte(&e, lo, hi);
	assert_false(irqlab_irte_is_posted(&e));
	assert_false(irqlab_irte_reserved(&e, &rl, &rh));
	assert_int_equal(rl, 0);
	assert_int_equal(rh, 0);
	assert_int_equal(irqlab_irte_decode_remapped(&e, &b), 0);
	assert_int_equal(b.present, f->present);
	assert_int_equal(b.fpd, f->fpd);
	assert_int_equal(b.dest_logical, f->dest_logical);
	assert_int_equal(b.redirect_hint, f->redirect_hint);
	assert_int_equal(b.trigger_level, f->trigger_level);
	assert_int_equal(b.delivery_mode, f->delivery_mode);
	assert_int_equal(b.avail, f->avail);
	assert_int_equal(b.vector, f->vector);
	assert_int_equal(b.dest, f->dest);
	assert_int_equal(b.sid, f->sid);
	assert_int_equal(b.sq, f->sq);
	assert_int_equal(b.svt, f->svt);
}

static void posted_roundtrip(const struct irqlab_irte_posted *f, uint64_t lo, uint64_t hi)
{
	struct irqlab_irte e = sentinel;
	struct irqlab_irte_posted b;
	uint64_t rl = 1, rh = 1;

	assert_int_equal(irqlab_irte_encode_posted(f, &e), 0);
	assert_irte(&e, lo, hi);
	assert_true(irqlab_irte_is_posted(&e));
	assert_false(irqlab_irte_reserved(&e, &rl, &rh));
	assert_int_equal(rl, 0);
	assert_int_equal(rh, 0);
	assert_int_equal(irqlab_irte_decode_posted(&e, &b), 0);
	assert_int_equal(b.present, f->present);
	assert_int_equal(b.fpd, f->fpd);
	assert_int_equal(b.urg, f->urg);
	assert_int_equal(b.vector, f->vector);
	assert_int_equal(b.pda, f->pda);
	assert_int_equal(b.avail, f->avail);
	assert_int_equal(b.sid, f->sid);
	assert_int_equal(b.sq, f->sq);
	assert_int_equal(b.svt, f->svt);
}

static void test_remapped_known_values(void **state)
{
	/* IO-APIC style: P, vector 0x41 fixed physical edge to xAPIC id 3, SVT 1 on 00:1f.0. */
	struct irqlab_irte_remapped f = {.present = true,
					 .vector = 0x41,
					 .dest = 0x300,
					 .sid = 0x00f8,
					 .svt = IRQLAB_IRTE_SVT_SID_SQ};

	remapped_roundtrip(&f, UINT64_C(0x0000030000410001), UINT64_C(0x00000000000400f8));

	/* Linux prepare_irte on x2APIC: P, DM, RH, vector 0x22, dest 0x12345678. */
	f = (struct irqlab_irte_remapped){.present = true,
					  .dest_logical = true,
					  .redirect_hint = true,
					  .vector = 0x22,
					  .dest = 0x12345678};
	remapped_roundtrip(&f, UINT64_C(0x123456780022000d), 0);

	/* kvm-unit-tests: FPD, lowest priority, level, HPET-like SQ 3 / SVT 1, bus 0xff range. */
	f = (struct irqlab_irte_remapped){.present = true,
					  .fpd = true,
					  .trigger_level = true,
					  .delivery_mode = IRQLAB_DLM_LOWEST,
					  .avail = 0xa,
					  .vector = 0xee,
					  .dest = 0xff00,
					  .sid = 0xffff,
					  .sq = 3,
					  .svt = 2};
	remapped_roundtrip(&f, UINT64_C(0x0000ff0000ee0a33), UINT64_C(0x00000000000bffff));
}

static void test_remapped_walk_fields(void **state)
{
	static const uint8_t modes[] = {0, 1, 2, 4, 5, 7};
	struct irqlab_irte_remapped f;

	f = (struct irqlab_irte_remapped){.present = true};
	remapped_roundtrip(&f, 0x1, 0);
	f = (struct irqlab_irte_remapped){.fpd = true};
	remapped_roundtrip(&f, 0x2, 0);
	f = (struct irqlab_irte_remapped){.dest_logical = true};
	remapped_roundtrip(&f, 0x4, 0);
	f = (struct irqlab_irte_remapped){.redirect_hint = true};
	remapped_roundtrip(&f, 0x8, 0);
	f = (struct irqlab_irte_remapped){.trigger_level = true};
	remapped_roundtrip(&f, 0x10, 0);
	for (unsigned i = 0; i < sizeof(modes); i++) {
		f = (struct irqlab_irte_remapped){.delivery_mode = modes[i]};
		remapped_roundtrip(&f, (uint64_t)modes[i] << 5, 0);
	}
	for (unsigned a = 0; a < 16; a++) {
		f = (struct irqlab_irte_remapped){.avail = (uint8_t)a};
		remapped_roundtrip(&f, (uint64_t)a << 8, 0);
	}
	for (unsigned v = 0; v < 256; v++) {
		f = (struct irqlab_irte_remapped){.vector = (uint8_t)v};
		remapped_roundtrip(&f, (uint64_t)v << 16, 0);
	}
	for (unsigned bit = 0; bit < 32; bit++) {
		f = (struct irqlab_irte_remapped){.dest = 1u << bit};
		remapped_roundtrip(&f, UINT64_C(1) << (32 + bit), 0);
		f.dest = ~(1u << bit);
		remapped_roundtrip(&f, (uint64_t) ~(1u << bit) << 32, 0);
	}
	f = (struct irqlab_irte_remapped){.dest = 0xffffffffu};
	remapped_roundtrip(&f, UINT64_C(0xffffffff00000000), 0);
	for (uint32_t s = 0; s <= 0xffff; s++) {
		f = (struct irqlab_irte_remapped){.sid = (uint16_t)s};
		remapped_roundtrip(&f, 0, s);
	}
	for (unsigned q = 0; q < 4; q++) {
		f = (struct irqlab_irte_remapped){.sq = (uint8_t)q};
		remapped_roundtrip(&f, 0, (uint64_t)q << 16);
		f = (struct irqlab_irte_remapped){.svt = (uint8_t)q};
		remapped_roundtrip(&f, 0, (uint64_t)q << 18);
	}
}

static void test_remapped_encode_errors(void **state)
{
	struct irqlab_irte e = sentinel;
	struct irqlab_irte_remapped f;

	f = (struct irqlab_irte_remapped){.avail = 16};
	assert_int_equal(irqlab_irte_encode_remapped(&f, &e), -ERANGE);
	f = (struct irqlab_irte_remapped){.sq = 4};
	assert_int_equal(irqlab_irte_encode_remapped(&f, &e), -ERANGE);
	f = (struct irqlab_irte_remapped){.svt = 4};
	assert_int_equal(irqlab_irte_encode_remapped(&f, &e), -ERANGE);
	f = (struct irqlab_irte_remapped){.svt = 0xff};
	assert_int_equal(irqlab_irte_encode_remapped(&f, &e), -ERANGE);
	f = (struct irqlab_irte_remapped){.delivery_mode = 3};
	assert_int_equal(irqlab_irte_encode_remapped(&f, &e), -EINVAL);
	f = (struct irqlab_irte_remapped){.delivery_mode = 6};
	assert_int_equal(irqlab_irte_encode_remapped(&f, &e), -EINVAL);
	f = (struct irqlab_irte_remapped){.delivery_mode = 8};
	assert_int_equal(irqlab_irte_encode_remapped(&f, &e), -EINVAL);
	assert_irte(&e, sentinel.lo, sentinel.hi);
}

static void test_posted_known_values(void **state)
{
	/* PDA 0x1_2345_6780: lo 63:32 = PDA[31:0] (bits 5:0 are zero), hi 63:32 = PDA[63:32]. */
	struct irqlab_irte_posted f = {.present = true,
				       .urg = true,
				       .vector = 0x50,
				       .pda = UINT64_C(0x0000000123456780),
				       .sid = 0x0100,
				       .svt = 1};

	posted_roundtrip(&f, UINT64_C(0x234567800050c001), UINT64_C(0x0000000100040100));

	/* The IM bit alone marks a posted entry. */
	f = (struct irqlab_irte_posted){0};
	posted_roundtrip(&f, 0x8000, 0);
	f = (struct irqlab_irte_posted){.pda = UINT64_C(0xffffffffffffffc0)};
	posted_roundtrip(&f, UINT64_C(0xffffffc000008000), UINT64_C(0xffffffff00000000));
}

static void test_posted_walk_fields(void **state)
{
	struct irqlab_irte_posted f;

	f = (struct irqlab_irte_posted){.present = true};
	posted_roundtrip(&f, 0x8001, 0);
	f = (struct irqlab_irte_posted){.fpd = true};
	posted_roundtrip(&f, 0x8002, 0);
	f = (struct irqlab_irte_posted){.urg = true};
	posted_roundtrip(&f, 0xc000, 0);
	for (unsigned a = 0; a < 16; a++) {
		f = (struct irqlab_irte_posted){.avail = (uint8_t)a};
		posted_roundtrip(&f, 0x8000 | (uint64_t)a << 8, 0);
	}
	for (unsigned v = 0; v < 256; v++) {
		f = (struct irqlab_irte_posted){.vector = (uint8_t)v};
		posted_roundtrip(&f, 0x8000 | (uint64_t)v << 16, 0);
	}
	/* PDA bit b (6..31) sits at lo bit 32 + b; bit b (32..63) at hi bit b. */
	for (unsigned bit = 6; bit < 64; bit++) {
		f = (struct irqlab_irte_posted){.pda = UINT64_C(1) << bit};
		if (bit < 32)
			posted_roundtrip(&f, 0x8000 | UINT64_C(1) << (32 + bit), 0);
		else
			posted_roundtrip(&f, 0x8000, UINT64_C(1) << bit);
	}
	for (uint32_t s = 0; s <= 0xffff; s++) {
		f = (struct irqlab_irte_posted){.sid = (uint16_t)s};
		posted_roundtrip(&f, 0x8000, s);
	}
	for (unsigned q = 0; q < 4; q++) {
		f = (struct irqlab_irte_posted){.sq = (uint8_t)q};
		posted_roundtrip(&f, 0x8000, (uint64_t)q << 16);
		f = (struct irqlab_irte_posted){.svt = (uint8_t)q};
		posted_roundtrip(&f, 0x8000, (uint64_t)q << 18);
	}
}

static void test_posted_encode_errors(void **state)
{
	struct irqlab_irte e = sentinel;
	struct irqlab_irte_posted f;

	for (unsigned bit = 0; bit < 6; bit++) {
		f = (struct irqlab_irte_posted){.pda = UINT64_C(0x1000) | UINT64_C(1) << bit};
		assert_int_equal(irqlab_irte_encode_posted(&f, &e), -EINVAL);
	}
	f = (struct irqlab_irte_posted){.avail = 16};
	assert_int_equal(irqlab_irte_encode_posted(&f, &e), -ERANGE);
	f = (struct irqlab_irte_posted){.sq = 4};
	assert_int_equal(irqlab_irte_encode_posted(&f, &e), -ERANGE);
	f = (struct irqlab_irte_posted){.svt = 4};
	assert_int_equal(irqlab_irte_encode_posted(&f, &e), -ERANGE);
	assert_irte(&e, sentinel.lo, sentinel.hi);
}

static void test_decode_wrong_view(void **state)
{
	struct irqlab_irte posted = {0x8001, 0};
	struct irqlab_irte remapped = {0x0001, 0};
	struct irqlab_irte_remapped r;
	struct irqlab_irte_posted p;

	assert_int_equal(irqlab_irte_decode_remapped(&posted, &r), -EINVAL);
	assert_int_equal(irqlab_irte_decode_posted(&remapped, &p), -EINVAL);
	assert_int_equal(irqlab_irte_decode_remapped(&remapped, &r), 0);
	assert_int_equal(irqlab_irte_decode_posted(&posted, &p), 0);
}

/* Flips each bit but IM in turn and checks the reserved report against @lo_rsvd/@hi_rsvd. */
static void check_reserved_walk(uint64_t base_lo, uint64_t lo_rsvd, uint64_t hi_rsvd)
{
	for (unsigned bit = 0; bit < 64; bit++) {
		uint64_t b = UINT64_C(1) << bit;
		struct irqlab_irte e = {base_lo, 0};
		uint64_t rl = ~UINT64_C(0), rh = ~UINT64_C(0);

		if (bit != 15) {
			e.lo ^= b;
			assert_int_equal(irqlab_irte_reserved(&e, &rl, &rh), (lo_rsvd & b) != 0);
			assert_int_equal(rl, lo_rsvd & b);
			assert_int_equal(rh, 0);
		}

		e = (struct irqlab_irte){base_lo, b};
		rl = rh = ~UINT64_C(0);
		assert_int_equal(irqlab_irte_reserved(&e, &rl, &rh), (hi_rsvd & b) != 0);
		assert_int_equal(rl, 0);
		assert_int_equal(rh, hi_rsvd & b);
	}
}

static void test_reserved_remapped(void **state)
{
	/* lo 14:12 and 31:24; hi 63:20 (IRTE 127:84). */
	check_reserved_walk(0, UINT64_C(0x00000000ff007000), UINT64_C(0xfffffffffff00000));
}

static void test_reserved_posted(void **state)
{
	/* lo 7:2, 13:12, 37:24; hi 31:20 (IRTE 95:84). */
	check_reserved_walk(0x8000, UINT64_C(0x0000003fff0030fc), UINT64_C(0x00000000fff00000));
}

static void test_reserved_null_outputs(void **state)
{
	struct irqlab_irte e = {UINT64_C(0x1000), 0};

	assert_true(irqlab_irte_reserved(&e, NULL, NULL));
	e.lo = 0x1;
	assert_false(irqlab_irte_reserved(&e, NULL, NULL));
	e.hi = UINT64_C(1) << 63;
	assert_true(irqlab_irte_reserved(&e, NULL, NULL));
}

static void test_dest_conventions(void **state)
{
	uint32_t dst = 0xdead;

	assert_int_equal(irqlab_irte_dest_xapic(0), 0);
	assert_int_equal(irqlab_irte_dest_xapic(3), 0x300);
	assert_int_equal(irqlab_irte_dest_xapic(0xff), 0xff00);
	for (unsigned id = 0; id < 256; id++)
		assert_int_equal(irqlab_irte_xapic_apicid(irqlab_irte_dest_xapic((uint8_t)id)), id);
	/* xAPIC mode reads DST bits 15:8 only. */
	assert_int_equal(irqlab_irte_xapic_apicid(0x12345678), 0x56);
	assert_int_equal(irqlab_irte_xapic_apicid(0x000000ff), 0);

	assert_int_equal(irqlab_irte_dest_x2apic(0x12345678), 0x12345678);
	assert_int_equal(irqlab_irte_x2apic_apicid(0xffffffffu), 0xffffffffu);

	assert_int_equal(irqlab_irte_dest_encode(7, false, &dst), 0);
	assert_int_equal(dst, 0x700);
	assert_int_equal(irqlab_irte_dest_encode(7, true, &dst), 0);
	assert_int_equal(dst, 7);
	assert_int_equal(irqlab_irte_dest_encode(0x100, true, &dst), 0);
	assert_int_equal(dst, 0x100);
	dst = 0xdead;
	assert_int_equal(irqlab_irte_dest_encode(0x100, false, &dst), -ERANGE);
	assert_int_equal(dst, 0xdead);

	assert_int_equal(irqlab_irte_dest_decode(0x12345678, false), 0x56);
	assert_int_equal(irqlab_irte_dest_decode(0x12345678, true), 0x12345678);

	/* In an entry, xAPIC id 0xff lands in IRTE bits 47:40. */
	struct irqlab_irte_remapped f = {.dest = irqlab_irte_dest_xapic(0xff)};
	struct irqlab_irte e;
	assert_int_equal(irqlab_irte_encode_remapped(&f, &e), 0);
	assert_int_equal(e.lo, UINT64_C(0x0000ff0000000000));
}

static void test_present(void **state)
{
	struct irqlab_irte e = {.lo = IRQLAB_IRTE_LO_P};

	assert_true(irqlab_irte_present(&e));
	e.lo |= IRQLAB_IRTE_LO_IM;
	assert_true(irqlab_irte_present(&e));
	e.lo = ~IRQLAB_IRTE_LO_P;
	e.hi = ~UINT64_C(0);
	assert_false(irqlab_irte_present(&e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remapped_known_values),
		cmocka_unit_test(test_remapped_walk_fields),
		cmocka_unit_test(test_remapped_encode_errors),
		cmocka_unit_test(test_posted_known_values),
		cmocka_unit_test(test_posted_walk_fields),
		cmocka_unit_test(test_posted_encode_errors),
		cmocka_unit_test(test_decode_wrong_view),
		cmocka_unit_test(test_reserved_remapped),
		cmocka_unit_test(test_reserved_posted),
		cmocka_unit_test(test_reserved_null_outputs),
		cmocka_unit_test(test_dest_conventions),
		cmocka_unit_test(test_present),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
