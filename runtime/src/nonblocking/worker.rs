//! A connection thread: one per async session, holding the sync [`Session`]
//! its jobs run on, so no executor thread ever waits for the database.
//!
//! Jobs arrive over a channel in order and each answers through a oneshot
//! channel that its [`Call`] future awaits. Dropping a `Call` before its
//! answer (a request timing out) closes that channel, which abandons the job: a job that has not
//! started is skipped, and a job that is running has its statement
//! interrupted (SQLite's `sqlite3_interrupt`, PostgreSQL's cancel request).
//! A panic in a job is caught on the thread, the session is dropped (rolling
//! back whatever was open), and the panic resumes in the task awaiting it.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering, fence};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::lock;
use crate::cancel::CancelHandle;
use crate::error::{Error, Result};
use crate::{Engine, Session};

/// A job's outcome: its result, or the payload of its panic.
type Outcome<T> = std::result::Result<Result<T>, Box<dyn Any + Send>>;

/// How long a connection thread polls for its next job before sleeping: a
/// session's jobs often come back to back, and a sleeping thread takes tens
/// of microseconds to wake.
const THREAD_SPIN: Duration = Duration::from_micros(50);

/// How long a call on a SQLite session waits for its answer before yielding.
const CALLER_SPIN: Duration = Duration::from_micros(20);

/// The next job, polling for [`THREAD_SPIN`] before blocking; `None` once
/// every sender is gone.
fn next_job(queue: &mpsc::Receiver<Envelope>) -> Option<Envelope> {
    let start = Instant::now();
    loop {
        match queue.try_recv() {
            Ok(e) => return Some(e),
            Err(mpsc::TryRecvError::Disconnected) => return None,
            Err(mpsc::TryRecvError::Empty) if start.elapsed() < THREAD_SPIN => {
                pause();
            }
            Err(mpsc::TryRecvError::Empty) => return queue.recv().ok(),
        }
    }
}

/// One pause of a polling loop: a yield to the scheduler. When the thread
/// at the other end of the hand-over shares this core (the scheduler often
/// puts the two together) it then runs at once instead of after this one's
/// time slice; on cores of their own the yield returns at once. Yielding on
/// every poll rather than on every 32nd took a SQLite session's empty job
/// (`hand_over` in `benches/benches/async_compare.rs`) from 4.1–4.3 µs to
/// 1.4–1.5 µs on a 2-core machine.
fn pause() {
    std::thread::yield_now();
}

/// A unit of work sent to a connection thread.
/// It locks the slot itself, and marks itself finished before answering (so
/// the task it wakes finds the session free).
type Job = Box<dyn FnOnce(&Mutex<Slot>, &Shared) + Send>;

/// A job with its number.
struct Envelope {
    id: u64,
    job: Job,
}

/// What a connection thread and the futures waiting on it share.
#[derive(Default)]
struct Shared {
    /// The number of the job running (0: none).
    running: AtomicU64,
    /// How to interrupt the session's connection, once it has one.
    interrupter: Mutex<Option<CancelHandle>>,
    /// Jobs sent and not finished: a task may use the session itself
    /// (PostgreSQL statements of an async engine) only when there are none.
    queued: AtomicUsize,
}

/// What a connection thread keeps between jobs.
pub(crate) struct Slot {
    engine: Engine,
    session: Option<Session>,
    shared: Arc<Shared>,
}

impl Slot {
    /// The thread's session, checked out of the engine's pool on first use.
    pub(crate) fn session(&mut self) -> Result<&mut Session> {
        let session = match &mut self.session {
            Some(s) => s,
            none => {
                let mut s = self.engine.session()?;
                *lock(&self.shared.interrupter) = s.cancel_handle().ok();
                none.insert(s)
            }
        };
        Ok(session)
    }

    /// Makes `s` the thread's session (one the task checked out itself).
    #[cfg(feature = "postgres")]
    pub(crate) fn adopt(&mut self, mut s: Session) {
        *lock(&self.shared.interrupter) = s.cancel_handle().ok();
        self.session = Some(s);
    }

