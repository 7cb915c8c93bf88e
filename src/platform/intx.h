/* SPDX-License-Identifier: MIT */
/*
 * INTx devices: a PCI function's legacy pin wired to an IO-APIC GSI. The machine creates the
 * IO-APICs on demand, 24 pins each (IO-APIC n serves GSIs 24n..24n+23), in the kernel that
 * drives the first device on one. The operations run in kernel @k, which drives the device.
 */
#ifndef IRQLAB_PLATFORM_INTX_H
#define IRQLAB_PLATFORM_INTX_H

#include "platform/platform.h"

int irqlab_intx_alloc(struct irqlab_kernel *k, struct irqlab_device *dev);
void irqlab_intx_free(struct irqlab_machine *p, struct irqlab_device *dev);
int irqlab_intx_request(struct irqlab_kernel *k, struct irqlab_device *dev);
int irqlab_intx_release(struct irqlab_kernel *k, struct irqlab_device *dev);
int irqlab_intx_mask(struct irqlab_kernel *k, struct irqlab_device *dev, bool mask);
/* Level: @count more requests for service, the line asserted; edge: @count rising edges. */
int irqlab_intx_raise(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned count);
/*
 * The driver served one request and the handler ends with an EOI: remote IRR clears, and a
 * line still asserted sends again.
 */
int irqlab_intx_eoi(struct irqlab_kernel *k, struct irqlab_device *dev);
/* What the IO-APIC would send for the device's pin now (its RTE as a message). */
int irqlab_intx_message(struct irqlab_machine *p, const struct irqlab_device *dev,
			struct irqlab_msi_msg *msg);
void irqlab_intx_free_all(struct irqlab_machine *p);

#endif
