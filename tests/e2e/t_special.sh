# Sources and destinations that are not plain files of the size stat
# reports: procfs and sysfs files, FIFOs, pipes, character devices,
# standard input and output, and an O_APPEND standard output.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STRATEGIES=(whole buffered stream auto)

printf 'NEW\n' >newdata
make_random data 300000

# procfs reports st_size 0 for files that have content, so the copy must
# read to end of file instead of trusting the size.
for file in /proc/version /proc/filesystems /proc/sys/kernel/ostype; do
	name=$(basename "$file")
	if [ ! -r "$file" ]; then
		skip "procfs $name" "$file is not readable here"
		continue
	fi
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy procfs $name"
		copy="proc_${name}_$strategy"
		RUN_TIMEOUT=30 run_fcopy -s "$strategy" "$file" "$copy"
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label stderr" "" "$ERR"
		check_same "$label content" "$file" "$copy"
		check_ge "$label not empty" 1 "$(file_size "$copy")"
	done
done

# sysfs reports st_size 4096 for attributes of a few bytes: the copy ends
# at the end of file that read() reports, with neither padding nor a wait.
for file in /sys/kernel/mm/transparent_hugepage/enabled /sys/devices/system/cpu/online; do
	name=$(basename "$file")
	if [ ! -r "$file" ]; then
		skip "sysfs $name" "$file is not readable here"
		continue
	fi
	real_size=$(wc -c <"$file")
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy sysfs $name"
		copy="sys_${name}_$strategy"
		RUN_TIMEOUT=30 run_fcopy -s "$strategy" "$file" "$copy"
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label stderr" "" "$ERR"
		check_eq "$label size" "$real_size" "$(file_size "$copy")"
		check_same "$label content" "$file" "$copy"
	done
done

# A FIFO source whose writer pauses: the first read returns only part of
# the data, and only end of file ends the copy.
mkfifo fifo
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy fifo source"
	{ printf a; sleep 0.5; printf b; } >fifo &
	writer=$!
	keep_background "$writer"
	run_fcopy -s "$strategy" fifo "fifo_$strategy"
	wait_or_kill "$writer" 2
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_eq "$label content" ab "$(cat "fifo_$strategy" 2>&1)"
done

# A character device source is streamed to its end of file.
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy /dev/null source"
	run_fcopy -s "$strategy" /dev/null "null_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label size" 0 "$(file_size "null_$strategy")"
done

# Standard input and output as operands, with regular files behind them.
for strategy in "${STRATEGIES[@]}"; do
	run_fcopy -s "$strategy" - "stdin_file_$strategy" <data
	check_eq "$strategy stdin file exit status" 0 "$RC"
	check_same "$strategy stdin file content" data "stdin_file_$strategy"

	run_fcopy -s "$strategy" /dev/stdin "dev_stdin_$strategy" <data
	check_eq "$strategy /dev/stdin file exit status" 0 "$RC"
	check_same "$strategy /dev/stdin file content" data "dev_stdin_$strategy"

	run_fcopy -s "$strategy" data -
	check_eq "$strategy stdout file exit status" 0 "$RC"
	check_eq "$strategy stdout file stderr" "" "$ERR"
	check_same "$strategy stdout file content" data "$OUT_FILE"
	check_absent "$strategy stdout makes no file named -" ./-
done

# A pipe on both ends: "-" to "-".
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy pipe to pipe"
	cat data |
		timeout 30 "$FCOPY" -s "$strategy" - - 2>"err_pipe_$strategy" |
		cat >"pipe_$strategy"
	status=${PIPESTATUS[1]}
	check_eq "$label exit status" 0 "$status"
	check_eq "$label stderr" "" "$(cat "err_pipe_$strategy")"
	check_same "$label content" data "pipe_$strategy"
done

# An O_APPEND standard output (the shell's >>) rejects copy_file_range and
# sendfile, so the copy falls back to write() and leaves the flags alone.
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy append stdout"
	printf 'OLD\n' >"append_$strategy"
	{
		timeout 30 "$FCOPY" -s "$strategy" newdata - 2>"err_append_$strategy"
		echo "$?" >"status_append_$strategy"
		awk '/^flags/ { print $2 }' "/proc/$BASHPID/fdinfo/1" >"flags_append_$strategy"
	} >>"append_$strategy"
	flags=$(cat "flags_append_$strategy")
	check_eq "$label exit status" 0 "$(cat "status_append_$strategy")"
	check_eq "$label stderr" "" "$(cat "err_append_$strategy")"
	check_eq "$label content" $'OLD\nNEW' "$(cat "append_$strategy")"
	check_ne "$label keeps O_APPEND" 0 "$((8#${flags:-0} & 8#2000))"
	check_absent "$label makes no file named -" ./-
done

# /dev/stdout as DEST.  Writing through the inherited descriptor appends;
# reopening the path truncates, as GNU cp 9.1 does.  Either is correct.
# Run as uid 65534 when root, so that a wrong rename cannot reach /dev.
make_shared_dir world_writable
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy /dev/stdout dest"
	log=world_writable/dev_stdout_$strategy
	printf 'OLD\n' >"$log"
	if is_root; then
		chown "$NOBODY_UID:$NOBODY_GID" "$log"
		timeout 30 "${AS_NOBODY[@]}" "$FCOPY" -s "$strategy" newdata /dev/stdout >>"$log" 2>"err_dev_stdout_$strategy"
	else
		timeout 30 "$FCOPY" -s "$strategy" newdata /dev/stdout >>"$log" 2>"err_dev_stdout_$strategy"
	fi
	status=$?
	check_eq "$label exit status" 0 "$status"
	check_eq "$label stderr" "" "$(cat "err_dev_stdout_$strategy")"
	check_one_of "$label content" "$(cat "$log")" $'OLD\nNEW' NEW
done

# Special destinations are written through, never replaced by a file.
mkfifo dest_fifo
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy fifo dest"
	cat dest_fifo >"from_fifo_$strategy" &
	reader=$!
	keep_background "$reader"
	run_fcopy -s "$strategy" data dest_fifo
	wait_or_kill "$reader" 2
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" data "from_fifo_$strategy"
	check "$label is still a fifo" test -p dest_fifo
done

if need_root "character device dest"; then
	# Our own node for /dev/null, so that a wrong replacement stays in $T.
	mknod null_device c 1 3
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy character device dest"
		run_fcopy -s "$strategy" data null_device
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label stderr" "" "$ERR"
		check "$label is still a character device" test -c null_device
	done
fi

finish
