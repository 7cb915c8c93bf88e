// SPDX-License-Identifier: MIT
/*
 * The machine, its kernels and their lifecycle operations. Each operation runs in one kernel,
 * validates everything it can first, takes ahead at every level what it will need (prepare),
 * so that what follows either cannot fail or is undone on failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/irqlab.h"

#include "bus/ioapic.h"
#include "bus/msi_domain.h"
#include "platform/passthrough.h"
#include "iommu/irte_alloc.h"
#include "iommu/remap_domain.h"
#include "platform/fabric.h"
#include "platform/hcall.h"
#include "platform/intx.h"
#include "platform/platform.h"
#include "x86/vector_domain.h"

/* Dynamic interrupts start above the GSIs of one 24-pin IO-APIC, as on a PC. */
#define FIRST_DYNAMIC_VIRQ 24u

struct irqlab_kernel_env *irqlab_kernel_env(const struct irqlab_kernel *k)
{
	return k->priv;
}

struct irqlab_machine *irqlab_kernel_machine(const struct irqlab_kernel *k)
{
	return k ? irqlab_kernel_env(k)->machine : NULL;
}

bool irqlab_kernel_remapped(const struct irqlab_kernel *k)
{
	const struct irqlab_kernel_env *env = irqlab_kernel_env(k);

	/* A hypercall parent stands where an IR unit would, but it is none. */
	return env->msi_parent != env->vector && !irqlab_hcall_domain_is(env->msi_parent);
}

const struct irqlab_apic_slot *irqlab_platform_apic(const struct irqlab_machine *p,
						    unsigned apic_id)
{
	return apic_id < p->cfg.ncpus ? &p->apic[apic_id] : NULL;
}

static void kernel_release(struct irqlab_kernel *k)
{
	struct irqlab_kernel_env *env = k->priv;

	irqlab_kernel_free(k);
	if (env->vir)
		irqlab_ir_unit_destroy(env->vir);
	free(env->vcpu_host);
	free(env);
}

/*
 * A kernel of the machine over @ncpus CPUs of its own, with its vector domain as the root and,
 * for now, that domain as the parent of its bus domains. It shares the machine's injector and
 * error. Nothing is left behind on failure.
 */
static int machine_add_kernel(struct irqlab_machine *p, const char *name, unsigned ncpus,
			      const struct irqlab_vector_config *vcfg, enum irqlab_ims_policy ims,
			      struct irqlab_kernel **out)
{
	struct irqlab_kernel **grown;
	struct irqlab_kernel_env *env;
	struct irqlab_kernel *k;
	int err = -ENOMEM;

	env = irqlab_fault_zalloc(p->fault, sizeof(*env));
	if (!env)
		return -ENOMEM;
	k = irqlab_kernel_new(name, ncpus, p->fault);
	if (!k)
		goto out_free_env;
	k->error = &p->error;
	k->priv = env;
	k->first_virq = FIRST_DYNAMIC_VIRQ;
	env->machine = p;
	env->kernel = k;
	env->ims = ims;
	env->believes_bare_metal = true;
	err = irqlab_vector_domain_create(k, vcfg, &env->vector);
	if (err)
		goto out_free_kernel;
	env->msi_parent = env->vector;
	err = -ENOMEM;
	grown = irqlab_fault_realloc(p->fault, p->kernels, (p->nr_kernels + 1) * sizeof(*grown));
	if (!grown)
		goto out_free_kernel;
	p->kernels = grown;
	p->kernels[p->nr_kernels++] = k;
	*out = k;
	return 0;

out_free_kernel:
	irqlab_kernel_free(k);
out_free_env:
	free(env);
	return err;
}

int irqlab_platform_new(const struct irqlab_platform_config *cfg, struct irqlab_machine **out,
			char *why, size_t len)
{
	/* A zeroed record is "assumed": the host kernel believes what it is told, bare metal. */
	bool bare = irqlab_detect_says_bare_metal(cfg->detection.evidence);
	struct irqlab_vector_config vcfg = {
		.legacy = cfg->legacy,
		.extdest = cfg->extdest,
		.ims = cfg->ims == IRQLAB_IMS_BAREMETAL && bare,
	};
	struct irqlab_fault *fault = cfg->fault;
	struct irqlab_machine *p;
	int err = -ENOMEM;

	if (cfg->ncpus == 0 || cfg->ncpus > IRQLAB_MAX_CPUS) {
		snprintf(why, len, "host: %u CPUs; a machine has 1 to %u", cfg->ncpus,
			 IRQLAB_MAX_CPUS);
		return -EINVAL;
	}
	/* APIC id 0xff is the broadcast: more CPUs need wider destinations. */
	if (cfg->ncpus > 255 && !cfg->ir && !cfg->extdest) {
		snprintf(why, len,
			 "host: %u CPUs need interrupt remapping or extended destination ids "
			 "(ir=on or extdest=on)",
			 cfg->ncpus);
		return -EINVAL;
	}
	if (cfg->ir && (cfg->irtes < IRQLAB_IRTE_MIN_ENTRIES ||
			cfg->irtes > IRQLAB_IRTE_MAX_ENTRIES || (cfg->irtes & (cfg->irtes - 1)))) {
		snprintf(why, len, "host: irtes=%u; the table holds a power of two from %u to %u",
			 cfg->irtes, IRQLAB_IRTE_MIN_ENTRIES, IRQLAB_IRTE_MAX_ENTRIES);
		return -EINVAL;
	}
	p = irqlab_fault_zalloc(fault, sizeof(*p));
	if (!p)
		goto out_nomem;
	p->cfg = *cfg;
	p->fault = fault ? fault : &p->own_fault;
	p->delivered_by_cpu =
		irqlab_fault_zalloc(p->fault, cfg->ncpus * sizeof(*p->delivered_by_cpu));
	p->apic = irqlab_fault_zalloc(p->fault, cfg->ncpus * sizeof(*p->apic));
	if (!p->delivered_by_cpu || !p->apic)
		goto out_free;
	err = machine_add_kernel(p, "host", cfg->ncpus, &vcfg, cfg->ims, &p->host);
	if (err)
		goto out_free;
	irqlab_kernel_env(p->host)->believes_bare_metal = bare;
	irqlab_kernel_env(p->host)->detection = cfg->detection;
	irqlab_kernel_env(p->host)->detection.bare_metal = bare;
	/* Every physical CPU runs the host, with APIC id = CPU number. */
	for (unsigned cpu = 0; cpu < cfg->ncpus; cpu++)
		p->apic[cpu] = (struct irqlab_apic_slot){.kernel = p->host, .cpu = cpu};
	if (cfg->ir) {
		struct irqlab_kernel_env *env = irqlab_kernel_env(p->host);
		struct irqlab_ir_unit_config ucfg = {
			.name = "dmar0",
			.seq_id = 0,
			.nr_entries = cfg->irtes,
			.cfi = cfg->cfi,
			/* x2APIC mode is what lets IR reach APIC ids above 255. */
			.eime = cfg->ncpus > 255,
		};
		struct irqlab_domain *remap;

		err = -ENOMEM;
		p->ir = irqlab_ir_unit_create(&ucfg, p->fault);
		if (!p->ir)
			goto out_free;
		err = irqlab_remap_domain_create(p->host, env->vector, p->ir, false, &remap);
		if (err)
			goto out_free;
		env->msi_parent = remap;
	}
	*out = p;
	return 0;

out_free:
	irqlab_platform_free(p);
out_nomem:
	snprintf(why, len, "host: cannot build the machine (%s)",
		 err == -ENOMEM ? "out of memory" : "hierarchy refused");
	return err;
}

