# EINTR from any copy call means "call again with the same arguments": not
# an error, not end of file, and no reason to change mechanism.  strace
# makes the first three calls on each side fail with EINTR.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v strace >/dev/null 2>&1; then
	skip_all "needs strace for fault injection, which is not installed"
fi

READ_CALLS=read,pread64,readv,preadv,copy_file_range,sendfile,splice
WRITE_CALLS=write,pwrite64,writev,pwritev,copy_file_range,sendfile,splice

make_random src 3000000

# check_interrupted_copy LABEL LOG COPY
check_interrupted_copy() {
	local label=$1 log=$2 copy=$3

	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" src "$copy"
	check_ge "$label injected" 1 "$(count_injected "$log")"
}

for strategy in whole buffered stream auto; do
	# -P selects the calls on the source, which has a known path.
	run strace -f -o "read_$strategy.log" -P "$T/src" -e trace="$READ_CALLS" \
		-e inject="$READ_CALLS":error=EINTR:when=1..3 \
		"$FCOPY" -s "$strategy" src "read_side_$strategy"
	check_interrupted_copy "$strategy read EINTR" "read_$strategy.log" "read_side_$strategy"

	# A new DEST is written through a temporary file whose name is not
	# known in advance, so the faults go to every write-side call.  fcopy
	# writes nothing else while a copy succeeds.
	run strace -f -o "write_$strategy.log" -e trace="$WRITE_CALLS" \
		-e inject="$WRITE_CALLS":error=EINTR:when=1..3 \
		"$FCOPY" -s "$strategy" src "write_side_$strategy"
	check_interrupted_copy "$strategy write EINTR" "write_$strategy.log" "write_side_$strategy"

	# In place the DEST path itself is written, so -P can select it.
	run strace -f -o "in_place_$strategy.log" -P "$T/in_place_$strategy" \
		-e trace="$WRITE_CALLS" -e inject="$WRITE_CALLS":error=EINTR:when=1..3 \
		"$FCOPY" -s "$strategy" --in-place src "in_place_$strategy"
	check_interrupted_copy "$strategy in-place write EINTR" "in_place_$strategy.log" "in_place_$strategy"
done

# A FIFO source: EINTR on reads from a pipe.
mkfifo fifo
for strategy in whole buffered stream; do
	cat src >fifo &
	writer=$!
	keep_background "$writer"
	run strace -f -o "fifo_$strategy.log" -P "$T/fifo" -e trace="$READ_CALLS" \
		-e inject="$READ_CALLS":error=EINTR:when=1..3 \
		"$FCOPY" -s "$strategy" fifo "fifo_$strategy"
	wait_or_kill "$writer" 2
	check_interrupted_copy "$strategy fifo read EINTR" "fifo_$strategy.log" "fifo_$strategy"
done

finish
