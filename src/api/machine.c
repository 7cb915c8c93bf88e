// SPDX-License-Identifier: MIT
/*
 * The public C API (include/irqlab/irqlab.h): thin wrappers over src/platform that check what
 * a caller outside the tree can get wrong (NULL, an index, a device of another machine, a
 * configuration struct of another size) and make sure every failure leaves a sentence. This
 * file builds the machine and drives the lifecycle; state.c reads the model's state, race.c
 * runs the race explorer. With the format code and the scenario runner's entry points, they
 * are what the shared library exports.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "irqlab/irqlab.h"
#include "irqlab/msix.h"

#include "api/api.h"
#include "platform/detect.h"
#include "platform/hcall.h"
#include "platform/passthrough.h"
#include "x86/vector_domain.h"

/* The public enumerators are the internal ones, value for value. */
_Static_assert((int)IRQLAB_CLASS_DELIVERED == (int)IRQLAB_MSG_DELIVERED, "class values");
_Static_assert((int)IRQLAB_CLASS_BLOCKED == (int)IRQLAB_MSG_BLOCKED, "class values");
_Static_assert((int)IRQLAB_CLASS_LOST == (int)IRQLAB_MSG_LOST, "class values");
_Static_assert((int)IRQLAB_CLASS_SPURIOUS == (int)IRQLAB_MSG_SPURIOUS, "class values");
_Static_assert((int)IRQLAB_CLASS_MISDELIVERED == (int)IRQLAB_MSG_MISDELIVERED, "class values");
_Static_assert((int)IRQLAB_NR_CLASSES == (int)IRQLAB_MSG_NR_CLASSES, "class values");
_Static_assert((int)IRQLAB_DEVICE_MSI == (int)IRQLAB_DEV_MSI, "device kinds");
_Static_assert((int)IRQLAB_DEVICE_MSIX == (int)IRQLAB_DEV_MSIX, "device kinds");
_Static_assert((int)IRQLAB_DEVICE_IMS == (int)IRQLAB_DEV_IMS, "device kinds");
_Static_assert((int)IRQLAB_DEVICE_INTX == (int)IRQLAB_DEV_INTX, "device kinds");

/* Names as the scenario language's device statement has them. */
#define DEVICE_NAME_MAX 63u
#define MSI_MAX_VECTORS 32u
#define IMS_MAX_SLOTS	65536u
#define INTX_MAX_GSI	1023u

/* The API's IMS policies and detection rules, as the platform numbers them. */
static const enum irqlab_ims_policy ims_policies[] = {
	[IRQLAB_MACHINE_IMS_IR] = IRQLAB_IMS_IR,
	[IRQLAB_MACHINE_IMS_BAREMETAL] = IRQLAB_IMS_BAREMETAL,
	[IRQLAB_MACHINE_IMS_OFF] = IRQLAB_IMS_OFF,
};

static const enum irqlab_detect_rule detect_rules[] = {
	[IRQLAB_VM_DETECT_PROBABLE] = IRQLAB_DETECT_PROBABLE,
	[IRQLAB_VM_DETECT_NONE] = IRQLAB_DETECT_NONE,
	[IRQLAB_VM_DETECT_CPUID] = IRQLAB_DETECT_CPUID,
};

void irqlab_machine_config_defaults(struct irqlab_machine_config *cfg, size_t size)
{
	struct irqlab_machine_config def = {
		.size = size,
		.ncpus = 4,
		.ir = true,
		.irtes = 65536,
		.legacy = true,
		.ims = IRQLAB_MACHINE_IMS_IR,
	};

	if (!cfg)
		return;
	memset(cfg, 0, size);
	memcpy(cfg, &def, size < sizeof(def) ? size : sizeof(def));
}

