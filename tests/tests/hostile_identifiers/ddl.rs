//! The DDL `create_all` and `drop_all` run, as text, on both dialects: every
//! name quoted with its `"` doubled, in the clause it names.

use ormgen_tests::hostile_identifiers::*;

use super::lexer::assert_contained;
use super::names::*;

/// The DDL as text: every name appears quoted with its `"` doubled, in the
/// clause it names, and nothing leaves its quotes.
#[test]
fn ddl_quotes_every_name_on_both_dialects() {
    let known = known_names();
    for (dialect, create, drop) in [
        ("postgres", CREATE_ALL_POSTGRES, DROP_ALL_POSTGRES),
        ("sqlite", CREATE_ALL_SQLITE, DROP_ALL_SQLITE),
    ] {
        for sql in create.iter().chain(drop) {
            assert_contained(sql, false, &known);
        }
        let text = create.join(";\n");
        let fk = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}{}({}) ON DELETE CASCADE",
            q(BOOK_FK),
            q(BOOK_COLUMNS[5]),
            q(AUTHOR),
            if dialect == "sqlite" { " " } else { "" },
            q(AUTHOR_COLUMNS[0])
        );
        let [_, review_fk, review_index, _] = review_names(REVIEW);
        let mut expected = vec![
            format!("CREATE TABLE IF NOT EXISTS {} (", q(AUTHOR)),
            format!("CREATE TABLE IF NOT EXISTS {} (", q(BOOK)),
            format!("CREATE TABLE IF NOT EXISTS {} (", q(REVIEW)),
            format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {}({})",
                q(EMAIL_KEY),
                q(AUTHOR),
                q(AUTHOR_COLUMNS[2])
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {}({}, {})",
                q(AUTHOR_INDEX),
                q(AUTHOR),
                q(AUTHOR_COLUMNS[3]),
                q(AUTHOR_COLUMNS[1])
            ),
            format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {}({}, {})",
                q(TITLE_KEY),
                q(BOOK),
                q(BOOK_COLUMNS[5]),
                q(BOOK_COLUMNS[1])
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {}({})",
                q(PAGES_INDEX),
                q(BOOK),
                q(BOOK_COLUMNS[2])
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {}({}, {})",
                q(&review_index),
                q(REVIEW),
                q(REVIEW_COLUMNS[3]),
                q(REVIEW_COLUMNS[1])
            ),
            format!("CONSTRAINT {} CHECK (\"user\" >= 0)", q(PAGES_CHECK)),
            fk,
            format!(
                "CONSTRAINT {} FOREIGN KEY ({})",
                q(&review_fk),
                q(REVIEW_COLUMNS[3])
            ),
            format!("{} TEXT,", q(BOOK_COLUMNS[3])),
        ];
        for c in AUTHOR_COLUMNS
            .iter()
            .chain(&BOOK_COLUMNS)
            .chain(&REVIEW_COLUMNS)
        {
            expected.push(format!("\n    {} ", q(c)));
        }
        if dialect == "postgres" {
            let labels: Vec<String> = LABELS.iter().map(|l| lit(l)).collect();
            expected.push(format!(
                "CREATE TYPE {} AS ENUM ({})",
                q(MOOD),
                labels.join(", ")
            ));
            expected.push(format!(
                "{} {} NOT NULL DEFAULT {}",
                q(AUTHOR_COLUMNS[4]),
                q(MOOD),
                lit(LABELS[0])
            ));
            expected.push(format!(
                "CONSTRAINT {} PRIMARY KEY ({})",
                q(&format!("{AUTHOR}_pkey")),
                q(AUTHOR_COLUMNS[0])
            ));
        } else {
            expected.push(format!(
                "{} TEXT NOT NULL DEFAULT {}",
                q(AUTHOR_COLUMNS[4]),
                lit(LABELS[0])
            ));
            expected.push(format!(
                "{} INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT",
                q(AUTHOR_COLUMNS[0])
            ));
        }
        for e in &expected {
            assert!(text.contains(e.as_str()), "{dialect}: no {e:?} in\n{text}");
        }
        let drops: Vec<String> = [REVIEW, BOOK, AUTHOR]
            .iter()
            .map(|t| format!("DROP TABLE IF EXISTS {}", q(t)))
            .chain((dialect == "postgres").then(|| format!("DROP TYPE IF EXISTS {}", q(MOOD))))
            .collect();
        assert_eq!(drop, drops, "{dialect}");
    }
}
