/* SPDX-License-Identifier: MIT */
/*
 * The irqlab C API: build a machine, add devices to one of its kernels, drive their interrupts
 * through their lifecycle and read what became of every message. irqlab(3) is its manual.
 *
 * The machine, its kernels and its devices are opaque. Every operation returns 0 or a negative
 * errno; a failure changes nothing and leaves one sentence that names the object and the
 * reason in irqlab_machine_error(). Operations clear that sentence when they start; readers
 * never clear it, and set it only when they fail.
 *
 * ABI: the configuration structs carry their own size, filled by the *_init() functions below,
 * so that a program built against an older header keeps working with a newer library. Fields
 * are only ever added at the end; enumerators keep their values.
 */
#ifndef IRQLAB_IRQLAB_H
#define IRQLAB_IRQLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irqlab/cpumask.h"
#include "irqlab/errname.h"
#include "irqlab/export.h"
#include "irqlab/irte.h"
#include "irqlab/msi.h"
#include "irqlab/version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct irqlab_machine; /* CPUs, the IR unit, IO-APICs, devices, the fabric, its kernels */
struct irqlab_kernel;  /* one OS (the host) and its interrupt-domain hierarchy */
struct irqlab_device;  /* a PCI function or a wired pin, driven by one kernel */
struct irqlab_domain;  /* one domain of a kernel's hierarchy: vector, remap or bus */
struct irqlab_race;    /* what the race explorer saw during one affinity change */

/* How a kernel decides whether it runs on bare metal (SCENARIO.md, "Detection"). */
enum irqlab_vm_detect {
	IRQLAB_VM_DETECT_PROBABLE = 0, /* the CPUID hypervisor bit, then the DMI vendor list */
	IRQLAB_VM_DETECT_NONE = 1,     /* assumes bare metal */
	IRQLAB_VM_DETECT_CPUID = 2,    /* a VM iff the CPUID hypervisor bit is set */
};

/* Which IMS children the host kernel accepts. */
enum irqlab_machine_ims {
	IRQLAB_MACHINE_IMS_IR = 0,	  /* only under interrupt remapping: the final design */
	IRQLAB_MACHINE_IMS_BAREMETAL = 1, /* also under the vector domain: the earlier proposal */
	IRQLAB_MACHINE_IMS_OFF = 2,	  /* a kernel without IMS support */
};

struct irqlab_machine_config {
	size_t size;	/* set by irqlab_machine_config_init() */
	unsigned ncpus; /* physical CPUs, 1..8192 (default 4) */
	bool ir;	/* an IR unit covers every device (default true) */
	unsigned irtes; /* its table: a power of two, 2 to 65536 (default 65536) */
	bool cfi;	/* compatibility-format messages pass the IR unit (default false) */
	bool legacy;	/* the 16 ISA interrupts take vectors on CPU 0 (default true) */
	bool extdest;	/* 15-bit extended destination ids without IR (default false) */
	enum irqlab_machine_ims ims; /* default IRQLAB_MACHINE_IMS_IR */
	/*
	 * 0. It fills what would be tail padding, so that a field added later always grows
	 * the size a caller passes (a newer field in old padding would pass unseen).
	 */
	uint32_t reserved;
	/*
	 * What the host kernel reads of the machine to tell whether it runs on bare metal (no
	 * CPUID hypervisor bit: it is the host): its rule (default _PROBABLE) and the DMI system
	 * vendor (default NULL: none). Only IMS policy _BAREMETAL asks.
	 */
	enum irqlab_vm_detect detect;
	const char *dmi_vendor;
};

/* Fills @size bytes of @cfg with the defaults; irqlab_machine_config_init() says how many. */
IRQLAB_EXPORT void irqlab_machine_config_defaults(struct irqlab_machine_config *cfg, size_t size);

static inline void irqlab_machine_config_init(struct irqlab_machine_config *cfg)
{
	irqlab_machine_config_defaults(cfg, sizeof(*cfg));
}

/*
 * A machine whose host kernel runs on every CPU. -EINVAL for a configuration the machine
 * cannot have, -ENOMEM; the sentence goes to @why (@len bytes; may be NULL).
 */
IRQLAB_EXPORT int irqlab_machine_new(const struct irqlab_machine_config *cfg,
				     struct irqlab_machine **out, char *why, size_t len);
/* Frees the machine, its kernels and its devices. NULL is allowed. */
IRQLAB_EXPORT void irqlab_machine_free(struct irqlab_machine *m);

