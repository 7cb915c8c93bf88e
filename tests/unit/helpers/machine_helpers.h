/* SPDX-License-Identifier: MIT */
/* Fixtures the machine-level (public API) unit tests share (linked in from helpers/). */
#ifndef IRQLAB_TESTS_MACHINE_HELPERS_H
#define IRQLAB_TESTS_MACHINE_HELPERS_H

#include <stdbool.h>

#include "irqlab/irqlab.h"

/* A machine of @ncpus CPUs, IR on or off with @irtes entries, ISA vectors or not. */
struct irqlab_machine *machine_new(unsigned ncpus, bool ir, unsigned irtes, bool legacy);
/* Fails the running test, naming the first broken invariant of the whole machine. */
void assert_machine_clean(struct irqlab_machine *m);
/* The IRTEs the host's IR unit has in use. */
unsigned machine_irtes_used(struct irqlab_machine *m);

#endif
