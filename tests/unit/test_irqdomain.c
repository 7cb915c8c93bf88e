// SPDX-License-Identifier: MIT
/*
 * The hierarchy engine against three fake domains that keep the rollback contract:
 *   fake-root: a pool of slots, one per interrupt (a resource, with a fault point each);
 *   fake-mid:  a per-interrupt heap block (memory, with a fault point each); refuses IMS;
 *   fake-bus:  the top level, nothing of its own.
 * The activation log records the order in which levels are programmed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/irqdomain.h"
#include "x86/irq_alloc.h"
#include "helpers/kernel_helpers.h"

#define POOL_SLOTS 8

struct fake_pool {
	bool used[POOL_SLOTS];
	unsigned nr_used;
	int fail_activate;	  /* make this level's activate fail with this error */
	const char *fail_prepare; /* the level whose prepare fails (-ENOSPC), or NULL */
	char log[256];
};

static void log_step(struct fake_pool *p, const char *what, struct irqlab_domain *d)
{
	size_t len = strlen(p->log);

	snprintf(p->log + len, sizeof(p->log) - len, "%s%s:%s", len ? " " : "", what, d->name);
}

static struct fake_pool *pool_of(struct irqlab_domain *d)
{
	while (d->parent)
		d = d->parent;
	return d->priv;
}

static void root_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	struct fake_pool *p = d->priv;

	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);

		assert_true(p->used[data->hwirq]);
		p->used[data->hwirq] = false;
		p->nr_used--;
	}
}

static int root_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
		      const struct irqlab_alloc_info *info)
{
	struct fake_pool *p = d->priv;
	unsigned i;

	for (i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);
		unsigned slot = 0;

		while (slot < POOL_SLOTS && p->used[slot])
			slot++;
		if (slot == POOL_SLOTS || irqlab_fault_point(d->kernel->fault, "slot", -ENOSPC)) {
			root_free(d, irqs, i);
			return irqlab_kernel_fail(d->kernel, -ENOSPC, "%s: no free slot", d->name);
		}
		p->used[slot] = true;
		p->nr_used++;
		data->hwirq = slot;
	}
	return 0;
}

static int level_activate(struct irqlab_domain *d, struct irqlab_irq_data *data, bool reserve)
{
	struct fake_pool *p = pool_of(d);

	if (p->fail_activate && data->domain->ops->alloc && strcmp(d->name, "fake-mid") == 0)
		return p->fail_activate;
	log_step(p, "on", d);
	return 0;
}

static void level_deactivate(struct irqlab_domain *d, struct irqlab_irq_data *data)
{
	log_step(pool_of(d), "off", d);
}

static int level_prepare(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask)
{
	struct fake_pool *p = pool_of(data->domain);

	if (p->fail_prepare && strcmp(data->domain->name, p->fail_prepare) == 0)
		return -ENOSPC;
	log_step(p, mask ? "prep-move" : "prep", data->domain);
	return 0;
}

static void level_abort(struct irqlab_irq_data *data)
{
	log_step(pool_of(data->domain), "abort", data->domain);
}

static int root_check(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	struct fake_pool *p = d->priv;
	unsigned used = 0;

	for (unsigned s = 0; s < POOL_SLOTS; s++)
		used += p->used[s];
	if (used != p->nr_used || used != d->nr_irqs) {
		irqlab_strbuf_printf(why, "%s: %u slots used, counter %u, %lu irqs", d->name, used,
				     p->nr_used, d->nr_irqs);
		return -EFAULT;
	}
	return 0;
}

static void root_dump(struct irqlab_domain *d, struct irqlab_strbuf *out)
{
	struct fake_pool *p = d->priv;

	for (unsigned s = 0; s < POOL_SLOTS; s++)
		irqlab_strbuf_append(out, p->used[s] ? "1" : "0", 1);
	irqlab_strbuf_printf(out, " used=%u\n", p->nr_used);
}

static int root_accept(struct irqlab_domain *d, unsigned required, struct irqlab_strbuf *why)
{
	return 0;
}

static const struct irqlab_domain_ops root_ops = {
	.prepare = level_prepare,
	.abort = level_abort,
	.alloc = root_alloc,
	.free = root_free,
	.activate = level_activate,
	.deactivate = level_deactivate,
	.accept_child = root_accept,
	.check = root_check,
	.dump = root_dump,
};

static void mid_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);

		free(data->chip_data);
		data->chip_data = NULL;
	}
	irqlab_domain_free_parent(d, irqs, n);
}

