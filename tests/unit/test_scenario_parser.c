// SPDX-License-Identifier: MIT
/*
 * The scenario parser: every statement with a passing and a failing example, every error class
 * with its exact position and message, the lexical corners (continuations, comments, strings,
 * NUL, long lines, huge numbers) and every allocation failing in turn.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scenario/scenario.h"
#include "scenario/scn_internal.h"

#define H "host cpus=4\n"

static char *xmalloc(size_t size)
{
	char *p = malloc(size);

	if (!p)
		abort();
	return p;
}

static struct irqlab_scn_program *parse_ok_len(const char *text, size_t len)
{
	struct irqlab_scn_program *prog = NULL;
	struct irqlab_scn_error err;
	int r = irqlab_scn_parse("t.irq", text, len, &prog, &err);

	if (r)
		print_error("unexpected error: %u:%u: %s\n", err.line, err.col, err.msg);
	assert_int_equal(r, 0);
	assert_non_null(prog);
	return prog;
}

static struct irqlab_scn_program *parse_ok(const char *text)
{
	return parse_ok_len(text, strlen(text));
}

static void parse_fails_len(const char *text, size_t len, unsigned int line, unsigned int col,
			    const char *msg)
{
	struct irqlab_scn_program *prog = (void *)1;
	struct irqlab_scn_error err;
	int r = irqlab_scn_parse("t.irq", text, len, &prog, &err);

	if (r == 0) {
		print_error("parsed, but expected %u:%u: %s\n", line, col, msg);
		irqlab_scn_program_free(prog);
		fail();
	}
	if (err.line != line || err.col != col || strcmp(err.msg, msg) != 0)
		print_error("got  %u:%u: %s\nwant %u:%u: %s\n", err.line, err.col, err.msg, line,
			    col, msg);
	assert_int_equal(r, -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_null(prog);
	assert_string_equal(err.file, "t.irq");
	assert_int_equal(err.line, line);
	assert_int_equal(err.col, col);
	assert_string_equal(err.msg, msg);
}

static void parse_fails(const char *text, unsigned int line, unsigned int col, const char *msg)
{
	parse_fails_len(text, strlen(text), line, col, msg);
}

/* The argument @key, checked for its position and whether it was written. */
static const struct irqlab_scn_arg *arg_at(const struct irqlab_scn_stmt *stmt, const char *key,
					   unsigned int line, unsigned int col, unsigned int vcol)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(stmt, key);

	if (!a)
		print_error("no argument '%s'\n", key);
	assert_non_null(a);
	assert_string_equal(a->key, key);
	assert_int_equal(a->line, line);
	assert_int_equal(a->col, col);
	assert_int_equal(a->vcol, vcol);
	assert_false(a->implicit);
	return a;
}

static const struct irqlab_scn_arg *implicit_arg(const struct irqlab_scn_stmt *stmt,
						 const char *key)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(stmt, key);

	assert_non_null(a);
	assert_true(a->implicit);
	assert_int_equal(a->line, stmt->line);
	assert_int_equal(a->col, stmt->col);
	return a;
}

static void pos_at(const struct irqlab_scn_stmt *stmt, unsigned int i, const char *name,
		   unsigned int line, unsigned int col)
{
	const struct irqlab_scn_arg *a = irqlab_scn_pos(stmt, i);

	assert_non_null(a);
	assert_int_equal(a->line, line);
	assert_int_equal(a->col, col);
	assert_int_equal(a->vcol, col);
	if (name) {
		assert_int_equal(a->v.type, IRQLAB_SCN_T_NAME);
		assert_string_equal(a->v.str, name);
	}
}

static void list_is(const struct irqlab_scn_arg *a, size_t n, const uint32_t *lohi)
{
	assert_int_equal(a->v.type, IRQLAB_SCN_T_LIST);
	assert_int_equal(a->v.list.n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a->v.list.ranges[i].lo, lohi[2 * i]);
		assert_int_equal(a->v.list.ranges[i].hi, lohi[2 * i + 1]);
	}
}

/* The only statement after host. */
static const struct irqlab_scn_stmt *second(const struct irqlab_scn_program *prog,
					    enum irqlab_scn_kind kind)
{
	assert_int_equal(prog->nstmts, 2);
	assert_int_equal(prog->stmts[1].kind, kind);
	assert_int_equal(prog->stmts[1].line, 2);
	assert_int_equal(prog->stmts[1].col, 1);
	return &prog->stmts[1];
}

/* Platform statements */

