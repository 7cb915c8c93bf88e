/* SPDX-License-Identifier: MIT */
/* Symbolic errno names, as the scenario language writes them ("ENOSPC"). */
#ifndef IRQLAB_ERRNAME_H
#define IRQLAB_ERRNAME_H

#include "irqlab/export.h"

/* "ENOSPC" for ENOSPC or -ENOSPC; NULL for a code the model never returns. */
IRQLAB_EXPORT const char *irqlab_errno_name(int err);
/* The positive errno for a name, or 0 when the name is not one irqlab knows. */
IRQLAB_EXPORT int irqlab_errno_from_name(const char *name);

#endif
