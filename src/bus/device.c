// SPDX-License-Identifier: MIT
/*
 * Devices: the object that owns a message store or an INTx pin, and the model's per-entry
 * view. The driver side (the bus domain and allocation) is src/bus/msi_domain.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/pci_rid.h"

#include "bus/device.h"

void irqlab_device_set_resend(struct irqlab_device *dev, unsigned i, bool resend)
{
	if (dev->entries[i].resend == resend)
		return;
	dev->entries[i].resend = resend;
	if (resend && dev->nr_resend++ == 0)
		dev->kernel->nr_resend_devices++;
	else if (!resend && --dev->nr_resend == 0)
		dev->kernel->nr_resend_devices--;
}

const char *irqlab_device_kind_name(enum irqlab_dev_kind kind)
{
	switch (kind) {
	case IRQLAB_DEV_MSI:
		return "PCI-MSI";
	case IRQLAB_DEV_MSIX:
		return "PCI-MSIX";
	case IRQLAB_DEV_IMS:
		return "IMS";
	case IRQLAB_DEV_INTX:
		return "INTx";
	}
	return "?";
}

static int store_new(struct irqlab_fault *fault, const struct irqlab_device_config *cfg,
		     struct irqlab_store **out)
{
	switch (cfg->kind) {
	case IRQLAB_DEV_MSI:
		return irqlab_msi_cap_new(fault, cfg->nr, cfg->maskable, out);
	case IRQLAB_DEV_MSIX:
		return irqlab_msix_table_new(fault, cfg->nr, out);
	case IRQLAB_DEV_IMS:
		return irqlab_ims_store_new(fault, cfg->nr, cfg->queue_store, out);
	case IRQLAB_DEV_INTX:
		break;
	}
	*out = NULL;
	return 0;
}

int irqlab_device_new(struct irqlab_kernel *k, const struct irqlab_device_config *cfg,
		      struct irqlab_device **out)
{
	struct irqlab_device *dev = irqlab_fault_zalloc(k->fault, sizeof(*dev));
	unsigned nr = cfg->kind == IRQLAB_DEV_INTX ? 1 : cfg->nr;
	char bdf[8];
	int err = -ENOMEM;

	if (!dev)
		goto out_fail;
	snprintf(dev->name, sizeof(dev->name), "%s", cfg->name);
	irqlab_pci_rid_format(cfg->rid, bdf, sizeof(bdf));
	snprintf(dev->bdf, sizeof(dev->bdf), "0000:%s", bdf);
	dev->kind = cfg->kind;
	dev->rid = cfg->rid;
	dev->nr = nr;
	dev->kernel = k;
	irqlab_intx_line_init(&dev->intx, cfg->intx_pin, cfg->gsi, cfg->level, cfg->active_low);
	dev->entries = irqlab_fault_zalloc(k->fault, nr * sizeof(*dev->entries));
	if (!dev->entries)
		goto out_free_dev;
	err = store_new(k->fault, cfg, &dev->store);
	if (err)
		goto out_free_dev;
	*out = dev;
	return 0;

out_free_dev:
	irqlab_device_free(dev);
out_fail:
	if (err == -EINVAL)
		return irqlab_kernel_fail(k, err, "device %s: %s cannot have %u %s", cfg->name,
					  irqlab_device_kind_name(cfg->kind), cfg->nr,
					  cfg->kind == IRQLAB_DEV_IMS	? "slots"
					  : cfg->kind == IRQLAB_DEV_MSI ? "vectors"
									: "entries");
	return irqlab_kernel_fail(k, -ENOMEM, "device %s: out of memory", cfg->name);
}

int irqlab_device_new_view(struct irqlab_kernel *k, struct irqlab_device *phys, bool borrow,
			   struct irqlab_device **out)
{
	struct irqlab_device_config cfg = {
		.name = phys->name,
		.kind = phys->kind,
		.rid = phys->rid,
		.nr = phys->nr,
		.maskable = irqlab_store_can_mask(phys->store),
		.queue_store = !irqlab_store_trappable(phys->store),
	};
	struct irqlab_device *view = irqlab_fault_zalloc(k->fault, sizeof(*view));

	if (!view)
		return -ENOMEM;
	*view = (struct irqlab_device){
		.kind = phys->kind,
		.rid = phys->rid,
		.nr = phys->nr,
		.kernel = k,
		.emulated = !borrow,
		.phys = phys,
		.store_borrowed = borrow,
	};
	memcpy(view->name, phys->name, sizeof(view->name));
	memcpy(view->bdf, phys->bdf, sizeof(view->bdf));
	view->entries = irqlab_fault_zalloc(k->fault, phys->nr * sizeof(*view->entries));
	if (!view->entries || (borrow ? 0 : store_new(k->fault, &cfg, &view->store))) {
		irqlab_device_free(view);
		return -ENOMEM;
	}
	if (borrow)
		view->store = phys->store;
	*out = view;
	return 0;
}

void irqlab_device_free(struct irqlab_device *dev)
{
	if (!dev)
		return;
	for (unsigned i = 0; dev->entries && i < dev->nr; i++)
		free(dev->entries[i].by_cpu);
	free(dev->entries);
	if (!dev->store_borrowed)
		irqlab_store_destroy(dev->store);
	free(dev);
}

struct irqlab_kernel *irqlab_irq_owner(const struct irqlab_irq *irq)
{
	const struct irqlab_device *dev = irq->dev;

	return dev ? dev->entries[irq->index].owner : irq->kernel;
}

bool irqlab_device_can_mask(const struct irqlab_device *dev)
{
	/* An INTx pin is masked at its IO-APIC RTE. */
	return !dev->store || irqlab_store_can_mask(dev->store);
}

