//! Group commit: one connection, one thread, many writes per transaction.
//!
//! Every write is a job (a closure over the connection). The writer takes the first waiting job,
//! then every other job already queued (up to [`MAX_BATCH`]), and runs them all in one
//! transaction, each inside its own savepoint: a job that fails is rolled back alone and reports
//! its error, the others commit. Callers get their result only after the commit, so "written"
//! always means "on disk".
//!
//! Under light load a batch is one job and this costs one commit per write, as usual. Under heavy
//! load the queue fills while a commit is in progress, and the next commit carries all of it:
//! commit cost is paid per batch, not per write.
//!
//! The writer runs on its own thread with its own small runtime, so it keeps working whatever
//! the callers' runtimes do, and it uses the second core while actors use the first.

use futures::future::BoxFuture;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{Connection, Executor};
use std::path::PathBuf;
use tokio::sync::{mpsc, oneshot};

use crate::error::MemoryError;

/// The most jobs one transaction carries.
pub const MAX_BATCH: usize = 512;

type Finish = Box<dyn FnOnce(Result<(), String>) + Send>;
type JobFn =
    Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, (bool, Finish)> + Send>;

enum Cmd {
    Job(JobFn),
    Migrate(
        &'static sqlx::migrate::Migrator,
        oneshot::Sender<Result<(), MemoryError>>,
    ),
    Close(oneshot::Sender<()>),
}

/// A handle to the writer thread.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::UnboundedSender<Cmd>,
}

impl Writer {
    pub(crate) async fn start(
        opts: SqliteConnectOptions,
        path: PathBuf,
    ) -> Result<Self, sqlx::Error> {
        let (tx, rx) = mpsc::unbounded_channel();
        let (ready_tx, ready_rx) = oneshot::channel();
        std::thread::Builder::new()
            .name("omega-db-writer".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
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
                            run(conn, rx).await;
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
        Ok(Self { tx })
    }

    pub(crate) async fn migrate(
        &self,
        migrator: &'static sqlx::migrate::Migrator,
    ) -> Result<(), MemoryError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Cmd::Migrate(migrator, tx))
            .map_err(|_| MemoryError::WriterGone)?;
        rx.await.map_err(|_| MemoryError::WriterGone)?
    }

    /// Run `f` inside the next group commit and return its result once committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, MemoryError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, sqlx::Error>>
            + Send
            + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, MemoryError>>();
        let job: JobFn = Box::new(move |conn| {
            Box::pin(async move {
                let result = f(conn).await;
                let ok = result.is_ok();
                let finish: Finish = Box::new(move |commit| {
                    let out = match (result, commit) {
                        (Ok(v), Ok(())) => Ok(v),
                        (Err(e), _) => Err(MemoryError::Sql(e)),
                        (Ok(_), Err(e)) => Err(MemoryError::Commit(e)),
                    };
                    let _ = tx.send(out);
                });
                (ok, finish)
            })
        });
        self.tx
            .send(Cmd::Job(job))
            .map_err(|_| MemoryError::WriterGone)?;
        rx.await.map_err(|_| MemoryError::WriterGone)?
    }

    /// Finish the queued writes, then stop. Later writes fail with [`MemoryError::WriterGone`].
    pub async fn close(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Cmd::Close(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

async fn run(mut conn: SqliteConnection, mut rx: mpsc::UnboundedReceiver<Cmd>) {
    let mut batch: Vec<JobFn> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        let mut pending = Some(first);
        let mut closing = None;
        // Take the first command and everything already queued behind it.
        loop {
            match pending.take() {
                Some(Cmd::Job(job)) => batch.push(job),
                Some(Cmd::Migrate(m, reply)) => {
                    commit_batch(&mut conn, &mut batch).await;
                    let r = m
                        .run(&mut conn)
                        .await
                        .map_err(|e| MemoryError::Sql(e.into()));
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
        commit_batch(&mut conn, &mut batch).await;
        if let Some(ack) = closing {
            let _ = conn.close().await;
            let _ = ack.send(());
            return;
        }
    }
}

async fn commit_batch(conn: &mut SqliteConnection, batch: &mut Vec<JobFn>) {
    if batch.is_empty() {
        return;
    }
    let mut finishers: Vec<Finish> = Vec::with_capacity(batch.len());
    if let Err(e) = conn.execute("BEGIN IMMEDIATE").await {
        let msg = e.to_string();
        tracing::error!(error = %msg, "cannot begin a write transaction");
        // Run nothing: dropping a job drops its reply channel, and its caller gets an error.
        batch.clear();
        return;
    }
    for job in batch.drain(..) {
        if let Err(e) = conn.execute("SAVEPOINT job").await {
            tracing::error!(error = %e, "cannot open a savepoint");
        }
        let (ok, finish) = job(conn).await;
        if ok {
            let _ = conn.execute("RELEASE job").await;
        } else {
            let _ = conn.execute("ROLLBACK TO job").await;
            let _ = conn.execute("RELEASE job").await;
        }
        finishers.push(finish);
    }
    let commit = match conn.execute("COMMIT").await {
        Ok(_) => Ok(()),
        Err(e) => {
            let _ = conn.execute("ROLLBACK").await;
            tracing::error!(error = %e, "group commit failed");
            Err(e.to_string())
        }
    };
    for finish in finishers {
        finish(commit.clone());
    }
}
