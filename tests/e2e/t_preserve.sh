# -p and --preserve: atime and mtime to the nanosecond, taken from the
# stat before the first read (reading moves atime under relatime) and set
# after the last write, and the mode.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

make_random src 3000000

# 2019-05-06 07:08:09.987654321 UTC and 2020-01-02 03:04:05.123456789 UTC.
ATIME=1557126489.987654321
MTIME=1577934245.123456789

# set_source_times: reset before each copy, because reading the source
# moves its atime (relatime updates an atime older than the mtime).
set_source_times() {
	touch -m -d "@$MTIME" src
	touch -a -d "@$ATIME" src
}

set_source_times
if [ "$(stat -c '%.9X %.9Y' src)" != "$ATIME $MTIME" ]; then
	skip_all "this filesystem does not store nanosecond timestamps"
fi

for strategy in whole buffered stream auto; do
	label="$strategy -p"
	set_source_times
	run_fcopy -p -s "$strategy" src "p_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	# Before cmp, whose read would move the copy's atime too.
	check_eq "$label atime" "$ATIME" "$(file_atime "p_$strategy")"
	check_eq "$label mtime" "$MTIME" "$(file_mtime "p_$strategy")"
	check_same "$label content" src "p_$strategy"
done

# An existing DEST gets the times too, replaced or written in place.
for mode in --atomic --in-place; do
	label="-p existing dest $mode"
	printf 'old content\n' >"existing_${mode#--}"
	set_source_times
	run_fcopy -p "$mode" src "existing_${mode#--}"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label atime" "$ATIME" "$(file_atime "existing_${mode#--}")"
	check_eq "$label mtime" "$MTIME" "$(file_mtime "existing_${mode#--}")"
done

set_source_times
run_fcopy --preserve=timestamps src only_times
check_eq "--preserve=timestamps exit status" 0 "$RC"
check_eq "--preserve=timestamps mtime" "$MTIME" "$(file_mtime only_times)"

chmod 640 src
set_source_times
(
	umask 077
	run_fcopy --preserve=mode src only_mode
	exit "$RC"
)
check_eq "--preserve=mode exit status" 0 "$?"
check_eq "--preserve=mode mode" 640 "$(file_mode only_mode)"
check_ne "--preserve=mode leaves mtime" "$MTIME" "$(file_mtime only_mode)"

# Without -p a copy is a new file with the time of the copy.
set_source_times
run_fcopy src plain
check_eq "no -p exit status" 0 "$RC"
check_ne "no -p mtime is new" "$MTIME" "$(file_mtime plain)"

finish
