# Helpers for tests that feed fcopy from a FIFO in two parts, so that a
# copy can be inspected or interrupted half way.  Sourced after lib.sh.
# BACKGROUND_TIMEOUT (seconds) bounds every wait; the caller may set it
# before sourcing.

BACKGROUND_TIMEOUT=${BACKGROUND_TIMEOUT:-20}
WRITER_COUNT=0
mkdir -p "$WORK/fifos"

# start_gated_writer FIRST SECOND: make a new FIFO, then in the background
# write the file FIRST into it, wait until the gate file exists and write
# the file SECOND.  Sets FIFO, GATE and WRITER_PID.  Each copy gets its own
# FIFO, outside $T, so that a writer left from an earlier case (or a child
# of it) can never feed a later one.
start_gated_writer() {
	local first=$1 second=$2

	WRITER_COUNT=$((WRITER_COUNT + 1))
	FIFO=$WORK/fifos/fifo$WRITER_COUNT
	GATE=$WORK/fifos/gate$WRITER_COUNT
	mkfifo -- "$FIFO"
	{
		cat -- "$first"
		for ((i = 0; i < 600; i++)); do
			[ -e "$GATE" ] && break
			sleep 0.05
		done
		cat -- "$second"
	} >"$FIFO" 2>/dev/null &
	WRITER_PID=$!
	keep_background "$WRITER_PID"
}

# release_writer: let the writer send its second part.
release_writer() {
	touch -- "$GATE"
}

# reap_writer: stop and reap the writer once its reader has ended.  A
# writer still blocked in open(2) of the FIFO (its reader never came) is
# killed.
reap_writer() {
	kill "$WRITER_PID" 2>/dev/null
	wait "$WRITER_PID" 2>/dev/null
}

# wait_written PID DIR BYTES: wait until process PID has a regular file in
# DIR (named or unnamed) of at least BYTES bytes open.  Returns 1 after
# 10 seconds without one.
wait_written() {
	local pid=$1 dir=$2 bytes=$3 fd target i

	for ((i = 0; i < 200; i++)); do
		for fd in /proc/"$pid"/fd/*; do
			target=$(readlink -- "$fd" 2>/dev/null) || continue
			[[ $target == "$dir"/* ]] || continue
			[ -f "$fd" ] || continue
			if [ "$(stat -L -c %s -- "$fd" 2>/dev/null || echo 0)" -ge "$bytes" ]; then
				return 0
			fi
		done
		sleep 0.05
	done
	return 1
}

# wait_bounded PID: wait for background PID and set STATUS to its exit
# status, killing it after BACKGROUND_TIMEOUT seconds (STATUS is then
# "timed out").
wait_bounded() {
	local pid=$1 i

	for ((i = 0; i < BACKGROUND_TIMEOUT * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		STATUS="timed out"
		return
	fi
	wait "$pid"
	STATUS=$?
}