/* What stands between a guest's vector domain and its bus domains. */
enum irqlab_vm_parent {
	IRQLAB_VM_PARENT_NONE = 0,  /* the vector domain itself (trap-and-emulate) */
	IRQLAB_VM_PARENT_VIR = 1,   /* an emulated IR unit (caching mode), its writes trapped */
	IRQLAB_VM_PARENT_HCALL = 2, /* the hypercall domain (needs ims_cap) */
};

struct irqlab_vm_config {
	size_t size;	     /* set by irqlab_vm_config_init() */
	const char *name;    /* 1 to 31 characters, not "host", unique among the kernels */
	unsigned ncpus;	     /* vCPUs, 1..255 (default 1); APIC id = vCPU number */
	const unsigned *pin; /* the host CPU of each vCPU (ncpus), or NULL: i mod host CPUs */
	enum irqlab_vm_parent parent;
	bool cpuid_hv;		      /* the CPUID hypervisor bit (default true) */
	const char *dmi_vendor;	      /* the DMI system vendor (default "QEMU"), or NULL */
	enum irqlab_vm_detect detect; /* default IRQLAB_VM_DETECT_PROBABLE */
	enum irqlab_machine_ims ims;  /* the guest kernel's IMS policy (default _IR) */
	uint32_t reserved;	      /* 0 */
	/* The VMM offers the IMS hypercall (default false): what parent=hcall calls. */
	bool ims_cap;
	/* The hypervisor's CPUID signature (leaf 0x40000000, 12 bytes; default "KVMKVMKVM"). */
	const char *signature;
};

IRQLAB_EXPORT void irqlab_vm_config_defaults(struct irqlab_vm_config *cfg, size_t size);

static inline void irqlab_vm_config_init(struct irqlab_vm_config *cfg)
{
	irqlab_vm_config_defaults(cfg, sizeof(*cfg));
}

/*
 * A VM on machine @m: a guest kernel with its own vector domain over its vCPUs (the same
 * matrix rules as the host's, the ISA interrupts on vCPU 0). -EEXIST for a name taken,
 * -EINVAL for a configuration it cannot run (a parent that does not exist, or
 * IRQLAB_VM_PARENT_HCALL without ims_cap), -ENOMEM; the reason is the machine's error, and
 * nothing changes on failure.
 */
IRQLAB_EXPORT int irqlab_machine_add_vm(struct irqlab_machine *m,
					const struct irqlab_vm_config *cfg,
					struct irqlab_kernel **out);
/* The kernel named @name: "host" or a VM's; NULL when there is none. */
IRQLAB_EXPORT struct irqlab_kernel *irqlab_machine_find_kernel(const struct irqlab_machine *m,
							       const char *name);
/* Whether @k is the kernel of a VM (false for the host). */
IRQLAB_EXPORT bool irqlab_kernel_is_guest(const struct irqlab_kernel *k);
/* What @k concluded about where it runs: true for bare metal (the host always does). */
IRQLAB_EXPORT bool irqlab_kernel_believes_bare_metal(const struct irqlab_kernel *k);
/* What a kernel's detection rested on. */
enum irqlab_detection_evidence {
	IRQLAB_DETECTION_ASSUMED = 0,	   /* detect=none: nothing read, bare metal assumed */
	IRQLAB_DETECTION_CPUID = 1,	   /* the CPUID hypervisor bit is set: a VM */
	IRQLAB_DETECTION_CPUID_CLEAR = 2,  /* detect=cpuid and the bit clear: bare metal */
	IRQLAB_DETECTION_DMI_LISTED = 3,   /* the bit clear, the DMI vendor listed: a VM */
	IRQLAB_DETECTION_DMI_UNLISTED = 4, /* the bit clear, the vendor not listed: bare metal */
};

/* What a kernel read of its platform and what it concluded (SCENARIO.md, "Detection"). */
struct irqlab_detection {
	enum irqlab_vm_detect rule;
	enum irqlab_detection_evidence evidence;
	bool bare_metal;    /* its verdict */
	bool cpuid_hv;	    /* the CPUID hypervisor bit it saw */
	char signature[13]; /* leaf 0x40000000's 12 bytes when the bit is set, else "" */
	bool has_dmi_vendor;
	char dmi_vendor[64];
};

IRQLAB_EXPORT int irqlab_kernel_read_detection(const struct irqlab_kernel *k,
					       struct irqlab_detection *out, size_t size);

static inline int irqlab_kernel_detection(const struct irqlab_kernel *k,
					  struct irqlab_detection *out)
{
	return irqlab_kernel_read_detection(k, out, sizeof(*out));
}

/* What stands between the kernel's vector domain and its bus domains, as a VM's parent=. */
IRQLAB_EXPORT enum irqlab_vm_parent irqlab_kernel_parent(const struct irqlab_kernel *k);