static void test_host(void **state)
{
	struct irqlab_scn_program *prog = parse_ok("host cpus=8 irtes=0x100 extdest=on\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[0];

	assert_int_equal(prog->nstmts, 1);
	assert_int_equal(s->kind, IRQLAB_SCN_HOST);
	assert_int_equal(s->npos, 0);
	assert_int_equal(s->nargs, 8);
	assert_int_equal(arg_at(s, "cpus", 1, 6, 11)->v.num, 8);
	assert_int_equal(arg_at(s, "irtes", 1, 13, 19)->v.num, 256);
	assert_true(arg_at(s, "extdest", 1, 25, 33)->v.flag);
	assert_true(implicit_arg(s, "ir")->v.flag);
	assert_int_equal(implicit_arg(s, "cfi")->v.choice, IRQLAB_SCN_CFI_BLOCK);
	assert_string_equal(irqlab_scn_arg(s, "cfi")->v.word, "block");
	assert_true(implicit_arg(s, "legacy")->v.flag);
	/* The host's IMS policy (an extension) defaults to the final design's. */
	assert_int_equal(implicit_arg(s, "ims")->v.choice, IRQLAB_SCN_IMS_IR);
	irqlab_scn_program_free(prog);

	prog = parse_ok("host cpus=4 ims=baremetal\n");
	assert_int_equal(irqlab_scn_get_choice(&prog->stmts[0], "ims", -1),
			 IRQLAB_SCN_IMS_BAREMETAL);
	irqlab_scn_program_free(prog);
	parse_fails("host cpus=4 ims=maybe\n", 1, 17,
		    "host: ims must be ir|baremetal|off (found 'maybe')");

	prog = parse_ok("host cpus=8192 ir=off extdest=on cfi=allow legacy=off irtes=2\n");
	s = &prog->stmts[0];
	assert_int_equal(irqlab_scn_get_num(s, "cpus", 0), 8192);
	assert_false(irqlab_scn_get_flag(s, "ir", true));
	assert_false(irqlab_scn_get_flag(s, "legacy", true));
	assert_int_equal(irqlab_scn_get_choice(s, "cfi", -1), IRQLAB_SCN_CFI_ALLOW);
	assert_int_equal(irqlab_scn_get_num(s, "irtes", 0), 2);
	irqlab_scn_program_free(prog);

	/* 255 CPUs fit an 8-bit destination (0xff broadcasts), 256 do not. */
	prog = parse_ok("host cpus=255 ir=off\n");
	irqlab_scn_program_free(prog);
	parse_fails("host cpus=256 ir=off\n", 1, 6,
		    "host: cpus=256 needs ir=on or extdest=on (an 8-bit destination reaches APIC "
		    "ids 0..254)");
	parse_fails("host cpus=0\n", 1, 11, "host: cpus 0 is out of range (1..8192)");
	parse_fails("host cpus=8193\n", 1, 11, "host: cpus 8193 is out of range (1..8192)");
	parse_fails("host ir=on\n", 1, 1, "host: missing required key 'cpus'");
	/* VT-d's tables: 2^(S+1) entries for IRTA.S 0..15, so 2..65536 and a power of two. */
	parse_fails("host cpus=4 irtes=96\n", 1, 19,
		    "host: irtes 96 is not a power of two (2..65536): a VT-d interrupt remapping "
		    "table has 2^(S+1) entries, IRTA.S 0..15");
	parse_fails("host cpus=4 irtes=131072\n", 1, 19,
		    "host: irtes 131072 is out of range (2..65536): a VT-d interrupt remapping "
		    "table has 2^(S+1) entries, IRTA.S 0..15");
	parse_fails("host cpus=4 irtes=1\n", 1, 19,
		    "host: irtes 1 is out of range (2..65536): a VT-d interrupt remapping table "
		    "has 2^(S+1) entries, IRTA.S 0..15");
	parse_fails("host cpus=4 irtes=0\n", 1, 19,
		    "host: irtes 0 is out of range (2..65536): a VT-d interrupt remapping table "
		    "has 2^(S+1) entries, IRTA.S 0..15");
	parse_fails("host cpus=4 cfi=deny\n", 1, 17,
		    "host: cfi must be block|allow (found 'deny')");
	parse_fails("host cpus=4 legacy=yes\n", 1, 20, "host: legacy must be on|off (found 'yes')");
	parse_fails("host 4\n", 1, 6, "host: unexpected word '4' (arguments are key=value)");
}

static void test_host_first_and_once(void **state)
{
	parse_fails("", 1, 1, "no 'host' statement (a scenario starts with host cpus=N)");
	parse_fails("# only a comment\n\n   \n", 1, 1,
		    "no 'host' statement (a scenario starts with host cpus=N)");
	parse_fails("# comment\n  free nic0\nhost cpus=1\n", 2, 3,
		    "free: the first statement must be 'host'");
	parse_fails("vm g1 cpus=1\n", 1, 1, "vm: the first statement must be 'host'");
	parse_fails(H "free nic0\n\nhost cpus=2\n", 4, 1,
		    "host: repeated (the host is set at line 1)");
}

static void test_vm(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "vm g1 cpus=2 parent=hcall signature=\"Microsoft Hv\" "
			   "dmi-vendor=\"say \\\"hi\\\" \\\\o/\" ims-cap=on detect=cpuid ims=off "
			   "cpuid-hv=off\n");
	const struct irqlab_scn_stmt *s = second(prog, IRQLAB_SCN_VM);

	pos_at(s, 0, "g1", 2, 4);
	assert_string_equal(s->pos[0].key, "NAME");
	assert_int_equal(arg_at(s, "cpus", 2, 7, 12)->v.num, 2);
	assert_int_equal(arg_at(s, "parent", 2, 14, 21)->v.choice, IRQLAB_SCN_PARENT_HCALL);
	assert_string_equal(arg_at(s, "signature", 2, 27, 37)->v.str, "Microsoft Hv");
	assert_string_equal(arg_at(s, "dmi-vendor", 2, 52, 63)->v.str, "say \"hi\" \\o/");
	assert_true(irqlab_scn_get_flag(s, "ims-cap", false));
	assert_int_equal(irqlab_scn_get_choice(s, "detect", -1), IRQLAB_SCN_DETECT_CPUID);
	assert_int_equal(irqlab_scn_get_choice(s, "ims", -1), IRQLAB_SCN_IMS_OFF);
	assert_false(irqlab_scn_get_flag(s, "cpuid-hv", true));
	assert_int_equal(s->nargs, 8);
	irqlab_scn_program_free(prog);

	/* Defaults as SCENARIO.md states them; a STR may be a bare name. */
	prog = parse_ok(H "vm g2 cpus=1\n");
	s = second(prog, IRQLAB_SCN_VM);
	assert_int_equal(implicit_arg(s, "parent")->v.choice, IRQLAB_SCN_PARENT_NONE);
	assert_true(implicit_arg(s, "cpuid-hv")->v.flag);
	assert_string_equal(implicit_arg(s, "signature")->v.str, "KVMKVMKVM");
	assert_string_equal(implicit_arg(s, "dmi-vendor")->v.str, "QEMU");
	assert_false(implicit_arg(s, "ims-cap")->v.flag);
	assert_int_equal(implicit_arg(s, "detect")->v.choice, IRQLAB_SCN_DETECT_PROBABLE);
	assert_int_equal(implicit_arg(s, "ims")->v.choice, IRQLAB_SCN_IMS_IR);
	irqlab_scn_program_free(prog);

	prog = parse_ok(H "vm g3 cpus=1 signature=\"\" dmi-vendor=Xen\n");
	s = second(prog, IRQLAB_SCN_VM);
	assert_string_equal(irqlab_scn_get_str(s, "signature", NULL), "");
	assert_string_equal(irqlab_scn_get_str(s, "dmi-vendor", NULL), "Xen");
	irqlab_scn_program_free(prog);

	parse_fails(H "vm g1\n", 2, 1, "vm: missing required key 'cpus'");
	parse_fails(H "vm cpus=2\n", 2, 4, "vm: missing NAME");
	parse_fails(H "vm 1g cpus=2\n", 2, 4,
		    "vm: NAME '1g' is not a name ([A-Za-z_][A-Za-z0-9_.:-]*)");
	parse_fails(H "vm g1 cpus=2 parent=kvm\n", 2, 21,
		    "vm: parent must be none|vir|hcall (found 'kvm')");
	parse_fails(H "vm g1 cpus=2 detect=always\n", 2, 21,
		    "vm: detect must be none|cpuid|probable (found 'always')");
	parse_fails(H "vm g1 cpus=2 ims=maybe\n", 2, 18,
		    "vm: ims must be ir|baremetal|off (found 'maybe')");
	parse_fails(H "vm g1 cpus=2 signature=a,b\n", 2, 24,
		    "vm: signature 'a,b' is neither a quoted string nor a name");
	parse_fails(H "vm host cpus=2\n", 2, 4, "vm: the name 'host' is reserved");
	parse_fails(H "vm g1 cpus=1\nvm g1 cpus=2\n", 3, 4,
		    "vm: name 'g1' already names the vm of line 2");
}

static void test_device(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "device nic0 in=g1 bdf=3a:1f.7 msix=2048\n"
			   "device d1 msi=32 maskable=off\n"
			   "device d2 ims=65536 store=queue\n"
			   "device d3 intx=D gsi=1023 trigger=edge polarity=high\n"
			   "device d4 msi=1\n"
			   "device d5 intx=A gsi=0\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];
	const struct irqlab_scn_arg *a;

	assert_int_equal(prog->nstmts, 7);
	assert_int_equal(s->kind, IRQLAB_SCN_DEVICE);
	pos_at(s, 0, "nic0", 2, 8);
	assert_string_equal(arg_at(s, "in", 2, 13, 16)->v.str, "g1");
	a = arg_at(s, "bdf", 2, 19, 23);
	assert_int_equal(a->v.type, IRQLAB_SCN_T_BDF);
	assert_int_equal(a->v.bdf.bus, 0x3a);
	assert_int_equal(a->v.bdf.dev, 0x1f);
	assert_int_equal(a->v.bdf.fn, 7);
	assert_int_equal(arg_at(s, "msix", 2, 31, 36)->v.num, 2048);
	assert_int_equal(s->nargs, 3);

	s = &prog->stmts[2];
	assert_int_equal(irqlab_scn_get_num(s, "msi", 0), 32);
	assert_false(irqlab_scn_get_flag(s, "maskable", true));
	assert_string_equal(implicit_arg(s, "in")->v.str, "host");
	assert_null(irqlab_scn_arg(s, "bdf"));

	s = &prog->stmts[3];
	assert_int_equal(irqlab_scn_get_num(s, "ims", 0), 65536);
	assert_int_equal(irqlab_scn_get_choice(s, "store", -1), IRQLAB_SCN_STORE_QUEUE);
	assert_null(irqlab_scn_arg(s, "maskable"));

	s = &prog->stmts[4];
	assert_int_equal(irqlab_scn_get_choice(s, "intx", -1), IRQLAB_SCN_PIN_D);
	assert_int_equal(irqlab_scn_get_num(s, "gsi", 0), 1023);
	assert_int_equal(irqlab_scn_get_choice(s, "trigger", -1), IRQLAB_SCN_TRIGGER_EDGE);
	assert_int_equal(irqlab_scn_get_choice(s, "polarity", -1), IRQLAB_SCN_POLARITY_HIGH);

	s = &prog->stmts[5]; /* maskable defaults to on, only for msi= */
	assert_true(implicit_arg(s, "maskable")->v.flag);
	s = &prog->stmts[6]; /* no trigger/polarity defaults: the contract states none */
	assert_null(irqlab_scn_arg(s, "trigger"));
	assert_null(irqlab_scn_arg(s, "polarity"));
	assert_int_equal(irqlab_scn_get_choice(s, "intx", -1), IRQLAB_SCN_PIN_A);
	irqlab_scn_program_free(prog);

	parse_fails(H "device d\n", 2, 1, "device: needs one of msi=, msix=, ims=, intx=");
	parse_fails(H "device d bdf=00:00.0\n", 2, 1,
		    "device: needs one of msi=, msix=, ims=, intx=");
	parse_fails(H "device d msi=4 msix=4\n", 2, 16,
		    "device: msi= and msix= exclude each other");
	parse_fails(H "device d store=queue\n", 2, 1,
		    "device: needs one of msi=, msix=, ims=, intx=");
	parse_fails(H "device d msix=8 store=queue\n", 2, 17, "device: store= needs ims=");
	parse_fails(H "device d ims=8 maskable=on\n", 2, 16, "device: maskable= needs msi=");
	parse_fails(H "device d msi=2 gsi=3\n", 2, 16, "device: gsi= needs intx=");
	parse_fails(H "device d ims=8\n", 2, 1, "device: missing required key 'store' (with ims=)");
	parse_fails(H "device d intx=B\n", 2, 1, "device: missing required key 'gsi' (with intx=)");
	parse_fails(H "device d ims=8 store=disk\n", 2, 22,
		    "device: store must be device|queue (found 'disk')");
	parse_fails(H "device d msi=3\n", 2, 14, "device: msi 3 is not a power of two (1..32)");
	parse_fails(H "device d msi=64\n", 2, 14, "device: msi 64 is out of range (1..32)");
	parse_fails(H "device d msix=2049\n", 2, 15, "device: msix 2049 is out of range (1..2048)");
	parse_fails(H "device d msix=0\n", 2, 15, "device: msix 0 is out of range (1..2048)");
	parse_fails(H "device d ims=65537 store=device\n", 2, 14,
		    "device: ims 65537 is out of range (1..65536)");
	parse_fails(H "device d intx=E gsi=1\n", 2, 15, "device: intx must be A|B|C|D (found 'E')");
	parse_fails(H "device d intx=a gsi=1\n", 2, 15, "device: intx must be A|B|C|D (found 'a')");
	parse_fails(H "device d intx=A gsi=1024\n", 2, 21,
		    "device: gsi 1024 is out of range (0..1023)");
	parse_fails(H "device d intx=A gsi=1 trigger=both\n", 2, 31,
		    "device: trigger must be level|edge (found 'both')");
	parse_fails(H "device d bdf=00:20.0 msix=1\n", 2, 14,
		    "device: bdf '00:20.0' is not BB:DD.F (hex bus 00..ff, device 00..1f, function "
		    "0..7)");
	parse_fails(H "device d bdf=00:1f.8 msix=1\n", 2, 14,
		    "device: bdf '00:1f.8' is not BB:DD.F (hex bus 00..ff, device 00..1f, function "
		    "0..7)");
	parse_fails(H "device d bdf=0:01.0 msix=1\n", 2, 14,
		    "device: bdf '0:01.0' is not BB:DD.F (hex bus 00..ff, device 00..1f, function "
		    "0..7)");
	parse_fails(H "device d bdf=0g:01.0 msix=1\n", 2, 14,
		    "device: bdf '0g:01.0' is not BB:DD.F (hex bus 00..ff, device 00..1f, function "
		    "0..7)");
	parse_fails(H "device d msix=1 in=\"g1\"\n", 2, 20,
		    "device: in '\"g1\"' is not a name ([A-Za-z_][A-Za-z0-9_.:-]*)");
	parse_fails(H "device host msix=1\n", 2, 8, "device: the name 'host' is reserved");
	parse_fails(H "device d msix=1\ndevice d msi=1\n", 3, 8,
		    "device: name 'd' already names the device of line 2");
	/* vm and device names share one namespace */
	parse_fails(H "vm x cpus=1\ndevice x msi=1\n", 3, 8,
		    "device: name 'x' already names the vm of line 2");
}

