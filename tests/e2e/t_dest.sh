# How DEST is resolved and replaced: symbolic links, directories and
# trailing slashes, several sources, -n/-i/-f/-v, atomic replacement
# versus writing in place, and what a signal or a planted link leaves.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STRATEGIES=(whole buffered stream auto)

printf 'data\n' >src
printf '123' >short_src

# ------------------------------------------------------- symbolic links

# A dangling link as DEST is rejected, and nothing appears at its target.
ln -s "$T/victim" dead_link
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy dangling symlink dest"
	run_fcopy -s "$strategy" src dead_link
	check_eq "$label exit status" 1 "$RC"
	check_match "$label message" 'dangling symbolic link|dangling symlink' "$ERR"
	check_contains "$label names it" "dead_link" "$ERR"
	check_error_line "$label message" "$ERR"
	check_absent "$label creates no target" victim
	check_eq "$label keeps the link" "$T/victim" "$(readlink dead_link)"
done

# A link to an existing file is followed: the file gets the data and the
# link stays a link.
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy symlink to file dest"
	printf 'orig\n' >"link_target_$strategy"
	ln -s "link_target_$strategy" "link_$strategy"
	run_fcopy -s "$strategy" src "link_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label target content" src "link_target_$strategy"
	check "$label is still a link" test -L "link_$strategy"
	check_eq "$label link target" "link_target_$strategy" "$(readlink "link_$strategy")"
done

# ---------------------------------------------- directories and slashes

# "name/" must be an existing directory: no file is ever made or replaced
# under a name written with a trailing slash.
run_fcopy src nodir/
check_eq "trailing slash missing dir exit status" 1 "$RC"
check_contains "trailing slash missing dir message" "Not a directory" "$ERR"
check_contains "trailing slash missing dir names it" "nodir" "$ERR"
check_error_line "trailing slash missing dir message" "$ERR"
check_absent "trailing slash missing dir creates nothing" nodir

printf 'A' >slash_target
ln -s slash_target slash_link
run_fcopy src slash_link/
check_ne "trailing slash link to file exit status" 0 "$RC"
check_eq "trailing slash link to file keeps target" A "$(cat slash_target)"
check "trailing slash link to file keeps link" test -L slash_link

printf 'X' >slash_file
run_fcopy src slash_file/
check_ne "trailing slash file exit status" 0 "$RC"
check_eq "trailing slash file keeps it" X "$(cat slash_file)"

# An existing directory receives DIRECTORY/basename(SOURCE).
mkdir dir
run_fcopy src dir
check_eq "directory dest exit status" 0 "$RC"
check_same "directory dest content" src dir/src
rm -f dir/src
run_fcopy src dir/
check_eq "directory dest with slash exit status" 0 "$RC"
check_same "directory dest with slash content" src dir/src
rm -f dir/src
run_fcopy "$T/src" "$T/dir"
check_eq "directory dest absolute exit status" 0 "$RC"
check_same "directory dest absolute content" src dir/src
check_listing "directory dest adds one name" dir src

# --------------------------------------------------------- several sources

printf 'a\n' >a
printf 'b\n' >b
printf 'c\n' >c

mkdir many
run_fcopy a b c many
check_eq "several sources exit status" 0 "$RC"
check_same "several sources first" a many/a
check_same "several sources last" c many/c
check_listing "several sources names" many a b c

mkdir target_dir
run_fcopy -t target_dir a b
check_eq "-t exit status" 0 "$RC"
check_same "-t first" a target_dir/a
check_same "-t second" b target_dir/b
check_listing "-t names" target_dir a b

printf 'keep\n' >not_a_dir
run_fcopy a b not_a_dir
check_ne "several sources into a file exit status" 0 "$RC"
check_eq "several sources into a file keeps it" keep "$(cat not_a_dir)"

run_fcopy a b no_such_dir
check_ne "several sources into a missing dir exit status" 0 "$RC"
check_absent "several sources into a missing dir creates nothing" no_such_dir

# -T: DEST is a file name even where a directory of that name exists.
mkdir t_dir
run_fcopy -T a t_dir
check_ne "-T onto a directory exit status" 0 "$RC"
check "-T onto a directory keeps it" test -d t_dir
check_listing "-T onto a directory adds nothing" t_dir
run_fcopy -T a t_file
check_eq "-T new file exit status" 0 "$RC"
check_same "-T new file content" a t_file

# One failed source does not stop the others.  The exit status is 1.
mkdir partial
run_fcopy a missing c partial
check_eq "one failed source exit status" 1 "$RC"
check_contains "one failed source names it" "missing" "$ERR"
check_error_line "one failed source message" "$ERR"
check_same "one failed source copies the one before" a partial/a
check_same "one failed source copies the one after" c partial/c
check_listing "one failed source names" partial a c

# -------------------------------------------------------- -n, -i, -f, -v

printf 'old\n' >existing
existing_inode=$(file_inode existing)
run_fcopy -n src existing
check_eq "-n existing exit status" 0 "$RC"
check_eq "-n existing content" old "$(cat existing)"
check_eq "-n existing inode" "$existing_inode" "$(file_inode existing)"

