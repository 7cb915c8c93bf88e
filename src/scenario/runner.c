// SPDX-License-Identifier: MIT
/*
 * The scenario runner. Statements run against one platform; a statement that fails records
 * its errno and the run goes on; a reference the model cannot resolve (an unknown device, an
 * index beyond a device) stops the run as a semantic error, with its position.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/errname.h"
#include "irqlab/pci_rid.h"
#include "iommu/remap_domain.h"
#include "output/output.h"
#include "platform/platform.h"
#include "scenario/runner.h"
#include "scenario/scenario.h"
#include "scenario/show.h"
#include "x86/vector_domain.h"

struct runner {
	const char *file;
	const struct irqlab_run_opts *opts;
	struct irqlab_out out;
	struct irqlab_platform *p;

	/* The previous statement that was not an expectation or a show. */
	bool have_prev;
	int prev_err;
	char prev_msg[IRQLAB_SCN_MSG_MAX];
	unsigned prev_line;
	bool prev_alloc;
	unsigned prev_granted;

	bool have_race;
	struct irqlab_race race;

	unsigned passed, failed;
	bool error;
	bool internal; /* the error is a broken invariant */
	unsigned err_line, err_col;
	char err_msg[IRQLAB_SCN_MSG_MAX];
};

/* A semantic error: the run stops; returns -EINVAL for chaining. */
__attribute__((format(printf, 4, 5))) static int sem_error(struct runner *r, unsigned line,
							   unsigned col, const char *fmt, ...)
{
	va_list ap;

	r->error = true;
	r->err_line = line;
	r->err_col = col;
	va_start(ap, fmt);
	vsnprintf(r->err_msg, sizeof(r->err_msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int not_supported(struct runner *r, const struct irqlab_scn_stmt *st, const char *what)
{
	return sem_error(r, st->line, st->col, "%s: not supported yet (%s)",
			 irqlab_scn_kind_name(st->kind), what);
}

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

/* A VM name in `in=`: the host is the only kernel so far. */
static int check_in_host(struct runner *r, const struct irqlab_scn_stmt *st)
{
	const struct irqlab_scn_arg *in = irqlab_scn_arg(st, "in");

	if (in && !in->implicit && strcmp(in->v.str, "host") != 0)
		return sem_error(
			r, in->line, in->col,
			"%s: in=%s: not supported yet (virtual machines arrive with a later issue)",
			irqlab_scn_kind_name(st->kind), in->v.str);
	return 0;
}

static int lookup_device(struct runner *r, const struct irqlab_scn_stmt *st,
			 struct irqlab_device **dev)
{
	const struct irqlab_scn_arg *a = irqlab_scn_pos(st, 0);

	*dev = r->p ? irqlab_platform_device(r->p, a->v.str) : NULL;
	if (!*dev)
		return sem_error(r, a->line, a->col, "%s: no device named %s",
				 irqlab_scn_kind_name(st->kind), a->v.str);
	return 0;
}

/* Expands an index list, each one checked against the device. Caller frees *idx. */
static int index_list(struct runner *r, const struct irqlab_scn_stmt *st,
		      const struct irqlab_device *dev, unsigned **idx, unsigned *n)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(st, "index");
	uint64_t total = 0;
	unsigned *out;

	for (size_t i = 0; i < a->v.list.n; i++) {
		const struct irqlab_scn_range *rg = &a->v.list.ranges[i];

		if (rg->hi >= dev->nr)
			return sem_error(
				r, a->line, rg->col, "%s: index %u is beyond the %u %s of %s",
				irqlab_scn_kind_name(st->kind), rg->hi, dev->nr,
				dev->kind == IRQLAB_DEV_IMS ? "slots" : "entries", dev->name);
		total += (uint64_t)rg->hi - rg->lo + 1;
	}
	out = malloc((size_t)total * sizeof(*out));
	if (!out)
		return sem_error(r, a->line, a->vcol, "%s: out of memory",
				 irqlab_scn_kind_name(st->kind));
	*n = 0;
	for (size_t i = 0; i < a->v.list.n; i++)
		for (uint64_t x = a->v.list.ranges[i].lo; x <= a->v.list.ranges[i].hi; x++)
			out[(*n)++] = (unsigned)x;
	*idx = out;
	return 0;
}

static int single_index(struct runner *r, const struct irqlab_scn_stmt *st,
			const struct irqlab_device *dev, unsigned *index)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(st, "index");

	*index = (unsigned)a->v.num;
	if (a->v.num >= dev->nr)
		return sem_error(r, a->line, a->vcol, "%s: index %llu is beyond the %u %s of %s",
				 irqlab_scn_kind_name(st->kind), (unsigned long long)a->v.num,
				 dev->nr, dev->kind == IRQLAB_DEV_IMS ? "slots" : "entries",
				 dev->name);
	return 0;
}

static int cpu_arg(struct runner *r, const struct irqlab_scn_stmt *st, const char *key,
		   unsigned *cpu)
{
	const struct irqlab_scn_arg *a = key ? irqlab_scn_arg(st, key) : irqlab_scn_pos(st, 0);

	if (a->v.num >= r->p->cfg.ncpus)
		return sem_error(r, a->line, key ? a->vcol : a->col,
				 "%s: CPU %llu: the host has CPUs 0-%u",
				 irqlab_scn_kind_name(st->kind), (unsigned long long)a->v.num,
				 r->p->cfg.ncpus - 1);
	*cpu = (unsigned)a->v.num;
	return 0;
}

static int cpu_list(struct runner *r, const struct irqlab_scn_stmt *st, struct irqlab_cpumask *m)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(st, "cpus");

	irqlab_cpumask_zero(m);
	for (size_t i = 0; i < a->v.list.n; i++) {
		const struct irqlab_scn_range *rg = &a->v.list.ranges[i];

		if (rg->hi >= r->p->cfg.ncpus)
			return sem_error(r, a->line, rg->col, "%s: CPU %u: the host has CPUs 0-%u",
					 irqlab_scn_kind_name(st->kind), rg->hi,
					 r->p->cfg.ncpus - 1);
		irqlab_cpumask_set_range(m, rg->lo, rg->hi);
	}
	return 0;
}