void irqlab_platform_free(struct irqlab_machine *p)
{
	if (!p)
		return;
	/* Tearing down is not something the machine does: it says nothing about it. */
	p->trace = NULL;
	/* The VMMs go first: tearing the guests' interrupts down traps nothing. */
	for (unsigned i = 0; i < p->nr_devices; i++)
		irqlab_passthrough_release(p->devices[i]);
	for (unsigned i = 0; i < p->nr_devices; i++) {
		struct irqlab_device *dev = p->devices[i];

		if (dev->kind == IRQLAB_DEV_INTX) {
			irqlab_intx_free(p, dev);
			continue;
		}
		irqlab_msi_domain_free_irqs(dev);
		/* What is left is the host's backing of guests' entries. */
		for (unsigned e = 0; dev->nr_allocated && e < dev->nr; e++)
			if (dev->entries[e].irq)
				irqlab_msi_domain_free_entry(dev, e);
	}
	irqlab_intx_free_all(p);
	/* Domains go with their kernel, guests before the host; devices own only their stores. */
	for (unsigned i = p->nr_kernels; i-- > 0;)
		kernel_release(p->kernels[i]);
	free(p->kernels);
	for (unsigned i = 0; i < p->nr_devices; i++)
		irqlab_device_free(p->devices[i]);
	free(p->devices);
	free(p->by_name);
	irqlab_id_log_release(&p->dirty_devices);
	if (p->ir)
		irqlab_ir_unit_destroy(p->ir);
	free(p->delivered_by_cpu);
	free(p->breaches);
	free(p->apic);
	free(p);
}

struct irqlab_kernel *irqlab_platform_kernel(const struct irqlab_machine *p, const char *name)
{
	for (unsigned i = 0; i < p->nr_kernels; i++)
		if (strcmp(p->kernels[i]->name, name) == 0)
			return p->kernels[i];
	return NULL;
}

unsigned irqlab_kernel_host_cpu(const struct irqlab_kernel *k, unsigned cpu)
{
	const struct irqlab_kernel_env *env = irqlab_kernel_env(k);

	return env->vcpu_host ? env->vcpu_host[cpu] : cpu;
}

/*
 * A guest's emulated IR unit and its remap domain: caching mode set, its table as large as a
 * real one, its IRTE writes watched by the VMM (passthrough.c). A guest that allows IMS on
 * bare metal and believes it is there never asks whether the unit is virtual.
 */
static int add_vir(struct irqlab_kernel *k, const struct irqlab_platform_vm *cfg)
{
	struct irqlab_kernel_env *env = irqlab_kernel_env(k);
	struct irqlab_ir_unit_config ucfg = {
		.name = "dmar0",
		.nr_entries = IRQLAB_IRTE_MAX_ENTRIES,
		.caching_mode = true,
	};
	int err;

	env->vir = irqlab_ir_unit_create(&ucfg, k->fault);
	if (!env->vir)
		return -ENOMEM;
	err = irqlab_remap_domain_create(k, env->vector, env->vir, true, &env->msi_parent);
	if (err)
		return err;
	if (cfg->ims == IRQLAB_IMS_BAREMETAL && cfg->detection.bare_metal)
		irqlab_remap_domain_offer_ims(env->msi_parent);
	irqlab_passthrough_watch_vir(k);
	return 0;
}

int irqlab_platform_add_vm(struct irqlab_machine *p, const struct irqlab_platform_vm *cfg,
			   struct irqlab_kernel **out)
{
	/* A guest's vector domain: the same matrix rules as the host's, legacy=on. */
	struct irqlab_vector_config vcfg = {
		.legacy = true,
		.ims = cfg->ims == IRQLAB_IMS_BAREMETAL && cfg->detection.bare_metal,
	};
	struct irqlab_kernel *k;
	unsigned *vcpu_host;
	int err;

