// SPDX-License-Identifier: MIT
/*
 * Parser of the scenario language: checks each logical line against its row of the schema
 * and builds the program. The first error stops the parse; the caller gets it as a struct.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "irqlab/errname.h"
#include "scenario/scn_internal.h"

/* The vm and device names defined so far: open addressing, so huge scenarios stay linear. */
struct scn_name {
	const char *name; /* owned by the program */
	unsigned int line;
	const char *what; /* "vm", "device" */
};

struct scn_parser {
	struct scn_lexer lx;
	struct scn_mem mem;
	struct irqlab_scn_error *err;
	struct irqlab_scn_program *prog;
	size_t cap;
	bool have_host;
	bool no_host; /* irqlab_scn_parse_opts.no_host */
	unsigned int host_line;
	struct scn_name *names;
	size_t nnames, names_cap; /* names_cap: 0 or a power of two */
};

/* Where a value sits, and how to name it in a message: "alloc: count". */
struct scn_where {
	const struct scn_spec *spec;
	const struct scn_param *prm;
	unsigned int line, col;
};

static bool is_name_start(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-';
}

static bool is_name(const char *p, size_t len)
{
	if (len == 0 || !is_name_start((unsigned char)p[0]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_name_char((unsigned char)p[i]))
			return false;
	return true;
}

static bool word_is(const char *p, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(p, s, len) == 0;
}

static int hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal or 0x hex: 0, -EINVAL when malformed, -ERANGE when above UINT64_MAX. */
static int parse_u64(const char *p, size_t len, uint64_t *out)
{
	unsigned int base = 10;
	bool over = false;
	uint64_t v = 0;

	if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		len -= 2;
	}
	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = hex_digit((unsigned char)p[i]);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			over = true;
		else
			v = v * base + (unsigned int)d;
	}
	if (over)
		return -ERANGE;
	*out = v;
	return 0;
}

static int out_of_range(struct irqlab_scn_error *err, const struct scn_where *w, unsigned int col,
			const char *p, size_t len)
{
	char q[SCN_QUOTE_MAX];
	/* A bound that is a bit width (0xffffffff) reads better in hex. */
	bool mask = w->prm->max > 0xffff && (w->prm->max & (w->prm->max + 1)) == 0;
	const char *fmt = mask ? "%s: %s %s is out of range (%llu..0x%llx)%s%s"
			       : "%s: %s %s is out of range (%llu..%llu)%s%s";

	return scn_error_at(err, w->line, col, fmt, w->spec->name, w->prm->name,
			    scn_quote(q, p, len), (unsigned long long)w->prm->min,
			    (unsigned long long)w->prm->max, w->prm->why ? ": " : "",
			    w->prm->why ? w->prm->why : "");
}

/* An integer within the parameter's bounds. */
static int parse_bounded(struct irqlab_scn_error *err, const struct scn_where *w, unsigned int col,
			 const char *p, size_t len, uint64_t *out)
{
	char q[SCN_QUOTE_MAX];
	int r = parse_u64(p, len, out);

	if (r == -EINVAL && len == 0) /* "-3", "1-", "1-2,-" */
		return scn_error_at(err, w->line, col, "%s: %s: missing number", w->spec->name,
				    w->prm->name);
	if (r == -EINVAL)
		return scn_error_at(err, w->line, col, "%s: %s: '%s' is not a number",
				    w->spec->name, w->prm->name, scn_quote(q, p, len));
	if (r == -ERANGE || *out < w->prm->min || *out > w->prm->max)
		return out_of_range(err, w, col, p, len);
	return 0;
}

static int parse_int(struct irqlab_scn_error *err, const struct scn_where *w, const char *p,
		     size_t len, struct irqlab_scn_value *v)
{
	int r = parse_bounded(err, w, w->col, p, len, &v->num);

	if (r)
		return r;
	if ((w->prm->flags & SCN_POW2) && (v->num & (v->num - 1)))
		return scn_error_at(
			err, w->line, w->col, "%s: %s %llu is not a power of two (%llu..%llu)%s%s",
			w->spec->name, w->prm->name, (unsigned long long)v->num,
			(unsigned long long)w->prm->min, (unsigned long long)w->prm->max,
			w->prm->why ? ": " : "", w->prm->why ? w->prm->why : "");
	return 0;
}

