# Holes in sparse files: the stream and auto strategies keep them
# (SEEK_DATA/SEEK_HOLE) with the exact final size, --sparse=always makes
# holes of zero runs in every strategy, --sparse=never writes every byte,
# and an overwritten DEST reads zeros where the source has holes.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MIB=$((1024 * 1024))

# 64 MiB with two tiny pieces of data: 16 blocks of 512 bytes on ext4.
truncate -s 64M sparse
printf head | dd of=sparse conv=notrunc status=none
printf mid | dd of=sparse bs=1 seek=$((32 * MIB)) conv=notrunc status=none

# 1 MiB allocated (2048 blocks of 512 bytes) leaves room for a filesystem
# that allocates in larger units, yet is far below the 131072 of a dense
# copy.
HOLE_LIMIT=2048

for strategy in stream auto; do
	label="$strategy keeps holes"
	run_fcopy -s "$strategy" sparse "holes_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" sparse "holes_$strategy"
	check_eq "$label size" $((64 * MIB)) "$(file_size "holes_$strategy")"
	check_le "$label blocks" "$HOLE_LIMIT" "$(file_blocks "holes_$strategy")"
	rm -f "holes_$strategy"
done

# The other strategies may fill the holes, but the content must match.
for strategy in whole buffered; do
	label="$strategy sparse source"
	run_fcopy -s "$strategy" sparse "filled_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_same "$label content" sparse "filled_$strategy"
	rm -f "filled_$strategy"
done

# A trailing hole has no data to write: the size must still be exact.
truncate -s 16M trailing
printf head | dd of=trailing conv=notrunc status=none
for strategy in stream auto; do
	label="$strategy trailing hole"
	run_fcopy -s "$strategy" trailing "trailing_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label size" $((16 * MIB)) "$(file_size "trailing_$strategy")"
	check_same "$label content" trailing "trailing_$strategy"
	check_le "$label blocks" "$HOLE_LIMIT" "$(file_blocks "trailing_$strategy")"
done

# Entirely a hole.
truncate -s 8M all_hole
run_fcopy -s stream all_hole all_hole_copy
check_eq "stream all hole exit status" 0 "$RC"
check_eq "stream all hole size" $((8 * MIB)) "$(file_size all_hole_copy)"
check_same "stream all hole content" all_hole all_hole_copy

# tmpfs supports SEEK_DATA too, and the copy crosses filesystems.
if make_shm_dir >/dev/null; then
	shm=$SHM_DIR
	cp --sparse=always sparse "$shm/sparse"
	run_fcopy -s stream "$shm/sparse" from_tmpfs
	check_eq "stream tmpfs to ext4 holes exit status" 0 "$RC"
	check_same "stream tmpfs to ext4 holes content" sparse from_tmpfs
	check_le "stream tmpfs to ext4 holes blocks" "$HOLE_LIMIT" "$(file_blocks from_tmpfs)"
	rm -f from_tmpfs
else
	skip "stream tmpfs to ext4 holes" "cannot make a directory in /dev/shm"
fi

# --sparse=always: zeros written out in full become holes, in every strategy.
{
	printf start
	head -c $((32 * MIB)) /dev/zero
	printf end
} >dense_zeros
for strategy in whole buffered stream auto; do
	label="$strategy --sparse=always"
	run_fcopy -s "$strategy" --sparse=always dense_zeros "always_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_same "$label content" dense_zeros "always_$strategy"
	check_le "$label blocks" "$HOLE_LIMIT" "$(file_blocks "always_$strategy")"
	rm -f "always_$strategy"
done

# --sparse=never: every byte is written, so the copy is fully allocated.
run_fcopy -s stream --sparse=never sparse never_copy
check_eq "stream --sparse=never exit status" 0 "$RC"
check_same "stream --sparse=never content" sparse never_copy
check_ge "stream --sparse=never blocks" $((64 * MIB / 512)) "$(file_blocks never_copy)"
rm -f never_copy

# Overwriting a dense DEST: where the source has holes, the old bytes must
# not show through, whether DEST is replaced or written in place.
make_random dense_old $((64 * MIB))
for mode in --atomic --in-place; do
	for strategy in stream auto buffered; do
		label="$strategy $mode sparse over dense"
		cp dense_old "over_${mode#--}_$strategy"
		options=(-s "$strategy" "$mode")
		if [ "$strategy" = buffered ]; then
			options+=(--sparse=always)
		fi
		run_fcopy "${options[@]}" sparse "over_${mode#--}_$strategy"
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label size" $((64 * MIB)) "$(file_size "over_${mode#--}_$strategy")"
		check_same "$label content" sparse "over_${mode#--}_$strategy"
		rm -f "over_${mode#--}_$strategy"
	done
done

# A shorter sparse source over a longer DEST in place: cut to the new size.
cp dense_old longer_dest
run_fcopy -s stream --in-place trailing longer_dest
check_eq "stream in place shorter sparse exit status" 0 "$RC"
check_eq "stream in place shorter sparse size" $((16 * MIB)) "$(file_size longer_dest)"
check_same "stream in place shorter sparse content" trailing longer_dest

finish
