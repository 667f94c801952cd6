use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::MemoryError;
use crate::writer::Writer;

/// The schema, embedded from `schemas/migrations`. sqlx runs each migration in its own
/// transaction and records it in `_sqlx_migrations`.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../schemas/migrations");

/// A handle to the database. Cheap to clone; all clones share the reader pool and the writer.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) read: SqlitePool,
    pub(crate) writer: Writer,
    checkpointer: Checkpointer,
    path: PathBuf,
    /// "Now" for the times the store writes (created, updated, delivered, expired...).
    clock: omega_core::clock::SharedClock,
}

impl Store {
    /// This store, writing its times by `clock` (the runtime's, so a test's manual clock
    /// governs the rows too).
    pub fn with_clock(mut self, clock: omega_core::clock::SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Now by the store's clock, in UTC milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        crate::millis(self.clock.now())
    }

    /// Open (creating if needed) the database at `path` and apply pending migrations.
    ///
    /// The parent directory is created 0700 and the file 0600: the database holds people's
    /// messages. An existing file that is not SQLite is reported, never overwritten.
    pub async fn open(path: &Path) -> Result<Self, MemoryError> {
        prepare_file(path)?;
        check_length(path)?;
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            // Checkpoints are the Checkpointer's job (below), off the write path; this is only a
            // backstop should it fall behind (20,000 pages ≈ 80 MB of WAL).
            .pragma("wal_autocheckpoint", "20000");
        let corrupt = |e: sqlx::Error| classify(path, e);

        // An upgrade can always be undone: a copy first, when migrations are about to change
        // an existing database.
        crate::backup::before_migrations(path, &MIGRATOR).await.map_err(|e| match e {
            MemoryError::Sql(e) => classify(path, e),
            other => other,
        })?;
        let writer = Writer::start(opts.clone(), path.to_owned()).await.map_err(corrupt)?;
        writer.migrate(&MIGRATOR).await.map_err(|e| match e {
            MemoryError::Sql(e) => classify(path, e),
            other => other,
        })?;
        // Two readers: sessions keep their sender's context between messages, so reads are
        // rare on the message path; and each connection is a thread and a page cache of its own.
        // An idle one closes after a minute (its thread and cache with it).
        let read = SqlitePoolOptions::new()
            .max_connections(2)
            .min_connections(0)
            .idle_timeout(Duration::from_secs(60))
            .connect_with(opts.clone().read_only(true))
            .await
            .map_err(corrupt)?;
        // The first start after the audit log got its hash chain chains the rows before it.
        writer
            .write_touching(crate::writer::Touch::Nothing, (), |c, _| {
                Box::pin(crate::chain::chain_upgraded(c))
            })
            .await
            .map_err(|e| match e {
                MemoryError::Sql(e) => classify(path, e),
                other => other,
            })?;
        let checkpointer = Checkpointer::start(opts);
        Ok(Self { read, writer, checkpointer, path: path.to_owned(), clock: omega_core::clock::system() })
    }

    /// How many writes so far touched what `channel:sender_id`'s prompt is built from (theirs,
    /// or everyone's): equal readings mean nothing of it changed in between.
    pub fn context_version(&self, channel: &str, sender_id: &str) -> crate::writer::ContextVersion {
        self.writer.versions().of(&format!("{channel}:{sender_id}"))
    }

    /// The raw writer, for tests that need a write the typed API does not offer.
    #[doc(hidden)]
    pub fn writer_for_tests(&self) -> &Writer {
        &self.writer
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stop the writer after the writes already queued, and close the readers.
    pub async fn close(&self) {
        self.checkpointer.stop();
        self.writer.close().await;
        self.read.close().await;
    }
}

fn classify(path: &Path, e: sqlx::Error) -> MemoryError {
    let reason = e.to_string();
    let lower = reason.to_ascii_lowercase();
    if lower.contains("not a database") || lower.contains("malformed") || lower.contains("corrupt") {
        MemoryError::Corrupt { path: path.to_owned(), reason }
    } else if matches!(e, sqlx::Error::Migrate(_)) {
        MemoryError::Migrate { path: path.to_owned(), reason }
    } else {
        MemoryError::Sql(e)
    }
}

/// A file cut short (a copy that stopped, a disk that filled) is refused before SQLite opens it:
/// SQLite reads only the pages it needs, so a truncated database would otherwise start and fail
/// later, on whichever message touches a missing page. The header says how long the file is
/// (when its "valid for" counter matches the change counter, as it does after every checkpoint).
fn check_length(path: &Path) -> Result<(), MemoryError> {
    use std::io::Read as _;
    let Ok(mut file) = std::fs::File::open(path) else { return Ok(()) };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut header = [0u8; 100];
    if len < 100 || file.read_exact(&mut header).is_err() || &header[..16] != b"SQLite format 3\0" {
        return Ok(()); // empty (new) or not SQLite at all: SQLite says which
    }
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let page = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let (changes, valid_for, pages) = (be32(24), be32(92), u64::from(be32(28)));
    if valid_for == changes && pages > 0 && pages * page > len {
        return Err(MemoryError::Corrupt {
            path: path.to_owned(),
            reason: format!(
                "the file is truncated: its header counts {pages} pages of {page} bytes ({} bytes), the file has {len}",
                pages * page
            ),
        });
    }
    Ok(())
}

/// Create the directory (0700) and the file (0600) before SQLite does, so they are never
/// world-readable, not even for a moment.
fn prepare_file(path: &Path) -> Result<(), MemoryError> {
    let io = |p: &Path| {
        let p = p.to_owned();
        move |source| MemoryError::Io { path: p, source }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir).map_err(io(dir))?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path).map_err(io(path))?;
        let mode = std::fs::metadata(path).map_err(io(path))?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io(path))?;
        }
    }
    Ok(())
}

/// Create `dir` and any missing parents; the directories created here are 0700.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Copies committed pages from the WAL into the database file every [`CHECKPOINT_EVERY`], on its
/// own connection and thread.
///
/// SQLite's automatic checkpoint runs inside whichever commit crosses the threshold, and every
/// commit here touches a dozen pages (rows plus their indexes): one message in thirty paid a
/// multi-millisecond checkpoint. A PASSIVE checkpoint from another connection runs beside the
/// writer instead of in front of it.
#[derive(Clone, Debug)]
struct Checkpointer {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

impl Checkpointer {
    fn start(opts: SqliteConnectOptions) -> Self {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let spawned = std::thread::Builder::new().name("omega-db-checkpoint".into()).spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                use sqlx::Connection;
                let Ok(mut conn) = sqlx::SqliteConnection::connect_with(&opts).await else {
                    return;
                };
                while !flag.load(Ordering::Relaxed) {
                    tokio::time::sleep(CHECKPOINT_EVERY).await;
                    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&mut conn).await {
                        tracing::debug!(error = %e, "checkpoint skipped");
                    }
                }
                let _ = conn.close().await;
            });
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no checkpoint thread; SQLite checkpoints automatically instead");
        }
        Self { stop }
    }

    fn stop(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}
