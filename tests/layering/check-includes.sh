#!/bin/sh
# The layering holds: every #include "dir/..." of a file under src/LAYER (or tools/) names a
# directory that LAYER may depend on. Dependencies flow one way:
#   core <- x86 <- iommu, x86 <- bus (VT-d is x86's IOMMU and reads the vector level's target,
#   as Linux's irqd_cfg; x86's allocation info is what bus domains hand their parents)
#   <- platform <- api <- scenario <- tools, with output beside them for printing.
# irqlab/ is the public API: anyone may include it. tools/ may include nothing else.
# Prints each offending include and exits 1; exits 0 when the graph holds.
top=${1:-.}
cd "$top" || exit 2
export LC_ALL=C
allowed() {
	case $1 in
	core) echo "core" ;;
	x86) echo "core x86" ;;
	iommu) echo "core x86 iommu" ;;
	bus) echo "core x86 bus" ;;
	output) echo "output" ;;
	platform) echo "core x86 iommu bus platform" ;;
	api) echo "core x86 iommu bus platform api" ;;
	scenario) echo "scenario output" ;;
	tools) echo "" ;;
	*) echo "?" ;;
	esac
}
status=0
for f in $(find src tools -name '*.[ch]' | sort); do
	case $f in
	tools/*) layer=tools ;;
	*) layer=$(echo "$f" | cut -d/ -f2) ;;
	esac
	ok=$(allowed "$layer")
	if [ "$ok" = "?" ]; then
		echo "$f: layer $layer is not in the graph"
		status=1
		continue
	fi
	for dir in $(sed -n 's/^#include "\([a-z0-9_]*\)\/.*/\1/p' "$f" | sort -u); do
		[ "$dir" = irqlab ] && continue
		case " $ok " in
		*" $dir "*) ;;
		*)
			echo "$f: includes $dir/ (layer $layer may use: irqlab ${ok:-nothing else})"
			status=1
			;;
		esac
	done
done
exit $status
