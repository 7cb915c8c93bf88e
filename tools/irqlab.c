// SPDX-License-Identifier: MIT
/*
 * The irqlab command: runs scenario scripts and shows what they leave behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqlab/scenario.h"
#include "irqlab/version.h"

/* The column where the commands' descriptions start, and the width no help line passes. */
#define HELP_COLUMN 42
#define HELP_WIDTH  91

static const char usage_main_head[] =
	"usage: irqlab <command> [options]\n"
	"\n"
	"commands:\n"
	"  run [--json] [--seed N] [-v] [--check=WHEN] FILE...\n"
	"                                          run scenario scripts and check their "
	"expectations\n"
	"  show [--json] FILE TOPIC [ARGS]         run FILE, then show TOPIC of its final state\n";

static const char usage_main_tail[] =
	"  help [COMMAND]                          this text, or a command's\n"
	"\n"
	"options:\n"
	"  -h, --help      show help\n"
	"  -V, --version   print the version\n"
	"\n"
	"Exit status: 0 when every expectation holds, 1 when one fails, 2 on a usage, syntax\n"
	"or semantic error, 3 when the model itself broke (a bug: please report it).\n"
	"The language is described in irqlab(1).\n";

static const char usage_run[] =
	"usage: irqlab run [--json] [--seed N] [-v] [--check=WHEN] FILE...\n"
	"\n"
	"Runs each scenario FILE and checks its expectations. Prints one verdict line per file\n"
	"and a summary; failed expectations name the file, the line, what was expected and\n"
	"what was seen. A FILE of - is standard input, called <stdin> in the results.\n"
	"\n"
	"  --json      one JSON document per scenario on standard output, one per line\n"
	"  --seed N    the seed of the run (recorded; the same file and seed give the same "
	"output)\n"
	"  -v          print every statement's outcome and the path of every message\n"
	"  --check=WHEN  when the model's own invariants are checked (a broken one is a bug,\n"
	"              exit status 3):\n"
	"                changed  after each statement what it changed, and everything at\n"
	"                         the end (the default)\n"
	"                full     everything after every statement (tests, fuzzing; the cost\n"
	"                         grows with the machine)\n"
	"                end      everything, once, at the end (the fastest, for large runs)\n"
	"  -h, --help  this text\n"
	"\n"
	"Exit status: 0 all pass, 1 an expectation failed, 2 an error in a scenario.\n";

static const char usage_show_head[] =
	"usage: irqlab show [--json] FILE TOPIC [ARGS]\n"
	"\n"
	"Runs FILE quietly, then prints one view of the final state. TOPIC and its ARGS are\n"
	"written as the show statement writes them (irq nic0 index=1; irq nic0 1 says the same),\n"
	"in=VM included (the view from that VM's kernel; in=host is the default):\n";

static const char usage_show_tail[] =
	"\n"
	"A failed expectation of FILE is printed on standard error, as run prints it; the view\n"
	"is still printed, and the exit status is 1.\n"
	"\n"
	"  --json      print the view as a JSON document\n"
	"  -h, --help  this text\n";

/*
 * The topics come from the table the runner shows them with, wrapped so that the list stays
 * as narrow as the rest of the help however many topics there are.
 */
static void usage_main(FILE *f)
{
	int col;

	fputs(usage_main_head, f);
	col = fprintf(f, "%*s(", HELP_COLUMN, "");
	for (unsigned i = 0; irqlab_show_topic_name(i); i++) {
		const char *name = irqlab_show_topic_name(i);

		/* ", name" and then "," or ")" must fit on the line. */
		if (i && col + 2 + (int)strlen(name) + 1 > HELP_WIDTH)
			col = fprintf(f, ",\n%*s", HELP_COLUMN + 1, "") - 2;
		else if (i)
			col += fprintf(f, ", ");
		col += fprintf(f, "%s", name);
	}
	fputs(")\n", f);
	fputs(usage_main_tail, f);
}

static void usage_show(FILE *f)
{
	fputs(usage_show_head, f);
	for (unsigned i = 0; irqlab_show_topic_name(i); i++) {
		char topic[64];

		snprintf(topic, sizeof(topic), "%s%s%s", irqlab_show_topic_name(i),
			 *irqlab_show_topic_args(i) ? " " : "", irqlab_show_topic_args(i));
		fprintf(f, "  %-21s %s\n", topic, irqlab_show_topic_help(i));
	}
	fputs(usage_show_tail, f);
}