    /// The thread's session if it holds one (no checkout).
    pub(crate) fn session_if_open(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// [`session_if_open`](Self::session_if_open), mutably.
    #[cfg(feature = "postgres")]
    pub(crate) fn session_if_open_mut(&mut self) -> Option<&mut Session> {
        self.session.as_mut()
    }

    /// Drops the session: an open transaction is rolled back and the
    /// connection goes back to the pool.
    pub(crate) fn release(&mut self) {
        *lock(&self.shared.interrupter) = None;
        self.session = None;
    }
}

/// The handle of a connection thread. Dropping the last handle ends the
/// thread once it has run the jobs already sent.
pub(crate) struct Worker {
    jobs: mpsc::Sender<Envelope>,
    shared: Arc<Shared>,
    /// What the thread keeps between jobs; locked by the thread for each
    /// job, and by a task running a statement itself when no job is queued.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    slot: Arc<Mutex<Slot>>,
    next: u64,
    /// How long a call's first poll waits for the answer (see [`Call`]).
    spin: Duration,
}

impl Worker {
    /// Starts a connection thread for sessions of `engine`.
    pub(crate) fn spawn(engine: Engine) -> Result<Worker> {
        let dialect = engine.dialect();
        let (jobs, queue) = mpsc::channel::<Envelope>();
        let shared = Arc::new(Shared::default());
        let slot = Arc::new(Mutex::new(Slot {
            engine,
            session: None,
            shared: shared.clone(),
        }));
        let thread_shared = shared.clone();
        let thread_slot = slot.clone();
        std::thread::Builder::new()
            .name("ormgen-conn".into())
            .spawn(move || {
                while let Some(Envelope { id, job }) = next_job(&queue) {
                    // Published before the job checks whether its future is
                    // gone (see `Worker::send`).
                    thread_shared.running.store(id, Ordering::SeqCst);
                    job(&thread_slot, &thread_shared);
                }
                // The session ends here, not on an executor thread.
                lock(&thread_slot).release();
            })
            .map_err(|e| Error::Config(format!("cannot start a connection thread: {e}")))?;
        // In-process SQLite answers within microseconds; a PostgreSQL round
        // trip takes longer than waiting is worth.
        let spin = match dialect {
            crate::Dialect::Sqlite => CALLER_SPIN,
            crate::Dialect::Postgres => Duration::ZERO,
        };
        Ok(Worker {
            jobs,
            shared,
            slot,
            next: 0,
            spin,
        })
    }

    /// The slot, when no job is queued or running (a task may then use the
    /// session itself).
    #[cfg(feature = "postgres")]
    pub(crate) fn idle_slot(&self) -> Option<&Arc<Mutex<Slot>>> {
        (self.shared.queued.load(Ordering::SeqCst) == 0).then_some(&self.slot)
    }

    /// Sends `f` to the thread; the returned future resolves to its result.
    pub(crate) fn call<T, F>(&mut self, f: F) -> Call<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Slot) -> Result<T> + Send + 'static,
    {
        self.send(f, false)
    }

