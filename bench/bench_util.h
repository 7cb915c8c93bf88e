/* SPDX-License-Identifier: MIT */
/* What the benchmarks share: a seeded random sequence and a monotonic clock. */
#ifndef IRQLAB_BENCH_UTIL_H
#define IRQLAB_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

/* splitmix64: fixed seeds give the same workload on every run. */
static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
