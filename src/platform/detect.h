/* SPDX-License-Identifier: MIT */
/*
 * What a guest kernel concludes about where it runs (SCENARIO.md, "Detection"): the CPUID
 * hypervisor bit, and the DMI system vendor as Linux's dmi_match compares it.
 */
#ifndef IRQLAB_PLATFORM_DETECT_H
#define IRQLAB_PLATFORM_DETECT_H

#include <stdbool.h>

enum irqlab_detect_rule {
	IRQLAB_DETECT_NONE,	/* assumes bare metal */
	IRQLAB_DETECT_CPUID,	/* a VM iff the CPUID hypervisor bit is set */
	IRQLAB_DETECT_PROBABLE, /* the CPUID bit, then the DMI vendor list */
};

/* Whether @rule concludes bare metal, given the CPUID bit and the DMI vendor (NULL: none). */
bool irqlab_detect_bare_metal(enum irqlab_detect_rule rule, bool cpuid_hv, const char *dmi_vendor);

#endif