static void test_assign(void **state)
{
	struct irqlab_scn_program *prog = parse_ok(H "assign nic0 vm=g1 slots=0-3,7\n");
	const struct irqlab_scn_stmt *s = second(prog, IRQLAB_SCN_ASSIGN);
	static const uint32_t slots[] = {0, 3, 7, 7};

	pos_at(s, 0, "nic0", 2, 8);
	assert_string_equal(s->pos[0].key, "DEV");
	assert_string_equal(arg_at(s, "vm", 2, 13, 16)->v.str, "g1");
	list_is(arg_at(s, "slots", 2, 19, 25), 2, slots);
	irqlab_scn_program_free(prog);

	prog = parse_ok(H "assign nic0 vm=g1\n");
	assert_null(irqlab_scn_arg(second(prog, IRQLAB_SCN_ASSIGN), "slots"));
	irqlab_scn_program_free(prog);

	parse_fails(H "assign nic0 slots=1\n", 2, 1, "assign: missing required key 'vm'");
	parse_fails(H "assign nic0 vm=g1 slots=65536\n", 2, 25,
		    "assign: slots 65536 is out of range (0..65535)");
}

/* Lifecycle statements */

static void test_alloc(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "alloc nic0 count=4\nalloc nic0 count=1-8 managed=on\n"
			   "alloc nic0 count=0x10-0x10000\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];
	const struct irqlab_scn_arg *a;

	assert_int_equal(s->kind, IRQLAB_SCN_ALLOC);
	pos_at(s, 0, "nic0", 2, 7);
	a = arg_at(s, "count", 2, 12, 18);
	assert_int_equal(a->v.type, IRQLAB_SCN_T_COUNT);
	assert_int_equal(a->v.count.min, 4);
	assert_int_equal(a->v.count.max, 4);
	assert_false(implicit_arg(s, "managed")->v.flag);
	s = &prog->stmts[2];
	a = arg_at(s, "count", 3, 12, 18);
	assert_int_equal(a->v.count.min, 1);
	assert_int_equal(a->v.count.max, 8);
	assert_true(arg_at(s, "managed", 3, 22, 30)->v.flag);
	a = irqlab_scn_arg(&prog->stmts[3], "count");
	assert_int_equal(a->v.count.min, 16);
	assert_int_equal(a->v.count.max, 65536);
	irqlab_scn_program_free(prog);

	parse_fails(H "alloc nic0 cout=4\n", 2, 12,
		    "alloc: key 'cout' is not known (expected count, managed, in)");
	parse_fails(H "alloc nic0\n", 2, 1, "alloc: missing required key 'count'");
	parse_fails(H "alloc count=4\n", 2, 7, "alloc: missing DEV");
	parse_fails(H "alloc\n", 2, 6, "alloc: missing DEV");
	parse_fails(H "alloc nic0 count=8-2\n", 2, 18, "alloc: count 8-2: minimum above maximum");
	parse_fails(H "alloc nic0 count=0\n", 2, 18, "alloc: count 0 is out of range (1..65536)");
	parse_fails(H "alloc nic0 count=1-65537\n", 2, 20,
		    "alloc: count 65537 is out of range (1..65536)");
	parse_fails(H "alloc nic0 count=-4\n", 2, 18, "alloc: count: missing number");
	parse_fails(H "alloc nic0 count=4-\n", 2, 20, "alloc: count: missing number");
	parse_fails(H "alloc nic0 count=1-2-3\n", 2, 20, "alloc: count: '2-3' is not a number");
	parse_fails(H "alloc nic0 count=4 managed=1\n", 2, 28,
		    "alloc: managed must be on|off (found '1')");
}

static void test_request_release_mask_unmask(void **state)
{
	static const struct {
		const char *verb;
		enum irqlab_scn_kind kind;
	} verbs[] = {
		{"request", IRQLAB_SCN_REQUEST},
		{"release", IRQLAB_SCN_RELEASE},
		{"mask", IRQLAB_SCN_MASK},
		{"unmask", IRQLAB_SCN_UNMASK},
	};
	static const uint32_t idx[] = {1, 1, 4, 4, 6, 9};

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		char text[128], msg[128];
		unsigned int dev = (unsigned int)strlen(verbs[i].verb) + 2;
		struct irqlab_scn_program *prog;
		const struct irqlab_scn_stmt *s;

		snprintf(text, sizeof(text), H "%s nic0 index=1,4,6-9\n", verbs[i].verb);
		prog = parse_ok(text);
		s = second(prog, verbs[i].kind);
		pos_at(s, 0, "nic0", 2, dev);
		list_is(arg_at(s, "index", 2, dev + 5, dev + 11), 3, idx);
		assert_int_equal(irqlab_scn_list_size(irqlab_scn_get_list(s, "index")), 6);
		irqlab_scn_program_free(prog);

		snprintf(text, sizeof(text), H "%s nic0\n", verbs[i].verb);
		snprintf(msg, sizeof(msg), "%s: missing required key 'index'", verbs[i].verb);
		parse_fails(text, 2, 1, msg);
		snprintf(text, sizeof(text), H "%s nic0 index=5-3\n", verbs[i].verb);
		snprintf(msg, sizeof(msg), "%s: index: range 5-3 runs backwards", verbs[i].verb);
		parse_fails(text, 2, dev + 11, msg);
	}
}

static void test_free_dev(void **state)
{
	struct irqlab_scn_program *prog = parse_ok(H "free nic0\n");
	const struct irqlab_scn_stmt *s = second(prog, IRQLAB_SCN_FREE);

	pos_at(s, 0, "nic0", 2, 6);
	assert_int_equal(s->nargs, 0);
	irqlab_scn_program_free(prog);

	parse_fails(H "free nic0 index=1\n", 2, 11, "free: key 'index' is not known (expected in)");
	parse_fails(H "free nic0 nic1\n", 2, 11,
		    "free: unexpected word 'nic1' (arguments are key=value)");
	parse_fails(H "free\n", 2, 5, "free: missing DEV");
}

