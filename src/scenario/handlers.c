// SPDX-License-Identifier: MIT
/*
 * What every statement of the scenario language does: one handler per kind and the table
 * that pairs each with its schema row (schema.c) by the same enum. The resolver has found
 * the objects a handler acts on before it runs; a handler is a thin call into the model.
 * Adding a statement is a schema row, a handler here and its row in scn_runs[].
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/errname.h"
#include "irqlab/irqlab.h"
#include "irqlab/pci_rid.h"
#include "scenario/run_internal.h"
#include "scenario/show.h"

/* Platform */

static void trace_line(void *ctx, const char *line)
{
	struct runner *r = ctx;

	if (r->out.json) {
		irqlab_out_open_object(&r->out, NULL);
		irqlab_out_str(&r->out, "event", NULL, "message");
		irqlab_out_str(&r->out, "path", NULL, line);
		irqlab_out_close_object(&r->out);
	} else {
		fprintf(r->out.f, "%s\n", line);
	}
}

/* The words of host's and vm's ims= and detect=, as the API numbers them. */
static const enum irqlab_machine_ims scn_ims[] = {
	[IRQLAB_SCN_IMS_IR] = IRQLAB_MACHINE_IMS_IR,
	[IRQLAB_SCN_IMS_BAREMETAL] = IRQLAB_MACHINE_IMS_BAREMETAL,
	[IRQLAB_SCN_IMS_OFF] = IRQLAB_MACHINE_IMS_OFF,
};
static const enum irqlab_vm_detect scn_detect[] = {
	[IRQLAB_SCN_DETECT_NONE] = IRQLAB_VM_DETECT_NONE,
	[IRQLAB_SCN_DETECT_CPUID] = IRQLAB_VM_DETECT_CPUID,
	[IRQLAB_SCN_DETECT_PROBABLE] = IRQLAB_VM_DETECT_PROBABLE,
};

static int run_host(struct runner *r, const struct scn_ctx *c)
{
	const struct irqlab_scn_stmt *st = c->st;
	const struct irqlab_scn_arg *vendor;
	struct irqlab_machine_config cfg;
	char why[IRQLAB_SCN_MSG_MAX];

	irqlab_machine_config_init(&cfg);
	cfg.ncpus = (unsigned)scn_value(st, "cpus")->num;
	cfg.ir = scn_value(st, "ir")->flag;
	cfg.irtes = (unsigned)scn_value(st, "irtes")->num;
	cfg.cfi = scn_value(st, "cfi")->choice == IRQLAB_SCN_CFI_ALLOW;
	cfg.legacy = scn_value(st, "legacy")->flag;
	cfg.extdest = scn_value(st, "extdest")->flag;
	cfg.ims = scn_ims[scn_value(st, "ims")->choice];
	cfg.detect = scn_detect[scn_value(st, "detect")->choice];
	vendor = irqlab_scn_arg(st, "dmi-vendor");
	cfg.dmi_vendor = vendor && !vendor->implicit ? vendor->v.str : NULL;
	if (irqlab_machine_new(&cfg, &r->p, why, sizeof(why)))
		return scn_stop(r, st->line, st->col, "%s", why);
	return irqlab_machine_set_trace(r->p, r->opts->verbose ? trace_line : NULL, r);
}

