#!/bin/sh
# A FILE that cannot be read gets the verdict line every file gets (ERROR FILE), its reason on
# standard error, its own JSON document with --json, and exit status 2; the files around it
# still run and count.
bin=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
printf 'host cpus=2\nexpect lost count=0\n' >good.irq

fail() {
	printf '%s\n--- stdout\n%s\n--- stderr\n%s\n' "$1" "$(cat out)" "$(cat err)"
	exit 1
}

"$bin" run missing.irq >out 2>err
status=$?
[ "$status" = 2 ] || fail "exit status $status, expected 2"
grep -qx 'ERROR missing.irq' out || fail "no 'ERROR missing.irq' line on standard output"
grep -q '^missing.irq: cannot open: ' err || fail "no reason on standard error"

"$bin" run good.irq missing.irq good.irq >out 2>err
status=$?
[ "$status" = 2 ] || fail "exit status $status, expected 2"
[ "$(grep -c '^PASS good.irq' out)" = 2 ] || fail "the readable files did not both pass"
grep -qx 'ERROR missing.irq' out || fail "no 'ERROR missing.irq' line among several files"
grep -qx '2 passed, 1 failed (errors count as failures)' out || fail "the summary is wrong"

"$bin" run --json good.irq missing.irq >out 2>err
status=$?
[ "$status" = 2 ] || fail "--json: exit status $status, expected 2"
[ "$(wc -l <out)" = 2 ] || fail "--json: not one document per file"
doc=$(sed -n 2p out)
case "$doc" in
'{"file":"missing.irq",'*'"error":{"line":0,"col":0,"message":"cannot open: '*'"},"result":"error"}') ;;
*) fail "--json: the unreadable file's document is not as documented" ;;
esac

# A directory opens but does not read.
mkdir adir.irq
"$bin" run adir.irq >out 2>err
status=$?
[ "$status" = 2 ] || fail "directory: exit status $status, expected 2"
grep -qx 'ERROR adir.irq' out || fail "directory: no 'ERROR adir.irq' line"
exit 0