static void test_affinity(void **state)
{
	struct irqlab_scn_program *prog = parse_ok(H "affinity nic0 index=0-3 cpus=1,3\n");
	const struct irqlab_scn_stmt *s = second(prog, IRQLAB_SCN_AFFINITY);
	static const uint32_t idx[] = {0, 3}, cpus[] = {1, 1, 3, 3};

	pos_at(s, 0, "nic0", 2, 10);
	list_is(arg_at(s, "index", 2, 15, 21), 1, idx);
	list_is(arg_at(s, "cpus", 2, 25, 30), 2, cpus);
	irqlab_scn_program_free(prog);

	parse_fails(H "affinity nic0 index=0\n", 2, 1, "affinity: missing required key 'cpus'");
	parse_fails(H "affinity nic0 index=0 cpus=8192\n", 2, 28,
		    "affinity: cpus 8192 is out of range (0..8191)");
}

static void test_cpu(void **state)
{
	struct irqlab_scn_program *prog = parse_ok(H "cpu offline 3\ncpu online 0x1fff in=g1\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];
	const struct irqlab_scn_arg *a;

	assert_int_equal(s->kind, IRQLAB_SCN_CPU_OFFLINE);
	pos_at(s, 0, NULL, 2, 13);
	assert_int_equal(s->pos[0].v.num, 3);
	assert_string_equal(s->pos[0].key, "CPU");
	assert_null(irqlab_scn_arg(s, "in"));
	s = &prog->stmts[2];
	assert_int_equal(s->kind, IRQLAB_SCN_CPU_ONLINE);
	a = irqlab_scn_pos(s, 0);
	assert_int_equal(a->v.num, 8191);
	assert_int_equal(a->col, 12);
	assert_string_equal(arg_at(s, "in", 3, 19, 22)->v.str, "g1");
	irqlab_scn_program_free(prog);

	parse_fails(H "cpu offline\n", 2, 12, "cpu offline: missing CPU");
	parse_fails(H "cpu offline in=g1\n", 2, 13, "cpu offline: missing CPU");
	parse_fails(H "cpu offline 8192\n", 2, 13,
		    "cpu offline: CPU 8192 is out of range (0..8191)");
	parse_fails(H "cpu online x\n", 2, 12, "cpu online: CPU: 'x' is not a number");
	parse_fails(H "cpu\n", 2, 4, "cpu: missing what follows (expected offline, online)");
	parse_fails(H "cpu down 3\n", 2, 5, "cpu: unknown 'down' (expected offline, online)");
	parse_fails(H "cpu online 1 2\n", 2, 14,
		    "cpu online: unexpected word '2' (arguments are key=value)");
}

static void test_raise(void **state)
{
	struct irqlab_scn_program *prog = parse_ok(H "raise nic0 index=2\nraise nic0 index=0,1 "
						     "count=1000000\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];

	assert_int_equal(s->kind, IRQLAB_SCN_RAISE);
	assert_int_equal(implicit_arg(s, "count")->v.num, 1);
	assert_int_equal(arg_at(&prog->stmts[2], "count", 3, 22, 28)->v.num, 1000000u);
	irqlab_scn_program_free(prog);

	parse_fails(H "raise nic0 index=2 count=0\n", 2, 26,
		    "raise: count 0 is out of range (1..1000000)");
	/* One raise sends a bounded number of messages, so every run ends. */
	parse_fails(H "raise nic0 index=2 count=1000001\n", 2, 26,
		    "raise: count 1000001 is out of range (1..1000000)");
	parse_fails(H "raise nic0 count=2\n", 2, 1, "raise: missing required key 'index'");
}

static void test_store(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "store nic0 index=3 addr=0xfee00000 data=0x4021\n"
			   "store nic0 index=0 addr=0xffffffffffffffff data=0xffffffff\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];

	assert_int_equal(s->kind, IRQLAB_SCN_STORE);
	pos_at(s, 0, "nic0", 2, 7);
	assert_int_equal(arg_at(s, "index", 2, 12, 18)->v.num, 3);
	assert_int_equal(arg_at(s, "addr", 2, 20, 25)->v.num, 0xfee00000u);
	assert_int_equal(arg_at(s, "data", 2, 36, 41)->v.num, 0x4021);
	assert_true(irqlab_scn_get_num(&prog->stmts[2], "addr", 0) == UINT64_MAX);
	assert_int_equal(irqlab_scn_get_num(&prog->stmts[2], "data", 0), 0xffffffffu);
	irqlab_scn_program_free(prog);

	parse_fails(H "store nic0 index=1,2 addr=0 data=0\n", 2, 18,
		    "store: index: '1,2' is not a number");
	parse_fails(H "store nic0 index=1 addr=0\n", 2, 1, "store: missing required key 'data'");
	parse_fails(H "store nic0 index=1 addr=0 data=0x100000000\n", 2, 32,
		    "store: data 0x100000000 is out of range (0..0xffffffff)");
	parse_fails(H "store nic0 index=1 addr=0x10000000000000000 data=0\n", 2, 25,
		    "store: addr 0x10000000000000000 is out of range (0..0xffffffffffffffff)");
}

static void test_eoi(void **state)
{
	struct irqlab_scn_program *prog = parse_ok(H "eoi pin0\neoi pin0 index=0,2\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];
	static const uint32_t idx[] = {0, 0, 2, 2};

	assert_int_equal(s->kind, IRQLAB_SCN_EOI);
	pos_at(s, 0, "pin0", 2, 5);
	assert_int_equal(s->nargs, 0);
	list_is(arg_at(&prog->stmts[2], "index", 3, 10, 16), 2, idx);
	irqlab_scn_program_free(prog);

	parse_fails(H "eoi\n", 2, 4, "eoi: missing DEV");
	parse_fails(H "eoi pin0 vector=3\n", 2, 10,
		    "eoi: key 'vector' is not known (expected index, in)");
}

/* Expectations */

static void test_expect_outcome(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "expect ok\nexpect error=ENOSPC\nexpect granted=4\n"
			   "expect error=EOPNOTSUPP\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];
	const struct irqlab_scn_arg *a;

	assert_int_equal(prog->nstmts, 5);
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_OK);
	assert_int_equal(s->nargs, 0);
	s = &prog->stmts[2];
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_ERROR);
	a = arg_at(s, "error", 3, 8, 14);
	assert_int_equal(a->v.type, IRQLAB_SCN_T_ERRNO);
	assert_int_equal(a->v.err, ENOSPC);
	s = &prog->stmts[3];
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_GRANTED);
	assert_int_equal(arg_at(s, "granted", 4, 8, 16)->v.num, 4);
	assert_int_equal(irqlab_scn_arg(&prog->stmts[4], "error")->v.err, EOPNOTSUPP);
	irqlab_scn_program_free(prog);

	parse_fails(H "expect ok now\n", 2, 11,
		    "expect ok: unexpected word 'now' (arguments are key=value)");
	parse_fails(H "expect error=ENOFUN\n", 2, 14,
		    "expect error: error: 'ENOFUN' is not an errno name irqlab knows");
	parse_fails(H "expect error=28\n", 2, 14,
		    "expect error: error: '28' is not an errno name irqlab knows");
	parse_fails(H "expect error ENOSPC\n", 2, 8, "expect error: write error=VALUE");
	parse_fails(H "expect error=ENOSPC error=EBUSY\n", 2, 21,
		    "expect error: key 'error' repeated (first at 2:8)");
	parse_fails(H "expect granted=65537\n", 2, 16,
		    "expect granted: granted 65537 is out of range (0..65536)");
	parse_fails(H "expect\n", 2, 7,
		    "expect: missing what follows (expected ok, error=, granted=, delivered, "
		    "blocked, misdelivered, lost, spurious, message, vector, irtes, free-vectors, "
		    "hypercalls, bare-metal, race)");
	parse_fails(H "expect okay\n", 2, 8,
		    "expect: unknown 'okay' (expected ok, error=, granted=, delivered, blocked, "
		    "misdelivered, lost, spurious, message, vector, irtes, free-vectors, "
		    "hypercalls, bare-metal, race)");
}