static int parse_word(struct irqlab_scn_error *err, const struct scn_where *w, const char *p,
		      size_t len, struct irqlab_scn_value *v)
{
	const char *const *words = w->prm->words;
	char list[160], q[SCN_QUOTE_MAX];
	size_t o = 0;

	for (unsigned int i = 0; words[i]; i++) {
		if (word_is(p, len, words[i])) {
			if (v->type == IRQLAB_SCN_T_BOOL)
				v->flag = i != 0;
			else
				v->choice = i;
			v->word = words[i];
			return 0;
		}
	}
	list[0] = '\0';
	if (v->type == IRQLAB_SCN_T_BOOL) /* as the language writes it: on|off, yes|no */
		snprintf(list, sizeof(list), "%s|%s", words[1], words[0]);
	for (unsigned int i = 0; v->type == IRQLAB_SCN_T_ENUM && words[i] && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? "|" : "", words[i]);
	return scn_error_at(err, w->line, w->col, "%s: %s must be %s (found '%s')", w->spec->name,
			    w->prm->name, list, scn_quote(q, p, len));
}

static int dup_text(struct scn_parser *ps, const struct scn_where *w, const char *p, size_t len,
		    char **out)
{
	char *s = scn_zalloc(&ps->mem, len + 1, 1);

	if (!s)
		return scn_error_nomem(ps->err, w->line, w->col);
	memcpy(s, p, len);
	*out = s;
	return 0;
}

static int parse_name(struct scn_parser *ps, const struct scn_where *w, const char *p, size_t len,
		      struct irqlab_scn_value *v)
{
	char q[SCN_QUOTE_MAX];

	if (!is_name(p, len))
		return scn_error_at(ps->err, w->line, w->col,
				    "%s: %s '%s' is not a name ([A-Za-z_][A-Za-z0-9_.:-]*)",
				    w->spec->name, w->prm->name, scn_quote(q, p, len));
	return dup_text(ps, w, p, len, &v->str);
}

/* A quoted string (the lexer checked its bytes and found its end) or a bare name. */
static int parse_string(struct scn_parser *ps, const struct scn_where *w, const char *p, size_t len,
			struct irqlab_scn_value *v)
{
	size_t i, o = 0;
	char *s = NULL;
	int r;

	if (len == 0 || p[0] != '"') {
		char q[SCN_QUOTE_MAX];

		if (is_name(p, len))
			return dup_text(ps, w, p, len, &v->str);
		return scn_error_at(ps->err, w->line, w->col,
				    "%s: %s '%s' is neither a quoted string nor a name",
				    w->spec->name, w->prm->name, scn_quote(q, p, len));
	}
	r = dup_text(ps, w, p, len, &s);
	if (r)
		return r;
	for (i = 1; i < len && p[i] != '"'; i++) {
		if (p[i] == '\\')
			i++;
		s[o++] = p[i];
	}
	s[o] = '\0';
	if (i + 1 < len) {
		free(s);
		return scn_error_at(ps->err, w->line, w->col + (unsigned int)i + 1,
				    "%s: %s: text after the closing quote", w->spec->name,
				    w->prm->name);
	}
	v->str = s;
	return 0;
}

/* The item of list @p that starts at column @col, as written. */
static const char *list_item(char *q, const struct scn_where *w, const char *p, size_t len,
			     unsigned int col)
{
	size_t i = col - w->col, end = i;

	while (end < len && p[end] != ',')
		end++;
	return scn_quote(q, p + i, end - i);
}

/*
 * A list names each value once: a repeated index or CPU (an item again, or ranges that
 * overlap) is a mistake the statement would otherwise fold or fail on for another reason.
 * Every list value is below SCN_LIST_VALUES, so one bitmap answers in one pass.
 */
static int check_repeats(struct scn_parser *ps, const struct scn_where *w, const char *p,
			 size_t len, const struct irqlab_scn_range *ranges, size_t n)
{
	uint64_t seen[SCN_LIST_VALUES / 64] = {0};
	char q[SCN_QUOTE_MAX];

	for (size_t k = 0; k < n; k++) {
		for (uint32_t x = ranges[k].lo; x <= ranges[k].hi; x++) {
			size_t j = 0;

			if (!(seen[x / 64] & (UINT64_C(1) << (x % 64)))) {
				seen[x / 64] |= UINT64_C(1) << (x % 64);
				continue;
			}
			while (x < ranges[j].lo || x > ranges[j].hi)
				j++;
			return scn_error_at(ps->err, w->line, ranges[k].col,
					    "%s: %s: %u is repeated (first as '%s' at column %u)",
					    w->spec->name, w->prm->name, x,
					    list_item(q, w, p, len, ranges[j].col), ranges[j].col);
		}
	}
	return 0;
}

