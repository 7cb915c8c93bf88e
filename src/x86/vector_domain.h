/* SPDX-License-Identifier: MIT */
/*
 * The x86 vector domain: the root of every hierarchy, owner of the vector matrix and of each
 * CPU's local-APIC vector table (which handler a vector reaches).
 *
 * Its rules are Linux's arch/x86/kernel/apic/vector.c (reference/linux.md §3): reservation
 * mode, managed interrupts, move-in-progress with cleanup on the first interrupt at the new
 * vector, CPU hot-unplug. CPU offline is made atomic here (Linux only logs a failed
 * migration): every new vector is taken first, and only when all are taken is anything moved.
 */
#ifndef IRQLAB_X86_VECTOR_DOMAIN_H
#define IRQLAB_X86_VECTOR_DOMAIN_H

#include <stdbool.h>

#include "core/irqdomain.h"
#include "core/mode.h"
#include "x86/vector_matrix.h"

#define IRQLAB_FIRST_EXTERNAL_VECTOR 0x20u
#define IRQLAB_FIRST_SYSTEM_VECTOR   0xebu /* allocation stops below it: 0x20..0xea */
#define IRQLAB_ISA_VECTOR_BASE	     0x30u
#define IRQLAB_PIC_CASCADE_VECTOR    0x32u
#define IRQLAB_SYSCALL_VECTOR	     0x80u
#define IRQLAB_SHUTDOWN_VECTOR	     0xefu /* MANAGED_IRQ_SHUTDOWN_VECTOR: the placeholder */
#define IRQLAB_NR_ISA_IRQS	     16u

struct irqlab_vector_config {
	bool legacy;  /* the 16 ISA interrupts take 0x30..0x3f on CPU 0 at boot */
	bool extdest; /* compose 15-bit destinations (address bits 11:5) without IR */
	/*
	 * Accept IMS children: the earlier proposal (IMS on bare metal without IR), which the
	 * final design refused. It exists so that what it would do can be run.
	 */
	bool ims;
};

/* Where an interrupt's messages must go now: a real vector, or the placeholder. */
struct irqlab_irq_cfg {
	unsigned vector;
	unsigned cpu; /* the APIC id equals the CPU number in this model */
};

/* What the local APIC found at (cpu, vector). */
enum irqlab_lapic_result {
	IRQLAB_LAPIC_HANDLED,	 /* an interrupt's handler runs */
	IRQLAB_LAPIC_SPURIOUS,	 /* the placeholder vector */
	IRQLAB_LAPIC_NO_HANDLER, /* "No irq handler for vector" */
	IRQLAB_LAPIC_LEGACY,	 /* one of the ISA interrupts (no device of the model) */
	IRQLAB_LAPIC_CPU_OFFLINE,
	IRQLAB_LAPIC_BAD_VECTOR, /* an exception or system vector: not an external interrupt */
	IRQLAB_LAPIC_RETRIGGER,	 /* a vector marked by a two-step move: latched, then resent */
};

int irqlab_vector_domain_create(struct irqlab_kernel *k, const struct irqlab_vector_config *cfg,
				struct irqlab_domain **out);
struct irqlab_matrix *irqlab_vector_domain_matrix(struct irqlab_domain *vd);

/* The vector level of any level of an interrupt: its current message target. */
int irqlab_vector_irq_cfg(struct irqlab_irq_data *data, struct irqlab_irq_cfg *cfg);
/*
 * The CPU the interrupt's messages will target once what irqlab_irq_prepare() took is used:
 * the prepared vector's CPU, or else the current target's.
 */
unsigned irqlab_vector_next_cpu(struct irqlab_irq_data *data);
/* True while a move waits for its first interrupt on the new vector. */
bool irqlab_vector_move_pending(struct irqlab_irq_data *data);
/* Frees the old vector of a pending move now (IR: right after the IRTE update). */
void irqlab_vector_cleanup_now(struct irqlab_irq_data *data);
/* True when the interrupt holds a real vector (not a reservation, not shut down). */
bool irqlab_vector_has_vector(struct irqlab_irq_data *data);

/*
 * A message arrives at @cpu's local APIC with @vector. Returns what it found; for HANDLED the
 * interrupt in *@irq. With IRQLAB_COMMIT the first interrupt on a moved interrupt's new vector
 * completes the move, and one caught by an armed retrigger is latched; with IRQLAB_PROBE the
 * same answer has no effect on the model (what a message would find).
 */
enum irqlab_lapic_result irqlab_vector_lapic_accept(struct irqlab_domain *vd, unsigned cpu,
						    unsigned vector, enum irqlab_mode mode,
						    struct irqlab_irq **irq);

/* What the LAPIC table holds at (cpu, vector): an interrupt, or NULL (*@legacy: an ISA one). */
struct irqlab_irq *irqlab_vector_lookup(struct irqlab_domain *vd, unsigned cpu, unsigned vector,
					bool *legacy);

/*
 * The two-step move's safety net (Linux: VECTOR_RETRIGGERED and the IRR check): while armed,
 * a message at @vector on @cpu is latched in the IRR (the vector is marked when it is free
 * there, so no "No irq handler" is reported). Disarm reports whether one was latched, and
 * the mover then resends it to the new target.
 */
int irqlab_vector_retrigger_arm(struct irqlab_domain *vd, unsigned cpu, unsigned vector);
bool irqlab_vector_retrigger_disarm(struct irqlab_domain *vd);

/* CPU hot-unplug: -ENOSPC (nothing changed) when the others cannot take its vectors. */
int irqlab_vector_cpu_offline(struct irqlab_domain *vd, unsigned cpu);
int irqlab_vector_cpu_online(struct irqlab_domain *vd, unsigned cpu);

#endif
