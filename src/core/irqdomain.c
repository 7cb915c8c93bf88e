// SPDX-License-Identifier: MIT
/*
 * The domain hierarchy engine. See irqdomain.h for the contract; the comments here say why
 * the steps are ordered as they are.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/msi_msg.h"
#include "core/irqdomain.h"
#include "core/mask_table.h"

struct irqlab_kernel *irqlab_kernel_new(const char *name, unsigned ncpus,
					struct irqlab_fault *fault)
{
	struct irqlab_kernel *k;

	if (ncpus == 0 || ncpus > IRQLAB_MAX_CPUS)
		return NULL;
	k = irqlab_fault_zalloc(fault, sizeof(*k));
	if (!k)
		return NULL;
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->ncpus = ncpus;
	irqlab_cpumask_set_range(&k->online, 0, ncpus - 1);
	k->fault = fault ? fault : &k->own_fault;
	k->error = &k->own_error;
	k->first_virq = 1;
	if (irqlab_mask_table_init(&k->masks, ncpus, k->fault))
		goto out_free_kernel;
	/* The default affinity, held for the kernel's life: most interrupts share it. */
	k->all_cpus = irqlab_mask_hold(&k->masks, &k->online);
	if (!k->all_cpus)
		goto out_release_masks;
	return k;

out_release_masks:
	irqlab_mask_table_release(&k->masks);
out_free_kernel:
	free(k);
	return NULL;
}

static void domain_release(struct irqlab_domain *d)
{
	if (d->ops->destroy)
		d->ops->destroy(d);
	free(d);
}

void irqlab_kernel_free(struct irqlab_kernel *k)
{
	struct irqlab_domain *d, *next, *newest_first = NULL;

	if (!k)
		return;
	for (unsigned v = 0; v < k->irq_slots; v++) {
		struct irqlab_irq *irq = k->irqs[v];

		if (irq)
			irqlab_irqs_free(&irq, 1);
	}
	/*
	 * Domains were created parents first; releasing them newest first takes every child
	 * before its parent.
	 */
	for (d = k->domains; d; d = next) {
		next = d->next;
		d->next = newest_first;
		newest_first = d;
	}
	for (d = newest_first; d; d = next) {
		next = d->next;
		domain_release(d);
	}
	irqlab_mask_put(&k->masks, k->all_cpus);
	irqlab_mask_table_release(&k->masks);
	free(k->irqs);
	irqlab_id_log_release(&k->dirty);
	irqlab_id_log_release(&k->retriggers);
	free(k);
}

int irqlab_kernel_fail(struct irqlab_kernel *k, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	irqlab_error_vset(k->error, err, fmt, ap);
	va_end(ap);
	return err;
}

void irqlab_kernel_clear_error(struct irqlab_kernel *k)
{
	irqlab_error_clear(k->error);
}

const char *irqlab_kernel_error(const struct irqlab_kernel *k)
{
	return k->error->msg;
}

/*
 * The index of domains by name, without an allocation of its own: a treap (a search tree by
 * name and creation order whose shape a priority drawn from the creation order keeps balanced
 * as expected), so that creating or destroying one of thousands of per-device domains does not
 * compare every name.
 */
static unsigned long name_priority_of(unsigned long seq)
{
	unsigned long long x = seq + 0x9e3779b97f4a7c15ull;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return (unsigned long)(x ^ (x >> 31));
}

/* The side of @root where @d belongs. */
static int name_side(const struct irqlab_domain *root, const struct irqlab_domain *d)
{
	int cmp = strcmp(d->name, root->name);

	return cmp ? cmp > 0 : d->seq > root->seq;
}

static struct irqlab_domain *name_insert(struct irqlab_domain *root, struct irqlab_domain *d)
{
	struct irqlab_domain *child;
	int side;

	if (!root)
		return d;
	side = name_side(root, d);
	child = name_insert(root->by_name[side], d);
	root->by_name[side] = child;
	if (child->name_priority <= root->name_priority)
		return root;
	root->by_name[side] = child->by_name[!side];
	child->by_name[!side] = root;
	return child;
}

/* Joins two trees, every domain of @lo sorting before every one of @hi. */
static struct irqlab_domain *name_merge(struct irqlab_domain *lo, struct irqlab_domain *hi)
{
	if (!lo || !hi)
		return lo ? lo : hi;
	if (lo->name_priority > hi->name_priority) {
		lo->by_name[1] = name_merge(lo->by_name[1], hi);
		return lo;
	}
	hi->by_name[0] = name_merge(lo, hi->by_name[0]);
	return hi;
}

