// SPDX-License-Identifier: MIT
/*
 * MSI message formats: compatibility, remappable, MSI Message Control, multi-MSI data.
 * Expected words are written from the layout tables in reference/linux.md §5 and
 * reference/hyp-vmm.md §1-2, never computed with the encoder under test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "irqlab/msi.h"

static const struct irqlab_msi_msg sentinel = {0xa5a5a5a5u, 0x5a5a5a5au, 0xdeadbeefu};

static void assert_msg(const struct irqlab_msi_msg *m, uint32_t lo, uint32_t hi, uint32_t data)
{
	assert_int_equal(m->address_lo, lo);
	assert_int_equal(m->address_hi, hi);
	assert_int_equal(m->data, data);
}

static void assert_compat_equal(const struct irqlab_msi_compat *a,
				const struct irqlab_msi_compat *b)
{
	assert_int_equal(a->dest, b->dest);
	assert_int_equal(a->dest_logical, b->dest_logical);
	assert_int_equal(a->redirect_hint, b->redirect_hint);
	assert_int_equal(a->vector, b->vector);
	assert_int_equal(a->delivery_mode, b->delivery_mode);
	assert_int_equal(a->data_dest_logical, b->data_dest_logical);
	assert_int_equal(a->active_low, b->active_low);
	assert_int_equal(a->trigger_level, b->trigger_level);
}

/* Encodes @f, checks the exact words, decodes and checks every field came back. */
static void compat_roundtrip(const struct irqlab_msi_compat *f, bool ext, uint32_t lo,
			     uint32_t data)
{
	struct irqlab_msi_msg m = sentinel;
	struct irqlab_msi_compat back;

	assert_int_equal(irqlab_msi_compat_encode(f, ext, &m), 0);
	assert_msg(&m, lo, 0, data);
	assert_false(irqlab_msi_is_remappable(&m));
	assert_int_equal(irqlab_msi_compat_decode(&m, ext, &back), 0);
	assert_compat_equal(&back, f);
}

static void test_compat_known_values(void **state)
{
	struct irqlab_msi_compat f = {.dest = 3, .vector = 0x41};

	/* APIC id 3, vector 0x41, fixed, physical, edge. */
	compat_roundtrip(&f, false, 0xfee03000u, 0x00000041u);

	/* Logical dest 0x0f, RH, lowest priority, level asserted, level triggered. */
	f = (struct irqlab_msi_compat){.dest = 0x0f,
				       .dest_logical = true,
				       .redirect_hint = true,
				       .vector = 0x31,
				       .delivery_mode = IRQLAB_DLM_LOWEST,
				       .active_low = true,
				       .trigger_level = true};
	compat_roundtrip(&f, false, 0xfee0f00cu, 0x0000c131u);

	/* NMI to APIC id 0xff. */
	f = (struct irqlab_msi_compat){.dest = 0xff, .vector = 2, .delivery_mode = IRQLAB_DLM_NMI};
	compat_roundtrip(&f, false, 0xfeeff000u, 0x00000402u);

	/* Extended destination id: 0x1234 = 0x34 in 19:12, 0x12 in 11:5. */
	f = (struct irqlab_msi_compat){.dest = 0x1234, .vector = 0xec};
	compat_roundtrip(&f, true, 0xfee34240u, 0x000000ecu);
	f.dest = 0x7fff;
	compat_roundtrip(&f, true, 0xfeefffe0u, 0x000000ecu);
}

static void test_compat_walk_dest(void **state)
{
	for (uint32_t d = 0; d <= 0xff; d++) {
		struct irqlab_msi_compat f = {.dest = d};

		compat_roundtrip(&f, false, 0xfee00000u | d << 12, 0);
		/* Below 0x100 the extended form is the same message. */
		compat_roundtrip(&f, true, 0xfee00000u | d << 12, 0);
	}
	for (uint32_t d = 0; d <= 0x7fff; d++) {
		struct irqlab_msi_compat f = {.dest = d};

		compat_roundtrip(&f, true, 0xfee00000u | (d & 0xff) << 12 | (d >> 8) << 5, 0);
	}
}