/*
 * What a guest cost its host so far: its writes to emulated stores that trapped, its
 * hypercalls (failed ones too), and the host interrupts allocated to back its entries (either
 * way). All zero for the host.
 */
struct irqlab_guest_stats {
	uint64_t traps;
	uint64_t hypercalls;
	uint64_t host_allocations;
};

IRQLAB_EXPORT int irqlab_kernel_read_guest_stats(const struct irqlab_kernel *k,
						 struct irqlab_guest_stats *out, size_t size);

static inline int irqlab_kernel_guest_stats(const struct irqlab_kernel *k,
					    struct irqlab_guest_stats *out)
{
	return irqlab_kernel_read_guest_stats(k, out, sizeof(*out));
}

/* Why the last operation failed ("" after a success), and its negative errno (or 0). */
IRQLAB_EXPORT const char *irqlab_machine_error(const struct irqlab_machine *m);
IRQLAB_EXPORT int irqlab_machine_errno(const struct irqlab_machine *m);

IRQLAB_EXPORT unsigned irqlab_machine_ncpus(const struct irqlab_machine *m);
/* The host kernel; kernel 0 of the list, which holds the guests after it. */
IRQLAB_EXPORT struct irqlab_kernel *irqlab_machine_host(const struct irqlab_machine *m);
IRQLAB_EXPORT unsigned irqlab_machine_nr_kernels(const struct irqlab_machine *m);
/* Kernel @i, or NULL beyond the list. */
IRQLAB_EXPORT struct irqlab_kernel *irqlab_machine_kernel(const struct irqlab_machine *m,
							  unsigned i);

/*
 * Checks every invariant of the model (the books of every domain, the vector matrix, the IR
 * table, the delivery counters): 0, or -EFAULT with the first violation as the error. Like
 * the readers, it leaves the last operation's error alone when it passes.
 */
IRQLAB_EXPORT int irqlab_machine_check(struct irqlab_machine *m);
/*
 * The same check for what changed since the last one (of either kind): the interrupts,
 * domains, CPUs, IR entries and devices operations touched, at a cost in proportion to them
 * rather than to the machine. A damage to an object no operation touched waits for the next
 * irqlab_machine_check(): run one at the end.
 */
IRQLAB_EXPORT int irqlab_machine_check_changed(struct irqlab_machine *m);

/* Called with one line for every message the fabric carries; NULL stops it. */
typedef void (*irqlab_machine_trace_fn)(void *ctx, const char *line);
IRQLAB_EXPORT int irqlab_machine_set_trace(struct irqlab_machine *m, irqlab_machine_trace_fn fn,
					   void *ctx);

IRQLAB_EXPORT const char *irqlab_kernel_name(const struct irqlab_kernel *k);
IRQLAB_EXPORT struct irqlab_machine *irqlab_kernel_machine(const struct irqlab_kernel *k);
/* The kernel's CPUs (a guest's vCPUs), numbered from 0; 0 for NULL. */
IRQLAB_EXPORT unsigned irqlab_kernel_ncpus(const struct irqlab_kernel *k);

/*
 * The kernel's interrupt domains in creation order, the vector domain (the root) first: the
 * first, then each one's next, NULL after the last. A domain lives as long as its machine.
 */
IRQLAB_EXPORT struct irqlab_domain *irqlab_kernel_first_domain(const struct irqlab_kernel *k);
IRQLAB_EXPORT struct irqlab_domain *irqlab_domain_next(const struct irqlab_domain *d);
/* "VECTOR", "IR-PCI-MSIX-nic0", ... */
IRQLAB_EXPORT const char *irqlab_domain_name(const struct irqlab_domain *d);
/* The domain below, toward the root; NULL for the root. */
IRQLAB_EXPORT struct irqlab_domain *irqlab_domain_parent(const struct irqlab_domain *d);
/* Interrupts with a level in @d. */
IRQLAB_EXPORT unsigned long irqlab_domain_nr_irqs(const struct irqlab_domain *d);

enum irqlab_device_kind {
	IRQLAB_DEVICE_MSI = 0,	/* PCI MSI: one message, 1..32 vectors */
	IRQLAB_DEVICE_MSIX = 1, /* PCI MSI-X: a table of entries */
	IRQLAB_DEVICE_IMS = 2,	/* a device-specific message store of slots */
	IRQLAB_DEVICE_INTX = 3, /* a legacy pin wired to an IO-APIC GSI */
};

