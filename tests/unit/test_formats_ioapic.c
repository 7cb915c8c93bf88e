// SPDX-License-Identifier: MIT
/*
 * IO-APIC RTE layout, both views, and the message a pin emits. Expected words come from
 * the tables in reference/linux.md §5 and reference/hyp-vmm.md §2, not from the encoder.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
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

/* The RTE a message gives, or the error, with @rte checked untouched on error. */
static int from_msi(uint32_t lo, uint32_t hi, uint32_t data, bool level, bool active_low,
		    bool masked, uint64_t *rte)
{
	const struct irqlab_msi_msg m = {.address_lo = lo, .address_hi = hi, .data = data};
	const struct irqlab_ioapic_rte_pin pin = {
		.level = level, .active_low = active_low, .masked = masked};
	int err;

	*rte = SENTINEL;
	err = irqlab_ioapic_rte_from_msi(&m, &pin, rte);
	if (err)
		assert_int_equal(*rte, SENTINEL);
	return err;
}

/* Messages as the vector domain composes them (compatibility, extended id). */
static void test_from_msi_compat(void **state)
{
	uint64_t rte;

	/* APIC id 3 in 19:12, vector 0x41: 3 in 63:56, 0x41 in 7:0. */
	assert_int_equal(from_msi(0xfee03000u, 0, 0x41, false, false, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x0300000000000041));
	/* APIC id 0x123: 0x23 in 19:12 and 1 in 11:5 go to 63:56 and 55:49; masked (16). */
	assert_int_equal(from_msi(0xfee23020u, 0, 0x20, false, false, true, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x2302000000010020));
	/*
	 * Logical (address 2 -> 11), lowest priority (data 10:8 -> 10:8), dest 0x0f with ext
	 * 0x12 (0x240 in 11:5), level (15) and active low (13) from the pin.
	 */
	assert_int_equal(from_msi(0xfee0f244u, 0, 0x141, true, true, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x0f2400000000a941));
	/* APIC id 0x7fff: 0xff in 19:12, 0x7f in 11:5. */
	assert_int_equal(from_msi(0xfeefffe0u, 0, 0x30, false, false, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0xfffe000000000030));
	/* Every delivery mode the RTE can hold: 1, 2, 4, 5, 7 in 10:8. */
	assert_int_equal(from_msi(0xfee00000u, 0, 0x700, false, false, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x0000000000000700));
	assert_int_equal(from_msi(0xfee00000u, 0, 0x200, false, false, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x0000000000000200));
	/*
	 * What the RTE has no field for is not looked at: RH (3) and 1:0 of the address, data
	 * 31:11 (DM mirror 11, reserved 13:12, level assert 14, trigger 15, reserved 31:16).
	 * The trigger is the pin's, whatever the message says.
	 */
	assert_int_equal(from_msi(0xfee0300bu, 0, 0xfffff841u, false, false, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x0300000000000041));
}

/* Messages as the remap domain composes them: handle, SHV, the pin as the subhandle. */
static void test_from_msi_remappable(void **state)
{
	uint64_t rte;

	/*
	 * Handle 1 (19:5), SHV (3), format (4), subhandle 9: handle in 63:49, format in 48, the
	 * subhandle in the vector field; level and active low from the pin. SHV is not kept.
	 */
	assert_int_equal(from_msi(0xfee00038u, 0, 9, true, true, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x000300000000a009));
	/* Handle 0x8000: handle[15] (address 2) -> RTE 11; handle[14:0] = 0. */
	assert_int_equal(from_msi(0xfee0001cu, 0, 4, true, false, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x0001000000008804));
	/* Handle 0xffff, subhandle 0xff, masked. */
	assert_int_equal(from_msi(0xfeeffffcu, 0, 0xff, false, false, true, &rte), 0);
	assert_int_equal(rte, UINT64_C(0xffff0000000108ff));
	/* Without SHV the same RTE; data 31:11 (the trigger bit included) is not looked at. */
	assert_int_equal(from_msi(0xfee00030u, 0, 0xfffff809u, true, true, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x000300000000a009));
	assert_int_equal(from_msi(0xfee00033u, 0, 9, true, true, false, &rte), 0);
	assert_int_equal(rte, UINT64_C(0x000300000000a009));
}