static void test_compat_walk_data_fields(void **state)
{
	static const uint8_t modes[] = {0, 1, 2, 4, 5, 7};

	for (unsigned v = 0; v <= 0xff; v++) {
		struct irqlab_msi_compat f = {.vector = (uint8_t)v};

		compat_roundtrip(&f, false, 0xfee00000u, v);
	}
	for (unsigned i = 0; i < sizeof(modes); i++) {
		struct irqlab_msi_compat f = {.delivery_mode = modes[i]};

		compat_roundtrip(&f, false, 0xfee00000u, (uint32_t)modes[i] << 8);
	}

	struct irqlab_msi_compat f = {.dest_logical = true};
	compat_roundtrip(&f, false, 0xfee00004u, 0);
	f = (struct irqlab_msi_compat){.redirect_hint = true};
	compat_roundtrip(&f, false, 0xfee00008u, 0);
	f = (struct irqlab_msi_compat){.data_dest_logical = true};
	compat_roundtrip(&f, false, 0xfee00000u, 0x800);
	f = (struct irqlab_msi_compat){.active_low = true};
	compat_roundtrip(&f, false, 0xfee00000u, 0x4000);
	f = (struct irqlab_msi_compat){.trigger_level = true};
	compat_roundtrip(&f, false, 0xfee00000u, 0x8000);
}

static void test_compat_encode_errors(void **state)
{
	static const unsigned bad_modes[] = {3, 6, 8, 0xff};
	struct irqlab_msi_msg m = sentinel;
	struct irqlab_msi_compat f = {0};

	f.dest = 0x100;
	assert_int_equal(irqlab_msi_compat_encode(&f, false, &m), -ERANGE);
	f.dest = 0x8000;
	assert_int_equal(irqlab_msi_compat_encode(&f, true, &m), -ERANGE);
	f.dest = 0xffffffffu;
	assert_int_equal(irqlab_msi_compat_encode(&f, true, &m), -ERANGE);
	assert_int_equal(irqlab_msi_compat_encode(&f, false, &m), -ERANGE);

	f.dest = 0;
	for (unsigned i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		f.delivery_mode = (uint8_t)bad_modes[i];
		assert_int_equal(irqlab_msi_compat_encode(&f, false, &m), -EINVAL);
		assert_false(irqlab_delivery_mode_valid(bad_modes[i]));
	}
	assert_msg(&m, sentinel.address_lo, sentinel.address_hi, sentinel.data);
}

static void test_compat_decode_errors(void **state)
{
	struct irqlab_msi_compat f;
	struct irqlab_msi_msg m = {.address_lo = 0xfee00010u};

	/* Format bit set: remappable, not compatibility. */
	assert_int_equal(irqlab_msi_compat_decode(&m, false, &f), -EINVAL);
	m.address_lo = 0xfed03000u;
	assert_int_equal(irqlab_msi_compat_decode(&m, false, &f), -EINVAL);
	m.address_lo = 0x00003000u;
	assert_int_equal(irqlab_msi_compat_decode(&m, true, &f), -EINVAL);
	m.address_lo = 0xffe03000u;
	assert_int_equal(irqlab_msi_compat_decode(&m, true, &f), -EINVAL);

	/* Without the extension, 11:5 are ignored; with it they are dest[14:8]. */
	m = (struct irqlab_msi_msg){.address_lo = 0xfee34240u, .data = 0x41};
	assert_int_equal(irqlab_msi_compat_decode(&m, false, &f), 0);
	assert_int_equal(f.dest, 0x34);
	assert_int_equal(irqlab_msi_compat_decode(&m, true, &f), 0);
	assert_int_equal(f.dest, 0x1234);
	assert_int_equal(f.vector, 0x41);
}

static void test_compat_reserved_bits(void **state)
{
	/* From the tables: address 1:0 and 4; data 13:12 and 31:16. */
	const uint32_t addr_rsvd = 0x00000013u;
	const uint32_t data_rsvd = 0xffff3000u;
	struct irqlab_msi_msg clean = {.address_lo = 0xfee03000u, .data = 0x41};
	struct irqlab_msi_msg r = irqlab_msi_compat_reserved(&clean);

	assert_msg(&r, 0, 0, 0);
	for (unsigned bit = 0; bit < 32; bit++) {
		struct irqlab_msi_msg m = clean;

		m.address_lo ^= 1u << bit;
		r = irqlab_msi_compat_reserved(&m);
		assert_msg(&r, addr_rsvd & (1u << bit), 0, 0);

		m = clean;
		m.data ^= 1u << bit;
		r = irqlab_msi_compat_reserved(&m);
		assert_msg(&r, 0, 0, data_rsvd & (1u << bit));

		/* address_hi is destination space in the x2APIC/DMAR conventions. */
		m = clean;
		m.address_hi = 1u << bit;
		r = irqlab_msi_compat_reserved(&m);
		assert_msg(&r, 0, 0, 0);
	}
	clean.address_lo |= addr_rsvd;
	clean.data |= data_rsvd;
	r = irqlab_msi_compat_reserved(&clean);
	assert_msg(&r, addr_rsvd, 0, data_rsvd);
}

