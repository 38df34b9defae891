# The -i question on a terminal.  fcopy asks on standard error and reads
# the answer from the controlling terminal: an answer starting with y or Y
# replaces DEST, anything else skips it with exit status 0.  Standard input
# stays data, so a piped source still works with -i.  script(1) gives
# fcopy a pseudo-terminal and types the answer into it.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_command "-i on a terminal" script || finish

printf 'new\n' >src

# ask ANSWER OPTION...: run fcopy -i OPTION... src dst on a terminal, typing
# ANSWER.  Sets RC and SEEN (what the terminal showed).
ask() {
	local answer=$1

	shift
	SEEN=$(printf '%s\n' "$answer" |
		timeout 20 script -qec "$(printf '%q ' "$FCOPY" -i "$@" src dst)" /dev/null)
	RC=$?
}

for answer in y Y yes; do
	printf 'old\n' >dst
	ask "$answer"
	check_eq "answer $answer exit status" 0 "$RC"
	check_contains "answer $answer question" "fcopy: replace 'dst'? " "$SEEN"
	check_eq "answer $answer replaces" new "$(cat dst)"
done

for answer in n N no "" x; do
	printf 'old\n' >dst
	ask "$answer" -v
	check_eq "answer '$answer' exit status" 0 "$RC"
	check_eq "answer '$answer' keeps dest" old "$(cat dst)"
	check_contains "answer '$answer' reports skip" "skipped 'dst'" "$SEEN"
done

# A new DEST needs no question.
rm -f dst
ask y
check_eq "new dest exit status" 0 "$RC"
check_not_contains "new dest asks nothing" "replace" "$SEEN"
check_eq "new dest content" new "$(cat dst)"

# -f wins over -i: no question, DEST replaced.
printf 'old\n' >dst
ask n -f
check_eq "-i -f exit status" 0 "$RC"
check_not_contains "-i -f asks nothing" "replace" "$SEEN"
check_eq "-i -f replaces" new "$(cat dst)"

# The answer comes from the terminal, so a piped source is not consumed.
printf 'old\n' >dst
SEEN=$(printf 'y\n' | timeout 20 script -qec \
	"printf 'piped\n' | $(printf '%q ' "$FCOPY") -i - dst" /dev/null)
RC=$?
check_eq "piped source exit status" 0 "$RC"
check_eq "piped source copied" piped "$(cat dst)"

finish
