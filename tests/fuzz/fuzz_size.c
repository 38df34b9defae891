/*
 * libFuzzer target for size_parse().  The result is compared with an
 * independent model of the rules in size.h.  A size is decimal digits,
 * then nothing or an exact suffix, with the product in [min, max].
 * Anything else fails with EINVAL, and overflow or a value out of range
 * with ERANGE.
 *
 * Input: when it has at least 16 bytes, the first 8 are min and the next
 * 8 are max, in host byte order.  The rest, up to the first NUL, is the text.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/common_interface_defs.h>

#include "fcopy/size.h"

struct model_suffix {
	const char *text;
	uint64_t factor;
};

static const struct model_suffix model_suffixes[] = {
	{ "", 1 },
	{ "K", UINT64_C(1) << 10 }, { "KiB", UINT64_C(1) << 10 },
	{ "M", UINT64_C(1) << 20 }, { "MiB", UINT64_C(1) << 20 },
	{ "G", UINT64_C(1) << 30 }, { "GiB", UINT64_C(1) << 30 },
	{ "T", UINT64_C(1) << 40 }, { "TiB", UINT64_C(1) << 40 },
	{ "kB", UINT64_C(1000) }, { "MB", UINT64_C(1000000) },
	{ "GB", UINT64_C(1000000000) }, { "TB", UINT64_C(1000000000000) },
};

/* The expected outcome: 0 with *value, or the errno of the failure. */
static int model_parse(const char *text, uint64_t min, uint64_t max,
		       uint64_t *value)
{
	const char *p = text;
	uint64_t number = 0;
	uint64_t factor = 0;
	bool overflow = false;

	if (*p < '0' || *p > '9')
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		overflow |= __builtin_mul_overflow(number, 10, &number);
		overflow |= __builtin_add_overflow(number, (uint64_t)(*p - '0'),
						   &number);
	}
	for (size_t i = 0; i < sizeof(model_suffixes) /
			       sizeof(model_suffixes[0]); i++)
		if (strcmp(p, model_suffixes[i].text) == 0)
			factor = model_suffixes[i].factor;
	if (factor == 0)
		return EINVAL;
	overflow |= __builtin_mul_overflow(number, factor, &number);
	if (overflow || number < min || number > max)
		return ERANGE;
	*value = number;
	return 0;
}

/*
 * Report what differs through the sanitizer's report descriptor, which
 * libFuzzer keeps open when -close_fd_mask closes standard error, and
 * abort so that libFuzzer saves the input.
 */
static void mismatch(const char *text, const char *what, uint64_t got,
		     uint64_t expected)
{
	char summary[512];

	snprintf(summary, sizeof(summary),
		 "size_parse(\"%.200s\") %s %llu, expected %llu", text, what,
		 (unsigned long long)got, (unsigned long long)expected);
	__sanitizer_report_error_summary(summary);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t min = 0;
	uint64_t max = UINT64_MAX;
	uint64_t value = 0;
	uint64_t expected_value = 0;
	int expected;
	char *text;
	int rc;

	if (size >= 16) {
		memcpy(&min, data, sizeof(min));
		memcpy(&max, data + 8, sizeof(max));
		data += 16;
		size -= 16;
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	expected = model_parse(text, min, max, &expected_value);
	errno = 0;
	rc = size_parse(text, min, max, &value);
	if (expected == 0 && rc != 0)
		mismatch(text, "failed with errno", (uint64_t)errno, 0);
	if (expected != 0 && rc != -1)
		mismatch(text, "returned", (uint64_t)rc, (uint64_t)-1);
	if (expected != 0 && errno != expected)
		mismatch(text, "set errno", (uint64_t)errno,
			 (uint64_t)expected);
	if (expected == 0 && value != expected_value)
		mismatch(text, "stored", value, expected_value);

	free(text);
	return 0;
}
