/*
 * SIZE arguments.  Only decimal digits are accepted, so "0x10", "1e3",
 * "+4", "-4" and embedded spaces are rejected.  The suffix must match
 * exactly, and its case matters (kB, as in dd).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fcopy/size.h"

struct size_suffix {
	const char *text;
	uint64_t factor;
};

#define KIB ((uint64_t)1024)
#define KB ((uint64_t)1000)

static const struct size_suffix suffixes[] = {
	{ "", 1 },
	{ "K", KIB }, { "KiB", KIB }, { "kB", KB },
	{ "M", KIB * KIB }, { "MiB", KIB * KIB }, { "MB", KB * KB },
	{ "G", KIB * KIB * KIB }, { "GiB", KIB * KIB * KIB },
	{ "GB", KB * KB * KB },
	{ "T", KIB * KIB * KIB * KIB }, { "TiB", KIB * KIB * KIB * KIB },
	{ "TB", KB * KB * KB * KB },
};

/* Return the factor of suffix, or 0 when it is not a known suffix. */
static uint64_t suffix_factor(const char *suffix)
{
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strcmp(suffix, suffixes[i].text) == 0)
			return suffixes[i].factor;
	return 0;
}

int size_parse(const char *text, uint64_t min, uint64_t max, uint64_t *value)
{
	uint64_t number = 0;
	uint64_t factor;
	const char *p = text;
	bool overflow = false;

	if (*p < '0' || *p > '9') {
		errno = EINVAL;
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (number > (UINT64_MAX - digit) / 10)
			overflow = true;
		else
			number = number * 10 + digit;
	}

	factor = suffix_factor(p);
	if (factor == 0) {
		errno = EINVAL;
		return -1;
	}
	if (overflow || number > UINT64_MAX / factor) {
		errno = ERANGE;
		return -1;
	}

	number *= factor;
	if (number < min || number > max) {
		errno = ERANGE;
		return -1;
	}
	*value = number;
	return 0;
}