static int run_host(struct runner *r, const struct irqlab_scn_stmt *st)
{
	struct irqlab_platform_config cfg = {
		.ncpus = (unsigned)irqlab_scn_get_num(st, "cpus", 1),
		.ir = irqlab_scn_get_flag(st, "ir", true),
		.irtes = (unsigned)irqlab_scn_get_num(st, "irtes", 65536),
		.cfi = irqlab_scn_get_choice(st, "cfi", IRQLAB_SCN_CFI_BLOCK) ==
		       IRQLAB_SCN_CFI_ALLOW,
		.legacy = irqlab_scn_get_flag(st, "legacy", true),
		.extdest = irqlab_scn_get_flag(st, "extdest", false),
		.ims = (enum irqlab_ims_policy)irqlab_scn_get_choice(st, "ims", IRQLAB_SCN_IMS_IR),
	};
	char why[IRQLAB_SCN_MSG_MAX];

	if (irqlab_platform_new(&cfg, &r->p, why, sizeof(why)))
		return sem_error(r, st->line, st->col, "%s", why);
	r->p->trace = r->opts->verbose ? trace_line : NULL;
	r->p->trace_ctx = r;
	return 0;
}

/* The first free 00:01.0, 00:02.0, ... for a device written without bdf=. */
static uint16_t default_rid(const struct irqlab_platform *p)
{
	for (unsigned n = 1;; n++) {
		struct irqlab_pci_bdf f = {.bus = (uint8_t)(n / 32), .dev = n % 32};
		uint16_t rid = 0;
		bool taken = false;

		irqlab_pci_rid_encode(&f, &rid);
		for (unsigned i = 0; i < p->nr_devices && !taken; i++)
			taken = p->devices[i]->rid == rid;
		if (!taken)
			return rid;
	}
}

