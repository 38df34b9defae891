# Short reads and short writes: only read() == 0 is end of file, and a
# short write is followed by a write of the rest.  Pipes and FIFOs with a
# pausing writer give short reads for real.  An LD_PRELOAD shim makes every
# read() and write() on a file short.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STRATEGIES=(whole buffered stream auto)

# Writes part1, pauses so that a reader sees a short count, writes part2.
pausing_writer() {
	printf part1
	sleep 0.3
	printf part2
}

for strategy in "${STRATEGIES[@]}"; do
	label="$strategy pausing pipe /dev/stdin"
	run_fcopy -s "$strategy" /dev/stdin "pipe_$strategy" < <(pausing_writer)
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_eq "$label content" part1part2 "$(cat "pipe_$strategy" 2>&1)"

	label="$strategy pausing pipe to stdout pipe"
	pausing_writer |
		timeout 30 "$FCOPY" -s "$strategy" - - 2>"err_stdio_$strategy" |
		cat >"stdio_$strategy"
	status=${PIPESTATUS[1]}
	check_eq "$label exit status" 0 "$status"
	check_eq "$label stderr" "" "$(cat "err_stdio_$strategy")"
	check_eq "$label content" part1part2 "$(cat "stdio_$strategy")"
done

mkfifo fifo
for strategy in "${STRATEGIES[@]}"; do
	for buffer in default 4096; do
		label="$strategy -b $buffer pausing fifo"
		options=(-s "$strategy")
		if [ "$buffer" != default ] && [ "$strategy" != whole ]; then
			options+=(-b "$buffer")
		fi
		{ printf a; sleep 0.3; printf b; } >fifo &
		writer=$!
		keep_background "$writer"
		run_fcopy "${options[@]}" fifo "fifo_${strategy}_$buffer"
		wait_or_kill "$writer" 2
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label stderr" "" "$ERR"
		check_eq "$label content" ab "$(cat "fifo_${strategy}_$buffer" 2>&1)"
	done
done

if ! need_command "short read and write shim" cc; then
	finish
fi

# The shim caps each read() and write() on descriptors above 2 at a count
# that changes from call to call, so that no two chunks line up.  It
# creates $SHIM_MARK.read and $SHIM_MARK.write once it has shortened a
# call, which shows that fcopy's calls went through it.
cat >shim.c <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef ssize_t (*read_function)(int, void *, size_t);
typedef ssize_t (*write_function)(int, const void *, size_t);

static unsigned long read_calls;
static unsigned long write_calls;

static void mark_shortened(const char *suffix, int *marked)
{
	const char *base = getenv("SHIM_MARK");
	char path[4096];
	int fd;

	if (*marked || base == NULL)
		return;
	*marked = 1;
	snprintf(path, sizeof(path), "%s%s", base, suffix);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

/* 1 to cap bytes, different on each call. */
static size_t shortened_count(size_t count, unsigned long call, size_t cap)
{
	size_t allowed = 1 + (call * 7919) % cap;

	return count < allowed ? count : allowed;
}

static ssize_t short_read(int fd, void *buffer, size_t count)
{
	static read_function real_read;
	static int marked;
	size_t allowed;

	if (real_read == NULL)
		real_read = (read_function)dlsym(RTLD_NEXT, "read");
	if (fd > 2) {
		allowed = shortened_count(count, ++read_calls, 1000);
		if (allowed < count)
			mark_shortened(".read", &marked);
		count = allowed;
	}
	return real_read(fd, buffer, count);
}

ssize_t read(int fd, void *buffer, size_t count)
{
	return short_read(fd, buffer, count);
}

/* A build with _FORTIFY_SOURCE calls this in place of read(). */
ssize_t __read_chk(int fd, void *buffer, size_t count, size_t buffer_size)
{
	(void)buffer_size;
	return short_read(fd, buffer, count);
}

ssize_t write(int fd, const void *buffer, size_t count)
{
	static write_function real_write;
	static int marked;
	size_t allowed;

	if (real_write == NULL)
		real_write = (write_function)dlsym(RTLD_NEXT, "write");
	if (fd > 2) {
		allowed = shortened_count(count, ++write_calls, 333);
		if (allowed < count)
			mark_shortened(".write", &marked);
		count = allowed;
	}
	return real_write(fd, buffer, count);
}
EOF
if ! cc -shared -fPIC -O2 -Wall -o shim.so shim.c -ldl 2>shim_build.err; then
	fail "short read and write shim builds" "cc failed: $(cat shim_build.err)"
	finish
fi

# LD_PRELOAD reaches only a dynamically linked program.  FCOPY_DYNAMIC may
# name a dynamic build of the same sources.  Otherwise a static FCOPY is
# rebuilt here from the repository's sources, linked dynamically.
shim_fcopy=${FCOPY_DYNAMIC:-}
if [ -z "$shim_fcopy" ]; then
	if ldd "$FCOPY" >/dev/null 2>&1; then
		shim_fcopy=$FCOPY
	else
		source_root=$(cd "$E2E_DIR/../.." && pwd)
		if cc -std=c17 -O2 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -DFCOPY_VERSION='"e2e"' \
			-I "$source_root/include" "$source_root"/src/*.c -o fcopy_dynamic 2>dynamic_build.err; then
			shim_fcopy=$T/fcopy_dynamic
		else
			skip "short read and write shim" \
				"FCOPY is statically linked and a dynamic build from $source_root/src failed: $(head -c 300 dynamic_build.err)"
			finish
		fi
	fi
fi

make_random src 1000000

# run_with_shim NAME COMMAND...: run with the shim preloaded.  The marks go
# to mark_NAME.read and mark_NAME.write.
run_with_shim() {
	local name=$1
	shift

	run env LD_PRELOAD="$T/shim.so" SHIM_MARK="$T/mark_$name" "$@"
}

for options in "-s whole" "-s buffered" "-s buffered -b 4096" "-s buffered -b 1M" "-b 7"; do
	name=${options// /_}
	label="shim $options"
	run_with_shim "$name" "$shim_fcopy" $options src "short_$name"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" src "short_$name"
	check_exists "$label shortened reads" "mark_$name.read"
	check_exists "$label shortened writes" "mark_$name.write"
done

# The shim does not reach the kernel fast paths, so the stream strategy
# meets it only in its read/write fallback: strace rejects every fast path.
if command -v strace >/dev/null 2>&1; then
	calls=ioctl,copy_file_range,sendfile,splice
	label="shim stream fallback"
	run strace -f -o /dev/null -E LD_PRELOAD="$T/shim.so" -E SHIM_MARK="$T/mark_stream" \
		-e trace="$calls" -e inject="$calls":error=ENOSYS \
		"$shim_fcopy" -s stream src short_stream
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" src short_stream
	check_exists "$label shortened reads" mark_stream.read
	check_exists "$label shortened writes" mark_stream.write
else
	skip "shim stream fallback" "needs strace, which is not installed"
fi

# A pipe source through the shim: short reads on top of a pausing writer.
label="shim buffered pausing pipe"
run_with_shim pipe "$shim_fcopy" -s buffered /dev/stdin short_pipe < <(pausing_writer)
check_eq "$label exit status" 0 "$RC"
check_eq "$label content" part1part2 "$(cat short_pipe 2>&1)"

finish
