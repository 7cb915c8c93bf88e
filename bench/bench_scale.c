// SPDX-License-Identifier: MIT
/*
 * Whole machines at the scale of real servers (issue 19), built through the public API and
 * timed in process, so that a storm step of a few microseconds is measured by itself and not
 * as the difference of two whole runs (bench/scale.sh). The same machines as
 * bench/scale-gen.awk, with the same draws:
 *   storm  N CPUs, devices of 256 MSI-X vectors each, all allocated and requested (setup),
 *          then STEPS steps: a random CPU goes offline or comes back online, then a random
 *          interrupt is raised.
 *   small  64 CPUs, N devices of one MSI-X vector each, allocated and requested.
 * Each size runs in a child process, so that its peak resident size (getrusage) is its own;
 * its user and system CPU times are printed too (system time is mostly first-touch page
 * faults, whose cost in a virtual machine can bend the wall-clock exponent).
 * After each size, the growth exponent from the previous one, log(t2/t1) / log(n2/n1), n the
 * interrupts (storm) or devices (small). Prints figures; asserts nothing, but a run that loses,
 * blocks, misdelivers or takes a spurious message, or fails a check, exits 1.
 *
 * usage: bench_scale [--quick] [--steps N] [--check=changed|end] [--cpus N --devices N]
 *   --check=changed  the incremental check after every operation, as `irqlab run` (default)
 *   --check=end      one full check at the end only
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "irqlab/irqlab.h"
#include "bench_util.h"

struct scale_opts {
	unsigned steps;
	bool check_each; /* the incremental check after every operation */
};

struct scale_result {
	int failed; /* 0, or 1 with the reason already printed */
	double setup_s;
	double step_mean_us, step_max_us;
	long peak_kib;
	double user_s, sys_s; /* the child's CPU time: sys is mostly first-touch page faults */
};

/* The awk generator's 32-bit linear congruential draws, to make the same choices. */
struct lcg {
	uint32_t state;
};

static unsigned draw(struct lcg *g, unsigned n)
{
	g->state = g->state * 1664525u + 1013904223u;
	return (g->state >> 16) % n;
}

static int fail(struct irqlab_machine *m, const char *what)
{
	fprintf(stderr, "bench_scale: %s: %s\n", what, m ? irqlab_machine_error(m) : "");
	return 1;
}

static int checked(struct irqlab_machine *m, const struct scale_opts *o, int err, const char *what)
{
	if (err)
		return fail(m, what);
	if (o->check_each && irqlab_machine_check_changed(m))
		return fail(m, "check");
	return 0;
}

