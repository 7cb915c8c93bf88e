// SPDX-License-Identifier: MIT
/*
 * Every statement of the scenario language: its words, its keys, their types, ranges and
 * defaults. Adding a statement is one enum value in scenario.h and one row here; adding a key
 * is one line in its row.
 */
#include <stdint.h>

#include "irqlab/cpumask.h"
#include "irqlab/irte.h"
#include "irqlab/msi.h"
#include "irqlab/msix.h"
#include "scenario/scn_internal.h"

/*
 * Every limit of the language is stated here once; those the hardware or the model sets are
 * taken from the header that states them. The runner and the command read them from here.
 */
#define MAX_CPUS    IRQLAB_MAX_CPUS
#define MIN_IRTES   IRQLAB_IRTE_MIN_ENTRIES
#define MAX_IRTES   IRQLAB_IRTE_MAX_ENTRIES
#define MAX_MSI	    (1u << IRQLAB_MSI_MAX_LOG2_VECTORS)
#define MAX_MSIX    IRQLAB_MSIX_MAX_ENTRIES
#define MAX_IMS	    65536u /* IMS slots of one device: a limit of the language */
#define MAX_GSI	    1023u
#define MAX_ENTRIES MAX_IMS	       /* the largest device: MSI-X entries, IMS slots, ... */
#define MAX_INDEX   (MAX_ENTRIES - 1u) /* 0-based */
#define MAX_COUNT   UINT32_MAX	       /* counters in expectations */
#define MAX_RAISE   1000000u	       /* messages one raise sends: bounded, so a run ends */
#define MAX_VECTOR  255u	       /* x86 vectors of one CPU: 0..255 */
#define MAX_RACE    64u		       /* points of one race */
_Static_assert(MAX_MSIX <= MAX_ENTRIES && MAX_MSI <= MAX_ENTRIES, "MAX_ENTRIES is the largest");
_Static_assert(MAX_INDEX < SCN_LIST_VALUES && MAX_CPUS <= SCN_LIST_VALUES,
	       "the parser finds a repeated list value in a bitmap of SCN_LIST_VALUES bits");

static const char *const on_off[] = {"off", "on", NULL};
static const char *const no_yes[] = {"no", "yes", NULL};
static const char *const cfi_words[] = {
	[IRQLAB_SCN_CFI_BLOCK] = "block",
	[IRQLAB_SCN_CFI_ALLOW] = "allow",
	NULL,
};
static const char *const parent_words[] = {
	[IRQLAB_SCN_PARENT_NONE] = "none",
	[IRQLAB_SCN_PARENT_VIR] = "vir",
	[IRQLAB_SCN_PARENT_HCALL] = "hcall",
	NULL,
};
static const char *const detect_words[] = {
	[IRQLAB_SCN_DETECT_NONE] = "none",
	[IRQLAB_SCN_DETECT_CPUID] = "cpuid",
	[IRQLAB_SCN_DETECT_PROBABLE] = "probable",
	NULL,
};
static const char *const ims_words[] = {
	[IRQLAB_SCN_IMS_IR] = "ir",
	[IRQLAB_SCN_IMS_BAREMETAL] = "baremetal",
	[IRQLAB_SCN_IMS_OFF] = "off",
	NULL,
};
static const char *const store_words[] = {
	[IRQLAB_SCN_STORE_DEVICE] = "device",
	[IRQLAB_SCN_STORE_QUEUE] = "queue",
	NULL,
};
static const char *const pin_words[] = {
	[IRQLAB_SCN_PIN_A] = "A",
	[IRQLAB_SCN_PIN_B] = "B",
	[IRQLAB_SCN_PIN_C] = "C",
	[IRQLAB_SCN_PIN_D] = "D",
	NULL,
};
static const char *const trigger_words[] = {
	[IRQLAB_SCN_TRIGGER_LEVEL] = "level",
	[IRQLAB_SCN_TRIGGER_EDGE] = "edge",
	NULL,
};
static const char *const polarity_words[] = {
	[IRQLAB_SCN_POLARITY_LOW] = "low",
	[IRQLAB_SCN_POLARITY_HIGH] = "high",
	NULL,
};

