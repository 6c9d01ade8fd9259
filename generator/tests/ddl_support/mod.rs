//! Shared by the DDL tests (`ddl.rs`, `ddl_postgres.rs`): the inputs (every
//! example schema and valid fixture), parsing, rendering per dialect, and a
//! schema with a foreign-key cycle.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ormgen_build::ddl::{self, Dialect, RenderMode};
use ormgen_schema::{Arity, FieldKind, Schema};

// ---------------------------------------------------------------------------
// Inputs

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Every schema under test that the front end accepts: `(snapshot name,
/// path, schema)`, sorted. A file the front end rejects is the front end's
/// bug (its own fixture tests fail); here it is reported and left out.
pub fn inputs() -> Vec<(String, PathBuf, Schema)> {
    all_inputs()
        .into_iter()
        .filter_map(|(name, path)| {
            let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            match ormgen_schema::parse_and_validate(&path.display().to_string(), &src) {
                Ok((schema, _)) => Some((name, path, schema)),
                Err(d) => {
                    eprintln!("!!!!!!!!!! {} is rejected by the front end; left out of the DDL tests:\n{}", path.display(), d.render(false));
                    None
                }
            }
        })
        .collect()
}

/// Every example schema and valid fixture: `(snapshot name, path)`, sorted.
pub fn all_inputs() -> Vec<(String, PathBuf)> {
    let root = repo_root();
    let mut out = Vec::new();
    for (prefix, dir) in [
        ("schemas", root.join("schemas")),
        ("valid", root.join("grammar/tests/fixtures/valid")),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "prisma"))
            .collect();
        files.sort();
        for f in files {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((format!("{prefix}__{stem}"), f));
        }
    }
    assert!(
        out.len() >= 20,
        "expected the example schemas and fixtures, found {}",
        out.len()
    );
    out
}

pub fn load(path: &Path) -> Schema {
    let src =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    parse(&path.display().to_string(), &src)
}

pub fn parse(name: &str, src: &str) -> Schema {
    match ormgen_schema::parse_and_validate(name, src) {
        Ok((schema, _warnings)) => schema,
        Err(d) => panic!("{}", d.render(false)),
    }
}

/// The dialects a schema renders for: its provider's, and the other one as
/// well when the schema is provider-neutral (no `@db.*` native types, no
/// scalar lists).
pub fn dialects(schema: &Schema) -> Vec<Dialect> {
    let neutral = schema
        .models
        .iter()
        .flat_map(|m| &m.fields)
        .all(|f| match &f.kind {
            FieldKind::Scalar(s) => s.native_type.is_none() && f.arity != Arity::List,
            FieldKind::Relation(_) => true,
        });
    let mut out = vec![schema.dialect];
    if neutral {
        out.extend(Dialect::ALL.into_iter().filter(|d| *d != schema.dialect));
    }
    out
}

pub fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "postgres",
        Dialect::Sqlite => "sqlite",
    }
}

pub fn create(schema: &Schema, d: Dialect, mode: RenderMode) -> Vec<String> {
    ddl::create_all(schema, d, mode).unwrap_or_else(|e| panic!("create_all: {e}"))
}

pub fn drop(schema: &Schema, d: Dialect, mode: RenderMode) -> Vec<String> {
    ddl::drop_all(schema, d, mode).unwrap_or_else(|e| panic!("drop_all: {e}"))
}

pub const CYCLE: &str = r#"
datasource db {
  provider = "postgresql"
}

/// A and B reference each other through nullable foreign keys.
model A {
  id      Int  @id
  bId     Int? @map("b_id")
  b       B?   @relation("AtoB", fields: [bId], references: [id])
  pointed B[]  @relation("BtoA")
}

model B {
  id      Int  @id
  aId     Int? @map("a_id")
  a       A?   @relation("BtoA", fields: [aId], references: [id], onDelete: SetNull)
  pointed A[]  @relation("AtoB")
  cs      C[]
}

