/* SPDX-License-Identifier: MIT */
/*
 * A growable text buffer for dumps, check reports and printed output. Running out of memory
 * is not an error of the model: the buffer just stops growing and remembers it was cut.
 */
#ifndef IRQLAB_CORE_STRBUF_H
#define IRQLAB_CORE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct irqlab_strbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool truncated;
};

#define IRQLAB_STRBUF_INIT        \
	{                         \
		NULL, 0, 0, false \
	}

__attribute__((format(printf, 2, 3))) void irqlab_strbuf_printf(struct irqlab_strbuf *sb,
								const char *fmt, ...);
void irqlab_strbuf_vprintf(struct irqlab_strbuf *sb, const char *fmt, va_list ap);
void irqlab_strbuf_append(struct irqlab_strbuf *sb, const char *text, size_t len);
/* The text so far; never NULL. */
/*
 * For invariant checkers: appends the sentence naming the first violation to @why and
 * returns -EFAULT.
 */
__attribute__((format(printf, 2, 3))) int irqlab_check_fail(struct irqlab_strbuf *why,
							    const char *fmt, ...);
/* The same for checkers that report into a plain buffer (@why may be NULL). */
__attribute__((format(printf, 3, 4))) int irqlab_check_fail_buf(char *why, size_t len,
								const char *fmt, ...);
const char *irqlab_strbuf_str(const struct irqlab_strbuf *sb);
void irqlab_strbuf_reset(struct irqlab_strbuf *sb);
void irqlab_strbuf_release(struct irqlab_strbuf *sb);

#endif
