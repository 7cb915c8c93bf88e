#!/bin/sh
# Installs irqlab into a scratch prefix, then builds and runs a program against it through
# pkg-config, once with the shared library and once with the static one.
set -eu
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
# shellcheck disable=SC2046
$cc $flags -o "$prefix/use" "$prefix/use.c" $(pkg-config --cflags --libs irqlab)
LD_LIBRARY_PATH=$(dirname "$(find "$prefix" -name 'libirqlab.so' | head -n 1)") "$prefix/use"
$cc $flags -o "$prefix/use-static" "$prefix/use.c" $(pkg-config --cflags irqlab) \
	"$(find "$prefix" -name libirqlab.a | head -n 1)"
"$prefix/use-static"
test -f "$prefix/share/man/man1/irqlab.1"
test -x "$prefix/bin/irqlab"
echo "install ok"
