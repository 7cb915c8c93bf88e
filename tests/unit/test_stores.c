// SPDX-License-Identifier: MIT
/*
 * Message stores (src/bus/store.h): each kind's registers in their hardware layout, mask,
 * unmask and pending, the function enable, the write observers in order, and every
 * allocation point of a store and of a device failed in turn. Also the INTx line object.
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

#include "irqlab/msi.h"
#include "bus/device.h"
#include "bus/intx_line.h"
#include "bus/store.h"

static struct irqlab_msi_msg msg_of(uint32_t lo, uint32_t hi, uint32_t data)
{
	return (struct irqlab_msi_msg){.address_lo = lo, .address_hi = hi, .data = data};
}

static void assert_msg(const struct irqlab_store *s, unsigned index, uint32_t lo, uint32_t hi,
		       uint32_t data)
{
	struct irqlab_msi_msg m;

	assert_int_equal(irqlab_store_read(s, index, &m), 0);
	assert_int_equal(m.address_lo, lo);
	assert_int_equal(m.address_hi, hi);
	assert_int_equal(m.data, data);
}

/* ---- MSI capability ------------------------------------------------------------------------ */

static void test_msi_cap_registers(void **state)
{
	struct irqlab_store *s = NULL;
	struct irqlab_msi_msg m;

	assert_int_equal(irqlab_msi_cap_new(NULL, 8, true, &s), 0);
	assert_int_equal(s->nr, 8);
	assert_true(irqlab_store_trappable(s));
	assert_false(irqlab_store_enabled(s));
	/* Disabled, the capability answers for vector 0 only. */
	assert_int_equal(irqlab_store_write32(s, 0, IRQLAB_STORE_ADDR_LO, 0xfee01000u), 0);
	assert_int_equal(irqlab_store_write32(s, 0, IRQLAB_STORE_ADDR_HI, 0x1u), 0);
	/* The data register has 16 bits. */
	assert_int_equal(irqlab_store_write32(s, 0, IRQLAB_STORE_DATA, 0xabcd4020u), 0);
	assert_msg(s, 0, 0xfee01000u, 0x1u, 0x4020u);
	assert_int_equal(irqlab_store_read(s, 1, &m), -ERANGE);
	/* One message: every other index is no register. */
	assert_int_equal(irqlab_store_write32(s, 1, IRQLAB_STORE_DATA, 0), -ERANGE);
	assert_int_equal(irqlab_store_write32(s, 8, IRQLAB_STORE_DATA, 0), -ERANGE);
	assert_int_equal(irqlab_store_read(s, 8, &m), -ERANGE);

	/* Enabled for 3 vectors: MME covers 4, each vector's data carries its number. */
	irqlab_store_enable(s, 3);
	assert_true(irqlab_store_enabled(s));
	assert_msg(s, 0, 0xfee01000u, 0x1u, 0x4020u);
	assert_msg(s, 3, 0xfee01000u, 0x1u, 0x4023u);
	assert_int_equal(irqlab_store_read(s, 4, &m), -ERANGE);
	irqlab_store_disable(s);
	assert_false(irqlab_store_enabled(s));
	assert_int_equal(irqlab_store_read(s, 1, &m), -ERANGE);
	irqlab_store_destroy(s);
}

static void test_msi_cap_mask_pending(void **state)
{
	struct irqlab_store *s = NULL;

	assert_int_equal(irqlab_msi_cap_new(NULL, 4, true, &s), 0);
	assert_true(irqlab_store_can_mask(s));
	/* Reset: every vector masked, nothing pending. */
	for (unsigned i = 0; i < 4; i++) {
		assert_true(irqlab_store_masked(s, i));
		assert_false(irqlab_store_pending(s, i));
	}
	assert_false(irqlab_store_unmask(s, 1));
	assert_false(irqlab_store_masked(s, 1));
	assert_true(irqlab_store_masked(s, 2));
	/* A message raised while masked waits in the pending bit and goes at unmask. */
	irqlab_store_set_pending(s, 2, true);
	assert_true(irqlab_store_pending(s, 2));
	assert_false(irqlab_store_pending(s, 3));
	assert_true(irqlab_store_unmask(s, 2));
	assert_false(irqlab_store_pending(s, 2));
	irqlab_store_mask(s, 1);
	assert_true(irqlab_store_masked(s, 1));
	irqlab_store_destroy(s);

	/* Without per-vector masking nothing is ever masked. */
	assert_int_equal(irqlab_msi_cap_new(NULL, 32, false, &s), 0);
	assert_false(irqlab_store_can_mask(s));
	irqlab_store_mask(s, 31);
	assert_false(irqlab_store_masked(s, 31));
	irqlab_store_set_pending(s, 31, true);
	assert_true(irqlab_store_unmask(s, 31));
	irqlab_store_destroy(s);
}

