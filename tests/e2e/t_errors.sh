# Failures: invalid command lines (exit 2) and files that cannot be copied
# (exit 1).  Each error is one line that starts with "fcopy: ", names the
# file and gives the errno text.  A failed copy creates no DEST, leaves an
# existing DEST as it was, and leaves no temporary file behind.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STRATEGIES=(whole buffered stream auto)

make_random src 3000000
printf 'hello\n' >small_src

# ------------------------------------------------------------ usage errors

# check_usage_error LABEL ARG...: fcopy rejects the command line before
# touching any file.
check_usage_error() {
	local label=$1
	shift

	rm -f usage_out
	run_fcopy "$@"
	check_eq "$label exit status" 2 "$RC"
	check_eq "$label stdout" "" "$OUT"
	check_error_line "$label message" "$ERR"
	check_absent "$label creates nothing" usage_out
}

check_usage_error "-b 0" -b 0 small_src usage_out
check_usage_error "-b -1" -b -1 small_src usage_out
check_usage_error "-b 4x" -b 4x small_src usage_out
check_usage_error "-b with a space" -b '4 K' small_src usage_out
check_usage_error "-b empty" -b '' small_src usage_out
check_usage_error "-b 2G over 1 GiB" -b 2G small_src usage_out
check_usage_error "-b 1 GiB + 1" -b 1073741825 small_src usage_out
check_usage_error "-b 2^64 overflow" -b 17179869184G small_src usage_out
check_usage_error "-b huge number" -b 99999999999999999999999 small_src usage_out
check_usage_error "-s whole with -b" -s whole -b 4096 small_src usage_out
check_usage_error "-s unknown strategy" -s fastest small_src usage_out
check_usage_error "--sparse unknown value" --sparse=sometimes small_src usage_out
check_usage_error "--reflink unknown value" --reflink=maybe small_src usage_out
check_usage_error "--stats unknown format" --stats=xml small_src usage_out
check_usage_error "unknown option" --no-such-option small_src usage_out
check_usage_error "no operands"
check_usage_error "one operand" small_src

# The bounds of -b are 1 byte and 1 GiB, both included.
for buffer in 1 1G 1GiB 1073741824 1GB; do
	rm -f bounds_out
	run_fcopy -b "$buffer" small_src bounds_out
	check_eq "-b $buffer exit status" 0 "$RC"
	check_same "-b $buffer content" small_src bounds_out
done

# ------------------------------------------------------------- the source

run_fcopy missing out_missing
check_eq "missing source exit status" 1 "$RC"
check_contains "missing source errno text" "No such file or directory" "$ERR"
check_contains "missing source names it" "'missing'" "$ERR"
check_error_line "missing source message" "$ERR"
check_absent "missing source creates no dest" out_missing

# Control characters in a name are escaped so that the error stays one line.
run_fcopy $'bad\nname' out_bad_name
check_eq "name with newline exit status" 1 "$RC"
check_contains "name with newline errno text" "No such file or directory" "$ERR"
check_error_line "name with newline message" "$ERR"

# A directory source is rejected before DEST is created or truncated.
mkdir emptydir fulldir
touch fulldir/x
printf 'keep\n' >keep
keep_before=$(stat -c '%i %s %.9Y' keep)
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy directory source onto file"
	run_fcopy -s "$strategy" emptydir keep
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label message" "directory" "$ERR"
	check_contains "$label names it" "emptydir" "$ERR"
	check_error_line "$label message" "$ERR"

	label="$strategy directory source to new name"
	run_fcopy -s "$strategy" fulldir "new_$strategy"
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label message" "directory" "$ERR"
	check_absent "$label creates nothing" "new_$strategy"
done
check_eq "directory source leaves dest content" keep "$(cat keep)"
check_eq "directory source leaves dest inode, size and mtime" "$keep_before" "$(stat -c '%i %s %.9Y' keep)"

# ------------------------------------------------------------- same file

# Every spelling of the source as DEST is rejected before DEST is opened
# for writing, so the file keeps its content, inode and mtime.
printf 'hello\n' >f
ln f f_hard_link
ln -s f f_symlink
ln -s "$T/f" f_absolute_symlink
mkdir same_dir
f_before=$(stat -c '%i %s %.9Y' f)
for strategy in "${STRATEGIES[@]}"; do
	for dest in f ./f "$T/f" f_hard_link f_symlink f_absolute_symlink . "$T/same_dir/../f"; do
		label="$strategy same file as $dest"
		RUN_TIMEOUT=10 run_fcopy -s "$strategy" f "$dest"
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label message" "are the same file" "$ERR"
		check_error_line "$label message" "$ERR"
	done
	label="$strategy same file through a symlink source"
	RUN_TIMEOUT=10 run_fcopy -s "$strategy" f_symlink f
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label message" "are the same file" "$ERR"
done
check_eq "same file keeps content" hello "$(cat f)"
check_eq "same file keeps inode, size and mtime" "$f_before" "$(stat -c '%i %s %.9Y' f)"

if need_root "same file through a bind mount"; then
	mkdir bind_source
	printf 'hello\n' >bind_source/g
	g_before=$(stat -c '%i %s %.9Y' bind_source/g)
	if mount_bind "$T/bind_source" "$T/bind_view"; then
		for strategy in "${STRATEGIES[@]}"; do
			label="$strategy same file through a bind mount"
			RUN_TIMEOUT=10 run_fcopy -s "$strategy" bind_source/g bind_view/g
			check_eq "$label exit status" 1 "$RC"
			check_contains "$label message" "are the same file" "$ERR"
		done
		check_eq "bind mount same file keeps content" hello "$(cat bind_source/g)"
		check_eq "bind mount same file keeps inode, size and mtime" "$g_before" \
			"$(stat -c '%i %s %.9Y' bind_source/g)"
	else
		fail "same file through a bind mount" "mount --bind failed"
	fi
