//! Group commit: one connection, one thread, many writes per transaction.
//!
//! Every write is a job: a piece of data and a function that writes it. The writer takes the
//! first waiting job, then every other job already queued (up to [`MAX_BATCH`]), and runs them all
//! in one transaction. Callers get their result only after the commit, so "written" always means
//! "on disk".
//!
//! Under light load a batch is one job and this costs one commit per write, as usual. Under heavy
//! load the queue fills while a commit is in progress, and the next commit carries all of it:
//! commit cost is paid per batch, not per write.
//!
//! A job that fails must not take the others down, nor leave half its writes behind. Savepoints
//! around each job would do that, but with sqlx every statement is a round trip to the
//! connection's worker thread (~50 µs here, far more than SQLite's own work), so instead jobs are
//! *re-runnable*: a function of borrowed data. When a job fails, the whole batch is rolled back
//! and each of its jobs is run again in a transaction of its own; the failing one fails alone.
//! Failures are rare (a constraint violation is a bug), so the fast path carries no savepoints.
//!
//! The writer runs on its own thread with its own small runtime, so it keeps working whatever the
//! callers' runtimes do, and it uses the second core while actors use the first.

use futures::future::BoxFuture;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Executor};
use std::path::PathBuf;
use tokio::sync::{mpsc, oneshot};

use crate::error::MemoryError;

/// The most jobs one transaction carries.
pub const MAX_BATCH: usize = 512;

/// What a write may change of what a prompt is built from (a sender's history, facts, tasks,
/// lessons, summaries, outcomes, conversations, aliases, provider sessions), so a session that
/// keeps its sender's context in memory knows when to read it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touch {
    /// Anything, anyone's: what every write is unless it says otherwise.
    Everything,
    /// Only this sender's (`channel:sender_id`) conversation: their own exchange.
    Sender(String),
    /// Nothing a prompt reads (the inbox, the outbox, the audit, channel state, device keys).
    Nothing,
}

/// Counters of the writes that touched what prompts are built from: one for [`Touch::Everything`]
/// and a fixed table for [`Touch::Sender`] (senders share a slot by hash; a shared slot only
/// costs a needless re-read). Each write adds one before it runs and one after it commits, so a
/// count read before reading the database differs from the count after whenever a write that
/// touched it was under way in between.
#[derive(Debug)]
pub struct Versions {
    all: std::sync::atomic::AtomicU64,
    senders: Box<[std::sync::atomic::AtomicU64]>,
}

/// Slots of [`Versions`]' sender table.
const SENDER_SLOTS: usize = 4096;

/// A reading of [`Versions`] for one sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContextVersion {
    pub all: u64,
    pub mine: u64,
}

impl Default for Versions {
    fn default() -> Self {
        Self { all: 0.into(), senders: (0..SENDER_SLOTS).map(|_| 0.into()).collect() }
    }
}

impl Versions {
    fn slot(&self, key: &str) -> &std::sync::atomic::AtomicU64 {
        // FNV-1a: stable, cheap, good enough to spread a few thousand keys.
        let h = key
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        &self.senders[(h % SENDER_SLOTS as u64) as usize]
    }

    /// The counters for `key` (`channel:sender_id`) now.
    pub fn of(&self, key: &str) -> ContextVersion {
        use std::sync::atomic::Ordering::SeqCst;
        ContextVersion { all: self.all.load(SeqCst), mine: self.slot(key).load(SeqCst) }
    }

    fn bump(&self, touch: &Touch) {
        use std::sync::atomic::Ordering::SeqCst;
        match touch {
            Touch::Everything => drop(self.all.fetch_add(1, SeqCst)),
            Touch::Sender(key) => drop(self.slot(key).fetch_add(1, SeqCst)),
            Touch::Nothing => {}
        }
    }
}

/// A write: reads its data, writes it, returns a value. Must be safe to run twice (the first run
/// is rolled back when another job of the batch fails).
pub type WriteFn<D, T> = for<'c> fn(&'c mut SqliteConnection, &'c D) -> BoxFuture<'c, Result<T, sqlx::Error>>;

trait Job: Send {
    fn run<'c>(&'c mut self, conn: &'c mut SqliteConnection) -> BoxFuture<'c, Result<(), String>>;
    fn finish(self: Box<Self>, commit: Result<(), MemoryError>);
    fn touch(&self) -> &Touch;
    /// Whether the write adds audit rows, which the batch chains before it commits.
    fn audits(&self) -> bool;
}

