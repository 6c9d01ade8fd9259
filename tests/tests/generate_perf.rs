//! A large schema generates: 1,000 models × 10 fields, each with a relation to
//! the previous model. With `ORMGEN_PERF_OUT=<dir>` it also writes a 200-model
//! schema's generated code there for the build-time measurement. Generation
//! time is measured by the criterion bench `benches/benches/generate.rs`, not
//! here.

use ormgen_build::codegen::{Options, generate};

/// A schema of `n` models with 10 scalar fields each; model `i` references
/// model `i - 1`.
pub fn big_schema(n: usize) -> String {
    let mut s = String::from(
        "datasource db {\n  provider = \"postgresql\"\n}\n\nenum Level {\n  LOW\n  HIGH\n}\n\n",
    );
    for i in 0..n {
        s.push_str(&format!("/// Model number {i}.\nmodel M{i} {{\n  id Int @id @default(autoincrement())\n  name String\n  note String?\n  count Int @default(0)\n  big BigInt?\n  ratio Float?\n  active Boolean @default(true)\n  level Level @default(LOW)\n  createdAt DateTime @default(now())\n"));
        if i > 0 {
            s.push_str(&format!(
                "  prevId Int?\n  prev M{}? @relation(fields: [prevId], references: [id])\n",
                i - 1
            ));
        }
        if i + 1 < n {
            s.push_str(&format!("  next M{}[]\n", i + 1));
        }
        s.push_str("}\n\n");
    }
    s
}

fn run(n: usize) -> String {
    let text = big_schema(n);
    let (schema, _) = ormgen_schema::parse_and_validate("big.prisma", &text)
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let files = generate(&schema, &Options::new("big")).expect("generate");
    files.into_values().next().expect("one file")
}

#[test]
fn generate_a_thousand_models() {
    let code = run(1000);
    assert!(code.contains("pub struct M999"));
    assert!(code.contains("pub struct NewM0"));
    assert_eq!(
        code.matches("pub mod m").count(),
        1000,
        "one column module per model"
    );
    if let Some(dir) = std::env::var_os("ORMGEN_PERF_OUT") {
        std::fs::write(std::path::Path::new(&dir).join("big.rs"), run(200)).expect("write big.rs");
    }
}
