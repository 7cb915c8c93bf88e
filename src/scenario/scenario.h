/* SPDX-License-Identifier: MIT */
/*
 * The scenario language (doc: SCENARIO.md): lexer, parser and the program it yields.
 *
 * The parser knows the syntax of every statement (one schema table, src/scenario/schema.c)
 * and the few semantic rules that need no model: `host` comes first and once, vm and device
 * names are unique (one namespace; "host" is reserved), host cpus above 255 need ir=on or
 * extdest=on. It does not resolve DEV/VM references: the runner does, and every argument
 * carries its own line and column so the runner can point at it.
 *
 * Lexical details the contract leaves open, decided here:
 * - Positions are 1-based; a column counts bytes (a tab is one column).
 * - A physical line holds at most IRQLAB_SCN_MAX_LINE bytes (terminator excluded); longer
 *   lines are an error at the first byte beyond the limit. "\r\n" ends a line like "\n".
 * - A `\` that is the last byte of a line continues the statement on the next line and
 *   separates words like a blank; inside a comment it is comment text; inside a string it is
 *   an unterminated string (strings do not span lines).
 * - Outside strings and comments only printable ASCII and blanks are allowed; NUL is an error
 *   everywhere; strings and comments may hold any other byte (UTF-8 or not) except, in
 *   strings, control characters other than tab, and DEL.
 * - Strings escape only \" and \\. A STR value is a quoted string or a bare name.
 * - Integers are unsigned: decimal (leading zeros allowed, not octal) or 0x/0X hex.
 */
#ifndef IRQLAB_SCENARIO_SCENARIO_H
#define IRQLAB_SCENARIO_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IRQLAB_SCN_MAX_LINE 65536u /* bytes in one physical line */
#define IRQLAB_SCN_MAX_POS  3u	   /* positional words of one statement */
#define IRQLAB_SCN_MSG_MAX  320u   /* error message, NUL included */

/* One kind per statement and sub-verb; schema.c has one table row per kind. */
enum irqlab_scn_kind {
	IRQLAB_SCN_HOST,
	IRQLAB_SCN_VM,
	IRQLAB_SCN_DEVICE,
	IRQLAB_SCN_ASSIGN,
	IRQLAB_SCN_ALLOC,
	IRQLAB_SCN_REQUEST,
	IRQLAB_SCN_RELEASE,
	IRQLAB_SCN_FREE,
	IRQLAB_SCN_AFFINITY,
	IRQLAB_SCN_CPU_OFFLINE,
	IRQLAB_SCN_CPU_ONLINE,
	IRQLAB_SCN_MASK,
	IRQLAB_SCN_UNMASK,
	IRQLAB_SCN_RAISE,
	IRQLAB_SCN_STORE,
	IRQLAB_SCN_EOI,
	IRQLAB_SCN_RACE,
	IRQLAB_SCN_EXPECT_OK,
	IRQLAB_SCN_EXPECT_ERROR,
	IRQLAB_SCN_EXPECT_GRANTED,
	IRQLAB_SCN_EXPECT_DELIVERED,
	IRQLAB_SCN_EXPECT_BLOCKED,
	IRQLAB_SCN_EXPECT_MISDELIVERED,
	IRQLAB_SCN_EXPECT_LOST,
	IRQLAB_SCN_EXPECT_SPURIOUS,
	IRQLAB_SCN_EXPECT_MESSAGE,
	IRQLAB_SCN_EXPECT_VECTOR,
	IRQLAB_SCN_EXPECT_IRTES,
	IRQLAB_SCN_EXPECT_FREE_VECTORS,
	IRQLAB_SCN_EXPECT_HYPERCALLS,
	IRQLAB_SCN_EXPECT_BARE_METAL,
	IRQLAB_SCN_EXPECT_RACE,
	IRQLAB_SCN_SHOW_DOMAINS,
	IRQLAB_SCN_SHOW_VECTORS,
	IRQLAB_SCN_SHOW_IRQ,
	IRQLAB_SCN_SHOW_IRTES,
	IRQLAB_SCN_SHOW_FAULTS,
	IRQLAB_SCN_SHOW_STATS,
	IRQLAB_SCN_SHOW_INTERRUPTS,
	IRQLAB_SCN_SHOW_ISOLATION,
	IRQLAB_SCN_NR_KINDS
};

