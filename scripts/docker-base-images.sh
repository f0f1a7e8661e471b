#!/usr/bin/env bash
# Builds the two base images the Dockerfile needs, from Debian's packages, for a machine that
# reaches Debian's archive but no container registry (where `FROM debian:...` cannot be pulled):
#
#   px-kvstore-base/debian:bookworm  debootstrap --variant=minbase, docs and apt lists removed:
#                                     what the image runs on (PXKV_BASE_IMAGE)
#   px-kvstore-base/jdk:17            the same plus openjdk-17-jdk-headless: where jdeps and jlink
#                                     cut the runtime down (PXKV_JDK_IMAGE)
#
# Prints the two lines to export. Needs root, debootstrap and a running Docker engine;
# PXKV_DEBIAN_MIRROR picks another Debian mirror.
# Cached twice: images already in the engine and built by this same recipe are kept (a label
# holds the recipe's hash); otherwise the root file systems are kept as tar files under
# ${XDG_CACHE_HOME:-~/.cache}/px-kvstore/docker-base/ and imported again (seconds, not a minute).
set -euo pipefail

mirror="${PXKV_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
runtime_image=px-kvstore-base/debian:bookworm
jdk_image=px-kvstore-base/jdk:17

# Any change to this file is a new recipe: new images, new cache entry.
recipe="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/px-kvstore/docker-base/$recipe"

log() { echo "docker-base-images: $*" >&2; }

built_by_this_recipe() {
  [[ "$(docker image inspect -f '{{index .Config.Labels "io.pxkv.base-recipe"}}' "$1" 2>/dev/null)" == "$recipe" ]]
}

import() { # TAR IMAGE [extra --change lines...]
  local tar="$1" image="$2"
  shift 2
  local changes=(
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    --change "LABEL io.pxkv.base-recipe=$recipe"
    --change 'CMD ["bash"]'
  )
  for c in "$@"; do changes+=(--change "$c"); done
  docker import "${changes[@]}" "$tar" "$image" >/dev/null
}

# What neither image needs: package lists and archives, docs, man pages, translations.
slim() {
  local root="$1"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/tmp/* "$root"/etc/resolv.conf
}

work=""
cleanup() {
  [[ -n "$work" ]] || return 0
  umount "$work/root/proc" "$work/root/sys" "$work/root/dev" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

build_root_files() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/pxkv-base.XXXXXX")"
  local root="$work/root" started=$SECONDS
  log "debootstrap $suite from $mirror (about 30 s)"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; return 1; }

  # The runtime base: the tree as debootstrap left it, less what it does not need. apt's lists
  # stay in the tree for the JDK's install below.
  mkdir -p "$cache"
  tar -C "$root" --exclude='./var/lib/apt/lists/*' --exclude='./var/cache/apt/*' \
    --exclude='./usr/share/doc/*' --exclude='./usr/share/man/*' --exclude='./usr/share/info/*' \
    --exclude='./usr/share/locale/*' -cf "$cache/debian.tar.partial" .

  log "openjdk-17-jdk-headless into the same tree"
  mount -t proc proc "$root/proc"
  mount -t sysfs sys "$root/sys"
  mount --bind /dev "$root/dev"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless >"$work/jdk.log" 2>&1 ||
    { tail -20 "$work/jdk.log" >&2; return 1; }
  umount "$root/proc" "$root/sys" "$root/dev"
  slim "$root"
  tar -C "$root" -cf "$cache/jdk.tar.partial" .

  # Complete files only: a run stopped half-way leaves no cache entry behind.
  mv "$cache/debian.tar.partial" "$cache/debian.tar"
  mv "$cache/jdk.tar.partial" "$cache/jdk.tar"
  log "root file systems built in $((SECONDS - started)) s, kept in $cache"
}

if built_by_this_recipe "$runtime_image" && built_by_this_recipe "$jdk_image"; then
  log "$runtime_image and $jdk_image are up to date"
else
  if [[ ! -f "$cache/debian.tar" || ! -f "$cache/jdk.tar" ]]; then
    command -v debootstrap >/dev/null || { log "needs debootstrap (apt-get install debootstrap)"; exit 1; }
    build_root_files
  fi
  started=$SECONDS
  import "$cache/debian.tar" "$runtime_image"
  import "$cache/jdk.tar" "$jdk_image" "ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"
  log "imported $runtime_image and $jdk_image in $((SECONDS - started)) s"
fi

echo "export PXKV_BASE_IMAGE=$runtime_image"
echo "export PXKV_JDK_IMAGE=$jdk_image"
