//! The skills in `data_dir/skills`, kept current without a restart, and lessons written into
//! them. Parsing and matching are `omega_skills`'; this is the file-system side.
//!
//! [`SkillCatalog::current`] is called for each message, off the actor thread: it stats the
//! skills directory and each known skill (its directory and its `SKILL.md`), and reads the
//! directory again only when one of those changed. A broken `SKILL.md` is reported (in the log
//! at each change, in `/skills` and `omega status`) and never stops the others.

use omega_skills::{Availability, Skill, SkillError, availability, parse_skill};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// A skill as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkillStatus {
    Ready(Skill),
    /// Its requirements are missing (what, in words).
    Unavailable(Skill, Vec<String>),
    /// Its `SKILL.md` cannot be used.
    Broken(SkillError),
}

/// One directory of the skills folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillEntry {
    pub dir: String,
    /// Its `SKILL.md`.
    pub path: PathBuf,
    pub status: SkillStatus,
}

impl SkillEntry {
    pub fn ready(&self) -> Option<&Skill> {
        match &self.status {
            SkillStatus::Ready(s) => Some(s),
            _ => None,
        }
    }
}

/// What a change would show: (path, modified, length) of the directory and each skill.
type Stamp = Vec<(PathBuf, Option<(SystemTime, u64)>)>;

/// One folder as last read: what would show a change, and what was found.
type Scanned = (Stamp, Arc<Vec<SkillEntry>>);

/// The skills folders (one per data dir), each read again when it changes.
#[derive(Debug, Default)]
pub struct SkillCatalog {
    state: Mutex<HashMap<PathBuf, Scanned>>,
    /// One edit of a skill file at a time.
    edit: Mutex<()>,
}

fn stat(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// The directories tools find programs in (their `PATH`, not Omega's own).
fn tool_path(data_dir: &Path) -> Vec<PathBuf> {
    std::env::split_paths(&omega_sandbox::spawn::child_path(&data_dir.join("workspace"))).collect()
}

impl SkillCatalog {
    /// The process's catalog.
    pub fn global() -> &'static SkillCatalog {
        static CATALOG: std::sync::OnceLock<SkillCatalog> = std::sync::OnceLock::new();
        CATALOG.get_or_init(SkillCatalog::default)
    }

    /// The skills of `data_dir` now (blocking: call off the actor thread).
    pub fn current(&self, data_dir: &Path) -> Arc<Vec<SkillEntry>> {
        let dir = data_dir.join("skills");
        let mut state = self.state.lock();
        if let Some((stamp, entries)) = state.get(&dir)
            && stamp.iter().all(|(p, was)| stat(p) == *was)
        {
            return entries.clone();
        }
        let (stamp, entries) = scan(&dir, &tool_path(data_dir));
        let entries = Arc::new(entries);
        state.insert(dir, (stamp, entries.clone()));
        entries
    }

    /// Write `lesson` into the skill `dir`'s `## Lessons Learned` (blocking). The previous file
    /// is kept as `SKILL.md.bak`; the new one replaces it in one rename.
    pub fn improve(&self, data_dir: &Path, dir: &str, lesson: &str) -> Result<Improved, String> {
        if !omega_skills::valid_name(dir) {
            return Err(format!("`{dir}` is not a skill name"));
        }
        let _one_at_a_time = self.edit.lock();
        let folder = data_dir.join("skills").join(dir);
        let path = folder.join("SKILL.md");
        for p in [&folder, &path] {
            if std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(format!("{} is a symbolic link; skills are edited only in place", p.display()));
            }
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Improved::NoSuchSkill),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let Some(new) = omega_skills::lessons::add_lesson(&text, lesson) else { return Ok(Improved::Known) };
        std::fs::write(folder.join("SKILL.md.bak"), &text)
            .map_err(|e| format!("cannot keep the previous version: {e}"))?;
        let tmp = folder.join(".SKILL.md.tmp");
        std::fs::write(&tmp, &new).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
        Ok(Improved::Added)
    }
}

