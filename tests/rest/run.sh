#!/usr/bin/env bash
# The REST API against its own OpenAPI document: schemathesis (from PyPI,
# pinned, in a virtualenv under ~/.cache/confab) fuzzes every command of a
# real confabd (the debug build) on a private port, and fails on any
# server error or any response that does not match the document.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-target}
confabd="$target/debug/confabd"
venv="${CONFAB_CACHE:-$HOME/.cache/confab}/venv-schemathesis"
version=4.32.5
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==$version"
fi
work=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
export CONFABD_DATA_DIR="$work/data" CONFABD_LISTEN=127.0.0.1:0 CONFABD_LOG="warn,confab_server::rest=debug"
"$confabd" >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 300); do
    grep -q '^sdkAppID:' "$work/out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/err"; exit 1; }
    sleep 0.1
done
url=$(sed -n 's/^confabd listening on \(http[^ ]*\) .*/\1/p' "$work/out")
export CONFAB_SDKAPPID=$(sed -n 's/^sdkAppID: //p' "$work/out")
export CONFAB_ADMIN_SIG=$("$confabd" usersig administrator 2>/dev/null)
echo "schemathesis $version against $url"
"$venv/bin/schemathesis" --config-file tests/rest/schemathesis.toml run "$url/v4/openapi.json" \
    --url "$url" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --seed 1
# The fuzzed requests must have reached the commands, not stopped at the
# admin's authentication.
served=$(grep -c 'REST command' "$work/err" || true)
echo "confabd served $served authenticated REST commands"
if [ "$served" -lt 1000 ]; then
    echo "too few requests passed authentication: check the [parameters] of schemathesis.toml" >&2
    exit 1
fi
if grep -q 'panicked' "$work/err"; then
    echo "confabd panicked during the run:" >&2
    cat "$work/err" >&2
    exit 1
fi