static void remap_roundtrip(const struct irqlab_msi_remap *f, uint32_t lo, uint32_t data)
{
	struct irqlab_msi_msg m = sentinel;
	struct irqlab_msi_remap back;

	irqlab_msi_remap_encode(f, &m);
	assert_msg(&m, lo, 0, data);
	assert_true(irqlab_msi_is_remappable(&m));
	assert_int_equal(irqlab_msi_remap_decode(&m, &back), 0);
	assert_int_equal(back.handle, f->handle);
	assert_int_equal(back.shv, f->shv);
	assert_int_equal(back.subhandle, f->subhandle);
}

static void test_remap_known_values(void **state)
{
	struct irqlab_msi_remap f = {.handle = 1, .shv = true, .subhandle = 0};

	/* What Linux writes for IRTE 1: 0x20 (handle) | 0x10 (format) | 0x08 (SHV). */
	remap_roundtrip(&f, 0xfee00038u, 0);

	f = (struct irqlab_msi_remap){.handle = 0x8000};
	remap_roundtrip(&f, 0xfee00014u, 0);
	f = (struct irqlab_msi_remap){.handle = 0x7fff};
	remap_roundtrip(&f, 0xfeeffff0u, 0);
	f = (struct irqlab_msi_remap){.handle = 0xffff, .shv = true, .subhandle = 0xffff};
	remap_roundtrip(&f, 0xfeeffffcu, 0xffff);
	f = (struct irqlab_msi_remap){.handle = 0x0040, .shv = true, .subhandle = 3};
	remap_roundtrip(&f, 0xfee00818u, 3);
}

static void test_remap_walk(void **state)
{
	for (uint32_t h = 0; h <= 0xffff; h++) {
		for (int shv = 0; shv <= 1; shv++) {
			struct irqlab_msi_remap f = {.handle = (uint16_t)h, .shv = shv};
			uint32_t lo = 0xfee00010u | (h & 0x7fff) << 5 | (h >> 15) << 2 |
				      (uint32_t)shv << 3;

			remap_roundtrip(&f, lo, 0);
		}
	}
	for (uint32_t s = 0; s <= 0xffff; s++) {
		struct irqlab_msi_remap f = {.subhandle = (uint16_t)s};

		remap_roundtrip(&f, 0xfee00010u, s);
	}
}

static void test_remap_decode_errors(void **state)
{
	struct irqlab_msi_remap f;
	struct irqlab_msi_msg m = {.address_lo = 0xfee03000u};

	assert_false(irqlab_msi_is_remappable(&m));
	assert_int_equal(irqlab_msi_remap_decode(&m, &f), -EINVAL);
	m.address_lo = 0xfef00038u;
	assert_true(irqlab_msi_is_remappable(&m));
	assert_int_equal(irqlab_msi_remap_decode(&m, &f), -EINVAL);
	m.address_lo = 0x00000038u;
	assert_int_equal(irqlab_msi_remap_decode(&m, &f), -EINVAL);

	/* Bits 1:0 are don't-care; data 31:16 do not reach the subhandle. */
	m = (struct irqlab_msi_msg){.address_lo = 0xfee0003bu, .data = 0xabcd1234u};
	assert_int_equal(irqlab_msi_remap_decode(&m, &f), 0);
	assert_int_equal(f.handle, 1);
	assert_true(f.shv);
	assert_int_equal(f.subhandle, 0x1234);
}

static void test_remap_index(void **state)
{
	struct irqlab_msi_msg m = {.address_lo = 0xfee000b0u, .data = 7}; /* handle 5 */

	assert_int_equal(irqlab_msi_remap_index(&m), 5);
	m.address_lo |= 0x8; /* SHV */
	assert_int_equal(irqlab_msi_remap_index(&m), 12);
	m.data = 0xffff0000u; /* only data 15:0 count */
	assert_int_equal(irqlab_msi_remap_index(&m), 5);

	/* The largest sum does not fit 16 bits. */
	m = (struct irqlab_msi_msg){.address_lo = 0xfeeffffcu, .data = 0xffff};
	assert_int_equal(irqlab_msi_remap_index(&m), 0x1fffe);

	/* handle 1 + SHV, subhandle 0 (Linux's MSI): index 1. */
	m = (struct irqlab_msi_msg){.address_lo = 0xfee00038u, .data = 0};
	assert_int_equal(irqlab_msi_remap_index(&m), 1);

	/* Multi-MSI vector 3 on a block at 0x40. */
	m = (struct irqlab_msi_msg){.address_lo = 0xfee00818u, .data = 3};
	assert_int_equal(irqlab_msi_remap_index(&m), 0x43);
}

