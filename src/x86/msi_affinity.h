/* SPDX-License-Identifier: MIT */
/*
 * Affinity changes of MSI-like interrupts directly under the vector domain, where the device
 * stores the destination and the vector itself (Linux: arch/x86/kernel/apic/msi.c,
 * msi_set_affinity; reference/linux.md §4).
 */
#ifndef IRQLAB_X86_MSI_AFFINITY_H
#define IRQLAB_X86_MSI_AFFINITY_H

#include "core/irqdomain.h"

/*
 * Moves the interrupt whose bus level is @data and rewrites the stored message. A maskable
 * entry, an unchanged vector or CPU, or an interrupt not started is written directly; a
 * non-maskable MSI whose vector and CPU both change goes through the old CPU: first (old CPU,
 * new vector), with that vector marked so a message caught there is resent, then the final
 * message. Returns IRQLAB_SET_AFFINITY_OK_DONE (the message is written) or an error.
 */
int irqlab_x86_msi_set_affinity(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
				bool force);

#endif