/// Read the skills folder; requirements are checked against the tools' `path` (whose
/// directories join the stamp, so installing a program a skill needs makes it available).
fn scan(skills: &Path, path: &[PathBuf]) -> (Stamp, Vec<SkillEntry>) {
    let mut stamp = vec![(skills.to_owned(), stat(skills))];
    stamp.extend(path.iter().map(|d| (d.clone(), stat(d))));
    let on_path = |bin: &str| {
        if bin.contains('/') { Path::new(bin).is_file() } else { path.iter().any(|d| d.join(bin).is_file()) }
    };
    let mut dirs: Vec<String> = std::fs::read_dir(skills)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    let mut entries = Vec::new();
    for dir in dirs {
        let folder = skills.join(&dir);
        let path = folder.join("SKILL.md");
        stamp.push((folder.clone(), stat(&folder)));
        stamp.push((path.clone(), stat(&path)));
        let status = match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => SkillStatus::Broken(SkillError { line: 0, message: format!("cannot read it: {e}") }),
            Ok(text) => match parse_skill(&dir, &text) {
                Err(e) => SkillStatus::Broken(e),
                Ok(skill) => match availability(&skill, on_path, |v| std::env::var_os(v).is_some()) {
                    Availability::Available => SkillStatus::Ready(skill),
                    Availability::Missing(why) => SkillStatus::Unavailable(skill, why),
                },
            },
        };
        if let SkillStatus::Broken(e) = &status {
            tracing::warn!(file = %path.display(), line = e.line, "skill not loaded: {}", e.message);
        }
        entries.push(SkillEntry { dir, path, status });
    }
    (stamp, entries)
}

/// Most files, bytes per file, and folder depth a skill written in the workspace may bring.
const INSTALL_LIMITS: (usize, u64, usize) = (64, 1 << 20, 3);

impl SkillCatalog {
    /// Install the skill the model wrote in the workspace at `skills/NAME/` (blocking): its
    /// `SKILL.md` must parse; plain files only (a link out of the workspace is not followed); an
    /// existing skill of that name keeps its previous `SKILL.md` as `SKILL.md.bak`.
    pub fn install(&self, data_dir: &Path, name: &str) -> Result<(omega_skills::Skill, bool), String> {
        if !omega_skills::valid_name(name) {
            return Err(format!("`{name}` is not a skill folder name (letters, digits, - _ .)"));
        }
        let from = data_dir.join("workspace").join("skills").join(name);
        let meta = std::fs::symlink_metadata(&from)
            .map_err(|_| format!("write it first at skills/{name}/SKILL.md in your workspace"))?;
        if !meta.is_dir() {
            return Err(format!("skills/{name} in the workspace is not a folder"));
        }
        let text = read_plain(&from.join("SKILL.md"), INSTALL_LIMITS.1)
            .map_err(|e| format!("skills/{name}/SKILL.md: {e}"))?;
        let skill =
            omega_skills::parse_skill(name, &text).map_err(|e| format!("skills/{name}/SKILL.md, {e}"))?;
        let mut files = Vec::new();
        collect(&from, Path::new(""), 0, &mut files)?;
        let _one_at_a_time = self.edit.lock();
        let to = data_dir.join("skills").join(name);
        if std::fs::symlink_metadata(&to).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(format!("{} is a symbolic link", to.display()));
        }
        let replaced = to.join("SKILL.md").is_file();
        if replaced {
            std::fs::copy(to.join("SKILL.md"), to.join("SKILL.md.bak"))
                .map_err(|e| format!("cannot keep the previous version: {e}"))?;
        }
        for rel in files {
            let target = to.join(&rel);
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let bytes =
                std::fs::read(from.join(&rel)).map_err(|e| format!("cannot read {}: {e}", rel.display()))?;
            let tmp = target.with_extension("omega-tmp");
            std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            std::fs::rename(&tmp, &target).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        }
        Ok((skill, replaced))
    }
}

