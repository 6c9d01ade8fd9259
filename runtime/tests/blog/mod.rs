// @generated-shape stand-in: what ormgen-build emits for the schema below, written
// by hand (see runtime/src/query/GENERATOR_CONTRACT.md). The generator's real output
// replaces it in the top-level `tests/` crate.
//
// schema:
//   enum Role { USER ADMIN }
//   enum PostStatus { DRAFT PUBLISHED }
//   model User { id Int @id @default(autoincrement()), email String @unique, name String?,
//                age Int?, role Role @default(USER), posts Post[] }
//   model Post { id Int @id @default(autoincrement()), title String, body String?,
//                author User @relation(fields: [author_id], references: [id]), author_id Int,
//                published Boolean, views BigInt, rating Float?, status PostStatus @default(DRAFT),
//                tags Tag[], comments Comment[] }
//   model Tag  { id Int @id @default(autoincrement()), name String @unique, posts Post[] }
//   model Comment { id String @id @default(cuid()), post Post @relation(fields: [post_id], references: [id]),
//                   post_id Int, body String, created_at DateTime @default(now()),
//                   updated_at DateTime @updatedAt }
//   (implicit m2m: _PostToTag(A -> posts.id, B -> tags.id))
#![allow(dead_code, clippy::all)]

use ormgen::chrono::{DateTime, Utc};
use ormgen::query as q;

// ------------------------------------------------------------------ enums

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    User,
    Admin,
}
impl ormgen::DbEnum for Role {
    const PG_TYPE: &'static str = "Role";
    fn as_db_str(&self) -> &'static str {
        match self {
            Role::User => "USER",
            Role::Admin => "ADMIN",
        }
    }
    fn from_db_str(s: &str) -> Option<Self> {
        match s {
            "USER" => Some(Role::User),
            "ADMIN" => Some(Role::Admin),
            _ => None,
        }
    }
}
ormgen::impl_db_enum!(Role);
ormgen::impl_query_enum!(Role);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostStatus {
    Draft,
    Published,
}
impl ormgen::DbEnum for PostStatus {
    const PG_TYPE: &'static str = "PostStatus";
    fn as_db_str(&self) -> &'static str {
        match self {
            PostStatus::Draft => "DRAFT",
            PostStatus::Published => "PUBLISHED",
        }
    }
    fn from_db_str(s: &str) -> Option<Self> {
        match s {
            "DRAFT" => Some(PostStatus::Draft),
            "PUBLISHED" => Some(PostStatus::Published),
            _ => None,
        }
    }
}
ormgen::impl_db_enum!(PostStatus);
ormgen::impl_query_enum!(PostStatus);

// ------------------------------------------------------------------ users

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub name: Option<String>,
    pub age: Option<i32>,
    pub role: Role,
}
impl q::Decode for User {
    const WIDTH: usize = 5;
    #[inline]
    fn decode(row: &ormgen::Row<'_>) -> ormgen::Result<Self> {
        Ok(User {
            id: row.get(0)?,
            email: row.get(1)?,
            name: row.get(2)?,
            age: row.get(3)?,
            role: row.get(4)?,
        })
    }
}
impl q::Scalar for User {}
impl ormgen::FromRow for User {
    fn from_row(row: &ormgen::Row<'_>) -> ormgen::Result<Self> {
        <Self as q::Decode>::decode(row)
    }
}

/// Insert type for `User`: required columns are plain fields; `role` has a
/// default (`None` = `USER`); `id` is filled by the database.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub name: Option<String>,
    pub age: Option<i32>,
    pub role: Option<Role>,
}
impl q::Insertable for NewUser {
    type Table = user::table;
    const COLUMNS: &'static [&'static str] = &["email", "name", "age", "role"];
    const INSERT: q::DialectSql = q::DialectSql {
        postgres: r#"INSERT INTO "users" ("email", "name", "age", "role") VALUES ($1, $2, $3, $4) RETURNING "id", "email", "name", "age", "role""#,
        sqlite: r#"INSERT INTO "users" ("email", "name", "age", "role") VALUES (?1, ?2, ?3, ?4) RETURNING "id", "email", "name", "age", "role""#,
    };
    fn fill_defaults(&mut self) {
        if self.role.is_none() {
            self.role = Some(Role::User);
        }
    }
    fn is_defaulted(&self, i: usize) -> bool {
        match i {
            3 => self.role.is_none(),
            _ => false,
        }
    }
    fn params<'a>(&'a self, out: &mut Vec<&'a dyn ormgen::ToParam>) {
        out.push(&self.email);
        out.push(&self.name);
        out.push(&self.age);
        out.push(&self.role);
    }
}