int irqlab_machine_new(const struct irqlab_machine_config *cfg, struct irqlab_machine **out,
		       char *why, size_t len)
{
	struct irqlab_machine_config c;
	struct irqlab_platform_config pc;
	struct irqlab_machine *p;
	char scratch[IRQLAB_ERROR_LEN];
	int err;

	if (!why || !len) {
		why = scratch;
		len = sizeof(scratch);
	}
	why[0] = '\0';
	if (!cfg || !out) {
		snprintf(why, len, "machine: no %s",
			 cfg ? "place for the machine" : "configuration");
		return -EINVAL;
	}
	irqlab_machine_config_defaults(&c, sizeof(c));
	err = irqlab_api_copy_in(&c, sizeof(c), cfg, cfg->size);
	if (err) {
		snprintf(why, len,
			 "machine: a configuration of %zu bytes (%s); use "
			 "irqlab_machine_config_init()",
			 cfg->size, err == -E2BIG ? "newer fields set" : "not a size we know");
		return err;
	}
	if (c.reserved) {
		snprintf(why, len, "machine: the configuration's reserved field is not 0");
		return -EINVAL;
	}
	if ((unsigned)c.detect > IRQLAB_VM_DETECT_CPUID) {
		snprintf(why, len, "machine: no detection rule %d", (int)c.detect);
		return -EINVAL;
	}
	pc = (struct irqlab_platform_config){
		.ncpus = c.ncpus,
		.ir = c.ir,
		.irtes = c.irtes,
		.cfi = c.cfi,
		.legacy = c.legacy,
		.extdest = c.extdest,
	};
	irqlab_detect_run(&pc.detection, detect_rules[c.detect], false, NULL, c.dmi_vendor);
	if ((unsigned)c.ims > IRQLAB_MACHINE_IMS_OFF) {
		snprintf(why, len, "machine: no IMS policy %d", (int)c.ims);
		return -EINVAL;
	}
	pc.ims = ims_policies[c.ims];
	err = irqlab_platform_new(&pc, &p, why, len);
	if (err)
		return err;
	*out = p;
	return 0;
}

void irqlab_machine_free(struct irqlab_machine *m)
{
	irqlab_platform_free(m);
}

const char *irqlab_machine_error(const struct irqlab_machine *m)
{
	return m ? irqlab_platform_error(m) : "no machine";
}

int irqlab_machine_errno(const struct irqlab_machine *m)
{
	return m ? m->error.code : -EINVAL;
}

unsigned irqlab_machine_ncpus(const struct irqlab_machine *m)
{
	return m ? m->cfg.ncpus : 0;
}

struct irqlab_kernel *irqlab_machine_host(const struct irqlab_machine *m)
{
	return m ? m->host : NULL;
}

unsigned irqlab_machine_nr_kernels(const struct irqlab_machine *m)
{
	return m ? m->nr_kernels : 0;
}

void irqlab_vm_config_defaults(struct irqlab_vm_config *cfg, size_t size)
{
	struct irqlab_vm_config def = {
		.size = size,
		.ncpus = 1,
		.cpuid_hv = true,
		.dmi_vendor = "QEMU",
		.detect = IRQLAB_VM_DETECT_PROBABLE,
		.ims = IRQLAB_MACHINE_IMS_IR,
		.signature = "KVMKVMKVM",
	};

	if (!cfg)
		return;
	memset(cfg, 0, size);
	memcpy(cfg, &def, size < sizeof(def) ? size : sizeof(def));
}

int irqlab_machine_add_vm(struct irqlab_machine *m, const struct irqlab_vm_config *cfg,
			  struct irqlab_kernel **out)
{
	struct irqlab_platform_vm pv;
	struct irqlab_vm_config c;
	struct irqlab_kernel *k;
	int err;

