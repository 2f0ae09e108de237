# Sourced by scripts/test.sh and scripts/run.sh: installs what is missing
# (system packages, Node.js, Rust tools) and points cargo at a target
# directory outside the clone, so repeated runs and fresh clones reuse one
# build. Only missing packages are installed (checked with dpkg-query), so a
# warm machine never runs apt.

# Building the desktop app (Tauri 2 on WebKitGTK 4.1); the whole workspace
# includes it, so every build needs these.
confab_apt_packages=(
    build-essential pkg-config libssl-dev
    libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev libgtk-3-dev
    libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev
)
# Callers add their own before sourcing, e.g. the headless test tools.
confab_apt_packages+=(${CONFAB_APT_EXTRA[@]+"${CONFAB_APT_EXTRA[@]}"})

confab_install_apt() {
    local need=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
    done
    if [ "${#need[@]}" -gt 0 ]; then
        echo "installing ${need[*]}" >&2
        local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
    fi
}
confab_install_apt "${confab_apt_packages[@]}"

# Node.js 20.19+ builds the UI (Vite 8).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    confab_install_apt nodejs npm
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "Node.js $(node --version) is too old for the UI build: install Node.js 20.19 or newer (e.g. from https://nodejs.org), then run this again." >&2
    exit 1
fi

if ! command -v cargo >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    else
        echo "Rust is missing: install it from https://rustup.rs, then run this again." >&2
        exit 1
    fi
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null 2>&1 || true
cargo nextest --version >/dev/null 2>&1 || cargo install --locked cargo-nextest

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/confab/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
mkdir -p "$CARGO_TARGET_DIR"

# Installs the npm dependencies of a package directory when its
# node_modules is missing or older than its lockfile.
confab_npm_ci() {
    local dir="$1"
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
        npm --prefix "$dir" ci --no-audit --no-fund
        touch "$dir/node_modules"
    fi
}

# Builds the UI into ui/dist (the desktop app embeds it, so it must exist
# before any cargo build of the workspace).
confab_build_ui() {
    confab_npm_ci ui
    npm --prefix ui run build
}