static int run_device(struct runner *r, const struct irqlab_scn_stmt *st)
{
	const struct irqlab_scn_arg *bdf = irqlab_scn_arg(st, "bdf");
	struct irqlab_device_config cfg = {.name = irqlab_scn_pos(st, 0)->v.str};
	struct irqlab_device *dev;
	int err;

	err = check_in_host(r, st);
	if (err)
		return err;
	if (irqlab_scn_arg(st, "intx")) {
		cfg.kind = IRQLAB_DEV_INTX;
		cfg.nr = 1;
		cfg.intx_pin = (unsigned)irqlab_scn_get_choice(st, "intx", IRQLAB_SCN_PIN_A);
		cfg.gsi = (unsigned)irqlab_scn_get_num(st, "gsi", 0);
		/* PCI INTx is level-triggered and active low by convention. */
		cfg.level = irqlab_scn_get_choice(st, "trigger", IRQLAB_SCN_TRIGGER_LEVEL) ==
			    IRQLAB_SCN_TRIGGER_LEVEL;
		cfg.active_low = irqlab_scn_get_choice(st, "polarity", IRQLAB_SCN_POLARITY_LOW) ==
				 IRQLAB_SCN_POLARITY_LOW;
	} else if (irqlab_scn_arg(st, "msi")) {
		cfg.kind = IRQLAB_DEV_MSI;
		cfg.nr = (unsigned)irqlab_scn_get_num(st, "msi", 1);
		cfg.maskable = irqlab_scn_get_flag(st, "maskable", true);
	} else if (irqlab_scn_arg(st, "msix")) {
		cfg.kind = IRQLAB_DEV_MSIX;
		cfg.nr = (unsigned)irqlab_scn_get_num(st, "msix", 1);
	} else {
		cfg.kind = IRQLAB_DEV_IMS;
		cfg.nr = (unsigned)irqlab_scn_get_num(st, "ims", 1);
		cfg.queue_store = irqlab_scn_get_choice(st, "store", IRQLAB_SCN_STORE_DEVICE) ==
				  IRQLAB_SCN_STORE_QUEUE;
	}
	if (bdf && !bdf->implicit)
		irqlab_pci_rid_encode(&(struct irqlab_pci_bdf){.bus = bdf->v.bdf.bus,
							       .dev = bdf->v.bdf.dev,
							       .fn = bdf->v.bdf.fn},
				      &cfg.rid);
	else
		cfg.rid = default_rid(r->p);
	err = irqlab_platform_add_device(r->p, &cfg, &dev);
	if (err == -EEXIST && bdf && !bdf->implicit)
		return sem_error(r, bdf->line, bdf->vcol, "%s", irqlab_platform_error(r->p));
	if (err)
		return sem_error(r, st->line, st->col, "%s", irqlab_platform_error(r->p));
	return 0;
}

static void record(struct runner *r, const struct irqlab_scn_stmt *st, int err)
{
	r->have_prev = true;
	r->prev_err = err;
	r->prev_line = st->line;
	r->prev_alloc = st->kind == IRQLAB_SCN_ALLOC;
	snprintf(r->prev_msg, sizeof(r->prev_msg), "%s", err ? irqlab_platform_error(r->p) : "");
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

/* Runs one lifecycle statement; returns its errno (recorded) or a semantic error. */
static int run_lifecycle(struct runner *r, const struct irqlab_scn_stmt *st)
{
	struct irqlab_device *dev = NULL;
	struct irqlab_cpumask mask;
	unsigned *idx = NULL, n = 0, cpu = 0, index = 0;
	int err;

	if (st->kind != IRQLAB_SCN_CPU_OFFLINE && st->kind != IRQLAB_SCN_CPU_ONLINE) {
		err = lookup_device(r, st, &dev);
		if (err)
			return err;
	}
	switch (st->kind) {
	case IRQLAB_SCN_ALLOC: {
		const struct irqlab_scn_arg *c = irqlab_scn_arg(st, "count");

		r->prev_granted = 0;
		err = irqlab_platform_alloc(r->p, dev, c->v.count.min, c->v.count.max,
					    irqlab_scn_get_flag(st, "managed", false),
					    &r->prev_granted);
		break;
	}
	case IRQLAB_SCN_FREE:
		err = irqlab_platform_free_irqs(r->p, dev);
		break;
	case IRQLAB_SCN_REQUEST:
	case IRQLAB_SCN_RELEASE:
	case IRQLAB_SCN_MASK:
	case IRQLAB_SCN_UNMASK:
	case IRQLAB_SCN_RAISE:
	case IRQLAB_SCN_AFFINITY:
		err = index_list(r, st, dev, &idx, &n);
		if (err)
			return err;
		if (st->kind == IRQLAB_SCN_REQUEST)
			err = irqlab_platform_request(r->p, dev, idx, n);
		else if (st->kind == IRQLAB_SCN_RELEASE)
			err = irqlab_platform_release(r->p, dev, idx, n);
		else if (st->kind == IRQLAB_SCN_MASK || st->kind == IRQLAB_SCN_UNMASK)
			err = irqlab_platform_mask(r->p, dev, idx, n, st->kind == IRQLAB_SCN_MASK);
		else if (st->kind == IRQLAB_SCN_RAISE)
			err = irqlab_platform_raise(r->p, dev, idx, n,
						    (unsigned)irqlab_scn_get_num(st, "count", 1));
		else if (!(err = cpu_list(r, st, &mask)))
			err = irqlab_platform_affinity(r->p, dev, idx, n, &mask);
		else {
			free(idx);
			return err;
		}
		free(idx);
		break;
	case IRQLAB_SCN_STORE:
		err = single_index(r, st, dev, &index);
		if (err)
			return err;
		err = irqlab_platform_store(r->p, dev, index, irqlab_scn_get_num(st, "addr", 0),
					    (uint32_t)irqlab_scn_get_num(st, "data", 0));
		break;
	case IRQLAB_SCN_EOI:
		err = irqlab_platform_eoi(r->p, dev);
		break;
	case IRQLAB_SCN_CPU_OFFLINE:
	case IRQLAB_SCN_CPU_ONLINE:
		err = check_in_host(r, st);
		if (!err)
			err = cpu_arg(r, st, NULL, &cpu);
		if (err)
			return err;
		err = irqlab_platform_cpu(r->p, cpu, st->kind == IRQLAB_SCN_CPU_ONLINE);
		break;
	default:
		return not_supported(r, st, "no model for it");
	}
	record(r, st, err);
	return 0;
}

/* One expectation's verdict. */
static void verdict(struct runner *r, const struct irqlab_scn_stmt *st, bool held,
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
		fprintf(r->out.f, "%s:%u: %s: %s: expected %s, saw %s\n", r->file, st->line,
			irqlab_scn_kind_name(st->kind), held ? "ok" : "FAILED", expected, seen);
	}
}

