// SPDX-License-Identifier: MIT
/*
 * The hypercall parent (vm parent=hcall) and the guest's virtual IR unit (parent=vir), through
 * the public API: what each guest statement costs in hypercalls, what the host allocates to
 * back it (irqlab_entry_backing) and where, the message the guest stores, multi-MSI through
 * both, and the guest statistics. Then fault walks: a failure at any allocation point, host or
 * guest, fails the statement with the injected errno and leaves host and guest as they were,
 * the hypercalls made still counted.
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

static struct irqlab_machine *new_machine(unsigned ncpus, bool ir, unsigned nr_irtes, bool legacy)
{
	return machine_new(ncpus, ir, nr_irtes, legacy);
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
	spec.queue_store = kind == IRQLAB_DEVICE_IMS;
	/* As the scenario language's default: masked until requested (a non-maskable vector is
	 * activated by its alloc). */
	spec.maskable = true;
	if (irqlab_device_add(irqlab_machine_host(m), &spec, &dev))
		fail_msg("add %s: %s", name, irqlab_machine_error(m));
	return dev;
}

static void assert_clean(struct irqlab_machine *m)
{
	assert_machine_clean(m);
}

static unsigned irtes(struct irqlab_machine *m)
{
	return machine_irtes_used(m);
}

/* A VM whose vCPU i runs on host CPU @pin[i]; parent=hcall comes with the IMS capability. */
static struct irqlab_kernel *add_guest(struct irqlab_machine *m, const char *name, unsigned ncpus,
				       const unsigned *pin, enum irqlab_vm_parent parent)
{
	struct irqlab_vm_config cfg;
	struct irqlab_kernel *k = NULL;

	irqlab_vm_config_init(&cfg);
	cfg.name = name;
	cfg.ncpus = ncpus;
	cfg.pin = pin;
	cfg.parent = parent;
	cfg.ims_cap = parent == IRQLAB_VM_PARENT_HCALL;
	if (irqlab_machine_add_vm(m, &cfg, &k))
		fail_msg("vm %s: %s", name, irqlab_machine_error(m));
	return k;
}

/* @dev assigned whole to @g: the guest's view of it. */
static struct irqlab_device *assign(struct irqlab_kernel *g, struct irqlab_device *dev)
{
	struct irqlab_device *view = NULL;

	if (irqlab_assign(g, dev, NULL, 0, &view))
		fail_msg("assign: %s", irqlab_machine_error(irqlab_kernel_machine(g)));
	assert_non_null(view);
	return view;
}

static struct irqlab_guest_stats stats(const struct irqlab_kernel *g)
{
	struct irqlab_guest_stats gs;

	assert_int_equal(irqlab_kernel_guest_stats(g, &gs), 0);
	return gs;
}

static uint64_t hypercalls(const struct irqlab_kernel *g)
{
	return stats(g).hypercalls;
}

static unsigned free_vectors(const struct irqlab_kernel *k, unsigned cpu)
{
	unsigned n = 0;

	assert_int_equal(irqlab_cpu_free_vectors(k, cpu, &n), 0);
	return n;
}

static struct irqlab_entry_state backing(const struct irqlab_device *view, unsigned i)
{
	struct irqlab_entry_state st;

	assert_int_equal(irqlab_entry_backing(view, i, &st), 0);
	return st;
}

static struct irqlab_entry_state entry(const struct irqlab_device *view, unsigned i)
{
	struct irqlab_entry_state st;

	assert_int_equal(irqlab_entry_state(view, i, &st), 0);
	return st;
}

static struct irqlab_msi_msg message(const struct irqlab_device *dev, unsigned i)
{
	struct irqlab_msi_msg msg;

	assert_int_equal(irqlab_entry_message(dev, i, &msg), 0);
	return msg;
}

static void assert_msg_equal(struct irqlab_msi_msg a, struct irqlab_msi_msg b)
{
	assert_int_equal(a.address_hi, b.address_hi);
	assert_int_equal(a.address_lo, b.address_lo);
	assert_int_equal(a.data, b.data);
}

static uint64_t delivered_on(const struct irqlab_device *dev, unsigned i, unsigned cpu)
{
	uint64_t n = 0;

	assert_int_equal(irqlab_entry_delivered_on(dev, i, cpu, &n), 0);
	return n;
}

static struct irqlab_cpumask one_cpu(unsigned cpu)
{
	struct irqlab_cpumask mask;

	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, cpu);
	return mask;
}

/*
 * Every statement of the hypercall parent and what it costs: request one hypercall per
 * interrupt (the host backs it on the host CPU of the target vCPU, through its IR unit, and
 * returns the message the guest stores unchanged); affinity and a guest CPU going offline one
 * per interrupt moved (the host retargets its IRTE; the message stays); release one per
 * interrupt (the host frees); alloc and the free of released interrupts none; the free of
 * requested ones one per interrupt.
 */
