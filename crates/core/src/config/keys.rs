//! The key tree, read off the JSON Schema so it can never disagree with the model.

use std::collections::BTreeSet;

use super::*;

/// Every valid dotted key, and which of them are sections (tables).
#[derive(Debug, Clone)]
pub struct KeyTree {
    keys: BTreeSet<String>,
    sections: BTreeSet<String>,
    /// Sections whose keys are free names (maps), e.g. `prices`.
    maps: BTreeSet<String>,
}

impl KeyTree {
    pub fn of_config() -> Self {
        let schema = serde_json::to_value(schemars::schema_for!(Config)).expect("schema");
        let mut tree = Self { keys: BTreeSet::new(), sections: BTreeSet::new(), maps: BTreeSet::new() };
        tree.walk(&schema, &schema, "");
        tree
    }

    fn walk(&mut self, root: &serde_json::Value, node: &serde_json::Value, prefix: &str) {
        let node = resolve(root, node);
        // A map (`[prices."gpt-4o"]`): any name is a valid key, and its value has the shape of
        // `additionalProperties`.
        if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
            self.sections.insert(prefix.to_owned());
            self.maps.insert(prefix.to_owned());
            self.keys.insert(format!("{prefix}.*"));
            let mut shape = Self { keys: BTreeSet::new(), sections: BTreeSet::new(), maps: BTreeSet::new() };
            shape.walk(root, values, "*");
            for k in shape.keys {
                self.keys.insert(format!("{prefix}.{k}"));
            }
            for k in shape.sections {
                self.sections.insert(format!("{prefix}.{k}"));
            }
            for k in shape.maps {
                self.maps.insert(format!("{prefix}.{k}"));
            }
            return;
        }
        let Some(props) = node.get("properties").and_then(|p| p.as_object()) else {
            return;
        };
        if !prefix.is_empty() {
            self.sections.insert(prefix.to_owned());
        }
        for (name, sub) in props {
            let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
            self.keys.insert(key.clone());
            self.walk(root, sub, &key);
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.keys.contains(key) || self.keys.contains(&self.pattern(key))
    }

    /// Environment variables cannot carry `-`: `provider.claude_code.model` means
    /// `provider.claude-code.model` when only the latter exists.
    pub fn from_env(&self, key: &str) -> String {
        if self.contains(key) {
            return key.to_owned();
        }
        let mut out: Vec<String> = Vec::new();
        for part in key.split('.') {
            let plain = [out.join("."), part.to_owned()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(".");
            let dashed_part = part.replace('_', "-");
            let dashed = [out.join("."), dashed_part.clone()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(".");
            if !self.keys.contains(&plain) && self.keys.contains(&dashed) {
                out.push(dashed_part);
            } else {
                out.push(part.to_owned());
            }
        }
        out.join(".")
    }

    /// `prices.gpt-4o.input_per_mtok` → `prices.*.input_per_mtok` when `prices` is a map (and
    /// `mcp.servers.x.env.TOKEN` → `mcp.servers.*.env.*`: maps nest).
    fn pattern(&self, key: &str) -> String {
        let mut out = String::with_capacity(key.len());
        for part in key.split('.') {
            let in_map = !out.is_empty() && self.maps.contains(&out);
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(if in_map { "*" } else { part });
        }
        out
    }

    pub fn is_section(&self, key: &str) -> bool {
        self.sections.contains(key) || self.sections.contains(&self.pattern(key))
    }

    /// All valid keys that hold values (not sections), map entries excluded.
    pub fn leaves(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().filter(|k| !self.sections.contains(*k) && !k.contains('*')).map(String::as_str)
    }

    /// The closest valid key: a sibling with a similar name, else any key with the same last
    /// segment (e.g. `[openai]` at the top level → `provider.openai`).
    pub fn suggest(&self, key: &str) -> Option<String> {
        // Inside a map (`mcp.servers.x.commandd`) the siblings are the map's value keys.
        let (real_parent, last) = key.rsplit_once('.').unwrap_or(("", key));
        let pattern = self.pattern(key);
        let (parent, _) = pattern.rsplit_once('.').unwrap_or(("", &pattern));
        let siblings = self.keys.iter().filter(|k| {
            let (p, _) = k.rsplit_once('.').unwrap_or(("", k));
            p == parent
        });
        let best = siblings
            .map(|k| {
                let name = k.rsplit('.').next().unwrap_or(k);
                (strsim::jaro_winkler(last, name), k)
            })
            .filter(|(s, _)| *s >= 0.75)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| match k.rsplit_once('.') {
                Some((_, name)) if !real_parent.is_empty() => format!("{real_parent}.{name}"),
                _ => k.clone(),
            });
        best.or_else(|| self.keys.iter().find(|k| k.rsplit('.').next() == Some(last) && *k != key).cloned())
    }
}

pub(super) fn resolve<'a>(root: &'a serde_json::Value, node: &'a serde_json::Value) -> &'a serde_json::Value {
    if let Some(r) = node.get("$ref").and_then(|r| r.as_str())
        && let Some(name) = r.strip_prefix("#/$defs/")
        && let Some(def) = root.get("$defs").and_then(|d| d.get(name))
    {
        return def;
    }
    node
}
