// SPDX-License-Identifier: MIT
/*
 * The x86 vector domain through the platform (reference/linux.md §3): boot counters, the
 * normal and managed allocation rules, reservation mode, affinity moves and their cleanup,
 * CPU offline/online, what the local APIC finds, and a fault-injection walk over every
 * allocation point of each lifecycle operation.
 *
 * Every expected CPU, vector and counter below is worked out by hand in the comments, from
 * the rules: 0x20..0xea is allocatable (203 vectors), 0x32 and 0x80 are system vectors inside
 * it, so a CPU boots with 201 available; with the ISA interrupts CPU 0 also holds 0x30..0x3f
 * but 0x32 (15 vectors) and has 186. A normal allocation takes the online CPU of the mask with
 * the most available (ties: lowest CPU), then its lowest free vector. A managed one takes the
 * CPU with the fewest managed vectors in use (ties: last CPU), then its lowest reserved one.
 * Dynamic interrupts start at 24.
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

#include "platform/fabric.h"
#include "x86/vector_domain.h"

#define FIRST_VIRQ 24u

/* ---- helpers ------------------------------------------------------------------------------ */

/*
 * Platforms and dump texts still alive: a failed assertion leaves the test early, and the
 * teardown frees them, so that the sanitizer build reports only the model's leaks.
 */
static struct irqlab_machine *live[4];
static char *held[8];

static struct irqlab_machine *plat(unsigned ncpus, bool ir, unsigned irtes, bool legacy)
{
	struct irqlab_platform_config cfg = {
		.ncpus = ncpus, .ir = ir, .irtes = irtes, .legacy = legacy};
	struct irqlab_machine *p = NULL;
	char why[256];
	unsigned i;

	if (irqlab_platform_new(&cfg, &p, why, sizeof(why)))
		fail_msg("platform: %s", why);
	for (i = 0; i < 4 && live[i]; i++)
		;
	assert_true(i < 4);
	live[i] = p;
	return p;
}

static void plat_free(struct irqlab_machine *p)
{
	for (unsigned i = 0; i < 4; i++)
		if (live[i] == p)
			live[i] = NULL;
	irqlab_platform_free(p);
}

static int teardown(void **state)
{
	for (unsigned i = 0; i < 4; i++) {
		irqlab_platform_free(live[i]);
		live[i] = NULL;
	}
	for (unsigned i = 0; i < 8; i++) {
		free(held[i]);
		held[i] = NULL;
	}
	return 0;
}

static struct irqlab_device *msix(struct irqlab_machine *p, const char *name, uint16_t rid,
				  unsigned nr)
{
	struct irqlab_device_config cfg = {
		.name = name, .kind = IRQLAB_DEV_MSIX, .rid = rid, .nr = nr};
	struct irqlab_device *dev = NULL;

	if (irqlab_platform_add_device(p->host, &cfg, &dev))
		fail_msg("add %s: %s", name, irqlab_platform_error(p));
	return dev;
}

static struct irqlab_device *dev_of(struct irqlab_machine *p, const char *name)
{
	struct irqlab_device *dev = irqlab_platform_device(p, name);

	assert_non_null(dev);
	return dev;
}

#define OK(p, expr)                                                                     \
	do {                                                                            \
		int err_ = (expr);                                                      \
		if (err_)                                                               \
			fail_msg("%s: %d (%s)", #expr, err_, irqlab_platform_error(p)); \
	} while (0)

/* Indexes first..first+n-1 (one caller at a time). */
static const unsigned *idx_range(unsigned first, unsigned n)
{
	static unsigned idx[1024];

	assert_true(n <= 1024);
	for (unsigned i = 0; i < n; i++)
		idx[i] = first + i;
	return idx;
}

static void alloc_n(struct irqlab_machine *p, struct irqlab_device *dev, unsigned n, bool managed)
{
	unsigned granted = 0;

	OK(p, irqlab_platform_alloc(p->host, dev, n, n, managed, &granted));
	assert_int_equal(granted, dev->nr_allocated);
}

static int request_range(struct irqlab_machine *p, struct irqlab_device *dev, unsigned first,
			 unsigned n)
{
	return irqlab_platform_request(p->host, dev, idx_range(first, n), n);
}

static int release_range(struct irqlab_machine *p, struct irqlab_device *dev, unsigned first,
			 unsigned n)
{
	return irqlab_platform_release(p->host, dev, idx_range(first, n), n);
}

static struct irqlab_cpumask cpus(const char *list)
{
	struct irqlab_cpumask m;
	size_t bad;

	assert_int_equal(irqlab_cpumask_parse(&m, list, IRQLAB_MAX_CPUS, &bad), 0);
	return m;
}

/* The affinity statement: without IR it only records the change for the next interrupt. */
static int affinity_stmt(struct irqlab_machine *p, struct irqlab_device *dev, unsigned first,
			 unsigned n, const char *list)
{
	struct irqlab_cpumask m = cpus(list);

	return irqlab_platform_affinity(p->host, dev, idx_range(first, n), n, &m);
}

/*
 * The statement, then the move made at once, as the vector domain's tests want it: without IR
 * the ack of each entry's next interrupt makes it (irq_move_masked_irq), and the first
 * failure there is returned.
 */
static int affinity(struct irqlab_machine *p, struct irqlab_device *dev, unsigned first, unsigned n,
		    const char *list)
{
	int err = affinity_stmt(p, dev, first, n, list);

	for (unsigned i = 0; !err && i < n; i++)
		err = irqlab_irq_move_masked(dev->entries[first + i].irq);
	irqlab_fabric_flush_retriggers(p->host);
	return err;
}

static struct irqlab_matrix *matrix(struct irqlab_machine *p)
{
	return irqlab_vector_domain_matrix(irqlab_kernel_env(p->host)->vector);
}

static void assert_clean(struct irqlab_machine *p)
{
	char why[512];

	if (irqlab_platform_check(p, why, sizeof(why)))
		fail_msg("invariant broken: %s", why);
}

static char *dump(struct irqlab_machine *p)
{
	struct irqlab_strbuf sb = IRQLAB_STRBUF_INIT;
	unsigned i;

	irqlab_platform_dump(p, &sb);
	assert_non_null(sb.buf);
	for (i = 0; i < 8 && held[i]; i++)
		;
	assert_true(i < 8);
	held[i] = sb.buf;
	return sb.buf;
}

static void dump_free(char *text)
{
	for (unsigned i = 0; i < 8; i++)
		if (held[i] == text)
			held[i] = NULL;
	free(text);
}

static void assert_dump_equal(const char *before, const char *after, const char *what)
{
	if (strcmp(before, after) == 0)
		return;
	/* Name the first line that differs: the whole dump is too long to read. */
	size_t i = 0, line = 0;
	while (before[i] && before[i] == after[i])
		i++;
	while (i > 0 && before[i - 1] != '\n')
		i--;
	for (size_t j = 0; j < i; j++)
		line += before[j] == '\n';
	fail_msg("%s: dump differs at line %zu:\n  before: %.160s\n  after:  %.160s", what,
		 line + 1, before + i, after + i);
}

static void expect_cpu_at(int line, struct irqlab_machine *p, unsigned cpu, bool online,
			  unsigned available, unsigned allocated, unsigned managed_allocated,
			  unsigned managed)
{
	struct irqlab_matrix_cpu_stats cs;

	irqlab_matrix_cpu_stats(matrix(p), cpu, &cs);
	if (cs.online != online || cs.available != available || cs.allocated != allocated ||
	    cs.managed_allocated != managed_allocated || cs.managed != managed)
		fail_msg("line %d: CPU %u: online=%d available=%u allocated=%u managed=%u/%u, "
			 "expected online=%d available=%u allocated=%u managed=%u/%u",
			 line, cpu, cs.online, cs.available, cs.allocated, cs.managed_allocated,
			 cs.managed, online, available, allocated, managed_allocated, managed);
}

/* CPU's online flag, available, allocated, managed in use / managed reserved. */
#define EXPECT_CPU(p, cpu, online, avail, alloc, mused, mres) \
	expect_cpu_at(__LINE__, p, cpu, online, avail, alloc, mused, mres)

static void expect_global_at(int line, struct irqlab_machine *p, unsigned available,
			     unsigned reserved, unsigned allocated, unsigned online)
{
	struct irqlab_matrix_stats ms;

	irqlab_matrix_stats(matrix(p), &ms);
	if (ms.global_available != available || ms.global_reserved != reserved ||
	    ms.total_allocated != allocated || ms.online_cpus != online ||
	    ms.systembits_inalloc != 2)
		fail_msg("line %d: matrix available=%u reserved=%u allocated=%u online=%u "
			 "systembits=%u, expected %u %u %u %u 2",
			 line, ms.global_available, ms.global_reserved, ms.total_allocated,
			 ms.online_cpus, ms.systembits_inalloc, available, reserved, allocated,
			 online);
}

/* Global available, global reservations, total allocated, online CPUs. */
#define EXPECT_GLOBAL(p, avail, rsvd, alloc, online) \
	expect_global_at(__LINE__, p, avail, rsvd, alloc, online)

static struct irqlab_irq *irq_of(struct irqlab_device *dev, unsigned index)
{
	assert_non_null(dev->entries[index].irq);
	return dev->entries[index].irq;
}

static void expect_target_at(int line, struct irqlab_device *dev, unsigned index, unsigned cpu,
			     unsigned vector)
{
	struct irqlab_irq_cfg cfg;

	assert_int_equal(irqlab_vector_irq_cfg(irq_of(dev, index)->top, &cfg), 0);
	if (cfg.cpu != cpu || cfg.vector != vector)
		fail_msg("line %d: %s[%u] (irq %u) targets CPU %u vector 0x%02x, expected CPU %u "
			 "vector 0x%02x",
			 line, dev->name, index, irq_of(dev, index)->virq, cfg.cpu, cfg.vector, cpu,
			 vector);
}

/* Where the interrupt's messages go: (CPU, vector), the placeholder being 0xef. */
#define EXPECT_TARGET(dev, index, cpu, vector) expect_target_at(__LINE__, dev, index, cpu, vector)

static void expect_affinity(struct irqlab_device *dev, unsigned index, const char *list)
{
	char buf[64];

	irqlab_cpumask_format(irq_of(dev, index)->affinity, buf, sizeof(buf));
	assert_string_equal(buf, list);
}

/* The LAPIC table at (cpu, vector) names exactly this interrupt. */
static void expect_owner(struct irqlab_machine *p, unsigned cpu, unsigned vector,
			 struct irqlab_irq *irq)
{
	bool legacy = true;

	assert_ptr_equal(
		irqlab_vector_lookup(irqlab_kernel_env(p->host)->vector, cpu, vector, &legacy),
		irq);
	assert_false(legacy);
	assert_true(irqlab_matrix_vector_allocated(matrix(p), cpu, vector) == (irq != NULL));
}

static bool moving(struct irqlab_device *dev, unsigned index)
{
	return irqlab_vector_move_pending(irq_of(dev, index)->top);
}

/* The n-th allocatable non-system vector: 0x20.., skipping 0x32 and 0x80. */
static unsigned nth_vector(unsigned n)
{
	unsigned v = 0x20 + n;

	if (v >= 0x32)
		v++;
	if (v >= 0x80)
		v++;
	return v;
}

/* ---- boot --------------------------------------------------------------------------------- */

static void test_boot_legacy(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, true);
	char *text;

	/* CPU 0: 201 - 15 ISA vectors (0x30..0x3f less the cascade 0x32); the others 201. */
	EXPECT_CPU(p, 0, true, 186, 15, 0, 0);
	for (unsigned cpu = 1; cpu < 4; cpu++)
		EXPECT_CPU(p, cpu, true, 201, 0, 0, 0);
	EXPECT_GLOBAL(p, 186 + 3 * 201, 0, 15, 4);
	for (unsigned v = 0x30; v <= 0x3f; v++) {
		bool legacy = false;

		assert_null(
			irqlab_vector_lookup(irqlab_kernel_env(p->host)->vector, 0, v, &legacy));
		assert_true(legacy == (v != 0x32));
		assert_true(irqlab_matrix_vector_allocated(matrix(p), 0, v) == (v != 0x32));
		/* Only CPU 0 holds them. */
		assert_null(
			irqlab_vector_lookup(irqlab_kernel_env(p->host)->vector, 1, v, &legacy));
		assert_false(legacy);
	}
	assert_true(irqlab_matrix_vector_system(matrix(p), 0x80));
	assert_true(irqlab_matrix_vector_system(matrix(p), 0x32));
	assert_false(irqlab_matrix_vector_system(matrix(p), 0x20));
	assert_false(irqlab_matrix_vector_system(matrix(p), 0x30));
	assert_false(irqlab_matrix_vector_system(matrix(p), 0xea));
	text = dump(p);
	assert_non_null(strstr(text, "  matrix available=789 reserved=0 allocated=15 online=4\n"));
	assert_non_null(strstr(text, "  cpu 0 available=186 allocated=15 managed=0/0: 30=isa0 "
				     "31=isa0 33=isa0 "));
	assert_non_null(strstr(text, "  cpu 1 available=201 allocated=0 managed=0/0:\n"));
	dump_free(text);
	assert_clean(p);
	plat_free(p);
}