static void test_hcall_statements(void **state)
{
	static const unsigned pin[] = {2, 3};
	struct irqlab_machine *m = new_machine(4, true, 256, true);
	struct irqlab_kernel *g = add_guest(m, "g", 2, pin, IRQLAB_VM_PARENT_HCALL);
	struct irqlab_device *dsa = add(m, "dsa0", IRQLAB_DEVICE_IMS, 0x6a08, 8);
	struct irqlab_device *view = assign(g, dsa);
	unsigned idx[] = {0, 1}, granted = 0, host_free[4];
	struct irqlab_msi_msg msg0, msg1;
	struct irqlab_entry_state st, b;
	struct irqlab_cpumask cpu0 = one_cpu(0);
	struct irqlab_msi_remap f;

	for (unsigned c = 0; c < 4; c++)
		host_free[c] = free_vectors(irqlab_machine_host(m), c);
	/* alloc: no hypercall, nothing in the host, no message. */
	assert_int_equal(irqlab_alloc_irqs(g, view, 2, 2, false, &granted), 0);
	assert_int_equal(granted, 2);
	assert_int_equal(hypercalls(g), 0);
	assert_int_equal(irtes(m), 0);
	assert_false(backing(view, 0).allocated);
	assert_true(entry(view, 0).allocated);
	assert_false(entry(view, 0).requested);
	msg0 = message(view, 0);
	assert_int_equal(msg0.address_lo, 0);
	assert_int_equal(msg0.data, 0);

	/* request: one hypercall each; the host backs each where its vCPU runs. */
	assert_int_equal(irqlab_request(g, view, idx, 2), 0);
	assert_int_equal(hypercalls(g), 2);
	assert_int_equal(irtes(m), 2);
	for (unsigned i = 0; i < 2; i++) {
		struct irqlab_msi_msg msg = message(view, i);

		st = entry(view, i);
		b = backing(view, i);
		assert_true(st.requested);
		assert_true(b.allocated);
		assert_true(b.requested);
		assert_int_equal(b.cpu, pin[st.cpu]);
		assert_true(b.irte >= 0);
		assert_int_equal(st.irte, -1); /* the guest has no IR unit of its own */
		/* The stored message is the host's, for its own IRTE. */
		assert_true(irqlab_msi_is_remappable(&msg));
		assert_int_equal(irqlab_msi_remap_decode(&msg, &f), 0);
		assert_int_equal(f.handle + (f.shv ? f.subhandle : 0), b.irte);
	}
	assert_int_not_equal(backing(view, 0).irte, backing(view, 1).irte);
	/* One host vector each, on the host CPUs the vCPUs run on; none elsewhere. */
	assert_int_equal(free_vectors(irqlab_machine_host(m), 0), host_free[0]);
	assert_int_equal(free_vectors(irqlab_machine_host(m), 1), host_free[1]);
	assert_int_equal(free_vectors(irqlab_machine_host(m), 2) +
				 free_vectors(irqlab_machine_host(m), 3),
			 host_free[2] + host_free[3] - 2);
	msg0 = message(view, 0);
	msg1 = message(view, 1);

	/* affinity: one hypercall; the host retargets its IRTE, the stored message stays. */
	st = entry(view, 0);
	b = backing(view, 0);
	assert_int_equal(irqlab_set_affinity(g, view, idx, 1, &cpu0), 0);
	assert_int_equal(hypercalls(g), 3);
	assert_int_equal(entry(view, 0).cpu, 0);
	assert_int_equal(backing(view, 0).cpu, pin[0]);
	assert_int_equal(backing(view, 0).irte, b.irte);
	assert_msg_equal(message(view, 0), msg0);
	assert_int_equal(irtes(m), 2);
	assert_int_equal(irqlab_raise(g, view, idx, 1, 1), 0);
	assert_int_equal(delivered_on(view, 0, 0), 1);

	/* cpu offline: one hypercall per interrupt it moves (index 1 is on vCPU 1). */
	assert_int_equal(entry(view, 1).cpu, 1);
	assert_int_equal(irqlab_cpu_offline(g, 1), 0);
	assert_int_equal(hypercalls(g), 4);
	assert_int_equal(entry(view, 1).cpu, 0);
	assert_int_equal(backing(view, 1).cpu, pin[0]);
	assert_msg_equal(message(view, 1), msg1);
	assert_int_equal(irqlab_raise(g, view, &idx[1], 1, 1), 0);
	assert_int_equal(delivered_on(view, 1, 0), 1);
	/* Coming back online moves nothing: no hypercall. */
	assert_int_equal(irqlab_cpu_online(g, 1), 0);
	assert_int_equal(hypercalls(g), 4);

	/* release: one hypercall each; the host frees its IRTE and its vector. */
	assert_int_equal(irqlab_release(g, view, idx, 2), 0);
	assert_int_equal(hypercalls(g), 6);
	assert_int_equal(irtes(m), 0);
	assert_false(backing(view, 0).allocated);
	assert_false(backing(view, 1).allocated);
	for (unsigned c = 0; c < 4; c++)
		assert_int_equal(free_vectors(irqlab_machine_host(m), c), host_free[c]);
	/* free of released interrupts: none. */
	assert_int_equal(irqlab_free_irqs(g, view), 0);
	assert_int_equal(hypercalls(g), 6);

	/* free of requested interrupts: one each, as release would make. */
	assert_int_equal(irqlab_alloc_irqs(g, view, 2, 2, false, &granted), 0);
	assert_int_equal(hypercalls(g), 6);
	assert_int_equal(irqlab_request(g, view, idx, 2), 0);
	assert_int_equal(hypercalls(g), 8);
	assert_int_equal(irtes(m), 2);
	assert_int_equal(irqlab_free_irqs(g, view), 0);
	assert_int_equal(hypercalls(g), 10);
	assert_int_equal(irtes(m), 0);
	for (unsigned c = 0; c < 4; c++)
		assert_int_equal(free_vectors(irqlab_machine_host(m), c), host_free[c]);

	/* The host backed four interrupts in all; nothing trapped. */
	assert_int_equal(stats(g).host_allocations, 4);
	assert_int_equal(stats(g).traps, 0);
	assert_int_equal(irqlab_kernel_parent(g), IRQLAB_VM_PARENT_HCALL);
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * A host without IR: the hypercall still backs the interrupt (a compatibility-format message
 * for the host's vector, stored as the host returned it), and a move still makes its
 * hypercall, but the host cannot move the backing without changing the stored message: it
 * stays, and the host injects the guest's vector into the vCPU the guest targets now.
 */
static void test_hcall_host_without_ir(void **state)
{
	static const unsigned pin[] = {2, 3};
	struct irqlab_machine *m = new_machine(4, false, 256, true);
	struct irqlab_kernel *g = add_guest(m, "g", 2, pin, IRQLAB_VM_PARENT_HCALL);
	struct irqlab_device *view = assign(g, add(m, "dsa0", IRQLAB_DEVICE_IMS, 0x6a08, 8));
	struct irqlab_device *mm = assign(g, add(m, "mm0", IRQLAB_DEVICE_MSI, 0x0400, 4));
	unsigned idx[] = {0, 1, 2, 3}, granted = 0, host_free[4];
	struct irqlab_cpumask cpu0 = one_cpu(0);
	struct irqlab_msi_compat f;
	struct irqlab_entry_state b;
	struct irqlab_msi_msg msg;

	assert_int_equal(irqlab_alloc_irqs(g, view, 2, 2, false, &granted), 0);
	assert_int_equal(irqlab_request(g, view, idx, 2), 0);
	assert_int_equal(hypercalls(g), 2);
	assert_int_equal(irtes(m), 0);
	b = backing(view, 0);
	assert_true(b.allocated);
	assert_int_equal(b.irte, -1);
	assert_int_equal(b.cpu, pin[entry(view, 0).cpu]);
	msg = message(view, 0);
	assert_false(irqlab_msi_is_remappable(&msg));
	assert_int_equal(irqlab_msi_compat_decode(&msg, false, &f), 0);
	assert_int_equal(f.dest, b.cpu);
	assert_int_equal(f.vector, b.vector);

	/* The move is asked (one hypercall); the backing and the message stay. */
	assert_int_equal(irqlab_set_affinity(g, view, idx, 1, &cpu0), 0);
	assert_int_equal(hypercalls(g), 3);
	assert_int_equal(entry(view, 0).cpu, 0);
	assert_int_equal(backing(view, 0).cpu, b.cpu);
	assert_int_equal(backing(view, 0).vector, b.vector);
	assert_msg_equal(message(view, 0), msg);
	assert_int_equal(irqlab_raise(g, view, idx, 1, 1), 0);
	assert_int_equal(delivered_on(view, 0, 0), 1);
	assert_clean(m);

	/*
	 * Multi-MSI: without IR the host has no contiguous IRTE block to give, so the hypercall
	 * parent does not offer it: 4 vectors are ENOSPC, and 1-4 grant one (SCENARIO.md's rule
	 * for MSI under a parent that cannot give a block).
	 */
	for (unsigned c = 0; c < 4; c++)
		host_free[c] = free_vectors(irqlab_machine_host(m), c);
	assert_int_equal(irqlab_alloc_irqs(g, mm, 4, 4, false, &granted), -ENOSPC);
	assert_int_equal(irqlab_alloc_irqs(g, mm, 1, 4, false, &granted), 0);
	assert_int_equal(granted, 1);
	assert_int_equal(hypercalls(g), 3);
	assert_int_equal(irqlab_request(g, mm, idx, 1), 0);
	assert_int_equal(hypercalls(g), 4);
	assert_true(backing(mm, 0).allocated);
	for (unsigned c = 0; c < 4; c++)
		assert_int_equal(free_vectors(irqlab_machine_host(m), c),
				 host_free[c] - (backing(mm, 0).cpu == c));
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * Multi-MSI through the hypercall parent: the first vector's hypercall allocates one
 * contiguous block of host IRTEs for the group, each vector its own hypercall and its own
 * IRTE of the block (one message, subhandles); released one by one, the block goes with the
 * last vector.
 */
static void test_hcall_multi_msi(void **state)
{
	static const unsigned pin[] = {2, 3};
	struct irqlab_machine *m = new_machine(4, true, 256, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 2);
	struct irqlab_kernel *g = add_guest(m, "g", 2, pin, IRQLAB_VM_PARENT_HCALL);
	struct irqlab_device *mm = assign(g, add(m, "mm0", IRQLAB_DEVICE_MSI, 0x0400, 4));
	unsigned idx[] = {0, 1, 2, 3}, granted = 0;
	struct irqlab_msi_msg msg0;
	int base;

	/* The host holds IRTE 0: the block cannot start there. */
	assert_int_equal(irqlab_alloc_irqs(host, nic, 1, 1, false, &granted), 0);
	assert_int_equal(irtes(m), 1);
	assert_int_equal(irqlab_alloc_irqs(g, mm, 4, 4, false, &granted), 0);
	assert_int_equal(granted, 4);
	assert_int_equal(hypercalls(g), 0);
	assert_int_equal(irtes(m), 1);
	assert_int_equal(irqlab_request(g, mm, idx, 4), 0);
	assert_int_equal(hypercalls(g), 4);
	assert_int_equal(irtes(m), 5);
	base = backing(mm, 0).irte;
	assert_true(base > 0);
	msg0 = message(mm, 0);
	for (unsigned i = 0; i < 4; i++) {
		struct irqlab_entry_state b = backing(mm, i);
		struct irqlab_msi_msg msg = message(mm, i);
		struct irqlab_msi_remap f;

		assert_true(b.allocated);
		assert_int_equal(b.irte, base + (int)i);
		assert_int_equal(b.cpu, pin[entry(mm, i).cpu]);
		/* One message: the block's first IRTE, each vector its subhandle. */
		assert_int_equal(msg.address_lo, msg0.address_lo);
		assert_int_equal(irqlab_msi_remap_decode(&msg, &f), 0);
		assert_true(f.shv);
		assert_int_equal(f.handle, base);
		assert_int_equal(f.handle + f.subhandle, b.irte);
	}
	assert_int_equal(irqlab_raise(g, mm, idx, 4, 1), 0);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t n = 0;

		assert_int_equal(irqlab_entry_delivered(mm, i, &n), 0);
		assert_int_equal(n, 1);
	}
	/* Released one by one: the block stays while a vector is live. */
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(irqlab_release(g, mm, &idx[i], 1), 0);
		assert_int_equal(hypercalls(g), 5 + i);
		assert_int_equal(irtes(m), 5);
		assert_false(backing(mm, i).allocated);
		assert_true(backing(mm, 3).allocated);
	}
	assert_int_equal(irqlab_release(g, mm, &idx[3], 1), 0);
	assert_int_equal(hypercalls(g), 8);
	assert_int_equal(irtes(m), 1);
	assert_false(backing(mm, 3).allocated);
	/* Requested again, a vector at a time: the first call makes the block again. */
	assert_int_equal(irqlab_request(g, mm, &idx[2], 1), 0);
	assert_int_equal(hypercalls(g), 9);
	assert_int_equal(irtes(m), 5);
	assert_int_equal(backing(mm, 2).irte - 2, base);
	assert_int_equal(irqlab_free_irqs(g, mm), 0);
	assert_int_equal(hypercalls(g), 10);
	assert_int_equal(irtes(m), 1);
	assert_int_equal(stats(g).host_allocations, 8);
	assert_clean(m);
	irqlab_machine_free(m);
}

/* A VM with the given IMS policy and detection inputs, parent=vir. */
static struct irqlab_kernel *add_vir_guest(struct irqlab_machine *m, const char *name,
					   enum irqlab_machine_ims ims, bool cpuid_hv,
					   const char *vendor)
{
	static const unsigned pin[] = {2, 3};
	struct irqlab_vm_config cfg;
	struct irqlab_kernel *k = NULL;

	irqlab_vm_config_init(&cfg);
	cfg.name = name;
	cfg.ncpus = 2;
	cfg.pin = pin;
	cfg.parent = IRQLAB_VM_PARENT_VIR;
	cfg.ims = ims;
	cfg.cpuid_hv = cpuid_hv;
	cfg.dmi_vendor = vendor;
	if (irqlab_machine_add_vm(m, &cfg, &k))
		fail_msg("vm %s: %s", name, irqlab_machine_error(m));
	return k;
}

/*
 * The virtual IR unit: multi-MSI, which a guest's bare vector domain cannot give, works; the
 * host backs the MSI function with one contiguous block of its IRTEs when the guest enables it
 * (at alloc); the guest's moves rewrite only its own IRTEs, and the trapped IRTE write moves
 * the backing to the host CPU of the new vCPU. No hypercalls.
 */
static void test_vir_multi_msi(void **state)
{
	static const unsigned pin[] = {2, 3};
	struct irqlab_machine *m = new_machine(4, true, 256, true);
	struct irqlab_kernel *host = irqlab_machine_host(m);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 2);
	struct irqlab_kernel *g = add_vir_guest(m, "g", IRQLAB_MACHINE_IMS_IR, true, "QEMU");
	struct irqlab_device *mm = assign(g, add(m, "mm0", IRQLAB_DEVICE_MSI, 0x0400, 4));
	unsigned idx[] = {0, 1, 2, 3}, granted = 0;
	struct irqlab_cpumask cpu0 = one_cpu(0);
	struct irqlab_msi_msg before;
	int base;

	assert_int_equal(irqlab_kernel_parent(g), IRQLAB_VM_PARENT_VIR);
	assert_int_equal(irqlab_alloc_irqs(host, nic, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_alloc_irqs(g, mm, 4, 4, false, &granted), 0);
	assert_int_equal(granted, 4);
	/* Backed at once, one block. */
	assert_int_equal(irtes(m), 5);
	base = backing(mm, 0).irte;
	assert_true(base > 0);
	for (unsigned i = 0; i < 4; i++) {
		assert_true(backing(mm, i).allocated);
		assert_int_equal(backing(mm, i).irte, base + (int)i);
		/* The guest's own IRTEs are its vIR's: its messages carry guest handles. */
		assert_int_equal(entry(mm, i).irte, (int)i);
	}
	assert_int_equal(irqlab_request(g, mm, idx, 4), 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(backing(mm, i).cpu, pin[entry(mm, i).cpu]);
	assert_int_equal(irqlab_raise(g, mm, idx, 4, 1), 0);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(delivered_on(mm, i, entry(mm, i).cpu), 1);

	/* A move under vIR: the device's store stays, the backing follows the vCPU. */
	before = message(mm, 3);
	assert_int_equal(irqlab_set_affinity(g, mm, &idx[3], 1, &cpu0), 0);
	assert_int_equal(entry(mm, 3).cpu, 0);
	assert_int_equal(backing(mm, 3).cpu, pin[0]);
	assert_int_equal(backing(mm, 3).irte, base + 3);
	assert_msg_equal(message(mm, 3), before);
	assert_int_equal(irqlab_raise(g, mm, &idx[3], 1, 1), 0);
	assert_int_equal(delivered_on(mm, 3, 0), 1);
	/* And back: it follows again. */
	{
		struct irqlab_cpumask cpu1 = one_cpu(1);

		assert_int_equal(irqlab_set_affinity(g, mm, &idx[3], 1, &cpu1), 0);
		assert_int_equal(backing(mm, 3).cpu, pin[1]);
	}
	assert_int_equal(hypercalls(g), 0);
	assert_true(stats(g).traps > 0);
	assert_int_equal(stats(g).host_allocations, 4);
	/* free: the guest disables MSI, the host frees its block. */
	assert_int_equal(irqlab_free_irqs(g, mm), 0);
	assert_int_equal(irtes(m), 1);
	assert_false(backing(mm, 0).allocated);
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * IMS under the virtual unit: refused by the final design (ims=ir); allowed by the 2020 policy
 * (ims=baremetal) in a guest that believes it runs on bare metal, and refused by the same
 * policy in a guest that knows it is a VM.
 */
static void test_vir_ims_policy(void **state)
{
	struct irqlab_machine *m = new_machine(4, true, 256, true);
	struct irqlab_kernel *g = add_vir_guest(m, "g", IRQLAB_MACHINE_IMS_IR, true, "QEMU");
	struct irqlab_kernel *vm =
		add_vir_guest(m, "vm", IRQLAB_MACHINE_IMS_BAREMETAL, true, "QEMU");
	struct irqlab_kernel *old =
		add_vir_guest(m, "old", IRQLAB_MACHINE_IMS_BAREMETAL, false, "Dell Inc.");
	struct irqlab_device *a = assign(g, add(m, "dsa0", IRQLAB_DEVICE_IMS, 0x6a08, 8));
	struct irqlab_device *b = assign(vm, add(m, "dsa1", IRQLAB_DEVICE_IMS, 0x6b08, 8));
	struct irqlab_device *c = assign(old, add(m, "dsa2", IRQLAB_DEVICE_IMS, 0x6c08, 8));
	unsigned granted = 0, zero = 0;

	assert_false(irqlab_kernel_believes_bare_metal(g));
	assert_false(irqlab_kernel_believes_bare_metal(vm));
	assert_true(irqlab_kernel_believes_bare_metal(old));
	assert_int_equal(irqlab_alloc_irqs(g, a, 1, 1, false, &granted), -EOPNOTSUPP);
	assert_int_equal(irqlab_machine_errno(m), -EOPNOTSUPP);
	assert_false(entry(a, 0).allocated);
	assert_int_equal(irqlab_alloc_irqs(vm, b, 1, 1, false, &granted), -EOPNOTSUPP);
	assert_false(entry(b, 0).allocated);
	assert_int_equal(irqlab_alloc_irqs(old, c, 1, 1, false, &granted), 0);
	assert_int_equal(granted, 1);
	assert_int_equal(irqlab_request(old, c, &zero, 1), 0);
	/* Queue memory is not trapped: nothing backs it, and no hypercall was made. */
	assert_false(backing(c, 0).allocated);
	assert_int_equal(hypercalls(old), 0);
	assert_int_equal(irtes(m), 0);
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * irqlab_ir_fault_count() counts the faults of the guests' emulated units too: garbage a vIR
 * guest writes into its trapped MSI-X entry is blocked by its own IR unit, not the host's.
 */
static void test_vir_fault_count(void **state)
{
	struct irqlab_machine *m = new_machine(4, true, 256, true);
	struct irqlab_kernel *g = add_vir_guest(m, "g", IRQLAB_MACHINE_IMS_IR, true, "QEMU");
	struct irqlab_device *nic = assign(g, add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 2));
	struct irqlab_msi_remap r = {.handle = 100};
	struct irqlab_ir_info info;
	struct irqlab_msi_msg bad;
	unsigned granted = 0, zero = 0;
	uint64_t n = 99;

	assert_int_equal(irqlab_alloc_irqs(g, nic, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_request(g, nic, &zero, 1), 0);
	assert_int_equal(irqlab_raise(g, nic, &zero, 1, 1), 0);
	assert_int_equal(irqlab_ir_fault_count(m, IRQLAB_IR_FAULT_ANY, &n), 0);
	assert_int_equal(n, 0);
	/* A handle of the guest's table whose IRTE is not present: fault 0x22. */
	irqlab_msi_remap_encode(&r, &bad);
	assert_int_equal(
		irqlab_store(g, nic, 0, (uint64_t)bad.address_hi << 32 | bad.address_lo, bad.data),
		0);
	assert_int_equal(irqlab_raise(g, nic, &zero, 1, 2), 0);
	assert_int_equal(irqlab_ir_fault_count(m, IRQLAB_IR_FAULT_ANY, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(irqlab_ir_fault_count(m, 0x22, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(irqlab_ir_fault_count(m, 0x26, &n), 0);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(irqlab_entry_count(nic, 0, IRQLAB_CLASS_BLOCKED, &n), 0);
	assert_int_equal(n, 2);
	/* The host's unit saw nothing wrong. */
	assert_int_equal(irqlab_ir_info(m, &info), 0);
	assert_int_equal(info.blocked, 0);
	assert_int_equal(info.nr_faults, 0);
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * irqlab_kernel_guest_stats for both designs run through the same steps: the trapping guest
 * pays in traps, the calling guest in hypercalls; both had the host allocate two backings.
 */
static void test_guest_stats(void **state)
{
	static const unsigned pin_t[] = {0, 1}, pin_c[] = {2, 3};
	struct irqlab_machine *m = new_machine(4, true, 256, true);
	struct irqlab_kernel *trap = add_guest(m, "trap", 2, pin_t, IRQLAB_VM_PARENT_NONE);
	struct irqlab_kernel *call = add_guest(m, "call", 2, pin_c, IRQLAB_VM_PARENT_HCALL);
	struct irqlab_device *v[2] = {
		assign(trap, add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 4)),
		assign(call, add(m, "nic1", IRQLAB_DEVICE_MSIX, 0x0400, 4)),
	};
	struct irqlab_kernel *k[2] = {trap, call};
	struct irqlab_cpumask cpu0 = one_cpu(0);
	struct irqlab_guest_stats gs;
	unsigned idx[] = {0, 1}, granted = 0;

	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(irqlab_alloc_irqs(k[i], v[i], 2, 2, false, &granted), 0);
		assert_int_equal(irqlab_request(k[i], v[i], idx, 2), 0);
		assert_int_equal(irqlab_set_affinity(k[i], v[i], idx, 1, &cpu0), 0);
		assert_int_equal(irqlab_raise(k[i], v[i], idx, 2, 1), 0);
		assert_int_equal(irqlab_release(k[i], v[i], idx, 2), 0);
		assert_int_equal(irqlab_free_irqs(k[i], v[i]), 0);
	}
	gs = stats(trap);
	assert_true(gs.traps > 0);
	assert_int_equal(gs.hypercalls, 0);
	assert_int_equal(gs.host_allocations, 2);
	gs = stats(call);
	assert_int_equal(gs.traps, 0);
	assert_int_equal(gs.hypercalls, 5); /* 2 requests, 1 move, 2 releases */
	assert_int_equal(gs.host_allocations, 2);
	assert_int_equal(irtes(m), 0);
	/* The host pays nothing to itself. */
	gs = stats(irqlab_machine_host(m));
	assert_int_equal(gs.traps + gs.hypercalls + gs.host_allocations, 0);
	assert_int_equal(irqlab_kernel_guest_stats(NULL, &gs), -EINVAL);
	assert_int_equal(irqlab_kernel_guest_stats(call, NULL), -EINVAL);
	assert_clean(m);
	irqlab_machine_free(m);
}

/*
 * The fault walks. Everything a reader of the API can see of host and guests, and the whole
 * model's dump, as one text: per kernel its CPUs' vector books (online, available, allocated),
 * the host interrupts allocated for each guest; the IRTEs in use; per device entry (guests'
 * views included) its state, its host backing and its stored message. Left out: the guests'
 * hypercall and trap counters, which count failed calls too (the walk checks hypercalls apart).
 */
static void snapshot(struct irqlab_machine *m, struct irqlab_strbuf *sb)
{
	irqlab_strbuf_printf(sb, "kernels %u devices %u irtes %u\n", irqlab_machine_nr_kernels(m),
			     irqlab_machine_nr_devices(m), irtes(m));
	for (unsigned i = 0; i < irqlab_machine_nr_kernels(m); i++) {
		struct irqlab_kernel *k = irqlab_machine_kernel(m, i);

		irqlab_strbuf_printf(sb, "kernel %s host-allocations %llu\n", irqlab_kernel_name(k),
				     (unsigned long long)stats(k).host_allocations);
		for (unsigned cpu = 0; cpu < irqlab_kernel_ncpus(k); cpu++) {
			struct irqlab_vector_stats vs;

			assert_int_equal(irqlab_cpu_vector_stats(k, cpu, &vs), 0);
			irqlab_strbuf_printf(sb, "  cpu %u online %d available %u allocated %u\n",
					     cpu, vs.online, vs.available, vs.allocated);
		}
	}
	for (unsigned d = 0; d < irqlab_machine_nr_devices(m); d++) {
		const struct irqlab_device *dev = irqlab_machine_device(m, d);

		irqlab_strbuf_printf(sb, "device %s in %s\n", irqlab_device_name(dev),
				     irqlab_kernel_name(irqlab_device_kernel(dev)));
		for (unsigned i = 0; i < irqlab_device_nr_entries(dev); i++) {
			struct irqlab_entry_state st = {0}, b = {0};
			struct irqlab_msi_msg msg = {0};
			int e1 = irqlab_entry_state(dev, i, &st);
			int e2 = irqlab_entry_backing(dev, i, &b);
			int e3 = irqlab_entry_message(dev, i, &msg);

			irqlab_strbuf_printf(sb, "  %u: %d alloc %d req %d mask %d pend %d", i, e1,
					     st.allocated, st.requested, st.masked, st.pending);
			irqlab_strbuf_printf(sb, " at %u/0x%x irte %d moving %d/%d", st.cpu,
					     st.vector, st.irte, st.moving, st.move_pending);
			irqlab_strbuf_printf(sb, " | backing %d alloc %d at %u/0x%x irte %d", e2,
					     b.allocated, b.cpu, b.vector, b.irte);
			irqlab_strbuf_printf(sb, " | msg %d %08x:%08x %08x\n", e3, msg.address_hi,
					     msg.address_lo, msg.data);
		}
	}
	irqlab_platform_dump(m, sb);
}

struct walk_case {
	const char *name;
	struct irqlab_machine *(*setup)(void);
	int (*op)(struct irqlab_machine *m);
	const char *guest; /* whose hypercalls the statement makes, or NULL */
	uint64_t calls;	   /* how many it makes when it succeeds */
	uint64_t host;	   /* bit k: hypercall k allocates in the host (a point fails it) */
};

static uint64_t hypercalls_of(struct irqlab_machine *m, const char *guest)
{
	return guest ? hypercalls(irqlab_machine_find_kernel(m, guest)) : 0;
}

/*
 * Fails allocation point n = 1, 2, ... of @wc's statement, each time on a fresh machine, until
 * no point fails. After each failure: the errno is the injected one, in the machine too, with
 * a sentence; the invariants hold; the snapshot is what it was before. A failure the model
 * absorbs (the vector level retrying another CPU; a best-effort retarget under vIR, which a
 * trapped write cannot fail) lets the statement succeed: only the invariants are checked then.
 *
 * The hypercalls: every hypercall counts, the failed one too, and a statement stops at its
 * first failure. So with the points walked in order, the count the statement left is the
 * number of hypercalls it reached: never more than a success makes, never going down from one
 * point to the next and never up by more than one (a failure inside call k leaves k), and each
 * call that allocates in the host (@host) is failed inside at least once. A success makes
 * exactly @calls. Returns the points that failed the statement; *@absorbed, those absorbed.
 */
static unsigned long walk(const struct walk_case *wc, unsigned long *absorbed)
{
	unsigned long failed = 0;
	uint64_t last = 0, seen = 0; /* bit k: a failure left k hypercalls */

	*absorbed = 0;
	for (unsigned long n = 1;; n++) {
		struct irqlab_strbuf before = IRQLAB_STRBUF_INIT, after = IRQLAB_STRBUF_INIT;
		struct irqlab_machine *m = wc->setup();
		struct irqlab_fault *fault = m->fault;
		uint64_t calls0 = hypercalls_of(m, wc->guest), calls;
		const char *site;
		int err, injected;

		snapshot(m, &before);
		irqlab_fault_arm(fault, n);
		err = wc->op(m);
		site = fault->failed_site;
		injected = fault->failed_err;
		irqlab_fault_arm(fault, 0);
		assert_clean(m);
		calls = hypercalls_of(m, wc->guest) - calls0;
		if (!site || !err) {
			if (err)
				fail_msg("%s: point %lu: %d with no failure injected (%s)",
					 wc->name, n, err, irqlab_machine_error(m));
			if (calls != wc->calls)
				fail_msg("%s: a success made %llu hypercalls, not %llu", wc->name,
					 (unsigned long long)calls, (unsigned long long)wc->calls);
			irqlab_strbuf_release(&before);
			irqlab_machine_free(m);
			if (!site)
				break;
			++*absorbed;
			continue;
		}
		failed++;
		if (err != injected)
			fail_msg("%s: point %lu (%s): %d, injected %d: %s", wc->name, n, site, err,
				 injected, irqlab_machine_error(m));
		assert_int_equal(irqlab_machine_errno(m), err);
		assert_true(strlen(irqlab_machine_error(m)) > 0);
		snapshot(m, &after);
		if (strcmp(irqlab_strbuf_str(&before), irqlab_strbuf_str(&after)))
			fail_msg("%s: point %lu (%s) changed the machine:\n%s\n--- after:\n%s",
				 wc->name, n, site, irqlab_strbuf_str(&before),
				 irqlab_strbuf_str(&after));
		if (calls > wc->calls || calls < last || calls > last + 1)
			fail_msg("%s: point %lu (%s): %llu hypercalls after %llu (a success makes "
				 "%llu)",
				 wc->name, n, site, (unsigned long long)calls,
				 (unsigned long long)last, (unsigned long long)wc->calls);
		last = calls;
		seen |= 1ull << calls;
		irqlab_strbuf_release(&before);
		irqlab_strbuf_release(&after);
		irqlab_machine_free(m);
	}
	for (uint64_t k = 1; k <= wc->calls; k++)
		if ((wc->host & 1ull << k) && !(seen & 1ull << k))
			fail_msg("%s: no failure inside hypercall %llu", wc->name,
				 (unsigned long long)k);
	return failed;
}

static const unsigned walk_pin[] = {2, 3};

/* host cpus=4 irtes=256, vm g cpus=2 pin=2,3 parent=@parent, dsa0 (IMS, queue) and mm0
 * (multi-MSI) assigned to it, and a host NIC with one interrupt requested. */
static struct irqlab_machine *walk_machine(bool ir, enum irqlab_vm_parent parent)
{
	struct irqlab_machine *m = new_machine(4, ir, 256, true);
	struct irqlab_device *nic = add(m, "nic0", IRQLAB_DEVICE_MSIX, 0x0300, 2);
	struct irqlab_kernel *g = add_guest(m, "g", 2, walk_pin, parent);
	unsigned zero = 0, granted;

	assert_int_equal(irqlab_alloc_irqs(irqlab_machine_host(m), nic, 1, 1, false, &granted), 0);
	assert_int_equal(irqlab_request(irqlab_machine_host(m), nic, &zero, 1), 0);
	assign(g, add(m, "dsa0", IRQLAB_DEVICE_IMS, 0x6a08, 8));
	assign(g, add(m, "mm0", IRQLAB_DEVICE_MSI, 0x0400, 4));
	return m;
}

static struct irqlab_kernel *guest(struct irqlab_machine *m)
{
	return irqlab_machine_find_kernel(m, "g");
}

static struct irqlab_device *view(struct irqlab_machine *m, const char *name)
{
	return irqlab_device_in(irqlab_device_find(m, name), guest(m));
}

static void alloc_in_guest(struct irqlab_machine *m, const char *dev, unsigned n)
{
	unsigned granted = 0;

	if (irqlab_alloc_irqs(guest(m), view(m, dev), n, n, false, &granted))
		fail_msg("alloc %s: %s", dev, irqlab_machine_error(m));
}

static int request_in_guest(struct irqlab_machine *m, const char *dev, unsigned n)
{
	unsigned idx[] = {0, 1, 2, 3};

	return irqlab_request(guest(m), view(m, dev), idx, n);
}

/* (a) request through the hypercall: dsa0's 2 slots, mm0's 4-vector group. */
static struct irqlab_machine *hcall_dsa_allocated(void)
{
	struct irqlab_machine *m = walk_machine(true, IRQLAB_VM_PARENT_HCALL);

	alloc_in_guest(m, "dsa0", 2);
	return m;
}

static struct irqlab_machine *hcall_dsa_allocated_no_ir(void)
{
	struct irqlab_machine *m = walk_machine(false, IRQLAB_VM_PARENT_HCALL);

	alloc_in_guest(m, "dsa0", 2);
	return m;
}

static struct irqlab_machine *hcall_mm_allocated(void)
{
	struct irqlab_machine *m = walk_machine(true, IRQLAB_VM_PARENT_HCALL);

	alloc_in_guest(m, "mm0", 4);
	return m;
}

static int op_request_dsa(struct irqlab_machine *m)
{
	return request_in_guest(m, "dsa0", 2);
}

static int op_request_mm(struct irqlab_machine *m)
{
	return request_in_guest(m, "mm0", 4);
}

/* (b), (c): both of dsa0's interrupts requested, both on vCPU 1 (host CPU 3). */
static struct irqlab_machine *hcall_dsa_requested(void)
{
	struct irqlab_machine *m = hcall_dsa_allocated();
	struct irqlab_cpumask cpu1 = one_cpu(1);
	unsigned idx[] = {0, 1};

	assert_int_equal(request_in_guest(m, "dsa0", 2), 0);
	assert_int_equal(irqlab_set_affinity(guest(m), view(m, "dsa0"), idx, 2, &cpu1), 0);
	assert_int_equal(backing(view(m, "dsa0"), 0).cpu, walk_pin[1]);
	assert_int_equal(backing(view(m, "dsa0"), 1).cpu, walk_pin[1]);
	return m;
}

static int op_affinity_dsa(struct irqlab_machine *m)
{
	struct irqlab_cpumask cpu0 = one_cpu(0);
	unsigned idx[] = {0, 1};
	int err = irqlab_set_affinity(guest(m), view(m, "dsa0"), idx, 2, &cpu0);

	/* A success moved the backings too. */
	if (!err) {
		assert_int_equal(backing(view(m, "dsa0"), 0).cpu, walk_pin[0]);
		assert_int_equal(backing(view(m, "dsa0"), 1).cpu, walk_pin[0]);
	}
	return err;
}

static int op_offline_vcpu1(struct irqlab_machine *m)
{
	struct irqlab_vector_stats vs;
	int err = irqlab_cpu_offline(guest(m), 1);

	/* Fails cleanly (still online: the snapshot says so) or succeeds, the backings moved. */
	assert_int_equal(irqlab_cpu_vector_stats(guest(m), 1, &vs), 0);
	assert_int_equal(vs.online, err != 0);
	if (!err) {
		assert_int_equal(backing(view(m, "dsa0"), 0).cpu, walk_pin[0]);
		assert_int_equal(backing(view(m, "dsa0"), 1).cpu, walk_pin[0]);
	}
	return err;
}

/* (d) the vIR guest: mm0's alloc (the host's block at enable), then its request. */
static struct irqlab_machine *vir_machine(void)
{
	return walk_machine(true, IRQLAB_VM_PARENT_VIR);
}

static struct irqlab_machine *vir_mm_allocated(void)
{
	struct irqlab_machine *m = vir_machine();

	alloc_in_guest(m, "mm0", 4);
	assert_true(backing(view(m, "mm0"), 3).allocated);
	return m;
}

static int op_alloc_mm(struct irqlab_machine *m)
{
	unsigned granted = 0;
	int err = irqlab_alloc_irqs(guest(m), view(m, "mm0"), 4, 4, false, &granted);

	if (!err)
		for (unsigned i = 0; i < 4; i++)
			assert_true(backing(view(m, "mm0"), i).allocated);
	return err;
}

/* (e) a VM created under injection: a failure leaves no kernel. */
static struct irqlab_machine *bare_machine(void)
{
	return new_machine(4, true, 256, true);
}

static int op_add_vm(struct irqlab_machine *m, enum irqlab_vm_parent parent)
{
	struct irqlab_vm_config cfg;
	struct irqlab_kernel *k = NULL;
	int err;

	irqlab_vm_config_init(&cfg);
	cfg.name = "g";
	cfg.ncpus = 2;
	cfg.pin = walk_pin;
	cfg.parent = parent;
	cfg.ims_cap = true;
	err = irqlab_machine_add_vm(m, &cfg, &k);
	if (err) {
		assert_int_equal(irqlab_machine_nr_kernels(m), 1);
		assert_null(irqlab_machine_find_kernel(m, "g"));
	} else {
		assert_int_equal(irqlab_kernel_parent(k), parent);
	}
	return err;
}

static int op_add_vm_hcall(struct irqlab_machine *m)
{
	return op_add_vm(m, IRQLAB_VM_PARENT_HCALL);
}

static int op_add_vm_vir(struct irqlab_machine *m)
{
	return op_add_vm(m, IRQLAB_VM_PARENT_VIR);
}

/*
 * Each walk asserts at least the points that failed its statement when it was written (and,
 * where the model absorbs failures, at least those it absorbed): fewer means allocation points
 * were lost, or the statement stopped reaching them.
 */
static void test_fault_walk_hcall_request(void **state)
{
	const struct walk_case two = {
		"request dsa0 index=0-1 (hcall)", hcall_dsa_allocated, op_request_dsa, "g", 2, 0x6,
	};
	const struct walk_case two_no_ir = {
		"request dsa0 index=0-1 (hcall, host ir=off)",
		hcall_dsa_allocated_no_ir,
		op_request_dsa,
		"g",
		2,
		0x6,
	};
	/* The group's block comes with the first vector's call: only it allocates. */
	const struct walk_case group = {
		"request mm0 index=0-3 (hcall multi-MSI)",
		hcall_mm_allocated,
		op_request_mm,
		"g",
		4,
		0x2,
	};
	unsigned long absorbed;

	assert_true(walk(&two, &absorbed) >= 12);
	assert_true(walk(&two_no_ir, &absorbed) >= 6);
	assert_true(walk(&group, &absorbed) >= 16);
}

/* The host retargets both backings, or neither moves (guest nor host). */
static void test_fault_walk_hcall_affinity(void **state)
{
	const struct walk_case c = {
		"affinity dsa0 index=0-1 cpus=0 (hcall)",
		hcall_dsa_requested,
		op_affinity_dsa,
		"g",
		2,
		0x6,
	};
	unsigned long absorbed;

	assert_true(walk(&c, &absorbed) >= 7);
	assert_int_equal(absorbed, 0);
}

/* vCPU 1 goes offline with both backings moved, or stays online with nothing moved. */
static void test_fault_walk_hcall_cpu_offline(void **state)
{
	const struct walk_case c = {
		"cpu offline 1 in=g (hcall)", hcall_dsa_requested, op_offline_vcpu1, "g", 2, 0x6,
	};
	unsigned long absorbed;

	assert_true(walk(&c, &absorbed) >= 7);
	assert_int_equal(absorbed, 0);
}

/*
 * The vIR guest's multi-MSI: its alloc (the host's block when the guest enables MSI) fails
 * whole at every point, the host's errno reaching the guest; its request's host work is the
 * retargets its trapped IRTE writes ask, best effort (a failed one leaves the backing where it
 * was and the statement succeeds), so those points are absorbed, not failed.
 */
static void test_fault_walk_vir(void **state)
{
	const struct walk_case alloc = {
		"alloc mm0 count=4 (vir)", vir_machine, op_alloc_mm, "g", 0, 0,
	};
	const struct walk_case request = {
		"request mm0 index=0-3 (vir)", vir_mm_allocated, op_request_mm, "g", 0, 0,
	};
	unsigned long absorbed;

	assert_true(walk(&alloc, &absorbed) >= 34);
	assert_true(walk(&request, &absorbed) >= 1);
	assert_true(absorbed >= 9);
}

/* A VM that cannot be made leaves no kernel, no domain, no emulated IR unit behind. */
static void test_fault_walk_add_vm(void **state)
{
	const struct walk_case hcall = {
		"vm g parent=hcall", bare_machine, op_add_vm_hcall, NULL, 0, 0,
	};
	const struct walk_case vir = {
		"vm g parent=vir", bare_machine, op_add_vm_vir, NULL, 0, 0,
	};
	unsigned long absorbed;

	assert_true(walk(&hcall, &absorbed) >= 12);
	assert_true(walk(&vir, &absorbed) >= 18);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hcall_statements),
		cmocka_unit_test(test_hcall_host_without_ir),
		cmocka_unit_test(test_hcall_multi_msi),
		cmocka_unit_test(test_vir_multi_msi),
		cmocka_unit_test(test_vir_ims_policy),
		cmocka_unit_test(test_vir_fault_count),
		cmocka_unit_test(test_guest_stats),
		cmocka_unit_test(test_fault_walk_hcall_request),
		cmocka_unit_test(test_fault_walk_hcall_affinity),
		cmocka_unit_test(test_fault_walk_hcall_cpu_offline),
		cmocka_unit_test(test_fault_walk_vir),
		cmocka_unit_test(test_fault_walk_add_vm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
