/* SPDX-License-Identifier: MIT */
/*
 * What the runner's driver (runner.c) and the statement handlers (handlers.c) share; nobody
 * else. The driver resolves each statement (resolve.h), runs the handler of its kind and
 * records what came out; a handler is a thin call into the model.
 */
#ifndef IRQLAB_SCENARIO_RUN_INTERNAL_H
#define IRQLAB_SCENARIO_RUN_INTERNAL_H

#include <stdbool.h>

#include "irqlab/irqlab.h"
#include "irqlab/scenario.h"
#include "output/output.h"
#include "scenario/resolve.h"
#include "scenario/scenario.h"

struct runner {
	const char *file;
	const struct irqlab_run_opts *opts;
	struct irqlab_out out;
	struct irqlab_machine *p;

	/* The previous statement that was not an expectation or a show. */
	bool have_prev;
	int prev_err;
	char prev_msg[IRQLAB_SCN_MSG_MAX];
	unsigned prev_line;
	bool prev_alloc;
	unsigned prev_granted;

	struct irqlab_race *race; /* what the last race saw, or NULL */

	/*
	 * The default requester ids (function 0 of device n, bus n / 32) taken so far, from the
	 * first rid_devices devices of the machine: each device is looked at once. No default
	 * below rid_hint is free.
	 */
	uint64_t rid_taken[256 * 32 / 64];
	unsigned rid_devices, rid_hint;

	unsigned passed, failed;
	bool error;
	bool internal; /* the error is a broken invariant */
	struct irqlab_scn_error err;
};

/*
 * The handler of one statement kind. What @c holds is what the row's needs asked for.
 * A handler of a row with outcome set returns the statement's outcome (0 or a negative
 * errno from the model), which the driver records for `expect ok` and `expect error`; any
 * other returns 0 or the value of scn_stop().
 */
typedef int (*scn_run_fn)(struct runner *r, const struct scn_ctx *c);

struct scn_run {
	scn_run_fn run;
	unsigned needs; /* SCN_NEED_* */
	bool outcome;
};

/* Indexed by enum irqlab_scn_kind, as the schema's rows are. */
extern const struct scn_run scn_runs[IRQLAB_SCN_NR_KINDS];

/* A semantic error: the run stops at @line:@col; returns -EINVAL. */
__attribute__((format(printf, 4, 5))) int scn_stop(struct runner *r, unsigned line, unsigned col,
						   const char *fmt, ...);
/* One expectation's verdict, printed as the run's options say. */
void scn_verdict(struct runner *r, const struct irqlab_scn_stmt *st, bool held,
		 const char *expected, const char *seen);

/* The value of a key its row requires or gives a default: present in every parsed statement. */
static inline const struct irqlab_scn_value *scn_value(const struct irqlab_scn_stmt *st,
						       const char *key)
{
	return &irqlab_scn_arg(st, key)->v;
}

#endif
