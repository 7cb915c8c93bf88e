/* SPDX-License-Identifier: MIT */
/*
 * Field access for the register layouts of src/x86: every field is a mask and a shift named
 * in its public header; these are the only ways the encoders and decoders touch bits.
 */
#ifndef IRQLAB_X86_BITFIELD_H
#define IRQLAB_X86_BITFIELD_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t field_get(uint64_t word, uint64_t mask, unsigned shift)
{
	return (word & mask) >> shift;
}

static inline uint64_t field_put(uint64_t val, uint64_t mask, unsigned shift)
{
	return (val << shift) & mask;
}

static inline uint64_t flag(bool on, uint64_t bit)
{
	return on ? bit : 0;
}

#endif
