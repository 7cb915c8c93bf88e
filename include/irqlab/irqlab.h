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
#include "irqlab/msi.h"
#include "irqlab/version.h"

#ifdef __cplusplus
extern "C" {
#endif

struct irqlab_machine; /* CPUs, the IR unit, IO-APICs, devices, the fabric, its kernels */
struct irqlab_kernel;  /* one OS (the host) and its interrupt-domain hierarchy */
struct irqlab_device;  /* a PCI function or a wired pin, driven by one kernel */

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
	unsigned irtes; /* its table: a power of two up to 65536 (default 65536) */
	bool cfi;	/* compatibility-format messages pass the IR unit (default false) */
	bool legacy;	/* the 16 ISA interrupts take vectors on CPU 0 (default true) */
	bool extdest;	/* 15-bit extended destination ids without IR (default false) */
	enum irqlab_machine_ims ims; /* default IRQLAB_MACHINE_IMS_IR */
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

/* Called with one line for every message the fabric carries; NULL stops it. */
typedef void (*irqlab_machine_trace_fn)(void *ctx, const char *line);
IRQLAB_EXPORT int irqlab_machine_set_trace(struct irqlab_machine *m, irqlab_machine_trace_fn fn,
					   void *ctx);

IRQLAB_EXPORT const char *irqlab_kernel_name(const struct irqlab_kernel *k);
IRQLAB_EXPORT struct irqlab_machine *irqlab_kernel_machine(const struct irqlab_kernel *k);

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
/* Every interrupt leaves the CPU first; -ENOSPC (nothing moved) when the others are full. */
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
/* Messages that reached entry @index's handler: in all, and on CPU @cpu. */
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

#ifdef __cplusplus
}
#endif

#endif
