#!/usr/bin/env bash
# Fetches Debian's libsodium source package (the vetted Ed25519 + SHA-512 the firmware verifier is
# built from, firmware/crypto/) with `apt-get source`, so no third-party code lives in this repo.
# dpkg-source unpacks it with Debian's patches applied (e.g. bookworm's CVE fix).
#
#   scripts/get-libsodium-source.sh [DEST]      default DEST: build/deps (git-ignored)
#
# Makes sure apt has a deb-src entry (adds /etc/apt/sources.list.d/atome-deb-src.sources, a copy
# of debian.sources' deb entries with Types: deb-src, and runs apt-get update), installs dpkg-dev
# if needed (root or sudo), and skips the download when DEST already holds an unpacked tree.
# Prints the version of the tree it found or got.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$repo/build/deps}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

print_version() {  # the tree's Debian version, from its changelog
  sed -n '1s/^libsodium (\([^)]*\)).*/\1/p' "$1/debian/changelog"
}
tree=$(ls -d "$dest"/libsodium-*/ 2>/dev/null | head -1 || true)
if [ -n "$tree" ] && [ -f "$tree/src/libsodium/crypto_sign/ed25519/ref10/open.c" ]; then
  echo "libsodium source: $(print_version "$tree") in ${tree%/} (already there)"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v dpkg-source >/dev/null; then
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends dpkg-dev
fi

# A deb-src entry: any existing one (one-line or deb822 format) will do; otherwise the deb
# entries of debian.sources (same URIs, suites, keyring) as deb-src.
has_deb_src() {
  grep -qsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list \
    /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}
if ! has_deb_src; then
  deb=/etc/apt/sources.list.d/debian.sources
  if [ ! -f "$deb" ]; then
    echo "get-libsodium-source: no deb-src entry and no $deb to derive one from" >&2
    exit 1
  fi
  sed 's/^Types:.*/Types: deb-src/' "$deb" |
    "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/atome-deb-src.sources >/dev/null
  echo "get-libsodium-source: added /etc/apt/sources.list.d/atome-deb-src.sources"
  "${sudo_cmd[@]}" apt-get update -qq
elif ! apt-get source --print-uris -qq libsodium >/dev/null 2>&1; then
  "${sudo_cmd[@]}" apt-get update -qq  # the entry exists but its index was never fetched
fi

# apt-get source runs dpkg-source -x (patches applied) in the current directory; as root it
# warns that it cannot drop privileges to _apt for the download, which is harmless.
(cd "$dest" && apt-get source -qq libsodium 2>&1 | grep -v 'Download is performed unsandboxed' || true)
tree=$(ls -d "$dest"/libsodium-*/ 2>/dev/null | head -1 || true)
if [ -z "$tree" ] || [ ! -f "$tree/src/libsodium/crypto_sign/ed25519/ref10/open.c" ]; then
  echo "get-libsodium-source: apt-get source libsodium gave no source tree in $dest" >&2
  exit 1
fi
echo "libsodium source: $(print_version "$tree") in ${tree%/}"