	if (!m)
		return -EINVAL;
	if (!cfg || !out)
		return irqlab_api_fail(m, -EINVAL, "vm: no %s",
				       cfg ? "place for the kernel" : "configuration");
	irqlab_vm_config_defaults(&c, sizeof(c));
	err = irqlab_api_copy_in(&c, sizeof(c), cfg, cfg->size);
	if (err)
		return irqlab_api_fail(m, err,
				       "vm: a configuration of %zu bytes (%s); use "
				       "irqlab_vm_config_init()",
				       cfg->size,
				       err == -E2BIG ? "newer fields set" : "not a size we know");
	if (c.reserved)
		return irqlab_api_fail(m, -EINVAL,
				       "vm: the configuration's reserved field is not 0");
	if ((unsigned)c.detect > IRQLAB_VM_DETECT_CPUID)
		return irqlab_api_fail(m, -EINVAL, "vm %s: no detection rule %d",
				       c.name ? c.name : "", (int)c.detect);
	if ((unsigned)c.ims > IRQLAB_MACHINE_IMS_OFF)
		return irqlab_api_fail(m, -EINVAL, "vm %s: no IMS policy %d", c.name ? c.name : "",
				       (int)c.ims);
	if ((unsigned)c.parent > IRQLAB_VM_PARENT_HCALL)
		return irqlab_api_fail(m, -EINVAL, "vm %s: no parent %d", c.name ? c.name : "",
				       (int)c.parent);
	if (c.parent == IRQLAB_VM_PARENT_HCALL && !c.ims_cap)
		return irqlab_api_fail(
			m, -EINVAL,
			"vm %s: parent=hcall calls a hypercall the VMM does not offer "
			"(ims-cap=off)",
			c.name ? c.name : "");
	if (c.name && strcmp(c.name, "host") == 0)
		return irqlab_api_fail(m, -EINVAL, "vm: the name 'host' is reserved");
	pv = (struct irqlab_platform_vm){
		.name = c.name,
		.ncpus = c.ncpus,
		.pin = c.pin,
		.ims = ims_policies[c.ims],
		.hcall = c.parent == IRQLAB_VM_PARENT_HCALL,
		.vir = c.parent == IRQLAB_VM_PARENT_VIR,
	};
	irqlab_detect_run(&pv.detection, detect_rules[c.detect], c.cpuid_hv, c.signature,
			  c.dmi_vendor);
	err = irqlab_platform_add_vm(m, &pv, &k);
	if (err)
		return err;
	*out = k;
	return 0;
}

struct irqlab_kernel *irqlab_machine_find_kernel(const struct irqlab_machine *m, const char *name)
{
	return m && name ? irqlab_platform_kernel(m, name) : NULL;
}

bool irqlab_kernel_is_guest(const struct irqlab_kernel *k)
{
	return k && irqlab_kernel_env(k)->vcpu_host != NULL;
}

bool irqlab_kernel_believes_bare_metal(const struct irqlab_kernel *k)
{
	return k && irqlab_kernel_env(k)->believes_bare_metal;
}

struct irqlab_kernel *irqlab_machine_kernel(const struct irqlab_machine *m, unsigned i)
{
	const struct irqlab_machine *p = m;

	return p && i < p->nr_kernels ? p->kernels[i] : NULL;
}

int irqlab_machine_check(struct irqlab_machine *m)
{
	struct irqlab_machine *p = m;
	char why[IRQLAB_ERROR_LEN];
	int err;

	if (!p)
		return -EINVAL;
	/*
	 * A reader: the last operation's error stays unless the check fails. The violation's
	 * sentence names its object already.
	 */
	err = irqlab_platform_check(p, why, sizeof(why));
	if (err)
		return irqlab_api_fail(p, err, "%s", why);
	return 0;
}

int irqlab_machine_check_changed(struct irqlab_machine *m)
{
	struct irqlab_machine *p = m;
	char why[IRQLAB_ERROR_LEN];
	int err;

	if (!p)
		return -EINVAL;
	err = irqlab_platform_check_changed(p, why, sizeof(why));
	if (err)
		return irqlab_api_fail(p, err, "%s", why);
	return 0;
}

int irqlab_machine_set_trace(struct irqlab_machine *m, irqlab_machine_trace_fn fn, void *ctx)
{
	struct irqlab_machine *p = m;

	if (!p)
		return -EINVAL;
	p->trace = fn;
	p->trace_ctx = ctx;
	return 0;
}

const char *irqlab_kernel_name(const struct irqlab_kernel *k)
{
	return k ? k->name : NULL;
}