static int parse_list(struct scn_parser *ps, const struct scn_where *w, const char *p, size_t len,
		      struct irqlab_scn_value *v)
{
	struct irqlab_scn_range *ranges;
	size_t n = 1, k = 0, i = 0;
	char q[SCN_QUOTE_MAX];

	for (size_t j = 0; j < len; j++)
		n += p[j] == ',';
	ranges = scn_zalloc(&ps->mem, n, sizeof(*ranges));
	if (!ranges)
		return scn_error_nomem(ps->err, w->line, w->col);
	while (k < n) {
		size_t end = i, dash = SIZE_MAX;
		unsigned int col = w->col + (unsigned int)i;
		uint64_t lo, hi;
		int r;

		while (end < len && p[end] != ',') {
			if (p[end] == '-' && dash == SIZE_MAX)
				dash = end;
			end++;
		}
		if (end == i) {
			r = scn_error_at(ps->err, w->line, col, "%s: %s: empty element in list",
					 w->spec->name, w->prm->name);
			goto out_free_ranges;
		}
		if (dash == SIZE_MAX) {
			r = parse_bounded(ps->err, w, col, p + i, end - i, &lo);
			hi = lo;
		} else {
			r = parse_bounded(ps->err, w, col, p + i, dash - i, &lo);
			if (!r)
				r = parse_bounded(ps->err, w, w->col + (unsigned int)dash + 1,
						  p + dash + 1, end - dash - 1, &hi);
			if (!r && lo > hi)
				r = scn_error_at(ps->err, w->line, col,
						 "%s: %s: range %s runs backwards", w->spec->name,
						 w->prm->name, scn_quote(q, p + i, end - i));
		}
		if (r)
			goto out_free_ranges;
		ranges[k].lo = (uint32_t)lo;
		ranges[k].hi = (uint32_t)hi;
		ranges[k].col = col;
		k++;
		i = end + 1;
	}
	if (!(w->prm->flags & SCN_REPEATS) && check_repeats(ps, w, p, len, ranges, n))
		goto out_free_ranges;
	v->list.ranges = ranges;
	v->list.n = n;
	return 0;

out_free_ranges:
	free(ranges);
	return -EINVAL;
}

/* N or MIN-MAX. */
static int parse_count(struct irqlab_scn_error *err, const struct scn_where *w, const char *p,
		       size_t len, struct irqlab_scn_value *v)
{
	const char *dash = memchr(p, '-', len);
	uint64_t lo, hi;
	int r;

	if (!dash) {
		r = parse_bounded(err, w, w->col, p, len, &lo);
		hi = lo;
	} else {
		size_t d = (size_t)(dash - p);

		r = parse_bounded(err, w, w->col, p, d, &lo);
		if (!r)
			r = parse_bounded(err, w, w->col + (unsigned int)d + 1, dash + 1,
					  len - d - 1, &hi);
		if (!r && lo > hi) {
			char q[SCN_QUOTE_MAX];

			return scn_error_at(err, w->line, w->col,
					    "%s: %s %s: minimum above maximum", w->spec->name,
					    w->prm->name, scn_quote(q, p, len));
		}
	}
	if (r)
		return r;
	v->count.min = (uint32_t)lo;
	v->count.max = (uint32_t)hi;
	return 0;
}

/* BB:DD.F in hex: bus 00..ff, device 00..1f, function 0..7. */
static int parse_bdf(struct irqlab_scn_error *err, const struct scn_where *w, const char *p,
		     size_t len, struct irqlab_scn_value *v)
{
	char q[SCN_QUOTE_MAX];
	int b0, b1, d0, d1, f;

	if (len == 7 && p[2] == ':' && p[5] == '.') {
		b0 = hex_digit((unsigned char)p[0]);
		b1 = hex_digit((unsigned char)p[1]);
		d0 = hex_digit((unsigned char)p[3]);
		d1 = hex_digit((unsigned char)p[4]);
		f = hex_digit((unsigned char)p[6]);
		if (b0 >= 0 && b1 >= 0 && d0 >= 0 && d1 >= 0 && f >= 0 && d0 * 16 + d1 <= 0x1f &&
		    f <= 7) {
			v->bdf.bus = (uint8_t)(b0 * 16 + b1);
			v->bdf.dev = (uint8_t)(d0 * 16 + d1);
			v->bdf.fn = (uint8_t)f;
			return 0;
		}
	}
	return scn_error_at(err, w->line, w->col,
			    "%s: %s '%s' is not BB:DD.F (hex bus 00..ff, device 00..1f, "
			    "function 0..7)",
			    w->spec->name, w->prm->name, scn_quote(q, p, len));
}

