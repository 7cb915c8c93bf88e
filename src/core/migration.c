// SPDX-License-Identifier: MIT
/*
 * Deferred affinity changes (Linux: kernel/irq/migration.c, and irq_set_affinity_locked in
 * kernel/irq/manage.c). Where a move rewrites the message a device stores, the kernel does
 * not make it from process context: it records the mask, and the next interrupt makes the
 * move in its ack, on the CPU it still arrives on, with the entry masked.
 */
#include <errno.h>

#include "core/fault.h"
#include "core/irqdomain.h"

bool irqlab_irq_moves_in_process_context(const struct irqlab_irq *irq)
{
	for (const struct irqlab_irq_data *data = irq->top; data; data = data->parent)
		if (data->domain->ops->moves_in_process_context)
			return true;
	return false;
}

int irqlab_irq_set_pending(struct irqlab_irq *irq, const struct irqlab_cpumask *mask)
{
	const struct irqlab_cpumask *held = irqlab_mask_hold(&irq->kernel->masks, mask);

	if (!held)
		return -ENOMEM;
	/* A second change before the interrupt replaces the first (irq_copy_pending). */
	irqlab_mask_put(&irq->kernel->masks, irq->pending_mask);
	irq->pending_mask = held;
	if (!irq->move_pending)
		irqlab_irq_list_add(irq, IRQLAB_IRQS_MOVE_PENDING);
	irq->move_pending = true;
	irqlab_irq_touch(irq);
	return 0;
}

void irqlab_irq_forget_pending(struct irqlab_irq *irq)
{
	if (irq->move_pending)
		irqlab_irq_list_del(irq, IRQLAB_IRQS_MOVE_PENDING);
	irqlab_mask_put(&irq->kernel->masks, irq->pending_mask);
	irq->pending_mask = NULL;
	irq->move_pending = false;
}

void irqlab_irq_clear_pending(struct irqlab_irq *irq)
{
	if (!irq->move_pending)
		return;
	irqlab_irq_forget_pending(irq);
	irqlab_irq_touch(irq);
}

void irqlab_kernel_drop_hopeless_moves(struct irqlab_kernel *k,
				       void (*dropped)(struct irqlab_irq *irq, void *ctx),
				       void *ctx)
{
	struct irqlab_irq *irq, *next;

	for (irq = k->lists[IRQLAB_IRQS_MOVE_PENDING].head; irq; irq = next) {
		next = irq->links[IRQLAB_IRQS_MOVE_PENDING].next;
		if (irqlab_cpumask_intersects(irq->pending_mask, &k->online))
			continue;
		if (dropped)
			dropped(irq, ctx);
		irqlab_irq_clear_pending(irq);
	}
}

int irqlab_irq_move_masked(struct irqlab_irq *irq)
{
	int ret;

	if (!irq->move_pending)
		return 0;
	/* The CPUs asked for went offline meanwhile: the change is dropped. */
	if (!irqlab_cpumask_intersects(irq->pending_mask, &irq->kernel->online))
		ret = -EINVAL;
	else
		ret = irqlab_irq_set_affinity(irq, irq->pending_mask, false);
	/* The vector domain still cleans up the previous move: try again at the next one. */
	if (ret != -EBUSY)
		irqlab_irq_clear_pending(irq);
	return ret < 0 ? ret : 0;
}
