// SPDX-License-Identifier: MIT
/*
 * IO-APIC RTE layout, both views, and the message a pin emits. Expected words come from
 * the tables in reference/linux.md §5 and reference/hyp-vmm.md §2, not from the encoder.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "irqlab/ioapic_rte.h"
#include "irqlab/msi.h"

#define SENTINEL UINT64_C(0x0123456789abcdef)

static void compat_roundtrip(const struct irqlab_ioapic_rte_compat *f, uint64_t want)
{
	struct irqlab_ioapic_rte_compat b;
	uint64_t rte = SENTINEL;

	assert_int_equal(irqlab_ioapic_rte_encode_compat(f, &rte), 0);
	assert_int_equal(rte, want);
	assert_false(irqlab_ioapic_rte_is_remapped(rte));
	assert_int_equal(irqlab_ioapic_rte_reserved(rte), 0);
	assert_int_equal(irqlab_ioapic_rte_decode_compat(rte, &b), 0);
	assert_int_equal(b.vector, f->vector);
	assert_int_equal(b.delivery_mode, f->delivery_mode);
	assert_int_equal(b.dest_logical, f->dest_logical);
	assert_int_equal(b.delivery_status, f->delivery_status);
	assert_int_equal(b.active_low, f->active_low);
	assert_int_equal(b.remote_irr, f->remote_irr);
	assert_int_equal(b.level, f->level);
	assert_int_equal(b.masked, f->masked);
	assert_int_equal(b.dest, f->dest);
}

static void remapped_roundtrip(const struct irqlab_ioapic_rte_remapped *f, uint64_t want)
{
	struct irqlab_ioapic_rte_remapped b;
	uint64_t rte = SENTINEL;

	irqlab_ioapic_rte_encode_remapped(f, &rte);
	assert_int_equal(rte, want);
	assert_true(irqlab_ioapic_rte_is_remapped(rte));
	assert_int_equal(irqlab_ioapic_rte_reserved(rte), 0);
	assert_int_equal(irqlab_ioapic_rte_decode_remapped(rte, &b), 0);
	assert_int_equal(b.vector, f->vector);
	assert_int_equal(b.index, f->index);
	assert_int_equal(b.delivery_status, f->delivery_status);
	assert_int_equal(b.active_low, f->active_low);
	assert_int_equal(b.remote_irr, f->remote_irr);
	assert_int_equal(b.level, f->level);
	assert_int_equal(b.masked, f->masked);
}

static void test_compat_known_values(void **state)
{
	struct irqlab_ioapic_rte_compat f = {.vector = 0x31, .dest = 3};

	/* Vector 0x31, fixed, physical, edge, active high, unmasked, APIC id 3. */
	compat_roundtrip(&f, UINT64_C(0x0300000000000031));

	/* Lowest priority, logical 0x0f, active low, level, masked, vector 0x41. */
	f = (struct irqlab_ioapic_rte_compat){.vector = 0x41,
					      .delivery_mode = IRQLAB_DLM_LOWEST,
					      .dest_logical = true,
					      .active_low = true,
					      .level = true,
					      .masked = true,
					      .dest = 0x0f};
	compat_roundtrip(&f, UINT64_C(0x0f0000000001a941));

	/* The reset state: masked, everything else zero. */
	f = (struct irqlab_ioapic_rte_compat){.masked = true};
	compat_roundtrip(&f, UINT64_C(0x0000000000010000));

	/* Destination 0x7fff: dest[7:0] = 0xff in 63:56, dest[14:8] = 0x7f in 55:49. */
	f = (struct irqlab_ioapic_rte_compat){.dest = 0x7fff};
	compat_roundtrip(&f, UINT64_C(0xfffe000000000000));
	/* Destination 0x123: 0x23 in 63:56, 0x01 in 55:49 (bit 49). */
	f = (struct irqlab_ioapic_rte_compat){.dest = 0x123};
	compat_roundtrip(&f, UINT64_C(0x2302000000000000));
}

static void test_compat_walk_fields(void **state)
{
	static const uint8_t modes[] = {0, 1, 2, 4, 5, 7};
	struct irqlab_ioapic_rte_compat f;

	for (unsigned v = 0; v < 256; v++) {
		f = (struct irqlab_ioapic_rte_compat){.vector = (uint8_t)v};
		compat_roundtrip(&f, v);
		f = (struct irqlab_ioapic_rte_compat){.dest = (uint8_t)v};
		compat_roundtrip(&f, (uint64_t)v << 56);
	}
	for (unsigned i = 0; i < sizeof(modes); i++) {
		f = (struct irqlab_ioapic_rte_compat){.delivery_mode = modes[i]};
		compat_roundtrip(&f, (uint64_t)modes[i] << 8);
	}
	/* dest[14:8], the extended destination id, lands in 55:49. */
	for (unsigned x = 0; x < 128; x++) {
		f = (struct irqlab_ioapic_rte_compat){.dest = (uint16_t)(x << 8)};
		compat_roundtrip(&f, (uint64_t)x << 49);
	}
	f = (struct irqlab_ioapic_rte_compat){.dest_logical = true};
	compat_roundtrip(&f, 0x800);
	f = (struct irqlab_ioapic_rte_compat){.delivery_status = true};
	compat_roundtrip(&f, 0x1000);
	f = (struct irqlab_ioapic_rte_compat){.active_low = true};
	compat_roundtrip(&f, 0x2000);
	f = (struct irqlab_ioapic_rte_compat){.remote_irr = true};
	compat_roundtrip(&f, 0x4000);
	f = (struct irqlab_ioapic_rte_compat){.level = true};
	compat_roundtrip(&f, 0x8000);
	f = (struct irqlab_ioapic_rte_compat){.masked = true};
	compat_roundtrip(&f, 0x10000);
}