struct irqlab_device_spec {
	size_t size;		      /* set by irqlab_device_spec_init() */
	const char *name;	      /* unique in the machine, copied */
	enum irqlab_device_kind kind; /* default IRQLAB_DEVICE_MSIX */
	uint16_t rid;		      /* requester id: bus << 8 | dev << 3 | fn */
	unsigned nr;		/* MSI vectors (1..32), MSI-X entries, IMS slots (default 1) */
	bool maskable;		/* MSI: per-vector masking */
	bool queue_store;	/* IMS: the store is in queue memory */
	unsigned gsi;		/* INTx: the GSI its pin is wired to */
	bool level, active_low; /* INTx: trigger and polarity */
	unsigned intx_pin;	/* INTx: 0..3 for INTA..INTD */
	uint32_t reserved;	/* 0; fills the tail padding, as in irqlab_machine_config */
};

IRQLAB_EXPORT void irqlab_device_spec_defaults(struct irqlab_device_spec *spec, size_t size);

static inline void irqlab_device_spec_init(struct irqlab_device_spec *spec)
{
	irqlab_device_spec_defaults(spec, sizeof(*spec));
}

/* A device driven by kernel @k. -EEXIST for a name or requester id already taken. */
IRQLAB_EXPORT int irqlab_device_add(struct irqlab_kernel *k, const struct irqlab_device_spec *spec,
				    struct irqlab_device **out);
/* The device called @name, or NULL. */
IRQLAB_EXPORT struct irqlab_device *irqlab_device_find(const struct irqlab_machine *m,
						       const char *name);
IRQLAB_EXPORT const char *irqlab_device_name(const struct irqlab_device *dev);
/* Its entries: MSI vectors, MSI-X entries, IMS slots; 1 for a pin. */
IRQLAB_EXPORT unsigned irqlab_device_nr_entries(const struct irqlab_device *dev);
IRQLAB_EXPORT struct irqlab_kernel *irqlab_device_kernel(const struct irqlab_device *dev);
/* Its requester id (bus << 8 | dev << 3 | fn), or -EINVAL. */
IRQLAB_EXPORT int irqlab_device_rid(const struct irqlab_device *dev);
/* Its enum irqlab_device_kind, or -EINVAL. */
IRQLAB_EXPORT int irqlab_device_kind_of(const struct irqlab_device *dev);
/* Whether its entries can be masked one by one (MSI-X, IMS, MSI with per-vector masking). */
IRQLAB_EXPORT bool irqlab_device_maskable(const struct irqlab_device *dev);
/* The machine's devices in the order they were added; NULL beyond the last. */
/*
 * Device assignment (SCENARIO.md "Virtual machines"): hands host device @dev to the guest
 * kernel @vm, whole (@n = 0) or only the IMS slots @slots. From then on the guest drives those
 * entries through its view of the device (*@view, or NULL when not wanted): the same name,
 * kind, requester id and indexes. MSI, MSI-X and IMS in device memory are trap-and-emulate
 * (the host backs each entry the guest unmasks); IMS in queue memory is not trapped. Every
 * entry given must be the host's and unallocated: -EBUSY otherwise, -EINVAL for slots of a
 * device that is not IMS or a kernel that is not a VM, -EOPNOTSUPP for an INTx device.
 */
IRQLAB_EXPORT int irqlab_assign(struct irqlab_kernel *vm, struct irqlab_device *dev,
				const unsigned *slots, unsigned n, struct irqlab_device **view);
/*
 * @dev as kernel @k drives it: the device itself for the host (an emulated device for its VM),
 * a guest's view for the guest it was assigned to, NULL for a kernel that has no part of it.
 * The lifecycle calls map a device handle this way themselves.
 */
IRQLAB_EXPORT struct irqlab_device *irqlab_device_in(const struct irqlab_device *dev,
						     const struct irqlab_kernel *k);
/*
 * The one kernel that drives every entry of @dev (the host, its VM, the guest it was assigned
 * to whole), or NULL when its IMS slots are split among kernels.
 */
IRQLAB_EXPORT struct irqlab_kernel *irqlab_device_owner(const struct irqlab_device *dev);
/* Whether @dev is a guest's view whose store the VMM emulates, so every guest write traps. */
IRQLAB_EXPORT bool irqlab_device_trapped(const struct irqlab_device *dev);
/* The device itself behind a guest's view; @dev for any other. */
IRQLAB_EXPORT struct irqlab_device *irqlab_device_physical(const struct irqlab_device *dev);
/*
 * The kernel whose driver serves entry @index: the host, the VM it was assigned to; in a
 * guest's view, NULL for an entry not assigned to it.
 */
IRQLAB_EXPORT struct irqlab_kernel *irqlab_entry_owner(const struct irqlab_device *dev,
						       unsigned index);

