use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MemoryError {
    /// The data directory or database file could not be created or secured.
    #[error("cannot prepare {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// The file exists but is not a usable SQLite database. It is left untouched.
    #[error(
        "database {path} is corrupt or not a SQLite database ({reason}); it was left untouched — move it aside or restore a backup"
    )]
    Corrupt { path: PathBuf, reason: String },
    /// Applying schema migrations failed; the failed migration was rolled back.
    #[error("cannot migrate database {path}: {reason}")]
    Migrate { path: PathBuf, reason: String },
    /// The writer has shut down (the store was closed).
    #[error("the database writer has stopped")]
    WriterGone,
    /// The group commit this write belonged to failed; nothing of it was stored.
    #[error("database commit failed: {0}")]
    Commit(String),
    /// A row the caller named does not exist.
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    /// A stored value could not be read back (a JSON column that does not parse).
    #[error("unreadable stored data: {0}")]
    Unreadable(String),
}
