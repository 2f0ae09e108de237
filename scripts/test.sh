#!/usr/bin/env bash
# Sets up what the tests need on a fresh Debian/Ubuntu machine, builds once,
# and runs every test. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# One build of everything (binaries included: a test runs the real confabd).
cargo build --workspace --all-targets --locked
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked --quiet -- -D warnings
cargo nextest run --workspace --locked --no-fail-fast