static void test_expect_counters(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "expect delivered nic0 index=1 cpu=2 in=g1 count=3\n"
			   "expect delivered nic0 index=1 count=0\n"
			   "expect blocked reason=0x22 count=1\n"
			   "expect blocked count=2\n"
			   "expect misdelivered count=0\n"
			   "expect lost count=5\n"
			   "expect spurious count=6\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];

	assert_int_equal(prog->nstmts, 8);
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_DELIVERED);
	pos_at(s, 0, "nic0", 2, 18);
	assert_int_equal(arg_at(s, "index", 2, 23, 29)->v.num, 1);
	assert_int_equal(arg_at(s, "cpu", 2, 31, 35)->v.num, 2);
	assert_string_equal(arg_at(s, "in", 2, 37, 40)->v.str, "g1");
	assert_int_equal(arg_at(s, "count", 2, 43, 49)->v.num, 3);
	s = &prog->stmts[2];
	assert_null(irqlab_scn_arg(s, "cpu"));
	assert_null(irqlab_scn_arg(s, "in"));
	assert_int_equal(irqlab_scn_get_num(s, "count", 99), 0);
	s = &prog->stmts[3];
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_BLOCKED);
	assert_int_equal(arg_at(s, "reason", 4, 16, 23)->v.num, 0x22);
	assert_null(irqlab_scn_arg(&prog->stmts[4], "reason"));
	assert_int_equal(prog->stmts[5].kind, IRQLAB_SCN_EXPECT_MISDELIVERED);
	assert_int_equal(prog->stmts[6].kind, IRQLAB_SCN_EXPECT_LOST);
	assert_int_equal(irqlab_scn_get_num(&prog->stmts[6], "count", 0), 5);
	assert_int_equal(prog->stmts[7].kind, IRQLAB_SCN_EXPECT_SPURIOUS);
	assert_int_equal(arg_at(&prog->stmts[7], "count", 8, 17, 23)->v.num, 6);
	irqlab_scn_program_free(prog);

	parse_fails(H "expect delivered nic0 index=1\n", 2, 1,
		    "expect delivered: missing required key 'count'");
	parse_fails(H "expect delivered nic0 index=1-2 count=1\n", 2, 29,
		    "expect delivered: index: '1-2' is not a number");
	parse_fails(H "expect blocked reason=0x100 count=1\n", 2, 23,
		    "expect blocked: reason 0x100 is out of range (0..255)");
	parse_fails(H "expect misdelivered\n", 2, 1,
		    "expect misdelivered: missing required key 'count'");
	parse_fails(H "expect lost count=4294967296\n", 2, 19,
		    "expect lost: count 4294967296 is out of range (0..0xffffffff)");
	parse_fails(H "expect spurious count=1 cpu=0\n", 2, 25,
		    "expect spurious: key 'cpu' is not known (expected count)");
}

static void test_expect_state(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "expect message nic0 index=1 addr=0xfee01000 data=0x21\n"
			   "expect vector nic0 index=0 cpu=3 vector=0xef\n"
			   "expect irtes used=9\n"
			   "expect free-vectors cpu=0 in=g1 count=201\n"
			   "expect hypercalls g1 count=2\n"
			   "expect bare-metal g1 no\n"
			   "expect bare-metal g2 yes\n");
	const struct irqlab_scn_stmt *s = &prog->stmts[1];

	assert_int_equal(prog->nstmts, 8);
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_MESSAGE);
	pos_at(s, 0, "nic0", 2, 16);
	assert_int_equal(arg_at(s, "addr", 2, 29, 34)->v.num, 0xfee01000u);
	assert_int_equal(arg_at(s, "data", 2, 45, 50)->v.num, 0x21);
	s = &prog->stmts[2];
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_VECTOR);
	assert_int_equal(arg_at(s, "cpu", 3, 28, 32)->v.num, 3);
	assert_int_equal(arg_at(s, "vector", 3, 34, 41)->v.num, 0xef);
	s = &prog->stmts[3];
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_IRTES);
	assert_int_equal(arg_at(s, "used", 4, 14, 19)->v.num, 9);
	s = &prog->stmts[4];
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_FREE_VECTORS);
	assert_int_equal(irqlab_scn_get_num(s, "count", 0), 201);
	assert_string_equal(irqlab_scn_get_str(s, "in", NULL), "g1");
	s = &prog->stmts[5];
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_HYPERCALLS);
	pos_at(s, 0, "g1", 6, 19);
	assert_string_equal(s->pos[0].key, "VMNAME");
	assert_int_equal(irqlab_scn_get_num(s, "count", 0), 2);
	s = &prog->stmts[6];
	assert_int_equal(s->kind, IRQLAB_SCN_EXPECT_BARE_METAL);
	assert_int_equal(s->npos, 2);
	pos_at(s, 0, "g1", 7, 19);
	pos_at(s, 1, NULL, 7, 22);
	assert_int_equal(s->pos[1].v.type, IRQLAB_SCN_T_BOOL);
	assert_false(s->pos[1].v.flag);
	assert_string_equal(s->pos[1].v.word, "no");
	assert_true(prog->stmts[7].pos[1].v.flag);
	irqlab_scn_program_free(prog);

	parse_fails(H "expect message nic0 index=1 data=0\n", 2, 1,
		    "expect message: missing required key 'addr'");
	parse_fails(H "expect vector nic0 index=0 cpu=0 vector=256\n", 2, 41,
		    "expect vector: vector 256 is out of range (0..255)");
	parse_fails(H "expect vector nic0 index=0 vector=32\n", 2, 1,
		    "expect vector: missing required key 'cpu'");
	parse_fails(H "expect irtes count=1\n", 2, 14,
		    "expect irtes: key 'count' is not known (expected used)");
	parse_fails(H "expect free-vectors count=3\n", 2, 1,
		    "expect free-vectors: missing required key 'cpu'");
	parse_fails(H "expect free-vectors cpu=0 count=257\n", 2, 33,
		    "expect free-vectors: count 257 is out of range (0..256)");
	parse_fails(H "expect hypercalls count=1\n", 2, 19, "expect hypercalls: missing VMNAME");
	parse_fails(H "expect bare-metal g1\n", 2, 21, "expect bare-metal: missing answer");
	parse_fails(H "expect bare-metal g1 maybe\n", 2, 22,
		    "expect bare-metal: answer must be yes|no (found 'maybe')");
	parse_fails(H "expect bare-metal g1 yes no\n", 2, 26,
		    "expect bare-metal: unexpected word 'no' (arguments are key=value)");
}

/* Observation */

static void test_show(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "show domains\nshow vectors cpu=2 in=g1\nshow irq nic0 index=3\n"
			   "show irtes in=g1\nshow faults\nshow stats\nshow vectors\n");
	static const enum irqlab_scn_kind kinds[] = {
		IRQLAB_SCN_HOST,       IRQLAB_SCN_SHOW_DOMAINS, IRQLAB_SCN_SHOW_VECTORS,
		IRQLAB_SCN_SHOW_IRQ,   IRQLAB_SCN_SHOW_IRTES,	IRQLAB_SCN_SHOW_FAULTS,
		IRQLAB_SCN_SHOW_STATS, IRQLAB_SCN_SHOW_VECTORS,
	};

	assert_int_equal(prog->nstmts, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(prog->stmts[i].kind, kinds[i]);
		assert_int_equal(prog->stmts[i].line, i + 1);
	}
	assert_int_equal(arg_at(&prog->stmts[2], "cpu", 3, 14, 18)->v.num, 2);
	assert_string_equal(arg_at(&prog->stmts[2], "in", 3, 20, 23)->v.str, "g1");
	pos_at(&prog->stmts[3], 0, "nic0", 4, 10);
	assert_int_equal(arg_at(&prog->stmts[3], "index", 4, 15, 21)->v.num, 3);
	assert_string_equal(irqlab_scn_get_str(&prog->stmts[4], "in", NULL), "g1");
	assert_int_equal(prog->stmts[7].nargs, 0);
	irqlab_scn_program_free(prog);

	/* /proc/interrupts, all online CPUs or those of cpus=. */
	prog = parse_ok(H "show interrupts\nshow interrupts cpus=0-1,3\n");
	assert_int_equal(prog->stmts[1].kind, IRQLAB_SCN_SHOW_INTERRUPTS);
	assert_int_equal(prog->stmts[1].nargs, 0);
	assert_int_equal(irqlab_scn_list_size(irqlab_scn_get_list(&prog->stmts[2], "cpus")), 3);
	irqlab_scn_program_free(prog);

	parse_fails(H "show\n", 2, 5,
		    "show: missing what follows (expected domains, vectors, irq, irtes, faults, "
		    "stats, interrupts, isolation)");
	parse_fails(H "show everything\n", 2, 6,
		    "show: unknown 'everything' (expected domains, vectors, irq, irtes, faults, "
		    "stats, interrupts, isolation)");
	parse_fails(H "show interrupts cpu=1\n", 2, 17,
		    "show interrupts: key 'cpu' is not known (expected cpus, in)");
	parse_fails(H "show irq nic0\n", 2, 1, "show irq: missing required key 'index'");
	parse_fails(H "show domains cpu=1\n", 2, 14,
		    "show domains: key 'cpu' is not known (expected in)");
	parse_fails(H "show stats in=\n", 2, 15, "show stats: in= needs a value");
	parse_fails(H "show vectors cpu=8192\n", 2, 18,
		    "show vectors: cpu 8192 is out of range (0..8191)");
	parse_fails(H "show irtes nic0\n", 2, 12,
		    "show irtes: unexpected word 'nic0' (arguments are key=value)");
	parse_fails(H "show faults in=1g\n", 2, 16,
		    "show faults: in '1g' is not a name ([A-Za-z_][A-Za-z0-9_.:-]*)");
}