static void test_msi_cap_sizes(void **state)
{
	static const unsigned bad[] = {0, 3, 6, 33, 64};
	struct irqlab_store *s = NULL;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(irqlab_msi_cap_new(NULL, bad[i], true, &s), -EINVAL);
	assert_null(s);
}

/* ---- MSI-X table --------------------------------------------------------------------------- */

static void test_msix_table_registers(void **state)
{
	struct irqlab_store *s = NULL;
	struct irqlab_msi_msg m = msg_of(0xfee00010u, 0, 0x1234u);

	assert_int_equal(irqlab_msix_table_new(NULL, 65, &s), 0);
	assert_int_equal(s->nr, 65);
	assert_true(irqlab_store_trappable(s));
	assert_false(irqlab_store_enabled(s));
	assert_int_equal(irqlab_store_write_msg(s, 64, &m), 0);
	assert_msg(s, 64, 0xfee00010u, 0, 0x1234u);
	assert_msg(s, 0, 0, 0, 0);
	/* Each register on its own: the full 32 bits of data are kept. */
	assert_int_equal(irqlab_store_write32(s, 3, IRQLAB_STORE_DATA, 0xdeadbeefu), 0);
	assert_int_equal(irqlab_store_write32(s, 3, IRQLAB_STORE_ADDR_HI, 0x7u), 0);
	assert_msg(s, 3, 0, 0x7u, 0xdeadbeefu);
	assert_int_equal(irqlab_store_write32(s, 65, IRQLAB_STORE_DATA, 0), -ERANGE);
	assert_int_equal(irqlab_store_read(s, 65, &m), -ERANGE);
	irqlab_store_enable(s, 1);
	assert_true(irqlab_store_enabled(s));
	irqlab_store_disable(s);
	assert_false(irqlab_store_enabled(s));
	irqlab_store_destroy(s);

	assert_int_equal(irqlab_msix_table_new(NULL, 0, &s), -EINVAL);
	assert_int_equal(irqlab_msix_table_new(NULL, 2049, &s), -EINVAL);
}

static void test_msix_table_mask_pending(void **state)
{
	struct irqlab_store *s = NULL;

	assert_int_equal(irqlab_msix_table_new(NULL, 70, &s), 0);
	assert_true(irqlab_store_can_mask(s));
	for (unsigned i = 0; i < 70; i++)
		assert_true(irqlab_store_masked(s, i));
	irqlab_store_set_pending(s, 69, true);
	irqlab_store_set_pending(s, 8, true);
	for (unsigned i = 0; i < 70; i++)
		assert_int_equal(irqlab_store_pending(s, i), i == 8 || i == 69);
	assert_false(irqlab_store_unmask(s, 0));
	assert_false(irqlab_store_masked(s, 0));
	assert_true(irqlab_store_unmask(s, 69));
	assert_false(irqlab_store_pending(s, 69));
	assert_true(irqlab_store_pending(s, 8));
	irqlab_store_mask(s, 0);
	assert_true(irqlab_store_masked(s, 0));
	irqlab_store_destroy(s);
}

/* ---- IMS store ----------------------------------------------------------------------------- */

static void test_ims_store(void **state)
{
	struct irqlab_store *s = NULL;
	struct irqlab_msi_msg m = msg_of(0xfee0f00cu, 0, 0x10005u);

	assert_int_equal(irqlab_ims_store_new(NULL, 3, false, &s), 0);
	assert_true(irqlab_store_trappable(s));
	/* No enable bit: a slot is live once written. */
	assert_true(irqlab_store_enabled(s));
	irqlab_store_disable(s);
	assert_true(irqlab_store_enabled(s));
	assert_int_equal(irqlab_store_write_msg(s, 2, &m), 0);
	assert_msg(s, 2, 0xfee0f00cu, 0, 0x10005u);
	assert_int_equal(irqlab_store_write32(s, 3, IRQLAB_STORE_ADDR_LO, 0), -ERANGE);
	assert_true(irqlab_store_masked(s, 1));
	irqlab_store_set_pending(s, 1, true);
	assert_true(irqlab_store_unmask(s, 1));
	assert_false(irqlab_store_pending(s, 1));
	assert_false(irqlab_store_masked(s, 1));
	irqlab_store_mask(s, 1);
	assert_true(irqlab_store_masked(s, 1));
	irqlab_store_destroy(s);

	/* Queue memory is no MMIO a hypervisor can trap. */
	assert_int_equal(irqlab_ims_store_new(NULL, 1, true, &s), 0);
	assert_false(irqlab_store_trappable(s));
	irqlab_store_destroy(s);
	assert_int_equal(irqlab_ims_store_new(NULL, 0, false, &s), -EINVAL);
}