model C {
  id  Int @id
  bId Int
  b   B   @relation(fields: [bId], references: [id], onDelete: Cascade)
}
"#;

// ---------------------------------------------------------------------------
// PostgreSQL connections and the constraint names the IR promises

pub fn drop_database(pg: Pg, admin: &mut postgres::Client, db: &str) {
    // Closes the connection (dropping `public` of the scratch database first).
    std::mem::drop(pg);
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .expect("drop database");
}

/// A connection working in its own schema, dropped at the end.
pub struct Pg {
    pub client: postgres::Client,
    pub schema: String,
}

impl Pg {
    pub fn connect(test: &str) -> Option<Pg> {
        let url = std::env::var("ORMGEN_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let mut client = match postgres::Client::connect(&url, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var_os("CI").is_some() {
                    panic!("PostgreSQL at {url} is unreachable ({e}) and CI is set");
                }
                eprintln!(
                    "\n!!!!!!!!!! SKIPPING PostgreSQL test `{test}`: {url} unreachable ({e}); set ORMGEN_TEST_PG_URL !!!!!!!!!!\n"
                );
                return None;
            }
        };
        let schema = format!("ormgen_ddl_{}", random_suffix());
        client
            .batch_execute(&format!(
                "CREATE SCHEMA {schema}; SET search_path TO {schema}"
            ))
            .unwrap_or_else(|e| panic!("{e}"));
        Some(Pg { client, schema })
    }

    pub fn exec(&mut self, statements: &[String]) {
        for s in statements {
            self.client
                .batch_execute(s)
                .unwrap_or_else(|e| panic!("{e:?}\n{s}"));
        }
    }

    pub fn try_exec(&mut self, sql: &str) -> bool {
        self.client.batch_execute(sql).is_ok()
    }

    pub fn strings(&mut self, sql: &str) -> Vec<String> {
        self.client
            .query(sql, &[])
            .unwrap_or_else(|e| panic!("{e:?}\n{sql}"))
            .iter()
            .map(|r| r.get::<_, Option<String>>(0).unwrap_or_default())
            .collect()
    }

    /// Columns, indexes, constraints, enum types, sequences of the schema.
    pub fn catalog(&mut self) -> Vec<String> {
        self.strings(
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || udt_name || ' ' || is_nullable || ' ' \
                 || coalesce(character_maximum_length::text, '') || ' ' || coalesce(column_default, '') \
               FROM information_schema.columns WHERE table_schema = current_schema() \
             UNION ALL SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() \
             UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid) \
               FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
             UNION ALL SELECT 'type ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) \
               FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname \
             UNION ALL SELECT 'relation ' || relkind::text || ' ' || relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace \
             ORDER BY 1",
        )
    }

    pub fn is_empty(&mut self) -> bool {
        let left = self.strings(
            "SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace \
             UNION ALL SELECT typname::text FROM pg_type WHERE typnamespace = current_schema()::regnamespace",
        );
        assert_eq!(left, Vec::<String>::new(), "left behind");
        left.is_empty()
    }

    /// create_all twice (no change), names as in the IR, drop_all empties.
    pub fn roundtrip(&mut self, schema: &Schema) {
        let d = Dialect::Postgres;
        self.exec(&create(schema, d, RenderMode::IfNotExists));
        let first = self.catalog();
        assert!(!first.is_empty());
        self.exec(&create(schema, d, RenderMode::IfNotExists));
        assert_eq!(
            first,
            self.catalog(),
            "create_all twice must change nothing"
        );
        self.check_names(schema);
        self.exec(&drop(schema, d, RenderMode::IfNotExists));
        assert!(self.is_empty());
        self.exec(&drop(schema, d, RenderMode::IfNotExists));
    }

    pub fn check_names(&mut self, schema: &Schema) {
        // PostgreSQL cuts identifiers to 63 bytes.
        let cut = |n: &str| {
            let mut end = n.len().min(63);
            while !n.is_char_boundary(end) {
                end -= 1;
            }
            n[..end].to_owned()
        };
        let tables = self.strings("SELECT relname::text FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'");
        let indexes = self
            .strings("SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()");
        let constraints = self.strings("SELECT conname::text FROM pg_constraint WHERE connamespace = current_schema()::regnamespace");
        let types = self.strings("SELECT typname::text FROM pg_type WHERE typnamespace = current_schema()::regnamespace AND typtype = 'e'");
        for e in expected_names(schema, Dialect::Postgres) {
            let (kind, name, found) = match e {
                Expected::Index(n) => ("index", cut(&n), &indexes),
                Expected::Constraint(n) | Expected::PrimaryKey(n) => {
                    ("constraint", cut(&n), &constraints)
                }
                Expected::Table(n) => ("table", cut(&n), &tables),
                Expected::Type(n) => ("type", cut(&n), &types),
            };
            assert!(found.contains(&name), "{kind} {name} missing: {found:#?}");
        }
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        // Cleanup only (the tests check drop_all itself without CASCADE).
        let _ = self
            .client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
    }
}