static int mid_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
		     const struct irqlab_alloc_info *info)
{
	unsigned i;
	int err = irqlab_domain_alloc_parent(d, irqs, n, info);

	if (err)
		return err;
	for (i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);

		data->chip_data = irqlab_fault_zalloc(d->kernel->fault, 16);
		if (!data->chip_data) {
			err = irqlab_kernel_fail(d->kernel, -ENOMEM, "%s: no memory", d->name);
			goto out_free_data;
		}
		data->hwirq = data->parent->hwirq + 100;
	}
	return 0;

out_free_data:
	while (i-- > 0) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);

		free(data->chip_data);
		data->chip_data = NULL;
	}
	irqlab_domain_free_parent(d, irqs, n);
	return err;
}

static int mid_accept(struct irqlab_domain *d, unsigned required, struct irqlab_strbuf *why)
{
	if (required & IRQLAB_REQ_IMS) {
		irqlab_strbuf_printf(why, "%s", irqlab_req_name(IRQLAB_REQ_IMS));
		return -EOPNOTSUPP;
	}
	return 0;
}

static int mid_check(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	for (unsigned v = 0; v < d->kernel->irq_slots; v++) {
		struct irqlab_irq *irq = d->kernel->irqs[v];
		struct irqlab_irq_data *data = irq ? irqlab_irq_data_of(irq, d) : NULL;

		if (data && !data->chip_data) {
			irqlab_strbuf_printf(why, "%s: irq %u has no block", d->name, v);
			return -EFAULT;
		}
	}
	return 0;
}

static const struct irqlab_domain_ops mid_ops = {
	.prepare = level_prepare,
	.abort = level_abort,
	.alloc = mid_alloc,
	.free = mid_free,
	.activate = level_activate,
	.deactivate = level_deactivate,
	.accept_child = mid_accept,
	.check = mid_check,
};

static const struct irqlab_domain_ops bus_ops = {
	.prepare = level_prepare,
	.abort = level_abort,
	.alloc = passthrough_alloc,
	.free = passthrough_free,
	.activate = level_activate,
	.deactivate = level_deactivate,
};

struct fixture {
	struct irqlab_fault fault;
	struct fake_pool pool;
	struct irqlab_kernel *k;
	struct irqlab_domain *root, *mid, *bus;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->k = irqlab_kernel_new("test", 4, &f->fault);
	assert_non_null(f->k);
	assert_int_equal(
		irqlab_domain_create(f->k, NULL, &root_ops, "fake-root", 0, &f->pool, &f->root), 0);
	assert_int_equal(
		irqlab_domain_create(f->k, f->root, &mid_ops, "fake-mid", 0, NULL, &f->mid), 0);
	assert_int_equal(irqlab_domain_create(f->k, f->mid, &bus_ops, "fake-bus", IRQLAB_REQ_MSIX,
					      NULL, &f->bus),
			 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	irqlab_kernel_free(f->k);
	free(f);
	return 0;
}

static void test_alloc_builds_chain(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {.hwirq = 5};
	struct irqlab_irq *irqs[3];

	assert_int_equal(irqlab_irqs_alloc(f->bus, 3, &info, irqs), 0);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(irqs[i]->virq, 1 + i);
		assert_int_equal(irqs[i]->depth, 3);
		assert_ptr_equal(irqs[i]->top->domain, f->bus);
		assert_ptr_equal(irqs[i]->top->parent->domain, f->mid);
		assert_ptr_equal(irqs[i]->top->parent->parent->domain, f->root);
		assert_null(irqs[i]->top->parent->parent->parent);
		assert_int_equal(irqs[i]->top->hwirq, 5 + i);
		assert_int_equal(irqlab_irq_data_of(irqs[i], f->root)->hwirq, i);
		assert_int_equal(irqlab_irq_data_of(irqs[i], f->mid)->hwirq, 100 + i);
		assert_ptr_equal(irqlab_irq_find(f->k, 1 + i), irqs[i]);
	}
	assert_int_equal(f->bus->nr_irqs, 3);
	assert_int_equal(f->root->nr_irqs, 3);
	assert_int_equal(f->pool.nr_used, 3);
	assert_kernel_clean(f->k);

	/* Freeing the middle one leaves a hole that the next single allocation fills. */
	irqlab_irqs_free(&irqs[1], 1);
	assert_int_equal(f->pool.nr_used, 2);
	assert_null(irqlab_irq_find(f->k, 2));
	assert_kernel_clean(f->k);
	assert_int_equal(irqlab_irqs_alloc(f->bus, 1, &info, &irqs[1]), 0);
	assert_int_equal(irqs[1]->virq, 2);
	/* Two more do not fit in the hole: they go after the last. */
	struct irqlab_irq *more[2];
	irqlab_irqs_free(&irqs[1], 1);
	assert_int_equal(irqlab_irqs_alloc(f->bus, 2, &info, more), 0);
	assert_int_equal(more[0]->virq, 4);
	assert_kernel_clean(f->k);
}

