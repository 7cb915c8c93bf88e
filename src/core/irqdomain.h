/* SPDX-License-Identifier: MIT */
/*
 * The interrupt-domain hierarchy engine: kernels, domains, interrupt descriptors and their
 * per-level data chains.
 *
 * One kernel (the host OS or one guest OS) owns one hierarchy. A domain reaches its parent only
 * through the ops table and the parent link. Allocation runs parent-first: a domain's alloc op
 * calls irqlab_domain_alloc_parent() before it fills in its own level. Activation runs
 * root-first. The rollback contract is Linux's (reference/linux.md §1): the core frees only
 * what it allocated itself (descriptors and per-level data); a domain whose alloc fails undoes
 * its own partial work, including what it already took from its parent, before it returns.
 */
#ifndef IRQLAB_CORE_IRQDOMAIN_H
#define IRQLAB_CORE_IRQDOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/cpumask.h"
#include "core/error.h"
#include "core/mask_table.h"
#include "core/fault.h"
#include "core/id_log.h"
#include "core/strbuf.h"

struct irqlab_msi_msg;
struct irqlab_kernel;
struct irqlab_domain;
struct irqlab_irq;

#define IRQLAB_ALLOC_F_CONTIGUOUS  (1u << 0) /* n vectors behind one message (multi-MSI) */
#define IRQLAB_ALLOC_F_MANAGED	   (1u << 1) /* kernel-managed affinity */
#define IRQLAB_ALLOC_F_CAN_RESERVE (1u << 2) /* maskable: reservation mode applies */

struct irqlab_alloc_info {
	unsigned flags;
	/* Per-interrupt affinity, n of them, or NULL for "any online CPU". */
	const struct irqlab_cpumask *masks;
	uint32_t hwirq; /* first hwirq in the allocating (top) domain */
	void *dev;
	/* What the bus tells the architecture's domains; core never reads it (x86/irq_alloc.h). */
	const void *arch;
};

/* Return values of set_affinity beyond errors (Linux: IRQ_SET_MASK_OK*). */
enum {
	IRQLAB_SET_AFFINITY_OK = 0,	 /* the message may have changed: recompose and store */
	IRQLAB_SET_AFFINITY_OK_DONE = 1, /* handled below; the stored message stays as it is */
};

/* One level of one interrupt: what a domain keeps per interrupt (Linux: struct irq_data). */
struct irqlab_irq_data {
	struct irqlab_irq *irq;
	struct irqlab_domain *domain;
	struct irqlab_irq_data *parent; /* the level below, toward the root */
	uint32_t hwirq;
	void *chip_data; /* the domain's own per-interrupt state */
	bool activated;
};