impl User {
    pub fn query() -> q::Query<q::Root<user::table>> {
        q::Query::new()
    }
    pub fn get<K: q::PrimaryKey<q::Int>>(
        s: &mut ormgen::Session,
        key: K,
    ) -> ormgen::Result<Option<User>> {
        q::get::<user::table, K>(s, key)
    }
    pub fn insert(s: &mut ormgen::Session, new: NewUser) -> ormgen::Result<User> {
        q::insert(s, new)
    }
    pub fn insert_many(
        s: &mut ormgen::Session,
        rows: impl IntoIterator<Item = NewUser>,
    ) -> ormgen::Result<Vec<User>> {
        q::insert_many(s, rows)
    }
    pub fn upsert(new: NewUser) -> q::Upsert<NewUser> {
        q::Upsert::new(new)
    }
    pub fn update() -> q::Update<user::table> {
        q::Update::new()
    }
    pub fn delete() -> q::Delete<user::table> {
        q::Delete::new()
    }
}

pub mod user {
    #![allow(non_camel_case_types)]
    use super::q;

    #[derive(Clone, Copy, Debug)]
    pub struct table;
    impl q::Table for table {
        const INFO: q::TableInfo = q::TableInfo {
            name: "users",
            columns: &["id", "email", "name", "age", "role"],
            primary_key: &["id"],
            alias: None,
        };
        type Model = super::User;
        type PrimaryKey = q::Int;
        const GET: q::DialectSql = q::DialectSql {
            postgres: r#"SELECT "users"."id", "users"."email", "users"."name", "users"."age", "users"."role" FROM "users" WHERE "users"."id" = $1"#,
            sqlite: r#"SELECT "users"."id", "users"."email", "users"."name", "users"."age", "users"."role" FROM "users" WHERE "users"."id" = ?1"#,
        };
        const DELETE: q::DialectSql = q::DialectSql {
            postgres: r#"DELETE FROM "users" WHERE "id" = $1"#,
            sqlite: r#"DELETE FROM "users" WHERE "id" = ?1"#,
        };
    }

    ormgen::column!(id: table, "id", q::Int);
    ormgen::column!(email: table, "email", q::Text);
    ormgen::column!(name: table, "name", nullable q::Text);
    ormgen::column!(age: table, "age", nullable q::Int);
    ormgen::column!(role: table, "role", super::Role);

    /// `User.posts`: one-to-many, `posts.author_id -> users.id`.
    #[derive(Clone, Copy, Debug)]
    pub struct posts;
    impl q::Relation for posts {
        type From = table;
        type To = super::post::table;
        type Cardinality = q::Many;
        type Key = i32;
        const PATH: q::Path = q::Path::Direct(&[("id", "author_id")]);
        const KEY: q::KeySide = q::KeySide::Far { nullable: false };
    }
    impl q::RelationOf<table> for posts {}
    impl<S: q::JoinScope<table, I>, I> q::JoinFrom<S, I> for posts {}
}

// ------------------------------------------------------------------ posts

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: i32,
    pub title: String,
    pub body: Option<String>,
    pub author_id: i32,
    pub published: bool,
    pub views: i64,
    pub rating: Option<f64>,
    pub status: PostStatus,
}
impl q::Decode for Post {
    const WIDTH: usize = 8;
    #[inline]
    fn decode(row: &ormgen::Row<'_>) -> ormgen::Result<Self> {
        Ok(Post {
            id: row.get(0)?,
            title: row.get(1)?,
            body: row.get(2)?,
            author_id: row.get(3)?,
            published: row.get(4)?,
            views: row.get(5)?,
            rating: row.get(6)?,
            status: row.get(7)?,
        })
    }
}
impl q::Scalar for Post {}

