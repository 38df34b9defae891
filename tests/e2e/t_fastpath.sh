# The kernel fast paths of the stream strategy (FICLONE, copy_file_range,
# sendfile, splice): silent fallback when a call is refused or returns 0
# before any data moved, and a reported failure on data errors.  Faults
# are injected with strace.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v strace >/dev/null 2>&1; then
	skip_all "needs strace for fault injection, which is not installed"
fi

KERNEL_CALLS=copy_file_range,sendfile,splice

make_random src 300000
make_random data 5000000

# A 0 from copy_file_range is not end of file: the copy confirms with
# read() and neither stops early nor spins on more zeros.
run strace -f -o zero.log -P "$T/src" -e trace=copy_file_range \
	-e inject=copy_file_range:retval=0 "$FCOPY" -s stream src zero_first
check_eq "stream zero from copy_file_range exit status" 0 "$RC"
check_eq "stream zero from copy_file_range stderr" "" "$ERR"
check_eq "stream zero from copy_file_range size" 300000 "$(file_size zero_first)"
check_same "stream zero from copy_file_range content" src zero_first
check_ge "stream zero from copy_file_range injected" 1 "$(count_injected zero.log)"

run strace -f -o zero_all.log -P "$T/src" -e trace="$KERNEL_CALLS" \
	-e inject="$KERNEL_CALLS":retval=0 "$FCOPY" -s stream src zero_all
check_eq "stream zero from every kernel call exit status" 0 "$RC"
check_eq "stream zero from every kernel call stderr" "" "$ERR"
check_same "stream zero from every kernel call content" src zero_all

# procfs: on kernels 5.3 to 5.18 copy_file_range returns 0 here, on later
# ones EXDEV; the copy must come out whole either way.
if [ -r /proc/version ]; then
	RUN_TIMEOUT=30 run_fcopy -s stream /proc/version proc_version
	check_eq "stream procfs exit status" 0 "$RC"
	check_eq "stream procfs stderr" "" "$ERR"
	check_same "stream procfs content" /proc/version proc_version
	check_ge "stream procfs not empty" 1 "$(file_size proc_version)"
else
	skip "stream procfs" "/proc/version is not readable here"
fi

: >empty
run_fcopy -s stream empty empty_copy
check_eq "stream empty exit status" 0 "$RC"
check_eq "stream empty size" 0 "$(file_size empty_copy)"

# tmpfs and ext4 are different filesystems: copy_file_range gives EXDEV.
if make_shm_dir >/dev/null; then
	shm=$SHM_DIR
	cp data "$shm/src"
	for strategy in stream auto; do
		run_fcopy -s "$strategy" "$shm/src" "to_ext4_$strategy"
		check_eq "$strategy tmpfs to ext4 exit status" 0 "$RC"
		check_eq "$strategy tmpfs to ext4 stderr" "" "$ERR"
		check_same "$strategy tmpfs to ext4 content" data "to_ext4_$strategy"

		run_fcopy -s "$strategy" data "$shm/back_$strategy"
		check_eq "$strategy ext4 to tmpfs exit status" 0 "$RC"
		check_eq "$strategy ext4 to tmpfs stderr" "" "$ERR"
		check_same "$strategy ext4 to tmpfs content" data "$shm/back_$strategy"
	done
else
	skip "tmpfs to ext4" "cannot make a directory in /dev/shm"
fi

