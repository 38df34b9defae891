/* Parsing of SIZE arguments such as "4096", "128K", "1MiB" or "2GB". */
#ifndef FCOPY_SIZE_H
#define FCOPY_SIZE_H

#include <stdint.h>

/*
 * Parse text as a byte count: digits, then an optional suffix.  K, M, G,
 * KiB, MiB and GiB (also T and TiB) are powers of 1024; kB, MB, GB and TB
 * are powers of 1000.  The result must lie in [min, max].
 * Returns 0 and stores the value, or -1 with errno EINVAL (not a size)
 * or ERANGE (overflow or out of range).
 */
int size_parse(const char *text, uint64_t min, uint64_t max, uint64_t *value);

#endif
