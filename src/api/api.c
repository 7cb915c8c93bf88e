// SPDX-License-Identifier: MIT
/* The helpers the files of the public API share (api/api.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"

/* Far beyond any version of ours: a size nobody set. */
#define STRUCT_SIZE_MAX 4096u

int irqlab_api_fail(struct irqlab_machine *p, int err, const char *fmt, ...)
{
	va_list ap;

	irqlab_error_clear(&p->error);
	va_start(ap, fmt);
	irqlab_error_vset(&p->error, err, fmt, ap);
	va_end(ap);
	return err;
}

int irqlab_api_finish(struct irqlab_machine *p, int err, const char *op, const char *what)
{
	const char *name = irqlab_errno_name(err);

	if (err && !p->error.code)
		irqlab_api_fail(p, err, "%s %s: failed (%s)", op, what,
				name ? name : "unknown error");
	return err;
}

int irqlab_api_copy_in(void *dst, size_t dst_size, const void *src, size_t src_size)
{
	const unsigned char *extra = (const unsigned char *)src + dst_size;

	if (src_size < sizeof(size_t) || src_size > STRUCT_SIZE_MAX)
		return -EINVAL;
	for (size_t i = 0; src_size > dst_size && i < src_size - dst_size; i++)
		if (extra[i])
			return -E2BIG;
	memcpy(dst, src, src_size < dst_size ? src_size : dst_size);
	return 0;
}

int irqlab_api_copy_out(void *dst, size_t dst_size, const void *src, size_t src_size)
{
	if (dst_size == 0 || dst_size > STRUCT_SIZE_MAX)
		return -EINVAL;
	memcpy(dst, src, dst_size < src_size ? dst_size : src_size);
	if (dst_size > src_size)
		memset((unsigned char *)dst + src_size, 0, dst_size - src_size);
	return 0;
}

int irqlab_api_entry_check(const struct irqlab_device *dev, unsigned index, const void *out)
{
	struct irqlab_machine *p;

	if (!dev)
		return -EINVAL;
	p = irqlab_api_machine_of(dev);
	if (!out)
		return irqlab_api_fail(p, -EINVAL, "device %s index %u: nowhere to put the answer",
				       dev->name, index);
	if (index >= dev->nr)
		return irqlab_api_fail(p, -ERANGE, "device %s: index %u beyond its %u entries",
				       dev->name, index, dev->nr);
	return 0;
}

int irqlab_api_cpu_check(const struct irqlab_kernel *k, unsigned cpu, const void *out)
{
	struct irqlab_machine *p;

	if (!k)
		return -EINVAL;
	p = irqlab_kernel_machine(k);
	if (!out)
		return irqlab_api_fail(p, -EINVAL, "cpu %u: nowhere to put the answer", cpu);
	if (cpu >= k->ncpus)
		return irqlab_api_fail(p, -EINVAL, "cpu %u: no such CPU in %s", cpu, k->name);
	return 0;
}
