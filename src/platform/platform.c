// SPDX-License-Identifier: MIT
/*
 * The machine and its lifecycle operations. Each operation validates everything it can
 * first, so that what follows either cannot fail or is undone on failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/ioapic.h"
#include "bus/msi_domain.h"
#include "iommu/remap_domain.h"
#include "platform/fabric.h"
#include "platform/intx.h"
#include "platform/platform.h"
#include "x86/vector_domain.h"

/* Dynamic interrupts start above the GSIs of one 24-pin IO-APIC, as on a PC. */
#define FIRST_DYNAMIC_VIRQ 24u

int irqlab_platform_new(const struct irqlab_platform_config *cfg, struct irqlab_platform **out,
			char *why, size_t len)
{
	struct irqlab_vector_config vcfg = {
		.legacy = cfg->legacy,
		.extdest = cfg->extdest,
		.ims = cfg->ims == IRQLAB_IMS_BAREMETAL,
	};
	struct irqlab_platform *p;
	int err = -ENOMEM;

	if (cfg->ncpus == 0 || cfg->ncpus > IRQLAB_MAX_CPUS) {
		snprintf(why, len, "host: %u CPUs; a machine has 1 to %u", cfg->ncpus,
			 IRQLAB_MAX_CPUS);
		return -EINVAL;
	}
	/* APIC id 0xff is the broadcast: more CPUs need wider destinations. */
	if (cfg->ncpus > 255 && !cfg->ir && !cfg->extdest) {
		snprintf(why, len,
			 "host: %u CPUs need interrupt remapping or extended destination ids "
			 "(ir=on or extdest=on)",
			 cfg->ncpus);
		return -EINVAL;
	}
	if (cfg->ir && (cfg->irtes == 0 || cfg->irtes > 65536 || (cfg->irtes & (cfg->irtes - 1)))) {
		snprintf(why, len, "host: irtes=%u; the table holds a power of two up to 65536",
			 cfg->irtes);
		return -EINVAL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		goto out_nomem;
	p->cfg = *cfg;
	p->delivered_by_cpu = calloc(cfg->ncpus, sizeof(*p->delivered_by_cpu));
	p->host = irqlab_kernel_new("host", cfg->ncpus, &p->fault);
	if (!p->delivered_by_cpu || !p->host)
		goto out_free;
	p->host->first_virq = FIRST_DYNAMIC_VIRQ;
	err = irqlab_vector_domain_create(p->host, &vcfg, &p->vector);
	if (err)
		goto out_free;
	if (cfg->ir) {
		struct irqlab_ir_unit_config ucfg = {
			.name = "DMAR0",
			.nr_entries = cfg->irtes,
			.cfi = cfg->cfi,
			/* x2APIC mode is what lets IR reach APIC ids above 255. */
			.eime = cfg->ncpus > 255,
		};

		err = -ENOMEM;
		p->ir = irqlab_ir_unit_create(&ucfg, &p->fault);
		if (!p->ir)
			goto out_free;
		err = irqlab_remap_domain_create(p->host, p->vector, p->ir, false, &p->remap);
		if (err)
			goto out_free;
	}
	*out = p;
	return 0;

out_free:
	irqlab_platform_free(p);
out_nomem:
	snprintf(why, len, "host: cannot build the machine (%s)",
		 err == -ENOMEM ? "out of memory" : "hierarchy refused");
	return err;
}

void irqlab_platform_free(struct irqlab_platform *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->nr_devices; i++) {
		if (p->devices[i]->kind == IRQLAB_DEV_INTX)
			irqlab_intx_free(p, p->devices[i]);
		else
			irqlab_msi_domain_free_irqs(p->devices[i]);
	}
	irqlab_intx_free_all(p);
	/* Domains go with the kernel; devices own only their stores. */
	irqlab_kernel_free(p->host);
	for (unsigned i = 0; i < p->nr_devices; i++)
		irqlab_device_free(p->devices[i]);
	free(p->devices);
	if (p->ir)
		irqlab_ir_unit_destroy(p->ir);
	free(p->delivered_by_cpu);
	free(p);
}

const char *irqlab_platform_error(const struct irqlab_platform *p)
{
	return p->host->error;
}

int irqlab_platform_add_device(struct irqlab_platform *p, const struct irqlab_device_config *cfg,
			       struct irqlab_device **out)
{
	struct irqlab_device **grown;
	struct irqlab_device *dev;
	int err;

