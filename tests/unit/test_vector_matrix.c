// SPDX-License-Identifier: MIT
/*
 * The vector matrix: exact choices in small hand-built cases, then a differential run against
 * a naive model written here from Linux's rules (a linear scan over the mask, as
 * kernel/irq/matrix.c does), step by step, with irqlab_matrix_check() after every step.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/fault.h"
#include "x86/vector_matrix.h"

#define FIRST_EXTERNAL 0x20u
#define FIRST_SYSTEM   0xebu

static void assert_consistent(const struct irqlab_matrix *m)
{
	char why[256] = "";

	if (irqlab_matrix_check(m, why, sizeof(why)))
		fail_msg("matrix check: %s", why);
}

static struct irqlab_cpumask mask_of(const char *list)
{
	struct irqlab_cpumask msk;

	assert_int_equal(irqlab_cpumask_parse(&msk, list, IRQLAB_MAX_CPUS, NULL), 0);
	return msk;
}

static void expect_cpu(const struct irqlab_matrix *m, unsigned cpu, unsigned available,
		       unsigned allocated, unsigned managed, unsigned managed_allocated,
		       bool online)
{
	struct irqlab_matrix_cpu_stats s;

	irqlab_matrix_cpu_stats(m, cpu, &s);
	assert_int_equal(s.available, available);
	assert_int_equal(s.allocated, allocated);
	assert_int_equal(s.managed, managed);
	assert_int_equal(s.managed_allocated, managed_allocated);
	assert_int_equal(s.online, online);
	assert_consistent(m);
}

static void expect_global(const struct irqlab_matrix *m, unsigned global_available,
			  unsigned global_reserved, unsigned total_allocated, unsigned online_cpus)
{
	struct irqlab_matrix_stats s;

	irqlab_matrix_stats(m, &s);
	assert_int_equal(s.global_available, global_available);
	assert_int_equal(s.global_reserved, global_reserved);
	assert_int_equal(s.total_allocated, total_allocated);
	assert_int_equal(s.online_cpus, online_cpus);
	assert_consistent(m);
}

static void expect_alloc(struct irqlab_matrix *m, const char *list, bool reserved, int vector,
			 unsigned cpu)
{
	struct irqlab_cpumask msk = mask_of(list);
	unsigned got = UINT_MAX;

	assert_int_equal(irqlab_matrix_alloc(m, &msk, reserved, &got), vector);
	if (vector >= 0)
		assert_int_equal(got, cpu);
	assert_consistent(m);
}

static void expect_alloc_managed(struct irqlab_matrix *m, const char *list, int vector,
				 unsigned cpu)
{
	struct irqlab_cpumask msk = mask_of(list);
	unsigned got = UINT_MAX;

	assert_int_equal(irqlab_matrix_alloc_managed(m, &msk, &got), vector);
	if (vector >= 0)
		assert_int_equal(got, cpu);
	assert_consistent(m);
}

static int reserve_managed(struct irqlab_matrix *m, const char *list)
{
	struct irqlab_cpumask msk = mask_of(list);
	int err = irqlab_matrix_reserve_managed(m, &msk);

	assert_consistent(m);
	return err;
}

static void remove_managed(struct irqlab_matrix *m, const char *list)
{
	struct irqlab_cpumask msk = mask_of(list);

	irqlab_matrix_remove_managed(m, &msk);
	assert_consistent(m);
}

/* The x86 boot: 0x32 and 0x80 system-wide, @online CPUs up, ISA vectors on CPU 0 if @isa. */
static struct irqlab_matrix *boot(unsigned ncpus, unsigned online, bool isa)
{
	struct irqlab_matrix *m = irqlab_matrix_create(ncpus, FIRST_EXTERNAL, FIRST_SYSTEM);

	assert_non_null(m);
	irqlab_matrix_assign_system(m, 0x32);
	irqlab_matrix_assign_system(m, 0x80);
	for (unsigned cpu = 0; cpu < online; cpu++)
		irqlab_matrix_online(m, cpu);
	for (unsigned v = 0x30; isa && v < 0x40; v++)
		if (v != 0x32)
			assert_int_equal(irqlab_matrix_assign(m, 0, v), 0);
	assert_consistent(m);
	return m;
}

static void test_create_arguments(void **state)
{
	struct irqlab_matrix *m;

	assert_null(irqlab_matrix_create(0, FIRST_EXTERNAL, FIRST_SYSTEM));
	assert_null(irqlab_matrix_create(IRQLAB_MAX_CPUS + 1, FIRST_EXTERNAL, FIRST_SYSTEM));
	assert_null(irqlab_matrix_create(4, 0x40, 0x40));
	assert_null(irqlab_matrix_create(4, 0x20, 257));
	m = irqlab_matrix_create(IRQLAB_MAX_CPUS, 0, IRQLAB_NR_VECTORS);
	assert_non_null(m);
	assert_int_equal(irqlab_matrix_ncpus(m), IRQLAB_MAX_CPUS);
	/* The budget: 96 bytes a CPU beyond the two 32-byte maps. */
	assert_true(irqlab_matrix_state_bytes(m) <= (size_t)IRQLAB_MAX_CPUS * (64 + 96));
	assert_consistent(m);
	irqlab_matrix_destroy(m);
	irqlab_matrix_destroy(NULL);
}

/* Each allocation of create fails in turn, and nothing leaks (ASan says so). */
static void test_create_out_of_memory(void **state)
{
	struct irqlab_fault fault;
	unsigned long nth;

	for (nth = 1;; nth++) {
		struct irqlab_matrix *m;

		irqlab_fault_arm(&fault, nth);
		m = irqlab_matrix_create_fault(100, FIRST_EXTERNAL, FIRST_SYSTEM, &fault);
		if (m) {
			assert_null(fault.failed_site);
			assert_consistent(m);
			irqlab_matrix_destroy(m);
			break;
		}
		assert_string_equal(fault.failed_site, "memory");
		assert_int_equal(fault.failed_err, -ENOMEM);
	}
	assert_int_equal(nth, 3);
}