/* Builds and runs one machine; fills @res. */
static int run_one(unsigned cpus, unsigned devs, unsigned vecs, unsigned steps,
		   const struct scale_opts *o, struct scale_result *res)
{
	static const enum irqlab_class bad[] = {IRQLAB_CLASS_LOST, IRQLAB_CLASS_SPURIOUS,
						IRQLAB_CLASS_MISDELIVERED, IRQLAB_CLASS_BLOCKED};
	struct irqlab_machine_config cfg;
	struct irqlab_machine *m = NULL;
	struct irqlab_device **dev;
	struct irqlab_kernel *k;
	unsigned *idx, *off, noff = 0, limit = cpus / 4;
	bool *isoff;
	struct lcg g = {19};
	char why[256];
	uint64_t t0, total = 0, worst = 0;
	int rc = 1;

	irqlab_machine_config_init(&cfg);
	cfg.ncpus = cpus;
	cfg.legacy = false;
	cfg.ir = (unsigned long)devs * vecs <= 65536;
	cfg.extdest = !cfg.ir;
	dev = calloc(devs, sizeof(*dev));
	idx = calloc(vecs, sizeof(*idx));
	off = calloc(cpus, sizeof(*off));
	isoff = calloc(cpus, sizeof(*isoff));
	if (!dev || !idx || !off || !isoff) {
		fprintf(stderr, "bench_scale: out of memory\n");
		goto out_free;
	}
	for (unsigned i = 0; i < vecs; i++)
		idx[i] = i;

	t0 = now_ns();
	if (irqlab_machine_new(&cfg, &m, why, sizeof(why))) {
		fprintf(stderr, "bench_scale: machine of %u CPUs: %s\n", cpus, why);
		goto out_free;
	}
	k = irqlab_machine_host(m);
	for (unsigned d = 0; d < devs; d++) {
		struct irqlab_device_spec spec;
		char name[16];

		snprintf(name, sizeof(name), "d%u", d);
		irqlab_device_spec_init(&spec);
		spec.name = name;
		spec.kind = IRQLAB_DEVICE_MSIX;
		spec.rid = (uint16_t)(d + 256); /* 01:00.0 on, as the generator */
		spec.nr = vecs;
		if (checked(m, o, irqlab_device_add(k, &spec, &dev[d]), name))
			goto out_machine;
	}
	for (unsigned d = 0; d < devs; d++) {
		unsigned granted;

		if (checked(m, o, irqlab_alloc_irqs(k, dev[d], vecs, vecs, false, &granted),
			    "alloc") ||
		    checked(m, o, irqlab_request(k, dev[d], idx, vecs), "request"))
			goto out_machine;
	}
	res->setup_s = (double)(now_ns() - t0) / 1e9;

	for (unsigned s = 0; s < steps && cpus > 1; s++) {
		unsigned cpu, d, i;
		uint64_t t;
		int err;

		t = now_ns();
		/* The generator's order of draws, && short-circuit included. */
		if (noff > 0 && (noff >= limit || draw(&g, 2) == 0)) {
			i = draw(&g, noff);
			cpu = off[i];
			err = irqlab_cpu_online(k, cpu);
			isoff[cpu] = false;
			off[i] = off[--noff];
		} else {
			do
				cpu = 1 + draw(&g, cpus - 1);
			while (isoff[cpu]);
			err = irqlab_cpu_offline(k, cpu);
			isoff[cpu] = true;
			off[noff++] = cpu;
		}
		if (checked(m, o, err, "cpu online/offline"))
			goto out_machine;
		d = draw(&g, devs);
		i = draw(&g, vecs);
		if (checked(m, o, irqlab_raise(k, dev[d], &i, 1, 1), "raise"))
			goto out_machine;
		t = now_ns() - t;
		total += t;
		if (t > worst)
			worst = t;
	}
	res->step_mean_us = steps ? (double)total / steps / 1e3 : 0;
	res->step_max_us = (double)worst / 1e3;

	if (irqlab_machine_check(m)) {
		fail(m, "full check at the end");
		goto out_machine;
	}
	for (size_t c = 0; c < sizeof(bad) / sizeof(bad[0]); c++) {
		uint64_t n = 0;

		irqlab_machine_count(m, bad[c], &n);
		if (n) {
			fprintf(stderr, "bench_scale: %llu %s messages\n", (unsigned long long)n,
				irqlab_class_name(bad[c]));
			goto out_machine;
		}
	}
	rc = 0;
out_machine:
	irqlab_machine_free(m);
out_free:
	free(isoff);
	free(off);
	free(idx);
	free(dev);
	return rc;
}

/* Runs one size in a child, for a peak resident size of its own. */
static int run_child(unsigned cpus, unsigned devs, unsigned vecs, unsigned steps,
		     const struct scale_opts *o, struct scale_result *res)
{
	struct rusage ru;
	int fd[2], status;
	pid_t pid;
	ssize_t got;

	memset(res, 0, sizeof(*res));
	if (pipe(fd))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(fd[0]);
		res->failed = run_one(cpus, devs, vecs, steps, o, res);
		if (write(fd[1], res, sizeof(*res)) != (ssize_t)sizeof(*res))
			_exit(2);
		_exit(0);
	}
	close(fd[1]);
	got = read(fd[0], res, sizeof(*res));
	close(fd[0]);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -errno;
	if (got != (ssize_t)sizeof(*res) || !WIFEXITED(status) || WEXITSTATUS(status))
		res->failed = 1;
	res->peak_kib = ru.ru_maxrss;
	res->user_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	res->sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	return 0;
}

