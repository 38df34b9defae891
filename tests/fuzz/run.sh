#!/bin/sh
# Build the libFuzzer targets with clang in build/fuzz and run each one for
# half of SECONDS.  Exits 0 when no target crashed, 1 when one did (the
# input that crashed it is saved as build/fuzz/artifacts/TARGET-crash-*),
# 2 on a usage or build error.
#
# Usage: tests/fuzz/run.sh SECONDS
#
# The corpus of each target grows in build/fuzz/corpus/TARGET across runs;
# a few seed inputs are written there when it is empty.
set -eu

if [ $# -ne 1 ] || ! [ "$1" -ge 2 ] 2>/dev/null; then
	echo "usage: $0 SECONDS (2 or more, split between the targets)" >&2
	exit 2
fi
seconds_each=$(($1 / 2))

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz

cmake -S "$root" -B "$build" \
	-DCMAKE_C_COMPILER=clang \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DFCOPY_FUZZ=ON -DFCOPY_TESTS=OFF -DFCOPY_STATIC=OFF \
	-DFCOPY_WERROR=ON >/dev/null || exit 2
cmake --build "$build" --target fuzz_size fuzz_cli || exit 2

# Write the arguments as one input, each followed by a NUL but the last.
write_args() {
	file=$1
	shift
	printf '%s\0' "$@" | head -c -1 >"$file"
}

seed_size() {
	for text in 0 4096 1K 1KiB 3kB 2M 2MiB 5MB 1G 1GiB 7GB 1T 1TiB 2TB \
		18446744073709551615 99999999999999999999 4x -1 0x10 1e3; do
		printf '%s' "$text" >"$1/seed-$text"
	done
}

seed_cli() {
	write_args "$1/seed-plain" a b
	write_args "$1/seed-buffer" -b 4K -s stream a b
	write_args "$1/seed-target" -t dir -p --preserve=mode,timestamps a
	write_args "$1/seed-long" --sparse=never --reflink --stats=json \
		--max-memory 1K -nfi a b
	write_args "$1/seed-group" -Xn a b
	write_args "$1/seed-help" --help
}

crashed=""
for target in fuzz_size fuzz_cli; do
	corpus=$build/corpus/$target
	mkdir -p "$corpus" "$build/artifacts"
	if [ -z "$(ls -A "$corpus")" ]; then
		case $target in
		fuzz_size) seed_size "$corpus" ;;
		fuzz_cli) seed_cli "$corpus" ;;
		esac
	fi

	echo "== $target: $seconds_each s" >&2
	# -close_fd_mask=3 silences the target's own output (usage text and
	# messages).  libFuzzer still prints its status and any crash report.
	if ! "$build/tests/fuzz/$target" -max_total_time="$seconds_each" \
		-close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$target-" "$corpus"; then
		crashed="$crashed $target"
	fi
done

if [ -n "$crashed" ]; then
	echo "crashed:$crashed (inputs in $build/artifacts)" >&2
	exit 1
fi
echo "no crash" >&2
