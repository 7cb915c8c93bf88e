// SPDX-License-Identifier: MIT
#include <string.h>

#include "platform/detect.h"

/* The DMI system vendors that say "virtual machine", compared whole (dmi_match). */
static const char *const vm_vendors[] = {
	"QEMU",	       "Bochs",	       "KVM",
	"Xen",	       "VMware",       "VMW",
	"VMware Inc.", "innotek GmbH", "Oracle Corporation",
	"Parallels",   "BHYVE",	       "Microsoft Corporation",
	"Amazon EC2",
};

bool irqlab_detect_bare_metal(enum irqlab_detect_rule rule, bool cpuid_hv, const char *dmi_vendor)
{
	if (rule == IRQLAB_DETECT_NONE)
		return true;
	if (cpuid_hv)
		return false;
	if (rule == IRQLAB_DETECT_CPUID || !dmi_vendor)
		return true;
	for (size_t i = 0; i < sizeof(vm_vendors) / sizeof(vm_vendors[0]); i++)
		if (strcmp(dmi_vendor, vm_vendors[i]) == 0)
			return false;
	return true;
}