static void test_boot_accounting(void **state)
{
	struct irqlab_matrix *m = irqlab_matrix_create(4, FIRST_EXTERNAL, FIRST_SYSTEM);
	struct irqlab_matrix_stats s;

	assert_non_null(m);
	irqlab_matrix_assign_system(m, 0x32);
	irqlab_matrix_assign_system(m, 0x80);
	irqlab_matrix_assign_system(m, 0xfd); /* outside the range: not counted */
	irqlab_matrix_assign_system(m, 0x80); /* twice: ignored */
	irqlab_matrix_stats(m, &s);
	assert_int_equal(s.systembits_inalloc, 2);
	assert_true(irqlab_matrix_vector_system(m, 0xfd));
	assert_false(irqlab_matrix_vector_system(m, 0x33));
	/* A system vector over a managed reservation would be counted twice: ignored. */
	assert_int_equal(reserve_managed(m, "3"), 0);
	irqlab_matrix_assign_system(m, 0x20);
	assert_false(irqlab_matrix_vector_system(m, 0x20));
	remove_managed(m, "3");
	/* Never online: Linux counts nothing available yet. */
	expect_cpu(m, 0, 0, 0, 0, 0, false);
	expect_global(m, 0, 0, 0, 0);

	irqlab_matrix_online(m, 0);
	expect_cpu(m, 0, 201, 0, 0, 0, true);
	expect_global(m, 201, 0, 0, 1);
	/* A CPU index too large is ignored. */
	irqlab_matrix_online(m, 4);
	irqlab_matrix_offline(m, 4);
	{
		struct irqlab_matrix_cpu_stats cs;

		irqlab_matrix_cpu_stats(m, 4, &cs);
		assert_int_equal(cs.available + cs.allocated + cs.online, 0);
	}
	/* A late system vector would be miscounted: ignored. */
	irqlab_matrix_assign_system(m, 0x40);
	assert_false(irqlab_matrix_vector_system(m, 0x40));
	assert_consistent(m);

	for (unsigned v = 0x30; v < 0x40; v++)
		if (v != 0x32)
			assert_int_equal(irqlab_matrix_assign(m, 0, v), 0);
	expect_cpu(m, 0, 186, 15, 0, 0, true);
	expect_global(m, 186, 0, 15, 1);
	assert_true(irqlab_matrix_vector_allocated(m, 0, 0x31));

	assert_int_equal(irqlab_matrix_assign(m, 0, 0x31), -EBUSY);
	assert_int_equal(irqlab_matrix_assign(m, 0, 0x32), -EBUSY);
	assert_int_equal(irqlab_matrix_assign(m, 0, 0x1f), -EINVAL);
	assert_int_equal(irqlab_matrix_assign(m, 0, 0xeb), -EINVAL);
	assert_int_equal(irqlab_matrix_assign(m, 1, 0x31), -EINVAL); /* offline */
	assert_int_equal(irqlab_matrix_assign(m, 4, 0x31), -EINVAL);
	expect_global(m, 186, 0, 15, 1);

	irqlab_matrix_online(m, 1);
	expect_cpu(m, 1, 201, 0, 0, 0, true);
	expect_global(m, 387, 0, 15, 2);
	irqlab_matrix_destroy(m);
}

static void test_alloc_most_available_ties_lowest(void **state)
{
	struct irqlab_matrix *m = boot(4, 4, true);

	/* CPU 0 lost 15 to the ISA vectors; 1-3 tie at 201 and the lowest wins, in turn. */
	expect_alloc(m, "0-3", false, 0x20, 1);
	expect_cpu(m, 1, 200, 1, 0, 0, true);
	expect_global(m, 186 + 3 * 201 - 1, 0, 16, 4);
	expect_alloc(m, "0-3", false, 0x20, 2);
	expect_alloc(m, "0-3", false, 0x20, 3);
	expect_alloc(m, "0-3", false, 0x21, 1);
	expect_alloc(m, "0,2", false, 0x21, 2);
	expect_alloc(m, "0", false, 0x20, 0);
	expect_cpu(m, 0, 185, 16, 0, 0, true);
	/* Lowest free vector: 0x20-0x2f, then 0x40 (0x30-0x3f are ISA) on CPU 0. */
	for (unsigned v = 0x21; v < 0x30; v++)
		expect_alloc(m, "0", false, (int)v, 0);
	expect_alloc(m, "0", false, 0x40, 0);
	/* CPUs beyond the matrix are ignored. */
	expect_alloc(m, "3,4000", false, 0x21, 3);
	expect_global(m, 186 + 3 * 201 - 23, 0, 38, 4);
	irqlab_matrix_destroy(m);
}

static void test_alloc_never_takes_empty_cpu(void **state)
{
	struct irqlab_matrix *m = irqlab_matrix_create(3, 0x20, 0x22);

	irqlab_matrix_online(m, 0);
	irqlab_matrix_online(m, 1);
	expect_alloc(m, "0-2", false, 0x20, 0);
	expect_alloc(m, "0-2", false, 0x20, 1);
	expect_alloc(m, "0-2", false, 0x21, 0);
	expect_cpu(m, 0, 0, 2, 0, 0, true);
	/* CPU 0 has none: the mask {0} fails though CPU 1 has one. */
	expect_alloc(m, "0", false, -ENOSPC, 0);
	expect_alloc(m, "0,2", false, -ENOSPC, 0); /* CPU 2 is offline */
	expect_alloc(m, "0-2", false, 0x21, 1);
	expect_alloc(m, "0-2", false, -ENOSPC, 0);
	expect_global(m, 0, 0, 4, 2);
	/* Empty masks, and masks of CPUs the matrix does not have, are invalid. */
	expect_alloc(m, "5000", false, -EINVAL, 0);
	{
		struct irqlab_cpumask none;
		unsigned cpu;

		irqlab_cpumask_zero(&none);
		assert_int_equal(irqlab_matrix_alloc(m, &none, false, &cpu), -EINVAL);
		assert_int_equal(irqlab_matrix_alloc_managed(m, &none, &cpu), -EINVAL);
		assert_int_equal(irqlab_matrix_reserve_managed(m, &none), 0);
	}
	irqlab_matrix_free(m, 0, 0x20, false);
	expect_cpu(m, 0, 1, 1, 0, 0, true);
	expect_global(m, 1, 0, 3, 2);
	expect_alloc(m, "0-2", false, 0x20, 0);
	irqlab_matrix_destroy(m);
}