run_fcopy -n -v src existing
check_eq "-n -v exit status" 0 "$RC"
check_match "-n -v says skipped" '[Ss]kip' "$OUT$ERR"
check_eq "-n -v content" old "$(cat existing)"

run_fcopy -n src n_new
check_eq "-n new dest exit status" 0 "$RC"
check_same "-n new dest content" src n_new

printf 'old\n' >n_forced
run_fcopy -n -f src n_forced
check_eq "-n -f exit status" 0 "$RC"
check_same "-n -f replaces" src n_forced

# Without a terminal fcopy cannot ask, so -i skips.
if need_command "-i without a terminal" setsid; then
	run setsid -w "$FCOPY" -i src existing </dev/null
	check_eq "-i without a terminal exit status" 0 "$RC"
	check_eq "-i without a terminal content" old "$(cat existing)"

	printf 'old\n' >i_forced
	run setsid -w "$FCOPY" -i -f src i_forced </dev/null
	check_eq "-i -f exit status" 0 "$RC"
	check_same "-i -f replaces" src i_forced
fi

# -v reports on standard error, because standard output is only for data.
run_fcopy -v src verbose_copy
check_eq "-v exit status" 0 "$RC"
check_contains "-v report" "'src' -> 'verbose_copy'" "$ERR"
check_eq "-v stdout" "" "$OUT"

# ------------------------------------------------------------ replacement

# A single-link DEST is replaced atomically: a new inode with the old
# mode, owner and group, and exactly the new content.
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy replace single link"
	mkdir "replace_$strategy"
	dest=replace_$strategy/dest
	printf 'abcdefghij' >"$dest"
	chmod 640 "$dest"
	if is_root; then
		chown "$NOBODY_UID:$NOBODY_GID" "$dest"
	fi
	owner_before=$(file_owner "$dest")
	inode_before=$(file_inode "$dest")
	chmod 755 short_src
	run_fcopy -s "$strategy" short_src "$dest"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_eq "$label content" 123 "$(cat "$dest")"
	check_eq "$label size" 3 "$(file_size "$dest")"
	check_ne "$label new inode" "$inode_before" "$(file_inode "$dest")"
	check_eq "$label keeps mode" 640 "$(file_mode "$dest")"
	check_eq "$label keeps owner" "$owner_before" "$(file_owner "$dest")"
	check_listing "$label leaves no temporary file" "replace_$strategy" dest
done

# A DEST with other hard links is written in place, as cp does, so every
# name reads the new content and the old tail is cut off.
for strategy in "${STRATEGIES[@]}"; do
	label="$strategy replace hard-linked"
	printf 'abcdefghij' >"linked_$strategy"
	chmod 640 "linked_$strategy"
	ln "linked_$strategy" "other_name_$strategy"
	inode_before=$(file_inode "linked_$strategy")
	run_fcopy -s "$strategy" short_src "linked_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label content" 123 "$(cat "linked_$strategy")"
	check_eq "$label size" 3 "$(file_size "linked_$strategy")"
	check_eq "$label keeps mode" 640 "$(file_mode "linked_$strategy")"
	check_eq "$label other name content" 123 "$(cat "other_name_$strategy")"
	check_eq "$label keeps inode" "$inode_before" "$(file_inode "linked_$strategy")"
done

for strategy in "${STRATEGIES[@]}"; do
	label="$strategy --in-place"
	printf 'abcdefghij' >"in_place_$strategy"
	chmod 600 "in_place_$strategy"
	inode_before=$(file_inode "in_place_$strategy")
	run_fcopy -s "$strategy" --in-place short_src "in_place_$strategy"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label content" 123 "$(cat "in_place_$strategy")"
	check_eq "$label keeps inode" "$inode_before" "$(file_inode "in_place_$strategy")"
	check_eq "$label keeps mode" 600 "$(file_mode "in_place_$strategy")"
done

# A rename would cut a hard-linked DEST off from its other names, so
# --atomic rejects it rather than write in place, and changes nothing.
printf 'abcdefghij' >atomic_linked
ln atomic_linked atomic_other
inode_before=$(file_inode atomic_linked)
run_fcopy --atomic short_src atomic_linked
check_eq "--atomic hard-linked exit status" 1 "$RC"
check_error_line "--atomic hard-linked message" "$ERR"
check_eq "--atomic hard-linked keeps content" abcdefghij "$(cat atomic_linked)"
check_eq "--atomic hard-linked keeps inode" "$inode_before" "$(file_inode atomic_linked)"
check_eq "--atomic hard-linked other name" abcdefghij "$(cat atomic_other)"

# --atomic on a single-link DEST is the usual rename.
printf 'abcdefghij' >atomic_single
inode_before=$(file_inode atomic_single)
run_fcopy --atomic short_src atomic_single
check_eq "--atomic single link exit status" 0 "$RC"
check_eq "--atomic single link content" 123 "$(cat atomic_single)"
check_ne "--atomic single link new inode" "$inode_before" "$(file_inode atomic_single)"