static void test_boot_no_legacy(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, false);
	bool legacy = true;

	for (unsigned cpu = 0; cpu < 4; cpu++)
		EXPECT_CPU(p, cpu, true, 201, 0, 0, 0);
	EXPECT_GLOBAL(p, 804, 0, 0, 4);
	assert_null(irqlab_vector_lookup(irqlab_kernel_env(p->host)->vector, 0, 0x30, &legacy));
	assert_false(legacy);
	assert_false(irqlab_matrix_vector_allocated(matrix(p), 0, 0x30));
	assert_true(irqlab_matrix_vector_system(matrix(p), 0x80));
	assert_true(irqlab_matrix_vector_system(matrix(p), 0x32));
	assert_clean(p);
	plat_free(p);
}

/* ---- normal allocation -------------------------------------------------------------------- */

static void test_normal_order(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, true);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 8);

	alloc_n(p, nic, 8, false);
	OK(p, request_range(p, nic, 0, 8));
	/*
	 * Available 186/201/201/201: CPU 0 never wins. 1,2,3 take 0x20; then all three have 200
	 * and tie to the lowest: 1,2,3 take 0x21; then 1,2 take 0x22.
	 */
	EXPECT_TARGET(nic, 0, 1, 0x20);
	EXPECT_TARGET(nic, 1, 2, 0x20);
	EXPECT_TARGET(nic, 2, 3, 0x20);
	EXPECT_TARGET(nic, 3, 1, 0x21);
	EXPECT_TARGET(nic, 4, 2, 0x21);
	EXPECT_TARGET(nic, 5, 3, 0x21);
	EXPECT_TARGET(nic, 6, 1, 0x22);
	EXPECT_TARGET(nic, 7, 2, 0x22);
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(irq_of(nic, i)->virq, FIRST_VIRQ + i);
		assert_true(irqlab_vector_has_vector(irq_of(nic, i)->top));
	}
	expect_owner(p, 1, 0x21, irq_of(nic, 3));
	EXPECT_CPU(p, 0, true, 186, 15, 0, 0);
	EXPECT_CPU(p, 1, true, 198, 3, 0, 0);
	EXPECT_CPU(p, 2, true, 198, 3, 0, 0);
	EXPECT_CPU(p, 3, true, 199, 2, 0, 0);
	EXPECT_GLOBAL(p, 186 + 198 + 198 + 199, 0, 23, 4);

	/* A released vector is the lowest free one again: CPU 1 (199, tie with 3) gets 0x21. */
	OK(p, release_range(p, nic, 3, 1));
	EXPECT_TARGET(nic, 3, 0, 0xef);
	EXPECT_CPU(p, 1, true, 199, 2, 0, 0);
	EXPECT_GLOBAL(p, 186 + 199 + 198 + 199, 1, 22, 4);
	expect_owner(p, 1, 0x21, NULL);
	OK(p, request_range(p, nic, 3, 1));
	EXPECT_TARGET(nic, 3, 1, 0x21);
	EXPECT_GLOBAL(p, 186 + 198 + 198 + 199, 0, 23, 4);
	assert_clean(p);
	plat_free(p);
}

static void test_lowest_vector_skips_cascade(void **state)
{
	struct irqlab_machine *p = plat(1, false, 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 20);

	alloc_n(p, nic, 20, false);
	OK(p, request_range(p, nic, 0, 20));
	/* 0x20..0x31 are entries 0..17; 0x32 is the cascade: 18 and 19 get 0x33 and 0x34. */
	for (unsigned i = 0; i < 18; i++)
		EXPECT_TARGET(nic, i, 0, 0x20 + i);
	EXPECT_TARGET(nic, 18, 0, 0x33);
	EXPECT_TARGET(nic, 19, 0, 0x34);
	EXPECT_CPU(p, 0, true, 181, 20, 0, 0);
	EXPECT_GLOBAL(p, 181, 0, 20, 1);
	assert_clean(p);
	plat_free(p);
}

/*
 * 201 interrupts pinned to CPU 1 take every vector there, in order, never 0x32 or 0x80. A CPU
 * with none left is never chosen: an activation falls back to any online CPU, a move fails.
 */
static void test_full_cpu_never_chosen(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, false);
	struct irqlab_device *big = msix(p, "big", 0x0300, 202);
	char *before, *after;

	alloc_n(p, big, 202, false);
	EXPECT_GLOBAL(p, 402, 202, 0, 2);
	/* Not active: the masks are only recorded. */
	OK(p, affinity(p, big, 0, 202, "1"));
	EXPECT_GLOBAL(p, 402, 202, 0, 2);
	EXPECT_TARGET(big, 0, 0, 0xef);
	OK(p, request_range(p, big, 0, 201));
	for (unsigned i = 0; i < 201; i++) {
		struct irqlab_irq_cfg cfg;

		EXPECT_TARGET(big, i, 1, nth_vector(i));
		irqlab_vector_irq_cfg(irq_of(big, i)->top, &cfg);
		assert_int_not_equal(cfg.vector, 0x32);
		assert_int_not_equal(cfg.vector, 0x80);
	}
	EXPECT_TARGET(big, 200, 1, 0xea);
	EXPECT_CPU(p, 0, true, 201, 0, 0, 0);
	EXPECT_CPU(p, 1, true, 0, 201, 0, 0);
	EXPECT_GLOBAL(p, 201, 1, 201, 2);

	/* Affinity {1} ∩ online has no vector: any online CPU (Linux: "affinity broken"). */
	OK(p, request_range(p, big, 201, 1));
	EXPECT_TARGET(big, 201, 0, 0x20);
	expect_affinity(big, 201, "1");
	EXPECT_CPU(p, 0, true, 200, 1, 0, 0);
	EXPECT_GLOBAL(p, 200, 0, 202, 2);

	/*
	 * A move has no such fallback: the ack's move fails with -ENOSPC, the pending change is
	 * dropped, and nothing else changes.
	 */
	before = dump(p);
	assert_int_equal(affinity(p, big, 201, 1, "1"), -ENOSPC);
	assert_string_equal(irqlab_platform_error(p), "irq 225: no vector free on the new CPUs");
	assert_false(irq_of(big, 201)->move_pending);
	after = dump(p);
	assert_dump_equal(before, after, "refused move");
	dump_free(before);
	dump_free(after);
	assert_clean(p);
	plat_free(p);
}

/*
 * The matrix is greedy: it picks the CPU with the most available and fails if that one has no
 * free vector, without trying the next. Linux's available drifts when managed vectors are
 * reserved on an offline CPU (its count is not charged), which makes that reachable.
 */
