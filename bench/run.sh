#!/bin/bash
# Benchmark fcopy's strategies against cp, cat and dd.
#
# Usage: bench/run.sh [--quick] [--out DIR]
#
# Creates its inputs on ext4 (BENCH_EXT4, default /tmp) and tmpfs
# (BENCH_TMPFS, default /dev/shm) and times every tool with hyperfine on a
# warm page cache, for copies within ext4, within tmpfs and from ext4 to
# tmpfs.  Then it counts system calls (strace -f -c) and user-space
# instructions (valgrind --tool=callgrind) of a 4 KiB copy and the peak
# memory (/usr/bin/time -v) of a 64 MiB copy.  Results go to DIR (default:
# a new /tmp/fcopy-bench-results.* directory), replacing earlier results
# there: hyperfine JSON, tables of counts, and summary.md, which
# bench/report.py writes from them.
#
# The full run takes about 10 minutes on 2 cores and needs 3 GiB free on
# ext4 and 4 GiB on tmpfs.  --quick uses small inputs and few runs, and
# finishes in under a minute.

BENCH_NAME=bench/run.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

quick=0
out=""
while (($#)); do
	case $1 in
	--quick) quick=1 ;;
	--out)
		(($# >= 2)) || die "--out needs a directory"
		out=$2
		shift
		;;
	-h | --help)
		sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*) die "unknown argument '$1': usage: bench/run.sh [--quick] [--out DIR]" ;;
	esac
	shift
done

require_commands
find_fcopy

# Inputs: NAME BYTES ROUNDS WARMUP RUNS.  Each tool runs WARMUP untimed
# times, then RUNS timed times in each of ROUNDS rounds (see time_commands),
# sized so that the full run takes about 10 minutes on 2 cores.
if ((quick)); then
	DENSE_INPUTS=(
		"4KiB 4096 1 2 5"
		"1MiB 1048576 1 2 5"
		"64MiB 67108864 1 1 3"
	)
	SPARSE_INPUT="sparse-64MiB 67108864 1 1 3"
	FILE_COUNT=100
	FILES_INPUT="files-100 4096 1 1 3"
	CALLGRIND_TOOLS=("fcopy auto" "cp" "cat" "true")
else
	DENSE_INPUTS=(
		"4KiB 4096 3 5 20"
		"1MiB 1048576 3 3 15"
		"64MiB 67108864 3 2 6"
		"1GiB 1073741824 3 1 3"
	)
	SPARSE_INPUT="sparse-1GiB 1073741824 3 1 3"
	FILE_COUNT=1000
	FILES_INPUT="files-1000 4096 3 1 2"
	CALLGRIND_TOOLS=("fcopy auto" "fcopy stream" "fcopy whole" "fcopy buffered"
		"fcopy -b 4096" "fcopy -b 128K" "cp --reflink=never" "cp" "cat"
		"dd bs=4096" "dd bs=128K" "true")
fi
SPARSE_DATA=1048576

TOOLS=("fcopy auto" "fcopy stream" "fcopy whole" "fcopy buffered"
	"fcopy -b 4096" "fcopy -b 128K" "cp --reflink=never" "cp" "cat"
	"dd bs=4096" "dd bs=128K")

# Where source and destination live: placement_dirs maps each name to
# directories.
PLACEMENTS=(ext4 tmpfs ext4-to-tmpfs)

# tool_argv TOOL SRC DST: set ARGV to the command that copies SRC to DST
# and REDIRECT to the file its standard output goes to (DST for cat).
tool_argv() {
	local tool=$1 src=$2 dst=$3

	REDIRECT=/dev/null
	case $tool in
	"fcopy auto") ARGV=("$FCOPY" -s auto "$src" "$dst") ;;
	"fcopy stream") ARGV=("$FCOPY" -s stream "$src" "$dst") ;;
	"fcopy whole") ARGV=("$FCOPY" -s whole "$src" "$dst") ;;
	"fcopy buffered") ARGV=("$FCOPY" -s buffered "$src" "$dst") ;;
	"fcopy -b 4096") ARGV=("$FCOPY" -b 4096 "$src" "$dst") ;;
	"fcopy -b 128K") ARGV=("$FCOPY" -b 128K "$src" "$dst") ;;
	"cp --reflink=never") ARGV=(cp --reflink=never "$src" "$dst") ;;
	"cp") ARGV=(cp "$src" "$dst") ;;
	"cat")
		ARGV=(cat "$src")
		REDIRECT=$dst
		;;
	"dd bs=4096") ARGV=(dd if="$src" of="$dst" bs=4096 status=none) ;;
	"dd bs=128K") ARGV=(dd if="$src" of="$dst" bs=128K status=none) ;;
	"true") ARGV=(/bin/true) ;;
	*) die "unknown tool '$tool'" ;;
	esac
}

