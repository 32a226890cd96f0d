#!/usr/bin/env bash
# Builds the rust-btree reference service: build.sh OUT_FILE
# (e.g. build.sh references/build/rust-btree). Cargo's target dir is the lab's cache folder,
# ~/.cache/readstate-lab/rust-target, as Go keeps its build cache in ~/.cache/go-build: a fresh
# clone on a machine that built the service before compiles none of its ~140 dependencies again,
# and with the same sources not this crate either (see below). The Cargo.lock is honoured
# (--locked): the build fails rather than resolve other versions.
# The lab's build has the Cassandra store (--features cassandra, the scylla crate); a plain
# `cargo build` here leaves it out and builds only the SQLite store.
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: build.sh OUT_FILE" >&2
  exit 2
fi
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

cargo=$(command -v cargo || true)
if [ -z "$cargo" ] && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
  cargo=${CARGO_HOME:-$HOME/.cargo}/bin/cargo
fi
if [ -z "$cargo" ]; then
  echo "rust-btree: cargo not found (install Rust with rustup, or put cargo on PATH)" >&2
  exit 1
fi

export CARGO_TARGET_DIR=$HOME/.cache/readstate-lab/rust-target
mkdir -p "$CARGO_TARGET_DIR"
# Two clones building at once share the target dir: the build and the copy of its binary hold
# one lock, so neither copies the other's binary.
exec 9>"$CARGO_TARGET_DIR/readstate-lab-build.lock"
flock 9
start=$(date +%s%N)
mkdir -p "$(dirname "$out")"

# cargo knows this crate by its path, so a clone in another folder compiles the crate again
# (about 35 s here) even though every dependency comes from the target dir. The binary is also
# kept under a hash of everything that goes into it (sources, lock file, this script, the
# toolchain, the flags cargo reads from the environment): a build with the same inputs copies it.
rustc=$(dirname "$cargo")/rustc
[ -x "$rustc" ] || rustc=rustc
inputs=$(
  cd "$here"
  "$cargo" --version --verbose
  "$rustc" -vV
  env | grep -E '^(RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS|CARGO_PROFILE_|CARGO_BUILD_)' | sort || true
  find Cargo.toml Cargo.lock build.sh src -type f -print0 | sort -z | xargs -0 sha256sum
)
kept_dir=$CARGO_TARGET_DIR/readstate-lab-binaries
kept=$kept_dir/rust-btree-$(printf '%s' "$inputs" | sha256sum | cut -c1-16)
if [ -s "$kept" ]; then
  cp "$kept" "$out"
  printf 'rust-btree: %s is the binary built before from the same sources (%s)\n' "$out" "$kept"
  exit 0
fi

"$cargo" build --release --locked --features cassandra --manifest-path "$here/Cargo.toml"
cp "$CARGO_TARGET_DIR/release/rust-btree" "$out"
mkdir -p "$kept_dir"
cp "$out" "$kept.tmp" && mv "$kept.tmp" "$kept"
# The three most recent builds are enough to go back and forth between branches.
ls -t "$kept_dir"/rust-btree-* | tail -n +4 | xargs -r rm -f
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf 'rust-btree: built %s in %d.%03d s\n' "$out" $((elapsed_ms / 1000)) $((elapsed_ms % 1000))