/*
 * Linux's available drifts when a managed reservation is made on an offline CPU that has been
 * online before; the CPU then looks emptier than it is, wins, and the allocation fails with
 * ENOSPC although another CPU of the mask has room: the greedy choice.
 */
static void test_alloc_enospc_without_second_try(void **state)
{
	struct irqlab_matrix *m = irqlab_matrix_create(2, 0x20, 0x24);

	irqlab_matrix_online(m, 0);
	irqlab_matrix_online(m, 1);
	irqlab_matrix_offline(m, 0);
	expect_global(m, 4, 0, 0, 1);
	assert_int_equal(reserve_managed(m, "0"), 0);
	assert_int_equal(reserve_managed(m, "0"), 0);
	assert_int_equal(reserve_managed(m, "0"), 0);
	expect_cpu(m, 0, 4, 0, 3, 0, false); /* Linux does not charge an offline CPU */
	irqlab_matrix_online(m, 0);
	expect_global(m, 8, 0, 0, 2);

	expect_alloc(m, "0-1", false, 0x23, 0); /* tie at 4: the lowest */
	expect_alloc(m, "0-1", false, 0x20, 1); /* 4 beats 3 */
	expect_cpu(m, 0, 3, 1, 3, 0, true);
	expect_cpu(m, 1, 3, 1, 0, 0, true);
	/* Tie at 3: CPU 0 wins, has no free vector, and CPU 1 is not tried. */
	expect_alloc(m, "0-1", false, -ENOSPC, 0);
	expect_cpu(m, 0, 3, 1, 3, 0, true);
	expect_global(m, 6, 0, 2, 2);
	expect_alloc(m, "1", false, 0x21, 1);
	irqlab_matrix_destroy(m);
}

static void test_reserve_counts_only(void **state)
{
	struct irqlab_matrix *m = irqlab_matrix_create(2, 0x20, 0x22);

	irqlab_matrix_online(m, 0);
	for (int i = 0; i < 5; i++)
		irqlab_matrix_reserve(m); /* beyond the 2 available: allowed */
	expect_global(m, 2, 5, 0, 1);
	expect_alloc(m, "0-1", true, 0x20, 0);
	expect_global(m, 1, 4, 1, 1);
	expect_alloc(m, "0-1", false, 0x21, 0);
	expect_global(m, 0, 4, 2, 1);
	irqlab_matrix_remove_reserved(m);
	expect_global(m, 0, 3, 2, 1);
	expect_alloc(m, "0-1", true, -ENOSPC, 0);
	expect_global(m, 0, 3, 2, 1); /* a failed allocation consumes nothing */
	irqlab_matrix_destroy(m);
}

static void test_managed_fewest_in_use_ties_last(void **state)
{
	struct irqlab_matrix *m = boot(4, 4, false);

	assert_int_equal(reserve_managed(m, "0-3"), 0);
	for (unsigned cpu = 0; cpu < 4; cpu++) {
		expect_cpu(m, cpu, 200, 0, 1, 0, true);
		assert_true(irqlab_matrix_vector_managed(m, cpu, 0x20));
	}
	expect_global(m, 800, 0, 0, 4);

	expect_alloc_managed(m, "0-3", 0x20, 3); /* all at 0 in use: the last */
	expect_cpu(m, 3, 200, 1, 1, 1, true);	 /* available was charged at reservation */
	expect_global(m, 800, 0, 1, 4);
	expect_alloc_managed(m, "0-3", 0x20, 2);
	expect_alloc_managed(m, "0-1", 0x20, 1);
	assert_int_equal(reserve_managed(m, "0-3"), 0);
	expect_global(m, 796, 0, 3, 4);
	expect_alloc_managed(m, "0-3", 0x20, 0);
	expect_alloc_managed(m, "0-3", 0x21, 3); /* all at 1: the last again */
	expect_alloc_managed(m, "0,2", 0x21, 2);

	/* Normal allocations steer around managed reservations. */
	expect_alloc(m, "1", false, 0x22, 1);
	expect_cpu(m, 1, 198, 2, 2, 1, true);

	assert_int_equal(reserve_managed(m, "0"), 0); /* CPU 0: 0x22 */
	irqlab_matrix_offline(m, 1);
	expect_alloc_managed(m, "0-1", 0x21, 0); /* CPU 1 is offline; lowest spare */
	irqlab_matrix_online(m, 1);
	expect_alloc_managed(m, "0-1", 0x21, 1); /* 1 < 2 in use */
	/* Tie at 2: CPU 1 wins and has no spare; CPU 0, which has, is not tried. */
	expect_alloc_managed(m, "0-1", -ENOSPC, 0);
	expect_alloc_managed(m, "0", 0x22, 0);
	expect_global(m, 794, 0, 10, 4);
	irqlab_matrix_destroy(m);
}

