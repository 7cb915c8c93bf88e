// SPDX-License-Identifier: MIT
/*
 * MSI-X table entry bytes, Message Control and PBA size (reference/hyp-vmm.md §2).
 * Expected bytes are written out by hand, little-endian.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "irqlab/msix.h"

static void assert_bytes(const struct irqlab_msix_entry *e, const uint8_t want[16])
{
	assert_memory_equal(e->b, want, 16);
}

static void test_entry_byte_layout(void **state)
{
	struct irqlab_msix_entry e;

	memset(&e, 0, sizeof(e));
	irqlab_msix_entry_set_addr_lo(&e, 0xfee03000u);
	assert_bytes(&e, (const uint8_t[16]){0x00, 0x30, 0xe0, 0xfe});
	irqlab_msix_entry_set_addr_hi(&e, 0x11223344u);
	assert_bytes(&e, (const uint8_t[16]){0x00, 0x30, 0xe0, 0xfe, 0x44, 0x33, 0x22, 0x11});
	irqlab_msix_entry_set_data(&e, 0x0000c131u);
	assert_bytes(&e, (const uint8_t[16]){0x00, 0x30, 0xe0, 0xfe, 0x44, 0x33, 0x22, 0x11, 0x31,
					     0xc1, 0x00, 0x00});
	irqlab_msix_entry_set_vec_ctrl(&e, 0x80000001u);
	assert_bytes(&e, (const uint8_t[16]){0x00, 0x30, 0xe0, 0xfe, 0x44, 0x33, 0x22, 0x11, 0x31,
					     0xc1, 0x00, 0x00, 0x01, 0x00, 0x00, 0x80});

	assert_int_equal(irqlab_msix_entry_addr_lo(&e), 0xfee03000u);
	assert_int_equal(irqlab_msix_entry_addr_hi(&e), 0x11223344u);
	assert_int_equal(irqlab_msix_entry_data(&e), 0x0000c131u);
	assert_int_equal(irqlab_msix_entry_vec_ctrl(&e), 0x80000001u);
}

static void test_entry_dword_walk(void **state)
{
	static const unsigned offs[] = {0, 4, 8, 12};

	/* Every bit of every dword lands on exactly one byte bit and reads back alone. */
	for (unsigned d = 0; d < 4; d++) {
		for (unsigned bit = 0; bit < 32; bit++) {
			struct irqlab_msix_entry e;
			uint8_t want[16] = {0};
			uint32_t v = 0;

			memset(&e, 0, sizeof(e));
			want[offs[d] + bit / 8] = (uint8_t)(1u << (bit % 8));
			assert_int_equal(irqlab_msix_entry_write32(&e, offs[d], 1u << bit), 0);
			assert_bytes(&e, want);
			for (unsigned o = 0; o < 4; o++) {
				assert_int_equal(irqlab_msix_entry_read32(&e, offs[o], &v), 0);
				assert_int_equal(v, o == d ? 1u << bit : 0);
			}
			assert_int_equal(irqlab_msix_entry_addr_lo(&e), d == 0 ? 1u << bit : 0);
			assert_int_equal(irqlab_msix_entry_addr_hi(&e), d == 1 ? 1u << bit : 0);
			assert_int_equal(irqlab_msix_entry_data(&e), d == 2 ? 1u << bit : 0);
			assert_int_equal(irqlab_msix_entry_vec_ctrl(&e), d == 3 ? 1u << bit : 0);
		}
	}
}

static void test_entry_bad_offsets(void **state)
{
	static const unsigned bad[] = {1, 2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 20, 0xffffffffu};
	struct irqlab_msix_entry e, before;
	uint32_t v = 0x12345678u;

	for (unsigned i = 0; i < 16; i++)
		e.b[i] = (uint8_t)(0xa0 + i);
	before = e;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(irqlab_msix_entry_read32(&e, bad[i], &v), -EINVAL);
		assert_int_equal(irqlab_msix_entry_write32(&e, bad[i], 0), -EINVAL);
	}
	assert_int_equal(v, 0x12345678u);
	assert_memory_equal(e.b, before.b, 16);
	assert_int_equal(irqlab_msix_entry_read32(&e, 12, &v), 0);
	assert_int_equal(v, 0xafaeadacu);
}

