// SPDX-License-Identifier: MIT
/* The irqlab command (placeholder until the scenario runner lands). */
#include <stdio.h>
#include <string.h>

#include "irqlab/version.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("irqlab %s\n", irqlab_version());
		return 0;
	}
	fprintf(stderr, "usage: irqlab --version\n");
	return 2;
}