#[derive(Debug, Clone, Default)]
pub struct NewPost {
    pub title: String,
    pub body: Option<String>,
    pub author_id: i32,
    pub published: bool,
    pub views: i64,
    pub rating: Option<f64>,
    pub status: Option<PostStatus>,
}
impl q::Insertable for NewPost {
    type Table = post::table;
    const COLUMNS: &'static [&'static str] = &[
        "title",
        "body",
        "author_id",
        "published",
        "views",
        "rating",
        "status",
    ];
    const INSERT: q::DialectSql = q::DialectSql {
        postgres: r#"INSERT INTO "posts" ("title", "body", "author_id", "published", "views", "rating", "status") VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING "id", "title", "body", "author_id", "published", "views", "rating", "status""#,
        sqlite: r#"INSERT INTO "posts" ("title", "body", "author_id", "published", "views", "rating", "status") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING "id", "title", "body", "author_id", "published", "views", "rating", "status""#,
    };
    fn fill_defaults(&mut self) {
        if self.status.is_none() {
            self.status = Some(PostStatus::Draft);
        }
    }
    fn params<'a>(&'a self, out: &mut Vec<&'a dyn ormgen::ToParam>) {
        out.push(&self.title);
        out.push(&self.body);
        out.push(&self.author_id);
        out.push(&self.published);
        out.push(&self.views);
        out.push(&self.rating);
        out.push(&self.status);
    }
}

impl Post {
    pub fn query() -> q::Query<q::Root<post::table>> {
        q::Query::new()
    }
    pub fn get<K: q::PrimaryKey<q::Int>>(
        s: &mut ormgen::Session,
        key: K,
    ) -> ormgen::Result<Option<Post>> {
        q::get::<post::table, K>(s, key)
    }
    pub fn insert(s: &mut ormgen::Session, new: NewPost) -> ormgen::Result<Post> {
        q::insert(s, new)
    }
    pub fn insert_many(
        s: &mut ormgen::Session,
        rows: impl IntoIterator<Item = NewPost>,
    ) -> ormgen::Result<Vec<Post>> {
        q::insert_many(s, rows)
    }
    pub fn upsert(new: NewPost) -> q::Upsert<NewPost> {
        q::Upsert::new(new)
    }
    pub fn update() -> q::Update<post::table> {
        q::Update::new()
    }
    pub fn delete() -> q::Delete<post::table> {
        q::Delete::new()
    }
}

pub mod post {
    #![allow(non_camel_case_types)]
    use super::q;

    #[derive(Clone, Copy, Debug)]
    pub struct table;
    impl q::Table for table {
        const INFO: q::TableInfo = q::TableInfo {
            name: "posts",
            columns: &[
                "id",
                "title",
                "body",
                "author_id",
                "published",
                "views",
                "rating",
                "status",
            ],
            primary_key: &["id"],
            alias: None,
        };
        type Model = super::Post;
        type PrimaryKey = q::Int;
        const GET: q::DialectSql = q::DialectSql {
            postgres: r#"SELECT "posts"."id", "posts"."title", "posts"."body", "posts"."author_id", "posts"."published", "posts"."views", "posts"."rating", "posts"."status" FROM "posts" WHERE "posts"."id" = $1"#,
            sqlite: r#"SELECT "posts"."id", "posts"."title", "posts"."body", "posts"."author_id", "posts"."published", "posts"."views", "posts"."rating", "posts"."status" FROM "posts" WHERE "posts"."id" = ?1"#,
        };
        const DELETE: q::DialectSql = q::DialectSql {
            postgres: r#"DELETE FROM "posts" WHERE "id" = $1"#,
            sqlite: r#"DELETE FROM "posts" WHERE "id" = ?1"#,
        };
    }

    ormgen::column!(id: table, "id", q::Int);
    ormgen::column!(title: table, "title", q::Text);
    ormgen::column!(body: table, "body", nullable q::Text);
    ormgen::column!(author_id: table, "author_id", q::Int);
    ormgen::column!(published: table, "published", q::Bool);
    ormgen::column!(views: table, "views", q::BigInt);
    ormgen::column!(rating: table, "rating", nullable q::Double);
    ormgen::column!(status: table, "status", super::PostStatus);