enum irqlab_scn_type {
	IRQLAB_SCN_T_INT,    /* num */
	IRQLAB_SCN_T_BOOL,   /* flag: on/off, yes/no */
	IRQLAB_SCN_T_ENUM,   /* choice: index into the key's word list (enums below) */
	IRQLAB_SCN_T_NAME,   /* str: [A-Za-z_][A-Za-z0-9_.:-]* */
	IRQLAB_SCN_T_STRING, /* str: a quoted string (unescaped) or a bare name */
	IRQLAB_SCN_T_LIST,   /* list: 1,4,6-9 as written (not sorted, not merged) */
	IRQLAB_SCN_T_BDF,    /* bdf: BB:DD.F */
	IRQLAB_SCN_T_COUNT,  /* count: N (min == max) or MIN-MAX */
	IRQLAB_SCN_T_ERRNO,  /* err: positive errno code (ENOSPC) */
};

/* The choice values of the ENUM keys; each is the index of the word in its key's list. */
enum irqlab_scn_cfi { IRQLAB_SCN_CFI_BLOCK, IRQLAB_SCN_CFI_ALLOW };
enum irqlab_scn_parent { IRQLAB_SCN_PARENT_NONE, IRQLAB_SCN_PARENT_VIR, IRQLAB_SCN_PARENT_HCALL };
enum irqlab_scn_detect {
	IRQLAB_SCN_DETECT_NONE,
	IRQLAB_SCN_DETECT_CPUID,
	IRQLAB_SCN_DETECT_PROBABLE
};
enum irqlab_scn_ims_policy { IRQLAB_SCN_IMS_IR, IRQLAB_SCN_IMS_BAREMETAL, IRQLAB_SCN_IMS_OFF };
enum irqlab_scn_store { IRQLAB_SCN_STORE_DEVICE, IRQLAB_SCN_STORE_QUEUE };
enum irqlab_scn_pin { IRQLAB_SCN_PIN_A, IRQLAB_SCN_PIN_B, IRQLAB_SCN_PIN_C, IRQLAB_SCN_PIN_D };
enum irqlab_scn_trigger { IRQLAB_SCN_TRIGGER_LEVEL, IRQLAB_SCN_TRIGGER_EDGE };
enum irqlab_scn_polarity { IRQLAB_SCN_POLARITY_LOW, IRQLAB_SCN_POLARITY_HIGH };
enum irqlab_scn_style { IRQLAB_SCN_STYLE_AUTO, IRQLAB_SCN_STYLE_NAIVE, IRQLAB_SCN_STYLE_DEFERRED };

/* One element of a list: lo..hi inclusive (lo == hi for a single number), and its column. */
struct irqlab_scn_range {
	uint32_t lo, hi;
	unsigned int col;
};

struct irqlab_scn_value {
	enum irqlab_scn_type type;
	union {
		uint64_t num;
		bool flag;
		unsigned int choice;
		int err;
		char *str; /* NUL-terminated; the input holds no NUL */
		struct {
			uint32_t min, max;
		} count;
		struct {
			uint8_t bus, dev, fn;
		} bdf;
		struct {
			struct irqlab_scn_range *ranges;
			size_t n; /* >= 1 */
		} list;
	};
	const char *word; /* BOOL, ENUM: the word as the schema spells it; else NULL */
};

/*
 * A positional word or a key=value argument. Arguments the schema gives a default are present
 * even when not written: implicit, positioned at the statement. Those are the defaults
 * SCENARIO.md states (host and vm keys, device in=host, maskable=on with msi=) plus alloc
 * managed=off and raise count=1; any other optional key (cpu=, in= outside device, trigger=,
 * polarity=, reason=, bdf=, slots=, eoi index=) is absent when not written.
 */
