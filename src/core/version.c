// SPDX-License-Identifier: MIT
#include "irqlab/version.h"

const char *irqlab_version(void)
{
	return IRQLAB_VERSION_STRING;
}
