//! Targeted checks of IR facts that must match Prisma exactly (the
//! snapshots show everything; these pin the rules down by name).

use ormgen_schema::*;

fn schema(src: &str) -> Schema {
    match parse_and_validate("t.prisma", src) {
        Ok((s, _)) => s,
        Err(d) => panic!("{}", d.render(false)),
    }
}

const PG: &str = "datasource db {\n  provider = \"postgresql\"\n}\n";

#[test]
fn implicit_many_to_many_join_table_is_prismas() {
    let s = schema(&format!(
        "{PG}model Tag {{\n  id Int @id\n  posts Post[]\n}}\nmodel Post {{\n  id String @id @db.Uuid\n  tags Tag[]\n}}\n"
    ));
    let j = s.join_tables().next().expect("a join table");
    assert_eq!(j.table_name, "_PostToTag");
    assert_eq!(
        s.model(j.a.model).name,
        "Post",
        "A references the model whose name sorts first"
    );
    assert_eq!(j.a.sql_type.postgres, "UUID");
    assert_eq!(j.b.sql_type.postgres, "INTEGER");
    assert_eq!(j.primary_key_name, "_PostToTag_AB_pkey");
    assert_eq!(j.unique_index_name, "_PostToTag_AB_unique");
    assert_eq!(j.b_index_name, "_PostToTag_B_index");
    assert_eq!(j.a.fk_name, "_PostToTag_A_fkey");
    let r = &s.relations[0];
    assert_eq!(r.kind, RelationKind::ManyToMany);
    assert_eq!(r.name, "PostToTag");
}

#[test]
fn named_many_to_many_uses_the_relation_name() {
    let s = schema(&format!(
        "{PG}model A {{\n  id Int @id\n  bs B[] @relation(\"Link\")\n}}\nmodel B {{\n  id Int @id\n  as A[] @relation(\"Link\")\n}}\n"
    ));
    assert_eq!(
        s.join_tables().next().map(|j| j.table_name.as_str()),
        Some("_Link")
    );
}

#[test]
fn foreign_key_defaults_and_names() {
    let s = schema(&format!(
        "{PG}model User {{\n  id Int @id\n  posts Post[]\n  edits Post[] @relation(\"Editor\")\n}}\n\
         model Post {{\n  id Int @id\n  authorId Int @map(\"author_id\")\n  author User @relation(fields: [authorId], references: [id])\n  \
         editorId Int?\n  editor User? @relation(\"Editor\", fields: [editorId], references: [id])\n  @@map(\"posts\")\n}}\n"
    ));
    let fks: Vec<&ForeignKey> = s.foreign_keys().collect();
    assert_eq!(fks.len(), 2);
    let author = fks
        .iter()
        .find(|f| f.columns == ["author_id"])
        .expect("author fk");
    assert_eq!(author.on_delete, ReferentialAction::Restrict);
    assert_eq!(author.on_update, ReferentialAction::Cascade);
    assert_eq!(author.constraint_name.postgres, "posts_author_id_fkey");
    assert_eq!(author.referenced_table, "User");
    let editor = fks
        .iter()
        .find(|f| f.columns == ["editorId"])
        .expect("editor fk");
    assert_eq!(editor.on_delete, ReferentialAction::SetNull);
    assert!(editor.in_database);
}

#[test]
fn constraint_names_are_truncated_like_prisma_on_postgres_only() {
    let table = "t".repeat(70);
    let s = schema(&format!(
        "{PG}model A {{\n  id Int @id\n  email String @unique\n  name String\n  @@index([name])\n  @@map(\"{table}\")\n}}\n"
    ));
    let m = &s.models[0];
    let pk = &m.primary_key.as_ref().expect("pk").constraint_name;
    assert_eq!(pk.postgres, format!("{}_pkey", "t".repeat(58)));
    assert_eq!(pk.sqlite, format!("{table}_pkey"));
    assert_eq!(
        m.uniques[0].constraint_name.postgres,
        format!("{}_key", "t".repeat(59))
    );
    assert_eq!(
        m.indexes[0].name.postgres,
        format!("{}_idx", "t".repeat(59))
    );
}

#[test]
fn default_names_use_database_names() {
    let s = schema(&format!(
        "{PG}model User {{\n  id Int @id\n  a String @map(\"col_a\")\n  b String\n  @@unique([a, b])\n  @@index([b, a])\n  @@check(\"a <> b\")\n  @@check(\"b <> ''\", name: \"b_nonempty\")\n  @@map(\"users\")\n}}\n"
    ));
    let m = &s.models[0];
    assert_eq!(
        m.primary_key
            .as_ref()
            .map(|p| p.constraint_name.postgres.as_str()),
        Some("users_pkey")
    );
    assert_eq!(m.uniques[0].constraint_name.postgres, "users_col_a_b_key");
    assert_eq!(m.indexes[0].name.postgres, "users_b_col_a_idx");
    assert_eq!(m.checks[0].constraint_name.postgres, "users_1_check");
    assert_eq!(
        m.checks[1].constraint_name.postgres,
        "users_b_nonempty_check"
    );
}

#[test]
fn rust_names_are_escaped() {
    let s = schema(&format!(
        "{PG}model BlogPost {{\n  id Int @id\n  type String\n  self String\n  createdAt DateTime\n}}\nenum Kind {{\n  fn\n  some_value\n}}\n"
    ));
    let m = &s.models[0];
    assert_eq!(
        (m.rust_name.as_str(), m.module_name.as_str()),
        ("BlogPost", "blog_post")
    );
    let names: Vec<&str> = m.fields.iter().map(|f| f.rust_name.as_str()).collect();
    assert_eq!(names, ["id", "r#type", "self_", "created_at"]);
    let variants: Vec<&str> = s.enums[0]
        .values
        .iter()
        .map(|v| v.rust_name.as_str())
        .collect();
    assert_eq!(variants, ["Fn", "SomeValue"]);
}

