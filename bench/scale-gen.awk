# SPDX-License-Identifier: MIT
#
# Writes a scale scenario for irqlab run (bench/scale.sh drives it): a host of CPUS CPUs,
# DEVS MSI-X devices of VECS vectors each, every vector allocated and requested, then STEPS
# storm steps: a random CPU goes offline or comes back online, and a random interrupt is
# raised. The draws come from a 32-bit linear congruential generator of our own seeded with
# SEED, so that every awk gives the same file. The run ends by asking that nothing was lost,
# spurious or misdelivered.
#
# usage: awk -v CPUS=N -v DEVS=N -v VECS=N -v STEPS=N -v SEED=N [-v IR=on|off] -f scale-gen.awk
#
# IR=on (the default up to 65,536 interrupts, the size of the one IR unit's table) remaps;
# IR=off uses extended destination ids instead, the only way past 65,536 interrupts or
# above 255 CPUs without remapping.
function draw(n) {
	# Numerical Recipes' constants; the high bits are the better ones.
	state = (state * 1664525 + 1013904223) % 4294967296
	return int(state / 65536) % n
}

BEGIN {
	if (!CPUS || !DEVS || !VECS) {
		print "scale-gen.awk: needs CPUS, DEVS and VECS" > "/dev/stderr"
		exit 2
	}
	if (IR == "")
		IR = DEVS * VECS <= 65536 ? "on" : "off"
	state = SEED + 0
	if (IR == "on")
		printf "host cpus=%d ir=on legacy=off\n", CPUS
	else
		printf "host cpus=%d ir=off extdest=on legacy=off\n", CPUS
	for (d = 0; d < DEVS; d++) {
		# Requester ids from 01:00.0 on, all eight functions: 65,280 of them.
		rid = d + 256
		printf "device d%d bdf=%02x:%02x.%x msix=%d\n", d, int(rid / 256), \
			int(rid / 8) % 32, rid % 8, VECS
	}
	for (d = 0; d < DEVS; d++) {
		printf "alloc d%d count=%d\n", d, VECS
		printf "request d%d index=0-%d\n", d, VECS - 1
	}
	# At most a quarter of the CPUs offline at once (never CPU 0): the others have room.
	limit = int(CPUS / 4)
	noff = 0
	for (s = 0; s < STEPS && CPUS > 1; s++) {
		if (noff > 0 && (noff >= limit || draw(2) == 0)) {
			i = draw(noff)
			printf "cpu online %d\n", off[i]
			isoff[off[i]] = 0
			off[i] = off[--noff]
		} else {
			do
				c = 1 + draw(CPUS - 1)
			while (isoff[c])
			printf "cpu offline %d\n", c
			isoff[c] = 1
			off[noff++] = c
		}
		printf "raise d%d index=%d\n", draw(DEVS), draw(VECS)
	}
	print "expect lost count=0"
	print "expect spurious count=0"
	print "expect misdelivered count=0"
	print "expect blocked count=0"
}
