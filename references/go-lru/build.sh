#!/usr/bin/env bash
# Builds the go-lru reference service with the Go toolchain named.
#   usage: build.sh GO_BINARY OUT_FILE
#   e.g.   build.sh /usr/lib/go-1.19/bin/go references/build/go-lru-go1.19
# Modules and compiled packages are kept in Go's own per-user caches (~/go/pkg/mod and
# ~/.cache/go-build, or GOMODCACHE and GOCACHE where set), not under build/, which a
# node-gyp rebuild of the native addon wipes. After the first build (which downloads the two
# modules from the Go module proxy) it builds offline. go.sum pins every module; the build
# never changes go.mod or go.sum.
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

# -modcacherw keeps the module cache deletable without chmod; GOTOOLCHAIN=local stops a
# newer go from fetching another toolchain (go 1.19 ignores it); cgo is needed by SQLite.
# The service's tests run with these same flags (scripts/build-references.mjs and the suite):
# with -trimpath in one and not the other, Go compiles SQLite's C again for the tests.
export CGO_ENABLED=1 GOTOOLCHAIN=local
export GOFLAGS="-mod=readonly -modcacherw -buildvcs=false -trimpath"

start=$(date +%s%N)
(cd "$here" && "$go_binary" build -o "$out" .)
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
printf 'built %s with %s in %d.%03d s\n' "$out" "$version" $((elapsed_ms / 1000)) $((elapsed_ms % 1000))
