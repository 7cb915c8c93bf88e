// SPDX-License-Identifier: MIT
/*
 * The MSI-like bus domains (PCI-MSI, PCI-MSI-X, IMS): the driver side of a device. The three
 * kinds share one set of domain ops, as Linux's MSI core does; what differs is the store the
 * message goes to (src/bus/store.h) and whether a block of vectors shares one message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus/msi_domain.h"
#include "x86/irq_alloc.h"

static struct irqlab_device *dev_of(struct irqlab_domain *d)
{
	return d->priv;
}

static void msi_domain_write_msg(struct irqlab_irq_data *data, const struct irqlab_msi_msg *msg)
{
	struct irqlab_device *dev = dev_of(data->domain);

	/* Multi-MSI: only the first vector's message is written; the device merges the rest. */
	if (dev->kind == IRQLAB_DEV_MSI && data->hwirq != 0)
		return;
	irqlab_store_write_msg(dev->store, data->hwirq, msg);
}

/* Writes what the parents composed for this entry (Linux: irq_chip_write_msi_msg). */
static int store_composed(struct irqlab_irq_data *data)
{
	struct irqlab_msi_msg msg;
	int err = irqlab_irq_compose_msg(data->parent, &msg);

	if (err)
		return err;
	msi_domain_write_msg(data, &msg);
	return 0;
}

static int msi_domain_alloc(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n,
			    const struct irqlab_alloc_info *info)
{
	struct irqlab_device *dev = dev_of(d);
	int err = irqlab_domain_alloc_parent(d, irqs, n, info);

	if (err)
		return err;
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq_data *data = irqlab_irq_data_of(irqs[i], d);

		data->hwirq = info->hwirq + i;
		data->chip_data = dev;
	}
	return 0;
}

static void msi_domain_free(struct irqlab_domain *d, struct irqlab_irq **irqs, unsigned n)
{
	irqlab_domain_free_parent(d, irqs, n);
}

static int msi_domain_activate(struct irqlab_domain *d, struct irqlab_irq_data *data, bool reserve)
{
	struct irqlab_device *dev = dev_of(d);
	struct irqlab_irq *irq = data->irq;
	int err = store_composed(data);

	if (err)
		return err;
	/* A requested interrupt coming back (CPU online) is unmasked again. */
	if (!reserve && irq->started && irqlab_store_can_mask(dev->store) &&
	    irqlab_store_unmask(dev->store, data->hwirq))
		irqlab_device_set_resend(dev, data->hwirq, true);
	return 0;
}

static void msi_domain_deactivate(struct irqlab_domain *d, struct irqlab_irq_data *data)
{
	struct irqlab_device *dev = dev_of(d);
	struct irqlab_msi_msg zero = {0};

	irqlab_store_mask(dev->store, data->hwirq);
	/* As Linux's msi_domain_deactivate: the entry is left with an all-zero message. */
	if (dev->kind != IRQLAB_DEV_MSI || data->hwirq == 0)
		irqlab_store_write_msg(dev->store, data->hwirq, &zero);
}

static int msi_domain_set_affinity(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
				   bool force)
{
	struct irqlab_domain *parent = data->domain->parent;
	int ret;

	/* A parent that knows how its messages must change in flight does the whole update. */
	if (parent->ops->child_msi_set_affinity)
		return parent->ops->child_msi_set_affinity(data, mask, force);
	ret = irqlab_irq_set_affinity_parent(data, mask, force);
	if (ret < 0 || ret == IRQLAB_SET_AFFINITY_OK_DONE)
		return ret;
	store_composed(data);
	return IRQLAB_SET_AFFINITY_OK;
}

