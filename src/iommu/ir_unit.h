/* SPDX-License-Identifier: MIT */
/*
 * One VT-d interrupt-remapping unit: its IRTE table (the exact 128-bit layout), the
 * allocation of IRTE blocks, the validation of every message that reaches it in the order
 * the VT-d spec checks, and its fault log.
 *
 * Where QEMU and the VT-d spec differ, the unit follows the spec: compatibility-format
 * messages are blocked (0x25) unless CFI is set and EIME is clear, and SVT = 2 takes the
 * start bus from SID 15:8 and the end bus from SID 7:0. The unit has no posted-interrupt
 * support (CAP.PI = 0), so a present IRTE with IM = 1 faults as reserved (0x24); with
 * EIME = 0, DST bits outside 15:8 are reserved too (0x24).
 */
#ifndef IRQLAB_IOMMU_IR_UNIT_H
#define IRQLAB_IOMMU_IR_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irqlab/irte.h"
#include "irqlab/msi.h"
#include "core/fault.h"
#include "core/mode.h"
#include "core/strbuf.h"

/* VT-d interrupt-remapping fault reasons. */
#define IRQLAB_IR_FAULT_REQ_RSVD    0x20 /* reserved fields in the request, or not 0xFEE */
#define IRQLAB_IR_FAULT_INDEX_OVER  0x21 /* index beyond the table */
#define IRQLAB_IR_FAULT_NOT_PRESENT 0x22 /* IRTE P=0 */
#define IRQLAB_IR_FAULT_ROOT_INVAL  0x23 /* table not readable (never in this model) */
#define IRQLAB_IR_FAULT_IRTE_RSVD   0x24 /* reserved fields in a present IRTE */
#define IRQLAB_IR_FAULT_COMPAT	    0x25 /* compatibility format blocked */
#define IRQLAB_IR_FAULT_SID	    0x26 /* source-id verification failed */

/*
 * The fault log keeps the first this many records since the last clear; later faults are
 * still counted (per reason and in the dropped count) but not stored, as a full set of
 * fault-recording registers drops them (VT-d's primary fault overflow).
 */
#define IRQLAB_IR_FAULT_LOG_MAX 4096u

struct irqlab_ir_unit;

struct irqlab_ir_unit_config {
	const char *name;    /* "dmar0": Linux's iommu->name, "dmar%d" of its seq_id */
	unsigned seq_id;     /* the unit's number: its remap domain is "INTEL-IR-<seq_id>" */
	unsigned nr_entries; /* a power of two, 1..65536 */
	bool cfi;	     /* GSTS.CFIS: compatibility-format interrupts pass through */
	bool eime;	     /* x2APIC mode: 32-bit destinations (and CFI is ignored: blocked) */
	/*
	 * CAP.CM, caching mode: the unit is a hypervisor's emulation, which must see every
	 * update of the table (every VMM that assigns devices to a guest sets it).
	 */
	bool caching_mode;
};

/* Who is told of each IRTE write (a hypervisor trapping its guest's unit), or none. */
typedef void (*irqlab_irte_write_fn)(void *ctx, unsigned index);

/* The fate of one message at the unit. */
struct irqlab_ir_result {
	bool blocked;
	uint8_t reason;	  /* when blocked: IRQLAB_IR_FAULT_* */
	bool recorded;	  /* the fault went to the log (false: silenced, or the log is full) */
	bool silenced;	  /* FPD=1 in the IRTE kept the fault out of the log and counts */
	bool passthrough; /* a compatibility-format message let through unchanged */
	uint32_t index;	  /* the IRTE used (remappable format) */
	/* When not blocked: the interrupt it becomes. */
	unsigned vector;
	uint32_t dest; /* APIC id */
	bool dest_logical;
	unsigned delivery_mode;
	bool trigger_level;
};

struct irqlab_ir_fault_record {
	uint8_t reason;
	uint16_t sid;
	uint32_t index;
};

/* @fault may be NULL. NULL on ENOMEM or a bad configuration. */
struct irqlab_ir_unit *irqlab_ir_unit_create(const struct irqlab_ir_unit_config *cfg,
					     struct irqlab_fault *fault);
void irqlab_ir_unit_destroy(struct irqlab_ir_unit *u);
const char *irqlab_ir_unit_name(const struct irqlab_ir_unit *u);
unsigned irqlab_ir_unit_seq_id(const struct irqlab_ir_unit *u);
unsigned irqlab_ir_unit_size(const struct irqlab_ir_unit *u);
bool irqlab_ir_unit_eime(const struct irqlab_ir_unit *u);
bool irqlab_ir_unit_cfi(const struct irqlab_ir_unit *u);

