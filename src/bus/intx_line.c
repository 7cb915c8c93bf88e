// SPDX-License-Identifier: MIT
#include <string.h>

#include "bus/intx_line.h"

void irqlab_intx_line_init(struct irqlab_intx_line *l, unsigned pin, unsigned gsi, bool level,
			   bool active_low)
{
	memset(l, 0, sizeof(*l));
	l->pin = pin;
	l->gsi = gsi;
	l->level = level;
	l->active_low = active_low;
}

void irqlab_intx_line_request(struct irqlab_intx_line *l, unsigned count)
{
	l->conditions += count;
}

bool irqlab_intx_line_serve(struct irqlab_intx_line *l)
{
	return l->conditions && --l->conditions == 0;
}

bool irqlab_intx_line_asserted(const struct irqlab_intx_line *l)
{
	return l->conditions != 0;
}
