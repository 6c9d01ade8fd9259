//! ormgen's generated code side by side with the bare drivers and Diesel 2.3,
//! on the schema of `benches/schema/bench.prisma` (users, posts, comments).
//!
//! Contenders: `raw` (rusqlite `prepare_cached` / `postgres` prepared
//! statements, rows mapped by hand), `ormgen` (the code `build.rs` generates
//! from the schema) and `diesel` (`table!` + derives). Backends: SQLite in
//! memory, SQLite on a file (WAL, `synchronous = NORMAL` for every contender,
//! as ormgen's engine sets it) and PostgreSQL (`ORMGEN_BENCH_PG_URL`).
//!
//! Workloads (issue 7): `trivial` (load every user), `medium` (users left
//! joined with posts where `hair_color = 'black'`), `insert` (N users in one
//! statement), `associations` (100 users × 10 posts × 10 comments loaded into
//! a nested structure), `single_insert` (one user per committed transaction)
//! and `by_pk` (a random user by primary key).
//!
//! Measurement: for every workload and size the contenders run interleaved
//! in short rounds (raw, ormgen, diesel, raw, …) so that drift and slow-waking
//! cores hit them alike; the median time per operation of each and the ratios
//! ormgen/raw and ormgen/diesel are printed as a Markdown table (and written
//! to `$ORMGEN_BENCH_OUT` if set).
//!
//! Run: `cargo bench --manifest-path benches/Cargo.toml --bench orm_compare`
//! (`ORMGEN_BENCH_QUICK=1` for fewer rounds; `ORMGEN_BENCH_ONLY=sqlite_memory`
//! to run one backend; `ORMGEN_BENCH_WORKLOADS=associations,by_pk` to run some
//! workloads). On PostgreSQL the contenders alternate after every operation.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

mod orm {
    ormgen::include_schema!("bench");
}

// ------------------------------------------------------------------ data

#[derive(Debug, Clone, PartialEq, diesel::Queryable, diesel::Identifiable, diesel::Selectable)]
#[diesel(table_name = d::users)]
struct User {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    diesel::Queryable,
    diesel::Identifiable,
    diesel::Associations,
    diesel::Selectable,
)]
#[diesel(table_name = d::posts, belongs_to(User))]
struct Post {
    id: i32,
    user_id: i32,
    title: String,
    body: Option<String>,
}

#[derive(
    Debug,
    Clone,
    PartialEq,
    diesel::Queryable,
    diesel::Identifiable,
    diesel::Associations,
    diesel::Selectable,
)]
#[diesel(table_name = d::comments, belongs_to(Post))]
struct Comment {
    id: i32,
    post_id: i32,
    text: String,
}

#[derive(diesel::Insertable)]
#[diesel(table_name = d::users)]
struct NewUser<'a> {
    name: &'a str,
    hair_color: Option<&'a str>,
}

mod d {
    diesel::table! { users (id) { id -> Integer, name -> Text, hair_color -> Nullable<Text>, } }
    diesel::table! { posts (id) { id -> Integer, user_id -> Integer, title -> Text, body -> Nullable<Text>, } }
    diesel::table! { comments (id) { id -> Integer, post_id -> Integer, text -> Text, } }
    diesel::joinable!(posts -> users (user_id));
    diesel::joinable!(comments -> posts (post_id));
    diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);
}

type Nested = Vec<(User, Vec<(Post, Vec<Comment>)>)>;

// ------------------------------------------------------------------ setup

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Backend {
    SqliteMemory,
    SqliteFile,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::SqliteMemory => "sqlite_memory",
            Backend::SqliteFile => "sqlite_file",
            Backend::Postgres => "postgres",
        }
    }
    fn pg(self) -> bool {
        self == Backend::Postgres
    }
}