static void msi_domain_dump(struct irqlab_domain *d, struct irqlab_strbuf *out)
{
	struct irqlab_device *dev = dev_of(d);

	for (unsigned i = 0; i < dev->nr; i++) {
		struct irqlab_msi_msg msg;

		if (!dev->entries[i].irq && !irqlab_store_pending(dev->store, i))
			continue;
		if (irqlab_store_read(dev->store, i, &msg))
			continue;
		irqlab_strbuf_printf(out, "  entry %u addr=0x%08x data=0x%08x%s%s\n", i,
				     msg.address_lo, msg.data,
				     irqlab_store_masked(dev->store, i) ? " masked" : "",
				     irqlab_store_pending(dev->store, i) ? " pending" : "");
	}
}

static int msi_domain_check(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	struct irqlab_device *dev = dev_of(d);
	unsigned allocated = 0;

	for (unsigned i = 0; i < dev->nr; i++) {
		struct irqlab_irq *irq = dev->entries[i].irq;

		if (!irq)
			continue;
		allocated++;
		if (irqlab_irq_find(d->kernel, irq->virq) != irq || irq->top->domain != d ||
		    irq->top->hwirq != i) {
			irqlab_strbuf_printf(why, "%s: entry %u names an interrupt it does not own",
					     d->name, i);
			return -EFAULT;
		}
	}
	if (allocated != d->nr_irqs || allocated != dev->nr_allocated) {
		irqlab_strbuf_printf(why,
				     "%s: %u entries allocated, domain has %lu, device counts %u",
				     d->name, allocated, d->nr_irqs, dev->nr_allocated);
		return -EFAULT;
	}
	return 0;
}

/* The incremental check: the entry of one interrupt names it, and the counts agree. */
static int msi_domain_check_irq(struct irqlab_irq_data *data, struct irqlab_strbuf *why)
{
	struct irqlab_domain *d = data->domain;
	struct irqlab_device *dev = dev_of(d);

	if (data != data->irq->top || data->hwirq >= dev->nr ||
	    dev->entries[data->hwirq].irq != data->irq) {
		irqlab_strbuf_printf(why, "%s: entry %u names an interrupt it does not own",
				     d->name, data->hwirq);
		return -EFAULT;
	}
	return 0;
}

static int msi_domain_check_changed(struct irqlab_domain *d, struct irqlab_strbuf *why)
{
	struct irqlab_device *dev = dev_of(d);

	if (d->nr_irqs != dev->nr_allocated) {
		irqlab_strbuf_printf(why, "%s: domain has %lu interrupts, device counts %u",
				     d->name, d->nr_irqs, dev->nr_allocated);
		return -EFAULT;
	}
	return 0;
}

static const struct irqlab_domain_ops msi_domain_ops = {
	.alloc = msi_domain_alloc,
	.free = msi_domain_free,
	.activate = msi_domain_activate,
	.deactivate = msi_domain_deactivate,
	.set_affinity = msi_domain_set_affinity,
	.write_msg = msi_domain_write_msg,
	.check = msi_domain_check,
	.check_irq = msi_domain_check_irq,
	.check_changed = msi_domain_check_changed,
	.dump = msi_domain_dump,
};

/*
 * IMS provides mask, unmask and write-message and no affinity setter of its own (the rule of
 * Linux's pci_create_ims_domain): a move reaches the store only through the parent chain.
 */
static const struct irqlab_domain_ops ims_domain_ops = {
	.alloc = msi_domain_alloc,
	.free = msi_domain_free,
	.activate = msi_domain_activate,
	.deactivate = msi_domain_deactivate,
	.write_msg = msi_domain_write_msg,
	.check = msi_domain_check,
	.check_irq = msi_domain_check_irq,
	.check_changed = msi_domain_check_changed,
	.dump = msi_domain_dump,
};

static unsigned device_requirements(const struct irqlab_device *dev)
{
	switch (dev->kind) {
	case IRQLAB_DEV_MSI:
		return IRQLAB_REQ_MSI;
	case IRQLAB_DEV_MSIX:
		return IRQLAB_REQ_MSIX;
	case IRQLAB_DEV_IMS:
		/* Queue memory is written by the device's queue, later: no store to trap. */
		return IRQLAB_REQ_IMS |
		       (irqlab_store_trappable(dev->store) ? 0 : IRQLAB_REQ_QUEUE_STORE);
	case IRQLAB_DEV_INTX:
		return IRQLAB_REQ_IOAPIC;
	}
	return 0;
}

