# Replacement of the destination.  An existing single-link DEST is replaced
# through a temporary file and rename(2), and a new DEST appears under its
# name only when complete.  A DEST that must keep its inode (other hard
# links, an unwritable directory, an owner that cannot be kept, --in-place)
# is written in place.  After a failed copy (no space, file size limit,
# unreadable source) an existing DEST is byte-identical, a new DEST does not
# exist and no temporary file is left in the directory.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$E2E_DIR/fifo.sh"

STRATEGIES=(whole buffered stream auto)

# Seconds to wait for a background fcopy before killing it.
BACKGROUND_TIMEOUT=20

make_random src 3000000
make_random first 70000
make_random second 50000
cat first second >first_second
FIXTURES=(src first second first_second)

# ---------------------------------------------------- atomic replacement

# The old DEST is longer than the source, so a kept tail would show.
make_random old_long 3500000
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy replace"
	dest=dest_$strategy
	cp old_long "$dest"
	chmod 640 "$dest"
	if is_root; then
		chown "$NOBODY_UID:$NOBODY_GID" "$dest"
	fi
	inode_before=$(file_inode "$dest")
	owner_before=$(file_owner "$dest")

	run_fcopy -s "$strategy" src "$dest"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" src "$dest"
	check_ne "$label makes a new inode" "$inode_before" "$(file_inode "$dest")"
	check_eq "$label keeps mode" 640 "$(file_mode "$dest")"
	check_eq "$label keeps owner and group" "$owner_before" "$(file_owner "$dest")"
	check_eq "$label link count" 1 "$(stat -c %h -- "$dest")"
done
check_listing "replace leaves no temporary file" . "${FIXTURES[@]}" old_long \
	dest_whole dest_buffered dest_stream dest_auto
rm -f dest_* old_long

# ------------------------------------------- invisible until complete

# While fcopy has written only the first part of a FIFO's data, a new DEST
# has no name and an existing DEST still has its old inode and content.
for strategy in buffered stream auto; do
	label="$strategy new dest during copy"
	rm -f new_dest
	start_gated_writer first second
	"$FCOPY" -s "$strategy" "$FIFO" new_dest 2>"$ERR_FILE" &
	pid=$!
	keep_background "$pid"
	if wait_written "$pid" "$T" "$(file_size first)"; then
		pass "$label wrote first part"
	else
		fail "$label wrote first part" "expected fcopy to hold a file of $(file_size first) bytes in $T within 10 s"
	fi
	check_listing "$label has no name" . "${FIXTURES[@]}"
	release_writer
	wait_bounded "$pid"
	reap_writer
	check_eq "$label exit status" 0 "$STATUS"
	check_same "$label content" first_second new_dest

	label="$strategy existing dest during copy"
	printf 'old content\n' >old_dest
	inode_before=$(file_inode old_dest)
	start_gated_writer first second
	"$FCOPY" -s "$strategy" "$FIFO" old_dest 2>"$ERR_FILE" &
	pid=$!
	keep_background "$pid"
	if wait_written "$pid" "$T" "$(file_size first)"; then
		pass "$label wrote first part"
	else
		fail "$label wrote first part" "expected fcopy to hold a file of $(file_size first) bytes in $T within 10 s"
	fi
	check_eq "$label old content" "old content" "$(cat old_dest)"
	check_eq "$label old inode" "$inode_before" "$(file_inode old_dest)"
	check_listing "$label no temporary name" . "${FIXTURES[@]}" new_dest old_dest
	release_writer
	wait_bounded "$pid"
	reap_writer
	check_eq "$label exit status" 0 "$STATUS"
	check_same "$label content" first_second old_dest
	check_ne "$label new inode" "$inode_before" "$(file_inode old_dest)"
	rm -f new_dest old_dest
done

# -s whole reads the whole source before it writes, so only the name can
# be checked while the writer waits.
label="whole new dest during copy"
rm -f new_dest
start_gated_writer first second
"$FCOPY" -s whole "$FIFO" new_dest 2>"$ERR_FILE" &
pid=$!
keep_background "$pid"
sleep 0.5
check_listing "$label has no name" . "${FIXTURES[@]}"
release_writer
wait_bounded "$pid"
reap_writer
check_eq "$label exit status" 0 "$STATUS"
check_same "$label content" first_second new_dest
rm -f new_dest old_dest

# ------------------------------------------------------------- --atomic

printf 'old\n' >atomic_dest
inode_before=$(file_inode atomic_dest)
run_fcopy --atomic src atomic_dest
check_eq "--atomic exit status" 0 "$RC"
check_same "--atomic content" src atomic_dest
check_ne "--atomic new inode" "$inode_before" "$(file_inode atomic_dest)"
rm -f atomic_dest

run_fcopy --atomic src atomic_new
check_eq "--atomic new dest exit status" 0 "$RC"
check_same "--atomic new dest content" src atomic_new
rm -f atomic_new

