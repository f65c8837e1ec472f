#!/usr/bin/env bash
# Signed models on the device (issue 16), for one core: signs the q15 60K model with the firmware's
# test key (atome_sign_test_model), embeds it signed and unsigned as C arrays, builds the signature
# firmware (firmware/app/verify_main.cpp, libsodium's sources built freestanding), runs it under
# QEMU, runs the same checks on the host with Debian's libsodium (atome_verify_twin), and requires
# identical lines and exit status 0: the RFC 8032 vectors, the refusals (other key, rollback,
# unsigned), 64 single-bit flips of a RAM copy (not on M0), and a few tokens of the model.
#
#   scripts/firmware-signed.sh CORE BUILD_DIR ATOME_CLI SIGNER TWIN SIZER WINDOW TOKENS FLIPS
#   SIZER: the firmware-configured host twin whose --state-bytes sizes the arena (q15, core's lut).
#   Exit 77 (CTest: skipped) without libsodium's sources (scripts/get-libsodium-source.sh) or the
#   core's cross compiler and QEMU, unless CI=true: then it fails.
set -euo pipefail
core=$1 build=$2 atome=$3 signer=$4 twin=$5 sizer=$6 window=$7 tokens=$8 flips=$9
repo=$(cd "$(dirname "$0")/.." && pwd)
prompt="Once upon a time"
source "$(dirname "$0")/firmware-core.sh"
for tool in "${qemu[0]}" "${tools}g++"; do
  if ! command -v "$tool" >/dev/null; then
    echo "missing $tool (scripts/install-deps.sh --firmware)"
    if "$(dirname "$0")/in-ci.sh"; then exit 1; fi
    exit 77
  fi
done
sodium=${ATOME_LIBSODIUM_SRC:-$(ls -d "$repo"/build/deps/libsodium-*/ 2>/dev/null | head -1 || true)}
if [ -z "$sodium" ] || [ ! -f "$sodium/src/libsodium/crypto_sign/ed25519/ref10/open.c" ]; then
  if "$(dirname "$0")/in-ci.sh"; then
    echo "libsodium sources not found in build/deps (CI: failing; scripts/get-libsodium-source.sh)"
    exit 1
  fi
  echo "libsodium sources not found in build/deps: skipped (scripts/get-libsodium-source.sh)"
  exit 77
fi
mkdir -p "$build"
model=$repo/models/atome-stories-60k-q15.atome
"$signer" "$model" "$build/signed.atome"
"$atome" export --model "$build/signed.atome" --c-header "$build/signed.h" \
  --symbol atome_signed_model >/dev/null
"$atome" export --model "$model" --c-header "$build/unsigned.h" --symbol atome_unsigned_model >/dev/null
arena=$("$sizer" --state-bytes "$model" "$window")
cmake -S "$repo/firmware" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$repo/firmware/cmake/$toolchain.cmake" \
  -DATOME_CORE="$core" -DATOME_SIGNED_MODEL_HEADER="$build/signed.h" \
  -DATOME_UNSIGNED_MODEL_HEADER="$build/unsigned.h" -DATOME_WINDOW="$window" \
  -DATOME_ARENA_BYTES="$arena" -DATOME_TOKENS="$tokens" -DATOME_PROMPT="$prompt" \
  -DATOME_NUMERICS=q15 -DATOME_FLIPS="$flips" -DATOME_LIBSODIUM_SRC="${sodium%/}" >/dev/null
cmake --build "$build" --target atome_verify_fw >/dev/null
status=0
timeout 300 "${qemu[@]}" -nographic -semihosting-config enable=on,target=native \
  -kernel "$build/atome_verify_fw.elf" >"$build/device.txt" 2>&1 || status=$?
"$twin" "$build/signed.atome" "$model" "$window" "$tokens" "$prompt" "$flips" >"$build/host.txt" || {
  cat "$build/host.txt"; echo "host twin failed"; exit 1; }
echo "$core signed 60K q15 model, window $window, state $arena B, flips $flips: exit $status"
if [ "$status" -ne 0 ]; then
  tail -5 "$build/device.txt"
  echo "firmware exit status $status (99: fault handler)"
  exit 1
fi
# "#" lines are device-only measurements (stack high-water mark), not part of the comparison.
grep -v '^#' "$build/device.txt" >"$build/device-compared.txt" || true
grep '^#' "$build/device.txt" || true
if ! diff -u "$build/host.txt" "$build/device-compared.txt"; then
  echo "device and host differ"
  exit 1
fi
tail -1 "$build/device-compared.txt"