    /// `Post.author`: many-to-one through the required `author_id`.
    #[derive(Clone, Copy, Debug)]
    pub struct author;
    impl q::Relation for author {
        type From = table;
        type To = super::user::table;
        type Cardinality = q::One;
        type Key = i32;
        const PATH: q::Path = q::Path::Direct(&[("author_id", "id")]);
        const KEY: q::KeySide = q::KeySide::Near { nullable: false };
    }
    impl q::RelationOf<table> for author {}
    impl<S: q::JoinScope<table, I>, I> q::JoinFrom<S, I> for author {}

    /// `Post.tags`: implicit many-to-many through `_PostToTag` (A = post, B = tag).
    #[derive(Clone, Copy, Debug)]
    pub struct tags;
    impl q::Relation for tags {
        type From = table;
        type To = super::tag::table;
        type Cardinality = q::Many;
        // The dynamic key (what the generator emits for float, decimal or enum keys).
        type Key = q::KeyVals;
        const PATH: q::Path = q::Path::Through {
            table: "_PostToTag",
            from: &[("id", "A")],
            to: &[("B", "id")],
        };
        const KEY: q::KeySide = q::KeySide::JoinTable;
    }
    impl q::RelationOf<table> for tags {}
    impl<S: q::JoinScope<table, I>, I> q::JoinFrom<S, I> for tags {}

    /// `Post.comments`: one-to-many, `comments.post_id -> posts.id`.
    #[derive(Clone, Copy, Debug)]
    pub struct comments;
    impl q::Relation for comments {
        type From = table;
        type To = super::comment::table;
        type Cardinality = q::Many;
        type Key = i32;
        const PATH: q::Path = q::Path::Direct(&[("id", "post_id")]);
        const KEY: q::KeySide = q::KeySide::Far { nullable: false };
    }
    impl q::RelationOf<table> for comments {}
    impl<S: q::JoinScope<table, I>, I> q::JoinFrom<S, I> for comments {}
}

// ------------------------------------------------------------------- tags

#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub id: i32,
    pub name: String,
}
impl q::Decode for Tag {
    const WIDTH: usize = 2;
    #[inline]
    fn decode(row: &ormgen::Row<'_>) -> ormgen::Result<Self> {
        Ok(Tag {
            id: row.get(0)?,
            name: row.get(1)?,
        })
    }
}
impl q::Scalar for Tag {}

#[derive(Debug, Clone, Default)]
pub struct NewTag {
    pub name: String,
}
impl q::Insertable for NewTag {
    type Table = tag::table;
    const COLUMNS: &'static [&'static str] = &["name"];
    const INSERT: q::DialectSql = q::DialectSql {
        postgres: r#"INSERT INTO "tags" ("name") VALUES ($1) RETURNING "id", "name""#,
        sqlite: r#"INSERT INTO "tags" ("name") VALUES (?1) RETURNING "id", "name""#,
    };
    fn params<'a>(&'a self, out: &mut Vec<&'a dyn ormgen::ToParam>) {
        out.push(&self.name);
    }
}

impl Tag {
    pub fn query() -> q::Query<q::Root<tag::table>> {
        q::Query::new()
    }
    pub fn get<K: q::PrimaryKey<q::Int>>(
        s: &mut ormgen::Session,
        key: K,
    ) -> ormgen::Result<Option<Tag>> {
        q::get::<tag::table, K>(s, key)
    }
    pub fn insert(s: &mut ormgen::Session, new: NewTag) -> ormgen::Result<Tag> {
        q::insert(s, new)
    }
    pub fn upsert(new: NewTag) -> q::Upsert<NewTag> {
        q::Upsert::new(new)
    }
}

pub mod tag {
    #![allow(non_camel_case_types)]
    use super::q;

    #[derive(Clone, Copy, Debug)]
    pub struct table;
    impl q::Table for table {
        const INFO: q::TableInfo = q::TableInfo {
            name: "tags",
            columns: &["id", "name"],
            primary_key: &["id"],
            alias: None,
        };
        type Model = super::Tag;
        type PrimaryKey = q::Int;
        const GET: q::DialectSql = q::DialectSql {
            postgres: r#"SELECT "tags"."id", "tags"."name" FROM "tags" WHERE "tags"."id" = $1"#,
            sqlite: r#"SELECT "tags"."id", "tags"."name" FROM "tags" WHERE "tags"."id" = ?1"#,
        };
        const DELETE: q::DialectSql = q::DialectSql {
            postgres: r#"DELETE FROM "tags" WHERE "id" = $1"#,
            sqlite: r#"DELETE FROM "tags" WHERE "id" = ?1"#,
        };
    }

