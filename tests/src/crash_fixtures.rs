//! The migrations the crash tests' child process applies
//! (`src/bin/crash_child.rs`, `tests/crash_recovery.rs`): both sides build
//! them here, so their checksums agree.

use ormgen::migrate::Migration;

/// The ledger: `n` numbers rows 1, 2, 3, …; `txn` is the first number of
/// the transaction that wrote the row.
pub fn ledger() -> Migration {
    Migration::new(
        "20260101000000",
        "ledger",
        "CREATE TABLE ledger (n BIGINT NOT NULL PRIMARY KEY, txn BIGINT NOT NULL, \
         payload TEXT NOT NULL);\nCREATE INDEX ledger_txn ON ledger (txn);\n",
        "DROP TABLE ledger;\n",
    )
}

/// A long migration: `tables` tables of 2,000 rows each, one script of
/// `2 × tables` statements (a table, then its rows).
pub fn wide(tables: usize) -> Migration {
    let mut up = String::new();
    let mut down = String::new();
    for t in 0..tables {
        up.push_str(&format!(
            "CREATE TABLE wide_{t} (id INTEGER NOT NULL PRIMARY KEY, v TEXT NOT NULL);\n\
             INSERT INTO wide_{t} (id, v) WITH RECURSIVE c(x) AS \
             (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) \
             SELECT x, 'row ' || x FROM c;\n"
        ));
        down.push_str(&format!("DROP TABLE wide_{t};\n"));
    }
    Migration::new("20260102000000", "wide", &up, &down)
}
