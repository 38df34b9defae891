# --benchmark: copies SOURCE with every strategy and buffer size into
# hidden files beside DEST, removes them and prints a table on standard
# output.  DEST itself is never created or changed, and nothing is left in
# its directory, not even after SIGTERM, SIGINT or SIGHUP.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The rows of the table, as "strategy buffer", in the order printed.
ALL_ROWS="auto -;stream -;whole -;buffered 4.0 KiB;buffered 16.0 KiB;buffered 64.0 KiB;buffered 128.0 KiB;buffered 256.0 KiB;buffered 1.0 MiB;buffered 4.0 MiB"

# Seconds to wait for a signalled fcopy to end before killing it.
SIGNAL_TIMEOUT=20

mkdir src out
make_random src/one_mib $((1024 * 1024))

declare -A TABLE

# parse_table TEXT SIZE: fill TABLE from the --benchmark output TEXT for a
# source of SIZE bytes.  The keys are:
#   header          yes when the first line is the column header
#   rows            the "strategy buffer" of each row, joined by ';'
#   bad_rows        rows that do not parse or have a number that is not positive
#   fastest         the count of rows marked fastest
#   fastest_is_min  yes when the one fastest row has the smallest median
#   rate_mismatch   rows whose MiB/s differs from SIZE / median by over 2%,
#                   which allows for the rounding of a 6-decimal median
parse_table() {
	local key value

	TABLE=()
	while IFS='=' read -r key value; do
		TABLE[$key]=$value
	done < <(printf '%s\n' "$1" | awk -v size="$2" '
		NR == 1 {
			header = ($0 ~ /^strategy +buffer +median s +MiB\/s$/) ? "yes" : "no"
			next
		}
		$1 ~ /^(auto|stream|whole|buffered)$/ {
			if ($2 == "-") {
				buffer = "-"; field = 3
			} else {
				buffer = $2 " " $3; field = 4
			}
			row = $1 " " buffer
			rows = rows == "" ? row : rows ";" row
			median = $field + 0; rate = $(field + 1) + 0
			extra = $(field + 2)
			if ($field !~ /^[0-9]+\.[0-9]+$/ || median <= 0 || rate <= 0 ||
			    (extra != "" && extra != "fastest") || NF > field + 2)
				bad++
			if (median > 0) {
				expected = size / median / 1048576
				if (rate - expected > expected * 0.02 ||
				    expected - rate > expected * 0.02)
					mismatch++
			}
			if (min == "" || median < min)
				min = median
			if (extra == "fastest") {
				fastest++
				fastest_median = median
			}
		}
		END {
			print "header=" header
			print "rows=" rows
			print "bad_rows=" bad + 0
			print "fastest=" fastest + 0
			print "fastest_is_min=" (fastest == 1 && fastest_median == min ? "yes" : "no")
			print "rate_mismatch=" mismatch + 0
		}')
}

# check_table NAME TEXT SIZE ROUNDS ROWS: TEXT is a complete table for a
# source of SIZE bytes measured ROUNDS times, with the rows ROWS.
check_table() {
	local name=$1 text=$2 size=$3 rounds=$4 rows=$5

	parse_table "$text" "$size"
	check_eq "$name header" yes "${TABLE[header]:-no}"
	check_eq "$name rows" "$rows" "${TABLE[rows]:-}"
	check_eq "$name malformed rows" 0 "${TABLE[bad_rows]:-none}"
	check_eq "$name fastest count" 1 "${TABLE[fastest]:-none}"
	check_eq "$name fastest is smallest" yes "${TABLE[fastest_is_min]:-no}"
	check_eq "$name rate matches median" 0 "${TABLE[rate_mismatch]:-none}"
	check_match "$name rounds line" "^$rounds rounds? each, $size bytes\.\$" "$text"
	check_match "$name page cache note" '^Note: .*page cache' "$text"
}

# ------------------------------------------------------------ the table

run_fcopy --benchmark src/one_mib out/dest
check_eq "default rounds exit status" 0 "$RC"
check_eq "default rounds stderr" "" "$ERR"
check_table "default rounds" "$OUT" 1048576 3 "$ALL_ROWS"
check_absent "default rounds no DEST" out/dest
check_listing "default rounds DEST directory" out
check_listing "default rounds SOURCE directory" src one_mib

run_fcopy --benchmark --rounds=1 src/one_mib out/dest
check_eq "one round exit status" 0 "$RC"
check_eq "one round stderr" "" "$ERR"
check_table "one round" "$OUT" 1048576 1 "$ALL_ROWS"
check_absent "one round no DEST" out/dest
check_listing "one round DEST directory" out

run_fcopy --benchmark --rounds=100 src/one_mib out/dest
check_eq "100 rounds exit status" 0 "$RC"
check_table "100 rounds" "$OUT" 1048576 100 "$ALL_ROWS"
check_listing "100 rounds DEST directory" out

# An empty source copies at 0 MiB/s, but the table is still complete.
: >src/empty
run_fcopy --benchmark --rounds=1 src/empty out/dest
check_eq "empty source exit status" 0 "$RC"
parse_table "$OUT" 0
check_eq "empty source header" yes "${TABLE[header]:-no}"
check_eq "empty source rows" "$ALL_ROWS" "${TABLE[rows]:-}"
check_eq "empty source fastest count" 1 "${TABLE[fastest]:-none}"
check_match "empty source rounds line" '^1 rounds? each, 0 bytes\.$' "$OUT"
check_listing "empty source DEST directory" out
rm src/empty

# A source larger than --max-memory is not read whole, so the whole row is
# left out.
run_fcopy --benchmark --rounds=1 --max-memory=512K src/one_mib out/dest
check_eq "max memory exit status" 0 "$RC"
check_table "max memory" "$OUT" 1048576 1 "${ALL_ROWS/whole -;/}"
check_listing "max memory DEST directory" out

# An existing DEST file is neither replaced nor changed.
printf 'keep me\n' >out/existing
inode=$(file_inode out/existing)
mtime=$(file_mtime out/existing)
run_fcopy --benchmark --rounds=1 src/one_mib out/existing
check_eq "existing DEST exit status" 0 "$RC"
check_eq "existing DEST content" "keep me" "$(cat out/existing)"
check_eq "existing DEST inode" "$inode" "$(file_inode out/existing)"
check_eq "existing DEST mtime" "$mtime" "$(file_mtime out/existing)"
check_listing "existing DEST directory" out existing
rm out/existing

# A DEST that is a directory receives the temporary copies itself.
mkdir out/inside
printf 'other\n' >out/inside/other
run_fcopy --benchmark --rounds=1 src/one_mib out/inside
check_eq "directory DEST exit status" 0 "$RC"
check_table "directory DEST" "$OUT" 1048576 1 "$ALL_ROWS"
check_listing "directory DEST listing" out/inside other
check_listing "directory DEST parent" out inside
rm -r out/inside

# ------------------------------------------------------ invalid requests

for rounds in 0 101 -1 abc ''; do
	run_fcopy --benchmark --rounds="$rounds" src/one_mib out/dest
	check_eq "rounds '$rounds' exit status" 2 "$RC"
	check_error_line "rounds '$rounds' message" "$ERR"
	check_eq "rounds '$rounds' stdout" "" "$OUT"
done

run_fcopy --benchmark src/one_mib out/dest out/extra
check_eq "three operands exit status" 2 "$RC"
check_error_line "three operands message" "$ERR"

run_fcopy --benchmark src/one_mib
check_eq "one operand exit status" 2 "$RC"
check_error_line "one operand message" "$ERR"

run_fcopy --benchmark -t out src/one_mib
check_eq "target directory exit status" 2 "$RC"
check_error_line "target directory message" "$ERR"
check_listing "usage errors DEST directory" out

# Every round reads the source again, so it must be a regular file.
mkfifo "$WORK/fifo"
RUN_TIMEOUT=10 run_fcopy --benchmark "$WORK/fifo" out/dest
check_eq "FIFO source exit status" 1 "$RC"
check_error_line "FIFO source message" "$ERR"
check_contains "FIFO source names it" fifo "$ERR"

run bash -c 'printf data | "$0" --benchmark - "$1"' "$FCOPY" out/dest
check_eq "pipe source exit status" 1 "$RC"
check_error_line "pipe source message" "$ERR"

run_fcopy --benchmark src out/dest
check_eq "directory source exit status" 1 "$RC"
check_error_line "directory source message" "$ERR"

run_fcopy --benchmark src/missing out/dest
check_eq "missing source exit status" 1 "$RC"
check_error_line "missing source message" "$ERR"
check_contains "missing source names it" missing "$ERR"

run_fcopy --benchmark src/one_mib out/missing/dest
check_eq "missing DEST directory exit status" 1 "$RC"
check_error_line "missing DEST directory message" "$ERR"
check_contains "missing DEST directory names it" out/missing "$ERR"

check_listing "errors DEST directory" out
check_listing "errors SOURCE directory" src one_mib

# ---------------------------------------------------------------- signals

# signal_benchmark NAME SIGNAL DELAY SOURCE ROUNDS: start a benchmark of
# SOURCE into out/, send SIGNAL after DELAY seconds and check that fcopy
# ended by it and left out/ empty.  A background job of a non-interactive
# shell starts with SIGINT ignored, so env restores the default action.
signal_benchmark() {
	local name=$1 signal=$2 delay=$3 source=$4 rounds=$5 pid status

	env --default-signal=TERM,INT,HUP "$FCOPY" --benchmark --rounds="$rounds" \
		"$source" out/dest >/dev/null 2>"$WORK/capture/$name.err" &
	pid=$!
	keep_background "$pid"
	sleep "$delay"
	kill -s "$signal" "$pid"
	wait_or_kill "$pid" "$SIGNAL_TIMEOUT"
	status=$?
	check_eq "$name exit status" "$((128 + $(kill -l "$signal")))" "$status"
	check_listing "$name DEST directory" out
}

if ! env --default-signal=TERM true 2>/dev/null; then
	skip "signals" "env has no --default-signal (coreutils before 8.31)"
elif need_free_space "signals" "$T" $((600 * 1024 * 1024)); then
	make_random src/big $((200 * 1024 * 1024))

	# A 200 MiB source with 20 rounds runs for many seconds, so each signal
	# lands in the middle of a copy or between two.
	for delay in 0.2 0.5 0.8 1.1 1.4; do
		signal_benchmark "SIGTERM after $delay s" TERM "$delay" src/big 20
	done
	signal_benchmark "SIGINT" INT 0.6 src/big 20
	signal_benchmark "SIGHUP" HUP 0.6 src/big 20
	rm src/big

	# 10 configurations of 100 rounds of a 4 MiB source take a few seconds
	# (2.6 s on an idle x86_64 test machine, ext4), with a new hidden file
	# every few milliseconds.  So these signals land at many points of a
	# round: in the copy, before the rename, before the removal.
	make_random src/four_mib $((4 * 1024 * 1024))
	for delay in 0.05 0.1 0.15 0.2 0.25 0.3 0.35 0.4 0.45 0.5; do
		signal_benchmark "short rounds SIGTERM after $delay s" TERM "$delay" src/four_mib 100
	done
	rm src/four_mib
	check_listing "signals SOURCE directory" src one_mib
fi

finish
