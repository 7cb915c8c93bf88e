// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

void irqlab_error_clear(struct irqlab_error *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

int irqlab_error_vset(struct irqlab_error *e, int code, const char *fmt, va_list ap)
{
	if (e->code)
		return code;
	e->code = code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return code;
}

int irqlab_error_set(struct irqlab_error *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	irqlab_error_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int irqlab_error_prefix(struct irqlab_error *e, const char *fmt, ...)
{
	char reason[IRQLAB_ERROR_LEN];
	va_list ap;
	int n;

	if (!e->code)
		return 0;
	memcpy(reason, e->msg, sizeof(reason));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", reason);
	return e->code;
}
