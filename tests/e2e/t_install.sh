# `cmake --install` of the build directory FCOPY_BUILD_DIR into a staging
# directory with DESTDIR: the binary, the manual page and the bash
# completion land under DESTDIR/usr and nothing is written elsewhere.  Then
# the installed files themselves: the binary's --version, the manual page
# rendered by groff and man, and the completion function _fcopy called as
# bash calls it.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SOURCE_DIR=$(cd "$E2E_DIR/../.." && pwd)

if [ -z "${FCOPY_BUILD_DIR:-}" ]; then
	skip_all "FCOPY_BUILD_DIR is not set: set it to the CMake build directory of FCOPY"
fi
if [ ! -f "$FCOPY_BUILD_DIR/cmake_install.cmake" ]; then
	skip_all "FCOPY_BUILD_DIR='$FCOPY_BUILD_DIR' has no cmake_install.cmake"
fi
if ! command -v cmake >/dev/null 2>&1; then
	skip_all "needs cmake, which is not installed"
fi

STAGE=$T/root
BIN=$STAGE/usr/bin/fcopy
MAN_PAGE=$STAGE/usr/share/man/man1/fcopy.1
COMPLETION=$STAGE/usr/share/bash-completion/completions/fcopy
INSTALLED=(/usr/bin/fcopy /usr/share/man/man1/fcopy.1 /usr/share/bash-completion/completions/fcopy)