if need_nobody "replacement as another user"; then
	make_shared_dir world_writable

	# uid 65534 cannot give a new file root's ownership, so it writes the
	# root-owned DEST in place and the owner stays root.
	printf 'abcdefghij' >world_writable/root_owned
	chmod 666 world_writable/root_owned
	inode_before=$(file_inode world_writable/root_owned)
	run_fcopy_as_nobody short_src world_writable/root_owned
	check_eq "foreign owner exit status" 0 "$RC"
	check_eq "foreign owner content" 123 "$(cat world_writable/root_owned)"
	check_eq "foreign owner keeps inode" "$inode_before" "$(file_inode world_writable/root_owned)"
	check_eq "foreign owner keeps owner" 0:0 "$(file_owner world_writable/root_owned)"
	check_eq "foreign owner keeps mode" 666 "$(file_mode world_writable/root_owned)"

	printf 'abcdefghij' >world_writable/root_owned_atomic
	chmod 666 world_writable/root_owned_atomic
	run_fcopy_as_nobody --atomic short_src world_writable/root_owned_atomic
	check_eq "foreign owner --atomic exit status" 1 "$RC"
	check_error_line "foreign owner --atomic message" "$ERR"
	check_eq "foreign owner --atomic keeps content" abcdefghij "$(cat world_writable/root_owned_atomic)"
	check_eq "foreign owner --atomic keeps owner" 0:0 "$(file_owner world_writable/root_owned_atomic)"

	# No temporary file can be made in a directory that is not writable.
	mkdir closed
	printf 'abcdefghij' >closed/own
	chown "$NOBODY_UID:$NOBODY_GID" closed/own
	inode_before=$(file_inode closed/own)
	run_fcopy_as_nobody short_src closed/own
	check_eq "unwritable directory exit status" 0 "$RC"
	check_eq "unwritable directory content" 123 "$(cat closed/own)"
	check_eq "unwritable directory keeps inode" "$inode_before" "$(file_inode closed/own)"

	printf 'abcdefghij' >closed/own
	run_fcopy_as_nobody --atomic short_src closed/own
	check_eq "unwritable directory --atomic exit status" 1 "$RC"
	check_error_line "unwritable directory --atomic message" "$ERR"
	check_eq "unwritable directory --atomic keeps content" abcdefghij "$(cat closed/own)"
	check_listing "unwritable directory --atomic leaves nothing" closed own
fi

# ----------------------------------------------------------------- signals

# SIGTERM, SIGHUP and SIGINT during a copy leave an existing DEST as it
# was and remove a new one.  The exit status is 128 + the signal number.
# The source is a FIFO whose writer keeps it open after the first 1 MB, so
# the copy waits mid-way.
mkfifo signal_fifo
make_random signal_old 100000
for signal_status in TERM:143 HUP:129 INT:130; do
	signal=${signal_status%%:*}
	expected_status=${signal_status#*:}
	for kind in existing new; do
		label="SIG$signal $kind dest"
		directory=signal_${signal}_$kind
		mkdir "$directory"
		if [ "$kind" = existing ]; then
			cp signal_old "$directory/dest"
		fi

		{
			head -c 1000000 /dev/urandom
			exec sleep 60
		} >signal_fifo &
		writer=$!
		keep_background "$writer"
		# A background job of a script starts with SIGINT ignored.
		env --default-signal=INT "$FCOPY" -s buffered signal_fifo "$directory/dest" \
			2>"$directory.err" &
		copier=$!
		keep_background "$copier"
		sleep 0.5

		if [ "$kind" = existing ]; then
			check_same "$label unchanged during the copy" signal_old "$directory/dest"
		else
			check_absent "$label invisible during the copy" "$directory/dest"
		fi
		kill "-$signal" "$copier"
		wait_or_kill "$copier" 10
		status=$?
		wait_or_kill "$writer" 0

		check_eq "$label exit status" "$expected_status" "$status"
		if [ "$kind" = existing ]; then
			check_same "$label keeps the old content" signal_old "$directory/dest"
			check_listing "$label leaves no temporary file" "$directory" dest
		else
			check_listing "$label leaves nothing" "$directory"
		fi
	done
done

# --------------------------------------------------- link planted mid-copy

# A symbolic link that appears at DEST while the copy runs must not lead
# to a file at its target.  strace delays the first source read by 1 s.
if need_command "symlink planted mid-copy" strace; then
	calls=read,pread64,copy_file_range,sendfile,splice
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy symlink planted mid-copy"
		timeout 30 strace -f -o /dev/null -P "$T/src" -e trace="$calls" \
			-e inject="$calls":delay_enter=1000000:when=1 \
			"$FCOPY" -s "$strategy" src "planted_$strategy" 2>/dev/null &
		copier=$!
		keep_background "$copier"
		sleep 0.4
		ln -s "$T/planted_victim_$strategy" "planted_$strategy"
		wait "$copier"
		check_absent "$label creates no target" "planted_victim_$strategy"
	done
fi

finish