unsigned irqlab_kernel_ncpus(const struct irqlab_kernel *k)
{
	return k ? k->ncpus : 0;
}

void irqlab_device_spec_defaults(struct irqlab_device_spec *spec, size_t size)
{
	struct irqlab_device_spec def = {
		.size = size,
		.kind = IRQLAB_DEVICE_MSIX,
		.nr = 1,
	};

	if (!spec)
		return;
	memset(spec, 0, size);
	memcpy(spec, &def, size < sizeof(def) ? size : sizeof(def));
}

/* What the scenario language's device statement accepts, said in its words. */
static int check_spec(struct irqlab_machine *p, const struct irqlab_device_spec *s)
{
	size_t len = s->name ? strlen(s->name) : 0;

	if (len == 0 || len > DEVICE_NAME_MAX)
		return irqlab_api_fail(p, -EINVAL, "device: a name of 1 to %u characters",
				       DEVICE_NAME_MAX);
	switch (s->kind) {
	case IRQLAB_DEVICE_MSI:
		if (s->nr == 0 || s->nr > MSI_MAX_VECTORS || (s->nr & (s->nr - 1)))
			return irqlab_api_fail(p, -EINVAL,
					       "device %s: %u MSI vectors; a power of two up to %u",
					       s->name, s->nr, MSI_MAX_VECTORS);
		return 0;
	case IRQLAB_DEVICE_MSIX:
		if (s->nr == 0 || s->nr > IRQLAB_MSIX_MAX_ENTRIES)
			return irqlab_api_fail(p, -EINVAL, "device %s: %u MSI-X entries; 1 to %u",
					       s->name, s->nr, IRQLAB_MSIX_MAX_ENTRIES);
		return 0;
	case IRQLAB_DEVICE_IMS:
		if (s->nr == 0 || s->nr > IMS_MAX_SLOTS)
			return irqlab_api_fail(p, -EINVAL, "device %s: %u IMS slots; 1 to %u",
					       s->name, s->nr, IMS_MAX_SLOTS);
		return 0;
	case IRQLAB_DEVICE_INTX:
		if (s->gsi > INTX_MAX_GSI || s->intx_pin > 3)
			return irqlab_api_fail(p, -EINVAL,
					       "device %s: GSI %u pin %u; GSI 0 to %u, pin 0 to 3",
					       s->name, s->gsi, s->intx_pin, INTX_MAX_GSI);
		return 0;
	}
	return irqlab_api_fail(p, -EINVAL, "device %s: no device kind %d", s->name, (int)s->kind);
}

int irqlab_device_add(struct irqlab_kernel *k, const struct irqlab_device_spec *spec,
		      struct irqlab_device **out)
{
	static const enum irqlab_dev_kind kinds[] = {
		[IRQLAB_DEVICE_MSI] = IRQLAB_DEV_MSI,
		[IRQLAB_DEVICE_MSIX] = IRQLAB_DEV_MSIX,
		[IRQLAB_DEVICE_IMS] = IRQLAB_DEV_IMS,
		[IRQLAB_DEVICE_INTX] = IRQLAB_DEV_INTX,
	};
	struct irqlab_device_config cfg;
	struct irqlab_device_spec s;
	struct irqlab_machine *p;
	int err;

	if (!k)
		return -EINVAL;
	p = irqlab_kernel_machine(k);
	if (!spec || !out)
		return irqlab_api_fail(p, -EINVAL, "device: no %s",
				       spec ? "place for the device" : "spec");
	irqlab_device_spec_defaults(&s, sizeof(s));
	err = irqlab_api_copy_in(&s, sizeof(s), spec, spec->size);
	if (err)
		return irqlab_api_fail(
			p, err, "device: a spec of %zu bytes (%s); use irqlab_device_spec_init()",
			spec->size, err == -E2BIG ? "newer fields set" : "not a size we know");
	if (s.reserved)
		return irqlab_api_fail(p, -EINVAL, "device: the spec's reserved field is not 0");
	err = check_spec(p, &s);
	if (err)
		return err;
	cfg = (struct irqlab_device_config){
		.name = s.name,
		.kind = kinds[s.kind],
		.rid = s.rid,
		.nr = s.nr,
		.maskable = s.maskable,
		.queue_store = s.queue_store,
		.gsi = s.gsi,
		.level = s.level,
		.active_low = s.active_low,
		.intx_pin = s.intx_pin,
	};
	return irqlab_api_finish(p, irqlab_platform_add_device(k, &cfg, out), "device", s.name);
}

