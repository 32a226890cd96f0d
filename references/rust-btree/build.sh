#!/usr/bin/env bash
# Builds the rust-btree reference service: build.sh OUT_FILE
# (e.g. build.sh references/build/rust-btree). Cargo's target dir is the lab's cache folder,
# ~/.cache/readstate-lab/rust-target, as Go keeps its build cache in ~/.cache/go-build: a fresh
# clone on a machine that built the service before compiles only this crate, not its ~140
# dependencies again. The Cargo.lock is honoured (--locked): the build fails rather than
# resolve other versions.
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
"$cargo" build --release --locked --features cassandra --manifest-path "$here/Cargo.toml"
mkdir -p "$(dirname "$out")"
cp "$CARGO_TARGET_DIR/release/rust-btree" "$out"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
printf 'rust-btree: built %s in %d.%03d s\n' "$out" $((elapsed_ms / 1000)) $((elapsed_ms % 1000))
