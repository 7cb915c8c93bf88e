// SPDX-License-Identifier: MIT
#include <stdio.h>
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

enum irqlab_detect_evidence irqlab_detect(enum irqlab_detect_rule rule, bool cpuid_hv,
					  const char *dmi_vendor)
{
	if (rule == IRQLAB_DETECT_NONE)
		return IRQLAB_EVIDENCE_ASSUMED;
	if (cpuid_hv)
		return IRQLAB_EVIDENCE_CPUID;
	if (rule == IRQLAB_DETECT_CPUID)
		return IRQLAB_EVIDENCE_CPUID_CLEAR;
	for (size_t i = 0; dmi_vendor && i < sizeof(vm_vendors) / sizeof(vm_vendors[0]); i++)
		if (strcmp(dmi_vendor, vm_vendors[i]) == 0)
			return IRQLAB_EVIDENCE_DMI_LISTED;
	return IRQLAB_EVIDENCE_DMI_UNLISTED;
}

bool irqlab_detect_says_bare_metal(enum irqlab_detect_evidence e)
{
	return e != IRQLAB_EVIDENCE_CPUID && e != IRQLAB_EVIDENCE_DMI_LISTED;
}

void irqlab_detect_run(struct irqlab_detect_record *r, enum irqlab_detect_rule rule, bool cpuid_hv,
		       const char *signature, const char *dmi_vendor)
{
	*r = (struct irqlab_detect_record){
		.rule = rule,
		.evidence = irqlab_detect(rule, cpuid_hv, dmi_vendor),
		.cpuid_hv = cpuid_hv,
		.has_vendor = dmi_vendor != NULL,
	};
	r->bare_metal = irqlab_detect_says_bare_metal(r->evidence);
	/* The leaf holds 12 bytes in EBX, ECX, EDX: a longer string is cut, a shorter one
	 * padded with NULs, as a hypervisor fills it. */
	if (cpuid_hv && signature)
		snprintf(r->signature, sizeof(r->signature), "%.12s", signature);
	if (dmi_vendor)
		snprintf(r->dmi_vendor, sizeof(r->dmi_vendor), "%s", dmi_vendor);
}