static void exponent(char *buf, size_t len, double n1, double t1, double n2, double t2)
{
	if (n1 <= 0 || t1 <= 0 || t2 <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", log(t2 / t1) / log(n2 / n1));
}

int main(int argc, char **argv)
{
	static const unsigned storm_full[][2] = {{64, 4},     {64, 25},	   {256, 100},
						 {1024, 400}, {2048, 800}, {4096, 1600},
						 {8192, 3907}};
	static const unsigned storm_quick[][2] = {{64, 4}, {256, 100}, {1024, 400}};
	static const unsigned small_full[] = {512, 1024, 2048, 4096, 8192};
	static const unsigned small_quick[] = {512, 2048, 8192};
	struct scale_opts o = {.steps = 2000, .check_each = true};
	const unsigned(*storm)[2] = storm_full;
	const unsigned *small = small_full;
	unsigned nstorm = 7, nsmall = 5, one_cpus = 0, one_devs = 0;
	double prev_n = 0, prev_setup = 0, prev_step = 0;
	char es[16], ep[16];
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			storm = storm_quick, nstorm = 3;
			small = small_quick, nsmall = 3;
		} else if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc) {
			o.steps = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--cpus") == 0 && i + 1 < argc) {
			one_cpus = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--devices") == 0 && i + 1 < argc) {
			one_devs = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--check=changed") == 0) {
			o.check_each = true;
		} else if (strcmp(argv[i], "--check=end") == 0) {
			o.check_each = false;
		} else {
			fprintf(stderr, "usage: bench_scale [--quick] [--steps N] "
					"[--check=changed|end] [--cpus N --devices N]\n");
			return 2;
		}
	}

	printf("check=%s steps=%u\n", o.check_each ? "changed" : "end", o.steps);
	printf("%6s %8s %9s %9s %12s %11s %9s %9s %9s %7s %7s\n", "CPUs", "devices", "irqs",
	       "setup_s", "step_mean_us", "step_max_us", "peak_MiB", "exp_setup", "exp_step",
	       "user_s", "sys_s");
	if (one_cpus && one_devs) {
		static unsigned one[1][2];

		one[0][0] = one_cpus, one[0][1] = one_devs;
		storm = one, nstorm = 1, nsmall = 0;
	}
	for (unsigned s = 0; s < nstorm; s++) {
		unsigned cpus = storm[s][0], devs = storm[s][1];
		double n = (double)devs * 256;
		struct scale_result r;

		if (run_child(cpus, devs, 256, o.steps, &o, &r) || r.failed) {
			printf("%6u %8u %9.0f   failed\n", cpus, devs, n);
			failed = 1;
			prev_n = 0;
			continue;
		}
		exponent(es, sizeof(es), prev_n, prev_setup, n, r.setup_s);
		exponent(ep, sizeof(ep), prev_n, prev_step, n, r.step_mean_us);
		printf("%6u %8u %9.0f %9.3f %12.2f %11.1f %9.0f %9s %9s %7.2f %7.2f\n", cpus, devs,
		       n, r.setup_s, r.step_mean_us, r.step_max_us, r.peak_kib / 1024.0, es, ep,
		       r.user_s, r.sys_s);
		fflush(stdout);
		prev_n = n, prev_setup = r.setup_s, prev_step = r.step_mean_us;
	}

	if (nsmall)
		printf("\n%6s %8s %9s %9s %9s\n", "CPUs", "devices", "setup_s", "peak_MiB",
		       "exp_setup");
	prev_n = 0;
	for (unsigned s = 0; s < nsmall; s++) {
		struct scale_result r;

		if (run_child(64, small[s], 1, 0, &o, &r) || r.failed) {
			printf("%6u %8u   failed\n", 64, small[s]);
			failed = 1;
			prev_n = 0;
			continue;
		}
		exponent(es, sizeof(es), prev_n, prev_setup, small[s], r.setup_s);
		printf("%6u %8u %9.3f %9.0f %9s\n", 64, small[s], r.setup_s, r.peak_kib / 1024.0,
		       es);
		fflush(stdout);
		prev_n = small[s], prev_setup = r.setup_s;
	}
	return failed;
}