# tool_command TOOL SRC DST: print the command line for hyperfine -N.
tool_command() {
	tool_argv "$@"
	printf '%q ' "${ARGV[@]}"
}

# tool_output TOOL SRC DST: print the file hyperfine sends standard output
# to, "-" for none.
tool_output() {
	tool_argv "$@"
	if [[ $REDIRECT == /dev/null ]]; then
		echo -
	else
		printf '%s\n' "$REDIRECT"
	fi
}

# placement_dirs PLACEMENT: set SRC_ROOT and DST_ROOT.
placement_dirs() {
	case $1 in
	ext4) SRC_ROOT=$EXT4/in DST_ROOT=$EXT4/out ;;
	tmpfs) SRC_ROOT=$TMPFS/in DST_ROOT=$TMPFS/out ;;
	ext4-to-tmpfs) SRC_ROOT=$EXT4/in DST_ROOT=$TMPFS/out ;;
	esac
}

# time_input NAME ROUNDS WARMUP RUNS: time every tool on input NAME in
# every placement.  Then run each tool once more and record the size and
# allocated blocks of its output, and compare fcopy's outputs with cmp.
time_input() {
	local name=$1 rounds=$2 warmup=$3 runs=$4 placement tool src dst content
	local -a triples

	for placement in "${PLACEMENTS[@]}"; do
		placement_dirs "$placement"
		src=$SRC_ROOT/$name
		dst=$DST_ROOT/$name
		triples=()
		for tool in "${TOOLS[@]}"; do
			triples+=("$tool" "$(tool_output "$tool" "$src" "$dst")"
				"$(tool_command "$tool" "$src" "$dst")")
		done
		note "timing $name, $placement"
		# Write back earlier files first, so that their writeback does not
		# compete with the timed copies.
		sync
		time_commands "$OUT/times/$name.$placement" "$rounds" "$warmup" "$runs" \
			"rm -f -- $(printf %q "$dst")" "${triples[@]}"

		for tool in "${TOOLS[@]}"; do
			rm -f -- "$dst"
			tool_argv "$tool" "$src" "$dst"
			"${ARGV[@]}" >"$REDIRECT" || die "'$tool' failed on $src"
			content=-
			if [[ $tool == fcopy* ]]; then
				if cmp -s -- "$src" "$dst"; then
					content=identical
				else
					content=DIFFERENT
				fi
			fi
			printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$placement" "$tool" \
				"$(stat -c '%s	%b' -- "$dst")" "$content" >>"$OUT/outputs.tsv"
		done
		rm -f -- "$dst"
	done
}

# Time one invocation per file, in a shell loop, for fcopy, cat and cp.
time_files() {
	local name=$1 rounds=$2 warmup=$3 runs=$4 placement src dst fcopy

	fcopy=$(printf %q "$FCOPY")
	for placement in "${PLACEMENTS[@]}"; do
		placement_dirs "$placement"
		src=$SRC_ROOT/files
		dst=$DST_ROOT/files
		note "timing $name, $placement"
		sync
		TIME_SHELL=1 time_commands "$OUT/times/$name.$placement" "$rounds" "$warmup" "$runs" \
			"rm -rf -- $dst && mkdir -- $dst" \
			"fcopy loop" - "for f in $src/*; do $fcopy \"\$f\" $dst/\"\${f##*/}\"; done" \
			"cat loop" - "for f in $src/*; do cat \"\$f\" > $dst/\"\${f##*/}\"; done" \
			"cp loop" - "for f in $src/*; do cp \"\$f\" $dst/\"\${f##*/}\"; done"
		rm -rf -- "$dst"
	done
}