#[test]
fn sql_types_per_dialect() {
    let s = schema(
        &(format!("{PG}enum Role {{\n  A\n}}\n")
            + "model T {\n  id BigInt @id @default(autoincrement())\n  u String @db.Uuid\n  d Decimal\n  v String @db.VarChar(20)\n  r Role @default(A)\n  tags String[]\n}\n"),
    );
    let t = &s.models[0];
    let ty = |i: usize| {
        t.fields[i].scalar().map(|c| {
            (
                c.sql_type.postgres.clone(),
                c.sql_type.sqlite.clone(),
                c.rust_type,
            )
        })
    };
    assert_eq!(
        ty(0),
        Some(("BIGSERIAL".into(), "BIGINT".into(), RustScalar::I64))
    );
    assert_eq!(
        ty(1),
        Some(("UUID".into(), "TEXT".into(), RustScalar::Uuid))
    );
    assert_eq!(
        ty(2),
        Some((
            "DECIMAL(65,30)".into(),
            "DECIMAL".into(),
            RustScalar::Decimal
        ))
    );
    assert_eq!(
        ty(3),
        Some(("VARCHAR(20)".into(), "TEXT".into(), RustScalar::String))
    );
    assert_eq!(
        ty(4),
        Some((
            "\"Role\"".into(),
            "TEXT".into(),
            RustScalar::Enum(EnumId(0))
        ))
    );
    assert_eq!(ty(5).map(|t| t.0), Some("TEXT[]".into()));
}

/// An enum's SQL type is its mapped name as a quoted identifier, with an
/// embedded `"` doubled: in a column, in a list and in the join table of an
/// implicit many-to-many relation keyed by the enum (issue 21, item 7).
#[test]
fn enum_sql_types_escape_quotes_in_mapped_names() {
    let s = schema(&format!(
        "{PG}enum Kind {{\n  A\n  @@map(\"k\\\"; DROP TYPE t; --\")\n}}\n\
         model T {{\n  id Kind @id\n  ks Kind[]\n  us U[]\n}}\nmodel U {{\n  id Int @id\n  ts T[]\n}}\n"
    ));
    let t = &s.models[0];
    let pg = |i: usize| t.fields[i].scalar().map(|c| c.sql_type.postgres.clone());
    assert_eq!(pg(0).as_deref(), Some("\"k\"\"; DROP TYPE t; --\""));
    assert_eq!(pg(1).as_deref(), Some("\"k\"\"; DROP TYPE t; --\"[]"));
    let j = s.join_tables().next().expect("a join table");
    assert_eq!(j.a.sql_type.postgres, "\"k\"\"; DROP TYPE t; --\"");
}

/// The Rust type of every PostgreSQL native type, as the table in the
/// runtime's `value` module docs says.
#[test]
fn native_type_rust_types() {
    let cases = [
        ("String @db.Text", RustScalar::String),
        ("String @db.Char(3)", RustScalar::String),
        ("String @db.VarChar(20)", RustScalar::String),
        ("String @db.Bit(8)", RustScalar::String),
        ("String @db.VarBit", RustScalar::String),
        ("String @db.Uuid", RustScalar::Uuid),
        ("String @db.Xml", RustScalar::String),
        ("String @db.Inet", RustScalar::String),
        ("String @db.Citext", RustScalar::String),
        ("Boolean @db.Boolean", RustScalar::Bool),
        ("Int @db.Integer", RustScalar::I32),
        ("Int @db.SmallInt", RustScalar::I16),
        ("Int @db.Oid", RustScalar::U32),
        ("BigInt @db.BigInt", RustScalar::I64),
        ("Float @db.DoublePrecision", RustScalar::F64),
        ("Float @db.Real", RustScalar::F32),
        ("Decimal @db.Decimal(10, 2)", RustScalar::Decimal),
        ("DateTime @db.Timestamp(6)", RustScalar::DateTime),
        ("DateTime @db.Timestamptz(3)", RustScalar::DateTime),
        ("DateTime @db.Date", RustScalar::Date),
        ("DateTime @db.Time(0)", RustScalar::Time),
        ("DateTime @db.Timetz(2)", RustScalar::TimeTz),
        ("Json @db.Json", RustScalar::Json),
        ("Json @db.JsonB", RustScalar::Json),
        ("Bytes @db.ByteA", RustScalar::Bytes),
        ("DateTime", RustScalar::DateTime),
        ("Int", RustScalar::I32),
        ("Float", RustScalar::F64),
    ];
    let fields: String = cases
        .iter()
        .enumerate()
        .map(|(i, (t, _))| format!("  f{i} {t}\n"))
        .collect();
    // `@db.Citext` needs its extension listed.
    let pg = PG.replace("}\n", "  extensions = [citext]\n}\n");
    let s = schema(&format!("{pg}model T {{\n  id Int @id\n{fields}}}\n"));
    for (i, (t, want)) in cases.iter().enumerate() {
        let got = s.models[0].fields[i + 1].scalar().map(|c| c.rust_type);
        assert_eq!(got, Some(*want), "{t}");
    }
}

#[test]
fn money_is_rejected_with_a_replacement() {
    let src = format!("{PG}model T {{\n  id Int @id\n  m Decimal @db.Money\n}}\n");
    let d = parse_and_validate("t.prisma", &src).expect_err("Money is rejected");
    let text = d.render(false);
    assert!(text.contains("@db.Decimal(19, 2)"), "{text}");
}
