//! Parse + validate throughput of generated schemas of 100, 1,000 and 10,000
//! models (10 fields and 2 relations each). Run with
//! `cargo bench --manifest-path benches/Cargo.toml --bench schema_parse`.
//!
//! Wall-clock times swing on a busy machine; for repeatable numbers count
//! instructions with `grammar/examples/parse_big.rs`, which parses and
//! validates the same generated schema once (`valgrind --tool=callgrind`).

use std::fmt::Write;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// A PostgreSQL schema of `n` models in a ring: model `i` has an id, six
/// scalar columns, a foreign key to model `i - 1` and the back side of the
/// relation from model `i + 1`: 10 fields, 2 relation fields.
fn generate(n: usize) -> String {
    let mut s = String::from(
        "datasource db {\n  provider = \"postgresql\"\n}\n\nenum Status {\n  ACTIVE\n  INACTIVE\n}\n",
    );
    for i in 0..n {
        let prev = (i + n - 1) % n;
        let next = (i + 1) % n;
        let _ = write!(
            s,
            "\n/// Model number {i}.\nmodel Model{i} {{\n  id        Int      @id @default(autoincrement())\n  email     String   @unique @db.VarChar(255)\n  name      String?\n  age       Int      @default(0)\n  status    Status   @default(ACTIVE)\n  createdAt DateTime @default(now()) @map(\"created_at\")\n  prevId    Int?     @map(\"prev_id\")\n  prev      Model{prev}? @relation(\"Chain{i}\", fields: [prevId], references: [id], onDelete: SetNull)\n  next      Model{next}[] @relation(\"Chain{next}\")\n  score     Float?\n\n  @@index([name, createdAt])\n  @@map(\"model_{i}\")\n}}\n"
        );
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_and_validate");
    group.sample_size(10);
    for n in [100usize, 1_000, 10_000] {
        let src = generate(n);
        // The generated schema must be valid, or the benchmark measures error paths.
        if let Err(d) = ormgen_schema::parse_and_validate("bench.prisma", &src) {
            panic!("generated schema is invalid:\n{}", d.render(false));
        }
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &src, |b, src| {
            b.iter(|| ormgen_schema::parse_and_validate("bench.prisma", black_box(src)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