struct Typed<D, T> {
    data: D,
    f: WriteFn<D, T>,
    out: Option<Result<T, sqlx::Error>>,
    tx: oneshot::Sender<Result<T, MemoryError>>,
    touch: Touch,
    audits: bool,
    versions: std::sync::Arc<Versions>,
}

impl<D: Send + Sync + 'static, T: Send + 'static> Job for Typed<D, T> {
    fn run<'c>(&'c mut self, conn: &'c mut SqliteConnection) -> BoxFuture<'c, Result<(), String>> {
        Box::pin(async move {
            let r = (self.f)(conn, &self.data).await;
            let status = r.as_ref().map(|_| ()).map_err(|e| e.to_string());
            self.out = Some(r);
            status
        })
    }

    fn touch(&self) -> &Touch {
        &self.touch
    }

    fn audits(&self) -> bool {
        self.audits
    }

    fn finish(self: Box<Self>, commit: Result<(), MemoryError>) {
        // Counted before the caller hears of it, so a session that reads the counters after its
        // own write sees it.
        self.versions.bump(&self.touch);
        let out = match (self.out, commit) {
            (Some(Err(e)), _) => Err(MemoryError::Sql(e)),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (_, Err(e)) => Err(e),
            (None, Ok(())) => Err(MemoryError::Commit("the write was never run".into())),
        };
        let _ = self.tx.send(out);
    }
}

enum Cmd {
    Job(Box<dyn Job>),
    Migrate(&'static sqlx::migrate::Migrator, oneshot::Sender<Result<(), MemoryError>>),
    Close(oneshot::Sender<()>),
}

/// A handle to the writer thread.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::UnboundedSender<Cmd>,
    versions: std::sync::Arc<Versions>,
}

impl std::fmt::Debug for Cmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Cmd::Job(_) => "Job",
            Cmd::Migrate(..) => "Migrate",
            Cmd::Close(_) => "Close",
        })
    }
}

impl Writer {
    pub(crate) async fn start(opts: SqliteConnectOptions, path: PathBuf) -> Result<Self, sqlx::Error> {
        let (tx, rx) = mpsc::unbounded_channel();
        let (ready_tx, ready_rx) = oneshot::channel();
        let versions = std::sync::Arc::new(Versions::default());
        let counted = versions.clone();
        std::thread::Builder::new()
            .name("omega-db-writer".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(sqlx::Error::Io(e)));
                        return;
                    }
                };
                rt.block_on(async move {
                    match SqliteConnection::connect_with(&opts).await {
                        Ok(conn) => {
                            let _ = ready_tx.send(Ok(()));
                            run(conn, rx, counted).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
                tracing::debug!(path = %path.display(), "database writer stopped");
            })
            .map_err(sqlx::Error::Io)?;
        ready_rx.await.map_err(|_| sqlx::Error::PoolClosed)??;
        Ok(Self { tx, versions })
    }

    pub(crate) async fn migrate(
        &self,
        migrator: &'static sqlx::migrate::Migrator,
    ) -> Result<(), MemoryError> {
        let (tx, rx) = oneshot::channel();
        self.tx.send(Cmd::Migrate(migrator, tx)).map_err(|_| MemoryError::WriterGone)?;
        rx.await.map_err(|_| MemoryError::WriterGone)?
    }

    /// Run `f(conn, &data)` inside the next group commit and return its result once committed.
    /// It counts as touching everything prompts are built from ([`Touch::Everything`]).
    pub async fn write<D, T>(&self, data: D, f: WriteFn<D, T>) -> Result<T, MemoryError>
    where
        D: Send + Sync + 'static,
        T: Send + 'static,
    {
        self.write_touching(Touch::Everything, data, f).await
    }

    /// [`Writer::write`], saying what of the prompts' sources the write may change.
    pub async fn write_touching<D, T>(
        &self,
        touch: Touch,
        data: D,
        f: WriteFn<D, T>,
    ) -> Result<T, MemoryError>
    where
        D: Send + Sync + 'static,
        T: Send + 'static,
    {
        self.send(touch, false, data, f).await
    }

    /// [`Writer::write_touching`] for a write that adds audit rows: they are chained
    /// ([`crate::chain`]) in the same transaction.
    pub async fn write_audited<D, T>(&self, touch: Touch, data: D, f: WriteFn<D, T>) -> Result<T, MemoryError>
    where
        D: Send + Sync + 'static,
        T: Send + 'static,
    {
        self.send(touch, true, data, f).await
    }

    async fn send<D, T>(
        &self,
        touch: Touch,
        audits: bool,
        data: D,
        f: WriteFn<D, T>,
    ) -> Result<T, MemoryError>
    where
        D: Send + Sync + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job = Box::new(Typed { data, f, out: None, tx, touch, audits, versions: self.versions.clone() });
        self.tx.send(Cmd::Job(job)).map_err(|_| MemoryError::WriterGone)?;
        rx.await.map_err(|_| MemoryError::WriterGone)?
    }

    /// The counters of writes that touched prompts' sources.
    pub fn versions(&self) -> &Versions {
        &self.versions
    }

    /// Finish the queued writes, then stop. Later writes fail with [`MemoryError::WriterGone`].
    pub async fn close(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Cmd::Close(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

async fn run(
    mut conn: SqliteConnection,
    mut rx: mpsc::UnboundedReceiver<Cmd>,
    versions: std::sync::Arc<Versions>,
) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        let mut pending = Some(first);
        let mut closing = None;
        // Take the first command and everything already queued behind it.
        loop {
            match pending.take() {
                Some(Cmd::Job(job)) => batch.push(job),
                Some(Cmd::Migrate(m, reply)) => {
                    commit_batch(&mut conn, &mut batch, &versions).await;
                    let r = m.run(&mut conn).await.map_err(|e| MemoryError::Sql(e.into()));
                    let _ = reply.send(r);
                }
                Some(Cmd::Close(ack)) => {
                    closing = Some(ack);
                    break;
                }
                None => {}
            }
            if batch.len() >= MAX_BATCH {
                break;
            }
            match rx.try_recv() {
                Ok(cmd) => pending = Some(cmd),
                Err(_) => break,
            }
        }
        commit_batch(&mut conn, &mut batch, &versions).await;
        if let Some(ack) = closing {
            let _ = conn.close().await;
            let _ = ack.send(());
            return;
        }
    }
}

