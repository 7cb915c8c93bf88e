// SPDX-License-Identifier: MIT
/* The id log the incremental checker and the retrigger flush read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/id_log.h"

/* Ids come back in the order noted, repeats kept, past several growths; clear keeps memory. */
static void test_order_growth_and_clear(void **state)
{
	struct irqlab_id_log log = {0};
	unsigned cap;

	for (unsigned i = 0; i < 1000; i++)
		irqlab_id_log_add(&log, i % 300);
	assert_false(log.overflow);
	assert_int_equal(log.n, 1000);
	for (unsigned i = 0; i < 1000; i++)
		assert_int_equal(log.ids[i], i % 300);
	cap = log.cap;
	assert_true(cap >= 1000);
	irqlab_id_log_clear(&log);
	assert_int_equal(log.n, 0);
	assert_int_equal(log.cap, cap);
	irqlab_id_log_add(&log, 7);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.ids[0], 7);
	irqlab_id_log_release(&log);
	assert_null(log.ids);
	assert_int_equal(log.n + log.cap, 0);
}

/* An overflowed log notes nothing more until it is cleared: its reader looks at everything. */
static void test_overflow_until_clear(void **state)
{
	struct irqlab_id_log log = {0};

	irqlab_id_log_add(&log, 1);
	log.overflow = true;
	irqlab_id_log_add(&log, 2);
	assert_int_equal(log.n, 1);
	irqlab_id_log_clear(&log);
	assert_false(log.overflow);
	irqlab_id_log_add(&log, 3);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.ids[0], 3);
	irqlab_id_log_release(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_growth_and_clear),
		cmocka_unit_test(test_overflow_until_clear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
