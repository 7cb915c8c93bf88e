// SPDX-License-Identifier: MIT
/* The printing layer: JSON documents are well formed and strings are escaped exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "output/output.h"

/* Runs @fn printing into a memory stream and returns what it printed (caller frees). */
static char *capture(bool json, void (*fn)(struct irqlab_out *o))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct irqlab_out o;

	assert_non_null(f);
	irqlab_out_init(&o, f, json);
	fn(&o);
	fclose(f);
	return buf;
}

static void doc(struct irqlab_out *o)
{
	irqlab_out_open_object(o, NULL);
	irqlab_out_str(o, "name", "name=%s", "nic0");
	irqlab_out_uint(o, "count", " count=%llu", 3);
	irqlab_out_int(o, "delta", " delta=%lld", -2);
	irqlab_out_hex(o, "addr", " addr=0x%llx", 0xfee00038);
	irqlab_out_bool(o, "masked", " masked=%s", true);
	irqlab_out_open_array(o, "cpus");
	for (unsigned i = 0; i < 3; i++) {
		irqlab_out_open_object(o, NULL);
		irqlab_out_uint(o, "cpu", " cpu%llu", i);
		irqlab_out_close_object(o);
	}
	irqlab_out_close_array(o);
	irqlab_out_open_array(o, "empty");
	irqlab_out_close_array(o);
	irqlab_out_text(o, "\n");
	irqlab_out_close_object(o);
}

static void test_json_document(void **state)
{
	char *got = capture(true, doc);

	assert_string_equal(got,
			    "{\"name\":\"nic0\",\"count\":3,\"delta\":-2,\"addr\":\"0xfee00038\","
			    "\"masked\":true,\"cpus\":[{\"cpu\":0},{\"cpu\":1},{\"cpu\":2}],"
			    "\"empty\":[]}\n");
	free(got);
}

static void test_text_document(void **state)
{
	char *got = capture(false, doc);

	/* The same calls in text mode: only the formats, no keys, no brackets. */
	assert_string_equal(got, "name=nic0 count=3 delta=-2 addr=0xfee00038 masked=yes cpu0 cpu1 "
				 "cpu2\n");
	free(got);
}

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	irqlab_json_write_string(f, s);
	fclose(f);
	return buf;
}

static void assert_escape(const char *in, const char *want)
{
	char *got = escaped(in);

	assert_string_equal(got, want);
	free(got);
}

static void test_json_escapes(void **state)
{
	assert_escape("plain", "\"plain\"");
	assert_escape("a\"b\\c", "\"a\\\"b\\\\c\"");
	assert_escape("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	assert_escape("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	/* Valid UTF-8 passes through: é (2 bytes), € (3), 𝄞 (4). */
	assert_escape("\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e",
		      "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"");
	/* Invalid UTF-8 becomes U+FFFD, one per bad byte: a lone continuation, a truncated
	 * sequence, an overlong form, a surrogate, and beyond U+10FFFF. */
	assert_escape("\x80", "\"\\ufffd\"");
	assert_escape("\xc3", "\"\\ufffd\"");
	assert_escape("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	assert_escape("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	assert_escape("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_escape("", "\"\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_text_document),
		cmocka_unit_test(test_json_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
