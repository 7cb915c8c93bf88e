// SPDX-License-Identifier: MIT
/*
 * The scenario runner. Statements run against one platform; a statement that fails records
 * its errno and the run goes on; a reference the model cannot resolve (an unknown device, an
 * index beyond a device) stops the run as a semantic error, with its position.
 *
 * Each statement is resolved (resolve.c), then run by the handler of its kind (handlers.c);
 * this file is the driver around them: outcomes, verdicts, the run's document and verdict.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/errname.h"
#include "irqlab/irqlab.h"
#include "scenario/run_internal.h"
#include "scenario/show.h"

/* Far beyond any version of ours: a size nobody set. */
#define OPTS_SIZE_MAX 4096u

void irqlab_run_opts_defaults(struct irqlab_run_opts *opts, size_t size)
{
	struct irqlab_run_opts def = {.size = size, .out = stdout, .err = stderr};

	if (!opts)
		return;
	memset(opts, 0, size);
	memcpy(opts, &def, size < sizeof(def) ? size : sizeof(def));
}

/*
 * The caller's options into @o: the bytes it knows, our defaults after them; bytes we do not
 * know must be zero. Says on stderr why not: the caller's streams cannot be trusted then.
 */
static int opts_in(const struct irqlab_run_opts *in, struct irqlab_run_opts *o)
{
	const unsigned char *extra;

	irqlab_run_opts_defaults(o, sizeof(*o));
	if (!in) {
		fprintf(stderr, "irqlab_run: no options; use irqlab_run_opts_init()\n");
		return -EINVAL;
	}
	extra = (const unsigned char *)in + sizeof(*o);
	if (in->size < sizeof(size_t) || in->size > OPTS_SIZE_MAX) {
		fprintf(stderr, "irqlab_run: options of %zu bytes; use irqlab_run_opts_init()\n",
			in->size);
		return -EINVAL;
	}
	for (size_t i = 0; in->size > sizeof(*o) && i < in->size - sizeof(*o); i++) {
		if (extra[i]) {
			fprintf(stderr, "irqlab_run: options of %zu bytes with newer fields set\n",
				in->size);
			return -E2BIG;
		}
	}
	memcpy(o, in, in->size < sizeof(*o) ? in->size : sizeof(*o));
	o->size = sizeof(*o);
	if ((unsigned)o->check > IRQLAB_RUN_CHECK_END) {
		fprintf(o->err ? o->err : stderr, "irqlab_run: no invariant check mode %u\n",
			(unsigned)o->check);
		return -EINVAL;
	}
	if (!o->out)
		o->out = stdout;
	if (!o->err)
		o->err = stderr;
	return 0;
}

