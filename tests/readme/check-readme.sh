#!/bin/sh
# The README's samples are real: every `$ build/irqlab ...` line of a ```sh block is run
# (build/irqlab standing for the command under test, from the source directory) and what it
# prints must be the lines after it, up to the next `$ ` line or the end of the block; and
# the ``` block that follows a line naming `scenarios/X.irq` alone is that file, byte for
# byte. Trailing blanks are ignored: /proc/interrupts pads its header, editors strip them.
src=$1
bin=$2
readme=$src/README.md
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
cd "$src" || exit 1

# The scenario the README quotes.
file=$(sed -n 's/^`\(scenarios\/[A-Za-z0-9_.-]*\.irq\)`:$/\1/p' "$readme" | head -n 1)
if [ -z "$file" ]; then
	echo "README.md quotes no scenario file"
	exit 1
fi
awk -v name="\`$file\`:" '
	$0 == name { armed = 1; next }
	armed && /^```/ { if (inside) exit; inside = 1; next }
	inside { print }
' "$readme" >"$tmp/quoted"
if ! cmp -s "$tmp/quoted" "$file"; then
	echo "README.md quotes $file, but the file differs:"
	diff -u "$file" "$tmp/quoted"
	status=1
fi

# Split the sh blocks into commands and what each must print.
awk -v dir="$tmp" '
	/^```sh$/ { inside = 1; next }
	/^```/ { inside = 0; next }
	inside && /^\$ / && index($0, "build/irqlab") {
		n++
		cmd = dir "/cmd" n
		out = dir "/want" n
		print substr($0, 3) > cmd
		close(cmd)
		printf "" > out
		collecting = 1
		next
	}
	inside && /^\$ / { collecting = 0; next }
	inside && collecting { print > out }
' "$readme"

n=0
for cmd in "$tmp"/cmd*; do
	[ -e "$cmd" ] || break
	n=$((n + 1))
	i=${cmd##*/cmd}
	line=$(cat "$cmd")
	run=$(printf '%s' "$line" | sed "s#build/irqlab#'$bin'#g")
	sh -c "$run" 2>&1 | sed 's/[ 	]*$//' >"$tmp/got$i"
	sed 's/[ 	]*$//' "$tmp/want$i" >"$tmp/wantt$i"
	if ! cmp -s "$tmp/wantt$i" "$tmp/got$i"; then
		echo "README.md: \$ $line prints otherwise:"
		diff -u "$tmp/wantt$i" "$tmp/got$i"
		status=1
	fi
done
if [ "$n" = 0 ]; then
	echo "README.md has no \$ build/irqlab command"
	status=1
fi
exit $status