fn pg_url() -> String {
    std::env::var("ORMGEN_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn schema_sql(pg: bool) -> String {
    let id = if pg {
        "SERIAL PRIMARY KEY"
    } else {
        "INTEGER PRIMARY KEY AUTOINCREMENT"
    };
    format!(
        "DROP TABLE IF EXISTS comments; DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS users;
         CREATE TABLE users (id {id}, name TEXT NOT NULL, hair_color TEXT);
         CREATE TABLE posts (id {id}, user_id INTEGER NOT NULL REFERENCES users(id), title TEXT NOT NULL, body TEXT);
         CREATE INDEX posts_user_id_idx ON posts(user_id);
         CREATE TABLE comments (id {id}, post_id INTEGER NOT NULL REFERENCES posts(id), text TEXT NOT NULL);
         CREATE INDEX comments_post_id_idx ON comments(post_id);"
    )
}

/// `users` users (hair black for even ones), `posts` posts each and
/// `comments` comments per post.
fn seed_sql(users: usize, posts: usize, comments: usize) -> String {
    let mut s = String::from("DELETE FROM comments; DELETE FROM posts; DELETE FROM users;\n");
    let mut post_id = 0;
    let mut comment_id = 0;
    for u in 1..=users {
        let hair = if u % 2 == 0 { "'black'" } else { "'brown'" };
        let _ = writeln!(
            s,
            "INSERT INTO users (id, name, hair_color) VALUES ({u}, 'User {u}', {hair});"
        );
        for p in 0..posts {
            post_id += 1;
            let _ = writeln!(
                s,
                "INSERT INTO posts (id, user_id, title, body) VALUES ({post_id}, {u}, 'Post {p} by {u}', NULL);"
            );
            for c in 0..comments {
                comment_id += 1;
                let _ = writeln!(
                    s,
                    "INSERT INTO comments (id, post_id, text) VALUES ({comment_id}, {post_id}, 'Comment {c} on {post_id}');"
                );
            }
        }
    }
    s
}

// ------------------------------------------------------------------ contenders

/// One contender's implementation of every workload.
trait Contender {
    fn name(&self) -> &'static str;
    fn batch(&mut self, sql: &str);
    fn trivial(&mut self) -> Vec<User>;
    fn medium(&mut self) -> Vec<(User, Option<Post>)>;
    fn insert(&mut self, n: usize) -> usize;
    fn associations(&mut self) -> Nested;
    fn single_insert(&mut self) -> usize;
    fn by_pk(&mut self, id: i32) -> User;
    /// What the timed rounds run: the workload in the contender's own row
    /// types, dropped after counting. Raw and Diesel read straight into the
    /// shared types above; ormgen reads into its generated models, and the
    /// conversion its `trivial`/`medium`/`associations` do for the correctness
    /// check is not timed.
    fn trivial_timed(&mut self) -> usize {
        black_box(self.trivial()).len()
    }
    fn medium_timed(&mut self) -> usize {
        black_box(self.medium()).len()
    }
    fn associations_timed(&mut self) -> usize {
        black_box(self.associations()).len()
    }
    /// Ends an open read transaction (the ormgen session's), so the next
    /// workload sees the data seeded for it.
    fn end(&mut self) {}
}

// --- raw SQLite

struct RawSqlite(rusqlite::Connection);

fn sqlite_user(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        hair_color: r.get(2)?,
    })
}

fn insert_sql(n: usize, pg: bool) -> String {
    let mut s = String::from("INSERT INTO users (name, hair_color) VALUES ");
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        if pg {
            let _ = write!(s, "(${}, ${})", 2 * i + 1, 2 * i + 2);
        } else {
            let _ = write!(s, "(?{}, ?{})", 2 * i + 1, 2 * i + 2);
        }
    }
    s
}