static void test_compat_encode_errors(void **state)
{
	/* A 16th destination bit has no field. */
	struct irqlab_ioapic_rte_compat f = {.dest = 0x8000};
	uint64_t rte = SENTINEL;

	assert_int_equal(irqlab_ioapic_rte_encode_compat(&f, &rte), -ERANGE);
	f.dest = 0xff00;
	assert_int_equal(irqlab_ioapic_rte_encode_compat(&f, &rte), -ERANGE);
	f = (struct irqlab_ioapic_rte_compat){.delivery_mode = 3};
	assert_int_equal(irqlab_ioapic_rte_encode_compat(&f, &rte), -EINVAL);
	f.delivery_mode = 6;
	assert_int_equal(irqlab_ioapic_rte_encode_compat(&f, &rte), -EINVAL);
	f.delivery_mode = 8;
	assert_int_equal(irqlab_ioapic_rte_encode_compat(&f, &rte), -EINVAL);
	assert_int_equal(rte, SENTINEL);
}

static void test_remapped_known_values(void **state)
{
	/* IRTE 1 for pin 9, level, active low: index[14:0] in 63:49, format bit 48. */
	struct irqlab_ioapic_rte_remapped f = {
		.vector = 9, .index = 1, .active_low = true, .level = true};

	remapped_roundtrip(&f, UINT64_C(0x000300000000a009));

	/* index[15] lives in bit 11. */
	f = (struct irqlab_ioapic_rte_remapped){.index = 0x8000};
	remapped_roundtrip(&f, UINT64_C(0x0001000000000800));
	f = (struct irqlab_ioapic_rte_remapped){.index = 0xffff};
	remapped_roundtrip(&f, UINT64_C(0xffff000000000800));
	f = (struct irqlab_ioapic_rte_remapped){.index = 0x7fff, .masked = true};
	remapped_roundtrip(&f, UINT64_C(0xffff000000010000));
}

static void test_remapped_walk_fields(void **state)
{
	const uint64_t fmt = UINT64_C(1) << 48;
	struct irqlab_ioapic_rte_remapped f;

	for (uint32_t i = 0; i <= 0xffff; i++) {
		f = (struct irqlab_ioapic_rte_remapped){.index = (uint16_t)i};
		remapped_roundtrip(&f,
				   fmt | (uint64_t)(i & 0x7fff) << 49 | (uint64_t)(i >> 15) << 11);
	}
	for (unsigned v = 0; v < 256; v++) {
		f = (struct irqlab_ioapic_rte_remapped){.vector = (uint8_t)v};
		remapped_roundtrip(&f, fmt | v);
	}
	f = (struct irqlab_ioapic_rte_remapped){.delivery_status = true};
	remapped_roundtrip(&f, fmt | 0x1000);
	f = (struct irqlab_ioapic_rte_remapped){.active_low = true};
	remapped_roundtrip(&f, fmt | 0x2000);
	f = (struct irqlab_ioapic_rte_remapped){.remote_irr = true};
	remapped_roundtrip(&f, fmt | 0x4000);
	f = (struct irqlab_ioapic_rte_remapped){.level = true};
	remapped_roundtrip(&f, fmt | 0x8000);
	f = (struct irqlab_ioapic_rte_remapped){.masked = true};
	remapped_roundtrip(&f, fmt | 0x10000);
}

static void test_decode_wrong_view(void **state)
{
	struct irqlab_ioapic_rte_compat c;
	struct irqlab_ioapic_rte_remapped r;

	assert_int_equal(irqlab_ioapic_rte_decode_compat(UINT64_C(0x0001000000000000), &c),
			 -EINVAL);
	assert_int_equal(irqlab_ioapic_rte_decode_remapped(UINT64_C(0x0300000000000031), &r),
			 -EINVAL);
	assert_true(irqlab_ioapic_rte_is_remapped(UINT64_C(0x0001000000000000)));
	assert_false(irqlab_ioapic_rte_is_remapped(UINT64_C(0xfffeffffffffffff)));
}

