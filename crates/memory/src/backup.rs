//! Copies of the database: consistent while Omega runs (`VACUUM INTO` reads one snapshot), and
//! taken automatically before migrations change the schema, so an upgrade can be undone.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _, SqliteConnection};
use std::path::{Path, PathBuf};

use crate::error::MemoryError;

/// Automatic backups kept beside the database (the oldest beyond this are removed).
pub const KEEP_AUTOMATIC: usize = 3;

/// Where automatic backups go: `backups/` beside the database.
pub fn automatic_dir(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("backups")
}

async fn connect(db: &Path, read_only: bool) -> Result<SqliteConnection, MemoryError> {
    let opts = SqliteConnectOptions::new()
        .filename(db)
        .read_only(read_only)
        .busy_timeout(std::time::Duration::from_secs(10));
    Ok(opts.connect().await?)
}

/// Write a consistent copy of `db` to `out` (which must not exist), 0600, while other processes
/// go on writing. One snapshot: what was committed when the copy began.
pub async fn vacuum_into(db: &Path, out: &Path) -> Result<(), MemoryError> {
    if out.exists() {
        return Err(MemoryError::Io {
            path: out.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "a backup is there already"),
        });
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::open::create_private_dir(dir)
            .map_err(|source| MemoryError::Io { path: dir.to_owned(), source })?;
    }
    // The file is made 0600 first: it holds people's messages.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        std::fs::OpenOptions::new()
            .create_new(true)
            .write(true)
            .mode(0o600)
            .open(out)
            .map_err(|source| MemoryError::Io { path: out.to_owned(), source })?;
    }
    let mut c = connect(db, true).await?;
    let r = sqlx::query("VACUUM INTO ?").bind(out.display().to_string()).execute(&mut c).await;
    c.close().await.ok();
    if let Err(e) = r {
        let _ = std::fs::remove_file(out);
        return Err(e.into());
    }
    Ok(())
}

/// `PRAGMA integrity_check` of the file at `db`: `"ok"`, or what SQLite found.
pub async fn integrity(db: &Path) -> Result<String, MemoryError> {
    let mut c = connect(db, true).await?;
    let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check").fetch_all(&mut c).await?;
    c.close().await.ok();
    Ok(rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("; "))
}

/// Before migrations that have not run yet change an existing database, copy it to the
/// automatic backups (`pre-migration-V-TIME.db`, V = the last version applied) and prune the
/// oldest. Nothing for a new database or one that is up to date.
pub(crate) async fn before_migrations(
    db: &Path,
    migrator: &sqlx::migrate::Migrator,
) -> Result<Option<PathBuf>, MemoryError> {
    if std::fs::metadata(db).map(|m| m.len()).unwrap_or(0) == 0 {
        return Ok(None);
    }
    let mut c = connect(db, true).await?;
    let applied: Result<Vec<(i64,)>, sqlx::Error> =
        sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1").fetch_all(&mut c).await;
    c.close().await.ok();
    // No migrations table: a database from before any (or not Omega's): migrations say so.
    let Ok(applied) = applied else { return Ok(None) };
    let applied: Vec<i64> = applied.into_iter().map(|r| r.0).collect();
    let pending = migrator.iter().any(|m| !applied.contains(&m.version));
    if applied.is_empty() || !pending {
        return Ok(None);
    }
    let last = applied.iter().max().copied().unwrap_or(0);
    let dir = automatic_dir(db);
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let out = dir.join(format!("pre-migration-{last:04}-{stamp}.db"));
    vacuum_into(db, &out).await?;
    prune(&dir, "pre-migration-", KEEP_AUTOMATIC);
    tracing::info!(backup = %out.display(), from_version = last, "the database was backed up before its migrations");
    Ok(Some(out))
}

/// Keep the newest `keep` files in `dir` whose names start with `prefix`.
pub fn prune(dir: &Path, prefix: &str, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
        .collect();
    files.sort();
    let extra = files.len().saturating_sub(keep);
    for old in files.into_iter().take(extra) {
        let _ = std::fs::remove_file(&old);
    }
}
