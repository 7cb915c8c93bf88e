/* SPDX-License-Identifier: MIT */
/*
 * Fault injection. Every allocation point of the model, memory or resource (a descriptor, a
 * per-level data block, a vector, an IRTE block), asks the injector first. A test arms it to
 * fail the Nth point and walks N over every point of an operation, as SQLite's tests do, to
 * prove each failure is rolled back.
 *
 * The injector is owned by whoever owns the kernels (a platform shares one among the host and
 * its guests), never global.
 */
#ifndef IRQLAB_CORE_FAULT_H
#define IRQLAB_CORE_FAULT_H

#include <stdbool.h>
#include <stddef.h>

struct irqlab_fault {
	unsigned long fail_at;	 /* 1-based point to fail; 0: never */
	unsigned long points;	 /* allocation points passed since the last arm */
	const char *failed_site; /* the site that was made to fail, or NULL */
	int failed_err;		 /* the error that site reports */
};

/* Fail the @nth allocation point from now on (0 disarms); resets the count. */
void irqlab_fault_arm(struct irqlab_fault *f, unsigned long nth);

/*
 * An allocation point named @site that would fail with @err. Returns true when the injector
 * says this one fails; the caller then behaves exactly as if the resource had run out.
 */
bool irqlab_fault_point(struct irqlab_fault *f, const char *site, int err);

/* calloc() behind an allocation point ("memory", -ENOMEM). */
void *irqlab_fault_zalloc(struct irqlab_fault *f, size_t size);
/* realloc() behind one; on failure @ptr is untouched, as with realloc(). */
void *irqlab_fault_realloc(struct irqlab_fault *f, void *ptr, size_t size);

#endif
