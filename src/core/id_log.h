/* SPDX-License-Identifier: MIT */
/*
 * A log of ids (interrupt numbers, device slots, LAPIC slots) noted since it was last cleared,
 * in the order noted, repeats kept. It serves the incremental checker and the retrigger flush:
 * a reader visits what was noted instead of everything. When it cannot grow it overflows
 * rather than fail, and its reader then visits everything: so it is not a fault point.
 */
#ifndef IRQLAB_CORE_ID_LOG_H
#define IRQLAB_CORE_ID_LOG_H

#include <stdbool.h>

struct irqlab_id_log {
	unsigned *ids;
	unsigned n, cap;
	bool overflow; /* an id was lost: the reader must look at everything */
};

/* Notes @id; on no memory the log overflows instead. */
void irqlab_id_log_add(struct irqlab_id_log *log, unsigned id);
/* Empties the log (and forgets an overflow); keeps its memory. */
void irqlab_id_log_clear(struct irqlab_id_log *log);
void irqlab_id_log_release(struct irqlab_id_log *log);

#endif
