# bash completion for fcopy: options, the values of keyword options, and
# file names everywhere else.

# _fcopy_values OPTION: print the values OPTION takes, or nothing.
_fcopy_values() {
	case $1 in
	-s | --strategy) echo "auto whole buffered stream" ;;
	--sparse | --reflink) echo "auto always never" ;;
	--stats) echo "human json" ;;
	--progress) echo "auto always" ;;
	--preserve) echo "mode ownership timestamps all" ;;
	-b | --buffer-size | --max-memory) echo "4K 64K 128K 256K 1M 4M" ;;
	esac
}

_fcopy() {
	local cur=${COMP_WORDS[COMP_CWORD]}
	local prev=${COMP_WORDS[COMP_CWORD - 1]}
	local option="" prefix="" values

	# bash splits "--sparse=al" into "--sparse", "=", "al" when '=' is in
	# COMP_WORDBREAKS (the default), and keeps it whole otherwise.
	if [[ $cur == = ]]; then
		option=$prev
		cur=""
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		option=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		option=${cur%%=*}
		prefix="$option="
		cur=${cur#*=}
	elif [[ $prev == -* && $prev != --progress && $prev != --preserve &&
		$prev != --reflink && $prev != --stats ]]; then
		# A separate argument, e.g. "-s stream"; optional values need '='.
		option=$prev
	fi

	if [[ -n $option ]]; then
		if [[ $option == -t || $option == --target-directory ]]; then
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
			return
		fi
		values=$(_fcopy_values "$option")
		if [[ -n $values ]]; then
			mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$values" -- "$cur")
			return
		fi
		[[ $option == --rounds ]] && return
	fi

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
	compopt -o filenames 2>/dev/null
}
complete -F _fcopy fcopy