static void test_all_or_nothing(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {0};
	struct irqlab_irq *irqs[POOL_SLOTS + 1];
	char *before = kernel_dump(f->k), *after;

	assert_int_equal(irqlab_irqs_alloc(f->bus, POOL_SLOTS + 1, &info, irqs), -ENOSPC);
	assert_string_equal(irqlab_kernel_error(f->k), "fake-root: no free slot");
	after = kernel_dump(f->k);
	assert_string_equal(before, after);
	assert_int_equal(f->pool.nr_used, 0);
	assert_kernel_clean(f->k);
	free(before);
	free(after);
	assert_int_equal(irqlab_irqs_alloc(f->bus, POOL_SLOTS, &info, irqs), 0);
	assert_kernel_clean(f->k);
}

/*
 * The fault walk: fail the Nth allocation point of a 3-interrupt allocation on top of an
 * existing one, for every N, and prove the error and the untouched state each time.
 */
static void test_fault_walk(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {0};
	struct irqlab_irq *first, *irqs[3];
	unsigned long points, n, sites_memory = 0, sites_slot = 0;
	char *before;

	assert_int_equal(irqlab_irqs_alloc(f->bus, 1, &info, &first), 0);
	/* Count the points of an unarmed run, then undo it. */
	irqlab_fault_arm(&f->fault, 0);
	assert_int_equal(irqlab_irqs_alloc(f->bus, 3, &info, irqs), 0);
	points = f->fault.points;
	irqlab_irqs_free(irqs, 3);
	/* Descriptors with their levels: 3 memory points, 3 slots, 3 mid blocks. */
	assert_true(points >= 9);

	before = kernel_dump(f->k);
	for (n = 1; n <= points; n++) {
		char *after;
		int err;

		irqlab_kernel_clear_error(f->k);
		irqlab_fault_arm(&f->fault, n);
		err = irqlab_irqs_alloc(f->bus, 3, &info, irqs);
		assert_non_null(f->fault.failed_site);
		assert_int_equal(err, f->fault.failed_err);
		assert_true(irqlab_kernel_error(f->k)[0] != '\0');
		sites_memory += strcmp(f->fault.failed_site, "memory") == 0;
		sites_slot += strcmp(f->fault.failed_site, "slot") == 0;
		after = kernel_dump(f->k);
		assert_string_equal(before, after);
		free(after);
		assert_kernel_clean(f->k);
	}
	assert_int_equal(sites_slot, 3);
	assert_int_equal(sites_memory, points - 3);
	/* One past the last point: nothing fails. */
	irqlab_fault_arm(&f->fault, points + 1);
	assert_int_equal(irqlab_irqs_alloc(f->bus, 3, &info, irqs), 0);
	assert_null(f->fault.failed_site);
	irqlab_fault_arm(&f->fault, 0);
	assert_kernel_clean(f->k);
	free(before);
}

static void test_activation_order(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {0};
	struct irqlab_irq *irq;

	assert_int_equal(irqlab_irqs_alloc(f->bus, 1, &info, &irq), 0);
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_string_equal(f->pool.log, "on:fake-root on:fake-mid on:fake-bus");
	assert_true(irqlab_irq_activated(irq));
	/* Activation is idempotent. */
	assert_int_equal(irqlab_irq_activate(irq, false), 0);
	assert_string_equal(f->pool.log, "on:fake-root on:fake-mid on:fake-bus");
	f->pool.log[0] = '\0';
	irqlab_irq_deactivate(irq);
	assert_string_equal(f->pool.log, "off:fake-bus off:fake-mid off:fake-root");
	assert_false(irqlab_irq_activated(irq));
	f->pool.log[0] = '\0';
	irqlab_irq_deactivate(irq);
	assert_string_equal(f->pool.log, "");

	/* A failing level deactivates the levels below it, and nothing above runs. */
	f->pool.fail_activate = -EBUSY;
	assert_int_equal(irqlab_irq_activate(irq, false), -EBUSY);
	assert_string_equal(f->pool.log, "on:fake-root off:fake-root");
	assert_false(irqlab_irq_activated(irq));
	assert_false(irq->top->parent->parent->activated);
	assert_kernel_clean(f->k);
}

