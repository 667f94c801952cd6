use std::path::{Path, PathBuf};

/// A temporary directory holding an Omega data dir and a config file pointing at it.
#[derive(Debug)]
pub struct TempHome {
    dir: tempfile::TempDir,
}

impl TempHome {
    pub fn new() -> Self {
        Self { dir: tempfile::Builder::new().prefix("omega-test-").tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where Omega keeps its data in this home.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join("data").join("memory.db")
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("omega.toml")
    }

    /// Write `omega.toml`: `[omega] data_dir` is set to this home, then `extra` is appended.
    pub fn write_config(&self, extra: &str) -> PathBuf {
        let text =
            format!("[omega]\ndata_dir = \"{}\"\ntimezone = \"UTC\"\n\n{extra}\n", self.data_dir().display());
        std::fs::write(self.config_path(), text).expect("write config");
        self.config_path()
    }
}

impl Default for TempHome {
    fn default() -> Self {
        Self::new()
    }
}
