# Signals in the middle of a copy.  SIGINT, SIGTERM and SIGHUP end fcopy
# with status 128 + the signal number, leave an existing DEST as it was
# (or, in place, remove a DEST that this run created) and leave no
# temporary file.  A signal that fcopy inherited as ignored stays ignored,
# as nohup(1) expects.  A reader that closes a pipe early ends fcopy by
# SIGPIPE, or with exit status 1 and a "Broken pipe" message.
#
# The source is a FIFO whose writer sends a first part, then waits for a
# gate file before it sends the rest, so the signal arrives after fcopy
# has written part of the data.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$E2E_DIR/fifo.sh"

STRATEGIES=(whole buffered stream auto)

# Seconds to wait for a background fcopy before killing it.
BACKGROUND_TIMEOUT=20

# --------------------------------------------------------------- helpers

# wait_open PID PATH: wait until process PID has PATH open.  Returns 1
# after 10 seconds.
wait_open() {
	local pid=$1 path=$2 fd i

	for ((i = 0; i < 200; i++)); do
		for fd in /proc/"$pid"/fd/*; do
			if [ "$(readlink -- "$fd" 2>/dev/null)" = "$path" ]; then
				return 0
			fi
		done
		sleep 0.05
	done
	return 1
}

# signal_number NAME: the number of signal NAME (INT -> 2).
signal_number() {
	kill -l "$1"
}

# is_ignored PID SIGNAL: process PID ignores SIGNAL, by its SigIgn mask.
is_ignored() {
	local mask

	mask=$(awk '/^SigIgn:/ { print $2 }' /proc/"$1"/status 2>/dev/null)
	[ -n "$mask" ] && (((0x$mask >> ($(signal_number "$2") - 1)) & 1))
}

make_random first 70000
make_random second 50000
cat first second >first_second
FIXTURES=(first first_second second)

# interrupt LABEL SIGNAL STRATEGY DEST ARG...: copy the FIFO to DEST with
# -s STRATEGY and ARGs, send SIGNAL once fcopy has written the first part,
# and set STATUS.  fcopy starts with default dispositions because a background
# job of a non-interactive shell inherits SIGINT as ignored.
interrupt() {
	local label=$1 signal=$2 strategy=$3 dest=$4 pid
	shift 4

	start_gated_writer first second
	env --default-signal=INT,TERM,HUP "$FCOPY" -s "$strategy" "$@" "$FIFO" "$dest" 2>"$ERR_FILE" &
	pid=$!
	keep_background "$pid"

	# -s whole writes nothing before end of file, so only the open FIFO
	# shows that it started.
	if [ "$strategy" = whole ]; then
		wait_open "$pid" "$FIFO" && sleep 0.2
	else
		wait_written "$pid" "$T" "$(file_size first)"
	fi
	if [ "$?" -eq 0 ]; then
		pass "$label copy started"
	else
		fail "$label copy started" "expected fcopy to write the first $(file_size first) bytes within 10 s"
	fi

	kill -"$signal" "$pid"
	wait_bounded "$pid"
	release_writer
	reap_writer
}

# ------------------------------------------ INT, TERM and HUP mid-copy

for signal in INT TERM HUP; do
	expected=$((128 + $(signal_number "$signal")))
	for strategy in "${STRATEGIES[@]}"; do
		label="SIG$signal $strategy"

		printf 'old content\n' >dest
		inode_before=$(file_inode dest)
		interrupt "$label existing dest" "$signal" "$strategy" dest
		check_eq "$label existing dest exit status" "$expected" "$STATUS"
		check_eq "$label existing dest content" "old content" "$(cat dest)"
		check_eq "$label existing dest inode" "$inode_before" "$(file_inode dest)"
		check_listing "$label existing dest no temporary file" . "${FIXTURES[@]}" dest
		rm -f dest

		interrupt "$label new dest" "$signal" "$strategy" new_dest
		check_eq "$label new dest exit status" "$expected" "$STATUS"
		check_absent "$label new dest absent" new_dest
		check_listing "$label new dest no temporary file" . "${FIXTURES[@]}"
		rm -f new_dest

		interrupt "$label --in-place new dest" "$signal" "$strategy" new_dest --in-place
		check_eq "$label --in-place new dest exit status" "$expected" "$STATUS"
		check_absent "$label --in-place new dest removed" new_dest
		check_listing "$label --in-place new dest no temporary file" . "${FIXTURES[@]}"
		rm -f new_dest

		# In place, the old content is already gone: only the status, the
		# kept name and the absence of other files can be checked.
		printf 'old content\n' >dest
		inode_before=$(file_inode dest)
		interrupt "$label --in-place existing dest" "$signal" "$strategy" dest --in-place
		check_eq "$label --in-place existing dest exit status" "$expected" "$STATUS"
		check_eq "$label --in-place existing dest inode" "$inode_before" "$(file_inode dest)"
		check_listing "$label --in-place existing dest no other file" . "${FIXTURES[@]}" dest
		rm -f dest
	done
done

# ------------------------------------------------- inherited ignore

# copy_with_ignored LABEL SIGNAL COMMAND...: start COMMAND (which runs
# fcopy with SIGNAL ignored) on the FIFO, send SIGNAL mid-copy, then let the
# copy finish.
copy_with_ignored() {
	local label=$1 signal=$2 pid
	shift 2

	rm -f ignored_dest
	start_gated_writer first second
	"$@" "$FIFO" ignored_dest 2>"$ERR_FILE" &
	pid=$!
	keep_background "$pid"
	if ! wait_written "$pid" "$T" "$(file_size first)"; then
		fail "$label copy started" "expected fcopy to hold the first $(file_size first) bytes within 10 s"
	fi
	if ! is_ignored "$pid" "$signal"; then
		skip "$label" "the shell did not start fcopy with SIG$signal ignored"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		release_writer
		reap_writer
		rm -f ignored_dest
		return
	fi

	kill -"$signal" "$pid"
	sleep 0.2
	release_writer
	wait_bounded "$pid"
	reap_writer
	check_eq "$label exit status" 0 "$STATUS"
	check_eq "$label stderr" "" "$(cat "$ERR_FILE")"
	check_same "$label content" first_second ignored_dest
	check_listing "$label no temporary file" . "${FIXTURES[@]}" ignored_dest
	rm -f ignored_dest
}

# A background command of a non-interactive bash has SIGINT ignored.
copy_with_ignored "ignored SIGINT" INT "$FCOPY"
copy_with_ignored "ignored SIGHUP" HUP bash -c 'trap "" HUP && exec "$@"' ignore_hup "$FCOPY"
copy_with_ignored "ignored SIGTERM" TERM bash -c 'trap "" TERM && exec "$@"' ignore_term "$FCOPY"

# ------------------------------------------------------------- SIGPIPE

# The source is larger than a pipe buffer, so fcopy writes after head(1)
# has exited.
make_random big 8000000

# check_broken_pipe LABEL STATUS: fcopy died of SIGPIPE, or exited with
# status 1 and an error message.
check_broken_pipe() {
	local label=$1 status=$2 message

	message=$(cat "$ERR_FILE")
	if [ "$status" -eq 141 ]; then
		pass "$label exit status"
		check_eq "$label stderr" "" "$message"
	else
		check_eq "$label exit status" 1 "$status"
		check_contains "$label message" "Broken pipe" "$message"
		check_error_line "$label message" "$message"
	fi
}

for strategy in "${STRATEGIES[@]}"; do
	label="SIGPIPE $strategy"
	timeout 30 "$FCOPY" -s "$strategy" big - 2>"$ERR_FILE" | head -c 10 >"$OUT_FILE"
	status=${PIPESTATUS[0]}
	check_eq "$label head got 10 bytes" 10 "$(file_size "$OUT_FILE")"
	check_broken_pipe "$label" "$status"
	check_listing "$label no temporary file" . "${FIXTURES[@]}" big

	# With SIGPIPE ignored, the write fails with EPIPE instead.
	label="ignored SIGPIPE $strategy"
	timeout 30 bash -c 'trap "" PIPE && exec "$@"' ignore_pipe "$FCOPY" -s "$strategy" big - 2>"$ERR_FILE" | head -c 10 >/dev/null
	status=${PIPESTATUS[0]}
	check_eq "$label exit status" 1 "$status"
	check_contains "$label message" "Broken pipe" "$(cat "$ERR_FILE")"

	# A FIFO DEST whose reader leaves early.
	label="SIGPIPE $strategy fifo dest"
	mkfifo out_fifo
	head -c 10 out_fifo >/dev/null &
	reader=$!
	keep_background "$reader"
	timeout 30 "$FCOPY" -s "$strategy" big out_fifo 2>"$ERR_FILE"
	status=$?
	wait "$reader"
	check_broken_pipe "$label" "$status"
	check_eq "$label stays a fifo" fifo "$(stat -c %F -- out_fifo)"
	check_listing "$label no temporary file" . "${FIXTURES[@]}" big out_fifo
	rm -f out_fifo
done

finish
