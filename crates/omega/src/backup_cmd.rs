//! `omega backup` and `omega restore`: the database (a consistent copy, also while Omega runs)
//! with what the owner wrote by hand — prompts, skills, projects and the heartbeat checklist.

use omega::Config;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a backup holds besides the database, relative to the data dir.
const DIRS: &[&str] = &["prompts", "skills", "projects"];
const FILES: &[&str] = &["HEARTBEAT.md"];
/// The database's name inside a backup.
const DB: &str = "memory.db";

/// `omega backup [PATH]`: PATH (default `data_dir/backups/omega-TIME`) must not exist.
pub async fn backup(config: &Config, path: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let data_dir = config.data_dir();
    let db = config.db_path();
    if !db.exists() {
        anyhow::bail!("there is no database at {} to back up", db.display());
    }
    let out = path.unwrap_or_else(|| {
        data_dir.join("backups").join(format!("omega-{}", chrono::Utc::now().format("%Y%m%d-%H%M%S")))
    });
    if out.exists() {
        anyhow::bail!("{} exists already; name a new directory", out.display());
    }
    omega_memory::open::create_private_dir(&out)?;
    omega_memory::backup::vacuum_into(&db, &out.join(DB)).await?;
    let copied = copy_owned(&data_dir, &out)?;
    let check = omega_memory::backup::integrity(&out.join(DB)).await?;
    if check != "ok" {
        anyhow::bail!("the copy at {} failed SQLite's integrity check: {check}", out.display());
    }
    println!("backed up to {}: the database (checked: ok){}", out.display(), list(&copied));
    println!("restore it with: omega restore {} (with Omega stopped)", out.display());
    Ok(ExitCode::SUCCESS)
}

/// `omega restore PATH`: with Omega stopped, put a backup back. What is there now is backed up
/// first (`data_dir/backups/pre-restore-TIME`), so a restore can be undone too.
pub async fn restore(config: &Config, from: &Path) -> anyhow::Result<ExitCode> {
    let data_dir = config.data_dir();
    let db = config.db_path();
    let source = from.join(DB);
    if !source.is_file() {
        anyhow::bail!("{} is not an Omega backup (it has no {DB})", from.display());
    }
    let check = omega_memory::backup::integrity(&source).await?;
    if check != "ok" {
        anyhow::bail!("{} fails SQLite's integrity check ({check}); nothing was changed", source.display());
    }
    omega_memory::open::create_private_dir(&data_dir)?;
    // Hold the data dir's lock while restoring: Omega cannot start meanwhile.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join("omega.lock"))?;
    if lock.try_lock().is_err() {
        anyhow::bail!("Omega is running on {}: stop it first, then restore", data_dir.display());
    }
    if db.exists() {
        let safety = data_dir
            .join("backups")
            .join(format!("pre-restore-{}", chrono::Utc::now().format("%Y%m%d-%H%M%S")));
        omega_memory::open::create_private_dir(&safety)?;
        omega_memory::backup::vacuum_into(&db, &safety.join(DB)).await?;
        copy_owned(&data_dir, &safety)?;
        println!("what was there is kept in {}", safety.display());
    }
    // The database: the backup's file, and no WAL of the old one left to replay over it.
    if let Some(dir) = db.parent() {
        omega_memory::open::create_private_dir(dir)?;
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(PathBuf::from(format!("{}{suffix}", db.display())));
    }
    let tmp = db.with_extension("db.restoring");
    std::fs::copy(&source, &tmp)?;
    set_private(&tmp)?;
    std::fs::rename(&tmp, &db)?;
    // The owner's files: the backup's replace what is there.
    let mut restored = Vec::new();
    for name in DIRS {
        let (src, dst) = (from.join(name), data_dir.join(name));
        if src.is_dir() {
            if dst.exists() {
                std::fs::remove_dir_all(&dst)?;
            }
            copy_dir(&src, &dst)?;
            restored.push(format!("{name}/"));
        }
    }
    for name in FILES {
        if from.join(name).is_file() {
            std::fs::copy(from.join(name), data_dir.join(name))?;
            restored.push((*name).to_owned());
        }
    }
    drop(lock);
    println!("restored {} into {}: the database{}", from.display(), data_dir.display(), list(&restored));
    Ok(ExitCode::SUCCESS)
}

/// Copy the owner's directories and files from `data_dir` into `out`; what was copied.
fn copy_owned(data_dir: &Path, out: &Path) -> std::io::Result<Vec<String>> {
    let mut copied = Vec::new();
    for name in DIRS {
        let src = data_dir.join(name);
        if src.is_dir() {
            copy_dir(&src, &out.join(name))?;
            copied.push(format!("{name}/"));
        }
    }
    for name in FILES {
        let src = data_dir.join(name);
        if src.is_file() {
            std::fs::copy(&src, out.join(name))?;
            copied.push((*name).to_owned());
        }
    }
    Ok(copied)
}

fn list(names: &[String]) -> String {
    if names.is_empty() { String::new() } else { format!(", {}", names.join(", ")) }
}

/// Copy a directory tree (regular files and directories; links are not followed out of it).
fn copy_dir(src: &Path, dst: &Path) -> std::io::Result<()> {
    omega_memory::open::create_private_dir(dst)?;
    for entry in std::fs::read_dir(src)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let to = dst.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &to)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &to)?;
        }
    }
    Ok(())
}

fn set_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