fn in_list(n: usize, pg: bool) -> String {
    (1..=n)
        .map(|i| if pg { format!("${i}") } else { format!("?{i}") })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Groups children by parent key and packs them per parent, in order.
fn pack<P, C>(
    parents: Vec<P>,
    key: impl Fn(&P) -> i32,
    children: Vec<(i32, C)>,
) -> Vec<(P, Vec<C>)> {
    let mut by: HashMap<i32, Vec<C>> = HashMap::with_capacity(parents.len());
    for (k, c) in children {
        by.entry(k).or_default().push(c);
    }
    parents
        .into_iter()
        .map(|p| {
            let cs = by.remove(&key(&p)).unwrap_or_default();
            (p, cs)
        })
        .collect()
}

impl Contender for RawSqlite {
    fn name(&self) -> &'static str {
        "raw"
    }
    fn batch(&mut self, sql: &str) {
        self.0
            .execute_batch(&format!("BEGIN; {sql} COMMIT;"))
            .unwrap();
    }
    fn trivial(&mut self) -> Vec<User> {
        let mut st = self
            .0
            .prepare_cached("SELECT id, name, hair_color FROM users")
            .unwrap();
        st.query_map([], sqlite_user)
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        let mut st = self
            .0
            .prepare_cached(
                "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body FROM users u \
                 LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = ?1",
            )
            .unwrap();
        st.query_map(["black"], |r| {
            let post = match r.get::<_, Option<i32>>(3)? {
                Some(id) => Some(Post {
                    id,
                    user_id: r.get(4)?,
                    title: r.get(5)?,
                    body: r.get(6)?,
                }),
                None => None,
            };
            Ok((sqlite_user(r)?, post))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }
    fn insert(&mut self, n: usize) -> usize {
        let sql = insert_sql(n, false);
        let mut st = self.0.prepare_cached(&sql).unwrap();
        let names: Vec<String> = (0..n).map(|i| format!("User {i}")).collect();
        let hair = Some("brown");
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(2 * n);
        for name in &names {
            params.push(name);
            params.push(&hair);
        }
        st.execute(&params[..]).unwrap()
    }
    fn associations(&mut self) -> Nested {
        let users = self.trivial();
        let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
        let sql = format!(
            "SELECT id, user_id, title, body FROM posts WHERE user_id IN ({})",
            in_list(ids.len(), false)
        );
        let mut st = self.0.prepare_cached(&sql).unwrap();
        let posts: Vec<Post> = st
            .query_map(rusqlite::params_from_iter(&ids), |r| {
                Ok(Post {
                    id: r.get(0)?,
                    user_id: r.get(1)?,
                    title: r.get(2)?,
                    body: r.get(3)?,
                })
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let post_ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
        let sql = format!(
            "SELECT id, post_id, text FROM comments WHERE post_id IN ({})",
            in_list(post_ids.len(), false)
        );
        let mut st = self.0.prepare_cached(&sql).unwrap();
        let comments: Vec<(i32, Comment)> = st
            .query_map(rusqlite::params_from_iter(&post_ids), |r| {
                let c = Comment {
                    id: r.get(0)?,
                    post_id: r.get(1)?,
                    text: r.get(2)?,
                };
                Ok((c.post_id, c))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let posts = pack(posts, |p| p.id, comments);
        let posts: Vec<(i32, (Post, Vec<Comment>))> =
            posts.into_iter().map(|p| (p.0.user_id, p)).collect();
        pack(users, |u| u.id, posts)
    }
    fn single_insert(&mut self) -> usize {
        let tx = self.0.transaction().unwrap();
        let n = {
            let mut st = tx
                .prepare_cached("INSERT INTO users (name, hair_color) VALUES (?1, ?2)")
                .unwrap();
            st.execute(("User", Some("brown"))).unwrap()
        };
        tx.commit().unwrap();
        n
    }
    fn by_pk(&mut self, id: i32) -> User {
        let mut st = self
            .0
            .prepare_cached("SELECT id, name, hair_color FROM users WHERE id = ?1")
            .unwrap();
        st.query_row([id], sqlite_user).unwrap()
    }
}

// --- raw PostgreSQL

/// A `postgres` client with its prepared statements, cached by SQL text.
struct RawPg(postgres::Client, HashMap<String, postgres::Statement>);

impl RawPg {
    fn st(&mut self, sql: &str) -> postgres::Statement {
        if let Some(st) = self.1.get(sql) {
            return st.clone();
        }
        let st = self.0.prepare(sql).unwrap();
        self.1.insert(sql.to_owned(), st.clone());
        st
    }
}

fn pg_user(r: &postgres::Row) -> User {
    User {
        id: r.get(0),
        name: r.get(1),
        hair_color: r.get(2),
    }
}

impl Contender for RawPg {
    fn name(&self) -> &'static str {
        "raw"
    }
    fn batch(&mut self, sql: &str) {
        self.0
            .batch_execute(&format!("BEGIN; {sql} COMMIT;"))
            .unwrap();
    }
    fn trivial(&mut self) -> Vec<User> {
        let st = self.st("SELECT id, name, hair_color FROM users");
        self.0
            .query(&st, &[])
            .unwrap()
            .iter()
            .map(pg_user)
            .collect()
    }
    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        let st = self.st(
            "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body FROM users u \
                 LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = $1",
        );
        self.0
            .query(&st, &[&"black"])
            .unwrap()
            .iter()
            .map(|r| {
                let post = r.get::<_, Option<i32>>(3).map(|id| Post {
                    id,
                    user_id: r.get(4),
                    title: r.get(5),
                    body: r.get(6),
                });
                (pg_user(r), post)
            })
            .collect()
    }
    fn insert(&mut self, n: usize) -> usize {
        let st = self.st(&insert_sql(n, true));
        let names: Vec<String> = (0..n).map(|i| format!("User {i}")).collect();
        let hair = Some("brown");
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = Vec::with_capacity(2 * n);
        for name in &names {
            params.push(name);
            params.push(&hair);
        }
        self.0.execute(&st, &params).unwrap() as usize
    }
    fn associations(&mut self) -> Nested {
        let users = self.trivial();
        let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
        let st = self.st("SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1)");
        let posts: Vec<Post> = self
            .0
            .query(&st, &[&ids])
            .unwrap()
            .iter()
            .map(|r| Post {
                id: r.get(0),
                user_id: r.get(1),
                title: r.get(2),
                body: r.get(3),
            })
            .collect();
        let post_ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
        let st = self.st("SELECT id, post_id, text FROM comments WHERE post_id = ANY($1)");
        let comments: Vec<(i32, Comment)> = self
            .0
            .query(&st, &[&post_ids])
            .unwrap()
            .iter()
            .map(|r| {
                let c = Comment {
                    id: r.get(0),
                    post_id: r.get(1),
                    text: r.get(2),
                };
                (c.post_id, c)
            })
            .collect();
        let posts = pack(posts, |p| p.id, comments);
        let posts: Vec<(i32, (Post, Vec<Comment>))> =
            posts.into_iter().map(|p| (p.0.user_id, p)).collect();
        pack(users, |u| u.id, posts)
    }
    fn single_insert(&mut self) -> usize {
        let st = self.st("INSERT INTO users (name, hair_color) VALUES ($1, $2)");
        let mut tx = self.0.transaction().unwrap();
        let n = tx.execute(&st, &[&"User", &Some("brown")]).unwrap();
        tx.commit().unwrap();
        n as usize
    }
    fn by_pk(&mut self, id: i32) -> User {
        let st = self.st("SELECT id, name, hair_color FROM users WHERE id = $1");
        pg_user(&self.0.query_one(&st, &[&id]).unwrap())
    }
}

// --- ormgen (generated code)

struct Ormgen {
    _engine: ormgen::Engine,
    s: ormgen::Session,
}

fn from_orm_user(u: orm::User) -> User {
    User {
        id: u.id,
        name: u.name,
        hair_color: u.hair_color,
    }
}
fn from_orm_post(p: orm::Post) -> Post {
    Post {
        id: p.id,
        user_id: p.user_id,
        title: p.title,
        body: p.body,
    }
}

/// The three reads, in ormgen's own model types (timed as they are; the
/// `Contender` methods convert them for the correctness check).
impl Ormgen {
    fn users(&mut self) -> Vec<orm::User> {
        orm::User::query().all(&mut self.s).unwrap()
    }
    fn users_posts(&mut self) -> Vec<(orm::User, Option<orm::Post>)> {
        use ormgen::query::ExprExt;
        orm::User::query()
            .left_join(orm::user::posts)
            .filter(orm::user::hair_color.eq("black"))
            .all(&mut self.s)
            .unwrap()
    }
    #[allow(clippy::type_complexity)]
    fn nested(&mut self) -> Vec<(orm::User, Vec<(orm::Post, Vec<orm::Comment>)>)> {
        use ormgen::query::NestExt;
        orm::User::query()
            .with(orm::user::posts.with(orm::post::comments))
            .all(&mut self.s)
            .unwrap()
    }
}

impl Contender for Ormgen {
    fn name(&self) -> &'static str {
        "ormgen"
    }
    fn batch(&mut self, sql: &str) {
        self.s.begin().unwrap();
        self.s.batch_execute(sql).unwrap();
        self.s.commit().unwrap();
    }
    fn end(&mut self) {
        self.s.commit().unwrap();
    }
    fn trivial_timed(&mut self) -> usize {
        black_box(self.users()).len()
    }
    fn medium_timed(&mut self) -> usize {
        black_box(self.users_posts()).len()
    }
    fn associations_timed(&mut self) -> usize {
        black_box(self.nested()).len()
    }
    fn trivial(&mut self) -> Vec<User> {
        self.users().into_iter().map(from_orm_user).collect()
    }
    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        self.users_posts()
            .into_iter()
            .map(|(u, p)| (from_orm_user(u), p.map(from_orm_post)))
            .collect()
    }
    fn insert(&mut self, n: usize) -> usize {
        let rows = (0..n).map(|i| orm::NewUser::new(format!("User {i}")).hair_color("brown"));
        // Autocommit: the one INSERT commits by itself, as raw's and Diesel's do.
        orm::User::insert_all(&mut self.s, rows).unwrap() as usize
    }
    fn associations(&mut self) -> Nested {
        let rows = self.nested();
        rows.into_iter()
            .map(|(u, posts)| {
                (
                    from_orm_user(u),
                    posts
                        .into_iter()
                        .map(|(p, cs)| {
                            (
                                from_orm_post(p),
                                cs.into_iter()
                                    .map(|c| Comment {
                                        id: c.id,
                                        post_id: c.post_id,
                                        text: c.text,
                                    })
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            })
            .collect()
    }
    fn single_insert(&mut self) -> usize {
        // Its own transaction, like raw's and Diesel's; without reading the row
        // back, as they do (`User::insert` returns it through `RETURNING`).
        self.s.begin().unwrap();
        let row = orm::NewUser::new("User").hair_color("brown");
        let n = orm::User::insert_all(&mut self.s, [row]).unwrap() as usize;
        self.s.commit().unwrap();
        n
    }
    fn by_pk(&mut self, id: i32) -> User {
        let u = orm::User::get(&mut self.s, id).unwrap().unwrap();
        from_orm_user(u)
    }
}

// --- Diesel

enum DieselConn {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

struct Diesel(DieselConn);

macro_rules! with_conn {
    ($self:ident, $c:ident => $e:expr) => {
        match &mut $self.0 {
            DieselConn::Sqlite($c) => $e,
            DieselConn::Pg($c) => $e,
        }
    };
}

impl Contender for Diesel {
    fn name(&self) -> &'static str {
        "diesel"
    }
    fn batch(&mut self, sql: &str) {
        use diesel::connection::SimpleConnection;
        with_conn!(self, c => c.batch_execute(&format!("BEGIN; {sql} COMMIT;")).unwrap())
    }
    fn trivial(&mut self) -> Vec<User> {
        use diesel::prelude::*;
        with_conn!(self, c => d::users::table.select(User::as_select()).load(c).unwrap())
    }
    fn medium(&mut self) -> Vec<(User, Option<Post>)> {
        use diesel::prelude::*;
        with_conn!(self, c => d::users::table
            .left_join(d::posts::table)
            .filter(d::users::hair_color.eq("black"))
            .select((User::as_select(), Option::<Post>::as_select()))
            .load(c)
            .unwrap())
    }
    fn insert(&mut self, n: usize) -> usize {
        use diesel::prelude::*;
        let names: Vec<String> = (0..n).map(|i| format!("User {i}")).collect();
        let rows: Vec<NewUser<'_>> = names
            .iter()
            .map(|name| NewUser {
                name,
                hair_color: Some("brown"),
            })
            .collect();
        with_conn!(self, c => diesel::insert_into(d::users::table).values(&rows).execute(c).unwrap())
    }
    fn associations(&mut self) -> Nested {
        use diesel::prelude::*;
        with_conn!(self, c => {
            let users: Vec<User> = d::users::table.select(User::as_select()).load(c).unwrap();
            let posts: Vec<Post> = Post::belonging_to(&users).select(Post::as_select()).load(c).unwrap();
            let comments: Vec<Comment> =
                Comment::belonging_to(&posts).select(Comment::as_select()).load(c).unwrap();
            let comments = comments.grouped_by(&posts);
            let posts: Vec<Vec<(Post, Vec<Comment>)>> = posts
                .into_iter()
                .zip(comments)
                .collect::<Vec<_>>()
                .grouped_by(&users);
            users.into_iter().zip(posts).collect()
        })
    }
    fn single_insert(&mut self) -> usize {
        use diesel::prelude::*;
        with_conn!(self, c => c.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::insert_into(d::users::table)
                .values(&NewUser { name: "User", hair_color: Some("brown") })
                .execute(c)
        }).unwrap())
    }
    fn by_pk(&mut self, id: i32) -> User {
        use diesel::prelude::*;
        with_conn!(self, c => d::users::table.find(id).select(User::as_select()).first(c).unwrap())
    }
}

// ------------------------------------------------------------------ harness

struct Env {
    backend: Backend,
    contenders: Vec<Box<dyn Contender>>,
    _dir: Option<std::path::PathBuf>,
    pg_schema: Option<String>,
}

fn sqlite_pragmas(file: bool) -> &'static str {
    if file {
        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
    } else {
        "PRAGMA foreign_keys = ON;"
    }
}

fn setup(backend: Backend) -> Option<Env> {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    match backend {
        Backend::SqliteMemory | Backend::SqliteFile => {
            let file = backend == Backend::SqliteFile;
            let dir = std::env::temp_dir().join(format!("ormgen-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("bench.db");
            let _ = std::fs::remove_file(&path);
            let (raw_path, diesel_path, ormgen_url) = if file {
                let p = path.display().to_string();
                (p.clone(), p.clone(), format!("sqlite://{p}"))
            } else {
                // ormgen's `sqlite::memory:` is a `memdb` database that the
                // pool's connections share (SQLite's private `:memory:` cannot
                // be shared); raw and Diesel get one of the same kind, each its
                // own, so that the storage and its locking are the same for all.
                let id = std::process::id();
                (
                    format!("file:/bench-raw-{id}?vfs=memdb"),
                    format!("file:/bench-diesel-{id}?vfs=memdb"),
                    "sqlite::memory:".into(),
                )
            };
            let raw = rusqlite::Connection::open_with_flags(
                &raw_path,
                rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_URI,
            )
            .unwrap();
            raw.execute_batch(sqlite_pragmas(file)).unwrap();
            let mut diesel_conn = diesel::SqliteConnection::establish(&diesel_path).unwrap();
            diesel_conn.batch_execute(sqlite_pragmas(file)).unwrap();
            let engine = ormgen::Engine::connect(&ormgen_url).unwrap();
            let mut s = engine.session().unwrap();
            // Each statement commits by itself, as with raw and Diesel.
            s.set_autocommit(true).unwrap();
            Some(Env {
                backend,
                contenders: vec![
                    Box::new(RawSqlite(raw)),
                    Box::new(Ormgen { _engine: engine, s }),
                    Box::new(Diesel(DieselConn::Sqlite(diesel_conn))),
                ],
                _dir: Some(dir),
                pg_schema: None,
            })
        }
        Backend::Postgres => {
            let url = pg_url();
            let mut admin = match postgres::Client::connect(&url, postgres::NoTls) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("!!! PostgreSQL unreachable ({e}): PostgreSQL skipped");
                    return None;
                }
            };
            let schema = format!("ormgen_cmp_{}", std::process::id());
            admin
                .batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                ))
                .unwrap();
            let mut raw = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            raw.batch_execute(&format!("SET search_path TO {schema}"))
                .unwrap();
            let mut diesel_conn = diesel::PgConnection::establish(&url).unwrap();
            diesel_conn
                .batch_execute(&format!("SET search_path TO {schema}"))
                .unwrap();
            let engine = ormgen::Engine::builder(url)
                .search_path(schema.clone())
                .build()
                .unwrap();
            let mut s = engine.session().unwrap();
            s.set_autocommit(true).unwrap();
            pin_pg(&mut admin);
            Some(Env {
                backend,
                contenders: vec![
                    Box::new(RawPg(raw, HashMap::new())),
                    Box::new(Ormgen { _engine: engine, s }),
                    Box::new(Diesel(DieselConn::Pg(diesel_conn))),
                ],
                _dir: None,
                pg_schema: Some(schema),
            })
        }
    }
}

/// Pins this process to CPU 0 and the PostgreSQL server processes of this
/// database's client connections (the contenders') to CPU 1, so that every
/// contender's round trip crosses the same two cores: unpinned, each
/// connection's server process lands on a core of its own choosing, and the
/// round trips of one contender came out 2x those of another for identical
/// work, in either direction from run to run. Skipped with
/// `ORMGEN_BENCH_NO_PIN`, with fewer than two cores, or without `taskset`.
fn pin_pg(admin: &mut postgres::Client) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 || std::env::var_os("ORMGEN_BENCH_NO_PIN").is_some() {
        return;
    }
    let pids: Vec<i32> = admin
        .query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            &[],
        )
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .unwrap_or_default();
    let taskset = |args: &[&str]| {
        std::process::Command::new("taskset")
            .args(args)
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let me = std::process::id().to_string();
    let mut ok = taskset(&["-a", "-pc", "0", &me]);
    for pid in &pids {
        ok &= taskset(&["-pc", "1", &pid.to_string()]);
    }
    if ok {
        eprintln!(
            "   pinned: this process to CPU 0, {} server processes to CPU 1",
            pids.len()
        );
    } else {
        eprintln!("   (could not pin processes to cores; PostgreSQL rows are noisier)");
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        for c in self.contenders.drain(..) {
            drop(c);
        }
        if let Some(schema) = &self.pg_schema
            && let Ok(mut admin) = postgres::Client::connect(&pg_url(), postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
        if let Some(dir) = &self._dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Env {
    /// Creates the tables and seeds them (once per database: every contender
    /// has its own in-memory database, the others share one).
    fn seed(&mut self, users: usize, posts: usize, comments: usize) {
        let sql = format!(
            "{}\n{}",
            schema_sql(self.backend.pg()),
            seed_sql(users, posts, comments)
        );
        let sql = if self.backend.pg() {
            format!(
                "{sql}\nSELECT setval('users_id_seq', (SELECT coalesce(max(id), 0) + 1 FROM users), false);"
            )
        } else {
            sql
        };
        // Every open read transaction ends first: the drops would wait on it.
        let all = self.backend == Backend::SqliteMemory;
        for c in self.contenders.iter_mut() {
            c.end();
        }
        for (i, c) in self.contenders.iter_mut().enumerate() {
            if all || i == 0 {
                c.batch(&sql);
            }
        }
    }
}

struct Row {
    backend: &'static str,
    workload: String,
    medians: Vec<(&'static str, Duration)>,
}

/// Times `op` for every contender (see [`measure`]) and adds the table row.
fn timed_row(
    env: &mut Env,
    rows: &mut Vec<Row>,
    workload: String,
    (rounds, per_round): (usize, usize),
    op: impl FnMut(&mut dyn Contender, usize),
) {
    let medians = measure(env, rounds, per_round, op);
    rows.push(Row {
        backend: env.backend.name(),
        workload,
        medians,
    });
}

/// Runs `op` for every contender in interleaved rounds; the median per op.
fn measure(
    env: &mut Env,
    rounds: usize,
    per_round: usize,
    mut op: impl FnMut(&mut dyn Contender, usize),
) -> Vec<(&'static str, Duration)> {
    let n = env.contenders.len();
    let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); n];
    // Warm up (caches, prepared statements).
    for c in env.contenders.iter_mut() {
        for i in 0..3 {
            op(c.as_mut(), i);
        }
    }
    let mut k = 0;
    for round in 0..rounds {
        for j in 0..n {
            // Rotate the order each round.
            let idx = (j + round) % n;
            let c = env.contenders[idx].as_mut();
            let start = Instant::now();
            for _ in 0..per_round {
                op(c, k);
                k += 1;
            }
            samples[idx].push(start.elapsed() / per_round as u32);
        }
    }
    env.contenders
        .iter()
        .zip(samples)
        .map(|(c, mut s)| {
            s.sort();
            (c.name(), s[s.len() / 2])
        })
        .collect()
}

fn fmt_dur(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    // `ORMGEN_BENCH_PROBE=<backend>:<workload>:<contender>[:<ops>]` runs `ops`
    // (default 1,000) operations of one contender and exits: for `strace -c`,
    // `perf` or callgrind on one contender. Workloads: trivial[/N] and
    // medium[/N] (N users with a post each, default 1), insert[/N] (N rows,
    // default 1), associations (100x10x10), single_insert, by_pk.
    if let Ok(probe) = std::env::var("ORMGEN_BENCH_PROBE") {
        let parts: Vec<&str> = probe.split(':').collect();
        let [backend, workload, who, rest @ ..] = &parts[..] else {
            panic!("ORMGEN_BENCH_PROBE=<backend>:<workload>:<contender>[:<ops>]");
        };
        let ops: usize = rest.first().map_or(1_000, |n| n.parse().expect("ops"));
        // `insert/N`: N rows per statement; `medium/N`, `trivial/N`: N users
        // (default 1).
        let (workload, rows) = match workload.split_once('/') {
            Some((w, n)) => (w, n.parse::<usize>().expect("rows per insert")),
            None => (*workload, 1),
        };
        let backend = [
            Backend::SqliteMemory,
            Backend::SqliteFile,
            Backend::Postgres,
        ]
        .into_iter()
        .find(|b| b.name() == *backend)
        .expect("backend: sqlite_memory, sqlite_file or postgres");
        let mut env = setup(backend).expect("backend unavailable");
        match workload {
            "associations" => env.seed(100, 10, 10),
            "by_pk" => env.seed(10_000, 0, 0),
            "insert" | "single_insert" => env.seed(0, 0, 0),
            // `medium/N`, `trivial/N`: N users with one post each.
            _ => env.seed(rows, 1, 0),
        }
        let c = env
            .contenders
            .iter_mut()
            .find(|c| c.name() == *who)
            .expect("contender");
        for i in 0..ops {
            match workload {
                "medium" => drop(black_box(c.medium_timed())),
                "trivial" => drop(black_box(c.trivial_timed())),
                "insert" => drop(black_box(c.insert(rows))),
                "associations" => drop(black_box(c.associations_timed())),
                "single_insert" => drop(black_box(c.single_insert())),
                "by_pk" => drop(black_box(c.by_pk((i % 10_000) as i32 + 1))),
                _ => panic!("unknown workload {workload}"),
            }
        }
        c.end();
        return;
    }
    let quick = std::env::var_os("ORMGEN_BENCH_QUICK").is_some();
    let only = std::env::var("ORMGEN_BENCH_ONLY").ok();
    // `ORMGEN_BENCH_WORKLOADS=associations,by_pk`: only these workloads (all by default).
    let workloads = std::env::var("ORMGEN_BENCH_WORKLOADS").ok();
    let wanted = |w: &str| {
        workloads
            .as_deref()
            .is_none_or(|list| list.split(',').any(|x| x.trim() == w))
    };
    let rounds = if quick { 7 } else { 21 };
    let mut rows: Vec<Row> = Vec::new();
    for backend in [
        Backend::SqliteMemory,
        Backend::SqliteFile,
        Backend::Postgres,
    ] {
        if only.as_deref().is_some_and(|o| o != backend.name()) {
            continue;
        }
        let Some(mut env) = setup(backend) else {
            continue;
        };
        let b = backend.name();
        eprintln!("== {b}");
        // PostgreSQL: every operation is a round trip whose time swings with
        // how soon an idle core wakes, so the contenders alternate after each
        // operation (the same number of operations, in single-op rounds) and
        // see the same machine state; SQLite keeps batches (timer overhead).
        let plan = |per: usize| {
            if backend.pg() {
                (rounds * per, 1)
            } else {
                (rounds, per)
            }
        };
        for size in [1usize, 10, 100, 1_000, 10_000] {
            if !wanted("trivial") && !wanted("medium") {
                break;
            }
            env.seed(size, 1, 0);
            // At least 5 per round: at 10,000 rows (a few ms each) 21 rounds
            // of 2 left the median to chance on PostgreSQL.
            let per = (20_000 / size).clamp(5, 200);
            if wanted("trivial") {
                timed_row(
                    &mut env,
                    &mut rows,
                    format!("trivial/{size}"),
                    plan(per),
                    |c, _| {
                        black_box(c.trivial_timed());
                    },
                );
            }
            if wanted("medium") {
                timed_row(
                    &mut env,
                    &mut rows,
                    format!("medium/{size}"),
                    plan(per),
                    |c, _| {
                        black_box(c.medium_timed());
                    },
                );
            }
            eprintln!("   trivial, medium {size}");
        }
        if wanted("insert") {
            for size in [1usize, 10, 25, 50, 100] {
                env.seed(0, 0, 0);
                timed_row(
                    &mut env,
                    &mut rows,
                    format!("insert/{size}"),
                    plan(20),
                    |c, _| {
                        black_box(c.insert(size));
                    },
                );
            }
            eprintln!("   insert");
        }
        if wanted("associations") {
            env.seed(100, 10, 10);
            timed_row(
                &mut env,
                &mut rows,
                "associations/100x10x10".into(),
                plan(5),
                |c, _| {
                    black_box(c.associations_timed());
                },
            );
            eprintln!("   associations");
        }
        if wanted("single_insert") {
            env.seed(0, 0, 0);
            timed_row(
                &mut env,
                &mut rows,
                "single_insert".into(),
                plan(20),
                |c, _| {
                    black_box(c.single_insert());
                },
            );
            eprintln!("   single_insert");
        }
        if wanted("by_pk") {
            env.seed(10_000, 0, 0);
            let mut rng = 0x2545_f491_4f6c_dd1du64;
            let workload = "by_pk (10,000 lookups: time per lookup)".to_string();
            timed_row(&mut env, &mut rows, workload, plan(500), |c, _| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let id = (rng % 10_000) as i32 + 1;
                black_box(c.by_pk(id));
            });
            eprintln!("   by_pk");
        }
        // Correctness: the contenders agree.
        env.seed(20, 3, 2);
        let nested: Vec<Nested> = env
            .contenders
            .iter_mut()
            .map(|c| c.associations())
            .collect();
        assert!(
            nested.windows(2).all(|w| w[0] == w[1]),
            "{b}: contenders disagree"
        );
        let medium: Vec<usize> = env
            .contenders
            .iter_mut()
            .map(|c| c.medium().len())
            .collect();
        assert!(medium.windows(2).all(|w| w[0] == w[1]), "{b}: {medium:?}");
    }
    let mut out = String::from(
        "| backend | workload | raw | ormgen | diesel | ormgen/raw | ormgen/diesel |\n|---|---|---:|---:|---:|---:|---:|\n",
    );
    for r in &rows {
        let get = |n: &str| {
            r.medians
                .iter()
                .find(|(m, _)| *m == n)
                .map(|(_, d)| *d)
                .unwrap()
        };
        let (raw, orm, die) = (get("raw"), get("ormgen"), get("diesel"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.2} | {:.2} |",
            r.backend,
            r.workload,
            fmt_dur(raw),
            fmt_dur(orm),
            fmt_dur(die),
            orm.as_secs_f64() / raw.as_secs_f64(),
            orm.as_secs_f64() / die.as_secs_f64()
        );
    }
    println!("{out}");
    if let Ok(path) = std::env::var("ORMGEN_BENCH_OUT") {
        std::fs::write(&path, &out).unwrap();
    }
}