static void expect_count(struct runner *r, const struct irqlab_scn_stmt *st,
			 unsigned long long seen)
{
	unsigned long long want = irqlab_scn_get_num(st, "count", 0);
	char e[32], s[32];

	snprintf(e, sizeof(e), "%llu", want);
	snprintf(s, sizeof(s), "%llu", seen);
	verdict(r, st, want == seen, e, s);
}

static int expect_outcome(struct runner *r, const struct irqlab_scn_stmt *st)
{
	char e[64], s[IRQLAB_SCN_MSG_MAX + 64];

	if (!r->have_prev)
		return sem_error(r, st->line, st->col, "%s: no statement before it to judge",
				 irqlab_scn_kind_name(st->kind));
	if (r->prev_err)
		snprintf(s, sizeof(s), "%s (line %u: %s)", irqlab_errno_name(r->prev_err),
			 r->prev_line, r->prev_msg);
	else
		snprintf(s, sizeof(s), "ok (line %u)", r->prev_line);
	switch (st->kind) {
	case IRQLAB_SCN_EXPECT_OK:
		verdict(r, st, r->prev_err == 0, "ok", s);
		break;
	case IRQLAB_SCN_EXPECT_ERROR: {
		int want = irqlab_scn_arg(st, "error")->v.err;

		snprintf(e, sizeof(e), "%s", irqlab_errno_name(want));
		verdict(r, st, -r->prev_err == want, e, s);
		break;
	}
	default: { /* granted */
		unsigned long long want = irqlab_scn_get_num(st, "granted", 0);

		if (!r->prev_alloc)
			return sem_error(
				r, st->line, st->col,
				"expect granted: the statement before it (line %u) is not an alloc",
				r->prev_line);
		snprintf(e, sizeof(e), "%llu", want);
		if (r->prev_err)
			verdict(r, st, want == 0, e, s);
		else {
			snprintf(s, sizeof(s), "%u", r->prev_granted);
			verdict(r, st, want == r->prev_granted, e, s);
		}
		break;
	}
	}
	return 0;
}

