// SPDX-License-Identifier: MIT
/*
 * The resolver: in=, then DEV, then index=, then cpu= or cpus=, each checked against what
 * came before it, so the first word that does not fit is the one an error points at.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/irqlab.h"
#include "scenario/resolve.h"

__attribute__((format(printf, 4, 5))) static int resolve_error(struct irqlab_scn_error *err,
							       unsigned line, unsigned col,
							       const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = col;
	err->code = -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *stmt_name(const struct scn_ctx *c)
{
	return irqlab_scn_kind_name(c->st->kind);
}

/* The kernel a CPU number is read in, as a sentence names it: "the host", "VM guest0". */
static void kernel_words(const struct scn_ctx *c, char *buf, size_t size)
{
	if (irqlab_kernel_is_guest(c->k))
		snprintf(buf, size, "VM %s", irqlab_kernel_name(c->k));
	else
		snprintf(buf, size, "the host");
}

/* in=host or in=VM; without it, the host (a device's statement then runs in its owner). */
static int resolve_kernel(struct scn_ctx *c, struct irqlab_scn_error *err)
{
	const struct irqlab_scn_arg *in = c->st ? irqlab_scn_arg(c->st, "in") : NULL;

	c->k = irqlab_machine_host(c->p);
	c->explicit_kernel = in && !in->implicit;
	if (!c->explicit_kernel)
		return 0;
	c->k = irqlab_machine_find_kernel(c->p, in->v.str);
	if (!c->k)
		return resolve_error(err, in->line, in->vcol, "%s: in=%s: no VM named %s",
				     stmt_name(c), in->v.str, in->v.str);
	return 0;
}

/* The owner of the first index the statement names, for a device split among kernels. */
static struct irqlab_kernel *first_index_owner(const struct scn_ctx *c)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(c->st, "index");
	uint64_t i;

	if (!a || a->implicit)
		return NULL;
	i = a->v.type == IRQLAB_SCN_T_LIST ? a->v.list.ranges[0].lo : a->v.num;
	return i < irqlab_device_nr_entries(c->dev) ? irqlab_entry_owner(c->dev, (unsigned)i)
						    : NULL;
}

/*
 * DEV, as the kernel that drives it sees it: a lifecycle statement runs there (SCENARIO.md).
 * An assigned device runs in its guest; one whose IMS slots are split runs where in= says, or
 * else where the first index named belongs. An in= that names a kernel with no part of the
 * device is an error: the device is not there.
 */
static int resolve_device(struct scn_ctx *c, bool itself, struct irqlab_scn_error *err)
{
	const struct irqlab_scn_arg *a = irqlab_scn_pos(c->st, 0);
	const struct irqlab_scn_arg *in = irqlab_scn_arg(c->st, "in");
	struct irqlab_device *seen;
	struct irqlab_kernel *owner;

	c->dev = irqlab_device_find(c->p, a->v.str);
	if (!c->dev)
		return resolve_error(err, a->line, a->col, "%s: no device named %s", stmt_name(c),
				     a->v.str);
	if (itself)
		return 0;
	owner = irqlab_device_owner(c->dev);
	if (c->explicit_kernel) {
		seen = irqlab_device_in(c->dev, c->k);
		if (!seen)
			return resolve_error(err, in->line, in->vcol,
					     "%s: in=%s: %s is driven by %s", stmt_name(c),
					     in->v.str, a->v.str,
					     owner ? irqlab_kernel_name(owner)
						   : "other kernels (its slots are split)");
		c->dev = seen;
		return 0;
	}
	if (!owner)
		owner = first_index_owner(c);
	if (!owner)
		return resolve_error(err, a->line, a->col,
				     "%s: %s's slots are split among kernels: say which with "
				     "in=host or in=VM",
				     stmt_name(c), a->v.str);
	c->k = owner;
	c->dev = irqlab_device_in(c->dev, owner);
	return 0;
}

static const char *entries_word(const struct irqlab_device *dev)
{
	return irqlab_device_kind_of(dev) == IRQLAB_DEVICE_IMS ? "slots" : "entries";
}

/* index=LIST: every element within the device, expanded in the order written. */
static int resolve_index_list(struct scn_ctx *c, const struct irqlab_scn_arg *a,
			      struct irqlab_scn_error *err)
{
	const struct irqlab_device *dev = c->dev;
	unsigned nr = irqlab_device_nr_entries(dev);
	uint64_t total = 0;

