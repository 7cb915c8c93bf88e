/* SPDX-License-Identifier: MIT */
#ifndef IRQLAB_VERSION_H
#define IRQLAB_VERSION_H

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *irqlab_version(void);

#endif