/* Every device of the machine, guests' views of assigned devices included, in creation order. */
IRQLAB_EXPORT unsigned irqlab_machine_nr_devices(const struct irqlab_machine *m);
IRQLAB_EXPORT struct irqlab_device *irqlab_machine_device(const struct irqlab_machine *m,
							  unsigned i);

/*
 * The lifecycle. Each runs in kernel @k, which must drive @dev; @idx lists @n entries. All or
 * nothing: a failure changes nothing.
 */
/* Between @min and @max interrupts at the lowest free entries; *@granted says how many. */
IRQLAB_EXPORT int irqlab_alloc_irqs(struct irqlab_kernel *k, struct irqlab_device *dev,
				    unsigned min, unsigned max, bool managed, unsigned *granted);
IRQLAB_EXPORT int irqlab_free_irqs(struct irqlab_kernel *k, struct irqlab_device *dev);
IRQLAB_EXPORT int irqlab_request(struct irqlab_kernel *k, struct irqlab_device *dev,
				 const unsigned *idx, unsigned n);
IRQLAB_EXPORT int irqlab_release(struct irqlab_kernel *k, struct irqlab_device *dev,
				 const unsigned *idx, unsigned n);
IRQLAB_EXPORT int irqlab_set_affinity(struct irqlab_kernel *k, struct irqlab_device *dev,
				      const unsigned *idx, unsigned n,
				      const struct irqlab_cpumask *mask);
IRQLAB_EXPORT int irqlab_mask(struct irqlab_kernel *k, struct irqlab_device *dev,
			      const unsigned *idx, unsigned n);
IRQLAB_EXPORT int irqlab_unmask(struct irqlab_kernel *k, struct irqlab_device *dev,
				const unsigned *idx, unsigned n);
/* The device emits @count messages from each entry (a pin: @count requests). */
IRQLAB_EXPORT int irqlab_raise(struct irqlab_kernel *k, struct irqlab_device *dev,
			       const unsigned *idx, unsigned n, unsigned count);
/* Writes entry @index's message store as a driver (or a guest) would. */
IRQLAB_EXPORT int irqlab_store(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index,
			       uint64_t addr, uint32_t data);
/* A pin: the driver served one request, then the EOI. */
IRQLAB_EXPORT int irqlab_eoi(struct irqlab_kernel *k, struct irqlab_device *dev);
IRQLAB_EXPORT int irqlab_cpu_online(struct irqlab_kernel *k, unsigned cpu);
/*
 * Every interrupt leaves the CPU first; -ENOSPC (nothing moved) when the others are full;
 * -EPERM for CPU 0, which x86 Linux does not let go offline (arch_cpu_is_hotpluggable).
 */
IRQLAB_EXPORT int irqlab_cpu_offline(struct irqlab_kernel *k, unsigned cpu);

/* Where a message ended. */
enum irqlab_class {
	IRQLAB_CLASS_DELIVERED = 0,    /* its interrupt's handler, in the owning kernel */
	IRQLAB_CLASS_BLOCKED = 1,      /* refused by the IR unit */
	IRQLAB_CLASS_LOST = 2,	       /* no handler at that vector, or not an interrupt */
	IRQLAB_CLASS_SPURIOUS = 3,     /* the placeholder vector */
	IRQLAB_CLASS_MISDELIVERED = 4, /* another owner's handler: an isolation breach */
	IRQLAB_NR_CLASSES = 5,	       /* grows when a class is added */
};

/* "delivered", "blocked", ...; NULL beyond the classes. */
IRQLAB_EXPORT const char *irqlab_class_name(enum irqlab_class cls);

/*
 * The readers: 0 and the answer in *@out, or -EINVAL / -ERANGE with the reason as the
 * machine's error. Counts never go down.
 */
/* Every message of the machine that ended in @cls. */
IRQLAB_EXPORT int irqlab_machine_count(struct irqlab_machine *m, enum irqlab_class cls,
				       uint64_t *out);
/* Messages delivered on physical CPU @cpu. */
IRQLAB_EXPORT int irqlab_cpu_delivered(struct irqlab_machine *m, unsigned cpu, uint64_t *out);
/* Messages entry @index emitted that ended in @cls. */
IRQLAB_EXPORT int irqlab_entry_count(const struct irqlab_device *dev, unsigned index,
				     enum irqlab_class cls, uint64_t *out);
/*
 * Messages that reached entry @index's handler: in all, and on CPU @cpu of the kernel that
 * drives @dev (a guest's view: its vCPU).
 */
IRQLAB_EXPORT int irqlab_entry_delivered(const struct irqlab_device *dev, unsigned index,
					 uint64_t *out);
IRQLAB_EXPORT int irqlab_entry_delivered_on(const struct irqlab_device *dev, unsigned index,
					    unsigned cpu, uint64_t *out);
