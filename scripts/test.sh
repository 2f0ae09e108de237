#!/usr/bin/env bash
# Sets up what the tests need on a fresh Debian/Ubuntu machine, builds once,
# and runs every test. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
# Headless desktop and browser tests: Xvfb, a session bus, a notification
# daemon, WebKitWebDriver for tauri-driver, and Chromium for the UI tests;
# PostgreSQL and nats-server for the clustered store and nodes; a Python
# virtualenv for schemathesis (the REST API against its OpenAPI document).
CONFAB_APT_EXTRA=(xvfb xauth dbus dunst webkit2gtk-driver chromium xdotool python3-gi gir1.2-gtk-3.0
    postgresql nats-server python3-venv)
source scripts/setup.sh
# PostgreSQL and NATS on private ports under a temporary directory,
# stopped when this script exits (CONFAB_TEST_* for the tests).
source scripts/services.sh
confab_services_start
# The desktop app embeds ui/dist: build the UI before any cargo build.
confab_build_ui

# One build of everything (binaries included: a test runs the real confabd).
cargo build --workspace --all-targets --locked
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked --quiet -- -D warnings
cargo nextest run --workspace --locked --no-fail-fast
# The REST API fuzzed against its own OpenAPI document (schemathesis).
tests/rest/run.sh

# The UI: type check, unit tests, then the browser end-to-end tests (real
# confabd, confab-web and confab CLI binaries from the build above).
npm --prefix ui run check
npm --prefix ui test
npm --prefix ui run test:e2e

# The desktop app end to end under Xvfb, through tauri-driver.
command -v tauri-driver >/dev/null 2>&1 || cargo install --locked tauri-driver --version '^2'
confab_npm_ci .
tests/e2e/run.sh

# The app as people install it: the .deb (and .rpm) built offline from the
# stripped `dist` profile, installed with dpkg, launched under Xvfb on its
# embedded server with a CLI peer, removed again.
tests/package/run.sh
