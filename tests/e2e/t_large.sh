# Files past the 32-bit boundaries: 2 GiB + 3 bytes, just over the
# 0x7ffff000 (2147479552) bytes that Linux moves in one call, and a file
# over 4 GiB.  The sources are sparse so that they cost little disk; the
# data sits at the start and across each boundary.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN_TIMEOUT=300
PER_CALL_LIMIT=2147479552
SIZE_2G=2147483651
SIZE_4G=$((4 * 1024 * 1024 * 1024 + 1024 * 1024 + 5))

# Two dense copies of 2 GiB and sparse ones: about 5 GiB at most.
if ! need_free_space "large files" "$T" $((6 * 1024 * 1024 * 1024)); then
	finish
fi

# make_sparse FILE SIZE OFFSET...: a sparse file of SIZE bytes with 1 MiB
# of random data at each OFFSET (cut at SIZE) and its last 5 bytes set.
make_sparse() {
	local file=$1 size=$2 offset
	shift 2

	truncate -s "$size" "$file"
	for offset in "$@"; do
		head -c 1048576 /dev/urandom |
			dd of="$file" bs=1M seek="$offset" oflag=seek_bytes conv=notrunc status=none
	done
	printf 'tail\n' | dd of="$file" bs=1 seek=$((size - 5)) conv=notrunc status=none
	truncate -s "$size" "$file"
}

# cmp of two multi-GiB files takes seconds; CRC-32 with the length
# (cksum) is more than ten times faster and still catches a lost or moved
# range.
checksum() {
	{ cksum <"$1"; } 2>/dev/null
}

# check_large_copy LABEL SOURCE SOURCE_CHECKSUM COPY
check_large_copy() {
	local label=$1 source=$2 source_checksum=$3 copy=$4

	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_eq "$label size" "$(file_size "$source")" "$(file_size "$copy")"
	check_ne "$label not cut at the per-call limit" "$PER_CALL_LIMIT" "$(file_size "$copy")"
	check_eq "$label content" "$source_checksum" "$(checksum "$copy")"
}

# 2 GiB + 3 bytes: data at 0, across 1 GiB, and across both 0x7ffff000 and
# 2 GiB up to the end.
make_sparse big2 "$SIZE_2G" 0 $((1024 * 1024 * 1024 - 524288)) $((SIZE_2G - 1048576))
big2_checksum=$(checksum big2)

run_fcopy -s stream big2 copy
check_large_copy "stream 2 GiB + 3" big2 "$big2_checksum" copy
rm -f copy

run_fcopy -s auto big2 copy
check_large_copy "auto 2 GiB + 3" big2 "$big2_checksum" copy
rm -f copy

# One write() of the whole buffer moves at most 0x7ffff000 bytes.
run_fcopy -s whole --max-memory=3G big2 copy
check_large_copy "whole 2 GiB + 3" big2 "$big2_checksum" copy
rm -f copy

if command -v strace >/dev/null 2>&1; then
	# With copy_file_range rejected and every byte written, the fallback
	# loop moves all 2 GiB.
	run strace -f -o /dev/null -P "$T/big2" -e trace=copy_file_range \
		-e inject=copy_file_range:error=EXDEV \
		"$FCOPY" -s stream --sparse=never big2 copy
	check_large_copy "stream fallback 2 GiB + 3" big2 "$big2_checksum" copy
	rm -f copy
else
	skip "stream fallback 2 GiB + 3" "needs strace, which is not installed"
fi
rm -f big2

# Over 4 GiB: data at 0, across 4 GiB and at the end.
make_sparse big4 "$SIZE_4G" 0 $((4 * 1024 * 1024 * 1024 - 524288))
big4_checksum=$(checksum big4)

run_fcopy -s stream big4 copy
check_large_copy "stream over 4 GiB" big4 "$big4_checksum" copy
check_le "stream over 4 GiB keeps holes" 16384 "$(file_blocks copy)"
rm -f copy

run_fcopy -s auto big4 copy
check_large_copy "auto over 4 GiB" big4 "$big4_checksum" copy
rm -f copy

# --sparse=always reads every byte but writes only data, so these cover
# 64-bit offsets and counts in the read loop without 4 GiB of writes.
run_fcopy -s buffered --sparse=always big4 copy
check_large_copy "buffered over 4 GiB" big4 "$big4_checksum" copy
rm -f copy

run_fcopy -s whole --sparse=always --max-memory=5G big4 copy
check_large_copy "whole over 4 GiB" big4 "$big4_checksum" copy
rm -f copy

finish
