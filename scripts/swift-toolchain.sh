#!/usr/bin/env bash
# Sets up the Swift toolchain the Swift SDK's tests use on a Debian machine without `swift`:
# Debian's `swiftlang` (Swift 6, with Foundation, FoundationNetworking and XCTest) inside a Debian
# trixie minbase root made with debootstrap, kept OUTSIDE the repository so every clone shares it.
#
#   sudo scripts/swift-toolchain.sh            # about a minute and ~3 GB the first time, then instant
#   sudo scripts/swift-toolchain.sh --remove   # unmounts the root's /proc and deletes the root
#
# Idempotent: each step leaves a marker and is skipped once done; a half-made root is started over.
# The test runner mounts /proc in the root and leaves it mounted; --remove takes care of that.
# scripts/test.mjs finds the root by the same rules (VENDO_SWIFT_ROOT, else the default below).
#   VENDO_SWIFT_ROOT       where the root lives (default /var/cache/vendo-swift/trixie)
#   VENDO_DEBIAN_MIRROR    the Debian mirror (default: the first one in /etc/apt/sources.list*)
set -euo pipefail

ROOT="${VENDO_SWIFT_ROOT:-/var/cache/vendo-swift/trixie}"
SUITE=trixie
READY="$ROOT/.vendo-swift-ready"
BOOTSTRAPPED="$ROOT/.vendo-debootstrap-done"
SWIFT=/usr/libexec/swift/bin/swift
started=$SECONDS

say() { printf '[swift-toolchain %3ds] %s\n' "$((SECONDS - started))" "$*"; }
die() { printf '[swift-toolchain] error: %s\n' "$*" >&2; exit 1; }

[ -r /etc/debian_version ] || die "this script sets up a Debian root and needs a Debian host (no /etc/debian_version). Install Swift from swift.org instead and put \`swift\` on PATH."
[ "$(id -u)" = 0 ] || die "debootstrap and chroot need root: run it as root (sudo $0)."
case "$ROOT" in
  /*/*) ;;
  *) die "VENDO_SWIFT_ROOT must be an absolute path at least two levels deep, not '$ROOT'" ;;
esac
mkdir -p "$(dirname "$ROOT")"
# One set-up (or removal) at a time: CI and a developer may start it together.
exec 9>"$ROOT.lock"
flock 9

# Everything mounted under the root (/proc), deepest first.
mounts_under_root() { awk -v root="$ROOT/" 'index($2 "/", root) == 1 { print $2 }' /proc/self/mounts | sort -r; }
# Deletes the root without ever following a mount out of it.
remove_root() {
  for m in $(mounts_under_root); do umount "$m"; done
  [ -z "$(mounts_under_root)" ] || die "cannot unmount everything under $ROOT; not deleting it"
  rm -rf --one-file-system "$ROOT"
}

if [ "${1:-}" = "--remove" ]; then
  say "removing $ROOT"
  remove_root
  rm -f "$ROOT.debootstrap.log" "$ROOT.apt.log"
  say "removed"
  exit 0
fi

if [ -f "$READY" ]; then
  say "ready: $(cat "$READY") in $ROOT"
  exit 0
fi

# The first Debian (not -security) mirror this machine already uses: deb822 `URIs:` or one-line `deb`.
find_mirror() {
  local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list)
  local f
  for f in "${files[@]}"; do
    [ -r "$f" ] || continue
    awk '
      /^[[:space:]]*#/ { next }
      $1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }
      $1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }
    ' "$f"
  done | grep -E '^https?://.*/debian/?$' | head -n 1
}
MIRROR="${VENDO_DEBIAN_MIRROR:-$(find_mirror || true)}"
[ -n "$MIRROR" ] || die "no Debian mirror found in /etc/apt/sources.list*; set VENDO_DEBIAN_MIRROR=http://…/debian"

if ! command -v debootstrap >/dev/null; then
  say "installing debootstrap on the host (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 || die "apt-get install debootstrap failed"
fi

if [ ! -f "$BOOTSTRAPPED" ]; then
  if [ -e "$ROOT" ]; then
    say "removing an unfinished root at $ROOT"
    remove_root
  fi
  # Older debootstraps (bookworm's) know trixie only as the script every release since buster uses.
  script=/usr/share/debootstrap/scripts/$SUITE
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  say "debootstrap --variant=minbase $SUITE $ROOT $MIRROR (about a minute)"
  debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" "$script" >"$ROOT.debootstrap.log" 2>&1 \
    || die "debootstrap failed; its log: $ROOT.debootstrap.log"
  touch "$BOOTSTRAPPED"
  say "debootstrap done"
fi

mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

# libc6-dev is only a Recommends of gcc, but swiftc links and imports Glibc with it.
say "apt-get install swiftlang libc6-dev inside the root (about a minute)"
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends swiftlang libc6-dev && apt-get clean' \
  >"$ROOT.apt.log" 2>&1 || die "apt-get install swiftlang failed; its log: $ROOT.apt.log"

version="$(chroot "$ROOT" "$SWIFT" --version 2>/dev/null | head -n 1)"
[ -n "$version" ] || die "$SWIFT does not run inside $ROOT"
printf '%s\n' "$version" >"$READY"
say "ready: $version in $ROOT ($(du -sh --one-file-system "$ROOT" | cut -f1))"