static int parse_seed(const char *s, unsigned long *seed)
{
	char *end;

	errno = 0;
	*seed = strtoul(s, &end, 0);
	return (errno || end == s || *end || *s == '-') ? -1 : 0;
}

static int parse_check(const char *s, enum irqlab_run_check *check)
{
	if (strcmp(s, "changed") == 0)
		*check = IRQLAB_RUN_CHECK_CHANGED;
	else if (strcmp(s, "full") == 0)
		*check = IRQLAB_RUN_CHECK_FULL;
	else if (strcmp(s, "end") == 0)
		*check = IRQLAB_RUN_CHECK_END;
	else
		return -1;
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct irqlab_run_opts opts;
	unsigned passed = 0, failed = 0, errors = 0, files = 0;
	int i, worst = IRQLAB_RUN_PASS;

	irqlab_run_opts_init(&opts);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			opts.json = true;
		} else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			opts.verbose = true;
		} else if (strcmp(argv[i], "--seed") == 0) {
			if (i + 1 == argc || parse_seed(argv[i + 1], &opts.seed)) {
				fprintf(stderr, "irqlab run: --seed needs a non-negative number\n");
				return IRQLAB_RUN_ERROR;
			}
			i++;
		} else if (strncmp(argv[i], "--check=", 8) == 0) {
			if (parse_check(argv[i] + 8, &opts.check)) {
				fprintf(stderr,
					"irqlab run: --check=%s: expected changed, full or end\n",
					argv[i] + 8);
				return IRQLAB_RUN_ERROR;
			}
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage_run, stdout);
			return 0;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "irqlab run: unknown option '%s'\n%s", argv[i], usage_run);
			return IRQLAB_RUN_ERROR;
		} else {
			break;
		}
	}
	if (i == argc) {
		fprintf(stderr, "irqlab run: no scenario file given\n%s", usage_run);
		return IRQLAB_RUN_ERROR;
	}
	for (; i < argc; i++) {
		int result = irqlab_run_file(argv[i], &opts);

		files++;
		passed += result == IRQLAB_RUN_PASS;
		failed += result == IRQLAB_RUN_FAIL;
		errors += result >= IRQLAB_RUN_ERROR;
		if (result > worst)
			worst = result;
	}
	if (!opts.json && files > 1)
		printf("%u passed, %u failed%s\n", passed, failed + errors,
		       errors ? " (errors count as failures)" : "");
	return worst;
}

/* The words of TOPIC [ARGS], joined with blanks as a show statement writes them. */
static char *join_words(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int cmd_show(int argc, char **argv)
{
	struct irqlab_run_opts opts;
	const char *file = NULL;
	char *topic = NULL;
	int result;

	irqlab_run_opts_init(&opts);
	opts.quiet = true;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			opts.json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage_show(stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "irqlab show: unknown option '%s'\n", argv[i]);
			usage_show(stderr);
			return IRQLAB_RUN_ERROR;
		} else if (!file) {
			file = argv[i];
		} else {
			/* TOPIC and its ARGS: the rest of the line. */
			topic = join_words(argc - i, argv + i);
			if (!topic) {
				fprintf(stderr, "irqlab show: out of memory\n");
				return IRQLAB_RUN_ERROR;
			}
			break;
		}
	}
	if (!file || !topic) {
		fprintf(stderr, "irqlab show: needs FILE and TOPIC\n");
		usage_show(stderr);
		return IRQLAB_RUN_ERROR;
	}
	opts.show = topic;
	result = irqlab_run_file(file, &opts);
	free(topic);
	return result;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		usage_main(stderr);
		return IRQLAB_RUN_ERROR;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("irqlab %s\n", irqlab_version());
		return 0;
	}
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		usage_main(stdout);
		return 0;
	}
	if (strcmp(cmd, "help") == 0) {
		if (argc > 2 && strcmp(argv[2], "run") == 0)
			fputs(usage_run, stdout);
		else if (argc > 2 && strcmp(argv[2], "show") == 0)
			usage_show(stdout);
		else
			usage_main(stdout);
		return 0;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(argc - 1, argv + 1);
	fprintf(stderr, "irqlab: unknown command '%s'\n", cmd);
	usage_main(stderr);
	return IRQLAB_RUN_ERROR;
}
