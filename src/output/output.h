/* SPDX-License-Identifier: MIT */
/*
 * One printing layer for people and for programs, as iproute2's: every fact is printed once,
 * with its JSON key and its text format; the mode decides which appears. Objects and arrays
 * only shape the JSON; text gets its layout from the formats.
 */
#ifndef IRQLAB_OUTPUT_OUTPUT_H
#define IRQLAB_OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define IRQLAB_OUT_MAX_DEPTH 16

struct irqlab_out {
	FILE *f;
	bool json;
	unsigned depth;
	bool has_items[IRQLAB_OUT_MAX_DEPTH]; /* a comma is due before the next item */
};

void irqlab_out_init(struct irqlab_out *o, FILE *f, bool json);

/* @key is NULL inside arrays and for the document itself. */
void irqlab_out_open_object(struct irqlab_out *o, const char *key);
void irqlab_out_close_object(struct irqlab_out *o);
void irqlab_out_open_array(struct irqlab_out *o, const char *key);
void irqlab_out_close_array(struct irqlab_out *o);

/* Each prints @text_fmt (printf-style, with the one value) in text mode, when not NULL. */
void irqlab_out_str(struct irqlab_out *o, const char *key, const char *text_fmt, const char *value);
void irqlab_out_uint(struct irqlab_out *o, const char *key, const char *text_fmt,
		     unsigned long long value);
void irqlab_out_int(struct irqlab_out *o, const char *key, const char *text_fmt, long long value);
/* JSON: a string "0x..." so that bit patterns stay readable. */
void irqlab_out_hex(struct irqlab_out *o, const char *key, const char *text_fmt, uint64_t value);
void irqlab_out_bool(struct irqlab_out *o, const char *key, const char *text_fmt, bool value);
/* Text only. */
__attribute__((format(printf, 2, 3))) void irqlab_out_text(struct irqlab_out *o, const char *fmt,
							   ...);

/* Writes @s as a JSON string literal: escapes, and invalid UTF-8 as U+FFFD. */
void irqlab_json_write_string(FILE *f, const char *s);

#endif