struct irqlab_device *irqlab_device_find(const struct irqlab_machine *m, const char *name)
{
	return m && name ? irqlab_platform_device(m, name) : NULL;
}

const char *irqlab_device_name(const struct irqlab_device *dev)
{
	return dev ? dev->name : NULL;
}

unsigned irqlab_device_nr_entries(const struct irqlab_device *dev)
{
	return dev ? dev->nr : 0;
}

struct irqlab_kernel *irqlab_device_kernel(const struct irqlab_device *dev)
{
	return dev ? dev->kernel : NULL;
}

int irqlab_device_rid(const struct irqlab_device *dev)
{
	return dev ? dev->rid : -EINVAL;
}

int irqlab_device_kind_of(const struct irqlab_device *dev)
{
	return dev ? (int)dev->kind : -EINVAL;
}

bool irqlab_device_maskable(const struct irqlab_device *dev)
{
	return dev && irqlab_device_can_mask(dev);
}

unsigned irqlab_machine_nr_devices(const struct irqlab_machine *m)
{
	return m ? m->nr_devices : 0;
}

struct irqlab_device *irqlab_machine_device(const struct irqlab_machine *m, unsigned i)
{
	return m && i < m->nr_devices ? m->devices[i] : NULL;
}

/*
 * What every lifecycle call checks before the platform sees it: a kernel, a device of the
 * same machine, and a list where entries are named. The platform checks the rest.
 */
static int op_check(struct irqlab_kernel *k, const char *op, struct irqlab_device **devp,
		    const unsigned *idx, unsigned n)
{
	struct irqlab_device *dev = *devp;
	struct irqlab_machine *p;

	if (!k)
		return -EINVAL;
	p = irqlab_kernel_machine(k);
	if (!dev)
		return irqlab_api_fail(p, -EINVAL, "%s: no device", op);
	if (irqlab_api_machine_of(dev) != p)
		return irqlab_api_fail(p, -EINVAL, "%s %s: the device belongs to another machine",
				       op, dev->name);
	if (n && !idx)
		return irqlab_api_fail(p, -EINVAL, "%s %s: %u entries and no list of them", op,
				       dev->name, n);
	/* An assigned device, named by its host handle, as the guest it runs in sees it. */
	*devp = irqlab_device_in(dev, k) ? irqlab_device_in(dev, k) : dev;
	return 0;
}

int irqlab_assign(struct irqlab_kernel *vm, struct irqlab_device *dev, const unsigned *slots,
		  unsigned n, struct irqlab_device **view)
{
	struct irqlab_device *scratch;
	struct irqlab_machine *p;

	if (!vm)
		return -EINVAL;
	p = irqlab_kernel_machine(vm);
	if (!dev)
		return irqlab_api_fail(p, -EINVAL, "assign: no device");
	if (irqlab_api_machine_of(dev) != p)
		return irqlab_api_fail(
			p, -EINVAL, "assign %s: the device belongs to another machine", dev->name);
	if (n && !slots)
		return irqlab_api_fail(p, -EINVAL, "assign %s: %u slots and no list of them",
				       dev->name, n);
	return irqlab_api_finish(p,
				 irqlab_passthrough_assign(vm, dev->phys ? dev->phys : dev, slots,
							   n, view ? view : &scratch),
				 "assign", dev->name);
}

struct irqlab_device *irqlab_device_in(const struct irqlab_device *dev,
				       const struct irqlab_kernel *k)
{
	const struct irqlab_device *phys;

	if (!dev || !k)
		return NULL;
	phys = dev->phys ? dev->phys : dev;
	if (phys->kernel == k)
		return (struct irqlab_device *)phys;
	return irqlab_passthrough_view(phys, k);
}

