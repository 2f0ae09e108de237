#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (cargo fuzz, libFuzzer) for a number of
# executions each, and prints executions and seconds per target.
#
#   scripts/fuzz.sh                       # 1,000,000 executions of each target
#   scripts/fuzz.sh 50000                 # a quicker pass
#   scripts/fuzz.sh 1000000 usersig range # some targets only
#   FUZZ_SANITIZER=none scripts/fuzz.sh   # without AddressSanitizer (faster)
#
# Not part of scripts/test.sh or CI: a full pass takes minutes per target.
# The seeds in fuzz/corpus/<target>/ are read only; what libFuzzer adds goes
# to fuzz/generated/<target>/ and a crashing input to fuzz/artifacts/<target>/
# (both ignored by git). A crash stops the run with libFuzzer's report and
# the command that reproduces it; minimize it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin <target> <artifact>
# then fix the parser and add the input as a unit test beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-1000000}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(frame_decoder usersig upload_offset range sniff)
fi
sanitizer=${FUZZ_SANITIZER:-address}

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked

# cargo fuzz passes nightly -Z flags (sanitizers, coverage instrumentation);
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
export RUSTC_BOOTSTRAP=1

# One build of every target first, so the times below are fuzzing only.
cargo fuzz build --sanitizer "$sanitizer"

summary=()
for target in "${targets[@]}"; do
    mkdir -p "fuzz/generated/$target"
    log="fuzz/generated/$target.log"
    echo "== $target: $runs executions (sanitizer: $sanitizer)"
    cargo fuzz run --sanitizer "$sanitizer" "$target" \
        "fuzz/generated/$target" "fuzz/corpus/$target" \
        -- -runs="$runs" -print_final_stats=1 2>&1 | tee "$log"
    # libFuzzer's own count and time of the fuzzing (no build, no startup).
    executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    summary+=("$target: ${executed:-?} executions in ${seconds:-?} s")
done

echo "== summary"
printf '%s\n' "${summary[@]}"