int scn_stop(struct runner *r, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	r->error = true;
	r->err.line = line;
	r->err.col = col;
	r->err.code = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(r->err.msg, sizeof(r->err.msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A statement's outcome, for the expectations after it. */
static void record(struct runner *r, const struct irqlab_scn_stmt *st, int err)
{
	r->have_prev = true;
	r->prev_err = err;
	r->prev_line = st->line;
	r->prev_alloc = st->kind == IRQLAB_SCN_ALLOC;
	snprintf(r->prev_msg, sizeof(r->prev_msg), "%s", err ? irqlab_machine_error(r->p) : "");
	if (r->out.json) {
		irqlab_out_open_object(&r->out, NULL);
		irqlab_out_str(&r->out, "event", NULL, "statement");
		irqlab_out_uint(&r->out, "line", NULL, st->line);
		irqlab_out_str(&r->out, "statement", NULL, irqlab_scn_kind_name(st->kind));
		irqlab_out_str(&r->out, "outcome", NULL, err ? irqlab_errno_name(err) : "ok");
		if (err)
			irqlab_out_str(&r->out, "reason", NULL, r->prev_msg);
		if (!err && st->kind == IRQLAB_SCN_ALLOC)
			irqlab_out_uint(&r->out, "granted", NULL, r->prev_granted);
		irqlab_out_close_object(&r->out);
	} else if (r->opts->verbose) {
		fprintf(r->out.f, "%s:%u: %s: %s%s%s\n", r->file, st->line,
			irqlab_scn_kind_name(st->kind), err ? irqlab_errno_name(err) : "ok",
			err ? ": " : "", err ? r->prev_msg : "");
	}
}

static void print_verdict(FILE *f, const struct runner *r, const struct irqlab_scn_stmt *st,
			  bool held, const char *expected, const char *seen)
{
	fprintf(f, "%s:%u: %s: %s: expected %s, saw %s\n", r->file, st->line,
		irqlab_scn_kind_name(st->kind), held ? "ok" : "FAILED", expected, seen);
}

void scn_verdict(struct runner *r, const struct irqlab_scn_stmt *st, bool held,
		 const char *expected, const char *seen)
{
	if (held)
		r->passed++;
	else
		r->failed++;
	if (r->out.json) {
		irqlab_out_open_object(&r->out, NULL);
		irqlab_out_str(&r->out, "event", NULL, "expect");
		irqlab_out_uint(&r->out, "line", NULL, st->line);
		irqlab_out_str(&r->out, "statement", NULL, irqlab_scn_kind_name(st->kind));
		irqlab_out_bool(&r->out, "held", NULL, held);
		irqlab_out_str(&r->out, "expected", NULL, expected);
		irqlab_out_str(&r->out, "seen", NULL, seen);
		irqlab_out_close_object(&r->out);
	} else if ((!held && !r->opts->quiet) || r->opts->verbose) {
		print_verdict(r->out.f, r, st, held, expected, seen);
	}
	/* Quiet (irqlab show) still says why the run fails, away from what it prints. */
	if (!held && r->opts->quiet)
		print_verdict(r->opts->err, r, st, held, expected, seen);
}

/* Resolve, run the kind's handler, record its outcome. */
static void run_stmt(struct runner *r, const struct irqlab_scn_stmt *st)
{
	const struct scn_run *run = &scn_runs[st->kind];
	struct scn_ctx c;
	int err;

	if (!run->run) {
		scn_stop(r, st->line, st->col, "%s: not supported yet (no model for it)",
			 irqlab_scn_kind_name(st->kind));
		return;
	}
	if (scn_resolve(r->p, st, run->needs, &c, &r->err)) {
		r->error = true;
		return;
	}
	err = run->run(r, &c);
	if (run->outcome && !r->error)
		record(r, st, err);
	scn_ctx_release(&c);
}

/*
 * The invariant check opts->check asks for after a statement, or at the end (@last): the
 * full check costs the size of the machine, the incremental one what the statement touched.
 */
static int check_books(struct runner *r, bool last)
{
	switch (r->opts->check) {
	case IRQLAB_RUN_CHECK_FULL:
		return last ? 0 : irqlab_machine_check(r->p);
	case IRQLAB_RUN_CHECK_END:
		return last ? irqlab_machine_check(r->p) : 0;
	case IRQLAB_RUN_CHECK_CHANGED:
	default:
		return last ? irqlab_machine_check(r->p) : irqlab_machine_check_changed(r->p);
	}
}

static void broken(struct runner *r, const struct irqlab_scn_stmt *st)
{
	scn_stop(r, st->line, st->col, "internal error: the model's invariants broke: %s",
		 irqlab_machine_error(r->p));
	r->internal = true;
}

static const char *result_name(int result)
{
	return result == IRQLAB_RUN_PASS    ? "pass"
	       : result == IRQLAB_RUN_FAIL  ? "fail"
	       : result == IRQLAB_RUN_ERROR ? "error"
					    : "internal-error";
}

/* The statement `show @spec` in @buf, with "irq DEV N" written out as "irq DEV index=N". */
static void show_statement(const char *spec, char *buf, size_t size)
{
	size_t words[3], n = 0, at = 0;

	for (size_t i = 0; spec[i] && n < 3; i++)
		if (spec[i] != ' ' && (i == 0 || spec[i - 1] == ' '))
			words[n++] = i;
	if (n == 3 && strncmp(spec, "irq ", 4) == 0 && strspn(spec + words[2], "0123456789") &&
	    (spec[words[2] + strspn(spec + words[2], "0123456789")] == '\0'))
		at = words[2];
	if (at)
		snprintf(buf, size, "show %.*sindex=%s\n", (int)at, spec, spec + at);
	else
		snprintf(buf, size, "show %s\n", spec);
}

/*
 * After the run, irqlab show FILE TOPIC [ARGS]: @spec read as the show statement that
 * writes it, resolved against the final state, as the host kernel sees it.
 */
static int show_topic(struct runner *r, const char *spec)
{
	const struct irqlab_scn_parse_opts popts = {.no_host = true};
	size_t len = strcspn(spec, " ");
	const struct irqlab_show_topic *topic = irqlab_show_topic_find(spec, len);
	struct irqlab_scn_program *prog = NULL;
	struct irqlab_scn_error err = {0};
	size_t size = strlen(spec) + sizeof("show index=\n");
	char topics[128], *text;
	struct scn_ctx c;
	int ret = -EINVAL;

	if (!topic) {
		fprintf(r->opts->err, "irqlab show: unknown topic '%.*s' (%s)\n", (int)len, spec,
			irqlab_show_topic_names(topics, sizeof(topics)));
		return -EINVAL;
	}
	text = malloc(size);
	if (!text) {
		fprintf(r->opts->err, "irqlab show: out of memory\n");
		return -ENOMEM;
	}
	show_statement(spec, text, size);
	if (irqlab_scn_parse_with("irqlab show", text, strlen(text), &popts, &prog, &err) == 0 &&
	    (prog->nstmts != 1 || prog->stmts[0].kind != topic->kind))
		snprintf(err.msg, sizeof(err.msg), "one topic, as a show statement writes it");
	else if (prog &&
		 scn_resolve(r->p, &prog->stmts[0], scn_runs[topic->kind].needs, &c, &err) == 0)
		ret = 0;
	if (ret) {
		fprintf(r->opts->err, "irqlab show: %s: %s\n", spec, err.msg);
	} else {
		topic->print(&r->out, &c);
		scn_ctx_release(&c);
	}
	irqlab_scn_program_free(prog);
	free(text);
	return ret;
}

/*
 * One scenario, from its text to its verdict, reported as @opts say. @unread says why the
 * file has no text: it still gets its document, its error and its verdict line.
 */
static int run_text(const char *name, const void *buf, size_t len,
		    const struct irqlab_run_opts *opts, const char *unread)
{
	struct irqlab_scn_program *prog = NULL;
	struct runner r = {.file = name, .opts = opts};
	int result;

	irqlab_out_init(&r.out, opts->out, opts->json);
	irqlab_out_open_object(&r.out, NULL);
	irqlab_out_str(&r.out, "file", NULL, name);
	irqlab_out_uint(&r.out, "seed", NULL, opts->seed);
	irqlab_out_open_array(&r.out, "events");
	if (unread) {
		/* Line 0: the error is the file's, not one of its lines'. */
		r.error = true;
		snprintf(r.err.msg, sizeof(r.err.msg), "%s", unread);
	} else if (irqlab_scn_parse(name, buf, len, &prog, &r.err)) {
		r.error = true;
	}
	for (size_t i = 0; prog && i < prog->nstmts && !r.error; i++) {
		run_stmt(&r, &prog->stmts[i]);
		/* The model's books must balance after every statement: an oracle on every run. */
		if (!r.error && r.p && check_books(&r, false))
			broken(&r, &prog->stmts[i]);
		/* And all of them after the last one, whatever was checked on the way. */
		if (!r.error && r.p && i + 1 == prog->nstmts && check_books(&r, true))
			broken(&r, &prog->stmts[i]);
	}
	irqlab_out_close_array(&r.out);
	if (!r.error && !r.p)
		scn_stop(&r, 1, 1, "no host statement: a scenario starts with `host cpus=N`");
	result = r.internal ? IRQLAB_RUN_INTERNAL
		 : r.error  ? IRQLAB_RUN_ERROR
		 : r.failed ? IRQLAB_RUN_FAIL
			    : IRQLAB_RUN_PASS;
	if (r.p) {
		irqlab_out_open_object(&r.out, "counters");
		for (unsigned c = 0; c < IRQLAB_NR_CLASSES; c++) {
			uint64_t n = 0;

			irqlab_machine_count(r.p, (enum irqlab_class)c, &n);
			irqlab_out_uint(&r.out, irqlab_class_name((enum irqlab_class)c), NULL, n);
		}
		irqlab_out_close_object(&r.out);
	}
	irqlab_out_uint(&r.out, "expectations_passed", NULL, r.passed);
	irqlab_out_uint(&r.out, "expectations_failed", NULL, r.failed);
	if (r.error) {
		irqlab_out_open_object(&r.out, "error");
		irqlab_out_uint(&r.out, "line", NULL, r.err.line);
		irqlab_out_uint(&r.out, "col", NULL, r.err.col);
		irqlab_out_str(&r.out, "message", NULL, r.err.msg);
		irqlab_out_close_object(&r.out);
		if (r.err.line)
			fprintf(opts->err, "%s:%u:%u: %s\n", name, r.err.line, r.err.col,
				r.err.msg);
		else
			fprintf(opts->err, "%s: %s\n", name, r.err.msg);
	}
	if (opts->show && !r.error) {
		irqlab_out_open_object(&r.out, "show");
		if (show_topic(&r, opts->show))
			result = IRQLAB_RUN_ERROR;
		irqlab_out_close_object(&r.out);
	}
	irqlab_out_str(&r.out, "result", NULL, result_name(result));
	irqlab_out_close_object(&r.out);
	if (!opts->json && !opts->quiet) {
		if (result == IRQLAB_RUN_PASS)
			fprintf(opts->out, "PASS %s (%u expectations)\n", name, r.passed);
		else if (result == IRQLAB_RUN_FAIL)
			fprintf(opts->out, "FAIL %s (%u of %u expectations failed)\n", name,
				r.failed, r.passed + r.failed);
		else if (result == IRQLAB_RUN_ERROR)
			fprintf(opts->out, "ERROR %s\n", name);
		else
			fprintf(opts->out, "INTERNAL ERROR %s (please report it)\n", name);
	}
	irqlab_race_free(r.race);
	irqlab_machine_free(r.p);
	irqlab_scn_program_free(prog);
	return result;
}

int irqlab_run_buffer(const char *name, const void *buf, size_t len,
		      const struct irqlab_run_opts *caller)
{
	struct irqlab_run_opts o;

	if (opts_in(caller, &o))
		return IRQLAB_RUN_ERROR;
	return run_text(name, buf, len, &o, NULL);
}

/* The whole of @f into *@buf; 0, or why not in @why. */
static int read_all(FILE *f, char **buf, size_t *len, char *why, size_t size)
{
	size_t cap = 0;

	*buf = NULL;
	*len = 0;
	for (;;) {
		size_t got;

		if (*len == cap) {
			char *grown = realloc(*buf, cap ? cap * 2 : 65536);

			if (!grown) {
				snprintf(why, size, "out of memory");
				return -ENOMEM;
			}
			*buf = grown;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(*buf + *len, 1, cap - *len, f);
		*len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(why, size, "read error: %s", strerror(errno));
		return -EIO;
	}
	return 0;
}

/* The name "-" reads standard input, as most commands do; results call it STDIN_NAME. */
#define STDIN_NAME "<stdin>"

int irqlab_run_file(const char *path, const struct irqlab_run_opts *caller)
{
	struct irqlab_run_opts o;
	bool from_stdin = path && strcmp(path, "-") == 0;
	char *buf = NULL, why[IRQLAB_SCN_MSG_MAX];
	size_t len = 0;
	int result;
	FILE *f;

	if (opts_in(caller, &o))
		return IRQLAB_RUN_ERROR;
	if (from_stdin)
		path = STDIN_NAME;
	f = from_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		snprintf(why, sizeof(why), "cannot open: %s", strerror(errno));
		return run_text(path, NULL, 0, &o, why);
	}
	if (read_all(f, &buf, &len, why, sizeof(why)))
		result = run_text(path, NULL, 0, &o, why);
	else
		result = run_text(path, buf, len, &o, NULL);
	if (!from_stdin)
		fclose(f);
	free(buf);
	return result;
}