static int parse_errno(struct irqlab_scn_error *err, const struct scn_where *w, const char *p,
		       size_t len, struct irqlab_scn_value *v)
{
	char name[24], q[SCN_QUOTE_MAX];

	if (len < sizeof(name) && is_name(p, len)) {
		memcpy(name, p, len);
		name[len] = '\0';
		v->err = irqlab_errno_from_name(name);
		if (v->err > 0)
			return 0;
	}
	return scn_error_at(err, w->line, w->col, "%s: %s: '%s' is not an errno name irqlab knows",
			    w->spec->name, w->prm->name, scn_quote(q, p, len));
}

static int parse_value(struct scn_parser *ps, const struct scn_where *w, const char *p, size_t len,
		       struct irqlab_scn_value *v)
{
	memset(v, 0, sizeof(*v));
	v->type = w->prm->type;
	if (len == 0)
		return scn_error_at(ps->err, w->line, w->col, "%s: %s= needs a value",
				    w->spec->name, w->prm->name);
	switch (v->type) {
	case IRQLAB_SCN_T_INT:
		return parse_int(ps->err, w, p, len, v);
	case IRQLAB_SCN_T_BOOL:
	case IRQLAB_SCN_T_ENUM:
		return parse_word(ps->err, w, p, len, v);
	case IRQLAB_SCN_T_NAME:
		return parse_name(ps, w, p, len, v);
	case IRQLAB_SCN_T_STRING:
		return parse_string(ps, w, p, len, v);
	case IRQLAB_SCN_T_LIST:
		return parse_list(ps, w, p, len, v);
	case IRQLAB_SCN_T_BDF:
		return parse_bdf(ps->err, w, p, len, v);
	case IRQLAB_SCN_T_COUNT:
		return parse_count(ps->err, w, p, len, v);
	case IRQLAB_SCN_T_ERRNO:
		return parse_errno(ps->err, w, p, len, v);
	}
	return scn_error_at(ps->err, w->line, w->col, "%s: %s has no parser", w->spec->name,
			    w->prm->name);
}

static void value_free(struct irqlab_scn_value *v)
{
	if (v->type == IRQLAB_SCN_T_NAME || v->type == IRQLAB_SCN_T_STRING)
		free(v->str);
	else if (v->type == IRQLAB_SCN_T_LIST)
		free(v->list.ranges);
	memset(v, 0, sizeof(*v));
}

static void stmt_free(struct irqlab_scn_stmt *stmt)
{
	for (unsigned int i = 0; i < stmt->npos; i++)
		value_free(&stmt->pos[i].v);
	for (unsigned int i = 0; i < stmt->nargs; i++)
		value_free(&stmt->args[i].v);
	free(stmt->args);
	stmt->args = NULL;
	stmt->npos = stmt->nargs = 0;
}

void irqlab_scn_program_free(struct irqlab_scn_program *prog)
{
	if (!prog)
		return;
	for (size_t i = 0; i < prog->nstmts; i++)
		stmt_free(&prog->stmts[i]);
	free(prog->stmts);
	free(prog);
}

static const struct scn_param *find_key(const struct scn_spec *spec, const char *p, size_t len)
{
	for (unsigned int i = 0; i < SCN_MAX_KEYS && spec->keys[i].name; i++)
		if (word_is(p, len, spec->keys[i].name))
			return &spec->keys[i];
	return NULL;
}

static unsigned int nkeys(const struct scn_spec *spec)
{
	unsigned int n = 0;

	while (n < SCN_MAX_KEYS && spec->keys[n].name)
		n++;
	return n;
}

/* "count, managed" */
static const char *key_list(const struct scn_spec *spec, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < nkeys(spec) && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", spec->keys[i].name);
	return buf;
}

/* The sub-verbs of @verb: "offline, online". */
static const char *sub_list(const char *verb, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned int k = 0; k < IRQLAB_SCN_NR_KINDS && o < size; k++) {
		const struct scn_spec *s = &scn_specs[k];

		if (strcmp(s->verb, verb) == 0)
			o += (size_t)snprintf(buf + o, size - o, "%s%s%s", o ? ", " : "", s->sub,
					      s->flags & SCN_SUB_IS_KEY ? "=" : "");
	}
	return buf;
}

