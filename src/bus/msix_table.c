// SPDX-License-Identifier: MIT
/*
 * The MSI-X table as a message store: 16-byte entries in the exact layout, each with its
 * own mask bit, the capability's Message Control (enable, function mask) and the Pending
 * Bit Array (reference/hyp-vmm.md §2).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "irqlab/msix.h"
#include "bus/store.h"

struct msix_table {
	struct irqlab_store store;
	uint16_t ctrl; /* Message Control */
	struct irqlab_msix_entry *entries;
	uint8_t *pba;
};

static struct msix_table *table_of(const struct irqlab_store *s)
{
	return (struct msix_table *)((char *)s - offsetof(struct msix_table, store));
}

static struct irqlab_msix_ctrl ctrl_of(const struct msix_table *t)
{
	struct irqlab_msix_ctrl f;

	irqlab_msix_ctrl_decode(t->ctrl, &f);
	return f;
}

static int msix_table_read(const struct irqlab_store *s, unsigned index, struct irqlab_msi_msg *msg)
{
	irqlab_msix_entry_get_msg(&table_of(s)->entries[index], msg);
	return 0;
}

static int msix_table_write32(struct irqlab_store *s, unsigned index, enum irqlab_store_reg reg,
			      uint32_t value)
{
	static const unsigned offset[] = {
		[IRQLAB_STORE_ADDR_LO] = IRQLAB_MSIX_ENTRY_ADDR_LO,
		[IRQLAB_STORE_ADDR_HI] = IRQLAB_MSIX_ENTRY_ADDR_HI,
		[IRQLAB_STORE_DATA] = IRQLAB_MSIX_ENTRY_DATA,
	};

	return irqlab_msix_entry_write32(&table_of(s)->entries[index], offset[reg], value);
}

static bool msix_table_masked(const struct irqlab_store *s, unsigned index)
{
	const struct msix_table *t = table_of(s);

	return ctrl_of(t).function_mask || irqlab_msix_entry_masked(&t->entries[index]);
}

static void msix_table_mask(struct irqlab_store *s, unsigned index)
{
	irqlab_msix_entry_set_masked(&table_of(s)->entries[index], true);
}

static void msix_table_unmask(struct irqlab_store *s, unsigned index)
{
	irqlab_msix_entry_set_masked(&table_of(s)->entries[index], false);
}

static bool msix_table_pending(const struct irqlab_store *s, unsigned index)
{
	return irqlab_msix_pba_pending(table_of(s)->pba, index);
}

static void msix_table_set_pending(struct irqlab_store *s, unsigned index, bool pending)
{
	irqlab_msix_pba_set_pending(table_of(s)->pba, index, pending);
}

static bool msix_table_trappable(const struct irqlab_store *s)
{
	return true; /* a BAR of the function */
}

static bool msix_table_enabled(const struct irqlab_store *s)
{
	return ctrl_of(table_of(s)).enable;
}

static void set_enable(struct msix_table *t, bool enable)
{
	struct irqlab_msix_ctrl f = ctrl_of(t);

	f.enable = enable;
	irqlab_msix_ctrl_encode(&f, &t->ctrl);
}

static void msix_table_enable(struct irqlab_store *s, unsigned nvec)
{
	set_enable(table_of(s), true);
}

static void msix_table_disable(struct irqlab_store *s)
{
	set_enable(table_of(s), false);
}

static void msix_table_destroy(struct irqlab_store *s)
{
	struct msix_table *t = table_of(s);

	free(t->entries);
	free(t->pba);
	free(t);
}

static const struct irqlab_store_ops msix_table_ops = {
	.read = msix_table_read,
	.write32 = msix_table_write32,
	.masked = msix_table_masked,
	.mask = msix_table_mask,
	.unmask = msix_table_unmask,
	.pending = msix_table_pending,
	.set_pending = msix_table_set_pending,
	.trappable = msix_table_trappable,
	.enabled = msix_table_enabled,
	.enable = msix_table_enable,
	.disable = msix_table_disable,
	.destroy = msix_table_destroy,
};

int irqlab_msix_table_new(struct irqlab_fault *fault, unsigned nr, struct irqlab_store **out)
{
	struct irqlab_msix_ctrl ctrl = {.table_size = nr};
	struct msix_table *t;

	if (nr == 0 || nr > IRQLAB_MSIX_MAX_ENTRIES)
		return -EINVAL;
	t = irqlab_fault_zalloc(fault, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->store.ops = &msix_table_ops;
	t->store.nr = nr;
	t->entries = irqlab_fault_zalloc(fault, nr * sizeof(*t->entries));
	t->pba = irqlab_fault_zalloc(fault, irqlab_msix_pba_size(nr));
	if (!t->entries || !t->pba) {
		msix_table_destroy(&t->store);
		return -ENOMEM;
	}
	/* Reset state: every entry masked, the function disabled until the driver enables it. */
	for (unsigned i = 0; i < nr; i++)
		irqlab_msix_entry_reset(&t->entries[i]);
	irqlab_msix_ctrl_encode(&ctrl, &t->ctrl);
	*out = &t->store;
	return 0;
}
