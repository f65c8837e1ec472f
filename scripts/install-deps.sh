#!/usr/bin/env bash
# Installs the Debian 12 packages the host build, tests and fuzzers need (as root or via sudo).
# With --firmware also the cross compilers and QEMU of the firmware tests (~1 GB; the test
# command needs them, the first command does not) and Debian's libsodium source package, which the
# firmware's Ed25519 verifier is built from (scripts/get-libsodium-source.sh, into build/deps).
# Skips apt when everything is already there.
set -euo pipefail
firmware_sources() {
  if [ "${1:-}" = "--firmware" ]; then "$(dirname "$0")/get-libsodium-source.sh"; fi
}
packages=(
  g++ cmake ninja-build make binutils pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libedit-dev
  clang libclang-rt-14-dev
  python3 python3-numpy clang-format
  libsodium-dev python3-cryptography
)
# The 32-bit build of the engine in tests/state_overflow.cmake (size_t overflow of the state).
if [ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ]; then
  packages+=(g++-multilib)
fi
if [ "${1:-}" = "--firmware" ]; then
  packages+=(gcc-arm-none-eabi gcc-riscv64-unknown-elf qemu-system-arm qemu-system-misc)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  firmware_sources "${1:-}"
  exit 0
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
firmware_sources "${1:-}"
