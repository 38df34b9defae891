# Plain copies of regular files with every strategy and buffer size, the
# SIZE suffixes of -b, and the informational options.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# copy_and_compare LABEL SOURCE OPTION...: copy SOURCE to a new file and
# compare.  fcopy prints nothing on success.
copy_and_compare() {
	local label=$1 source=$2
	shift 2

	rm -f copy
	run_fcopy "$@" "$source" copy
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stdout" "" "$OUT"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" "$source" copy
	rm -f copy
}

# Sizes around the edges: empty, one byte, one short of a page, one past
# the default 128 KiB buffer, and an odd size that no power of two divides.
SIZES=(0 1 4095 131073 1000003)
for size in "${SIZES[@]}"; do
	make_random "src_$size" "$size"
done

for size in "${SIZES[@]}"; do
	for strategy in whole buffered stream auto; do
		copy_and_compare "$strategy size $size" "src_$size" -s "$strategy"
	done
	for strategy in buffered stream; do
		for buffer in 1 7 4096 1M; do
			# One- and seven-byte buffers on a megabyte take millions of calls.
			if [ "$size" -gt 131073 ] && [ "$buffer" != 4096 ] && [ "$buffer" != 1M ]; then
				continue
			fi
			copy_and_compare "$strategy -b $buffer size $size" "src_$size" -s "$strategy" -b "$buffer"
		done
	done
	copy_and_compare "-b 4096 alone size $size" "src_$size" -b 4096
done

# A 100 MiB file: many buffers and kernel calls, well past every default.
make_random big $((100 * 1024 * 1024))
copy_and_compare "whole 100 MiB" big -s whole
copy_and_compare "buffered 100 MiB" big -s buffered
copy_and_compare "buffered -b 4096 100 MiB" big -s buffered -b 4096
copy_and_compare "buffered -b 1M 100 MiB" big -s buffered -b 1M
copy_and_compare "stream 100 MiB" big -s stream
copy_and_compare "stream -b 4096 100 MiB" big -s stream -b 4096
copy_and_compare "stream -b 1M 100 MiB" big -s stream -b 1M
copy_and_compare "auto 100 MiB" big -s auto
copy_and_compare "default strategy 100 MiB" big
copy_and_compare "-b 4096 alone 100 MiB" big -b 4096
rm -f big

# Print the largest byte count that a copy_file_range, sendfile or splice
# call in an strace log requested (0 when there was none).  The count is
# the fifth argument of copy_file_range and splice, the fourth of sendfile.
max_kernel_request() {
	awk '
		/(copy_file_range|sendfile|splice)\(/ {
			call = $0
			sub(/^[0-9]+ +/, "", call)
			name = call
			sub(/\(.*/, "", name)
			sub(/^[a-z_]+\(/, "", call)
			sub(/\) += .*/, "", call)
			split(call, args, ", ")
			requested = (name == "sendfile") ? args[4] : args[5]
			if (requested + 0 > max)
				max = requested + 0
		}
		END { print max + 0 }
	' "$1"
}

# The system calls show which strategy ran and the buffer it used.
if need_command "buffer size in system calls" strace; then
	make_random medium 2500000

	rm -f copy
	run strace -f -o trace.log -P "$T/medium" -e trace=read,copy_file_range,sendfile,splice \
		"$FCOPY" -b 4096 medium copy
	check_eq "-b alone exit status" 0 "$RC"
	check_same "-b alone content" medium copy
	check_eq "-b alone makes no kernel copy call" 0 "$(grep -cE 'copy_file_range|sendfile|splice' trace.log)"
	check "-b alone reads 4096 bytes per call" grep -qE 'read\([0-9]+, .*, 4096\) = ' trace.log

	# K, M, G and KiB, MiB, GiB are powers of 1024, and kB, MB, GB of 1000.
	for pair in 4K:4096 4KiB:4096 4kB:4000 1M:1048576 1MiB:1048576 1MB:1000000 \
		65536:65536; do
		suffix=${pair%%:*}
		bytes=${pair#*:}
		rm -f copy trace.log
		run strace -f -o trace.log -P "$T/medium" -e trace=read \
			"$FCOPY" -s buffered -b "$suffix" medium copy
		check_eq "buffered -b $suffix exit status" 0 "$RC"
		check_same "buffered -b $suffix content" medium copy
		check "buffered -b $suffix reads $bytes bytes per call" \
			grep -qE "read\([0-9]+, .*, $bytes\) = " trace.log
	done

	rm -f copy trace.log
	run strace -f -o trace.log -P "$T/medium" -e trace=copy_file_range,sendfile,splice \
		"$FCOPY" -s stream -b 64K medium copy
	check_eq "stream -b 64K exit status" 0 "$RC"
	check_same "stream -b 64K content" medium copy
	check_eq "stream -b 64K largest kernel call" 65536 "$(max_kernel_request trace.log)"
	rm -f copy trace.log
fi

# --help and --version print to standard output only and succeed.
for option in --help --version; do
	run_fcopy "$option"
	check_eq "$option exit status" 0 "$RC"
	check_ne "$option prints to stdout" "" "$OUT"
	check_eq "$option stderr" "" "$ERR"
done

# --stats reports on standard error and leaves standard output to data.
rm -f copy
run_fcopy --stats src_1000003 copy
check_eq "--stats exit status" 0 "$RC"
check_eq "--stats stdout" "" "$OUT"
check_ne "--stats prints a report" "" "$ERR"
check_same "--stats content" src_1000003 copy

# Options that add work around the copy leave the data and stdout alone.
for option in --sync --verify --progress=always --reflink=never --sparse=never; do
	rm -f copy
	run_fcopy "$option" src_1000003 copy
	check_eq "$option exit status" 0 "$RC"
	check_eq "$option stdout" "" "$OUT"
	check_same "$option content" src_1000003 copy
done

rm -f copy
run_fcopy --stats=json src_1000003 copy
check_eq "--stats=json exit status" 0 "$RC"
check_eq "--stats=json stdout" "" "$OUT"
check_lines "--stats=json one line per file" 1 "$ERR"
check_match "--stats=json line is an object" '^\{.*\}$' "$ERR"
rm -f copy

finish
