/* SPDX-License-Identifier: MIT */
/*
 * What a kernel concludes about where it runs (SCENARIO.md, "Detection"): the CPUID
 * hypervisor bit (leaf 1 ECX bit 31), then the DMI system vendor against a block list compared
 * as Linux's dmi_match compares (exactly): the probably_on_bare_metal() of the 2020 sketch.
 */
#ifndef IRQLAB_PLATFORM_DETECT_H
#define IRQLAB_PLATFORM_DETECT_H

#include <stdbool.h>

enum irqlab_detect_rule {
	IRQLAB_DETECT_NONE,	/* assumes bare metal */
	IRQLAB_DETECT_CPUID,	/* a VM iff the CPUID hypervisor bit is set */
	IRQLAB_DETECT_PROBABLE, /* the CPUID bit, then the DMI vendor list */
};

/* What the verdict rests on. */
enum irqlab_detect_evidence {
	IRQLAB_EVIDENCE_ASSUMED,      /* detect=none: nothing read */
	IRQLAB_EVIDENCE_CPUID,	      /* the hypervisor bit is set: a VM */
	IRQLAB_EVIDENCE_CPUID_CLEAR,  /* detect=cpuid, the bit clear: bare metal */
	IRQLAB_EVIDENCE_DMI_LISTED,   /* the bit clear, the vendor on the list: a VM */
	IRQLAB_EVIDENCE_DMI_UNLISTED, /* the bit clear, the vendor not on it (or none) */
};

/* What a kernel read and concluded, kept for show and the API. */
struct irqlab_detect_record {
	enum irqlab_detect_rule rule;
	enum irqlab_detect_evidence evidence;
	bool bare_metal;
	bool cpuid_hv;
	char signature[13]; /* CPUID leaf 0x40000000's 12 bytes, when the bit is set */
	bool has_vendor;
	char dmi_vendor[64];
};

/* Runs @rule on what the platform shows the kernel (@signature, @dmi_vendor may be NULL). */
void irqlab_detect_run(struct irqlab_detect_record *r, enum irqlab_detect_rule rule, bool cpuid_hv,
		       const char *signature, const char *dmi_vendor);

/* Whether a verdict resting on @e is bare metal. */
bool irqlab_detect_says_bare_metal(enum irqlab_detect_evidence e);
/* What @rule finds, given the CPUID bit and the DMI vendor (NULL: none). */
enum irqlab_detect_evidence irqlab_detect(enum irqlab_detect_rule rule, bool cpuid_hv,
					  const char *dmi_vendor);

#endif
