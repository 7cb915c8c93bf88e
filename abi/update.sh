#!/bin/sh
# Records the ABI of BUILD_DIR's libirqlab.so as the baseline abi/libirqlab.abi. Run it when
# an ABI change is meant (a function added, or an incompatible change with a new soname), and
# commit the baseline with the change. The build needs debug info (the default
# RelWithDebInfo, or Debug) and no sanitizer. The file is the same from any build directory;
# from a checkout at another path abidw may place some declarations in another order, which
# abidiff does not count as a change.
#
# usage: abi/update.sh BUILD_DIR        (also: cmake --build BUILD_DIR --target abi-update)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/abi/abidw.sh" "$1" >"$top/abi/libirqlab.abi.new"
mv "$top/abi/libirqlab.abi.new" "$top/abi/libirqlab.abi"
echo "abi/libirqlab.abi updated from $1/libirqlab.so"