/* Lexical rules */

static void test_unknown_statement(void **state)
{
	parse_fails(H "allocate nic0 count=1\n", 2, 1, "unknown statement 'allocate'");
	parse_fails(H "  cpus=4\n", 2, 3, "unknown statement 'cpus=4'");
	parse_fails("Host cpus=4\n", 1, 1, "unknown statement 'Host'");
}

static void test_comments_and_blanks(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok("# a scenario\n\n\t \nhost cpus=4 # trailing comment\n"
			 "   # indented comment\n"
			 "alloc nic0 count=2#glued comment \"not a string\n"
			 "vm g1 cpus=1 signature=\"a # not a comment\"\n"
			 "\tfree\tnic0\t\n");
	const struct irqlab_scn_stmt *s;

	assert_int_equal(prog->nstmts, 4);
	assert_int_equal(prog->stmts[0].line, 4);
	s = &prog->stmts[1];
	assert_int_equal(s->line, 6);
	assert_int_equal(irqlab_scn_arg(s, "count")->v.count.max, 2);
	assert_string_equal(irqlab_scn_get_str(&prog->stmts[2], "signature", NULL),
			    "a # not a comment");
	s = &prog->stmts[3];
	assert_int_equal(s->line, 8);
	assert_int_equal(s->col, 2); /* a tab is one column */
	pos_at(s, 0, "nic0", 8, 7);
	irqlab_scn_program_free(prog);

	/* A comment ends the statement, whatever follows on the line. */
	parse_fails("host # cpus=4\n", 1, 1, "host: missing required key 'cpus'");
}

static void test_continuation(void **state)
{
	struct irqlab_scn_program *prog = parse_ok("host \\\n  cpus=4\\\n\tir=off\n"
						   "alloc nic0 \\\n"
						   "  \\\n"
						   "    count=4 \\\n"
						   "    managed=on\n"
						   "free nic0 \\");
	const struct irqlab_scn_stmt *s = &prog->stmts[0];

	assert_int_equal(prog->nstmts, 3);
	assert_int_equal(s->line, 1);
	assert_int_equal(arg_at(s, "cpus", 2, 3, 8)->v.num, 4);
	assert_false(arg_at(s, "ir", 3, 2, 5)->v.flag);
	s = &prog->stmts[1];
	assert_int_equal(s->line, 4);
	pos_at(s, 0, "nic0", 4, 7);
	arg_at(s, "count", 6, 5, 11);
	arg_at(s, "managed", 7, 5, 13);
	assert_int_equal(prog->stmts[2].line, 8);
	irqlab_scn_program_free(prog);

	/* CRLF line ends, continuation included */
	prog = parse_ok("host cpus=2\r\nalloc nic0 \\\r\n count=3\r\n\r\n");
	assert_int_equal(prog->nstmts, 2);
	arg_at(&prog->stmts[1], "count", 3, 2, 8);
	irqlab_scn_program_free(prog);

	/* Errors on a continued line point at the real line and column. */
	parse_fails(H "alloc nic0 \\\n  count=4 \\\n   cout=3\n", 4, 4,
		    "alloc: key 'cout' is not known (expected count, managed, in)");
	parse_fails(H "alloc nic0 \\\n\\\n", 2, 1, "alloc: missing required key 'count'");
	parse_fails(H "alloc nic0 \\  \n count=1\n", 2, 12,
		    "'\\' continues a line only as its last byte (blanks follow)");
	parse_fails(H "alloc nic0 count=1 \\ # comment\n", 2, 20,
		    "alloc: unexpected word '\\' (arguments are key=value)");
	/* A backslash ending a comment is comment text. */
	prog = parse_ok("host cpus=1 # comment \\\nfree nic0\n");
	assert_int_equal(prog->nstmts, 2);
	irqlab_scn_program_free(prog);
}

static void test_deep_continuation(void **state)
{
	const unsigned int n = 100000;
	size_t len = 0, size = 64 + 3 * (size_t)n;
	char *text = xmalloc(size);
	struct irqlab_scn_program *prog;

	len += (size_t)snprintf(text, size, "host \\\n");
	for (unsigned int i = 0; i < n; i++) {
		memcpy(text + len, " \\\n", 3);
		len += 3;
	}
	len += (size_t)snprintf(text + len, size - len, "cpus=7\n");
	prog = parse_ok_len(text, len);
	assert_int_equal(prog->nstmts, 1);
	arg_at(&prog->stmts[0], "cpus", n + 2, 1, 6);
	irqlab_scn_program_free(prog);
	free(text);
}

/* Lines with more words than any statement takes: memory stays flat, errors stay exact. */
static void test_many_words(void **state)
{
	const unsigned int n = 200000;
	size_t size = 64 + 5 * (size_t)n, len;
	char *text = xmalloc(size);

	len = (size_t)snprintf(text, size, H "free d \\\n");
	for (unsigned int i = 0; i < n; i++) {
		memcpy(text + len, " x \\\n", 5);
		len += 5;
	}
	parse_fails_len(text, len, 3, 2, "free: unexpected word 'x' (arguments are key=value)");

	/* Every byte is still checked beyond the words kept. */
	len = (size_t)snprintf(text, size, H "free d");
	for (unsigned int i = 0; i < 100; i++)
		len += (size_t)snprintf(text + len, size - len, " k%u=1", i);
	text[len++] = '\0';
	parse_fails_len(text, len, 2, (unsigned int)len - 12, "NUL byte in the input");
	text[len - 1] = '\n';
	parse_fails_len(text, len, 2, 8, "free: key 'k0' is not known (expected in)");
	free(text);
}

static void test_strings(void **state)
{
	struct irqlab_scn_program *prog = parse_ok(
		H "vm g1 cpus=1 signature=\"\\\\\\\"\" dmi-vendor=\"tab\there \xc3\xa9\xff\"\n");
	const struct irqlab_scn_stmt *s = second(prog, IRQLAB_SCN_VM);

	assert_string_equal(irqlab_scn_get_str(s, "signature", NULL), "\\\"");
	assert_string_equal(irqlab_scn_get_str(s, "dmi-vendor", NULL), "tab\there \xc3\xa9\xff");
	arg_at(s, "dmi-vendor", 2, 31, 42);
	irqlab_scn_program_free(prog);

	parse_fails(H "vm g1 cpus=1 signature=\"KVM\n", 2, 24, "unterminated string");
	parse_fails(H "vm g1 cpus=1 signature=\"KVM", 2, 24, "unterminated string");
	parse_fails(H "vm g1 cpus=1 signature=\"KVM\\\"\n", 2, 24, "unterminated string");
	parse_fails(H "vm g1 cpus=1 signature=\"KVM\\\n\"\n", 2, 24, "unterminated string");
	parse_fails(H "vm g1 cpus=1 signature=\"a\\nb\"\n", 2, 26,
		    "unknown escape '\\n' in a string (only \\\" and \\\\)");
	parse_fails(H "vm g1 cpus=1 signature=\"a\"b\n", 2, 27,
		    "vm: signature: text after the closing quote");
	parse_fails(H "vm g1 cpus=1 signature=\"a\x01\"\n", 2, 26,
		    "control character 0x01 in a string");
	parse_fails(H "vm \"g 1\" cpus=1\n", 2, 4,
		    "vm: NAME '\"g 1\"' is not a name ([A-Za-z_][A-Za-z0-9_.:-]*)");
	parse_fails(H "vm g1 cpus=1 signature=\n", 2, 24, "vm: signature= needs a value");
}

