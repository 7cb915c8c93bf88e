/* SPDX-License-Identifier: MIT */
/*
 * The remap (IR) domain between the vector domain and the bus domains (Linux: INTEL-IR).
 * Allocation takes the parent's vectors and an IRTE block; the composed message is the
 * remappable format (handle = IRTE index, SHV = 1, data = subhandle) and never changes after
 * allocation; activation and affinity changes rewrite only the IRTE, atomically; the old
 * vector goes right after the IRTE update. It offers multi-MSI and IMS to its children;
 * a virtual unit (vIR, caching mode) does not offer IMS.
 */
#ifndef IRQLAB_IOMMU_REMAP_DOMAIN_H
#define IRQLAB_IOMMU_REMAP_DOMAIN_H

#include <stdbool.h>

#include "core/irqdomain.h"
#include "iommu/ir_unit.h"

/*
 * A remap domain "INTEL-IR-<unit seq_id>" (Linux: "INTEL-IR-%d") for @unit under @parent (the
 * vector domain). Its children's names start with "IR-", or "vIR-" for a virtual unit. The unit is
 * the caller's and must outlive the domain; it should share the kernel's fault injector so that
 * IRTE exhaustion can be injected. -EINVAL, -ENOMEM, -EEXIST (one domain per unit number).
 *
 * Allocation: n > 1 only for IRQLAB_ALLOC_PCI_MSI with IRQLAB_ALLOC_F_CONTIGUOUS (-EINVAL
 * otherwise); the parent's vectors first (the contiguous flag cleared: the IRTE block is
 * what makes the group contiguous), then a block of n IRTEs (-ENOSPC), then per-interrupt
 * state. Subhandles: multi-MSI vector i gets i, MSI-X and IMS 0, an IO-APIC pin its pin
 * number (sent in the data word without SHV, so its IRTE is the block's first). hwirq is
 * (block base << 16) + subhandle. The block is released when its last interrupt is freed.
 */
/*
 * A virtual unit offers IMS after all: its kernel allows IMS wherever it concluded it runs on
 * bare metal (the 2020 policy, ims=baremetal), and never looks at the caching-mode bit.
 */
void irqlab_remap_domain_offer_ims(struct irqlab_domain *d);

int irqlab_remap_domain_create(struct irqlab_kernel *k, struct irqlab_domain *parent,
			       struct irqlab_ir_unit *unit, bool virtual_unit,
			       struct irqlab_domain **out);
/* The unit behind a remap domain; NULL for any other domain. */
struct irqlab_ir_unit *irqlab_remap_domain_unit(struct irqlab_domain *d);
bool irqlab_remap_domain_virtual(struct irqlab_domain *d);
/*
 * The IRTE index (block base + the interrupt's offset in its block: vector i of a multi-MSI
 * group, 0 otherwise) of the remap level at or below @data, or -ENOENT.
 */
int irqlab_remap_irq_index(struct irqlab_irq_data *data);
/* The requester id the interrupt's IRTE verifies (SVT = 1, SQ = 0), or -ENOENT. */
int irqlab_remap_irq_sid(struct irqlab_irq_data *data);

#endif
