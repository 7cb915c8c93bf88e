#!/bin/sh
# Compares BUILD_DIR's libirqlab.so with the baseline abi/libirqlab.abi (libabigail's abidiff,
# Debian package abigail-tools) and fails on any change of the ABI. abidiff marks only what is
# incompatible for sure (a function removed) as incompatible; a changed parameter or struct
# type is reported as a change that may break callers, and an added function as a change
# too: each must be looked at and, when it is meant and compatible, recorded with
# abi/update.sh, or the next change would be measured against a stale baseline.
# Exits 77 (skipped) when abidiff is missing or the library has no debug info.
#
# usage: abi/check.sh BUILD_DIR
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
lib=$build/libirqlab.so

if ! command -v abidiff >/dev/null || ! command -v abidw >/dev/null; then
	echo "abidiff is not installed (Debian package abigail-tools): skipped"
	exit 77
fi
if ! readelf -S "$lib" 2>/dev/null | grep -q '\.debug_info'; then
	echo "$lib has no debug info (a Release build): skipped"
	exit 77
fi
current=$(mktemp "$build/abi-current.XXXXXX")
trap 'rm -f "$current"' EXIT
sh "$top/abi/abidw.sh" "$build" >"$current" || exit 1
abidiff --no-show-locs "$top/abi/libirqlab.abi" "$current"
status=$?
# abidiff's exit status is a bit field: 1 error, 2 usage error, 4 ABI change,
# 8 incompatible ABI change.
if [ $((status & 3)) -ne 0 ]; then
	echo "abidiff failed (status $status)"
	exit 1
fi
if [ $((status & 8)) -ne 0 ]; then
	echo "INCOMPATIBLE ABI change against abi/libirqlab.abi: programs built against" \
		"libirqlab.so.0 would break. Restore the ABI, or bump the soname and record the new" \
		"baseline with abi/update.sh $build"
	exit 1
fi
if [ $((status & 4)) -ne 0 ]; then
	echo "ABI change against abi/libirqlab.abi (above). A changed type can break programs" \
		"built against libirqlab.so.0; an added function cannot. If the change is meant" \
		"and compatible, record it with abi/update.sh $build; if not, restore the ABI or" \
		"bump the soname"
	exit 1
fi
echo "ABI unchanged"
