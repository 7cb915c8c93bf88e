/* SPDX-License-Identifier: MIT */
/*
 * A machine: its physical CPUs with their APIC ids, its IR unit, its IO-APICs, its devices,
 * the delivery fabric that takes every message a device emits to the IR unit or straight to
 * the local APICs and classifies where it ended, and the kernels that run on it (the host;
 * next, a guest per VM). Each kernel owns one hierarchy over its own CPUs; each device entry
 * has an owner, and isolation is judged per entry.
 *
 * Every lifecycle operation here is one scenario statement, run in one kernel: it either
 * succeeds or fails with a negative errno, a sentence in the machine's error, and no change of
 * state.
 */
#ifndef IRQLAB_PLATFORM_PLATFORM_H
#define IRQLAB_PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "bus/device.h"
#include "core/error.h"
#include "core/irqdomain.h"
#include "core/msg_class.h"
#include "iommu/ir_unit.h"
#include "platform/detect.h"

/* The host kernel's IMS policy (SCENARIO.md's vm ims=, offered for the host too). */
enum irqlab_ims_policy {
	IRQLAB_IMS_IR,	      /* only under a non-virtual IR parent: the final design */
	IRQLAB_IMS_BAREMETAL, /* also under the vector domain: the earlier proposal */
	IRQLAB_IMS_OFF,	      /* a kernel without IMS support */
};

struct irqlab_platform_config {
	unsigned ncpus;
	bool ir;
	unsigned irtes;
	bool cfi;     /* compatibility-format interrupts pass the IR unit */
	bool legacy;  /* ISA interrupts on CPU 0 */
	bool extdest; /* 15-bit extended destination ids without IR */
	enum irqlab_ims_policy ims;
	/* What the host kernel reads of the machine (no hypervisor bit: it is the host). */
	struct irqlab_detect_record detection;
	/* The injector the machine's allocation points ask, or NULL: the machine's own. */
	struct irqlab_fault *fault;
};

/*
 * What the machine keeps about one of its kernels (the kernel's priv): the root of its
 * hierarchy, the parent its bus domains are created under, and its policies.
 */
struct irqlab_kernel_env {
	struct irqlab_machine *machine;
	struct irqlab_kernel *kernel;
	struct irqlab_domain *vector;	  /* the root: the vector domain over its CPUs */
	struct irqlab_domain *msi_parent; /* the remap domain, or the vector domain */
	enum irqlab_ims_policy ims;
	/* A guest's: the host CPU each of its vCPUs runs on; NULL for the host. */
	unsigned *vcpu_host;
	/* A guest's emulated IR unit (parent=vir), or NULL. */
	struct irqlab_ir_unit *vir;
	/* A guest's views of the devices assigned to it, newest first (passthrough.c). */
	struct irqlab_device *views;
	bool believes_bare_metal; /* its detection's verdict */
	struct irqlab_detect_record detection;
	/*
	 * A guest's dealings with its host, for show stats: trapped writes to emulated stores,
	 * hypercalls (failed ones too), and host interrupts allocated to back its entries.
	 */
	unsigned long traps, hypercalls, host_allocs;
};

/* A VM: a guest kernel over vCPUs of its own (SCENARIO.md, "Virtual machines"). */
struct irqlab_platform_vm {
	const char *name;
	unsigned ncpus;
	/* The host CPU of each vCPU (ncpus of them), or NULL: vCPU i on i mod host CPUs. */
	const unsigned *pin;
	enum irqlab_ims_policy ims;
	/* What the guest kernel read and concluded about where it runs (its detection). */
	struct irqlab_detect_record detection;
	bool hcall; /* the hypercall parent between its vector domain and its bus domains */
	bool vir;   /* an emulated IR unit there instead (caching mode), its writes trapped */
};

/* Who answers at a physical APIC id: a kernel, and which of its CPUs that is. */
struct irqlab_apic_slot {
	struct irqlab_kernel *kernel;
	unsigned cpu;
};

/* The path and fate of one message, for traces and tests. */
struct irqlab_delivery {
	enum irqlab_msg_class cls;
	struct irqlab_msi_msg msg;
	bool remapped;
	struct irqlab_ir_result ir;
	unsigned cpu, vector;	  /* where it arrived, when it reached a local APIC */
	struct irqlab_kernel *at; /* whose local APIC that is (cpu is that kernel's) */
	bool decoded;		  /* cpu (an APIC id) and vector are known: it has a destination */
	struct irqlab_irq *irq;
	bool retriggered; /* caught at a vector marked by a two-step move, then resent */
	const char *why;  /* for lost and blocked: what happened */
};

