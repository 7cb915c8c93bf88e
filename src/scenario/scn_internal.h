/* SPDX-License-Identifier: MIT */
/* What the lexer, the schema and the parser of the scenario language share; nobody else. */
#ifndef IRQLAB_SCENARIO_SCN_INTERNAL_H
#define IRQLAB_SCENARIO_SCN_INTERNAL_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "scenario/scenario.h"

/* Every allocation of one parse goes through here, so tests can fail any one of them. */
struct scn_mem {
	unsigned long count;
	unsigned long fail_at;
};

static inline void *scn_realloc_array(struct scn_mem *mem, void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;

	if (++mem->count == mem->fail_at)
		return NULL;
	return realloc(p, bytes ? bytes : 1);
}

static inline void *scn_zalloc(struct scn_mem *mem, size_t n, size_t size)
{
	if (++mem->count == mem->fail_at)
		return NULL;
	return calloc(n ? n : 1, size ? size : 1);
}

/* Fill @err (message built like printf) and return -EINVAL. */
__attribute__((format(printf, 4, 5))) int scn_error_at(struct irqlab_scn_error *err,
						       unsigned int line, unsigned int col,
						       const char *fmt, ...);
int scn_error_nomem(struct irqlab_scn_error *err, unsigned int line, unsigned int col);

/*
 * Input text made safe to quote in a one-line message: at most 32 bytes of it, bytes outside
 * printable ASCII as \xNN, "..." when cut. @out must hold SCN_QUOTE_MAX bytes.
 */
#define SCN_QUOTE_MAX (32 * 4 + 4)
const char *scn_quote(char *out, const char *p, size_t len);

/* One word of a logical line: a byte span of the input (words never span lines). */
struct scn_word {
	const char *p;
	size_t len;
	size_t eq; /* offset of the first '=' outside quotes, or SIZE_MAX */
	unsigned int line, col;
};

/*
 * Words kept of one logical line: more than any statement takes (verb, sub-verb, positionals,
 * each key once), so a longer line has an error among the kept words; the bytes after them are
 * still checked. A pathological line costs no memory.
 */
#define SCN_MAX_WORDS 32

struct scn_lexer {
	const unsigned char *buf;
	size_t len, pos;
	unsigned int line, col; /* of buf[pos] */
	struct scn_word words[SCN_MAX_WORDS];
	size_t nwords;
};

void scn_lexer_init(struct scn_lexer *lx, const void *buf, size_t len);
/* The words of the next non-empty logical line: 1, or 0 at the end, or a negative errno. */
int scn_lex_line(struct scn_lexer *lx, struct irqlab_scn_error *err);

/* Schema: one row per statement kind. */
#define SCN_MAX_KEYS 16
/* Every value of a list (an index, a CPU, a slot) is below this. */
#define SCN_LIST_VALUES 65536u
_Static_assert(2 + IRQLAB_SCN_MAX_POS + SCN_MAX_KEYS < SCN_MAX_WORDS,
	       "a line of SCN_MAX_WORDS words must hold an error");

enum {
	SCN_REQ = 1u << 0,     /* key must be written (within its group, see below) */
	SCN_POW2 = 1u << 1,    /* INT: a power of two */
	SCN_LEADER = 1u << 2,  /* the key that selects its group (device kind) */
	SCN_REPEATS = 1u << 3, /* LIST: a value may come again (vm pin=: vCPUs share a CPU) */
};

enum {
	SCN_SUB_IS_KEY = 1u << 0,   /* the sub-verb is written key=value: expect error=ENOSPC */
	SCN_ONE_GROUP = 1u << 1,    /* exactly one group leader must be written */
	SCN_DEFINES_NAME = 1u << 2, /* pos[0] names a new vm or device */
};

struct scn_param {
	const char *name; /* key, or a positional's placeholder */
	enum irqlab_scn_type type;
	unsigned char flags;
	unsigned char group;	  /* 0: always allowed; n: only with group n's leader */
	uint64_t min, max;	  /* INT, LIST elements, COUNT bounds */
	const char *const *words; /* BOOL (false word, true word), ENUM; NULL-terminated */
	const char *def;	  /* default, written as in a scenario; NULL for none */
	const char *why;	  /* INT: why its bounds are what they are, or NULL */
};

struct scn_spec {
	const char *name; /* "expect delivered" */
	const char *verb;
	const char *sub; /* NULL for a statement without sub-verbs */
	unsigned int flags;
	struct scn_param pos[IRQLAB_SCN_MAX_POS]; /* up to the first without a name */
	struct scn_param keys[SCN_MAX_KEYS];
	/* Semantic rules of one statement, run once it parsed; 0 or scn_error_at()'s value. */
	int (*check)(const struct irqlab_scn_stmt *stmt, struct irqlab_scn_error *err);
};

/* Indexed by enum irqlab_scn_kind. */
extern const struct scn_spec scn_specs[IRQLAB_SCN_NR_KINDS];

#endif
