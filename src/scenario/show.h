/* SPDX-License-Identifier: MIT */
/*
 * The `show` views of a platform, one topic each, through the one printing layer: a topic's
 * printer writes text and JSON alike (output/output.h), so one function serves both. The
 * `show` statements, `irqlab show FILE TOPIC [ARGS]` and its help text all read this table.
 */
#ifndef IRQLAB_SCENARIO_SHOW_H
#define IRQLAB_SCENARIO_SHOW_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/scenario.h"

struct irqlab_out;
struct scn_ctx;

struct irqlab_show_topic {
	const char *name;	   /* show NAME, irqlab show FILE NAME */
	const char *args;	   /* what may follow the name, as help writes it ("" for none) */
	const char *help;	   /* one line for irqlab show --help */
	enum irqlab_scn_kind kind; /* the statement that shows it */
	/* Prints what @c resolved: the kernel, and the device, index and CPU it asks for. */
	void (*print)(struct irqlab_out *o, const struct scn_ctx *c);
};

/* Every topic, in the order help lists them. */
extern const struct irqlab_show_topic irqlab_show_topics[];
extern const size_t irqlab_show_nr_topics;

/* The topic shown by statement @kind, or NULL. */
const struct irqlab_show_topic *irqlab_show_topic_of(enum irqlab_scn_kind kind);
/* The topic named @name (@len bytes), or NULL. */
const struct irqlab_show_topic *irqlab_show_topic_find(const char *name, size_t len);
/* The names of those topics, "domains, vectors, ...", in @buf. */
const char *irqlab_show_topic_names(char *buf, size_t size);

#endif
