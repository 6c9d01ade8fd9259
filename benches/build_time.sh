#!/usr/bin/env bash
# Build times of an ormgen application against the equivalent Diesel 2.3
# application (benches/build_time/gen_apps.py: the same N-model schema and the
# same queries per model), on this machine, in one run, alternating between
# the two. Prints a Markdown table; medians of RUNS runs.
#
#   benches/build_time.sh [incremental|clean|all] [models...]
#       default: all 50 200
#   RUNS=3 (default)   BACKEND=postgres|sqlite (default postgres; the
#   incremental measures use it)
#
# incremental (dependencies prebuilt, dev profile):
#   build      `cargo build` of the app crate alone (after `cargo clean -p`)
#   check      `cargo check` of the app crate alone
#   change     rebuild after one field's type changes (model N/2's `count`
#              Int <-> BigInt: schema.prisma for ormgen; table! and the
#              three structs for Diesel); both directions are samples
#   recheck    `cargo check` after that change
#   touch      rebuild after `touch src/main.rs`
# clean (an empty target directory, every dependency built, dev profile):
#   sqlite-only, postgres-only and full feature sets of each (ormgen:
#   `sqlite` (bundled SQLite), `sqlite-system`, `postgres`, `sqlite,postgres`;
#   Diesel: `sqlite` (system libsqlite3), `postgres` (libpq), both).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-all}"
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(50 200)
runs="${RUNS:-3}"
backend="${BACKEND:-postgres}"
work="${BUILD_TIME_WORK:-$(mktemp -d)}"
gen="$repo/benches/build_time/gen_apps.py"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# timed <label-file> <command...>: runs the command quietly, appends seconds.
timed() {
    local out="$1"
    shift
    local s e
    s=$(now)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" >&2 || true; exit 1; }
    e=$(now)
    echo "$e - $s" | bc >>"$out"
}
generate() { # dir n backend changed features
    python3 "$gen" "$1" "$2" "$3" "$repo/runtime" "$repo/generator" --changed "$4" \
        --ormgen-features "$5"
    cp -n "$repo/Cargo.lock" "$1/ormgen/Cargo.lock" 2>/dev/null || true
    cp -n "$repo/benches/Cargo.lock" "$1/diesel/Cargo.lock" 2>/dev/null || true
}
cargo_in() { # app-dir target-dir args...
    local d="$1" t="$2"
    shift 2
    CARGO_TARGET_DIR="$t" cargo "$@" --manifest-path "$d/Cargo.toml"
}
row() { # label ormgen-file diesel-file
    local o d
    o=$(median <"$2")
    d=$(median <"$3")
    printf '| %s | %.1f s | %.1f s | %.2f |\n' "$1" "$d" "$o" "$(echo "$o / $d" | bc -l)"
}

incremental() { # n
    local n="$1" dir="$work/inc-$n" half=$(($1 / 2))
    local feats
    feats="${ORMGEN_FEATURES:-$([ "$backend" = postgres ] && echo postgres || echo sqlite)}"
    generate "$dir" "$n" "$backend" -1 "$feats"
    for app in ormgen diesel; do
        cargo_in "$dir/$app" "$dir/target-$app" build -q
        cargo_in "$dir/$app" "$dir/target-$app" check -q
    done
    local m app pkg
    for m in build check change recheck touch; do : >"$dir/$m.ormgen"; : >"$dir/$m.diesel"; done
    for _ in $(seq "$runs"); do
        for app in ormgen diesel; do
            pkg="$app-app"
            cargo_in "$dir/$app" "$dir/target-$app" clean -q -p "$pkg"
            timed "$dir/build.$app" cargo_in "$dir/$app" "$dir/target-$app" build -q
            timed "$dir/check.$app" cargo_in "$dir/$app" "$dir/target-$app" check -q
            touch "$dir/$app/src/main.rs"
            timed "$dir/touch.$app" cargo_in "$dir/$app" "$dir/target-$app" build -q
        done
        # One field's type, there and back: two samples of each per run.
        for step in "change build" "recheck check"; do
            set -- $step
            for changed in "$half" -1; do
                generate "$dir" "$n" "$backend" "$changed" "$feats"
                for app in ormgen diesel; do
                    timed "$dir/$1.$app" cargo_in "$dir/$app" "$dir/target-$app" "$2" -q
                done
            done
        done
        for app in ormgen diesel; do cargo_in "$dir/$app" "$dir/target-$app" build -q; done
    done
    echo
    echo "### $n models ($backend), dependencies prebuilt, dev profile, median of $runs runs"
    echo
    echo "| measure | Diesel | ormgen | ormgen / Diesel |"
    echo "|---|---:|---:|---:|"
    row "build of the app crate" "$dir/build.ormgen" "$dir/build.diesel"
    row "\`cargo check\` of the app crate" "$dir/check.ormgen" "$dir/check.diesel"
    row "rebuild after one field's type changes" "$dir/change.ormgen" "$dir/change.diesel"
    row "re-check after that change" "$dir/recheck.ormgen" "$dir/recheck.diesel"
    row "rebuild after \`touch src/main.rs\`" "$dir/touch.ormgen" "$dir/touch.diesel"
}

clean() { # n
    local n="$1"
    echo
    echo "### Clean builds, $n models: every dependency compiled (dev profile, median of $runs)"
    echo
    echo "| feature set | Diesel | ormgen | ormgen / Diesel |"
    echo "|---|---:|---:|---:|"
    local set be ofeat dir
    for set in ${CLEAN_SETS:-sqlite sqlite-system postgres full}; do
        case "$set" in
            sqlite | sqlite-system) be=sqlite ;;
            *) be=postgres ;;
        esac
        case "$set" in
            full) ofeat=sqlite,postgres ;;
            *) ofeat="$set" ;;
        esac
        dir="$work/clean-$n-$set"
        generate "$dir" "$n" "$be" -1 "$ofeat"
        if [ "$set" = sqlite-system ]; then
            # rusqlite 0.41 calls sqlite3_set_clientdata (SQLite 3.44); a
            # system SQLite older than that (Debian 12 has 3.40) links only
            # with rusqlite 0.40, which the runtime accepts too.
            (cd "$dir/ormgen" && cargo update -q -p rusqlite --precise 0.40.2)
        fi
        if [ "$set" = full ]; then
            sed -i 's/features = \["postgres", "chrono"\]/features = ["postgres", "sqlite", "chrono"]/' \
                "$dir/diesel/Cargo.toml"
        fi
        : >"$dir/o"
        : >"$dir/d"
        for _ in $(seq "$runs"); do
            rm -rf "$dir/target-ormgen" "$dir/target-diesel"
            timed "$dir/o" cargo_in "$dir/ormgen" "$dir/target-ormgen" build -q
            timed "$dir/d" cargo_in "$dir/diesel" "$dir/target-diesel" build -q
        done
        local label="$set"
        [ "$set" = sqlite ] && label="sqlite (ormgen bundled, Diesel system library)"
        [ "$set" = sqlite-system ] && label="sqlite-system (both system library)"
        row "$label" "$dir/o" "$dir/d"
        rm -rf "$dir/target-ormgen" "$dir/target-diesel"
    done
}

echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, rustc $(rustc --version | cut -d' ' -f2):"
echo "\`benches/build_time.sh $mode ${models[*]}\` (RUNS=$runs BACKEND=$backend)"
for n in "${models[@]}"; do
    case "$mode" in
        incremental) incremental "$n" ;;
        clean) clean "$n" ;;
        all) incremental "$n"; clean "$n" ;;
        *) echo "mode: incremental, clean or all" >&2; exit 2 ;;
    esac
done
