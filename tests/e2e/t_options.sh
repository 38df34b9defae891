# Command-line options that decide whether and how DEST is written: -n, -i,
# -f, -v, --sync, --verify, --preserve, --stats=json, --help, --version,
# --reflink, --sparse, -t and -T.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STRATEGIES=(whole buffered stream auto)

make_random src 500000
printf 'new content\n' >small

# reset_dest: write DEST with known content and set DEST_INODE.
reset_dest() {
	printf 'old content\n' >dest
	DEST_INODE=$(file_inode dest)
}

# check_dest_kept LABEL: DEST has its old content and inode.
check_dest_kept() {
	check_eq "$1 keeps content" "old content" "$(cat dest)"
	check_eq "$1 keeps inode" "$DEST_INODE" "$(file_inode dest)"
}

# ----------------------------------------------------------- -n, -i, -f

reset_dest
run_fcopy -n small dest
check_eq "-n exit status" 0 "$RC"
check_eq "-n stdout" "" "$OUT"
check_eq "-n stderr" "" "$ERR"
check_dest_kept "-n"

run_fcopy -n -v small dest
check_eq "-n -v exit status" 0 "$RC"
check_eq "-n -v stdout" "" "$OUT"
check_contains "-n -v says skipped" "skipped" "$ERR"
check_contains "-n -v names dest" "dest" "$ERR"
check_lines "-n -v one line" 1 "$ERR"
check_dest_kept "-n -v"

rm -f new_dest
run_fcopy -n small new_dest
check_eq "-n new dest exit status" 0 "$RC"
check_same "-n new dest content" small new_dest
rm -f new_dest

for order in "-n -f" "-f -n"; do
	reset_dest
	# shellcheck disable=SC2086 # $order holds two options
	run_fcopy $order small dest
	check_eq "$order exit status" 0 "$RC"
	check_same "$order replaces" small dest
done

# Without a controlling terminal (setsid) and with standard input from
# /dev/null, -i cannot ask, so it skips.
if need_command "-i without a terminal" setsid; then
	reset_dest
	run setsid -w "$FCOPY" -i small dest </dev/null
	check_eq "-i no terminal exit status" 0 "$RC"
	check_eq "-i no terminal stdout" "" "$OUT"
	check_dest_kept "-i no terminal"

	run setsid -w "$FCOPY" -i -v small dest </dev/null
	check_eq "-i -v no terminal exit status" 0 "$RC"
	check_contains "-i -v no terminal says skipped" "skipped" "$ERR"
	check_dest_kept "-i -v no terminal"

	rm -f new_dest
	run setsid -w "$FCOPY" -i small new_dest </dev/null
	check_eq "-i new dest exit status" 0 "$RC"
	check_same "-i new dest content" small new_dest
	rm -f new_dest

	reset_dest
	run setsid -w "$FCOPY" -i -f small dest </dev/null
	check_eq "-i -f exit status" 0 "$RC"
	check_same "-i -f replaces" small dest
fi

# ------------------------------------------------------------------- -v

rm -f verbose_dest
run_fcopy -v small verbose_dest
check_eq "-v exit status" 0 "$RC"
check_eq "-v stdout" "" "$OUT"
check_eq "-v stderr" "'small' -> 'verbose_dest'" "$ERR"
check_same "-v content" small verbose_dest
rm -f verbose_dest

run_fcopy small verbose_dest
check_eq "quiet by default stdout" "" "$OUT"
check_eq "quiet by default stderr" "" "$ERR"
rm -f verbose_dest

# ------------------------------------------------------ --sync, --verify

for strategy in "${STRATEGIES[@]}"; do
	for placement in atomic --in-place; do
		label="$strategy $placement"
		args=(-s "$strategy")
		if [ "$placement" = --in-place ]; then
			args+=(--in-place)
		fi

		reset_dest
		run_fcopy "${args[@]}" --sync src dest
		check_eq "$label --sync exit status" 0 "$RC"
		check_eq "$label --sync stderr" "" "$ERR"
		check_same "$label --sync content" src dest

		reset_dest
		run_fcopy "${args[@]}" --verify src dest
		check_eq "$label --verify exit status" 0 "$RC"
		check_eq "$label --verify stderr" "" "$ERR"
		check_same "$label --verify content" src dest

		rm -f new_dest
		run_fcopy "${args[@]}" --verify --sync src new_dest
		check_eq "$label --verify --sync new dest exit status" 0 "$RC"
		check_same "$label --verify --sync new dest content" src new_dest
		rm -f new_dest
	done