/*
 * How the race explorer's affinity change rewrites a stored message without IR. AUTO is
 * Linux's rule (direct when that is safe, else the two-step update through the old CPU); the
 * others are what-ifs: NAIVE writes the final message directly; DEFERRED models a store in
 * queue memory written later with no protocol (IMS without IR).
 */
enum irqlab_msi_update_style {
	IRQLAB_MSI_UPDATE_AUTO,
	IRQLAB_MSI_UPDATE_NAIVE,
	IRQLAB_MSI_UPDATE_DEFERRED,
};

/* The race explorer: where the device's message goes at each point of one update. */
#define IRQLAB_RACE_MAX_POINTS 16

struct irqlab_race_probe {
	const char *when; /* "after the data write", ... */
	bool pending;	  /* the entry was masked: the message waits in its pending bit */
	struct irqlab_delivery dl;
};

/* The public struct irqlab_race (irqlab/irqlab.h), which the API allocates. */
struct irqlab_race {
	struct irqlab_kernel *kernel; /* where it ran */
	struct irqlab_irq *irq;	      /* the interrupt that moves */
	unsigned n;
	struct irqlab_race_probe points[IRQLAB_RACE_MAX_POINTS];
	unsigned by_class[IRQLAB_MSG_NR_CLASSES];
};

typedef void (*irqlab_trace_fn)(void *ctx, const char *line);

/*
 * One isolation breach, however many messages took it: a device entry (or a guest's view of
 * it) whose message reached the handler of an interrupt another kernel owns, by one path.
 */
struct irqlab_breach_rec {
	struct irqlab_device *dev; /* the entry that sent: physical, or a guest's view */
	unsigned index;
	struct irqlab_kernel *sender; /* the entry's owner */
	bool remapped;		      /* through the IR unit, by IRTE irte */
	unsigned irte;
	uint16_t sid;
	struct irqlab_kernel *at; /* whose local APIC took it, at cpu and vector */
	unsigned cpu, vector;
	unsigned virq; /* the interrupt whose handler ran (irqs are numbered per kernel) */
	struct irqlab_device *handler_dev;
	unsigned handler_index;
	struct irqlab_kernel *handler_owner;
	unsigned long count;
};

struct irqlab_ioapic;
#define IRQLAB_IOAPIC_PINS 24u
#define IRQLAB_MAX_IOAPICS 43u /* GSIs 0..1031 */

struct irqlab_machine {
	struct irqlab_platform_config cfg;
	struct irqlab_fault *fault; /* cfg.fault, or own_fault */
	struct irqlab_fault own_fault;
	/* Why the current operation failed, whichever of the kernels it ran in. */
	struct irqlab_error error;
	struct irqlab_kernel **kernels; /* the host first, then guests in creation order */
	unsigned nr_kernels;
	struct irqlab_kernel *host;
	/* The physical CPUs: APIC id -> the kernel that runs there (cfg.ncpus of them). */
	struct irqlab_apic_slot *apic;
	struct irqlab_ir_unit *ir; /* the one unit covering every device, or NULL */
	struct irqlab_device **devices;
	unsigned nr_devices;
	/* The devices by name: open addressing, a power of two of slots, at most half full. */
	struct irqlab_device **by_name;
	unsigned by_name_slots;
	/* The requester ids message-signalled devices hold (INTx devices share theirs). */
	uint64_t rid_taken[65536 / 64];
	/* Devices whose delivery counts changed since the last check; NULL-free when full. */
	struct irqlab_id_log dirty_devices; /* their slots in devices[] */
	/* IO-APIC n serves GSIs 24n..24n+23; created on first use, the table grown to fit. */
	struct irqlab_ioapic **ioapics;
	unsigned nr_ioapic_slots;
	unsigned long by_class[IRQLAB_MSG_NR_CLASSES];
	unsigned long *delivered_by_cpu; /* per physical CPU */
	/* Isolation breaches by entry and path, in order of first sight (isolation.c). */
	struct irqlab_breach_rec *breaches;
	unsigned nr_breaches, breach_slots;
	unsigned last_breach;	  /* where the last one was found: storms repeat one path */
	unsigned long unrecorded; /* breaches counted with no room to say which */
	irqlab_trace_fn trace;
	void *trace_ctx;
};

/* -EINVAL with a sentence in @why for a configuration the machine cannot have. */
int irqlab_platform_new(const struct irqlab_platform_config *cfg, struct irqlab_machine **out,
			char *why, size_t len);