static const char *const style_words[] = {
	[IRQLAB_SCN_STYLE_AUTO] = "auto",
	[IRQLAB_SCN_STYLE_NAIVE] = "naive",
	[IRQLAB_SCN_STYLE_DEFERRED] = "deferred",
	NULL,
};

/* Parameter shorthands: name, then what differs from an optional, default-less key. */
/* clang-format off */
#define INT(n, lo, hi, ...) \
	{ .name = (n), .type = IRQLAB_SCN_T_INT, .min = (lo), .max = (hi), __VA_ARGS__ }
#define LIST(n, lo, hi, ...) \
	{ .name = (n), .type = IRQLAB_SCN_T_LIST, .min = (lo), .max = (hi), __VA_ARGS__ }
#define BOOL(n, ...)	{ .name = (n), .type = IRQLAB_SCN_T_BOOL, .words = on_off, __VA_ARGS__ }
#define ENUM(n, w, ...) { .name = (n), .type = IRQLAB_SCN_T_ENUM, .words = (w), __VA_ARGS__ }
#define NAME(n, ...)	{ .name = (n), .type = IRQLAB_SCN_T_NAME, __VA_ARGS__ }
#define STRING(n, ...)	{ .name = (n), .type = IRQLAB_SCN_T_STRING, __VA_ARGS__ }

#define DEV	       NAME("DEV", .flags = SCN_REQ)
#define VMNAME	       NAME("VMNAME", .flags = SCN_REQ)
#define IN	       NAME("in")
#define INDEX	       INT("index", 0, MAX_INDEX, .flags = SCN_REQ)
#define INDEX_LIST     LIST("index", 0, MAX_INDEX, .flags = SCN_REQ)
#define CPU_KEY(...)   INT("cpu", 0, MAX_CPUS - 1, __VA_ARGS__)
#define COUNTER	       INT("count", 0, MAX_COUNT, .flags = SCN_REQ)
/* clang-format on */

/*
 * A compatibility-format message carries an 8-bit destination and APIC id 0xff broadcasts:
 * CPUs 255 and up are reachable only through IR or the extended destination id.
 */
static int check_host(const struct irqlab_scn_stmt *stmt, struct irqlab_scn_error *err)
{
	const struct irqlab_scn_arg *cpus = irqlab_scn_arg(stmt, "cpus");

	if (cpus && cpus->v.num > 255 && !irqlab_scn_arg(stmt, "ir")->v.flag &&
	    !irqlab_scn_arg(stmt, "extdest")->v.flag)
		return scn_error_at(err, cpus->line, cpus->col,
				    "host: cpus=%llu needs ir=on or extdest=on (an 8-bit "
				    "destination reaches APIC ids 0..254)",
				    (unsigned long long)cpus->v.num);
	return 0;
}

/* pin= names one host CPU per vCPU. */
static int check_vm(const struct irqlab_scn_stmt *st, struct irqlab_scn_error *err)
{
	const struct irqlab_scn_arg *cpus = irqlab_scn_arg(st, "cpus");
	const struct irqlab_scn_arg *pin = irqlab_scn_arg(st, "pin");
	uint64_t n = 0;

	/* A guest here has xAPIC ids: 0xff broadcasts, as on the host without IR. */
	if (cpus && cpus->v.num > 255)
		return scn_error_at(err, cpus->line, cpus->col,
				    "vm: cpus=%llu; a VM here has 1 to 255 vCPUs (8-bit APIC ids)",
				    (unsigned long long)cpus->v.num);
	if (!pin || pin->implicit)
		return 0;
	for (size_t i = 0; i < pin->v.list.n; i++)
		n += pin->v.list.ranges[i].hi - pin->v.list.ranges[i].lo + 1;
	if (n != cpus->v.num)
		return scn_error_at(err, pin->line, pin->vcol,
				    "vm: pin: %llu CPUs for %llu vCPUs (one host CPU per vCPU)",
				    (unsigned long long)n, (unsigned long long)cpus->v.num);
	return 0;
}

