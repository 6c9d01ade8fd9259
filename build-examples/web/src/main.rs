//! The blog API server (see the library's docs for the routes).
//!
//! ```text
//! cargo run -q -p web-example                                  # SQLite, 127.0.0.1:3000
//! cargo run -q -p web-example -- --listen 127.0.0.1:0          # any free port
//! DATABASE_URL=postgres://user@localhost/db cargo run -q -p web-example
//! ```
//!
//! Without `DATABASE_URL` the database is a SQLite file in the temporary
//! directory (`ormgen-web-example.db`). The first line printed is
//! `listening on http://ADDR`; Ctrl-C stops the server gracefully.

use std::io::Write;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut listen = "127.0.0.1:3000".to_owned();
    let mut pool_size = 10;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().ok_or("--listen needs ADDR:PORT")?,
            "--pool-size" => pool_size = args.next().ok_or("--pool-size needs N")?.parse()?,
            other => {
                return Err(format!(
                    "unknown argument {other:?} (try --listen ADDR:PORT, --pool-size N)"
                )
                .into());
            }
        }
    }
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| {
            let file = std::env::temp_dir().join("ormgen-web-example.db");
            format!("sqlite://{}", file.display())
        });
    let runtime = tokio::runtime::Runtime::new()?;
    let engine = runtime.block_on(async {
        let engine = web_example::open(&url, pool_size).await?;
        let listener = tokio::net::TcpListener::bind(&listen).await?;
        println!("listening on http://{}", listener.local_addr()?);
        std::io::stdout().flush()?;
        web_example::serve(listener, engine.clone(), async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok::<_, Box<dyn std::error::Error>>(engine)
    })?;
    // Outside the runtime: closing a PostgreSQL connection blocks.
    engine.dispose();
    Ok(())
}