printf 'old\n' >linked_a
ln linked_a linked_b
inode_before=$(file_inode linked_a)
run_fcopy --atomic src linked_a
check_eq "--atomic hard link exit status" 1 "$RC"
check_error_line "--atomic hard link message" "$ERR"
check_contains "--atomic hard link names dest" "linked_a" "$ERR"
check_contains "--atomic hard link reason" "hard link" "$ERR"
check_eq "--atomic hard link keeps content" old "$(cat linked_a)"
check_eq "--atomic hard link keeps other name" old "$(cat linked_b)"
check_eq "--atomic hard link keeps inode" "$inode_before" "$(file_inode linked_a)"
rm -f linked_a linked_b

# fcopy must reject the FIFO without opening it: an open for writing would
# block here, because no process reads the FIFO.
mkfifo atomic_fifo
RUN_TIMEOUT=10 run_fcopy --atomic src atomic_fifo
check_eq "--atomic fifo exit status" 1 "$RC"
check_error_line "--atomic fifo message" "$ERR"
check_contains "--atomic fifo names dest" "atomic_fifo" "$ERR"
check_eq "--atomic fifo stays a fifo" fifo "$(stat -c %F -- atomic_fifo)"
rm -f atomic_fifo

check_listing "--atomic leaves no temporary file" . "${FIXTURES[@]}"

# ------------------------------------------------------------- in place

for strategy in "${STRATEGIES[@]}"; do
	label="$strategy --in-place"
	make_random in_place_dest 3500000
	chmod 640 in_place_dest
	inode_before=$(file_inode in_place_dest)
	run_fcopy -s "$strategy" --in-place src in_place_dest
	check_eq "$label exit status" 0 "$RC"
	check_same "$label content" src in_place_dest
	check_eq "$label keeps inode" "$inode_before" "$(file_inode in_place_dest)"
	check_eq "$label keeps mode" 640 "$(file_mode in_place_dest)"
	rm -f in_place_dest

	label="$strategy --in-place new dest"
	run_fcopy -s "$strategy" --in-place src in_place_new
	check_eq "$label exit status" 0 "$RC"
	check_same "$label content" src in_place_new
	check_eq "$label mode" 644 "$(file_mode in_place_new)"
	rm -f in_place_new
done

# A DEST with a second hard link is written in place, so the other name
# reads the new content and no tail of the longer old content remains.
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy hard-linked dest"
	make_random linked_a 3500000
	ln linked_a linked_b
	inode_before=$(file_inode linked_a)
	run_fcopy -s "$strategy" src linked_a
	check_eq "$label exit status" 0 "$RC"
	check_same "$label content" src linked_a
	check_same "$label other name" src linked_b
	check_eq "$label keeps inode" "$inode_before" "$(file_inode linked_a)"
	check_eq "$label size" "$(file_size src)" "$(file_size linked_b)"
	check_eq "$label link count" 2 "$(stat -c %h -- linked_a)"
	rm -f linked_a linked_b
done
check_listing "in place leaves no temporary file" . "${FIXTURES[@]}"

# ---------------------------------------- in place for another user

if need_nobody "in place when the directory is not writable"; then
	# A directory uid 65534 cannot write, holding a file it may write.
	mkdir locked
	printf 'old content\n' >locked/dest
	chmod 666 locked/dest
	chmod 755 locked
	inode_before=$(file_inode locked/dest)
	make_random small_src 20000
	chmod 644 small_src

	run_fcopy_as_nobody --atomic small_src locked/dest
	check_eq "--atomic unwritable dir exit status" 1 "$RC"
	check_error_line "--atomic unwritable dir message" "$ERR"
	check_contains "--atomic unwritable dir names dest" "locked/dest" "$ERR"
	check_eq "--atomic unwritable dir keeps content" "old content" "$(cat locked/dest)"

	run_fcopy_as_nobody small_src locked/dest
	check_eq "unwritable dir exit status" 0 "$RC"
	check_eq "unwritable dir stderr" "" "$ERR"
	check_same "unwritable dir content" small_src locked/dest
	check_eq "unwritable dir keeps inode" "$inode_before" "$(file_inode locked/dest)"
	check_listing "unwritable dir no temporary file" locked dest

	# uid 65534 may rename in a world-writable directory, but the new file
	# would belong to it: the root-owned DEST is written in place instead.
	make_shared_dir shared
	printf 'old content\n' >shared/dest
	chmod 666 shared/dest
	inode_before=$(file_inode shared/dest)
	run_fcopy_as_nobody small_src shared/dest
	check_eq "other owner exit status" 0 "$RC"
	check_same "other owner content" small_src shared/dest
	check_eq "other owner keeps inode" "$inode_before" "$(file_inode shared/dest)"
	check_eq "other owner keeps owner" 0:0 "$(stat -c %u:%g -- shared/dest)"
	check_listing "other owner no temporary file" shared dest
	rm -rf locked shared small_src