static void test_greedy_enospc(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, false);
	struct irqlab_device *nvme = msix(p, "nvme", 0x0100, 401);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 1);
	char *before, *after;

	OK(p, irqlab_platform_cpu(p->host, 0, false));
	/* 401 managed over 2 CPUs wrap 0,1,0,...: 201 reserved on CPU 0, 200 on CPU 1. */
	alloc_n(p, nvme, 401, true);
	expect_affinity(nvme, 0, "0");
	expect_affinity(nvme, 1, "1");
	expect_affinity(nvme, 400, "0");
	/* CPU 0 is offline: its available is not charged (201); CPU 1 has 201 - 200. */
	EXPECT_CPU(p, 0, false, 201, 0, 0, 201);
	EXPECT_CPU(p, 1, true, 1, 0, 0, 200);
	OK(p, irqlab_platform_cpu(p->host, 0, true));
	EXPECT_CPU(p, 0, true, 201, 0, 0, 201);
	EXPECT_GLOBAL(p, 202, 0, 0, 2);
	/* CPU 1's one free vector is the last, 0xea. */
	assert_true(irqlab_matrix_vector_managed(matrix(p), 1, 0xe9));
	assert_false(irqlab_matrix_vector_managed(matrix(p), 1, 0xea));

	alloc_n(p, nic, 1, false);
	before = dump(p);
	/* CPU 0 wins with 201 "available" and has no free bit; CPU 1 is never tried. */
	assert_int_equal(request_range(p, nic, 0, 1), -ENOSPC);
	assert_string_equal(irqlab_platform_error(p), "request nic: index 0: no free vector");
	after = dump(p);
	assert_dump_equal(before, after, "greedy refusal");
	dump_free(before);
	dump_free(after);
	assert_clean(p);

	/* With the mask narrowed to CPU 1 its vector is found. */
	OK(p, affinity(p, nic, 0, 1, "1"));
	OK(p, request_range(p, nic, 0, 1));
	EXPECT_TARGET(nic, 0, 1, 0xea);
	EXPECT_CPU(p, 1, true, 0, 1, 0, 200);
	assert_clean(p);
	plat_free(p);
}

/* ---- reservation mode and fixed interrupts ------------------------------------------------ */

static void test_reservation_mode(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, true);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 4);

	alloc_n(p, nic, 3, false);
	/* A global reservation each, no vector: the placeholder on the first online CPU. */
	EXPECT_GLOBAL(p, 789, 3, 15, 4);
	EXPECT_CPU(p, 0, true, 186, 15, 0, 0);
	EXPECT_CPU(p, 1, true, 201, 0, 0, 0);
	for (unsigned i = 0; i < 3; i++) {
		EXPECT_TARGET(nic, i, 0, 0xef);
		assert_false(irqlab_vector_has_vector(irq_of(nic, i)->top));
		assert_false(irqlab_irq_activated(irq_of(nic, i)));
	}

	/* Activation (request) takes a real vector and consumes the reservation. */
	OK(p, request_range(p, nic, 0, 1));
	EXPECT_TARGET(nic, 0, 1, 0x20);
	assert_true(irqlab_vector_has_vector(irq_of(nic, 0)->top));
	EXPECT_GLOBAL(p, 788, 2, 16, 4);
	EXPECT_CPU(p, 1, true, 200, 1, 0, 0);
	expect_owner(p, 1, 0x20, irq_of(nic, 0));

	/* Deactivation (release) gives the vector back for a reservation again. */
	OK(p, release_range(p, nic, 0, 1));
	EXPECT_TARGET(nic, 0, 0, 0xef);
	assert_false(irqlab_vector_has_vector(irq_of(nic, 0)->top));
	EXPECT_GLOBAL(p, 789, 3, 15, 4);
	EXPECT_CPU(p, 1, true, 201, 0, 0, 0);
	expect_owner(p, 1, 0x20, NULL);

	/* Affinity of an inactive reservable interrupt only records the mask... */
	OK(p, affinity(p, nic, 1, 1, "3"));
	expect_affinity(nic, 1, "3");
	EXPECT_TARGET(nic, 1, 0, 0xef);
	EXPECT_GLOBAL(p, 789, 3, 15, 4);
	/* ...which activation uses: CPU 3, although CPU 1 ties and is lower. */
	OK(p, request_range(p, nic, 1, 1));
	EXPECT_TARGET(nic, 1, 3, 0x20);
	EXPECT_GLOBAL(p, 788, 2, 16, 4);

	/* With no CPU of the mask online: any online CPU (186/201/-/200: CPU 1). */
	OK(p, affinity(p, nic, 2, 1, "2"));
	OK(p, irqlab_platform_cpu(p->host, 2, false));
	OK(p, request_range(p, nic, 2, 1));
	EXPECT_TARGET(nic, 2, 1, 0x20);
	expect_affinity(nic, 2, "2");
	EXPECT_CPU(p, 1, true, 200, 1, 0, 0);
	EXPECT_CPU(p, 2, false, 201, 0, 0, 0);
	EXPECT_GLOBAL(p, 186 + 200 + 200, 1, 17, 3);
	assert_clean(p);

	/* Freeing gives back the last reservation and every vector. */
	OK(p, irqlab_platform_free_irqs(p->host, nic));
	EXPECT_GLOBAL(p, 186 + 201 + 201, 0, 15, 3);
	assert_clean(p);
	plat_free(p);
}

static void test_reserved_placeholder_first_online(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 2);

	OK(p, irqlab_platform_cpu(p->host, 0, false));
	OK(p, irqlab_platform_cpu(p->host, 1, false));
	alloc_n(p, nic, 2, false);
	EXPECT_TARGET(nic, 0, 2, 0xef);
	EXPECT_TARGET(nic, 1, 2, 0xef);
	EXPECT_GLOBAL(p, 402, 2, 0, 2);
	assert_clean(p);
	plat_free(p);
}

/* A non-maskable MSI cannot use reservation mode: it takes its vector at allocation, keeps it. */
static void test_fixed_keeps_vector(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, true);
	struct irqlab_device_config cfg = {
		.name = "msi", .kind = IRQLAB_DEV_MSI, .rid = 0x0500, .nr = 1};
	struct irqlab_device *msi = NULL;
	char *text;

	OK(p, irqlab_platform_add_device(p->host, &cfg, &msi));
	alloc_n(p, msi, 1, false);
	EXPECT_TARGET(msi, 0, 1, 0x20);
	assert_true(irqlab_irq_activated(irq_of(msi, 0)));
	EXPECT_GLOBAL(p, 788, 0, 16, 4);
	EXPECT_CPU(p, 1, true, 200, 1, 0, 0);
	text = dump(p);
	assert_non_null(strstr(text, " target=1:20 fixed\n"));
	dump_free(text);

	OK(p, request_range(p, msi, 0, 1));
	EXPECT_TARGET(msi, 0, 1, 0x20);
	OK(p, release_range(p, msi, 0, 1));
	/* Deactivated, and the vector stays. */
	EXPECT_TARGET(msi, 0, 1, 0x20);
	assert_true(irqlab_vector_has_vector(irq_of(msi, 0)->top));
	expect_owner(p, 1, 0x20, irq_of(msi, 0));
	EXPECT_GLOBAL(p, 788, 0, 16, 4);
	OK(p, request_range(p, msi, 0, 1));
	EXPECT_TARGET(msi, 0, 1, 0x20);
	EXPECT_GLOBAL(p, 788, 0, 16, 4);
	OK(p, irqlab_platform_free_irqs(p->host, msi));
	EXPECT_GLOBAL(p, 789, 0, 15, 4);
	EXPECT_CPU(p, 1, true, 201, 0, 0, 0);
	assert_clean(p);
	plat_free(p);
}

/* ---- managed interrupts ------------------------------------------------------------------- */

static void expect_spread(unsigned ncpus, unsigned n, const char *const *lists)
{
	struct irqlab_cpumask masks[8];
	char buf[64];

	irqlab_irq_spread_affinity(ncpus, n, masks);
	for (unsigned i = 0; i < n; i++) {
		irqlab_cpumask_format(&masks[i], buf, sizeof(buf));
		assert_string_equal(buf, lists[i]);
	}
}

static void test_spread_affinity(void **state)
{
	static const char *const s83[] = {"0-2", "3-5", "6-7"};
	static const char *const s44[] = {"0", "1", "2", "3"};
	static const char *const s25[] = {"0", "1", "0", "1", "0"};
	static const char *const s41[] = {"0-3"};
	static const char *const s42[] = {"0-1", "2-3"};

	expect_spread(8, 3, s83);
	expect_spread(4, 4, s44);
	expect_spread(2, 5, s25);
	expect_spread(4, 1, s41);
	expect_spread(4, 2, s42);
}

static void test_managed_reserve_and_pick(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, false);
	struct irqlab_device *nvme = msix(p, "nvme", 0x0100, 3);

	/* Masks {0-1},{2},{3}: one managed vector on every CPU of each, the lowest free. */
	alloc_n(p, nvme, 3, true);
	expect_affinity(nvme, 0, "0-1");
	expect_affinity(nvme, 1, "2");
	expect_affinity(nvme, 2, "3");
	for (unsigned cpu = 0; cpu < 4; cpu++) {
		EXPECT_CPU(p, cpu, true, 200, 0, 0, 1);
		assert_true(irqlab_matrix_vector_managed(matrix(p), cpu, 0x20));
		assert_false(irqlab_matrix_vector_allocated(matrix(p), cpu, 0x20));
	}
	/* Managed interrupts hold no global reservation. */
	EXPECT_GLOBAL(p, 800, 0, 0, 4);
	for (unsigned i = 0; i < 3; i++) {
		assert_true(irq_of(nvme, i)->managed);
		EXPECT_TARGET(nvme, i, 0, 0xef);
	}

	/* {0-1}: both have 0 in use, the last wins. */
	OK(p, request_range(p, nvme, 0, 3));
	EXPECT_TARGET(nvme, 0, 1, 0x20);
	EXPECT_TARGET(nvme, 1, 2, 0x20);
	EXPECT_TARGET(nvme, 2, 3, 0x20);
	EXPECT_CPU(p, 0, true, 200, 0, 0, 1);
	EXPECT_CPU(p, 1, true, 200, 1, 1, 1);
	EXPECT_GLOBAL(p, 800, 0, 3, 4);

	/*
	 * Release: the vector goes, the managed reservation stays, and no global reservation is
	 * taken (Linux sets can_reserve only in reserve_irq_vector, never for managed ones).
	 */
	OK(p, release_range(p, nvme, 0, 1));
	EXPECT_TARGET(nvme, 0, 0, 0xef);
	EXPECT_CPU(p, 1, true, 200, 0, 0, 1);
	EXPECT_GLOBAL(p, 800, 0, 2, 4);
	/* Requested again: the same vector, still no global reservation. */
	OK(p, request_range(p, nvme, 0, 1));
	EXPECT_TARGET(nvme, 0, 1, 0x20);
	EXPECT_GLOBAL(p, 800, 0, 3, 4);
	/* Free: the reservations go on every CPU of the mask. */
	OK(p, irqlab_platform_free_irqs(p->host, nvme));
	for (unsigned cpu = 0; cpu < 4; cpu++)
		EXPECT_CPU(p, cpu, true, 201, 0, 0, 0);
	EXPECT_GLOBAL(p, 804, 0, 0, 4);
	assert_clean(p);
	plat_free(p);
}

