/* SPDX-License-Identifier: MIT */
/*
 * The PCI requester id: the 16-bit bus/device/function number a function puts on every
 * request it makes, and that an IR unit validates as the source id. This header and
 * src/x86/pci_rid.c are the only place its bits are assembled or taken apart.
 */
#ifndef IRQLAB_PCI_RID_H
#define IRQLAB_PCI_RID_H

#include "irqlab/export.h"

#include <stddef.h>
#include <stdint.h>

#define IRQLAB_PCI_RID_BUS_MASK	 0xff00u /* 15:8 */
#define IRQLAB_PCI_RID_BUS_SHIFT 8
#define IRQLAB_PCI_RID_DEV_MASK	 0x00f8u /* 7:3 */
#define IRQLAB_PCI_RID_DEV_SHIFT 3
#define IRQLAB_PCI_RID_FN_MASK	 0x0007u /* 2:0 */
#define IRQLAB_PCI_RID_FN_SHIFT	 0

#define IRQLAB_PCI_DEV_MAX	 31u
#define IRQLAB_PCI_FN_MAX	 7u

struct irqlab_pci_bdf {
	uint8_t bus;
	uint8_t dev; /* 0..31 */
	uint8_t fn;  /* 0..7 */
};

/* -ERANGE when dev or fn does not fit; @rid is untouched then. */
IRQLAB_EXPORT int irqlab_pci_rid_encode(const struct irqlab_pci_bdf *f, uint16_t *rid);
IRQLAB_EXPORT void irqlab_pci_rid_decode(uint16_t rid, struct irqlab_pci_bdf *f);
/* "bb:dd.f", as lspci writes it; the length snprintf() would write. */
IRQLAB_EXPORT int irqlab_pci_rid_format(uint16_t rid, char *buf, size_t len);

#endif