    /// [`call`](Self::call) for a job that runs even when its future is
    /// dropped before the job starts (dropped while it runs, its statement
    /// is still interrupted): for closing a transaction, which must not be
    /// left open.
    pub(crate) fn call_always<T, F>(&mut self, f: F) -> Call<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Slot) -> Result<T> + Send + 'static,
    {
        self.send(f, true)
    }

    /// Sends `f`; unless `always` is set, the job is skipped when its future
    /// is dropped before the job starts.
    fn send<T, F>(&mut self, f: F, always: bool) -> Call<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Slot) -> Result<T> + Send + 'static,
    {
        self.next += 1;
        let id = self.next;
        let (tx, rx) = oneshot::channel::<Outcome<T>>();
        let job: Job = Box::new(move |slot, shared| {
            // The thread published this job's number before; a dropped
            // future closes the channel before reading that number. With a
            // fence on each side one of the two sees the other, so an
            // abandoned job is skipped here or interrupted by the future.
            fence(Ordering::SeqCst);
            let outcome = (always || !tx.is_closed()).then(|| {
                let mut slot = lock(slot);
                let outcome = catch_unwind(AssertUnwindSafe(|| f(&mut slot)));
                if outcome.is_err() {
                    // What the panic left half done is rolled back.
                    slot.release();
                }
                outcome
            });
            // Finished (and the slot unlocked) before the answer wakes the
            // task, which may then use the session itself.
            shared.running.store(0, Ordering::SeqCst);
            shared.queued.fetch_sub(1, Ordering::SeqCst);
            if let Some(outcome) = outcome {
                let _ = tx.send(outcome);
            }
        });
        self.shared.queued.fetch_add(1, Ordering::SeqCst);
        let sent = self.jobs.send(Envelope { id, job }).is_ok();
        if !sent {
            self.shared.queued.fetch_sub(1, Ordering::SeqCst);
        }
        Call {
            rx,
            id,
            shared: self.shared.clone(),
            sent,
            done: !sent,
            spin: self.spin,
            spun: false,
        }
    }

    /// Sends `f` to the thread without waiting for it (its future is
    /// detached, so it runs even though nobody awaits it).
    pub(crate) fn detach(&mut self, f: impl FnOnce(&mut Slot) + Send + 'static) {
        drop(
            self.send(
                move |slot| {
                    f(slot);
                    Ok(())
                },
                true,
            )
            .detached(),
        );
    }
}

/// The answer of a job: a future resolving to what the job returned. Dropped
/// before that, it abandons the job (see the module docs).
#[must_use = "a job's future does nothing unless awaited, and dropping it abandons the job"]
pub(crate) struct Call<T> {
    rx: oneshot::Receiver<Outcome<T>>,
    id: u64,
    shared: Arc<Shared>,
    /// Whether the job reached the thread.
    sent: bool,
    /// Whether the answer arrived (or never will).
    done: bool,
    /// How long the first poll waits for the answer before yielding.
    spin: Duration,
    /// Whether it did.
    spun: bool,
}

impl<T> Call<T> {
    /// This call, which no longer abandons its job when dropped: for a job
    /// that stops by itself once its output is no longer read.
    pub(crate) fn detached(mut self) -> Call<T> {
        self.done = true;
        self
    }
}

impl<T> Future for Call<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        if !self.sent {
            return Poll::Ready(Err(thread_gone()));
        }
        if !self.spun && !self.spin.is_zero() {
            // A fast job (an in-process SQLite lookup) answers within
            // microseconds: waiting that long here is cheaper than being
            // woken (a sleeping core takes tens of microseconds to wake).
            self.spun = true;
            let start = Instant::now();
            while start.elapsed() < self.spin {
                if let Ok(outcome) = self.rx.try_recv() {
                    self.done = true;
                    return Poll::Ready(settle(Some(outcome)));
                }
                pause();
            }
        }
        match Pin::new(&mut self.rx).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(outcome) => {
                self.done = true;
                Poll::Ready(settle(outcome.ok()))
            }
        }
    }
}

impl<T> Drop for Call<T> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Abandons the job (see `Worker::send`).
        self.rx.close();
        fence(Ordering::SeqCst);
        if self.shared.running.load(Ordering::SeqCst) == self.id
            && let Some(i) = lock(&self.shared.interrupter).clone()
        {
            i.cancel();
        }
    }
}

fn thread_gone() -> Error {
    Error::ConnectionLost {
        message: "the session's connection thread is gone".into(),
    }
}

/// Runs `f` on a thread of its own (for blocking setup such as opening an
/// engine); the future resolves to its result.
pub(crate) async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = oneshot::channel::<Outcome<T>>();
    std::thread::Builder::new()
        .name("ormgen-setup".into())
        .spawn(move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(f)));
        })
        .map_err(|e| Error::Config(format!("cannot start a thread: {e}")))?;
    settle(rx.await.ok())
}

/// What a job's answer means to its caller: its result; its panic, resumed
/// here; or, when no answer came (`None`: the thread is gone), an error.
fn settle<T>(answer: Option<Outcome<T>>) -> Result<T> {
    match answer {
        Some(Ok(r)) => r,
        Some(Err(panic)) => resume_unwind(panic),
        None => Err(thread_gone()),
    }
}