void irqlab_platform_free(struct irqlab_machine *p);
/* The reason the last operation failed. */
const char *irqlab_platform_error(const struct irqlab_machine *p);
/* The machine's part of a kernel: where its hierarchy starts and what it allows. */
struct irqlab_kernel_env *irqlab_kernel_env(const struct irqlab_kernel *k);
struct irqlab_machine *irqlab_kernel_machine(const struct irqlab_kernel *k);
/* Whether kernel @k's bus domains sit under an interrupt-remapping parent (its own IR unit). */
bool irqlab_kernel_remapped(const struct irqlab_kernel *k);
/* The kernel and CPU at physical APIC id @apic_id, or NULL beyond the machine's CPUs. */
const struct irqlab_apic_slot *irqlab_platform_apic(const struct irqlab_machine *p,
						    unsigned apic_id);

/*
 * A guest kernel for a VM: its own vector domain over its vCPUs (APIC id = vCPU number, the
 * ISA interrupts on vCPU 0), its bus domains directly under it. -EEXIST for a name taken,
 * -EINVAL for a configuration the machine cannot run, -ENOMEM; nothing is left on failure.
 */
int irqlab_platform_add_vm(struct irqlab_machine *p, const struct irqlab_platform_vm *cfg,
			   struct irqlab_kernel **out);
/* The kernel named @name ("host" or a VM's), or NULL. */
struct irqlab_kernel *irqlab_platform_kernel(const struct irqlab_machine *p, const char *name);
/* The host CPU that kernel @k's CPU @cpu runs on: itself for the host, its pin for a guest. */
unsigned irqlab_kernel_host_cpu(const struct irqlab_kernel *k, unsigned cpu);

/* A device driven by kernel @k. */
int irqlab_platform_add_device(struct irqlab_kernel *k, const struct irqlab_device_config *cfg,
			       struct irqlab_device **out);
struct irqlab_device *irqlab_platform_device(const struct irqlab_machine *p, const char *name);

/*
 * The lifecycle operations, each run in kernel @k, which must own @dev. Each returns 0 or a
 * negative errno with the reason in the machine's error; a failure changes nothing. @idx lists
 * entries.
 */
int irqlab_platform_alloc(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned min,
			  unsigned max, bool managed, unsigned *granted);
int irqlab_platform_free_irqs(struct irqlab_kernel *k, struct irqlab_device *dev);
int irqlab_platform_request(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			    unsigned n);
int irqlab_platform_release(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			    unsigned n);
int irqlab_platform_affinity(struct irqlab_kernel *k, struct irqlab_device *dev,
			     const unsigned *idx, unsigned n, const struct irqlab_cpumask *mask);
int irqlab_platform_mask(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			 unsigned n, bool mask);
int irqlab_platform_raise(struct irqlab_kernel *k, struct irqlab_device *dev, const unsigned *idx,
			  unsigned n, unsigned count);
int irqlab_platform_store(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index,
			  uint64_t addr, uint32_t data);
int irqlab_platform_cpu(struct irqlab_kernel *k, unsigned cpu, bool online);
/* INTx: the driver served one request, then the EOI. */
int irqlab_platform_eoi(struct irqlab_kernel *k, struct irqlab_device *dev);
/* What entry @index holds now (INTx: what its IO-APIC pin would send). */
int irqlab_platform_stored_msg(struct irqlab_machine *p, const struct irqlab_device *dev,
			       unsigned index, struct irqlab_msi_msg *msg);

/*
 * Moves entry @index to @mask as `affinity` does, with the message store updated in @style,
 * and probes where a message the device sent would go before the update, after each 32-bit
 * write of the store, and after the update. The probes change nothing; the move is real.
 */
int irqlab_platform_race(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index,
			 const struct irqlab_cpumask *mask, enum irqlab_msi_update_style style,
			 struct irqlab_race *race);

/* The fabric: the device emits @msg from entry @index; fills @out when not NULL. */
void irqlab_platform_deliver(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			     const struct irqlab_msi_msg *msg, struct irqlab_delivery *out);

const char *irqlab_msg_class_name(enum irqlab_msg_class cls);

/* A message from entry @index of @dev was misdelivered along @dl: note the breach. */
void irqlab_isolation_record(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			     const struct irqlab_delivery *dl);

/* The whole platform's invariants: every kernel, every device, the IR unit. */
int irqlab_platform_check(struct irqlab_machine *p, char *why, size_t len);
/* The same for what changed since the last check (irqlab_kernel_check_changed). */
int irqlab_platform_check_changed(struct irqlab_machine *p, char *why, size_t len);
/* @dev's delivery counts changed: the next incremental check adds them up. */
void irqlab_platform_touch_device(struct irqlab_machine *p, struct irqlab_device *dev);
void irqlab_platform_dump(struct irqlab_machine *p, struct irqlab_strbuf *out);

#endif