int irqlab_msi_domain_create(struct irqlab_device *dev, struct irqlab_domain *parent)
{
	struct irqlab_kernel *k = dev->kernel;
	struct irqlab_strbuf why = IRQLAB_STRBUF_INIT;
	char name[64];
	int err;

	if (dev->domain)
		return 0;
	snprintf(name, sizeof(name), "%s%s-%s", parent->child_prefix,
		 irqlab_device_kind_name(dev->kind), dev->bdf);
	err = irqlab_domain_create(k, parent,
				   dev->kind == IRQLAB_DEV_IMS ? &ims_domain_ops : &msi_domain_ops,
				   name, device_requirements(dev), dev, &dev->domain);
	/* Name the device first: the domain's own sentence names the parent and the need. */
	if (err)
		return irqlab_error_prefix(k->error, "device %s", dev->name);

	/*
	 * Multi-MSI is a capability to ask for, not a requirement: without it the domain still
	 * serves one vector (Linux drops MULTI_PCI_MSI from the child's flags).
	 */
	if (dev->kind == IRQLAB_DEV_MSI && parent->ops->accept_child)
		dev->multi_msi = parent->ops->accept_child(parent, IRQLAB_REQ_MULTI_MSI, &why) == 0;
	irqlab_strbuf_release(&why);
	return 0;
}

/* Whether entry @i is the kernel's to allocate: its own, and free. */
static bool entry_free(const struct irqlab_device *dev, unsigned i)
{
	return dev->entries[i].owner == dev->kernel && !dev->entries[i].irq;
}

static unsigned first_free_entry(const struct irqlab_device *dev, unsigned n)
{
	unsigned run = 0;

	for (unsigned i = 0; i < dev->nr; i++) {
		run = entry_free(dev, i) ? run + 1 : 0;
		if (run == n)
			return i + 1 - n;
	}
	return dev->nr;
}

/* The entries of the device that are the kernel's: all of them, unless some are assigned. */
static unsigned owned_entries(const struct irqlab_device *dev)
{
	unsigned n = 0;

	if (!dev->phys && !dev->views)
		return dev->nr;
	for (unsigned i = 0; i < dev->nr; i++)
		n += dev->entries[i].owner == dev->kernel;
	return n;
}

static void entries_release(struct irqlab_device *dev, struct irqlab_irq **irqs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned index = irqs[i]->top->hwirq;

		irqlab_irqs_free(&irqs[i], 1);
		dev->entries[index].irq = NULL;
		dev->nr_allocated--;
	}
}

/* What the architecture's domains are told the bus is. */
static enum irqlab_alloc_type alloc_type(const struct irqlab_device *dev)
{
	return dev->kind == IRQLAB_DEV_MSI    ? IRQLAB_ALLOC_PCI_MSI
	       : dev->kind == IRQLAB_DEV_MSIX ? IRQLAB_ALLOC_PCI_MSIX
					      : IRQLAB_ALLOC_IMS;
}