	irqlab_error_clear(&p->error);
	if (!cfg->name || !cfg->name[0] || strlen(cfg->name) >= sizeof(k->name))
		return irqlab_error_set(&p->error, -EINVAL, "vm: a name of 1 to %zu characters",
					sizeof(k->name) - 1);
	if (irqlab_platform_kernel(p, cfg->name))
		return irqlab_error_set(&p->error, -EEXIST, "vm %s: the name is taken", cfg->name);
	/* A guest without x2APIC or extended destination ids: APIC id 0xff is the broadcast. */
	if (cfg->ncpus == 0 || cfg->ncpus > 255)
		return irqlab_error_set(&p->error, -EINVAL,
					"vm %s: %u vCPUs; a VM here has 1 to 255 (8-bit APIC ids)",
					cfg->name, cfg->ncpus);
	for (unsigned i = 0; cfg->pin && i < cfg->ncpus; i++)
		if (cfg->pin[i] >= p->cfg.ncpus)
			return irqlab_error_set(
				&p->error, -EINVAL,
				"vm %s: vCPU %u pinned to CPU %u; the host has CPUs "
				"0-%u",
				cfg->name, i, cfg->pin[i], p->cfg.ncpus - 1);
	vcpu_host = irqlab_fault_zalloc(p->fault, cfg->ncpus * sizeof(*vcpu_host));
	if (!vcpu_host)
		return irqlab_error_set(&p->error, -ENOMEM, "vm %s: out of memory", cfg->name);
	for (unsigned i = 0; i < cfg->ncpus; i++)
		vcpu_host[i] = cfg->pin ? cfg->pin[i] : i % p->cfg.ncpus;
	err = machine_add_kernel(p, cfg->name, cfg->ncpus, &vcfg, cfg->ims, &k);
	if (err) {
		free(vcpu_host);
		return irqlab_error_set(&p->error, err, "vm %s: out of memory", cfg->name);
	}
	irqlab_kernel_env(k)->vcpu_host = vcpu_host;
	irqlab_kernel_env(k)->believes_bare_metal = cfg->detection.bare_metal;
	irqlab_kernel_env(k)->detection = cfg->detection;
	if (cfg->hcall || cfg->vir) {
		struct irqlab_kernel_env *env = irqlab_kernel_env(k);

		err = cfg->hcall ? irqlab_hcall_domain_create(k, env->vector, &env->msi_parent)
				 : add_vir(k, cfg);
		if (err) {
			p->nr_kernels--;
			kernel_release(k);
			return irqlab_error_set(&p->error, err, "vm %s: out of memory", cfg->name);
		}
	}
	*out = k;
	return 0;
}

const char *irqlab_platform_error(const struct irqlab_machine *p)
{
	return p->error.msg;
}

/*
 * Where every operation starts: the machine's error forgets the last operation, and the
 * device must be one that kernel @k drives.
 */
static int op_begin(struct irqlab_kernel *k, const char *op, const struct irqlab_device *dev)
{
	irqlab_kernel_clear_error(k);
	if (dev && dev->kernel != k)
		return irqlab_kernel_fail(k, -EPERM, "%s %s: the device is driven by %s, not %s",
					  op, dev->name, dev->kernel->name, k->name);
	return 0;
}

/* FNV-1a: names are short, and the table's order is never seen. */
static unsigned name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* The slot of the device named @name, or the empty slot where it would go. */
static struct irqlab_device **name_slot(struct irqlab_device **table, unsigned slots,
					const char *name)
{
	unsigned i = name_hash(name) & (slots - 1);

	while (table[i] && strcmp(table[i]->name, name) != 0)
		i = (i + 1) & (slots - 1);
	return &table[i];
}

/* Room in the name table for one more device, so that adding it cannot fail. */
static int name_table_reserve(struct irqlab_machine *p)
{
	struct irqlab_device **table;
	unsigned slots;

	if (2 * (p->nr_devices + 1) <= p->by_name_slots)
		return 0;
	slots = p->by_name_slots ? 2 * p->by_name_slots : 64;
	table = irqlab_fault_zalloc(p->fault, slots * sizeof(*table));
	if (!table)
		return -ENOMEM;
	for (unsigned i = 0; i < p->nr_devices; i++)
		*name_slot(table, slots, p->devices[i]->name) = p->devices[i];
	free(p->by_name);
	p->by_name = table;
	p->by_name_slots = slots;
	return 0;
}

static bool rid_taken(const struct irqlab_machine *p, uint16_t rid)
{
	return (p->rid_taken[rid / 64] >> (rid % 64)) & 1;
}