/* The row for the first words, and how many words the verb (and sub-verb) take. */
static int find_spec(struct scn_parser *ps, const struct scn_word *words, size_t n,
		     const struct scn_spec **out, size_t *used)
{
	const struct scn_word *w0 = &words[0];
	const char *verb = NULL;
	char q[SCN_QUOTE_MAX], list[200];

	for (unsigned int k = 0; k < IRQLAB_SCN_NR_KINDS; k++) {
		const struct scn_spec *s = &scn_specs[k];

		if (!word_is(w0->p, w0->len, s->verb))
			continue;
		if (!s->sub) {
			*out = s;
			*used = 1;
			return 0;
		}
		verb = s->verb;
		break;
	}
	if (!verb)
		return scn_error_at(ps->err, w0->line, w0->col, "unknown statement '%s'",
				    scn_quote(q, w0->p, w0->len));
	if (n < 2)
		return scn_error_at(ps->err, w0->line, w0->col + (unsigned int)w0->len,
				    "%s: missing what follows (expected %s)", verb,
				    sub_list(verb, list, sizeof(list)));

	const struct scn_word *w1 = &words[1];
	size_t sublen = w1->eq == SIZE_MAX ? w1->len : w1->eq;

	for (unsigned int k = 0; k < IRQLAB_SCN_NR_KINDS; k++) {
		const struct scn_spec *s = &scn_specs[k];
		bool keyed = s->flags & SCN_SUB_IS_KEY;

		if (strcmp(s->verb, verb) != 0 || !word_is(w1->p, keyed ? sublen : w1->len, s->sub))
			continue;
		if (keyed && w1->eq == SIZE_MAX)
			return scn_error_at(ps->err, w1->line, w1->col, "%s: write %s=VALUE",
					    s->name, s->sub);
		*out = s;
		*used = keyed ? 1 : 2; /* a keyed sub-verb is also the first argument */
		return 0;
	}
	return scn_error_at(ps->err, w1->line, w1->col, "%s: unknown '%s' (expected %s)", verb,
			    scn_quote(q, w1->p, w1->len), sub_list(verb, list, sizeof(list)));
}

static const struct irqlab_scn_arg *arg_of(const struct irqlab_scn_stmt *stmt, const char *key)
{
	for (unsigned int i = 0; i < stmt->nargs; i++)
		if (strcmp(stmt->args[i].key, key) == 0)
			return &stmt->args[i];
	return NULL;
}

/* The leader of @group in @spec, or NULL. */
static const struct scn_param *group_leader(const struct scn_spec *spec, unsigned int group)
{
	for (unsigned int i = 0; i < nkeys(spec); i++)
		if (spec->keys[i].group == group && (spec->keys[i].flags & SCN_LEADER))
			return &spec->keys[i];
	return NULL;
}

/* May @prm appear (or be defaulted) given the group leaders written? */
static bool group_active(const struct scn_spec *spec, const struct irqlab_scn_stmt *stmt,
			 const struct scn_param *prm)
{
	const struct scn_param *leader;

	if (!prm->group || (prm->flags & SCN_LEADER))
		return true;
	leader = group_leader(spec, prm->group);
	return leader && arg_of(stmt, leader->name);
}

/* Exactly one kind, keys only of that kind, the required keys, then the defaults. */
static int check_keys(struct scn_parser *ps, const struct scn_spec *spec,
		      struct irqlab_scn_stmt *stmt)
{
	const struct irqlab_scn_arg *first_leader = NULL;
	char list[200];