static void test_managed_on_offline_cpus(void **state)
{
	struct irqlab_matrix *m = boot(4, 2, false);

	/* CPUs 2-3 were never online: reserved but not charged, then counted at online. */
	assert_int_equal(reserve_managed(m, "1-3"), 0);
	expect_cpu(m, 1, 200, 0, 1, 0, true);
	expect_cpu(m, 2, 0, 0, 1, 0, false);
	expect_global(m, 401, 0, 0, 2);
	/* CPUs have been online: a system vector now is ignored. */
	irqlab_matrix_assign_system(m, 0x21);
	assert_false(irqlab_matrix_vector_system(m, 0x21));
	expect_alloc_managed(m, "2-3", -ENOSPC, 0); /* none online */
	irqlab_matrix_online(m, 2);
	expect_cpu(m, 2, 200, 0, 1, 0, true);
	expect_global(m, 601, 0, 0, 3);
	expect_alloc_managed(m, "1-3", 0x20, 2);
	remove_managed(m, "3");
	expect_cpu(m, 3, 0, 0, 0, 0, false);
	irqlab_matrix_online(m, 3);
	expect_cpu(m, 3, 201, 0, 0, 0, true);
	irqlab_matrix_destroy(m);
}

static void test_reserve_managed_rolls_back(void **state)
{
	struct irqlab_matrix *m = irqlab_matrix_create(3, 0x20, 0x24);

	for (unsigned cpu = 0; cpu < 3; cpu++)
		irqlab_matrix_online(m, cpu);
	for (int i = 0; i < 4; i++)
		expect_alloc(m, "2", false, 0x20 + i, 2);
	assert_int_equal(reserve_managed(m, "0"), 0); /* 0x20 */
	expect_cpu(m, 0, 3, 0, 1, 0, true);
	expect_global(m, 7, 0, 4, 3);

	/* CPU 0 takes 0x21 and CPU 1 0x20, CPU 2 is full: both are undone. */
	assert_int_equal(reserve_managed(m, "0-2"), -ENOSPC);
	expect_cpu(m, 0, 3, 0, 1, 0, true);
	expect_cpu(m, 1, 4, 0, 0, 0, true);
	expect_cpu(m, 2, 0, 4, 0, 0, true);
	expect_global(m, 7, 0, 4, 3);
	/* Linux drops the lowest spare reservation, which is the older 0x20, not the new 0x21. */
	assert_false(irqlab_matrix_vector_managed(m, 0, 0x20));
	assert_true(irqlab_matrix_vector_managed(m, 0, 0x21));
	assert_false(irqlab_matrix_vector_managed(m, 1, 0x20));

	/* A full CPU of its own fails at once; nothing to undo. */
	assert_int_equal(reserve_managed(m, "2"), -ENOSPC);
	expect_global(m, 7, 0, 4, 3);

	/* Rollback across an offline CPU that was online once: no drift left behind. */
	irqlab_matrix_offline(m, 1);
	assert_int_equal(reserve_managed(m, "1-2"), -ENOSPC);
	expect_cpu(m, 1, 4, 0, 0, 0, false);
	irqlab_matrix_online(m, 1);
	expect_global(m, 7, 0, 4, 3);
	irqlab_matrix_destroy(m);
}

static void test_free_rules(void **state)
{
	struct irqlab_matrix *m = boot(2, 2, false);
	unsigned cpu;
	int managed_vec;

	assert_int_equal(reserve_managed(m, "1"), 0);
	expect_alloc_managed(m, "1", 0x20, 1);
	expect_alloc(m, "1", false, 0x21, 1);
	expect_cpu(m, 1, 199, 2, 1, 1, true);
	expect_global(m, 400, 0, 2, 2);

	/* Freeing a managed vector keeps its reservation and does not make it available. */
	irqlab_matrix_free(m, 1, 0x20, true);
	expect_cpu(m, 1, 199, 1, 1, 0, true);
	expect_global(m, 400, 0, 1, 2);
	assert_false(irqlab_matrix_vector_allocated(m, 1, 0x20));
	assert_true(irqlab_matrix_vector_managed(m, 1, 0x20));
	expect_alloc(m, "1", false, 0x22, 1); /* 0x20 stays off limits */
	{
		struct irqlab_cpumask msk = mask_of("1");

		managed_vec = irqlab_matrix_alloc_managed(m, &msk, &cpu);
		assert_int_equal(managed_vec, 0x20);
	}

	/* Frees Linux warns about, and a wrong @managed, change nothing. */
	irqlab_matrix_free(m, 1, 0x20, false);
	irqlab_matrix_free(m, 1, 0x22, true);
	irqlab_matrix_free(m, 1, 0x30, false);
	irqlab_matrix_free(m, 1, 0x10, false);
	irqlab_matrix_free(m, 1, 0xeb, false);
	irqlab_matrix_free(m, 7, 0x21, false);
	expect_cpu(m, 1, 198, 3, 1, 1, true);
	expect_global(m, 399, 0, 3, 2);

	irqlab_matrix_free(m, 1, 0x22, false);
	expect_cpu(m, 1, 199, 2, 1, 1, true);
	expect_global(m, 400, 0, 2, 2);

	/* Dropping a reservation in use is refused; a spare one goes and becomes available. */
	remove_managed(m, "1");
	expect_cpu(m, 1, 199, 2, 1, 1, true);
	irqlab_matrix_free(m, 1, 0x20, true);
	remove_managed(m, "1");
	expect_cpu(m, 1, 200, 1, 0, 0, true);
	remove_managed(m, "0-1"); /* none left: nothing happens */
	expect_global(m, 401, 0, 1, 2);
	irqlab_matrix_destroy(m);
}

