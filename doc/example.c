/* An interrupt from allocation to delivery through the irqlab C API (irqlab(3)). */
#include <errno.h>
#include <stdio.h>

#include <irqlab/irqlab.h>

int main(void)
{
	struct irqlab_machine_config cfg;
	struct irqlab_device_spec spec;
	struct irqlab_machine *m;
	struct irqlab_kernel *host;
	struct irqlab_device *nic;
	struct irqlab_msi_msg msg;
	unsigned idx[] = {0, 1}, three = 3, granted, cpu, vector, irtes;
	uint64_t there, total;
	char why[256];
	int err, ok;

	irqlab_machine_config_init(&cfg);
	cfg.ncpus = 4;
	cfg.ir = true;
	if (irqlab_machine_new(&cfg, &m, why, sizeof(why))) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	host = irqlab_machine_host(m);
	irqlab_device_spec_init(&spec);
	spec.name = "nic0";
	spec.kind = IRQLAB_DEVICE_MSIX;
	spec.rid = 0x0300; /* 03:00.0 */
	spec.nr = 4;
	if (irqlab_device_add(host, &spec, &nic) ||
	    irqlab_alloc_irqs(host, nic, 2, 2, false, &granted) ||
	    irqlab_request(host, nic, idx, 2) || irqlab_raise(host, nic, &idx[1], 1, 1) ||
	    irqlab_entry_target(nic, 1, &cpu, &vector) ||
	    irqlab_entry_delivered_on(nic, 1, cpu, &there) ||
	    irqlab_entry_delivered(nic, 1, &total) || irqlab_entry_message(nic, 1, &msg) ||
	    irqlab_irtes_used(m, &irtes)) {
		fprintf(stderr, "%s\n", irqlab_machine_error(m));
		irqlab_machine_free(m);
		return 1;
	}
	printf("nic0 index 1: CPU %u vector 0x%02x; %llu of its %llu deliveries arrived there\n",
	       cpu, vector, (unsigned long long)there, (unsigned long long)total);
	printf("stored addr=0x%08x data=0x%x (%s), %u IRTEs in use\n", msg.address_lo, msg.data,
	       irqlab_msi_is_remappable(&msg) ? "remappable" : "compatibility", irtes);

	/* Entry 3 was never allocated: the request fails, changes nothing and says why. */
	err = irqlab_request(host, nic, &three, 1);
	printf("request index 3: %s (%s)\n", irqlab_machine_error(m), irqlab_errno_name(err));

	ok = there == 1 && total == 1 && irqlab_msi_is_remappable(&msg) && irtes == 2 &&
	     err == -EINVAL && irqlab_machine_error(m)[0] != '\0';
	irqlab_machine_free(m);
	return ok ? 0 : 1;
}
