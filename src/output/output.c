// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <string.h>

#include "output/output.h"

void irqlab_out_init(struct irqlab_out *o, FILE *f, bool json)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->json = json;
}

/* The length of the valid UTF-8 sequence at @s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past U+10FFFF are not UTF-8. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void irqlab_json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\u%04x", *s);
				break;
			}
			n = utf8_len(s);
			if (!n) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', f);
}

static void json_item(struct irqlab_out *o, const char *key)
{
	if (o->depth && o->has_items[o->depth - 1])
		fputc(',', o->f);
	if (o->depth)
		o->has_items[o->depth - 1] = true;
	if (key) {
		irqlab_json_write_string(o->f, key);
		fputc(':', o->f);
	}
}

static void json_open(struct irqlab_out *o, const char *key, char c)
{
	json_item(o, key);
	fputc(c, o->f);
	if (o->depth < IRQLAB_OUT_MAX_DEPTH)
		o->has_items[o->depth] = false;
	o->depth++;
}

static void json_close(struct irqlab_out *o, char c)
{
	fputc(c, o->f);
	if (o->depth)
		o->depth--;
	if (o->depth == 0)
		fputc('\n', o->f);
}

void irqlab_out_open_object(struct irqlab_out *o, const char *key)
{
	if (o->json)
		json_open(o, key, '{');
}

void irqlab_out_close_object(struct irqlab_out *o)
{
	if (o->json)
		json_close(o, '}');
}

void irqlab_out_open_array(struct irqlab_out *o, const char *key)
{
	if (o->json)
		json_open(o, key, '[');
}

void irqlab_out_close_array(struct irqlab_out *o)
{
	if (o->json)
		json_close(o, ']');
}

void irqlab_out_str(struct irqlab_out *o, const char *key, const char *text_fmt, const char *value)
{
	if (o->json) {
		json_item(o, key);
		irqlab_json_write_string(o->f, value);
	} else if (text_fmt) {
		fprintf(o->f, text_fmt, value);
	}
}

void irqlab_out_uint(struct irqlab_out *o, const char *key, const char *text_fmt,
		     unsigned long long value)
{
	if (o->json) {
		json_item(o, key);
		fprintf(o->f, "%llu", value);
	} else if (text_fmt) {
		fprintf(o->f, text_fmt, value);
	}
}

void irqlab_out_int(struct irqlab_out *o, const char *key, const char *text_fmt, long long value)
{
	if (o->json) {
		json_item(o, key);
		fprintf(o->f, "%lld", value);
	} else if (text_fmt) {
		fprintf(o->f, text_fmt, value);
	}
}

void irqlab_out_hex(struct irqlab_out *o, const char *key, const char *text_fmt, uint64_t value)
{
	if (o->json) {
		json_item(o, key);
		fprintf(o->f, "\"0x%llx\"", (unsigned long long)value);
	} else if (text_fmt) {
		fprintf(o->f, text_fmt, (unsigned long long)value);
	}
}

void irqlab_out_bool(struct irqlab_out *o, const char *key, const char *text_fmt, bool value)
{
	if (o->json) {
		json_item(o, key);
		fputs(value ? "true" : "false", o->f);
	} else if (text_fmt) {
		fprintf(o->f, text_fmt, value ? "yes" : "no");
	}
}

void irqlab_out_text(struct irqlab_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}
