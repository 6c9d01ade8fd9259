//! ormgen in async code: a JSON API over the blog schema with axum.
//!
//! `build.rs` compiles `schemas/blog.prisma` (with serde derives), and the
//! handlers run the generated queries on an [`AsyncSession`]:
//!
//! | route | what it does |
//! |---|---|
//! | `GET /posts?page=&per_page=&published=` | a page of posts, newest first, each with its author (eager-loaded), and the total |
//! | `GET /posts/{id}` | one post with its author and comments; 404 when there is none |
//! | `POST /users` | creates a user: 201; 409 for a taken email (unique violation); 422 for a negative age (check violation) |
//! | `POST /posts` | creates a draft: 201; 422 when the author does not exist (foreign-key violation) |
//! | `POST /posts/{id}/comments` | comments on a post, in a serializable transaction (retried): 201; 404 when the post does not exist |
//! | `POST /posts/{id}/publish` | publishes a draft in a serializable transaction (retried on serialization failures): 200; 409 when already published |
//!
//! Database errors become HTTP statuses in one place ([`ApiError`]): 404,
//! 409, 422 as above, 503 for the transient ones (pool timeout, a lost
//! connection, SQLite busy), 500 for a commit in doubt and the rest.

#![warn(missing_docs)]

use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ormgen::query::{ColumnExt, ExprExt};
use ormgen::query::{Insertable, ModelOf};
use ormgen::{AsyncEngine, AsyncSession, Error, IsolationLevel, TxOptions};
use serde::{Deserialize, Serialize};

/// The code generated from `schemas/blog.prisma` (`cargo doc -p web-example`
/// shows its model API).
pub mod db {
    ormgen::include_schema!("blog");
}

use db::{Comment, NewComment, NewPost, NewUser, Post, PostStatus, User, post};

/// Opens the database at `url` (`sqlite://path` or `postgres://…`) with a pool
/// of `pool_size` connections and creates the blog's tables if they are missing.
pub async fn open(url: &str, pool_size: usize) -> ormgen::Result<AsyncEngine> {
    let engine = AsyncEngine::builder(url)
        .pool_size(pool_size)
        .max_overflow(0)
        .checkout_timeout(Duration::from_secs(10))
        .pre_ping(true)
        .build_async()
        .await?;
    let mut s = engine.session();
    s.run_sync(db::create_all_in).await?;
    s.commit().await?;
    Ok(engine)
}

/// The API's routes over `engine`.
pub fn router(engine: AsyncEngine) -> Router {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/users", post(create_user))
        .route("/posts", get(list_posts).post(create_post))
        .route("/posts/{id}", get(get_post))
        .route("/posts/{id}/comments", post(create_comment))
        .route("/posts/{id}/publish", post(publish_post))
        .with_state(engine)
}

/// Serves the API over `engine` on `listener` until `shutdown` completes
/// (then finishes the requests in flight).
pub async fn serve(
    listener: tokio::net::TcpListener,
    engine: AsyncEngine,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(engine))
        .with_graceful_shutdown(shutdown)
        .await
}

/// An error answer: a status and a JSON body `{"error": message}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