bool irqlab_device_masks_at_once(const struct irqlab_device *dev)
{
	return dev->store && irqlab_store_can_mask(dev->store) &&
	       irqlab_store_trappable(dev->store);
}

bool irqlab_device_masked(const struct irqlab_device *dev, unsigned index)
{
	return dev->store && irqlab_store_masked(dev->store, index);
}

void irqlab_device_mask(struct irqlab_device *dev, unsigned index)
{
	if (dev->store)
		irqlab_store_mask(dev->store, index);
}

bool irqlab_device_unmask(struct irqlab_device *dev, unsigned index)
{
	return dev->store && irqlab_store_unmask(dev->store, index);
}

bool irqlab_device_pending(const struct irqlab_device *dev, unsigned index)
{
	return dev->store && irqlab_store_pending(dev->store, index);
}

void irqlab_device_set_pending(struct irqlab_device *dev, unsigned index, bool pending)
{
	if (dev->store)
		irqlab_store_set_pending(dev->store, index, pending);
}

int irqlab_device_stored_msg(const struct irqlab_device *dev, unsigned index,
			     struct irqlab_msi_msg *msg)
{
	if (index >= dev->nr)
		return -ERANGE;
	if (!dev->store)
		return -EOPNOTSUPP;
	return irqlab_store_read(dev->store, index, msg);
}

int irqlab_device_read_msg(const struct irqlab_device *dev, unsigned index,
			   struct irqlab_msi_msg *msg)
{
	/* A function with MSI or MSI-X disabled signals INTx, never its message store. */
	if (dev->store && !irqlab_store_enabled(dev->store))
		return -EINVAL;
	return irqlab_device_stored_msg(dev, index, msg);
}

int irqlab_device_write_msg(struct irqlab_device *dev, unsigned index,
			    const struct irqlab_msi_msg *msg)
{
	if (index >= dev->nr)
		return -ERANGE;
	if (!dev->store)
		return -EOPNOTSUPP;
	return irqlab_store_write_msg(dev->store, index, msg);
}
