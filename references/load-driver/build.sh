#!/usr/bin/env bash
# Builds the lab's compiled open-loop load driver (and its null server) with the Go toolchain named.
#   usage: build.sh GO_BINARY OUT_FILE
#   e.g.   build.sh /usr/local/go/bin/go references/build/load-driver
# Standard library only, so it needs no module download; go.mod asks for Go 1.22 or newer.
# Compiled packages stay in Go's per-user cache (~/.cache/go-build, or GOCACHE where set), not
# under build/, which a node-gyp rebuild of the native addon wipes. The build never changes go.mod.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: build.sh GO_BINARY OUT_FILE" >&2
  exit 2
fi
go_binary=$1
out=$2
if ! [ -x "$go_binary" ] || ! version=$("$go_binary" env GOVERSION 2>/dev/null); then
  echo "build.sh: no Go toolchain at $go_binary" >&2
  exit 1
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")" # absolute: go build runs in $here

# GOTOOLCHAIN=local stops a newer go from fetching another toolchain (an older one then fails
# on go.mod's go line, with one line); no cgo, so the binary is static. The driver's tests run
# with these same settings (scripts/build-references.mjs and the suite), so they reuse what this
# build compiled instead of compiling Go's standard library again.
export CGO_ENABLED=0 GOTOOLCHAIN=local
export GOFLAGS="-mod=readonly -modcacherw -buildvcs=false -trimpath"

start=$(date +%s%N)
(cd "$here" && "$go_binary" build -o "$out" .)
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
printf 'built %s with %s in %d.%03d s\n' "$out" "$version" $((elapsed_ms / 1000)) $((elapsed_ms % 1000))