/*
 * Where entry @index's messages must go now: CPU and vector (the placeholder 0xef while it is
 * only reserved or shut down). -EINVAL when it is not allocated.
 */
IRQLAB_EXPORT int irqlab_entry_target(const struct irqlab_device *dev, unsigned index,
				      unsigned *cpu, unsigned *vector);
/* The message entry @index's store holds (a pin: what its IO-APIC would send). */
IRQLAB_EXPORT int irqlab_entry_message(const struct irqlab_device *dev, unsigned index,
				       struct irqlab_msi_msg *out);
/* IRTEs in use in the IR unit (0 without one). */
IRQLAB_EXPORT int irqlab_irtes_used(struct irqlab_machine *m, unsigned *out);
/* Vectors of kernel @k's CPU @cpu free for a normal allocation. */
IRQLAB_EXPORT int irqlab_cpu_free_vectors(const struct irqlab_kernel *k, unsigned cpu,
					  unsigned *out);

/*
 * The readers of larger answers fill a struct the caller owns: @size is sizeof what the caller
 * knows (the inline wrappers pass it), so that a program built against an older header gets
 * the fields it knows and a newer one gets zeros in the fields an older library lacks.
 */

/* One entry as the kernel and its device see it. */
struct irqlab_entry_state {
	bool masked;	      /* its store masks it (a pin's mask is in its RTE: never here) */
	bool pending;	      /* a message waits in its pending bit */
	bool allocated;	      /* an interrupt is allocated to it; the fields below need it */
	bool requested;	      /* request_irq() and no release since */
	bool managed;	      /* kernel-managed affinity */
	bool moving;	      /* a move waits for its first interrupt on the new vector */
	unsigned virq;	      /* its number in the kernel */
	unsigned cpu, vector; /* where its messages must go now (0xef: placeholder) */
	int irte;	      /* its IRTE under interrupt remapping, or -1 */
	unsigned nr_levels;   /* of its hierarchy: bus level first, vector level last */
	struct irqlab_cpumask affinity; /* the CPUs asked for */
	/* An affinity change the next interrupt makes (no IR: Linux defers it to the ack). */
	bool move_pending;
	struct irqlab_cpumask pending_affinity; /* its CPUs, when move_pending */
	bool level; /* level-triggered (an INTx pin wired so): Linux's fasteoi flow, else edge */
};

/*
 * The host's backing of entry @index of a guest's view (by a trap or by a hypercall): its
 * state as irqlab_entry_state() gives it, with the device's own mask and pending bits;
 * allocated is false when the host backs nothing (yet, or ever: queue memory).
 */
IRQLAB_EXPORT int irqlab_entry_read_backing(const struct irqlab_device *dev, unsigned index,
					    struct irqlab_entry_state *out, size_t size);

static inline int irqlab_entry_backing(const struct irqlab_device *dev, unsigned index,
				       struct irqlab_entry_state *out)
{
	return irqlab_entry_read_backing(dev, index, out, sizeof(*out));
}

IRQLAB_EXPORT int irqlab_entry_read_state(const struct irqlab_device *dev, unsigned index,
					  struct irqlab_entry_state *out, size_t size);

static inline int irqlab_entry_state(const struct irqlab_device *dev, unsigned index,
				     struct irqlab_entry_state *out)
{
	return irqlab_entry_read_state(dev, index, out, sizeof(*out));
}

/* One level of an allocated entry's interrupt (Linux: its irq_data in one domain). */
struct irqlab_irq_level {
	struct irqlab_domain *domain;
	uint32_t hwirq; /* its number in that domain */
	bool active;	/* activated: the level's hardware is programmed */
};

/* Level @level (0: the bus level) of entry @index's interrupt; -ERANGE beyond nr_levels. */
IRQLAB_EXPORT int irqlab_entry_read_level(const struct irqlab_device *dev, unsigned index,
					  unsigned level, struct irqlab_irq_level *out,
					  size_t size);

static inline int irqlab_entry_level(const struct irqlab_device *dev, unsigned index,
				     unsigned level, struct irqlab_irq_level *out)
{
	return irqlab_entry_read_level(dev, index, level, out, sizeof(*out));
}

/* The vectors of one CPU (Linux: the matrix's per-CPU counters). */
struct irqlab_vector_stats {
	bool online;
	unsigned available;	    /* free for a normal allocation */
	unsigned allocated;	    /* in use, managed ones included */
	unsigned managed;	    /* reserved for managed interrupts, in use or not */
	unsigned managed_allocated; /* of those, in use */
};