/* ---- observers ----------------------------------------------------------------------------- */

struct seen {
	unsigned n;
	struct {
		char who;
		unsigned index;
		enum irqlab_store_reg reg;
		uint32_t stored_lo; /* what the store held when the observer ran */
	} w[16];
};

static void record(struct irqlab_store_observer *obs, struct irqlab_store *s, unsigned index,
		   enum irqlab_store_reg reg)
{
	struct seen *seen = obs->ctx;
	struct irqlab_msi_msg m;
	char who = obs->written == record ? 'a' : '?';

	assert_true(seen->n < 16);
	assert_int_equal(irqlab_store_read(s, index, &m), 0);
	seen->w[seen->n].who = who;
	seen->w[seen->n].index = index;
	seen->w[seen->n].reg = reg;
	seen->w[seen->n].stored_lo = m.address_lo;
	seen->n++;
}

static void record_b(struct irqlab_store_observer *obs, struct irqlab_store *s, unsigned index,
		     enum irqlab_store_reg reg)
{
	struct seen *seen = obs->ctx;

	record(obs, s, index, reg);
	seen->w[seen->n - 1].who = 'b';
}

static void test_observers(void **state)
{
	struct irqlab_store *s = NULL;
	struct seen seen = {0};
	struct irqlab_store_observer a = {.written = record, .ctx = &seen};
	struct irqlab_store_observer b = {.written = record_b, .ctx = &seen};
	struct irqlab_msi_msg m = msg_of(0xfee02000u, 0, 0x41u);
	static const enum irqlab_store_reg order[] = {IRQLAB_STORE_ADDR_LO, IRQLAB_STORE_ADDR_HI,
						      IRQLAB_STORE_DATA};

	assert_int_equal(irqlab_msix_table_new(NULL, 4, &s), 0);
	irqlab_store_observe_add(s, &a);
	irqlab_store_observe_add(s, &b);
	assert_int_equal(irqlab_store_write_msg(s, 2, &m), 0);
	/* After each 32-bit write, every observer, in the order they were added. */
	assert_int_equal(seen.n, 6);
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(seen.w[i].who, i % 2 ? 'b' : 'a');
		assert_int_equal(seen.w[i].index, 2);
		assert_int_equal(seen.w[i].reg, order[i / 2]);
		/* The write has landed when the observer runs. */
		assert_int_equal(seen.w[i].stored_lo, 0xfee02000u);
	}
	/* A refused write reaches no observer. */
	assert_int_equal(irqlab_store_write32(s, 4, IRQLAB_STORE_DATA, 1), -ERANGE);
	assert_int_equal(seen.n, 6);
	/* Removed, an observer sees nothing more; the other keeps watching. */
	irqlab_store_observe_remove(s, &a);
	assert_int_equal(irqlab_store_write32(s, 1, IRQLAB_STORE_DATA, 7), 0);
	assert_int_equal(seen.n, 7);
	assert_int_equal(seen.w[6].who, 'b');
	assert_int_equal(seen.w[6].reg, IRQLAB_STORE_DATA);
	irqlab_store_observe_remove(s, &b);
	irqlab_store_observe_remove(s, &b); /* not on the list: nothing happens */
	assert_int_equal(irqlab_store_write32(s, 1, IRQLAB_STORE_DATA, 8), 0);
	assert_int_equal(seen.n, 7);
	assert_null(s->observers);
	irqlab_store_destroy(s);
}

/* The MSI capability's refused writes (index beyond vector 0) reach no observer either. */
static void test_observers_msi_refused(void **state)
{
	struct irqlab_store *s = NULL;
	struct seen seen = {0};
	struct irqlab_store_observer a = {.written = record, .ctx = &seen};

	assert_int_equal(irqlab_msi_cap_new(NULL, 4, true, &s), 0);
	irqlab_store_observe_add(s, &a);
	assert_int_equal(irqlab_store_write32(s, 1, IRQLAB_STORE_ADDR_LO, 1), -ERANGE);
	assert_int_equal(seen.n, 0);
	assert_int_equal(irqlab_store_write32(s, 0, IRQLAB_STORE_ADDR_LO, 1), 0);
	assert_int_equal(seen.n, 1);
	irqlab_store_observe_remove(s, &a);
	irqlab_store_destroy(s);
}

