// SPDX-License-Identifier: MIT
/*
 * The machine and its kernels: the host in the kernel list, the APIC-id table the fabric
 * resolves through, operations refused in a kernel that does not drive the device, one error
 * for the whole machine, the IO-APIC table that grows, delivery counters that always add up,
 * and a fault walk over building the machine itself.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "platform/platform.h"
#include "x86/vector_domain.h"
#include "x86/vector_matrix.h"

static struct irqlab_machine *machine(unsigned ncpus, bool ir, struct irqlab_fault *fault)
{
	struct irqlab_platform_config cfg = {.ncpus = ncpus,
					     .ir = ir,
					     .irtes = 256,
					     .cfi = true,
					     .legacy = true,
					     .fault = fault};
	struct irqlab_machine *p = NULL;
	char why[256];

	if (irqlab_platform_new(&cfg, &p, why, sizeof(why)))
		fail_msg("machine: %s", why);
	return p;
}

static struct irqlab_device *add(struct irqlab_machine *p, const char *name, uint16_t rid,
				 enum irqlab_dev_kind kind, unsigned nr, unsigned gsi)
{
	struct irqlab_device_config cfg = {
		.name = name, .kind = kind, .rid = rid, .nr = nr, .gsi = gsi, .level = true};
	struct irqlab_device *dev = NULL;

	if (irqlab_platform_add_device(p->host, &cfg, &dev))
		fail_msg("add %s: %s", name, irqlab_platform_error(p));
	return dev;
}

static void assert_clean(struct irqlab_machine *p)
{
	char why[512];

	if (irqlab_platform_check(p, why, sizeof(why)))
		fail_msg("invariant broken: %s", why);
}

/* An MSI-X device with entry 0 allocated and requested. */
static struct irqlab_device *live_msix(struct irqlab_machine *p)
{
	struct irqlab_device *dev = add(p, "nic0", 0x0300, IRQLAB_DEV_MSIX, 4, 0);
	unsigned granted, idx = 0;

	assert_int_equal(irqlab_platform_alloc(p->host, dev, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_platform_request(p->host, dev, &idx, 1), 0);
	return dev;
}

static void test_host_is_a_kernel_of_the_machine(void **state)
{
	for (int ir = 0; ir <= 1; ir++) {
		struct irqlab_machine *p = machine(4, ir, NULL);
		struct irqlab_kernel_env *env = irqlab_kernel_env(p->host);

		assert_int_equal(p->nr_kernels, 1);
		assert_ptr_equal(p->kernels[0], p->host);
		assert_ptr_equal(env->kernel, p->host);
		assert_ptr_equal(irqlab_kernel_machine(p->host), p);
		assert_ptr_equal(env->vector->kernel, p->host);
		assert_null(env->vector->parent);
		/* With IR the bus domains go under the remap domain, which sits on the root. */
		assert_int_equal(irqlab_kernel_remapped(p->host), ir);
		assert_ptr_equal(ir ? env->msi_parent->parent : env->msi_parent, env->vector);
		/* The kernel's errors are the machine's. */
		assert_ptr_equal(p->host->error, &p->error);
		irqlab_platform_free(p);
	}
}

static void test_apic_table(void **state)
{
	struct irqlab_machine *p = machine(3, false, NULL);

	for (unsigned id = 0; id < 3; id++) {
		const struct irqlab_apic_slot *at = irqlab_platform_apic(p, id);

		assert_non_null(at);
		assert_ptr_equal(at->kernel, p->host);
		assert_int_equal(at->cpu, id);
	}
	assert_null(irqlab_platform_apic(p, 3));
	assert_null(irqlab_platform_apic(p, 0xff));
	irqlab_platform_free(p);
}

/* A device is driven by one kernel; another kernel's operation on it is refused, unchanged. */
static void test_operation_in_another_kernel(void **state)
{
	struct irqlab_machine *a = machine(2, true, NULL), *b = machine(2, true, NULL);
	struct irqlab_device *dev = live_msix(a);
	struct irqlab_cpumask mask;
	unsigned idx = 0, granted;

	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, 1);
	assert_int_equal(irqlab_platform_affinity(b->host, dev, &idx, 1, &mask), -EPERM);
	assert_string_equal(irqlab_platform_error(b),
			    "affinity nic0: the device is driven by host, not host");
	assert_int_equal(irqlab_platform_alloc(b->host, dev, 1, 1, false, &granted), -EPERM);
	assert_int_equal(irqlab_platform_raise(b->host, dev, &idx, 1, 1), -EPERM);
	assert_int_equal(a->by_class[IRQLAB_MSG_DELIVERED], 0);
	assert_int_equal(dev->nr_allocated, 1);
	/* Its own kernel still can. */
	assert_int_equal(irqlab_platform_raise(a->host, dev, &idx, 1, 1), 0);
	assert_int_equal(a->by_class[IRQLAB_MSG_DELIVERED], 1);
	/* Every entry is owned by the kernel that drives the device. */
	for (unsigned i = 0; i < dev->nr; i++)
		assert_ptr_equal(dev->entries[i].owner, a->host);
	assert_clean(a);
	irqlab_platform_free(a);
	irqlab_platform_free(b);
}

