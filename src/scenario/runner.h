/* SPDX-License-Identifier: MIT */
/*
 * The scenario runner: executes a parsed program against a platform, records each
 * statement's outcome and checks the expectations (SCENARIO.md).
 */
#ifndef IRQLAB_SCENARIO_RUNNER_H
#define IRQLAB_SCENARIO_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum irqlab_run_result {
	IRQLAB_RUN_PASS = 0,	 /* every expectation held */
	IRQLAB_RUN_FAIL = 1,	 /* an expectation failed */
	IRQLAB_RUN_ERROR = 2,	 /* usage, syntax or semantic error */
	IRQLAB_RUN_INTERNAL = 3, /* the model's invariants broke: a bug in irqlab */
};

struct irqlab_run_opts {
	bool json;	    /* one JSON document per scenario */
	bool verbose;	    /* every statement's outcome and every message's path */
	bool quiet;	    /* text mode: no verdict line (irqlab show) */
	unsigned long seed; /* recorded; the model draws nothing at random yet */
	FILE *out;	    /* results */
	FILE *err;	    /* file:line:col errors */
	const char *show;   /* after the run, print this topic ("domains", ...) */
};

/* Runs one scenario file; prints as @opts says; returns enum irqlab_run_result. */
int irqlab_run_file(const char *path, const struct irqlab_run_opts *opts);
/* The same for a buffer named @name (tests, fuzzing). */
int irqlab_run_buffer(const char *name, const void *buf, size_t len,
		      const struct irqlab_run_opts *opts);

#endif