/*
 * A naturally aligned block of @count IRTEs rounded up to a power of two, first fit at the
 * lowest index; an allocation point ("irte"). Returns 0 and the first index, -ENOSPC, or
 * -EINVAL for a count of 0.
 */
int irqlab_ir_unit_alloc_irtes(struct irqlab_ir_unit *u, unsigned count, unsigned *index);
/*
 * Releases the block and clears every entry of it (P=0). @count as given to the allocation;
 * a block beyond the table or misaligned for its size is ignored.
 */
void irqlab_ir_unit_free_irtes(struct irqlab_ir_unit *u, unsigned index, unsigned count);
/* Whether entry @index lies in an allocated block; false beyond the table. */
bool irqlab_ir_unit_irte_allocated(const struct irqlab_ir_unit *u, unsigned index);
/*
 * Replaces one IRTE as one atomic 128-bit update (never a half-written entry). An index
 * beyond the table is ignored.
 */
void irqlab_ir_unit_write_irte(struct irqlab_ir_unit *u, unsigned index,
			       const struct irqlab_irte *e);
/* The entry as the hardware reads it, or NULL beyond the table. */
const struct irqlab_irte *irqlab_ir_unit_irte(const struct irqlab_ir_unit *u, unsigned index);
bool irqlab_ir_unit_caching_mode(const struct irqlab_ir_unit *u);
/* @fn runs after every IRTE write, with @ctx and the index written; NULL stops it. */
void irqlab_ir_unit_watch_writes(struct irqlab_ir_unit *u, irqlab_irte_write_fn fn, void *ctx);
unsigned irqlab_ir_unit_used(const struct irqlab_ir_unit *u);

/*
 * A message from requester @sid arrives. Checks in the VT-d order, fills @res and records a
 * fault unless FPD silences it. Never fails. The order: address_hi or base not 0xFEE (0x20,
 * index 0); compatibility format (0x25, or through with CFI and no EIME); index = handle
 * (+ data 15:0 with SHV) beyond the table (0x21); then, with FPD = 1 in that entry silencing
 * each of them: P = 0 (0x22), reserved bits or posted mode (0x24), source id (0x26), and
 * data 31:16 set with SHV (0x20). With IRQLAB_PROBE (a what-if, the race explorer) the same
 * checks fill @res and nothing is recorded or counted.
 */
void irqlab_ir_unit_remap(struct irqlab_ir_unit *u, const struct irqlab_msi_msg *msg, uint16_t sid,
			  enum irqlab_mode mode, struct irqlab_ir_result *res);

/*
 * Recorded faults, oldest first (NULL past the last); counts of reported faults (every fault
 * FPD did not silence, stored or dropped), all or per reason. The counts survive a clear.
 */
size_t irqlab_ir_unit_nr_faults(const struct irqlab_ir_unit *u);
const struct irqlab_ir_fault_record *irqlab_ir_unit_fault(const struct irqlab_ir_unit *u, size_t i);
unsigned long irqlab_ir_unit_fault_count(const struct irqlab_ir_unit *u, int reason /* -1: all */);
/* Messages blocked, recorded or silenced. */
unsigned long irqlab_ir_unit_blocked_count(const struct irqlab_ir_unit *u);
/* Reported faults that found the log full since the last clear. */
unsigned long irqlab_ir_unit_dropped_count(const struct irqlab_ir_unit *u);
/* Empties the log and the dropped count (software clearing the records' F bits). */
void irqlab_ir_unit_clear_faults(struct irqlab_ir_unit *u);

/*
 * The allocator and the table agree: every non-zero entry lies in an allocated block (a
 * released block is cleared), and the fault counts add up. -EFAULT and a sentence in @why.
 * Entries are verified as they change: each check looks at the entries written since the
 * previous one, which is why it takes a non-const unit.
 */
int irqlab_ir_unit_check(struct irqlab_ir_unit *u, struct irqlab_strbuf *why);
/* The same without the allocator's whole bitmap: what the entries written since say. */
int irqlab_ir_unit_check_changed(struct irqlab_ir_unit *u, struct irqlab_strbuf *why);
/* A summary line, then every non-zero IRTE (raw and decoded), one a line. */
void irqlab_ir_unit_dump(const struct irqlab_ir_unit *u, struct irqlab_strbuf *out);

#endif