    ormgen::column!(id: table, "id", q::Int);
    ormgen::column!(name: table, "name", q::Text);

    /// `Tag.posts`: the other side of `Post.tags`.
    #[derive(Clone, Copy, Debug)]
    pub struct posts;
    impl q::Relation for posts {
        type From = table;
        type To = super::post::table;
        type Cardinality = q::Many;
        type Key = i32;
        const PATH: q::Path = q::Path::Through {
            table: "_PostToTag",
            from: &[("id", "B")],
            to: &[("A", "id")],
        };
        const KEY: q::KeySide = q::KeySide::JoinTable;
    }
    impl q::RelationOf<table> for posts {}
    impl<S: q::JoinScope<table, I>, I> q::JoinFrom<S, I> for posts {}
}

// ------------------------------------------------------------------ comments

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: String,
    pub post_id: i32,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
impl q::Decode for Comment {
    const WIDTH: usize = 5;
    #[inline]
    fn decode(row: &ormgen::Row<'_>) -> ormgen::Result<Self> {
        Ok(Comment {
            id: row.get(0)?,
            post_id: row.get(1)?,
            body: row.get(2)?,
            created_at: row.get(3)?,
            updated_at: row.get(4)?,
        })
    }
}
impl q::Scalar for Comment {}

/// `id` (`cuid()`), `created_at` (`now()`) and `updated_at` (`@updatedAt`) are
/// filled by the runtime when `None`.
#[derive(Debug, Clone, Default)]
pub struct NewComment {
    pub id: Option<String>,
    pub post_id: i32,
    pub body: String,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}
impl q::Insertable for NewComment {
    type Table = comment::table;
    const COLUMNS: &'static [&'static str] = &["id", "post_id", "body", "created_at", "updated_at"];
    const INSERT: q::DialectSql = q::DialectSql {
        postgres: r#"INSERT INTO "comments" ("id", "post_id", "body", "created_at", "updated_at") VALUES ($1, $2, $3, $4, $5) RETURNING "id", "post_id", "body", "created_at", "updated_at""#,
        sqlite: r#"INSERT INTO "comments" ("id", "post_id", "body", "created_at", "updated_at") VALUES (?1, ?2, ?3, ?4, ?5) RETURNING "id", "post_id", "body", "created_at", "updated_at""#,
    };
    fn fill_defaults(&mut self) {
        if self.id.is_none() {
            self.id = Some(q::cuid());
        }
        let now = q::now();
        if self.created_at.is_none() {
            self.created_at = Some(now);
        }
        if self.updated_at.is_none() {
            self.updated_at = Some(now);
        }
    }
    fn params<'a>(&'a self, out: &mut Vec<&'a dyn ormgen::ToParam>) {
        out.push(&self.id);
        out.push(&self.post_id);
        out.push(&self.body);
        out.push(&self.created_at);
        out.push(&self.updated_at);
    }
}

impl Comment {
    pub fn query() -> q::Query<q::Root<comment::table>> {
        q::Query::new()
    }
    pub fn get<K: q::PrimaryKey<q::Text>>(
        s: &mut ormgen::Session,
        key: K,
    ) -> ormgen::Result<Option<Comment>> {
        q::get::<comment::table, K>(s, key)
    }
    pub fn insert(s: &mut ormgen::Session, new: NewComment) -> ormgen::Result<Comment> {
        q::insert(s, new)
    }
    pub fn update() -> q::Update<comment::table> {
        q::Update::new()
    }
}

pub mod comment {
    #![allow(non_camel_case_types)]
    use super::q;

