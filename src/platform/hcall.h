/* SPDX-License-Identifier: MIT */
/*
 * The hypercall parent (SCENARIO.md `vm parent=hcall`): a guest's domain between its vector
 * domain and its bus domains, for devices assigned to the guest. The guest never composes a
 * message its device could use: each update of the guest's remapping entry is one hypercall,
 * and the host does the work in its own hierarchy (the shape of Hyper-V's vPCI, and of the
 * 2021 proposal where the IRTE-update hypercall is where the host allocates):
 *
 *   request (activation):  the host allocates a backing interrupt for the entry, SID = the
 *                          device's requester id, through its IR unit when it has one, on the
 *                          host CPU that runs the target vCPU, and returns its message, which
 *                          the guest stores unchanged and which never changes afterwards;
 *   affinity, CPU offline: the host retargets its IRTE; the device's store is untouched;
 *   release:               the host frees the backing.
 *
 * alloc and free of released interrupts make none. A hypercall that fails fails the guest's
 * statement with the host's errno, the guest as it was, and still counts.
 *
 * The backing's handler injects the guest's vector into the vCPU the guest's vector level
 * targets now. Nothing traps the device's store: the guest writes the message itself, so what
 * it writes into queue memory reaches the host IR as it is.
 */
#ifndef IRQLAB_PLATFORM_HCALL_H
#define IRQLAB_PLATFORM_HCALL_H

#include "core/irqdomain.h"

struct irqlab_machine;

/* The hypercall domain of guest @k, over its vector domain @vector. */
int irqlab_hcall_domain_create(struct irqlab_kernel *k, struct irqlab_domain *vector,
			       struct irqlab_domain **out);
/* Whether @d is a guest's hypercall domain. */
bool irqlab_hcall_domain_is(const struct irqlab_domain *d);
/* The host's live backing of guest interrupt @irq, when a hypercall made one; else NULL. */
struct irqlab_irq *irqlab_hcall_backing(const struct irqlab_irq *irq);

#endif
