#!/bin/sh
# The shared library exports exactly what the public headers declare with IRQLAB_EXPORT: every
# declared function is a dynamic symbol of libirqlab.so (a definition that never saw its
# exported declaration is hidden), and no other function is.
# usage: abi/check-exports.sh BUILD_DIR
set -eu
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
lib=$1/libirqlab.so
tmp=$(mktemp -d "$1/exports.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
command -v nm >/dev/null || { echo "check-exports: nm is missing"; exit 77; }
# A declaration may span lines: join each IRQLAB_EXPORT declaration up to its '('.
for h in $(ls "$top"/include/irqlab/*.h | grep -v /export.h); do
	tr '\n' ' ' <"$h" | grep -o 'IRQLAB_EXPORT [^;{]*(' | sed 's/ *($//; s/.*[ *]//'
done | sort -u >"$tmp/declared"
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort -u >"$tmp/exported"
status=0
comm -23 "$tmp/declared" "$tmp/exported" | sed 's/^/declared but not exported: /' | grep . && status=1
comm -13 "$tmp/declared" "$tmp/exported" | sed 's/^/exported but not declared: /' | grep . && status=1
[ $status -eq 0 ] && echo "exports ok: $(wc -l <"$tmp/declared") functions"
exit $status