struct irqlab_domain_ops {
	/* Allocates this level for n interrupts, parent first. Undoes everything on failure. */
	int (*alloc)(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
		     const struct irqlab_alloc_info *info);
	/* Frees this level (and, through irqlab_domain_free_parent(), the levels below). */
	void (*free)(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n);
	/* Programs hardware for this level. @reserve: a placeholder is enough (Linux's reserve). */
	int (*activate)(struct irqlab_domain *d, struct irqlab_irq_data *data, bool reserve);
	void (*deactivate)(struct irqlab_domain *d, struct irqlab_irq_data *data);
	/*
	 * Takes ahead what this level needs to activate (@mask NULL) or to move to @mask, so that
	 * the activate or set_affinity that follows cannot fail for want of it. Walked root first
	 * by irqlab_irq_prepare(), which aborts the levels below when one fails; abort gives back
	 * what prepare took and nothing used, and does nothing when nothing was taken.
	 */
	int (*prepare)(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask);
	void (*abort)(struct irqlab_irq_data *data);
	/*
	 * An affinity change through this level can be made at once, from process context: the
	 * device's stored message does not change with it (Linux: the IR domains set
	 * IRQ_MOVE_PCNTXT; since 6.14 the non-remapped chips say the opposite with
	 * IRQCHIP_MOVE_DEFERRED). Without it the change waits for the next interrupt.
	 */
	bool moves_in_process_context;
	/* Returns IRQLAB_SET_AFFINITY_OK, _OK_DONE or a negative errno. */
	int (*set_affinity)(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
			    bool force);
	/*
	 * Stores a message where the device reads it (bus levels): the separate 32-bit writes it
	 * is on real hardware.
	 */
	void (*write_msg)(struct irqlab_irq_data *data, const struct irqlab_msi_msg *msg);
	/*
	 * The affinity setter this domain installs on its MSI-like children, or NULL for the
	 * generic one (Linux: x86_init_dev_msi_info installs msi_set_affinity only when the
	 * parent is the vector domain, because only there does the stored message change).
	 */
	int (*child_msi_set_affinity)(struct irqlab_irq_data *data,
				      const struct irqlab_cpumask *mask, bool force);
	/* Composes the message a device must store (the vector or remap level). */
	int (*compose_msg)(struct irqlab_irq_data *data, struct irqlab_msi_msg *msg);
	/* Accepts or refuses a child's requirements; on refusal names the reason in @why. */
	int (*accept_child)(struct irqlab_domain *d, unsigned required, struct irqlab_strbuf *why);
	/* Verifies this domain's books; -EFAULT and a sentence in @why on the first violation. */
	int (*check)(struct irqlab_domain *d, struct irqlab_strbuf *why);
	/*
	 * The incremental check (irqlab_kernel_check_changed): check_irq verifies one interrupt's
	 * level as check does; check_changed verifies the domain-wide books for what changed since
	 * the last check, at a cost in proportion to it. A domain without check_changed has its
	 * whole check run when anything of it changed.
	 */
	int (*check_irq)(struct irqlab_irq_data *data, struct irqlab_strbuf *why);
	int (*check_changed)(struct irqlab_domain *d, struct irqlab_strbuf *why);
	/* Appends a deterministic description of the domain's whole state. */
	void (*dump)(struct irqlab_domain *d, struct irqlab_strbuf *out);
	/* Per-interrupt state of this level, for the same dump. */
	void (*dump_irq)(struct irqlab_irq_data *data, struct irqlab_strbuf *out);
	/* Releases the domain's private state (called with no interrupts left). */
	void (*destroy)(struct irqlab_domain *d);
};

struct irqlab_domain {
	struct irqlab_kernel *kernel;
	struct irqlab_domain *parent;
	const struct irqlab_domain_ops *ops;
	char name[64];
	/* What this domain puts before its children's names: "IR-" for a remap parent. */
	char child_prefix[8];
	unsigned depth;	       /* levels from here to the root, this one included */
	unsigned long nr_irqs; /* interrupts with a level in this domain */
	unsigned nr_children;
	void *priv;
	struct irqlab_domain *next, *prev; /* the kernel's list, in creation order */
	/* The kernel's index by name: a treap ordered by (name, seq), heap-ordered by priority. */
	struct irqlab_domain *by_name[2];
	unsigned long name_priority;
	/* Changed since the last check: on the kernel's list, newest domain first. */
	bool dirty;
	unsigned long seq; /* creation order */
	struct irqlab_domain *dirty_next;
	unsigned long seen; /* the full check's count of levels found in it */
};

/*
 * The lists of interrupts a kernel keeps so that a statement visits only those it concerns;
 * each interrupt carries its own links (no allocation, so no failure).
 */
enum irqlab_irq_list_id {
	IRQLAB_IRQS_SHUT_DOWN,	  /* managed_shutdown: what cpu online may restart */
	IRQLAB_IRQS_MOVE_PENDING, /* move_pending: what cpu offline may drop */
	IRQLAB_NR_IRQ_LISTS,
};

struct irqlab_irq_link {
	struct irqlab_irq *prev, *next;
};

struct irqlab_irq_list {
	struct irqlab_irq *head;
	unsigned n;
};

