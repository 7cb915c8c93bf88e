// SPDX-License-Identifier: MIT
/*
 * The runner's tables against the schema: every statement kind has a handler, every name a
 * handler asks the resolver for is a word its schema row has, every show statement has its
 * topic; and the resolver itself, on a small machine: what it fills in and where it points
 * when a word does not fit.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "platform/platform.h"
#include "scenario/resolve.h"
#include "scenario/run_internal.h"
#include "scenario/scn_internal.h"
#include "scenario/show.h"

static bool row_has_key(const struct scn_spec *s, const char *name)
{
	for (unsigned int i = 0; i < SCN_MAX_KEYS && s->keys[i].name; i++)
		if (strcmp(s->keys[i].name, name) == 0)
			return true;
	return false;
}

static bool row_has_pos(const struct scn_spec *s, const char *name)
{
	return s->pos[0].name && strcmp(s->pos[0].name, name) == 0;
}

static void test_every_kind_has_a_handler(void **state)
{
	for (unsigned int k = 0; k < IRQLAB_SCN_NR_KINDS; k++) {
		const struct scn_spec *s = &scn_specs[k];
		const struct scn_run *run = &scn_runs[k];

		assert_non_null(run->run);
		if (run->needs & SCN_NEED_DEV)
			assert_true(row_has_pos(s, "DEV"));
		if (run->needs & SCN_NEED_INDEX)
			assert_true(row_has_key(s, "index"));
		if (run->needs & SCN_NEED_CPU)
			assert_true(row_has_key(s, "cpu") || row_has_pos(s, "CPU"));
		if (run->needs & SCN_NEED_CPUS)
			assert_true(row_has_key(s, "cpus"));
		/* A CPU list or an index the row takes is checked, but eoi's (unused so far). */
		if (row_has_key(s, "cpus") && k != IRQLAB_SCN_HOST && k != IRQLAB_SCN_VM)
			assert_true(run->needs & SCN_NEED_CPUS);
		if (row_has_key(s, "index") && k != IRQLAB_SCN_EOI)
			assert_true(run->needs & SCN_NEED_INDEX);
	}
}

static void test_every_show_has_a_topic(void **state)
{
	for (unsigned int k = 0; k < IRQLAB_SCN_NR_KINDS; k++) {
		const struct irqlab_show_topic *t = irqlab_show_topic_of(k);
		char name[64];

		if (strcmp(scn_specs[k].verb, "show") != 0) {
			assert_null(t);
			continue;
		}
		assert_non_null(t);
		snprintf(name, sizeof(name), "show %s", t->name);
		assert_string_equal(irqlab_scn_kind_name(k), name);
		assert_non_null(t->help);
		assert_non_null(t->print);
		/* A topic about one entry says the command must name it; every topic is offered. */
		assert_int_equal(strstr(t->args, "index=I") != NULL,
				 !!(scn_runs[k].needs & SCN_NEED_INDEX));
		assert_ptr_equal(irqlab_show_topic_find(t->name, strlen(t->name)), t);
	}
}

static void test_topic_names(void **state)
{
	char buf[128];

	assert_string_equal(irqlab_show_topic_names(buf, sizeof(buf)),
			    "domains, vectors, irq, irtes, faults, stats, interrupts, isolation");
	assert_non_null(irqlab_show_topic_find("irq", 3));
	assert_null(irqlab_show_topic_find("irq", 2));
	assert_null(irqlab_show_topic_find("bogus", 5));

	/* The public list (irqlab/scenario.h) is the same one, with its arguments and help. */
	assert_string_equal(irqlab_show_topic_name(0), "domains");
	assert_string_equal(irqlab_show_topic_name(2), "irq"); /* a topic of the command too */
	assert_string_equal(irqlab_show_topic_args(2), "DEV index=I");
	assert_string_equal(irqlab_show_topic_args(0), "");
	assert_string_equal(irqlab_show_topic_help(5), irqlab_show_topic_find("stats", 5)->help);
	assert_string_equal(irqlab_show_topic_args(6), "[cpus=LIST]");
	assert_string_equal(irqlab_show_topic_name(7), "isolation");
	assert_null(irqlab_show_topic_name(8));
	assert_null(irqlab_show_topic_args(8));
	assert_null(irqlab_show_topic_help(8));
}

