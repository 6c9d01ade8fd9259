//! The generated schema shared by the `schema_parse` benchmark
//! (`benches/benches/schema_parse.rs`) and the `parse_big` example, so both
//! measure the same input.

use std::fmt::Write;

/// A PostgreSQL schema of `n` models in a ring: model `i` has an id, six
/// scalar columns, a foreign key to model `i - 1` and the back side of the
/// relation from model `i + 1`: 10 fields, 2 relation fields.
pub fn generate(n: usize) -> String {
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