static int run_expect(struct runner *r, const struct irqlab_scn_stmt *st)
{
	struct irqlab_device *dev;
	unsigned index = 0, cpu = 0;
	char e[96], s[96];
	int err;

	switch (st->kind) {
	case IRQLAB_SCN_EXPECT_OK:
	case IRQLAB_SCN_EXPECT_ERROR:
	case IRQLAB_SCN_EXPECT_GRANTED:
		return expect_outcome(r, st);
	case IRQLAB_SCN_EXPECT_DELIVERED: {
		const struct irqlab_scn_arg *c = irqlab_scn_arg(st, "cpu");
		const struct irqlab_dev_entry *ent;
		unsigned long long seen = 0;

		if ((err = check_in_host(r, st)) || (err = lookup_device(r, st, &dev)) ||
		    (err = single_index(r, st, dev, &index)))
			return err;
		ent = &dev->entries[index];
		if (c && !c->implicit) {
			if ((err = cpu_arg(r, st, "cpu", &cpu)))
				return err;
			for (unsigned i = 0; i < ent->nr_by_cpu; i++)
				if (ent->by_cpu[i].cpu == cpu)
					seen = ent->by_cpu[i].count;
		} else {
			seen = ent->delivered;
		}
		expect_count(r, st, seen);
		return 0;
	}
	case IRQLAB_SCN_EXPECT_BLOCKED: {
		const struct irqlab_scn_arg *reason = irqlab_scn_arg(st, "reason");
		int rsn = reason && !reason->implicit ? (int)reason->v.num : -1;

		expect_count(r, st, r->p->ir ? irqlab_ir_unit_fault_count(r->p->ir, rsn) : 0);
		return 0;
	}
	case IRQLAB_SCN_EXPECT_MISDELIVERED:
		expect_count(r, st, r->p->by_class[IRQLAB_MSG_MISDELIVERED]);
		return 0;
	case IRQLAB_SCN_EXPECT_LOST:
		expect_count(r, st, r->p->by_class[IRQLAB_MSG_LOST]);
		return 0;
	case IRQLAB_SCN_EXPECT_SPURIOUS:
		expect_count(r, st, r->p->by_class[IRQLAB_MSG_SPURIOUS]);
		return 0;
	case IRQLAB_SCN_EXPECT_MESSAGE: {
		struct irqlab_msi_msg msg;
		uint64_t addr = irqlab_scn_get_num(st, "addr", 0), seen_addr;
		uint32_t data = (uint32_t)irqlab_scn_get_num(st, "data", 0);

		if ((err = lookup_device(r, st, &dev)) || (err = single_index(r, st, dev, &index)))
			return err;
		snprintf(e, sizeof(e), "addr=0x%llx data=0x%x", (unsigned long long)addr, data);
		if (irqlab_platform_stored_msg(r->p, dev, index, &msg)) {
			verdict(r, st, false, e, "no message (beyond the vectors MSI enabled)");
			return 0;
		}
		seen_addr = (uint64_t)msg.address_hi << 32 | msg.address_lo;
		snprintf(s, sizeof(s), "addr=0x%llx data=0x%x", (unsigned long long)seen_addr,
			 msg.data);
		verdict(r, st, seen_addr == addr && msg.data == data, e, s);
		return 0;
	}
	case IRQLAB_SCN_EXPECT_VECTOR: {
		struct irqlab_irq_cfg cfg;
		unsigned vector = (unsigned)irqlab_scn_get_num(st, "vector", 0);

		if ((err = lookup_device(r, st, &dev)) ||
		    (err = single_index(r, st, dev, &index)) || (err = cpu_arg(r, st, "cpu", &cpu)))
			return err;
		snprintf(e, sizeof(e), "CPU %u vector 0x%x", cpu, vector);
		if (!dev->entries[index].irq) {
			verdict(r, st, false, e, "not allocated");
			return 0;
		}
		irqlab_vector_irq_cfg(dev->entries[index].irq->top, &cfg);
		snprintf(s, sizeof(s), "CPU %u vector 0x%x", cfg.cpu, cfg.vector);
		verdict(r, st, cfg.cpu == cpu && cfg.vector == vector, e, s);
		return 0;
	}
	case IRQLAB_SCN_EXPECT_IRTES: {
		unsigned long long want = irqlab_scn_get_num(st, "used", 0);
		unsigned long long seen = r->p->ir ? irqlab_ir_unit_used(r->p->ir) : 0;

		snprintf(e, sizeof(e), "%llu", want);
		snprintf(s, sizeof(s), "%llu", seen);
		verdict(r, st, want == seen, e, s);
		return 0;
	}
	case IRQLAB_SCN_EXPECT_FREE_VECTORS: {
		struct irqlab_matrix_cpu_stats cs;

		if ((err = check_in_host(r, st)) || (err = cpu_arg(r, st, "cpu", &cpu)))
			return err;
		irqlab_matrix_cpu_stats(irqlab_vector_domain_matrix(r->p->vector), cpu, &cs);
		expect_count(r, st, cs.available);
		return 0;
	}
	case IRQLAB_SCN_EXPECT_HYPERCALLS:
	case IRQLAB_SCN_EXPECT_BARE_METAL:
		return not_supported(r, st, "virtual machines arrive with a later issue");
	default:
		return not_supported(r, st, "no model for it");
	}
}