static struct irqlab_domain *name_remove(struct irqlab_domain *root, struct irqlab_domain *d)
{
	int side;

	if (root == d)
		return name_merge(d->by_name[0], d->by_name[1]);
	side = name_side(root, d);
	root->by_name[side] = name_remove(root->by_name[side], d);
	return root;
}

int irqlab_domain_create(struct irqlab_kernel *k, struct irqlab_domain *parent,
			 const struct irqlab_domain_ops *ops, const char *name, unsigned required,
			 void *priv, struct irqlab_domain **out)
{
	struct irqlab_domain *d;

	if (irqlab_domain_find(k, name))
		return irqlab_kernel_fail(k, -EEXIST, "domain %s: already exists in %s", name,
					  k->name);
	/*
	 * Negotiation comes before anything is allocated: a refusal must leave nothing behind,
	 * and the requirement is judged by the parent chain, never by the child.
	 */
	if (parent) {
		struct irqlab_strbuf why = IRQLAB_STRBUF_INIT;
		int err = parent->ops->accept_child
				  ? parent->ops->accept_child(parent, required, &why)
				  : (required ? -EOPNOTSUPP : 0);

		if (err) {
			irqlab_kernel_fail(
				k, err, "domain %s: parent %s refuses: %s", name, parent->name,
				why.len ? irqlab_strbuf_str(&why) : "no requirement is met");
			irqlab_strbuf_release(&why);
			return err;
		}
		irqlab_strbuf_release(&why);
	}
	d = irqlab_fault_zalloc(k->fault, sizeof(*d));
	if (!d)
		return irqlab_kernel_fail(k, -ENOMEM, "domain %s: out of memory", name);
	d->kernel = k;
	d->parent = parent;
	d->ops = ops;
	d->priv = priv;
	d->depth = parent ? parent->depth + 1 : 1;
	d->seq = k->domain_seq++;
	snprintf(d->name, sizeof(d->name), "%s", name);
	if (parent) {
		parent->nr_children++;
		irqlab_domain_touch(parent);
	}
	irqlab_domain_touch(d);
	d->prev = k->domains_tail;
	if (k->domains_tail)
		k->domains_tail->next = d;
	else
		k->domains = d;
	k->domains_tail = d;
	d->name_priority = name_priority_of(d->seq);
	k->domains_by_name = name_insert(k->domains_by_name, d);
	*out = d;
	return 0;
}

int irqlab_domain_destroy(struct irqlab_domain *d)
{
	struct irqlab_kernel *k = d->kernel;
	struct irqlab_domain **pp;

	if (d->nr_irqs || d->nr_children)
		return irqlab_kernel_fail(k, -EBUSY,
					  "domain %s: still has %lu interrupts and %u children",
					  d->name, d->nr_irqs, d->nr_children);
	if (d->prev)
		d->prev->next = d->next;
	else
		k->domains = d->next;
	if (d->next)
		d->next->prev = d->prev;
	else
		k->domains_tail = d->prev;
	k->domains_by_name = name_remove(k->domains_by_name, d);
	if (d->parent)
		d->parent->nr_children--;
	if (d->dirty) {
		for (pp = &k->dirty_domains; *pp != d; pp = &(*pp)->dirty_next)
			;
		*pp = d->dirty_next;
	}
	domain_release(d);
	return 0;
}

struct irqlab_domain *irqlab_domain_find(struct irqlab_kernel *k, const char *name)
{
	struct irqlab_domain *d = k->domains_by_name, *found = NULL;

	/* On a match keep going left: an older domain of the same name sorts before it. */
	while (d) {
		int cmp = strcmp(name, d->name);

		if (cmp == 0)
			found = d;
		d = d->by_name[cmp > 0];
	}
	return found;
}