static int run_vm(struct runner *r, const struct scn_ctx *c)
{
	static const enum irqlab_vm_parent parents[] = {
		[IRQLAB_SCN_PARENT_NONE] = IRQLAB_VM_PARENT_NONE,
		[IRQLAB_SCN_PARENT_VIR] = IRQLAB_VM_PARENT_VIR,
		[IRQLAB_SCN_PARENT_HCALL] = IRQLAB_VM_PARENT_HCALL,
	};
	const struct irqlab_scn_stmt *st = c->st;
	const struct irqlab_scn_arg *pin = irqlab_scn_arg(st, "pin");
	unsigned pins[256], n = 0;
	struct irqlab_vm_config cfg;
	struct irqlab_kernel *k;

	irqlab_vm_config_init(&cfg);
	cfg.name = irqlab_scn_pos(st, 0)->v.str;
	cfg.ncpus = (unsigned)scn_value(st, "cpus")->num;
	cfg.parent = parents[scn_value(st, "parent")->choice];
	cfg.cpuid_hv = scn_value(st, "cpuid-hv")->flag;
	cfg.dmi_vendor = scn_value(st, "dmi-vendor")->str;
	cfg.signature = scn_value(st, "signature")->str;
	cfg.detect = scn_detect[scn_value(st, "detect")->choice];
	cfg.ims = scn_ims[scn_value(st, "ims")->choice];
	if (pin && !pin->implicit) {
		/* The parser checked one CPU per vCPU, and a VM has at most 255 of them. */
		for (size_t i = 0; i < pin->v.list.n; i++)
			for (uint32_t x = pin->v.list.ranges[i].lo;
			     x <= pin->v.list.ranges[i].hi && n < 256; x++)
				pins[n++] = x;
		cfg.pin = pins;
	}
	cfg.ims_cap = scn_value(st, "ims-cap")->flag;
	if (irqlab_machine_add_vm(c->p, &cfg, &k)) {
		const struct irqlab_scn_arg *a = pin && !pin->implicit ? pin : NULL;

		return scn_stop(r, a ? a->line : st->line, a ? a->vcol : st->col, "%s",
				irqlab_machine_error(c->p));
	}
	return 0;
}

/*
 * The first free 00:01.0, 00:02.0, ... ff:1f.0 (function 0 of every device number but the
 * host bridge's 00:00.0) for a device written without bdf=; -ENOSPC when all are taken. The
 * runner folds each new device in once, so a scenario of n devices costs O(n), not O(n^2).
 */
static int default_rid(struct runner *r, uint16_t *out)
{
	enum { DEFAULT_RIDS = 256 * 32 };
	const struct irqlab_machine *p = r->p;

	/* Function 0 of device n (bus n / 32) is requester id n << 3. */
	for (; r->rid_devices < irqlab_machine_nr_devices(p); r->rid_devices++) {
		uint16_t rid = irqlab_device_rid(irqlab_machine_device(p, r->rid_devices));

		if (!(rid & 7))
			r->rid_taken[(rid >> 3) / 64] |= UINT64_C(1) << ((rid >> 3) % 64);
	}
	if (!r->rid_hint)
		r->rid_hint = 1;
	for (; r->rid_hint < DEFAULT_RIDS; r->rid_hint++) {
		unsigned n = r->rid_hint;
		struct irqlab_pci_bdf f = {.bus = (uint8_t)(n / 32), .dev = n % 32};

		if (!(r->rid_taken[n / 64] & (UINT64_C(1) << (n % 64))))
			return irqlab_pci_rid_encode(&f, out);
	}
	return -ENOSPC;
}