	for (unsigned int i = 0; i < stmt->nargs; i++) {
		const struct irqlab_scn_arg *a = &stmt->args[i];
		const struct scn_param *prm = find_key(spec, a->key, strlen(a->key));

		if (prm->flags & SCN_LEADER) {
			if (first_leader)
				return scn_error_at(ps->err, a->line, a->col,
						    "%s: %s= and %s= exclude each other",
						    spec->name, first_leader->key, a->key);
			first_leader = a;
		}
	}
	if ((spec->flags & SCN_ONE_GROUP) && !first_leader) {
		size_t o = 0;

		list[0] = '\0';
		for (unsigned int i = 0; i < nkeys(spec) && o < sizeof(list); i++)
			if (spec->keys[i].flags & SCN_LEADER)
				o += (size_t)snprintf(list + o, sizeof(list) - o,
						      "%s%s=", o ? ", " : "", spec->keys[i].name);
		return scn_error_at(ps->err, stmt->line, stmt->col, "%s: needs one of %s",
				    spec->name, list);
	}
	for (unsigned int i = 0; i < stmt->nargs; i++) {
		const struct irqlab_scn_arg *a = &stmt->args[i];
		const struct scn_param *prm = find_key(spec, a->key, strlen(a->key));

		if (!group_active(spec, stmt, prm))
			return scn_error_at(ps->err, a->line, a->col,
					    "%s: %s= needs %s=", spec->name, a->key,
					    group_leader(spec, prm->group)->name);
	}
	for (unsigned int i = 0; i < nkeys(spec); i++) {
		const struct scn_param *prm = &spec->keys[i];

		if ((prm->flags & SCN_REQ) && !arg_of(stmt, prm->name) &&
		    group_active(spec, stmt, prm))
			return scn_error_at(ps->err, stmt->line, stmt->col,
					    "%s: missing required key '%s'%s%s%s", spec->name,
					    prm->name, prm->group ? " (with " : "",
					    prm->group ? group_leader(spec, prm->group)->name : "",
					    prm->group ? "=)" : "");
	}
	for (unsigned int i = 0; i < nkeys(spec); i++) {
		const struct scn_param *prm = &spec->keys[i];
		struct irqlab_scn_arg *a = &stmt->args[stmt->nargs];
		struct scn_where w = {spec, prm, stmt->line, stmt->col};
		int r;

		if (!prm->def || arg_of(stmt, prm->name) || !group_active(spec, stmt, prm))
			continue;
		r = parse_value(ps, &w, prm->def, strlen(prm->def), &a->v);
		if (r)
			return r;
		a->key = prm->name;
		a->line = stmt->line;
		a->col = a->vcol = stmt->col;
		a->implicit = true;
		stmt->nargs++;
	}
	return 0;
}

static int parse_args(struct scn_parser *ps, const struct scn_spec *spec,
		      struct irqlab_scn_stmt *stmt, const struct scn_word *words, size_t n)
{
	char q[SCN_QUOTE_MAX], list[200];

	if (nkeys(spec)) {
		/* Each key at most once, so this bounds the arguments, defaults included. */
		stmt->args = scn_zalloc(&ps->mem, nkeys(spec), sizeof(*stmt->args));
		if (!stmt->args)
			return scn_error_nomem(ps->err, stmt->line, stmt->col);
	}
	for (size_t i = 0; i < n; i++) {
		const struct scn_word *wd = &words[i];
		const struct scn_param *prm;
		const struct irqlab_scn_arg *prev;
		struct irqlab_scn_arg *a;
		struct scn_where w;
		int r;

		if (wd->eq == SIZE_MAX)
			return scn_error_at(ps->err, wd->line, wd->col,
					    "%s: unexpected word '%s' (arguments are key=value)",
					    spec->name, scn_quote(q, wd->p, wd->len));
		if (wd->eq == 0)
			return scn_error_at(ps->err, wd->line, wd->col,
					    "%s: missing key before '='", spec->name);
		prm = find_key(spec, wd->p, wd->eq);
		if (!prm && !nkeys(spec))
			return scn_error_at(ps->err, wd->line, wd->col,
					    "%s: key '%s' is not known (%s takes no keys)",
					    spec->name, scn_quote(q, wd->p, wd->eq), spec->name);
		if (!prm)
			return scn_error_at(ps->err, wd->line, wd->col,
					    "%s: key '%s' is not known (expected %s)", spec->name,
					    scn_quote(q, wd->p, wd->eq),
					    key_list(spec, list, sizeof(list)));
		prev = arg_of(stmt, prm->name);
		if (prev)
			return scn_error_at(ps->err, wd->line, wd->col,
					    "%s: key '%s' repeated (first at %u:%u)", spec->name,
					    prm->name, prev->line, prev->col);
		w = (struct scn_where){spec, prm, wd->line, wd->col + (unsigned int)wd->eq + 1};
		a = &stmt->args[stmt->nargs];
		r = parse_value(ps, &w, wd->p + wd->eq + 1, wd->len - wd->eq - 1, &a->v);
		if (r)
			return r;
		a->key = prm->name;
		a->line = wd->line;
		a->col = wd->col;
		a->vcol = w.col;
		stmt->nargs++;
	}
	return check_keys(ps, spec, stmt);
}

