/* SPDX-License-Identifier: MIT */
/*
 * Commit or probe: whether a message's path through the model changes it (a fault recorded, a
 * move completed, an IRR latched) or is only looked at, for a what-if such as the race
 * explorer. An argument of the call, never a mode of the object (STYLE.md).
 */
#ifndef IRQLAB_CORE_MODE_H
#define IRQLAB_CORE_MODE_H

enum irqlab_mode {
	IRQLAB_COMMIT, /* as a real message: every effect happens */
	IRQLAB_PROBE,  /* the same checks and answer, with no effect on the model */
};

#endif