done

# A pipe cannot be read a second time, so --verify with a strategy that
# streams it must fail before DEST is touched.
for strategy in buffered stream; do
	label="$strategy --verify pipe source"
	reset_dest
	run bash -c 'exec "$1" --verify -s "$2" - dest <"$3"' verify_pipe "$FCOPY" "$strategy" <(cat src)
	check_eq "$label exit status" 1 "$RC"
	check_error_line "$label message" "$ERR"
	check_contains "$label names the cause" "verify" "$ERR"
	check_dest_kept "$label"

	run bash -c 'cat "$3" | exec "$1" --verify -s "$2" - new_dest' verify_pipe "$FCOPY" "$strategy" src
	check_eq "$label new dest exit status" 1 "$RC"
	check_absent "$label creates no dest" new_dest
done
check_listing "--verify leaves no temporary file" . dest small src

# -s whole keeps the whole source in memory, so it can compare the copy
# with it.  The error message of the other strategies suggests -s whole.
reset_dest
run bash -c 'cat "$2" | exec "$1" --verify -s whole - dest' verify_pipe "$FCOPY" src
check_eq "whole --verify pipe source exit status" 0 "$RC"
check_same "whole --verify pipe source content" src dest

# ------------------------------------------------------------ --preserve

ATIME_TEXT='2019-05-06 07:08:09.987654321'
MTIME_TEXT='2020-01-02 03:04:05.123456789'
ATIME=$(date -d "$ATIME_TEXT" +%s.%N)
MTIME=$(date -d "$MTIME_TEXT" +%s.%N)

# stamp_source: give src the known atime and mtime.  Reading src may move
# its atime, so the expected values are the ones set here.
stamp_source() {
	touch -a -d "$ATIME_TEXT" src
	touch -m -d "$MTIME_TEXT" src
}

for strategy in "${STRATEGIES[@]}"; do
	for option in -p --preserve=timestamps --preserve; do
		label="$strategy $option"
		stamp_source
		rm -f stamped
		run_fcopy -s "$strategy" "$option" src stamped
		check_eq "$label exit status" 0 "$RC"
		# Reading the copy may move its atime, so the content comes last.
		check_eq "$label atime" "$ATIME" "$(stat -c %.9X -- stamped)"
		check_eq "$label mtime" "$MTIME" "$(stat -c %.9Y -- stamped)"
		check_same "$label content" src stamped
	done

	label="$strategy --preserve=timestamps existing dest"
	stamp_source
	reset_dest
	run_fcopy -s "$strategy" --preserve=timestamps src dest
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label atime" "$ATIME" "$(stat -c %.9X -- dest)"
	check_eq "$label mtime" "$MTIME" "$(stat -c %.9Y -- dest)"
done

stamp_source
rm -f stamped
run_fcopy src stamped
check_ne "no --preserve new mtime" "$MTIME" "$(stat -c %.9Y -- stamped)"
rm -f stamped

if need_root "--preserve=mode with set-ID bits"; then
	for bits in 4755 2755 6755; do
		install -m "$bits" /bin/true "setid_$bits"

		run_fcopy --preserve=mode "setid_$bits" "kept_$bits"
		check_eq "--preserve=mode $bits exit status" 0 "$RC"
		check_eq "--preserve=mode $bits mode" "$bits" "$(file_mode "kept_$bits")"

		run bash -c 'umask 077 && exec "$@"' with_umask "$FCOPY" --preserve=mode "setid_$bits" "masked_$bits"
		check_eq "--preserve=mode $bits ignores umask" "$bits" "$(file_mode "masked_$bits")"

		run_fcopy "setid_$bits" "plain_$bits"
		check_eq "no --preserve $bits drops set-ID bits" 755 "$(file_mode "plain_$bits")"
		rm -f "setid_$bits" "kept_$bits" "masked_$bits" "plain_$bits"
	done

	cp small owned_src
	chown "$NOBODY_UID:$NOBODY_GID" owned_src
	run_fcopy --preserve=ownership owned_src owned_dest
	check_eq "--preserve=ownership exit status" 0 "$RC"
	check_eq "--preserve=ownership owner" "$NOBODY_UID:$NOBODY_GID" "$(stat -c %u:%g -- owned_dest)"
	run_fcopy owned_src unowned_dest
	check_eq "no --preserve owner" "0:0" "$(stat -c %u:%g -- unowned_dest)"
	rm -f owned_src owned_dest unowned_dest