static void test_online_offline_accounting(void **state)
{
	struct irqlab_matrix *m = boot(3, 3, false);

	expect_alloc(m, "1", false, 0x20, 1);
	expect_alloc(m, "1", false, 0x21, 1);
	expect_global(m, 601, 0, 2, 3);
	assert_int_equal(irqlab_matrix_available(m, false, 1), 601);
	assert_int_equal(irqlab_matrix_available(m, true, 1), 402);

	irqlab_matrix_offline(m, 1);
	expect_cpu(m, 1, 199, 2, 0, 0, false);
	expect_global(m, 402, 0, 2, 2);
	irqlab_matrix_offline(m, 1); /* already offline: nothing */
	expect_global(m, 402, 0, 2, 2);
	expect_alloc(m, "1", false, -ENOSPC, 0);
	expect_alloc(m, "0-2", false, 0x20, 0);

	/*
	 * Freeing on an offline CPU: available grows, global_available does not, and (a Linux
	 * quirk) neither does total_allocated shrink.
	 */
	irqlab_matrix_free(m, 1, 0x20, false);
	expect_cpu(m, 1, 200, 1, 0, 0, false);
	expect_global(m, 401, 0, 3, 2);

	irqlab_matrix_online(m, 1);
	irqlab_matrix_online(m, 1); /* already online: nothing */
	expect_cpu(m, 1, 200, 1, 0, 0, true);
	expect_global(m, 601, 0, 3, 3);
	expect_alloc(m, "0-2", false, 0x20, 2);
	irqlab_matrix_offline(m, 0);
	irqlab_matrix_offline(m, 1);
	irqlab_matrix_offline(m, 2);
	expect_global(m, 0, 0, 4, 0);
	expect_alloc(m, "0-2", false, -ENOSPC, 0);
	irqlab_matrix_destroy(m);
}

/* Each kind of damage, on a matrix with something of everything in it. */
static void test_check_detects_corruption(void **state)
{
	static const struct {
		enum irqlab_matrix_debug_what what;
		unsigned cpu, arg;
		const char *says;
	} cases[] = {
		{IRQLAB_MATRIX_DEBUG_AVAILABLE, 1, 1, "CPU 1 counts"},
		{IRQLAB_MATRIX_DEBUG_ALLOCATED, 2, 1, "allocated"},
		{IRQLAB_MATRIX_DEBUG_MANAGED_ALLOCATED, 0, 1, "managed in use"},
		{IRQLAB_MATRIX_DEBUG_ALLOC_BIT, 2, 0x50, "allocated"},
		{IRQLAB_MATRIX_DEBUG_ALLOC_BIT, 2, 0x80, "system vector"},
		{IRQLAB_MATRIX_DEBUG_ALLOC_BIT, 2, 0x10, "outside"},
		{IRQLAB_MATRIX_DEBUG_MANAGED_BIT, 1, 0x60, "managed"},
		{IRQLAB_MATRIX_DEBUG_GLOBAL_AVAILABLE, 0, 5, "available globally"},
		{IRQLAB_MATRIX_DEBUG_TOTAL_ALLOCATED, 0, UINT_MAX, "allocated in total"},
		{IRQLAB_MATRIX_DEBUG_NORMAL_LEAF, 3, 1, "stale normal"},
		{IRQLAB_MATRIX_DEBUG_MANAGED_NODE, 1, 4, "managed-allocation tree node 1"},
		{IRQLAB_MATRIX_DEBUG_MANAGED_NODE, 8 + 2, 1, "CPU 2 has a stale managed"},
		{IRQLAB_MATRIX_DEBUG_MANAGED_NODE, 8 + 6, 1, "CPU 6 beyond the last"},
		{IRQLAB_MATRIX_DEBUG_AVAILABLE, 4, 1, "CPU 4 was never online"},
		{IRQLAB_MATRIX_DEBUG_SYSTEM_BIT, 0, 0x50, "system vectors in range"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct irqlab_matrix *m = boot(5, 4, true); /* CPU 4 never online; 8 leaves */
		char why[256] = "";

		assert_int_equal(reserve_managed(m, "0-3"), 0);
		expect_alloc_managed(m, "0-3", 0x20, 3);
		expect_alloc_managed(m, "0-3", 0x20, 2);
		expect_alloc_managed(m, "0-3", 0x20, 1);
		expect_alloc_managed(m, "0-3", 0x20, 0);
		expect_alloc(m, "0-3", false, 0x21, 1);
		expect_alloc(m, "0-3", false, 0x21, 2);
		irqlab_matrix_debug_corrupt(m, cases[i].what, cases[i].cpu, cases[i].arg);
		assert_int_equal(irqlab_matrix_check(m, why, sizeof(why)), -EFAULT);
		if (!strstr(why, cases[i].says))
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, why, cases[i].says);
		/* A short buffer still gets a terminated sentence; none at all is fine too. */
		assert_int_equal(irqlab_matrix_check(m, why, 4), -EFAULT);
		assert_int_equal(strlen(why), 3);
		assert_int_equal(irqlab_matrix_check(m, NULL, 0), -EFAULT);
		irqlab_matrix_destroy(m);
	}
}

/* ------------------------------------------------------------------------------------------ */
/*
 * The reference: Linux's rules read straight off, with a linear scan over the mask, plus the
 * model's documented refusals of calls Linux would BUG() on or miscount.
 */

struct ref_cpu {
	uint64_t alloc_map[4], managed_map[4];
	unsigned available, allocated, managed, managed_allocated;
	bool online, initialized;
};

struct ref {
	unsigned ncpus, start, end, size;
	unsigned global_available, global_reserved, total_allocated, systembits_inalloc, online;
	uint64_t system_map[4];
	struct ref_cpu *cpus;
};

static bool bit(const uint64_t *map, unsigned b)
{
	return (map[b / 64] >> (b % 64)) & 1;
}

static void set_bit(uint64_t *map, unsigned b)
{
	map[b / 64] |= UINT64_C(1) << (b % 64);
}

static void clear_bit(uint64_t *map, unsigned b)
{
	map[b / 64] &= ~(UINT64_C(1) << (b % 64));
}

static bool in_mask(const struct ref *r, const struct irqlab_cpumask *msk, unsigned cpu)
{
	return cpu < r->ncpus && irqlab_cpumask_test(msk, cpu);
}