struct irqlab_scn_arg {
	const char *key; /* the schema's key; for a positional its placeholder ("DEV") */
	struct irqlab_scn_value v;
	unsigned int line, col; /* of the key or positional word */
	unsigned int vcol;	/* of the value (after '='); == col for a positional */
	bool implicit;
};

struct irqlab_scn_stmt {
	enum irqlab_scn_kind kind;
	unsigned int line, col; /* of the first word */
	struct irqlab_scn_arg pos[IRQLAB_SCN_MAX_POS];
	unsigned int npos;
	struct irqlab_scn_arg *args; /* in the order written, then the implicit ones */
	unsigned int nargs;
};

struct irqlab_scn_program {
	struct irqlab_scn_stmt *stmts;
	size_t nstmts;
};

struct irqlab_scn_error {
	const char *file;	/* the caller's @file pointer */
	unsigned int line, col; /* >= 1 */
	int code;		/* -EINVAL (the input) or -ENOMEM */
	char msg[IRQLAB_SCN_MSG_MAX];
};

struct irqlab_scn_parse_opts {
	/* For tests: make the @fail_alloc_at'th allocation (1-based) fail; 0 never fails. */
	unsigned long fail_alloc_at;
	/* The input is statements on their own, not a scenario (irqlab show's TOPIC): no host. */
	bool no_host;
};

/*
 * Parse @len bytes at @buf (not a C string: NUL bytes are errors). On success *@out is the
 * program (free it with irqlab_scn_program_free()) and 0 is returned; on failure *@out is
 * NULL, @err describes the first error and -EINVAL or -ENOMEM is returned. @file only names
 * the input in @err. Nothing is printed.
 */
int irqlab_scn_parse(const char *file, const void *buf, size_t len, struct irqlab_scn_program **out,
		     struct irqlab_scn_error *err);
int irqlab_scn_parse_with(const char *file, const void *buf, size_t len,
			  const struct irqlab_scn_parse_opts *opts, struct irqlab_scn_program **out,
			  struct irqlab_scn_error *err);
void irqlab_scn_program_free(struct irqlab_scn_program *prog);

/* "file:line:col: message" into @buf; returns what snprintf() returns. */
int irqlab_scn_error_format(const struct irqlab_scn_error *err, char *buf, size_t size);

/* "expect delivered"; NULL for a kind out of range. */
const char *irqlab_scn_kind_name(enum irqlab_scn_kind kind);

/* The argument @key of @stmt (written or implicit), or NULL. */
const struct irqlab_scn_arg *irqlab_scn_arg(const struct irqlab_scn_stmt *stmt, const char *key);
/* The @i'th positional word, or NULL. */
const struct irqlab_scn_arg *irqlab_scn_pos(const struct irqlab_scn_stmt *stmt, unsigned int i);

/* Typed getters: @dflt when @key is absent or of another type. */
uint64_t irqlab_scn_get_num(const struct irqlab_scn_stmt *stmt, const char *key, uint64_t dflt);
bool irqlab_scn_get_flag(const struct irqlab_scn_stmt *stmt, const char *key, bool dflt);
int irqlab_scn_get_choice(const struct irqlab_scn_stmt *stmt, const char *key, int dflt);
const char *irqlab_scn_get_str(const struct irqlab_scn_stmt *stmt, const char *key,
			       const char *dflt);
const struct irqlab_scn_value *irqlab_scn_get_list(const struct irqlab_scn_stmt *stmt,
						   const char *key);

/* Numbers a list covers, duplicates counted; 0 for a value that is not a list. */
uint64_t irqlab_scn_list_size(const struct irqlab_scn_value *v);
bool irqlab_scn_list_has(const struct irqlab_scn_value *v, uint32_t x);

#endif
