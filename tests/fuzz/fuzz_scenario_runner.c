// SPDX-License-Identifier: MIT
/*
 * Runs arbitrary scenarios through the whole model: the parser, every statement, and the
 * invariant checker after each one. A crash, a sanitizer report or a broken invariant
 * (reported by the runner as an internal error) is a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/scenario.h"
#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Large machines are correct but slow to check after every statement: keep the fuzzer fast. */
static int too_large(const uint8_t *data, size_t size)
{
	struct irqlab_scn_program *prog = NULL;
	struct irqlab_scn_error err;
	int large = 0;

	if (irqlab_scn_parse("fuzz", data, size, &prog, &err))
		return 1;
	for (size_t i = 0; i < prog->nstmts; i++)
		if (prog->stmts[i].kind == IRQLAB_SCN_HOST &&
		    irqlab_scn_get_num(&prog->stmts[i], "cpus", 1) > 64)
			large = 1;
	irqlab_scn_program_free(prog);
	return large;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct irqlab_run_opts opts;
	int result;

	irqlab_run_opts_init(&opts);
	opts.verbose = true;
	/* The whole model's books after every statement: the fuzzer is an oracle hunt. */
	opts.check = IRQLAB_RUN_CHECK_FULL;
	if (!sink)
		sink = fopen("/dev/null", "w");
	if (too_large(data, size))
		return 0;
	opts.out = sink;
	opts.err = sink;
	opts.json = size & 1;
	result = irqlab_run_buffer("fuzz", data, size, &opts);
	if (result < IRQLAB_RUN_PASS || result > IRQLAB_RUN_ERROR)
		abort();
	return 0;
}
