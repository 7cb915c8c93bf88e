// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the scenario parser: any bytes must give a program or an error, never
 * a crash, a leak or undefined behaviour, and the error must be well formed. Each input is
 * parsed a second time with one allocation failing, so the ENOMEM rollbacks get fuzzed too.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *data, size_t size, unsigned long fail_at)
{
	const struct irqlab_scn_parse_opts opts = {.fail_alloc_at = fail_at};
	struct irqlab_scn_program *prog;
	struct irqlab_scn_error err;
	char line[IRQLAB_SCN_MSG_MAX + 64];
	int r = irqlab_scn_parse_with("fuzz.irq", data, size, &opts, &prog, &err);

	if (r == 0) {
		if (!prog || prog->nstmts == 0 || prog->stmts[0].kind != IRQLAB_SCN_HOST)
			__builtin_trap();
		irqlab_scn_program_free(prog);
		return;
	}
	/* Positioned and NUL-terminated within its buffer. */
	if (prog || (r != -EINVAL && r != -ENOMEM) || err.code != r || err.line == 0 ||
	    err.col == 0 || err.col > IRQLAB_SCN_MAX_LINE + 1 ||
	    !memchr(err.msg, '\0', sizeof(err.msg)))
		__builtin_trap();
	for (const char *c = err.msg; *c; c++)
		if (*c < 0x20 || *c > 0x7e) /* user text is quoted as \xNN */
			__builtin_trap();
	irqlab_scn_error_format(&err, line, sizeof(line));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, 0);
	check(data, size, 1 + size % 23);
	return 0;
}
