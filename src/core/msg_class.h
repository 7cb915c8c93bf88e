/* SPDX-License-Identifier: MIT */
/* Where a message ended (DESIGN.md): the vocabulary of every delivery counter. */
#ifndef IRQLAB_CORE_MSG_CLASS_H
#define IRQLAB_CORE_MSG_CLASS_H

enum irqlab_msg_class {
	IRQLAB_MSG_DELIVERED,	 /* reached its interrupt's handler in the owning kernel */
	IRQLAB_MSG_BLOCKED,	 /* refused by an IR unit (a fault, recorded or not) */
	IRQLAB_MSG_LOST,	 /* no handler at that vector, or not an interrupt at all */
	IRQLAB_MSG_SPURIOUS,	 /* the placeholder vector */
	IRQLAB_MSG_MISDELIVERED, /* another owner's handler: an isolation breach */
	IRQLAB_MSG_NR_CLASSES,
};

#endif