/* An interrupt descriptor (Linux: irq_desc) and the chain of its levels. */
struct irqlab_irq {
	struct irqlab_kernel *kernel;
	unsigned virq;
	struct irqlab_irq_data *top; /* the bus level; ->parent leads to the root */
	unsigned depth;
	const struct irqlab_cpumask *affinity; /* what was asked for: the kernel's shared copy */
	bool managed;
	bool managed_shutdown; /* managed, and no CPU of its mask is online */
	bool started;	       /* requested (request_irq) and not released */
	bool maskable;	       /* the bus entry can be masked (reservation mode applies) */
	bool retrigger;	       /* a message caught during a move must be sent again */
	/* An affinity change waits for the next interrupt (Linux: IRQD_SETAFFINITY_PENDING). */
	bool move_pending;
	/* Its mask (Linux: desc->pending_mask): the kernel's shared copy, or NULL. */
	const struct irqlab_cpumask *pending_mask;
	/* Its links on the kernel's lists, while its flag for that list is set. */
	struct irqlab_irq_link links[IRQLAB_NR_IRQ_LISTS];
	bool dirty;	/* changed since the last check: on the kernel's list */
	void *dev;	/* the bus entry that owns it */
	unsigned index; /* its index in that bus entry */
	/* Its levels, top first: the level of a domain of depth n is levels[depth - n]. */
	struct irqlab_irq_data levels[];
};

struct irqlab_kernel {
	char name[32];
	unsigned ncpus;
	struct irqlab_cpumask online;
	struct irqlab_fault *fault;
	struct irqlab_fault own_fault;
	struct irqlab_domain *domains, *domains_tail;
	struct irqlab_domain *domains_by_name; /* the root of the index by name */
	struct irqlab_irq **irqs;	       /* indexed by virq */
	unsigned irq_slots;
	unsigned nr_irqs;
	unsigned first_virq; /* the lowest virq dynamic allocation hands out */
	unsigned free_hint;  /* no virq below it (and at or above first_virq) is free */
	/* Why the current operation failed: the kernel's own, or its machine's for all kernels. */
	struct irqlab_error *error;
	struct irqlab_error own_error;
	void *priv; /* what the kernel's machine keeps about it */
	/* Its interrupts shut down for want of a CPU, and those with a pending move. */
	struct irqlab_irq_list lists[IRQLAB_NR_IRQ_LISTS];
	/* The CPU masks of its interrupts, each distinct one once; all_cpus is held for good. */
	struct irqlab_mask_table masks;
	const struct irqlab_cpumask *all_cpus;
	/*
	 * What changed since the last check: the virqs of touched interrupts (a freed one is
	 * skipped) and the domains. When the list cannot grow, the next check is a full one.
	 */
	struct irqlab_id_log dirty;
	struct irqlab_domain *dirty_domains;
	unsigned long domain_seq;
	/* Interrupts a move marked retrigger since the fabric last flushed, maybe twice. */
	struct irqlab_id_log retriggers;
	/* Its devices with messages left to resend (the bus keeps it): most often none. */
	unsigned nr_resend_devices;
};

/* A kernel with @ncpus CPUs, all online. @fault may be NULL (the kernel keeps its own). */
struct irqlab_kernel *irqlab_kernel_new(const char *name, unsigned ncpus,
					struct irqlab_fault *fault);
/* Frees every interrupt, then every domain (children first), then the kernel. */
void irqlab_kernel_free(struct irqlab_kernel *k);

/*
 * Records why the current operation failed in the kernel's error (irqlab_error_set): one
 * sentence naming the object and the reason; returns @err for chaining.
 */
__attribute__((format(printf, 3, 4))) int irqlab_kernel_fail(struct irqlab_kernel *k, int err,
							     const char *fmt, ...);
/* Where an operation starts: forget the previous one's reason. */
void irqlab_kernel_clear_error(struct irqlab_kernel *k);
/* The reason the last operation failed, or "". */
const char *irqlab_kernel_error(const struct irqlab_kernel *k);

/*
 * Creates a domain under @parent (NULL: the root). A child states its @required capabilities
 * (bits the bus and its parents agree on; core does not read them); the parent's accept_child
 * decides. -EOPNOTSUPP names the domain, the requirement and the
 * parent that refused; -ENOMEM; nothing is left behind on failure.
 */
