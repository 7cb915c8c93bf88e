// SPDX-License-Identifier: MIT
/*
 * The race explorer: one affinity change without IR, with the device's emission probed at
 * every point between the separate 32-bit writes of its message store.
 */
#include <errno.h>
#include <string.h>

#include "platform/fabric.h"

/*
 * Where a message the device sent now would go. @latch: the device really sends it when its
 * entry is masked, so that the pending bit is set and the unmask sends it, once.
 */
static void race_probe_latch(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
			     struct irqlab_race *race, const char *when, bool latch)
{
	struct irqlab_race_probe *pt;
	struct irqlab_msi_msg msg;

	if (race->n == IRQLAB_RACE_MAX_POINTS || irqlab_device_read_msg(dev, index, &msg))
		return;
	pt = &race->points[race->n++];
	pt->when = when;
	if (irqlab_device_masked(dev, index)) {
		/* A masked entry only latches its pending bit: nothing can go astray. */
		pt->dl = (struct irqlab_delivery){.msg = msg, .cls = IRQLAB_MSG_DELIVERED};
		pt->dl.why = "masked: pending, sent at unmask";
		pt->pending = true;
		if (latch)
			irqlab_device_set_pending(dev, index, true);
	} else {
		irqlab_fabric_route(p, dev, index, &msg, &pt->dl, IRQLAB_PROBE);
		/* Another interrupt's handler returns "not mine": this one is lost. */
		if (pt->dl.cls == IRQLAB_MSG_DELIVERED && pt->dl.irq && pt->dl.irq != race->irq) {
			pt->dl.cls = IRQLAB_MSG_LOST;
			pt->dl.why = "reached another interrupt's handler";
		}
	}
	race->by_class[pt->dl.cls]++;
}

static void race_probe(struct irqlab_machine *p, struct irqlab_device *dev, unsigned index,
		       struct irqlab_race *race, const char *when)
{
	race_probe_latch(p, dev, index, race, when, false);
}

struct race_ctx {
	struct irqlab_machine *p;
	struct irqlab_device *dev;
	struct irqlab_race *race;
	unsigned index;
	bool latch; /* the device sends for real while its entry is masked */
};

static void race_observe(struct irqlab_store_observer *obs, struct irqlab_store *s, unsigned index,
			 enum irqlab_store_reg reg)
{
	static const char *const names[] = {
		[IRQLAB_STORE_ADDR_LO] = "after the address-low write",
		[IRQLAB_STORE_ADDR_HI] = "after the address-high write",
		[IRQLAB_STORE_DATA] = "after the data write",
	};
	struct race_ctx *rc = obs->ctx;

	if (index == rc->index && reg <= IRQLAB_STORE_DATA)
		race_probe_latch(rc->p, rc->dev, index, rc->race, names[reg], rc->latch);
}

/*
 * A what-if move, made at once whatever the kernel's rules say: the levels below the store
 * move, then the final message is written directly (NAIVE) or left to be written later
 * (DEFERRED).
 */
static void move_now(struct irqlab_irq *irq, const struct irqlab_cpumask *mask,
		     enum irqlab_msi_update_style style)
{
	if (irqlab_irq_move_below(irq, mask, false) == IRQLAB_SET_AFFINITY_OK &&
	    style == IRQLAB_MSI_UPDATE_NAIVE)
		irqlab_irq_write_composed(irq);
}

/*
 * Linux's path for a move that waits (no IR): the change is recorded, and the next interrupt,
 * still arriving on the old CPU, makes it in its ack with the entry masked. That interrupt is
 * real: it is delivered and counted.
 */
static void move_at_next_interrupt(struct irqlab_machine *p, struct irqlab_device *dev,
				   unsigned index, struct irqlab_race *race)
{
	race_probe(p, dev, index, race, "the next interrupt: its ack makes the move");
	/* Nothing arrives while the entry is masked: the move waits on. */
	irqlab_fabric_emit(p, dev, index);
}

int irqlab_platform_race(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index,
			 const struct irqlab_cpumask *mask, enum irqlab_msi_update_style style,
			 struct irqlab_race *race)
{
	struct irqlab_machine *p = irqlab_kernel_machine(k);
	bool remapped = irqlab_kernel_remapped(k);
	struct race_ctx rc = {.p = p, .dev = dev, .race = race, .index = index};
	struct irqlab_store_observer obs = {.written = race_observe, .ctx = &rc};
	struct irqlab_irq *irq;
	const struct irqlab_cpumask *held;
	struct irqlab_msi_msg old, final;
	bool deferred;
	int err;

	irqlab_kernel_clear_error(k);
	memset(race, 0, sizeof(*race));
	race->kernel = k;
	err = irqlab_platform_check_allocated(k, "race", dev, &index, 1);
	if (err)
		return err;
	if (dev->kind == IRQLAB_DEV_INTX)
		return irqlab_kernel_fail(
			k, -EOPNOTSUPP,
			"race %s: an IO-APIC pin is not a message store the kernel writes",
			dev->name);
	irq = dev->entries[index].irq;
	race->irq = irq;
	/*
	 * Without IR an IMS store in queue memory is written later, by the queue, and its mask
	 * is no better: nothing orders the writes against what the device sends.
	 */
	if (style == IRQLAB_MSI_UPDATE_AUTO && dev->kind == IRQLAB_DEV_IMS &&
	    !irqlab_store_trappable(dev->store) && !remapped)
		style = IRQLAB_MSI_UPDATE_DEFERRED;
	err = irqlab_platform_affinity_prepare(k, dev, &index, 1, mask, &deferred, &held);
	if (err)
		return err;
	if (deferred && style != IRQLAB_MSI_UPDATE_AUTO) {
		/* The what-ifs move now: take ahead what that needs. */
		err = irqlab_irq_prepare(irq, mask);
		if (err) {
			irqlab_mask_put(&k->masks, held);
			return irqlab_kernel_fail(k, err, "race %s: index %u: %s", dev->name, index,
						  err == -EBUSY
							  ? "its previous move is not complete"
							  : "no free vector on those CPUs");
		}
	}
	irqlab_device_read_msg(dev, index, &old);
	race_probe(p, dev, index, race, "before the update");
	irqlab_store_observe_add(dev->store, &obs);
	if (style != IRQLAB_MSI_UPDATE_AUTO) {
		move_now(irq, mask, style);
	} else {
		irqlab_platform_affinity_commit(k, irq, held, deferred);
		if (deferred) {
			/*
			 * What the device sends while the ack has the entry masked is real: one
			 * pending bit, sent once at unmask.
			 */
			rc.latch = true;
			move_at_next_interrupt(p, dev, index, race);
		}
	}
	irqlab_store_observe_remove(dev->store, &obs);
	irqlab_mask_put(&k->masks, held);
	irqlab_fabric_flush_retriggers(k);
	if (style == IRQLAB_MSI_UPDATE_DEFERRED && !remapped) {
		/*
		 * The store is written later, by whatever drains the queue, in either order and
		 * with nothing marked: both torn messages are possible.
		 */
		struct irqlab_msi_msg torn;

		irqlab_irq_compose_msg(irq->top->parent, &final);
		torn = old;
		torn.address_lo = final.address_lo;
		irqlab_device_write_msg(dev, index, &torn);
		race_probe(p, dev, index, race, "late write, address first: address written");
		torn = old;
		torn.data = final.data;
		irqlab_device_write_msg(dev, index, &torn);
		race_probe(p, dev, index, race, "late write, data first: data written");
		irqlab_device_write_msg(dev, index, &final);
	}
	race_probe(p, dev, index, race, "after the update");
	return 0;
}
