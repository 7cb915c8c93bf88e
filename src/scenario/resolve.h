/* SPDX-License-Identifier: MIT */
/*
 * The resolver of the scenario runner: before any statement's handler runs, it turns the
 * names the statement writes (in=, DEV) and the numbers that must fit them (index=, cpu=,
 * cpus=) into the objects the handler acts on, or stops the run with a semantic error that
 * points at the word. Handlers never look a name up themselves.
 */
#ifndef IRQLAB_SCENARIO_RESOLVE_H
#define IRQLAB_SCENARIO_RESOLVE_H

#include "irqlab/cpumask.h"
#include "scenario/scenario.h"

struct irqlab_machine;
struct irqlab_kernel;
struct irqlab_device;

/* What a statement needs resolved beyond in=, which is resolved wherever it is written. */
enum {
	SCN_NEED_DEV = 1u << 0,	  /* pos[0] names a device */
	SCN_NEED_INDEX = 1u << 1, /* index=I or index=LIST, within DEV's entries */
	SCN_NEED_CPU = 1u << 2,	  /* cpu=C or the CPU word, when written, within the kernel */
	SCN_NEED_CPUS = 1u << 3,  /* cpus=LIST, within the kernel */
	SCN_NEED_DEVICE_ITSELF = 1u << 4, /* pos[0] names a device, taken as itself (assign) */
};

/* One statement's objects, resolved. */
struct scn_ctx {
	const struct irqlab_scn_stmt *st; /* NULL after the run (irqlab show FILE TOPIC) */
	struct irqlab_machine *p;	  /* NULL before the host statement */
	struct irqlab_kernel *k;	  /* in='s kernel, or DEV's owner, or the host */
	bool explicit_kernel;		  /* in= was written */
	struct irqlab_device *dev;	  /* SCN_NEED_DEV */
	unsigned index;			  /* SCN_NEED_INDEX, index=I */
	unsigned *idx, n;		  /* SCN_NEED_INDEX, index=LIST expanded in order */
	unsigned cpu;			  /* SCN_NEED_CPU; IRQLAB_MAX_CPUS when not written */
	struct irqlab_cpumask cpus; /* SCN_NEED_CPUS; empty when an optional cpus= is absent */
};

/*
 * Fills @c for @st run against @p (NULL before the host exists); a NULL @st (with no @needs)
 * is the state after the run, seen from the host. Returns 0, or -EINVAL with @err saying
 * which word cannot be resolved and why. Release @c with scn_ctx_release().
 */
int scn_resolve(struct irqlab_machine *p, const struct irqlab_scn_stmt *st, unsigned needs,
		struct scn_ctx *c, struct irqlab_scn_error *err);
void scn_ctx_release(struct scn_ctx *c);

#endif