/* The runner's options cross the ABI with their size: one nobody set is refused. */
static void test_run_opts(void **state)
{
	static const char ok[] = "host cpus=1\nexpect lost count=0\n";
	struct irqlab_run_opts opts, bad;
	FILE *sink = fopen("/dev/null", "w");
	unsigned char big[sizeof(opts) + 8];

	assert_non_null(sink);
	irqlab_run_opts_init(&opts);
	assert_int_equal(opts.size, sizeof(opts));
	assert_ptr_equal(opts.out, stdout);
	assert_ptr_equal(opts.err, stderr);
	assert_null(opts.show);
	assert_int_equal(opts.check, IRQLAB_RUN_CHECK_CHANGED);
	opts.out = sink;
	opts.err = sink;
	assert_int_equal(irqlab_run_buffer("ok", ok, sizeof(ok) - 1, &opts), IRQLAB_RUN_PASS);

	assert_int_equal(irqlab_run_buffer("ok", ok, sizeof(ok) - 1, NULL), IRQLAB_RUN_ERROR);
	assert_int_equal(irqlab_run_file("ok", NULL), IRQLAB_RUN_ERROR);
	/* Every check mode runs it; one there is not is refused. */
	for (int c = IRQLAB_RUN_CHECK_CHANGED; c <= IRQLAB_RUN_CHECK_END; c++) {
		bad = opts;
		bad.check = (enum irqlab_run_check)c;
		assert_int_equal(irqlab_run_buffer("ok", ok, sizeof(ok) - 1, &bad),
				 IRQLAB_RUN_PASS);
	}
	bad = opts;
	bad.check = (enum irqlab_run_check)3;
	assert_int_equal(irqlab_run_buffer("ok", ok, sizeof(ok) - 1, &bad), IRQLAB_RUN_ERROR);
	bad = opts;
	bad.size = 0;
	assert_int_equal(irqlab_run_buffer("ok", ok, sizeof(ok) - 1, &bad), IRQLAB_RUN_ERROR);
	assert_int_equal(irqlab_run_file("ok", &bad), IRQLAB_RUN_ERROR);
	/* A newer caller: accepted while its extra bytes are zero. */
	memset(big, 0, sizeof(big));
	memcpy(big, &opts, sizeof(opts));
	((struct irqlab_run_opts *)(void *)big)->size = sizeof(big);
	assert_int_equal(irqlab_run_buffer("ok", ok, sizeof(ok) - 1, (void *)big), IRQLAB_RUN_PASS);
	big[sizeof(big) - 1] = 1;
	assert_int_equal(irqlab_run_buffer("ok", ok, sizeof(ok) - 1, (void *)big),
			 IRQLAB_RUN_ERROR);
	fclose(sink);
}

static const char program[] = "host cpus=4\n"
			      "device nic0 msix=8\n"
			      "affinity nic0 index=1,3-4 cpus=2-3\n" /* 3 */
			      "expect delivered nic0 index=7 count=0\n"
			      "cpu offline 3\n" /* 5 */
			      "show vectors\n"
			      "request nic9 index=0\n" /* 7 */
			      "request nic0 index=0,8\n"
			      "expect vector nic0 index=0 cpu=4 vector=0x20\n" /* 9 */
			      "affinity nic0 index=0 cpus=1,4-5\n"
			      "show domains in=g\n"; /* 11 */

static void test_resolver(void **state)
{
	struct irqlab_platform_config cfg = {.ncpus = 4, .ir = true, .irtes = 64, .legacy = true};
	struct irqlab_device_config dcfg = {
		.name = "nic0", .kind = IRQLAB_DEV_MSIX, .nr = 8, .rid = 8};
	struct irqlab_scn_program *prog = NULL;
	struct irqlab_machine *p = NULL;
	struct irqlab_scn_error err;
	struct irqlab_device *dev;
	struct scn_ctx c;
	char why[256];

	assert_int_equal(irqlab_scn_parse("t.irq", program, sizeof(program) - 1, &prog, &err), 0);
	assert_int_equal(irqlab_platform_new(&cfg, &p, why, sizeof(why)), 0);
	assert_int_equal(irqlab_platform_add_device(p->host, &dcfg, &dev), 0);
	const struct irqlab_scn_stmt *st = prog->stmts;

	/* What the handler gets. */
	assert_int_equal(scn_resolve(p, &st[2], scn_runs[st[2].kind].needs, &c, &err), 0);
	assert_ptr_equal(c.k, p->host);
	assert_ptr_equal(c.dev, dev);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.idx[0], 1);
	assert_int_equal(c.idx[2], 4);
	assert_false(irqlab_cpumask_test(&c.cpus, 1));
	assert_true(irqlab_cpumask_test(&c.cpus, 2) && irqlab_cpumask_test(&c.cpus, 3));
	scn_ctx_release(&c);
	assert_null(c.idx);
	assert_int_equal(scn_resolve(p, &st[3], scn_runs[st[3].kind].needs, &c, &err), 0);
	assert_int_equal(c.index, 7);
	assert_int_equal(c.cpu, IRQLAB_MAX_CPUS); /* not written: every CPU */
	assert_int_equal(scn_resolve(p, &st[4], scn_runs[st[4].kind].needs, &c, &err), 0);
	assert_int_equal(c.cpu, 3);
	assert_int_equal(scn_resolve(p, &st[5], scn_runs[st[5].kind].needs, &c, &err), 0);
	assert_int_equal(c.cpu, IRQLAB_MAX_CPUS);
	assert_int_equal(scn_resolve(p, NULL, 0, &c, &err), 0); /* after the run */
	assert_ptr_equal(c.k, p->host);

	/* Where it points when a word does not fit. */
	static const struct {
		unsigned int stmt, col;
		const char *msg;
	} bad[] = {
		{6, 9, "request: no device named nic9"},
		{7, 22, "request: index 8 is beyond the 8 entries of nic0"},
		{8, 32, "expect vector: CPU 4: the host has CPUs 0-3"},
		{9, 30, "affinity: CPU 5: the host has CPUs 0-3"},
		{10, 17, "show domains: in=g: no VM named g"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct irqlab_scn_stmt *b = &st[bad[i].stmt];

		assert_int_equal(scn_resolve(p, b, scn_runs[b->kind].needs, &c, &err), -EINVAL);
		assert_int_equal(err.line, b->line);
		assert_int_equal(err.col, bad[i].col);
		assert_string_equal(err.msg, bad[i].msg);
		assert_null(c.idx);
	}
	irqlab_platform_free(p);
	irqlab_scn_program_free(prog);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_has_a_handler),
		cmocka_unit_test(test_every_show_has_a_topic),
		cmocka_unit_test(test_run_opts),
		cmocka_unit_test(test_topic_names),
		cmocka_unit_test(test_resolver),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
