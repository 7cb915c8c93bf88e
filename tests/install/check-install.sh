#!/bin/sh
# Installs irqlab into a scratch prefix, then builds and runs two programs against it through
# pkg-config, once with the shared library and once with the static one: a user of the format
# headers, and irqlab(3)'s example (doc/example.c), which drives an interrupt from allocation
# to delivery through <irqlab/irqlab.h> alone and fails unless the API's answers agree.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
cc=${2:-cc}
flags=${3:-}
# The scratch prefix lives in the build directory, which the build has shown to be writable
# and to run programs: TMPDIR may be missing or mounted noexec. A DESTDIR in the caller's
# environment would send the install elsewhere.
prefix=$(mktemp -d "$build/install-test.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
unset DESTDIR
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name irqlab.pc)
export PKG_CONFIG_PATH=$(dirname "$pc")
# The .pc names the prefix it was configured for; point it at the scratch one.
sed -i "s|^prefix=.*|prefix=$prefix|" "$pc"
cat > "$prefix/use.c" <<'C'
#include <stdio.h>
#include <irqlab/msi.h>
#include <irqlab/version.h>

int main(void)
{
	struct irqlab_msi_remap r = { .handle = 1, .shv = true };
	struct irqlab_msi_msg m;

	irqlab_msi_remap_encode(&r, &m);
	printf("%s 0x%08x\n", irqlab_version(), m.address_lo);
	return m.address_lo == 0xfee00038 ? 0 : 1;
}
C
cp "$top/doc/example.c" "$prefix/example.c"
libdir=$(dirname "$(find "$prefix" -name 'libirqlab.so' | head -n 1)")
# The development link and the soname link both lead to the versioned file.
test -L "$libdir/libirqlab.so"
test -L "$libdir/libirqlab.so.0"
test "$(readlink "$libdir/libirqlab.so.0")" = "$(readlink -f "$libdir/libirqlab.so" | xargs basename)"
for prog in use example; do
	# -Werror: the public headers must compile cleanly in a user's strict build.
	# shellcheck disable=SC2046
	$cc $flags -Wall -Wextra -Werror -o "$prefix/$prog" "$prefix/$prog.c" \
		$(pkg-config --cflags --libs irqlab)
	LD_LIBRARY_PATH=$libdir "$prefix/$prog"
	# shellcheck disable=SC2046
	$cc $flags -Wall -Wextra -Werror -o "$prefix/$prog-static" "$prefix/$prog.c" \
		$(pkg-config --cflags irqlab) "$libdir/libirqlab.a"
	"$prefix/$prog-static"
done
test -f "$prefix/share/man/man1/irqlab.1"
test -f "$prefix/share/man/man3/irqlab.3"
test -x "$prefix/bin/irqlab"
echo "install ok"
