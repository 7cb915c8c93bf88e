// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "machine_helpers.h"

struct irqlab_machine *machine_new(unsigned ncpus, bool ir, unsigned irtes, bool legacy)
{
	struct irqlab_machine_config cfg;
	struct irqlab_machine *m = NULL;
	char why[256];

	irqlab_machine_config_init(&cfg);
	cfg.ncpus = ncpus;
	cfg.ir = ir;
	cfg.irtes = irtes;
	cfg.legacy = legacy;
	if (irqlab_machine_new(&cfg, &m, why, sizeof(why)))
		fail_msg("machine: %s", why);
	return m;
}

void assert_machine_clean(struct irqlab_machine *m)
{
	if (irqlab_machine_check(m))
		fail_msg("invariant broken: %s", irqlab_machine_error(m));
}

unsigned machine_irtes_used(struct irqlab_machine *m)
{
	unsigned n = 0;

	assert_int_equal(irqlab_irtes_used(m, &n), 0);
	return n;
}
