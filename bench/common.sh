# Helpers shared by bench/run.sh and bench/buffers.sh: tool checks, the
# binary under test, scratch directories on ext4 and tmpfs, input files,
# and timing with hyperfine in interleaved rounds.
#
# Scripts that source this file set BENCH_NAME first.  Environment:
#   FCOPY         binary to measure (default: build/release/fcopy, built
#                 with the release preset)
#   BENCH_EXT4    directory on ext4 for scratch files (default /tmp)
#   BENCH_TMPFS   directory on tmpfs for scratch files (default /dev/shm)

set -euo pipefail
umask 022
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

# Print a message on standard error and exit with status 1.
die() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

# Print a progress message with the time of day on standard error.
note() {
	echo "$BENCH_NAME: $(date +%T) $*" >&2
}

# Debian package that provides each command the benchmarks run.
REQUIRED_COMMANDS=(
	"hyperfine:hyperfine"
	"strace:strace"
	"valgrind:valgrind"
	"/usr/bin/time:time"
	"python3:python3"
	"dd:coreutils"
)

# Install the packages of missing commands with apt-get (root only).
require_commands() {
	local pair command package missing=()

	for pair in "${REQUIRED_COMMANDS[@]}"; do
		command=${pair%%:*}
		package=${pair#*:}
		command -v "$command" >/dev/null 2>&1 || missing+=("$package")
	done
	if ((${#missing[@]} == 0)); then
		return 0
	fi
	if [[ $(id -u) -ne 0 ]]; then
		die "missing packages ${missing[*]}: install them with apt-get and run again"
	fi
	note "installing ${missing[*]} with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# Set FCOPY to an absolute path, building the release preset when FCOPY is
# not set in the environment.
find_fcopy() {
	if [[ -z ${FCOPY:-} ]]; then
		note "building the release preset"
		(cd "$REPO_DIR" && cmake --preset release >/dev/null &&
			cmake --build --preset release >/dev/null) ||
			die "build failed: run 'cmake --preset release && cmake --build --preset release' to see why"
		FCOPY=$REPO_DIR/build/release/fcopy
	fi
	case $FCOPY in
	/*) ;;
	*) FCOPY=$PWD/$FCOPY ;;
	esac
	[[ -x $FCOPY ]] || die "FCOPY='$FCOPY' is not an executable file"
}

# snapshot_fcopy DIR: copy FCOPY into DIR and use the copy, so that a
# rebuild during the run does not change the binary being measured.
snapshot_fcopy() {
	mkdir -p -- "$1/bin"
	cp -- "$FCOPY" "$1/bin/fcopy"
	FCOPY_BUILT=$FCOPY
	FCOPY=$1/bin/fcopy
}

SCRATCH_DIRS=()

remove_scratch() {
	local dir

	for dir in "${SCRATCH_DIRS[@]}"; do
		rm -rf --one-file-system -- "$dir"
	done
}

# make_scratch ROOT EXPECTED_FS_TYPE: set SCRATCH to a new directory under
# ROOT, removed on exit by remove_scratch.  ROOT must be on a filesystem of
# the expected type.  Not for use in $(...), which would lose the cleanup.
make_scratch() {
	local root=$1 expected=$2 type dir

	type=$(stat -f -c %T -- "$root") || die "cannot stat the filesystem of $root"
	# stat -f prints ext2/ext3 for ext4 as well: they share one magic number.
	case $expected:$type in
	ext4:ext2/ext3 | tmpfs:tmpfs) ;;
	*) die "$root is on $type, expected $expected: set BENCH_EXT4 or BENCH_TMPFS" ;;
	esac
	dir=$(mktemp -d "$root/fcopy-bench.XXXXXX") || die "cannot create a directory in $root"
	SCRATCH_DIRS+=("$dir")
	SCRATCH=$dir
}

# need_space DIR BYTES: DIR's filesystem has BYTES free.
need_space() {
	local available

	available=$(df --output=avail -B1 -- "$1" | tail -n 1 | tr -d ' ')
	((available >= $2)) || die "$1 has $available bytes free, the benchmark needs $2"
}

# make_dense FILE BYTES: random data, then read once so it is in the page cache.
make_dense() {
	head -c "$2" /dev/urandom >"$1"
	cat "$1" >/dev/null
}

# make_sparse FILE BYTES DATA_BYTES: a file of BYTES with DATA_BYTES of
# random data in four equal pieces (at the start, at 1/3, at 2/3 and at
# the end) and holes between them.
make_sparse() {
	local file=$1 size=$2 data=$3 piece offset i

	piece=$((data / 4))
	truncate -s "$size" -- "$file"
	for i in 0 1 2 3; do
		offset=$(((size - piece) * i / 3 / 4096 * 4096))
		head -c "$piece" /dev/urandom |
			dd of="$file" bs="$piece" seek="$offset" oflag=seek_bytes conv=notrunc status=none
	done
	cat "$file" >/dev/null
}

# Write the machine description used by the report: cores, kernel, CPU,
# memory, filesystems, tool versions, and the load and memory counters at
# the start.
describe_machine() {
	local out=$1 ext4=$2 tmpfs=$3

	{
		printf 'nproc\t%s\n' "$(nproc)"
		printf 'kernel\t%s\n' "$(uname -sr)"
		printf 'cpu\t%s\n' "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)"
		printf 'memory\t%s\n' "$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
		printf 'ext4\t%s (%s)\n' "$ext4" "$(findmnt -n -o FSTYPE,OPTIONS -T "$ext4" | tail -n 1 | tr -s ' ' ' ')"
		printf 'tmpfs\t%s (%s)\n' "$tmpfs" "$(findmnt -n -o FSTYPE,OPTIONS -T "$tmpfs" | tail -n 1 | tr -s ' ' ' ')"
		printf 'fcopy\t%s, %s, sha256 %.12s\n' "$("$FCOPY" --version | head -n 1)" \
			"$FCOPY_BUILT" "$(sha256sum <"$FCOPY")"
		printf 'commit\t%s\n' "$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown)"
		printf 'coreutils\t%s\n' "$(cp --version | head -n 1)"
		printf 'hyperfine\t%s\n' "$(hyperfine --version)"
		printf 'strace\t%s\n' "$(strace -V | head -n 1)"
		printf 'valgrind\t%s\n' "$(valgrind --version)"
		printf 'load_start\t%s\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)"
		printf 'vmstat_start\t%s\n' "$(memory_counters)"
	} >"$out"
}

# Print the kernel's counters of memory compaction and transparent huge
# page faults, which show when page allocation stalled during a run.
memory_counters() {
	awk '$1 ~ /^(compact_stall|thp_fault_alloc|thp_fault_fallback)$/ { printf "%s %s ", $1, $2 }' /proc/vmstat
}

# Append the load and memory counters at the end of the run to FILE.
describe_end() {
	{
		printf 'load_end\t%s\n' "$(cut -d ' ' -f 1-3 /proc/loadavg)"
		printf 'vmstat_end\t%s\n' "$(memory_counters)"
	} >>"$1"
}

# time_commands JSON_PREFIX ROUNDS WARMUP RUNS PREPARE NAME OUTPUT COMMAND...
#
# Time the commands (NAME OUTPUT COMMAND triples) with hyperfine on a warm
# page cache.  COMMAND runs without a shell (hyperfine -N), so no shell
# start-up time has to be subtracted and millisecond copies stay
# measurable.  Its standard output goes to the file OUTPUT, which hyperfine
# creates afresh after PREPARE and before each run, as a shell's "> OUTPUT"
# would, or nowhere when OUTPUT is "-".  With TIME_SHELL=1, COMMAND runs
# through sh, hyperfine subtracts the shell's start-up time, and OUTPUT
# must be "-".
#
# Every round runs every command RUNS times, after WARMUP untimed runs in
# the first round only (later rounds find the page cache warm).  Even rounds
# go in reverse order, so that slow drift of a shared machine spreads over
# all commands.  Commands with the same OUTPUT share one hyperfine
# invocation, because --output applies to all of its commands.  PREPARE
# runs untimed before every run.  Invocation G of round K writes
# JSON_PREFIX.roundK.G.json; hyperfine's own output goes to JSON_PREFIX.log.
time_commands() {
	local prefix=$1 rounds=$2 warmup=$3 runs=$4 prepare=$5
	local round group first last step i output
	local -a triples outputs order args shell
	shift 5

	triples=("$@")
	outputs=()
	for ((i = 1; i < ${#triples[@]}; i += 3)); do
		[[ " ${outputs[*]} " == *" ${triples[i]} "* ]] || outputs+=("${triples[i]}")
	done
	shell=(-N)
	if [[ ${TIME_SHELL:-0} == 1 ]]; then
		shell=()
	fi

	for ((round = 1; round <= rounds; round++)); do
		if ((round % 2 == 1)); then
			first=0 last=$((${#triples[@]} - 3)) step=3
			order=("${!outputs[@]}")
		else
			first=$((${#triples[@]} - 3)) last=0 step=-3
			order=()
			for ((i = ${#outputs[@]} - 1; i >= 0; i--)); do
				order+=("$i")
			done
		fi
		for group in "${order[@]}"; do
			output=${outputs[group]}
			args=()
			for ((i = first; step > 0 ? i <= last : i >= last; i += step)); do
				if [[ ${triples[i + 1]} == "$output" ]]; then
					args+=("--command-name=${triples[i]}" "${triples[i + 2]}")
				fi
			done
			if [[ $output != - ]]; then
				args=("--output=$output" "${args[@]}")
			fi
			hyperfine "${shell[@]}" --style basic \
				--warmup "$((round == 1 ? warmup : 0))" --runs "$runs" \
				--prepare "$prepare" \
				--export-json "$prefix.round$round.$group.json" \
				"${args[@]}" >>"$prefix.log" 2>&1 ||
				die "hyperfine failed, see $prefix.log"
		done
	done
}
