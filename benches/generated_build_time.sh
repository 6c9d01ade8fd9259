#!/usr/bin/env bash
# Build time of the code for a 200-model schema (10 fields and a relation to
# the previous model each; the schema of tests/tests/generate_perf.rs), two
# crates side by side:
#   - ormgen: the generated module, depending on the `ormgen` runtime by path;
#   - diesel: the Diesel equivalent a user would keep (benches/diesel_200.py:
#     print-schema's `table!`/`joinable!`/`allow_tables_to_appear_in_same_query!`
#     and per model Queryable + Selectable + Identifiable + Associations,
#     Insertable and AsChangeset structs), Diesel 2.3 with `postgres` + `chrono`.
#     Tables are allowed in one query pairwise along the foreign keys
#     (DIESEL_PAIRS=adjacent, the default): print-schema's single
#     `allow_tables_to_appear_in_same_query!` over all 200 tables
#     (DIESEL_PAIRS=all) generates 39,800 impls and did not finish `cargo check`
#     in 9.5 minutes here (diesel-rs/diesel#4333).
# Each crate's dependencies are built once first, so the figures are the time
# to compile the schema's code itself, as a user's `cargo build` after a schema
# change sees it. Runs alternate between the two crates.
#
#   benches/generated_build_time.sh [runs]      # default 3 runs, dev and release
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/ormgen/src" "$work/diesel/src"
ORMGEN_PERF_OUT="$work/ormgen/src" cargo test -q --manifest-path "$repo/Cargo.toml" \
    -p ormgen-tests --test generate_perf >/dev/null
mv "$work/ormgen/src/big.rs" "$work/ormgen/src/lib.rs"
cat >"$work/ormgen/Cargo.toml" <<TOML
[package]
name = "generated-200"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
ormgen = { path = "$repo/runtime" }

[workspace]
TOML
cp "$repo/Cargo.lock" "$work/ormgen/Cargo.lock"

python3 "$repo/benches/diesel_200.py" 200 "${DIESEL_PAIRS:-adjacent}" >"$work/diesel/src/lib.rs"
cat >"$work/diesel/Cargo.toml" <<TOML
[package]
name = "diesel-200"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
diesel = { version = "2.3", features = ["postgres", "chrono"] }
chrono = "0.4"

[workspace]
TOML
cp "$repo/benches/Cargo.lock" "$work/diesel/Cargo.lock"

for c in ormgen diesel; do
    echo "$c: $(wc -l <"$work/$c/src/lib.rs") lines"
done
build() { # crate profile
    CARGO_TARGET_DIR="$work/target-$1" cargo build -q --manifest-path "$work/$1/Cargo.toml" --profile "$2"
}
for profile in dev release; do
    for c in ormgen diesel; do build "$c" "$profile"; done
    for i in $(seq "$runs"); do
        for c in ormgen diesel; do
            touch "$work/$c/src/lib.rs"
            start=$(date +%s.%N)
            build "$c" "$profile"
            end=$(date +%s.%N)
            printf '%s %s build %d: %.2f s\n' "$c" "$profile" "$i" "$(echo "$end - $start" | bc)"
        done
    done
done
