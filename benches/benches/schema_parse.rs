//! Parse + validate throughput of generated schemas of 100, 1,000 and 10,000
//! models (10 fields and 2 relations each). Run with
//! `cargo bench --manifest-path benches/Cargo.toml --bench schema_parse`.
//!
//! Wall-clock times swing on a busy machine; for repeatable numbers count
//! instructions with `grammar/examples/parse_big.rs`, which parses and
//! validates the same generated schema once (`valgrind --tool=callgrind`).

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "../../grammar/examples/support/bench_schema.rs"]
mod bench_schema;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_and_validate");
    group.sample_size(10);
    for n in [100usize, 1_000, 10_000] {
        let src = bench_schema::generate(n);
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