static void test_entry_msg(void **state)
{
	struct irqlab_msi_msg in = {0xfee00038u, 0x00000001u, 0x00000000u}, out;
	struct irqlab_msix_entry e;

	irqlab_msix_entry_reset(&e);
	irqlab_msix_entry_set_msg(&e, &in);
	/* set_msg leaves Vector Control (masked after reset) alone. */
	assert_bytes(&e, (const uint8_t[16]){0x38, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00, 0x00,
					     0x00, 0x00, 0x00, 0x01});
	irqlab_msix_entry_get_msg(&e, &out);
	assert_int_equal(out.address_lo, 0xfee00038u);
	assert_int_equal(out.address_hi, 1);
	assert_int_equal(out.data, 0);

	in = (struct irqlab_msi_msg){0xffffffffu, 0xfffffffeu, 0xfffffffdu};
	irqlab_msix_entry_set_msg(&e, &in);
	irqlab_msix_entry_get_msg(&e, &out);
	assert_int_equal(out.address_lo, 0xffffffffu);
	assert_int_equal(out.address_hi, 0xfffffffeu);
	assert_int_equal(out.data, 0xfffffffdu);
	assert_int_equal(irqlab_msix_entry_vec_ctrl(&e), 1);
}

static void test_entry_mask_and_reserved(void **state)
{
	struct irqlab_msix_entry e;

	memset(&e, 0xff, sizeof(e));
	irqlab_msix_entry_reset(&e);
	assert_bytes(&e, (const uint8_t[16]){[12] = 0x01});
	assert_true(irqlab_msix_entry_masked(&e));
	assert_int_equal(irqlab_msix_entry_reserved(&e), 0);

	irqlab_msix_entry_set_masked(&e, false);
	assert_false(irqlab_msix_entry_masked(&e));
	assert_bytes(&e, (const uint8_t[16]){0});

	/* Mask changes keep reserved bits as written. */
	irqlab_msix_entry_set_vec_ctrl(&e, 0xfffffffeu);
	assert_false(irqlab_msix_entry_masked(&e));
	irqlab_msix_entry_set_masked(&e, true);
	assert_int_equal(irqlab_msix_entry_vec_ctrl(&e), 0xffffffffu);
	irqlab_msix_entry_set_masked(&e, false);
	assert_int_equal(irqlab_msix_entry_vec_ctrl(&e), 0xfffffffeu);

	for (unsigned bit = 0; bit < 32; bit++) {
		irqlab_msix_entry_set_vec_ctrl(&e, 1u << bit);
		assert_int_equal(irqlab_msix_entry_reserved(&e), bit == 0 ? 0 : 1u << bit);
		assert_int_equal(irqlab_msix_entry_masked(&e), bit == 0);
	}
	/* Address and data are never reserved here. */
	memset(&e, 0xff, 12);
	irqlab_msix_entry_set_vec_ctrl(&e, 0);
	assert_int_equal(irqlab_msix_entry_reserved(&e), 0);
}

