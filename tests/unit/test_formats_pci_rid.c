// SPDX-License-Identifier: MIT
/* The PCI requester id: bus 15:8, device 7:3, function 2:0, and its "bb:dd.f" spelling. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "irqlab/pci_rid.h"

static void test_known_values(void **state)
{
	struct irqlab_pci_bdf f = {.bus = 0x03, .dev = 0x00, .fn = 0};
	uint16_t rid = 0;
	char buf[16];

	assert_int_equal(irqlab_pci_rid_encode(&f, &rid), 0);
	assert_int_equal(rid, 0x0300);
	f = (struct irqlab_pci_bdf){.bus = 0xf0, .dev = 0x1f, .fn = 7};
	assert_int_equal(irqlab_pci_rid_encode(&f, &rid), 0);
	assert_int_equal(rid, 0xf0ff);
	assert_int_equal(irqlab_pci_rid_format(rid, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "f0:1f.7");
	assert_int_equal(irqlab_pci_rid_format(0x0008, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "00:01.0");
}

/* Every requester id decodes and encodes back to itself. */
static void test_walk(void **state)
{
	for (unsigned v = 0; v <= 0xffff; v++) {
		struct irqlab_pci_bdf f;
		uint16_t rid = 0;

		irqlab_pci_rid_decode((uint16_t)v, &f);
		assert_true(f.dev <= IRQLAB_PCI_DEV_MAX && f.fn <= IRQLAB_PCI_FN_MAX);
		assert_int_equal(irqlab_pci_rid_encode(&f, &rid), 0);
		assert_int_equal(rid, v);
	}
}

static void test_encode_errors(void **state)
{
	struct irqlab_pci_bdf f = {.bus = 1, .dev = 32, .fn = 0};
	uint16_t rid = 0x1234;

	assert_int_equal(irqlab_pci_rid_encode(&f, &rid), -ERANGE);
	f.dev = 0;
	f.fn = 8;
	assert_int_equal(irqlab_pci_rid_encode(&f, &rid), -ERANGE);
	assert_int_equal(rid, 0x1234);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_encode_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