# Count the system calls of each tool copying 4 KiB to a new DEST.
count_syscalls() {
	local placement tool src dst log total

	for placement in "${PLACEMENTS[@]}"; do
		placement_dirs "$placement"
		src=$SRC_ROOT/4KiB
		dst=$DST_ROOT/4KiB
		for tool in "${TOOLS[@]}" true; do
			rm -f -- "$dst"
			tool_argv "$tool" "$src" "$dst"
			log=$OUT/strace/$placement.${tool//[^A-Za-z0-9=.-]/_}.txt
			strace -f -c -o "$log" "${ARGV[@]}" >"$REDIRECT" || die "'$tool' failed under strace"
			# The total line is "% seconds usecs/call calls [errors] total".
			total=$(awk '$NF == "total" { print $4 "\t" (NF >= 6 ? $5 : 0) }' "$log")
			printf '%s\t%s\t%s\n' "$placement" "$tool" "$total" >>"$OUT/syscalls.tsv"
		done
		rm -f -- "$dst"
	done
}

# Record the peak resident memory of each tool copying 64 MiB.
measure_memory() {
	local placement tool src dst log

	for placement in "${PLACEMENTS[@]}"; do
		placement_dirs "$placement"
		src=$SRC_ROOT/64MiB
		dst=$DST_ROOT/64MiB
		for tool in "${TOOLS[@]}"; do
			rm -f -- "$dst"
			tool_argv "$tool" "$src" "$dst"
			log=$OUT/memory/$placement.${tool//[^A-Za-z0-9=.-]/_}.txt
			/usr/bin/time -v -o "$log" "${ARGV[@]}" >"$REDIRECT" || die "'$tool' failed under time"
			printf '%s\t%s\t%s\n' "$placement" "$tool" \
				"$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$log")" \
				>>"$OUT/memory.tsv"
		done
		rm -f -- "$dst"
	done
}

# Count user-space instructions (callgrind's Ir) of a 4 KiB copy to a new
# DEST on ext4.  Instructions in the kernel are not counted.
count_instructions() {
	local tool src=$EXT4/in/4KiB dst=$EXT4/out/4KiB log

	for tool in "${CALLGRIND_TOOLS[@]}"; do
		rm -f -- "$dst"
		tool_argv "$tool" "$src" "$dst"
		log=$OUT/callgrind/${tool//[^A-Za-z0-9=.-]/_}.txt
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "${ARGV[@]}" \
			>"$REDIRECT" 2>"$log" || die "'$tool' failed under valgrind, see $log"
		printf '%s\t%s\n' "$tool" "$(sed -n 's/^==[0-9]*== Collected : //p' "$log")" \
			>>"$OUT/instructions.tsv"
	done
	rm -f -- "$dst"
}

# ------------------------------------------------------------------- setup

make_scratch "${BENCH_EXT4:-/tmp}" ext4
EXT4=$SCRATCH
make_scratch "${BENCH_TMPFS:-/dev/shm}" tmpfs
TMPFS=$SCRATCH
trap remove_scratch EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
snapshot_fcopy "$EXT4"

if [[ -z $out ]]; then
	out=$(mktemp -d /tmp/fcopy-bench-results.XXXXXX)
fi
mkdir -p -- "$out"
OUT=$(cd "$out" && pwd)
mkdir -p "$OUT/times" "$OUT/strace" "$OUT/memory" "$OUT/callgrind"
rm -f "$OUT"/*.tsv "$OUT"/times/*

# Space: every input on both filesystems plus one output of the largest.
read -r _ largest _ <<<"${DENSE_INPUTS[-1]}"
need_space "$EXT4" $((largest * 3))
need_space "$TMPFS" $((largest * 4))

describe_machine "$OUT/machine.tsv" "$EXT4" "$TMPFS"
if ((quick)); then
	printf 'command\tbench/run.sh --quick\n' >>"$OUT/machine.tsv"
else
	printf 'command\tbench/run.sh\n' >>"$OUT/machine.tsv"
fi

note "creating inputs in $EXT4 and $TMPFS"
for root in "$EXT4" "$TMPFS"; do
	mkdir "$root/in" "$root/out" "$root/in/files"
	for input in "${DENSE_INPUTS[@]}"; do
		read -r name bytes _ <<<"$input"
		make_dense "$root/in/$name" "$bytes"
	done
	read -r name bytes _ <<<"$SPARSE_INPUT"
	make_sparse "$root/in/$name" "$bytes" "$SPARSE_DATA"
	for ((i = 0; i < FILE_COUNT; i++)); do
		head -c 4096 /dev/urandom >"$root/in/files/$i"
	done
done

{
	for input in "${DENSE_INPUTS[@]}"; do
		read -r name bytes _ <<<"$input"
		printf '%s\t%s\tdense, random data\n' "$name" "$bytes"
	done
	read -r name bytes _ <<<"$SPARSE_INPUT"
	printf '%s\t%s\tsparse, %s bytes of data in 4 pieces\n' "$name" "$bytes" "$SPARSE_DATA"
	for placement in "${PLACEMENTS[@]}"; do
		placement_dirs "$placement"
		printf 'source-blocks\t%s\t%s\n' "$placement" "$(stat -c %b -- "$SRC_ROOT/$name")"
	done
	read -r name _ <<<"$FILES_INPUT"
	printf '%s\t%s\t%s files of 4 KiB, one invocation per file\n' "$name" 4096 "$FILE_COUNT"
} >"$OUT/inputs.tsv"

# ---------------------------------------------------------------- measuring

for input in "${DENSE_INPUTS[@]}" "$SPARSE_INPUT"; do
	read -r name _ rounds warmup runs <<<"$input"
	time_input "$name" "$rounds" "$warmup" "$runs"
done
read -r name _ rounds warmup runs <<<"$FILES_INPUT"
time_files "$name" "$rounds" "$warmup" "$runs"

note "counting system calls, peak memory and instructions"
count_syscalls
measure_memory
count_instructions

describe_end "$OUT/machine.tsv"
python3 "$BENCH_DIR/report.py" suite "$OUT" >"$OUT/summary.md"
note "results in $OUT; summary in $OUT/summary.md"
