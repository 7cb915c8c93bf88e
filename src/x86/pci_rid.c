// SPDX-License-Identifier: MIT
/* PCI requester id (bus, device, function). */
#include <errno.h>
#include <stdio.h>

#include "irqlab/pci_rid.h"
#include "x86/bitfield.h"

int irqlab_pci_rid_encode(const struct irqlab_pci_bdf *f, uint16_t *rid)
{
	if (f->dev > IRQLAB_PCI_DEV_MAX || f->fn > IRQLAB_PCI_FN_MAX)
		return -ERANGE;
	*rid = (uint16_t)(field_put(f->bus, IRQLAB_PCI_RID_BUS_MASK, IRQLAB_PCI_RID_BUS_SHIFT) |
			  field_put(f->dev, IRQLAB_PCI_RID_DEV_MASK, IRQLAB_PCI_RID_DEV_SHIFT) |
			  field_put(f->fn, IRQLAB_PCI_RID_FN_MASK, IRQLAB_PCI_RID_FN_SHIFT));
	return 0;
}

void irqlab_pci_rid_decode(uint16_t rid, struct irqlab_pci_bdf *f)
{
	f->bus = (uint8_t)field_get(rid, IRQLAB_PCI_RID_BUS_MASK, IRQLAB_PCI_RID_BUS_SHIFT);
	f->dev = (uint8_t)field_get(rid, IRQLAB_PCI_RID_DEV_MASK, IRQLAB_PCI_RID_DEV_SHIFT);
	f->fn = (uint8_t)field_get(rid, IRQLAB_PCI_RID_FN_MASK, IRQLAB_PCI_RID_FN_SHIFT);
}

int irqlab_pci_rid_format(uint16_t rid, char *buf, size_t len)
{
	struct irqlab_pci_bdf f;

	irqlab_pci_rid_decode(rid, &f);
	return snprintf(buf, len, "%02x:%02x.%u", f.bus, f.dev, f.fn);
}