/* Prepare walks root first; a level that fails leaves the levels below it aborted. */
static void test_prepare_order_and_rollback(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {0};
	struct irqlab_cpumask mask;
	struct irqlab_irq *irq;

	irqlab_cpumask_zero(&mask);
	irqlab_cpumask_set(&mask, 1);
	assert_int_equal(irqlab_irqs_alloc(f->bus, 1, &info, &irq), 0);
	assert_int_equal(irqlab_irq_prepare(irq, NULL), 0);
	assert_string_equal(f->pool.log, "prep:fake-root prep:fake-mid prep:fake-bus");
	f->pool.log[0] = '\0';
	irqlab_irq_abort(irq);
	assert_string_equal(f->pool.log, "abort:fake-bus abort:fake-mid abort:fake-root");
	f->pool.log[0] = '\0';
	assert_int_equal(irqlab_irq_prepare(irq, &mask), 0);
	assert_string_equal(f->pool.log,
			    "prep-move:fake-root prep-move:fake-mid prep-move:fake-bus");

	f->pool.log[0] = '\0';
	f->pool.fail_prepare = "fake-mid";
	assert_int_equal(irqlab_irq_prepare(irq, NULL), -ENOSPC);
	assert_string_equal(f->pool.log, "prep:fake-root abort:fake-root");
	f->pool.log[0] = '\0';
	f->pool.fail_prepare = "fake-root";
	assert_int_equal(irqlab_irq_prepare(irq, NULL), -ENOSPC);
	assert_string_equal(f->pool.log, "");
	f->pool.log[0] = '\0';
	f->pool.fail_prepare = "fake-bus";
	assert_int_equal(irqlab_irq_prepare(irq, NULL), -ENOSPC);
	assert_string_equal(f->pool.log,
			    "prep:fake-root prep:fake-mid abort:fake-mid abort:fake-root");
	assert_kernel_clean(f->k);
}

/* One error per operation: the deepest reason is kept, callers add context in front. */
static void test_error_value(void **state)
{
	struct fixture *f = *state;
	struct irqlab_error shared;

	irqlab_error_clear(&shared);
	f->k->error = &shared;
	assert_int_equal(irqlab_kernel_fail(f->k, -ENOSPC, "vector %u: none free", 3), -ENOSPC);
	assert_int_equal(irqlab_kernel_fail(f->k, -EINVAL, "later: ignored"), -EINVAL);
	assert_int_equal(shared.code, -ENOSPC);
	assert_int_equal(irqlab_error_prefix(&shared, "device %s", "nic0"), -ENOSPC);
	assert_string_equal(irqlab_kernel_error(f->k), "device nic0: vector 3: none free");
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(shared.code, 0);
	assert_string_equal(shared.msg, "");
	/* Nothing failed: no context is invented. */
	assert_int_equal(irqlab_error_prefix(&shared, "device %s", "nic0"), 0);
	assert_string_equal(shared.msg, "");
	f->k->error = &f->k->own_error;
}

static void test_negotiation(void **state)
{
	struct fixture *f = *state;
	struct irqlab_domain *ims = NULL;
	unsigned before = f->mid->nr_children;

	assert_int_equal(irqlab_domain_create(f->k, f->mid, &bus_ops, "IMS-dev0", IRQLAB_REQ_IMS,
					      NULL, &ims),
			 -EOPNOTSUPP);
	assert_null(ims);
	assert_non_null(strstr(irqlab_kernel_error(f->k), "IMS-dev0"));
	assert_non_null(strstr(irqlab_kernel_error(f->k), "fake-mid"));
	assert_non_null(strstr(irqlab_kernel_error(f->k), "IMS"));
	assert_int_equal(f->mid->nr_children, before);
	assert_null(irqlab_domain_find(f->k, "IMS-dev0"));
	/* A domain with no accept_child refuses any requirement. */
	irqlab_kernel_clear_error(f->k);
	assert_int_equal(irqlab_domain_create(f->k, f->bus, &bus_ops, "under-bus", IRQLAB_REQ_MSI,
					      NULL, &ims),
			 -EOPNOTSUPP);
	/* Names are unique within a kernel. */
	assert_int_equal(irqlab_domain_create(f->k, f->root, &bus_ops, "fake-bus", 0, NULL, &ims),
			 -EEXIST);
	assert_kernel_clean(f->k);
}