static void test_nul_and_bytes(void **state)
{
	static const char in_word[] = "host cpus=4\nalloc ni\0c0 count=1\n";
	static const char in_comment[] = "host cpus=4 # x\0y\n";
	static const char in_string[] = "host cpus=4\nvm g cpus=1 signature=\"a\0\"\n";
	static const char at_start[] = "\0host cpus=4\n";

	parse_fails_len(in_word, sizeof(in_word) - 1, 2, 9, "NUL byte in the input");
	parse_fails_len(in_comment, sizeof(in_comment) - 1, 1, 16, "NUL byte in the input");
	parse_fails_len(in_string, sizeof(in_string) - 1, 2, 25, "NUL byte in the input");
	parse_fails_len(at_start, sizeof(at_start) - 1, 1, 1, "NUL byte in the input");
	/* The length, not a terminator, ends the input. */
	struct irqlab_scn_program *prog = parse_ok_len("host cpus=4\nfree x\n", 12);

	assert_int_equal(prog->nstmts, 1);
	irqlab_scn_program_free(prog);

	parse_fails(H "free nic\xc3\xa9\n", 2, 9,
		    "byte 0xc3 outside a string or comment (non-ASCII)");
	parse_fails(H "free \xff\xfe\n", 2, 6, "byte 0xff outside a string or comment (non-ASCII)");
	parse_fails(H "free nic0\rx\n", 2, 10,
		    "control character 0x0d outside a string or comment");
	parse_fails(H "free\vnic0\n", 2, 5, "control character 0x0b outside a string or comment");
	parse_fails(H "free nic0\x7f\n", 2, 10,
		    "control character 0x7f outside a string or comment");
	prog = parse_ok(H "# caf\xc3\xa9 \xff\xfe\x01 comments take any byte but NUL\n");
	irqlab_scn_program_free(prog);
}

static void test_long_lines(void **state)
{
	const size_t limit = IRQLAB_SCN_MAX_LINE;
	char *text = xmalloc(limit + 64);
	struct irqlab_scn_program *prog;
	size_t len;

	/* Exactly the limit: a statement, then a comment filling the line. */
	len = (size_t)sprintf(text, "host cpus=4 #");
	memset(text + len, 'x', limit - len);
	len = limit;
	text[len++] = '\n';
	len += (size_t)sprintf(text + len, "free nic0\n");
	prog = parse_ok_len(text, len);
	assert_int_equal(prog->nstmts, 2);
	irqlab_scn_program_free(prog);

	/* One byte more. */
	len = (size_t)sprintf(text, "host cpus=4 #");
	memset(text + len, 'x', limit + 1 - len);
	len = limit + 1;
	text[len++] = '\n';
	parse_fails_len(text, len, 1, IRQLAB_SCN_MAX_LINE + 1,
			"line too long (more than 65536 bytes)");

	/* A long list on one line is fine up to the limit. */
	size_t n = 0;

	len = (size_t)sprintf(text, H "request nic0 index=");
	while (len + 7 < limit) {
		len += (size_t)sprintf(text + len, "%zu,", n);
		n++;
	}
	text[len - 1] = '\n';
	prog = parse_ok_len(text, len);
	assert_int_equal(irqlab_scn_get_list(&prog->stmts[1], "index")->list.n, n);
	assert_true(n > 10000);
	irqlab_scn_program_free(prog);

	/* Its items named once each: one repeated among 30000 is found, where it is. */
	n = 0;
	len = (size_t)sprintf(text, H "request nic0 index=0-65535,");
	while (len + 2 < limit) {
		memcpy(text + len, "1,", 2);
		len += 2;
		n++;
	}
	text[len - 1] = '\n';
	assert_true(n > 30000);
	parse_fails_len(text, len, 2, 28,
			"request: index: 1 is repeated (first as '0-65535' at column 20)");
	free(text);
}

static void test_numbers(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "expect lost count=0X1f\nexpect lost count=007\n"
			   "store d index=0 addr=18446744073709551615 data=0xFFFFffff\n");

	assert_int_equal(irqlab_scn_get_num(&prog->stmts[1], "count", 0), 31);
	assert_int_equal(irqlab_scn_get_num(&prog->stmts[2], "count", 0), 7);
	assert_true(irqlab_scn_get_num(&prog->stmts[3], "addr", 0) == UINT64_MAX);
	irqlab_scn_program_free(prog);

	parse_fails(H "expect lost count=0x\n", 2, 19, "expect lost: count: '0x' is not a number");
	parse_fails(H "expect lost count=12a\n", 2, 19,
		    "expect lost: count: '12a' is not a number");
	parse_fails(H "expect lost count=0x1g\n", 2, 19,
		    "expect lost: count: '0x1g' is not a number");
	parse_fails(H "expect lost count=+1\n", 2, 19, "expect lost: count: '+1' is not a number");
	parse_fails(H "expect lost count=-1\n", 2, 19, "expect lost: count: '-1' is not a number");
	parse_fails(H "store d index=0 addr=18446744073709551616 data=0\n", 2, 22,
		    "store: addr 18446744073709551616 is out of range (0..0xffffffffffffffff)");
	parse_fails(H "expect lost count=999999999999999999999999999999999999999999\n", 2, 19,
		    "expect lost: count 99999999999999999999999999999999... is out of range "
		    "(0..0xffffffff)");
	parse_fails(H "expect lost count=0x99999999999999999999999999999999\n", 2, 19,
		    "expect lost: count 0x999999999999999999999999999999... is out of range "
		    "(0..0xffffffff)");
	parse_fails(H "expect lost count=99999999999999999999x\n", 2, 19,
		    "expect lost: count: '99999999999999999999x' is not a number");
}

static void test_lists(void **state)
{
	struct irqlab_scn_program *prog =
		parse_ok(H "request d index=7\nrequest d index=3-3,0x10-0x12,1,2\n"
			   "request d index=0-65535\n");
	static const uint32_t one[] = {7, 7}, mixed[] = {3, 3, 16, 18, 1, 1, 2, 2};
	static const uint32_t all[] = {0, 65535};
	const struct irqlab_scn_value *v;

	list_is(irqlab_scn_arg(&prog->stmts[1], "index"), 1, one);
	list_is(irqlab_scn_arg(&prog->stmts[2], "index"), 4, mixed);
	list_is(irqlab_scn_arg(&prog->stmts[3], "index"), 1, all);
	v = irqlab_scn_get_list(&prog->stmts[2], "index");
	assert_int_equal(irqlab_scn_list_size(v), 6);
	assert_true(irqlab_scn_list_has(v, 17));
	assert_true(irqlab_scn_list_has(v, 3));
	assert_false(irqlab_scn_list_has(v, 0));
	assert_false(irqlab_scn_list_has(v, 19));
	assert_int_equal(irqlab_scn_list_size(irqlab_scn_get_list(&prog->stmts[3], "index")),
			 65536);
	irqlab_scn_program_free(prog);

	parse_fails(H "request d index=5-3\n", 2, 17, "request: index: range 5-3 runs backwards");
	parse_fails(H "request d index=1,9-3\n", 2, 19, "request: index: range 9-3 runs backwards");
	parse_fails(H "request d index=1,,2\n", 2, 19, "request: index: empty element in list");
	parse_fails(H "request d index=,1\n", 2, 17, "request: index: empty element in list");
	parse_fails(H "request d index=1,\n", 2, 19, "request: index: empty element in list");
	parse_fails(H "request d index=1-\n", 2, 19, "request: index: missing number");
	parse_fails(H "request d index=-3\n", 2, 17, "request: index: missing number");
	parse_fails(H "request d index=1-2-3\n", 2, 19, "request: index: '2-3' is not a number");
	parse_fails(H "request d index=1,x\n", 2, 19, "request: index: 'x' is not a number");
	parse_fails(H "request d index=0-65536\n", 2, 19,
		    "request: index 65536 is out of range (0..65535)");
	parse_fails(H "request d index=\"1\"\n", 2, 17, "request: index: '\"1\"' is not a number");

	/* Each value once: an item again, in another spelling, or inside a range. */
	parse_fails(H "request d index=1,1\n", 2, 19,
		    "request: index: 1 is repeated (first as '1' at column 17)");
	parse_fails(H "request d index=0x1,1\n", 2, 21,
		    "request: index: 1 is repeated (first as '0x1' at column 17)");
	parse_fails(H "request d index=0-3,2\n", 2, 21,
		    "request: index: 2 is repeated (first as '0-3' at column 17)");
	parse_fails(H "request d index=5,3-6\n", 2, 19,
		    "request: index: 5 is repeated (first as '5' at column 17)");
	parse_fails(H "request d index=1-4,4-6\n", 2, 21,
		    "request: index: 4 is repeated (first as '1-4' at column 17)");
	parse_fails(H "affinity d index=0 cpus=2,0-3\n", 2, 27,
		    "affinity: cpus: 2 is repeated (first as '2' at column 25)");
	parse_fails(H "assign d vm=v slots=9,9\n", 2, 23,
		    "assign: slots: 9 is repeated (first as '9' at column 21)");
	prog = parse_ok(H "request d index=0-3,4,5-8\naffinity d index=0 cpus=8191,0-8190\n");
	irqlab_scn_program_free(prog);
}