VERSION=$(sed -n 's/^project(fcopy VERSION \([0-9][0-9.]*\).*/\1/p' "$SOURCE_DIR/CMakeLists.txt")
VERSION_PATTERN=${VERSION//./\\.}

# Inode, size and modification time of PATH, or "absent".
describe_path() {
	stat -c '%i %s %.9Y' -- "$1" 2>/dev/null || echo absent
}

# Reads an strace log of the install, made with -y so that descriptors
# show their paths.  Prints each successful system call that wrote a path
# outside the staging directory.  The install manifest is allowed because
# CMake always writes it into the build directory.  The last line is
# "writes=N", the count of successful calls that wrote any path.
WRITE_PARSER='
import os, re, sys

log, stage, build, cwd = sys.argv[1:5]
writing_calls = {
    "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat",
    "renameat2", "link", "linkat", "symlink", "symlinkat", "chmod",
    "fchmodat", "fchmodat2", "chown", "lchown", "fchownat", "utime", "utimes",
    "utimensat", "futimesat", "truncate", "creat", "mknod", "mknodat",
    "setxattr", "lsetxattr", "removexattr", "lremovexattr",
}
path_pattern = re.compile(r"(?:(?:AT_FDCWD|-?\d+)(?:<([^>]*)>)?, )?\"((?:[^\"\\\\]|\\\\.)*)\"")

def allowed(path):
    if path == stage or path.startswith(stage + "/"):
        return True
    return os.path.realpath(os.path.dirname(path)) == os.path.realpath(build) \
        and re.fullmatch(r"install_manifest.*\.txt", os.path.basename(path))

writes = 0
for line in open(log):
    match = re.match(r"(?:\d+ +)?(\w+)\((.*)\) += (-?\d+)", line)
    if not match or match[3].startswith("-"):
        continue
    call, arguments = match[1], match[2]
    if call in ("open", "openat", "openat2"):
        if not re.search(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC", arguments):
            continue
    elif call not in writing_calls:
        continue
    for directory, path in path_pattern.findall(arguments):
        if not path.startswith("/"):
            path = os.path.join(directory or cwd, path)
        if not allowed(os.path.normpath(path)):
            print(line.strip())
            break
    writes += 1
print("writes=%d" % writes)
'

# ------------------------------------------------------------- install

declare -A BEFORE
for path in "${INSTALLED[@]}"; do
	BEFORE[$path]=$(describe_path "$path")
done

if command -v strace python3 >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	# -ff writes one log per process, so no call is split across lines.
	run strace -ff -qq -y -o "$WORK/install.log" -e trace=%file \
		env DESTDIR="$STAGE" cmake --install "$FCOPY_BUILD_DIR" --prefix /usr
	check_eq "install exit status" 0 "$RC"
	cat "$WORK"/install.log.* >"$WORK/install.log"
	python3 -c "$WRITE_PARSER" "$WORK/install.log" "$STAGE" \
		"$FCOPY_BUILD_DIR" "$T" >"$WORK/install.writes"
	# Three files, each opened for writing and changed more than once.
	check_ge "install writes seen in trace" 6 \
		"$(sed -n 's/^writes=//p' "$WORK/install.writes")"
	check_eq "install writes outside DESTDIR" "" \
		"$(grep -v '^writes=' "$WORK/install.writes")"
else
	skip "install writes outside DESTDIR" "needs python3 and an strace that can trace here"
	DESTDIR=$STAGE run cmake --install "$FCOPY_BUILD_DIR" --prefix /usr
	check_eq "install exit status" 0 "$RC"
fi

# cmake prints "-- Installing: PATH" (or "-- Up-to-date: PATH") per file.
installed=$(printf '%s\n' "$OUT" | sed -n 's/^-- \(Installing\|Up-to-date\): //p')
check_lines "install reported files" 3 "$installed"
while IFS= read -r path; do
	check_match "install reported under DESTDIR: ${path#"$STAGE"}" "^$STAGE/usr/" "$path"
done <<<"$installed"

for path in "${INSTALLED[@]}"; do
	check_eq "system $path unchanged" "${BEFORE[$path]}" "$(describe_path "$path")"
done

outside_usr=$(cd "$STAGE" && find . -mindepth 1 ! -path './usr' ! -path './usr/*')
check_eq "staged files only under usr" "" "$outside_usr"

# ------------------------------------------------------------- binary

check_exists "binary installed" "$BIN"
check "binary executable" test -x "$BIN"
check_eq "binary mode" 755 "$(file_mode "$BIN")"
check_same "binary is the built one" "$FCOPY" "$BIN"

check_ne "project version found" "" "$VERSION"
run "$BIN" --version
check_eq "installed --version exit status" 0 "$RC"
check_match "installed --version starts with fcopy" '^fcopy ' "${OUT%%$'\n'*}"
check_match "installed --version is project version" "^fcopy $VERSION_PATTERN\$" "${OUT%%$'\n'*}"

run_fcopy --version
check_match "built --version is project version" "^fcopy $VERSION_PATTERN\$" "${OUT%%$'\n'*}"

printf 'payload\n' >payload
run "$BIN" payload payload_copy
check_eq "installed binary copies" 0 "$RC"
check_same "installed binary copy content" payload payload_copy

# --------------------------------------------------------- manual page

check_exists "manual page installed" "$MAN_PAGE"
check_ge "manual page size" 1 "$(file_size "$MAN_PAGE")"
check_eq "manual page mode" 644 "$(file_mode "$MAN_PAGE")"
check_same "manual page is the source" "$SOURCE_DIR/docs/fcopy.1" "$MAN_PAGE"
check_match "manual page version" "^\\.TH FCOPY 1 .*\"fcopy $VERSION_PATTERN\"" "$(cat "$MAN_PAGE")"

if need_command "manual page groff" groff; then
	# -ww enables every warning, -z discards the formatted output.
	run groff -man -Tutf8 -ww -z "$MAN_PAGE"
	check_eq "groff exit status" 0 "$RC"
	check_eq "groff warnings" "" "$ERR"
fi

if need_command "manual page man" man && man --version >/dev/null 2>&1; then
	MANPAGER=cat MANWIDTH=80 run man --warnings -l "$MAN_PAGE"
	check_eq "man exit status" 0 "$RC"
	check_eq "man warnings" "" "$ERR"
	check_match "man NAME section" '^NAME$' "$OUT"
	check_match "man SYNOPSIS section" '^SYNOPSIS$' "$OUT"
	check_contains "man describes --benchmark" "--benchmark" "$OUT"
fi

# ---------------------------------------------------------- completion

check_exists "completion installed" "$COMPLETION"
check_eq "completion mode" 644 "$(file_mode "$COMPLETION")"
check_same "completion is the source" "$SOURCE_DIR/completions/fcopy.bash" "$COMPLETION"

run bash --norc --noprofile -c 'source "$1" && complete -p fcopy' bash "$COMPLETION"
check_eq "completion loads" 0 "$RC"
check_eq "completion load errors" "" "$ERR"
check_eq "completion registered" "complete -F _fcopy fcopy" "$OUT"

# An empty directory, so that file name completion adds nothing.
mkdir "$WORK/empty"

# complete_words CURRENT PREVIOUS LINE WORD...: call _fcopy as bash does for the
# command line LINE with the cursor at its end, split into WORD..., with
# CURRENT the text being completed and PREVIOUS the word before it.  Sets
# REPLY to the sorted completions joined by spaces.
complete_words() {
	local current=$1 previous=$2 line=$3
	shift 3

	REPLY=$(cd "$WORK/empty" && bash --norc --noprofile -c '
		source "$1" || exit 1
		current=$2 previous=$3 COMP_LINE=$4
		shift 4
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		# compopt fails outside a real completion, which changes nothing here.
		_fcopy fcopy "$current" "$previous" 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$COMPLETION" "$current" "$previous" "$line" "$@" | LC_ALL=C sort | tr '\n' ' ')
	REPLY=${REPLY% }
}

complete_words --strat fcopy "fcopy --strat" fcopy --strat
check_contains "complete --strat" "--strategy=" "$REPLY"

complete_words st -s "fcopy -s st" fcopy -s st
check_eq "complete -s st" "stream" "$REPLY"

complete_words "" -s "fcopy -s " fcopy -s ""
check_eq "complete -s" "auto buffered stream whole" "$REPLY"

complete_words --sta fcopy "fcopy --sta" fcopy --sta
check_eq "complete --sta" "--stats --stats=" "$REPLY"

# Bash splits "--sparse=al" into the words "--sparse", "=" and "al" when
# COMP_WORDBREAKS contains "=" (bash's default), and then replaces only
# "al" with the completion.  Otherwise the whole "--sparse=al" is one word
# and is replaced whole.  The cases below follow what this bash does.
breaks=$(bash --norc --noprofile -c 'printf "%s" "$COMP_WORDBREAKS"')

# complete_value OPTION PREFIX: complete the value of OPTION=PREFIX and set
# REPLY.
complete_value() {
	local option=$1 prefix=$2

	if [[ $breaks == *=* ]]; then
		if [ -n "$prefix" ]; then
			complete_words "$prefix" = "fcopy $option=$prefix" fcopy "$option" = "$prefix"
		else
			complete_words "" "$option" "fcopy $option=" fcopy "$option" =
		fi
	else
		complete_words "$option=$prefix" fcopy "fcopy $option=$prefix" fcopy "$option=$prefix"
	fi
}

# expect_values OPTION VALUE...: print the REPLY that complete_value should
# set: the values, each prefixed with "OPTION=" when bash replaces the whole
# word.
expect_values() {
	local option=$1 value expected=""
	shift

	for value in "$@"; do
		if [[ $breaks != *=* ]]; then
			value=$option=$value
		fi
		expected="$expected $value"
	done
	printf '%s' "${expected# }"
}

complete_value --sparse al
check_eq "complete --sparse=al" "$(expect_values --sparse always)" "$REPLY"

complete_value --stats ""
check_eq "complete --stats=" "$(expect_values --stats human json)" "$REPLY"

complete_value --strategy st
check_eq "complete --strategy=st" "$(expect_values --strategy stream)" "$REPLY"

complete_value --progress a
check_eq "complete --progress=a" "$(expect_values --progress always auto)" "$REPLY"

complete_value --reflink ""
check_eq "complete --reflink=" "$(expect_values --reflink always auto never)" "$REPLY"

finish