/* Finds n consecutive free virqs, growing the table when none are left. */
static int virq_range_find(struct irqlab_kernel *k, unsigned n, unsigned *base)
{
	unsigned run = 0, v, need, slots;
	struct irqlab_irq **grown;

	/* Everything below the hint is taken: one-at-a-time allocation stays O(1). */
	for (v = k->free_hint > k->first_virq ? k->free_hint : k->first_virq; v < k->irq_slots;
	     v++) {
		run = k->irqs[v] ? 0 : run + 1;
		if (run == n) {
			*base = v + 1 - n;
			return 0;
		}
	}
	/* The free run at the end, if any, continues into the new slots. */
	*base = k->irq_slots > k->first_virq ? k->irq_slots - run : k->first_virq;
	need = *base + n;
	slots = k->irq_slots ? k->irq_slots : 64;
	while (slots < need)
		slots *= 2;
	if (irqlab_fault_point(k->fault, "memory", -ENOMEM))
		return -ENOMEM;
	grown = realloc(k->irqs, slots * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	memset(grown + k->irq_slots, 0, (slots - k->irq_slots) * sizeof(*grown));
	k->irqs = grown;
	k->irq_slots = slots;
	return 0;
}

void irqlab_irq_list_add(struct irqlab_irq *irq, enum irqlab_irq_list_id id)
{
	struct irqlab_irq_list *l = &irq->kernel->lists[id];

	irq->links[id] = (struct irqlab_irq_link){.next = l->head};
	if (l->head)
		l->head->links[id].prev = irq;
	l->head = irq;
	l->n++;
}

void irqlab_irq_list_del(struct irqlab_irq *irq, enum irqlab_irq_list_id id)
{
	struct irqlab_irq_list *l = &irq->kernel->lists[id];
	struct irqlab_irq_link *link = &irq->links[id];

	if (link->prev)
		link->prev->links[id].next = link->next;
	else
		l->head = link->next;
	if (link->next)
		link->next->links[id].prev = link->prev;
	*link = (struct irqlab_irq_link){0};
	l->n--;
}

void irqlab_irq_set_managed_shutdown(struct irqlab_irq *irq, bool shutdown)
{
	if (irq->managed_shutdown == shutdown)
		return;
	irq->managed_shutdown = shutdown;
	irqlab_irq_touch(irq);
	if (shutdown)
		irqlab_irq_list_add(irq, IRQLAB_IRQS_SHUT_DOWN);
	else
		irqlab_irq_list_del(irq, IRQLAB_IRQS_SHUT_DOWN);
}

static void irq_desc_free(struct irqlab_irq *irq)
{
	irqlab_irq_set_managed_shutdown(irq, false);
	irqlab_irq_forget_pending(irq);
	irqlab_mask_put(&irq->kernel->masks, irq->affinity);
	free(irq);
}

/*
 * The descriptor and one level per domain from @d to the root (Linux's
 * irq_domain_alloc_irq_data), in one block: a level is found by its domain's depth.
 */
static struct irqlab_irq *irq_desc_alloc(struct irqlab_domain *d, unsigned virq,
					 const struct irqlab_alloc_info *info, unsigned i)
{
	struct irqlab_kernel *k = d->kernel;
	struct irqlab_irq *irq =
		irqlab_fault_zalloc(k->fault, sizeof(*irq) + d->depth * sizeof(irq->levels[0]));
	struct irqlab_irq_data **link;
	unsigned n = 0;

	if (!irq)
		return NULL;
	irq->kernel = k;
	irq->virq = virq;
	irq->depth = d->depth;
	irq->dev = info->dev;
	irq->index = info->hwirq + i;
	irq->managed = info->flags & IRQLAB_ALLOC_F_MANAGED;
	irq->maskable = info->flags & IRQLAB_ALLOC_F_CAN_RESERVE;
	irq->affinity = irqlab_mask_hold(&k->masks, info->masks ? &info->masks[i] : k->all_cpus);
	if (!irq->affinity) {
		free(irq);
		return NULL;
	}
	link = &irq->top;
	for (struct irqlab_domain *level = d; level; level = level->parent) {
		struct irqlab_irq_data *data = &irq->levels[n++];

		data->irq = irq;
		data->domain = level;
		*link = data;
		link = &data->parent;
	}
	return irq;
}

int irqlab_irqs_alloc(struct irqlab_domain *d, unsigned n, const struct irqlab_alloc_info *info,
		      struct irqlab_irq **out)
{
	struct irqlab_kernel *k = d->kernel;
	unsigned base, i;
	int err;

	if (n == 0 || !d->ops->alloc)
		return irqlab_kernel_fail(k, -EINVAL, "domain %s: cannot allocate %u interrupts",
					  d->name, n);
	err = virq_range_find(k, n, &base);
	if (err)
		return irqlab_kernel_fail(k, err, "domain %s: no memory for %u descriptors",
					  d->name, n);
	for (i = 0; i < n; i++) {
		out[i] = irq_desc_alloc(d, base + i, info, i);
		if (!out[i]) {
			err = irqlab_kernel_fail(k, -ENOMEM, "domain %s: no memory for descriptors",
						 d->name);
			goto out_free_descs;
		}
	}
	err = d->ops->alloc(d, out, n, info);
	if (err)
		goto out_free_descs;
	/* Only a complete allocation becomes visible. */
	if (base <= k->free_hint || base == k->first_virq)
		k->free_hint = base + n;
	for (i = 0; i < n; i++) {
		k->irqs[base + i] = out[i];
		for (struct irqlab_irq_data *data = out[i]->top; data; data = data->parent)
			data->domain->nr_irqs++;
		irqlab_irq_touch(out[i]);
	}
	k->nr_irqs += n;
	return 0;

out_free_descs:
	while (i-- > 0) {
		irq_desc_free(out[i]);
		out[i] = NULL;
	}
	return err;
}

void irqlab_irqs_free(struct irqlab_irq **irqs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq *irq = irqs[i];
		struct irqlab_kernel *k = irq->kernel;

		irqlab_irq_deactivate(irq);
		k->irqs[irq->virq] = NULL;
		k->nr_irqs--;
		if (irq->virq < k->free_hint)
			k->free_hint = irq->virq;
		for (struct irqlab_irq_data *data = irq->top; data; data = data->parent) {
			data->domain->nr_irqs--;
			irqlab_domain_touch(data->domain);
		}
		/* One at a time, top level first, as Linux's irq_domain_free_irqs_hierarchy. */
		irq->top->domain->ops->free(irq->top->domain, &irq, 1);
		irq_desc_free(irq);
	}
}

