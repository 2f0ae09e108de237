#!/usr/bin/env bash
# The desktop E2E tests: the built app (debug by default; CONFAB_E2E_PROFILE=release)
# under Xvfb with a session bus, through tauri-driver + WebKitWebDriver.
# Needs: the UI built (ui/dist), `cargo build -p confab-desktop -p confab-server
# -p confab-cli`, root npm dependencies (npm ci), and tauri-driver
# (cargo install tauri-driver --version '^2' --locked). tauri-driver uses the
# fixed ports 4444/4445: never run two suites at once.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- node --test --test-concurrency=1 "$@" tests/e2e/
