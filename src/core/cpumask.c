// SPDX-License-Identifier: MIT
/* CPU mask operations, word at a time. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "irqlab/cpumask.h"

void irqlab_cpumask_zero(struct irqlab_cpumask *m)
{
	memset(m->bits, 0, sizeof(m->bits));
}

static uint64_t word_mask_from(unsigned bit)
{
	return ~UINT64_C(0) << (bit % 64);
}

static uint64_t word_mask_upto(unsigned bit)
{
	/* Bits 0..bit (inclusive) of the word holding @bit. */
	return ~UINT64_C(0) >> (63 - bit % 64);
}

void irqlab_cpumask_set_range(struct irqlab_cpumask *m, unsigned first, unsigned last)
{
	unsigned w, wf = first / 64, wl = last / 64;

	if (first > last || last >= IRQLAB_MAX_CPUS)
		return;
	for (w = wf; w <= wl; w++) {
		uint64_t bits = ~UINT64_C(0);

		if (w == wf)
			bits &= word_mask_from(first);
		if (w == wl)
			bits &= word_mask_upto(last);
		m->bits[w] |= bits;
	}
}

bool irqlab_cpumask_and(struct irqlab_cpumask *dst, const struct irqlab_cpumask *a,
			const struct irqlab_cpumask *b)
{
	uint64_t any = 0;

	for (unsigned w = 0; w < IRQLAB_CPUMASK_WORDS; w++) {
		dst->bits[w] = a->bits[w] & b->bits[w];
		any |= dst->bits[w];
	}
	return any != 0;
}

void irqlab_cpumask_or(struct irqlab_cpumask *dst, const struct irqlab_cpumask *a,
		       const struct irqlab_cpumask *b)
{
	for (unsigned w = 0; w < IRQLAB_CPUMASK_WORDS; w++)
		dst->bits[w] = a->bits[w] | b->bits[w];
}

bool irqlab_cpumask_intersects(const struct irqlab_cpumask *a, const struct irqlab_cpumask *b)
{
	for (unsigned w = 0; w < IRQLAB_CPUMASK_WORDS; w++)
		if (a->bits[w] & b->bits[w])
			return true;
	return false;
}

bool irqlab_cpumask_subset(const struct irqlab_cpumask *sub, const struct irqlab_cpumask *super)
{
	for (unsigned w = 0; w < IRQLAB_CPUMASK_WORDS; w++)
		if (sub->bits[w] & ~super->bits[w])
			return false;
	return true;
}

bool irqlab_cpumask_equal(const struct irqlab_cpumask *a, const struct irqlab_cpumask *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

bool irqlab_cpumask_empty(const struct irqlab_cpumask *m)
{
	for (unsigned w = 0; w < IRQLAB_CPUMASK_WORDS; w++)
		if (m->bits[w])
			return false;
	return true;
}

unsigned irqlab_cpumask_weight(const struct irqlab_cpumask *m)
{
	unsigned n = 0;

	for (unsigned w = 0; w < IRQLAB_CPUMASK_WORDS; w++)
		n += (unsigned)__builtin_popcountll(m->bits[w]);
	return n;
}

static unsigned find_next(const struct irqlab_cpumask *m, unsigned cpu, uint64_t invert)
{
	unsigned w;
	uint64_t bits;

	if (cpu >= IRQLAB_MAX_CPUS)
		return IRQLAB_MAX_CPUS;
	w = cpu / 64;
	bits = (m->bits[w] ^ invert) & word_mask_from(cpu);
	while (!bits) {
		if (++w == IRQLAB_CPUMASK_WORDS)
			return IRQLAB_MAX_CPUS;
		bits = m->bits[w] ^ invert;
	}
	return w * 64 + (unsigned)__builtin_ctzll(bits);
}

unsigned irqlab_cpumask_next(const struct irqlab_cpumask *m, unsigned cpu)
{
	return find_next(m, cpu, 0);
}

unsigned irqlab_cpumask_next_zero(const struct irqlab_cpumask *m, unsigned cpu)
{
	return find_next(m, cpu, ~UINT64_C(0));
}

unsigned irqlab_cpumask_last(const struct irqlab_cpumask *m)
{
	for (unsigned w = IRQLAB_CPUMASK_WORDS; w-- > 0;)
		if (m->bits[w])
			return w * 64 + 63 - (unsigned)__builtin_clzll(m->bits[w]);
	return IRQLAB_MAX_CPUS;
}

static int parse_cpu(const char *list, size_t *pos, unsigned *out)
{
	unsigned long v = 0;
	size_t start = *pos;

	while (list[*pos] >= '0' && list[*pos] <= '9') {
		v = v * 10 + (unsigned long)(list[*pos] - '0');
		if (v > 0xffffffffUL)
			return -ERANGE;
		(*pos)++;
	}
	if (*pos == start)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int irqlab_cpumask_parse(struct irqlab_cpumask *m, const char *list, unsigned ncpus,
			 size_t *bad_pos)
{
	size_t pos = 0, item;
	int err;

	irqlab_cpumask_zero(m);
	for (;;) {
		unsigned first, last;

		item = pos;
		err = parse_cpu(list, &pos, &first);
		if (err)
			goto bad;
		last = first;
		if (list[pos] == '-') {
			pos++;
			err = parse_cpu(list, &pos, &last);
			if (err)
				goto bad;
			if (last < first) {
				err = -EINVAL;
				goto bad;
			}
		}
		if (last >= ncpus || last >= IRQLAB_MAX_CPUS) {
			err = -ERANGE;
			goto bad;
		}
		irqlab_cpumask_set_range(m, first, last);
		if (list[pos] == '\0')
			return 0;
		if (list[pos] != ',') {
			item = pos;
			err = -EINVAL;
			goto bad;
		}
		pos++;
	}
bad:
	if (bad_pos)
		*bad_pos = item;
	irqlab_cpumask_zero(m);
	return err;
}

size_t irqlab_cpumask_format(const struct irqlab_cpumask *m, char *buf, size_t len)
{
	size_t need = 0;
	unsigned cpu = irqlab_cpumask_next(m, 0);

	if (len)
		buf[0] = '\0';
	if (cpu >= IRQLAB_MAX_CPUS)
		return (size_t)snprintf(buf, len, "(none)");
	while (cpu < IRQLAB_MAX_CPUS) {
		unsigned end = irqlab_cpumask_next_zero(m, cpu) - 1;
		char item[32];
		int n;

		if (end == cpu)
			n = snprintf(item, sizeof(item), "%s%u", need ? "," : "", cpu);
		else
			n = snprintf(item, sizeof(item), "%s%u-%u", need ? "," : "", cpu, end);
		if (need + (size_t)n < len)
			memcpy(buf + need, item, (size_t)n + 1);
		need += (size_t)n;
		cpu = irqlab_cpumask_next(m, end + 1);
	}
	return need;
}
