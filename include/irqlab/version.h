/* SPDX-License-Identifier: MIT */
#ifndef IRQLAB_VERSION_H
#define IRQLAB_VERSION_H

#include "irqlab/export.h"

/* The library's version, "MAJOR.MINOR.PATCH". */
IRQLAB_EXPORT const char *irqlab_version(void);

#endif