struct irqlab_kernel *irqlab_device_owner(const struct irqlab_device *dev)
{
	const struct irqlab_device *phys = irqlab_device_physical(dev);

	if (!phys)
		return NULL;
	if (!phys->nr_assigned)
		return phys->kernel;
	/* Given away whole, to one guest: its view is the only one. */
	if (phys->nr_assigned == phys->nr && !phys->views->next_view)
		return phys->views->kernel;
	return NULL;
}

enum irqlab_vm_parent irqlab_kernel_parent(const struct irqlab_kernel *k)
{
	if (k && irqlab_hcall_domain_is(irqlab_kernel_env(k)->msi_parent))
		return IRQLAB_VM_PARENT_HCALL;
	if (k && irqlab_kernel_env(k)->vir)
		return IRQLAB_VM_PARENT_VIR;
	return IRQLAB_VM_PARENT_NONE;
}

bool irqlab_device_trapped(const struct irqlab_device *dev)
{
	return dev && dev->phys && dev->emulated;
}

struct irqlab_device *irqlab_device_physical(const struct irqlab_device *dev)
{
	if (!dev)
		return NULL;
	return (struct irqlab_device *)(dev->phys ? dev->phys : dev);
}

struct irqlab_kernel *irqlab_entry_owner(const struct irqlab_device *dev, unsigned index)
{
	return dev && index < dev->nr ? dev->entries[index].owner : NULL;
}

int irqlab_alloc_irqs(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned min,
		      unsigned max, bool managed, unsigned *granted)
{
	unsigned scratch;
	int err = op_check(k, "alloc", &dev, NULL, 0);

	if (err)
		return err;
	err = irqlab_platform_alloc(k, dev, min, max, managed, granted ? granted : &scratch);
	return irqlab_api_finish(irqlab_kernel_machine(k), err, "alloc", dev->name);
}

int irqlab_free_irqs(struct irqlab_kernel *k, struct irqlab_device *dev)
{
	int err = op_check(k, "free", &dev, NULL, 0);

	if (err)
		return err;
	return irqlab_api_finish(irqlab_kernel_machine(k), irqlab_platform_free_irqs(k, dev),
				 "free", dev->name);
}

int irqlab_request(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
		   unsigned n)
{
	int err = op_check(k, "request", &dev, idx, n);

	if (err)
		return err;
	return irqlab_api_finish(irqlab_kernel_machine(k), irqlab_platform_request(k, dev, idx, n),
				 "request", dev->name);
}

int irqlab_release(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
		   unsigned n)
{
	int err = op_check(k, "release", &dev, idx, n);

	if (err)
		return err;
	return irqlab_api_finish(irqlab_kernel_machine(k), irqlab_platform_release(k, dev, idx, n),
				 "release", dev->name);
}

int irqlab_set_affinity(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			unsigned n, const struct irqlab_cpumask *mask)
{
	int err = op_check(k, "affinity", &dev, idx, n);

	if (err)
		return err;
	if (!mask)
		return irqlab_api_fail(irqlab_kernel_machine(k), -EINVAL,
				       "affinity %s: no CPU mask", dev->name);
	return irqlab_api_finish(irqlab_kernel_machine(k),
				 irqlab_platform_affinity(k, dev, idx, n, mask), "affinity",
				 dev->name);
}

int irqlab_mask(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx, unsigned n)
{
	int err = op_check(k, "mask", &dev, idx, n);

	if (err)
		return err;
	return irqlab_api_finish(irqlab_kernel_machine(k),
				 irqlab_platform_mask(k, dev, idx, n, true), "mask", dev->name);
}

int irqlab_unmask(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
		  unsigned n)
{
	int err = op_check(k, "unmask", &dev, idx, n);

	if (err)
		return err;
	return irqlab_api_finish(irqlab_kernel_machine(k),
				 irqlab_platform_mask(k, dev, idx, n, false), "unmask", dev->name);
}