fi

# -------------------------------------------------------- no space left

# The tmpfs is mounted outside $T, so listings of $T do not show it.
FULL=$WORK/full
if ! is_root; then
	skip "no space left" "mounting a tmpfs needs root (running as uid $(id -u))"
elif ! mount_tmpfs "$FULL" 1m 2>"$ERR_FILE"; then
	skip "no space left" "mount -t tmpfs -o size=1m failed: $(cat "$ERR_FILE")"
else
	make_random old_small 300000
	for strategy in whole buffered stream; do
		label="$strategy no space"
		cp old_small "$FULL/dest"
		inode_before=$(file_inode "$FULL/dest")
		run_fcopy -s "$strategy" src "$FULL/dest"
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label errno text" "No space left on device" "$ERR"
		check_contains "$label names dest" "$FULL/dest" "$ERR"
		check_same "$label keeps old dest" old_small "$FULL/dest"
		check_eq "$label keeps inode" "$inode_before" "$(file_inode "$FULL/dest")"
		check_listing "$label no temporary file" "$FULL" dest

		label="$strategy no space new dest"
		run_fcopy -s "$strategy" src "$FULL/new"
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label errno text" "No space left on device" "$ERR"
		check_absent "$label leaves no dest" "$FULL/new"
		check_listing "$label no temporary file" "$FULL" dest

		label="$strategy --in-place no space new dest"
		run_fcopy -s "$strategy" --in-place src "$FULL/new"
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label errno text" "No space left on device" "$ERR"
		check_absent "$label removes dest" "$FULL/new"
		check_listing "$label no temporary file" "$FULL" dest
	done

	# In place, the old content is gone, so fcopy reports DEST as incomplete.
	label="--in-place no space"
	cp old_small "$FULL/dest"
	run_fcopy --in-place src "$FULL/dest"
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label errno text" "No space left on device" "$ERR"
	check_contains "$label names dest" "$FULL/dest" "$ERR"
	check_contains "$label reports partial dest" "partially written" "$ERR"
	check_listing "$label no temporary file" "$FULL" dest
	rm -f old_small
fi

# /dev/full fails every write with ENOSPC.
if [ -c /dev/full ]; then
	for strategy in "${STRATEGIES[@]}"; do
		run_fcopy -s "$strategy" src /dev/full
		check_eq "$strategy /dev/full exit status" 1 "$RC"
		check_contains "$strategy /dev/full errno text" "No space left on device" "$ERR"
	done
else
	skip "/dev/full" "this system has no /dev/full"
fi

# ---------------------------------------------------- file size limit

# ulimit -f counts 1024-byte blocks.  With SIGXFSZ ignored, a write past
# the limit fails with EFBIG instead of killing fcopy.
run_limited() {
	run bash -c 'ulimit -f 1000 && trap "" XFSZ && exec "$@"' limited "$FCOPY" "$@"
}

printf 'old content\n' >limit_dest
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy file size limit"
	inode_before=$(file_inode limit_dest)
	run_limited -s "$strategy" src limit_dest
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label errno text" "File too large" "$ERR"
	check_contains "$label names dest" "limit_dest" "$ERR"
	check_eq "$label keeps old dest" "old content" "$(cat limit_dest)"
	check_eq "$label keeps inode" "$inode_before" "$(file_inode limit_dest)"

	run_limited -s "$strategy" src limit_new
	check_eq "$label new dest exit status" 1 "$RC"
	check_contains "$label new dest errno text" "File too large" "$ERR"
	check_absent "$label new dest leaves no dest" limit_new
done
check_listing "file size limit no temporary file" . "${FIXTURES[@]}" limit_dest
rm -f limit_dest

# ---------------------------------------------------- unreadable source

if need_nobody "unreadable source"; then
	make_shared_dir readers
	printf 'secret\n' >readers/locked_src
	chmod 000 readers/locked_src
	printf 'old content\n' >readers/dest
	chown "$NOBODY_UID:$NOBODY_GID" readers/dest
	inode_before=$(file_inode readers/dest)
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy unreadable source"
		run_fcopy_as_nobody -s "$strategy" readers/locked_src readers/dest
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label errno text" "Permission denied" "$ERR"
		check_contains "$label names source" "locked_src" "$ERR"
		check_error_line "$label message" "$ERR"
		check_eq "$label keeps dest" "old content" "$(cat readers/dest)"
		check_eq "$label keeps inode" "$inode_before" "$(file_inode readers/dest)"

		run_fcopy_as_nobody -s "$strategy" readers/locked_src readers/new
		check_eq "$label new dest exit status" 1 "$RC"
		check_absent "$label creates no dest" readers/new
	done
	check_listing "unreadable source no temporary file" readers dest locked_src
	rm -rf readers
fi

finish
