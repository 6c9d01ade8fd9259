//! [`AsyncRows`]: a query's rows streamed to async code.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc;

use super::session::AsyncSession;
use super::worker::Call;
use crate::error::Result;

/// Rows the connection thread buffers ahead of the reader.
pub(crate) const BUFFER: usize = 256;

/// The rows of a query, decoded on the session's connection thread and
/// handed over as they come ([`AsyncSession::stream`]): memory stays bounded
/// (at most 256 rows wait), however large the result. Read it with
/// [`next`](Self::next) or as a `futures_core::Stream`.
///
/// It borrows the session mutably, so nothing else runs on the session until
/// it is dropped. Dropping it early stops the query at the next row (on
/// PostgreSQL the rest of the result is discarded).
#[must_use = "a stream does nothing unless read"]
pub struct AsyncRows<'s, T> {
    rows: mpsc::Receiver<Result<T>>,
    /// The job feeding the channel; kept so that its end is awaited by
    /// nobody but also not treated as abandoned.
    _job: Option<Call<()>>,
    _session: PhantomData<&'s mut AsyncSession>,
}

impl<'s, T> AsyncRows<'s, T> {
    pub(crate) fn new(rows: mpsc::Receiver<Result<T>>, job: Option<Call<()>>) -> Self {
        AsyncRows {
            rows,
            _job: job.map(Call::detached),
            _session: PhantomData,
        }
    }

    /// The next row; `None` after the last one (or after an error, which is
    /// the last item).
    pub async fn next(&mut self) -> Option<Result<T>> {
        self.rows.recv().await
    }

    /// Reads the remaining rows into a vector (the first error stops it).
    pub async fn collect(mut self) -> Result<Vec<T>> {
        let mut out = Vec::new();
        while let Some(row) = self.next().await {
            out.push(row?);
        }
        Ok(out)
    }
}

impl<T> futures_core::Stream for AsyncRows<'_, T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        self.rows.poll_recv(cx)
    }
}

/// The sending half, for the connection thread.
pub(crate) fn channel<T>() -> (mpsc::Sender<Result<T>>, mpsc::Receiver<Result<T>>) {
    mpsc::channel(BUFFER)
}