/* A failure deep in the hierarchy reaches the operation's caller through the machine. */
static void test_error_reaches_the_statement(void **state)
{
	struct irqlab_machine *p = machine(2, true, NULL);
	struct irqlab_device *dev = add(p, "ims0", 0x0400, IRQLAB_DEV_IMS, 4, 0);
	unsigned granted;

	irqlab_kernel_env(p->host)->ims = IRQLAB_IMS_OFF;
	assert_int_equal(irqlab_platform_alloc(p->host, dev, 1, 1, false, &granted), -EOPNOTSUPP);
	assert_string_equal(irqlab_platform_error(p),
			    "alloc ims0: the host kernel has no IMS support (ims=off)");
	assert_int_equal(p->error.code, -EOPNOTSUPP);
	/* The next operation starts clean. */
	irqlab_kernel_env(p->host)->ims = IRQLAB_IMS_IR;
	assert_int_equal(irqlab_platform_alloc(p->host, dev, 1, 1, false, &granted), 0);
	assert_string_equal(irqlab_platform_error(p), "");
	assert_int_equal(p->error.code, 0);
	irqlab_platform_free(p);
}

/* The IO-APIC table grows to the GSI asked for, and a growth that fails changes nothing. */
static void test_ioapic_table_grows(void **state)
{
	struct irqlab_machine *p = machine(2, false, NULL);
	struct irqlab_device *a = add(p, "a", 0x0100, IRQLAB_DEV_INTX, 1, 100);
	struct irqlab_device *b = add(p, "b", 0x0108, IRQLAB_DEV_INTX, 1, 5);
	unsigned granted;

	assert_int_equal(p->nr_ioapic_slots, 0);
	irqlab_fault_arm(p->fault, 1);
	assert_int_equal(irqlab_platform_alloc(p->host, a, 1, 1, false, &granted), -ENOMEM);
	assert_int_equal(p->nr_ioapic_slots, 0);
	assert_null(p->ioapics);
	irqlab_fault_arm(p->fault, 0);
	assert_int_equal(irqlab_platform_alloc(p->host, a, 1, 1, false, &granted), 0);
	/* GSI 100 is on IO-APIC 4: the slots below it stay empty until used. */
	assert_int_equal(p->nr_ioapic_slots, 5);
	for (unsigned n = 0; n < 4; n++)
		assert_null(p->ioapics[n]);
	assert_non_null(p->ioapics[4]);
	assert_int_equal(irqlab_platform_alloc(p->host, b, 1, 1, false, &granted), 0);
	assert_int_equal(p->nr_ioapic_slots, 5);
	assert_non_null(p->ioapics[0]);
	assert_clean(p);
	irqlab_platform_free(p);
}