int irqlab_domain_alloc_parent(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
			       const struct irqlab_alloc_info *info)
{
	if (!d->parent)
		return -ENOSYS;
	if (!d->parent->ops->alloc)
		return irqlab_kernel_fail(d->kernel, -ENOSYS, "domain %s: cannot allocate",
					  d->parent->name);
	return d->parent->ops->alloc(d->parent, irqs, n, info);
}

void irqlab_domain_free_parent(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	if (d->parent && d->parent->ops->free)
		d->parent->ops->free(d->parent, irqs, n);
}

struct irqlab_irq_data *irqlab_irq_data_of(struct irqlab_irq *irq, const struct irqlab_domain *d)
{
	unsigned i;

	if (!d || d->depth > irq->depth)
		return NULL;
	i = irq->depth - d->depth;
	return irq->levels[i].domain == d ? &irq->levels[i] : NULL;
}

/* Kept newest first: a domain touched is most often one of the newest, found at once. */
void irqlab_domain_touch(struct irqlab_domain *d)
{
	struct irqlab_domain **pp = &d->kernel->dirty_domains;

	if (d->dirty)
		return;
	while (*pp && (*pp)->seq > d->seq)
		pp = &(*pp)->dirty_next;
	d->dirty = true;
	d->dirty_next = *pp;
	*pp = d;
}

void irqlab_irq_touch(struct irqlab_irq *irq)
{
	struct irqlab_kernel *k = irq->kernel;

	for (struct irqlab_irq_data *data = irq->top; data; data = data->parent)
		irqlab_domain_touch(data->domain);
	if (irq->dirty || k->dirty.overflow)
		return;
	/* A log that cannot grow costs a full check, never a failure. */
	irqlab_id_log_add(&k->dirty, irq->virq);
	irq->dirty = !k->dirty.overflow;
}

struct irqlab_irq *irqlab_irq_find(struct irqlab_kernel *k, unsigned virq)
{
	return virq < k->irq_slots ? k->irqs[virq] : NULL;
}

static void deactivate_level(struct irqlab_irq_data *data)
{
	for (; data; data = data->parent) {
		if (!data->activated)
			continue;
		if (data->domain->ops->deactivate)
			data->domain->ops->deactivate(data->domain, data);
		data->activated = false;
	}
}

static int activate_level(struct irqlab_irq_data *data, bool reserve)
{
	int err = 0;

	if (data->activated)
		return 0;
	if (data->parent)
		err = activate_level(data->parent, reserve);
	if (!err && data->domain->ops->activate) {
		err = data->domain->ops->activate(data->domain, data, reserve);
		/* A level that fails leaves nothing programmed below it either. */
		if (err && data->parent)
			deactivate_level(data->parent);
	}
	if (!err)
		data->activated = true;
	return err;
}

static void abort_level(struct irqlab_irq_data *data)
{
	for (; data; data = data->parent)
		if (data->domain->ops->abort)
			data->domain->ops->abort(data);
}

static int prepare_level(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask)
{
	int err = 0;

	if (data->parent)
		err = prepare_level(data->parent, mask);
	if (!err && data->domain->ops->prepare) {
		err = data->domain->ops->prepare(data, mask);
		/* As activation: a level that fails leaves nothing taken below it. */
		if (err && data->parent)
			abort_level(data->parent);
	}
	return err;
}