static void test_ctrl(void **state)
{
	struct irqlab_msix_ctrl f = {.table_size = 1}, b;
	uint16_t ctrl = 0xffff;

	assert_int_equal(irqlab_msix_ctrl_encode(&f, &ctrl), 0);
	assert_int_equal(ctrl, 0x0000);
	f = (struct irqlab_msix_ctrl){.table_size = 64, .enable = true};
	assert_int_equal(irqlab_msix_ctrl_encode(&f, &ctrl), 0);
	assert_int_equal(ctrl, 0x803f);
	f = (struct irqlab_msix_ctrl){.table_size = 2048, .function_mask = true, .enable = true};
	assert_int_equal(irqlab_msix_ctrl_encode(&f, &ctrl), 0);
	assert_int_equal(ctrl, 0xc7ff);
	f = (struct irqlab_msix_ctrl){.table_size = 3, .function_mask = true};
	assert_int_equal(irqlab_msix_ctrl_encode(&f, &ctrl), 0);
	assert_int_equal(ctrl, 0x4002);

	for (unsigned n = 1; n <= 2048; n++) {
		for (unsigned flags = 0; flags < 4; flags++) {
			f = (struct irqlab_msix_ctrl){
				.table_size = n, .function_mask = flags & 1, .enable = flags & 2};
			assert_int_equal(irqlab_msix_ctrl_encode(&f, &ctrl), 0);
			assert_int_equal(ctrl, (n - 1) | (flags & 1 ? 0x4000 : 0) |
						       (flags & 2 ? 0x8000 : 0));
			irqlab_msix_ctrl_decode(ctrl, &b);
			assert_int_equal(b.table_size, n);
			assert_int_equal(b.function_mask, f.function_mask);
			assert_int_equal(b.enable, f.enable);
		}
	}

	/* Decode of every value, reserved bits 13:11 included. */
	for (uint32_t v = 0; v <= 0xffff; v++) {
		irqlab_msix_ctrl_decode((uint16_t)v, &b);
		assert_int_equal(b.table_size, (v & 0x7ff) + 1);
		assert_int_equal(b.function_mask, (v >> 14) & 1);
		assert_int_equal(b.enable, (v >> 15) & 1);
	}

	ctrl = 0x1234;
	f = (struct irqlab_msix_ctrl){.table_size = 0};
	assert_int_equal(irqlab_msix_ctrl_encode(&f, &ctrl), -ERANGE);
	f.table_size = 2049;
	assert_int_equal(irqlab_msix_ctrl_encode(&f, &ctrl), -ERANGE);
	f.table_size = 0xffffffffu;
	assert_int_equal(irqlab_msix_ctrl_encode(&f, &ctrl), -ERANGE);
	assert_int_equal(ctrl, 0x1234);
}

static void test_pba_size(void **state)
{
	assert_int_equal(irqlab_msix_pba_size(0), 0);
	assert_int_equal(irqlab_msix_pba_size(1), 8);
	assert_int_equal(irqlab_msix_pba_size(63), 8);
	assert_int_equal(irqlab_msix_pba_size(64), 8);
	assert_int_equal(irqlab_msix_pba_size(65), 16);
	assert_int_equal(irqlab_msix_pba_size(128), 16);
	assert_int_equal(irqlab_msix_pba_size(129), 24);
	assert_int_equal(irqlab_msix_pba_size(2048), 256);
	assert_int_equal(irqlab_msix_pba_size(0xffffffffu), 0x20000000u);
}

/* Entry i is bit i % 8 of byte i / 8; setting one bit leaves every other alone. */
static void test_pba_bits(void **state)
{
	uint8_t pba[16];

	memset(pba, 0, sizeof(pba));
	irqlab_msix_pba_set_pending(pba, 0, true);
	irqlab_msix_pba_set_pending(pba, 9, true);
	irqlab_msix_pba_set_pending(pba, 127, true);
	assert_int_equal(pba[0], 0x01);
	assert_int_equal(pba[1], 0x02);
	assert_int_equal(pba[15], 0x80);
	for (unsigned i = 0; i < 128; i++)
		assert_int_equal(irqlab_msix_pba_pending(pba, i), i == 0 || i == 9 || i == 127);
	memset(pba, 0xff, sizeof(pba));
	irqlab_msix_pba_set_pending(pba, 12, false);
	assert_int_equal(pba[1], 0xef);
	for (unsigned i = 0; i < 128; i++)
		assert_int_equal(irqlab_msix_pba_pending(pba, i), i != 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_byte_layout),
		cmocka_unit_test(test_entry_dword_walk),
		cmocka_unit_test(test_entry_bad_offsets),
		cmocka_unit_test(test_entry_msg),
		cmocka_unit_test(test_entry_mask_and_reserved),
		cmocka_unit_test(test_ctrl),
		cmocka_unit_test(test_pba_size),
		cmocka_unit_test(test_pba_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
