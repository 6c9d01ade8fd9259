#!/usr/bin/env bash
# Coverage-guided fuzzing of the schema parser, the formatter and the raw-SQL
# placeholder translator (cargo fuzz, libFuzzer; needs a nightly toolchain and
# `cargo install cargo-fuzz`).
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 s, all targets)
#
# Seeds: every schema under grammar/tests/fixtures and schemas/ for the two
# schema targets, fuzz/seeds/placeholders for the translator. The working
# corpora live in fuzz/corpus (not committed). A crash leaves its input in
# fuzz/artifacts/<target>/; turn it into a regression test next to the code
# it broke.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(schema_check format_roundtrip placeholders)

seed() {
  local dir="corpus/$1"
  mkdir -p "$dir"
  case "$1" in
    schema_check | format_roundtrip)
      find ../grammar/tests/fixtures ../schemas -name '*.prisma' | while read -r f; do
        cp "$f" "$dir/seed-$(echo "$f" | tr '/.' '__')"
      done
      ;;
    placeholders) cp seeds/placeholders/* "$dir/" ;;
  esac
}

for t in "${targets[@]}"; do
  seed "$t"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=8192 -print_final_stats=1
done