static void test_destroy(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {0};
	struct irqlab_irq *irq;
	struct irqlab_domain *extra;

	assert_int_equal(irqlab_irqs_alloc(f->bus, 1, &info, &irq), 0);
	assert_int_equal(irqlab_domain_destroy(f->bus), -EBUSY);
	assert_int_equal(irqlab_domain_destroy(f->mid), -EBUSY);
	irqlab_irqs_free(&irq, 1);
	assert_int_equal(irqlab_domain_create(f->k, f->mid, &bus_ops, "extra", 0, NULL, &extra), 0);
	assert_int_equal(f->mid->nr_children, 2);
	assert_int_equal(irqlab_domain_destroy(f->bus), 0);
	assert_null(irqlab_domain_find(f->k, "fake-bus"));
	assert_int_equal(f->mid->nr_children, 1);
	assert_kernel_clean(f->k);
	assert_int_equal(irqlab_domain_destroy(extra), 0);
	assert_ptr_equal(f->k->domains_tail, f->mid);
	assert_kernel_clean(f->k);
}

/*
 * The index by name stays exact through creations and destructions in any order (a
 * destruction from the middle of the creation list, of the newest, of the oldest).
 */
static void test_find_many(void **state)
{
	struct fixture *f = *state;
	struct irqlab_domain *d[300];
	char name[32];
	unsigned i;

	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "dev%u", (i * 7919u) % 300);
		assert_int_equal(irqlab_domain_create(f->k, f->mid, &bus_ops, name, 0, NULL, &d[i]),
				 0);
	}
	for (i = 0; i < 300; i += 3)
		assert_int_equal(irqlab_domain_destroy(d[i]), 0);
	assert_int_equal(irqlab_domain_destroy(d[299]), 0);
	assert_int_equal(irqlab_domain_destroy(d[1]), 0);
	for (i = 0; i < 300; i++) {
		bool gone = i % 3 == 0 || i == 299 || i == 1;

		snprintf(name, sizeof(name), "dev%u", (i * 7919u) % 300);
		assert_ptr_equal(irqlab_domain_find(f->k, name), gone ? NULL : d[i]);
	}
	assert_ptr_equal(irqlab_domain_find(f->k, "fake-bus"), f->bus);
	assert_null(irqlab_domain_find(f->k, "dev"));
	assert_ptr_equal(f->k->domains_tail, d[298]);
	for (i = 0; i < 300; i++)
		if (!(i % 3 == 0 || i == 299 || i == 1))
			assert_int_equal(irqlab_domain_destroy(d[i]), 0);
	assert_ptr_equal(f->k->domains_tail, f->bus);
	assert_kernel_clean(f->k);
}

static void test_check_detects_corruption(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {0};
	struct irqlab_irq *irq;
	char why[256];

	assert_int_equal(irqlab_irqs_alloc(f->bus, 1, &info, &irq), 0);
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), 0);
	assert_string_equal(why, "");

	f->mid->nr_irqs++;
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "domain fake-mid: counts 2 interrupts, 1 have a level in it");
	f->mid->nr_irqs--;

	f->pool.nr_used++;
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "fake-root: 1 slots used, counter 2, 1 irqs");
	f->pool.nr_used--;

	irq->top->parent->domain = f->bus;
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "irq 1: level 2 is in fake-bus, expected fake-mid");
	irq->top->parent->domain = f->mid;

	irq->top->activated = true;
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "irq 1: fake-bus is active above inactive fake-mid");
	irq->top->activated = false;

	f->k->nr_irqs = 7;
	assert_int_equal(irqlab_kernel_check(f->k, why, sizeof(why)), -EFAULT);
	assert_string_equal(why, "kernel test: 1 interrupts in the table, 7 counted");
	f->k->nr_irqs = 1;
	assert_kernel_clean(f->k);
}

static void test_kernel_free_with_live_irqs(void **state)
{
	struct fixture *f = *state;
	struct irqlab_alloc_info info = {0};
	struct irqlab_irq *irqs[4];

	assert_int_equal(irqlab_irqs_alloc(f->bus, 4, &info, irqs), 0);
	assert_int_equal(irqlab_irq_activate(irqs[2], false), 0);
	/* Teardown frees them; ASan's leak check proves nothing is left. */
}

static void test_kernel_new_rejects_bad_cpu_counts(void **state)
{
	assert_null(irqlab_kernel_new("x", 0, NULL));
	assert_null(irqlab_kernel_new("x", IRQLAB_MAX_CPUS + 1, NULL));
	struct irqlab_kernel *k = irqlab_kernel_new("x", IRQLAB_MAX_CPUS, NULL);
	assert_non_null(k);
	assert_int_equal(irqlab_cpumask_weight(&k->online), IRQLAB_MAX_CPUS);
	irqlab_kernel_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_builds_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activation_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negotiation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prepare_order_and_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_detects_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_free_with_live_irqs, setup, teardown),
		cmocka_unit_test(test_kernel_new_rejects_bad_cpu_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