# Errors that mean "this mechanism cannot serve these files": with every
# kernel mechanism refused the read/write loop still copies, and a refused
# mechanism is not tried again for the same file.
for errno_name in EXDEV EOPNOTSUPP ENOSYS EINVAL ENOTTY EBADF ETXTBSY EPERM EACCES ENOENT; do
	label="stream refusal $errno_name"
	log=refuse_$errno_name.log
	run strace -f -o "$log" -e trace="ioctl,$KERNEL_CALLS" \
		-e inject="ioctl,$KERNEL_CALLS":error="$errno_name" \
		"$FCOPY" -s stream -b 64K data "refused_$errno_name"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" data "refused_$errno_name"
	check_ge "$label injected" 1 "$(count_injected "$log")"
	check_le "$label FICLONE tried once" 1 "$(grep -cF FICLONE "$log")"
	for call in copy_file_range sendfile splice; do
		check_le "$label $call tried once" 1 "$(grep -cF "$call(" "$log")"
	done
	rm -f "refused_$errno_name"
done

# A file to pipe copy, with sendfile and splice refused, falls back to write.
label="stream to pipe refusal EINVAL"
timeout 60 strace -f -o pipe_refuse.log -P "$T/data" -e trace="$KERNEL_CALLS" \
	-e inject="$KERNEL_CALLS":error=EINVAL "$FCOPY" -s stream data - 2>pipe_refuse.err |
	cat >pipe_refused
check_eq "$label exit status" 0 "${PIPESTATUS[0]}"
check_eq "$label stderr" "" "$(cat pipe_refuse.err)"
check_same "$label content" data pipe_refused

# Data errors are reported and never retried with another mechanism.  The
# failed copy leaves neither DEST nor a temporary file behind.
mkdir failed
for errno_text in "EIO:Input/output error" "ENOSPC:No space left on device"; do
	errno_name=${errno_text%%:*}
	text=${errno_text#*:}
	label="stream copy_file_range $errno_name"
	run strace -f -o "cfr_$errno_name.log" -P "$T/data" -e trace=copy_file_range \
		-e inject=copy_file_range:error="$errno_name" \
		"$FCOPY" -s stream data "failed/cfr_$errno_name"
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label message" "$text" "$ERR"
	check_match "$label names a file" "data|cfr_$errno_name" "$ERR"
	check_error_line "$label message" "$ERR"
	check_ge "$label injected" 1 "$(count_injected "cfr_$errno_name.log")"
	check_listing "$label leaves nothing" failed
done

# FICLONE's file descriptor is the destination's temporary file, whose
# name is not known in advance, so the fault goes to every ioctl.
label="stream FICLONE EIO"
run strace -f -o ficlone.log -e trace=ioctl -e inject=ioctl:error=EIO \
	"$FCOPY" -s stream data failed/ficlone
check_eq "$label exit status" 1 "$RC"
check_contains "$label message" "Input/output error" "$ERR"
check_error_line "$label message" "$ERR"
check_ge "$label FICLONE tried" 1 "$(grep -c FICLONE ficlone.log)"
check_listing "$label leaves nothing" failed

# ext4 shares no extents, so --reflink=always must fail as cp's does, and
# --reflink=never must not try FICLONE at all.
# stat -f reports ext4 as "ext2/ext3".
if [ "$(stat -f -c %T "$T")" = ext2/ext3 ]; then
	run_fcopy --reflink=always data failed/reflink_always
	check_eq "--reflink=always on ext4 exit status" 1 "$RC"
	check_error_line "--reflink=always on ext4 message" "$ERR"
	check_listing "--reflink=always on ext4 leaves nothing" failed
else
	skip "--reflink=always on ext4" "$T is on $(stat -f -c %T "$T"), not ext4"
fi

run strace -f -o reflink_never.log -e trace=ioctl "$FCOPY" -s stream --reflink=never data reflink_never
check_eq "--reflink=never exit status" 0 "$RC"
check_same "--reflink=never content" data reflink_never
check_eq "--reflink=never makes no FICLONE call" 0 "$(grep -c FICLONE reflink_never.log)"

# After data has moved, even a refusal ends the copy: falling back then
# could copy a range twice or skip one.
label="stream refusal after data moved"
run strace -f -o late.log -P "$T/data" -e trace=copy_file_range \
	-e inject=copy_file_range:error=EXDEV:when=3 \
	"$FCOPY" -s stream -b 64K data failed/late
check_eq "$label exit status" 1 "$RC"
check_contains "$label message" "Invalid cross-device link" "$ERR"
check_error_line "$label message" "$ERR"
check_eq "$label injected" 1 "$(count_injected late.log)"
check_listing "$label leaves nothing" failed

finish
