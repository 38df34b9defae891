# bash completion for fcopy: options, the values of keyword options, and
# file names everywhere else.

_fcopy() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	# --option=value: complete the value after the equals sign.
	if [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	fi

	case $prev in
	-s | --strategy)
		mapfile -t COMPREPLY < <(compgen -W "auto whole buffered stream" -- "$cur")
		return
		;;
	--sparse | --reflink)
		mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur")
		return
		;;
	--stats)
		mapfile -t COMPREPLY < <(compgen -W "human json" -- "$cur")
		return
		;;
	-P | --progress)
		if [[ $COMP_LINE == *--progress=* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "auto always" -- "$cur")
			return
		fi
		;;
	--preserve)
		mapfile -t COMPREPLY < <(compgen -W "mode ownership timestamps all" -- "$cur")
		return
		;;
	-b | --buffer-size | --max-memory)
		mapfile -t COMPREPLY < <(compgen -W "4K 64K 128K 256K 1M 4M" -- "$cur")
		return
		;;
	--rounds)
		return
		;;
	-t | --target-directory)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
		;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "--strategy= --buffer-size=
			--max-memory= --target-directory= --no-target-directory
			--no-clobber --interactive --force --verbose --preserve
			--preserve= --atomic --in-place --sync --verify --sparse=
			--reflink --reflink= --stats --stats= --progress --progress=
			--benchmark --rounds= --help --version -s -b -t -T -n -i -f
			-v -p -P" -- "$cur")
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	compopt -o filenames
}
complete -F _fcopy fcopy
