# --sparse=auto|always|never across strategies and sources: holes kept by
# stream and auto (on ext4, on tmpfs and from ext4 to tmpfs), every byte
# allocated with never, zero runs turned into holes with always, and the
# exact size and content in every case.  Allocation is checked through
# st_blocks (512-byte units).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MIB=$((1024 * 1024))
ODD_SIZE=$((64 * MIB + 3))

# 1 MiB allocated (2048 blocks of 512 bytes) leaves room for a filesystem
# that allocates in larger units, yet is far below the 131072 blocks of a
# dense 64 MiB copy.
HOLE_LIMIT=2048

# A dense copy may use a few blocks beyond its data for the extent tree.
METADATA_SLACK=256

# write_at FILE OFFSET BYTES: BYTES of random data at OFFSET, size kept.
write_at() {
	head -c "$3" /dev/urandom |
		dd of="$1" bs="$3" seek="$2" oflag=seek_bytes conv=notrunc status=none
}

# make_sources DIR: the sparse sources of these checks, in DIR.
make_sources() {
	local dir=$1

	# 64 MiB with two tiny pieces of data, the second one at the very end.
	truncate -s 64M "$dir/two_pieces"
	write_at "$dir/two_pieces" $((8 * MIB)) 4096
	write_at "$dir/two_pieces" $((64 * MIB - 4096)) 4096

	# Data at the start only, then a 60 MiB hole up to the end.
	truncate -s 64M "$dir/trailing_hole"
	write_at "$dir/trailing_hole" 0 4096

	truncate -s 10M "$dir/hole_only"

	# 64 MiB + 3: the last 10 bytes are data that crosses the last 4 KiB
	# block boundary, so the final block is partial.
	truncate -s "$ODD_SIZE" "$dir/odd_size"
	write_at "$dir/odd_size" $((ODD_SIZE - 10)) 10
}

SPARSE_SOURCES=(two_pieces trailing_hole hole_only odd_size)

# rounded_blocks BYTES: 512-byte blocks of BYTES rounded up to 4 KiB pages.
rounded_blocks() {
	echo $((($1 + 4095) / 4096 * 8))
}

# check_copy LABEL SOURCE COPY: exit status 0, no message, exact size and
# identical content.
check_copy() {
	local label=$1 source=$2 copy=$3

	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_eq "$label size" "$(file_size "$source")" "$(file_size "$copy")"
	check_same "$label content" "$source" "$copy"
}

# check_holes_kept PREFIX SOURCE_DIR DEST_DIR: stream and auto with
# --sparse=auto keep every sparse source's holes.
check_holes_kept() {
	local prefix=$1 source_dir=$2 dest_dir=$3 strategy name label copy

	for strategy in stream auto; do
		for name in "${SPARSE_SOURCES[@]}"; do
			label="$prefix $strategy sparse=auto $name"
			copy=$dest_dir/${strategy}_auto_$name
			run_fcopy -s "$strategy" --sparse=auto "$source_dir/$name" "$copy"
			check_copy "$label" "$source_dir/$name" "$copy"
			check_le "$label blocks" "$HOLE_LIMIT" "$(file_blocks "$copy")"
			rm -f -- "$copy"
		done
	done
}

# ------------------------------------------------------ --sparse=auto, ext4

make_sources "$T"
check_holes_kept ext4 "$T" "$T"

# The default is --sparse=auto.
run_fcopy two_pieces default_two_pieces
check_copy "ext4 default sparse two_pieces" two_pieces default_two_pieces
check_le "ext4 default sparse two_pieces blocks" "$HOLE_LIMIT" \
	"$(file_blocks default_two_pieces)"
rm -f default_two_pieces

# ----------------------------------------------------- --sparse=auto, tmpfs

if shm=$(make_shm_dir); then
	make_sources "$shm"
	check_holes_kept tmpfs "$shm" "$shm"

	# Across filesystems copy_file_range fails with EXDEV: the fallback
	# must keep the holes too.
	check_holes_kept ext4-to-tmpfs "$T" "$shm"
else
	skip "tmpfs sparse=auto" "cannot make a directory in /dev/shm"
fi

# ---------------------------------------------------------- --sparse=never

for strategy in stream auto buffered whole; do
	for name in two_pieces odd_size; do
		label="ext4 $strategy sparse=never $name"
		run_fcopy -s "$strategy" --sparse=never "$name" "never_$name"
		check_copy "$label" "$name" "never_$name"
		expected=$(rounded_blocks "$(file_size "$name")")
		check_ge "$label blocks" "$expected" "$(file_blocks "never_$name")"
		check_le "$label blocks at most size" $((expected + METADATA_SLACK)) \
			"$(file_blocks "never_$name")"
		rm -f "never_$name"
	done
done

# --------------------------------------------------------- --sparse=always

# 4 MiB of random data, a 4 MiB run of zeros, 4 MiB of random data.
make_random zero_run_middle $((4 * MIB))
head -c $((4 * MIB)) /dev/zero >>zero_run_middle
head -c $((4 * MIB)) /dev/urandom >>zero_run_middle

# The zero run at the end: the size must come out exact without data
# after the last hole.
make_random zero_run_end $((4 * MIB))
head -c $((4 * MIB)) /dev/zero >>zero_run_end

for strategy in buffered whole stream auto; do
	for name in zero_run_middle zero_run_end; do
		label="ext4 $strategy sparse=always $name"
		run_fcopy -s "$strategy" --sparse=always "$name" "always_$name"
		check_copy "$label" "$name" "always_$name"
		dense=$(rounded_blocks "$(file_size "$name")")
		check_le "$label blocks below size" $((dense - 1)) "$(file_blocks "always_$name")"
		# The 4 MiB run of zeros is a hole, give or take 1 MiB.
		check_le "$label zero run is a hole" $((dense - 4 * MIB / 512 + HOLE_LIMIT)) \
			"$(file_blocks "always_$name")"
		rm -f "always_$name"
	done
done

# A sparse source with --sparse=always keeps its holes in the buffered and
# whole strategies too.
for strategy in buffered whole; do
	label="ext4 $strategy sparse=always two_pieces"
	run_fcopy -s "$strategy" --sparse=always two_pieces always_two_pieces
	check_copy "$label" two_pieces always_two_pieces
	check_le "$label blocks" "$HOLE_LIMIT" "$(file_blocks always_two_pieces)"
	rm -f always_two_pieces
done

finish
