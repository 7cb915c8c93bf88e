// SPDX-License-Identifier: MIT
/*
 * The race explorer through the public API (include/irqlab/irqlab.h): the probes of one
 * affinity change, kept in an object the caller frees.
 */
#include <errno.h>
#include <stdlib.h>

#include "api/api.h"

_Static_assert((int)IRQLAB_RACE_AUTO == (int)IRQLAB_MSI_UPDATE_AUTO, "race styles");
_Static_assert((int)IRQLAB_RACE_NAIVE == (int)IRQLAB_MSI_UPDATE_NAIVE, "race styles");
_Static_assert((int)IRQLAB_RACE_DEFERRED == (int)IRQLAB_MSI_UPDATE_DEFERRED, "race styles");

int irqlab_race_affinity(struct irqlab_kernel *k, struct irqlab_device *dev, unsigned index,
			 const struct irqlab_cpumask *mask, enum irqlab_race_style style,
			 struct irqlab_race **out)
{
	struct irqlab_machine *p;
	struct irqlab_race *race;
	int err;

	if (!k)
		return -EINVAL;
	p = irqlab_kernel_machine(k);
	if (!dev)
		return irqlab_api_fail(p, -EINVAL, "race: no device");
	if (irqlab_api_machine_of(dev) != p)
		return irqlab_api_fail(p, -EINVAL, "race %s: the device belongs to another machine",
				       dev->name);
	if (!mask || !out)
		return irqlab_api_fail(p, -EINVAL, "race %s: no %s", dev->name,
				       mask ? "place for the race" : "CPU mask");
	if ((unsigned)style > IRQLAB_RACE_DEFERRED)
		return irqlab_api_fail(p, -EINVAL, "race %s: no update style %d", dev->name,
				       (int)style);
	race = irqlab_fault_zalloc(p->fault, sizeof(*race));
	if (!race)
		return irqlab_api_fail(p, -ENOMEM, "race %s: out of memory", dev->name);
	err = irqlab_platform_race(k, dev, index, mask, (enum irqlab_msi_update_style)style, race);
	if (err) {
		free(race);
		return irqlab_api_finish(p, err, "race", dev->name);
	}
	*out = race;
	return 0;
}

void irqlab_race_free(struct irqlab_race *race)
{
	free(race);
}

unsigned irqlab_race_nr_points(const struct irqlab_race *race)
{
	return race ? race->n : 0;
}

unsigned irqlab_race_count(const struct irqlab_race *race, enum irqlab_class cls)
{
	return race && (unsigned)cls < IRQLAB_NR_CLASSES ? race->by_class[cls] : 0;
}

int irqlab_race_read_point(const struct irqlab_race *race, unsigned i,
			   struct irqlab_race_point *out, size_t size)
{
	const struct irqlab_race_probe *pt;
	struct irqlab_race_point rp;
	struct irqlab_machine *p;

	if (!race)
		return -EINVAL;
	p = irqlab_kernel_machine(race->kernel);
	if (!out)
		return irqlab_api_fail(p, -EINVAL, "race point %u: nowhere to put it", i);
	if (i >= race->n)
		return irqlab_api_fail(p, -ERANGE, "race point %u: the race has %u", i, race->n);
	pt = &race->points[i];
	rp = (struct irqlab_race_point){
		.when = pt->when,
		.pending = pt->pending,
		.cls = (enum irqlab_class)pt->dl.cls,
		.why = pt->dl.why,
		.msg = pt->dl.msg,
		.cpu = pt->dl.cpu,
		.vector = pt->dl.vector,
		.irte = pt->dl.remapped ? (int)pt->dl.ir.index : -1,
		.has_target = pt->dl.decoded,
	};
	if (irqlab_api_copy_out(out, size, &rp, sizeof(rp)))
		return irqlab_api_fail(p, -EINVAL, "race point %u: an answer of %zu bytes", i,
				       size);
	return 0;
}