	irqlab_kernel_clear_error(p->host);
	if (irqlab_platform_device(p, cfg->name))
		return irqlab_kernel_fail(p->host, -EEXIST, "device %s: already exists", cfg->name);
	for (unsigned i = 0; i < p->nr_devices; i++)
		if (p->devices[i]->rid == cfg->rid && cfg->kind != IRQLAB_DEV_INTX &&
		    p->devices[i]->kind != IRQLAB_DEV_INTX)
			return irqlab_kernel_fail(
				p->host, -EEXIST, "device %s: requester id %s is taken by %s",
				cfg->name, p->devices[i]->bdf, p->devices[i]->name);
	err = irqlab_device_new(p->host, cfg, &dev);
	if (err)
		return err;
	grown = realloc(p->devices, (p->nr_devices + 1) * sizeof(*grown));
	if (!grown) {
		irqlab_device_free(dev);
		return irqlab_kernel_fail(p->host, -ENOMEM, "device %s: out of memory", cfg->name);
	}
	p->devices = grown;
	p->devices[p->nr_devices++] = dev;
	*out = dev;
	return 0;
}

struct irqlab_device *irqlab_platform_device(const struct irqlab_platform *p, const char *name)
{
	for (unsigned i = 0; i < p->nr_devices; i++)
		if (strcmp(p->devices[i]->name, name) == 0)
			return p->devices[i];
	return NULL;
}

/* Sends what unmasking left to send, in entry order. */
static void flush_resends(struct irqlab_platform *p, struct irqlab_device *dev)
{
	for (unsigned i = 0; i < dev->nr; i++) {
		struct irqlab_msi_msg msg;

		if (!dev->entries[i].resend)
			continue;
		dev->entries[i].resend = false;
		if (!irqlab_device_read_msg(dev, i, &msg))
			irqlab_platform_deliver(p, dev, i, &msg, NULL);
	}
}

int irqlab_platform_alloc(struct irqlab_platform *p, struct irqlab_device *dev, unsigned min,
			  unsigned max, bool managed, unsigned *granted)
{
	struct irqlab_domain *parent = p->remap ? p->remap : p->vector;
	bool had_domain = dev->domain != NULL;
	int err;

	irqlab_kernel_clear_error(p->host);
	if (dev->kind == IRQLAB_DEV_IMS && p->cfg.ims == IRQLAB_IMS_OFF)
		return irqlab_kernel_fail(p->host, -EOPNOTSUPP,
					  "alloc %s: the host kernel has no IMS support (ims=off)",
					  dev->name);
	if (dev->kind == IRQLAB_DEV_INTX) {
		if (min > 1 || managed)
			return irqlab_kernel_fail(p->host, min > 1 ? -ENOSPC : -EINVAL,
						  "alloc %s: an INTx pin is one interrupt, not %s",
						  dev->name, managed ? "a managed one" : "several");
		err = irqlab_intx_alloc(p, dev);
		*granted = err ? 0 : 1;
		return err;
	}
	err = irqlab_msi_domain_create(dev, parent);
	if (err)
		return err;
	err = irqlab_msi_domain_alloc(dev, min, max, managed, granted);
	/* A first allocation that fails leaves no domain behind either. */
	if (err && !had_domain) {
		irqlab_domain_destroy(dev->domain);
		dev->domain = NULL;
	}
	return err;
}

int irqlab_platform_free_irqs(struct irqlab_platform *p, struct irqlab_device *dev)
{
	irqlab_kernel_clear_error(p->host);
	if (!dev->nr_allocated)
		return irqlab_kernel_fail(p->host, -EINVAL, "free %s: nothing is allocated",
					  dev->name);
	if (dev->kind == IRQLAB_DEV_INTX)
		irqlab_intx_free(p, dev);
	else
		irqlab_msi_domain_free_irqs(dev);
	return 0;
}

int irqlab_platform_check_allocated(struct irqlab_platform *p, const char *op,
				    struct irqlab_device *dev, const unsigned *idx, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (idx[i] >= dev->nr)
			return irqlab_kernel_fail(p->host, -ERANGE,
						  "%s %s: index %u beyond its %u entries", op,
						  dev->name, idx[i], dev->nr);
		if (!dev->entries[idx[i]].irq)
			return irqlab_kernel_fail(p->host, -EINVAL,
						  "%s %s: index %u is not allocated", op, dev->name,
						  idx[i]);
	}
	return 0;
}