static void test_managed_ties_to_last(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, false);
	struct irqlab_device *d[5];
	char name[8];

	/* Five single managed interrupts, mask {0-3} each: 0x20..0x24 reserved on every CPU. */
	for (unsigned i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		d[i] = msix(p, name, (uint16_t)(0x0100 + (i << 8)), 1);
		alloc_n(p, d[i], 1, true);
		expect_affinity(d[i], 0, "0-3");
	}
	for (unsigned cpu = 0; cpu < 4; cpu++)
		EXPECT_CPU(p, cpu, true, 196, 0, 0, 5);
	/*
	 * In use 0,0,0,0 -> CPU 3; 0,0,0,1 -> CPU 2; 0,0,1,1 -> CPU 1; 0,1,1,1 -> CPU 0; then all
	 * 1 -> CPU 3 again, with its next reserved vector.
	 */
	for (unsigned i = 0; i < 5; i++)
		OK(p, request_range(p, d[i], 0, 1));
	EXPECT_TARGET(d[0], 0, 3, 0x20);
	EXPECT_TARGET(d[1], 0, 2, 0x20);
	EXPECT_TARGET(d[2], 0, 1, 0x20);
	EXPECT_TARGET(d[3], 0, 0, 0x20);
	EXPECT_TARGET(d[4], 0, 3, 0x21);
	EXPECT_CPU(p, 0, true, 196, 1, 1, 5);
	EXPECT_CPU(p, 3, true, 196, 2, 2, 5);
	EXPECT_GLOBAL(p, 4 * 196, 0, 5, 4);
	assert_clean(p);
	plat_free(p);
}

/*
 * Linux (reference §1): a managed interrupt requested while no CPU of its mask is online is
 * put in managed shutdown (request_irq succeeds); a CPU of its mask coming online starts it.
 */
static void test_managed_request_all_offline(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, false);
	struct irqlab_device *nvme = msix(p, "nvme", 0x0100, 2);

	alloc_n(p, nvme, 2, true);
	OK(p, irqlab_platform_cpu(p->host, 1, false));
	OK(p, request_range(p, nvme, 0, 2));
	EXPECT_TARGET(nvme, 0, 0, 0x20);
	EXPECT_TARGET(nvme, 1, 0, 0xef);
	assert_true(irq_of(nvme, 1)->started);
	assert_true(irq_of(nvme, 1)->managed_shutdown);
	assert_clean(p);
	OK(p, irqlab_platform_cpu(p->host, 1, true));
	EXPECT_TARGET(nvme, 1, 1, 0x20);
	assert_false(irq_of(nvme, 1)->managed_shutdown);
	EXPECT_CPU(p, 1, true, 200, 1, 1, 1);
	assert_clean(p);
	plat_free(p);
}

/*
 * A managed interrupt's reservation belongs to it: whatever an affinity change on it does
 * (Linux refuses it from user space with EIO), it must not take another interrupt's reserved
 * vector, and freeing everything must give back every reservation.
 */
static void test_managed_affinity_keeps_reservations(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, false);
	struct irqlab_device *nvme = msix(p, "nvme", 0x0100, 2);
	struct irqlab_device *ssd = msix(p, "ssd", 0x0200, 2);
	char *before, *after;
	int err;

	/* nvme {0},{1}: 0x20 reserved on each CPU. Inactive: an affinity change... */
	alloc_n(p, nvme, 2, true);
	before = dump(p);
	err = affinity(p, nvme, 0, 1, "1");
	if (err) {
		after = dump(p);
		assert_dump_equal(before, after, "refused managed affinity");
		dump_free(after);
	}
	dump_free(before);
	OK(p, irqlab_platform_free_irqs(p->host, nvme));
	/* ...leaves no reservation behind once freed. */
	EXPECT_CPU(p, 0, true, 201, 0, 0, 0);
	EXPECT_CPU(p, 1, true, 201, 0, 0, 0);
	assert_clean(p);

	/* Active: ssd[0] on CPU 0; moving it to CPU 1 must not take ssd[1]'s reservation. */
	alloc_n(p, ssd, 2, true);
	OK(p, request_range(p, ssd, 0, 1));
	EXPECT_TARGET(ssd, 0, 0, 0x20);
	affinity(p, ssd, 0, 1, "1");
	OK(p, request_range(p, ssd, 1, 1));
	assert_true(irqlab_vector_has_vector(irq_of(ssd, 1)->top));
	OK(p, irqlab_platform_free_irqs(p->host, ssd));
	EXPECT_CPU(p, 0, true, 201, 0, 0, 0);
	EXPECT_CPU(p, 1, true, 201, 0, 0, 0);
	EXPECT_GLOBAL(p, 402, 0, 0, 2);
	assert_clean(p);
	plat_free(p);
}

/* ---- affinity ----------------------------------------------------------------------------- */

static void test_affinity_move_and_cleanup(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 2);
	struct irqlab_irq *irq, *got = NULL;
	char *before, *after;

	alloc_n(p, nic, 2, false);
	OK(p, request_range(p, nic, 0, 2));
	EXPECT_TARGET(nic, 0, 0, 0x20);
	EXPECT_TARGET(nic, 1, 1, 0x20);
	irq = irq_of(nic, 0);

	/* {2-3}: both 201, CPU 2 wins. CPU 0 is online: the old vector waits. */
	OK(p, affinity(p, nic, 0, 1, "2-3"));
	EXPECT_TARGET(nic, 0, 2, 0x20);
	expect_affinity(nic, 0, "2-3");
	assert_true(moving(nic, 0));
	expect_owner(p, 0, 0x20, irq);
	expect_owner(p, 2, 0x20, irq);
	EXPECT_CPU(p, 0, true, 200, 1, 0, 0);
	EXPECT_CPU(p, 2, true, 200, 1, 0, 0);
	EXPECT_GLOBAL(p, 801, 0, 3, 4);
	assert_clean(p);

	/*
	 * A second change while the move is in progress: the statement records it; an ack
	 * before the first interrupt on the new vector finds the vector domain busy and leaves
	 * it pending (irq_move_masked_irq on -EBUSY), with nothing else changed.
	 */
	before = dump(p);
	assert_non_null(strstr(before, " target=2:20 moving-from=0:20\n"));
	OK(p, affinity_stmt(p, nic, 0, 1, "1"));
	assert_true(irq->move_pending);
	assert_int_equal(irqlab_irq_move_masked(irq), -EBUSY);
	assert_true(irq->move_pending);
	after = dump(p);
	assert_non_null(strstr(after, "  pending move to 1\n"));
	assert_non_null(strstr(after, " target=2:20 moving-from=0:20\n"));
	dump_free(after);
	dump_free(before);

	/* An interrupt still arriving at the old vector is handled, and completes nothing. */
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0x20,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_HANDLED);
	assert_ptr_equal(got, irq);
	assert_true(moving(nic, 0));
	/* The first one at the new vector completes the move and frees the old one. */
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 2, 0x20,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_HANDLED);
	assert_ptr_equal(got, irq);
	assert_false(moving(nic, 0));
	expect_owner(p, 0, 0x20, NULL);
	EXPECT_CPU(p, 0, true, 201, 0, 0, 0);
	EXPECT_GLOBAL(p, 802, 0, 2, 4);
	assert_clean(p);

	/* Now it may move again; through the device this time: the raise completes it. */
	OK(p, affinity(p, nic, 0, 1, "3"));
	EXPECT_TARGET(nic, 0, 3, 0x20);
	assert_true(moving(nic, 0));
	OK(p, irqlab_platform_raise(p->host, nic, idx_range(0, 1), 1, 1));
	assert_false(moving(nic, 0));
	assert_int_equal(nic->entries[0].delivered, 1);
	assert_int_equal(p->by_class[IRQLAB_MSG_DELIVERED], 1);
	expect_owner(p, 2, 0x20, NULL);
	EXPECT_CPU(p, 2, true, 201, 0, 0, 0);
	EXPECT_CPU(p, 3, true, 200, 1, 0, 0);

	/* A mask that still holds the current CPU moves nothing. */
	OK(p, affinity(p, nic, 0, 1, "0,3"));
	EXPECT_TARGET(nic, 0, 3, 0x20);
	assert_false(moving(nic, 0));
	expect_affinity(nic, 0, "0,3");
	EXPECT_GLOBAL(p, 802, 0, 2, 4);

	/* A pending move whose old CPU goes offline is completed: that vector is freed. */
	OK(p, affinity(p, nic, 1, 1, "2"));
	assert_true(moving(nic, 1));
	EXPECT_TARGET(nic, 1, 2, 0x20);
	OK(p, irqlab_platform_cpu(p->host, 1, false));
	assert_false(moving(nic, 1));
	EXPECT_TARGET(nic, 1, 2, 0x20);
	EXPECT_CPU(p, 1, false, 201, 0, 0, 0);
	EXPECT_GLOBAL(p, 201 + 200 + 200, 0, 2, 3);
	assert_clean(p);
	plat_free(p);
}

