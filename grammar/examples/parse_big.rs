//! Parses and validates the generated schema of the `schema_parse` benchmark
//! once, for instruction-count profiling:
//!
//! ```text
//! cargo build --release -p ormgen-schema --example parse_big
//! valgrind --tool=callgrind target/release/examples/parse_big 1000
//! target/release/examples/parse_big 1000 50   # fastest and median of 50 runs
//! ```

use std::fmt::Write;

/// The same schema as `benches/benches/schema_parse.rs` generates.
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

fn main() {
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    // An optional repeat count prints the fastest and the median run (a
    // quick wall-clock check between criterion runs).
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let src = generate(n);
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