int irqlab_domain_create(struct irqlab_kernel *k, struct irqlab_domain *parent,
			 const struct irqlab_domain_ops *ops, const char *name, unsigned required,
			 void *priv, struct irqlab_domain **out);
/* -EBUSY while it still has interrupts or children. */
int irqlab_domain_destroy(struct irqlab_domain *d);
/* The domain called @name (the first created, were names ever equal): O(log domains). */
struct irqlab_domain *irqlab_domain_find(struct irqlab_kernel *k, const char *name);

/*
 * Allocates n interrupts in domain @d and every level below it, all or nothing. @out receives
 * the descriptors in virq order.
 */
int irqlab_irqs_alloc(struct irqlab_domain *d, unsigned n, const struct irqlab_alloc_info *info,
		      struct irqlab_irq **out);
/* Deactivates (if needed) and frees n interrupts allocated together or singly. */
void irqlab_irqs_free(struct irqlab_irq **irqs, unsigned n);

/* For a domain's alloc op: allocate the levels below. */
int irqlab_domain_alloc_parent(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
			       const struct irqlab_alloc_info *info);
/* For a domain's free op or its alloc rollback: free the levels below. */
void irqlab_domain_free_parent(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n);

/* The level of @irq that belongs to domain @d, or NULL. O(1). */
struct irqlab_irq_data *irqlab_irq_data_of(struct irqlab_irq *irq, const struct irqlab_domain *d);
struct irqlab_irq *irqlab_irq_find(struct irqlab_kernel *k, unsigned virq);

/* Root first; on failure the levels already activated are deactivated again. */
int irqlab_irq_activate(struct irqlab_irq *irq, bool reserve);
/*
 * Forgets that the levels were activated without touching them: after a reservation-only
 * activation, so that request runs the real one (Linux clears IRQD_ACTIVATED the same way).
 */
void irqlab_irq_mark_inactive(struct irqlab_irq *irq);
/*
 * Takes ahead, root first, what every level needs to activate @irq (@mask NULL) or to move it
 * to @mask. All or nothing: when a level fails, the levels below it are aborted again.
 */
int irqlab_irq_prepare(struct irqlab_irq *irq, const struct irqlab_cpumask *mask);
/* Gives back, top first, what a prepare took and nothing used. */
void irqlab_irq_abort(struct irqlab_irq *irq);
/*
 * The same for every level but the root, for a root that took its own part ahead (the vector
 * domain moving interrupts off a dying CPU): a hypercall level above it must be asked too.
 */
int irqlab_irq_prepare_above(struct irqlab_irq *irq, const struct irqlab_cpumask *mask);
void irqlab_irq_abort_above(struct irqlab_irq *irq);
void irqlab_irq_abort_above_level(struct irqlab_irq_data *data);
/* Top first. Does nothing when not activated. */
void irqlab_irq_deactivate(struct irqlab_irq *irq);
bool irqlab_irq_activated(const struct irqlab_irq *irq);

/* Puts @irq on, or takes it off, its kernel's list @id (newest first). */
void irqlab_irq_list_add(struct irqlab_irq *irq, enum irqlab_irq_list_id id);
void irqlab_irq_list_del(struct irqlab_irq *irq, enum irqlab_irq_list_id id);

/*
 * Marks @irq shut down (or started again) for want of an online CPU, keeping the kernel's list
 * of them, so that a CPU coming online looks at those only.
 */
void irqlab_irq_set_managed_shutdown(struct irqlab_irq *irq, bool shutdown);

/* Composes @data's message at the nearest level, at or below it, that composes. */
int irqlab_irq_compose_msg(struct irqlab_irq_data *data, struct irqlab_msi_msg *msg);
/* Asks the level below @data to move the interrupt (for a set_affinity op). */
int irqlab_irq_set_affinity_parent(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
				   bool force);
/*
 * Stores the message the levels below the top compose, through the top level's write_msg (a
 * bus level): Linux's irq_chip_write_msi_msg after a compose.
 */