static int run_show(struct runner *r, const struct irqlab_scn_stmt *st)
{
	struct irqlab_device *dev = NULL;
	unsigned index = 0, cpu = IRQLAB_MAX_CPUS;
	const struct irqlab_scn_arg *c;
	int err = check_in_host(r, st);

	if (err)
		return err;
	if (st->kind == IRQLAB_SCN_SHOW_IRQ &&
	    ((err = lookup_device(r, st, &dev)) || (err = single_index(r, st, dev, &index))))
		return err;
	c = irqlab_scn_arg(st, "cpu");
	if (st->kind == IRQLAB_SCN_SHOW_VECTORS && c && !c->implicit &&
	    (err = cpu_arg(r, st, "cpu", &cpu)))
		return err;
	/* irqlab show prints only the view it was asked for. */
	if (r->opts->quiet && !r->out.json)
		return 0;
	irqlab_out_open_object(&r->out, NULL);
	irqlab_out_str(&r->out, "event", NULL, "show");
	irqlab_out_uint(&r->out, "line", NULL, st->line);
	irqlab_out_text(&r->out, "--- %s (line %u)\n", irqlab_scn_kind_name(st->kind), st->line);
	switch (st->kind) {
	case IRQLAB_SCN_SHOW_DOMAINS:
		irqlab_show_domains(&r->out, r->p);
		break;
	case IRQLAB_SCN_SHOW_VECTORS:
		irqlab_show_vectors(&r->out, r->p, cpu);
		break;
	case IRQLAB_SCN_SHOW_IRQ:
		irqlab_show_irq(&r->out, r->p, dev, index);
		break;
	case IRQLAB_SCN_SHOW_IRTES:
		irqlab_show_irtes(&r->out, r->p);
		break;
	case IRQLAB_SCN_SHOW_FAULTS:
		irqlab_show_faults(&r->out, r->p);
		break;
	default:
		irqlab_show_stats(&r->out, r->p);
		break;
	}
	irqlab_out_close_object(&r->out);
	return 0;
}

static const char *const style_names[] = {"auto", "naive", "deferred"};

