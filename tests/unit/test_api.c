// SPDX-License-Identifier: MIT
/*
 * The public C API: every function, with what a caller can get wrong (NULL, an index beyond
 * the device, an entry not allocated, a device of another machine, a configuration struct of
 * another size), each failure with its errno and a sentence; and fault walks through the API
 * showing that a failed alloc or request leaves every reader's answer as it was.
 *
 * Only the walks reach inside (platform/platform.h) to arm the machine's fault injector.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "irqlab/irqlab.h"

#include "platform/platform.h"
#include "core/strbuf.h"
#include "helpers/machine_helpers.h"

static struct irqlab_machine *new_machine(unsigned ncpus, bool ir)
{
	return machine_new(ncpus, ir, 256, true);
}

static struct irqlab_device *add(struct irqlab_machine *m, const char *name,
				 enum irqlab_device_kind kind, uint16_t rid, unsigned nr)
{
	struct irqlab_device_spec spec;
	struct irqlab_device *dev = NULL;

	irqlab_device_spec_init(&spec);
	spec.name = name;
	spec.kind = kind;
	spec.rid = rid;
	spec.nr = nr;
	spec.gsi = 10;
	spec.level = true;
	if (irqlab_device_add(irqlab_machine_host(m), &spec, &dev))
		fail_msg("add %s: %s", name, irqlab_machine_error(m));
	return dev;
}

static void assert_clean(struct irqlab_machine *m)
{
	assert_machine_clean(m);
}

/* The failure left its errno and a sentence naming it. */
static void assert_failed(struct irqlab_machine *m, int got, int want, const char *words)
{
	if (got != want || irqlab_machine_errno(m) != want)
		fail_msg("expected %d (\"%s\"), got %d, errno %d: \"%s\"", want, words, got,
			 irqlab_machine_errno(m), irqlab_machine_error(m));
	if (!strstr(irqlab_machine_error(m), words))
		fail_msg("error \"%s\" does not say \"%s\"", irqlab_machine_error(m), words);
}

static uint64_t count(struct irqlab_machine *m, enum irqlab_class cls)
{
	uint64_t n = 0;

	assert_int_equal(irqlab_machine_count(m, cls, &n), 0);
	return n;
}

static unsigned irtes(struct irqlab_machine *m)
{
	return machine_irtes_used(m);
}

