//! What every HTTP provider shares: the client, and turning transport failures, error statuses
//! and unreadable bodies into [`ProviderError`]s that name the provider and the endpoint.

use serde::Deserialize;
use std::time::Duration;

use crate::error::ProviderError;

/// The HTTP client providers use: rustls, a connect timeout, our user agent.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("omega/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// One endpoint of one provider, for error reporting.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Endpoint<'a> {
    pub provider: &'a str,
    pub url: &'a str,
    pub timeout_secs: u64,
    /// The provider's key: a server that quotes it in an error ("Incorrect API key provided:
    /// sk-...") must not put it in Omega's logs, audit or replies.
    pub key: &'a str,
}

impl Endpoint<'_> {
    /// What the server said, without the key or anything shaped like a credential.
    fn clean(&self, said: &str) -> String {
        omega_core::secret::redact_text(said, &[self.key])
    }

    pub fn transport(&self, e: &reqwest::Error) -> ProviderError {
        if e.is_timeout() {
            return ProviderError::Timeout {
                provider: self.provider.to_owned(),
                endpoint: self.url.to_owned(),
                secs: self.timeout_secs,
            };
        }
        ProviderError::Unreachable {
            provider: self.provider.to_owned(),
            endpoint: self.url.to_owned(),
            reason: root_cause(e),
        }
    }

    /// A failure while reading a streamed body: the answer was cut off.
    pub fn cut(&self, e: &reqwest::Error) -> ProviderError {
        match self.transport(e) {
            ProviderError::Unreachable { provider, endpoint, reason } => {
                ProviderError::Truncated { provider, endpoint, detail: reason }
            }
            other => other,
        }
    }

    /// A non-2xx response as the matching error; `retry-after` (seconds) is kept.
    pub async fn status(&self, resp: reqwest::Response) -> ProviderError {
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64);
        let body = resp.text().await.unwrap_or_default();
        let message = self.clean(&error_message(&body));
        let (provider, endpoint) = (self.provider.to_owned(), self.url.to_owned());
        match status {
            401 | 403 => ProviderError::AuthRejected { provider, endpoint, status, message },
            429 => ProviderError::RateLimited { provider, endpoint, retry_after },
            400..=499 => ProviderError::Rejected { provider, endpoint, status, message },
            _ => ProviderError::Server { provider, endpoint, status, message, retry_after },
        }
    }

    pub fn malformed(&self, detail: impl Into<String>) -> ProviderError {
        ProviderError::Malformed {
            provider: self.provider.to_owned(),
            endpoint: self.url.to_owned(),
            detail: self.clean(&detail.into()),
        }
    }

    pub fn truncated(&self, detail: impl Into<String>) -> ProviderError {
        ProviderError::Truncated {
            provider: self.provider.to_owned(),
            endpoint: self.url.to_owned(),
            detail: self.clean(&detail.into()),
        }
    }

    /// An error event inside a 200 stream.
    pub fn in_stream(&self, message: String) -> ProviderError {
        ProviderError::Server {
            provider: self.provider.to_owned(),
            endpoint: self.url.to_owned(),
            status: 200,
            message: self.clean(&message),
            retry_after: None,
        }
    }
}

/// The innermost error's text: "connection refused", not "error sending request".
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// An error body's message. OpenAI (`{"error":{"message"}}`), Anthropic
/// (`{"type":"error","error":{"type","message"}}`) and Gemini (`{"error":{"code","message"}}`) all
/// put it at `error.message`; Ollama sends `{"error":"..."}`; anything else is shown as the start
/// of the body.
pub(crate) fn error_message(body: &str) -> String {
    #[derive(Deserialize)]
    struct Flat {
        error: String,
    }
    if let Ok(f) = serde_json::from_str::<Flat>(body) {
        return f.error;
    }
    #[derive(Deserialize)]
    struct Wrapper {
        error: Inner,
    }
    #[derive(Deserialize)]
    struct Inner {
        message: Option<String>,
    }
    if let Ok(w) = serde_json::from_str::<Wrapper>(body)
        && let Some(m) = w.error.message
    {
        return m;
    }
    let p = preview(body);
    if p.is_empty() { "(empty body)".into() } else { p }
}

/// The first 200 characters.
pub(crate) fn preview(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
