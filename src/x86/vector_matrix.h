/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU vector matrix: which vector is taken on which CPU, with the counters the
 * allocation rules read. The rules are Linux's kernel/irq/matrix.c (reference/linux.md §3);
 * the data structure is not: choosing a CPU costs O(log ncpus), not O(|mask|).
 *
 * Vectors are the 8-bit x86 vector numbers; the allocatable range is [alloc_start, alloc_end).
 * Every function returning int returns 0 / a vector number, or a negative errno.
 */
#ifndef IRQLAB_X86_VECTOR_MATRIX_H
#define IRQLAB_X86_VECTOR_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "irqlab/cpumask.h"

#define IRQLAB_NR_VECTORS 256u

struct irqlab_matrix;
struct irqlab_fault;

struct irqlab_matrix_cpu_stats {
	unsigned available;	    /* free for normal allocation (not managed, not system) */
	unsigned allocated;	    /* vectors in use, managed ones included */
	unsigned managed;	    /* managed reservations (allocated or not) */
	unsigned managed_allocated; /* managed reservations in use */
	bool online;
};

struct irqlab_matrix_stats {
	unsigned global_available; /* sum of available over online CPUs */
	unsigned global_reserved;  /* reservations not yet backed by a vector */
	unsigned total_allocated;
	unsigned systembits_inalloc;
	unsigned online_cpus;
};

/*
 * A matrix of @ncpus CPUs (1..IRQLAB_MAX_CPUS), all offline, nothing allocated. NULL on ENOMEM,
 * and for arguments out of range (alloc_start < alloc_end <= 256).
 */
struct irqlab_matrix *irqlab_matrix_create(unsigned ncpus, unsigned alloc_start,
					   unsigned alloc_end);
/* The same, each allocation behind @fault (NULL: none), so tests can fail each in turn. */
struct irqlab_matrix *irqlab_matrix_create_fault(unsigned ncpus, unsigned alloc_start,
						 unsigned alloc_end, struct irqlab_fault *fault);
void irqlab_matrix_destroy(struct irqlab_matrix *m);
unsigned irqlab_matrix_ncpus(const struct irqlab_matrix *m);
/* Heap bytes the matrix holds, the per-CPU alloc and managed maps included. */
size_t irqlab_matrix_state_bytes(const struct irqlab_matrix *m);

/*
 * A system vector taken on every CPU (0x80, 0x32). Before any CPU goes online. A call Linux
 * would BUG() on or miscount (a CPU has been online, the vector is already a system vector or
 * is reserved or in use on some CPU, vector >= 256) changes nothing.
 */
void irqlab_matrix_assign_system(struct irqlab_matrix *m, unsigned vector);
/*
 * Takes one given vector on one CPU (the ISA vectors on CPU 0 at boot). -EBUSY if taken
 * (allocated, managed-reserved or a system vector); -EINVAL for a vector outside the range or
 * a CPU that is not online (Linux assigns only on the running CPU).
 */
int irqlab_matrix_assign(struct irqlab_matrix *m, unsigned cpu, unsigned vector);

/*
 * A CPU's available count is set when it first goes online; from then on Linux's rules keep
 * it, including where they drift (a managed reservation made or dropped while the CPU is
 * offline does not change it). Onlining an online CPU or offlining an offline one does nothing.
 */
void irqlab_matrix_online(struct irqlab_matrix *m, unsigned cpu);
void irqlab_matrix_offline(struct irqlab_matrix *m, unsigned cpu);

/*
 * Normal allocation: the online CPU of @msk with the most available vectors (ties to the
 * lowest CPU; a CPU with none is never chosen), then the lowest free vector on it.
 * -EINVAL for an empty mask, -ENOSPC when no CPU qualifies. @reserved: this allocation backs
 * an earlier irqlab_matrix_reserve() and consumes it. Here and below, CPUs of a mask at or
 * beyond ncpus are ignored (a mask of only such CPUs is empty).
 */
int irqlab_matrix_alloc(struct irqlab_matrix *m, const struct irqlab_cpumask *msk, bool reserved,
			unsigned *cpu);
/* A global reservation: a count only, never fails (overcommit is allowed, as in Linux). */
void irqlab_matrix_reserve(struct irqlab_matrix *m);
void irqlab_matrix_remove_reserved(struct irqlab_matrix *m);

