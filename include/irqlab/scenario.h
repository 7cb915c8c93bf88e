/* SPDX-License-Identifier: MIT */
/*
 * The scenario runner: runs a script of the irqlab(1) language against a fresh machine,
 * checks its expectations and prints what it was asked to, as `irqlab run` and `irqlab show`
 * do. A client of the C API in irqlab/irqlab.h like any other program.
 *
 * ABI: struct irqlab_run_opts carries its own size, filled by irqlab_run_opts_init().
 */
#ifndef IRQLAB_SCENARIO_H
#define IRQLAB_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "irqlab/export.h"

#ifdef __cplusplus
extern "C" {
#endif

enum irqlab_run_result {
	IRQLAB_RUN_PASS = 0,	 /* every expectation held */
	IRQLAB_RUN_FAIL = 1,	 /* an expectation failed */
	IRQLAB_RUN_ERROR = 2,	 /* usage, syntax or semantic error */
	IRQLAB_RUN_INTERNAL = 3, /* the model's invariants broke: a bug in irqlab */
};

/* When the runner checks the model's invariants (irqlab_machine_check). */
enum irqlab_run_check {
	/* After each statement what it changed, and everything at the end of the run. */
	IRQLAB_RUN_CHECK_CHANGED = 0,
	IRQLAB_RUN_CHECK_FULL = 1, /* everything after every statement: tests and fuzzing */
	IRQLAB_RUN_CHECK_END = 2,  /* everything, once, at the end of the run */
};

struct irqlab_run_opts {
	size_t size;	    /* set by irqlab_run_opts_init() */
	bool json;	    /* one JSON document per scenario */
	bool verbose;	    /* every statement's outcome and every message's path */
	bool quiet;	    /* no verdict line; failed expectations on err (irqlab show) */
	unsigned long seed; /* recorded; the model draws nothing at random yet */
	FILE *out;	    /* results (default stdout) */
	FILE *err;	    /* file:line:col errors (default stderr) */
	/*
	 * After the run, print this topic, or NULL: its name and arguments as a `show`
	 * statement writes them ("domains", "vectors cpu=1", "irq nic0 index=1").
	 */
	const char *show;
	enum irqlab_run_check check; /* default IRQLAB_RUN_CHECK_CHANGED */
};

/* Fills @size bytes of @opts with the defaults; irqlab_run_opts_init() says how many. */
IRQLAB_EXPORT void irqlab_run_opts_defaults(struct irqlab_run_opts *opts, size_t size);

static inline void irqlab_run_opts_init(struct irqlab_run_opts *opts)
{
	irqlab_run_opts_defaults(opts, sizeof(*opts));
}

/*
 * Runs one scenario file ("-": standard input, named "<stdin>" in what it prints); prints as
 * @opts says; returns an enum irqlab_run_result.
 */
IRQLAB_EXPORT int irqlab_run_file(const char *path, const struct irqlab_run_opts *opts);
/* The same for @len bytes at @buf, named @name in messages (tests, fuzzing). */
IRQLAB_EXPORT int irqlab_run_buffer(const char *name, const void *buf, size_t len,
				    const struct irqlab_run_opts *opts);

/*
 * The topics opts.show (and `irqlab show FILE TOPIC`) can print after a run, in the order
 * help lists them: topic @i's name, the arguments it takes ("DEV index=I", "" for none) and
 * one line of help, NULL beyond the last.
 */
IRQLAB_EXPORT const char *irqlab_show_topic_name(unsigned i);
IRQLAB_EXPORT const char *irqlab_show_topic_args(unsigned i);
IRQLAB_EXPORT const char *irqlab_show_topic_help(unsigned i);

#ifdef __cplusplus
}
#endif

#endif