int irqlab_platform_devices_reserve(struct irqlab_machine *p)
{
	struct irqlab_device **grown;

	grown = irqlab_fault_realloc(p->fault, p->devices, (p->nr_devices + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->devices = grown;
	return 0;
}

void irqlab_platform_devices_add(struct irqlab_machine *p, struct irqlab_device *dev)
{
	dev->slot = p->nr_devices;
	p->devices[p->nr_devices++] = dev;
}

int irqlab_platform_add_device(struct irqlab_kernel *k, const struct irqlab_device_config *cfg,
			       struct irqlab_device **out)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	struct irqlab_device *dev;
	int err;

	bool emulated = k != p->host;

	op_begin(k, "device", NULL);
	if (irqlab_platform_device(p, cfg->name))
		return irqlab_kernel_fail(k, -EEXIST, "device %s: already exists", cfg->name);
	if (emulated && cfg->kind == IRQLAB_DEV_INTX)
		return irqlab_kernel_fail(
			k, -EOPNOTSUPP,
			"device %s: a VM's IO-APIC is not modelled yet (INTx in %s)", cfg->name,
			k->name);
	/*
	 * The walk only names the holder of a requester id known to be taken. A VM's emulated
	 * devices sit on its own PCI bus: they clash only with each other.
	 */
	for (unsigned i = 0; !emulated && cfg->kind != IRQLAB_DEV_INTX && rid_taken(p, cfg->rid) &&
			     i < p->nr_devices;
	     i++)
		if (p->devices[i]->rid == cfg->rid && p->devices[i]->kind != IRQLAB_DEV_INTX &&
		    !p->devices[i]->emulated && !p->devices[i]->phys)
			return irqlab_kernel_fail(
				k, -EEXIST, "device %s: requester id %s is taken by %s", cfg->name,
				p->devices[i]->bdf, p->devices[i]->name);
	for (unsigned i = 0; emulated && i < p->nr_devices; i++)
		if (p->devices[i]->kernel == k && p->devices[i]->emulated && !p->devices[i]->phys &&
		    p->devices[i]->rid == cfg->rid)
			return irqlab_kernel_fail(k, -EEXIST, "device %s: %s in %s is taken by %s",
						  cfg->name, p->devices[i]->bdf, k->name,
						  p->devices[i]->name);
	if (name_table_reserve(p) || irqlab_platform_devices_reserve(p))
		return irqlab_kernel_fail(k, -ENOMEM, "device %s: out of memory", cfg->name);
	err = irqlab_device_new(k, cfg, &dev);
	if (err)
		return err;
	for (unsigned i = 0; i < dev->nr; i++)
		dev->entries[i].owner = k;
	dev->emulated = emulated;
	irqlab_platform_devices_add(p, dev);
	*name_slot(p->by_name, p->by_name_slots, dev->name) = dev;
	if (dev->kind != IRQLAB_DEV_INTX && !emulated)
		p->rid_taken[dev->rid / 64] |= UINT64_C(1) << (dev->rid % 64);
	*out = dev;
	return 0;
}

struct irqlab_device *irqlab_platform_device(const struct irqlab_machine *p, const char *name)
{
	if (!p->by_name_slots)
		return NULL;
	return *name_slot(p->by_name, p->by_name_slots, name);
}

/*
 * Sends what unmasking left to send, in entry order: a guest's view first (its VMM replays
 * what the emulated entries latched), then the device itself (what the real entries latched
 * before the host backed them).
 */
static void flush_resends(struct irqlab_machine *p, struct irqlab_device *dev)
{
	/* A view without a trap latched in the device's own store: the device sends. */
	struct irqlab_device *from = dev->store_borrowed ? dev->phys : dev;

	for (unsigned i = 0; dev->nr_resend && i < dev->nr; i++) {
		struct irqlab_msi_msg msg;

		if (!dev->entries[i].resend)
			continue;
		irqlab_device_set_resend(dev, i, false);
		if (!irqlab_device_read_msg(dev, i, &msg))
			irqlab_platform_deliver(p, from, i, &msg, NULL);
	}
	if (dev->phys)
		flush_resends(p, dev->phys);
}

/*
 * A guest whose bus domains sit right under its vector domain (no IR unit, no hypercall
 * parent) allows IMS only as its policy says: never under ims=ir (the final design), and under
 * ims=baremetal only when it concluded it runs on bare metal (the earlier proposal, which an
 * undetected VM then follows into the host). -EOPNOTSUPP naming the rule, or 0.
 */
static int guest_ims_rule(struct irqlab_kernel *k, const struct irqlab_device *dev,
			  const struct irqlab_kernel_env *env)
{
	if (env->ims == IRQLAB_IMS_IR)
		return irqlab_kernel_fail(
			k, -EOPNOTSUPP,
			"alloc %s: %s allows IMS only under a non-virtual IR unit or a hypercall "
			"parent (ims=ir), and its devices sit right under its vector domain",
			dev->name, k->name);
	if (!env->believes_bare_metal)
		return irqlab_kernel_fail(
			k, -EOPNOTSUPP,
			"alloc %s: %s allows IMS under its vector domain only on bare metal "
			"(ims=baremetal), and it detected that it runs in a VM",
			dev->name, k->name);
	return 0;
}

int irqlab_platform_alloc(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned min,
			  unsigned max, bool managed, unsigned *granted)
{
	struct irqlab_kernel_env *env = irqlab_kernel_env(k);
	bool had_domain = dev->domain != NULL;
	struct irqlab_msi_msg was = {0};
	int err = op_begin(k, "alloc", dev);

	if (err)
		return err;
	if (min == 0 || min > max)
		return irqlab_kernel_fail(k, -EINVAL, "alloc %s: between %u and %u interrupts",
					  dev->name, min, max);
	if (dev->kind == IRQLAB_DEV_IMS && env->ims == IRQLAB_IMS_OFF)
		return irqlab_kernel_fail(k, -EOPNOTSUPP,
					  "alloc %s: the %s kernel has no IMS support (ims=off)",
					  dev->name, k->name);
	if (dev->kind == IRQLAB_DEV_IMS && env->vcpu_host && env->msi_parent == env->vector &&
	    guest_ims_rule(k, dev, env))
		return -EOPNOTSUPP;
	if (dev->kind == IRQLAB_DEV_INTX) {
		if (min > 1 || managed)
			return irqlab_kernel_fail(k, min > 1 ? -ENOSPC : -EINVAL,
						  "alloc %s: an INTx pin is one interrupt, not %s",
						  dev->name, managed ? "a managed one" : "several");
		err = irqlab_intx_alloc(k, dev);
		*granted = err ? 0 : 1;
		return err;
	}
	err = irqlab_msi_domain_create(dev, env->msi_parent);
	if (err)
		return err;
	/* A trapped MSI function's one message, in case the host cannot back what is enabled. */
	if (dev->emulated && dev->phys && dev->kind == IRQLAB_DEV_MSI)
		irqlab_store_read(dev->store, 0, &was);
	err = irqlab_msi_domain_alloc(dev, min, max, managed, granted);
	/*
	 * A vector that cannot be masked is live from its allocation: a trapped one the host
	 * backed when the guest enabled the function, or the allocation is undone.
	 */
	if (!err && dev->emulated && dev->phys && dev->kind == IRQLAB_DEV_MSI) {
		for (unsigned i = 0; i < dev->nr && !err; i++) {
			struct irqlab_error why = {0};

			if (!dev->entries[i].irq || irqlab_passthrough_backing(dev, i))
				continue;
			/* The host's errno and reason, as request and unmask report them. */
			err = irqlab_passthrough_unbacked(dev, &why);
			irqlab_kernel_fail(k, err, "alloc %s: the host cannot back index %u: %s",
					   dev->name, i, why.msg);
		}
		/* Undone, the guest's message too: its store holds what it held. */
		if (err) {
			irqlab_msi_domain_free_irqs(dev);
			irqlab_store_write_msg(dev->store, 0, &was);
		}
	}
	/* A first allocation that fails leaves no domain behind either. */
	if (err && !had_domain) {
		irqlab_domain_destroy(dev->domain);
		dev->domain = NULL;
	}
	return err;
}

int irqlab_platform_free_irqs(struct irqlab_kernel *k, struct irqlab_device *dev)
{
	int err = op_begin(k, "free", dev);

	if (err)
		return err;
	if (!dev->nr_allocated)
		return irqlab_kernel_fail(k, -EINVAL, "free %s: nothing is allocated", dev->name);
	if (dev->kind == IRQLAB_DEV_INTX)
		irqlab_intx_free(irqlab_kernel_machine(k), dev);
	else
		irqlab_msi_domain_free_irqs(dev);
	return 0;
}

/* -EPERM: entry @index of @dev is another kernel's (assigned) or no one's in this view. */
static int entry_not_mine(struct irqlab_kernel *k, const char *op, const struct irqlab_device *dev,
			  unsigned index)
{
	const struct irqlab_kernel *owner = dev->entries[index].owner;
	const char *what = dev->kind == IRQLAB_DEV_IMS ? "slot" : "entry";

	if (!owner)
		return irqlab_kernel_fail(k, -EPERM, "%s %s: %s %u is not assigned to %s", op,
					  dev->name, what, index, k->name);
	return irqlab_kernel_fail(k, -EPERM, "%s %s: %s %u is %s's, not %s's", op, dev->name, what,
				  index, owner->name, k->name);
}

/*
 * An index list names at least one entry of @dev, each once: -EINVAL for an empty list or an
 * index named twice (they would be taken ahead twice), -ERANGE beyond the entries. O(n),
 * marking the entries named and clearing the marks again.
 */
static int check_indexes(struct irqlab_kernel *k, const char *op, struct irqlab_device *dev,
			 const unsigned *idx, unsigned n)
{
	unsigned i, twice = 0;
	bool dup = false;

	if (!n)
		return irqlab_kernel_fail(k, -EINVAL, "%s %s: no index given", op, dev->name);
	for (i = 0; i < n; i++) {
		if (idx[i] >= dev->nr)
			return irqlab_kernel_fail(k, -ERANGE,
						  "%s %s: index %u beyond its %u entries", op,
						  dev->name, idx[i], dev->nr);
		if (dev->entries[idx[i]].owner != k)
			return entry_not_mine(k, op, dev, idx[i]);
	}
	for (i = 0; i < n && !dup; i++) {
		dup = dev->entries[idx[i]].named;
		twice = idx[i];
		dev->entries[idx[i]].named = true;
	}
	for (unsigned j = 0; j < i; j++)
		dev->entries[idx[j]].named = false;
	if (dup)
		return irqlab_kernel_fail(k, -EINVAL, "%s %s: index %u is named twice", op,
					  dev->name, twice);
	return 0;
}

int irqlab_platform_check_allocated(struct irqlab_kernel *k, const char *op,
				    struct irqlab_device *dev, const unsigned *idx, unsigned n)
{
	int err = check_indexes(k, op, dev, idx, n);

	for (unsigned i = 0; !err && i < n; i++)
		if (!dev->entries[idx[i]].irq)
			err = irqlab_kernel_fail(k, -EINVAL, "%s %s: index %u is not allocated", op,
						 dev->name, idx[i]);
	return err;
}

/*
 * Takes ahead, at every level, what activating (@mask NULL) or moving each of the n entries
 * needs: all or nothing. On failure *@failed is the position in @idx that failed.
 */
static int prepare_all(struct irqlab_device *dev, const unsigned *idx, unsigned n,
		       const struct irqlab_cpumask *mask, unsigned *failed)
{
	unsigned i;
	int err = 0;

	for (i = 0; i < n; i++) {
		err = irqlab_irq_prepare(dev->entries[idx[i]].irq, mask);
		if (err)
			break;
	}
	if (!err)
		return 0;
	*failed = i;
	while (i-- > 0)
		irqlab_irq_abort(dev->entries[idx[i]].irq);
	return err;
}

/*
 * The backings a trapped view's entries @idx will need when this statement unmasks them, each
 * on the host CPU of the vCPU it will target, taken ahead: all or nothing. An entry that will
 * stay masked or shut down needs none yet.
 */
static int prepare_backings(struct irqlab_kernel *k, const char *op, struct irqlab_device *dev,
			    const unsigned *idx, unsigned n)
{
	unsigned *live, *cpus, nr = 0;
	int err = 0;

	if (!dev->pt || !dev->emulated)
		return 0;
	live = irqlab_fault_zalloc(k->fault, 2 * n * sizeof(*live));
	if (!live)
		return irqlab_kernel_fail(k, -ENOMEM, "%s %s: out of memory", op, dev->name);
	cpus = live + n;
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq *irq = dev->entries[idx[i]].irq;

		if (!irq || irqlab_passthrough_backing(dev, idx[i]) ||
		    !irqlab_store_enabled(dev->store))
			continue;
		if (irq->managed && !irqlab_cpumask_intersects(irq->affinity, &k->online))
			continue;
		live[nr] = idx[i];
		cpus[nr++] = irqlab_vector_next_cpu(irq->top);
	}
	err = irqlab_passthrough_prepare(dev, live, cpus, nr);
	free(live);
	if (err)
		irqlab_error_prefix(k->error, "%s %s", op, dev->name);
	return err;
}