static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct scn_name *name_slot(struct scn_name *names, size_t cap, const char *name)
{
	size_t i = name_hash(name) & (cap - 1);

	while (names[i].name && strcmp(names[i].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return &names[i];
}

/* vm and device names share one namespace; "host" names the host in in= keys. */
static int define_name(struct scn_parser *ps, const struct scn_spec *spec,
		       const struct irqlab_scn_arg *a)
{
	struct scn_name *slot;

	if (strcmp(a->v.str, "host") == 0)
		return scn_error_at(ps->err, a->line, a->col, "%s: the name 'host' is reserved",
				    spec->name);
	if (2 * (ps->nnames + 1) > ps->names_cap) {
		size_t cap = ps->names_cap ? 2 * ps->names_cap : 64;
		struct scn_name *names = scn_zalloc(&ps->mem, cap, sizeof(*names));

		if (!names)
			return scn_error_nomem(ps->err, a->line, a->col);
		for (size_t i = 0; i < ps->names_cap; i++)
			if (ps->names[i].name)
				*name_slot(names, cap, ps->names[i].name) = ps->names[i];
		free(ps->names);
		ps->names = names;
		ps->names_cap = cap;
	}
	slot = name_slot(ps->names, ps->names_cap, a->v.str);
	if (slot->name) {
		char q[SCN_QUOTE_MAX];

		return scn_error_at(ps->err, a->line, a->col,
				    "%s: name '%s' already names the %s of line %u", spec->name,
				    scn_quote(q, a->v.str, strlen(a->v.str)), slot->what,
				    slot->line);
	}
	*slot = (struct scn_name){a->v.str, a->line, spec->name};
	ps->nnames++;
	return 0;
}

/* Statement-independent rules: host first and once, names defined once. */
static int check_program(struct scn_parser *ps, const struct scn_spec *spec,
			 const struct irqlab_scn_stmt *stmt)
{
	if (stmt->kind == IRQLAB_SCN_HOST) {
		if (ps->have_host)
			return scn_error_at(ps->err, stmt->line, stmt->col,
					    "host: repeated (the host is set at line %u)",
					    ps->host_line);
		ps->have_host = true;
		ps->host_line = stmt->line;
	} else if (!ps->have_host && !ps->no_host) {
		return scn_error_at(ps->err, stmt->line, stmt->col,
				    "%s: the first statement must be 'host'", spec->name);
	}
	if (spec->flags & SCN_DEFINES_NAME)
		return define_name(ps, spec, &stmt->pos[0]);
	return 0;
}

static int parse_stmt_words(struct scn_parser *ps, struct irqlab_scn_stmt *stmt)
{
	const struct scn_word *words = ps->lx.words;
	size_t n = ps->lx.nwords, i = 0;
	const struct scn_spec *spec = NULL;
	int r;

	r = find_spec(ps, words, n, &spec, &i);
	if (r)
		return r;
	stmt->kind = (enum irqlab_scn_kind)(spec - scn_specs);
	stmt->line = words[0].line;
	stmt->col = words[0].col;
	for (unsigned int p = 0; p < IRQLAB_SCN_MAX_POS && spec->pos[p].name; p++, i++) {
		const struct scn_param *prm = &spec->pos[p];
		struct irqlab_scn_arg *a = &stmt->pos[p];
		struct scn_where w;

		if (i >= n || words[i].eq != SIZE_MAX) {
			/* Point where it should have been: at the key=value, or past the end. */
			const struct scn_word *at = i < n ? &words[i] : &words[n - 1];

			return scn_error_at(ps->err, at->line,
					    i < n ? at->col : at->col + (unsigned int)at->len,
					    "%s: missing %s", spec->name, prm->name);
		}
		w = (struct scn_where){spec, prm, words[i].line, words[i].col};
		r = parse_value(ps, &w, words[i].p, words[i].len, &a->v);
		if (r)
			return r;
		a->key = prm->name;
		a->line = words[i].line;
		a->col = a->vcol = words[i].col;
		stmt->npos++;
	}
	r = parse_args(ps, spec, stmt, words + i, n - i);
	if (!r && spec->check)
		r = spec->check(stmt, ps->err);
	if (!r)
		r = check_program(ps, spec, stmt);
	return r;
}

static int parse_statement(struct scn_parser *ps)
{
	struct irqlab_scn_program *prog = ps->prog;
	struct irqlab_scn_stmt stmt = {0};
	int r;

	if (prog->nstmts == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 32;
		struct irqlab_scn_stmt *stmts =
			scn_realloc_array(&ps->mem, prog->stmts, cap, sizeof(*stmts));

		if (!stmts)
			return scn_error_nomem(ps->err, ps->lx.words[0].line, ps->lx.words[0].col);
		prog->stmts = stmts;
		ps->cap = cap;
	}
	r = parse_stmt_words(ps, &stmt);
	if (r) {
		stmt_free(&stmt);
		return r;
	}
	prog->stmts[prog->nstmts++] = stmt;
	return 0;
}

int irqlab_scn_parse_with(const char *file, const void *buf, size_t len,
			  const struct irqlab_scn_parse_opts *opts, struct irqlab_scn_program **out,
			  struct irqlab_scn_error *err)
{
	struct scn_parser ps = {.err = err};
	int r;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	err->file = file;
	if (opts) {
		ps.mem.fail_at = opts->fail_alloc_at;
		ps.no_host = opts->no_host;
	}
	if (!buf && len)
		return scn_error_at(err, 1, 1, "no input");
	ps.prog = scn_zalloc(&ps.mem, 1, sizeof(*ps.prog));
	if (!ps.prog)
		return scn_error_nomem(err, 1, 1);
	scn_lexer_init(&ps.lx, buf, len);
	while ((r = scn_lex_line(&ps.lx, err)) > 0) {
		r = parse_statement(&ps);
		if (r)
			break;
	}
	if (!r && !ps.have_host && !ps.no_host)
		r = scn_error_at(err, 1, 1,
				 "no 'host' statement (a scenario starts with host "
				 "cpus=N)");
	free(ps.names);
	if (r) {
		irqlab_scn_program_free(ps.prog);
		return r;
	}
	*out = ps.prog;
	return 0;
}

int irqlab_scn_parse(const char *file, const void *buf, size_t len, struct irqlab_scn_program **out,
		     struct irqlab_scn_error *err)
{
	return irqlab_scn_parse_with(file, buf, len, NULL, out, err);
}

int irqlab_scn_error_format(const struct irqlab_scn_error *err, char *buf, size_t size)
{
	return snprintf(buf, size, "%s:%u:%u: %s", err->file ? err->file : "<input>", err->line,
			err->col, err->msg);
}

const struct irqlab_scn_arg *irqlab_scn_arg(const struct irqlab_scn_stmt *stmt, const char *key)
{
	return arg_of(stmt, key);
}

const struct irqlab_scn_arg *irqlab_scn_pos(const struct irqlab_scn_stmt *stmt, unsigned int i)
{
	return i < stmt->npos ? &stmt->pos[i] : NULL;
}

static const struct irqlab_scn_value *typed(const struct irqlab_scn_stmt *stmt, const char *key,
					    enum irqlab_scn_type type)
{
	const struct irqlab_scn_arg *a = arg_of(stmt, key);

	return a && a->v.type == type ? &a->v : NULL;
}

uint64_t irqlab_scn_get_num(const struct irqlab_scn_stmt *stmt, const char *key, uint64_t dflt)
{
	const struct irqlab_scn_value *v = typed(stmt, key, IRQLAB_SCN_T_INT);

	return v ? v->num : dflt;
}

bool irqlab_scn_get_flag(const struct irqlab_scn_stmt *stmt, const char *key, bool dflt)
{
	const struct irqlab_scn_value *v = typed(stmt, key, IRQLAB_SCN_T_BOOL);

	return v ? v->flag : dflt;
}

int irqlab_scn_get_choice(const struct irqlab_scn_stmt *stmt, const char *key, int dflt)
{
	const struct irqlab_scn_value *v = typed(stmt, key, IRQLAB_SCN_T_ENUM);

	return v ? (int)v->choice : dflt;
}

const char *irqlab_scn_get_str(const struct irqlab_scn_stmt *stmt, const char *key,
			       const char *dflt)
{
	const struct irqlab_scn_arg *a = arg_of(stmt, key);

	if (a && (a->v.type == IRQLAB_SCN_T_NAME || a->v.type == IRQLAB_SCN_T_STRING))
		return a->v.str;
	return dflt;
}

const struct irqlab_scn_value *irqlab_scn_get_list(const struct irqlab_scn_stmt *stmt,
						   const char *key)
{
	return typed(stmt, key, IRQLAB_SCN_T_LIST);
}

uint64_t irqlab_scn_list_size(const struct irqlab_scn_value *v)
{
	uint64_t n = 0;

	if (!v || v->type != IRQLAB_SCN_T_LIST)
		return 0;
	for (size_t i = 0; i < v->list.n; i++)
		n += (uint64_t)v->list.ranges[i].hi - v->list.ranges[i].lo + 1;
	return n;
}

bool irqlab_scn_list_has(const struct irqlab_scn_value *v, uint32_t x)
{
	if (!v || v->type != IRQLAB_SCN_T_LIST)
		return false;
	for (size_t i = 0; i < v->list.n; i++)
		if (x >= v->list.ranges[i].lo && x <= v->list.ranges[i].hi)
			return true;
	return false;
}
