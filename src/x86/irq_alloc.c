// SPDX-License-Identifier: MIT
#include "x86/irq_alloc.h"

const char *irqlab_req_name(unsigned bit)
{
	switch (bit) {
	case IRQLAB_REQ_MULTI_MSI:
		return "multi-MSI (a contiguous aligned vector block)";
	case IRQLAB_REQ_MSIX:
		return "MSI-X";
	case IRQLAB_REQ_IMS:
		return "IMS (a device-specific message store)";
	case IRQLAB_REQ_QUEUE_STORE:
		return "a message store in queue memory";
	case IRQLAB_REQ_MSI:
		return "PCI MSI";
	case IRQLAB_REQ_IOAPIC:
		return "IO-APIC pins";
	}
	return "an unknown requirement";
}
