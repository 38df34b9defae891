# The progress bar of -P and --progress.  fcopy runs on a pseudo-terminal
# made by script(1), which stores every byte written to the terminal in a
# typescript file.  A copy must last a few seconds for the bar to appear,
# so the source is either a pipe fed in bursts with pauses between them,
# or a regular file whose copy calls strace delays by DELAY_US each.
#
# Each redraw is "\r" TEXT "\033[K" and the bar is erased at the end with
# "\r\033[K".  TEXT is at most the terminal width minus one characters.
# An strace log with timestamps checks the timing: the first redraw comes
# after at least a second of copying, and redraws are at least a quarter
# of a second apart.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v script >/dev/null 2>&1; then
	skip_all "needs script(1) from util-linux for a pseudo-terminal, which is not installed"
fi
if ! command -v python3 >/dev/null 2>&1; then
	skip_all "needs python3 to parse the captured terminal output, which is not installed"
fi
if ! command -v strace >/dev/null 2>&1; then
	skip_all "needs strace to slow down copies and time the redraws, which is not installed"
fi
if ! strace -o /dev/null true 2>/dev/null; then
	skip_all "strace cannot trace here (ptrace is not permitted)"
fi

# Delay added to every copy call of a slowed-down regular file copy, in
# microseconds.  BIG is copied in 40 calls of BIG_CHUNK, about 2 s, and the
# bar gets an update every 50 ms, so a redraw interval shorter than a
# quarter of a second would show.
DELAY_US=50000
BIG_CHUNK=1M
make_random big $((40 * 1024 * 1024))

# The pipe source: PIPE_PARTS parts of 4 MiB with PIPE_PAUSE seconds after
# each, about 2.4 s.
PIPE_PARTS=6
PIPE_PAUSE=0.4
make_random pipe_data $((PIPE_PARTS * 4 * 1024 * 1024))
mkdir "$WORK/parts"
split -b 4M -a 2 pipe_data "$WORK/parts/part"
cat >"$WORK/writer.sh" <<EOF
for part in $WORK/parts/part*; do
	cat "\$part"
	sleep $PIPE_PAUSE
done
EOF

make_random small $((1024 * 1024))

Q_FCOPY=$(printf '%q' "$FCOPY")

# The calls that move data, which strace delays.  read is among them for
# the buffered strategy.
COPY_CALLS=copy_file_range,sendfile,splice,read

# slow_fcopy LOG: the command prefix that runs fcopy under strace, logs
# execve and write to LOG and delays each copy call by DELAY_US.
slow_fcopy() {
	printf 'strace -f -ttt -qq -o %q -e trace=execve,write,%s -e inject=%s:delay_exit=%s %s' \
		"$1" "$COPY_CALLS" "$COPY_CALLS" "$DELAY_US" "$Q_FCOPY"
}

# timed_fcopy LOG: the command prefix that runs fcopy under strace, logs
# execve and write to LOG and adds no delay.
timed_fcopy() {
	printf 'strace -f -ttt -qq -o %q -e trace=execve,write %s' "$1" "$Q_FCOPY"
}

# on_terminal NAME COLUMNS COMMAND: run the shell command line COMMAND on
# a new pseudo-terminal of COLUMNS columns.  Sets RC to its exit status
# and TYPESCRIPT to the file with everything written to the terminal.
on_terminal() {
	local name=$1 columns=$2 command=$3

	TYPESCRIPT=$WORK/capture/$name.typescript
	printf 'stty cols %s || exit 99\n%s\n' "$columns" "$command" >"$WORK/$name.sh"
	SHELL=/bin/bash timeout "$RUN_TIMEOUT" \
		script -qfec "bash $WORK/$name.sh" "$TYPESCRIPT" >/dev/null 2>&1
	RC=$?
}

# Reads the bytes that fcopy wrote to its standard error (a typescript or
# a plain file) and prints "key=value" lines about the redraws.
BAR_PARSER='
import re, sys

data = open(sys.argv[1], "rb").read()
# script(1) of util-linux 2.38 writes a header and a trailer line into the
# typescript even with -q.
if data.startswith(b"Script started"):
    data = data[data.find(b"\n") + 1:]
end = data.rfind(b"\nScript done")
if end >= 0:
    data = data[:end]

texts = []
malformed = 0
if data and not data.startswith(b"\r"):
    malformed += 1
for part in data.split(b"\r")[1:]:
    if part.endswith(b"\x1b[K"):
        texts.append(part[:-3].decode("utf-8", "replace"))
    else:
        malformed += 1
frames = [t for t in texts if t]

