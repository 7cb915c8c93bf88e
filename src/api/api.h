/* SPDX-License-Identifier: MIT */
/*
 * What the files of the public API share: how a failure leaves its sentence, how a caller's
 * struct crosses the ABI, and the checks every entry reader makes. Nothing here is exported.
 */
#ifndef IRQLAB_API_API_H
#define IRQLAB_API_API_H

#include <stddef.h>

#include "irqlab/irqlab.h"

#include "platform/platform.h"

/* Records why the current call failed: a sentence replaces whatever the last call left. */
__attribute__((format(printf, 3, 4))) int irqlab_api_fail(struct irqlab_machine *p, int err,
							  const char *fmt, ...);
/* Every failure the caller sees has a sentence, even one a lower layer forgot to give. */
int irqlab_api_finish(struct irqlab_machine *p, int err, const char *op, const char *what);

static inline struct irqlab_machine *irqlab_api_machine_of(const struct irqlab_device *dev)
{
	return irqlab_kernel_machine(dev->kernel);
}

/*
 * The caller's configuration struct into ours: the @src_size bytes it knows, our defaults
 * after them; bytes we do not know must be zero. -EINVAL for a size nobody set, -E2BIG.
 */
int irqlab_api_copy_in(void *dst, size_t dst_size, const void *src, size_t src_size);
/*
 * Our answer into the caller's struct of @dst_size bytes: what it knows of ours, zeros in
 * what ours lacks. -EINVAL for a size nobody set.
 */
int irqlab_api_copy_out(void *dst, size_t dst_size, const void *src, size_t src_size);

/* A device of this machine with entry @index, and somewhere to put the answer. */
int irqlab_api_entry_check(const struct irqlab_device *dev, unsigned index, const void *out);
/* -EINVAL with a sentence unless @cpu is one of kernel @k's CPUs. */
int irqlab_api_cpu_check(const struct irqlab_kernel *k, unsigned cpu, const void *out);

#endif