/* ---- fault injection ----------------------------------------------------------------------- */

static int new_msi(struct irqlab_fault *f, struct irqlab_store **s)
{
	return irqlab_msi_cap_new(f, 32, true, s);
}

static int new_msix(struct irqlab_fault *f, struct irqlab_store **s)
{
	return irqlab_msix_table_new(f, 2048, s);
}

static int new_ims(struct irqlab_fault *f, struct irqlab_store **s)
{
	return irqlab_ims_store_new(f, 100, true, s);
}

/*
 * Fails each allocation point of a constructor in turn: -ENOMEM, nothing returned, nothing
 * leaked (ASan). One past the last point, it succeeds. Returns the number of points.
 */
static unsigned long walk_store(int (*make)(struct irqlab_fault *, struct irqlab_store **))
{
	struct irqlab_fault f;
	struct irqlab_store *s = NULL;
	unsigned long points;

	irqlab_fault_arm(&f, 0);
	assert_int_equal(make(&f, &s), 0);
	points = f.points;
	irqlab_store_destroy(s);
	for (unsigned long n = 1; n <= points; n++) {
		s = NULL;
		irqlab_fault_arm(&f, n);
		assert_int_equal(make(&f, &s), -ENOMEM);
		assert_null(s);
		assert_string_equal(f.failed_site, "memory");
	}
	irqlab_fault_arm(&f, points + 1);
	assert_int_equal(make(&f, &s), 0);
	assert_null(f.failed_site);
	irqlab_store_destroy(s);
	return points;
}

static void test_walk_stores(void **state)
{
	/* The store itself; MSI-X its table and PBA; IMS its slots, masks and pending bits. */
	assert_int_equal(walk_store(new_msi), 1);
	assert_int_equal(walk_store(new_msix), 3);
	assert_int_equal(walk_store(new_ims), 4);
}

/* A device: itself, its entries, then its store's points; every failure is one sentence. */
static void test_walk_device(void **state)
{
	static const struct irqlab_device_config cfgs[] = {
		{.name = "old0", .kind = IRQLAB_DEV_MSI, .rid = 0x0400, .nr = 4, .maskable = true},
		{.name = "nic0", .kind = IRQLAB_DEV_MSIX, .rid = 0x0300, .nr = 8},
		{.name = "acc0", .kind = IRQLAB_DEV_IMS, .rid = 0x0500, .nr = 8},
		{.name = "leg0", .kind = IRQLAB_DEV_INTX, .rid = 0x0600, .gsi = 16, .level = true},
	};
	static const unsigned long want_points[] = {3, 5, 6, 2};
	struct irqlab_fault f = {0};
	struct irqlab_kernel *k = irqlab_kernel_new("host", 2, &f);

	assert_non_null(k);
	for (unsigned c = 0; c < 4; c++) {
		struct irqlab_device *dev = NULL;
		unsigned long points;

		irqlab_fault_arm(&f, 0);
		assert_int_equal(irqlab_device_new(k, &cfgs[c], &dev), 0);
		points = f.points;
		assert_int_equal(points, want_points[c]);
		assert_int_equal(dev->store != NULL, cfgs[c].kind != IRQLAB_DEV_INTX);
		irqlab_device_free(dev);
		for (unsigned long n = 1; n <= points; n++) {
			char want[96];

			dev = NULL;
			irqlab_kernel_clear_error(k);
			irqlab_fault_arm(&f, n);
			assert_int_equal(irqlab_device_new(k, &cfgs[c], &dev), -ENOMEM);
			assert_null(dev);
			snprintf(want, sizeof(want), "device %s: out of memory", cfgs[c].name);
			assert_string_equal(irqlab_kernel_error(k), want);
		}
	}
	irqlab_fault_arm(&f, 0);
	irqlab_kernel_free(k);
}

/* A device of a size its store cannot have is refused with a sentence, not "out of memory". */
static void test_device_bad_size(void **state)
{
	struct irqlab_device_config cfg = {
		.name = "old0", .kind = IRQLAB_DEV_MSI, .rid = 0x0400, .nr = 3};
	struct irqlab_fault f = {0};
	struct irqlab_kernel *k = irqlab_kernel_new("host", 2, &f);
	struct irqlab_device *dev = NULL;

	assert_non_null(k);
	assert_int_equal(irqlab_device_new(k, &cfg, &dev), -EINVAL);
	assert_null(dev);
	assert_string_equal(irqlab_kernel_error(k), "device old0: PCI-MSI cannot have 3 vectors");
	irqlab_kernel_free(k);
}

