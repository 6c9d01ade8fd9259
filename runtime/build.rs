//! Sets `cfg(ormgen_sqlite)` when either SQLite feature is on (`sqlite`, which
//! compiles SQLite in, or `sqlite-system`, which links the system's libsqlite3):
//! the SQLite backend's code is the same for both.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(ormgen_sqlite)");
    if std::env::var_os("CARGO_FEATURE_SQLITE").is_some()
        || std::env::var_os("CARGO_FEATURE_SQLITE_SYSTEM").is_some()
    {
        println!("cargo::rustc-cfg=ormgen_sqlite");
    }
}