static bool mask_empty(const struct ref *r, const struct irqlab_cpumask *msk)
{
	for (unsigned cpu = 0; cpu < r->ncpus; cpu++)
		if (in_mask(r, msk, cpu))
			return false;
	return true;
}

/* Lowest vector in range free of system, allocated and managed bits, or r->end. */
static unsigned ref_find_free(const struct ref *r, const struct ref_cpu *c)
{
	unsigned v;

	for (v = r->start; v < r->end; v++)
		if (!bit(r->system_map, v) && !bit(c->alloc_map, v) && !bit(c->managed_map, v))
			break;
	return v;
}

static unsigned ref_find_spare_managed(const struct ref *r, const struct ref_cpu *c)
{
	unsigned v;

	for (v = 0; v < r->end; v++)
		if (bit(c->managed_map, v) && !bit(c->alloc_map, v))
			break;
	return v;
}

static void ref_init(struct ref *r, unsigned ncpus, unsigned start, unsigned end)
{
	memset(r, 0, sizeof(*r));
	r->ncpus = ncpus;
	r->start = start;
	r->end = end;
	r->size = end - start;
	r->cpus = calloc(ncpus, sizeof(r->cpus[0]));
	assert_non_null(r->cpus);
}

static void ref_assign_system(struct ref *r, unsigned v)
{
	/* The documented refusals of the model. */
	for (unsigned cpu = 0; cpu < r->ncpus; cpu++)
		if (r->cpus[cpu].initialized || bit(r->cpus[cpu].alloc_map, v) ||
		    bit(r->cpus[cpu].managed_map, v))
			return;
	if (bit(r->system_map, v))
		return;
	set_bit(r->system_map, v);
	if (v >= r->start && v < r->end)
		r->systembits_inalloc++;
}

static int ref_assign(struct ref *r, unsigned cpu, unsigned v)
{
	struct ref_cpu *c;

	if (cpu >= r->ncpus || v < r->start || v >= r->end || !r->cpus[cpu].online)
		return -EINVAL;
	c = &r->cpus[cpu];
	if (bit(c->alloc_map, v) || bit(c->managed_map, v) || bit(r->system_map, v))
		return -EBUSY;
	set_bit(c->alloc_map, v);
	c->allocated++;
	r->total_allocated++;
	c->available--;
	r->global_available--;
	return 0;
}

static void ref_online(struct ref *r, unsigned cpu)
{
	struct ref_cpu *c = &r->cpus[cpu];

	if (c->online)
		return;
	if (!c->initialized) {
		c->available = r->size - c->managed - r->systembits_inalloc;
		c->initialized = true;
	}
	r->global_available += c->available;
	c->online = true;
	r->online++;
}

static void ref_offline(struct ref *r, unsigned cpu)
{
	struct ref_cpu *c = &r->cpus[cpu];

	if (!c->online)
		return;
	r->global_available -= c->available;
	c->online = false;
	r->online--;
}

static int ref_alloc(struct ref *r, const struct irqlab_cpumask *msk, bool reserved,
		     unsigned *cpu_out)
{
	unsigned best = UINT_MAX, maxavl = 0, v;
	struct ref_cpu *c;

	if (mask_empty(r, msk))
		return -EINVAL;
	for (unsigned cpu = 0; cpu < r->ncpus; cpu++) {
		c = &r->cpus[cpu];
		if (!in_mask(r, msk, cpu) || !c->online || c->available <= maxavl)
			continue;
		best = cpu;
		maxavl = c->available;
	}
	if (best == UINT_MAX)
		return -ENOSPC;
	c = &r->cpus[best];
	v = ref_find_free(r, c);
	if (v >= r->end)
		return -ENOSPC;
	set_bit(c->alloc_map, v);
	c->allocated++;
	c->available--;
	r->total_allocated++;
	r->global_available--;
	if (reserved)
		r->global_reserved--;
	*cpu_out = best;
	return (int)v;
}

static void ref_remove_managed_one(struct ref *r, unsigned cpu)
{
	struct ref_cpu *c = &r->cpus[cpu];
	unsigned v;

	if (!c->managed)
		return;
	v = ref_find_spare_managed(r, c);
	if (v >= r->end)
		return;
	clear_bit(c->managed_map, v);
	c->managed--;
	if (c->online) {
		c->available++;
		r->global_available++;
	}
}

static int ref_reserve_managed(struct ref *r, const struct irqlab_cpumask *msk)
{
	unsigned cpu, failed;

	for (cpu = 0; cpu < r->ncpus; cpu++) {
		struct ref_cpu *c = &r->cpus[cpu];
		unsigned v;

		if (!in_mask(r, msk, cpu))
			continue;
		v = ref_find_free(r, c);
		if (v >= r->end)
			goto cleanup;
		set_bit(c->managed_map, v);
		c->managed++;
		if (c->online) {
			c->available--;
			r->global_available--;
		}
	}
	return 0;
cleanup:
	failed = cpu;
	for (cpu = 0; cpu < failed; cpu++)
		if (in_mask(r, msk, cpu))
			ref_remove_managed_one(r, cpu);
	return -ENOSPC;
}

static void ref_remove_managed(struct ref *r, const struct irqlab_cpumask *msk)
{
	for (unsigned cpu = 0; cpu < r->ncpus; cpu++)
		if (in_mask(r, msk, cpu))
			ref_remove_managed_one(r, cpu);
}