pub fn random_suffix() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    format!("{:016x}", h.finish())
}

/// A name the database must show after `create_all`.
pub enum Expected {
    Table(String),
    Type(String),
    PrimaryKey(String),
    /// A unique constraint or index (both are indexes, as Prisma creates them).
    Index(String),
    /// A foreign key or check constraint.
    Constraint(String),
}

/// Every name the IR promises for `dialect`.
pub fn expected_names(schema: &Schema, d: Dialect) -> Vec<Expected> {
    let mut out = Vec::new();
    if d == Dialect::Postgres {
        out.extend(
            schema
                .enums
                .iter()
                .map(|e| Expected::Type(e.db_name.clone())),
        );
    }
    for m in &schema.models {
        out.push(Expected::Table(m.table_name.clone()));
        if let Some(pk) = &m.primary_key
            && d == Dialect::Postgres
        {
            out.push(Expected::PrimaryKey(pk.constraint_name.get(d).clone()));
        }
        out.extend(
            m.uniques
                .iter()
                .map(|u| Expected::Index(u.constraint_name.get(d).clone())),
        );
        out.extend(
            m.indexes
                .iter()
                .map(|i| Expected::Index(i.name.get(d).clone())),
        );
        out.extend(
            m.checks
                .iter()
                .map(|c| Expected::Constraint(c.constraint_name.get(d).clone())),
        );
    }
    out.extend(
        schema
            .foreign_keys()
            .filter(|f| f.in_database)
            .map(|f| Expected::Constraint(f.constraint_name.get(d).clone())),
    );
    for j in schema.join_tables() {
        // Over-long join-table names follow Prisma's truncation rule on
        // PostgreSQL (the IR keeps them whole).
        let fit = |suffix: &str| {
            let mut end = (63 - suffix.len()).min(j.table_name.len());
            while !j.table_name.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}{suffix}", &j.table_name[..end])
        };
        let pg = d == Dialect::Postgres;
        out.push(Expected::Table(j.table_name.clone()));
        out.push(if pg {
            Expected::PrimaryKey(fit("_AB_pkey"))
        } else {
            Expected::Index(j.unique_index_name.clone())
        });
        out.push(Expected::Index(if pg {
            fit("_B_index")
        } else {
            j.b_index_name.clone()
        }));
        if schema.relation_mode == ormgen_schema::RelationMode::ForeignKeys {
            out.push(Expected::Constraint(if pg {
                fit("_A_fkey")
            } else {
                j.a.fk_name.clone()
            }));
            out.push(Expected::Constraint(if pg {
                fit("_B_fkey")
            } else {
                j.b.fk_name.clone()
            }));
        }
    }
    out
}