int irqlab_platform_request(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			    unsigned n)
{
	unsigned i, failed;
	int err = op_begin(k, "request", dev);

	if (err)
		return err;
	err = irqlab_platform_check_allocated(k, "request", dev, idx, n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (dev->entries[idx[i]].irq->started)
			return irqlab_kernel_fail(k, -EBUSY,
						  "request %s: index %u is already requested",
						  dev->name, idx[i]);
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_request(k, dev);
	/* Everything ahead: then activation cannot fail, and a failure changed nothing. */
	err = prepare_all(dev, idx, n, NULL, &failed);
	/* A level above the vectors (a hypercall) said why: put the statement in front. */
	if (err && k->error->code)
		return irqlab_error_prefix(k->error, "request %s: index %u", dev->name,
					   idx[failed]);
	if (err)
		return irqlab_kernel_fail(
			k, err, "request %s: index %u: %s", dev->name, idx[failed],
			err == -EINVAL ? "no CPU of its managed mask is online" : "no free vector");
	/* A trapped entry the guest unmasks needs the host's backing: ahead too. */
	err = prepare_backings(k, "request", dev, idx, n);
	if (err) {
		for (i = 0; i < n; i++)
			irqlab_irq_abort(dev->entries[idx[i]].irq);
		return err;
	}
	for (i = 0; i < n; i++) {
		struct irqlab_irq *irq = dev->entries[idx[i]].irq;

		irq->started = true;
		/* A managed interrupt with no online CPU starts shut down (IRQ_STARTUP_ABORT). */
		if (irq->managed && !irqlab_cpumask_intersects(irq->affinity, &k->online))
			irqlab_irq_set_managed_shutdown(irq, true);
		if (irq->managed_shutdown)
			continue;
		if (irqlab_irq_activated(irq)) {
			/* A fixed interrupt is active since allocation: only the mask changes. */
			if (irqlab_device_unmask(dev, idx[i]))
				irqlab_device_set_resend(dev, idx[i], true);
			continue;
		}
		err = irqlab_irq_activate(irq, false);
		if (err) {
			/* Cannot happen once everything is taken; say so rather than hide it. */
			irq->started = false;
			while (++i < n)
				irqlab_irq_abort(dev->entries[idx[i]].irq);
			irqlab_passthrough_finish(dev);
			return err;
		}
	}
	irqlab_passthrough_finish(dev);
	flush_resends(irqlab_kernel_machine(k), dev);
	return 0;
}

int irqlab_platform_release(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			    unsigned n)
{
	int err = op_begin(k, "release", dev);

	if (err)
		return err;
	err = irqlab_platform_check_allocated(k, "release", dev, idx, n);
	if (err)
		return err;
	for (unsigned i = 0; i < n; i++)
		if (!dev->entries[idx[i]].irq->started)
			return irqlab_kernel_fail(k, -EINVAL,
						  "release %s: index %u is not requested",
						  dev->name, idx[i]);
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_release(k, dev);
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq *irq = dev->entries[idx[i]].irq;

		irq->started = false;
		irqlab_irq_deactivate(irq);
	}
	return 0;
}

