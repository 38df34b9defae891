# Reflinks (FICLONE) on filesystems that share extents: btrfs and XFS with
# reflink=1, each made on an image file under /tmp and loop-mounted.  The
# stream and auto strategies and --reflink=always share every extent of
# DEST with SOURCE (filefrag -v shows "shared"), --reflink=never shares
# none, an existing longer DEST ends up with exactly the source's size and
# content, and --stats=json names the mechanism.  On ext4, which cannot
# share extents, --reflink=always fails and leaves DEST as it was.
#
# Needs root for the loop mounts; installs btrfs-progs and xfsprogs with
# apt-get when mkfs.btrfs or mkfs.xfs is missing.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MIB=$((1024 * 1024))
SOURCE_SIZE=$((20 * MIB))

# mkfs.btrfs needs an image of at least 114 MiB and mkfs.xfs one of at
# least 300 MiB.  These sizes leave room for the copies.
BTRFS_IMAGE_SIZE=256M
XFS_IMAGE_SIZE=320M

# extent_count FILE: the number of extents that filefrag -v lists.
extent_count() {
	filefrag -v -- "$1" 2>/dev/null | grep -cE '^ *[0-9]+:'
}

# shared_extent_count FILE: the number of those flagged "shared".
shared_extent_count() {
	filefrag -v -- "$1" 2>/dev/null | grep -E '^ *[0-9]+:' | grep -c shared
}

# check_all_shared LABEL FILE: FILE has extents and every one is shared.
# The file is synced first so that no extent is still delayed allocation.
check_all_shared() {
	local label=$1 file=$2 extents

	sync -- "$file"
	extents=$(extent_count "$file")
	check_ge "$label has extents" 1 "$extents"
	check_eq "$label every extent shared" "$extents" "$(shared_extent_count "$file")"
}

# check_none_shared LABEL FILE
check_none_shared() {
	local label=$1 file=$2

	sync -- "$file"
	check_ge "$label has extents" 1 "$(extent_count "$file")"
	check_eq "$label no extent shared" 0 "$(shared_extent_count "$file")"
}

# check_copy LABEL SOURCE COPY: exit status 0, no message, exact size and
# identical content.
check_copy() {
	local label=$1 source=$2 copy=$3

	check_eq "$label exit status" 0 "$RC"
	check_eq "$label stderr" "" "$ERR"
	check_eq "$label size" "$(file_size "$source")" "$(file_size "$copy")"
	check_same "$label content" "$source" "$copy"
}

# ------------------------------------------- ext4: --reflink=always fails

make_random ext4_src $((1 * MIB))
run_fcopy --reflink=always ext4_src ext4_new
check_eq "ext4 reflink=always exit status" 1 "$RC"
check_error_line "ext4 reflink=always message" "$ERR"
check_absent "ext4 reflink=always no DEST" ext4_new

make_random ext4_old 5000
cp ext4_old ext4_existing
run_fcopy --reflink=always ext4_src ext4_existing
check_eq "ext4 reflink=always existing exit status" 1 "$RC"
check_same "ext4 reflink=always existing DEST unchanged" ext4_old ext4_existing
check_listing "ext4 reflink=always no temporary file" "$T" \
	ext4_src ext4_old ext4_existing

# ------------------------------------------------------------ requirements

if ! need_root "reflink on btrfs and XFS"; then
	finish
fi
if ! need_command "reflink on btrfs and XFS" filefrag losetup; then
	finish
fi

# install_mkfs: install btrfs-progs and xfsprogs when a mkfs is missing.
# Prints why and returns 1 when apt-get fails.
install_mkfs() {
	if command -v mkfs.btrfs >/dev/null 2>&1 && command -v mkfs.xfs >/dev/null 2>&1; then
		return 0
	fi
	echo "installing btrfs-progs and xfsprogs with apt-get"
	if DEBIAN_FRONTEND=noninteractive apt-get install -y -q btrfs-progs xfsprogs \
		>"$WORK/apt.log" 2>&1; then
		return 0
	fi
	# The package lists may be missing or stale: update them once and retry.
	if DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$WORK/apt.log" 2>&1 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q btrfs-progs xfsprogs \
			>>"$WORK/apt.log" 2>&1; then
		return 0
	fi
	echo "apt-get install btrfs-progs xfsprogs failed: $(tail -n 1 "$WORK/apt.log")"
	return 1
}
install_mkfs