int irqlab_raise(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
		 unsigned n, unsigned count)
{
	int err = op_check(k, "raise", &dev, idx, n);

	if (err)
		return err;
	return irqlab_api_finish(irqlab_kernel_machine(k),
				 irqlab_platform_raise(k, dev, idx, n, count), "raise", dev->name);
}

int irqlab_store(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index, uint64_t addr,
		 uint32_t data)
{
	int err = op_check(k, "store", &dev, NULL, 0);

	if (err)
		return err;
	return irqlab_api_finish(irqlab_kernel_machine(k),
				 irqlab_platform_store(k, dev, index, addr, data), "store",
				 dev->name);
}

int irqlab_eoi(struct irqlab_kernel *k, struct irqlab_device *dev)
{
	int err = op_check(k, "eoi", &dev, NULL, 0);

	if (err)
		return err;
	return irqlab_api_finish(irqlab_kernel_machine(k), irqlab_platform_eoi(k, dev), "eoi",
				 dev->name);
}

int irqlab_cpu_online(struct irqlab_kernel *k, unsigned cpu)
{
	if (!k)
		return -EINVAL;
	return irqlab_api_finish(irqlab_kernel_machine(k), irqlab_platform_cpu(k, cpu, true), "cpu",
				 "online");
}

int irqlab_cpu_offline(struct irqlab_kernel *k, unsigned cpu)
{
	if (!k)
		return -EINVAL;
	/*
	 * The driver core's gate, as device_offline() is: x86 Linux dropped CPU 0 hotplug in
	 * 6.5 (BOOTPARAM_HOTPLUG_CPU0 is gone), arch_cpu_is_hotpluggable() is cpu > 0, so CPU
	 * 0's device is offline_disabled. Guest kernels are x86 Linux too. The hotplug
	 * machinery below (the vector domain's) could take CPU 0 away; nothing asks it to.
	 */
	if (cpu == 0)
		return irqlab_api_fail(irqlab_kernel_machine(k), -EPERM,
				       "cpu 0: the boot CPU cannot go offline on x86 "
				       "(arch_cpu_is_hotpluggable() is false for CPU 0)");
	return irqlab_api_finish(irqlab_kernel_machine(k), irqlab_platform_cpu(k, cpu, false),
				 "cpu", "offline");
}

const char *irqlab_class_name(enum irqlab_class cls)
{
	return (unsigned)cls < IRQLAB_NR_CLASSES ? irqlab_msg_class_name((enum irqlab_msg_class)cls)
						 : NULL;
}

static int check_class(struct irqlab_machine *p, const char *what, enum irqlab_class cls)
{
	if ((unsigned)cls >= IRQLAB_NR_CLASSES)
		return irqlab_api_fail(p, -EINVAL, "%s: no message class %d", what, (int)cls);
	return 0;
}

int irqlab_machine_count(struct irqlab_machine *m, enum irqlab_class cls, uint64_t *out)
{
	struct irqlab_machine *p = m;
	int err;

	if (!p)
		return -EINVAL;
	if (!out)
		return irqlab_api_fail(p, -EINVAL, "count: nowhere to put it");
	if ((err = check_class(p, "count", cls)))
		return err;
	*out = p->by_class[cls];
	return 0;
}

int irqlab_cpu_delivered(struct irqlab_machine *m, unsigned cpu, uint64_t *out)
{
	struct irqlab_machine *p = m;

	if (!p)
		return -EINVAL;
	if (!out)
		return irqlab_api_fail(p, -EINVAL, "cpu %u: nowhere to put the count", cpu);
	if (cpu >= p->cfg.ncpus)
		return irqlab_api_fail(p, -EINVAL, "cpu %u: no such CPU; the machine has %u", cpu,
				       p->cfg.ncpus);
	*out = p->delivered_by_cpu[cpu];
	return 0;
}

int irqlab_entry_count(const struct irqlab_device *dev, unsigned index, enum irqlab_class cls,
		       uint64_t *out)
{
	int err = irqlab_api_entry_check(dev, index, out);

	if (err || (err = check_class(irqlab_api_machine_of(dev), "count", cls)))
		return err;
	*out = dev->entries[index].by_class[cls];
	return 0;
}