IRQLAB_EXPORT int irqlab_cpu_read_vector_stats(const struct irqlab_kernel *k, unsigned cpu,
					       struct irqlab_vector_stats *out, size_t size);

static inline int irqlab_cpu_vector_stats(const struct irqlab_kernel *k, unsigned cpu,
					  struct irqlab_vector_stats *out)
{
	return irqlab_cpu_read_vector_stats(k, cpu, out, sizeof(*out));
}

/*
 * The vector matrix of kernel @k as a whole (Linux: irq_matrix_debug_show(), in debugfs
 * irq/domains/VECTOR). Available vectors are what irqlab_cpu_free_vectors() and the
 * vector stats call available: free for a normal allocation.
 */
struct irqlab_vector_matrix_info {
	unsigned online_cpus;	   /* Linux: online_maps */
	unsigned global_available; /* the online CPUs' available vectors, summed */
	unsigned global_reserved;  /* reservations not yet backed by a vector (reservation mode) */
	unsigned total_allocated;  /* vectors in use on the online CPUs */
	unsigned alloc_start;	   /* allocations take vectors alloc_start..alloc_end - 1 */
	unsigned alloc_end;
	unsigned nr_system; /* system vectors the matrix holds (0x32 and 0x80 in its range) */
	uint64_t system[4]; /* those vectors: vector v is bit v % 64 of word v / 64 */
};

IRQLAB_EXPORT int irqlab_kernel_read_vector_matrix(const struct irqlab_kernel *k,
						   struct irqlab_vector_matrix_info *out,
						   size_t size);

static inline int irqlab_kernel_vector_matrix(const struct irqlab_kernel *k,
					      struct irqlab_vector_matrix_info *out)
{
	return irqlab_kernel_read_vector_matrix(k, out, sizeof(*out));
}

#define IRQLAB_NR_VECTORS 256u /* x86 vectors of one CPU, 0..255 */

/* Who answers at one vector of one CPU. */
enum irqlab_vector_use {
	IRQLAB_VECTOR_NONE = 0, /* no handler: free, a system vector, or only reserved */
	IRQLAB_VECTOR_ISA = 1,	/* one of the 16 ISA interrupts (legacy, CPU 0) */
	IRQLAB_VECTOR_IRQ = 2,	/* an interrupt of the kernel */
};

struct irqlab_vector_owner {
	enum irqlab_vector_use use;
	unsigned isa_irq;	   /* ISA: 0..15 */
	unsigned virq;		   /* IRQ: its number in the kernel */
	struct irqlab_device *dev; /* IRQ: the device whose entry it serves */
	unsigned index;		   /* IRQ: that entry */
	/* The matrix's bits for this vector on this CPU (Linux: alloc_map, managed_map). */
	bool allocated; /* taken: by an interrupt, an ISA interrupt, or an old vector moving */
	bool managed;	/* reserved for a managed interrupt, in use or not */
	bool system;	/* a system vector, on every CPU */
};

/* Vector @vector (below IRQLAB_NR_VECTORS) of kernel @k's CPU @cpu. */
IRQLAB_EXPORT int irqlab_cpu_read_vector_owner(const struct irqlab_kernel *k, unsigned cpu,
					       unsigned vector, struct irqlab_vector_owner *out,
					       size_t size);

static inline int irqlab_cpu_vector_owner(const struct irqlab_kernel *k, unsigned cpu,
					  unsigned vector, struct irqlab_vector_owner *out)
{
	return irqlab_cpu_read_vector_owner(k, cpu, vector, out, sizeof(*out));
}

/* The machine's interrupt-remapping unit. */
struct irqlab_ir_info {
	bool present;	    /* false: the machine has none, and the rest is 0 */
	unsigned entries;   /* IRTEs in its table */
	unsigned used;	    /* IRTEs allocated */
	bool x2apic;	    /* extended interrupt mode (EIME): 32-bit destinations */
	bool cfi;	    /* compatibility-format interrupts pass it */
	uint64_t blocked;   /* messages it blocked: reported, silenced or dropped */
	unsigned nr_faults; /* records in its fault log */
};

IRQLAB_EXPORT int irqlab_ir_read_info(struct irqlab_machine *m, struct irqlab_ir_info *out,
				      size_t size);

static inline int irqlab_ir_info(struct irqlab_machine *m, struct irqlab_ir_info *out)
{
	return irqlab_ir_read_info(m, out, sizeof(*out));
}

/* IRTE @index as it sits in the table (decode it with irqlab/irte.h); -ENODEV without IR. */
IRQLAB_EXPORT int irqlab_ir_read_irte(struct irqlab_machine *m, unsigned index,
				      struct irqlab_irte *out);

#define IRQLAB_IR_FAULT_ANY (-1)

