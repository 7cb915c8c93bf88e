// SPDX-License-Identifier: MIT
/* What every message store does the same way: bounds, the observers, unmask-and-resend. */
#include <errno.h>
#include <stddef.h>

#include "bus/store.h"

void irqlab_store_destroy(struct irqlab_store *s)
{
	if (s)
		s->ops->destroy(s);
}

int irqlab_store_read(const struct irqlab_store *s, unsigned index, struct irqlab_msi_msg *msg)
{
	if (index >= s->nr)
		return -ERANGE;
	return s->ops->read(s, index, msg);
}

/* A device may emit between any two writes: every watcher sees each one. */
static void notify(struct irqlab_store *s, unsigned index, enum irqlab_store_reg reg)
{
	struct irqlab_store_observer *obs, *next;

	for (obs = s->observers; obs; obs = next) {
		next = obs->next;
		obs->written(obs, s, index, reg);
	}
}

int irqlab_store_write32(struct irqlab_store *s, unsigned index, enum irqlab_store_reg reg,
			 uint32_t value)
{
	int err;

	if (index >= s->nr)
		return -ERANGE;
	err = s->ops->write32(s, index, reg, value);
	if (err)
		return err;
	notify(s, index, reg);
	return 0;
}

int irqlab_store_write_msg(struct irqlab_store *s, unsigned index, const struct irqlab_msi_msg *msg)
{
	int err = irqlab_store_write32(s, index, IRQLAB_STORE_ADDR_LO, msg->address_lo);

	if (!err)
		err = irqlab_store_write32(s, index, IRQLAB_STORE_ADDR_HI, msg->address_hi);
	if (!err)
		err = irqlab_store_write32(s, index, IRQLAB_STORE_DATA, msg->data);
	return err;
}

bool irqlab_store_can_mask(const struct irqlab_store *s)
{
	return !s->ops->can_mask || s->ops->can_mask(s);
}

bool irqlab_store_masked(const struct irqlab_store *s, unsigned index)
{
	return s->ops->masked(s, index);
}

void irqlab_store_mask(struct irqlab_store *s, unsigned index)
{
	s->ops->mask(s, index);
	notify(s, index, IRQLAB_STORE_VECTOR_CTRL);
}

bool irqlab_store_unmask(struct irqlab_store *s, unsigned index)
{
	bool send;

	s->ops->unmask(s, index);
	notify(s, index, IRQLAB_STORE_VECTOR_CTRL);
	/* Hardware sends a pending message as soon as its entry is unmasked. */
	send = s->ops->pending(s, index) && !s->ops->masked(s, index);
	if (send)
		s->ops->set_pending(s, index, false);
	return send;
}

bool irqlab_store_pending(const struct irqlab_store *s, unsigned index)
{
	return s->ops->pending(s, index);
}

void irqlab_store_set_pending(struct irqlab_store *s, unsigned index, bool pending)
{
	s->ops->set_pending(s, index, pending);
}

bool irqlab_store_trappable(const struct irqlab_store *s)
{
	return s->ops->trappable(s);
}

bool irqlab_store_enabled(const struct irqlab_store *s)
{
	return !s->ops->enabled || s->ops->enabled(s);
}

void irqlab_store_enable(struct irqlab_store *s, unsigned nvec)
{
	if (s->ops->enable)
		s->ops->enable(s, nvec);
	notify(s, 0, IRQLAB_STORE_FUNCTION_CTRL);
}

void irqlab_store_disable(struct irqlab_store *s)
{
	if (s->ops->disable)
		s->ops->disable(s);
	notify(s, 0, IRQLAB_STORE_FUNCTION_CTRL);
}

void irqlab_store_observe_add(struct irqlab_store *s, struct irqlab_store_observer *obs)
{
	struct irqlab_store_observer **link = &s->observers;

	while (*link)
		link = &(*link)->next;
	obs->next = NULL;
	*link = obs;
}

void irqlab_store_observe_remove(struct irqlab_store *s, struct irqlab_store_observer *obs)
{
	for (struct irqlab_store_observer **link = &s->observers; *link; link = &(*link)->next) {
		if (*link == obs) {
			*link = obs->next;
			obs->next = NULL;
			return;
		}
	}
}