static int ref_alloc_managed(struct ref *r, const struct irqlab_cpumask *msk, unsigned *cpu_out)
{
	unsigned best = UINT_MAX, least = UINT_MAX, v;
	struct ref_cpu *c;

	if (mask_empty(r, msk))
		return -EINVAL;
	for (unsigned cpu = 0; cpu < r->ncpus; cpu++) {
		c = &r->cpus[cpu];
		if (!in_mask(r, msk, cpu) || !c->online || c->managed_allocated > least)
			continue;
		best = cpu;
		least = c->managed_allocated;
	}
	if (best == UINT_MAX)
		return -ENOSPC;
	c = &r->cpus[best];
	v = ref_find_spare_managed(r, c);
	if (v >= r->end)
		return -ENOSPC;
	set_bit(c->alloc_map, v);
	c->allocated++;
	c->managed_allocated++;
	r->total_allocated++;
	*cpu_out = best;
	return (int)v;
}

static void ref_free(struct ref *r, unsigned cpu, unsigned v, bool managed)
{
	struct ref_cpu *c;

	if (cpu >= r->ncpus || v < r->start || v >= r->end)
		return;
	c = &r->cpus[cpu];
	if (!bit(c->alloc_map, v) || bit(c->managed_map, v) != managed)
		return;
	clear_bit(c->alloc_map, v);
	c->allocated--;
	if (managed)
		c->managed_allocated--;
	if (c->online)
		r->total_allocated--;
	if (!managed) {
		c->available++;
		if (c->online)
			r->global_available++;
	}
}

/* ------------------------------------------------------------------------------------------ */
/* The differential run. */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed, same run every time. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static void random_mask(struct irqlab_cpumask *msk, unsigned ncpus)
{
	unsigned kind = rnd_below(10), a, b, permille;

	irqlab_cpumask_zero(msk);
	switch (kind) {
	case 0:
	case 1:
		irqlab_cpumask_set_range(msk, 0, ncpus - 1);
		break;
	case 2:
		irqlab_cpumask_set(msk, rnd_below(ncpus));
		break;
	case 3:
	case 4:
		a = rnd_below(ncpus);
		b = rnd_below(ncpus);
		irqlab_cpumask_set_range(msk, a < b ? a : b, a < b ? b : a);
		break;
	case 5:
		/* Now and then only CPUs the matrix does not have: an empty mask to it. */
		if (ncpus < IRQLAB_MAX_CPUS && rnd_below(4) == 0)
			irqlab_cpumask_set(msk, ncpus + rnd_below(IRQLAB_MAX_CPUS - ncpus));
		break;
	default:
		permille = (unsigned[]){10, 100, 500, 900}[rnd_below(4)];
		for (unsigned cpu = 0; cpu < ncpus; cpu++)
			if (rnd_below(1000) < permille)
				irqlab_cpumask_set(msk, cpu);
		if (ncpus < IRQLAB_MAX_CPUS && rnd_below(2))
			irqlab_cpumask_set(msk, IRQLAB_MAX_CPUS - 1);
		break;
	}
}

struct live {
	unsigned cpu, vector;
	bool managed;
};

static void compare_cpu(const struct irqlab_matrix *m, const struct ref *r, unsigned cpu, bool maps,
			unsigned step)
{
	const struct ref_cpu *c = &r->cpus[cpu];
	struct irqlab_matrix_cpu_stats s;

	irqlab_matrix_cpu_stats(m, cpu, &s);
	if (s.available != c->available || s.allocated != c->allocated || s.managed != c->managed ||
	    s.managed_allocated != c->managed_allocated || s.online != c->online)
		fail_msg("step %u CPU %u: model avl %u alloc %u man %u mac %u online %d, "
			 "reference %u %u %u %u %d",
			 step, cpu, s.available, s.allocated, s.managed, s.managed_allocated,
			 s.online, c->available, c->allocated, c->managed, c->managed_allocated,
			 c->online);
	if (!maps)
		return;
	for (unsigned v = 0; v < IRQLAB_NR_VECTORS; v++)
		if (irqlab_matrix_vector_allocated(m, cpu, v) != bit(c->alloc_map, v) ||
		    irqlab_matrix_vector_managed(m, cpu, v) != bit(c->managed_map, v))
			fail_msg("step %u CPU %u vector %#x: maps differ", step, cpu, v);
}

static void compare_all(const struct irqlab_matrix *m, const struct ref *r, bool maps,
			unsigned step)
{
	struct irqlab_matrix_stats s;

	irqlab_matrix_stats(m, &s);
	if (s.global_available != r->global_available || s.global_reserved != r->global_reserved ||
	    s.total_allocated != r->total_allocated ||
	    s.systembits_inalloc != r->systembits_inalloc || s.online_cpus != r->online)
		fail_msg("step %u: model global %u %u %u %u %u, reference %u %u %u %u %u", step,
			 s.global_available, s.global_reserved, s.total_allocated,
			 s.systembits_inalloc, s.online_cpus, r->global_available,
			 r->global_reserved, r->total_allocated, r->systembits_inalloc, r->online);
	for (unsigned cpu = 0; cpu < r->ncpus; cpu++)
		compare_cpu(m, r, cpu, maps, step);
	for (unsigned v = 0; maps && v < IRQLAB_NR_VECTORS; v++)
		assert_int_equal(irqlab_matrix_vector_system(m, v), bit(r->system_map, v));
}

