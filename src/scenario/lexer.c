// SPDX-License-Identifier: MIT
/*
 * Lexer of the scenario language: cuts the input into logical lines of words. It checks every
 * byte (NUL, non-ASCII outside strings and comments, line length) and finds strings' ends;
 * what a word means is the parser's business.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scn_internal.h"

int scn_error_at(struct irqlab_scn_error *err, unsigned int line, unsigned int col, const char *fmt,
		 ...)
{
	va_list ap;

	err->line = line ? line : 1;
	err->col = col ? col : 1;
	err->code = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int scn_error_nomem(struct irqlab_scn_error *err, unsigned int line, unsigned int col)
{
	scn_error_at(err, line, col, "out of memory");
	err->code = -ENOMEM;
	return -ENOMEM;
}

const char *scn_quote(char *out, const char *p, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = len > 32 ? 32 : len, o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	if (n < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

void scn_lexer_init(struct scn_lexer *lx, const void *buf, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->buf = buf;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
}

/* Does a line end at @i: "\n", "\r\n" or the end of the input? */
static bool line_end_at(const struct scn_lexer *lx, size_t i)
{
	if (i >= lx->len || lx->buf[i] == '\n')
		return true;
	return lx->buf[i] == '\r' && i + 1 < lx->len && lx->buf[i + 1] == '\n';
}

/* Only blanks between the byte after pos and the end of the line? */
static bool only_blanks_follow(const struct scn_lexer *lx)
{
	size_t i = lx->pos + 1;

	while (!line_end_at(lx, i) && (lx->buf[i] == ' ' || lx->buf[i] == '\t'))
		i++;
	return line_end_at(lx, i);
}

static int bad_byte(const struct scn_lexer *lx, struct irqlab_scn_error *err, const char *where)
{
	unsigned char c = lx->buf[lx->pos];

	if (c == 0)
		return scn_error_at(err, lx->line, lx->col, "NUL byte in the input");
	if (c >= 0x80)
		return scn_error_at(err, lx->line, lx->col, "byte 0x%02x %s (non-ASCII)", c, where);
	return scn_error_at(err, lx->line, lx->col, "control character 0x%02x %s", c, where);
}

/* Take one byte that is not a line terminator; refuse it beyond the line length limit. */
static int take(struct scn_lexer *lx, struct irqlab_scn_error *err)
{
	if (lx->col > IRQLAB_SCN_MAX_LINE)
		return scn_error_at(err, lx->line, lx->col, "line too long (more than %u bytes)",
				    IRQLAB_SCN_MAX_LINE);
	lx->pos++;
	lx->col++;
	return 0;
}

/* Step over the line terminator at pos ("\n" or "\r\n"); nothing at the end of the input. */
static int take_newline(struct scn_lexer *lx, struct irqlab_scn_error *err)
{
	if (lx->pos >= lx->len)
		return 0;
	if (lx->buf[lx->pos] == '\r')
		lx->pos++;
	lx->pos++;
	if (lx->line == UINT32_MAX - 1)
		return scn_error_at(err, lx->line, lx->col, "too many lines");
	lx->line++;
	lx->col = 1;
	return 0;
}

static int skip_comment(struct scn_lexer *lx, struct irqlab_scn_error *err)
{
	while (!line_end_at(lx, lx->pos)) {
		int r;

		if (lx->buf[lx->pos] == 0)
			return bad_byte(lx, err, "");
		r = take(lx, err);
		if (r)
			return r;
	}
	return 0;
}

/* From the opening quote to past the closing one. */
static int skip_string(struct scn_lexer *lx, struct irqlab_scn_error *err)
{
	unsigned int line = lx->line, col = lx->col;
	int r = take(lx, err);

	while (!r) {
		unsigned char c;

		if (line_end_at(lx, lx->pos))
			return scn_error_at(err, line, col, "unterminated string");
		c = lx->buf[lx->pos];
		if (c == '"')
			return take(lx, err);
		if (c == '\\') {
			if (line_end_at(lx, lx->pos + 1))
				return scn_error_at(err, line, col, "unterminated string");
			c = lx->buf[lx->pos + 1];
			if (c != '"' && c != '\\') {
				char q[SCN_QUOTE_MAX];

				return scn_error_at(
					err, lx->line, lx->col,
					"unknown escape '\\%s' in a string (only \\\" "
					"and \\\\)",
					scn_quote(q, (const char *)&lx->buf[lx->pos + 1], 1));
			}
			r = take(lx, err);
			if (!r)
				r = take(lx, err);
			continue;
		}
		if (c == 0 || (c < 0x20 && c != '\t') || c == 0x7f)
			return bad_byte(lx, err, "in a string");
		r = take(lx, err);
	}
	return r;
}

static int lex_word(struct scn_lexer *lx, struct irqlab_scn_error *err)
{
	struct scn_word w = {
		.p = (const char *)&lx->buf[lx->pos],
		.eq = SIZE_MAX,
		.line = lx->line,
		.col = lx->col,
	};
	size_t start = lx->pos;

	while (!line_end_at(lx, lx->pos)) {
		unsigned char c = lx->buf[lx->pos];
		int r;

		if (c == ' ' || c == '\t' || c == '#')
			break;
		if (c == '\\' && line_end_at(lx, lx->pos + 1))
			break; /* a continuation ends the word */
		if (c == '"') {
			r = skip_string(lx, err);
		} else {
			if (c < 0x21 || c > 0x7e)
				return bad_byte(lx, err, "outside a string or comment");
			if (c == '=' && w.eq == SIZE_MAX)
				w.eq = lx->pos - start;
			r = take(lx, err);
		}
		if (r)
			return r;
	}
	w.len = lx->pos - start;
	if (lx->nwords < SCN_MAX_WORDS)
		lx->words[lx->nwords++] = w;
	return 0;
}

int scn_lex_line(struct scn_lexer *lx, struct irqlab_scn_error *err)
{
	lx->nwords = 0;
	for (;;) {
		unsigned char c;
		int r;

		if (lx->pos >= lx->len)
			return lx->nwords > 0;
		if (line_end_at(lx, lx->pos)) {
			r = take_newline(lx, err);
			if (r)
				return r;
			if (lx->nwords)
				return 1;
			continue;
		}
		c = lx->buf[lx->pos];
		if (c == ' ' || c == '\t') {
			r = take(lx, err);
		} else if (c == '#') {
			r = skip_comment(lx, err);
		} else if (c == '\\' && line_end_at(lx, lx->pos + 1)) {
			r = take(lx, err);
			if (!r)
				r = take_newline(lx, err);
		} else if (c == '\\' && only_blanks_follow(lx)) {
			r = scn_error_at(
				err, lx->line, lx->col,
				"'\\' continues a line only as its last byte (blanks follow)");
		} else {
			r = lex_word(lx, err);
		}
		if (r)
			return r;
	}
}
