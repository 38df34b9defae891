/* The settings of one fcopy run, filled in by cli_parse(). */
#ifndef FCOPY_OPTIONS_H
#define FCOPY_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum strategy_id {
	STRATEGY_AUTO,
	STRATEGY_WHOLE,
	STRATEGY_BUFFERED,
	STRATEGY_STREAM,
};

/* Replacement mode of an existing DEST. */
enum replace_mode {
	REPLACE_AUTO,		/* atomic where that keeps what cp keeps */
	REPLACE_ATOMIC,		/* --atomic: atomic or fail */
	REPLACE_IN_PLACE,	/* --in-place: truncate and write */
};

/* Action for a DEST that exists. */
enum clobber_mode {
	CLOBBER_YES,		/* default and -f */
	CLOBBER_NO,		/* -n */
	CLOBBER_ASK,		/* -i */
};

enum sparse_mode {
	SPARSE_AUTO,
	SPARSE_ALWAYS,
	SPARSE_NEVER,
};

enum reflink_mode {
	REFLINK_AUTO,
	REFLINK_ALWAYS,
	REFLINK_NEVER,
};

enum stats_format {
	STATS_NONE,
	STATS_HUMAN,
	STATS_JSON,
};

enum progress_mode {
	PROGRESS_NEVER,
	PROGRESS_AUTO,		/* only on a terminal, in the foreground */
	PROGRESS_ALWAYS,
};

/* Bits of fcopy_options.preserve. */
#define PRESERVE_MODE		0x1u
#define PRESERVE_OWNERSHIP	0x2u
#define PRESERVE_TIMESTAMPS	0x4u
#define PRESERVE_ALL (PRESERVE_MODE | PRESERVE_OWNERSHIP | PRESERVE_TIMESTAMPS)

/*
 * Default buffer of the buffered strategy and of the read/write fallback.
 * 1 MiB copied a 256 MiB file in 0.88 (ext4), 0.95 (tmpfs) and 0.93
 * (ext4 to tmpfs) of the time 128 KiB took, on a 2-core virtual machine
 * (bench/buffers.sh, docs/BENCHMARKS.md).
 */
#define DEFAULT_BUFFER_SIZE ((size_t)1024 * 1024)

/* Largest -b value: 1 GiB, the largest chunk of one kernel call too. */
#define MAX_BUFFER_SIZE ((uint64_t)1 << 30)

/*
 * Default --max-memory, the largest source the whole strategy reads into
 * memory: 2 GiB, a fixed cap so that the result does not depend on the
 * machine.
 */
#define DEFAULT_MAX_MEMORY ((uint64_t)2 << 30)

struct fcopy_options {
	enum strategy_id strategy;
	size_t buffer_size;		/* -b, or DEFAULT_BUFFER_SIZE */
	bool buffer_size_set;		/* -b was given */
	uint64_t max_memory;		/* --max-memory */

	const char *target_directory;	/* -t */
	bool no_target_directory;	/* -T */

	enum clobber_mode clobber;
	bool force;			/* -f */
	bool verbose;			/* -v */
	enum replace_mode replace;
	bool replace_conflict;		/* both --atomic and --in-place given */
	unsigned preserve;		/* PRESERVE_* bits */
	bool sync;			/* --sync */
	bool verify;			/* --verify */
	enum sparse_mode sparse;
	enum reflink_mode reflink;
	enum stats_format stats;
	enum progress_mode progress;
	bool benchmark;			/* --benchmark */
	unsigned benchmark_rounds;	/* --rounds */

	char **operands;		/* SOURCE... [DEST] as given */
	int operand_count;
};

#endif
