// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>

#include "core/fault.h"

void irqlab_fault_arm(struct irqlab_fault *f, unsigned long nth)
{
	f->fail_at = nth;
	f->points = 0;
	f->failed_site = NULL;
	f->failed_err = 0;
}

bool irqlab_fault_point(struct irqlab_fault *f, const char *site, int err)
{
	if (!f)
		return false;
	f->points++;
	if (f->fail_at == 0 || f->points != f->fail_at)
		return false;
	f->failed_site = site;
	f->failed_err = err;
	return true;
}

void *irqlab_fault_zalloc(struct irqlab_fault *f, size_t size)
{
	if (irqlab_fault_point(f, "memory", -ENOMEM))
		return NULL;
	return calloc(1, size);
}

void *irqlab_fault_realloc(struct irqlab_fault *f, void *ptr, size_t size)
{
	if (irqlab_fault_point(f, "memory", -ENOMEM))
		return NULL;
	return realloc(ptr, size);
}
