/* size_parse(): every suffix, the junk it rejects and the exact limits. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fcopy/size.h"

#define KIB ((uint64_t)1024)
#define GIB (KIB * KIB * KIB)

/* Parse text within [min, max] and fail unless it yields expected. */
static void check_value(const char *text, uint64_t min, uint64_t max,
			uint64_t expected)
{
	uint64_t value = 0;

	errno = 0;
	if (size_parse(text, min, max, &value) != 0)
		fail_msg("\"%s\" was rejected with errno %d", text, errno);
	if (value != expected)
		fail_msg("\"%s\" gave %" PRIu64 ", expected %" PRIu64, text,
			 value, expected);
}

/* Parse text within [min, max] and fail unless it is rejected with err. */
static void check_rejected(const char *text, uint64_t min, uint64_t max,
			   int err)
{
	uint64_t value = 0;

	errno = 0;
	if (size_parse(text, min, max, &value) == 0)
		fail_msg("\"%s\" was accepted as %" PRIu64, text, value);
	if (errno != err)
		fail_msg("\"%s\" was rejected with errno %d, expected %d",
			 text, errno, err);
}

static void size_plain_digits(void **state)
{
	(void)state;
	check_value("0", 0, UINT64_MAX, 0);
	check_value("1", 0, UINT64_MAX, 1);
	check_value("4096", 0, UINT64_MAX, 4096);
	check_value("0004096", 0, UINT64_MAX, 4096);
	check_value("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
}

static void size_binary_suffixes(void **state)
{
	(void)state;
	check_value("3K", 0, UINT64_MAX, 3 * KIB);
	check_value("3KiB", 0, UINT64_MAX, 3 * KIB);
	check_value("3M", 0, UINT64_MAX, 3 * KIB * KIB);
	check_value("3MiB", 0, UINT64_MAX, 3 * KIB * KIB);
	check_value("3G", 0, UINT64_MAX, 3 * GIB);
	check_value("3GiB", 0, UINT64_MAX, 3 * GIB);
	check_value("3T", 0, UINT64_MAX, 3 * GIB * KIB);
	check_value("3TiB", 0, UINT64_MAX, 3 * GIB * KIB);
}

static void size_decimal_suffixes(void **state)
{
	(void)state;
	check_value("3kB", 0, UINT64_MAX, 3000);
	check_value("3MB", 0, UINT64_MAX, 3000000);
	check_value("3GB", 0, UINT64_MAX, UINT64_C(3000000000));
	check_value("3TB", 0, UINT64_MAX, UINT64_C(3000000000000));
}

static void size_zero_with_suffix(void **state)
{
	(void)state;
	check_value("0K", 0, UINT64_MAX, 0);
	check_value("0TB", 0, UINT64_MAX, 0);
}

static void size_junk_is_einval(void **state)
{
	static const char *const junk[] = {
		"", "4x", "4 K", " 4", "4 ", "-1", "+4", "0x10", "1e3", "K",
		"KiB", "4.5K", "4KK", "4KiBx", "4k", "4kib", "4mb", "4B",
		"4\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		check_rejected(junk[i], 0, UINT64_MAX, EINVAL);
}

static void size_overflow_is_erange(void **state)
{
	(void)state;
	check_rejected("99999999999999999999", 0, UINT64_MAX, ERANGE);
	check_rejected("18446744073709551616", 0, UINT64_MAX, ERANGE);
	check_rejected("18446744073709551615K", 0, UINT64_MAX, ERANGE);
	/* 2^24 TiB is 2^64 bytes, one more than UINT64_MAX. */
	check_rejected("16777216T", 0, UINT64_MAX, ERANGE);
	check_value("16777215T", 0, UINT64_MAX, UINT64_C(16777215) << 40);
}

static void size_junk_beats_overflow(void **state)
{
	(void)state;
	/* Not a size at all, however large the digits: EINVAL. */
	check_rejected("99999999999999999999x", 0, UINT64_MAX, EINVAL);
}

static void size_minimum_is_inclusive(void **state)
{
	(void)state;
	check_rejected("0", 1, UINT64_MAX, ERANGE);
	check_rejected("0K", 1, UINT64_MAX, ERANGE);
	check_value("1", 1, UINT64_MAX, 1);
	check_rejected("4095", 4096, UINT64_MAX, ERANGE);
	check_value("4K", 4096, UINT64_MAX, 4096);
}

static void size_maximum_is_inclusive(void **state)
{
	(void)state;
	check_value("1G", 1, GIB, GIB);
	check_value("1GiB", 1, GIB, GIB);
	check_value("1073741824", 1, GIB, GIB);
	check_rejected("1073741825", 1, GIB, ERANGE);
	check_rejected("2G", 1, GIB, ERANGE);
	/* 1 GB is 10^9 bytes, under 1 GiB. */
	check_value("1GB", 1, GIB, UINT64_C(1000000000));
	check_rejected("2GB", 1, GIB, ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(size_plain_digits),
		cmocka_unit_test(size_binary_suffixes),
		cmocka_unit_test(size_decimal_suffixes),
		cmocka_unit_test(size_zero_with_suffix),
		cmocka_unit_test(size_junk_is_einval),
		cmocka_unit_test(size_overflow_is_erange),
		cmocka_unit_test(size_junk_beats_overflow),
		cmocka_unit_test(size_minimum_is_inclusive),
		cmocka_unit_test(size_maximum_is_inclusive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