impl From<Error> for ApiError {
    /// The typed database errors map to statuses; anything unexpected is a
    /// 500 whose details go to the server's log, not to the client.
    fn from(e: Error) -> ApiError {
        let status = match &e {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::UniqueViolation { .. } => StatusCode::CONFLICT,
            Error::CheckViolation { .. }
            | Error::NotNullViolation { .. }
            | Error::ForeignKeyViolation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            // Transient: the client may try again.
            Error::PoolTimeout { .. } | Error::ConnectionLost { .. } | Error::Busy { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            // Not 503: a client that retries could apply the write twice.
            Error::CommitOutcomeUnknown { .. } => {
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the connection was lost during the commit: the write may or may not \
                     have been applied",
                );
            }
            _ => {
                eprintln!("web-example: internal error: {e}");
                return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error");
            }
        };
        ApiError::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(serde_json::json!({ "error": self.message }));
        (self.status, body).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// A user as other resources show it.
#[derive(Debug, Serialize)]
pub struct Author {
    /// The user's key.
    pub id: i32,
    /// The user's email.
    pub email: String,
    /// The user's display name.
    pub name: Option<String>,
}

impl From<User> for Author {
    fn from(u: User) -> Author {
        Author {
            id: u.id,
            email: u.email,
            name: u.name,
        }
    }
}

/// A post in a listing: its columns and its author.
#[derive(Debug, Serialize)]
pub struct PostItem {
    /// The post's columns.
    #[serde(flatten)]
    pub post: Post,
    /// Who wrote it.
    pub author: Author,
}

/// `GET /posts`'s query string.
#[derive(Debug, Deserialize)]
pub struct Paging {
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Posts per page, 1 to 100 (default 20).
    pub per_page: Option<u64>,
    /// Only published (`true`) or only unpublished (`false`) posts.
    pub published: Option<bool>,
}

/// `GET /posts`'s answer.
#[derive(Debug, Serialize)]
pub struct PostPage {
    /// The page returned.
    pub page: u64,
    /// The page size used.
    pub per_page: u64,
    /// Posts matching the filter, over all pages.
    pub total: i64,
    /// This page's posts.
    pub posts: Vec<PostItem>,
}

async fn list_posts(
    State(engine): State<AsyncEngine>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<PostPage>> {
    let page = paging.page.unwrap_or(1).max(1);
    let per_page = paging.per_page.unwrap_or(20).clamp(1, 100);
    let mut q = Post::query();
    if let Some(published) = paging.published {
        q = q.filter(post::published.eq(published));
    }
    let mut s = engine.session();
    // Both statements read one snapshot: the session's transaction.
    let total = s.count(q.clone()).await?;
    let rows = s
        .all(
            q.order_by(post::id.desc())
                .limit(per_page)
                .offset((page - 1) * per_page)
                .with(post::author),
        )
        .await?;
    s.commit().await?;
    let posts = rows
        .into_iter()
        .map(|(post, author)| PostItem {
            post,
            author: author.into(),
        })
        .collect();
    Ok(Json(PostPage {
        page,
        per_page,
        total,
        posts,
    }))
}

/// `GET /posts/{id}`'s answer.
#[derive(Debug, Serialize)]
pub struct PostDetail {
    /// The post's columns.
    #[serde(flatten)]
    pub post: Post,
    /// Who wrote it.
    pub author: Author,
    /// Its comments, oldest first.
    pub comments: Vec<Comment>,
}

async fn get_post(
    State(engine): State<AsyncEngine>,
    Path(id): Path<i32>,
) -> ApiResult<Json<PostDetail>> {
    let mut s = engine.session();
    let found = s
        .all(
            Post::query()
                .filter(post::id.eq(id))
                .with((post::author, post::comments)),
        )
        .await?;
    s.commit().await?;
    let (post, (author, mut comments)) = found.into_iter().next().ok_or(Error::NotFound)?;
    comments.sort_by_key(|c| (c.created_at, c.id));
    Ok(Json(PostDetail {
        post,
        author: author.into(),
        comments,
    }))
}

/// `POST /users`'s body.
#[derive(Debug, Deserialize)]
pub struct CreateUser {
    /// Unique across users.
    pub email: String,
    /// Display name.
    pub name: Option<String>,
    /// Age; the schema's check requires it to be at least 0.
    pub age: Option<i32>,
}

async fn create_user(
    State(engine): State<AsyncEngine>,
    Json(body): Json<CreateUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let mut new = NewUser::new(body.email);
    if let Some(name) = body.name {
        new = new.name(name);
    }
    if let Some(age) = body.age {
        new = new.age(age);
    }
    let user = insert(&mut engine.session(), new).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// `POST /posts`'s body.
#[derive(Debug, Deserialize)]
pub struct CreatePost {
    /// The title.
    pub title: String,
    /// The Markdown body.
    pub body: Option<String>,
    /// The author's key.
    pub author_id: i32,
}

async fn create_post(
    State(engine): State<AsyncEngine>,
    Json(body): Json<CreatePost>,
) -> ApiResult<(StatusCode, Json<Post>)> {
    let mut new = NewPost::new(body.title, body.author_id);
    if let Some(text) = body.body {
        new = new.body(text);
    }
    let post = insert(&mut engine.session(), new).await?;
    Ok((StatusCode::CREATED, Json(post)))
}

/// Inserts a row and commits it; returns the row as stored.
async fn insert<N>(s: &mut AsyncSession, new: N) -> ormgen::Result<ModelOf<N>>
where
    N: Insertable + Send + 'static,
    ModelOf<N>: Send + 'static,
{
    let row = s.insert(new).await?;
    s.commit().await?;
    Ok(row)
}

/// `POST /posts/{id}/comments`'s body.
#[derive(Debug, Clone, Deserialize)]
pub struct CreateComment {
    /// The comment's text.
    pub body: String,
    /// Who wrote it, if signed.
    pub author_id: Option<i32>,
}

async fn create_comment(
    State(engine): State<AsyncEngine>,
    Path(id): Path<i32>,
    Json(body): Json<CreateComment>,
) -> ApiResult<(StatusCode, Json<Comment>)> {
    let mut s = engine.session();
    // Read, then write: serializable, which on SQLite is `BEGIN IMMEDIATE`
    // (a deferred transaction that read first cannot take the write lock
    // while another writer holds it: it would fail at once with "busy"
    // instead of waiting), retried on PostgreSQL's serialization failures.
    let comment = s
        .transaction_retry(serializable(), 5, move |s| {
            let body = body.clone();
            Box::pin(async move {
                // 404 for a missing post (a foreign-key violation would say 422).
                if !s.exists(Post::query().filter(post::id.eq(id))).await? {
                    return Err(Error::NotFound);
                }
                let mut new = NewComment::new(body.body, id);
                if let Some(author) = body.author_id {
                    new = new.author_id(author);
                }
                s.insert(new).await
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

/// Serializable transactions: `BEGIN IMMEDIATE` on SQLite.
fn serializable() -> TxOptions {
    TxOptions::isolation(IsolationLevel::Serializable)
}

async fn publish_post(
    State(engine): State<AsyncEngine>,
    Path(id): Path<i32>,
) -> ApiResult<Json<Post>> {
    let mut s = engine.session();
    // Read, check, write: serializable (BEGIN IMMEDIATE on SQLite), and run
    // again when PostgreSQL reports a serialization failure.
    let published = s
        .transaction_retry(serializable(), 5, move |s| {
            Box::pin(async move {
                let post = s.one(Post::query().filter(post::id.eq(id))).await?;
                if post.published {
                    return Ok(None);
                }
                s.run_sync(move |s| {
                    Post::update()
                        .set(post::published.to(true))
                        .set(post::status.to(PostStatus::Published))
                        .set(post::published_at.to(ormgen::query::now()))
                        .filter(post::id.eq(id))
                        .execute(s)
                })
                .await?;
                s.one(Post::query().filter(post::id.eq(id))).await.map(Some)
            })
        })
        .await?;
    published
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::CONFLICT, "the post is already published"))
}
