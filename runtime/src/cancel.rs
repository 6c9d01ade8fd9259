//! [`CancelHandle`]: stopping the statement a session is running, from
//! another thread.

/// Stops the statement a session's connection is running, from any thread
/// ([`Session::cancel_handle`](crate::Session::cancel_handle)): SQLite's
/// `sqlite3_interrupt`, or a PostgreSQL cancel request (sent from a thread of
/// its own, since it opens a connection to the server). The statement then
/// fails with [`Error::Cancelled`](crate::Error::Cancelled) — failing the
/// open transaction, as any error does — and the connection stays usable.
/// With no statement running it does nothing (on SQLite, a statement that
/// starts later is not affected). The handle belongs to the connection the
/// session held when it was taken.
#[derive(Clone)]
pub struct CancelHandle(Inner);

#[derive(Clone)]
enum Inner {
    #[cfg(feature = "rusqlite")]
    Sqlite(std::sync::Arc<rusqlite::InterruptHandle>),
    #[cfg(feature = "postgres")]
    Postgres(postgres::CancelToken),
    /// An async engine's connection: the request is sent from its runtime.
    #[cfg(all(feature = "postgres", feature = "async"))]
    PostgresNative(tokio_postgres::CancelToken, tokio::runtime::Handle),
}

impl std::fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelHandle").finish_non_exhaustive()
    }
}

impl CancelHandle {
    #[cfg(feature = "rusqlite")]
    pub(crate) fn sqlite(conn: &rusqlite::Connection) -> CancelHandle {
        CancelHandle(Inner::Sqlite(std::sync::Arc::new(
            conn.get_interrupt_handle(),
        )))
    }

    #[cfg(feature = "postgres")]
    pub(crate) fn postgres(client: &crate::backend::postgres::PgClient) -> CancelHandle {
        use crate::backend::postgres::PgClient;
        match client {
            PgClient::Blocking(c) => CancelHandle(Inner::Postgres(c.cancel_token())),
            #[cfg(feature = "async")]
            PgClient::Native(c) => CancelHandle::postgres_native(&c.client, c.handle().clone()),
        }
    }

    /// For a `tokio-postgres` client: the request is sent from `runtime`.
    #[cfg(all(feature = "postgres", feature = "async"))]
    pub(crate) fn postgres_native(
        client: &tokio_postgres::Client,
        runtime: tokio::runtime::Handle,
    ) -> CancelHandle {
        CancelHandle(Inner::PostgresNative(client.cancel_token(), runtime))
    }

    /// Asks the database to stop the statement running now, without waiting
    /// for it to stop.
    pub fn cancel(&self) {
        match &self.0 {
            #[cfg(feature = "rusqlite")]
            Inner::Sqlite(h) => h.interrupt(),
            #[cfg(feature = "postgres")]
            Inner::Postgres(token) => {
                let token = token.clone();
                // A failure to send leaves the statement to finish.
                let _ = std::thread::Builder::new()
                    .name("ormgen-cancel".into())
                    .spawn(move || {
                        let _ = token.cancel_query(postgres::NoTls);
                    });
            }
            #[cfg(all(feature = "postgres", feature = "async"))]
            Inner::PostgresNative(token, handle) => {
                let token = token.clone();
                handle.spawn(async move {
                    let _ = token.cancel_query(tokio_postgres::NoTls).await;
                });
            }
        }
    }
}
