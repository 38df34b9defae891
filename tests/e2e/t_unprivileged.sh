# Copies by an unprivileged user (uid and gid 65534, no groups).  A new DEST
# gets the source's permission bits without set-user-ID and set-group-ID,
# masked by the umask, even when that leaves the owner no write access.  A
# read-only existing DEST is rejected with "Permission denied" unless -f is
# given, a directory the user cannot write rejects a new DEST, and a DEST
# whose owner the user cannot keep is written in place.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STRATEGIES=(whole buffered stream auto)

if ! need_nobody "unprivileged copies"; then
	finish
fi

# run_fcopy_with_umask MASK ARG...: run fcopy as uid 65534 with umask MASK.
run_fcopy_with_umask() {
	local mask=$1
	shift

	run "${AS_NOBODY[@]}" bash -c 'umask "$1" && shift && exec "$@"' with_umask "$mask" "$FCOPY" "$@"
}

# masked_mode MODE MASK: print MODE & ~MASK in octal as stat %a does
# (444 and 077 give 400).
masked_mode() {
	printf '%o' $((8#$1 & ~8#$2))
}

# Sources belong to root, and uid 65534 writes in the shared directory.
make_random data 200000
make_shared_dir shared

# ------------------------------------------------------- set-ID sources

for bits in 4755 2755 6755; do
	label="mode $bits source"
	install -m "$bits" /bin/true "setid_$bits"
	run_fcopy_as_nobody "setid_$bits" "shared/setid_$bits"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label drops set-ID bits" 755 "$(file_mode "shared/setid_$bits")"
	check_eq "$label owner" "$NOBODY_UID:$NOBODY_GID" "$(stat -c %u:%g -- "shared/setid_$bits")"
	check_same "$label content" "setid_$bits" "shared/setid_$bits"
	check "$label copy runs" as_nobody "shared/setid_$bits"

	# -p keeps the mode, but the chown to root fails for uid 65534, so the
	# set-ID bits must go as well.
	label="mode $bits source with -p"
	run_fcopy_as_nobody -p "setid_$bits" "shared/setid_p_$bits"
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label drops set-ID bits" 755 "$(file_mode "shared/setid_p_$bits")"
	check_eq "$label owner" "$NOBODY_UID:$NOBODY_GID" "$(stat -c %u:%g -- "shared/setid_p_$bits")"
done
rm -f shared/setid_*

# ---------------------------------------------------------------- umask

for source_mode in 444 555 644 755; do
	cp data "source_$source_mode"
	chmod "$source_mode" "source_$source_mode"
done

for mask in 022 027 077 0277; do
	for source_mode in 444 555 644 755; do
		label="umask $mask source $source_mode"
		expected=$(masked_mode "$source_mode" "$mask")
		run_fcopy_with_umask "$mask" "source_$source_mode" shared/masked
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label mode" "$expected" "$(file_mode shared/masked)"
		check_same "$label content" data shared/masked
		rm -f shared/masked
	done
done

# Under umask 0277 the finished file is read-only for its owner, so the
# mode must be set after the last write, through the open descriptor.
for strategy in "${STRATEGIES[@]}"; do
	for placement in atomic --in-place; do
		label="$strategy $placement umask 0277"
		args=(-s "$strategy")
		if [ "$placement" = --in-place ]; then
			args+=(--in-place)
		fi
		run_fcopy_with_umask 0277 "${args[@]}" source_644 shared/masked
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label stderr" "" "$ERR"
		check_eq "$label mode" 400 "$(file_mode shared/masked)"
		check_same "$label content" data shared/masked
		check_listing "$label no temporary file" shared masked
		rm -f shared/masked
	done
done

# ---------------------------------------------------- read-only DEST

make_random new_data 150000
chmod 644 new_data
for strategy in "${STRATEGIES[@]}"; do
	for placement in default --in-place; do
		label="$strategy $placement read-only dest"
		args=(-s "$strategy")
		if [ "$placement" = --in-place ]; then
			args+=(--in-place)
		fi
		printf 'old content\n' >shared/read_only
		chown "$NOBODY_UID:$NOBODY_GID" shared/read_only
		chmod 444 shared/read_only
		inode_before=$(file_inode shared/read_only)

		run_fcopy_as_nobody "${args[@]}" new_data shared/read_only
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label errno text" "Permission denied" "$ERR"
		check_contains "$label names dest" "shared/read_only" "$ERR"
		check_error_line "$label message" "$ERR"
		check_eq "$label keeps content" "old content" "$(cat shared/read_only)"
		check_eq "$label keeps inode" "$inode_before" "$(file_inode shared/read_only)"
		check_listing "$label no temporary file" shared read_only
		rm -f shared/read_only
	done

	label="$strategy -f read-only dest"
	printf 'old content\n' >shared/read_only
	chown "$NOBODY_UID:$NOBODY_GID" shared/read_only
	chmod 444 shared/read_only
	run_fcopy_as_nobody -f -s "$strategy" new_data shared/read_only
	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_same "$label content" new_data shared/read_only
	check_eq "$label keeps mode" 444 "$(file_mode shared/read_only)"
	check_eq "$label keeps owner" "$NOBODY_UID:$NOBODY_GID" "$(stat -c %u:%g -- shared/read_only)"
	check_listing "$label no temporary file" shared read_only
	rm -f shared/read_only
done

# ----------------------------------------------- unwritable directory

mkdir locked
chmod 755 locked
for placement in default --in-place; do
	label="$placement unwritable dir new dest"
	args=()
	if [ "$placement" = --in-place ]; then
		args+=(--in-place)
	fi
	run_fcopy_as_nobody "${args[@]}" new_data locked/new
	check_eq "$label exit status" 1 "$RC"
	check_contains "$label errno text" "Permission denied" "$ERR"
	check_contains "$label names dest" "locked/new" "$ERR"
	check_error_line "$label message" "$ERR"
	check_listing "$label creates nothing" locked
done

# ---------------------------------------------- replacement by owner

# uid 65534 owns DEST and may write the directory, so DEST is replaced
# atomically with its mode and owner kept.
printf 'old content\n' >shared/own
chown "$NOBODY_UID:$NOBODY_GID" shared/own
chmod 640 shared/own
inode_before=$(file_inode shared/own)
run_fcopy_as_nobody new_data shared/own
check_eq "own dest exit status" 0 "$RC"
check_same "own dest content" new_data shared/own
check_ne "own dest new inode" "$inode_before" "$(file_inode shared/own)"
check_eq "own dest keeps mode" 640 "$(file_mode shared/own)"
check_eq "own dest keeps owner" "$NOBODY_UID:$NOBODY_GID" "$(stat -c %u:%g -- shared/own)"
check_listing "own dest no temporary file" shared own
rm -f shared/own

# In a sticky directory uid 65534 may not rename over root's file, and a
# new file would belong to uid 65534: DEST is written in place.
mkdir sticky
chmod 1777 sticky
printf 'old content that is longer than nothing\n' >sticky/dest
chmod 666 sticky/dest
inode_before=$(file_inode sticky/dest)
run_fcopy_as_nobody new_data sticky/dest
check_eq "sticky dir exit status" 0 "$RC"
check_same "sticky dir content" new_data sticky/dest
check_eq "sticky dir keeps inode" "$inode_before" "$(file_inode sticky/dest)"
check_eq "sticky dir keeps owner" 0:0 "$(stat -c %u:%g -- sticky/dest)"
check_eq "sticky dir keeps mode" 666 "$(file_mode sticky/dest)"
check_listing "sticky dir no temporary file" sticky dest

finish