int irqlab_irq_prepare(struct irqlab_irq *irq, const struct irqlab_cpumask *mask)
{
	irqlab_irq_touch(irq);
	return prepare_level(irq->top, mask);
}

void irqlab_irq_abort(struct irqlab_irq *irq)
{
	irqlab_irq_touch(irq);
	abort_level(irq->top);
}

void irqlab_irq_abort_above_level(struct irqlab_irq_data *data)
{
	for (; data && data->parent; data = data->parent)
		if (data->domain->ops->abort)
			data->domain->ops->abort(data);
}

/* The levels from @data down to the root's child, root first: the root is the caller's. */
static int prepare_above(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask)
{
	int err = 0;

	if (!data->parent)
		return 0;
	err = prepare_above(data->parent, mask);
	if (!err && data->domain->ops->prepare) {
		err = data->domain->ops->prepare(data, mask);
		if (err)
			irqlab_irq_abort_above_level(data->parent);
	}
	return err;
}

int irqlab_irq_prepare_above(struct irqlab_irq *irq, const struct irqlab_cpumask *mask)
{
	irqlab_irq_touch(irq);
	return prepare_above(irq->top, mask);
}

void irqlab_irq_abort_above(struct irqlab_irq *irq)
{
	irqlab_irq_touch(irq);
	irqlab_irq_abort_above_level(irq->top);
}

int irqlab_irq_activate(struct irqlab_irq *irq, bool reserve)
{
	irqlab_irq_touch(irq);
	return activate_level(irq->top, reserve);
}

void irqlab_irq_mark_inactive(struct irqlab_irq *irq)
{
	irqlab_irq_touch(irq);
	for (struct irqlab_irq_data *data = irq->top; data; data = data->parent)
		data->activated = false;
}

void irqlab_irq_spread_affinity(unsigned ncpus, unsigned n, struct irqlab_cpumask *masks)
{
	unsigned first = 0;

	for (unsigned i = 0; i < n; i++) {
		unsigned size;

		irqlab_cpumask_zero(&masks[i]);
		if (n >= ncpus) {
			irqlab_cpumask_set(&masks[i], i % ncpus);
			continue;
		}
		size = ncpus / n + (i < ncpus % n);
		irqlab_cpumask_set_range(&masks[i], first, first + size - 1);
		first += size;
	}
}

void irqlab_irq_deactivate(struct irqlab_irq *irq)
{
	irqlab_irq_touch(irq);
	deactivate_level(irq->top);
}

bool irqlab_irq_activated(const struct irqlab_irq *irq)
{
	return irq->top->activated;
}

int irqlab_irq_compose_msg(struct irqlab_irq_data *data, struct irqlab_msi_msg *msg)
{
	for (; data; data = data->parent)
		if (data->domain->ops->compose_msg)
			return data->domain->ops->compose_msg(data, msg);
	return -ENOSYS;
}

int irqlab_irq_set_affinity_parent(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
				   bool force)
{
	irqlab_irq_touch(data->irq);
	for (data = data->parent; data; data = data->parent)
		if (data->domain->ops->set_affinity)
			return data->domain->ops->set_affinity(data, mask, force);
	return -ENOSYS;
}

int irqlab_irq_write_composed(struct irqlab_irq *irq)
{
	struct irqlab_irq_data *top = irq->top;
	struct irqlab_msi_msg msg;
	int err;

	if (!top->domain->ops->write_msg)
		return 0;
	irqlab_irq_touch(irq);
	err = irqlab_irq_compose_msg(top->parent, &msg);
	if (!err)
		top->domain->ops->write_msg(top, &msg);
	return err;
}

/* After a move: a message it latched must be resent by the fabric (see irqlab_kernel_retriggers).
 */
static void note_retrigger(struct irqlab_irq *irq)
{
	struct irqlab_kernel *k = irq->kernel;

	if (irq->retrigger)
		irqlab_id_log_add(&k->retriggers, irq->virq);
}

static int virq_cmp(const void *a, const void *b)
{
	unsigned va = *(const unsigned *)a, vb = *(const unsigned *)b;

	return va < vb ? -1 : va > vb;
}

bool irqlab_kernel_retriggers(struct irqlab_kernel *k, const unsigned **virqs, unsigned *n)
{
	unsigned kept = 0;

	struct irqlab_id_log *log = &k->retriggers;

	if (log->overflow)
		return false;
	if (log->n > 1)
		qsort(log->ids, log->n, sizeof(*log->ids), virq_cmp);
	for (unsigned i = 0; i < log->n; i++)
		if (!kept || log->ids[kept - 1] != log->ids[i])
			log->ids[kept++] = log->ids[i];
	log->n = kept;
	*virqs = log->ids;
	*n = kept;
	return true;
}

