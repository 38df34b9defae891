# Helpers shared by the end-to-end scripts.  Each tests/e2e/t_*.sh sources
# this file, runs its checks and ends with `finish`.
#
# The environment variable FCOPY names the binary under test.  Every script
# works in its own directory $T under /tmp.  On exit the helpers stop the
# background processes, unmount the mounts and remove the directories that
# were registered here.
#
# Exit status of a script: 0 when every check passed, 1 when one failed,
# 77 when everything was skipped (the reasons are printed), 2 when FCOPY is
# unusable.

set -u
umask 022

# fcopy must never wait for input from the caller's terminal.  Tests that
# feed standard input redirect it themselves.
exec </dev/null

if [ -z "${FCOPY:-}" ]; then
	echo "FCOPY is not set: set it to the path of the fcopy binary to test" >&2
	exit 2
fi
case $FCOPY in
/*) ;;
*) FCOPY=$PWD/$FCOPY ;;
esac
if [ ! -x "$FCOPY" ]; then
	echo "FCOPY='$FCOPY' is not an executable file" >&2
	exit 2
fi

# This directory, found before the scripts change into their own.
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

PASSED=0
FAILED=0
SKIPPED=0

# Seconds after which one command started by run() is killed (exit 124).
RUN_TIMEOUT=${RUN_TIMEOUT:-60}

NOBODY_UID=65534
NOBODY_GID=65534

MOUNTS=()
BACKGROUND_PIDS=()

cleanup() {
	local status=$?
	local pid i

	for pid in "${BACKGROUND_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}"
	done
	cd / || true
	# --one-file-system keeps rm out of a mount that failed to unmount.
	rm -rf --one-file-system -- "$WORK" /dev/shm/fcopy-e2e-$$.*
	exit "$status"
}

WORK=$(mktemp -d /tmp/fcopy-e2e.XXXXXX) || exit 2
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# mktemp makes the directory 0700, but uid 65534 must be able to reach $T.
chmod 755 "$WORK"
mkdir "$WORK/capture"
T=$WORK/t
mkdir "$T"
chmod 755 "$T"
cd "$T" || exit 2

# The files that run() writes the output to.  OUT_FILE keeps the exact
# bytes, for data written to standard output.
OUT_FILE=$WORK/capture/stdout
ERR_FILE=$WORK/capture/stderr

# ---------------------------------------------------------------- reporting

# Print a value for a failure line: quoted, newlines as \n, at most 300 chars.
show() {
	local value=$1

	value=${value//$'\n'/\\n}
	if [ "${#value}" -gt 300 ]; then
		value="${value:0:300}..."
	fi
	printf "'%s'" "$value"
}

pass() {
	PASSED=$((PASSED + 1))
	printf 'ok %s\n' "$1"
}

# fail NAME DETAIL
fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL %s: %s\n' "$1" "$2"
}

# skip NAME REASON: count and print a check or group that cannot run here.
skip() {
	SKIPPED=$((SKIPPED + 1))
	printf 'skip %s: %s\n' "$1" "$2"
}

# Print the summary line and exit: 1 if a check failed, 77 if nothing ran.
finish() {
	local summary="$PASSED passed, $FAILED failed"

	if [ "$SKIPPED" -gt 0 ]; then
		summary="$summary, $SKIPPED skipped"
	fi
	echo "$summary"
	if [ "$FAILED" -gt 0 ]; then
		exit 1
	fi
	if [ "$PASSED" -eq 0 ] && [ "$SKIPPED" -gt 0 ]; then
		exit 77
	fi
	exit 0
}

# skip_all REASON: skip the whole script.
skip_all() {
	echo "skipping all checks: $1"
	SKIPPED=$((SKIPPED + 1))
	finish
}

# ------------------------------------------------------------------- checks
# Each check tests one condition and prints `ok NAME` or
# `FAIL NAME: expected X, got Y`.

# check NAME COMMAND...: the command succeeds.
check() {
	local name=$1 status
	shift

	"$@" >/dev/null 2>&1
	status=$?
	if [ "$status" -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "expected success of: $*, got exit status $status"
	fi
}

# check_not NAME COMMAND...: the command fails.
check_not() {
	local name=$1
	shift

	if "$@" >/dev/null 2>&1; then
		fail "$name" "expected failure of: $*, got success"
	else
		pass "$name"
	fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected $(show "$2"), got $(show "$3")"
	fi
}

# check_ne NAME UNEXPECTED ACTUAL
check_ne() {
	if [ "$2" != "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected anything but $(show "$2"), got it"
	fi
}

# check_one_of NAME ACTUAL ALLOWED...: ACTUAL equals one of the ALLOWED values.
check_one_of() {
	local name=$1 actual=$2 allowed shown=""
	shift 2

	for allowed in "$@"; do
		if [ "$actual" = "$allowed" ]; then
			pass "$name"
			return
		fi
		shown="$shown or $(show "$allowed")"
	done
	fail "$name" "expected ${shown# or }, got $(show "$actual")"
}

# check_contains NAME NEEDLE TEXT: TEXT contains the fixed string NEEDLE.
check_contains() {
	if [[ $3 == *"$2"* ]]; then
		pass "$1"
	else
		fail "$1" "expected text containing $(show "$2"), got $(show "$3")"
	fi
}

# check_not_contains NAME NEEDLE TEXT
check_not_contains() {
	if [[ $3 == *"$2"* ]]; then
		fail "$1" "expected text without $(show "$2"), got $(show "$3")"
	else
		pass "$1"
	fi
}

# check_match NAME ERE TEXT: some line of TEXT matches the extended regex.
check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		pass "$1"
	else
		fail "$1" "expected text matching /$2/, got $(show "$3")"
	fi
}

# check_le NAME MAX ACTUAL (integers)
check_le() {
	if [ "$3" -le "$2" ] 2>/dev/null; then
		pass "$1"
	else
		fail "$1" "expected at most $2, got $(show "$3")"
	fi
}

# check_ge NAME MIN ACTUAL (integers)
check_ge() {
	if [ "$3" -ge "$2" ] 2>/dev/null; then
		pass "$1"
	else
		fail "$1" "expected at least $2, got $(show "$3")"
	fi
}

# check_same NAME EXPECTED_FILE ACTUAL_FILE: identical bytes.
check_same() {
	local difference

	if [ ! -e "$3" ]; then
		fail "$1" "expected a copy of $2, got no file $3"
		return
	fi
	if difference=$(cmp -- "$2" "$3" 2>&1); then
		pass "$1"
	else
		fail "$1" "expected $3 identical to $2 ($(file_size "$2") bytes), got $(file_size "$3") bytes: $difference"
	fi
}

# check_exists NAME PATH: PATH exists (a dangling symbolic link counts).
check_exists() {
	if [ -e "$2" ] || [ -L "$2" ]; then
		pass "$1"
	else
		fail "$1" "expected $2 to exist, got nothing there"
	fi
}

# check_absent NAME PATH: nothing at PATH, not even a dangling link.
check_absent() {
	if [ -e "$2" ] || [ -L "$2" ]; then
		fail "$1" "expected no $2, got $(stat -c '%F of %s bytes' -- "$2" 2>&1)"
	else
		pass "$1"
	fi
}

# check_lines NAME COUNT TEXT: TEXT has COUNT lines (empty text has 0).
check_lines() {
	local count=0

	if [ -n "$3" ]; then
		count=$(printf '%s\n' "$3" | wc -l)
	fi
	check_eq "$1" "$2" "$count"
}

# check_error_line NAME TEXT: the message shape every fcopy error has: one
# line that starts with "fcopy: ".  Two checks, so a failure names its cause.
check_error_line() {
	check_lines "$1 one line" 1 "$2"
	check_match "$1 prefix" '^fcopy: ' "${2%%$'\n'*}"
}

# check_listing NAME DIR NAME...: `ls -A DIR` shows exactly the given names,
# so a leftover temporary file fails the check.
check_listing() {
	local name=$1 dir=$2 expected actual
	shift 2

	expected=""
	if [ "$#" -gt 0 ]; then
		expected=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
	fi
	actual=$(LC_ALL=C ls -A -- "$dir" | LC_ALL=C sort | tr '\n' ' ')
	check_eq "$name" "$expected" "$actual"
}

# ------------------------------------------------------------------ running

# run COMMAND...: run with a timeout and set RC, OUT and ERR.  OUT and ERR
# lose trailing newlines and OUT keeps only the first 64 KiB, while
# OUT_FILE and ERR_FILE keep the exact bytes.
run() {
	timeout "$RUN_TIMEOUT" "$@" >"$OUT_FILE" 2>"$ERR_FILE"
	RC=$?
	OUT=$(head -c 65536 "$OUT_FILE" | tr -d '\0')
	ERR=$(cat "$ERR_FILE")
}

# run_fcopy ARG...: run fcopy, as run() does.
run_fcopy() {
	run "$FCOPY" "$@"
}

# The command prefix that runs a command as uid and gid 65534 with no
# supplementary groups.
AS_NOBODY=(setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups)

# as_nobody COMMAND...
as_nobody() {
	"${AS_NOBODY[@]}" "$@"
}

# run_fcopy_as_nobody ARG...: run fcopy as uid 65534, as run() does.
run_fcopy_as_nobody() {
	run "${AS_NOBODY[@]}" "$FCOPY" "$@"
}

# The count of faults that strace reports as injected in its log file.
count_injected() {
	grep -c '(INJECTED)' "$1"
}

# ------------------------------------------------------------ requirements
# Each returns 0 when the need is met, else counts a skip for NAME and
# returns 1, for use as `if need_root NAME; then ... fi`.

is_root() {
	[ "$(id -u)" -eq 0 ]
}

# need_root NAME
need_root() {
	if is_root; then
		return 0
	fi
	skip "$1" "needs root (running as uid $(id -u))"
	return 1
}

# need_command NAME COMMAND...
need_command() {
	local name=$1 command
	shift

	for command in "$@"; do
		if ! command -v "$command" >/dev/null 2>&1; then
			skip "$name" "needs the command '$command', which is not installed"
			return 1
		fi
	done
	return 0
}

# need_nobody NAME: root can switch to uid 65534, which can run FCOPY.
need_nobody() {
	need_root "$1" || return 1
	need_command "$1" setpriv || return 1
	if ! as_nobody test -x "$FCOPY"; then
		skip "$1" "uid $NOBODY_UID cannot execute $FCOPY (a parent directory is not searchable)"
		return 1
	fi
	return 0
}

# need_free_space NAME DIR BYTES
need_free_space() {
	local available

	available=$(df --output=avail -B1 -- "$2" | tail -n 1 | tr -d ' ')
	if [ "$available" -ge "$3" ]; then
		return 0
	fi
	skip "$1" "needs $3 free bytes in $2, has $available"
	return 1
}

# ----------------------------------------------------------------- fixtures

# make_random FILE BYTES
make_random() {
	head -c "$2" /dev/urandom >"$1"
}

# make_shared_dir PATH: a directory that uid 65534 may write to.
make_shared_dir() {
	mkdir -p -- "$1"
	chmod 777 -- "$1"
}

# make_shm_dir: make a new directory on /dev/shm (tmpfs), removed on exit,
# store its path in SHM_DIR and print it.  The name carries the script's
# PID ($$ is the same in a $(...) subshell), so cleanup finds it by
# pattern even when the call ran in a subshell.
make_shm_dir() {
	SHM_DIR=$(mktemp -d "/dev/shm/fcopy-e2e-$$.XXXXXX") || return 1
	printf '%s\n' "$SHM_DIR"
}

# mount_tmpfs DIR SIZE: mount a tmpfs of SIZE on DIR, unmounted on exit.
mount_tmpfs() {
	mkdir -p -- "$1"
	mount -t tmpfs -o "size=$2" tmpfs "$1" || return 1
	MOUNTS+=("$1")
}

# mount_bind SOURCE DIR: bind-mount SOURCE on DIR, unmounted on exit.
mount_bind() {
	mkdir -p -- "$2"
	mount --bind "$1" "$2" || return 1
	MOUNTS+=("$2")
}

# keep_background PID: kill PID at exit if it still runs.
keep_background() {
	BACKGROUND_PIDS+=("$1")
}

# wait_or_kill PID SECONDS: wait for a background process, and send it
# SIGKILL if it still runs after SECONDS (a FIFO writer waits forever when
# fcopy exits without draining the FIFO).  Returns its exit status, 137
# when it had to be killed.
wait_or_kill() {
	local pid=$1 tenths=$(($2 * 10))

	while [ "$tenths" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		tenths=$((tenths - 1))
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

file_size() { stat -c %s -- "$1" 2>/dev/null || echo none; }
file_inode() { stat -c %i -- "$1" 2>/dev/null || echo none; }
file_mode() { stat -c %a -- "$1" 2>/dev/null || echo none; }
file_owner() { stat -c %u:%g -- "$1" 2>/dev/null || echo none; }
file_blocks() { stat -c %b -- "$1" 2>/dev/null || echo none; }
file_atime() { stat -c %.9X -- "$1" 2>/dev/null || echo none; }
file_mtime() { stat -c %.9Y -- "$1" 2>/dev/null || echo none; }
