#!/bin/sh
# The ABI of BUILD_DIR's libirqlab.so as libabigail's XML, on stdout, in a form that depends
# only on the ABI: the types of include/irqlab/ (private ones dropped), no source locations,
# no paths, type ids by hash. abi/update.sh and abi/check.sh both read it through here.
#
# usage: abi/abidw.sh BUILD_DIR
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
lib=$1/libirqlab.so
abidw --no-corpus-path --no-comp-dir-path --no-show-locs --type-id-style hash \
	--headers-dir "$top/include/irqlab" --drop-private-types "$lib" |
	sed "s|path='$top/|path='|"
