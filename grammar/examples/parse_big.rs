//! Parses and validates the generated schema of the `schema_parse` benchmark
//! once, for instruction-count profiling:
//!
//! ```text
//! cargo build --release -p ormgen-schema --example parse_big
//! valgrind --tool=callgrind target/release/examples/parse_big 1000
//! target/release/examples/parse_big 1000 50   # fastest and median of 50 runs
//! ```

#[path = "support/bench_schema.rs"]
mod bench_schema;

fn main() {
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    // An optional repeat count prints the fastest and the median run (a
    // quick wall-clock check between criterion runs).
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let src = bench_schema::generate(n);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = std::time::Instant::now();
        let result = ormgen_schema::parse_and_validate("bench.prisma", &src);
        let ok = match &result {
            Ok((schema, warnings)) => Some((schema.models.len(), warnings.len())),
            Err(d) => {
                eprintln!("{}", d.render(false));
                None
            }
        };
        drop(result);
        times.push(start.elapsed());
        let Some((models, warnings)) = ok else {
            std::process::exit(1);
        };
        if runs == 1 {
            println!("{models} models, {warnings} warnings");
        }
    }
    if runs > 1 {
        times.sort();
        println!(
            "{n} models, {runs} runs: fastest {:?}, median {:?}",
            times[0],
            times[runs / 2]
        );
    }
}