static void print_race(struct runner *r, const struct irqlab_scn_stmt *st,
		       const struct irqlab_device *dev, unsigned index, int style)
{
	struct irqlab_out *o = &r->out;

	if (r->opts->quiet && !o->json)
		return;
	irqlab_out_open_object(o, NULL);
	irqlab_out_str(o, "event", NULL, "race");
	irqlab_out_uint(o, "line", NULL, st->line);
	irqlab_out_str(o, "device", "--- race %s", dev->name);
	irqlab_out_uint(o, "index", " index %llu", index);
	irqlab_out_str(o, "style", " style=%s", style_names[style]);
	irqlab_out_uint(o, "line", " (line %llu)\n", st->line);
	irqlab_out_open_array(o, "points");
	for (unsigned i = 0; i < r->race.n; i++) {
		const struct irqlab_race_point *pt = &r->race.points[i];

		irqlab_out_open_object(o, NULL);
		irqlab_out_str(o, "when", "  %-45s", pt->when);
		irqlab_out_hex(o, "addr", " addr=0x%08llx", pt->dl.msg.address_lo);
		irqlab_out_hex(o, "data", " data=0x%08llx", pt->dl.msg.data);
		irqlab_out_str(o, "class", " -> %s", irqlab_msg_class_name(pt->dl.cls));
		if (!pt->pending && pt->dl.cls != IRQLAB_MSG_BLOCKED) {
			irqlab_out_uint(o, "cpu", " (CPU %llu", pt->dl.cpu);
			irqlab_out_hex(o, "vector", " vector 0x%02llx)", pt->dl.vector);
		}
		if (pt->dl.why)
			irqlab_out_str(o, "why", ": %s", pt->dl.why);
		irqlab_out_text(o, "\n");
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
	irqlab_out_close_object(o);
}

static int run_race(struct runner *r, const struct irqlab_scn_stmt *st)
{
	static const enum irqlab_msi_update_style styles[] = {
		IRQLAB_MSI_UPDATE_AUTO, IRQLAB_MSI_UPDATE_NAIVE, IRQLAB_MSI_UPDATE_DEFERRED};
	int style = irqlab_scn_get_choice(st, "style", IRQLAB_SCN_STYLE_AUTO);
	struct irqlab_device *dev;
	struct irqlab_cpumask mask;
	unsigned index;
	int err;

	if ((err = lookup_device(r, st, &dev)) || (err = single_index(r, st, dev, &index)) ||
	    (err = cpu_list(r, st, &mask)))
		return err;
	err = irqlab_platform_race(r->p, dev, index, &mask, styles[style], &r->race);
	r->have_race = !err;
	if (!err)
		print_race(r, st, dev, index, style);
	record(r, st, err);
	return 0;
}

static int expect_race(struct runner *r, const struct irqlab_scn_stmt *st)
{
	static const struct {
		const char *key;
		int cls; /* -1: all points */
	} facts[] = {
		{"points", -1},
		{"delivered", IRQLAB_MSG_DELIVERED},
		{"lost", IRQLAB_MSG_LOST},
		{"spurious", IRQLAB_MSG_SPURIOUS},
	};
	char e[128] = "", s[128] = "";
	size_t el = 0, sl = 0;
	bool held = true, any = false;

	if (!r->have_race)
		return sem_error(r, st->line, st->col, "expect race: no race ran before it");
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		const struct irqlab_scn_arg *a = irqlab_scn_arg(st, facts[i].key);
		unsigned seen = facts[i].cls < 0 ? r->race.n : r->race.by_class[facts[i].cls];

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
		return sem_error(
			r, st->line, st->col,
			"expect race: name at least one of points=, delivered=, lost=, spurious=");
	verdict(r, st, held, e, s);
	return 0;
}

static int run_stmt(struct runner *r, const struct irqlab_scn_stmt *st)
{
	switch (st->kind) {
	case IRQLAB_SCN_HOST:
		return run_host(r, st);
	case IRQLAB_SCN_VM:
		return not_supported(r, st, "virtual machines arrive with a later issue");
	case IRQLAB_SCN_ASSIGN:
		return not_supported(r, st,
				     "device assignment arrives with the virtualization issue");
	case IRQLAB_SCN_RACE:
		return run_race(r, st);
	case IRQLAB_SCN_EXPECT_RACE:
		return expect_race(r, st);
	case IRQLAB_SCN_DEVICE:
		return run_device(r, st);
	case IRQLAB_SCN_ALLOC:
	case IRQLAB_SCN_REQUEST:
	case IRQLAB_SCN_RELEASE:
	case IRQLAB_SCN_FREE:
	case IRQLAB_SCN_AFFINITY:
	case IRQLAB_SCN_CPU_OFFLINE:
	case IRQLAB_SCN_CPU_ONLINE:
	case IRQLAB_SCN_MASK:
	case IRQLAB_SCN_UNMASK:
	case IRQLAB_SCN_RAISE:
	case IRQLAB_SCN_STORE:
	case IRQLAB_SCN_EOI:
		return run_lifecycle(r, st);
	case IRQLAB_SCN_SHOW_DOMAINS:
	case IRQLAB_SCN_SHOW_VECTORS:
	case IRQLAB_SCN_SHOW_IRQ:
	case IRQLAB_SCN_SHOW_IRTES:
	case IRQLAB_SCN_SHOW_FAULTS:
	case IRQLAB_SCN_SHOW_STATS:
		return run_show(r, st);
	default:
		return run_expect(r, st);
	}
}

static const char *result_name(int result)
{
	return result == IRQLAB_RUN_PASS    ? "pass"
	       : result == IRQLAB_RUN_FAIL  ? "fail"
	       : result == IRQLAB_RUN_ERROR ? "error"
					    : "internal-error";
}

static int show_topic(struct runner *r, const char *topic)
{
	if (strcmp(topic, "domains") == 0)
		irqlab_show_domains(&r->out, r->p);
	else if (strcmp(topic, "vectors") == 0)
		irqlab_show_vectors(&r->out, r->p, IRQLAB_MAX_CPUS);
	else if (strcmp(topic, "irtes") == 0)
		irqlab_show_irtes(&r->out, r->p);
	else if (strcmp(topic, "faults") == 0)
		irqlab_show_faults(&r->out, r->p);
	else if (strcmp(topic, "stats") == 0)
		irqlab_show_stats(&r->out, r->p);
	else
		return -EINVAL;
	return 0;
}

int irqlab_run_buffer(const char *name, const void *buf, size_t len,
		      const struct irqlab_run_opts *opts)
{
	struct irqlab_scn_program *prog = NULL;
	struct irqlab_scn_error perr;
	struct runner r = {.file = name, .opts = opts};
	char why[512];
	int result;

	irqlab_out_init(&r.out, opts->out, opts->json);
	irqlab_out_open_object(&r.out, NULL);
	irqlab_out_str(&r.out, "file", NULL, name);
	irqlab_out_uint(&r.out, "seed", NULL, opts->seed);
	irqlab_out_open_array(&r.out, "events");
	if (irqlab_scn_parse(name, buf, len, &prog, &perr)) {
		r.error = true;
		r.err_line = perr.line;
		r.err_col = perr.col;
		snprintf(r.err_msg, sizeof(r.err_msg), "%s", perr.msg);
	}
	for (size_t i = 0; prog && i < prog->nstmts && !r.error; i++) {
		run_stmt(&r, &prog->stmts[i]);
		/* The model's books must balance after every statement: an oracle on every run. */
		if (!r.error && r.p && irqlab_platform_check(r.p, why, sizeof(why))) {
			sem_error(&r, prog->stmts[i].line, prog->stmts[i].col,
				  "internal error: the model's invariants broke: %s", why);
			r.internal = true;
		}
	}
	irqlab_out_close_array(&r.out);
	if (!r.error && !r.p)
		sem_error(&r, 1, 1, "no host statement: a scenario starts with `host cpus=N`");
	result = r.internal ? IRQLAB_RUN_INTERNAL
		 : r.error  ? IRQLAB_RUN_ERROR
		 : r.failed ? IRQLAB_RUN_FAIL
			    : IRQLAB_RUN_PASS;
	if (r.p) {
		irqlab_out_open_object(&r.out, "counters");
		for (unsigned c = 0; c < IRQLAB_MSG_NR_CLASSES; c++)
			irqlab_out_uint(&r.out, irqlab_msg_class_name(c), NULL, r.p->by_class[c]);
		irqlab_out_close_object(&r.out);
	}
	irqlab_out_uint(&r.out, "expectations_passed", NULL, r.passed);
	irqlab_out_uint(&r.out, "expectations_failed", NULL, r.failed);
	if (r.error) {
		irqlab_out_open_object(&r.out, "error");
		irqlab_out_uint(&r.out, "line", NULL, r.err_line);
		irqlab_out_uint(&r.out, "col", NULL, r.err_col);
		irqlab_out_str(&r.out, "message", NULL, r.err_msg);
		irqlab_out_close_object(&r.out);
		fprintf(opts->err, "%s:%u:%u: %s\n", name, r.err_line, r.err_col, r.err_msg);
	}
	if (opts->show && !r.error) {
		irqlab_out_open_object(&r.out, "show");
		if (show_topic(&r, opts->show)) {
			fprintf(opts->err,
				"irqlab show: unknown topic '%s' (domains, vectors, irtes, faults, "
				"stats)\n",
				opts->show);
			result = IRQLAB_RUN_ERROR;
		}
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
	irqlab_platform_free(r.p);
	irqlab_scn_program_free(prog);
	return result;
}

int irqlab_run_file(const char *path, const struct irqlab_run_opts *opts)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int result;

	if (!f) {
		fprintf(opts->err, "%s: cannot open: %s\n", path, strerror(errno));
		return IRQLAB_RUN_ERROR;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			char *grown = realloc(buf, cap ? cap * 2 : 65536);

			if (!grown) {
				fprintf(opts->err, "%s: out of memory\n", path);
				free(buf);
				fclose(f);
				return IRQLAB_RUN_ERROR;
			}
			buf = grown;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(opts->err, "%s: read error: %s\n", path, strerror(errno));
		free(buf);
		fclose(f);
		return IRQLAB_RUN_ERROR;
	}
	fclose(f);
	result = irqlab_run_buffer(path, buf, len, opts);
	free(buf);
	return result;
}