static void test_remap_reserved_bits(void **state)
{
	struct irqlab_msi_msg clean = {.address_lo = 0xfee00038u, .data = 0};
	struct irqlab_msi_msg r;

	r = irqlab_msi_remap_reserved(&clean);
	assert_msg(&r, 0, 0, 0);
	for (unsigned bit = 0; bit < 32; bit++) {
		struct irqlab_msi_msg m = clean;

		m.address_hi = 1u << bit;
		r = irqlab_msi_remap_reserved(&m);
		assert_msg(&r, 0, 1u << bit, 0);

		m = clean;
		m.data = 1u << bit;
		r = irqlab_msi_remap_reserved(&m);
		assert_msg(&r, 0, 0, bit >= 16 ? 1u << bit : 0);

		/* Without SHV the data word is not checked. */
		m.address_lo &= ~0x8u;
		r = irqlab_msi_remap_reserved(&m);
		assert_msg(&r, 0, 0, 0);

		/* Address low bits never: 1:0 are don't-care, the rest are fields. */
		m = clean;
		m.address_lo ^= 1u << bit;
		r = irqlab_msi_remap_reserved(&m);
		assert_msg(&r, 0, 0, 0);
	}
}

static void test_msi_ctrl(void **state)
{
	struct irqlab_msi_ctrl f = {
		.enable = true, .mmc = 5, .mme = 3, .addr64 = true, .per_vector_mask = true};
	struct irqlab_msi_ctrl back;
	uint16_t ctrl = 0xabcd;

	assert_int_equal(irqlab_msi_ctrl_encode(&f, &ctrl), 0);
	assert_int_equal(ctrl, 0x01bb);

	/* Every combination round-trips to exactly its bits. */
	for (unsigned bits = 0; bits < 8; bits++) {
		for (unsigned mmc = 0; mmc <= 5; mmc++) {
			for (unsigned mme = 0; mme <= 5; mme++) {
				f = (struct irqlab_msi_ctrl){.enable = bits & 1,
							     .mmc = (uint8_t)mmc,
							     .mme = (uint8_t)mme,
							     .addr64 = bits & 2,
							     .per_vector_mask = bits & 4};
				assert_int_equal(irqlab_msi_ctrl_encode(&f, &ctrl), 0);
				assert_int_equal(ctrl, (bits & 1) | mmc << 1 | mme << 4 |
							       (bits & 2 ? 0x80 : 0) |
							       (bits & 4 ? 0x100 : 0));
				irqlab_msi_ctrl_decode(ctrl, &back);
				assert_int_equal(back.enable, f.enable);
				assert_int_equal(back.mmc, mmc);
				assert_int_equal(back.mme, mme);
				assert_int_equal(back.addr64, f.addr64);
				assert_int_equal(back.per_vector_mask, f.per_vector_mask);
			}
		}
	}

	/* Decode reports every stored value, reserved encodings and bits included. */
	for (uint32_t v = 0; v <= 0xffff; v++) {
		irqlab_msi_ctrl_decode((uint16_t)v, &back);
		assert_int_equal(back.enable, v & 1);
		assert_int_equal(back.mmc, (v >> 1) & 7);
		assert_int_equal(back.mme, (v >> 4) & 7);
		assert_int_equal(back.addr64, (v >> 7) & 1);
		assert_int_equal(back.per_vector_mask, (v >> 8) & 1);
	}

	ctrl = 0x1234;
	f = (struct irqlab_msi_ctrl){.mmc = 6};
	assert_int_equal(irqlab_msi_ctrl_encode(&f, &ctrl), -EINVAL);
	f = (struct irqlab_msi_ctrl){.mme = 7};
	assert_int_equal(irqlab_msi_ctrl_encode(&f, &ctrl), -EINVAL);
	f = (struct irqlab_msi_ctrl){.mme = 8};
	assert_int_equal(irqlab_msi_ctrl_encode(&f, &ctrl), -EINVAL);
	assert_int_equal(ctrl, 0x1234);
}