static void test_from_msi_errors(void **state)
{
	uint64_t rte;

	/* Not an interrupt message: base 0xFED. */
	assert_int_equal(from_msi(0xfed03000u, 0, 0x41, false, false, false, &rte), -EINVAL);
	assert_int_equal(from_msi(0xfed00038u, 0, 9, false, false, false, &rte), -EINVAL);
	/* address_hi holds destination bits above 15 (x2APIC): the RTE has no room. */
	assert_int_equal(from_msi(0xfee03000u, 1, 0x41, false, false, false, &rte), -ERANGE);
	assert_int_equal(from_msi(0xfee00038u, 0x100, 9, false, false, false, &rte), -ERANGE);
	/* Reserved delivery modes 3 and 6. */
	assert_int_equal(from_msi(0xfee03000u, 0, 0x341, false, false, false, &rte), -EINVAL);
	assert_int_equal(from_msi(0xfee03000u, 0, 0x641, false, false, false, &rte), -EINVAL);
	/* A subhandle above 0xff: data 10:8 would set the remapped view's zero bits 10:8. */
	assert_int_equal(from_msi(0xfee00038u, 0, 0x100, false, false, false, &rte), -EINVAL);
	assert_int_equal(from_msi(0xfee00038u, 0, 0x709, false, false, false, &rte), -EINVAL);
}

/*
 * rte_from_msi(rte_to_msi(x)) is x without what the message does not carry: the read-only
 * bits (12, 14) and the view's reserved bits (47:17). Trigger, polarity and mask are the
 * pin's, taken from x. A remapped x with its zero bits 10:8 set does not come back.
 */
static void test_rte_msi_rte_round_trip(void **state)
{
	static const uint64_t lows[] = {0x0,   0x41,	0x1a941, 0xe2ff, 0x8fff,
					0x4f5, 0x1f4ff, 0x3ab,	 0xe6cc};
	const uint64_t dropped = UINT64_C(0x0000fffffffe5000);
	unsigned checked = 0, refused = 0;

	for (uint32_t hi16 = 0; hi16 <= 0xffff; hi16 += 5) {
		for (unsigned i = 0; i < sizeof(lows) / sizeof(lows[0]); i++) {
			for (unsigned noise = 0; noise < 2; noise++) {
				uint64_t x = (uint64_t)hi16 << 48 | lows[i] |
					     (noise ? UINT64_C(0x0000a5a5a5a45000) : 0);
				const struct irqlab_ioapic_rte_pin pin = {
					.level = x & 0x8000,
					.active_low = x & 0x2000,
					.masked = x & 0x10000,
				};
				unsigned dlm = (x >> 8) & 7;
				bool remapped = hi16 & 1;
				struct irqlab_msi_msg m;
				uint64_t rte = SENTINEL;
				int err;

				irqlab_ioapic_rte_to_msi(x, &m);
				err = irqlab_ioapic_rte_from_msi(&m, &pin, &rte);
				if ((remapped && dlm != 0) ||
				    (!remapped && (dlm == 3 || dlm == 6))) {
					assert_int_equal(err, -EINVAL);
					assert_int_equal(rte, SENTINEL);
					refused++;
					continue;
				}
				assert_int_equal(err, 0);
				assert_int_equal(rte, x & ~dropped);
				checked++;
			}
		}
	}
	assert_true(checked > 0 && refused > 0);
}

/*
 * rte_to_msi(rte_from_msi(m)) is m with only what the RTE holds: address 31:20, 19:4 and 2,
 * data 10:0, and the pin's trigger in data 15. Linux's rule read on the raw words.
 */
static void test_msi_rte_msi_round_trip(void **state)
{
	static const uint32_t datas[] = {0x0, 0x41, 0x1ff, 0x2ff, 0x430, 0x520, 0x7ef};
	static const uint32_t noise_lo = 0x0000000bu, noise_data = 0xfffff800u;

	for (uint32_t hi16 = 0; hi16 <= 0xffff; hi16 += 3) {
		for (unsigned i = 0; i < sizeof(datas) / sizeof(datas[0]); i++) {
			for (unsigned n = 0; n < 8; n++) {
				bool remapped = hi16 & 1, dm = n & 1, noise = n & 2, level = n & 4;
				uint32_t lo = 0xfee00000u | hi16 << 4 | (uint32_t)dm << 2;
				struct irqlab_msi_msg m = {
					.address_lo = lo | (noise ? noise_lo : 0),
					.data = datas[i] | (noise ? noise_data : 0),
				};
				const struct irqlab_ioapic_rte_pin pin = {.level = level};
				uint64_t rte;

				/* Remappable messages from an IR parent carry data 10:8 = 0. */
				if (remapped && (datas[i] & 0x700))
					continue;
				assert_int_equal(irqlab_ioapic_rte_from_msi(&m, &pin, &rte), 0);
				assert_int_equal(rte, (uint64_t)hi16 << 48 | (uint64_t)dm << 11 |
							      datas[i] | (level ? 0x8000u : 0));
				irqlab_ioapic_rte_to_msi(rte, &m);
				assert_msg(&m, lo, 0, datas[i] | (level ? 0x8000u : 0));
			}
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
		cmocka_unit_test(test_from_msi_compat),
		cmocka_unit_test(test_from_msi_remappable),
		cmocka_unit_test(test_from_msi_errors),
		cmocka_unit_test(test_rte_msi_rte_round_trip),
		cmocka_unit_test(test_msi_rte_msi_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