async fn commit_batch(conn: &mut SqliteConnection, batch: &mut Vec<Box<dyn Job>>, versions: &Versions) {
    if batch.is_empty() {
        return;
    }
    let mut jobs = std::mem::take(batch);
    // The first of each job's two counts (the second is in `finish`).
    for job in &jobs {
        versions.bump(job.touch());
    }
    if let Err(e) = conn.execute("BEGIN IMMEDIATE").await {
        let msg = format!("cannot begin a write transaction: {e}");
        tracing::error!("{msg}");
        for job in jobs {
            job.finish(Err(MemoryError::Commit(msg.clone())));
        }
        return;
    }
    let mut failed = false;
    for job in jobs.iter_mut() {
        if job.run(conn).await.is_err() {
            failed = true;
            break;
        }
    }
    if !failed
        && jobs.iter().any(|j| j.audits())
        && let Err(e) = crate::chain::chain_new_rows(conn).await
    {
        tracing::error!(error = %e, "cannot chain the new audit rows");
        failed = true;
    }
    if !failed {
        match conn.execute("COMMIT").await {
            Ok(_) => {
                for job in jobs {
                    job.finish(Ok(()));
                }
            }
            Err(e) => {
                let _ = conn.execute("ROLLBACK").await;
                let msg = e.to_string();
                tracing::error!(error = %msg, "group commit failed");
                for job in jobs {
                    job.finish(Err(MemoryError::Commit(msg.clone())));
                }
            }
        }
        return;
    }
    // A job failed: undo the batch and give every job a transaction of its own.
    let _ = conn.execute("ROLLBACK").await;
    for mut job in jobs {
        let outcome = async {
            conn.execute("BEGIN IMMEDIATE").await.map_err(|e| e.to_string())?;
            if job.run(conn).await.is_err() {
                let _ = conn.execute("ROLLBACK").await;
                return Ok(());
            }
            if job.audits() {
                crate::chain::chain_new_rows(conn)
                    .await
                    .map_err(|e| format!("cannot chain the new audit rows: {e}"))?;
            }
            conn.execute("COMMIT").await.map(|_| ()).map_err(|e| e.to_string())
        }
        .await;
        if outcome.is_err() {
            let _ = conn.execute("ROLLBACK").await;
        }
        job.finish(outcome.map_err(MemoryError::Commit));
    }
}
