//! Splitting a file into frontmatter and body, and reading the frontmatter as YAML or TOML with
//! errors located in the file (1-based lines).

use serde::de::DeserializeOwned;

/// The frontmatter's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Between `---` lines: YAML, or TOML when it reads as TOML and not as YAML.
    Dashes,
    /// Between `+++` lines: TOML.
    Pluses,
}

/// The frontmatter, the line of the file it starts on, and the body after it.
#[derive(Debug)]
pub(crate) struct Split<'a> {
    pub(crate) format: Format,
    pub(crate) text: &'a str,
    pub(crate) first_line: usize,
    pub(crate) body: &'a str,
}

/// Split `file` at its frontmatter fences. `Ok(None)`: no frontmatter at all.
pub(crate) fn split(file: &str) -> Result<Option<Split<'_>>, (usize, String)> {
    let file = file.strip_prefix('\u{feff}').unwrap_or(file);
    let first = file.lines().next().unwrap_or("").trim_end();
    let (format, fence) = match first {
        "---" => (Format::Dashes, "---"),
        "+++" => (Format::Pluses, "+++"),
        _ => return Ok(None),
    };
    let after_open = file.find('\n').map(|i| i + 1).unwrap_or(file.len());
    let rest = &file[after_open..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == fence {
            let text = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok(Some(Split { format, text, first_line: 2, body }));
        }
        offset += line.len();
    }
    Err((1, format!("the frontmatter opened with `{fence}` on line 1 is never closed")))
}

/// Read `split`'s frontmatter as `T`; an error names the file's line.
pub(crate) fn read<T: DeserializeOwned>(split: &Split<'_>) -> Result<T, (usize, String)> {
    match split.format {
        Format::Pluses => toml_read(split),
        Format::Dashes => match yaml_read(split) {
            Ok(v) => Ok(v),
            // The original accepted TOML between `---` too.
            Err(yaml) if looks_like_toml(split.text) => {
                toml_read(split).map_err(|toml| if toml.0 > 0 { toml } else { yaml })
            }
            Err(yaml) => Err(yaml),
        },
    }
}

fn yaml_read<T: DeserializeOwned>(split: &Split<'_>) -> Result<T, (usize, String)> {
    // An empty block is an empty mapping, not YAML's null.
    let text = if split.text.trim().is_empty() { "{}" } else { split.text };
    serde_yaml_ng::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(1);
        (split.first_line + line - 1, format!("invalid YAML frontmatter: {}", strip_location(&e.to_string())))
    })
}

fn toml_read<T: DeserializeOwned>(split: &Split<'_>) -> Result<T, (usize, String)> {
    toml::from_str(split.text).map_err(|e| {
        let line = e
            .span()
            .map(|s| split.text[..s.start.min(split.text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        (split.first_line + line - 1, format!("invalid TOML frontmatter: {}", e.message()))
    })
}

/// `key = value` lines or `[table]` headers, and no `key: value` line.
fn looks_like_toml(text: &str) -> bool {
    let lines: Vec<&str> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let toml_like =
        lines.iter().any(|l| l.starts_with('[') || l.split_once('=').is_some_and(|(k, _)| !k.contains(':')));
    let yaml_like =
        lines.iter().any(|l| l.split_once(':').is_some_and(|(k, _)| !k.contains('=') && !k.contains('"')));
    toml_like && !yaml_like
}

/// serde_yaml's message without its own " at line L column C" (the caller gives the file's line).
fn strip_location(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}
