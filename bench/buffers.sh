#!/bin/bash
# Measure the buffer size of the buffered strategy: `fcopy -s buffered -b N`
# for N from 4 KiB to 4 MiB on a 256 MiB file with a warm page cache.  The
# copies run within ext4, within tmpfs and from ext4 to tmpfs, and the
# report gives the ratio of each median to that of 128 KiB and the peak
# memory of each size.
#
# Usage: bench/buffers.sh [--quick] [--rounds N] [--out DIR]
#
# Environment as for bench/run.sh (FCOPY, BENCH_EXT4, BENCH_TMPFS).
# Results go to DIR (default: a new /tmp/fcopy-buffers-results.* directory),
# replacing earlier results there, with summary.md written by
# bench/report.py.  Each of N rounds (default 3)
# runs every size 5 times, which takes about 25 seconds on 2 cores.  More
# rounds narrow the spread on a noisy machine.  --quick uses a 32 MiB file
# and one round.

BENCH_NAME=bench/buffers.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

quick=0
rounds=3
out=""
while (($#)); do
	case $1 in
	--quick) quick=1 ;;
	--rounds)
		[[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die "--rounds needs a positive integer"
		rounds=$2
		shift
		;;
	--out)
		(($# >= 2)) || die "--out needs a directory"
		out=$2
		shift
		;;
	-h | --help)
		sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*) die "unknown argument '$1': usage: bench/buffers.sh [--quick] [--rounds N] [--out DIR]" ;;
	esac
	shift
done

require_commands
find_fcopy

SIZES=(4K 16K 64K 128K 256K 512K 1M 4M)
if ((quick)); then
	NAME=32MiB BYTES=$((32 * 1024 * 1024)) ROUNDS=1 WARMUP=1 RUNS=3
else
	NAME=256MiB BYTES=$((256 * 1024 * 1024)) ROUNDS=$rounds WARMUP=1 RUNS=5
fi

make_scratch "${BENCH_EXT4:-/tmp}" ext4
EXT4=$SCRATCH
make_scratch "${BENCH_TMPFS:-/dev/shm}" tmpfs
TMPFS=$SCRATCH
trap remove_scratch EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
snapshot_fcopy "$EXT4"

if [[ -z $out ]]; then
	out=$(mktemp -d /tmp/fcopy-buffers-results.XXXXXX)
fi
mkdir -p -- "$out"
OUT=$(cd "$out" && pwd)
mkdir -p "$OUT/times" "$OUT/memory"
rm -f "$OUT"/*.tsv "$OUT"/times/*

need_space "$EXT4" $((BYTES * 3))
need_space "$TMPFS" $((BYTES * 3))
describe_machine "$OUT/machine.tsv" "$EXT4" "$TMPFS"
if ((quick)); then
	printf 'command\tbench/buffers.sh --quick\n' >>"$OUT/machine.tsv"
else
	printf 'command\tbench/buffers.sh --rounds %s\n' "$rounds" >>"$OUT/machine.tsv"
fi
printf '%s\t%s\tdense, random data\n' "$NAME" "$BYTES" >"$OUT/inputs.tsv"

note "creating the $NAME input in $EXT4 and $TMPFS"
make_dense "$EXT4/src" "$BYTES"
make_dense "$TMPFS/src" "$BYTES"

for placement in ext4 tmpfs ext4-to-tmpfs; do
	case $placement in
	ext4) src=$EXT4/src dst=$EXT4/dst ;;
	tmpfs) src=$TMPFS/src dst=$TMPFS/dst ;;
	ext4-to-tmpfs) src=$EXT4/src dst=$TMPFS/dst ;;
	esac
	triples=()
	for size in "${SIZES[@]}"; do
		triples+=("-b $size" - "$(printf '%q ' "$FCOPY" -s buffered -b "$size" "$src" "$dst")")
	done
	note "timing $placement"
	sync
	time_commands "$OUT/times/$NAME.$placement" "$ROUNDS" "$WARMUP" "$RUNS" \
		"rm -f -- $(printf %q "$dst")" "${triples[@]}"

	for size in "${SIZES[@]}"; do
		rm -f -- "$dst"
		log=$OUT/memory/$placement.$size.txt
		/usr/bin/time -v -o "$log" "$FCOPY" -s buffered -b "$size" "$src" "$dst" ||
			die "fcopy -b $size failed"
		cmp -s -- "$src" "$dst" || die "fcopy -b $size: $dst differs from $src"
		printf '%s\t-b %s\t%s\n' "$placement" "$size" \
			"$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$log")" \
			>>"$OUT/memory.tsv"
	done
	rm -f -- "$dst"
done

describe_end "$OUT/machine.tsv"
python3 "$BENCH_DIR/report.py" buffers "$OUT" >"$OUT/summary.md"
note "results in $OUT; summary in $OUT/summary.md"