/*
 * Faults reported with VT-d fault reason @reason (0x20..0x26), or all, by every IR unit of the
 * machine: the host's and the guests' emulated ones (parent=vir). 0 without any.
 */
IRQLAB_EXPORT int irqlab_ir_fault_count(struct irqlab_machine *m, int reason, uint64_t *out);

/* One record of the fault log, as the VT-d fault recording registers hold it. */
struct irqlab_ir_fault {
	uint8_t reason; /* the fault reason */
	uint16_t sid;	/* the requester id of the message */
	uint32_t index; /* the interrupt index it asked for */
};

/* Record @i of the fault log, oldest first; -ERANGE beyond nr_faults. */
IRQLAB_EXPORT int irqlab_ir_read_fault(struct irqlab_machine *m, unsigned i,
				       struct irqlab_ir_fault *out);

/*
 * The race explorer: entry @index moves to @mask as irqlab_set_affinity() moves it, with its
 * stored message rewritten in @style, and where a message the device sent would go is probed
 * before the update, after each 32-bit write of the store and after it. The probes change
 * nothing; the move is real. *@out holds what they saw until irqlab_race_free().
 */
/*
 * One isolation breach: messages a device entry sent (entry @index of @dev, owned by @sender)
 * that reached the handler of an interrupt another kernel owns, all by one path: through the
 * IR unit by IRTE @irte (when @remapped, the requester id @sid validated), then kernel @at's
 * local APIC at @cpu and @vector, to irq @virq, which serves entry @handler_index of
 * @handler_dev (NULL for an interrupt of no device) for @handler_owner. @count messages.
 */
struct irqlab_breach {
	const struct irqlab_device *dev;
	unsigned index;
	const struct irqlab_kernel *sender;
	bool remapped;
	unsigned irte;
	uint16_t sid;
	const struct irqlab_kernel *at;
	unsigned cpu, vector;
	unsigned virq;
	const struct irqlab_device *handler_dev;
	unsigned handler_index;
	const struct irqlab_kernel *handler_owner;
	uint64_t count;
};

/* The breaches so far, in order of first sight; a breach with no room to say which adds to
 * the misdelivered count only. */
IRQLAB_EXPORT unsigned irqlab_machine_nr_breaches(const struct irqlab_machine *m);
IRQLAB_EXPORT int irqlab_machine_read_breach(const struct irqlab_machine *m, unsigned i,
					     struct irqlab_breach *out, size_t size);

static inline int irqlab_machine_breach(const struct irqlab_machine *m, unsigned i,
					struct irqlab_breach *out)
{
	return irqlab_machine_read_breach(m, i, out, sizeof(*out));
}

enum irqlab_race_style {
	IRQLAB_RACE_AUTO = 0,	  /* Linux's: direct when safe, else two steps via the old CPU */
	IRQLAB_RACE_NAIVE = 1,	  /* what-if: the final message written directly */
	IRQLAB_RACE_DEFERRED = 2, /* what-if: written later, with no protocol (queue memory) */
};

IRQLAB_EXPORT int irqlab_race_affinity(struct irqlab_kernel *k, struct irqlab_device *dev,
				       unsigned index, const struct irqlab_cpumask *mask,
				       enum irqlab_race_style style, struct irqlab_race **out);
IRQLAB_EXPORT void irqlab_race_free(struct irqlab_race *race);
IRQLAB_EXPORT unsigned irqlab_race_nr_points(const struct irqlab_race *race);
/* Points whose message ended in @cls (a pending one counts as delivered). */
IRQLAB_EXPORT unsigned irqlab_race_count(const struct irqlab_race *race, enum irqlab_class cls);

struct irqlab_race_point {
	const char *when; /* "after the data write", ... */
	bool pending;	  /* the entry was masked: the message waits in its pending bit */
	enum irqlab_class cls;
	const char *why;	   /* what happened, or NULL */
	struct irqlab_msi_msg msg; /* what the device would emit */
	unsigned cpu, vector;	   /* where it arrived, when it reached a local APIC */
	int irte;		   /* the IRTE it went through, or -1 */
	bool has_target;	   /* it named a destination: cpu and vector are meaningful */
};

/* Point @i, in the order they were probed; -ERANGE beyond the last. */
IRQLAB_EXPORT int irqlab_race_read_point(const struct irqlab_race *race, unsigned i,
					 struct irqlab_race_point *out, size_t size);

static inline int irqlab_race_point(const struct irqlab_race *race, unsigned i,
				    struct irqlab_race_point *out)
{
	return irqlab_race_read_point(race, i, out, sizeof(*out));
}

#ifdef __cplusplus
}
#endif

#endif
