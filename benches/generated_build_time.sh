#!/usr/bin/env bash
# Build time of a crate holding the generated code for a 200-model schema
# (10 fields and a relation to the previous model each; the schema of
# tests/tests/generate_perf.rs). The crate depends on the `ormgen` runtime by
# path; its dependencies are built once first, so the figures are the time
# to compile the generated module itself, as a user's `cargo build` after a
# schema change sees it.
#
#   benches/generated_build_time.sh [runs]      # default 3 runs, debug and release
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/crate/src"
ORMGEN_PERF_OUT="$work/crate/src" cargo test -q --manifest-path "$repo/Cargo.toml" \
    -p ormgen-tests --test generate_perf >/dev/null
mv "$work/crate/src/big.rs" "$work/crate/src/lib.rs"
cat >"$work/crate/Cargo.toml" <<EOF
[package]
name = "generated-200"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
ormgen = { path = "$repo/runtime" }

[workspace]
EOF
cp "$repo/Cargo.lock" "$work/crate/Cargo.lock"
export CARGO_TARGET_DIR="$work/target"
echo "generated code: $(wc -l <"$work/crate/src/lib.rs") lines"
for profile in dev release; do
    cargo build -q --manifest-path "$work/crate/Cargo.toml" --profile "$profile"
    for i in $(seq "$runs"); do
        touch "$work/crate/src/lib.rs"
        start=$(date +%s.%N)
        cargo build -q --manifest-path "$work/crate/Cargo.toml" --profile "$profile"
        end=$(date +%s.%N)
        printf '%s build %d: %.2f s\n' "$profile" "$i" "$(echo "$end - $start" | bc)"
    done
done