/*
 * irq_set_affinity_locked for one interrupt: an active interrupt whose message would change,
 * or with a move already pending, waits for its next interrupt (*@deferred); the others take
 * ahead what moving now needs, and wait too while the vector domain completes their previous
 * move (irq_try_set_affinity on EBUSY). Nothing is taken when it fails.
 */
static int prepare_move(struct irqlab_irq *irq, const struct irqlab_cpumask *mask, bool *deferred)
{
	int err;

	*deferred = irqlab_irq_activated(irq) &&
		    (!irqlab_irq_moves_in_process_context(irq) || irq->move_pending);
	if (*deferred)
		return 0;
	err = irqlab_irq_prepare(irq, mask);
	if (err == -EBUSY && irqlab_irq_activated(irq)) {
		*deferred = true;
		return 0;
	}
	return err;
}

int irqlab_platform_affinity_prepare(struct irqlab_kernel *k, struct irqlab_device *dev,
				     const unsigned *idx, unsigned n,
				     const struct irqlab_cpumask *mask, bool *deferred,
				     const struct irqlab_cpumask **held)
{
	unsigned i;
	int err = op_begin(k, "affinity", dev);

	if (err)
		return err;
	err = irqlab_platform_check_allocated(k, "affinity", dev, idx, n);
	if (err)
		return err;
	/* The kernel owns a managed interrupt's affinity (irq_can_set_affinity_usr). */
	for (i = 0; i < n; i++)
		if (dev->entries[idx[i]].irq->managed)
			return irqlab_kernel_fail(
				k, -EIO,
				"affinity %s: index %u is managed: the kernel owns its affinity",
				dev->name, idx[i]);
	/* write_irq_affinity refuses a mask with no online CPU before anything else. */
	if (!irqlab_cpumask_intersects(mask, &k->online))
		return irqlab_kernel_fail(k, -EINVAL, "affinity %s: no online CPU in the mask",
					  dev->name);
	/* The kernel's copy of the mask, which every entry then shares without failing. */
	*held = irqlab_mask_hold(&k->masks, mask);
	if (!*held)
		return irqlab_kernel_fail(k, -ENOMEM, "affinity %s: out of memory", dev->name);
	for (i = 0; i < n && !err; i++)
		err = prepare_move(dev->entries[idx[i]].irq, mask, &deferred[i]);
	if (err)
		i--;
	if (!err)
		return 0;
	for (unsigned j = 0; j < i; j++)
		if (!deferred[j])
			irqlab_irq_abort(dev->entries[idx[j]].irq);
	irqlab_mask_put(&k->masks, *held);
	*held = NULL;
	if (err == -EINVAL)
		return irqlab_kernel_fail(k, err, "affinity %s: no online CPU in the mask",
					  dev->name);
	return irqlab_kernel_fail(k, err, "affinity %s: index %u: no free vector on those CPUs",
				  dev->name, idx[i]);
}

void irqlab_platform_affinity_commit(struct irqlab_kernel *k, struct irqlab_irq *irq,
				     const struct irqlab_cpumask *mask, bool deferred)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);

	if (!deferred) {
		irqlab_irq_set_affinity(irq, mask, false);
		return;
	}
	/* The caller holds the mask: this cannot fail. */
	irqlab_irq_set_pending(irq, mask);
	if (p->trace) {
		char cpus[64], line[128];

		irqlab_cpumask_format(mask, cpus, sizeof(cpus));
		snprintf(line, sizeof(line),
			 "  irq %u: move to CPUs %s pending until its next interrupt", irq->virq,
			 cpus);
		p->trace(p->trace_ctx, line);
	}
}

