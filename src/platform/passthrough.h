/* SPDX-License-Identifier: MIT */
/*
 * Device assignment: a host device, or some IMS slots of it, handed to a guest kernel, and the
 * host's side of it (the VMM and VFIO, SCENARIO.md "Virtual machines").
 *
 * The guest drives a view of the device: a struct irqlab_device in the guest kernel with the
 * same kind, name, requester id and indexes, owning the entries it was given. Its store is:
 *   - trapped (MSI, MSI-X, IMS in device memory): the VMM's emulation. Every guest write to it
 *     traps here. When the guest unmasks an entry, the host allocates a backing interrupt for
 *     it in the host's own bus domain of the device (IR included: SID = the device's requester
 *     id), on the host CPU that runs the vCPU the guest's message targets, and programs the
 *     real store. The backing's handler injects the guest's message into the VM, where the
 *     guest's LAPIC classifies it. The guest's mask and pending bits stay in the emulation;
 *     a guest rewrite of an unmasked entry retargets the backing; the backing lives until the
 *     guest frees the entry or disables the function, as QEMU's vfio-pci keeps its vectors.
 *   - the device's own (IMS in queue memory): nothing traps. The device emits exactly what the
 *     guest wrote, through the host's IR unit or straight to the host's local APICs.
 *
 * Backing can fail (no host vector, no IRTE, no memory, a host that cannot do IMS). Statements
 * that unmask (request, unmask) take the backing ahead with irqlab_passthrough_prepare(), so
 * that a failure reaches them as an errno with nothing changed on either side. Where a guest
 * makes an entry live without such a statement (a CPU coming online, a raw store), the trap
 * backs it on the spot or, failing, leaves it unbacked and says so in the trace.
 */
#ifndef IRQLAB_PLATFORM_PASSTHROUGH_H
#define IRQLAB_PLATFORM_PASSTHROUGH_H

#include <stdbool.h>

#include "bus/device.h"
#include "core/strbuf.h"

struct irqlab_machine;

/*
 * Assigns @dev to guest kernel @guest: the whole device (@n = 0) or the IMS slots @slots.
 * Every entry given must be the host's and unallocated. *@view receives the guest's view.
 * -EINVAL, -ERANGE, -EBUSY, -EOPNOTSUPP or -ENOMEM with the machine's error; nothing changes on
 * failure.
 */
int irqlab_passthrough_assign(struct irqlab_kernel *guest, struct irqlab_device *dev,
			      const unsigned *slots, unsigned n, struct irqlab_device **view);

/* The view of @dev driven by kernel @k, or NULL. */
struct irqlab_device *irqlab_passthrough_view(const struct irqlab_device *dev,
					      const struct irqlab_kernel *k);

/* Whether @irq is a host interrupt backing a guest's entry: its handler injects. */
static inline bool irqlab_passthrough_is_backing(const struct irqlab_irq *irq)
{
	const struct irqlab_device *dev = irq->dev;

	return dev && dev->views && dev->entries[irq->index].owner != irq->kernel;
}

/*
 * The interrupt entry @index of @dev serves as @dev's kernel sees it: its own, or on an
 * assigned device's host side the backing a hypercall made (a trap's sits in the entry).
 */
struct irqlab_irq *irqlab_passthrough_entry_irq(const struct irqlab_device *dev, unsigned index);

/* The host backing of entry @index of @view (by a trap or by a hypercall), or NULL. */
struct irqlab_irq *irqlab_passthrough_backing(const struct irqlab_device *view, unsigned index);

/*
 * Takes ahead the backings of entries @idx of a trapped @view that will go live when the
 * statement running in the guest commits: @cpus[i] is the vCPU entry idx[i] will target. An
 * entry already backed, or not the guest's, is skipped. All or nothing, with the reason in the
 * machine's error (its context is the caller's to add). A @view that nothing traps: 0.
 */
int irqlab_passthrough_prepare(struct irqlab_device *view, const unsigned *idx,
			       const unsigned *cpus, unsigned n);
/* Gives back what prepare took and the statement did not use. */
void irqlab_passthrough_finish(struct irqlab_device *view);

/*
 * Why the last entry of @view the guest made live without a statement taking its backing
 * ahead went unbacked (the host's errno and reason, into @why); -ENOSPC when none is known.
 */
int irqlab_passthrough_unbacked(const struct irqlab_device *view, struct irqlab_error *why);

/* A backing's handler ran: the VMM injects entry @irq->index's guest message. */
void irqlab_passthrough_inject(struct irqlab_machine *p, struct irqlab_irq *backing);

/*
 * Host CPU @cpu went offline: the vCPUs that ran there move to the lowest online host CPU, as
 * the scheduler moves a task whose CPUs are all gone.
 */
void irqlab_passthrough_host_cpu_offline(struct irqlab_machine *p, unsigned cpu);

/* The VMM traps the IRTE writes of guest @guest's emulated IR unit (parent=vir). */
void irqlab_passthrough_watch_vir(struct irqlab_kernel *guest);

/* Detaches the VMM from @view (its traps stop) and frees its state: the machine is going. */
void irqlab_passthrough_release(struct irqlab_device *view);

/*
 * The invariants: every backing serves an entry its guest has allocated, in a view of its
 * owner, and every prepared backing was given back.
 */
int irqlab_passthrough_check(const struct irqlab_device *view, struct irqlab_strbuf *why);

#endif