static int run_device(struct runner *r, const struct scn_ctx *c)
{
	const struct irqlab_scn_stmt *st = c->st;
	const struct irqlab_scn_arg *bdf = irqlab_scn_arg(st, "bdf");
	struct irqlab_device_spec cfg;
	struct irqlab_device *dev;
	int err;

	irqlab_device_spec_init(&cfg);
	cfg.name = irqlab_scn_pos(st, 0)->v.str;
	if (irqlab_scn_arg(st, "intx")) {
		cfg.kind = IRQLAB_DEVICE_INTX;
		cfg.nr = 1;
		cfg.intx_pin = scn_value(st, "intx")->choice;
		cfg.gsi = (unsigned)scn_value(st, "gsi")->num;
		/*
		 * The language gives trigger= and polarity= no default: the model takes PCI's
		 * convention, INTx level-triggered and active low.
		 */
		cfg.level = irqlab_scn_get_choice(st, "trigger", IRQLAB_SCN_TRIGGER_LEVEL) ==
			    IRQLAB_SCN_TRIGGER_LEVEL;
		cfg.active_low = irqlab_scn_get_choice(st, "polarity", IRQLAB_SCN_POLARITY_LOW) ==
				 IRQLAB_SCN_POLARITY_LOW;
	} else if (irqlab_scn_arg(st, "msi")) {
		cfg.kind = IRQLAB_DEVICE_MSI;
		cfg.nr = (unsigned)scn_value(st, "msi")->num;
		cfg.maskable = scn_value(st, "maskable")->flag;
	} else if (irqlab_scn_arg(st, "msix")) {
		cfg.kind = IRQLAB_DEVICE_MSIX;
		cfg.nr = (unsigned)scn_value(st, "msix")->num;
	} else {
		cfg.kind = IRQLAB_DEVICE_IMS;
		cfg.nr = (unsigned)scn_value(st, "ims")->num;
		cfg.queue_store = scn_value(st, "store")->choice == IRQLAB_SCN_STORE_QUEUE;
	}
	if (bdf && !bdf->implicit)
		irqlab_pci_rid_encode(&(struct irqlab_pci_bdf){.bus = bdf->v.bdf.bus,
							       .dev = bdf->v.bdf.dev,
							       .fn = bdf->v.bdf.fn},
				      &cfg.rid);
	else if (default_rid(r, &cfg.rid))
		return scn_stop(r, st->line, st->col,
				"device %s: no requester id is free for a device without bdf= "
				"(00:01.0 to ff:1f.0 are all taken)",
				cfg.name);
	err = irqlab_device_add(c->k, &cfg, &dev);
	if (err == -EEXIST && bdf && !bdf->implicit)
		return scn_stop(r, bdf->line, bdf->vcol, "%s", irqlab_machine_error(c->p));
	if (err)
		return scn_stop(r, st->line, st->col, "%s", irqlab_machine_error(c->p));
	return 0;
}

/*
 * assign DEV vm=V [slots=LIST]: a semantic error for a VM that does not exist; the model's
 * refusals (a device or slot already given, an INTx pin, ...) stop the run as the device
 * statement's do, pointing at the word they are about.
 */
static int run_assign(struct runner *r, const struct scn_ctx *c)
{
	const struct irqlab_scn_arg *vm = irqlab_scn_arg(c->st, "vm");
	const struct irqlab_scn_arg *slots = irqlab_scn_arg(c->st, "slots");
	struct irqlab_device *dev = irqlab_device_physical(c->dev);
	struct irqlab_kernel *k = irqlab_machine_find_kernel(c->p, vm->v.str);
	unsigned *idx = NULL, n = 0;
	int err;

	if (!k || !irqlab_kernel_is_guest(k))
		return scn_stop(r, vm->line, vm->vcol, "assign: vm=%s: no VM named %s", vm->v.str,
				vm->v.str);
	if (slots && !slots->implicit) {
		uint64_t total = 0;

		for (size_t i = 0; i < slots->v.list.n; i++)
			total += slots->v.list.ranges[i].hi - slots->v.list.ranges[i].lo + 1;
		idx = malloc((size_t)total * sizeof(*idx));
		if (!idx)
			return scn_stop(r, slots->line, slots->vcol, "assign: out of memory");
		for (size_t i = 0; i < slots->v.list.n; i++)
			for (uint64_t x = slots->v.list.ranges[i].lo;
			     x <= slots->v.list.ranges[i].hi; x++)
				idx[n++] = (unsigned)x;
	}
	err = irqlab_assign(k, dev, idx, n, NULL);
	free(idx);
	if (err)
		return scn_stop(
			r,
			slots && !slots->implicit && err != -EOPNOTSUPP ? slots->line : c->st->line,
			slots && !slots->implicit && err != -EOPNOTSUPP ? slots->vcol : c->st->col,
			"%s", irqlab_machine_error(c->p));
	return 0;
}

