#!/usr/bin/env bash
# Sets up what it needs on a fresh Debian/Ubuntu machine, builds Confab and
# starts it: the confabd server on 127.0.0.1:7788 with its data in
# ~/.local/share/confab. Extra arguments go to confabd (see `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked -p confab-server -p confab-cli
echo "confab CLI: $CARGO_TARGET_DIR/release/confab (try: confab register alice --password …)" >&2
exec "$CARGO_TARGET_DIR/release/confabd" "$@"
