/* SPDX-License-Identifier: MIT */
/*
 * What the shared library exports. It is built with -fvisibility=hidden, so only declarations
 * marked IRQLAB_EXPORT are seen from outside; everything under src/ stays internal. A program
 * that includes these headers sees the macro empty.
 */
#ifndef IRQLAB_EXPORT_H
#define IRQLAB_EXPORT_H

#if defined(IRQLAB_BUILDING) && defined(__GNUC__)
#define IRQLAB_EXPORT __attribute__((visibility("default")))
#else
#define IRQLAB_EXPORT
#endif

#endif