static void test_multi_data(void **state)
{
	uint32_t d = 0;

	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(irqlab_msi_multi_data(0x4120, 4, i, &d), 0);
		assert_int_equal(d, 0x4120 + i);
	}
	/* The low log2(nvec) bits are replaced, not added to. */
	assert_int_equal(irqlab_msi_multi_data(0x0041, 4, 2, &d), 0);
	assert_int_equal(d, 0x0042);
	assert_int_equal(irqlab_msi_multi_data(0xffff, 32, 0, &d), 0);
	assert_int_equal(d, 0xffe0);
	assert_int_equal(irqlab_msi_multi_data(0xffff, 32, 31, &d), 0);
	assert_int_equal(d, 0xffff);
	assert_int_equal(irqlab_msi_multi_data(0x4567, 1, 0, &d), 0);
	assert_int_equal(d, 0x4567);
	assert_int_equal(irqlab_msi_multi_data(0x00a3, 2, 0, &d), 0);
	assert_int_equal(d, 0x00a2);

	d = 0x99;
	assert_int_equal(irqlab_msi_multi_data(0, 0, 0, &d), -EINVAL);
	assert_int_equal(irqlab_msi_multi_data(0, 3, 0, &d), -EINVAL);
	assert_int_equal(irqlab_msi_multi_data(0, 64, 0, &d), -EINVAL);
	assert_int_equal(irqlab_msi_multi_data(0, 8, 8, &d), -EINVAL);
	assert_int_equal(irqlab_msi_multi_data(0, 1, 1, &d), -EINVAL);
	assert_int_equal(d, 0x99);
}

static void test_delivery_mode_valid(void **state)
{
	for (unsigned m = 0; m < 16; m++)
		assert_int_equal(irqlab_delivery_mode_valid(m),
				 m == 0 || m == 1 || m == 2 || m == 4 || m == 5 || m == 7);
}

static void test_vector_bits(void **state)
{
	uint32_t reg = 0;

	reg = irqlab_msi_vector_bit_set(reg, 0, true);
	reg = irqlab_msi_vector_bit_set(reg, 31, true);
	assert_int_equal(reg, 0x80000001u);
	assert_true(irqlab_msi_vector_bit(reg, 31));
	assert_false(irqlab_msi_vector_bit(reg, 1));
	assert_int_equal(irqlab_msi_vector_bit_set(reg, 0, false), 0x80000000u);
	assert_int_equal(irqlab_msi_vector_bits_all(1), 0x1u);
	assert_int_equal(irqlab_msi_vector_bits_all(8), 0xffu);
	assert_int_equal(irqlab_msi_vector_bits_all(32), 0xffffffffu);
}

/* MME covers the count with a power of two; MMC is the log2 of a power of two. */
static void test_mme_mmc_for(void **state)
{
	static const unsigned mme[] = {0, 0, 1, 2, 2, 3, 3, 3, 3, 4};

	for (unsigned n = 1; n < 10; n++)
		assert_int_equal(irqlab_msi_mme_for(n), mme[n]);
	assert_int_equal(irqlab_msi_mme_for(32), 5);
	assert_int_equal(irqlab_msi_mme_for(17), 5);
	for (unsigned l = 0; l <= 5; l++)
		assert_int_equal(irqlab_msi_mmc_for(1u << l), l);
}

static void test_addr_is_interrupt(void **state)
{
	struct irqlab_msi_msg m = {.address_lo = 0xfee00000u};

	assert_true(irqlab_msi_addr_is_interrupt(&m));
	m.address_lo = 0xfeefffffu;
	assert_true(irqlab_msi_addr_is_interrupt(&m));
	m.address_lo = 0xfef00000u;
	assert_false(irqlab_msi_addr_is_interrupt(&m));
	m.address_lo = 0xfed00000u;
	assert_false(irqlab_msi_addr_is_interrupt(&m));
	m.address_lo = 0xfee00000u;
	m.address_hi = 1;
	assert_false(irqlab_msi_addr_is_interrupt(&m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compat_known_values),
		cmocka_unit_test(test_compat_walk_dest),
		cmocka_unit_test(test_compat_walk_data_fields),
		cmocka_unit_test(test_compat_encode_errors),
		cmocka_unit_test(test_compat_decode_errors),
		cmocka_unit_test(test_compat_reserved_bits),
		cmocka_unit_test(test_remap_known_values),
		cmocka_unit_test(test_remap_walk),
		cmocka_unit_test(test_remap_decode_errors),
		cmocka_unit_test(test_remap_index),
		cmocka_unit_test(test_remap_reserved_bits),
		cmocka_unit_test(test_msi_ctrl),
		cmocka_unit_test(test_multi_data),
		cmocka_unit_test(test_delivery_mode_valid),
		cmocka_unit_test(test_vector_bits),
		cmocka_unit_test(test_mme_mmc_for),
		cmocka_unit_test(test_addr_is_interrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