const struct scn_spec scn_specs[IRQLAB_SCN_NR_KINDS] = {
	/* Platform */
	[IRQLAB_SCN_HOST] = {
		.name = "host", .verb = "host",
		.keys = {
			INT("cpus", 1, MAX_CPUS, .flags = SCN_REQ),
			BOOL("ir", .def = "on"),
			INT("irtes", MIN_IRTES, MAX_IRTES, .flags = SCN_POW2, .def = "65536",
			    .why = "a VT-d interrupt remapping table has 2^(S+1) entries, "
				   "IRTA.S 0..15"),
			ENUM("cfi", cfi_words, .def = "block"),
			BOOL("legacy", .def = "on"),
			BOOL("extdest", .def = "off"),
			/* The host kernel's IMS policy, as vm's ims= (an extension). */
			ENUM("ims", ims_words, .def = "ir"),
			/*
			 * What the host kernel reads to tell bare metal (extensions): a bare-metal
			 * machine whose DMI vendor is on the list looks like a VM to it.
			 */
			ENUM("detect", detect_words, .def = "probable"),
			STRING("dmi-vendor"),
		},
		.check = check_host,
	},
	[IRQLAB_SCN_VM] = {
		.name = "vm", .verb = "vm", .flags = SCN_DEFINES_NAME,
		.pos = { NAME("NAME", .flags = SCN_REQ) },
		.keys = {
			INT("cpus", 1, MAX_CPUS, .flags = SCN_REQ),
			ENUM("parent", parent_words, .def = "none"),
			BOOL("cpuid-hv", .def = "on"),
			STRING("signature", .def = "KVMKVMKVM"),
			STRING("dmi-vendor", .def = "QEMU"),
			BOOL("ims-cap", .def = "off"),
			ENUM("detect", detect_words, .def = "probable"),
			ENUM("ims", ims_words, .def = "ir"),
			/* The host CPU of each vCPU, in vCPU order (an extension's key). */
			LIST("pin", 0, MAX_CPUS - 1, .flags = SCN_REPEATS),
		},
		.check = check_vm,
	},
	[IRQLAB_SCN_DEVICE] = {
		.name = "device", .verb = "device", .flags = SCN_DEFINES_NAME | SCN_ONE_GROUP,
		.pos = { NAME("NAME", .flags = SCN_REQ) },
		.keys = {
			NAME("in", .def = "host"),
			{ .name = "bdf", .type = IRQLAB_SCN_T_BDF },
			INT("msi", 1, MAX_MSI, .flags = SCN_LEADER | SCN_POW2, .group = 1),
			BOOL("maskable", .group = 1, .def = "on"),
			INT("msix", 1, MAX_MSIX, .flags = SCN_LEADER, .group = 2),
			INT("ims", 1, MAX_IMS, .flags = SCN_LEADER, .group = 3),
			ENUM("store", store_words, .flags = SCN_REQ, .group = 3),
			ENUM("intx", pin_words, .flags = SCN_LEADER, .group = 4),
			INT("gsi", 0, MAX_GSI, .flags = SCN_REQ, .group = 4),
			ENUM("trigger", trigger_words, .group = 4),
			ENUM("polarity", polarity_words, .group = 4),
		},
	},
	[IRQLAB_SCN_ASSIGN] = {
		.name = "assign", .verb = "assign",
		.pos = { DEV },
		.keys = { NAME("vm", .flags = SCN_REQ), LIST("slots", 0, MAX_INDEX) },
	},

	/* Lifecycle */
	[IRQLAB_SCN_ALLOC] = {
		.name = "alloc", .verb = "alloc",
		.pos = { DEV },
		.keys = {
			{ .name = "count", .type = IRQLAB_SCN_T_COUNT, .flags = SCN_REQ,
			  .min = 1, .max = MAX_ENTRIES },
			BOOL("managed", .def = "off"),
			IN,
		},
	},
	[IRQLAB_SCN_REQUEST] = { .name = "request", .verb = "request",
				 .pos = { DEV }, .keys = { INDEX_LIST, IN } },
	[IRQLAB_SCN_RELEASE] = { .name = "release", .verb = "release",
				 .pos = { DEV }, .keys = { INDEX_LIST, IN } },
	[IRQLAB_SCN_FREE] = { .name = "free", .verb = "free", .pos = { DEV }, .keys = { IN } },
	[IRQLAB_SCN_AFFINITY] = {
		.name = "affinity", .verb = "affinity",
		.pos = { DEV },
		.keys = { INDEX_LIST, LIST("cpus", 0, MAX_CPUS - 1, .flags = SCN_REQ), IN },
	},
	[IRQLAB_SCN_CPU_OFFLINE] = {
		.name = "cpu offline", .verb = "cpu", .sub = "offline",
		.pos = { INT("CPU", 0, MAX_CPUS - 1, .flags = SCN_REQ) },
		.keys = { IN },
	},
	[IRQLAB_SCN_CPU_ONLINE] = {
		.name = "cpu online", .verb = "cpu", .sub = "online",
		.pos = { INT("CPU", 0, MAX_CPUS - 1, .flags = SCN_REQ) },
		.keys = { IN },
	},
	[IRQLAB_SCN_MASK] = { .name = "mask", .verb = "mask",
			      .pos = { DEV }, .keys = { INDEX_LIST, IN } },
	[IRQLAB_SCN_UNMASK] = { .name = "unmask", .verb = "unmask",
				.pos = { DEV }, .keys = { INDEX_LIST, IN } },
	[IRQLAB_SCN_RAISE] = {
		.name = "raise", .verb = "raise",
		.pos = { DEV },
		.keys = { INDEX_LIST, INT("count", 1, MAX_RAISE, .def = "1"), IN },
	},
	[IRQLAB_SCN_STORE] = {
		.name = "store", .verb = "store",
		.pos = { DEV },
		.keys = {
			INDEX,
			INT("addr", 0, UINT64_MAX, .flags = SCN_REQ),
			INT("data", 0, UINT32_MAX, .flags = SCN_REQ),
			IN,
		},
	},
	/* IO-APIC EOI of DEV's pin (or of the listed entries). */
	[IRQLAB_SCN_EOI] = { .name = "eoi", .verb = "eoi", .pos = { DEV },
			     .keys = { LIST("index", 0, MAX_INDEX), IN } },
	/*
	 * The race explorer: one affinity change of DEV's entry, with the device emitting at
	 * every point between the separate writes of its message store.
	 */
	[IRQLAB_SCN_RACE] = {
		.name = "race", .verb = "race",
		.pos = { DEV },
		.keys = {
			INDEX,
			LIST("cpus", 0, MAX_CPUS - 1, .flags = SCN_REQ),
			ENUM("style", style_words, .def = "auto"),
			IN,
		},
	},

	/* Expectations */
	[IRQLAB_SCN_EXPECT_OK] = { .name = "expect ok", .verb = "expect", .sub = "ok" },
	[IRQLAB_SCN_EXPECT_ERROR] = {
		.name = "expect error", .verb = "expect", .sub = "error", .flags = SCN_SUB_IS_KEY,
		.keys = { { .name = "error", .type = IRQLAB_SCN_T_ERRNO, .flags = SCN_REQ } },
	},
	[IRQLAB_SCN_EXPECT_GRANTED] = {
		.name = "expect granted", .verb = "expect", .sub = "granted",
		.flags = SCN_SUB_IS_KEY,
		.keys = { INT("granted", 0, MAX_ENTRIES, .flags = SCN_REQ) },
	},
	[IRQLAB_SCN_EXPECT_DELIVERED] = {
		.name = "expect delivered", .verb = "expect", .sub = "delivered",
		.pos = { DEV },
		.keys = { INDEX, CPU_KEY(), IN, COUNTER },
	},
	[IRQLAB_SCN_EXPECT_BLOCKED] = {
		.name = "expect blocked", .verb = "expect", .sub = "blocked",
		.keys = { INT("reason", 0, 0xff), COUNTER },
	},
	[IRQLAB_SCN_EXPECT_MISDELIVERED] = { .name = "expect misdelivered", .verb = "expect",
					     .sub = "misdelivered", .keys = { COUNTER } },
	[IRQLAB_SCN_EXPECT_LOST] = { .name = "expect lost", .verb = "expect", .sub = "lost",
				     .keys = { COUNTER } },
	[IRQLAB_SCN_EXPECT_SPURIOUS] = { .name = "expect spurious", .verb = "expect",
					 .sub = "spurious", .keys = { COUNTER } },
	[IRQLAB_SCN_EXPECT_MESSAGE] = {
		.name = "expect message", .verb = "expect", .sub = "message",
		.pos = { DEV },
		.keys = {
			INDEX,
			INT("addr", 0, UINT64_MAX, .flags = SCN_REQ),
			INT("data", 0, UINT32_MAX, .flags = SCN_REQ),
			IN,
		},
	},
	[IRQLAB_SCN_EXPECT_VECTOR] = {
		.name = "expect vector", .verb = "expect", .sub = "vector",
		.pos = { DEV },
		.keys = {
			INDEX,
			CPU_KEY(.flags = SCN_REQ),
			INT("vector", 0, MAX_VECTOR, .flags = SCN_REQ),
			IN,
		},
	},
	[IRQLAB_SCN_EXPECT_IRTES] = {
		.name = "expect irtes", .verb = "expect", .sub = "irtes",
		.keys = { INT("used", 0, MAX_COUNT, .flags = SCN_REQ) },
	},
	[IRQLAB_SCN_EXPECT_FREE_VECTORS] = {
		.name = "expect free-vectors", .verb = "expect", .sub = "free-vectors",
		.keys = { CPU_KEY(.flags = SCN_REQ), IN, INT("count", 0, MAX_VECTOR + 1, .flags = SCN_REQ) },
	},
	[IRQLAB_SCN_EXPECT_HYPERCALLS] = {
		.name = "expect hypercalls", .verb = "expect", .sub = "hypercalls",
		.pos = { VMNAME },
		.keys = { COUNTER },
	},
	[IRQLAB_SCN_EXPECT_BARE_METAL] = {
		.name = "expect bare-metal", .verb = "expect", .sub = "bare-metal",
		.pos = {
			VMNAME,
			{ .name = "answer", .type = IRQLAB_SCN_T_BOOL, .flags = SCN_REQ,
			  .words = no_yes },
		},
	},
	/* What the last race found: points whose message was delivered, lost, ... */
	[IRQLAB_SCN_EXPECT_RACE] = {
		.name = "expect race", .verb = "expect", .sub = "race",
		.keys = {
			INT("points", 0, MAX_RACE),
			INT("delivered", 0, MAX_RACE),
			INT("lost", 0, MAX_RACE),
			INT("spurious", 0, MAX_RACE),
		},
	},

	/* Observation */
	[IRQLAB_SCN_SHOW_DOMAINS] = { .name = "show domains", .verb = "show", .sub = "domains",
				      .keys = { IN } },
	[IRQLAB_SCN_SHOW_VECTORS] = { .name = "show vectors", .verb = "show", .sub = "vectors",
				      .keys = { CPU_KEY(), IN } },
	[IRQLAB_SCN_SHOW_IRQ] = { .name = "show irq", .verb = "show", .sub = "irq",
				  .pos = { DEV }, .keys = { INDEX, IN } },
	[IRQLAB_SCN_SHOW_IRTES] = { .name = "show irtes", .verb = "show", .sub = "irtes",
				    .keys = { IN } },
	[IRQLAB_SCN_SHOW_FAULTS] = { .name = "show faults", .verb = "show", .sub = "faults",
				     .keys = { IN } },
	[IRQLAB_SCN_SHOW_STATS] = { .name = "show stats", .verb = "show", .sub = "stats",
				    .keys = { IN } },
	/* /proc/interrupts; cpus= picks the columns of a large machine. */
	[IRQLAB_SCN_SHOW_INTERRUPTS] = { .name = "show interrupts", .verb = "show",
					 .sub = "interrupts",
					 .keys = { LIST("cpus", 0, MAX_CPUS - 1), IN } },
	/* Every isolation breach, and the requester ids kernels share. */
	[IRQLAB_SCN_SHOW_ISOLATION] = { .name = "show isolation", .verb = "show",
					.sub = "isolation", .keys = { IN } },
};

const char *irqlab_scn_kind_name(enum irqlab_scn_kind kind)
{
	if ((unsigned int)kind >= IRQLAB_SCN_NR_KINDS)
		return NULL;
	return scn_specs[kind].name;
}