/* ---- the device's view --------------------------------------------------------------------- */

static void test_device_intx_has_no_store(void **state)
{
	struct irqlab_device_config cfg = {.name = "leg0", .kind = IRQLAB_DEV_INTX, .gsi = 20};
	struct irqlab_fault f = {0};
	struct irqlab_kernel *k = irqlab_kernel_new("host", 1, &f);
	struct irqlab_device *dev = NULL;
	struct irqlab_msi_msg m = {0};

	assert_non_null(k);
	assert_int_equal(irqlab_device_new(k, &cfg, &dev), 0);
	assert_null(dev->store);
	assert_int_equal(dev->nr, 1);
	assert_int_equal(dev->intx.gsi, 20);
	assert_true(irqlab_device_can_mask(dev));
	assert_false(irqlab_device_masked(dev, 0));
	assert_false(irqlab_device_pending(dev, 0));
	assert_false(irqlab_device_unmask(dev, 0));
	assert_int_equal(irqlab_device_write_msg(dev, 0, &m), -EOPNOTSUPP);
	assert_int_equal(irqlab_device_write_msg(dev, 1, &m), -ERANGE);
	assert_int_equal(irqlab_device_read_msg(dev, 0, &m), -EOPNOTSUPP);
	assert_int_equal(irqlab_device_stored_msg(dev, 1, &m), -ERANGE);
	irqlab_device_free(dev);
	irqlab_kernel_free(k);
}

/* read_msg is what the device emits: nothing while MSI-X is disabled. */
static void test_device_read_needs_enable(void **state)
{
	struct irqlab_device_config cfg = {
		.name = "nic0", .kind = IRQLAB_DEV_MSIX, .rid = 0x0300, .nr = 2};
	struct irqlab_fault f = {0};
	struct irqlab_kernel *k = irqlab_kernel_new("host", 1, &f);
	struct irqlab_device *dev = NULL;
	struct irqlab_msi_msg m = msg_of(0xfee00000u, 0, 0x30u);

	assert_non_null(k);
	assert_int_equal(irqlab_device_new(k, &cfg, &dev), 0);
	assert_int_equal(irqlab_device_write_msg(dev, 1, &m), 0);
	assert_int_equal(irqlab_device_read_msg(dev, 1, &m), -EINVAL);
	assert_int_equal(irqlab_device_stored_msg(dev, 1, &m), 0);
	irqlab_store_enable(dev->store, 2);
	assert_int_equal(irqlab_device_read_msg(dev, 1, &m), 0);
	assert_int_equal(m.data, 0x30u);
	assert_int_equal(irqlab_device_read_msg(dev, 2, &m), -ERANGE);
	irqlab_device_free(dev);
	irqlab_kernel_free(k);
}

/* ---- INTx line ----------------------------------------------------------------------------- */

static void test_intx_line(void **state)
{
	struct irqlab_intx_line l;

	irqlab_intx_line_init(&l, 1, 17, true, true);
	assert_int_equal(l.pin, 1);
	assert_int_equal(l.gsi, 17);
	assert_true(l.level && l.active_low);
	assert_false(irqlab_intx_line_asserted(&l));
	/* Nothing to serve: the line stays deasserted and no edge is reported. */
	assert_false(irqlab_intx_line_serve(&l));
	irqlab_intx_line_request(&l, 2);
	assert_true(irqlab_intx_line_asserted(&l));
	assert_false(irqlab_intx_line_serve(&l));
	assert_true(irqlab_intx_line_asserted(&l));
	assert_true(irqlab_intx_line_serve(&l));
	assert_false(irqlab_intx_line_asserted(&l));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msi_cap_registers),
		cmocka_unit_test(test_msi_cap_mask_pending),
		cmocka_unit_test(test_msi_cap_sizes),
		cmocka_unit_test(test_msix_table_registers),
		cmocka_unit_test(test_msix_table_mask_pending),
		cmocka_unit_test(test_ims_store),
		cmocka_unit_test(test_observers),
		cmocka_unit_test(test_observers_msi_refused),
		cmocka_unit_test(test_walk_stores),
		cmocka_unit_test(test_walk_device),
		cmocka_unit_test(test_device_bad_size),
		cmocka_unit_test(test_device_intx_has_no_store),
		cmocka_unit_test(test_device_read_needs_enable),
		cmocka_unit_test(test_intx_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
