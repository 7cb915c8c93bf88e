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

int passthrough_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
		      const struct irqlab_alloc_info *info)
{
	int err = irqlab_domain_alloc_parent(d, irqs, n, info);

	for (unsigned i = 0; !err && i < n; i++)
		irqlab_irq_data_of(irqs[i], d)->hwirq = info->hwirq + i;
	return err;
}

void passthrough_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	irqlab_domain_free_parent(d, irqs, n);
}

struct irqlab_cpumask cpu_mask(unsigned cpu)
{
	struct irqlab_cpumask m;

	irqlab_cpumask_zero(&m);
	irqlab_cpumask_set(&m, cpu);
	return m;
}
