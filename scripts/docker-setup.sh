#!/usr/bin/env bash
# Makes `docker compose` work on a Debian machine that has no Docker, no systemd and no registry
# (CI's machine): Debian's engine and compose, a running dockerd, `docker compose` for compose 1.x,
# and the base images built from Debian's packages. Each step is skipped when already done.
#
#   scripts/docker-setup.sh       # as root; prints the two lines to export for the base images
#
# scripts/compose-test.sh sources this file and calls the steps itself.

docker_setup_log() { echo "docker-setup: $*" >&2; }

# Debian's docker.io (engine 20.10) and docker-compose (1.29), debootstrap for the base images,
# jq and curl for the checks.
docker_setup_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v jq >/dev/null || missing+=(jq)
  command -v curl >/dev/null || missing+=(curl)
  ((${#missing[@]} == 0)) && return 0
  docker_setup_log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
}

# Starts dockerd when none answers; with no systemd it is started by hand, default settings
# (overlay2, bridge networks). Sets DOCKERD_STARTED_PID when this call started it.
DOCKERD_STARTED_PID=""
docker_setup_daemon() {
  docker info >/dev/null 2>&1 && return 0
  local log="${DOCKERD_LOG:-/tmp/pxkv-dockerd.log}"
  docker_setup_log "starting dockerd (log: $log)"
  setsid dockerd >"$log" 2>&1 </dev/null &
  DOCKERD_STARTED_PID=$!
  local deadline=$((SECONDS + 60))
  until docker info >/dev/null 2>&1; do
    if ! kill -0 "$DOCKERD_STARTED_PID" 2>/dev/null || ((SECONDS > deadline)); then
      tail -20 "$log" >&2
      docker_setup_log "dockerd did not come up"
      return 1
    fi
    sleep 0.2
  done
}

# `docker compose` (the v2 syntax the README uses) for a machine that has only compose 1.x: a
# CLI plugin that hands its arguments to docker-compose.
docker_setup_compose_plugin() {
  docker compose version >/dev/null 2>&1 && return 0
  local dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
  docker_setup_log "installing $dir/docker-compose (docker compose -> docker-compose 1.x)"
  mkdir -p "$dir"
  cat >"$dir/docker-compose" <<'EOF'
#!/bin/sh
# docker compose ARGS -> docker-compose ARGS (compose 1.x, installed by px-kvstore's
# scripts/docker-setup.sh where no compose plugin was).
if [ "$1" = docker-cli-plugin-metadata ]; then
  echo '{"SchemaVersion":"0.1.0","Vendor":"px-kvstore","Version":"1.x","ShortDescription":"docker-compose 1.x as docker compose"}'
  exit 0
fi
shift
exec docker-compose "$@"
EOF
  chmod +x "$dir/docker-compose"
  docker compose version >/dev/null
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  docker_setup_packages
  docker_setup_daemon
  docker_setup_compose_plugin
  "$(dirname "${BASH_SOURCE[0]}")/docker-base-images.sh"
fi
