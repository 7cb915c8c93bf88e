/* SPDX-License-Identifier: MIT */
/*
 * The generic message: an address/data pair, what every domain composes, every message store
 * holds and every device emits (Linux: struct msi_msg). The hierarchy engine knows only this;
 * what the bits mean on x86 (compatibility and remappable formats) is irqlab/msi.h's.
 */
#ifndef IRQLAB_MSI_MSG_H
#define IRQLAB_MSI_MSG_H

#include <stdint.h>

/* One message write: a 64-bit address (lo/hi) and a 32-bit data word. */
struct irqlab_msi_msg {
	uint32_t address_lo;
	uint32_t address_hi;
	uint32_t data;
};

#endif