/* With IR the IRTE update is atomic: the old vector goes at once (no pending move). */
static void test_affinity_with_ir(void **state)
{
	struct irqlab_machine *p = plat(4, true, 256, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 2);

	alloc_n(p, nic, 2, false);
	OK(p, request_range(p, nic, 0, 2));
	EXPECT_TARGET(nic, 0, 0, 0x20);
	OK(p, affinity(p, nic, 0, 2, "3"));
	/* 0 then 1 move to CPU 3, taking 0x20 and 0x21. */
	EXPECT_TARGET(nic, 0, 3, 0x20);
	EXPECT_TARGET(nic, 1, 3, 0x21);
	assert_false(moving(nic, 0));
	assert_false(moving(nic, 1));
	EXPECT_CPU(p, 0, true, 201, 0, 0, 0);
	EXPECT_CPU(p, 1, true, 201, 0, 0, 0);
	EXPECT_CPU(p, 3, true, 199, 2, 0, 0);
	EXPECT_GLOBAL(p, 802, 0, 2, 4);
	OK(p, irqlab_platform_raise(p->host, nic, idx_range(0, 2), 2, 1));
	assert_int_equal(p->by_class[IRQLAB_MSG_DELIVERED], 2);
	assert_clean(p);
	plat_free(p);
}

/* ---- CPU offline / online ----------------------------------------------------------------- */

static void test_offline_refused(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 300);
	char *before, *after;

	alloc_n(p, nic, 300, false);
	OK(p, request_range(p, nic, 0, 300));
	/* Alternating 0,1,0,...: 150 each, 51 left each. */
	EXPECT_TARGET(nic, 298, 0, nth_vector(149));
	EXPECT_TARGET(nic, 299, 1, nth_vector(149));
	EXPECT_CPU(p, 0, true, 51, 150, 0, 0);
	EXPECT_CPU(p, 1, true, 51, 150, 0, 0);

	before = dump(p);
	assert_int_equal(irqlab_platform_cpu(p->host, 1, false), -ENOSPC);
	assert_string_equal(irqlab_platform_error(p),
			    "cpu 1: has 150 vectors, 51 available on the other CPUs");
	after = dump(p);
	assert_dump_equal(before, after, "refused offline of CPU 1");
	dump_free(after);
	assert_int_equal(irqlab_platform_cpu(p->host, 0, false), -ENOSPC);
	assert_string_equal(irqlab_platform_error(p),
			    "cpu 0: has 150 vectors, 51 available on the other CPUs");
	after = dump(p);
	assert_dump_equal(before, after, "refused offline of CPU 0");
	dump_free(after);
	dump_free(before);
	assert_clean(p);

	/* Release 99 of CPU 1's (entries 1,3,..,197): 51 left, exactly what CPU 0 has. */
	for (unsigned i = 1; i <= 197; i += 2)
		OK(p, release_range(p, nic, i, 1));
	EXPECT_CPU(p, 1, true, 150, 51, 0, 0);
	OK(p, irqlab_platform_cpu(p->host, 1, false));
	/* Entries 199..299 (odd) move in order to CPU 0's 0xb8..0xea (its 150 end at 0xb7). */
	assert_int_equal(nth_vector(149), 0xb7);
	for (unsigned i = 199, v = 0xb8; i <= 299; i += 2, v++)
		EXPECT_TARGET(nic, i, 0, v);
	EXPECT_CPU(p, 0, true, 0, 201, 0, 0);
	EXPECT_CPU(p, 1, false, 201, 0, 0, 0);
	EXPECT_GLOBAL(p, 0, 99, 201, 1);
	assert_clean(p);
	plat_free(p);
}

/*
 * Four CPUs, no ISA interrupts:
 *   nic  (6, normal):  24->0:20 25->1:20 26->2:20 27->3:20 28->0:21 29->1:21
 *   nvme (4, managed, {0},{1},{2},{3}, reserved after nic): 30->0:22 31->1:22 32->2:21
 *        33->3:21
 *   ssd  (2, managed, {0-1},{2-3}, reserved 0:23 1:23 2:22 3:22): 34 -> in use 1,1 -> last:
 *        1:23; 35 -> 3:22
 */
static struct irqlab_machine *setup_mixed(bool ir)
{
	struct irqlab_machine *p = plat(4, ir, ir ? 16 : 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 8);
	struct irqlab_device *nvme = msix(p, "nvme", 0x0100, 4);
	struct irqlab_device *ssd = msix(p, "ssd", 0x0200, 2);

	alloc_n(p, nic, 6, false);
	OK(p, request_range(p, nic, 0, 6));
	alloc_n(p, nvme, 4, true);
	OK(p, request_range(p, nvme, 0, 4));
	alloc_n(p, ssd, 2, true);
	OK(p, request_range(p, ssd, 0, 2));
	return p;
}

static void test_offline_moves_and_online_restarts(void **state)
{
	struct irqlab_machine *p = setup_mixed(false);
	struct irqlab_device *nic = dev_of(p, "nic"), *nvme = dev_of(p, "nvme");
	struct irqlab_device *ssd = dev_of(p, "ssd");
	char *text;

	EXPECT_TARGET(nic, 1, 1, 0x20);
	EXPECT_TARGET(nic, 5, 1, 0x21);
	EXPECT_TARGET(nvme, 0, 0, 0x22);
	EXPECT_TARGET(nvme, 1, 1, 0x22);
	EXPECT_TARGET(nvme, 2, 2, 0x21);
	EXPECT_TARGET(nvme, 3, 3, 0x21);
	EXPECT_TARGET(ssd, 0, 1, 0x23);
	EXPECT_TARGET(ssd, 1, 3, 0x22);
	EXPECT_CPU(p, 0, true, 197, 3, 1, 2);
	EXPECT_CPU(p, 1, true, 197, 4, 2, 2);
	EXPECT_CPU(p, 2, true, 198, 2, 1, 2);
	EXPECT_CPU(p, 3, true, 198, 3, 2, 2);
	EXPECT_GLOBAL(p, 790, 0, 12, 4);

	/*
	 * CPU 1 goes, in interrupt order: 25 -> most available of 197/198/198 -> CPU 2, lowest
	 * free there 0x23 (0x21, 0x22 are managed); 29 -> 197/197/198 -> CPU 3 0x23; 31 (mask
	 * {1}) shuts down; 34 (mask {0-1}) -> CPU 0's spare managed vector 0x23.
	 */
	OK(p, irqlab_platform_cpu(p->host, 1, false));
	EXPECT_TARGET(nic, 1, 2, 0x23);
	EXPECT_TARGET(nic, 5, 3, 0x23);
	EXPECT_TARGET(nvme, 1, 0, 0xef);
	EXPECT_TARGET(ssd, 0, 0, 0x23);
	expect_affinity(nic, 1, "0-3");
	expect_affinity(nvme, 1, "1");
	expect_affinity(ssd, 0, "0-1");
	assert_true(irq_of(nvme, 1)->managed_shutdown);
	assert_true(irq_of(nvme, 1)->started);
	assert_false(irqlab_irq_activated(irq_of(nvme, 1)));
	assert_false(irqlab_vector_has_vector(irq_of(nvme, 1)->top));
	for (unsigned i = 0; i < 6; i++)
		assert_false(moving(nic, i));
	text = dump(p);
	assert_non_null(strstr(text, "irq 31 index=1 affinity=1 managed shutdown started\n"));
	dump_free(text);
	/* The old vectors are gone at once; CPU 1 keeps its two managed reservations. */
	EXPECT_CPU(p, 0, true, 197, 4, 2, 2);
	EXPECT_CPU(p, 1, false, 199, 0, 0, 2);
	EXPECT_CPU(p, 2, true, 197, 3, 1, 2);
	EXPECT_CPU(p, 3, true, 197, 4, 2, 2);
	EXPECT_GLOBAL(p, 591, 0, 11, 3);
	for (unsigned v = 0x20; v < 0xeb; v++)
		expect_owner(p, 1, v, NULL);
	assert_clean(p);

	/* A raise while shut down only latches the pending bit (the entry is masked). */
	OK(p, irqlab_platform_raise(p->host, nvme, idx_range(1, 1), 1, 1));
	assert_true(irqlab_device_pending(nvme, 1));
	assert_int_equal(nvme->entries[1].delivered, 0);

	/* CPU 1 back: 31 restarts on its lowest spare managed vector 0x22, and fires. */
	OK(p, irqlab_platform_cpu(p->host, 1, true));
	assert_false(irq_of(nvme, 1)->managed_shutdown);
	EXPECT_TARGET(nvme, 1, 1, 0x22);
	assert_false(irqlab_device_pending(nvme, 1));
	assert_int_equal(nvme->entries[1].delivered, 1);
	/* Nothing else moves back. */
	EXPECT_TARGET(nic, 1, 2, 0x23);
	EXPECT_TARGET(ssd, 0, 0, 0x23);
	EXPECT_CPU(p, 1, true, 199, 1, 1, 2);
	EXPECT_GLOBAL(p, 790, 0, 12, 4);
	assert_clean(p);
	plat_free(p);
}

static void test_offline_cpu0_moves_isa(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, true);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 1);
	bool legacy;

	alloc_n(p, nic, 1, false);
	OK(p, affinity(p, nic, 0, 1, "0"));
	OK(p, request_range(p, nic, 0, 1));
	EXPECT_TARGET(nic, 0, 0, 0x20);
	/* ISA 0,1,3..15 first, then irq 24: CPU 1's 0x20..0x2e, then 0x2f (affinity broken). */
	OK(p, irqlab_platform_cpu(p->host, 0, false));
	for (unsigned isa = 0, v = 0x20; isa < 16; isa++) {
		if (isa == 2)
			continue;
		legacy = false;
		assert_null(
			irqlab_vector_lookup(irqlab_kernel_env(p->host)->vector, 1, v, &legacy));
		assert_true(legacy);
		v++;
	}
	for (unsigned v = 0x30; v <= 0x3f; v++) {
		legacy = true;
		assert_null(
			irqlab_vector_lookup(irqlab_kernel_env(p->host)->vector, 0, v, &legacy));
		assert_false(legacy);
	}
	EXPECT_TARGET(nic, 0, 1, 0x2f);
	expect_affinity(nic, 0, "1");
	EXPECT_CPU(p, 0, false, 201, 0, 0, 0);
	EXPECT_CPU(p, 1, true, 185, 16, 0, 0);
	EXPECT_GLOBAL(p, 185, 0, 16, 1);
	assert_clean(p);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 1, 0x20,
						    IRQLAB_COMMIT, &(struct irqlab_irq *){0}),
			 IRQLAB_LAPIC_LEGACY);

	OK(p, irqlab_platform_cpu(p->host, 0, true));
	EXPECT_CPU(p, 0, true, 201, 0, 0, 0);
	EXPECT_TARGET(nic, 0, 1, 0x2f);
	EXPECT_GLOBAL(p, 386, 0, 16, 2);
	assert_clean(p);
	plat_free(p);
}

