#!/usr/bin/env bash
# Re-records Prisma Migrate's DDL (from an empty database) for every schema under
# schemas/ and every valid fixture under grammar/tests/fixtures/valid/, with the
# prisma-oracle (../shared/tools/prisma-oracle, see its README): one file
# <name>.<postgres|sqlite>.sql per schema, for the dialect of its provider.
# ddl.sh strips ormgen's extensions (@check, @@check, @renamedFrom,
# @@renamedFrom, `where:` on indexes) and url lines before Prisma sees the
# schema; `provider = "postgres"` is spelled "postgresql" for the oracle. The fidelity test (tests/tests/prisma_fidelity.rs) only reads the
# recorded files; nothing here runs in CI.
# Usage: tests/prisma_ddl/record.sh [oracle dir]   (from the repository root)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$(cat /tmp/oracle.dir 2>/dev/null || true)}
if [ -z "$dir" ] || [ ! -x "$dir/ddl.sh" ]; then
  dir=$("$root/../shared/tools/prisma-oracle/setup.sh")
fi
out="$root/tests/prisma_ddl"
for f in "$root"/schemas/*.prisma "$root"/grammar/tests/fixtures/valid/*.prisma; do
  name=$(basename "$f" .prisma)
  provider=$(sed -nE '/^datasource/,/^}/s/^\s*provider\s*=\s*"([a-z]+)".*/\1/p' "$f" | head -1)
  case "$provider" in
    postgresql|postgres) dialect=postgres ;;
    sqlite) dialect=sqlite ;;
    *) echo "$f: unknown provider '$provider'" >&2; exit 1 ;;
  esac
  # The oracle's engine shim knows the provider as "postgresql" only; Prisma
  # reads "postgres" as the same provider, so it is renamed first.
  tmp=$(mktemp -d)
  # (everywhere: the oracle reads the first `provider = "…"` after the word
  # "datasource", which may be in a comment).
  sed -E 's/(provider\s*=\s*)"postgres"/\1"postgresql"/g' "$f" > "$tmp/$name.prisma"
  # Prisma reads datasource `extensions` only with the `postgresqlExtensions`
  # preview feature (ormgen needs no flag): the copy declares it.
  python3 - "$tmp/$name.prisma" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
if re.search(r"^\s*extensions\s*=", s, re.M) and not re.search(r"^\s*previewFeatures\s*=.*postgresqlExtensions", s, re.M):
    m = re.search(r"^(\s*)previewFeatures\s*=\s*\[", s, re.M)
    if m:
        s = s[:m.end()] + '"postgresqlExtensions", ' + s[m.end():]
        s = re.sub(r'"postgresqlExtensions", \]', '"postgresqlExtensions"]', s)
    else:
        s += '\ngenerator oracle_preview {\n  provider        = "prisma-client-js"\n  previewFeatures = ["postgresqlExtensions"]\n}\n'
    open(p, "w").write(s)
PY
  if ! "$dir/ddl.sh" "$tmp/$name.prisma" > "$out/$name.$dialect.sql.tmp"; then
    echo "$f: the oracle failed (run $dir/ddl.sh on it to see why)" >&2
    rm -rf "$tmp" "$out/$name.$dialect.sql.tmp"
    exit 1
  fi
  rm -rf "$tmp"
  mv "$out/$name.$dialect.sql.tmp" "$out/$name.$dialect.sql"
  echo "$name.$dialect.sql"
done