static void test_reserved_bits(void **state)
{
	/* Compatibility: 47:17 (48 is the format bit). Remapped: 10:8 and 47:17. */
	const uint64_t compat_rsvd = UINT64_C(0x0000fffffffe0000);
	const uint64_t remap_rsvd = UINT64_C(0x0000fffffffe0700);
	const uint64_t fmt = UINT64_C(1) << 48;

	assert_int_equal(irqlab_ioapic_rte_reserved(0), 0);
	assert_int_equal(irqlab_ioapic_rte_reserved(fmt), 0);
	for (unsigned bit = 0; bit < 64; bit++) {
		uint64_t b = UINT64_C(1) << bit;

		if (bit == 48)
			continue;
		assert_int_equal(irqlab_ioapic_rte_reserved(b), compat_rsvd & b);
		assert_int_equal(irqlab_ioapic_rte_reserved(fmt | b), remap_rsvd & b);
	}
	assert_int_equal(irqlab_ioapic_rte_reserved(~fmt), compat_rsvd);
	assert_int_equal(irqlab_ioapic_rte_reserved(~UINT64_C(0)), remap_rsvd);
}

static void assert_msg(const struct irqlab_msi_msg *m, uint32_t lo, uint32_t hi, uint32_t data)
{
	assert_int_equal(m->address_lo, lo);
	assert_int_equal(m->address_hi, hi);
	assert_int_equal(m->data, data);
}

static void test_to_msi_compat(void **state)
{
	struct irqlab_msi_msg m = {1, 2, 3};

	/* APIC id 3, vector 0x41, fixed physical edge: the same message a device would send. */
	irqlab_ioapic_rte_to_msi(UINT64_C(0x0300000000000041), &m);
	assert_msg(&m, 0xfee03000u, 0, 0x41);

	/* Logical, lowest priority, level, active low, dest 0x0f with ext 0x12: polarity,
	 * status and remote IRR are not part of the message. */
	irqlab_ioapic_rte_to_msi(UINT64_C(0x0f2400000000e941) | 0x1000, &m);
	assert_msg(&m, 0xfee0f244u, 0, 0x8141);

	/* A masked pin still has a message; whether it is sent is the IO-APIC's business. */
	irqlab_ioapic_rte_to_msi(UINT64_C(0x0100000000010030), &m);
	assert_msg(&m, 0xfee01000u, 0, 0x30);

	/* It decodes as a compatibility message with the extended id. */
	struct irqlab_msi_compat c;
	irqlab_ioapic_rte_to_msi(UINT64_C(0x0f2400000000e941), &m);
	assert_int_equal(irqlab_msi_compat_decode(&m, true, &c), 0);
	assert_int_equal(c.dest, 0x120f);
	assert_true(c.dest_logical);
	assert_int_equal(c.vector, 0x41);
	assert_int_equal(c.delivery_mode, IRQLAB_DLM_LOWEST);
	assert_true(c.trigger_level);
	assert_false(c.active_low);
}

static void test_to_msi_remapped(void **state)
{
	struct irqlab_msi_msg m = {1, 2, 3};
	struct irqlab_msi_remap r;

	/* IRTE 1, pin 9, level, active low: handle 1, SHV 0, format 1. */
	irqlab_ioapic_rte_to_msi(UINT64_C(0x000300000000a009), &m);
	assert_msg(&m, 0xfee00030u, 0, 0x8009);
	assert_true(irqlab_msi_is_remappable(&m));
	assert_int_equal(irqlab_msi_remap_index(&m), 1);
	assert_int_equal(irqlab_msi_remap_decode(&m, &r), 0);
	assert_int_equal(r.handle, 1);
	assert_false(r.shv);

	irqlab_ioapic_rte_to_msi(UINT64_C(0x0001000000000800), &m);
	assert_msg(&m, 0xfee00014u, 0, 0);
	assert_int_equal(irqlab_msi_remap_index(&m), 0x8000);
}

/* QEMU's rule, stated on the raw words: RTE 63:48 -> address 19:4, RTE 11 -> address 2. */
static void test_to_msi_matches_qemu_rule(void **state)
{
	static const uint64_t lows[] = {0x0, 0x41, 0x1a941, 0xe9ff, 0x8fff, 0x7ff, 0x1f7ff};

	for (uint32_t hi16 = 0; hi16 <= 0xffff; hi16 += 7) {
		for (unsigned i = 0; i < sizeof(lows) / sizeof(lows[0]); i++) {
			uint64_t rte = (uint64_t)hi16 << 48 | lows[i];
			struct irqlab_msi_msg m;
			uint32_t lo = 0xfee00000u | hi16 << 4 | (uint32_t)((rte >> 11) & 1) << 2;
			uint32_t data = (uint32_t)(rte & 0xff) | (uint32_t)(rte & 0x700) |
					(uint32_t)(rte & 0x8000);

			irqlab_ioapic_rte_to_msi(rte, &m);
			assert_msg(&m, lo, 0, data);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compat_known_values),
		cmocka_unit_test(test_compat_walk_fields),
		cmocka_unit_test(test_compat_encode_errors),
		cmocka_unit_test(test_remapped_known_values),
		cmocka_unit_test(test_remapped_walk_fields),
		cmocka_unit_test(test_decode_wrong_view),
		cmocka_unit_test(test_reserved_bits),
		cmocka_unit_test(test_to_msi_compat),
		cmocka_unit_test(test_to_msi_remapped),
		cmocka_unit_test(test_to_msi_matches_qemu_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
