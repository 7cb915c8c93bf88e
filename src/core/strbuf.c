// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

static bool strbuf_reserve(struct irqlab_strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1, cap = sb->cap ? sb->cap : 128;
	char *grown;

	if (need <= sb->cap)
		return true;
	while (cap < need)
		cap *= 2;
	grown = realloc(sb->buf, cap);
	if (!grown) {
		sb->truncated = true;
		return false;
	}
	sb->buf = grown;
	sb->cap = cap;
	return true;
}

void irqlab_strbuf_append(struct irqlab_strbuf *sb, const char *text, size_t len)
{
	if (!strbuf_reserve(sb, len))
		return;
	memcpy(sb->buf + sb->len, text, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void irqlab_strbuf_vprintf(struct irqlab_strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n > 0 && strbuf_reserve(sb, (size_t)n)) {
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, again);
		sb->len += (size_t)n;
	}
	va_end(again);
}

void irqlab_strbuf_printf(struct irqlab_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	irqlab_strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

int irqlab_check_fail(struct irqlab_strbuf *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	irqlab_strbuf_vprintf(why, fmt, ap);
	va_end(ap);
	return -EFAULT;
}

int irqlab_check_fail_buf(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -EFAULT;
}

const char *irqlab_strbuf_str(const struct irqlab_strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

void irqlab_strbuf_reset(struct irqlab_strbuf *sb)
{
	sb->len = 0;
	sb->truncated = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void irqlab_strbuf_release(struct irqlab_strbuf *sb)
{
	free(sb->buf);
	*sb = (struct irqlab_strbuf)IRQLAB_STRBUF_INIT;
}