/* With no room to record on which CPU a delivery arrived, it is counted all the same. */
static void test_delivery_counters_add_up(void **state)
{
	struct irqlab_machine *p = machine(2, true, NULL);
	struct irqlab_device *dev = live_msix(p);
	struct irqlab_dev_entry *e = &dev->entries[0];
	char why[256];
	unsigned idx = 0;

	irqlab_fault_arm(p->fault, 1);
	assert_int_equal(irqlab_platform_raise(p->host, dev, &idx, 1, 1), 0);
	assert_string_equal(p->fault->failed_site, "counter");
	irqlab_fault_arm(p->fault, 0);
	assert_int_equal(e->delivered, 1);
	assert_int_equal(e->unplaced, 1);
	assert_int_equal(e->nr_by_cpu, 0);
	assert_int_equal(p->by_class[IRQLAB_MSG_DELIVERED], 1);
	assert_clean(p);
	assert_int_equal(irqlab_platform_raise(p->host, dev, &idx, 1, 2), 0);
	assert_int_equal(e->delivered, 3);
	assert_int_equal(e->nr_by_cpu, 1);
	assert_int_equal(e->by_cpu[0].count, 2);
	assert_clean(p);
	/* The checker sees counters that disagree. */
	e->delivered++;
	assert_int_equal(irqlab_platform_check(p, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "device nic0 index 0: 4 deliveries, 3 by CPU");
	e->delivered--;
	irqlab_platform_free(p);
}

static int check_changed(struct irqlab_machine *p, char *why, size_t len)
{
	return irqlab_platform_check_changed(p, why, len);
}

/*
 * The incremental check sees a damage to what the last operation touched, as the full check
 * does, with the same sentence: the interrupt's levels, its bus entry, its CPU's vectors and
 * the delivery counters of its device.
 */
static void test_check_changed_sees_touched(void **state)
{
	for (int ir = 0; ir <= 1; ir++) {
		struct irqlab_machine *p = machine(4, ir, NULL);
		struct irqlab_device *dev = live_msix(p);
		struct irqlab_matrix *m =
			irqlab_vector_domain_matrix(irqlab_kernel_env(p->host)->vector);
		struct irqlab_irq *irq = dev->entries[0].irq;
		struct irqlab_domain *was;
		struct irqlab_cpumask cpu2;
		char why[512], full[512];
		unsigned idx = 0;

		assert_clean(p);
		irqlab_cpumask_zero(&cpu2);
		irqlab_cpumask_set(&cpu2, 2);
		assert_int_equal(irqlab_platform_affinity(p->host, dev, &idx, 1, &cpu2), 0);
		assert_int_equal(check_changed(p, why, sizeof(why)), 0);

		/* The level chain of an interrupt the operation moved. */
		assert_int_equal(irqlab_platform_affinity(p->host, dev, &idx, 1, &cpu2), 0);
		was = irq->top->parent->domain;
		irq->top->parent->domain = irq->top->domain;
		assert_int_equal(check_changed(p, why, sizeof(why)), -EFAULT);
		assert_int_equal(irqlab_platform_check(p, full, sizeof(full)), -EFAULT);
		assert_string_equal(why, full);
		irq->top->parent->domain = was;
		assert_clean(p);

		/* Its bus entry. */
		assert_int_equal(irqlab_platform_raise(p->host, dev, &idx, 1, 1), 0);
		assert_int_equal(irqlab_platform_affinity(p->host, dev, &idx, 1, &cpu2), 0);
		dev->entries[0].irq = NULL;
		assert_int_equal(check_changed(p, why, sizeof(why)), -EFAULT);
		assert_non_null(strstr(why, "entry 0 names an interrupt it does not own"));
		dev->entries[0].irq = irq;
		assert_clean(p);

		/* The vectors of the CPU it moved to. */
		assert_int_equal(irqlab_platform_cpu(p->host, 2, false), 0);
		irqlab_matrix_debug_corrupt(m, IRQLAB_MATRIX_DEBUG_AVAILABLE, 1, 1);
		irqlab_matrix_debug_corrupt(m, IRQLAB_MATRIX_DEBUG_AVAILABLE, 3, 1);
		assert_int_equal(check_changed(p, why, sizeof(why)), -EFAULT);
		assert_non_null(strstr(why, "VECTOR: CPU"));
		irqlab_matrix_debug_corrupt(m, IRQLAB_MATRIX_DEBUG_AVAILABLE, 1, (unsigned)-1);
		irqlab_matrix_debug_corrupt(m, IRQLAB_MATRIX_DEBUG_AVAILABLE, 3, (unsigned)-1);
		assert_int_equal(irqlab_platform_cpu(p->host, 2, true), 0);
		assert_clean(p);

		/* The delivery counters of the device a message reached. */
		assert_int_equal(irqlab_platform_raise(p->host, dev, &idx, 1, 1), 0);
		dev->entries[0].delivered++;
		assert_int_equal(check_changed(p, why, sizeof(why)), -EFAULT);
		assert_string_equal(why, "device nic0 index 0: 3 deliveries, 2 by CPU");
		dev->entries[0].delivered--;
		assert_clean(p);
		irqlab_platform_free(p);
	}
}

/*
 * What no operation touched waits for the full check: the incremental one passes over it, and
 * the full one (--check=full after every statement, and at the end of every run) walks it all.
 */
static void test_check_full_walks_everything(void **state)
{
	struct irqlab_machine *p = machine(4, true, NULL);
	struct irqlab_device *dev = live_msix(p);
	struct irqlab_device *quiet = add(p, "quiet", 0x0400, IRQLAB_DEV_MSIX, 2, 0);
	struct irqlab_matrix *m = irqlab_vector_domain_matrix(irqlab_kernel_env(p->host)->vector);
	char why[512];
	unsigned granted, idx = 0;

	assert_int_equal(irqlab_platform_alloc(p->host, quiet, 2, 2, false, &granted), 0);
	assert_int_equal(irqlab_platform_request(p->host, quiet, &idx, 1), 0);
	assert_int_equal(irqlab_platform_raise(p->host, quiet, &idx, 1, 1), 0);
	assert_clean(p);

	quiet->entries[0].delivered++;
	irqlab_matrix_debug_corrupt(m, IRQLAB_MATRIX_DEBUG_AVAILABLE, 3, 1);
	/* Only nic0 is touched: both damages are out of the incremental check's sight. */
	assert_int_equal(irqlab_platform_raise(p->host, dev, &idx, 1, 1), 0);
	assert_int_equal(check_changed(p, why, sizeof(why)), 0);
	assert_int_equal(irqlab_platform_check(p, why, sizeof(why)), -EFAULT);
	assert_non_null(strstr(why, "CPU 3"));
	irqlab_matrix_debug_corrupt(m, IRQLAB_MATRIX_DEBUG_AVAILABLE, 3, (unsigned)-1);
	assert_int_equal(irqlab_platform_check(p, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "device quiet index 0: 2 deliveries, 1 by CPU");
	quiet->entries[0].delivered--;
	assert_clean(p);
	irqlab_platform_free(p);
}

/* Every allocation point of building the machine fails cleanly (ASan sees any leak). */
static void test_walk_machine_new(void **state)
{
	for (int ir = 0; ir <= 1; ir++) {
		struct irqlab_platform_config cfg = {
			.ncpus = 4, .ir = ir, .irtes = 256, .cfi = true, .legacy = true};
		struct irqlab_fault fault = {0};
		struct irqlab_machine *p = NULL;
		unsigned long points;
		char why[256];
		int err;

		cfg.fault = &fault;
		assert_int_equal(irqlab_platform_new(&cfg, &p, why, sizeof(why)), 0);
		points = fault.points;
		irqlab_platform_free(p);
		assert_true(points >= (ir ? 7u : 5u));
		for (unsigned long n = 1; n <= points; n++) {
			p = NULL;
			irqlab_fault_arm(&fault, n);
			err = irqlab_platform_new(&cfg, &p, why, sizeof(why));
			assert_int_equal(err, fault.failed_err);
			assert_non_null(fault.failed_site);
			assert_null(p);
			assert_string_equal(why, "host: cannot build the machine (out of memory)");
		}
		irqlab_fault_arm(&fault, points + 1);
		assert_int_equal(irqlab_platform_new(&cfg, &p, why, sizeof(why)), 0);
		assert_null(fault.failed_site);
		irqlab_platform_free(p);
	}
}

/* Adding a device: every point fails with the machine unchanged. */
static void test_walk_add_device(void **state)
{
	struct irqlab_device_config cfg = {
		.name = "nic1", .kind = IRQLAB_DEV_MSIX, .rid = 0x0500, .nr = 8};
	struct irqlab_machine *p = machine(2, true, NULL);
	struct irqlab_device *dev = NULL;
	unsigned long points;

	add(p, "nic0", 0x0300, IRQLAB_DEV_MSIX, 4, 0);
	irqlab_fault_arm(p->fault, 0);
	assert_int_equal(irqlab_platform_add_device(p->host, &cfg, &dev), 0);
	points = p->fault->points;
	assert_true(points >= 2);
	irqlab_platform_free(p);
	for (unsigned long n = 1; n <= points; n++) {
		int err;

		p = machine(2, true, NULL);
		add(p, "nic0", 0x0300, IRQLAB_DEV_MSIX, 4, 0);
		irqlab_fault_arm(p->fault, n);
		err = irqlab_platform_add_device(p->host, &cfg, &dev);
		assert_int_equal(err, p->fault->failed_err);
		assert_int_equal(err, -ENOMEM);
		assert_int_equal(p->nr_devices, 1);
		assert_null(irqlab_platform_device(p, "nic1"));
		assert_true(irqlab_platform_error(p)[0] != '\0');
		irqlab_fault_arm(p->fault, 0);
		assert_int_equal(irqlab_platform_add_device(p->host, &cfg, &dev), 0);
		assert_ptr_equal(irqlab_platform_device(p, "nic1"), dev);
		assert_clean(p);
		irqlab_platform_free(p);
	}
}

/*
 * Index lists name at least one entry, each once; a count raises at least once; an alloc asks
 * for no more than the device has. Each refusal leaves the machine as it was.
 */
static void test_index_lists(void **state)
{
	struct irqlab_machine *p = machine(2, true, NULL);
	struct irqlab_device *nic = live_msix(p);
	struct irqlab_device *pin = add(p, "disk", 0x0800, IRQLAB_DEV_INTX, 1, 10);
	struct irqlab_cpumask mask;
	unsigned twice[] = {1, 2, 1}, one = 1, zero = 0, granted;

	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, 1);
	assert_int_equal(irqlab_platform_alloc(p->host, nic, 2, 2, false, &granted), 0);
	assert_int_equal(irqlab_platform_request(p->host, nic, twice, 3), -EINVAL);
	assert_string_equal(irqlab_platform_error(p), "request nic0: index 1 is named twice");
	assert_false(nic->entries[1].irq->started || nic->entries[2].irq->started);
	for (unsigned i = 0; i < nic->nr; i++)
		assert_false(nic->entries[i].named);
	assert_int_equal(irqlab_platform_affinity(p->host, nic, twice, 3, &mask), -EINVAL);
	assert_int_equal(irqlab_platform_raise(p->host, nic, twice, 3, 1), -EINVAL);
	assert_int_equal(irqlab_platform_mask(p->host, nic, twice, 3, true), -EINVAL);
	assert_false(irqlab_device_masked(nic, 0));
	/* An empty list, on a message store and on a pin (which used to reach a NULL irq). */
	assert_int_equal(irqlab_platform_request(p->host, nic, twice, 0), -EINVAL);
	assert_string_equal(irqlab_platform_error(p), "request nic0: no index given");
	assert_int_equal(irqlab_platform_release(p->host, nic, twice, 0), -EINVAL);
	assert_int_equal(irqlab_platform_affinity(p->host, nic, twice, 0, &mask), -EINVAL);
	assert_int_equal(irqlab_platform_request(p->host, pin, &zero, 0), -EINVAL);
	assert_int_equal(irqlab_platform_release(p->host, pin, &zero, 0), -EINVAL);
	assert_int_equal(irqlab_platform_mask(p->host, pin, &zero, 0, false), -EINVAL);
	assert_int_equal(irqlab_platform_raise(p->host, pin, &zero, 0, 1), -EINVAL);
	/* A pin has one entry: index 1 is beyond it, for raise too. */
	assert_int_equal(irqlab_platform_raise(p->host, pin, &one, 1, 1), -ERANGE);
	/* A count of 0 raises nothing, and says so rather than leave a level line asserted. */
	assert_int_equal(irqlab_platform_raise(p->host, nic, &zero, 1, 0), -EINVAL);
	assert_string_equal(irqlab_platform_error(p), "raise nic0: a count of 0 raises nothing");
	assert_int_equal(irqlab_platform_raise(p->host, pin, &zero, 1, 0), -EINVAL);
	assert_int_equal(pin->intx.conditions, 0);
	assert_int_equal(p->by_class[IRQLAB_MSG_DELIVERED], 0);
	/* A count of 0 allocates nothing, for a pin as for a message store. */
	assert_int_equal(irqlab_platform_alloc(p->host, pin, 0, 1, false, &granted), -EINVAL);
	assert_string_equal(irqlab_platform_error(p), "alloc disk: between 0 and 1 interrupts");
	assert_null(pin->entries[0].irq);
	/* An unbounded max is clamped to what the device has left: no wrap, no huge calloc. */
	assert_int_equal(irqlab_platform_alloc(p->host, nic, 1, UINT_MAX, false, &granted), 0);
	assert_int_equal(granted, 1);
	assert_int_equal(nic->nr_allocated, 4);
	assert_int_equal(irqlab_platform_alloc(p->host, nic, 1, UINT_MAX, false, &granted),
			 -ENOSPC);
	assert_clean(p);
	irqlab_platform_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_is_a_kernel_of_the_machine),
		cmocka_unit_test(test_apic_table),
		cmocka_unit_test(test_operation_in_another_kernel),
		cmocka_unit_test(test_error_reaches_the_statement),
		cmocka_unit_test(test_ioapic_table_grows),
		cmocka_unit_test(test_delivery_counters_add_up),
		cmocka_unit_test(test_check_changed_sees_touched),
		cmocka_unit_test(test_check_full_walks_everything),
		cmocka_unit_test(test_walk_machine_new),
		cmocka_unit_test(test_walk_add_device),
		cmocka_unit_test(test_index_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