units = {"B": 0, "KiB": 1, "MiB": 2, "GiB": 3, "TiB": 4}
counts = []
for frame in frames:
    match = re.match(r"(?:\[[# ]*\] )?(\d+(?:\.\d+)?) (B|KiB|MiB|GiB|TiB)\b", frame)
    counts.append(float(match[1]) * 1024 ** units[match[2]] if match else -1)
hashes = [frame.split("]")[0].count("#") for frame in frames]
size = r"\d+(?:\.\d+)? (?:B|KiB|MiB|GiB|TiB)"

def every(pattern):
    ok = bool(frames) and all(re.search(pattern, f) for f in frames)
    return "yes" if ok else "no"

print("bytes=%d" % len(data))
print("frames=%d" % len(frames))
print("malformed=%d" % malformed)
print("erased=%s" % ("yes" if texts and texts[-1] == "" else "no"))
print("erasures=%d" % texts.count(""))
print("max_width=%d" % max([len(f) for f in frames] or [0]))
print("increasing=%s" % ("yes" if counts and min(counts) >= 0 and
      all(a < b for a, b in zip(counts, counts[1:])) else "no"))
print("percent=%s" % every(r"\d+%"))
print("eta=%s" % every(r"ETA \d+:\d\d:\d\d"))
print("unknown_size=%s" % every("^" + size + "  " + size + "/s$"))
print("graphic=%s" % every(r"^\[[# ]+\] "))
print("hashes_grow=%s" % ("yes" if len(hashes) >= 2 and hashes[-1] > hashes[0]
      and all(a <= b for a, b in zip(hashes, hashes[1:])) else "no"))
print("first=%r" % (frames[0] if frames else ""))
print("last=%r" % (frames[-1] if frames else ""))
'

# Reads an strace log made with -ttt and prints, in milliseconds, the time
# from the execve of fcopy to its first redraw on standard error and the
# shortest time between two redraws (-1 when there is no such time).
TIMING_PARSER='
import re, sys

start = None
draws = []
for line in open(sys.argv[1]):
    match = re.match(r"(?:\d+ +)?(\d+\.\d+) (\w+)\((.*)", line)
    if not match:
        continue
    time, call, arguments = float(match[1]), match[2], match[3]
    if call == "execve" and start is None:
        start = time
    elif call == "write" and arguments.startswith("2, ") and \
            not arguments.startswith("2, \"\\r\\33[K\", 4)"):
        draws.append(time)
first = round((draws[0] - start) * 1000) if draws and start is not None else -1
gaps = [round((b - a) * 1000) for a, b in zip(draws, draws[1:])]
print("first_ms=%d" % first)
print("min_gap_ms=%d" % (min(gaps) if gaps else -1))
'

declare -A BAR
declare -A TIMING

# parse_bar FILE: fill BAR from the output in FILE.
parse_bar() {
	local key value

	BAR=()
	while IFS='=' read -r key value; do
		BAR[$key]=$value
	done < <(python3 -c "$BAR_PARSER" "$1")
}

# parse_timing LOG: fill TIMING from the strace log LOG.
parse_timing() {
	local key value

	TIMING=()
	while IFS='=' read -r key value; do
		TIMING[$key]=$value
	done < <(python3 -c "$TIMING_PARSER" "$1")
}

# check_redraws NAME MAX_WIDTH: the checks every drawn bar passes: at least
# two redraws, well formed, growing counts, cut to MAX_WIDTH characters and
# erased at the end.
check_redraws() {
	local name=$1 max_width=$2

	check_ge "$name redraw count" 2 "${BAR[frames]:-0}"
	check_eq "$name malformed redraws" 0 "${BAR[malformed]:-none}"
	check_eq "$name counts increase" yes "${BAR[increasing]:-no}"
	check_le "$name width" "$max_width" "${BAR[max_width]:-none}"
	check_eq "$name erased at end" yes "${BAR[erased]:-no}"
	check_eq "$name erased once" 1 "${BAR[erasures]:-none}"
}

# check_timing NAME LOG: the first redraw after a second, then at most
# four a second.  The bar reads CLOCK_MONOTONIC_COARSE, which may lag by
# a clock tick (up to 10 ms), and strace adds its own latency, so the
# limits allow 20 ms less.
check_timing() {
	parse_timing "$2"
	check_ge "$1 first redraw after 1 s" 980 "${TIMING[first_ms]:-none}"
	check_ge "$1 redraw interval" 230 "${TIMING[min_gap_ms]:-none}"
}

# ------------------------------------------------ pipe of unknown size

