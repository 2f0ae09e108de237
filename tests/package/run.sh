#!/usr/bin/env bash
# The desktop app as people install it: builds the packages (`npm run
# build`: .deb and .rpm, offline, the stripped `dist` profile), installs the
# .deb with dpkg, runs tests/package/ against the installed
# /usr/bin/confab-desktop under Xvfb (its embedded server, a CLI peer) and
# removes the package again. Prints the package's and the binary's sizes.
# Needs what tests/e2e/run.sh needs, plus root (or sudo) for dpkg.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${CARGO_TARGET_DIR:=$HOME/.cache/confab/target}"
export CARGO_TARGET_DIR

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

npm run build
deb=$(ls -t "$CARGO_TARGET_DIR"/dist/bundle/deb/*.deb | head -1)
rpm=$(ls -t "$CARGO_TARGET_DIR"/dist/bundle/rpm/*.rpm | head -1)
package=$(dpkg-deb -f "$deb" Package)
echo "package: $deb ($(stat -c %s "$deb") bytes), installed size $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "package: $rpm ($(stat -c %s "$rpm") bytes)"

$sudo dpkg -i "$deb"
trap '$sudo dpkg -r "$package" >/dev/null' EXIT
echo "package: /usr/bin/confab-desktop $(stat -c %s /usr/bin/confab-desktop) bytes"

CONFAB_DESKTOP_BIN=/usr/bin/confab-desktop CONFAB_DEB="$deb" \
    xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- node --test --test-concurrency=1 tests/package/