static void test_offline_online_refusals(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, true);
	char *before = dump(p), *after;

	assert_int_equal(irqlab_platform_cpu(p->host, 5, false), -EINVAL);
	assert_string_equal(irqlab_platform_error(p), "cpu 5: no such CPU in host");
	assert_int_equal(irqlab_platform_cpu(p->host, 1, true), -EINVAL);
	assert_string_equal(irqlab_platform_error(p), "cpu 1: already online in host");
	after = dump(p);
	assert_dump_equal(before, after, "refusals");
	dump_free(after);
	dump_free(before);

	OK(p, irqlab_platform_cpu(p->host, 1, false));
	before = dump(p);
	assert_int_equal(irqlab_platform_cpu(p->host, 1, false), -EINVAL);
	assert_string_equal(irqlab_platform_error(p), "cpu 1: already offline in host");
	assert_int_equal(irqlab_platform_cpu(p->host, 0, false), -EBUSY);
	assert_string_equal(irqlab_platform_error(p), "cpu 0: the last online CPU of host");
	after = dump(p);
	assert_dump_equal(before, after, "last CPU");
	dump_free(after);
	dump_free(before);
	EXPECT_CPU(p, 0, true, 186, 15, 0, 0);
	EXPECT_GLOBAL(p, 186, 0, 15, 1);
	assert_clean(p);
	plat_free(p);
}

/*
 * Linux's migrate_one_irq starts with irq_force_complete_move: a pending move's old vector is
 * freed before the interrupt's new vector is chosen, interrupt by interrupt.
 */
static void test_offline_completes_pending_move_first(void **state)
{
	struct irqlab_machine *p = plat(3, false, 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 3);

	alloc_n(p, nic, 3, false);
	OK(p, request_range(p, nic, 0, 3));
	/* 24->0:20 25->1:20 26->2:20; 24 moves to {1}: 1:21, old 0:20 pending. */
	OK(p, affinity(p, nic, 0, 1, "1"));
	EXPECT_TARGET(nic, 0, 1, 0x21);
	assert_true(moving(nic, 0));
	/*
	 * CPU 1 goes. 24: its move completes (0:20 freed: CPU 0 201, CPU 2 200), affinity
	 * broken -> CPU 0 0x20. 25: CPU 0 200, CPU 2 200 -> CPU 0 0x21.
	 */
	OK(p, irqlab_platform_cpu(p->host, 1, false));
	EXPECT_TARGET(nic, 0, 0, 0x20);
	EXPECT_TARGET(nic, 1, 0, 0x21);
	EXPECT_TARGET(nic, 2, 2, 0x20);
	EXPECT_CPU(p, 0, true, 199, 2, 0, 0);
	EXPECT_CPU(p, 2, true, 200, 1, 0, 0);
	EXPECT_GLOBAL(p, 399, 0, 3, 2);
	assert_clean(p);
	plat_free(p);
}

/* ---- what the local APIC finds ------------------------------------------------------------ */

static void test_lapic_results(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, true);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 1);
	struct irqlab_msi_msg msg = {.address_lo = 0xfee01000u, .data = 0xef};
	struct irqlab_delivery dl;
	struct irqlab_irq *got = (struct irqlab_irq *)1;

	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0xef,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_SPURIOUS);
	assert_null(got);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 1, 0x21,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_NO_HANDLER);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0x80,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_BAD_VECTOR);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0x32,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_BAD_VECTOR);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0xec,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_BAD_VECTOR);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0x02,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_BAD_VECTOR);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0x1f,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_BAD_VECTOR);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0x33,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_LEGACY);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0xea,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_NO_HANDLER);

	alloc_n(p, nic, 1, false);
	OK(p, request_range(p, nic, 0, 1));
	EXPECT_TARGET(nic, 0, 1, 0x20);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 1, 0x20,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_HANDLED);
	assert_ptr_equal(got, irq_of(nic, 0));
	/* The same vector on the other CPU is nobody's. */
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 0, 0x20,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_NO_HANDLER);

	/* Through the fabric: the placeholder on CPU 1 is spurious. */
	irqlab_platform_deliver(p, nic, 0, &msg, &dl);
	assert_int_equal(dl.cls, IRQLAB_MSG_SPURIOUS);
	assert_int_equal(dl.cpu, 1);
	assert_int_equal(dl.vector, 0xef);

	OK(p, irqlab_platform_cpu(p->host, 1, false));
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 1, 0x20,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_CPU_OFFLINE);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 1, 0xef,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_CPU_OFFLINE);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 7, 0x20,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_CPU_OFFLINE);
	irqlab_platform_deliver(p, nic, 0, &msg, &dl);
	assert_int_equal(dl.cls, IRQLAB_MSG_LOST);
	assert_string_equal(dl.why, "the CPU is offline");
	assert_clean(p);
	plat_free(p);
}

/* A probe finds what a message would, and leaves a pending move pending; a commit completes it. */
static void test_lapic_probe(void **state)
{
	struct irqlab_machine *p = plat(2, false, 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 1);
	struct irqlab_irq *got = NULL;
	char *before, *after;

	alloc_n(p, nic, 1, false);
	OK(p, request_range(p, nic, 0, 1));
	OK(p, affinity(p, nic, 0, 1, "1"));
	assert_true(moving(nic, 0));
	before = dump(p);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 1, 0x20,
						    IRQLAB_PROBE, &got),
			 IRQLAB_LAPIC_HANDLED);
	assert_ptr_equal(got, irq_of(nic, 0));
	assert_true(moving(nic, 0));
	after = dump(p);
	assert_dump_equal(before, after, "probe");
	dump_free(after);
	assert_int_equal(irqlab_vector_lapic_accept(irqlab_kernel_env(p->host)->vector, 1, 0x20,
						    IRQLAB_COMMIT, &got),
			 IRQLAB_LAPIC_HANDLED);
	assert_false(moving(nic, 0));
	dump_free(before);
	assert_clean(p);
	plat_free(p);
}

/* ---- fault injection ---------------------------------------------------------------------- */

struct walk {
	const char *name;
	struct irqlab_machine *(*setup)(void);
	int (*op)(struct irqlab_machine *p);
	/*
	 * An armed run that succeeded: the injected failure was absorbed by a retry the rules
	 * make. Checks that this is the legitimate case; NULL: absorbing is a bug.
	 */
	void (*absorbed)(struct irqlab_machine *p, const char *after_ok, const char *site);
};

struct walk_counts {
	unsigned long points, failed, absorbed;
	unsigned long memory, vector, irte;
};

/*
 * Counts the points of an unarmed run on a fresh setup, then for each N fails the Nth on
 * another fresh setup: the error is the injected one, the books balance, the dump is
 * byte-identical to before, and the same operation then succeeds with the unarmed result.
 */
static void run_walk(const struct walk *w, struct walk_counts *c)
{
	struct irqlab_machine *p = w->setup();
	char *before = dump(p), *after_ok;
	unsigned long n;

	memset(c, 0, sizeof(*c));
	irqlab_fault_arm(p->fault, 0);
	OK(p, w->op(p));
	c->points = p->fault->points;
	after_ok = dump(p);
	assert_clean(p);
	plat_free(p);
	assert_true(c->points > 0);

	for (n = 1; n <= c->points; n++) {
		const char *site;
		char *start, *after, what[128];
		int err, injected;

		p = w->setup();
		start = dump(p);
		assert_dump_equal(before, start, w->name);
		dump_free(start);
		irqlab_fault_arm(p->fault, n);
		err = w->op(p);
		site = p->fault->failed_site;
		injected = p->fault->failed_err;
		irqlab_fault_arm(p->fault, 0);
		if (!site)
			fail_msg("%s: point %lu of %lu was never reached", w->name, n, c->points);
		c->memory += strcmp(site, "memory") == 0;
		c->vector += strcmp(site, "vector") == 0;
		c->irte += strcmp(site, "irte") == 0;
		assert_clean(p);
		/*
		 * A delivery cannot be undone: with no room to record its CPU it is counted as
		 * unplaced, and the books (checked just above) still balance.
		 */
		if (err == 0 && strcmp(site, "counter") == 0) {
			c->absorbed++;
			plat_free(p);
			continue;
		}
		if (err == 0) {
			if (!w->absorbed)
				fail_msg("%s: point %lu (%s) failed but the operation succeeded",
					 w->name, n, site);
			c->absorbed++;
			w->absorbed(p, after_ok, site);
			plat_free(p);
			continue;
		}
		c->failed++;
		if (err != injected)
			fail_msg("%s: point %lu (%s): returned %d, injected %d", w->name, n, site,
				 err, injected);
		if (irqlab_platform_error(p)[0] == '\0')
			fail_msg("%s: point %lu: no error sentence", w->name, n);
		after = dump(p);
		snprintf(what, sizeof(what), "%s, point %lu (%s)", w->name, n, site);
		assert_dump_equal(before, after, what);
		dump_free(after);
		/* Nothing hidden was left behind: the operation now gives the unarmed result. */
		OK(p, w->op(p));
		after = dump(p);
		assert_dump_equal(after_ok, after, w->name);
		dump_free(after);
		assert_clean(p);
		plat_free(p);
	}

	/* One past the last point: nothing fails. */
	p = w->setup();
	irqlab_fault_arm(p->fault, c->points + 1);
	OK(p, w->op(p));
	assert_null(p->fault->failed_site);
	plat_free(p);
	dump_free(before);
	dump_free(after_ok);
}

/* (a) alloc of 3 MSI-X entries on a fresh device, next to a requested one. */
static struct irqlab_machine *setup_alloc(bool ir)
{
	struct irqlab_machine *p = plat(4, ir, ir ? 65536 : 0, true);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 4);

	alloc_n(p, nic, 1, false);
	OK(p, request_range(p, nic, 0, 1));
	msix(p, "blk", 0x0400, 4);
	return p;
}