	for (size_t i = 0; i < a->v.list.n; i++) {
		const struct irqlab_scn_range *rg = &a->v.list.ranges[i];

		if (rg->hi >= nr)
			return resolve_error(err, a->line, rg->col,
					     "%s: index %u is beyond the %u %s of %s", stmt_name(c),
					     rg->hi, nr, entries_word(dev),
					     irqlab_device_name(dev));
		total += (uint64_t)rg->hi - rg->lo + 1;
	}
	c->idx = malloc((size_t)total * sizeof(*c->idx));
	if (!c->idx)
		return resolve_error(err, a->line, a->vcol, "%s: out of memory", stmt_name(c));
	c->n = 0;
	for (size_t i = 0; i < a->v.list.n; i++)
		for (uint64_t x = a->v.list.ranges[i].lo; x <= a->v.list.ranges[i].hi; x++)
			c->idx[c->n++] = (unsigned)x;
	return 0;
}

static int resolve_index(struct scn_ctx *c, struct irqlab_scn_error *err)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(c->st, "index");
	const struct irqlab_device *dev = c->dev;

	if (a->v.type == IRQLAB_SCN_T_LIST)
		return resolve_index_list(c, a, err);
	if (a->v.num >= irqlab_device_nr_entries(dev))
		return resolve_error(err, a->line, a->vcol,
				     "%s: index %llu is beyond the %u %s of %s", stmt_name(c),
				     (unsigned long long)a->v.num, irqlab_device_nr_entries(dev),
				     entries_word(dev), irqlab_device_name(dev));
	c->index = (unsigned)a->v.num;
	return 0;
}

/* The CPUs of the kernel the statement runs in. */
static unsigned kernel_cpus(const struct scn_ctx *c)
{
	return irqlab_kernel_ncpus(c->k);
}

/* cpu=C, or the CPU word of `cpu offline N`; all CPUs when neither is written. */
static int resolve_cpu(struct scn_ctx *c, struct irqlab_scn_error *err)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(c->st, "cpu");
	const struct irqlab_scn_arg *word = irqlab_scn_pos(c->st, 0);

	if (!a && word && strcmp(word->key, "CPU") == 0)
		a = word;
	if (!a)
		return 0;
	if (a->v.num >= kernel_cpus(c)) {
		char who[48];

		kernel_words(c, who, sizeof(who));
		return resolve_error(err, a->line, a->vcol, "%s: CPU %llu: %s has CPUs 0-%u",
				     stmt_name(c), (unsigned long long)a->v.num, who,
				     kernel_cpus(c) - 1);
	}
	c->cpu = (unsigned)a->v.num;
	return 0;
}

static int resolve_cpus(struct scn_ctx *c, struct irqlab_scn_error *err)
{
	const struct irqlab_scn_arg *a = irqlab_scn_arg(c->st, "cpus");

	if (!a) /* an optional cpus= (show interrupts) not written: the mask stays empty */
		return 0;
	for (size_t i = 0; i < a->v.list.n; i++) {
		const struct irqlab_scn_range *rg = &a->v.list.ranges[i];

		if (rg->hi >= kernel_cpus(c)) {
			char who[48];

			kernel_words(c, who, sizeof(who));
			return resolve_error(err, a->line, rg->col, "%s: CPU %u: %s has CPUs 0-%u",
					     stmt_name(c), rg->hi, who, kernel_cpus(c) - 1);
		}
		irqlab_cpumask_set_range(&c->cpus, rg->lo, rg->hi);
	}
	return 0;
}

int scn_resolve(struct irqlab_machine *p, const struct irqlab_scn_stmt *st, unsigned needs,
		struct scn_ctx *c, struct irqlab_scn_error *err)
{
	int ret;

	*c = (struct scn_ctx){.st = st, .p = p, .cpu = IRQLAB_MAX_CPUS};
	ret = resolve_kernel(c, err);
	if (!ret && (needs & (SCN_NEED_DEV | SCN_NEED_DEVICE_ITSELF)))
		ret = resolve_device(c, needs & SCN_NEED_DEVICE_ITSELF, err);
	if (!ret && (needs & SCN_NEED_INDEX))
		ret = resolve_index(c, err);
	if (!ret && (needs & SCN_NEED_CPU))
		ret = resolve_cpu(c, err);
	if (!ret && (needs & SCN_NEED_CPUS))
		ret = resolve_cpus(c, err);
	if (ret)
		scn_ctx_release(c);
	return ret;
}

void scn_ctx_release(struct scn_ctx *c)
{
	free(c->idx);
	c->idx = NULL;
	c->n = 0;
}