int irqlab_platform_request(struct irqlab_platform *p, struct irqlab_device *dev,
			    const unsigned *idx, unsigned n)
{
	unsigned i;
	int err;

	irqlab_kernel_clear_error(p->host);
	err = irqlab_platform_check_allocated(p, "request", dev, idx, n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (dev->entries[idx[i]].irq->started)
			return irqlab_kernel_fail(p->host, -EBUSY,
						  "request %s: index %u is already requested",
						  dev->name, idx[i]);
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_request(p, dev);
	/* Every vector first: then activation cannot fail, and a failure changed nothing. */
	for (i = 0; i < n; i++) {
		err = irqlab_vector_prepare_activate(dev->entries[idx[i]].irq->top);
		if (err)
			break;
	}
	if (err) {
		unsigned failed = idx[i];

		while (i-- > 0)
			irqlab_vector_unprepare_move(dev->entries[idx[i]].irq->top);
		return irqlab_kernel_fail(
			p->host, err, "request %s: index %u: %s", dev->name, failed,
			err == -EINVAL ? "no CPU of its managed mask is online" : "no free vector");
	}
	for (i = 0; i < n; i++) {
		struct irqlab_irq *irq = dev->entries[idx[i]].irq;

		irq->started = true;
		/* A managed interrupt with no online CPU starts shut down (IRQ_STARTUP_ABORT). */
		if (irq->managed && !irqlab_cpumask_intersects(&irq->affinity, &p->host->online))
			irq->managed_shutdown = true;
		if (irq->managed_shutdown)
			continue;
		if (irqlab_irq_activated(irq)) {
			/* A fixed interrupt is active since allocation: only the mask changes. */
			if (irqlab_device_unmask(dev, idx[i]))
				dev->entries[idx[i]].resend = true;
			continue;
		}
		err = irqlab_irq_activate(irq, false);
		if (err) {
			/* Cannot happen once the vectors are taken; say so rather than hide it. */
			irq->started = false;
			while (++i < n)
				irqlab_vector_unprepare_move(dev->entries[idx[i]].irq->top);
			return err;
		}
	}
	flush_resends(p, dev);
	return 0;
}

int irqlab_platform_release(struct irqlab_platform *p, struct irqlab_device *dev,
			    const unsigned *idx, unsigned n)
{
	int err;

	irqlab_kernel_clear_error(p->host);
	err = irqlab_platform_check_allocated(p, "release", dev, idx, n);
	if (err)
		return err;
	for (unsigned i = 0; i < n; i++)
		if (!dev->entries[idx[i]].irq->started)
			return irqlab_kernel_fail(p->host, -EINVAL,
						  "release %s: index %u is not requested",
						  dev->name, idx[i]);
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_release(p, dev);
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_irq *irq = dev->entries[idx[i]].irq;

		irq->started = false;
		irqlab_irq_deactivate(irq);
	}
	return 0;
}

int irqlab_platform_affinity(struct irqlab_platform *p, struct irqlab_device *dev,
			     const unsigned *idx, unsigned n, const struct irqlab_cpumask *mask)
{
	unsigned i;
	int err;

	irqlab_kernel_clear_error(p->host);
	err = irqlab_platform_check_allocated(p, "affinity", dev, idx, n);
	if (err)
		return err;
	/* The kernel owns a managed interrupt's affinity (irq_can_set_affinity_usr). */
	for (i = 0; i < n; i++)
		if (dev->entries[idx[i]].irq->managed)
			return irqlab_kernel_fail(
				p->host, -EIO,
				"affinity %s: index %u is managed: the kernel owns its affinity",
				dev->name, idx[i]);
	/* Every new vector first: then no move below can fail, and a failure moved nothing. */
	for (i = 0; i < n; i++) {
		struct irqlab_irq *irq = dev->entries[idx[i]].irq;

		err = irqlab_vector_prepare_move(irq->top, mask);
		if (err)
			break;
	}
	if (err) {
		unsigned failed = idx[i];

		while (i-- > 0)
			irqlab_vector_unprepare_move(dev->entries[idx[i]].irq->top);
		if (err == -EBUSY)
			return irqlab_kernel_fail(p->host, err,
						  "affinity %s: index %u is still moving (no "
						  "interrupt has arrived on its new vector yet)",
						  dev->name, failed);
		if (err == -EINVAL)
			return irqlab_kernel_fail(
				p->host, err, "affinity %s: no online CPU in the mask", dev->name);
		return irqlab_kernel_fail(p->host, err,
					  "affinity %s: index %u: no free vector on those CPUs",
					  dev->name, failed);
	}
	for (i = 0; i < n; i++)
		irqlab_irq_set_affinity(dev->entries[idx[i]].irq, mask, false);
	irqlab_fabric_flush_retriggers(p);
	return 0;
}

int irqlab_platform_mask(struct irqlab_platform *p, struct irqlab_device *dev, const unsigned *idx,
			 unsigned n, bool mask)
{
	irqlab_kernel_clear_error(p->host);
	if (!irqlab_device_can_mask(dev))
		return irqlab_kernel_fail(p->host, -EOPNOTSUPP, "%s %s: the device cannot mask",
					  mask ? "mask" : "unmask", dev->name);
	for (unsigned i = 0; i < n; i++)
		if (idx[i] >= dev->nr)
			return irqlab_kernel_fail(
				p->host, -ERANGE, "%s %s: index %u beyond its %u entries",
				mask ? "mask" : "unmask", dev->name, idx[i], dev->nr);
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_mask(p, dev, mask);
	for (unsigned i = 0; i < n; i++) {
		if (mask)
			irqlab_device_mask(dev, idx[i]);
		else if (irqlab_device_unmask(dev, idx[i]))
			dev->entries[idx[i]].resend = true;
	}
	flush_resends(p, dev);
	return 0;
}

