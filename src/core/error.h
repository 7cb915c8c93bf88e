/* SPDX-License-Identifier: MIT */
/*
 * Why an operation failed: its errno and one sentence that names the object and the reason.
 *
 * One error value serves one operation, however deep it goes and whichever kernel it crosses:
 * the machine holds it for all of its kernels, so a failure raised in the host while it serves
 * a guest reaches the guest's statement. The deepest layer that fails writes the reason; the
 * layers it returns through may put their context in front of it (irqlab_error_prefix).
 */
#ifndef IRQLAB_CORE_ERROR_H
#define IRQLAB_CORE_ERROR_H

#include <stdarg.h>

#define IRQLAB_ERROR_LEN 320

struct irqlab_error {
	int code; /* 0, or the negative errno of the failure */
	char msg[IRQLAB_ERROR_LEN];
};

/* Called once, where an operation starts. */
void irqlab_error_clear(struct irqlab_error *e);
/*
 * Records @code and the sentence, unless a deeper layer already said why: the first reason
 * of an operation is the one kept. Returns @code, for chaining.
 */
__attribute__((format(printf, 3, 4))) int irqlab_error_set(struct irqlab_error *e, int code,
							   const char *fmt, ...);
int irqlab_error_vset(struct irqlab_error *e, int code, const char *fmt, va_list ap);
/*
 * Puts context in front of the recorded reason ("device nic0: " + reason) on the way out.
 * Does nothing when no reason was recorded. Returns the recorded code.
 */
__attribute__((format(printf, 2, 3))) int irqlab_error_prefix(struct irqlab_error *e,
							      const char *fmt, ...);

#endif