on_terminal pipe 60 "bash $WORK/writer.sh | $(timed_fcopy "$WORK/pipe.log") -P - $T/pipe_copy"
check_eq "pipe exit status" 0 "$RC"
check_same "pipe content" pipe_data pipe_copy
parse_bar "$TYPESCRIPT"
check_redraws "pipe" 59
check_eq "pipe shows bytes and rate" yes "${BAR[unknown_size]:-no}"
check_timing "pipe" "$WORK/pipe.log"

# ------------------------------------------- regular file of known size

on_terminal known 60 "$(slow_fcopy "$WORK/known.log") -P -s stream -b $BIG_CHUNK $T/big $T/known_copy"
check_eq "known size exit status" 0 "$RC"
check_same "known size content" big known_copy
parse_bar "$TYPESCRIPT"
check_redraws "known size" 59
check_eq "known size shows percent" yes "${BAR[percent]:-no}"
check_eq "known size shows ETA" yes "${BAR[eta]:-no}"
check_timing "known size" "$WORK/known.log"

# A terminal wide enough for the text leaves room for the bar graphic.
on_terminal wide 100 "$(slow_fcopy "$WORK/wide.log") --progress -s stream -b $BIG_CHUNK $T/big $T/wide_copy"
check_eq "wide terminal exit status" 0 "$RC"
check_same "wide terminal content" big wide_copy
parse_bar "$TYPESCRIPT"
check_redraws "wide terminal" 99
check_eq "wide terminal bar graphic" yes "${BAR[graphic]:-no}"
check_eq "wide terminal bar fills" yes "${BAR[hashes_grow]:-no}"
check_eq "wide terminal shows percent" yes "${BAR[percent]:-no}"

# A terminal narrower than the text cuts the text.  DEST '-' sends the
# data to standard output, which the bar on standard error leaves clean.
on_terminal narrow 20 "$(slow_fcopy /dev/null) -P -b $BIG_CHUNK $T/big - >$T/narrow_copy"
check_eq "narrow terminal exit status" 0 "$RC"
check_same "narrow terminal content" big narrow_copy
parse_bar "$TYPESCRIPT"
check_redraws "narrow terminal" 19
check_eq "narrow terminal no graphic" no "${BAR[graphic]:-no}"

# ------------------------------------------------------ when not to draw

# A copy that ends within a second draws nothing.
on_terminal fast 60 "$Q_FCOPY -P $T/small $T/fast_copy"
check_eq "fast copy exit status" 0 "$RC"
check_same "fast copy content" small fast_copy
parse_bar "$TYPESCRIPT"
check_eq "fast copy output bytes" 0 "${BAR[bytes]:-none}"

# auto: standard error is a file, not the terminal.
on_terminal to_file 60 "$(slow_fcopy /dev/null) --progress -s stream -b $BIG_CHUNK $T/big $T/to_file_copy 2>$T/to_file.err"
check_eq "auto to file exit status" 0 "$RC"
check_same "auto to file content" big to_file_copy
check_eq "auto to file stderr size" 0 "$(file_size to_file.err)"
parse_bar "$TYPESCRIPT"
check_eq "auto to file terminal output" 0 "${BAR[bytes]:-none}"

# auto: fcopy runs in a background process group of the terminal.  The
# shell's job control (set -m) gives each job its own process group.
on_terminal background 60 "set -m
$(slow_fcopy /dev/null) -P -s stream -b $BIG_CHUNK $T/big $T/background_copy &
wait \$!"
check_eq "background exit status" 0 "$RC"
check_same "background content" big background_copy
parse_bar "$TYPESCRIPT"
check_eq "background redraws" 0 "${BAR[frames]:-none}"
check_not_contains "background no erase" $'\033[K' "$(cat "$TYPESCRIPT")"

# always: draws into a file too, at most 79 characters wide because a
# file has no terminal width and the default is 80 columns.
run bash -c "$(slow_fcopy "$WORK/always.log") --progress=always -s stream -b $BIG_CHUNK $T/big $T/always_copy"
check_eq "always to file exit status" 0 "$RC"
check_same "always to file content" big always_copy
parse_bar "$ERR_FILE"
check_redraws "always to file" 79
check_eq "always to file shows percent" yes "${BAR[percent]:-no}"
check_timing "always to file" "$WORK/always.log"

# always on a fast copy still waits a second before it draws.
run_fcopy --progress=always small always_fast_copy
check_eq "always fast exit status" 0 "$RC"
check_same "always fast content" small always_fast_copy
check_eq "always fast stderr" "" "$ERR"

# --------------------------------------------------------- invalid values

run_fcopy --progress=sometimes small invalid_copy
check_eq "invalid WHEN exit status" 2 "$RC"
check_error_line "invalid WHEN message" "$ERR"
check_absent "invalid WHEN no copy" invalid_copy

finish
