//! Code generation for generated schemas of 100 and 1,000 models (10 fields
//! and 2 relations each, the same input as `schema_parse`): the whole path a
//! build script runs (parse, validate, render the templates, parse with syn,
//! format with prettyplease) and the generation step alone. Run with
//! `cargo bench --manifest-path benches/Cargo.toml --bench generate`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ormgen_build::codegen::{Options, generate};

#[path = "../../grammar/examples/support/bench_schema.rs"]
mod bench_schema;

fn bench(c: &mut Criterion) {
    // Both dialects, as every figure recorded before the provider chose the
    // dialect was measured.
    let mut options = Options::new("bench");
    options.dialects = ormgen_schema::Dialect::ALL.to_vec();
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for n in [100usize, 1_000] {
        let src = bench_schema::generate(n);
        let (schema, _) = ormgen_schema::parse_and_validate("bench.prisma", &src)
            .unwrap_or_else(|d| panic!("generated schema is invalid:\n{}", d.render(false)));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("codegen", n), &schema, |b, schema| {
            b.iter(|| generate(black_box(schema), &options).expect("generate"))
        });
        group.bench_with_input(BenchmarkId::new("parse+codegen", n), &src, |b, src| {
            b.iter(|| {
                let (schema, _) = ormgen_schema::parse_and_validate("bench.prisma", black_box(src))
                    .expect("valid");
                generate(&schema, &options).expect("generate")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
