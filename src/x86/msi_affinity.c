// SPDX-License-Identifier: MIT
#include <errno.h>

#include "irqlab/msi.h"
#include "x86/msi_affinity.h"
#include "x86/vector_domain.h"

static struct irqlab_domain *vector_domain_of(struct irqlab_irq_data *data)
{
	while (data->parent)
		data = data->parent;
	return data->domain;
}

/* Linux's conditions for writing the new message in one go. */
static bool direct_update_is_safe(struct irqlab_irq_data *data, const struct irqlab_irq_cfg *old,
				  const struct irqlab_irq_cfg *new)
{
	struct irqlab_irq *irq = data->irq;

	return irq->maskable || old->vector == new->vector ||
	       old->vector == IRQLAB_SHUTDOWN_VECTOR || !irq->started || old->cpu == new->cpu;
}

int irqlab_x86_msi_set_affinity(struct irqlab_irq_data *data, const struct irqlab_cpumask *mask,
				bool force)
{
	struct irqlab_domain *vd = vector_domain_of(data);
	struct irqlab_irq_cfg old, new;
	struct irqlab_msi_msg msg, step;
	struct irqlab_msi_compat f;
	int ret;

	irqlab_vector_irq_cfg(data, &old);
	ret = irqlab_irq_set_affinity_parent(data, mask, force);
	if (ret < 0 || ret == IRQLAB_SET_AFFINITY_OK_DONE)
		return ret;
	irqlab_vector_irq_cfg(data, &new);
	ret = irqlab_irq_compose_msg(data->parent, &msg);
	if (ret)
		return ret;
	if (direct_update_is_safe(data, &old, &new)) {
		data->domain->ops->write_msg(data, &msg);
		return IRQLAB_SET_AFFINITY_OK_DONE;
	}
	/*
	 * Address and data are separate writes: a message sent between them would pair the new
	 * vector with the old CPU or the reverse, where no handler is installed. Step through
	 * the old CPU instead, watching the new vector there, so that a message caught in
	 * between is latched in the IRR and resent rather than lost.
	 */
	irqlab_vector_retrigger_arm(vd, old.cpu, new.vector);
	step = msg;
	if (irqlab_msi_compat_decode(&msg, true, &f) == 0) {
		f.dest = old.cpu;
		irqlab_msi_compat_encode(&f, old.cpu > 0xff, &step);
	}
	data->domain->ops->write_msg(data, &step);
	data->domain->ops->write_msg(data, &msg);
	if (irqlab_vector_retrigger_disarm(vd))
		data->irq->retrigger = true;
	return IRQLAB_SET_AFFINITY_OK_DONE;
}