/// A plain file's text (not a link), at most `max` bytes.
fn read_plain(path: &Path, max: u64) -> Result<String, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|_| "missing".to_owned())?;
    if !meta.is_file() {
        return Err("not a plain file".into());
    }
    if meta.len() > max {
        return Err(format!("larger than {max} bytes"));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

/// The plain files under `root/rel`, relative to `root`, within [`INSTALL_LIMITS`].
fn collect(root: &Path, rel: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let (max_files, max_bytes, max_depth) = INSTALL_LIMITS;
    let entries =
        std::fs::read_dir(root.join(rel)).map_err(|e| format!("cannot read the skill folder: {e}"))?;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let path = rel.join(&name);
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else { continue };
        if meta.file_type().is_symlink() || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if meta.is_dir() {
            if depth + 1 >= max_depth {
                return Err(format!("{} is nested too deep", path.display()));
            }
            collect(root, &path, depth + 1, out)?;
        } else if meta.is_file() {
            if meta.len() > max_bytes {
                return Err(format!("{} is larger than {max_bytes} bytes", path.display()));
            }
            out.push(path);
            if out.len() > max_files {
                return Err(format!("more than {max_files} files"));
            }
        }
    }
    Ok(())
}

/// What [`SkillCatalog::improve`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Improved {
    Added,
    /// The skill already had that lesson.
    Known,
    NoSuchSkill,
}

/// Write the bundled skills into `skills_dir`, each only the first time: a skill the person
/// removed stays removed, and one they edited stays as they left it (`.bundled` records which
/// were written).
pub fn deploy_bundled(skills_dir: &Path) -> std::io::Result<Vec<&'static str>> {
    let record = skills_dir.join(".bundled");
    let done = std::fs::read_to_string(&record).unwrap_or_default();
    let mut written = Vec::new();
    let mut listed: Vec<String> = done.lines().map(str::to_owned).collect();
    for (name, text) in omega_skills::bundled::BUNDLED {
        if listed.iter().any(|l| l == name) {
            continue;
        }
        let folder = skills_dir.join(name);
        if !folder.join("SKILL.md").exists() {
            std::fs::create_dir_all(&folder)?;
            std::fs::write(folder.join("SKILL.md"), text)?;
            written.push(*name);
        }
        listed.push((*name).to_owned());
    }
    if !written.is_empty() || listed.len() != done.lines().count() {
        std::fs::write(&record, listed.join("\n") + "\n")?;
    }
    Ok(written)
}

/// The project `name`'s `ROLE.md` (blocking), or `None` when it has none; a broken one is logged
/// and treated as none.
pub fn read_project(data_dir: &Path, name: &str) -> Option<omega_skills::Project> {
    if !omega_skills::valid_name(name) {
        return None;
    }
    let path = data_dir.join("projects").join(name).join("ROLE.md");
    let text = std::fs::read_to_string(&path).ok()?;
    match omega_skills::parse_role(name, &text) {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::warn!(file = %path.display(), line = e.line, "project role not used: {}", e.message);
            None
        }
    }
}

/// What is wrong with the project `name`'s `ROLE.md`, if anything (for `/projects`): a broken
/// file (where and why), or a key Omega reads but does not act on.
pub fn project_problem(data_dir: &Path, name: &str) -> Option<String> {
    let path = data_dir.join("projects").join(name).join("ROLE.md");
    let text = std::fs::read_to_string(&path).ok()?;
    match omega_skills::parse_role(name, &text) {
        Err(e) => Some(format!("ROLE.md is broken: {}, line {}: {}", path.display(), e.line, e.message)),
        Ok(p) => p.provider.map(|provider| {
            format!(
                "ROLE.md asks for provider {provider}, which a project cannot choose (every project is \
                 answered by [provider] default); `model:` picks the model"
            )
        }),
    }
}
