# A symbolic link planted at DEST's name while fcopy runs never redirects
# the write.  strace(1) delays one system call of fcopy to hold the window
# open: the create of the file, the link(2) that names it, the rename(2)
# over the old DEST, or the open of DEST in place.  Meanwhile the test
# swaps DEST for a symbolic link to a victim file.  Afterwards the victim is
# unchanged (or still absent) and no temporary file is left.  fcopy may
# fail ("File exists" when link(2) meets the planted name) or replace the
# symbolic link itself, but it must never write through it.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Microseconds that strace delays the chosen system call before it runs.
DELAY=1000000

# System calls that can open, name or replace DEST.
TRACED=open,openat,openat2,creat,link,linkat,rename,renameat,renameat2

if ! need_command "race" strace; then
	finish
fi
if ! strace -f -o /dev/null -e trace=getpid -e inject=getpid:delay_enter=1 true 2>"$ERR_FILE"; then
	skip_all "strace cannot trace here or lacks delay injection: $(head -n 1 "$ERR_FILE")"
fi

# LeakSanitizer cannot run under ptrace(2), so a sanitized build would fail
# at exit under strace.  Leak checks stay with the other tests.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

mkdir victims
printf 'victim content\n' >victims/victim
cp victims/victim "$WORK/victim.orig"
make_random src_data 300000
CASE_COUNT=0

# find_call SETUP PATTERN ARG...: in a scratch directory prepared by the
# function SETUP, run fcopy ARG... under strace and find the first traced
# call whose line matches the extended regex PATTERN.  Sets CALL_NAME (the
# system call) and CALL_INDEX (its 1-based count among calls of that name),
# or returns 1 if no call matched.
find_call() {
	local setup=$1 pattern=$2 log=$WORK/reference.log line
	shift 2

	rm -rf -- "$WORK/reference"
	mkdir -- "$WORK/reference"
	(cd "$WORK/reference" && "$setup" && strace -f -o "$log" -e trace="$TRACED" "$FCOPY" "$@" >/dev/null 2>&1)
	line=$(grep -E -m 1 -- "$pattern" "$log") || return 1
	CALL_NAME=$(printf '%s\n' "$line" | sed -E 's/^([0-9]+ +)?([a-z0-9_]+)\(.*/\2/')
	CALL_INDEX=$(grep -n -E "^([0-9]+ +)?$CALL_NAME\(" "$log" | grep -n -F -- "$line" | head -n 1 | cut -d: -f1)
	[ -n "$CALL_INDEX" ]
}

# entered_calls LOG NAME: how many calls of NAME strace has logged as
# entered.  strace writes a call's name and arguments when it enters it,
# before the delay.
entered_calls() {
	if [ -e "$1" ]; then
		grep -c -E "^([0-9]+ +)?$2\(" "$1"
	else
		echo 0
	fi
}