int irqlab_platform_raise(struct irqlab_platform *p, struct irqlab_device *dev, const unsigned *idx,
			  unsigned n, unsigned count)
{
	irqlab_kernel_clear_error(p->host);
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_raise(p, dev, count);
	for (unsigned i = 0; i < n; i++) {
		struct irqlab_msi_msg msg;

		if (idx[i] >= dev->nr)
			return irqlab_kernel_fail(p->host, -ERANGE,
						  "raise %s: index %u beyond its %u entries",
						  dev->name, idx[i], dev->nr);
		if (irqlab_device_read_msg(dev, idx[i], &msg))
			return irqlab_kernel_fail(p->host, -EINVAL,
						  "raise %s: index %u is not enabled on the device",
						  dev->name, idx[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		for (unsigned c = 0; c < count; c++) {
			struct irqlab_msi_msg msg;

			/* A masked entry only latches its pending bit; more raises add nothing. */
			if (irqlab_device_masked(dev, idx[i])) {
				irqlab_device_set_pending(dev, idx[i], true);
				continue;
			}
			irqlab_device_read_msg(dev, idx[i], &msg);
			irqlab_platform_deliver(p, dev, idx[i], &msg, NULL);
		}
	}
	return 0;
}

int irqlab_platform_eoi(struct irqlab_platform *p, struct irqlab_device *dev)
{
	irqlab_kernel_clear_error(p->host);
	if (dev->kind != IRQLAB_DEV_INTX)
		return irqlab_kernel_fail(
			p->host, -EINVAL,
			"eoi %s: a message-signalled interrupt has no EOI to the device",
			dev->name);
	return irqlab_intx_eoi(p, dev);
}

int irqlab_platform_stored_msg(struct irqlab_platform *p, const struct irqlab_device *dev,
			       unsigned index, struct irqlab_msi_msg *msg)
{
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_intx_message(p, dev, msg);
	return irqlab_device_stored_msg(dev, index, msg);
}

int irqlab_platform_store(struct irqlab_platform *p, struct irqlab_device *dev, unsigned index,
			  uint64_t addr, uint32_t data)
{
	struct irqlab_msi_msg msg = {
		.address_lo = (uint32_t)addr,
		.address_hi = (uint32_t)(addr >> 32),
		.data = data,
	};
	int err;

	irqlab_kernel_clear_error(p->host);
	if (dev->kind == IRQLAB_DEV_MSI && data > 0xffff)
		return irqlab_kernel_fail(p->host, -ERANGE,
					  "store %s: the MSI data register has 16 bits", dev->name);
	err = irqlab_device_write_msg(dev, index, &msg);
	if (err == -ERANGE)
		return irqlab_kernel_fail(p->host, err,
					  "store %s: index %u is not a message store of the device",
					  dev->name, index);
	if (err)
		return irqlab_kernel_fail(p->host, err, "store %s: the device has no message store",
					  dev->name);
	return 0;
}

int irqlab_platform_cpu(struct irqlab_platform *p, unsigned cpu, bool online)
{
	int err;

	irqlab_kernel_clear_error(p->host);
	err = online ? irqlab_vector_cpu_online(p->vector, cpu)
		     : irqlab_vector_cpu_offline(p->vector, cpu);
	for (unsigned i = 0; !err && i < p->nr_devices; i++)
		flush_resends(p, p->devices[i]);
	if (!err)
		irqlab_fabric_flush_retriggers(p);
	return err;
}

int irqlab_platform_check(struct irqlab_platform *p, char *why, size_t len)
{
	struct irqlab_strbuf sb = IRQLAB_STRBUF_INIT;
	int err = irqlab_kernel_check(p->host, why, len);

	if (!err && p->ir && irqlab_ir_unit_check(p->ir, &sb)) {
		snprintf(why, len, "%s", irqlab_strbuf_str(&sb));
		err = -EFAULT;
	}
	irqlab_strbuf_release(&sb);
	return err;
}

void irqlab_platform_dump(struct irqlab_platform *p, struct irqlab_strbuf *out)
{
	irqlab_kernel_dump(p->host, out);
	if (p->ir)
		irqlab_ir_unit_dump(p->ir, out);
	for (unsigned c = 0; c < IRQLAB_MSG_NR_CLASSES; c++)
		irqlab_strbuf_printf(out, "%s=%lu ", irqlab_msg_class_name(c), p->by_class[c]);
	irqlab_strbuf_append(out, "\n", 1);
}
