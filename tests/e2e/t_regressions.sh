# Destination and message edge cases.  The DEST cases cover:
# - a full filesystem, or one without free inodes, under an existing DEST;
# - attributes kept across atomic replacement;
# - kernel copy calls that return 0 early, and clashing source names;
# - descriptor destinations and a bind-mounted DEST;
# - SIGQUIT, SIGALRM, --verify on a pipe, closed standard descriptors.
# The message cases are usage errors, the in-place failure note and a few
# single-line messages.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$E2E_DIR/fifo.sh"

STRATEGIES=(whole buffered stream)

# SIGQUIT dumps core by default, and a core file would land in $T.
ulimit -c 0

# --------------------------------------------------------------- helpers

# mount_tmpfs_options DIR OPTIONS: mount a tmpfs with the comma-separated
# mount OPTIONS on DIR, unmounted on exit.
mount_tmpfs_options() {
	mkdir -p -- "$1"
	mount -t tmpfs -o "$2" tmpfs "$1" || return 1
	MOUNTS+=("$1")
}

# unmount_last: unmount the mount registered last and forget it.
unmount_last() {
	local last=$((${#MOUNTS[@]} - 1))

	umount -- "${MOUNTS[last]}" && unset "MOUNTS[$last]"
}

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

# link_count FILE
link_count() { stat -c %h -- "$1" 2>/dev/null || echo none; }

# fs_type DIR: the filesystem type that stat(1) reports, such as
# ext2/ext3 (ext4 too) or tmpfs.
fs_type() { stat -f -c %T -- "$1"; }

make_random big 1200000
make_random mid 300000
printf 'new content\n' >small
chmod 777 small

# ------------------------------------------ -f as another user, full fs

# uid 65534 replaces a root-owned DEST in a world-writable directory.  A
# source too large for the filesystem fails with ENOSPC and leaves DEST
# as it was, owned by root.  A source that fits replaces DEST with a new
# file that uid 65534 owns.
if need_nobody "-f by other user on full fs" &&
	mount_tmpfs_options "$T/full" size=1m,mode=777; then
	printf 'root data\n' >root_data

	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy -f other user no space"
		cp root_data full/dest
		chmod 644 full/dest
		run_fcopy_as_nobody -f -s "$strategy" big full/dest
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label message" "No space left on device" "$ERR"
		check_error_line "$label message" "$ERR"
		check_same "$label dest unchanged" root_data full/dest
		check_eq "$label dest owner" 0:0 "$(file_owner full/dest)"
		check_listing "$label no temporary file" full dest
	done

	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy -f other user fits"
		cp root_data full/dest
		chmod 644 full/dest
		chown 0:0 full/dest
		umask 027
		run_fcopy_as_nobody -f -s "$strategy" small full/dest
		umask 022
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label stderr" "" "$ERR"
		check_same "$label content" small full/dest
		check_eq "$label owner" "$NOBODY_UID:$NOBODY_GID" "$(file_owner full/dest)"
		check_eq "$label mode is source mode minus umask" "$(printf '%o' $((0777 & ~027)))" "$(file_mode full/dest)"
		check_listing "$label no temporary file" full dest
	done
	rm -f root_data
fi

# --------------------------------------- temporary file without inodes

# With every inode in use, the temporary file for an atomic replacement
# cannot be made.  fcopy must fail and leave DEST alone instead of
# writing into it, while --in-place writes into the existing inode.
if need_root "no free inode" && mount_tmpfs_options "$T/inodes" size=4m,nr_inodes=2; then
	printf 'old inode data\n' >old_data
	cp old_data inodes/dest
	if touch inodes/probe 2>"$ERR_FILE"; then
		skip "no free inode" "a tmpfs with nr_inodes=2 still made a second file"
	elif ! grep -q "No space left on device" "$ERR_FILE"; then
		skip "no free inode" "touch failed for another reason: $(cat "$ERR_FILE")"
	else
		for strategy in "${STRATEGIES[@]}"; do
			label="$strategy no free inode"
			cp old_data inodes/dest
			inode_before=$(file_inode inodes/dest)
			run_fcopy -s "$strategy" mid inodes/dest
			check_eq "$label exit status" 1 "$RC"
			check_contains "$label message" "No space left on device" "$ERR"
			check_error_line "$label message" "$ERR"
			check_same "$label dest unchanged" old_data inodes/dest
			check_eq "$label dest inode" "$inode_before" "$(file_inode inodes/dest)"
			check_listing "$label no other file" inodes dest
		done

		for strategy in "${STRATEGIES[@]}"; do
			label="$strategy no free inode --in-place"
			cp old_data inodes/dest
			inode_before=$(file_inode inodes/dest)
			run_fcopy --in-place -s "$strategy" mid inodes/dest
			check_eq "$label exit status" 0 "$RC"
			check_eq "$label stderr" "" "$ERR"
			check_same "$label content" mid inodes/dest
			check_eq "$label dest inode" "$inode_before" "$(file_inode inodes/dest)"
		done
	fi
	rm -f old_data
fi

# ------------------------------ extended attributes and inode flags

# set_note_and_acl FILE: give FILE the attribute user.note=kept and an
# access ACL that also lets uid 65534 read it.  The value follows the
# kernel's posix_acl_xattr layout: a little-endian u32 version 2, then
# one (u16 tag, u16 permissions, u32 id) entry per line, sorted by tag.
set_note_and_acl() {
	python3 - "$1" <<'EOF'
import os
import struct
import sys

path = sys.argv[1]
UNDEFINED_ID = 0xFFFFFFFF
USER_OBJ, USER, GROUP_OBJ, MASK, OTHER = 0x01, 0x02, 0x04, 0x10, 0x20
entries = [
    (USER_OBJ, 6, UNDEFINED_ID),
    (USER, 4, 65534),
    (GROUP_OBJ, 4, UNDEFINED_ID),
    (MASK, 4, UNDEFINED_ID),
    (OTHER, 4, UNDEFINED_ID),
]
value = struct.pack("<I", 2)
for entry in entries:
    value += struct.pack("<HHI", *entry)
os.setxattr(path, "user.note", b"kept")
os.setxattr(path, "system.posix_acl_access", value)
EOF
}

# xattr_hex FILE NAME: the value of attribute NAME of FILE in hex, or
# "none" when FILE has no such attribute.
xattr_hex() {
	python3 -c '
import os, sys
try:
    print(os.getxattr(sys.argv[1], sys.argv[2]).hex())
except OSError:
    print("none")
' "$1" "$2"
}

# inode_flags FILE: the flag letters that lsattr shows for FILE.
inode_flags() {
	lsattr -d -- "$1" 2>/dev/null | awk '{ print $1 }'
}

mkdir attrs
printf 'old attribute data\n' >attrs/probe
if ! need_command "xattrs and flags kept" python3 lsattr chattr; then
	:
elif [ "$(fs_type attrs)" != ext2/ext3 ]; then
	skip "xattrs and flags kept" "needs ext4 under $T, which is on $(fs_type attrs)"
elif ! set_note_and_acl attrs/probe 2>"$ERR_FILE"; then
	skip "xattrs and flags kept" "cannot set user.note and an ACL under $T: $(cat "$ERR_FILE")"
elif ! chattr +d attrs/probe 2>"$ERR_FILE"; then
	skip "xattrs and flags kept" "chattr +d failed under $T: $(cat "$ERR_FILE")"
else
	acl_expected=$(xattr_hex attrs/probe system.posix_acl_access)
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy atomic replace keeps attributes"
		printf 'old attribute data\n' >attrs/dest
		set_note_and_acl attrs/dest
		chattr +d attrs/dest
		inode_before=$(file_inode attrs/dest)
		run_fcopy -s "$strategy" small attrs/dest
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label stderr" "" "$ERR"
		check_same "$label content" small attrs/dest
		check_ne "$label new inode" "$inode_before" "$(file_inode attrs/dest)"
		check_eq "$label user.note" "$(printf kept | od -An -tx1 | tr -d ' \n')" "$(xattr_hex attrs/dest user.note)"
		check_eq "$label ACL" "$acl_expected" "$(xattr_hex attrs/dest system.posix_acl_access)"
		check_contains "$label nodump flag" d "$(inode_flags attrs/dest)"
		check_listing "$label no temporary file" attrs dest probe
		chattr -d attrs/dest
	done
fi
chattr -d attrs/probe 2>/dev/null
rm -rf attrs

# ----------------------------------- kernel copy call returning 0 early

# copy_file_range or sendfile returning 0 after the first chunk is not
# the end of the source: fcopy must copy the rest another way.
make_random three_mb 3000000
if need_command "early zero from kernel copy" strace; then
	label="copy_file_range returns 0 early"
	rm -f early_out
	run strace -f -o "$WORK/strace.log" -P "$T/three_mb" -e trace=copy_file_range \
		-e inject=copy_file_range:retval=0:when=2 \
		"$FCOPY" -s stream -b 1M three_mb early_out
	check_ge "$label fault injected" 1 "$(count_injected "$WORK/strace.log")"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" three_mb early_out

	label="sendfile returns 0 early"
	rm -f early_out
	run strace -f -o "$WORK/strace.log" -P "$T/three_mb" -e trace=copy_file_range,sendfile \
		-e inject=copy_file_range:error=EXDEV -e inject=sendfile:retval=0:when=2 \
		"$FCOPY" -s stream -b 1M three_mb early_out
	check_eq "$label sendfile fault injected" 1 "$(grep -c ' sendfile(.*(INJECTED)' "$WORK/strace.log")"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" three_mb early_out
	rm -f early_out
fi
rm -f three_mb

# ------------------------------------------------ same base name twice

# The second source must not replace the file the first one just made.
mkdir x y
printf 'from x\n' >x/f
printf 'from y\n' >y/f
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy same base name twice"
	rm -rf out
	mkdir out
	run_fcopy -s "$strategy" x/f y/f out
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label message" "will not overwrite just-created" "$ERR"
	check_error_line "$label message" "$ERR"
	check_same "$label keeps first" x/f out/f
	check_listing "$label no other file" out f
done
rm -rf x y out

# ---------------------------------------- --atomic with a descriptor

# Standard output cannot be replaced atomically, whatever name it has.
for dest in - /dev/stdout /dev/fd/1; do
	label="--atomic to $dest"
	run_fcopy --atomic small "$dest"
	check_eq "$label exit status" 1 "$RC"
	check_error_line "$label message" "$ERR"
	check_eq "$label writes nothing" 0 "$(file_size "$OUT_FILE")"

	"$FCOPY" --atomic small "$dest" 2>"$ERR_FILE" | wc -c >"$WORK/pipe_bytes"
	status=${PIPESTATUS[0]}
	check_eq "$label pipe exit status" 1 "$status"
	check_error_line "$label pipe message" "$(cat "$ERR_FILE")"
	check_eq "$label pipe writes nothing" 0 "$(tr -d ' ' <"$WORK/pipe_bytes")"
done

# ------------------------------------------------------- usage errors

USAGE_ERRORS=(
	"--reflink=always -s whole"
	"--reflink=always -s buffered"
	"--reflink=always -b 4K"
	"--reflink=always --sparse=always"
	"--atomic --in-place"
	"--in-place --atomic"
)
for options in "${USAGE_ERRORS[@]}"; do
	label="usage $options"
	read -ra words <<<"$options"
	run_fcopy "${words[@]}" small usage_out
	check_eq "$label exit status" 2 "$RC"
	check_error_line "$label message" "$ERR"
	check_absent "$label creates nothing" usage_out
done

label="usage newline option letter"
run_fcopy $'-\n' small usage_out
check_eq "$label exit status" 2 "$RC"
check_eq "$label stderr line count" 1 "$(wc -l <"$ERR_FILE")"
check_match "$label prefix" '^fcopy: ' "$ERR"
check_absent "$label creates nothing" usage_out

# ------------------------------------------- in-place failure message

# A DEST with two hard links is written in place.  When the filesystem
# fills up, the one-line message must end with a note that DEST is now
# partially written.
if need_root "in-place failure message" && mount_tmpfs "$T/full_links" 1m; then
	for strategy in "${STRATEGIES[@]}"; do
		for mode in default --in-place; do
			label="$strategy $mode in-place no space"
			rm -f full_links/dest full_links/link
			printf 'linked data\n' >full_links/dest
			ln full_links/dest full_links/link
			inode_before=$(file_inode full_links/dest)
			options=(-s "$strategy")
			if [ "$mode" = --in-place ]; then
				options+=(--in-place)
			fi
			run_fcopy "${options[@]}" big full_links/dest
			check_eq "$label exit status" 1 "$RC"
			check_contains "$label reason" "No space left on device" "$ERR"
			check_error_line "$label message" "$ERR"
			check_match "$label partial note at end" \
				"'full_links/dest' was overwritten in place and is left partially written\$" "$ERR"
			check_eq "$label dest inode" "$inode_before" "$(file_inode full_links/dest)"
			check_eq "$label link count" 2 "$(link_count full_links/dest)"
			check_listing "$label no other file" full_links dest link
		done
	done
	rm -f full_links/dest full_links/link
fi

# --------------------------------------------- SIGQUIT and SIGALRM

make_random first 70000
make_random second 50000
mkdir signal_dir

# interrupt SIGNAL STRATEGY DEST ARG...: copy a gated FIFO to DEST, send
# SIGNAL once fcopy has written the first part (or, for -s whole, has the
# FIFO open) and set STATUS.  env restores the default action, because a
# background job of a non-interactive shell starts with SIGQUIT ignored.
interrupt() {
	local signal=$1 strategy=$2 dest=$3 pid started
	shift 3

	start_gated_writer first second
	env --default-signal=QUIT,ALRM "$FCOPY" -s "$strategy" "$@" "$FIFO" "$dest" 2>"$ERR_FILE" &
	pid=$!
	keep_background "$pid"
	if [ "$strategy" = whole ]; then
		wait_open "$pid" "$FIFO" && sleep 0.2
	else
		wait_written "$pid" "$T/signal_dir" "$(file_size first)"
	fi
	started=$?

	# The redirection keeps bash's "Quit" and "Alarm clock" job reports
	# out of the test output.
	kill -"$signal" "$pid"
	wait_bounded "$pid" 2>/dev/null
	release_writer
	reap_writer
	return "$started"
}

for signal in QUIT ALRM; do
	expected=$((128 + $(kill -l "$signal")))
	for strategy in "${STRATEGIES[@]}"; do
		label="SIG$signal $strategy --in-place new dest"
		rm -f signal_dir/dest
		if ! interrupt "$signal" "$strategy" signal_dir/dest --in-place; then
			fail "$label copy started" "expected fcopy to write $(file_size first) bytes within 10 s"
		fi
		check_eq "$label exit status" "$expected" "$STATUS"
		check_absent "$label dest removed" signal_dir/dest
		check_listing "$label no other file" signal_dir

		label="SIG$signal $strategy --atomic existing dest"
		printf 'old signal data\n' >signal_dir/dest
		inode_before=$(file_inode signal_dir/dest)
		if ! interrupt "$signal" "$strategy" signal_dir/dest --atomic; then
			fail "$label copy started" "expected fcopy to write $(file_size first) bytes within 10 s"
		fi
		check_eq "$label exit status" "$expected" "$STATUS"
		check_eq "$label dest unchanged" "old signal data" "$(cat signal_dir/dest)"
		check_eq "$label dest inode" "$inode_before" "$(file_inode signal_dir/dest)"
		check_listing "$label no temporary file" signal_dir dest
	done
done
rm -rf signal_dir

# -------------------------------------------- --verify on a pipe

# A pipe cannot be read a second time, so --verify must fail before
# fcopy reads from it, unless -s whole keeps the data in memory.
for strategy in stream buffered auto; do
	label="--verify pipe $strategy"
	rm -f verify_out
	printf 'pipe data' | {
		"$FCOPY" --verify -s "$strategy" - verify_out 2>"$ERR_FILE"
		echo "$?" >"$WORK/verify_status"
		cat >"$WORK/verify_rest"
	}
	check_eq "$label exit status" 1 "$(cat "$WORK/verify_status")"
	check_error_line "$label message" "$(cat "$ERR_FILE")"
	check_absent "$label creates nothing" verify_out
	check_eq "$label leaves input unread" "pipe data" "$(cat "$WORK/verify_rest")"
done

label="--verify pipe whole"
rm -f verify_out
printf 'pipe data' | "$FCOPY" --verify -s whole - verify_out 2>"$ERR_FILE"
check_eq "$label exit status" 0 "$?"
check_eq "$label stderr" "" "$(cat "$ERR_FILE")"
check_eq "$label content" "pipe data" "$(cat verify_out)"
rm -f verify_out

# ----------------------------- closed standard input, output and error

# With descriptors 0, 1 and 2 closed, the files fcopy opens get those
# numbers.  The progress bar must not end up in the copy.
cat first second >first_second
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy closed std descriptors --progress"
	rm -f closed_out
	start_gated_writer first second
	"$FCOPY" --progress=always -s "$strategy" "$FIFO" closed_out <&- >&- 2>&- &
	pid=$!
	keep_background "$pid"
	sleep 1
	release_writer
	wait_bounded "$pid"
	reap_writer
	check_eq "$label exit status" 0 "$STATUS"
	check_same "$label content" first_second closed_out
done
rm -f first second first_second closed_out

# ------------------------------------------------- single messages

label="--help to full device"
"$FCOPY" --help >/dev/full 2>"$ERR_FILE"
check_eq "$label exit status" 1 "$?"
check_error_line "$label message" "$(cat "$ERR_FILE")"

label="--version to full device"
"$FCOPY" --version >/dev/full 2>"$ERR_FILE"
check_eq "$label exit status" 1 "$?"
check_error_line "$label message" "$(cat "$ERR_FILE")"

label="-t missing directory"
run_fcopy -t "$T/no_such_dir" small
check_eq "$label exit status" 1 "$RC"
check_contains "$label message" "No such file or directory" "$ERR"
check_error_line "$label message" "$ERR"

# Standard input has no mode, so a new DEST gets 0666 minus the umask.
for mask in 022 027 077; do
	label="stdin new dest umask $mask"
	rm -f stdin_out
	umask "$mask"
	printf x | "$FCOPY" - stdin_out 2>"$ERR_FILE"
	status=$?
	umask 022
	check_eq "$label exit status" 0 "$status"
	check_eq "$label mode" "$(printf '%o' $((0666 & ~0$mask)))" "$(file_mode stdin_out)"
done
rm -f stdin_out

# json_field FILE FIELD...: parse the line of FILE that starts with "{"
# as JSON and print the value under the FIELD path, or "invalid:" and the
# error when it does not parse or lacks the field.
json_field() {
	python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1], "rb").read().split(b"\n") if l.startswith(b"{")]
try:
    value = json.loads(lines[0])
    for key in sys.argv[2:]:
        value = value[key]
    print(value)
except (IndexError, ValueError, KeyError) as error:
    print("invalid:", error)
' "$@"
}

