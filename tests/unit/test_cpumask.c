// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "irqlab/cpumask.h"

static void assert_round_trip(const char *list, unsigned ncpus, const char *formatted,
			      unsigned weight)
{
	struct irqlab_cpumask m;
	char buf[256];
	size_t bad = 99;

	assert_int_equal(irqlab_cpumask_parse(&m, list, ncpus, &bad), 0);
	assert_int_equal(irqlab_cpumask_weight(&m), weight);
	assert_int_equal(irqlab_cpumask_format(&m, buf, sizeof(buf)), strlen(formatted));
	assert_string_equal(buf, formatted);
}

static void test_parse_and_format(void **state)
{
	assert_round_trip("0", 1, "0", 1);
	assert_round_trip("1,4,6-9", 16, "1,4,6-9", 6);
	assert_round_trip("3,2,1,0", 4, "0-3", 4);
	assert_round_trip("0-8191", 8192, "0-8191", 8192);
	assert_round_trip("63,64", 128, "63-64", 2);
	assert_round_trip("5-5,7", 8, "5,7", 2);
}

static void assert_parse_error(const char *list, unsigned ncpus, int err, size_t pos)
{
	struct irqlab_cpumask m;
	size_t bad = 99;

	assert_int_equal(irqlab_cpumask_parse(&m, list, ncpus, &bad), err);
	assert_int_equal(bad, pos);
	assert_true(irqlab_cpumask_empty(&m));
}

static void test_parse_errors(void **state)
{
	assert_parse_error("", 4, -EINVAL, 0);
	assert_parse_error("1,", 4, -EINVAL, 2);
	assert_parse_error("3-1", 4, -EINVAL, 0);
	assert_parse_error("1,x", 4, -EINVAL, 2);
	assert_parse_error("0-4", 4, -ERANGE, 0);
	assert_parse_error("2,8192", 9000, -ERANGE, 2);
	assert_parse_error("99999999999", 4, -ERANGE, 0);
	assert_parse_error("1;2", 4, -EINVAL, 1);
}

static void test_search(void **state)
{
	struct irqlab_cpumask m, other, both;

	irqlab_cpumask_zero(&m);
	assert_int_equal(irqlab_cpumask_first(&m), IRQLAB_MAX_CPUS);
	assert_int_equal(irqlab_cpumask_last(&m), IRQLAB_MAX_CPUS);
	irqlab_cpumask_set_range(&m, 62, 130);
	assert_int_equal(irqlab_cpumask_first(&m), 62);
	assert_int_equal(irqlab_cpumask_last(&m), 130);
	assert_int_equal(irqlab_cpumask_next(&m, 131), IRQLAB_MAX_CPUS);
	assert_int_equal(irqlab_cpumask_next_zero(&m, 62), 131);
	assert_int_equal(irqlab_cpumask_next_zero(&m, 0), 0);
	irqlab_cpumask_zero(&other);
	irqlab_cpumask_set(&other, 130);
	irqlab_cpumask_set(&other, 8191);
	assert_true(irqlab_cpumask_intersects(&m, &other));
	assert_false(irqlab_cpumask_subset(&other, &m));
	assert_true(irqlab_cpumask_and(&both, &m, &other));
	assert_int_equal(irqlab_cpumask_weight(&both), 1);
	assert_true(irqlab_cpumask_subset(&both, &m));
	irqlab_cpumask_clear(&other, 130);
	assert_false(irqlab_cpumask_and(&both, &m, &other));
	irqlab_cpumask_or(&both, &m, &other);
	assert_int_equal(irqlab_cpumask_weight(&both), 70);
	assert_false(irqlab_cpumask_test(&both, IRQLAB_MAX_CPUS));
}

static void test_format_truncates_like_snprintf(void **state)
{
	struct irqlab_cpumask m;
	char buf[4];

	irqlab_cpumask_zero(&m);
	assert_int_equal(irqlab_cpumask_format(&m, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "(no");
	irqlab_cpumask_set_range(&m, 0, 3);
	irqlab_cpumask_set(&m, 100);
	assert_int_equal(irqlab_cpumask_format(&m, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "0-3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_format_truncates_like_snprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