/* @maps_every: compare every CPU's maps that often (the touched CPU's, every step). */
static void differential(unsigned ncpus, unsigned start, unsigned end, unsigned steps,
			 uint64_t seed, unsigned maps_every)
{
	struct irqlab_matrix *m = irqlab_matrix_create(ncpus, start, end);
	size_t cap = (size_t)ncpus * IRQLAB_NR_VECTORS, nlive = 0;
	struct live *live = calloc(cap, sizeof(*live));
	struct irqlab_cpumask msk;
	struct ref r;

	assert_non_null(m);
	assert_non_null(live);
	rng_state = seed;
	ref_init(&r, ncpus, start, end);

	/* Boot: a few system vectors, some managed reservations before any CPU is up. */
	for (unsigned i = 0; i < 3; i++) {
		unsigned v = rnd_below(IRQLAB_NR_VECTORS);

		irqlab_matrix_assign_system(m, v);
		ref_assign_system(&r, v);
		random_mask(&msk, ncpus);
		assert_int_equal(irqlab_matrix_reserve_managed(m, &msk),
				 ref_reserve_managed(&r, &msk));
	}
	for (unsigned cpu = 0; cpu < ncpus; cpu++)
		if (rnd_below(4)) {
			irqlab_matrix_online(m, cpu);
			ref_online(&r, cpu);
		}
	compare_all(m, &r, true, 0);
	assert_consistent(m);

	for (unsigned step = 1; step <= steps; step++) {
		unsigned op = rnd_below(100), cpu = rnd_below(ncpus), got = UINT_MAX,
			 want = UINT_MAX;
		int a, b;

		random_mask(&msk, ncpus);
		if (op < 30) {
			bool reserved = rnd_below(2);

			a = irqlab_matrix_alloc(m, &msk, reserved, &got);
			b = ref_alloc(&r, &msk, reserved, &want);
			assert_int_equal(a, b);
			if (a >= 0) {
				assert_int_equal(got, want);
				live[nlive++] = (struct live){want, (unsigned)a, false};
			}
		} else if (op < 38) {
			a = irqlab_matrix_alloc_managed(m, &msk, &got);
			b = ref_alloc_managed(&r, &msk, &want);
			assert_int_equal(a, b);
			if (a >= 0) {
				assert_int_equal(got, want);
				live[nlive++] = (struct live){want, (unsigned)a, true};
			}
		} else if (op < 62) {
			if (nlive) {
				size_t i = rnd_below((unsigned)nlive);
				struct live l = live[i];

				live[i] = live[--nlive];
				irqlab_matrix_free(m, l.cpu, l.vector, l.managed);
				ref_free(&r, l.cpu, l.vector, l.managed);
			}
		} else if (op < 64) {
			/* Frees Linux warns about, or with the wrong kind. */
			unsigned v = rnd_below(IRQLAB_NR_VECTORS);
			bool managed = rnd_below(2);

			irqlab_matrix_free(m, cpu, v, managed);
			ref_free(&r, cpu, v, managed);
			for (size_t i = 0; i < nlive; i++)
				if (live[i].cpu == cpu && live[i].vector == v &&
				    live[i].managed == managed)
					live[i] = live[--nlive];
		} else if (op < 70) {
			irqlab_matrix_reserve(m);
			r.global_reserved++;
		} else if (op < 72) {
			irqlab_matrix_remove_reserved(m);
			r.global_reserved--;
		} else if (op < 80) {
			if (rnd_below(3) == 0) {
				irqlab_cpumask_zero(&msk);
				irqlab_cpumask_set(&msk, cpu);
			}
			assert_int_equal(irqlab_matrix_reserve_managed(m, &msk),
					 ref_reserve_managed(&r, &msk));
		} else if (op < 85) {
			irqlab_matrix_remove_managed(m, &msk);
			ref_remove_managed(&r, &msk);
		} else if (op < 92) {
			irqlab_matrix_online(m, cpu);
			ref_online(&r, cpu);
		} else if (op < 98) {
			irqlab_matrix_offline(m, cpu);
			ref_offline(&r, cpu);
		} else {
			unsigned v = start + rnd_below(end - start + 2) - 1;

			a = irqlab_matrix_assign(m, cpu, v);
			assert_int_equal(a, ref_assign(&r, cpu, v));
			if (!a)
				live[nlive++] = (struct live){cpu, v, false};
		}
		assert_true(nlive <= cap);
		compare_all(m, &r, step % maps_every == 0, step);
		compare_cpu(m, &r, cpu, true, step);
		assert_consistent(m);
	}
	compare_all(m, &r, true, steps);
	assert_consistent(m);
	free(r.cpus);
	free(live);
	irqlab_matrix_destroy(m);
}

static void test_differential_small(void **state)
{
	/* Narrow ranges so that CPUs fill up and every ENOSPC path is taken. */
	differential(1, 0x20, 0x28, 5000, 1, 1);
	differential(2, 0x20, 0x30, 10000, 2, 1);
	differential(3, 0x1f, 0x26, 10000, 3, 1);
	differential(5, 0x20, 0x26, 10000, 4, 1);
	differential(8, 0x30, 0x40, 10000, 5, 4);
	differential(17, 0x20, 0x2c, 10000, 6, 8);
}

static void test_differential_medium(void **state)
{
	differential(64, 0x20, 0x40, 20000, 7, 16);
	differential(67, 0x20, 0x30, 15000, 8, 16);
	differential(130, 0xf0, 0x100, 20000, 9, 64);
	differential(255, FIRST_EXTERNAL, FIRST_SYSTEM, 20000, 10, 256);
}

static void test_differential_large(void **state)
{
	differential(1000, 0x20, 0x28, 4000, 11, 500);
	differential(IRQLAB_MAX_CPUS, 0x20, 0x24, 600, 12, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_arguments),
		cmocka_unit_test(test_create_out_of_memory),
		cmocka_unit_test(test_boot_accounting),
		cmocka_unit_test(test_alloc_most_available_ties_lowest),
		cmocka_unit_test(test_alloc_never_takes_empty_cpu),
		cmocka_unit_test(test_alloc_enospc_without_second_try),
		cmocka_unit_test(test_reserve_counts_only),
		cmocka_unit_test(test_managed_fewest_in_use_ties_last),
		cmocka_unit_test(test_managed_on_offline_cpus),
		cmocka_unit_test(test_reserve_managed_rolls_back),
		cmocka_unit_test(test_free_rules),
		cmocka_unit_test(test_online_offline_accounting),
		cmocka_unit_test(test_check_detects_corruption),
		cmocka_unit_test(test_differential_small),
		cmocka_unit_test(test_differential_medium),
		cmocka_unit_test(test_differential_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
