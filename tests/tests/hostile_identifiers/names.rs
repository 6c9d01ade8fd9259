//! The schema's database names, written out independently of the generator
//! (the hostile table, column, enum, label, index and constraint names of both
//! schema versions, and the canary), the independent quoting helpers `q` and
//! `lit`, the set of every name a statement may quote, and the test that the
//! generated code carries exactly these names.

use std::collections::BTreeSet;

use ormgen::query::Table;
use ormgen_tests::hostile_identifiers::*;

// The database names of the schema (written out here, not read from the
// generator, so the test checks the generator against an independent list).
pub const AUTHOR: &str = "x\"; DROP TABLE y; --";
pub const BOOK: &str = "user";
pub const REVIEW: &str = "größe 名前 `reviews`";
pub const MOOD: &str = "mood $ormgen$ \"type\"";
pub const LABELS: [&str; 3] = ["glücklich 😀", "it's \"sad\"; DROP TABLE y; --", "order"];
pub const AUTHOR_COLUMNS: [&str; 6] = [
    "select",
    "名前 \"name\"",
    "e-mail\\addr",
    "größe",
    "order",
    "group",
];
pub const BOOK_COLUMNS: [&str; 6] = [
    "table",
    "ti`tle`; --",
    "user",
    "line\r\nbreak\t*/ /* -- '",
    "price $1 ?2 :name @p",
    "author (id), \"ref\"",
];
pub const REVIEW_COLUMNS: [&str; 4] = [
    "order by",
    "⭐ group",
    "text \\\"#; DELETE FROM y; --",
    "book id",
];
pub const EMAIL_KEY: &str = "uniq `email`; --";
pub const AUTHOR_INDEX: &str = "idx \"größe\"\\; DROP TABLE y; --";
pub const TITLE_KEY: &str = "user_author (id), \"ref\"_ti`tle`; --_key";
pub const PAGES_INDEX: &str = "user_user_idx";
pub const PAGES_CHECK: &str = "pages CONSTRAINT \"c\" CHECK (";
pub const BOOK_FK: &str = "user_author (id), \"ref\"_fkey";

/// The second version of the schema (the migration test): names that
/// change, each as hostile as the ones it replaces.
pub const LABELS_2: [&str; 3] = [
    "glücklich 😀",
    "it's \"sad\"; DROP TABLE y; --",
    "bored \"x\"; --",
];
pub const COST: &str = "co\"st'; DROP TABLE y; --";
pub const REVIEW_2: &str = "reviews\"; DROP TABLE y; -- 2";
pub const AUTHOR_INDEX_2: &str = "idx2 \"größe\"; DELETE FROM y; --";

/// The canary: what the injections in the names would drop or empty.
pub const CANARY: &str = "y";

/// `name` as a quoted identifier, written independently of the generator's
/// helper: `"` doubled inside `"…"`, on both dialects.
pub fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `value` as a string literal: `'` doubled inside `'…'`.
pub fn lit(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

pub fn review_names(table: &str) -> [String; 4] {
    [
        format!("{table}_pkey"),
        format!("{table}_book id_fkey"),
        format!("{table}_book id_⭐ group_idx"),
        table.to_owned(),
    ]
}

/// Every name a statement of this test's schemas may quote.
pub fn known_names() -> BTreeSet<String> {
    let mut names: BTreeSet<String> = [AUTHOR, BOOK, MOOD, COST, AUTHOR_INDEX_2]
        .into_iter()
        .chain(AUTHOR_COLUMNS)
        .chain(BOOK_COLUMNS)
        .chain(REVIEW_COLUMNS)
        .chain([
            EMAIL_KEY,
            AUTHOR_INDEX,
            TITLE_KEY,
            PAGES_INDEX,
            PAGES_CHECK,
            BOOK_FK,
        ])
        .map(str::to_owned)
        .collect();
    names.insert(format!("{AUTHOR}_pkey"));
    names.insert(format!("{BOOK}_pkey"));
    names.extend(review_names(REVIEW));
    names.extend(review_names(REVIEW_2));
    // What migrations name along the way: SQLite's rebuilt tables, the
    // PostgreSQL enum type a removed label recreates.
    names.insert(format!("_ormgen_new_{BOOK}"));
    names.insert(format!("_ormgen_new_{REVIEW_2}"));
    names.insert(format!("_ormgen_new_{REVIEW}"));
    names.insert(format!("{MOOD}_old"));
    names
}

#[test]
fn generated_names_are_the_schemas() {
    assert_eq!(author::table::INFO.name, AUTHOR);
    assert_eq!(book::table::INFO.name, BOOK);
    assert_eq!(review::table::INFO.name, REVIEW);
    assert_eq!(author::table::INFO.columns, AUTHOR_COLUMNS);
    assert_eq!(book::table::INFO.columns, BOOK_COLUMNS);
    assert_eq!(review::table::INFO.columns, REVIEW_COLUMNS);
    assert_eq!(
        [Mood::Happy, Mood::Sad, Mood::Order].map(Mood::as_str),
        LABELS
    );
}
