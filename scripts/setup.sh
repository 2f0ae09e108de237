# Sourced by scripts/test.sh and scripts/run.sh: installs what is missing
# (system packages, Rust tools) and points cargo at a target directory
# outside the clone, so repeated runs and fresh clones reuse one build.

need_apt=()
for pkg in build-essential pkg-config; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "installing ${need_apt[*]}" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
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
