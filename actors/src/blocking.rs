//! Blocking file I/O off the actor threads: an actor thread runs every actor on its arbiter, so a
//! slow disk read there would stall them all. The owner's files (SYSTEM.md, skills, projects,
//! HEARTBEAT.md, attachments) are read and written on tokio's blocking pool instead.

use std::path::{Path, PathBuf};

/// Run `f` on the blocking pool; `None` if it could not run (the runtime is shutting down) or
/// panicked.
pub async fn off_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(f).await.ok()
}

/// A file's text, or `None` if it cannot be read.
pub async fn read_text(path: PathBuf) -> Option<String> {
    off_thread(move || std::fs::read_to_string(path).ok()).await.flatten()
}

/// [`list_dirs`] on the blocking pool.
pub async fn dirs_in(dir: &Path) -> Vec<String> {
    let dir = dir.to_owned();
    off_thread(move || list_dirs(&dir)).await.unwrap_or_default()
}

/// The names of the directories in `dir`, sorted.
pub fn list_dirs(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Write `data` to `path`, readable by the owner only (0600), and flush it to disk.
pub fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(data)?;
    f.sync_all()
}