if need_command "--stats=json" python3; then
	make_random stats_src 200000
	if [ "$(fs_type .)" = ext2/ext3 ]; then
		label="--stats=json -v stream"
		run_fcopy --stats=json -v -s stream stats_src stats_out
		check_eq "$label exit status" 0 "$RC"
		check_contains "$label verbose line" "'stats_src' -> 'stats_out'" "$ERR"
		check_eq "$label strategy" stream "$(json_field "$ERR_FILE" strategy)"
		check_eq "$label no write calls" 0 "$(json_field "$ERR_FILE" syscalls write)"
	else
		skip "--stats=json -v stream" "needs ext4 under $T, which is on $(fs_type .)"
	fi

	label="--stats=json byte 0xff in dest"
	run_fcopy --stats=json stats_src $'stats_\xff'
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label parses" 200000 "$(json_field "$ERR_FILE" bytes)"
	check_match "$label dest field" '^stats_' "$(json_field "$ERR_FILE" dest)"
	rm -f stats_src stats_out $'stats_\xff'
fi

mkdir existing_dir
for dest in existing_dir/ existing_dir; do
	label="-T $dest is directory"
	run_fcopy -T small "$dest"
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label message" "cannot overwrite directory" "$ERR"
	check_error_line "$label message" "$ERR"
	check_listing "$label creates nothing" existing_dir
done
rm -rf existing_dir

# A bind mount cannot be renamed over, so fcopy writes into the mounted
# file.
if need_root "bind-mounted dest"; then
	printf 'bound data\n' >bound_file
	touch mount_point
	if ! mount_bind "$T/bound_file" "$T/mount_point" 2>"$ERR_FILE"; then
		skip "bind-mounted dest" "mount --bind failed: $(cat "$ERR_FILE")"
	else
		for strategy in "${STRATEGIES[@]}"; do
			label="$strategy bind-mounted dest"
			printf 'bound data\n' >bound_file
			inode_before=$(file_inode mount_point)
			run_fcopy -s "$strategy" small mount_point
			check_eq "$label exit status" 0 "$RC"
			check_eq "$label stderr" "" "$ERR"
			check_same "$label content" small mount_point
			check_same "$label mounted file content" small bound_file
			check_eq "$label inode" "$inode_before" "$(file_inode mount_point)"
		done
		check "bind-mounted dest unmounts" unmount_last
	fi
	rm -f bound_file mount_point
fi

finish
