#!/usr/bin/env bash
# Installs, from Debian's packages, whatever the build and the tests need and the machine
# lacks. Sourced by the other scripts; does nothing when all is there.
irqlab_need_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "irqlab: missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
		return 1
	fi
	echo "irqlab: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

IRQLAB_BUILD_PACKAGES=(gcc make cmake ninja-build pkg-config)
IRQLAB_TEST_PACKAGES=(libcmocka-dev clang clang-format libclang-rt-14-dev scdoc groff-base git
	faketime abigail-tools)