    #[derive(Clone, Copy, Debug)]
    pub struct table;
    impl q::Table for table {
        const INFO: q::TableInfo = q::TableInfo {
            name: "comments",
            columns: &["id", "post_id", "body", "created_at", "updated_at"],
            primary_key: &["id"],
            alias: None,
        };
        type Model = super::Comment;
        type PrimaryKey = q::Text;
        const GET: q::DialectSql = q::DialectSql {
            postgres: r#"SELECT "comments"."id", "comments"."post_id", "comments"."body", "comments"."created_at", "comments"."updated_at" FROM "comments" WHERE "comments"."id" = $1"#,
            sqlite: r#"SELECT "comments"."id", "comments"."post_id", "comments"."body", "comments"."created_at", "comments"."updated_at" FROM "comments" WHERE "comments"."id" = ?1"#,
        };
        const DELETE: q::DialectSql = q::DialectSql {
            postgres: r#"DELETE FROM "comments" WHERE "id" = $1"#,
            sqlite: r#"DELETE FROM "comments" WHERE "id" = ?1"#,
        };
        const UPDATED_AT: Option<&'static str> = Some("updated_at");
    }

    ormgen::column!(id: table, "id", q::Text);
    ormgen::column!(post_id: table, "post_id", q::Int);
    ormgen::column!(body: table, "body", q::Text);
    ormgen::column!(created_at: table, "created_at", q::Timestamp);
    ormgen::column!(updated_at: table, "updated_at", q::Timestamp);

    /// `Comment.post`: many-to-one through the required `post_id`.
    #[derive(Clone, Copy, Debug)]
    pub struct post;
    impl q::Relation for post {
        type From = table;
        type To = super::post::table;
        type Cardinality = q::One;
        type Key = i32;
        const PATH: q::Path = q::Path::Direct(&[("post_id", "id")]);
        const KEY: q::KeySide = q::KeySide::Near { nullable: false };
    }
    impl q::RelationOf<table> for post {}
    impl<S: q::JoinScope<table, I>, I> q::JoinFrom<S, I> for post {}
}

// ------------------------------------------------- implicit join table

/// Row of the implicit join table `_PostToTag` (composite primary key `(A, B)`).
#[derive(Debug, Clone, PartialEq)]
pub struct PostToTag {
    pub a: i32,
    pub b: i32,
}
impl q::Decode for PostToTag {
    const WIDTH: usize = 2;
    #[inline]
    fn decode(row: &ormgen::Row<'_>) -> ormgen::Result<Self> {
        Ok(PostToTag {
            a: row.get(0)?,
            b: row.get(1)?,
        })
    }
}
impl q::Scalar for PostToTag {}

#[derive(Debug, Clone)]
pub struct NewPostToTag {
    pub a: i32,
    pub b: i32,
}
impl q::Insertable for NewPostToTag {
    type Table = post_to_tag::table;
    const COLUMNS: &'static [&'static str] = &["A", "B"];
    const INSERT: q::DialectSql = q::DialectSql {
        postgres: r#"INSERT INTO "_PostToTag" ("A", "B") VALUES ($1, $2) RETURNING "A", "B""#,
        sqlite: r#"INSERT INTO "_PostToTag" ("A", "B") VALUES (?1, ?2) RETURNING "A", "B""#,
    };
    fn params<'a>(&'a self, out: &mut Vec<&'a dyn ormgen::ToParam>) {
        out.push(&self.a);
        out.push(&self.b);
    }
}

impl PostToTag {
    pub fn query() -> q::Query<q::Root<post_to_tag::table>> {
        q::Query::new()
    }
    pub fn get<K: q::PrimaryKey<(q::Int, q::Int)>>(
        s: &mut ormgen::Session,
        key: K,
    ) -> ormgen::Result<Option<PostToTag>> {
        q::get::<post_to_tag::table, K>(s, key)
    }
    pub fn insert_many(
        s: &mut ormgen::Session,
        rows: impl IntoIterator<Item = NewPostToTag>,
    ) -> ormgen::Result<Vec<PostToTag>> {
        q::insert_many(s, rows)
    }
    pub fn delete() -> q::Delete<post_to_tag::table> {
        q::Delete::new()
    }
}

pub mod post_to_tag {
    #![allow(non_camel_case_types)]
    use super::q;