fi

# ------------------------------------------------------------ permissions

if need_nobody "permission errors"; then
	make_shared_dir world_writable
	printf 'secret\n' >secret
	chmod 600 secret
	run_fcopy_as_nobody secret world_writable/secret_copy
	check_eq "unreadable source exit status" 1 "$RC"
	check_contains "unreadable source errno text" "Permission denied" "$ERR"
	check_contains "unreadable source names it" "secret" "$ERR"
	check_error_line "unreadable source message" "$ERR"
	check_absent "unreadable source creates no dest" world_writable/secret_copy

	mkdir closed_dir
	run_fcopy_as_nobody small_src closed_dir/out
	check_eq "unwritable dest directory exit status" 1 "$RC"
	check_contains "unwritable dest directory errno text" "Permission denied" "$ERR"
	check_contains "unwritable dest directory names dest" "closed_dir/out" "$ERR"
	check_error_line "unwritable dest directory message" "$ERR"
	check_listing "unwritable dest directory stays empty" closed_dir
fi

# -------------------------------------------------------- write failures

if need_root "full filesystem"; then
	if mount_tmpfs "$T/full_fs" 1m; then
		make_random full_fs/old 200000
		cp full_fs/old old_saved
		for strategy in "${STRATEGIES[@]}"; do
			# tmpfs takes the first 1 MiB and fails the next write, so the
			# whole strategy meets a short write followed by an error.
			label="$strategy full filesystem new dest"
			run_fcopy -s "$strategy" src "full_fs/new_$strategy"
			check_eq "$label exit status" 1 "$RC"
			check_contains "$label errno text" "No space left on device" "$ERR"
			check_contains "$label names dest" "new_$strategy" "$ERR"
			check_error_line "$label message" "$ERR"
			check_eq "$label stdout" "" "$OUT"
			check_listing "$label leaves only the old file" full_fs old

			label="$strategy full filesystem existing dest"
			run_fcopy -s "$strategy" src full_fs/old
			check_eq "$label exit status" 1 "$RC"
			check_contains "$label errno text" "No space left on device" "$ERR"
			check_error_line "$label message" "$ERR"
			check_same "$label keeps the old content" old_saved full_fs/old
			check_listing "$label leaves no temporary file" full_fs old
		done
	else
		fail "full filesystem" "mount -t tmpfs -o size=1m failed"
	fi
fi

# /dev/full fails every write with ENOSPC.  As root the test uses its own
# node, so that a wrong replacement cannot touch /dev.
full_device=/dev/full
if is_root; then
	mknod full_device c 1 7
	full_device=$T/full_device
fi
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy /dev/full"
	run_fcopy -s "$strategy" src "$full_device"
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label errno text" "No space left on device" "$ERR"
	check_error_line "$label message" "$ERR"
	check "$label is still a character device" test -c "$full_device"
done

# ulimit -f 1000 allows 1024000 bytes.  With SIGXFSZ ignored, the write
# past the limit fails with EFBIG.
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy file size limit"
	run bash -c 'ulimit -f 1000; trap "" XFSZ; exec "$@"' limit \
		"$FCOPY" -s "$strategy" src "too_big_$strategy"
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label errno text" "File too large" "$ERR"
	check_error_line "$label message" "$ERR"
	check_absent "$label leaves no dest" "too_big_$strategy"
done

# A read error after data has moved fails the copy and keeps the old DEST.
if command -v strace >/dev/null 2>&1; then
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy read EIO"
		make_random "eio_old_$strategy" 1000
		cp "eio_old_$strategy" "eio_saved_$strategy"
		# Small kernel calls, so that the second one comes after data moved.
		options=(-s "$strategy")
		if [ "$strategy" = buffered ] || [ "$strategy" = stream ]; then
			options+=(-b 64K)
		fi
		run strace -f -o /dev/null -P "$T/src" \
			-e trace=read,pread64,copy_file_range,sendfile,splice \
			-e inject=read,pread64,copy_file_range,sendfile,splice:error=EIO:when=2+ \
			"$FCOPY" "${options[@]}" src "eio_old_$strategy"
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label errno text" "Input/output error" "$ERR"
		check_match "$label names a file" "src|eio_old_$strategy" "$ERR"
		check_error_line "$label message" "$ERR"
		check_same "$label keeps the old dest" "eio_saved_$strategy" "eio_old_$strategy"
	done
else
	skip "read EIO" "needs strace, which is not installed"
fi

# --------------------------------------------------------- memory limit

# The whole strategy rejects a source over --max-memory, and its message
# names the strategy to use instead, for regular files and pipes alike.
run_fcopy -s whole --max-memory=1M src over_limit
check_eq "whole over memory limit exit status" 1 "$RC"
check_match "whole over memory limit suggests a strategy" 'buffered|stream' "$ERR"
check_error_line "whole over memory limit message" "$ERR"
check_absent "whole over memory limit creates no dest" over_limit

run_fcopy -s whole --max-memory=1M /dev/stdin pipe_over_limit < <(cat src)
check_eq "whole pipe over memory limit exit status" 1 "$RC"
check_error_line "whole pipe over memory limit message" "$ERR"
check_absent "whole pipe over memory limit creates no dest" pipe_over_limit

finish