static void test_repeated_and_unknown_keys(void **state)
{
	parse_fails(H "alloc nic0 count=4 managed=on count=5\n", 2, 31,
		    "alloc: key 'count' repeated (first at 2:12)");
	parse_fails(H "alloc nic0 count=4 \\\n managed=on managed=off\n", 3, 13,
		    "alloc: key 'managed' repeated (first at 3:2)");
	parse_fails(H "alloc nic0 =4\n", 2, 12, "alloc: missing key before '='");
	parse_fails(H "alloc nic0 Count=4\n", 2, 12,
		    "alloc: key 'Count' is not known (expected count, managed, in)");
	parse_fails(H "alloc nic0 count==4\n", 2, 18, "alloc: count: '=4' is not a number");
	parse_fails(H "vm g1 cpus=1 colour=red\n", 2, 14,
		    "vm: key 'colour' is not known (expected cpus, parent, cpuid-hv, signature, "
		    "dmi-vendor, ims-cap, detect, ims, pin)");
	/* Quoted user text is cut and escaped so the message stays one line. */
	parse_fails(H "frobnicate_the_interrupt_controller_now please\n", 2, 1,
		    "unknown statement 'frobnicate_the_interrupt_control...'");
	parse_fails(H "alloc nic0 a\"\x01\"=1\n", 2, 14, "control character 0x01 in a string");
	parse_fails(H "alloc nic0 a\"\xc3\xa9\"=1\n", 2, 12,
		    "alloc: key 'a\"\\xc3\\xa9\"' is not known (expected count, managed, in)");
}

static void test_many_names(void **state)
{
	const unsigned int n = 20000;
	size_t size = 32 + (size_t)n * 40, len;
	char *text = xmalloc(size);
	struct irqlab_scn_program *prog;
	struct irqlab_scn_error err;

	len = (size_t)snprintf(text, size, "host cpus=1\n");
	for (unsigned int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, size - len,
					i % 2 ? "device d%u msix=1\n" : "vm d%u cpus=1\n", i);
	prog = parse_ok_len(text, len);
	assert_int_equal(prog->nstmts, n + 1);
	irqlab_scn_program_free(prog);

	len += (size_t)snprintf(text + len, size - len, "device d%u msi=1\n", n / 2);
	assert_int_equal(irqlab_scn_parse("t.irq", text, len, &prog, &err), -EINVAL);
	assert_int_equal(err.line, n + 2);
	assert_int_equal(err.col, 8);
	assert_string_equal(err.msg, "device: name 'd10000' already names the vm of line 10002");
	free(text);
}

/* The API around the parse */

static void test_error_format(void **state)
{
	struct irqlab_scn_program *prog;
	struct irqlab_scn_error err;
	char buf[512];

	assert_int_equal(irqlab_scn_parse("dir/x.irq", H "alloc nic0 cout=4\n", 31, &prog, &err),
			 -EINVAL);
	irqlab_scn_error_format(&err, buf, sizeof(buf));
	assert_string_equal(
		buf,
		"dir/x.irq:2:12: alloc: key 'cout' is not known (expected count, managed, in)");
	assert_int_equal(irqlab_scn_parse(NULL, "", 0, &prog, &err), -EINVAL);
	irqlab_scn_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "<input>:1:1: no 'host' statement (a scenario starts with host "
				 "cpus=N)");
	assert_int_equal(irqlab_scn_parse("x", NULL, 4, &prog, &err), -EINVAL);
	assert_null(prog);
}

static void test_getters(void **state)
{
	struct irqlab_scn_program *prog = parse_ok(H "device nic0 msix=4 bdf=00:01.0\n");
	const struct irqlab_scn_stmt *s = second(prog, IRQLAB_SCN_DEVICE);

	assert_null(irqlab_scn_arg(s, "nope"));
	assert_null(irqlab_scn_pos(s, 1));
	assert_int_equal(irqlab_scn_get_num(s, "nope", 42), 42);
	assert_int_equal(irqlab_scn_get_num(s, "bdf", 42), 42); /* wrong type: the default */
	assert_true(irqlab_scn_get_flag(s, "msix", true));
	assert_int_equal(irqlab_scn_get_choice(s, "msix", -7), -7);
	assert_string_equal(irqlab_scn_get_str(s, "msix", "dflt"), "dflt");
	assert_null(irqlab_scn_get_list(s, "msix"));
	assert_int_equal(irqlab_scn_list_size(NULL), 0);
	assert_false(irqlab_scn_list_has(&irqlab_scn_arg(s, "msix")->v, 4));
	assert_string_equal(irqlab_scn_kind_name(IRQLAB_SCN_EXPECT_FREE_VECTORS),
			    "expect free-vectors");
	assert_null(irqlab_scn_kind_name(IRQLAB_SCN_NR_KINDS));
	irqlab_scn_program_free(prog);
	irqlab_scn_program_free(NULL);
}

/* Every row is complete: its name is "verb sub", grouped keys have a leader, defaults parse. */
static void test_schema(void **state)
{
	for (unsigned int k = 0; k < IRQLAB_SCN_NR_KINDS; k++) {
		const struct scn_spec *s = &scn_specs[k];
		char name[64];

		assert_non_null(s->name);
		assert_non_null(s->verb);
		snprintf(name, sizeof(name), "%s%s%s", s->verb, s->sub ? " " : "",
			 s->sub ? s->sub : "");
		assert_string_equal(s->name, name);
		for (unsigned int i = 0; i < SCN_MAX_KEYS && s->keys[i].name; i++) {
			const struct scn_param *p = &s->keys[i];
			bool leader = false;

			for (unsigned int j = 0; p->group && j < SCN_MAX_KEYS && s->keys[j].name;
			     j++)
				leader |= s->keys[j].group == p->group &&
					  (s->keys[j].flags & SCN_LEADER);
			assert_true(!p->group || leader);
			assert_true(!(p->flags & SCN_LEADER) || (s->flags & SCN_ONE_GROUP));
			assert_true(!(p->flags & SCN_REQ) || !p->def);
			for (unsigned int j = 0; j < i; j++)
				assert_string_not_equal(p->name, s->keys[j].name);
		}
	}
	/* Rows with a default for each kind of device, parsed above; here every other row. */
	struct irqlab_scn_program *prog = parse_ok(
		H
		"vm g cpus=1\nalloc d count=1\nraise d index=0\ndevice m msi=1\ndevice n msix=1\n");

	assert_int_equal(prog->nstmts, 6);
	irqlab_scn_program_free(prog);
}

/* Every allocation fails in turn: the parse reports ENOMEM and leaks nothing (LSan checks). */
static void test_alloc_failures(void **state)
{
	static const char text[] =
		"host cpus=4\nvm g1 cpus=2 signature=\"Microsoft Hv\"\n"
		"device nic0 msix=8 bdf=00:01.0\ndevice q ims=64 store=queue in=g1\n"
		"alloc nic0 count=1-8\nrequest nic0 index=0,2-5\nexpect ok\nexpect error=ENOSPC\n"
		"affinity nic0 index=0 cpus=1-3\nraise nic0 index=1\nshow irq nic0 index=0\n"
		"expect bare-metal g1 no\n";
	struct irqlab_scn_parse_opts opts = {0};
	unsigned long n;

	for (n = 1;; n++) {
		struct irqlab_scn_program *prog = (void *)1;
		struct irqlab_scn_error err;
		int r;

		opts.fail_alloc_at = n;
		r = irqlab_scn_parse_with("t.irq", text, sizeof(text) - 1, &opts, &prog, &err);
		if (r == 0) {
			assert_int_equal(prog->nstmts, 12);
			irqlab_scn_program_free(prog);
			break;
		}
		assert_int_equal(r, -ENOMEM);
		assert_int_equal(err.code, -ENOMEM);
		assert_string_equal(err.msg, "out of memory");
		assert_true(err.line >= 1 && err.line <= 12);
		assert_null(prog);
	}
	assert_true(n > 30); /* the loop really went through the allocations */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_host_first_and_once),
		cmocka_unit_test(test_vm),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_assign),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_request_release_mask_unmask),
		cmocka_unit_test(test_free_dev),
		cmocka_unit_test(test_affinity),
		cmocka_unit_test(test_cpu),
		cmocka_unit_test(test_raise),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_eoi),
		cmocka_unit_test(test_expect_outcome),
		cmocka_unit_test(test_expect_counters),
		cmocka_unit_test(test_expect_state),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_unknown_statement),
		cmocka_unit_test(test_comments_and_blanks),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_deep_continuation),
		cmocka_unit_test(test_many_words),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_nul_and_bytes),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_repeated_and_unknown_keys),
		cmocka_unit_test(test_many_names),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