/*
 * One managed vector reserved on every CPU of @msk, offline ones included; all or nothing
 * (-ENOSPC, earlier CPUs rolled back).
 */
int irqlab_matrix_reserve_managed(struct irqlab_matrix *m, const struct irqlab_cpumask *msk);
/* Drops one unallocated managed reservation on every CPU of @msk. */
void irqlab_matrix_remove_managed(struct irqlab_matrix *m, const struct irqlab_cpumask *msk);
/*
 * Managed allocation: the online CPU of @msk with the fewest managed vectors in use (ties to
 * the last), then its lowest reserved-but-unused managed vector. -EINVAL, -ENOSPC.
 */
int irqlab_matrix_alloc_managed(struct irqlab_matrix *m, const struct irqlab_cpumask *msk,
				unsigned *cpu);
/*
 * Frees a vector taken by alloc/alloc_managed/assign. A managed vector stays reserved. A free
 * Linux would warn about (vector outside the range or not allocated) changes nothing, and so
 * does one whose @managed disagrees with the CPU's managed map, which Linux would miscount.
 * On an offline CPU total_allocated stays as it is, as in Linux.
 */
void irqlab_matrix_free(struct irqlab_matrix *m, unsigned cpu, unsigned vector, bool managed);

/* Global available, less @cpu's own when @cpudown (lapic_can_unplug_cpu). */
unsigned irqlab_matrix_available(const struct irqlab_matrix *m, bool cpudown, unsigned cpu);
void irqlab_matrix_stats(const struct irqlab_matrix *m, struct irqlab_matrix_stats *out);
void irqlab_matrix_cpu_stats(const struct irqlab_matrix *m, unsigned cpu,
			     struct irqlab_matrix_cpu_stats *out);
bool irqlab_matrix_vector_allocated(const struct irqlab_matrix *m, unsigned cpu, unsigned vector);
bool irqlab_matrix_vector_system(const struct irqlab_matrix *m, unsigned vector);
/* Whether @vector is managed-reserved (in use or not) on @cpu. */
bool irqlab_matrix_vector_managed(const struct irqlab_matrix *m, unsigned cpu, unsigned vector);

/*
 * Verifies that counters and maps agree (per CPU and globally, tree included). Returns 0, or
 * -EFAULT with a sentence naming the first violation in @why.
 */
int irqlab_matrix_check(const struct irqlab_matrix *m, char *why, size_t len);
/* The part of irqlab_matrix_check() about one CPU, for checks of what changed. */
int irqlab_matrix_check_cpu(const struct irqlab_matrix *m, unsigned cpu, char *why, size_t len);

/* What irqlab_matrix_debug_corrupt() damages. */
enum irqlab_matrix_debug_what {
	IRQLAB_MATRIX_DEBUG_AVAILABLE,	       /* CPU's available += arg */
	IRQLAB_MATRIX_DEBUG_ALLOCATED,	       /* CPU's allocated += arg */
	IRQLAB_MATRIX_DEBUG_MANAGED_ALLOCATED, /* CPU's managed_allocated += arg */
	IRQLAB_MATRIX_DEBUG_ALLOC_BIT,	       /* flips vector arg in the CPU's alloc map */
	IRQLAB_MATRIX_DEBUG_MANAGED_BIT,       /* flips vector arg in the CPU's managed map */
	IRQLAB_MATRIX_DEBUG_GLOBAL_AVAILABLE,  /* global_available += arg */
	IRQLAB_MATRIX_DEBUG_TOTAL_ALLOCATED,   /* total_allocated += arg */
	IRQLAB_MATRIX_DEBUG_NORMAL_LEAF,       /* XORs arg into the CPU's normal-tree leaf */
	IRQLAB_MATRIX_DEBUG_MANAGED_NODE,      /* XORs arg into managed-tree node number cpu */
	IRQLAB_MATRIX_DEBUG_SYSTEM_BIT,	       /* flips vector arg in the system map */
};

/*
 * Test hook only: breaks one piece of state behind the rules' back, so that a test can show
 * irqlab_matrix_check() notices. Nothing else may call it.
 */
void irqlab_matrix_debug_corrupt(struct irqlab_matrix *m, enum irqlab_matrix_debug_what what,
				 unsigned cpu, unsigned arg);

#endif