/* Lifecycle: each returns the statement's outcome. */

static int run_alloc(struct runner *r, const struct scn_ctx *c)
{
	const struct irqlab_scn_value *count = scn_value(c->st, "count");

	r->prev_granted = 0;
	return irqlab_alloc_irqs(c->k, c->dev, count->count.min, count->count.max,
				 scn_value(c->st, "managed")->flag, &r->prev_granted);
}

static int run_request(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_request(c->k, c->dev, c->idx, c->n);
}

static int run_release(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_release(c->k, c->dev, c->idx, c->n);
}

static int run_free(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_free_irqs(c->k, c->dev);
}

static int run_affinity(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_set_affinity(c->k, c->dev, c->idx, c->n, &c->cpus);
}

static int run_cpu_offline(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_cpu_offline(c->k, c->cpu);
}

static int run_cpu_online(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_cpu_online(c->k, c->cpu);
}

static int run_mask(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_mask(c->k, c->dev, c->idx, c->n);
}

static int run_unmask(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_unmask(c->k, c->dev, c->idx, c->n);
}

static int run_raise(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_raise(c->k, c->dev, c->idx, c->n, (unsigned)scn_value(c->st, "count")->num);
}

static int run_store(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_store(c->k, c->dev, c->index, scn_value(c->st, "addr")->num,
			    (uint32_t)scn_value(c->st, "data")->num);
}

static int run_eoi(struct runner *r, const struct scn_ctx *c)
{
	return irqlab_eoi(c->k, c->dev);
}

