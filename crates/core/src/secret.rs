use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A credential (API key, bot token). `Debug`, `Display` and `Serialize` never show it, so a
/// config dump, a log line or an error message cannot leak it; only [`Secret::expose`] can.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

/// What a set secret prints as.
pub const REDACTED: &str = "<redacted>";

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The real value, for the one place that must send it (an HTTP header, a child's env).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_empty() { "\"\"" } else { REDACTED })
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_empty() { "" } else { REDACTED })
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.is_empty() { "" } else { REDACTED })
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

impl JsonSchema for Secret {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Secret".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A credential; never printed, logged or passed to tools.",
            "writeOnly": true
        })
    }
}

/// Argument names whose values are always redacted in audit rows.
const SENSITIVE_KEYS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "api_key",
    "apikey",
    "authorization",
    "credential",
    "private_key",
];

/// Prefixes of well-known credential formats.
const KEY_PREFIXES: &[&str] =
    &["sk-", "sk_live_", "ghp_", "gho_", "github_pat_", "xoxb-", "xoxp-", "AKIA", "AIza"];

/// `text` with every known secret value, and anything shaped like a well-known credential,
/// replaced by [`REDACTED`]. Known values shorter than 8 characters are ignored (too likely to
/// match ordinary words).
pub fn redact_text(text: &str, known: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in known.iter().filter(|s| s.trim().len() >= 8) {
        out = out.replace(secret, REDACTED);
    }
    redact_shapes(&out)
}

/// A JSON value (tool arguments) with values under sensitive names redacted, and
/// [`redact_text`] applied to every string.
pub fn redact_json(value: &serde_json::Value, known: &[&str]) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(redact_text(s, known)),
        Value::Array(items) => Value::Array(items.iter().map(|v| redact_json(v, known)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let lower = k.to_ascii_lowercase();
                    let sensitive = SENSITIVE_KEYS.iter().any(|s| lower.contains(s));
                    let v = if sensitive && !v.is_null() {
                        Value::String(REDACTED.into())
                    } else {
                        redact_json(v, known)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Replace tokens that look like credentials: a known prefix followed by at least 16 key
/// characters, or a Telegram bot token (`123456789:` + 30 or more key characters).
fn redact_shapes(text: &str) -> String {
    let is_key = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((start, _)) = rest.char_indices().find(|(_, c)| is_key(*c)) {
        out.push_str(&rest[..start]);
        let word_end =
            rest[start..].find(|ch: char| !is_key(ch) && ch != ':').map_or(rest.len(), |e| start + e);
        let word = &rest[start..word_end];
        if looks_like_key(word) {
            out.push_str(REDACTED);
        } else {
            out.push_str(word);
        }
        rest = &rest[word_end..];
    }
    out.push_str(rest);
    out
}

fn looks_like_key(word: &str) -> bool {
    let body =
        |s: &str| s.len() >= 16 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if let Some(p) = KEY_PREFIXES.iter().find(|p| word.starts_with(*p)) {
        return body(&word[p.len()..]);
    }
    if let Some((id, key)) = word.split_once(':') {
        return id.len() >= 6 && id.chars().all(|c| c.is_ascii_digit()) && key.len() >= 30 && body(key);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("sk-live-123");
        assert_eq!(format!("{s}"), REDACTED);
        assert_eq!(format!("{s:?}"), REDACTED);
        assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{REDACTED}\""));
        assert_eq!(s.expose(), "sk-live-123");
        assert_eq!(format!("{}", Secret::default()), "");
    }

    #[test]
    fn redaction_hides_known_secrets_and_key_shapes() {
        let known = ["my-database-password"];
        let t = redact_text(
            "curl -H 'x: sk-ant-api03-AAAAAAAAAAAAAAAAAAAA' -d my-database-password 123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0 ok",
            &known,
        );
        assert_eq!(t, format!("curl -H 'x: {REDACTED}' -d {REDACTED} {REDACTED} ok"));
        assert_eq!(redact_text("a normal sentence: with sk-short", &[]), "a normal sentence: with sk-short");
        let v = redact_json(
            &serde_json::json!({"command": "echo sk-proj-abcdefghijklmnopqrstu", "api_key": "x", "nested": [{"Password": 1}]}),
            &[],
        );
        assert_eq!(
            v,
            serde_json::json!({"command": format!("echo {REDACTED}"), "api_key": REDACTED, "nested": [{"Password": REDACTED}]})
        );
    }
}
