/* SPDX-License-Identifier: MIT */
/*
 * Message stores: where a device reads the messages its bus domain wrote. Three kinds, one
 * file each, behind one ops table: the MSI capability (msi_cap.c), the MSI-X table with its
 * pending bits (msix_table.c) and an IMS store of slots (ims_store.c). Every register keeps
 * its hardware layout and is read and written through the format code (include/irqlab).
 *
 * A store is written one 32-bit register at a time, as a driver or a guest writes it. After
 * each write the store's observers run, in the order they were added: the race explorer
 * probes the device there, and a hypervisor traps there.
 */
#ifndef IRQLAB_BUS_STORE_H
#define IRQLAB_BUS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "irqlab/msi.h"
#include "core/fault.h"

/*
 * The 32-bit registers of a message store: the message, in the order a driver writes it, then
 * the control registers a hypervisor traps too.
 */
enum irqlab_store_reg {
	IRQLAB_STORE_ADDR_LO,
	IRQLAB_STORE_ADDR_HI,
	IRQLAB_STORE_DATA,
	IRQLAB_STORE_VECTOR_CTRL,   /* an entry's mask bit was written (masked or not) */
	IRQLAB_STORE_FUNCTION_CTRL, /* the function's enable was written; index 0 */
};

struct irqlab_store;

/* One watcher of a store's writes; the caller owns it, the store only links it. */
struct irqlab_store_observer {
	void (*written)(struct irqlab_store_observer *obs, struct irqlab_store *s, unsigned index,
			enum irqlab_store_reg reg);
	void *ctx;
	struct irqlab_store_observer *next;
};

/*
 * What a kind of store does. @index is below the store's nr (the wrappers below check it
 * where a caller may pass anything). Optional: can_mask (NULL: always), and the function
 * enable (NULL: a store with no enable bit, always enabled).
 */
struct irqlab_store_ops {
	/* What entry @index holds; -ERANGE for an index the store does not answer for now. */
	int (*read)(const struct irqlab_store *s, unsigned index, struct irqlab_msi_msg *msg);
	/* One register of entry @index; -ERANGE for an entry that has no such register. */
	int (*write32)(struct irqlab_store *s, unsigned index, enum irqlab_store_reg reg,
		       uint32_t value);
	bool (*can_mask)(const struct irqlab_store *s);
	bool (*masked)(const struct irqlab_store *s, unsigned index);
	void (*mask)(struct irqlab_store *s, unsigned index);
	void (*unmask)(struct irqlab_store *s, unsigned index);
	bool (*pending)(const struct irqlab_store *s, unsigned index);
	void (*set_pending)(struct irqlab_store *s, unsigned index, bool pending);
	/* Device memory a hypervisor can trap (MSI, MSI-X, IMS in device memory), or queue memory.
	 */
	bool (*trappable)(const struct irqlab_store *s);
	bool (*enabled)(const struct irqlab_store *s);
	/* The function enabled with @nvec entries in use, or disabled (the driver's last free). */
	void (*enable)(struct irqlab_store *s, unsigned nvec);
	void (*disable)(struct irqlab_store *s);
	void (*destroy)(struct irqlab_store *s);
};

struct irqlab_store {
	const struct irqlab_store_ops *ops;
	unsigned nr; /* MSI vectors, MSI-X entries, IMS slots */
	struct irqlab_store_observer *observers;
};

/*
 * The three kinds. Each returns 0, -EINVAL for a size its hardware cannot have (MSI: a power
 * of two 1..32; MSI-X: 1..2048; IMS: at least 1), or -ENOMEM through @fault.
 * The reset state: every entry masked (a non-maskable MSI: none), nothing pending, disabled.
 */
int irqlab_msi_cap_new(struct irqlab_fault *fault, unsigned nvec, bool maskable,
		       struct irqlab_store **out);
int irqlab_msix_table_new(struct irqlab_fault *fault, unsigned nr, struct irqlab_store **out);
int irqlab_ims_store_new(struct irqlab_fault *fault, unsigned nr, bool queue_memory,
			 struct irqlab_store **out);
void irqlab_store_destroy(struct irqlab_store *s);

/* -ERANGE beyond the store; see the ops for the rest. */
int irqlab_store_read(const struct irqlab_store *s, unsigned index, struct irqlab_msi_msg *msg);
/* One 32-bit write, then every observer in order. -ERANGE (and no observer) when refused. */
int irqlab_store_write32(struct irqlab_store *s, unsigned index, enum irqlab_store_reg reg,
			 uint32_t value);
/* Address low, address high, data: three writes, as a driver makes them. */
int irqlab_store_write_msg(struct irqlab_store *s, unsigned index,
			   const struct irqlab_msi_msg *msg);
bool irqlab_store_can_mask(const struct irqlab_store *s);
bool irqlab_store_masked(const struct irqlab_store *s, unsigned index);
void irqlab_store_mask(struct irqlab_store *s, unsigned index);
/* Unmasks; true when a pending message must now be sent (its pending bit is then cleared). */
bool irqlab_store_unmask(struct irqlab_store *s, unsigned index);
bool irqlab_store_pending(const struct irqlab_store *s, unsigned index);
void irqlab_store_set_pending(struct irqlab_store *s, unsigned index, bool pending);
bool irqlab_store_trappable(const struct irqlab_store *s);
bool irqlab_store_enabled(const struct irqlab_store *s);
void irqlab_store_enable(struct irqlab_store *s, unsigned nvec);
void irqlab_store_disable(struct irqlab_store *s);

/* Adds @obs at the end of the list (it runs after those added before it); removes it. */
void irqlab_store_observe_add(struct irqlab_store *s, struct irqlab_store_observer *obs);
void irqlab_store_observe_remove(struct irqlab_store *s, struct irqlab_store_observer *obs);

#endif