void irqlab_kernel_retriggers_clear(struct irqlab_kernel *k)
{
	irqlab_id_log_clear(&k->retriggers);
}

/*
 * @irq's affinity becomes @held (a reference the caller took) when the move succeeded; the
 * reference that loses goes back.
 */
static int record_affinity(struct irqlab_irq *irq, const struct irqlab_cpumask *held, int ret)
{
	struct irqlab_mask_table *t = &irq->kernel->masks;

	if (ret >= 0) {
		irqlab_mask_put(t, irq->affinity);
		irq->affinity = held;
	} else {
		irqlab_mask_put(t, held);
	}
	return ret;
}

static const struct irqlab_cpumask *hold_affinity(struct irqlab_irq *irq,
						  const struct irqlab_cpumask *mask)
{
	const struct irqlab_cpumask *held = irqlab_mask_hold(&irq->kernel->masks, mask);

	if (!held)
		irqlab_kernel_fail(irq->kernel, -ENOMEM, "irq %u: no memory for its affinity mask",
				   irq->virq);
	return held;
}

int irqlab_irq_move_below(struct irqlab_irq *irq, const struct irqlab_cpumask *mask, bool force)
{
	const struct irqlab_cpumask *held = hold_affinity(irq, mask);
	int ret;

	if (!held)
		return -ENOMEM;
	irqlab_irq_touch(irq);
	ret = record_affinity(irq, held, irqlab_irq_set_affinity_parent(irq->top, mask, force));
	note_retrigger(irq);
	return ret;
}

int irqlab_irq_set_affinity(struct irqlab_irq *irq, const struct irqlab_cpumask *mask, bool force)
{
	struct irqlab_irq_data *top = irq->top;
	const struct irqlab_cpumask *held;
	int ret;

	if (!top->domain->ops->set_affinity) {
		/*
		 * No setter of its own: the parents move it, then the new message is written, as
		 * Linux's msi_domain_set_affinity does.
		 */
		ret = irqlab_irq_move_below(irq, mask, force);
		if (ret == IRQLAB_SET_AFFINITY_OK)
			irqlab_irq_write_composed(irq);
		return ret;
	}
	held = hold_affinity(irq, mask);
	if (!held)
		return -ENOMEM;
	irqlab_irq_touch(irq);
	ret = record_affinity(irq, held, top->domain->ops->set_affinity(top, mask, force));
	note_retrigger(irq);
	return ret;
}

static int check_irq(struct irqlab_kernel *k, unsigned virq, struct irqlab_irq *irq,
		     struct irqlab_strbuf *why)
{
	struct irqlab_irq_data *data = irq->top;
	struct irqlab_domain *d;
	unsigned levels = 0;

	if (irq->virq != virq || irq->kernel != k)
		return irqlab_check_fail(why, "irq %u: descriptor says virq %u in %s", virq,
					 irq->virq, irq->kernel ? irq->kernel->name : "no kernel");
	if (!data)
		return irqlab_check_fail(why, "irq %u: has no levels", virq);
	if (irq->move_pending != (irq->pending_mask != NULL))
		return irqlab_check_fail(why, "irq %u: a move is %spending, %s mask", virq,
					 irq->move_pending ? "" : "not ",
					 irq->pending_mask ? "with a" : "with no");
	if (!irq->affinity)
		return irqlab_check_fail(why, "irq %u: has no affinity mask", virq);
	for (d = data->domain; data; data = data->parent, d = d ? d->parent : NULL) {
		levels++;
		if (data->irq != irq)
			return irqlab_check_fail(
				why, "irq %u: level %u points at another descriptor", virq, levels);
		if (data->domain != d)
			return irqlab_check_fail(why, "irq %u: level %u is in %s, expected %s",
						 virq, levels, data->domain->name,
						 d ? d->name : "(none)");
		if (data->parent && data->activated && !data->parent->activated)
			return irqlab_check_fail(why, "irq %u: %s is active above inactive %s",
						 virq, data->domain->name,
						 data->parent->domain->name);
	}
	if (d)
		return irqlab_check_fail(why, "irq %u: chain stops above domain %s", virq, d->name);
	if (levels != irq->depth)
		return irqlab_check_fail(why, "irq %u: %u levels, descriptor says %u", virq, levels,
					 irq->depth);
	return 0;
}