static struct irqlab_machine *setup_alloc_plain(void)
{
	return setup_alloc(false);
}

static struct irqlab_machine *setup_alloc_ir(void)
{
	return setup_alloc(true);
}

static int op_alloc3(struct irqlab_machine *p)
{
	unsigned granted;

	return irqlab_platform_alloc(p->host, dev_of(p, "blk"), 3, 3, false, &granted);
}

static int op_alloc3_managed(struct irqlab_machine *p)
{
	unsigned granted;

	return irqlab_platform_alloc(p->host, dev_of(p, "blk"), 3, 3, true, &granted);
}

static void test_walk_alloc(void **state)
{
	struct walk w = {"alloc 3", setup_alloc_plain, op_alloc3, NULL};
	struct walk_counts c;

	/*
	 * Memory: the bus domain, the descriptor array, and per interrupt its descriptor (with
	 * its levels) and the vector data: 2 + 3 x 2. Reservation mode takes no vector.
	 */
	run_walk(&w, &c);
	assert_int_equal(c.points, 8);
	assert_int_equal(c.memory, 8);
	assert_int_equal(c.vector, 0);
	assert_int_equal(c.failed, 8);

	/* With IR, per interrupt also an IRTE, its block record and the IR data. */
	w = (struct walk){"alloc 3 (IR)", setup_alloc_ir, op_alloc3, NULL};
	run_walk(&w, &c);
	assert_int_equal(c.points, 2 + 3 * 5);
	assert_int_equal(c.memory, 2 + 3 * 4);
	assert_int_equal(c.irte, 3);
	assert_int_equal(c.vector, 0);
	assert_int_equal(c.failed, c.points);
}

/* (b) the same, managed: one "vector" point per interrupt for its reservations. */
static void test_walk_alloc_managed(void **state)
{
	struct walk w = {"managed alloc 3", setup_alloc_plain, op_alloc3_managed, NULL};
	struct walk_counts c;

	/*
	 * Memory: domain, descriptor array, mask array, 3 x 2, and the kernel's copy of each
	 * interrupt's spread mask (three distinct ones).
	 */
	run_walk(&w, &c);
	assert_int_equal(c.points, 3 + 3 * 2 + 3 + 3);
	assert_int_equal(c.vector, 3);
	assert_int_equal(c.memory, 9 + 3);
	assert_int_equal(c.failed, c.points);

	w = (struct walk){"managed alloc 3 (IR)", setup_alloc_ir, op_alloc3_managed, NULL};
	run_walk(&w, &c);
	assert_int_equal(c.vector, 3);
	assert_int_equal(c.irte, 3);
	assert_int_equal(c.memory, 3 + 3 * 4 + 3);
	assert_int_equal(c.failed, c.points);
}

/* (c) request of 3 entries at once: normal ones, managed ones. */
static struct irqlab_machine *setup_request(bool ir)
{
	struct irqlab_machine *p = plat(4, ir, ir ? 16 : 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 4);
	struct irqlab_device *nvme = msix(p, "nvme", 0x0100, 4);

	/* nic[3] already active (0:20), so that a wrong rollback has something to hurt. */
	alloc_n(p, nic, 4, false);
	OK(p, request_range(p, nic, 3, 1));
	alloc_n(p, nvme, 3, true);
	return p;
}

static struct irqlab_machine *setup_request_plain(void)
{
	return setup_request(false);
}

static struct irqlab_machine *setup_request_ir(void)
{
	return setup_request(true);
}

static int op_request_nic(struct irqlab_machine *p)
{
	return request_range(p, dev_of(p, "nic"), 0, 3);
}

static int op_request_nvme(struct irqlab_machine *p)
{
	return request_range(p, dev_of(p, "nvme"), 0, 3);
}

/*
 * Linux's activate_reserved tries the affinity ∩ online, then every online CPU: a failed
 * "vector" point in the first attempt is retried by the second. The affinity here is every
 * CPU, so the retry searches the same CPUs and must give exactly the unarmed result.
 */
static void absorbed_by_any_online(struct irqlab_machine *p, const char *after_ok, const char *site)
{
	char *after = dump(p);

	assert_string_equal(site, "vector");
	assert_dump_equal(after_ok, after, "request absorbed by the any-online retry");
	dump_free(after);
}

static void test_walk_request(void **state)
{
	struct walk w = {"request 3", setup_request_plain, op_request_nic, absorbed_by_any_online};
	struct walk_counts c;

	/* One "vector" point each, and each absorbed by the retry on every online CPU. */
	run_walk(&w, &c);
	assert_int_equal(c.points, 3);
	assert_int_equal(c.vector, 3);
	assert_int_equal(c.absorbed, 3);

	w = (struct walk){"request 3 (IR)", setup_request_ir, op_request_nic,
			  absorbed_by_any_online};
	run_walk(&w, &c);
	assert_int_equal(c.points, 3);
	assert_int_equal(c.absorbed, 3);

	/* Managed: the mask is the only choice, a failure fails the request. */
	w = (struct walk){"request 3 managed", setup_request_plain, op_request_nvme, NULL};
	run_walk(&w, &c);
	assert_int_equal(c.points, 3);
	assert_int_equal(c.vector, 3);
	assert_int_equal(c.failed, 3);

	w = (struct walk){"request 3 managed (IR)", setup_request_ir, op_request_nvme, NULL};
	run_walk(&w, &c);
	assert_int_equal(c.failed, 3);
}

/* (d) affinity of 2 entries at once: 24->0:20, 25->1:20, 26->2:20, then {0,1} -> {3}. */
static struct irqlab_machine *setup_affinity(bool ir)
{
	struct irqlab_machine *p = plat(4, ir, ir ? 16 : 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 4);

	alloc_n(p, nic, 3, false);
	OK(p, request_range(p, nic, 0, 3));
	return p;
}

static struct irqlab_machine *setup_affinity_plain(void)
{
	return setup_affinity(false);
}

static struct irqlab_machine *setup_affinity_ir(void)
{
	return setup_affinity(true);
}

static int op_affinity2(struct irqlab_machine *p)
{
	return affinity_stmt(p, dev_of(p, "nic"), 0, 2, "3");
}

static void test_walk_affinity(void **state)
{
	struct walk w = {"affinity 2", setup_affinity_plain, op_affinity2, NULL};
	struct walk_counts c;

	/* Without IR: the statement's own list, then the kernel's copy of the mask. */
	run_walk(&w, &c);
	assert_int_equal(c.points, 2);
	assert_int_equal(c.memory, 2);
	assert_int_equal(c.vector, 0);
	assert_int_equal(c.failed, 2);

	/* With IR: the list, the mask, then a vector for each entry, taken ahead. */
	w = (struct walk){"affinity 2 (IR)", setup_affinity_ir, op_affinity2, NULL};
	run_walk(&w, &c);
	assert_int_equal(c.points, 4);
	assert_int_equal(c.memory, 2);
	assert_int_equal(c.vector, 2);
	assert_int_equal(c.failed, 4);
}

/* (e) CPU 1 offline with setup_mixed: 25, 29 and 34 need a vector, 31 shuts down. */
static struct irqlab_machine *setup_mixed_plain(void)
{
	return setup_mixed(false);
}

static struct irqlab_machine *setup_mixed_ir(void)
{
	return setup_mixed(true);
}

static int op_cpu1_offline(struct irqlab_machine *p)
{
	return irqlab_platform_cpu(p->host, 1, false);
}

/* CPU 0 offline with the ISA interrupts and one device interrupt on it, IR on. */
static struct irqlab_machine *setup_isa_ir(void)
{
	struct irqlab_machine *p = plat(2, true, 65536, true);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 2);

	alloc_n(p, nic, 2, false);
	OK(p, affinity(p, nic, 0, 1, "0"));
	OK(p, request_range(p, nic, 0, 2));
	EXPECT_TARGET(nic, 0, 0, 0x20);
	EXPECT_TARGET(nic, 1, 1, 0x20);
	return p;
}

static int op_cpu0_offline(struct irqlab_machine *p)
{
	return irqlab_platform_cpu(p->host, 0, false);
}

/* 24->0:20 25->1:20 26->2:20, 25's affinity narrowed to {1,2}. */
static struct irqlab_machine *setup_narrow(void)
{
	struct irqlab_machine *p = plat(4, false, 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 3);

	alloc_n(p, nic, 3, false);
	OK(p, request_range(p, nic, 0, 3));
	OK(p, affinity(p, nic, 1, 1, "1-2"));
	EXPECT_TARGET(nic, 1, 1, 0x20);
	return p;
}

/*
 * Linux's migrate_one_irq retries a non-managed interrupt with every online CPU when its
 * mask has no vector (affinity broken). The injected failure on {2} is absorbed: 25 goes to
 * the best of {0,2,3} (200/200/201: CPU 3, 0x20) instead of CPU 2 0x21, with the mask broken.
 */
static void absorbed_affinity_broken(struct irqlab_machine *p, const char *after_ok,
				     const char *site)
{
	struct irqlab_device *nic = dev_of(p, "nic");

	assert_string_equal(site, "vector");
	EXPECT_TARGET(nic, 1, 3, 0x20);
	expect_affinity(nic, 1, "0,2-3");
	EXPECT_CPU(p, 1, false, 201, 0, 0, 0);
	EXPECT_CPU(p, 3, true, 200, 1, 0, 0);
	EXPECT_GLOBAL(p, 600, 0, 3, 3);
}