int irqlab_irq_write_composed(struct irqlab_irq *irq);
/*
 * Moves @irq in the levels below its top only, leaving the stored message to the caller:
 * IRQLAB_SET_AFFINITY_OK when it must be recomposed and stored, _OK_DONE when nothing changed
 * for the device, or a negative errno. For what-ifs that store it some other way.
 */
int irqlab_irq_move_below(struct irqlab_irq *irq, const struct irqlab_cpumask *mask, bool force);
/* Moves @irq: the top level's set_affinity, or the parent chain's when it has none. */
int irqlab_irq_set_affinity(struct irqlab_irq *irq, const struct irqlab_cpumask *mask, bool force);

/*
 * Deferred affinity changes (Linux: kernel/irq/migration.c and irq_set_affinity_locked).
 *
 * Whether a change of @irq's affinity can be made at once: some level of it moves in process
 * context (the IR domain), so the stored message does not change.
 */
bool irqlab_irq_moves_in_process_context(const struct irqlab_irq *irq);
/*
 * Records @mask as the move to make at @irq's next interrupt. -ENOMEM when there is no memory
 * for a new mask; a caller that holds an equal one (irqlab_mask_hold) cannot see it.
 */
int irqlab_irq_set_pending(struct irqlab_irq *irq, const struct irqlab_cpumask *mask);
/* Forgets @irq's pending move, if any. */
void irqlab_irq_clear_pending(struct irqlab_irq *irq);
/*
 * After a CPU went offline: drops every pending move none of whose CPUs is online any more
 * (Linux: migrate_one_irq -> irq_fixup_move_pending(desc, false)). Costs the pending moves.
 */
void irqlab_kernel_drop_hopeless_moves(struct irqlab_kernel *k,
				       void (*dropped)(struct irqlab_irq *irq, void *ctx),
				       void *ctx);
/* Unlinks a freed @irq's pending move without marking it changed (it is going away). */
void irqlab_irq_forget_pending(struct irqlab_irq *irq);
/*
 * Makes the pending move, in the ack of an interrupt, with the entry masked by the caller
 * (Linux: irq_move_masked_irq). A pending mask with no online CPU is dropped; -EBUSY keeps
 * it for the next interrupt; any other failure drops it and leaves @irq where it was.
 * Returns 0 when nothing was pending, else what the move returned.
 */
int irqlab_irq_move_masked(struct irqlab_irq *irq);

/*
 * Affinity masks for n managed interrupts over @ncpus CPUs, as Linux spreads them on one NUMA
 * node: n consecutive groups as even as possible (the first ones one larger); with more
 * interrupts than CPUs, single CPUs that wrap around.
 */
void irqlab_irq_spread_affinity(unsigned ncpus, unsigned n, struct irqlab_cpumask *masks);

/*
 * The invariant checker: the books of the whole hierarchy balance (every level belongs to the
 * right domain, counts match, freed means freed, and each domain's own check). Returns 0, or
 * -EFAULT with the first violation described in @why.
 */
int irqlab_kernel_check(struct irqlab_kernel *k, char *why, size_t len);
/*
 * The same for what changed since the last check (of either kind): the interrupts and domains
 * touched, at a cost in proportion to them. A corruption of an object no operation touched
 * waits for the next full check.
 */
int irqlab_kernel_check_changed(struct irqlab_kernel *k, char *why, size_t len);
/*
 * Marks @irq (and the domains of its levels) changed, for the next incremental check. The
 * engine marks what passes through it; a domain marks what it changes behind the engine's back.
 */
void irqlab_irq_touch(struct irqlab_irq *irq);
/*
 * The interrupts a move marked retrigger since the last irqlab_kernel_retriggers_clear(), in
 * ascending virq order, each once; false when the kernel lost count (no memory) and every
 * interrupt must be looked at.
 */
bool irqlab_kernel_retriggers(struct irqlab_kernel *k, const unsigned **virqs, unsigned *n);
void irqlab_kernel_retriggers_clear(struct irqlab_kernel *k);
void irqlab_domain_touch(struct irqlab_domain *d);
/* A deterministic text of the whole state, for before/after comparisons. */
void irqlab_kernel_dump(struct irqlab_kernel *k, struct irqlab_strbuf *out);

#endif