/* Allocates exactly n interrupts, or nothing. */
static int alloc_exact(struct irqlab_device *dev, unsigned n, bool managed)
{
	struct irqlab_kernel *k = dev->kernel;
	struct irqlab_cpumask *masks = NULL;
	struct irqlab_irq **irqs;
	const struct irqlab_x86_alloc x86 = {
		.type = alloc_type(dev),
		.requester_id = dev->rid,
	};
	struct irqlab_alloc_info info = {
		.flags = (irqlab_store_can_mask(dev->store) ? IRQLAB_ALLOC_F_CAN_RESERVE : 0) |
			 (managed ? IRQLAB_ALLOC_F_MANAGED : 0),
		.dev = dev,
		.arch = &x86,
	};
	unsigned first = first_free_entry(dev, n), done = 0, i;
	int err = 0;

	if (n > dev->nr - first)
		return irqlab_kernel_fail(k, -ENOSPC, "alloc %s: %u free %s left, %u asked",
					  dev->name, owned_entries(dev) - dev->nr_allocated,
					  dev->kind == IRQLAB_DEV_IMS ? "slots" : "entries", n);
	irqs = irqlab_fault_zalloc(k->fault, n * sizeof(*irqs));
	if (managed)
		masks = irqlab_fault_zalloc(k->fault, n * sizeof(*masks));
	if (!irqs || (managed && !masks)) {
		err = irqlab_kernel_fail(k, -ENOMEM, "alloc %s: out of memory", dev->name);
		goto out;
	}
	if (managed)
		irqlab_irq_spread_affinity(k->ncpus, n, masks);
	if (dev->kind == IRQLAB_DEV_MSI) {
		/* One message for all n vectors: one allocation of a contiguous block. */
		info.flags |= n > 1 ? IRQLAB_ALLOC_F_CONTIGUOUS : 0;
		info.masks = masks;
		info.hwirq = first;
		err = irqlab_irqs_alloc(dev->domain, n, &info, irqs);
		done = err ? 0 : n;
	} else {
		/* One descriptor per entry, as MSI-X and IMS allocate; all or nothing. */
		for (i = 0; i < n && !err; i++) {
			info.masks = masks ? &masks[i] : NULL;
			info.hwirq = first + i;
			err = irqlab_irqs_alloc(dev->domain, 1, &info, &irqs[i]);
			done = err ? i : i + 1;
		}
	}
	for (i = 0; i < done; i++) {
		dev->entries[first + i].irq = irqs[i];
		dev->nr_allocated++;
	}
	if (err)
		goto out_release;
	/*
	 * Early activation (MSI_FLAG_ACTIVATE_EARLY): a maskable entry gets only the placeholder
	 * and stays masked until request; a non-maskable one gets its real vector now.
	 */
	for (i = 0; i < n; i++) {
		bool reserve = irqlab_store_can_mask(dev->store);

		err = irqlab_irq_activate(irqs[i], reserve);
		if (err)
			goto out_release;
		if (reserve)
			irqlab_irq_mark_inactive(irqs[i]);
	}
	/* MSI: the n vectors the message covers; MSI-X: the function enable. */
	irqlab_store_enable(dev->store, n);
	goto out;

out_release:
	entries_release(dev, irqs, done);
out:
	free(irqs);
	free(masks);
	return err;
}

/*
 * The size to retry with after @n failed with ENOSPC; below the minimum means give up.
 * Multi-MSI retries with exactly 1 (msi_handle_pci_fail returns 1, and
 * __pci_enable_msi_range retries with what it returns): one message, one block, nothing in
 * between. MSI-X and IMS step down one entry at a time.
 */
static unsigned next_try(const struct irqlab_device *dev, unsigned n)
{
	if (dev->kind == IRQLAB_DEV_MSI)
		return n > 1 ? 1 : 0;
	return n - 1;
}