fi

# ---------------------------------------------------------- --stats=json

# check_json_stats LABEL COUNT: ERR contains COUNT lines, each a JSON object
# with the keys of the per-file summary.  Prints one problem per line.
check_json_stats() {
	local label=$1 count=$2 problems

	problems=$(printf '%s\n' "$ERR" | python3 -c '
import json, sys
keys = ("bytes", "seconds", "strategy", "mechanism", "syscalls")
lines = sys.stdin.read().splitlines()
if len(lines) != int(sys.argv[1]):
    print("expected %s lines, got %d" % (sys.argv[1], len(lines)))
for line in lines:
    try:
        record = json.loads(line)
    except ValueError as error:
        print("invalid JSON %r: %s" % (line, error))
        continue
    if not isinstance(record, dict):
        print("not an object: %r" % line)
        continue
    for key in keys:
        if key not in record:
            print("missing key %s in %r" % (key, line))
' "$count" 2>&1)
	check_eq "$label json" "" "$problems"
}

# json_field KEY: the value of KEY in the first JSON line of ERR.
json_field() {
	printf '%s\n' "$ERR" | head -n 1 | python3 -c '
import json, sys
print(json.loads(sys.stdin.read()).get(sys.argv[1], ""))
' "$1" 2>&1
}

if need_command "--stats=json" python3; then
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy --stats=json"
		rm -f stats_dest
		run_fcopy -s "$strategy" --stats=json src stats_dest
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label stdout" "" "$OUT"
		check_json_stats "$label" 1
		check_eq "$label bytes" "$(file_size src)" "$(json_field bytes)"
		if [ "$strategy" = auto ]; then
			check_one_of "$label strategy" "$(json_field strategy)" whole buffered stream
		else
			check_eq "$label strategy" "$strategy" "$(json_field strategy)"
		fi
	done
	rm -f stats_dest

	mkdir stats_dir
	run_fcopy --stats=json -t stats_dir src small
	check_eq "--stats=json two files exit status" 0 "$RC"
	check_json_stats "--stats=json two files" 2
	rm -rf stats_dir

	# copy_file_range(2) between tmpfs and ext4 failed with EXDEV on
	# Linux 6.18, so -s stream falls back and reports why.
	if [ "$(stat -f -c %T "$T")" = tmpfs ]; then
		skip "--stats=json across filesystems" "$T is on tmpfs, like /dev/shm"
	elif ! shm=$(make_shm_dir); then
		skip "--stats=json across filesystems" "cannot make a directory on /dev/shm"
	else
		for direction in to_shm from_shm; do
			label="--stats=json stream $direction"
			if [ "$direction" = to_shm ]; then
				run_fcopy --stats=json -s stream src "$shm/copy"
			else
				run_fcopy --stats=json -s stream "$shm/copy" back_from_shm
			fi
			check_eq "$label exit status" 0 "$RC"
			check_json_stats "$label" 1
			check_ne "$label fallback" "" "$(json_field fallback)"
			check_match "$label mechanism" '^(sendfile|read/write)' "$(json_field mechanism)"
		done
		check_same "--stats=json stream round trip" src back_from_shm
		rm -f back_from_shm
	fi
fi

# -------------------------------------------------- --help, --version

for option in --help --version; do
	run_fcopy "$option"
	check_eq "$option exit status" 0 "$RC"
	check_ne "$option stdout" "" "$OUT"
	check_eq "$option stderr" "" "$ERR"
done
run_fcopy --help
check_contains "--help usage line" "Usage: fcopy" "$OUT"
run_fcopy --version
check_contains "--version names fcopy" "fcopy" "$OUT"

# ------------------------------------------------------------ --reflink

# ext4 and tmpfs cannot share extents, so --reflink=always must fail.
reflink_dirs=()
case $(stat -f -c %T "$T") in
ext2/ext3 | tmpfs) reflink_dirs+=("$T") ;;
*) skip "--reflink=always on $T" "$T is on $(stat -f -c %T "$T"), which may share extents" ;;
esac
if shm=$(make_shm_dir); then
	reflink_dirs+=("$shm")
