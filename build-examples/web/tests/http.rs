//! The web example as a client sees it: the server binary is started on a
//! free port against a fresh database (a SQLite file; a PostgreSQL schema of
//! its own), and real HTTP requests go over TCP. Every route and every error
//! status is checked, and the database is read afterwards to see that failed
//! requests wrote nothing.
#[path = "../../../runtime/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

/// The server process; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(database_url: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_web-example"))
            .args(["--listen", "127.0.0.1:0", "--pool-size", "4"])
            .env("DATABASE_URL", database_url)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the web example");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the first line");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server { child, addr }
    }

    /// Sends one request (JSON body if given) and returns the status and the
    /// JSON body of the answer (`Null` when it is not JSON).
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the answer");
        let text = String::from_utf8(raw).expect("UTF-8 answer");
        let (head, payload) = text.split_once("\r\n\r\n").expect("a header block");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        let chunked = head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked");
        let payload = if chunked {
            dechunk(payload)
        } else {
            payload.to_owned()
        };
        (
            status,
            serde_json::from_str(&payload).unwrap_or(Value::Null),
        )
    }
}

/// Decodes a chunked HTTP/1.1 body.
fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n").expect("chunk size");
        let n = usize::from_str_radix(size.trim(), 16).expect("hex chunk size");
        if n == 0 {
            return out;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The database URL the server gets for fixture `db`: the SQLite file, or
/// the test's PostgreSQL schema as the connections' search_path.
fn server_url(db: &common::Db) -> String {
    match &db.schema {
        Some(schema) => format!(
            "{}?options=-c%20search_path%3D{schema}&application_name={schema}",
            common::pg_url()
        ),
        None => db.engine.url().to_owned(),
    }
}

#[test]
fn the_api_answers_every_route_with_the_right_status() {
    for db in common::all() {
        let server = Server::start(&server_url(&db));
        let name = db.name();
        let (status, body) = server.call("GET", "/health", None);
        assert_eq!((status, body), (200, Value::Null), "{name}");

        // Users: created, a taken email (409), a negative age (422).
        let (status, alice) = server.call(
            "POST",
            "/users",
            Some(json!({"email": "alice@x.org", "name": "Alice", "age": 34})),
        );
        assert_eq!(status, 201, "{name}: {alice}");
        let alice_id = alice["id"].as_i64().expect("id");
        assert_eq!(alice["email"], "alice@x.org");
        let (status, err) = server.call("POST", "/users", Some(json!({"email": "alice@x.org"})));
        assert_eq!(status, 409, "{name}: {err}");
        assert!(err["error"].as_str().is_some(), "{name}: {err}");
        let (status, err) = server.call(
            "POST",
            "/users",
            Some(json!({"email": "young@x.org", "age": -1})),
        );
        assert_eq!(status, 422, "{name}: {err}");
        let (status, bob) = server.call("POST", "/users", Some(json!({"email": "bob@x.org"})));
        assert_eq!(status, 201, "{name}: {bob}");
        let bob_id = bob["id"].as_i64().expect("id");

        // Posts: three drafts, and one by an author who does not exist (422).
        let mut post_ids = Vec::new();
        for title in ["First", "Second", "Third"] {
            let (status, post) = server.call(
                "POST",
                "/posts",
                Some(json!({"title": title, "author_id": alice_id, "body": "…"})),
            );
            assert_eq!(status, 201, "{name}: {post}");
            assert_eq!(post["published"], false);
            post_ids.push(post["id"].as_i64().expect("id"));
        }
        let (status, err) = server.call(
            "POST",
            "/posts",
            Some(json!({"title": "Ghost", "author_id": 999_999})),
        );
        assert_eq!(status, 422, "{name}: {err}");

        // Paging, newest first, authors loaded.
        let (status, page) = server.call("GET", "/posts?per_page=2", None);
        assert_eq!(status, 200, "{name}: {page}");
        assert_eq!(page["total"], 3);
        let titles: Vec<_> = page["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(titles, ["Third", "Second"], "{name}");
        assert_eq!(page["posts"][0]["author"]["email"], "alice@x.org");
        let (_, page2) = server.call("GET", "/posts?per_page=2&page=2", None);
        assert_eq!(page2["posts"].as_array().unwrap().len(), 1, "{name}");
        assert_eq!(page2["posts"][0]["title"], "First");

        // One post; a missing one is 404.
        let first = post_ids[0];
        let (status, detail) = server.call("GET", &format!("/posts/{first}"), None);
        assert_eq!(status, 200, "{name}: {detail}");
        assert_eq!(detail["author"]["id"], alice_id);
        assert_eq!(detail["comments"], json!([]));
        let (status, _) = server.call("GET", "/posts/999999", None);
        assert_eq!(status, 404, "{name}");

        // Comments: on a post (201), on a missing post (404).
        let (status, c) = server.call(
            "POST",
            &format!("/posts/{first}/comments"),
            Some(json!({"body": "Nice", "author_id": bob_id})),
        );
        assert_eq!(status, 201, "{name}: {c}");
        let (status, _) = server.call(
            "POST",
            "/posts/999999/comments",
            Some(json!({"body": "Lost"})),
        );
        assert_eq!(status, 404, "{name}");
        let (_, detail) = server.call("GET", &format!("/posts/{first}"), None);
        assert_eq!(detail["comments"][0]["body"], "Nice", "{name}: {detail}");

        // Publishing: once (200), twice (409), a missing post (404).
        let (status, published) = server.call("POST", &format!("/posts/{first}/publish"), None);
        assert_eq!(status, 200, "{name}: {published}");
        assert_eq!(published["published"], true);
        assert!(published["published_at"].is_string(), "{name}: {published}");
        let (status, _) = server.call("POST", &format!("/posts/{first}/publish"), None);
        assert_eq!(status, 409, "{name}");
        let (status, _) = server.call("POST", "/posts/999999/publish", None);
        assert_eq!(status, 404, "{name}");
        let (_, page) = server.call("GET", "/posts?published=true", None);
        assert_eq!(page["total"], 1, "{name}: {page}");

        // The failed requests wrote nothing.
        drop(server);
        let mut s = db.engine.session().unwrap();
        let count = |s: &mut ormgen::Session, table: &str| -> i64 {
            s.query_one(format!("select count(*) from {table}"), ())
                .unwrap()
        };
        assert_eq!(count(&mut s, "users"), 2, "{name}");
        assert_eq!(count(&mut s, "posts"), 3, "{name}");
        assert_eq!(count(&mut s, "comments"), 1, "{name}");
    }
}