int irqlab_msi_domain_alloc(struct irqlab_device *dev, unsigned min, unsigned max, bool managed,
			    unsigned *granted)
{
	struct irqlab_kernel *k = dev->kernel;
	unsigned owned = owned_entries(dev);
	int err = -ENOSPC;

	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_kernel_fail(k, -EINVAL,
					  "alloc %s: an INTx device has no vectors to allocate",
					  dev->name);
	if (dev->kind == IRQLAB_DEV_MSI && dev->nr_allocated)
		return irqlab_kernel_fail(k, -EBUSY, "alloc %s: MSI is already allocated",
					  dev->name);
	if (!owned)
		return irqlab_kernel_fail(k, -EPERM, "alloc %s: none of its %s is %s's", dev->name,
					  dev->kind == IRQLAB_DEV_IMS ? "slots" : "entries",
					  k->name);
	if (min > owned)
		return irqlab_kernel_fail(k, -ENOSPC, "alloc %s: the device has %u %s, %u asked",
					  dev->name, owned,
					  dev->kind == IRQLAB_DEV_IMS	? "slots"
					  : dev->kind == IRQLAB_DEV_MSI ? "MSI vectors"
									: "entries",
					  min);
	/* Never more than the device has (Linux clamps pci_alloc_irq_vectors's max too). */
	if (max > owned)
		max = owned;
	for (unsigned n = max;; n = next_try(dev, n)) {
		if (dev->kind == IRQLAB_DEV_MSI && n > 1 && !dev->multi_msi) {
			err = irqlab_kernel_fail(
				k, -ENOSPC,
				"alloc %s: %u vectors need one contiguous aligned block, which %s "
				"cannot give without interrupt remapping",
				dev->name, n, dev->domain->parent->name);
		} else {
			irqlab_kernel_clear_error(k);
			err = alloc_exact(dev, n, managed);
		}
		/* What this allocation granted, not the device's total (a second alloc adds). */
		if (!err)
			*granted = n;
		if (err != -ENOSPC || next_try(dev, n) < min)
			break;
	}
	return err;
}

void irqlab_msi_domain_free_irqs(struct irqlab_device *dev)
{
	bool others = false;

	/* Newest entries first, as a driver tears down; a guest's backings are not its own. */
	for (unsigned i = dev->nr; i-- > 0;) {
		struct irqlab_irq *irq = dev->entries[i].irq;

		if (!irq)
			continue;
		if (dev->entries[i].owner != dev->kernel) {
			others = true;
			continue;
		}
		irq->started = false;
		entries_release(dev, &irq, 1);
	}
	if (!others)
		irqlab_store_disable(dev->store);
}

int irqlab_msi_domain_alloc_block(struct irqlab_device *dev, unsigned index, unsigned n,
				  const struct irqlab_cpumask *mask, struct irqlab_irq **out)
{
	const struct irqlab_x86_alloc x86 = {
		.type = alloc_type(dev),
		.requester_id = dev->rid,
	};
	/* Every interrupt its own copy of the mask; one needs no array. */
	struct irqlab_cpumask *masks =
		n > 1 ? irqlab_fault_zalloc(dev->kernel->fault, n * sizeof(*masks)) : NULL;
	struct irqlab_alloc_info info = {
		.flags = (n > 1 ? IRQLAB_ALLOC_F_CONTIGUOUS : 0) |
			 (irqlab_store_can_mask(dev->store) ? IRQLAB_ALLOC_F_CAN_RESERVE : 0),
		.masks = n > 1 ? masks : mask,
		.hwirq = index,
		.dev = dev,
		.arch = &x86,
	};
	int err;

	if (n > 1 && !masks)
		return irqlab_kernel_fail(dev->kernel, -ENOMEM, "out of memory");
	for (unsigned i = 0; n > 1 && i < n; i++)
		masks[i] = *mask;
	err = irqlab_irqs_alloc(dev->domain, n, &info, out);
	free(masks);
	if (err)
		return err;
	for (unsigned i = 0; i < n; i++)
		dev->entries[index + i].irq = out[i];
	dev->nr_allocated += n;
	return 0;
}

int irqlab_msi_domain_alloc_entry(struct irqlab_device *dev, unsigned index,
				  const struct irqlab_cpumask *mask, struct irqlab_irq **out)
{
	return irqlab_msi_domain_alloc_block(dev, index, 1, mask, out);
}

void irqlab_msi_domain_free_entry(struct irqlab_device *dev, unsigned index)
{
	struct irqlab_irq *irq = dev->entries[index].irq;

	irq->started = false;
	entries_release(dev, &irq, 1);
	if (!dev->nr_allocated)
		irqlab_store_disable(dev->store);
}