static void test_walk_offline(void **state)
{
	struct walk w = {"cpu 1 offline", setup_mixed_plain, op_cpu1_offline, NULL};
	struct walk_counts c;

	/* The copy of the online mask, the mover table, then a vector for each of 25, 29, 34. */
	run_walk(&w, &c);
	assert_int_equal(c.points, 5);
	assert_int_equal(c.memory, 2);
	assert_int_equal(c.vector, 3);
	assert_int_equal(c.failed, 5);

	w = (struct walk){"cpu 1 offline (IR)", setup_mixed_ir, op_cpu1_offline, NULL};
	run_walk(&w, &c);
	assert_int_equal(c.points, 5);
	assert_int_equal(c.failed, 5);

	/* The online mask, the mover table, the 15 ISA vectors and irq 24. */
	w = (struct walk){"cpu 0 offline (ISA, IR)", setup_isa_ir, op_cpu0_offline, NULL};
	run_walk(&w, &c);
	assert_int_equal(c.points, 1 + 1 + 15 + 1);
	assert_int_equal(c.vector, 16);
	assert_int_equal(c.failed, 18);

	w = (struct walk){"cpu 1 offline (narrow)", setup_narrow, op_cpu1_offline,
			  absorbed_affinity_broken};
	run_walk(&w, &c);
	assert_int_equal(c.points, 3);
	assert_int_equal(c.failed, 2);
	assert_int_equal(c.absorbed, 1);
}

/*
 * (e') CPU 1 offline while a move onto it is pending. Three CPUs, no legacy, nic x3 requested:
 * 0:20, 1:20, 2:20; index 0 moved to CPU 1 (1:21, pending from 0:20). Offline completes that
 * move first (Linux's irq_force_complete_move), so a failure later in the walk must take the
 * old vector back: every failed point leaves the pending move exactly as it was.
 */
static struct irqlab_machine *setup_pending_move(void)
{
	struct irqlab_machine *p = plat(3, false, 0, false);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 3);

	alloc_n(p, nic, 3, false);
	OK(p, request_range(p, nic, 0, 3));
	OK(p, affinity(p, nic, 0, 1, "1"));
	EXPECT_TARGET(nic, 0, 1, 0x21);
	assert_true(irqlab_vector_move_pending(irq_of(nic, 0)->top));
	return p;
}

static void test_walk_offline_pending_move(void **state)
{
	struct walk w = {"cpu 1 offline (pending move)", setup_pending_move, op_cpu1_offline, NULL};
	struct walk_counts c;

	/*
	 * The copy of the online mask, the mover table, then one vector for each of the two
	 * interrupts on CPU 1.
	 */
	run_walk(&w, &c);
	assert_int_equal(c.points, 4);
	assert_int_equal(c.vector, 2);
	assert_int_equal(c.failed, 4);
}

/*
 * (f) CPU 1 online restarting two managed interrupts. Two CPUs, nvme x4 managed {0},{1},{0},
 * {1}: 24->0:20 25->1:20 26->0:21 27->1:21; CPU 1 offline shuts down 25 and 27.
 */
static struct irqlab_machine *setup_restart(bool ir, bool pending)
{
	struct irqlab_machine *p = plat(2, ir, ir ? 16 : 0, false);
	struct irqlab_device *nvme = msix(p, "nvme", 0x0100, 4);

	alloc_n(p, nvme, 4, true);
	OK(p, request_range(p, nvme, 0, 4));
	EXPECT_TARGET(nvme, 1, 1, 0x20);
	EXPECT_TARGET(nvme, 3, 1, 0x21);
	OK(p, irqlab_platform_cpu(p->host, 1, false));
	assert_true(irq_of(nvme, 1)->managed_shutdown);
	assert_true(irq_of(nvme, 3)->managed_shutdown);
	/* A raise while shut down leaves a pending bit that a rollback must not lose. */
	if (pending)
		OK(p, irqlab_platform_raise(p->host, nvme, idx_range(1, 1), 1, 1));
	return p;
}

static struct irqlab_machine *setup_restart_plain(void)
{
	return setup_restart(false, false);
}

static struct irqlab_machine *setup_restart_pending_ir(void)
{
	return setup_restart(true, true);
}

static int op_cpu1_online(struct irqlab_machine *p)
{
	return irqlab_platform_cpu(p->host, 1, true);
}

static void test_walk_online(void **state)
{
	struct walk w = {"cpu 1 online", setup_restart_plain, op_cpu1_online, NULL};
	struct walk_counts c;

	/* The restart table, then 25's and 27's vectors. */
	run_walk(&w, &c);
	assert_int_equal(c.points, 3);
	assert_int_equal(c.memory, 1);
	assert_int_equal(c.vector, 2);
	assert_int_equal(c.failed, 3);

	/*
	 * The same, and the pending message goes out once the vector is back: recording on
	 * which CPU it arrived is a fourth point, one that a delivery absorbs.
	 */
	w = (struct walk){"cpu 1 online (pending, IR)", setup_restart_pending_ir, op_cpu1_online,
			  NULL};
	run_walk(&w, &c);
	assert_int_equal(c.points, 4);
	assert_int_equal(c.failed, 3);
	assert_int_equal(c.absorbed, 1);
}

/* A vector taken ahead must be used or given back by the operation that took it. */
static void test_check_sees_leaked_prepare(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, true);
	struct irqlab_device *nic = msix(p, "nic", 0x0300, 2);
	struct irqlab_cpumask to = cpus("3");
	char why[256];

	alloc_n(p, nic, 1, false);
	OK(p, request_range(p, nic, 0, 1));
	assert_clean(p);
	assert_int_equal(irqlab_irq_prepare(irq_of(nic, 0), &to), 0);
	assert_int_equal(irqlab_platform_check(p, why, sizeof(why)), -EFAULT);
	assert_non_null(strstr(why, "1 vectors taken ahead and never used or given back"));
	irqlab_irq_abort(irq_of(nic, 0));
	assert_clean(p);
}

/*
 * cpu online looks only at the kernel's shut-down managed interrupts: they are listed as they
 * shut down and leave the list as they restart, and the full check holds the list to the
 * marks.
 */
static void test_online_looks_at_shut_down_only(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, false);
	struct irqlab_device *nvme = msix(p, "nvme", 0x0300, 4);
	struct irqlab_kernel *k = p->host;
	char why[256];

	alloc_n(p, nvme, 4, true);
	OK(p, request_range(p, nvme, 0, 4));
	assert_null(k->lists[IRQLAB_IRQS_SHUT_DOWN].head);
	/* Entry 3 is spread to CPU 3 alone: it shuts down, and only it is listed. */
	OK(p, irqlab_platform_cpu(k, 3, false));
	assert_ptr_equal(k->lists[IRQLAB_IRQS_SHUT_DOWN].head, irq_of(nvme, 3));
	assert_int_equal(k->lists[IRQLAB_IRQS_SHUT_DOWN].n, 1);
	assert_clean(p);
	OK(p, irqlab_platform_cpu(k, 3, true));
	assert_null(k->lists[IRQLAB_IRQS_SHUT_DOWN].head);
	assert_int_equal(k->lists[IRQLAB_IRQS_SHUT_DOWN].n, 0);
	assert_false(irq_of(nvme, 3)->managed_shutdown);
	assert_clean(p);

	/* A mark without the list is a broken book. */
	irq_of(nvme, 1)->managed_shutdown = true;
	assert_int_equal(irqlab_platform_check(p, why, sizeof(why)), -EFAULT);
	assert_non_null(strstr(why, "1 interrupts shut down, 0 listed"));
	irq_of(nvme, 1)->managed_shutdown = false;
	assert_clean(p);
}

/* A reference to a CPU mask that nothing holds is a leak the full check names. */
static void test_check_sees_leaked_mask(void **state)
{
	struct irqlab_machine *p = plat(4, false, 0, false);
	struct irqlab_cpumask m = cpus("1-2");
	const struct irqlab_cpumask *leak;
	char why[256];

	leak = irqlab_mask_hold(&p->host->masks, &m);
	assert_non_null(leak);
	assert_int_equal(irqlab_platform_check(p, why, sizeof(why)), -EFAULT);
	assert_non_null(strstr(why, "references to its CPU masks"));
	irqlab_mask_put(&p->host->masks, leak);
	assert_clean(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_check_sees_leaked_mask, teardown),
		cmocka_unit_test_teardown(test_online_looks_at_shut_down_only, teardown),
		cmocka_unit_test_teardown(test_boot_legacy, teardown),
		cmocka_unit_test_teardown(test_boot_no_legacy, teardown),
		cmocka_unit_test_teardown(test_normal_order, teardown),
		cmocka_unit_test_teardown(test_lowest_vector_skips_cascade, teardown),
		cmocka_unit_test_teardown(test_full_cpu_never_chosen, teardown),
		cmocka_unit_test_teardown(test_greedy_enospc, teardown),
		cmocka_unit_test_teardown(test_reservation_mode, teardown),
		cmocka_unit_test_teardown(test_reserved_placeholder_first_online, teardown),
		cmocka_unit_test_teardown(test_fixed_keeps_vector, teardown),
		cmocka_unit_test_teardown(test_spread_affinity, teardown),
		cmocka_unit_test_teardown(test_managed_reserve_and_pick, teardown),
		cmocka_unit_test_teardown(test_managed_ties_to_last, teardown),
		cmocka_unit_test_teardown(test_managed_request_all_offline, teardown),
		cmocka_unit_test_teardown(test_managed_affinity_keeps_reservations, teardown),
		cmocka_unit_test_teardown(test_affinity_move_and_cleanup, teardown),
		cmocka_unit_test_teardown(test_affinity_with_ir, teardown),
		cmocka_unit_test_teardown(test_offline_refused, teardown),
		cmocka_unit_test_teardown(test_offline_moves_and_online_restarts, teardown),
		cmocka_unit_test_teardown(test_offline_cpu0_moves_isa, teardown),
		cmocka_unit_test_teardown(test_offline_online_refusals, teardown),
		cmocka_unit_test_teardown(test_offline_completes_pending_move_first, teardown),
		cmocka_unit_test_teardown(test_lapic_results, teardown),
		cmocka_unit_test_teardown(test_lapic_probe, teardown),
		cmocka_unit_test_teardown(test_walk_alloc, teardown),
		cmocka_unit_test_teardown(test_walk_alloc_managed, teardown),
		cmocka_unit_test_teardown(test_walk_request, teardown),
		cmocka_unit_test_teardown(test_walk_affinity, teardown),
		cmocka_unit_test_teardown(test_walk_offline, teardown),
		cmocka_unit_test_teardown(test_walk_offline_pending_move, teardown),
		cmocka_unit_test_teardown(test_walk_online, teardown),
		cmocka_unit_test_teardown(test_check_sees_leaked_prepare, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