fi
for dir in "${reflink_dirs[@]}"; do
	label="--reflink=always on $(stat -f -c %T "$dir")"
	cp src "$dir/reflink_src"
	rm -f "$dir/reflink_new"
	run_fcopy --reflink=always "$dir/reflink_src" "$dir/reflink_new"
	check_eq "$label exit status" 1 "$RC"
	check_error_line "$label message" "$ERR"
	check_contains "$label names dest" "reflink_new" "$ERR"
	check_absent "$label creates no dest" "$dir/reflink_new"

	printf 'old content\n' >"$dir/reflink_old"
	run_fcopy --reflink=always "$dir/reflink_src" "$dir/reflink_old"
	check_eq "$label existing dest exit status" 1 "$RC"
	check_eq "$label existing dest kept" "old content" "$(cat "$dir/reflink_old")"

	run_fcopy --reflink=never "$dir/reflink_src" "$dir/reflink_never"
	check_eq "--reflink=never exit status" 0 "$RC"
	check_same "--reflink=never content" src "$dir/reflink_never"
	rm -f "$dir"/reflink_*
done

# ------------------------------------------------------------- --sparse

# 64 KiB of data, a 1 MiB run of zeros, 64 KiB of data.
{
	head -c 65536 /dev/urandom
	head -c 1048576 /dev/zero
	head -c 65536 /dev/urandom
} >zeros_src
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy --sparse=always"
	rm -f sparse_always sparse_never
	run_fcopy -s "$strategy" --sparse=always zeros_src sparse_always
	check_eq "$label exit status" 0 "$RC"
	check_same "$label content" zeros_src sparse_always
	run_fcopy -s "$strategy" --sparse=never zeros_src sparse_never
	check_eq "$strategy --sparse=never exit status" 0 "$RC"
	check_same "$strategy --sparse=never content" zeros_src sparse_never

	always_blocks=$(file_blocks sparse_always)
	never_blocks=$(file_blocks sparse_never)
	check_le "$label fewer blocks than never" $((never_blocks - 1)) "$always_blocks"
	# The 1 MiB run is 2048 blocks of 512 bytes, and half of that allows
	# for filesystem overhead.
	check_le "$label leaves a hole" $((never_blocks - 1024)) "$always_blocks"
done
rm -f zeros_src sparse_always sparse_never

# ------------------------------------------------------------- -t and -T

mkdir target
run_fcopy -t target src small
check_eq "-t exit status" 0 "$RC"
check_same "-t first source" src target/src
check_same "-t second source" small target/small
check_listing "-t copies only the sources" target small src

run_fcopy --target-directory=target -v small
check_eq "--target-directory exit status" 0 "$RC"
check_eq "--target-directory -v line" "'small' -> 'target/small'" "$ERR"

run_fcopy -t small src
check_eq "-t with a file exit status" 1 "$RC"
check_error_line "-t with a file message" "$ERR"
check_eq "-t with a file keeps it" "new content" "$(cat small)"

# Without -T a directory DEST receives the file, and with -T it is an error.
mkdir into
run_fcopy small into
check_eq "directory dest exit status" 0 "$RC"
check_same "directory dest copies inside" small into/small

mkdir no_target
run_fcopy -T small no_target
check_eq "-T directory dest exit status" 1 "$RC"
check_error_line "-T directory dest message" "$ERR"
check_contains "-T directory dest names it" "no_target" "$ERR"
check_eq "-T directory dest stays a directory" directory "$(stat -c %F -- no_target)"
check_listing "-T directory dest stays empty" no_target

run_fcopy -T small t_file
check_eq "-T file dest exit status" 0 "$RC"
check_same "-T file dest content" small t_file

run_fcopy -T src small extra
check_eq "-T with three operands exit status" 2 "$RC"
check_error_line "-T with three operands message" "$ERR"

finish