static void print_race(struct runner *r, const struct scn_ctx *c)
{
	struct irqlab_out *o = &r->out;

	if (r->opts->quiet && !o->json)
		return;
	irqlab_out_open_object(o, NULL);
	irqlab_out_str(o, "event", NULL, "race");
	irqlab_out_uint(o, "line", NULL, c->st->line);
	irqlab_out_str(o, "device", "--- race %s", irqlab_device_name(c->dev));
	irqlab_out_uint(o, "index", " index %llu", c->index);
	irqlab_out_str(o, "style", " style=%s", scn_value(c->st, "style")->word);
	irqlab_out_uint(o, "line", " (line %llu)\n", c->st->line);
	irqlab_out_open_array(o, "points");
	for (unsigned i = 0; i < irqlab_race_nr_points(r->race); i++) {
		struct irqlab_race_point pt;

		if (irqlab_race_point(r->race, i, &pt))
			break;
		irqlab_out_open_object(o, NULL);
		irqlab_out_str(o, "when", "  %-45s", pt.when);
		irqlab_out_hex(o, "addr", " addr=0x%08llx",
			       (uint64_t)pt.msg.address_hi << 32 | pt.msg.address_lo);
		irqlab_out_hex(o, "data", " data=0x%08llx", pt.msg.data);
		irqlab_out_str(o, "class", " -> %s", irqlab_class_name(pt.cls));
		if (!pt.pending && pt.has_target) {
			irqlab_out_uint(o, "cpu", " (CPU %llu", pt.cpu);
			irqlab_out_hex(o, "vector", " vector 0x%02llx)", pt.vector);
		}
		if (pt.why)
			irqlab_out_str(o, "why", ": %s", pt.why);
		irqlab_out_text(o, "\n");
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
	irqlab_out_close_object(o);
}

static int run_race(struct runner *r, const struct scn_ctx *c)
{
	static const enum irqlab_race_style styles[] = {
		[IRQLAB_SCN_STYLE_AUTO] = IRQLAB_RACE_AUTO,
		[IRQLAB_SCN_STYLE_NAIVE] = IRQLAB_RACE_NAIVE,
		[IRQLAB_SCN_STYLE_DEFERRED] = IRQLAB_RACE_DEFERRED,
	};
	unsigned style = scn_value(c->st, "style")->choice;
	int err;

	/* A race that fails leaves nothing for `expect race` to read. */
	irqlab_race_free(r->race);
	r->race = NULL;
	err = irqlab_race_affinity(c->k, c->dev, c->index, &c->cpus, styles[style], &r->race);
	if (!err)
		print_race(r, c);
	return err;
}

/* Expectations */

static void expect_count(struct runner *r, const struct scn_ctx *c, unsigned long long seen)
{
	unsigned long long want = scn_value(c->st, "count")->num;
	char e[32], s[32];

	snprintf(e, sizeof(e), "%llu", want);
	snprintf(s, sizeof(s), "%llu", seen);
	scn_verdict(r, c->st, want == seen, e, s);
}

/* What the previous statement came to, as `expect ok` and `expect error` print it. */
static int prev_outcome(struct runner *r, const struct scn_ctx *c, char *s, size_t size)
{
	if (!r->have_prev)
		return scn_stop(r, c->st->line, c->st->col, "%s: no statement before it to judge",
				irqlab_scn_kind_name(c->st->kind));
	if (r->prev_err)
		snprintf(s, size, "%s (line %u: %s)", irqlab_errno_name(r->prev_err), r->prev_line,
			 r->prev_msg);
	else
		snprintf(s, size, "ok (line %u)", r->prev_line);
	return 0;
}

static int expect_ok(struct runner *r, const struct scn_ctx *c)
{
	char s[IRQLAB_SCN_MSG_MAX + 64];
	int err = prev_outcome(r, c, s, sizeof(s));

	if (!err)
		scn_verdict(r, c->st, r->prev_err == 0, "ok", s);
	return err;
}

static int expect_error(struct runner *r, const struct scn_ctx *c)
{
	int want = scn_value(c->st, "error")->err;
	char e[64], s[IRQLAB_SCN_MSG_MAX + 64];
	int err = prev_outcome(r, c, s, sizeof(s));

	if (err)
		return err;
	snprintf(e, sizeof(e), "%s", irqlab_errno_name(want));
	scn_verdict(r, c->st, -r->prev_err == want, e, s);
	return 0;
}

static int expect_granted(struct runner *r, const struct scn_ctx *c)
{
	unsigned long long want = scn_value(c->st, "granted")->num;
	char e[64], s[IRQLAB_SCN_MSG_MAX + 64];
	int err = prev_outcome(r, c, s, sizeof(s));

	if (err)
		return err;
	if (!r->prev_alloc)
		return scn_stop(r, c->st->line, c->st->col,
				"expect granted: the statement before it (line %u) is not an alloc",
				r->prev_line);
	snprintf(e, sizeof(e), "%llu", want);
	if (r->prev_err) {
		scn_verdict(r, c->st, want == 0, e, s);
	} else {
		snprintf(s, sizeof(s), "%u", r->prev_granted);
		scn_verdict(r, c->st, want == r->prev_granted, e, s);
	}
	return 0;
}

static int expect_delivered(struct runner *r, const struct scn_ctx *c)
{
	uint64_t seen = 0;

	if (c->cpu == IRQLAB_MAX_CPUS)
		irqlab_entry_delivered(c->dev, c->index, &seen);
	else
		irqlab_entry_delivered_on(c->dev, c->index, c->cpu, &seen);
	expect_count(r, c, seen);
	return 0;
}

static int expect_blocked(struct runner *r, const struct scn_ctx *c)
{
	const struct irqlab_scn_arg *reason = irqlab_scn_arg(c->st, "reason");
	int rsn = reason && !reason->implicit ? (int)reason->v.num : IRQLAB_IR_FAULT_ANY;
	uint64_t seen = 0;

	irqlab_ir_fault_count(c->p, rsn, &seen);
	expect_count(r, c, seen);
	return 0;
}

static void expect_class(struct runner *r, const struct scn_ctx *c, enum irqlab_class cls)
{
	uint64_t seen = 0;

	irqlab_machine_count(c->p, cls, &seen);
	expect_count(r, c, seen);
}

static int expect_misdelivered(struct runner *r, const struct scn_ctx *c)
{
	expect_class(r, c, IRQLAB_CLASS_MISDELIVERED);
	return 0;
}

static int expect_lost(struct runner *r, const struct scn_ctx *c)
{
	expect_class(r, c, IRQLAB_CLASS_LOST);
	return 0;
}

static int expect_spurious(struct runner *r, const struct scn_ctx *c)
{
	expect_class(r, c, IRQLAB_CLASS_SPURIOUS);
	return 0;
}

static int expect_message(struct runner *r, const struct scn_ctx *c)
{
	uint64_t addr = scn_value(c->st, "addr")->num, seen_addr;
	uint32_t data = (uint32_t)scn_value(c->st, "data")->num;
	struct irqlab_msi_msg msg;
	char e[96], s[96];

	snprintf(e, sizeof(e), "addr=0x%llx data=0x%x", (unsigned long long)addr, data);
	if (irqlab_entry_message(c->dev, c->index, &msg)) {
		scn_verdict(r, c->st, false, e, "no message (beyond the vectors MSI enabled)");
		return 0;
	}
	seen_addr = (uint64_t)msg.address_hi << 32 | msg.address_lo;
	snprintf(s, sizeof(s), "addr=0x%llx data=0x%x", (unsigned long long)seen_addr, msg.data);
	scn_verdict(r, c->st, seen_addr == addr && msg.data == data, e, s);
	return 0;
}

static int expect_vector(struct runner *r, const struct scn_ctx *c)
{
	unsigned vector = (unsigned)scn_value(c->st, "vector")->num;
	struct irqlab_entry_state st;
	char e[96], s[96];

	snprintf(e, sizeof(e), "CPU %u vector 0x%x", c->cpu, vector);
	if (irqlab_entry_state(c->dev, c->index, &st) || !st.allocated) {
		scn_verdict(r, c->st, false, e, "not allocated");
		return 0;
	}
	snprintf(s, sizeof(s), "CPU %u vector 0x%x", st.cpu, st.vector);
	scn_verdict(r, c->st, st.cpu == c->cpu && st.vector == vector, e, s);
	return 0;
}

static int expect_irtes(struct runner *r, const struct scn_ctx *c)
{
	unsigned long long want = scn_value(c->st, "used")->num;
	unsigned seen = 0;
	char e[32], s[32];

	irqlab_irtes_used(c->p, &seen);
	snprintf(e, sizeof(e), "%llu", want);
	snprintf(s, sizeof(s), "%u", seen);
	scn_verdict(r, c->st, want == seen, e, s);
	return 0;
}

static int expect_free_vectors(struct runner *r, const struct scn_ctx *c)
{
	unsigned available = 0;

	irqlab_cpu_free_vectors(c->k, c->cpu, &available);
	expect_count(r, c, available);
	return 0;
}

/* Hypercalls the guest made, failed ones included (SCENARIO.md's counting). */
static int expect_hypercalls(struct runner *r, const struct scn_ctx *c)
{
	const struct irqlab_scn_arg *vm = irqlab_scn_pos(c->st, 0);
	struct irqlab_kernel *k = irqlab_machine_find_kernel(c->p, vm->v.str);
	struct irqlab_guest_stats gs;

	if (!k || !irqlab_kernel_is_guest(k))
		return scn_stop(r, vm->line, vm->col, "expect hypercalls: no VM named %s",
				vm->v.str);
	irqlab_kernel_guest_stats(k, &gs);
	expect_count(r, c, gs.hypercalls);
	return 0;
}

/* What the guest kernel concluded about where it runs (its detection), against the answer. */
static int expect_bare_metal(struct runner *r, const struct scn_ctx *c)
{
	const struct irqlab_scn_arg *vm = irqlab_scn_pos(c->st, 0);
	struct irqlab_kernel *k = irqlab_machine_find_kernel(c->p, vm->v.str);
	bool want = irqlab_scn_pos(c->st, 1)->v.flag, seen;

	if (!k || !irqlab_kernel_is_guest(k))
		return scn_stop(r, vm->line, vm->col, "expect bare-metal: no VM named %s",
				vm->v.str);
	seen = irqlab_kernel_believes_bare_metal(k);
	scn_verdict(r, c->st, want == seen, want ? "yes" : "no", seen ? "yes" : "no");
	return 0;
}

/* What the last race found: each fact written must hold. */
static int expect_race(struct runner *r, const struct scn_ctx *c)
{
	static const struct {
		const char *key;
		int cls; /* -1: all points */
	} facts[] = {
		{"points", -1},
		{"delivered", IRQLAB_CLASS_DELIVERED},
		{"lost", IRQLAB_CLASS_LOST},
		{"spurious", IRQLAB_CLASS_SPURIOUS},
	};
	const struct irqlab_scn_stmt *st = c->st;
	char e[128] = "", s[128] = "";
	size_t el = 0, sl = 0;
	bool held = true, any = false;

	if (!r->race)
		return scn_stop(r, st->line, st->col, "expect race: no race ran before it");
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		const struct irqlab_scn_arg *a = irqlab_scn_arg(st, facts[i].key);
		unsigned seen =
			facts[i].cls < 0
				? irqlab_race_nr_points(r->race)
				: irqlab_race_count(r->race, (enum irqlab_class)facts[i].cls);

		if (!a || a->implicit)
			continue;
		any = true;
		held &= a->v.num == seen;
		el += (size_t)snprintf(e + el, sizeof(e) - el, "%s%s=%llu", el ? " " : "",
				       facts[i].key, (unsigned long long)a->v.num);
		sl += (size_t)snprintf(s + sl, sizeof(s) - sl, "%s%s=%u", sl ? " " : "",
				       facts[i].key, seen);
	}
	if (!any)
		return scn_stop(
			r, st->line, st->col,
			"expect race: name at least one of points=, delivered=, lost=, spurious=");
	scn_verdict(r, st, held, e, s);
	return 0;
}

