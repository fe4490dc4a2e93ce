#!/usr/bin/env bash
# Builds the web client into the directory given as $1 (the CMake target
# `web_client` calls it with <build dir>/web). Runs `npm ci` first when
# node_modules is missing or older than package-lock.json; a lock on
# package-lock.json keeps several build directories from installing at once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build-into.sh OUTPUT_DIR}"
cd "$here"

needs_install() {
  [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]
}

if needs_install; then
  exec 9<package-lock.json
  flock 9
  if needs_install; then
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
  flock -u 9
fi
FOYER_WEB_OUT="$out" node build.mjs