    #[derive(Clone, Copy, Debug)]
    pub struct table;
    impl q::Table for table {
        const INFO: q::TableInfo = q::TableInfo {
            name: "_PostToTag",
            columns: &["A", "B"],
            primary_key: &["A", "B"],
            alias: None,
        };
        type Model = super::PostToTag;
        type PrimaryKey = (q::Int, q::Int);
        const GET: q::DialectSql = q::DialectSql {
            postgres: r#"SELECT "_PostToTag"."A", "_PostToTag"."B" FROM "_PostToTag" WHERE "_PostToTag"."A" = $1 AND "_PostToTag"."B" = $2"#,
            sqlite: r#"SELECT "_PostToTag"."A", "_PostToTag"."B" FROM "_PostToTag" WHERE "_PostToTag"."A" = ?1 AND "_PostToTag"."B" = ?2"#,
        };
        const DELETE: q::DialectSql = q::DialectSql {
            postgres: r#"DELETE FROM "_PostToTag" WHERE "A" = $1 AND "B" = $2"#,
            sqlite: r#"DELETE FROM "_PostToTag" WHERE "A" = ?1 AND "B" = ?2"#,
        };
    }
    ormgen::column!(a: table, "A", q::Int);
    ormgen::column!(b: table, "B", q::Int);

    /// Test-only relation over the composite key `(A, B)` (a row relates to itself),
    /// exercising composite keys in eager loading.
    #[derive(Clone, Copy, Debug)]
    pub struct itself;
    impl q::Relation for itself {
        type From = table;
        type To = table;
        type Cardinality = q::OptionalOne;
        type Key = (i32, i32);
        const PATH: q::Path = q::Path::Direct(&[("A", "A"), ("B", "B")]);
        const KEY: q::KeySide = q::KeySide::Near { nullable: true };
    }
    impl q::RelationOf<table> for itself {}
}

// ------------------------------------------------------------------ DDL

/// What `create_all` would run (hand-written for the tests).
pub fn ddl(d: ormgen::Dialect) -> &'static str {
    match d {
        ormgen::Dialect::Sqlite => {
            r#"
CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL UNIQUE, "name" TEXT, "age" INTEGER, "role" TEXT NOT NULL DEFAULT 'USER');
CREATE TABLE "posts" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL, "body" TEXT, "author_id" INTEGER NOT NULL REFERENCES "users"("id") ON DELETE CASCADE, "published" BOOLEAN NOT NULL, "views" BIGINT NOT NULL, "rating" DOUBLE PRECISION, "status" TEXT NOT NULL DEFAULT 'DRAFT');
CREATE TABLE "tags" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" TEXT NOT NULL UNIQUE);
CREATE TABLE "comments" ("id" TEXT PRIMARY KEY, "post_id" INTEGER NOT NULL REFERENCES "posts"("id") ON DELETE CASCADE, "body" TEXT NOT NULL, "created_at" DATETIME NOT NULL, "updated_at" DATETIME NOT NULL);
CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL REFERENCES "posts"("id") ON DELETE CASCADE, "B" INTEGER NOT NULL REFERENCES "tags"("id") ON DELETE CASCADE, PRIMARY KEY ("A", "B"));
"#
        }
        ormgen::Dialect::Postgres => {
            r#"
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TYPE "PostStatus" AS ENUM ('DRAFT', 'PUBLISHED');
CREATE TABLE "users" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL UNIQUE, "name" TEXT, "age" INTEGER, "role" "Role" NOT NULL DEFAULT 'USER');
CREATE TABLE "posts" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL, "body" TEXT, "author_id" INTEGER NOT NULL REFERENCES "users"("id") ON DELETE CASCADE, "published" BOOLEAN NOT NULL, "views" BIGINT NOT NULL, "rating" DOUBLE PRECISION, "status" "PostStatus" NOT NULL DEFAULT 'DRAFT');
CREATE TABLE "tags" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL UNIQUE);
CREATE TABLE "comments" ("id" TEXT PRIMARY KEY, "post_id" INTEGER NOT NULL REFERENCES "posts"("id") ON DELETE CASCADE, "body" TEXT NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL);
CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL REFERENCES "posts"("id") ON DELETE CASCADE, "B" INTEGER NOT NULL REFERENCES "tags"("id") ON DELETE CASCADE, PRIMARY KEY ("A", "B"));
"#
        }
    }
}
pub mod fixture;