int irqlab_entry_delivered(const struct irqlab_device *dev, unsigned index, uint64_t *out)
{
	int err = irqlab_api_entry_check(dev, index, out);

	if (err)
		return err;
	*out = dev->entries[index].delivered;
	return 0;
}

int irqlab_entry_delivered_on(const struct irqlab_device *dev, unsigned index, unsigned cpu,
			      uint64_t *out)
{
	const struct irqlab_dev_entry *e;
	struct irqlab_machine *p;
	int err = irqlab_api_entry_check(dev, index, out);

	if (err)
		return err;
	p = irqlab_api_machine_of(dev);
	/* The CPUs of the kernel that drives it: a guest's deliveries count per vCPU. */
	if (cpu >= dev->kernel->ncpus)
		return irqlab_api_fail(p, -EINVAL, "cpu %u: no such CPU; %s has %u", cpu,
				       dev->kernel->name, dev->kernel->ncpus);
	e = &dev->entries[index];
	*out = 0;
	for (unsigned i = 0; i < e->nr_by_cpu; i++)
		if (e->by_cpu[i].cpu == cpu)
			*out = e->by_cpu[i].count;
	return 0;
}

int irqlab_entry_target(const struct irqlab_device *dev, unsigned index, unsigned *cpu,
			unsigned *vector)
{
	struct irqlab_irq_cfg cfg;
	struct irqlab_irq *irq;
	int err = irqlab_api_entry_check(dev, index, cpu && vector ? cpu : NULL);

	if (err)
		return err;
	irq = dev->entries[index].irq;
	if (!irq)
		return irqlab_api_fail(irqlab_api_machine_of(dev), -EINVAL,
				       "device %s: index %u is not allocated", dev->name, index);
	err = irqlab_vector_irq_cfg(irq->top, &cfg);
	if (err)
		return irqlab_api_finish(irqlab_api_machine_of(dev), err, "target", dev->name);
	*cpu = cfg.cpu;
	*vector = cfg.vector;
	return 0;
}

int irqlab_entry_message(const struct irqlab_device *dev, unsigned index,
			 struct irqlab_msi_msg *out)
{
	struct irqlab_msi_msg msg;
	int err = irqlab_api_entry_check(dev, index, out);

	if (err)
		return err;
	err = irqlab_platform_stored_msg(irqlab_api_machine_of(dev), dev, index, &msg);
	if (err)
		return irqlab_api_fail(
			irqlab_api_machine_of(dev), err, "device %s index %u: %s", dev->name, index,
			dev->kind == IRQLAB_DEV_INTX ? "no IO-APIC serves its GSI yet"
						     : "beyond the vectors MSI enabled");
	*out = msg;
	return 0;
}

int irqlab_irtes_used(struct irqlab_machine *m, unsigned *out)
{
	struct irqlab_machine *p = m;

	if (!p)
		return -EINVAL;
	if (!out)
		return irqlab_api_fail(p, -EINVAL, "irtes: nowhere to put the count");
	*out = p->ir ? irqlab_ir_unit_used(p->ir) : 0;
	return 0;
}

int irqlab_cpu_free_vectors(const struct irqlab_kernel *k, unsigned cpu, unsigned *out)
{
	struct irqlab_matrix_cpu_stats cs;
	struct irqlab_machine *p;

	if (!k)
		return -EINVAL;
	p = irqlab_kernel_machine(k);
	if (!out)
		return irqlab_api_fail(p, -EINVAL, "cpu %u: nowhere to put the count", cpu);
	if (cpu >= k->ncpus)
		return irqlab_api_fail(p, -EINVAL, "cpu %u: no such CPU in %s", cpu, k->name);
	irqlab_matrix_cpu_stats(irqlab_vector_domain_matrix(irqlab_kernel_env(k)->vector), cpu,
				&cs);
	*out = cs.available;
	return 0;
}
