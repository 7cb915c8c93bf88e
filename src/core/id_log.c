// SPDX-License-Identifier: MIT
#include <stdlib.h>

#include "core/id_log.h"

void irqlab_id_log_add(struct irqlab_id_log *log, unsigned id)
{
	if (log->overflow)
		return;
	if (log->n == log->cap) {
		unsigned cap = log->cap ? 2 * log->cap : 64;
		unsigned *grown = realloc(log->ids, cap * sizeof(*grown));

		if (!grown) {
			log->overflow = true;
			return;
		}
		log->ids = grown;
		log->cap = cap;
	}
	log->ids[log->n++] = id;
}

void irqlab_id_log_clear(struct irqlab_id_log *log)
{
	log->n = 0;
	log->overflow = false;
}

void irqlab_id_log_release(struct irqlab_id_log *log)
{
	free(log->ids);
	*log = (struct irqlab_id_log){0};
}