# mount_image FS SIZE DIR: make a filesystem of type FS on a new image file
# of SIZE under $WORK and loop-mount it on DIR.  Prints the reason and
# returns 1 on failure.  The caller adds DIR to MOUNTS, which this function
# cannot do from the $(...) that captures the reason.
mount_image() {
	local fs=$1 size=$2 dir=$3 image=$WORK/$1.img

	truncate -s "$size" "$image" || return 1
	case $fs in
	btrfs) mkfs.btrfs -q "$image" >"$WORK/mkfs.log" 2>&1 ;;
	xfs) mkfs.xfs -q -m reflink=1 "$image" >"$WORK/mkfs.log" 2>&1 ;;
	esac || {
		echo "mkfs.$fs failed: $(tail -n 1 "$WORK/mkfs.log")"
		return 1
	}
	mkdir -p -- "$dir"
	if ! mount -o loop -t "$fs" "$image" "$dir" >"$WORK/mount.log" 2>&1; then
		echo "mount -o loop of a $fs image failed: $(tail -n 1 "$WORK/mount.log")"
		return 1
	fi
}

# ------------------------------------------------------- btrfs and XFS

# check_reflinks FS DIR: the reflink checks on a mounted filesystem.
check_reflinks() {
	local fs=$1 dir=$2 strategy label

	make_random "$dir/src" "$SOURCE_SIZE"
	sync -- "$dir/src"

	for strategy in stream auto; do
		label="$fs $strategy"
		run_fcopy -s "$strategy" --stats=json "$dir/src" "$dir/$strategy"
		check_eq "$label exit status" 0 "$RC"
		check_same "$label content" "$dir/src" "$dir/$strategy"
		check_eq "$label size" "$SOURCE_SIZE" "$(file_size "$dir/$strategy")"
		check_all_shared "$label" "$dir/$strategy"
		check_lines "$label stats one line" 1 "$ERR"
		check_match "$label stats mechanism reflink" '"mechanism": *"reflink"' "$ERR"
	done

	run_fcopy --reflink=always "$dir/src" "$dir/always"
	check_copy "$fs reflink=always" "$dir/src" "$dir/always"
	check_all_shared "$fs reflink=always" "$dir/always"

	# copy_file_range shares extents on these filesystems too, so
	# --reflink=never must not use it any more than FICLONE.
	for strategy in stream auto; do
		label="$fs $strategy reflink=never"
		run_fcopy -s "$strategy" --reflink=never --stats=json "$dir/src" "$dir/never_$strategy"
		check_eq "$label exit status" 0 "$RC"
		check_same "$label content" "$dir/src" "$dir/never_$strategy"
		check_none_shared "$label" "$dir/never_$strategy"
		check_not_contains "$label stats mechanism" '"reflink"' "$ERR"
		rm -f -- "$dir/never_$strategy"
	done

	# A longer DEST: a clone must not leave its tail behind, whether DEST
	# is replaced or written in place.
	for mode in atomic in-place; do
		for strategy in stream auto; do
			label="$fs $strategy $mode over longer DEST"
			make_random "$dir/longer" $((SOURCE_SIZE + 3 * MIB + 5))
			run_fcopy -s "$strategy" "--$mode" "$dir/src" "$dir/longer"
			check_copy "$label" "$dir/src" "$dir/longer"
			check_all_shared "$label" "$dir/longer"
			rm -f -- "$dir/longer"
		done
	done
	make_random "$dir/longer" $((SOURCE_SIZE * 2))
	run_fcopy --reflink=always --in-place "$dir/src" "$dir/longer"
	check_copy "$fs reflink=always in-place over longer DEST" "$dir/src" "$dir/longer"
	rm -f -- "$dir/longer"

	# Another filesystem cannot share the extents.
	run_fcopy --reflink=always "$dir/src" "$T/${fs}_to_ext4"
	check_eq "$fs to ext4 reflink=always exit status" 1 "$RC"
	check_error_line "$fs to ext4 reflink=always message" "$ERR"
	check_absent "$fs to ext4 reflink=always no DEST" "$T/${fs}_to_ext4"

	run_fcopy "$dir/src" "$T/${fs}_to_ext4"
	check_copy "$fs to ext4 auto" "$dir/src" "$T/${fs}_to_ext4"
	rm -f -- "$T/${fs}_to_ext4"
}

for fs in btrfs xfs; do
	if ! command -v "mkfs.$fs" >/dev/null 2>&1; then
		skip "reflink on $fs" "mkfs.$fs is not installed and could not be installed"
		continue
	fi
	case $fs in
	btrfs) size=$BTRFS_IMAGE_SIZE ;;
	xfs) size=$XFS_IMAGE_SIZE ;;
	esac
	if ! reason=$(mount_image "$fs" "$size" "$WORK/$fs"); then
		skip "reflink on $fs" "$reason"
		continue
	fi
	MOUNTS+=("$WORK/$fs")
	check_reflinks "$fs" "$WORK/$fs"
done

finish
