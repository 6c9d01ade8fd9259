#!/usr/bin/env bash
# Regenerates BENCHMARKS.md: runs the orm_compare bench (ormgen's generated
# code, the bare drivers and Diesel, interleaved) and writes its table with
# the command, the machine and the date.
#
#   benches/compare.sh                 # all backends (PostgreSQL at ORMGEN_BENCH_PG_URL)
#   ORMGEN_BENCH_QUICK=1 benches/compare.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
table="$(mktemp)"
trap 'rm -f "$table"' EXIT
ORMGEN_BENCH_OUT="$table" cargo bench -q --manifest-path "$repo/benches/Cargo.toml" --bench orm_compare >/dev/null
{
    cat "$repo/benches/BENCHMARKS.head.md"
    echo
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
    echo "rustc $(rustc --version | cut -d' ' -f2), PostgreSQL $(psql -V | awk '{print $3}') over loopback."
    echo
    cat "$table"
} >"$repo/BENCHMARKS.md"
echo "wrote $repo/BENCHMARKS.md"