# race LABEL SETUP PATTERN PLANT ARG...: in a new directory prepared by
# SETUP, run fcopy ARG... with the call that matches PATTERN (see
# find_call) delayed, and run the function PLANT while it waits.  Sets
# STATUS, ERR and CASE_DIR, and returns 1 if the window was missed.
race() {
	local label=$1 setup=$2 pattern=$3 plant=$4 log pid i
	shift 4

	if ! find_call "$setup" "$pattern" "$@"; then
		fail "$label window" "expected a traced call matching /$pattern/ in: $(tr '\n' '|' <"$WORK/reference.log")"
		return 1
	fi

	# An earlier case may have written the victim: start from its content.
	cp -- "$WORK/victim.orig" "$T/victims/victim"
	CASE_COUNT=$((CASE_COUNT + 1))
	CASE_DIR=$T/case$CASE_COUNT
	log=$WORK/case$CASE_COUNT.log
	mkdir -- "$CASE_DIR"
	cd -- "$CASE_DIR" || return 1
	"$setup"
	strace -f -o "$log" -e trace="$TRACED" \
		-e inject="$CALL_NAME:delay_enter=$DELAY:when=$CALL_INDEX" \
		"$FCOPY" "$@" >/dev/null 2>"$ERR_FILE" &
	pid=$!
	keep_background "$pid"

	for ((i = 0; i < 200; i++)); do
		[ "$(entered_calls "$log" "$CALL_NAME")" -ge "$CALL_INDEX" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.02
	done
	"$plant"
	if kill -0 "$pid" 2>/dev/null; then
		pass "$label window open"
	else
		fail "$label window open" "expected fcopy to wait in $CALL_NAME call $CALL_INDEX, but it had ended"
	fi

	wait "$pid"
	STATUS=$?
	ERR=$(cat "$ERR_FILE")
	cd -- "$T" || return 1
	if grep -E -- "$pattern" "$log" | grep -q -F '(DELAYED)'; then
		pass "$label delayed the right call"
	else
		fail "$label delayed the right call" "expected the call matching /$pattern/ to be delayed, got: $(grep -F '(DELAYED)' "$log")"
	fi
	return 0
}

# Fixtures, made in the current directory.
setup_new() {
	cp "$T/src_data" src
}
setup_existing() {
	cp "$T/src_data" src
	printf 'old content\n' >dst
}
setup_hard_linked() {
	setup_existing
	ln dst dst_link
}

# Plants: DEST's name becomes a symbolic link to a victim.
plant_to_absent() {
	ln -s -- "$T/victims/absent" dst
}
plant_to_victim() {
	rm -f dst
	ln -s -- "$T/victims/victim" dst
}

# check_new_dest_race LABEL: fcopy failed, wrote nothing through the link
# and left the planted link and no other file.
check_new_dest_race() {
	local label=$1

	check_ne "$label exit status" 0 "$STATUS"
	check_error_line "$label message" "$ERR"
	check_absent "$label victim absent" "$T/victims/absent"
	check_eq "$label dst still a link" "$T/victims/absent" "$(readlink -- "$CASE_DIR/dst")"
	check_listing "$label no temporary file" "$CASE_DIR" dst src
}

# check_victim_kept LABEL NAME...: the victim has its content, and the
# case directory contains only NAMEs.  A replaced link (exit status 0) must
# hold the source data.
check_victim_kept() {
	local label=$1
	shift

	check_same "$label victim content" "$WORK/victim.orig" "$T/victims/victim"
	check_eq "$label victim inode" "$victim_inode" "$(file_inode "$T/victims/victim")"
	if [ "$STATUS" -eq 0 ] && [ ! -L "$CASE_DIR/dst" ]; then
		check_same "$label dst replaced by copy" src_data "$CASE_DIR/dst"
	elif [ "$STATUS" -eq 0 ]; then
		fail "$label outcome" "expected an error or a regular dst, got exit status 0 with dst still a link"
	else
		check_error_line "$label message" "$ERR"
	fi
	check_listing "$label no temporary file" "$CASE_DIR" "$@"
}
victim_inode=$(file_inode victims/victim)

# ------------------------------------------------------------- new DEST

label="new dest before create"
if race "$label" setup_new 'O_TMPFILE|O_CREAT' plant_to_absent src dst; then
	check_new_dest_race "$label"
fi

label="new dest before link"
if race "$label" setup_new '(link|linkat)\(.*"dst"' plant_to_absent src dst; then
	check_new_dest_race "$label"
fi

label="--in-place new dest before create"
if race "$label" setup_new 'O_CREAT' plant_to_absent --in-place src dst; then
	check_new_dest_race "$label"
fi

for strategy in whole buffered stream; do
	label="$strategy new dest before link"
	if race "$label" setup_new '(link|linkat)\(.*"dst"' plant_to_absent -s "$strategy" src dst; then
		check_new_dest_race "$label"
	fi
done

# -------------------------------------------------------- existing DEST

label="existing dest before create"
if race "$label" setup_existing 'O_TMPFILE|O_CREAT' plant_to_victim src dst; then
	check_victim_kept "$label" dst src
fi

label="existing dest before rename"
if race "$label" setup_existing 'rename[a-z0-9]*\(.*"dst"' plant_to_victim src dst; then
	check_victim_kept "$label" dst src
fi

# In place, fcopy opens DEST by name after it checked that the name is a
# regular file, so a link planted in between must not be followed.
label="--in-place existing dest before open"
if race "$label" setup_existing '"dst", O_WRONLY' plant_to_victim --in-place src dst; then
	check_victim_kept "$label" dst src
fi

label="hard-linked dest before open"
if race "$label" setup_hard_linked '"dst", O_WRONLY' plant_to_victim src dst; then
	check_victim_kept "$label" dst dst_link src
	check_eq "$label other name content" "old content" "$(cat "$CASE_DIR/dst_link" 2>&1)"
fi

finish