/* Forgets what changed: the check that follows starts from here. */
static void forget_changes(struct irqlab_kernel *k)
{
	struct irqlab_domain *d, *next;

	for (unsigned i = 0; i < k->dirty.n; i++) {
		struct irqlab_irq *irq = irqlab_irq_find(k, k->dirty.ids[i]);

		if (irq)
			irq->dirty = false;
	}
	irqlab_id_log_clear(&k->dirty);
	for (d = k->dirty_domains; d; d = next) {
		next = d->dirty_next;
		d->dirty = false;
		d->dirty_next = NULL;
	}
	k->dirty_domains = NULL;
}

/* The list of changed domains, newest first, turned to oldest first and back. */
static void reverse_dirty_domains(struct irqlab_kernel *k)
{
	for (struct irqlab_domain *d = k->dirty_domains, *prev = NULL, *next; d; d = next) {
		next = d->dirty_next;
		d->dirty_next = prev;
		prev = d;
		if (!next)
			k->dirty_domains = d;
	}
}

static int check_result(struct irqlab_strbuf *why, int err, char *why_out, size_t len)
{
	if (err && why_out && len)
		snprintf(why_out, len, "%s", irqlab_strbuf_str(why));
	else if (why_out && len)
		why_out[0] = '\0';
	irqlab_strbuf_release(why);
	return err ? -EFAULT : 0;
}

/*
 * One walk of the interrupts and one of the domains: each level is counted in its own domain
 * as the chains are checked, each child in its parent, so the cost is the size of the state
 * and not domains times interrupts.
 */
/*
 * List @id of @k holds exactly the @marked interrupts whose flag for it is set, each once, its
 * links both ways. @what names them in a sentence ("interrupts shut down").
 */
static int check_irq_list(struct irqlab_kernel *k, enum irqlab_irq_list_id id, unsigned marked,
			  const char *what, struct irqlab_strbuf *why)
{
	const struct irqlab_irq_list *l = &k->lists[id];
	unsigned listed = 0;

	for (struct irqlab_irq *irq = l->head; irq; irq = irq->links[id].next) {
		bool flag = id == IRQLAB_IRQS_SHUT_DOWN ? irq->managed_shutdown : irq->move_pending;
		struct irqlab_irq *next = irq->links[id].next;

		if (!flag || irq->kernel != k || ++listed > k->nr_irqs)
			return irqlab_check_fail(
				why,
				"kernel %s: irq %u is listed among its %s unmarked, "
				"or the list loops",
				k->name, irq->virq, what);
		if (next && next->links[id].prev != irq)
			return irqlab_check_fail(why,
						 "kernel %s: the list of %s breaks after irq %u",
						 k->name, what, irq->virq);
	}
	if (listed != marked || listed != l->n)
		return irqlab_check_fail(why, "kernel %s: %u %s, %u listed, %u counted", k->name,
					 marked, what, listed, l->n);
	return 0;
}

/*
 * In one walk of the interrupts: the two lists hold exactly the interrupts marked for them,
 * and the mask table's references are the kernel's all_cpus plus every interrupt's affinity
 * and pending mask, no more (a leaked hold) and no fewer.
 */
static int check_lists_and_masks(struct irqlab_kernel *k, struct irqlab_strbuf *why)
{
	unsigned shut_down = 0, pending = 0;
	unsigned long holders = 1, refs;
	int err;

	for (unsigned v = 0; v < k->irq_slots; v++) {
		const struct irqlab_irq *irq = k->irqs[v];

		if (!irq)
			continue;
		shut_down += irq->managed_shutdown;
		pending += irq->move_pending;
		holders += 1 + (irq->pending_mask != NULL);
	}
	err = check_irq_list(k, IRQLAB_IRQS_SHUT_DOWN, shut_down, "interrupts shut down", why);
	if (!err)
		err = check_irq_list(k, IRQLAB_IRQS_MOVE_PENDING, pending, "moves pending", why);
	if (err)
		return err;
	refs = irqlab_mask_table_refs(&k->masks);
	if (refs != holders)
		return irqlab_check_fail(why,
					 "kernel %s: %lu references to its CPU masks, %lu holders",
					 k->name, refs, holders);
	return 0;
}