/* Observation */

static int run_show(struct runner *r, const struct scn_ctx *c)
{
	/* irqlab show prints only the view it was asked for. */
	if (r->opts->quiet && !r->out.json)
		return 0;
	irqlab_out_open_object(&r->out, NULL);
	irqlab_out_str(&r->out, "event", NULL, "show");
	irqlab_out_uint(&r->out, "line", NULL, c->st->line);
	irqlab_out_text(&r->out, "--- %s (line %u)\n", irqlab_scn_kind_name(c->st->kind),
			c->st->line);
	irqlab_show_topic_of(c->st->kind)->print(&r->out, c);
	irqlab_out_close_object(&r->out);
	return 0;
}

#define DEV		SCN_NEED_DEV
#define INDEX		SCN_NEED_INDEX
#define CPU		SCN_NEED_CPU
#define CPUS		SCN_NEED_CPUS
#define OUTCOME		.outcome = true
#define RUN(k, fn, ...) [k] = {.run = (fn), __VA_ARGS__}

const struct scn_run scn_runs[IRQLAB_SCN_NR_KINDS] = {
	/* Platform */
	RUN(IRQLAB_SCN_HOST, run_host),
	RUN(IRQLAB_SCN_VM, run_vm),
	RUN(IRQLAB_SCN_DEVICE, run_device),
	RUN(IRQLAB_SCN_ASSIGN, run_assign, .needs = SCN_NEED_DEVICE_ITSELF),

	/* Lifecycle */
	RUN(IRQLAB_SCN_ALLOC, run_alloc, .needs = DEV, OUTCOME),
	RUN(IRQLAB_SCN_REQUEST, run_request, .needs = DEV | INDEX, OUTCOME),
	RUN(IRQLAB_SCN_RELEASE, run_release, .needs = DEV | INDEX, OUTCOME),
	RUN(IRQLAB_SCN_FREE, run_free, .needs = DEV, OUTCOME),
	RUN(IRQLAB_SCN_AFFINITY, run_affinity, .needs = DEV | INDEX | CPUS, OUTCOME),
	RUN(IRQLAB_SCN_CPU_OFFLINE, run_cpu_offline, .needs = CPU, OUTCOME),
	RUN(IRQLAB_SCN_CPU_ONLINE, run_cpu_online, .needs = CPU, OUTCOME),
	RUN(IRQLAB_SCN_MASK, run_mask, .needs = DEV | INDEX, OUTCOME),
	RUN(IRQLAB_SCN_UNMASK, run_unmask, .needs = DEV | INDEX, OUTCOME),
	RUN(IRQLAB_SCN_RAISE, run_raise, .needs = DEV | INDEX, OUTCOME),
	RUN(IRQLAB_SCN_STORE, run_store, .needs = DEV | INDEX, OUTCOME),
	/* index= is neither checked nor used yet: the model EOIs the pin of DEV. */
	RUN(IRQLAB_SCN_EOI, run_eoi, .needs = DEV, OUTCOME),
	RUN(IRQLAB_SCN_RACE, run_race, .needs = DEV | INDEX | CPUS, OUTCOME),

	/* Expectations */
	RUN(IRQLAB_SCN_EXPECT_OK, expect_ok),
	RUN(IRQLAB_SCN_EXPECT_ERROR, expect_error),
	RUN(IRQLAB_SCN_EXPECT_GRANTED, expect_granted),
	RUN(IRQLAB_SCN_EXPECT_DELIVERED, expect_delivered, .needs = DEV | INDEX | CPU),
	RUN(IRQLAB_SCN_EXPECT_BLOCKED, expect_blocked),
	RUN(IRQLAB_SCN_EXPECT_MISDELIVERED, expect_misdelivered),
	RUN(IRQLAB_SCN_EXPECT_LOST, expect_lost),
	RUN(IRQLAB_SCN_EXPECT_SPURIOUS, expect_spurious),
	RUN(IRQLAB_SCN_EXPECT_MESSAGE, expect_message, .needs = DEV | INDEX),
	RUN(IRQLAB_SCN_EXPECT_VECTOR, expect_vector, .needs = DEV | INDEX | CPU),
	RUN(IRQLAB_SCN_EXPECT_IRTES, expect_irtes),
	RUN(IRQLAB_SCN_EXPECT_FREE_VECTORS, expect_free_vectors, .needs = CPU),
	RUN(IRQLAB_SCN_EXPECT_HYPERCALLS, expect_hypercalls),
	RUN(IRQLAB_SCN_EXPECT_BARE_METAL, expect_bare_metal),
	RUN(IRQLAB_SCN_EXPECT_RACE, expect_race),

	/* Observation */
	RUN(IRQLAB_SCN_SHOW_DOMAINS, run_show),
	RUN(IRQLAB_SCN_SHOW_VECTORS, run_show, .needs = CPU),
	RUN(IRQLAB_SCN_SHOW_IRQ, run_show, .needs = DEV | INDEX),
	RUN(IRQLAB_SCN_SHOW_IRTES, run_show),
	RUN(IRQLAB_SCN_SHOW_FAULTS, run_show),
	RUN(IRQLAB_SCN_SHOW_STATS, run_show),
	RUN(IRQLAB_SCN_SHOW_INTERRUPTS, run_show, .needs = CPUS),
	RUN(IRQLAB_SCN_SHOW_ISOLATION, run_show),
};