int irqlab_platform_affinity(struct irqlab_kernel *k, struct irqlab_device *dev,
			     const unsigned *idx, unsigned n, const struct irqlab_cpumask *mask)
{
	bool *deferred = n ? irqlab_fault_zalloc(k->fault, n * sizeof(*deferred)) : NULL;
	const struct irqlab_cpumask *held = NULL;
	int err;

	if (n && !deferred) {
		op_begin(k, "affinity", dev);
		return irqlab_kernel_fail(k, -ENOMEM, "affinity %s: out of memory", dev->name);
	}
	/* Everything ahead: then no move below can fail, and a failure moved nothing. */
	err = irqlab_platform_affinity_prepare(k, dev, idx, n, mask, deferred, &held);
	if (!err) {
		for (unsigned i = 0; i < n; i++)
			irqlab_platform_affinity_commit(k, dev->entries[idx[i]].irq, held,
							deferred[i]);
		irqlab_mask_put(&k->masks, held);
		irqlab_fabric_flush_retriggers(k);
	}
	free(deferred);
	return err;
}

int irqlab_platform_irq_retarget(struct irqlab_kernel *k, struct irqlab_irq *irq,
				 const struct irqlab_cpumask *mask)
{
	const struct irqlab_cpumask *held;
	bool deferred;
	int err = 0;

	if (!irqlab_cpumask_intersects(mask, &k->online))
		return irqlab_kernel_fail(k, -EINVAL, "irq %u: no online CPU in the mask",
					  irq->virq);
	held = irqlab_mask_hold(&k->masks, mask);
	if (!held)
		return irqlab_kernel_fail(k, -ENOMEM, "irq %u: out of memory", irq->virq);
	err = prepare_move(irq, held, &deferred);
	if (!err)
		irqlab_platform_affinity_commit(k, irq, held, deferred);
	else
		irqlab_kernel_fail(k, err, "irq %u: no free vector on CPU %u", irq->virq,
				   irqlab_cpumask_first(mask));
	irqlab_mask_put(&k->masks, held);
	return err;
}

int irqlab_platform_mask(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			 unsigned n, bool mask)
{
	const char *op = mask ? "mask" : "unmask";
	int err = op_begin(k, op, dev);

	if (err)
		return err;
	if (!irqlab_device_can_mask(dev))
		return irqlab_kernel_fail(k, -EOPNOTSUPP, "%s %s: the device cannot mask", op,
					  dev->name);
	err = check_indexes(k, op, dev, idx, n);
	if (err)
		return err;
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_mask(k, dev, mask);
	if (!mask) {
		err = prepare_backings(k, op, dev, idx, n);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < n; i++) {
		if (mask)
			irqlab_device_mask(dev, idx[i]);
		else if (irqlab_device_unmask(dev, idx[i]))
			irqlab_device_set_resend(dev, idx[i], true);
	}
	irqlab_passthrough_finish(dev);
	flush_resends(irqlab_kernel_machine(k), dev);
	return 0;
}

int irqlab_platform_raise(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			  unsigned n, unsigned count)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	int err = op_begin(k, "raise", dev);

	if (err)
		return err;
	if (!count)
		return irqlab_kernel_fail(k, -EINVAL, "raise %s: a count of 0 raises nothing",
					  dev->name);
	err = check_indexes(k, "raise", dev, idx, n);
	if (err)
		return err;
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_raise(k, dev, count);
	/* An assigned device's own entries send, whatever the guest's view of them says. */
	if (dev->phys)
		dev = dev->phys;
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_msi_msg msg;

		if (irqlab_device_read_msg(dev, idx[i], &msg))
			return irqlab_kernel_fail(k, -EINVAL,
						  "raise %s: index %u is not enabled on the device",
						  dev->name, idx[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		for (unsigned c = 0; c < count; c++)
			irqlab_fabric_emit(p, dev, idx[i]);
	}
	return 0;
}

int irqlab_platform_eoi(struct irqlab_kernel *k, struct irqlab_device *dev)
{
	int err = op_begin(k, "eoi", dev);

	if (err)
		return err;
	if (dev->kind != IRQLAB_DEV_INTX)
		return irqlab_kernel_fail(
			k, -EINVAL,
			"eoi %s: a message-signalled interrupt has no EOI to the device",
			dev->name);
	return irqlab_intx_eoi(k, dev);
}

int irqlab_platform_stored_msg(struct irqlab_machine *p, const struct irqlab_device *dev,
			       unsigned index, struct irqlab_msi_msg *msg)
{
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_message(p, dev, msg);
	return irqlab_device_stored_msg(dev, index, msg);
}

int irqlab_platform_store(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index,
			  uint64_t addr, uint32_t data)
{
	struct irqlab_msi_msg msg = {
		.address_lo = (uint32_t)addr,
		.address_hi = (uint32_t)(addr >> 32),
		.data = data,
	};
	int err = op_begin(k, "store", dev);

	if (err)
		return err;
	if (dev->kind == IRQLAB_DEV_MSI && data > 0xffff)
		return irqlab_kernel_fail(k, -ERANGE, "store %s: the MSI data register has 16 bits",
					  dev->name);
	if (index < dev->nr && dev->entries[index].owner != k)
		return entry_not_mine(k, "store", dev, index);
	err = irqlab_device_write_msg(dev, index, &msg);
	if (err == -ERANGE)
		return irqlab_kernel_fail(k, err,
					  "store %s: index %u is not a message store of the device",
					  dev->name, index);
	if (err)
		return irqlab_kernel_fail(k, err, "store %s: the device has no message store",
					  dev->name);
	return 0;
}

static void trace_dropped_move(struct irqlab_irq *irq, void *ctx)
{
	struct irqlab_machine *p = ctx;
	char cpus[64], line[160];

	if (!p->trace)
		return;
	irqlab_cpumask_format(irq->pending_mask, cpus, sizeof(cpus));
	snprintf(line, sizeof(line),
		 "  irq %u: the move to CPUs %s is dropped: none of them is online", irq->virq,
		 cpus);
	p->trace(p->trace_ctx, line);
}