int irqlab_kernel_check(struct irqlab_kernel *k, char *why_out, size_t len)
{
	struct irqlab_strbuf why = IRQLAB_STRBUF_INIT;
	struct irqlab_domain *d;
	unsigned counted = 0;
	int err = 0;

	forget_changes(k);
	for (d = k->domains; d; d = d->next)
		d->seen = 0;
	for (unsigned v = 0; v < k->irq_slots && !err; v++) {
		if (!k->irqs[v])
			continue;
		counted++;
		err = check_irq(k, v, k->irqs[v], &why);
		for (struct irqlab_irq_data *data = k->irqs[v]->top; data && !err;
		     data = data->parent)
			data->domain->seen++;
	}
	if (!err && counted != k->nr_irqs)
		err = irqlab_check_fail(&why, "kernel %s: %u interrupts in the table, %u counted",
					k->name, counted, k->nr_irqs);
	if (!err)
		err = check_lists_and_masks(k, &why);
	/* The levels are counted; now the children, in the same scratch counter. */
	for (d = k->domains; d && !err; d = d->next) {
		if (d->seen != d->nr_irqs)
			err = irqlab_check_fail(
				&why, "domain %s: counts %lu interrupts, %lu have a level in it",
				d->name, d->nr_irqs, d->seen);
	}
	for (d = k->domains; d && !err; d = d->next)
		d->seen = 0;
	for (d = k->domains; d && !err; d = d->next)
		if (d->parent)
			d->parent->seen++;
	for (d = k->domains; d && !err; d = d->next) {
		if (d->seen != d->nr_children)
			err = irqlab_check_fail(&why, "domain %s: counts %u children, has %lu",
						d->name, d->nr_children, d->seen);
		else if (d->ops->check)
			err = d->ops->check(d, &why);
	}
	return check_result(&why, err, why_out, len);
}

int irqlab_kernel_check_changed(struct irqlab_kernel *k, char *why_out, size_t len)
{
	struct irqlab_strbuf why = IRQLAB_STRBUF_INIT;
	int err = 0;

	if (k->dirty.overflow)
		return irqlab_kernel_check(k, why_out, len);
	for (unsigned i = 0; i < k->dirty.n && !err; i++) {
		unsigned v = k->dirty.ids[i];
		struct irqlab_irq *irq = irqlab_irq_find(k, v);

		/* Freed since (its domains were marked). */
		if (!irq || !irq->dirty)
			continue;
		err = check_irq(k, v, irq, &why);
		for (struct irqlab_irq_data *data = irq->top; data && !err; data = data->parent)
			if (data->domain->ops->check_irq)
				err = data->domain->ops->check_irq(data, &why);
	}
	/* The books are checked in creation order, as in the full check. */
	reverse_dirty_domains(k);
	for (struct irqlab_domain *d = k->dirty_domains; d && !err; d = d->dirty_next) {
		if (d->ops->check_changed)
			err = d->ops->check_changed(d, &why);
		else if (d->ops->check)
			err = d->ops->check(d, &why);
	}
	if (!err)
		forget_changes(k);
	else
		reverse_dirty_domains(k);
	return check_result(&why, err, why_out, len);
}

void irqlab_kernel_dump(struct irqlab_kernel *k, struct irqlab_strbuf *out)
{
	char cpus[64];

	irqlab_cpumask_format(&k->online, cpus, sizeof(cpus));
	irqlab_strbuf_printf(out, "kernel %s cpus=%u online=%s irqs=%u\n", k->name, k->ncpus, cpus,
			     k->nr_irqs);
	for (struct irqlab_domain *d = k->domains; d; d = d->next) {
		irqlab_strbuf_printf(out, "domain %s parent=%s irqs=%lu children=%u\n", d->name,
				     d->parent ? d->parent->name : "-", d->nr_irqs, d->nr_children);
		if (d->ops->dump)
			d->ops->dump(d, out);
	}
	for (unsigned v = 0; v < k->irq_slots; v++) {
		struct irqlab_irq *irq = k->irqs[v];

		if (!irq)
			continue;
		irqlab_cpumask_format(irq->affinity, cpus, sizeof(cpus));
		irqlab_strbuf_printf(out, "irq %u index=%u affinity=%s%s%s%s\n", v, irq->index,
				     cpus, irq->managed ? " managed" : "",
				     irq->managed_shutdown ? " shutdown" : "",
				     irq->started ? " started" : "");
		if (irq->move_pending) {
			irqlab_cpumask_format(irq->pending_mask, cpus, sizeof(cpus));
			irqlab_strbuf_printf(out, "  pending move to %s\n", cpus);
		}
		for (struct irqlab_irq_data *data = irq->top; data; data = data->parent) {
			irqlab_strbuf_printf(out, "  %s hwirq=%u%s", data->domain->name,
					     data->hwirq, data->activated ? " active" : "");
			if (data->domain->ops->dump_irq)
				data->domain->ops->dump_irq(data, out);
			irqlab_strbuf_append(out, "\n", 1);
		}
	}
}
