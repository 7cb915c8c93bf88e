// SPDX-License-Identifier: MIT
/* The kernel's shared CPU masks: one copy per distinct mask, counted references, and failures. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/mask_table.h"

static struct irqlab_cpumask cpus(unsigned first, unsigned last)
{
	struct irqlab_cpumask m;

	irqlab_cpumask_zero(&m);
	irqlab_cpumask_set_range(&m, first, last);
	return m;
}

static void test_equal_masks_share_one_copy(void **state)
{
	struct irqlab_fault f = {0};
	struct irqlab_mask_table t;
	struct irqlab_cpumask a = cpus(0, 3), b = cpus(0, 3), c = cpus(4, 4);
	const struct irqlab_cpumask *ha, *hb, *hc;

	assert_int_equal(irqlab_mask_table_init(&t, 8, &f), 0);
	ha = irqlab_mask_hold(&t, &a);
	hb = irqlab_mask_hold(&t, &b);
	hc = irqlab_mask_hold(&t, &c);
	assert_non_null(ha);
	assert_ptr_equal(ha, hb);
	assert_ptr_not_equal(ha, hc);
	assert_true(irqlab_cpumask_equal(ha, &a));
	assert_true(irqlab_cpumask_equal(hc, &c));
	assert_int_equal(irqlab_mask_refs(ha), 2);
	assert_int_equal(t.nr, 2);
	irqlab_mask_put(&t, ha);
	assert_int_equal(t.nr, 2);
	irqlab_mask_put(&t, hb);
	assert_int_equal(t.nr, 1);
	irqlab_mask_put(&t, hc);
	irqlab_mask_put(&t, NULL);
	assert_int_equal(t.nr, 0);
	irqlab_mask_table_release(&t);
}

/* A new mask is an allocation point; holding one already there is not, and cannot fail. */
static void test_only_a_new_mask_can_fail(void **state)
{
	struct irqlab_fault f = {0};
	struct irqlab_mask_table t;
	struct irqlab_cpumask a = cpus(1, 2), b = cpus(5, 7);
	const struct irqlab_cpumask *ha;

	assert_int_equal(irqlab_mask_table_init(&t, 8, &f), 0);
	ha = irqlab_mask_hold(&t, &a);
	irqlab_fault_arm(&f, 1);
	assert_null(irqlab_mask_hold(&t, &b));
	assert_string_equal(f.failed_site, "memory");
	assert_int_equal(t.nr, 1);
	irqlab_fault_arm(&f, 1);
	assert_ptr_equal(irqlab_mask_hold(&t, &a), ha);
	assert_int_equal(f.points, 0);
	irqlab_fault_arm(&f, 0);
	assert_int_equal(irqlab_mask_refs(ha), 2);
	irqlab_mask_put(&t, ha);
	irqlab_mask_put(&t, ha);
	assert_int_equal(t.nr, 0);
	irqlab_mask_table_release(&t);
}

/* Many masks: the table grows; a growth that fails only leaves the chains longer. */
static void test_growth_and_its_absorbed_failure(void **state)
{
	static const struct irqlab_cpumask *held[1024];
	struct irqlab_fault f = {0};
	struct irqlab_mask_table t;
	unsigned buckets;

	assert_int_equal(irqlab_mask_table_init(&t, 1024, &f), 0);
	buckets = t.nr_buckets;
	for (unsigned i = 0; i < 1024; i++) {
		struct irqlab_cpumask m = cpus(i, i);

		held[i] = irqlab_mask_hold(&t, &m);
		assert_non_null(held[i]);
	}
	assert_true(t.nr_buckets > buckets);
	for (unsigned i = 0; i < 1024; i++) {
		struct irqlab_cpumask m = cpus(i, i);

		assert_ptr_equal(irqlab_mask_hold(&t, &m), held[i]);
		irqlab_mask_put(&t, held[i]);
	}
	for (unsigned i = 0; i < 1024; i++)
		irqlab_mask_put(&t, held[i]);
	assert_int_equal(t.nr, 0);
	irqlab_mask_table_release(&t);

	/* Fail every growth: each new mask's second point is the growth's own site. */
	assert_int_equal(irqlab_mask_table_init(&t, 1024, &f), 0);
	buckets = t.nr_buckets;
	for (unsigned i = 0; i < 1024; i++) {
		struct irqlab_cpumask m = cpus(i, i);

		irqlab_fault_arm(&f, 2);
		held[i] = irqlab_mask_hold(&t, &m);
		assert_non_null(held[i]);
		if (f.failed_site)
			assert_string_equal(f.failed_site, "mask-table");
	}
	irqlab_fault_arm(&f, 0);
	assert_int_equal(t.nr_buckets, buckets);
	for (unsigned i = 0; i < 1024; i++) {
		struct irqlab_cpumask m = cpus(i, i);

		assert_ptr_equal(irqlab_mask_hold(&t, &m), held[i]);
		irqlab_mask_put(&t, held[i]);
		irqlab_mask_put(&t, held[i]);
	}
	assert_int_equal(t.nr, 0);
	irqlab_mask_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_masks_share_one_copy),
		cmocka_unit_test(test_only_a_new_mask_can_fail),
		cmocka_unit_test(test_growth_and_its_absorbed_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