/* The example of irqlab(3) and of the install test: allocation to delivery. */
static void test_alloc_to_delivery(void **state)
{
	struct irqlab_machine *m = new_machine(4, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	unsigned idx[] = {0, 1}, one = 1, granted = 0, cpu = 99, vector = 0;
	struct irqlab_msi_msg msg;
	uint64_t n;

	assert_int_equal(irqlab_alloc_irqs(host, nic, 2, 2, false, &granted), 0);
	assert_int_equal(granted, 2);
	assert_int_equal(irqlab_request(host, nic, idx, 2), 0);
	assert_string_equal(irqlab_machine_error(m), "");
	assert_int_equal(irqlab_machine_errno(m), 0);
	assert_int_equal(irqlab_raise(host, nic, &one, 1, 1), 0);
	assert_int_equal(irqlab_entry_target(nic, 1, &cpu, &vector), 0);
	assert_true(cpu < 4);
	assert_true(vector >= 0x20 && vector < 0xef);
	assert_int_equal(irqlab_entry_delivered(nic, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(irqlab_entry_delivered_on(nic, 1, cpu, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(irqlab_entry_delivered_on(nic, 1, (cpu + 1) % 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(irqlab_entry_count(nic, 1, IRQLAB_CLASS_DELIVERED, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(irqlab_entry_delivered(nic, 0, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(irqlab_cpu_delivered(m, cpu, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(count(m, IRQLAB_CLASS_DELIVERED), 1);
	for (int c = IRQLAB_CLASS_BLOCKED; c < IRQLAB_NR_CLASSES; c++)
		assert_int_equal(count(m, (enum irqlab_class)c), 0);
	assert_int_equal(irqlab_entry_message(nic, 1, &msg), 0);
	assert_true(irqlab_msi_is_remappable(&msg));
	assert_int_equal(irtes(m), 2);
	assert_clean(m);
	irqlab_machine_free(m);
}

static void test_machine_config(void **state)
{
	struct irqlab_machine_config cfg;
	struct {
		struct irqlab_machine_config cfg;
		uint32_t newer; /* a field a later header adds */
	} big;
	struct irqlab_machine *m = NULL;
	char why[256];

	irqlab_machine_config_init(&cfg);
	assert_int_equal(cfg.size, sizeof(cfg));
	assert_int_equal(cfg.ncpus, 4);
	assert_true(cfg.ir);
	assert_int_equal(cfg.irtes, 65536);
	assert_false(cfg.cfi);
	assert_true(cfg.legacy);
	assert_false(cfg.extdest);
	assert_int_equal(cfg.ims, IRQLAB_MACHINE_IMS_IR);
	irqlab_machine_config_defaults(NULL, sizeof(cfg));

	assert_int_equal(irqlab_machine_new(NULL, &m, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "machine: no configuration");
	assert_int_equal(irqlab_machine_new(&cfg, NULL, why, sizeof(why)), -EINVAL);
	assert_null(m);
	cfg.ncpus = 0;
	assert_int_equal(irqlab_machine_new(&cfg, &m, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "host: 0 CPUs; a machine has 1 to 8192");
	/* No place for the sentence is allowed. */
	assert_int_equal(irqlab_machine_new(&cfg, &m, NULL, 0), -EINVAL);
	cfg.ncpus = 2;
	cfg.irtes = 100;
	assert_int_equal(irqlab_machine_new(&cfg, &m, why, sizeof(why)), -EINVAL);
	/* VT-d's smallest table has 2 entries (IRTA.S = 0). */
	cfg.irtes = 1;
	assert_int_equal(irqlab_machine_new(&cfg, &m, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "host: irtes=1; the table holds a power of two from 2 to 65536");
	cfg.irtes = 256;
	cfg.ims = (enum irqlab_machine_ims)7;
	assert_int_equal(irqlab_machine_new(&cfg, &m, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "machine: no IMS policy 7");
	cfg.ims = IRQLAB_MACHINE_IMS_OFF;

	/* A size nobody set. */
	cfg.size = 0;
	assert_int_equal(irqlab_machine_new(&cfg, &m, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "irqlab_machine_config_init"));
	cfg.size = 1u << 20;
	assert_int_equal(irqlab_machine_new(&cfg, &m, why, sizeof(why)), -EINVAL);
	/* An older caller's shorter struct: the fields it does not know take the defaults. */
	cfg.size = offsetof(struct irqlab_machine_config, ims);
	cfg.ims = (enum irqlab_machine_ims)7;
	assert_int_equal(irqlab_machine_new(&cfg, &m, why, sizeof(why)), 0);
	assert_int_equal(irqlab_machine_ncpus(m), 2);
	irqlab_machine_free(m);
	/* A newer caller's longer struct: fine while it leaves the new fields zero. */
	memset(&big, 0, sizeof(big));
	irqlab_machine_config_defaults(&big.cfg, sizeof(big));
	assert_int_equal(big.cfg.size, sizeof(big));
	assert_int_equal(irqlab_machine_new(&big.cfg, &m, why, sizeof(why)), 0);
	irqlab_machine_free(m);
	big.newer = 1;
	assert_int_equal(irqlab_machine_new(&big.cfg, &m, why, sizeof(why)), -E2BIG);
	assert_non_null(strstr(why, "newer fields set"));
	/* No tail padding a newer field could hide in: the last field ends the struct. */
	assert_int_equal(offsetof(struct irqlab_machine_config, dmi_vendor) + sizeof(char *),
			 sizeof(struct irqlab_machine_config));
	irqlab_machine_config_init(&big.cfg);
	big.cfg.reserved = 1;
	assert_int_equal(irqlab_machine_new(&big.cfg, &m, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "reserved field is not 0"));
	irqlab_machine_free(NULL);
}

static void test_machine_and_kernels(void **state)
{
	struct irqlab_machine *m = new_machine(3, false);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	unsigned n = 0;

	assert_non_null(host);
	assert_int_equal(irqlab_machine_ncpus(m), 3);
	assert_int_equal(irqlab_machine_nr_kernels(m), 1);
	assert_ptr_equal(irqlab_machine_kernel(m, 0), host);
	assert_null(irqlab_machine_kernel(m, 1));
	assert_string_equal(irqlab_kernel_name(host), "host");
	assert_ptr_equal(irqlab_kernel_machine(host), m);
	assert_int_equal(irqlab_irtes_used(m, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(irqlab_cpu_free_vectors(host, 1, &n), 0);
	assert_true(n > 150);
	assert_int_equal(irqlab_machine_check(m), 0);

	assert_null(irqlab_machine_host(NULL));
	assert_null(irqlab_machine_kernel(NULL, 0));
	assert_int_equal(irqlab_machine_nr_kernels(NULL), 0);
	assert_int_equal(irqlab_machine_ncpus(NULL), 0);
	assert_null(irqlab_kernel_name(NULL));
	assert_null(irqlab_kernel_machine(NULL));
	assert_int_equal(irqlab_machine_check(NULL), -EINVAL);
	assert_int_equal(irqlab_machine_set_trace(NULL, NULL, NULL), -EINVAL);
	assert_string_equal(irqlab_machine_error(NULL), "no machine");
	assert_int_equal(irqlab_machine_errno(NULL), -EINVAL);
	assert_string_equal(irqlab_class_name(IRQLAB_CLASS_MISDELIVERED), "misdelivered");
	assert_null(irqlab_class_name(IRQLAB_NR_CLASSES));
	assert_null(irqlab_class_name((enum irqlab_class) - 1));
	irqlab_machine_free(m);
}

static void test_devices(void **state)
{
	struct irqlab_machine *m = new_machine(2, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device_spec spec;
	struct irqlab_device *dev = NULL, *nic;

	irqlab_device_spec_init(&spec);
	assert_int_equal(spec.size, sizeof(spec));
	assert_int_equal(spec.kind, IRQLAB_DEVICE_MSIX);
	assert_int_equal(spec.nr, 1);
	nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 8);
	assert_ptr_equal(irqlab_device_find(m, "nic0"), nic);
	assert_null(irqlab_device_find(m, "nic1"));
	assert_null(irqlab_device_find(m, NULL));
	assert_null(irqlab_device_find(NULL, "nic0"));
	assert_string_equal(irqlab_device_name(nic), "nic0");
	assert_int_equal(irqlab_device_nr_entries(nic), 8);
	assert_ptr_equal(irqlab_device_kernel(nic), host);
	assert_null(irqlab_device_name(NULL));
	assert_int_equal(irqlab_device_nr_entries(NULL), 0);
	assert_null(irqlab_device_kernel(NULL));

	assert_int_equal(offsetof(struct irqlab_device_spec, reserved) + sizeof(uint32_t),
			 sizeof(struct irqlab_device_spec));
	spec.name = "nic7";
	spec.reserved = 1;
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EINVAL, "reserved field is not 0");
	spec.reserved = 0;
	spec.name = NULL;
	assert_int_equal(irqlab_device_add(NULL, &spec, &dev), -EINVAL);
	assert_failed(m, irqlab_device_add(host, NULL, &dev), -EINVAL, "no spec");
	assert_failed(m, irqlab_device_add(host, &spec, NULL), -EINVAL, "no place");
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EINVAL, "a name of 1 to 63");
	spec.name = "nic0";
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EEXIST, "already exists");
	spec.name = "nic1";
	spec.rid = 0x0300;
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EEXIST, "taken by nic0");
	spec.rid = 0x0400;
	spec.nr = 0;
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EINVAL, "0 MSI-X entries");
	spec.kind = IRQLAB_DEVICE_MSI;
	spec.nr = 3;
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EINVAL, "a power of two");
	spec.kind = IRQLAB_DEVICE_IMS;
	spec.nr = 65537;
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EINVAL, "65537 IMS slots");
	spec.kind = IRQLAB_DEVICE_INTX;
	spec.intx_pin = 4;
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EINVAL, "pin 0 to 3");
	spec.kind = (enum irqlab_device_kind)9;
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EINVAL, "no device kind 9");
	spec.size = 3;
	assert_failed(m, irqlab_device_add(host, &spec, &dev), -EINVAL, "a spec of 3 bytes");
	assert_null(dev);
	assert_null(irqlab_device_find(m, "nic1"));

	irqlab_device_spec_init(&spec);
	spec.name = "ims0";
	spec.kind = IRQLAB_DEVICE_IMS;
	spec.rid = 0x0500;
	spec.nr = 16;
	assert_int_equal(irqlab_device_add(host, &spec, &dev), 0);
	assert_int_equal(irqlab_device_nr_entries(dev), 16);
	assert_clean(m);
	irqlab_machine_free(m);
}

/* Each lifecycle call's own mistakes, with a sentence each, and nothing changed by them. */
static void test_lifecycle_errors(void **state)
{
	struct irqlab_machine *m = new_machine(2, true), *other = new_machine(2, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_device *msi = add(m, "msi0", IRQLAB_DEVICE_MSI, 0x0400, 1);
	struct irqlab_device *far = add(other, "far0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_cpumask mask;
	unsigned i0 = 0, i3 = 3, i9 = 9, granted;

	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, 1);
	/* No kernel: nowhere to say why, only the errno. */
	assert_int_equal(irqlab_alloc_irqs(NULL, nic, 1, 1, false, &granted), -EINVAL);
	assert_int_equal(irqlab_free_irqs(NULL, nic), -EINVAL);
	assert_int_equal(irqlab_request(NULL, nic, &i0, 1), -EINVAL);
	assert_int_equal(irqlab_release(NULL, nic, &i0, 1), -EINVAL);
	assert_int_equal(irqlab_set_affinity(NULL, nic, &i0, 1, &mask), -EINVAL);
	assert_int_equal(irqlab_mask(NULL, nic, &i0, 1), -EINVAL);
	assert_int_equal(irqlab_unmask(NULL, nic, &i0, 1), -EINVAL);
	assert_int_equal(irqlab_raise(NULL, nic, &i0, 1, 1), -EINVAL);
	assert_int_equal(irqlab_store(NULL, nic, 0, 0xfee00000, 0), -EINVAL);
	assert_int_equal(irqlab_eoi(NULL, nic), -EINVAL);
	assert_int_equal(irqlab_cpu_online(NULL, 0), -EINVAL);
	assert_int_equal(irqlab_cpu_offline(NULL, 0), -EINVAL);
	/* No device, a device of another machine, entries and no list. */
	assert_failed(m, irqlab_alloc_irqs(host, NULL, 1, 1, false, &granted), -EINVAL,
		      "alloc: no device");
	assert_failed(m, irqlab_free_irqs(host, NULL), -EINVAL, "free: no device");
	assert_failed(m, irqlab_request(host, far, &i0, 1), -EINVAL,
		      "request far0: the device belongs to another machine");
	assert_failed(m, irqlab_release(host, nic, NULL, 1), -EINVAL,
		      "release nic0: 1 entries and no list");
	assert_failed(m, irqlab_set_affinity(host, nic, &i0, 1, NULL), -EINVAL, "no CPU mask");
	assert_failed(m, irqlab_mask(host, NULL, &i0, 1), -EINVAL, "mask: no device");
	assert_failed(m, irqlab_unmask(host, far, &i0, 1), -EINVAL, "another machine");
	assert_failed(m, irqlab_raise(host, nic, NULL, 2, 1), -EINVAL, "no list");
	assert_failed(m, irqlab_store(host, NULL, 0, 0, 0), -EINVAL, "store: no device");
	assert_failed(m, irqlab_eoi(host, far), -EINVAL, "another machine");
	assert_failed(m, irqlab_alloc_irqs(host, nic, 0, 1, false, &granted), -EINVAL,
		      "between 0 and 1");
	assert_failed(m, irqlab_alloc_irqs(host, nic, 3, 2, false, &granted), -EINVAL,
		      "between 3 and 2");
	assert_string_equal(irqlab_machine_error(other), "");

	/* What the platform refuses comes through unchanged. */
	assert_failed(m, irqlab_free_irqs(host, nic), -EINVAL, "free nic0: nothing is allocated");
	assert_int_equal(irqlab_alloc_irqs(host, nic, 1, 1, false, NULL), 0);
	assert_string_equal(irqlab_machine_error(m), "");
	assert_failed(m, irqlab_request(host, nic, &i3, 1), -EINVAL,
		      "request nic0: index 3 is not allocated");
	assert_failed(m, irqlab_request(host, nic, &i9, 1), -ERANGE, "index 9 beyond its 4");
	assert_failed(m, irqlab_release(host, nic, &i0, 1), -EINVAL, "index 0 is not requested");
	assert_int_equal(irqlab_request(host, nic, &i0, 1), 0);
	assert_failed(m, irqlab_mask(host, msi, &i0, 1), -EOPNOTSUPP, "cannot mask");
	assert_failed(m, irqlab_unmask(host, nic, &i9, 1), -ERANGE, "index 9 beyond");
	assert_failed(m, irqlab_raise(host, nic, &i9, 1, 1), -ERANGE, "index 9 beyond");
	assert_failed(m, irqlab_store(host, nic, 9, 0xfee00000, 0), -ERANGE,
		      "index 9 is not a message store");
	assert_failed(m, irqlab_eoi(host, nic), -EINVAL, "has no EOI");
	assert_failed(m, irqlab_cpu_offline(host, 7), -EINVAL, "cpu 7: no such CPU");
	assert_failed(m, irqlab_cpu_online(host, 0), -EINVAL, "already online");
	assert_int_equal(irqlab_cpu_offline(host, 1), 0);
	/* CPU 0 never goes offline on x86 (arch_cpu_is_hotpluggable), so it is never the last. */
	assert_failed(m, irqlab_cpu_offline(host, 0), -EPERM, "arch_cpu_is_hotpluggable");
	assert_failed(m, irqlab_set_affinity(host, nic, &i0, 1, &mask), -EINVAL,
		      "no online CPU in the mask");
	assert_int_equal(irtes(m), 1);
	assert_clean(m);
	irqlab_machine_free(m);
	irqlab_machine_free(other);
}

/* The rest of the lifecycle through the API: move, mask, store, hot-unplug, release, free. */
static void test_lifecycle(void **state)
{
	struct irqlab_machine *m = new_machine(4, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_msi_msg before, after;
	struct irqlab_cpumask mask;
	unsigned i0 = 0, cpu, vector, n;
	uint64_t c;

	assert_int_equal(irqlab_alloc_irqs(host, nic, 1, 4, false, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(irqlab_request(host, nic, &i0, 1), 0);
	assert_int_equal(irqlab_entry_message(nic, 0, &before), 0);
	/* With IR a move rewrites the IRTE only: the stored message stays. */
	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, 2);
	assert_int_equal(irqlab_set_affinity(host, nic, &i0, 1, &mask), 0);
	assert_int_equal(irqlab_entry_target(nic, 0, &cpu, &vector), 0);
	assert_int_equal(cpu, 2);
	assert_int_equal(irqlab_entry_message(nic, 0, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
	/* Masked, a raise only latches; unmasking sends it. */
	assert_int_equal(irqlab_mask(host, nic, &i0, 1), 0);
	assert_int_equal(irqlab_raise(host, nic, &i0, 1, 3), 0);
	assert_int_equal(irqlab_entry_delivered(nic, 0, &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(irqlab_unmask(host, nic, &i0, 1), 0);
	assert_int_equal(irqlab_entry_delivered_on(nic, 0, 2, &c), 0);
	assert_int_equal(c, 1);
	/* Hot-unplug moves it away from CPU 2; online again changes nothing for it. */
	assert_int_equal(irqlab_cpu_offline(host, 2), 0);
	assert_int_equal(irqlab_entry_target(nic, 0, &cpu, &vector), 0);
	assert_int_not_equal(cpu, 2);
	assert_int_equal(irqlab_cpu_online(host, 2), 0);
	assert_int_equal(irqlab_cpu_free_vectors(host, 2, &n), 0);
	assert_true(n > 150);
	/* A compatibility-format message written into the store: the IR unit blocks it. */
	assert_int_equal(irqlab_store(host, nic, 0, 0xfee00000, 0x41), 0);
	assert_int_equal(irqlab_raise(host, nic, &i0, 1, 1), 0);
	assert_int_equal(count(m, IRQLAB_CLASS_BLOCKED), 1);
	assert_int_equal(irqlab_entry_count(nic, 0, IRQLAB_CLASS_BLOCKED, &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(irqlab_release(host, nic, &i0, 1), 0);
	assert_int_equal(irqlab_free_irqs(host, nic), 0);
	assert_int_equal(irtes(m), 0);
	assert_failed(m, irqlab_entry_target(nic, 0, &cpu, &vector), -EINVAL, "not allocated");
	assert_clean(m);
	irqlab_machine_free(m);
}

/* A wired pin: allocate, request, raise (level), EOI, and its message. */
static void test_intx(void **state)
{
	struct irqlab_machine *m = new_machine(2, false);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *pin = add(m, "disk0", IRQLAB_DEVICE_INTX, 0x0800, 1);
	struct irqlab_msi_msg msg;
	unsigned i0 = 0, granted;
	uint64_t c;

	assert_failed(m, irqlab_entry_message(pin, 0, &msg), -ENOENT, "no IO-APIC");
	assert_int_equal(irqlab_alloc_irqs(host, pin, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_request(host, pin, &i0, 1), 0);
	assert_int_equal(irqlab_raise(host, pin, &i0, 1, 1), 0);
	assert_int_equal(irqlab_eoi(host, pin), 0);
	assert_int_equal(irqlab_entry_delivered(pin, 0, &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(irqlab_entry_message(pin, 0, &msg), 0);
	assert_false(irqlab_msi_is_remappable(&msg));
	assert_clean(m);
	irqlab_machine_free(m);
}

/* The readers' mistakes: each an errno and a sentence, and none clears the last error. */
static void test_reader_errors(void **state)
{
	struct irqlab_machine *m = new_machine(2, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_device *msi = add(m, "msi0", IRQLAB_DEVICE_MSI, 0x0400, 4);
	struct irqlab_msi_msg msg;
	unsigned cpu, vector, n;
	uint64_t c;

	assert_int_equal(irqlab_machine_count(NULL, IRQLAB_CLASS_LOST, &c), -EINVAL);
	assert_int_equal(irqlab_cpu_delivered(NULL, 0, &c), -EINVAL);
	assert_int_equal(irqlab_irtes_used(NULL, &n), -EINVAL);
	assert_int_equal(irqlab_cpu_free_vectors(NULL, 0, &n), -EINVAL);
	assert_int_equal(irqlab_entry_count(NULL, 0, IRQLAB_CLASS_LOST, &c), -EINVAL);
	assert_int_equal(irqlab_entry_delivered(NULL, 0, &c), -EINVAL);
	assert_int_equal(irqlab_entry_delivered_on(NULL, 0, 0, &c), -EINVAL);
	assert_int_equal(irqlab_entry_target(NULL, 0, &cpu, &vector), -EINVAL);
	assert_int_equal(irqlab_entry_message(NULL, 0, &msg), -EINVAL);

	assert_failed(m, irqlab_machine_count(m, IRQLAB_NR_CLASSES, &c), -EINVAL,
		      "no message class 5");
	assert_failed(m, irqlab_machine_count(m, IRQLAB_CLASS_LOST, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_cpu_delivered(m, 2, &c), -EINVAL, "cpu 2: no such CPU");
	assert_failed(m, irqlab_cpu_delivered(m, 0, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_irtes_used(m, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_cpu_free_vectors(host, 2, &n), -EINVAL, "no such CPU in host");
	assert_failed(m, irqlab_cpu_free_vectors(host, 0, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_entry_count(nic, 4, IRQLAB_CLASS_LOST, &c), -ERANGE,
		      "index 4 beyond its 4 entries");
	assert_failed(m, irqlab_entry_count(nic, 0, (enum irqlab_class) - 1, &c), -EINVAL,
		      "no message class -1");
	assert_failed(m, irqlab_entry_count(nic, 0, IRQLAB_CLASS_LOST, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_entry_delivered(nic, 4, &c), -ERANGE, "beyond");
	assert_failed(m, irqlab_entry_delivered_on(nic, 0, 2, &c), -EINVAL, "no such CPU");
	assert_failed(m, irqlab_entry_delivered_on(nic, 5, 0, &c), -ERANGE, "beyond");
	assert_failed(m, irqlab_entry_target(nic, 0, &cpu, &vector), -EINVAL,
		      "index 0 is not allocated");
	assert_failed(m, irqlab_entry_target(nic, 0, &cpu, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_entry_message(nic, 4, &msg), -ERANGE, "beyond");
	assert_failed(m, irqlab_entry_message(nic, 0, NULL), -EINVAL, "nowhere");
	/* MSI before it is enabled has one message; vector 1 has none yet. */
	assert_failed(m, irqlab_entry_message(msi, 1, &msg), -ERANGE, "beyond the vectors");

	/* A reader that succeeds leaves the last failure's sentence alone. */
	assert_int_equal(irqlab_machine_count(m, IRQLAB_CLASS_LOST, &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(irqlab_entry_message(nic, 0, &msg), 0);
	assert_int_equal(irqlab_machine_errno(m), -ERANGE);
	assert_non_null(strstr(irqlab_machine_error(m), "beyond the vectors"));
	irqlab_machine_free(m);
}

/* The devices by index, and what each says about itself. */
static void test_device_readers(void **state)
{
	struct irqlab_machine *m = new_machine(2, true);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_device *msi = add(m, "msi0", IRQLAB_DEVICE_MSI, 0x0400, 4);
	struct irqlab_device *pin = add(m, "disk0", IRQLAB_DEVICE_INTX, 0x0800, 1);

	assert_int_equal(irqlab_kernel_ncpus(irqlab_machine_host(m)), 2);
	assert_int_equal(irqlab_machine_nr_devices(m), 3);
	assert_ptr_equal(irqlab_machine_device(m, 0), nic);
	assert_ptr_equal(irqlab_machine_device(m, 2), pin);
	assert_null(irqlab_machine_device(m, 3));
	assert_int_equal(irqlab_device_rid(msi), 0x0400);
	assert_int_equal(irqlab_device_kind_of(nic), IRQLAB_DEVICE_MSIX);
	assert_int_equal(irqlab_device_kind_of(msi), IRQLAB_DEVICE_MSI);
	assert_int_equal(irqlab_device_kind_of(pin), IRQLAB_DEVICE_INTX);
	assert_true(irqlab_device_maskable(nic));
	assert_false(irqlab_device_maskable(msi)); /* add() leaves per-vector masking off */

	assert_int_equal(irqlab_kernel_ncpus(NULL), 0);
	assert_int_equal(irqlab_machine_nr_devices(NULL), 0);
	assert_null(irqlab_machine_device(NULL, 0));
	assert_int_equal(irqlab_device_rid(NULL), -EINVAL);
	assert_int_equal(irqlab_device_kind_of(NULL), -EINVAL);
	assert_false(irqlab_device_maskable(NULL));
	irqlab_machine_free(m);
}

/* The hierarchy as `show domains` prints it: the root, IR under it, the bus domain on top. */
static void test_domains(void **state)
{
	struct irqlab_machine *m = new_machine(2, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_domain *d, *root, *bus = NULL;
	unsigned granted, n = 0;

	assert_int_equal(irqlab_alloc_irqs(host, nic, 3, 3, false, &granted), 0);
	root = irqlab_kernel_first_domain(host);
	assert_non_null(root);
	assert_null(irqlab_domain_parent(root));
	for (d = root; d; d = irqlab_domain_next(d)) {
		n++;
		if (strstr(irqlab_domain_name(d), "03:00.0"))
			bus = d;
	}
	assert_true(n >= 3);
	assert_non_null(bus);
	assert_int_equal(irqlab_domain_nr_irqs(bus), 3);
	/* Below the bus domain: the remap domain, then the root, each holding the three. */
	assert_non_null(irqlab_domain_parent(bus));
	assert_ptr_equal(irqlab_domain_parent(irqlab_domain_parent(bus)), root);
	assert_true(irqlab_domain_nr_irqs(root) >= 3);

	assert_null(irqlab_kernel_first_domain(NULL));
	assert_null(irqlab_domain_next(NULL));
	assert_null(irqlab_domain_name(NULL));
	assert_null(irqlab_domain_parent(NULL));
	assert_int_equal(irqlab_domain_nr_irqs(NULL), 0);
	irqlab_machine_free(m);
}

/* One entry from allocation to a move, as `show irq` and the expectations read it. */
static void test_entry_state(void **state)
{
	struct irqlab_machine *m = new_machine(4, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_entry_state st;
	struct irqlab_irq_level lv;
	struct irqlab_cpumask cpu3;
	unsigned i1 = 1, granted, cpu, vector;

	assert_int_equal(irqlab_entry_state(nic, 1, &st), 0);
	assert_false(st.allocated);
	assert_int_equal(st.irte, -1);
	assert_int_equal(st.nr_levels, 0);
	assert_int_equal(irqlab_alloc_irqs(host, nic, 2, 2, false, &granted), 0);
	assert_int_equal(irqlab_entry_state(nic, 1, &st), 0);
	assert_true(st.allocated && st.masked && !st.requested && !st.managed && !st.moving);
	assert_int_equal(st.vector, 0xef); /* reserved: the placeholder */
	assert_true(st.irte >= 0);
	assert_int_equal(st.nr_levels, 3);
	assert_int_equal(irqlab_raise(host, nic, &i1, 1, 1), 0);
	assert_int_equal(irqlab_entry_state(nic, 1, &st), 0);
	assert_true(st.pending);
	assert_int_equal(irqlab_request(host, nic, &i1, 1), 0);
	irqlab_cpumask_zero(&cpu3);
	irqlab_cpumask_set(&cpu3, 3);
	assert_int_equal(irqlab_set_affinity(host, nic, &i1, 1, &cpu3), 0);
	assert_int_equal(irqlab_entry_state(nic, 1, &st), 0);
	assert_true(st.requested && !st.masked && !st.pending);
	assert_int_equal(irqlab_entry_target(nic, 1, &cpu, &vector), 0);
	assert_int_equal(st.cpu, 3);
	assert_int_equal(st.cpu, cpu);
	assert_int_equal(st.vector, vector);
	assert_true(irqlab_cpumask_equal(&st.affinity, &cpu3));
	/* With IR a move rewrites the IRTE and cleans up at once: nothing waits. */
	assert_false(st.moving);

	/* Its levels, top first: the bus domain, the remap domain, the vector domain. */
	assert_int_equal(irqlab_entry_level(nic, 1, 0, &lv), 0);
	assert_string_equal(irqlab_domain_name(lv.domain), "IR-PCI-MSIX-0000:03:00.0");
	assert_int_equal(lv.hwirq, 1);
	assert_true(lv.active);
	assert_int_equal(irqlab_entry_level(nic, 1, 2, &lv), 0);
	assert_ptr_equal(lv.domain, irqlab_kernel_first_domain(host));
	assert_null(irqlab_domain_parent(lv.domain));

	/* An older caller gets the fields it knows; a newer one zeros beyond ours. */
	{
		unsigned char big[sizeof(st) + 16];

		memset(big, 0xa5, sizeof(big));
		assert_int_equal(irqlab_entry_read_state(nic, 1, (void *)big, sizeof(big)), 0);
		for (size_t i = sizeof(st); i < sizeof(big); i++)
			assert_int_equal(big[i], 0);
		memset(&st, 0, sizeof(st));
		assert_int_equal(irqlab_entry_read_state(nic, 1, &st, sizeof(bool)), 0);
		assert_false(st.allocated); /* beyond the one byte asked for */
	}

	assert_int_equal(irqlab_entry_state(NULL, 0, &st), -EINVAL);
	assert_int_equal(irqlab_entry_level(NULL, 0, 0, &lv), -EINVAL);
	assert_failed(m, irqlab_entry_state(nic, 4, &st), -ERANGE, "index 4 beyond");
	assert_failed(m, irqlab_entry_state(nic, 0, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_entry_read_state(nic, 0, &st, 0), -EINVAL, "an answer of 0 bytes");
	assert_failed(m, irqlab_entry_level(nic, 2, 0, &lv), -EINVAL, "index 2 is not allocated");
	assert_failed(m, irqlab_entry_level(nic, 1, 3, &lv), -ERANGE,
		      "level 3 beyond its 3 levels");
	assert_failed(m, irqlab_entry_level(nic, 1, 0, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_entry_read_level(nic, 1, 0, &lv, 1u << 20), -EINVAL,
		      "an answer of");
	assert_clean(m);
	irqlab_machine_free(m);
}

/* A CPU's counters and who answers at each vector, as `show vectors` prints them. */
static void test_vectors(void **state)
{
	struct irqlab_machine *m = new_machine(2, false);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 2);
	struct irqlab_vector_stats vs;
	struct irqlab_vector_owner own;
	struct irqlab_vector_matrix_info mi;
	struct irqlab_entry_state st;
	unsigned i1 = 1, granted, free_vectors, free0, free1;

	assert_int_equal(irqlab_alloc_irqs(host, nic, 2, 2, false, &granted), 0);
	assert_int_equal(irqlab_request(host, nic, &i1, 1), 0);
	assert_int_equal(irqlab_entry_state(nic, 1, &st), 0);
	assert_int_equal(irqlab_cpu_vector_stats(host, st.cpu, &vs), 0);
	assert_true(vs.online);
	assert_int_equal(irqlab_cpu_free_vectors(host, st.cpu, &free_vectors), 0);
	assert_int_equal(vs.available, free_vectors);
	assert_true(vs.allocated >= 1);
	assert_int_equal(vs.managed, 0);
	assert_int_equal(vs.managed_allocated, 0);

	assert_int_equal(irqlab_cpu_vector_owner(host, st.cpu, st.vector, &own), 0);
	assert_int_equal(own.use, IRQLAB_VECTOR_IRQ);
	assert_ptr_equal(own.dev, nic);
	assert_int_equal(own.index, 1);
	assert_int_equal(own.virq, st.virq);
	assert_int_equal(irqlab_cpu_vector_owner(host, 0, 0x31, &own), 0); /* ISA irq 1 */
	assert_int_equal(own.use, IRQLAB_VECTOR_ISA);
	assert_int_equal(own.isa_irq, 1);
	assert_int_equal(irqlab_cpu_vector_owner(host, 1, 0x80, &own), 0); /* a system vector */
	assert_int_equal(own.use, IRQLAB_VECTOR_NONE);
	assert_null(own.dev);
	assert_true(own.system);
	assert_false(own.allocated);
	assert_int_equal(irqlab_cpu_vector_owner(host, st.cpu, st.vector, &own), 0);
	assert_true(own.allocated);
	assert_false(own.system || own.managed);

	/* The matrix as a whole: what debugfs's irq/domains/VECTOR prints. */
	assert_int_equal(irqlab_kernel_vector_matrix(host, &mi), 0);
	assert_int_equal(mi.online_cpus, 2);
	assert_int_equal(irqlab_cpu_free_vectors(host, 0, &free0), 0);
	assert_int_equal(irqlab_cpu_free_vectors(host, 1, &free1), 0);
	assert_int_equal(mi.global_available, free0 + free1);
	assert_int_equal(mi.global_reserved, 1);      /* index 0: allocated, never requested */
	assert_int_equal(mi.total_allocated, 15 + 1); /* the ISA vectors and index 1 */
	assert_int_equal(mi.alloc_start, 0x20);
	assert_int_equal(mi.alloc_end, 0xeb);
	assert_int_equal(mi.nr_system, 2);
	assert_int_equal(mi.system[0], UINT64_C(1) << 0x32);
	assert_int_equal(mi.system[2], UINT64_C(1) << (0x80 - 128));
	assert_int_equal(mi.system[1] | mi.system[3], 0);
	assert_int_equal(irqlab_kernel_vector_matrix(NULL, &mi), -EINVAL);
	assert_failed(m, irqlab_kernel_vector_matrix(host, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_kernel_read_vector_matrix(host, &mi, 0), -EINVAL, "an answer");

	assert_int_equal(irqlab_cpu_vector_stats(NULL, 0, &vs), -EINVAL);
	assert_int_equal(irqlab_cpu_vector_owner(NULL, 0, 0x20, &own), -EINVAL);
	assert_failed(m, irqlab_cpu_vector_stats(host, 2, &vs), -EINVAL, "cpu 2: no such CPU");
	assert_failed(m, irqlab_cpu_vector_stats(host, 0, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_cpu_read_vector_stats(host, 0, &vs, 0), -EINVAL, "an answer");
	assert_failed(m, irqlab_cpu_vector_owner(host, 0, 256, &own), -EINVAL, "no vector 256");
	assert_failed(m, irqlab_cpu_vector_owner(host, 5, 0x20, &own), -EINVAL, "no such CPU");
	assert_failed(m, irqlab_cpu_vector_owner(host, 0, 0x20, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_cpu_read_vector_owner(host, 0, 0x20, &own, 0), -EINVAL,
		      "an answer");
	irqlab_machine_free(m);
}

/* The IR unit: its table as `show irtes` decodes it, and its fault log. */
static void test_ir_unit(void **state)
{
	struct irqlab_machine *m = new_machine(2, true);
	struct irqlab_machine *bare = new_machine(2, false);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 2);
	struct irqlab_irte_remapped f;
	struct irqlab_entry_state st;
	struct irqlab_ir_fault fault;
	struct irqlab_ir_info info;
	struct irqlab_irte e;
	unsigned i0 = 0, granted;
	uint64_t c;

	assert_int_equal(irqlab_alloc_irqs(host, nic, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_request(host, nic, &i0, 1), 0);
	assert_int_equal(irqlab_ir_info(m, &info), 0);
	assert_true(info.present);
	assert_int_equal(info.entries, 256);
	assert_int_equal(info.used, 1);
	assert_false(info.x2apic);
	assert_int_equal(info.blocked, 0);
	assert_int_equal(irqlab_entry_state(nic, 0, &st), 0);
	assert_int_equal(irqlab_ir_read_irte(m, (unsigned)st.irte, &e), 0);
	assert_true(irqlab_irte_present(&e));
	assert_int_equal(irqlab_irte_decode_remapped(&e, &f), 0);
	assert_int_equal(f.vector, st.vector);
	assert_int_equal(f.sid, 0x0300);

	/* A compatibility-format message into a table that blocks them: one fault, recorded. */
	assert_int_equal(irqlab_store(host, nic, 0, 0xfee00000, 0x41), 0);
	assert_int_equal(irqlab_raise(host, nic, &i0, 1, 1), 0);
	assert_int_equal(irqlab_ir_info(m, &info), 0);
	assert_int_equal(info.blocked, 1);
	assert_int_equal(info.nr_faults, 1);
	assert_int_equal(irqlab_ir_fault_count(m, IRQLAB_IR_FAULT_ANY, &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(irqlab_ir_fault_count(m, 0x25, &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(irqlab_ir_fault_count(m, 0x26, &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(irqlab_ir_read_fault(m, 0, &fault), 0);
	assert_int_equal(fault.reason, 0x25);
	assert_int_equal(fault.sid, 0x0300);

	/* Without an IR unit: nothing present, no faults, no table to read. */
	assert_int_equal(irqlab_ir_info(bare, &info), 0);
	assert_false(info.present);
	assert_int_equal(info.entries, 0);
	assert_int_equal(irqlab_ir_fault_count(bare, IRQLAB_IR_FAULT_ANY, &c), 0);
	assert_int_equal(c, 0);
	assert_failed(bare, irqlab_ir_read_irte(bare, 0, &e), -ENODEV, "no IR unit");
	assert_failed(bare, irqlab_ir_read_fault(bare, 0, &fault), -ERANGE, "recorded 0");

	assert_int_equal(irqlab_ir_info(NULL, &info), -EINVAL);
	assert_int_equal(irqlab_ir_read_irte(NULL, 0, &e), -EINVAL);
	assert_int_equal(irqlab_ir_fault_count(NULL, 0, &c), -EINVAL);
	assert_int_equal(irqlab_ir_read_fault(NULL, 0, &fault), -EINVAL);
	assert_failed(m, irqlab_ir_info(m, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_ir_read_info(m, &info, 0), -EINVAL, "an answer of 0 bytes");
	assert_failed(m, irqlab_ir_read_irte(m, 256, &e), -ERANGE, "beyond the table's 256");
	assert_failed(m, irqlab_ir_read_irte(m, 0, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_ir_fault_count(m, 0x100, &c), -EINVAL, "no fault reason 256");
	assert_failed(m, irqlab_ir_fault_count(m, -2, &c), -EINVAL, "no fault reason -2");
	assert_failed(m, irqlab_ir_fault_count(m, 0x25, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_ir_read_fault(m, 1, &fault), -ERANGE, "recorded 1");
	assert_failed(m, irqlab_ir_read_fault(m, 0, NULL), -EINVAL, "nowhere");
	irqlab_machine_free(bare);
	irqlab_machine_free(m);
}

/*
 * The race explorer without IR: a requested MSI-X entry moves, and every point of the update
 * is probed; the move is real.
 */
static void test_race(void **state)
{
	struct irqlab_machine *m = new_machine(4, false);
	struct irqlab_machine *other = new_machine(4, false);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 2);
	struct irqlab_device *stranger = add(other, "nic9", IRQLAB_DEVICE_MSIX, 0x0300, 2);
	struct irqlab_race *race = NULL;
	struct irqlab_race_point pt;
	struct irqlab_entry_state st;
	struct irqlab_cpumask cpu3;
	unsigned i0 = 0, granted, sum = 0;

	irqlab_cpumask_zero(&cpu3);
	irqlab_cpumask_set(&cpu3, 3);
	assert_failed(m, irqlab_race_affinity(host, nic, 0, &cpu3, IRQLAB_RACE_AUTO, &race),
		      -EINVAL, "index 0 is not allocated");
	assert_null(race);
	assert_int_equal(irqlab_alloc_irqs(host, nic, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_request(host, nic, &i0, 1), 0);
	assert_int_equal(irqlab_race_affinity(host, nic, 0, &cpu3, IRQLAB_RACE_NAIVE, &race), 0);
	assert_non_null(race);
	/* Before, after each of the three writes, after. */
	assert_int_equal(irqlab_race_nr_points(race), 5);
	for (enum irqlab_class c = 0; c < IRQLAB_NR_CLASSES; c++)
		sum += irqlab_race_count(race, c);
	assert_int_equal(sum, 5);
	assert_int_equal(irqlab_race_point(race, 0, &pt), 0);
	assert_string_equal(pt.when, "before the update");
	assert_int_equal(pt.cls, IRQLAB_CLASS_DELIVERED);
	assert_false(pt.pending);
	assert_int_equal(pt.irte, -1);
	assert_int_equal(irqlab_race_point(race, 4, &pt), 0);
	assert_string_equal(pt.when, "after the update");
	assert_int_equal(pt.cls, IRQLAB_CLASS_DELIVERED);
	assert_int_equal(pt.cpu, 3);
	assert_int_equal(irqlab_entry_state(nic, 0, &st), 0);
	assert_int_equal(st.cpu, 3);
	assert_int_equal(pt.vector, st.vector);
	assert_failed(m, irqlab_race_point(race, 5, &pt), -ERANGE, "the race has 5");
	assert_failed(m, irqlab_race_point(race, 0, NULL), -EINVAL, "nowhere");
	assert_failed(m, irqlab_race_read_point(race, 0, &pt, 0), -EINVAL, "an answer");
	assert_int_equal(irqlab_race_count(race, IRQLAB_NR_CLASSES), 0);
	irqlab_race_free(race);

	race = NULL;
	assert_int_equal(irqlab_race_affinity(NULL, nic, 0, &cpu3, IRQLAB_RACE_AUTO, &race),
			 -EINVAL);
	assert_failed(m, irqlab_race_affinity(host, NULL, 0, &cpu3, IRQLAB_RACE_AUTO, &race),
		      -EINVAL, "no device");
	assert_failed(m, irqlab_race_affinity(host, stranger, 0, &cpu3, IRQLAB_RACE_AUTO, &race),
		      -EINVAL, "another machine");
	assert_failed(m, irqlab_race_affinity(host, nic, 0, NULL, IRQLAB_RACE_AUTO, &race), -EINVAL,
		      "no CPU mask");
	assert_failed(m, irqlab_race_affinity(host, nic, 0, &cpu3, IRQLAB_RACE_AUTO, NULL), -EINVAL,
		      "no place");
	assert_failed(m,
		      irqlab_race_affinity(host, nic, 0, &cpu3, (enum irqlab_race_style)3, &race),
		      -EINVAL, "no update style 3");
	assert_failed(m, irqlab_race_affinity(host, nic, 2, &cpu3, IRQLAB_RACE_AUTO, &race),
		      -ERANGE, "beyond");
	assert_null(race);
	assert_int_equal(irqlab_race_nr_points(NULL), 0);
	assert_int_equal(irqlab_race_count(NULL, IRQLAB_CLASS_LOST), 0);
	assert_int_equal(irqlab_race_point(NULL, 0, &pt), -EINVAL);
	irqlab_race_free(NULL);
	assert_clean(m);
	irqlab_machine_free(other);
	irqlab_machine_free(m);
}

static void trace_line(void *ctx, const char *line)
{
	unsigned *lines = ctx;

	assert_non_null(strstr(line, "nic0"));
	(*lines)++;
}

static void test_trace(void **state)
{
	struct irqlab_machine *m = new_machine(2, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 1);
	unsigned i0 = 0, lines = 0;

	assert_int_equal(irqlab_alloc_irqs(host, nic, 1, 1, false, NULL), 0);
	assert_int_equal(irqlab_request(host, nic, &i0, 1), 0);
	assert_int_equal(irqlab_machine_set_trace(m, trace_line, &lines), 0);
	assert_int_equal(irqlab_raise(host, nic, &i0, 1, 2), 0);
	assert_int_equal(lines, 2);
	assert_int_equal(irqlab_machine_set_trace(m, NULL, NULL), 0);
	assert_int_equal(irqlab_raise(host, nic, &i0, 1, 1), 0);
	assert_int_equal(lines, 2);
	irqlab_machine_free(m);
}

/* Everything a reader of the API can see, and the whole model's dump, as one text. */
static void snapshot(struct irqlab_machine *m, struct irqlab_device *dev, struct irqlab_strbuf *sb)
{
	struct irqlab_kernel *host = irqlab_machine_host(m);

	for (unsigned cpu = 0; cpu < irqlab_machine_ncpus(m); cpu++) {
		unsigned n = 0;
		uint64_t c = 0;

		assert_int_equal(irqlab_cpu_free_vectors(host, cpu, &n), 0);
		assert_int_equal(irqlab_cpu_delivered(m, cpu, &c), 0);
		irqlab_strbuf_printf(sb, "cpu %u free %u delivered %llu\n", cpu, n,
				     (unsigned long long)c);
	}
	irqlab_strbuf_printf(sb, "irtes %u\n", irtes(m));
	for (unsigned i = 0; i < irqlab_device_nr_entries(dev); i++) {
		struct irqlab_msi_msg msg = {0};
		unsigned cpu = 0, vector = 0;
		int err = irqlab_entry_target(dev, i, &cpu, &vector);

		irqlab_entry_message(dev, i, &msg);
		irqlab_strbuf_printf(sb, "entry %u target %d %u 0x%x msg %08x %08x %08x\n", i, err,
				     cpu, vector, msg.address_hi, msg.address_lo, msg.data);
	}
	irqlab_platform_dump(m, sb);
}

/* The machine a walk starts from each time: nic0 with @allocated entries 0 and 1. */
static struct irqlab_machine *walk_machine(bool ir, bool allocated)
{
	struct irqlab_machine *m = new_machine(4, ir);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	unsigned granted;

	if (allocated)
		assert_int_equal(
			irqlab_alloc_irqs(irqlab_machine_host(m), nic, 2, 2, false, &granted), 0);
	return m;
}

/*
 * Fails each allocation point of @op in turn, each time on a fresh machine: the errno is the
 * injected one, the error has a sentence, the invariants hold and every reader answers as
 * before. The vector level may absorb a failure (it retries on every online CPU, as Linux
 * does): then the operation succeeds. Returns the points passed.
 */
static unsigned long walk(bool ir, bool allocated,
			  int (*op)(struct irqlab_machine *m, struct irqlab_device *dev))
{
	for (unsigned long n = 1;; n++) {
		struct irqlab_strbuf before = IRQLAB_STRBUF_INIT, after = IRQLAB_STRBUF_INIT;
		struct irqlab_machine *m = walk_machine(ir, allocated);
		struct irqlab_device *dev = irqlab_device_find(m, "nic0");
		struct irqlab_fault *fault = m->fault;
		const char *site;
		int err, injected;

		snapshot(m, dev, &before);
		irqlab_fault_arm(fault, n);
		err = op(m, dev);
		site = fault->failed_site;
		injected = fault->failed_err;
		irqlab_fault_arm(fault, 0);
		assert_clean(m);
		if (!site || !err) {
			irqlab_strbuf_release(&before);
			irqlab_machine_free(m);
			if (!site) {
				assert_int_equal(err, 0);
				return n - 1;
			}
			assert_string_equal(site, "vector");
			continue;
		}
		if (err != injected)
			fail_msg("point %lu (%s): %d, injected %d", n, site, err, injected);
		assert_int_equal(irqlab_machine_errno(m), err);
		assert_true(strlen(irqlab_machine_error(m)) > 0);
		snapshot(m, dev, &after);
		assert_string_equal(irqlab_strbuf_str(&before), irqlab_strbuf_str(&after));
		irqlab_strbuf_release(&before);
		irqlab_strbuf_release(&after);
		irqlab_machine_free(m);
	}
}

static int op_alloc(struct irqlab_machine *m, struct irqlab_device *dev)
{
	unsigned granted;

	return irqlab_alloc_irqs(irqlab_machine_host(m), dev, 2, 2, false, &granted);
}

static int op_request(struct irqlab_machine *m, struct irqlab_device *dev)
{
	unsigned idx[] = {0, 1};

	return irqlab_request(irqlab_machine_host(m), dev, idx, 2);
}

static int op_add(struct irqlab_machine *m, struct irqlab_device *dev)
{
	struct irqlab_device_spec spec;
	struct irqlab_device *out;

	irqlab_device_spec_init(&spec);
	spec.name = "nic1";
	spec.rid = 0x0500;
	spec.nr = 8;
	return irqlab_device_add(irqlab_machine_host(m), &spec, &out);
}

/* The race explorer: its own record, then the move it makes. */
static int op_race(struct irqlab_machine *m, struct irqlab_device *dev)
{
	struct irqlab_race *race = NULL;
	struct irqlab_cpumask cpu3;
	int err;

	irqlab_cpumask_zero(&cpu3);
	irqlab_cpumask_set(&cpu3, 3);
	err = irqlab_race_affinity(irqlab_machine_host(m), dev, 1, &cpu3, IRQLAB_RACE_AUTO, &race);
	assert_true(err ? !race : !!race);
	irqlab_race_free(race);
	return err;
}

static struct irqlab_kernel *add_vm(struct irqlab_machine *m, const char *name, unsigned ncpus,
				    const unsigned *pin)
{
	struct irqlab_vm_config cfg;
	struct irqlab_kernel *k = NULL;

	irqlab_vm_config_init(&cfg);
	cfg.name = name;
	cfg.ncpus = ncpus;
	cfg.pin = pin;
	if (irqlab_machine_add_vm(m, &cfg, &k))
		fail_msg("vm %s: %s", name, irqlab_machine_error(m));
	return k;
}

static bool vm_believes_bare_metal(enum irqlab_vm_detect rule, bool hv, const char *vendor)
{
	struct irqlab_machine *m = new_machine(2, false);
	struct irqlab_vm_config cfg;
	struct irqlab_kernel *k = NULL;
	bool bare;

	irqlab_vm_config_init(&cfg);
	cfg.name = "g";
	cfg.detect = rule;
	cfg.cpuid_hv = hv;
	cfg.dmi_vendor = vendor;
	assert_int_equal(irqlab_machine_add_vm(m, &cfg, &k), 0);
	bare = irqlab_kernel_believes_bare_metal(k);
	irqlab_machine_free(m);
	return bare;
}

/* VMs: guest kernels of their own, found by name; what is refused, and detection. */
static void test_vms(void **state)
{
	struct irqlab_machine *m = new_machine(4, true);
	struct irqlab_kernel *host = irqlab_machine_host(m), *g, *out = NULL;
	struct irqlab_device_spec spec;
	struct irqlab_device *vnic = NULL;
	unsigned pin[2] = {3, 3}, n = 0, granted = 0, idx = 0;
	struct irqlab_vm_config cfg;
	uint64_t c = 0;

	g = add_vm(m, "g0", 2, pin);
	assert_true(irqlab_kernel_is_guest(g));
	assert_false(irqlab_kernel_is_guest(host));
	assert_int_equal(irqlab_machine_nr_kernels(m), 2);
	assert_ptr_equal(irqlab_machine_kernel(m, 1), g);
	assert_ptr_equal(irqlab_machine_find_kernel(m, "g0"), g);
	assert_ptr_equal(irqlab_machine_find_kernel(m, "host"), host);
	assert_null(irqlab_machine_find_kernel(m, "g1"));
	assert_int_equal(irqlab_kernel_ncpus(g), 2);
	/* Its own matrix, the ISA interrupts on vCPU 0. */
	assert_int_equal(irqlab_cpu_free_vectors(g, 0, &n), 0);
	assert_int_equal(n, 186);
	assert_int_equal(irqlab_cpu_free_vectors(g, 2, &n), -EINVAL);

	/* An emulated device: allocated in the guest, delivered on the vCPU's host CPU. */
	irqlab_device_spec_init(&spec);
	spec.name = "vnic";
	spec.nr = 1;
	assert_int_equal(irqlab_device_add(g, &spec, &vnic), 0);
	assert_ptr_equal(irqlab_device_kernel(vnic), g);
	assert_int_equal(irqlab_alloc_irqs(g, vnic, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_request(g, vnic, &idx, 1), 0);
	assert_int_equal(irqlab_raise(g, vnic, &idx, 1, 1), 0);
	assert_int_equal(irqlab_cpu_delivered(m, 3, &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(irqlab_irtes_used(m, &n), 0);
	assert_int_equal(n, 0);
	/* The host cannot drive it. */
	assert_failed(m, irqlab_request(host, vnic, &idx, 1), -EPERM, "driven by g0");
	assert_clean(m);

	/* Refusals, each changing nothing. */
	irqlab_vm_config_init(&cfg);
	cfg.name = "g0";
	assert_failed(m, irqlab_machine_add_vm(m, &cfg, &out), -EEXIST, "vm g0: the name is taken");
	cfg.name = "host";
	assert_failed(m, irqlab_machine_add_vm(m, &cfg, &out), -EINVAL, "reserved");
	cfg.name = "";
	assert_failed(m, irqlab_machine_add_vm(m, &cfg, &out), -EINVAL, "a name of 1 to 31");
	cfg.name = "g1";
	cfg.ncpus = 256;
	assert_failed(m, irqlab_machine_add_vm(m, &cfg, &out), -EINVAL, "1 to 255");
	cfg.ncpus = 2;
	pin[1] = 4;
	cfg.pin = pin;
	assert_failed(m, irqlab_machine_add_vm(m, &cfg, &out), -EINVAL,
		      "vCPU 1 pinned to CPU 4; the host has CPUs 0-3");
	cfg.pin = NULL;
	/* The hypercall is the VMM's to offer: a guest cannot call what it was not told of. */
	cfg.parent = IRQLAB_VM_PARENT_HCALL;
	assert_failed(m, irqlab_machine_add_vm(m, &cfg, &out), -EINVAL,
		      "parent=hcall calls a hypercall the VMM does not offer (ims-cap=off)");
	cfg.parent = (enum irqlab_vm_parent)9;
	assert_failed(m, irqlab_machine_add_vm(m, &cfg, &out), -EINVAL, "no parent 9");
	cfg.parent = IRQLAB_VM_PARENT_NONE;
	cfg.detect = (enum irqlab_vm_detect)7;
	assert_failed(m, irqlab_machine_add_vm(m, &cfg, &out), -EINVAL, "no detection rule 7");
	assert_null(out);
	assert_int_equal(irqlab_machine_nr_kernels(m), 2);
	/* Each parent stands between the guest's vector domain and its bus domains. */
	cfg.detect = IRQLAB_VM_DETECT_PROBABLE;
	cfg.name = "gv";
	cfg.parent = IRQLAB_VM_PARENT_VIR;
	assert_int_equal(irqlab_machine_add_vm(m, &cfg, &out), 0);
	assert_int_equal(irqlab_kernel_parent(out), IRQLAB_VM_PARENT_VIR);
	assert_string_equal(irqlab_domain_name(irqlab_domain_next(irqlab_kernel_first_domain(out))),
			    "INTEL-IR-0");
	cfg.name = "gh";
	cfg.parent = IRQLAB_VM_PARENT_HCALL;
	cfg.ims_cap = true;
	assert_int_equal(irqlab_machine_add_vm(m, &cfg, &out), 0);
	assert_int_equal(irqlab_kernel_parent(out), IRQLAB_VM_PARENT_HCALL);
	assert_string_equal(irqlab_domain_name(irqlab_domain_next(irqlab_kernel_first_domain(out))),
			    "HCALL");
	assert_int_equal(irqlab_kernel_parent(irqlab_machine_host(m)), IRQLAB_VM_PARENT_NONE);
	assert_int_equal(irqlab_machine_nr_kernels(m), 4);
	assert_int_equal(irqlab_machine_add_vm(NULL, &cfg, &out), -EINVAL);
	assert_failed(m, irqlab_machine_add_vm(m, NULL, &out), -EINVAL, "no configuration");
	assert_false(irqlab_kernel_is_guest(NULL));
	assert_null(irqlab_machine_find_kernel(m, NULL));
	assert_clean(m);
	irqlab_machine_free(m);

	/* Detection as SCENARIO.md says it: none, cpuid, probable (CPUID bit, then DMI). */
	assert_true(vm_believes_bare_metal(IRQLAB_VM_DETECT_NONE, true, "QEMU"));
	assert_false(vm_believes_bare_metal(IRQLAB_VM_DETECT_CPUID, true, "Dell Inc."));
	assert_true(vm_believes_bare_metal(IRQLAB_VM_DETECT_CPUID, false, "QEMU"));
	assert_false(vm_believes_bare_metal(IRQLAB_VM_DETECT_PROBABLE, false, "QEMU"));
	assert_false(vm_believes_bare_metal(IRQLAB_VM_DETECT_PROBABLE, false, "VMware Inc."));
	assert_true(vm_believes_bare_metal(IRQLAB_VM_DETECT_PROBABLE, false, "QEMU Inc."));
	assert_true(vm_believes_bare_metal(IRQLAB_VM_DETECT_PROBABLE, false, NULL));
	assert_false(vm_believes_bare_metal(IRQLAB_VM_DETECT_PROBABLE, true, NULL));
}

/*
 * A slot list that names a slot twice gives it once: the device knows which of its entries
 * went to guests, and irqlab_device_owner() still sees a split device as split.
 */
static void test_assign_slot_twice(void **state)
{
	struct irqlab_machine *m = new_machine(2, true);
	struct irqlab_kernel *g = add_vm(m, "g0", 1, NULL);
	struct irqlab_device *dsa = add(m, "dsa0", IRQLAB_DEVICE_IMS, 0x6a08, 2);
	unsigned twice[] = {0, 0}, one = 1;

	assert_int_equal(irqlab_assign(g, dsa, twice, 2, NULL), 0);
	assert_ptr_equal(irqlab_entry_owner(dsa, 0), g);
	assert_ptr_equal(irqlab_entry_owner(dsa, 1), irqlab_machine_host(m));
	assert_null(irqlab_device_owner(dsa));
	assert_clean(m);
	/* The other slot too: now the guest has the whole device. */
	assert_int_equal(irqlab_assign(g, dsa, &one, 1, NULL), 0);
	assert_ptr_equal(irqlab_device_owner(dsa), g);
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * Adding a VM, and allocating in it, fail at each allocation point with nothing left behind:
 * the machine has the kernels and the free vectors it had, and its books balance.
 */
static void test_fault_walk_vm(void **state)
{
	unsigned long points = 0;

	for (unsigned long n = 1;; n++) {
		struct irqlab_machine *m = new_machine(4, true);
		struct irqlab_fault *fault = m->fault;
		struct irqlab_device_spec spec;
		struct irqlab_vm_config cfg;
		struct irqlab_kernel *g = NULL;
		struct irqlab_device *vnic = NULL;
		unsigned granted = 0, free0 = 0, free1 = 0;
		const char *site;
		int err, injected;

		irqlab_vm_config_init(&cfg);
		cfg.name = "g0";
		cfg.ncpus = 2;
		irqlab_fault_arm(fault, n);
		err = irqlab_machine_add_vm(m, &cfg, &g);
		if (!err) {
			irqlab_device_spec_init(&spec);
			spec.name = "vnic";
			spec.nr = 4;
			err = irqlab_device_add(g, &spec, &vnic);
		}
		if (!err) {
			/* Fail inside the guest's allocation: its books must stay. */
			irqlab_cpu_free_vectors(g, 0, &free0);
			err = irqlab_alloc_irqs(g, vnic, 4, 4, false, &granted);
		}
		site = fault->failed_site;
		injected = fault->failed_err;
		irqlab_fault_arm(fault, 0);
		assert_clean(m);
		if (!site) {
			assert_int_equal(err, 0);
			irqlab_machine_free(m);
			break;
		}
		points++;
		assert_int_equal(err, injected);
		assert_int_equal(irqlab_machine_errno(m), err);
		if (!g) {
			assert_int_equal(irqlab_machine_nr_kernels(m), 1);
			assert_null(irqlab_machine_find_kernel(m, "g0"));
		} else if (vnic) {
			assert_int_equal(irqlab_cpu_free_vectors(g, 0, &free1), 0);
			assert_int_equal(free1, free0);
		}
		if (g && vnic) {
			struct irqlab_entry_state st;

			assert_int_equal(irqlab_cpu_free_vectors(g, 1, &free1), 0);
			assert_int_equal(irqlab_entry_state(vnic, 0, &st), 0);
			assert_false(st.allocated);
		}
		irqlab_machine_free(m);
	}
	assert_true(points >= 4);
}

/*
 * Device assignment (SCENARIO.md "Virtual machines"): the helpers the assignment tests share.
 */
static struct irqlab_device *add_ims(struct irqlab_machine *m, const char *name, uint16_t rid,
				     unsigned nr, bool queue)
{
	struct irqlab_device_spec spec;
	struct irqlab_device *dev = NULL;

	irqlab_device_spec_init(&spec);
	spec.name = name;
	spec.kind = IRQLAB_DEVICE_IMS;
	spec.rid = rid;
	spec.nr = nr;
	spec.queue_store = queue;
	if (irqlab_device_add(irqlab_machine_host(m), &spec, &dev))
		fail_msg("add %s: %s", name, irqlab_machine_error(m));
	return dev;
}

/* Every entry of @dev is @k's. */
static void assert_owned_by(const struct irqlab_device *dev, const struct irqlab_kernel *k)
{
	for (unsigned i = 0; i < irqlab_device_nr_entries(dev); i++)
		if (irqlab_entry_owner(dev, i) != k)
			fail_msg("%s index %u: owner %s, expected %s", irqlab_device_name(dev), i,
				 irqlab_kernel_name(irqlab_entry_owner(dev, i)),
				 irqlab_kernel_name(k));
}

/*
 * irqlab_assign's refusals, each with its errno and sentence, each changing nothing: no view,
 * the owners as they were, no device added.
 */
static void test_assign_refusals(void **state)
{
	struct irqlab_machine *m = new_machine(4, true), *other = new_machine(2, true);
	struct irqlab_kernel *host = irqlab_machine_host(m), *g0, *g1;
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_device *acc = add_ims(m, "acc0", 0x0400, 8, true);
	struct irqlab_device *pin = add(m, "disk0", IRQLAB_DEVICE_INTX, 0x0800, 1);
	struct irqlab_device *far = add(other, "far0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_device *vnic = NULL, *view = NULL;
	struct irqlab_device_spec spec;
	unsigned upper[] = {4, 5, 6, 7}, beyond[] = {6, 8}, mixed[] = {3, 4}, zero = 0, granted;
	unsigned nr_devices;

	g0 = add_vm(m, "g0", 2, NULL);
	g1 = add_vm(m, "g1", 1, NULL);
	irqlab_device_spec_init(&spec);
	spec.name = "vnic";
	assert_int_equal(irqlab_device_add(g0, &spec, &vnic), 0);
	nr_devices = irqlab_machine_nr_devices(m);

	assert_int_equal(irqlab_assign(NULL, nic, NULL, 0, &view), -EINVAL);
	assert_failed(m, irqlab_assign(g0, NULL, NULL, 0, &view), -EINVAL, "assign: no device");
	assert_failed(m, irqlab_assign(g0, far, NULL, 0, &view), -EINVAL,
		      "assign far0: the device belongs to another machine");
	assert_failed(m, irqlab_assign(g0, acc, NULL, 2, &view), -EINVAL,
		      "assign acc0: 2 slots and no list of them");
	assert_failed(m, irqlab_assign(host, nic, NULL, 0, &view), -EINVAL,
		      "assign nic0: the host is not a VM");
	assert_failed(m, irqlab_assign(g1, vnic, NULL, 0, &view), -EINVAL,
		      "assign vnic: it is g0's own device, not the host's");
	assert_failed(m, irqlab_assign(g0, pin, NULL, 0, &view), -EOPNOTSUPP,
		      "assign disk0: passing a wired INTx pin to a VM is not modelled");
	assert_failed(
		m, irqlab_assign(g0, nic, &zero, 1, &view), -EINVAL,
		"assign nic0: slots= hands out IMS slots; a PCI-MSIX device is assigned whole");
	assert_failed(m, irqlab_assign(g0, acc, beyond, 2, &view), -ERANGE,
		      "assign acc0: slot 8 is beyond its 8 slots");
	assert_null(view);
	assert_null(irqlab_device_in(nic, g0));
	assert_null(irqlab_device_in(acc, g0));
	assert_null(irqlab_device_in(pin, g0));
	assert_owned_by(nic, host);
	assert_owned_by(acc, host);
	assert_ptr_equal(irqlab_device_owner(acc), host);
	assert_int_equal(irqlab_machine_nr_devices(m), nr_devices);

	/* An entry the host has allocated stays the host's. */
	assert_int_equal(irqlab_alloc_irqs(host, nic, 1, 1, false, &granted), 0);
	assert_failed(m, irqlab_assign(g0, nic, NULL, 0, &view), -EBUSY,
		      "assign nic0: the host has entry 0 allocated; free it first");
	assert_int_equal(irqlab_alloc_irqs(host, acc, 1, 1, false, &granted), 0);
	assert_failed(m, irqlab_assign(g1, acc, &zero, 1, &view), -EBUSY,
		      "assign acc0: the host has slot 0 allocated; free it first");
	assert_null(irqlab_device_in(nic, g0));
	assert_owned_by(nic, host);

	/* A slot given once is not given again, to the same VM or another. */
	assert_int_equal(irqlab_assign(g0, acc, upper, 4, &view), 0);
	assert_non_null(view);
	nr_devices = irqlab_machine_nr_devices(m);
	view = NULL;
	assert_failed(m, irqlab_assign(g1, acc, mixed, 2, &view), -EBUSY,
		      "assign acc0: slot 4 is already g0's");
	assert_failed(m, irqlab_assign(g0, acc, upper + 1, 1, &view), -EBUSY,
		      "assign acc0: slot 5 is already g0's");
	assert_failed(m, irqlab_assign(g1, acc, NULL, 0, &view), -EBUSY, "free it first");
	assert_null(view);
	/* Slot 3, named first, was not given either: the whole list is checked first. */
	assert_ptr_equal(irqlab_entry_owner(acc, 3), host);
	assert_null(irqlab_device_in(acc, g1));
	assert_int_equal(irqlab_machine_nr_devices(m), nr_devices);
	assert_clean(m);
	irqlab_machine_free(other);
	irqlab_machine_free(m);
}

/*
 * What assignment makes: a guest's view of the device (same name, kind, requester id and
 * entries, driven by the guest), the owners of its entries, and the lifecycle calls given the
 * host's handle running in the guest on its view. Whole (MSI-X, trapped) and split (IMS in
 * queue memory, not trapped; IMS in device memory, trapped).
 */
static void test_assign_views(void **state)
{
	unsigned pin[2] = {2, 3}, idx[] = {0, 1}, upper[] = {4, 5, 6, 7}, low[] = {0, 1};
	struct irqlab_machine *m = new_machine(4, true);
	struct irqlab_kernel *host = irqlab_machine_host(m), *g0, *g1;
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	struct irqlab_device *acc = add_ims(m, "acc0", 0x0400, 8, true);
	struct irqlab_device *dsa = add_ims(m, "dsa0", 0x0500, 8, false);
	struct irqlab_device *view = NULL, *aview = NULL, *aview1 = NULL, *dview = NULL, *again;
	unsigned nr_devices = irqlab_machine_nr_devices(m), granted = 0, cpu, vector, n;
	struct irqlab_entry_state st;
	struct irqlab_msi_msg msg;
	uint64_t c;

	g0 = add_vm(m, "g0", 2, pin);
	g1 = add_vm(m, "g1", 1, NULL);

	/* Before: the host's device, the host's entries. */
	assert_ptr_equal(irqlab_device_owner(nic), host);
	assert_ptr_equal(irqlab_device_in(nic, host), nic);
	assert_null(irqlab_device_in(nic, g0));
	assert_false(irqlab_device_trapped(nic));
	assert_ptr_equal(irqlab_device_physical(nic), nic);
	assert_null(irqlab_device_physical(NULL));
	assert_null(irqlab_device_owner(NULL));
	assert_null(irqlab_device_in(NULL, host));
	assert_null(irqlab_device_in(nic, NULL));
	assert_false(irqlab_device_trapped(NULL));
	assert_null(irqlab_entry_owner(NULL, 0));
	assert_null(irqlab_entry_owner(nic, 4));
	assert_ptr_equal(irqlab_entry_owner(nic, 3), host);

	/* Whole: one view, in the guest, trapped; the device stays the host's object. */
	assert_int_equal(irqlab_assign(g0, nic, NULL, 0, &view), 0);
	assert_string_equal(irqlab_machine_error(m), "");
	assert_non_null(view);
	assert_ptr_not_equal(view, nic);
	assert_int_equal(irqlab_machine_nr_devices(m), nr_devices + 1);
	assert_ptr_equal(irqlab_machine_device(m, nr_devices), view);
	assert_string_equal(irqlab_device_name(view), "nic0");
	assert_int_equal(irqlab_device_rid(view), 0x0300);
	assert_int_equal(irqlab_device_kind_of(view), IRQLAB_DEVICE_MSIX);
	assert_int_equal(irqlab_device_nr_entries(view), 4);
	assert_ptr_equal(irqlab_device_kernel(view), g0);
	assert_ptr_equal(irqlab_device_kernel(nic), host);
	assert_ptr_equal(irqlab_device_find(m, "nic0"), nic);
	assert_ptr_equal(irqlab_device_in(nic, g0), view);
	assert_ptr_equal(irqlab_device_in(view, g0), view);
	assert_ptr_equal(irqlab_device_in(nic, host), nic);
	assert_ptr_equal(irqlab_device_in(view, host), nic);
	assert_null(irqlab_device_in(nic, g1));
	assert_ptr_equal(irqlab_device_physical(view), nic);
	assert_ptr_equal(irqlab_device_owner(nic), g0);
	assert_ptr_equal(irqlab_device_owner(view), g0);
	assert_true(irqlab_device_trapped(view));
	assert_false(irqlab_device_trapped(nic));
	assert_owned_by(nic, g0);
	assert_owned_by(view, g0);
	assert_clean(m);

	/* The host's handle, used in the guest, is the guest's view. */
	assert_int_equal(irqlab_alloc_irqs(g0, nic, 2, 2, false, &granted), 0);
	assert_int_equal(granted, 2);
	assert_int_equal(irqlab_entry_state(view, 0, &st), 0);
	assert_true(st.allocated);
	assert_false(st.requested);
	/* No backing until the guest unmasks. */
	assert_int_equal(irqlab_entry_state(nic, 0, &st), 0);
	assert_false(st.allocated);
	assert_int_equal(irtes(m), 0);
	assert_int_equal(irqlab_request(g0, nic, idx, 2), 0);
	assert_int_equal(irtes(m), 2);
	assert_int_equal(irqlab_entry_state(view, 1, &st), 0);
	assert_true(st.requested);
	assert_int_equal(st.irte, -1);
	/* The guest's interrupt targets a vCPU; the host's backing the host CPU it runs on. */
	assert_int_equal(irqlab_entry_target(view, 0, &cpu, &vector), 0);
	assert_int_equal(cpu, 1);
	assert_int_equal(vector, 0x20);
	assert_int_equal(irqlab_entry_state(nic, 0, &st), 0);
	assert_true(st.allocated);
	assert_true(st.requested);
	assert_int_equal(st.cpu, 3);
	assert_true(st.irte >= 0);
	assert_int_equal(irqlab_entry_message(view, 0, &msg), 0);
	assert_false(irqlab_msi_is_remappable(&msg));
	assert_int_equal(msg.address_lo, 0xfee01000);
	assert_int_equal(msg.data, 0x20);
	assert_int_equal(irqlab_entry_message(nic, 0, &msg), 0);
	assert_true(irqlab_msi_is_remappable(&msg));
	/* The device sends; the guest's handler gets it, on the host CPU of vCPU 1. */
	assert_int_equal(irqlab_raise(g0, nic, idx, 1, 2), 0);
	assert_int_equal(irqlab_entry_delivered(view, 0, &c), 0);
	assert_int_equal(c, 2);
	assert_int_equal(irqlab_entry_delivered_on(view, 0, 1, &c), 0);
	assert_int_equal(c, 2);
	assert_int_equal(irqlab_entry_count(view, 0, IRQLAB_CLASS_DELIVERED, &c), 0);
	assert_int_equal(c, 2);
	assert_int_equal(count(m, IRQLAB_CLASS_DELIVERED), 2);
	assert_int_equal(irqlab_cpu_delivered(m, 3, &c), 0);
	assert_int_equal(c, 2);
	for (int cls = IRQLAB_CLASS_BLOCKED; cls < IRQLAB_NR_CLASSES; cls++)
		assert_int_equal(count(m, (enum irqlab_class)cls), 0);
	/* The host drives none of it; a kernel with no part of it cannot either. */
	assert_failed(m, irqlab_request(host, nic, idx, 1), -EPERM, "entry 0 is g0's, not host's");
	assert_failed(m, irqlab_store(host, nic, 0, 0xfee00000, 0x30), -EPERM,
		      "entry 0 is g0's, not host's");
	assert_failed(m, irqlab_raise(g1, nic, idx, 1, 1), -EPERM, "not g1");
	assert_clean(m);

	/* Split IMS in queue memory: not trapped, each kernel its own slots. */
	assert_int_equal(irqlab_assign(g0, acc, upper, 4, &aview), 0);
	assert_false(irqlab_device_trapped(aview));
	assert_ptr_equal(irqlab_device_physical(aview), acc);
	assert_null(irqlab_device_owner(acc));
	assert_null(irqlab_device_owner(aview));
	assert_ptr_equal(irqlab_device_in(acc, g0), aview);
	assert_ptr_equal(irqlab_device_in(acc, host), acc);
	assert_null(irqlab_device_in(acc, g1));
	for (unsigned i = 0; i < 8; i++) {
		assert_ptr_equal(irqlab_entry_owner(acc, i), i < 4 ? host : g0);
		/* In the guest's view, the host's slots are no one's. */
		if (i < 4)
			assert_null(irqlab_entry_owner(aview, i));
		else
			assert_ptr_equal(irqlab_entry_owner(aview, i), g0);
	}
	/* More slots to another VM: a view of its own; to the same VM: the same view. */
	assert_int_equal(irqlab_assign(g1, acc, low, 1, &aview1), 0);
	assert_ptr_not_equal(aview1, aview);
	assert_ptr_equal(irqlab_device_in(acc, g1), aview1);
	assert_ptr_equal(irqlab_entry_owner(acc, 0), g1);
	assert_null(irqlab_entry_owner(aview1, 1));
	n = irqlab_machine_nr_devices(m);
	assert_int_equal(irqlab_assign(g1, acc, low + 1, 1, &again), 0);
	assert_ptr_equal(again, aview1);
	assert_int_equal(irqlab_machine_nr_devices(m), n);
	assert_ptr_equal(irqlab_entry_owner(aview1, 1), g1);
	assert_ptr_equal(irqlab_entry_owner(acc, 2), host);

	/* Split IMS in device memory: trapped. All its slots to one VM: that VM owns it. */
	assert_int_equal(irqlab_assign(g0, dsa, upper, 4, &dview), 0);
	assert_true(irqlab_device_trapped(dview));
	assert_null(irqlab_device_owner(dsa));
	assert_int_equal(irqlab_assign(g0, dsa, low, 2, &again), 0);
	assert_ptr_equal(again, dview);
	assert_null(irqlab_device_owner(dsa));
	assert_int_equal(irqlab_assign(g0, dsa, (unsigned[]){2, 3}, 2, NULL), 0);
	assert_ptr_equal(irqlab_device_owner(dsa), g0);
	assert_ptr_equal(irqlab_device_owner(dview), g0);
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * The shared requester id: slots of one IMS function in queue memory split between the host
 * and a VM. The IR unit validates the VM's message by the requester id alone, so a VM that
 * stores the host's remappable message reaches the host's handler: misdelivered, and recorded
 * as one breach by its path.
 */
static void test_assign_breach(void **state)
{
	struct irqlab_machine *m = new_machine(4, true);
	struct irqlab_kernel *host = irqlab_machine_host(m), *g0;
	struct irqlab_device *acc = add_ims(m, "acc0", 0x0400, 8, true), *view = NULL;
	unsigned upper[] = {4, 5, 6, 7}, i0 = 0, i4 = 4, granted;
	struct irqlab_entry_state host0;
	struct irqlab_msi_msg msg;
	struct irqlab_breach b;
	uint64_t c;

	g0 = add_vm(m, "g0", 2, NULL);
	assert_int_equal(irqlab_machine_nr_breaches(m), 0);
	assert_int_equal(irqlab_machine_breach(m, 0, &b), -ERANGE);
	assert_int_equal(irqlab_assign(g0, acc, upper, 4, &view), 0);
	assert_int_equal(irqlab_alloc_irqs(host, acc, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_request(host, acc, &i0, 1), 0);
	assert_int_equal(irqlab_entry_state(acc, 0, &host0), 0);
	assert_true(host0.irte >= 0);
	assert_int_equal(irqlab_entry_message(acc, 0, &msg), 0);
	assert_true(irqlab_msi_is_remappable(&msg));

	/* The guest writes the host's message into its own slot and lets it send. */
	assert_failed(
		m,
		irqlab_store(g0, acc, 0, (uint64_t)msg.address_hi << 32 | msg.address_lo, msg.data),
		-EPERM, "slot 0 is not assigned to g0");
	assert_int_equal(
		irqlab_store(g0, acc, 4, (uint64_t)msg.address_hi << 32 | msg.address_lo, msg.data),
		0);
	assert_int_equal(irqlab_unmask(g0, acc, &i4, 1), 0);
	assert_int_equal(irqlab_raise(g0, acc, &i4, 1, 3), 0);
	assert_int_equal(count(m, IRQLAB_CLASS_MISDELIVERED), 3);
	assert_int_equal(count(m, IRQLAB_CLASS_BLOCKED), 0);
	assert_int_equal(irqlab_entry_delivered(acc, 0, &c), 0);
	assert_int_equal(c, 0);
	/* One path, three messages. */
	assert_int_equal(irqlab_machine_nr_breaches(m), 1);
	assert_int_equal(irqlab_machine_breach(m, 0, &b), 0);
	assert_ptr_equal(irqlab_device_physical(b.dev), acc);
	assert_int_equal(b.index, 4);
	assert_ptr_equal(b.sender, g0);
	assert_true(b.remapped);
	assert_int_equal(b.irte, (unsigned)host0.irte);
	assert_int_equal(b.sid, 0x0400);
	assert_ptr_equal(b.at, host);
	assert_int_equal(b.cpu, host0.cpu);
	assert_int_equal(b.vector, host0.vector);
	assert_int_equal(b.virq, host0.virq);
	assert_ptr_equal(b.handler_dev, acc);
	assert_int_equal(b.handler_index, 0);
	assert_ptr_equal(b.handler_owner, host);
	assert_int_equal(b.count, 3);
	assert_int_equal(irqlab_machine_breach(m, 1, &b), -ERANGE);
	assert_int_equal(irqlab_machine_breach(m, 0, NULL), -EINVAL);
	assert_int_equal(irqlab_machine_breach(NULL, 0, &b), -EINVAL);
	assert_int_equal(irqlab_machine_nr_breaches(NULL), 0);
	/* A caller that knows a shorter struct gets what it knows. */
	memset(&b, 0xa5, sizeof(b));
	assert_int_equal(irqlab_machine_read_breach(m, 0, &b, offsetof(struct irqlab_breach, sid)),
			 0);
	assert_int_equal(b.irte, (unsigned)host0.irte);
	assert_int_equal(b.sid, 0xa5a5);
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * A VM with more vCPUs than the host has CPUs: its entries' deliveries are read per vCPU,
 * beyond the host's CPU numbers, and a CPU beyond the guest's is refused with the guest's count.
 */
static void test_assign_more_vcpus(void **state)
{
	struct irqlab_machine *m = new_machine(2, true);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4), *view = NULL;
	struct irqlab_kernel *g0 = add_vm(m, "g0", 4, NULL);
	unsigned idx[] = {0, 1, 2}, granted = 0, cpu = 0, vector = 0;
	uint64_t c = 0;

	assert_int_equal(irqlab_assign(g0, nic, NULL, 0, &view), 0);
	assert_int_equal(irqlab_alloc_irqs(g0, nic, 3, 3, false, &granted), 0);
	assert_int_equal(irqlab_request(g0, nic, idx, 3), 0);
	assert_int_equal(irqlab_entry_target(view, 2, &cpu, &vector), 0);
	assert_int_equal(cpu, 3);
	assert_int_equal(irqlab_raise(g0, nic, idx + 2, 1, 2), 0);
	assert_int_equal(irqlab_entry_delivered_on(view, 2, 3, &c), 0);
	assert_int_equal(c, 2);
	assert_int_equal(irqlab_entry_delivered_on(view, 2, 1, &c), 0);
	assert_int_equal(c, 0);
	/* vCPU 3 runs on host CPU 1 (3 mod 2): the machine counts it there. */
	assert_int_equal(irqlab_cpu_delivered(m, 1, &c), 0);
	assert_int_equal(c, 2);
	assert_failed(m, irqlab_entry_delivered_on(view, 2, 4, &c), -EINVAL,
		      "cpu 4: no such CPU; g0 has 4");
	assert_failed(m, irqlab_entry_delivered_on(nic, 2, 2, &c), -EINVAL,
		      "cpu 2: no such CPU; host has 2");
	assert_clean(m);
	irqlab_machine_free(m);
}

/* The names of kernel @k's domains, one line each. */
static void domain_names(const struct irqlab_kernel *k, struct irqlab_strbuf *sb)
{
	for (struct irqlab_domain *d = irqlab_kernel_first_domain(k); d; d = irqlab_domain_next(d))
		irqlab_strbuf_printf(sb, "%s irqs=%lu\n", irqlab_domain_name(d),
				     irqlab_domain_nr_irqs(d));
}

/*
 * A guest's alloc of an assigned MSI function that cannot mask, when the host cannot back its
 * live vector (here: no memory for the host's bus domain of the device): the guest tears the
 * vector down again, and that teardown (its mask write, which such a store ignores, and the
 * cleared message) must not make the host back it after all. Nothing is left on the host:
 * no backing, no IRTE, no bus domain of the device.
 */
static void test_assign_nonmaskable_teardown(void **state)
{
	bool seen = false;

	for (unsigned long n = 1; !seen; n++) {
		struct irqlab_machine *m = new_machine(4, true);
		unsigned pin[2] = {2, 3}, granted = 0;
		struct irqlab_kernel *g0 = add_vm(m, "g0", 2, pin), *host = irqlab_machine_host(m);
		struct irqlab_device *disk = add(m, "disk0", IRQLAB_DEVICE_MSI, 0x0400, 1);
		struct irqlab_strbuf before = IRQLAB_STRBUF_INIT, after = IRQLAB_STRBUF_INIT;
		struct irqlab_entry_state st;
		int err;

		assert_int_equal(irqlab_assign(g0, disk, NULL, 0, NULL), 0);
		domain_names(host, &before);
		irqlab_fault_arm(m->fault, n);
		err = irqlab_alloc_irqs(g0, disk, 1, 1, false, &granted);
		/* The point is there to be found before the walk runs out of points. */
		assert_non_null(m->fault->failed_site);
		irqlab_fault_arm(m->fault, 0);
		assert_clean(m);
		seen = err && strstr(irqlab_machine_error(m), "domain IR-PCI-MSI-0000:04:00.0");
		if (seen) {
			domain_names(host, &after);
			assert_string_equal(irqlab_strbuf_str(&before), irqlab_strbuf_str(&after));
			assert_int_equal(irtes(m), 0);
			assert_int_equal(irqlab_entry_state(disk, 0, &st), 0);
			assert_false(st.allocated);
			assert_int_equal(irqlab_entry_state(irqlab_device_in(disk, g0), 0, &st), 0);
			assert_false(st.allocated);
		}
		irqlab_strbuf_release(&before);
		irqlab_strbuf_release(&after);
		irqlab_machine_free(m);
	}
}

/*
 * irqlab_assign failing at each allocation point, each time on a fresh machine: the injected
 * errno with a sentence, no view, every entry still the host's, no device added, the books
 * balanced; then the same call without a fault works. Whole (MSI-X), and IMS slots in device
 * memory (a trapped store of the view's own) and in queue memory (the device's store).
 */
static unsigned long walk_assign(int kind)
{
	unsigned slots[] = {4, 5}, n_slots = kind ? 2 : 0;
	unsigned long points = 0;

	for (unsigned long n = 1;; n++) {
		struct irqlab_machine *m = new_machine(4, true);
		struct irqlab_kernel *host = irqlab_machine_host(m);
		struct irqlab_kernel *g0 = add_vm(m, "g0", 2, NULL);
		struct irqlab_device *dev = kind ? add_ims(m, "acc0", 0x0400, 8, kind == 2)
						 : add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
		unsigned nr_devices = irqlab_machine_nr_devices(m);
		struct irqlab_device *view = NULL;
		struct irqlab_fault *fault = m->fault;
		const char *site;
		int err, injected;

		irqlab_fault_arm(fault, n);
		err = irqlab_assign(g0, dev, kind ? slots : NULL, n_slots, &view);
		site = fault->failed_site;
		injected = fault->failed_err;
		irqlab_fault_arm(fault, 0);
		assert_clean(m);
		if (!site) {
			assert_int_equal(err, 0);
			assert_ptr_equal(irqlab_device_in(dev, g0), view);
			assert_ptr_equal(irqlab_entry_owner(dev, kind ? 4 : 0), g0);
			assert_int_equal(irqlab_device_trapped(view), kind != 2);
			assert_int_equal(irqlab_machine_nr_devices(m), nr_devices + 1);
			irqlab_machine_free(m);
			return points;
		}
		points++;
		if (err != injected)
			fail_msg("point %lu (%s): %d, injected %d", n, site, err, injected);
		assert_int_equal(irqlab_machine_errno(m), err);
		assert_non_null(strstr(irqlab_machine_error(m), "assign"));
		assert_null(view);
		assert_null(irqlab_device_in(dev, g0));
		assert_owned_by(dev, host);
		assert_ptr_equal(irqlab_device_owner(dev), host);
		assert_int_equal(irqlab_machine_nr_devices(m), nr_devices);
		/* Nothing half-made stands in the way: the same call now works. */
		assert_int_equal(irqlab_assign(g0, dev, kind ? slots : NULL, n_slots, &view), 0);
		assert_ptr_equal(irqlab_device_in(dev, g0), view);
		assert_clean(m);
		irqlab_machine_free(m);
	}
}

static void test_fault_walk_assign(void **state)
{
	/* The device table, the view, its entries, its own store when trapped, the VMM's state. */
	assert_true(walk_assign(0) >= 7);
	assert_true(walk_assign(1) >= 8);
	assert_true(walk_assign(2) >= 4);
}

/*
 * The machine a request walk starts from: VM g0 (vCPUs on host CPUs 2 and 3) with nic0
 * assigned whole and 2 entries allocated by the guest, none backed yet.
 */
static struct irqlab_machine *assigned_machine(bool ir, struct irqlab_kernel **g0,
					       struct irqlab_device **nic)
{
	struct irqlab_machine *m = new_machine(4, ir);
	unsigned pin[2] = {2, 3}, granted = 0;

	*g0 = add_vm(m, "g0", 2, pin);
	*nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4);
	assert_int_equal(irqlab_assign(*g0, *nic, NULL, 0, NULL), 0);
	assert_int_equal(irqlab_alloc_irqs(*g0, *nic, 2, 2, false, &granted), 0);
	assert_int_equal(granted, 2);
	return m;
}

/* Both sides as a reader sees them: each kernel's free vectors, the IRTEs, the entries. */
static void assigned_snapshot(struct irqlab_machine *m, struct irqlab_device *nic,
			      struct irqlab_strbuf *sb)
{
	for (unsigned k = 0; k < irqlab_machine_nr_kernels(m); k++) {
		struct irqlab_kernel *kern = irqlab_machine_kernel(m, k);

		for (unsigned cpu = 0; cpu < irqlab_kernel_ncpus(kern); cpu++) {
			unsigned n = 0;

			assert_int_equal(irqlab_cpu_free_vectors(kern, cpu, &n), 0);
			irqlab_strbuf_printf(sb, "%s cpu %u free %u\n", irqlab_kernel_name(kern),
					     cpu, n);
		}
	}
	irqlab_strbuf_printf(sb, "irtes %u\n", irtes(m));
	for (unsigned side = 0; side < 2; side++) {
		struct irqlab_device *dev =
			side ? irqlab_device_in(nic, irqlab_machine_kernel(m, 1)) : nic;

		for (unsigned i = 0; i < irqlab_device_nr_entries(dev); i++) {
			struct irqlab_entry_state st;
			struct irqlab_msi_msg msg = {0};

			assert_int_equal(irqlab_entry_state(dev, i, &st), 0);
			irqlab_entry_message(dev, i, &msg);
			irqlab_strbuf_printf(sb,
					     "%u entry %u alloc %d req %d masked %d pending %d "
					     "cpu %u vector 0x%x msg %08x %08x\n",
					     side, i, st.allocated, st.requested, st.masked,
					     st.pending, st.allocated ? st.cpu : 0,
					     st.allocated ? st.vector : 0, msg.address_lo,
					     msg.data);
		}
	}
	irqlab_platform_dump(m, sb);
}

/* Two snapshots are the same text; else the first line that differs, both ways. */
static void assert_same_text(const char *before, const char *after)
{
	size_t line = 1, start = 0, i = 0;

	for (; before[i] && before[i] == after[i]; i++)
		if (before[i] == '\n') {
			line++;
			start = i + 1;
		}
	if (!before[i] && !after[i])
		return;
	fail_msg("line %zu differs:\n  before: %.*s\n  after:  %.*s", line,
		 (int)strcspn(before + start, "\n"), before + start,
		 (int)strcspn(after + start, "\n"), after + start);
}

/*
 * A guest statement that unmasks entries 0 and 1 of the assigned nic0 (request, or unmask),
 * failing at each allocation point in turn, the host's backings included: the errno is the
 * injected one with a sentence, and both sides read as before (no backing, nothing requested
 * or unmasked, the free vectors and IRTEs of host and guest as they were). A failure the
 * vector level absorbs (it retries on the guest's other vCPU) is a success. After each, the
 * entries deliver into the guest. Returns the points passed.
 */
static unsigned long walk_assigned(bool ir,
				   int (*op)(struct irqlab_kernel *k, struct irqlab_device *dev,
					     const unsigned *idx, unsigned n),
				   unsigned long *backing)
{
	unsigned idx[] = {0, 1};

	*backing = 0;
	for (unsigned long n = 1;; n++) {
		struct irqlab_strbuf before = IRQLAB_STRBUF_INIT, after = IRQLAB_STRBUF_INIT;
		struct irqlab_kernel *g0;
		struct irqlab_device *nic;
		struct irqlab_machine *m = assigned_machine(ir, &g0, &nic);
		struct irqlab_device *view = irqlab_device_in(nic, g0);
		struct irqlab_fault *fault = m->fault;
		struct irqlab_entry_state st;
		const char *site;
		int err, injected;
		uint64_t c;

		assigned_snapshot(m, nic, &before);
		irqlab_fault_arm(fault, n);
		err = op(g0, nic, idx, 2);
		site = fault->failed_site;
		injected = fault->failed_err;
		irqlab_fault_arm(fault, 0);
		assert_clean(m);
		if (err) {
			if (err != injected)
				fail_msg("point %lu (%s): %d, injected %d", n, site, err, injected);
			assert_int_equal(irqlab_machine_errno(m), err);
			assert_true(strlen(irqlab_machine_error(m)) > 0);
			if (strstr(irqlab_machine_error(m), "the host cannot back index"))
				(*backing)++;
			for (unsigned i = 0; i < 2; i++) {
				assert_int_equal(irqlab_entry_state(nic, i, &st), 0);
				assert_false(st.allocated);
				assert_int_equal(irqlab_entry_state(view, i, &st), 0);
				assert_false(st.requested);
				assert_true(st.masked);
			}
			assigned_snapshot(m, nic, &after);
			assert_same_text(irqlab_strbuf_str(&before), irqlab_strbuf_str(&after));
			/* Nothing left half-made: the statement now works. */
			assert_int_equal(op(g0, nic, idx, 2), 0);
		} else if (site) {
			assert_string_equal(site, "vector");
		}
		/* Either way the entries are backed now and deliver into the guest. */
		for (unsigned i = 0; i < 2; i++) {
			assert_int_equal(irqlab_entry_state(nic, i, &st), 0);
			assert_true(st.allocated);
		}
		assert_int_equal(irqlab_raise(g0, nic, idx, 2, 1), 0);
		/* Requested, they reach its handlers; only unmasked, its placeholder vector. */
		assert_int_equal(irqlab_entry_count(view, 1, IRQLAB_CLASS_DELIVERED, &c), 0);
		assert_int_equal(c, op == irqlab_request ? 1 : 0);
		assert_int_equal(count(m, IRQLAB_CLASS_SPURIOUS), op == irqlab_request ? 0 : 2);
		assert_int_equal(count(m, IRQLAB_CLASS_LOST) + count(m, IRQLAB_CLASS_BLOCKED) +
					 count(m, IRQLAB_CLASS_MISDELIVERED),
				 0);
		assert_clean(m);
		irqlab_strbuf_release(&before);
		irqlab_strbuf_release(&after);
		irqlab_machine_free(m);
		if (!site)
			return n - 1;
	}
}

static void test_fault_walk_assigned(void **state)
{
	unsigned long backing;

	/* The guest's side, then the host's backings: its domain, descriptors, vector, IRTE. */
	assert_true(walk_assigned(false, irqlab_request, &backing) >= 13);
	assert_true(backing >= 7);
	assert_true(walk_assigned(false, irqlab_unmask, &backing) >= 11);
	assert_true(backing >= 7);
	assert_true(walk_assigned(true, irqlab_request, &backing) >= 19);
	assert_true(backing >= 13);
	assert_true(walk_assigned(true, irqlab_unmask, &backing) >= 17);
	assert_true(backing >= 13);
}

/*
 * A guest's alloc of an assigned MSI function that cannot mask: its vector is live at once,
 * so the host backs it during the alloc. Each allocation point fails in turn, the host's
 * backing included: the alloc fails with the injected errno and the host's reason, and
 * nothing is left on either side (free vectors, IRTEs, no backing, nothing allocated).
 */
static unsigned long walk_nonmaskable(unsigned long *backing)
{
	*backing = 0;
	for (unsigned long n = 1;; n++) {
		struct irqlab_machine *m = new_machine(4, true);
		unsigned pin[2] = {2, 3}, granted = 0, i0 = 0;
		struct irqlab_kernel *g0 = add_vm(m, "g0", 2, pin);
		struct irqlab_device *disk = add(m, "disk0", IRQLAB_DEVICE_MSI, 0x0400, 1), *view;
		struct irqlab_strbuf before = IRQLAB_STRBUF_INIT, after = IRQLAB_STRBUF_INIT;
		struct irqlab_fault *fault = m->fault;
		struct irqlab_entry_state st;
		const char *site;
		int err, injected;
		uint64_t c;

		assert_false(irqlab_device_maskable(disk));
		assert_int_equal(irqlab_assign(g0, disk, NULL, 0, &view), 0);
		assigned_snapshot(m, disk, &before);
		irqlab_fault_arm(fault, n);
		err = irqlab_alloc_irqs(g0, disk, 1, 1, false, &granted);
		site = fault->failed_site;
		injected = fault->failed_err;
		irqlab_fault_arm(fault, 0);
		assert_clean(m);
		if (err) {
			if (err != injected)
				fail_msg("point %lu (%s): %d, injected %d: %s", n, site, err,
					 injected, irqlab_machine_error(m));
			assert_int_equal(irqlab_machine_errno(m), err);
			if (strstr(irqlab_machine_error(m), "the host cannot back index 0: "))
				(*backing)++;
			assert_int_equal(irqlab_entry_state(disk, 0, &st), 0);
			assert_false(st.allocated);
			assert_int_equal(irqlab_entry_state(view, 0, &st), 0);
			assert_false(st.allocated);
			assigned_snapshot(m, disk, &after);
			assert_same_text(irqlab_strbuf_str(&before), irqlab_strbuf_str(&after));
			assert_int_equal(irqlab_alloc_irqs(g0, disk, 1, 1, false, &granted), 0);
		} else if (site) {
			assert_string_equal(site, "vector");
		}
		assert_int_equal(irqlab_entry_state(disk, 0, &st), 0);
		assert_true(st.allocated);
		assert_int_equal(irtes(m), 1);
		assert_int_equal(irqlab_request(g0, disk, &i0, 1), 0);
		assert_int_equal(irqlab_raise(g0, disk, &i0, 1, 1), 0);
		assert_int_equal(irqlab_entry_delivered(view, 0, &c), 0);
		assert_int_equal(c, 1);
		assert_clean(m);
		irqlab_strbuf_release(&before);
		irqlab_strbuf_release(&after);
		irqlab_machine_free(m);
		if (!site)
			return n - 1;
	}
}

static void test_fault_walk_nonmaskable(void **state)
{
	unsigned long backing;

	/* The guest's domain, descriptors and vector; then the host's, its IRTE included. */
	assert_true(walk_nonmaskable(&backing) >= 14);
	assert_true(backing >= 8);
}

/*
 * Faults in what the host does behind a guest's back, each allocation point failing in turn:
 *   0: the guest frees its entries and the host frees their backings (nothing to fail);
 *   1: the backings' handlers inject into the guest (the counters grow as they go);
 *   2: vCPU 1 goes offline in the guest: the guest moves its interrupts (which may fail,
 *      changing nothing) and the host follows with the backings (best effort: a backing the
 *      host cannot move stays where it is, and the message still reaches the right vCPU).
 * The statement does what it says, the books balance, and the guest gets its messages.
 * Returns the points passed.
 */
static unsigned long walk_behind(int what)
{
	unsigned idx[] = {0, 1};

	for (unsigned long n = 1;; n++) {
		struct irqlab_kernel *g0;
		struct irqlab_device *nic;
		struct irqlab_machine *m = assigned_machine(true, &g0, &nic);
		struct irqlab_kernel *host = irqlab_machine_host(m);
		struct irqlab_device *view = irqlab_device_in(nic, g0);
		struct irqlab_fault *fault = m->fault;
		struct irqlab_entry_state st;
		unsigned host_free = 0, free_now = 0, cpu, vector;
		const char *site;
		uint64_t c;
		int err, injected;

		assert_int_equal(irqlab_cpu_free_vectors(host, 3, &host_free), 0);
		assert_int_equal(irqlab_request(g0, nic, idx, 2), 0);
		irqlab_fault_arm(fault, n);
		if (what == 0)
			err = irqlab_free_irqs(g0, nic);
		else if (what == 1)
			err = irqlab_raise(g0, nic, idx, 2, 2);
		else
			err = irqlab_cpu_offline(g0, 1);
		site = fault->failed_site;
		injected = fault->failed_err;
		irqlab_fault_arm(fault, 0);
		assert_clean(m);
		if (what == 0) {
			assert_int_equal(err, 0);
			assert_int_equal(irtes(m), 0);
			assert_int_equal(irqlab_cpu_free_vectors(host, 3, &free_now), 0);
			assert_int_equal(free_now, host_free);
			for (unsigned i = 0; i < 2; i++) {
				assert_int_equal(irqlab_entry_state(nic, i, &st), 0);
				assert_false(st.allocated);
				assert_int_equal(irqlab_entry_state(view, i, &st), 0);
				assert_false(st.allocated);
			}
		} else if (what == 1) {
			assert_int_equal(err, 0);
			assert_int_equal(count(m, IRQLAB_CLASS_DELIVERED), 4);
			assert_int_equal(irqlab_entry_count(view, 1, IRQLAB_CLASS_DELIVERED, &c),
					 0);
			assert_int_equal(c, 2);
		} else {
			if (err && err != injected)
				fail_msg("point %lu (%s): %d, injected %d", n, site, err, injected);
			/* Where the guest's interrupts are, the host's backings are or were. */
			for (unsigned i = 0; i < 2; i++) {
				assert_int_equal(irqlab_entry_target(view, i, &cpu, &vector), 0);
				assert_int_equal(cpu, err ? 1 : 0);
				assert_int_equal(irqlab_entry_state(nic, i, &st), 0);
				assert_true(st.allocated);
				assert_true(st.cpu == 2 || st.cpu == 3);
			}
			assert_int_equal(irqlab_raise(g0, nic, idx, 2, 1), 0);
			assert_int_equal(irqlab_entry_delivered_on(view, 1, err ? 1 : 0, &c), 0);
			assert_int_equal(c, 1);
			assert_int_equal(count(m, IRQLAB_CLASS_DELIVERED), 2);
		}
		assert_clean(m);
		irqlab_machine_free(m);
		if (!site)
			return n - 1;
	}
}

/*
 * A breach recorded under fault injection: the record's room may fail to grow; the message
 * still counts as misdelivered.
 */
static unsigned long walk_breach(void)
{
	unsigned upper[] = {4, 5, 6, 7}, i0 = 0, i4 = 4;

	for (unsigned long n = 1;; n++) {
		struct irqlab_machine *m = new_machine(4, true);
		struct irqlab_kernel *host = irqlab_machine_host(m), *g0 = add_vm(m, "g0", 2, NULL);
		struct irqlab_device *acc = add_ims(m, "acc0", 0x0400, 8, true);
		struct irqlab_fault *fault = m->fault;
		struct irqlab_msi_msg msg;
		struct irqlab_breach b;
		const char *site;

		assert_int_equal(irqlab_assign(g0, acc, upper, 4, NULL), 0);
		assert_int_equal(irqlab_alloc_irqs(host, acc, 1, 1, false, NULL), 0);
		assert_int_equal(irqlab_request(host, acc, &i0, 1), 0);
		assert_int_equal(irqlab_entry_message(acc, 0, &msg), 0);
		assert_int_equal(irqlab_store(g0, acc, 4, msg.address_lo, msg.data), 0);
		assert_int_equal(irqlab_unmask(g0, acc, &i4, 1), 0);
		irqlab_fault_arm(fault, n);
		assert_int_equal(irqlab_raise(g0, acc, &i4, 1, 2), 0);
		site = fault->failed_site;
		irqlab_fault_arm(fault, 0);
		assert_clean(m);
		assert_int_equal(count(m, IRQLAB_CLASS_MISDELIVERED), 2);
		/* One path; a message that found no room for its record is counted only. */
		assert_int_equal(irqlab_machine_nr_breaches(m), 1);
		assert_int_equal(irqlab_machine_breach(m, 0, &b), 0);
		assert_int_equal(b.count, site && !strcmp(site, "breach") ? 1 : 2);
		irqlab_machine_free(m);
		if (!site)
			return n - 1;
	}
}

static void test_fault_walk_behind(void **state)
{
	/* Freeing allocates nothing; it must still leave nothing behind. */
	walk_behind(0);
	/* The per-CPU counters of the host's backings and of the guest's entries. */
	assert_true(walk_behind(1) >= 4);
	/* The guest's move (4 points, which fail it), then the host's following it (absorbed). */
	assert_true(walk_behind(2) >= 7);
	assert_true(walk_breach() >= 1);
}

static void test_fault_walk(void **state)
{
	for (int ir = 0; ir <= 1; ir++) {
		assert_true(walk(ir, false, op_add) >= 2);
		assert_true(walk(ir, false, op_alloc) >= 2);
		assert_true(walk(ir, true, op_request) >= 1);
		assert_true(walk(ir, true, op_race) >= 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_to_delivery),
		cmocka_unit_test(test_machine_config),
		cmocka_unit_test(test_machine_and_kernels),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_lifecycle_errors),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_intx),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_device_readers),
		cmocka_unit_test(test_domains),
		cmocka_unit_test(test_entry_state),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_ir_unit),
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_fault_walk),
		cmocka_unit_test(test_vms),
		cmocka_unit_test(test_assign_slot_twice),
		cmocka_unit_test(test_fault_walk_vm),
		cmocka_unit_test(test_assign_refusals),
		cmocka_unit_test(test_assign_views),
		cmocka_unit_test(test_assign_breach),
		cmocka_unit_test(test_assign_more_vcpus),
		cmocka_unit_test(test_assign_nonmaskable_teardown),
		cmocka_unit_test(test_fault_walk_assign),
		cmocka_unit_test(test_fault_walk_assigned),
		cmocka_unit_test(test_fault_walk_nonmaskable),
		cmocka_unit_test(test_fault_walk_behind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
