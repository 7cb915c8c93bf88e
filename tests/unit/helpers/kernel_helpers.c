// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel_helpers.h"

void assert_kernel_clean(struct irqlab_kernel *k)
{
	char why[512];

	if (irqlab_kernel_check(k, why, sizeof(why)))
		fail_msg("invariant broken: %s", why);
}

char *kernel_dump(struct irqlab_kernel *k)
{
	struct irqlab_strbuf sb = IRQLAB_STRBUF_INIT;

	irqlab_kernel_dump(k, &sb);
	return sb.buf;
}

struct irqlab_cpumask cpu_mask(unsigned cpu)
{
	struct irqlab_cpumask m;

	irqlab_cpumask_zero(&m);
	irqlab_cpumask_set(&m, cpu);
	return m;
}
