#!/bin/sh
# Runs one scenario as a user would (irqlab run FILE), with the invariants checked in full after
# every statement (--check=full), and compares the outcome with what the file's own header
# asks for:
#   # expect-exit: N          the exit status (default 0)
#   # expect-output: TEXT     TEXT must appear in what irqlab printed (any number of lines)
bin=$1
file=$2
want=$(sed -n 's/^# expect-exit: *//p' "$file" | head -n 1)
want=${want:-0}
out=$("$bin" run --check=full "$file" 2>&1)
got=$?
if [ "$got" != "$want" ]; then
	printf 'exit status %s, expected %s\n%s\n' "$got" "$want" "$out"
	exit 1
fi
sed -n 's/^# expect-output: //p' "$file" | while IFS= read -r text; do
	case "$out" in
	*"$text"*) ;;
	*)
		printf 'output lacks: %s\n%s\n' "$text" "$out"
		exit 1
		;;
	esac
done