int irqlab_platform_cpu(struct irqlab_kernel *k, unsigned cpu, bool online)
{
	struct irqlab_kernel_env *env = irqlab_kernel_env(k);
	struct irqlab_machine *p = env->machine;
	int err;

	op_begin(k, online ? "cpu online" : "cpu offline", NULL);
	err = online ? irqlab_vector_cpu_online(env->vector, cpu)
		     : irqlab_vector_cpu_offline(env->vector, cpu);
	if (err)
		return err;
	/*
	 * migrate_one_irq -> irq_fixup_move_pending(desc, false): a pending move none of whose
	 * CPUs stays online is dropped now, not at its next interrupt. It costs the pending moves.
	 */
	if (!online)
		irqlab_kernel_drop_hopeless_moves(k, trace_dropped_move, p);
	if (!online && k == p->host)
		irqlab_passthrough_host_cpu_offline(p, cpu);
	/*
	 * A restart unmasks and may leave messages to send; a device with none is skipped, and
	 * the walk stops when the kernel has none left (at once, after most CPU changes).
	 */
	for (unsigned i = 0; k->nr_resend_devices && i < p->nr_devices; i++)
		if (p->devices[i]->nr_resend && p->devices[i]->kernel == k)
			flush_resends(p, p->devices[i]);
	/*
	 * A guest's restart that unmasked an assigned entry had the host back it on the spot: what
	 * the device latched while it had no backing goes out now, as a request would send it.
	 */
	for (unsigned i = 0; k != p->host && p->host->nr_resend_devices && i < p->nr_devices; i++)
		if (p->devices[i]->kernel == k && p->devices[i]->phys &&
		    p->devices[i]->phys->nr_resend)
			flush_resends(p, p->devices[i]->phys);
	irqlab_fabric_flush_retriggers(k);
	return 0;
}

/* Each entry's deliveries add up: per CPU, plus those no CPU could be recorded for. */
static int check_device_counts(const struct irqlab_device *dev, struct irqlab_strbuf *why)
{
	for (unsigned i = 0; i < dev->nr; i++) {
		const struct irqlab_dev_entry *e = &dev->entries[i];
		unsigned long sum = e->unplaced;

		for (unsigned c = 0; c < e->nr_by_cpu; c++)
			sum += e->by_cpu[c].count;
		if (sum != e->delivered)
			return irqlab_check_fail(why,
						 "device %s index %u: %lu deliveries, %lu by CPU",
						 dev->name, i, e->delivered, sum);
	}
	return 0;
}

/* The kernel's count of devices with resends, which lets a CPU change skip the walk. */
static int check_resend_devices(const struct irqlab_machine *p, const struct irqlab_kernel *k,
				struct irqlab_strbuf *why)
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->nr_devices; i++)
		n += p->devices[i]->kernel == k && p->devices[i]->nr_resend;
	if (n != k->nr_resend_devices)
		return irqlab_check_fail(why, "kernel %s: %u devices with resends, counted %u",
					 k->name, n, k->nr_resend_devices);
	return 0;
}

void irqlab_platform_touch_device(struct irqlab_machine *p, struct irqlab_device *dev)
{
	if (dev->dirty || p->dirty_devices.overflow)
		return;
	/* A log that cannot grow costs a full check, never a failure. */
	irqlab_id_log_add(&p->dirty_devices, dev->slot);
	dev->dirty = !p->dirty_devices.overflow;
}

static void forget_dirty_devices(struct irqlab_machine *p)
{
	for (unsigned i = 0; i < p->dirty_devices.n; i++)
		p->devices[p->dirty_devices.ids[i]]->dirty = false;
	irqlab_id_log_clear(&p->dirty_devices);
}

int irqlab_platform_check(struct irqlab_machine *p, char *why, size_t len)
{
	struct irqlab_strbuf sb = IRQLAB_STRBUF_INIT;
	int err = 0;

	forget_dirty_devices(p);
	for (unsigned i = 0; !err && i < p->nr_kernels; i++)
		err = irqlab_kernel_check(p->kernels[i], why, len);
	if (err)
		return err;
	if (p->ir)
		err = irqlab_ir_unit_check(p->ir, &sb);
	for (unsigned i = 0; !err && i < p->nr_devices; i++)
		err = check_device_counts(p->devices[i], &sb);
	for (unsigned i = 0; !err && i < p->nr_devices; i++)
		if (p->devices[i]->phys)
			err = irqlab_passthrough_check(p->devices[i], &sb);
	for (unsigned i = 0; !err && i < p->nr_kernels; i++)
		err = check_resend_devices(p, p->kernels[i], &sb);
	if (err)
		snprintf(why, len, "%s", irqlab_strbuf_str(&sb));
	irqlab_strbuf_release(&sb);
	return err;
}

int irqlab_platform_check_changed(struct irqlab_machine *p, char *why, size_t len)
{
	struct irqlab_strbuf sb = IRQLAB_STRBUF_INIT;
	int err = 0;

	if (p->dirty_devices.overflow)
		return irqlab_platform_check(p, why, len);
	for (unsigned i = 0; !err && i < p->nr_kernels; i++)
		err = irqlab_kernel_check_changed(p->kernels[i], why, len);
	if (err)
		return err;
	if (p->ir)
		err = irqlab_ir_unit_check_changed(p->ir, &sb);
	for (unsigned i = 0; !err && i < p->dirty_devices.n; i++)
		err = check_device_counts(p->devices[p->dirty_devices.ids[i]], &sb);
	if (err)
		snprintf(why, len, "%s", irqlab_strbuf_str(&sb));
	else
		forget_dirty_devices(p);
	irqlab_strbuf_release(&sb);
	return err;
}

void irqlab_platform_dump(struct irqlab_machine *p, struct irqlab_strbuf *out)
{
	for (unsigned i = 0; i < p->nr_kernels; i++)
		irqlab_kernel_dump(p->kernels[i], out);
	if (p->ir)
		irqlab_ir_unit_dump(p->ir, out);
	for (unsigned c = 0; c < IRQLAB_MSG_NR_CLASSES; c++)
		irqlab_strbuf_printf(out, "%s=%lu ", irqlab_msg_class_name(c), p->by_class[c]);
	irqlab_strbuf_append(out, "\n", 1);
}
