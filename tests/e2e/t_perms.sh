# Permission bits and ownership: the mode of a new DEST (source bits
# without set-user-ID and set-group-ID, masked by the umask), -p, and
# existing destinations that the user may not write.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STRATEGIES=(whole buffered stream auto)

# The shared directory lets uid 65534 create files next to root's.
chmod 777 "$T"

# ------------------------------------------------------------ new DEST mode

install -m 4755 /bin/true suid
install -m 2755 /bin/true sgid
install -m 6755 /bin/true both
for strategy in "${STRATEGIES[@]}"; do
	for source in suid sgid both; do
		label="$strategy $source drops set-ID bits"
		copy="copy_${source}_$strategy"
		run_fcopy -s "$strategy" "$source" "$copy"
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label mode" 755 "$(file_mode "$copy")"
		check_eq "$label owner" "$(id -u):$(id -g)" "$(file_owner "$copy")"
	done
done

printf x >mode_644
chmod 644 mode_644
printf x >mode_755
chmod 755 mode_755
printf x >mode_640
chmod 640 mode_640
for strategy in "${STRATEGIES[@]}"; do
	for case in 022:mode_644:644 022:mode_755:755 077:mode_644:600 077:mode_755:700 \
		027:mode_755:750 027:mode_644:640 022:mode_640:640; do
		IFS=: read -r mask source expected <<<"$case"
		label="$strategy umask $mask $source"
		copy="umask_${mask}_${source}_$strategy"
		(
			umask "$mask"
			run_fcopy -s "$strategy" "$source" "$copy"
			exit "$RC"
		)
		check_eq "$label exit status" 0 "$?"
		check_eq "$label mode" "$expected" "$(file_mode "$copy")"
	done
done

# -p keeps the mode whatever the umask, and as root the set-ID bits too,
# because the ownership is kept as well.
(
	umask 077
	run_fcopy -p mode_640 preserved_640
	exit "$RC"
)
check_eq "-p umask 077 exit status" 0 "$?"
check_eq "-p umask 077 mode" 640 "$(file_mode preserved_640)"

if need_root "-p as root"; then
	run_fcopy -p suid preserved_suid
	check_eq "-p root suid exit status" 0 "$RC"
	check_eq "-p root suid mode" 4755 "$(file_mode preserved_suid)"
	check_eq "-p root suid owner" 0:0 "$(file_owner preserved_suid)"

	printf x >owned_by_nobody
	chown "$NOBODY_UID:$NOBODY_GID" owned_by_nobody
	chmod 640 owned_by_nobody
	run_fcopy -p owned_by_nobody preserved_owner
	check_eq "-p root keeps ownership exit status" 0 "$RC"
	check_eq "-p root keeps ownership owner" "$NOBODY_UID:$NOBODY_GID" "$(file_owner preserved_owner)"
	check_eq "-p root keeps ownership mode" 640 "$(file_mode preserved_owner)"
fi

# A user who cannot take root's ownership never gets a set-user-ID copy,
# with -p or without.  The failed chown is not an error.
if need_nobody "set-ID copies as uid 65534"; then
	run_fcopy_as_nobody suid nobody_suid
	check_eq "uid 65534 suid exit status" 0 "$RC"
	check_eq "uid 65534 suid mode" 755 "$(file_mode nobody_suid)"
	check_eq "uid 65534 suid owner" "$NOBODY_UID:$NOBODY_GID" "$(file_owner nobody_suid)"

	run_fcopy_as_nobody -p suid nobody_p_suid
	check_eq "uid 65534 -p suid exit status" 0 "$RC"
	check_eq "uid 65534 -p suid stderr" "" "$ERR"
	check_eq "uid 65534 -p suid mode" 755 "$(file_mode nobody_p_suid)"
	check_eq "uid 65534 -p suid owner" "$NOBODY_UID:$NOBODY_GID" "$(file_owner nobody_p_suid)"

	run_fcopy_as_nobody -p both nobody_p_both
	check_eq "uid 65534 -p setuid setgid exit status" 0 "$RC"
	check_eq "uid 65534 -p setuid setgid mode" 755 "$(file_mode nobody_p_both)"
fi

# ------------------------------------------------------- existing DEST

# Root may write any file, so a mode-000 DEST is replaced and keeps mode 0.
if need_root "mode 000 dest as root"; then
	printf 'new\n' >root_src
	: >mode_000
	chmod 000 mode_000
	run_fcopy root_src mode_000
	check_eq "root mode 000 dest exit status" 0 "$RC"
	check_eq "root mode 000 dest mode" 0 "$(file_mode mode_000)"
	check_same "root mode 000 dest content" root_src mode_000
fi

# A read-only DEST is rejected even though the directory would allow a
# rename over it.  -f allows the replacement.
if need_nobody "read-only dest as uid 65534"; then
	as_nobody sh -c 'printf new >nobody_src; printf old >read_only; chmod 444 read_only'
	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy read-only dest"
		run_fcopy_as_nobody -s "$strategy" nobody_src read_only
		check_eq "$label exit status" 1 "$RC"
		check_contains "$label errno text" "Permission denied" "$ERR"
		check_contains "$label names it" "read_only" "$ERR"
		check_error_line "$label message" "$ERR"
		check_eq "$label content" old "$(cat read_only)"
		check_eq "$label mode" 444 "$(file_mode read_only)"
	done

	for strategy in "${STRATEGIES[@]}"; do
		label="$strategy read-only dest -f"
		as_nobody sh -c "printf old >forced_$strategy; chmod 444 forced_$strategy"
		run_fcopy_as_nobody -f -s "$strategy" nobody_src "forced_$strategy"
		check_eq "$label exit status" 0 "$RC"
		check_eq "$label content" new "$(cat "forced_$strategy")"
		check_eq "$label keeps mode" 444 "$(file_mode "forced_$strategy")"
	done
fi

finish
