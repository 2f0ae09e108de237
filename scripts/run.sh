#!/usr/bin/env bash
# Sets up what it needs on a fresh Debian/Ubuntu machine (system packages,
# npm dependencies), builds the UI and the desktop app, and launches it. On
# first run the app asks where chats live: "on this computer" (the default)
# starts the server inside the app, with its data in the app data directory
# (~/.local/share/dev.confab.desktop).
#
#   ./scripts/run.sh            the desktop app
#   ./scripts/run.sh --web      the same UI in a browser: confab-web on
#                               http://127.0.0.1:7789; open the URL it prints
#                               (it carries a per-launch token; extra args go
#                               to it)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
confab_build_ui
if [ "${1:-}" = "--web" ]; then
    shift
    cargo build --release --locked -p confab-webhost -p confab-cli
    echo "confab CLI: $CARGO_TARGET_DIR/release/confab" >&2
    exec "$CARGO_TARGET_DIR/release/confab-web" --port 7789 --ui-dir ui/dist "$@"
fi
cargo build --release --locked -p confab-desktop -p confab-cli
echo "confab CLI: $CARGO_TARGET_DIR/release/confab (try: confab register bob --password …)" >&2
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "no display: run it under a desktop session, or headless with" >&2
    echo "  xvfb-run -a $CARGO_TARGET_DIR/release/confab-desktop   (or ./scripts/run.sh --web)" >&2
    exit 1
fi
exec "$CARGO_TARGET_DIR/release/confab-desktop" "$@"
