/* SPDX-License-Identifier: MIT */
/*
 * A PCI function's INTx pin: which of INTA..INTD it is, the GSI it is wired to with the
 * trigger and polarity the firmware gives it, and, for a level-triggered line, the requests
 * raised and not yet served that keep it asserted. The IO-APIC behind the GSI is another
 * object (src/bus/ioapic.c); the line only remembers which one, once allocated.
 */
#ifndef IRQLAB_BUS_INTX_LINE_H
#define IRQLAB_BUS_INTX_LINE_H

#include <stdbool.h>
#include <stdint.h>

struct irqlab_intx_line {
	unsigned gsi;
	bool level, active_low;
	unsigned pin;	     /* 0..3: INTA..INTD */
	unsigned conditions; /* level: requests raised and not yet serviced (eoi) */
	uint16_t sid;	     /* the IO-APIC's requester id: it sends the messages */
	void *ioapic;	     /* the struct irqlab_ioapic its GSI is on, once allocated */
};

void irqlab_intx_line_init(struct irqlab_intx_line *l, unsigned pin, unsigned gsi, bool level,
			   bool active_low);
/* Level: @count more requests for service; the line stays asserted until all are served. */
void irqlab_intx_line_request(struct irqlab_intx_line *l, unsigned count);
/* The driver served one request: true when that was the last and the line deasserts. */
bool irqlab_intx_line_serve(struct irqlab_intx_line *l);
bool irqlab_intx_line_asserted(const struct irqlab_intx_line *l);

#endif
