use std::time::Duration;

/// A failed provider call. Every variant names the provider, and where it helps, the endpoint.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// Nothing to call: a required setting is missing.
    #[error("provider {provider} is not configured: {what}; {hint}")]
    NotConfigured { provider: String, what: String, hint: String },
    /// The provider is switched off in the config.
    #[error("provider {provider} is disabled ([provider.{provider}] enabled = false)")]
    Disabled { provider: String },
    /// No connection could be made.
    #[error("{provider}: cannot reach {endpoint}: {reason}")]
    Unreachable { provider: String, endpoint: String, reason: String },
    /// No complete answer within the time limit.
    #[error("{provider}: no answer from {endpoint} within {secs} s")]
    Timeout { provider: String, endpoint: String, secs: u64 },
    /// 401/403: the credential is wrong. Retrying cannot help.
    #[error("the API key for {provider} was rejected by {endpoint} (HTTP {status}): {message}")]
    AuthRejected { provider: String, endpoint: String, status: u16, message: String },
    /// 429: too many requests.
    #[error("{provider}: rate limited by {endpoint}{}", retry_hint(*.retry_after))]
    RateLimited { provider: String, endpoint: String, retry_after: Option<Duration> },
    /// Any other 4xx: the request itself is wrong. Retrying cannot help.
    #[error("{provider}: {endpoint} refused the request (HTTP {status}): {message}")]
    Rejected { provider: String, endpoint: String, status: u16, message: String },
    /// 5xx or an overloaded error: the server failed.
    #[error("{provider}: {endpoint} failed (HTTP {status}): {message}")]
    Server { provider: String, endpoint: String, status: u16, message: String, retry_after: Option<Duration> },
    /// A response that does not follow the wire format.
    #[error("{provider}: unreadable response from {endpoint}: {detail}")]
    Malformed { provider: String, endpoint: String, detail: String },
    /// The stream stopped before the answer was complete. Never delivered as a short answer.
    #[error("{provider}: the answer from {endpoint} was cut off: {detail}")]
    Truncated { provider: String, endpoint: String, detail: String },
    /// The call never finished inside Omega (the provider actor crashed or was stopped).
    #[error("{provider}: the call was interrupted: {detail}")]
    Interrupted { provider: String, detail: String },
    /// The caller called the request off ([`crate::Cancel`]). Never retried, never passed on to
    /// a fallback.
    #[error("{provider}: the call was cancelled")]
    Cancelled { provider: String },
    /// Not made: it would take a sender (or everyone) over a daily spending cap. `reason` is
    /// what the person is told, in their language. Never retried, never passed on to a fallback.
    #[error("{provider}: not asked, a daily budget would be exceeded: {reason}")]
    OverBudget { provider: String, reason: String },
}

fn retry_hint(after: Option<Duration>) -> String {
    after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default()
}

impl ProviderError {
    /// Whether trying the same call again later could succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Unreachable { .. }
                | Self::Timeout { .. }
                | Self::RateLimited { .. }
                | Self::Server { .. }
                | Self::Truncated { .. }
                | Self::Interrupted { .. }
        )
    }

    /// How long the server asked us to wait before trying again, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } | Self::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The provider the error is about.
    pub fn provider(&self) -> &str {
        match self {
            Self::NotConfigured { provider, .. }
            | Self::Disabled { provider }
            | Self::Unreachable { provider, .. }
            | Self::Timeout { provider, .. }
            | Self::AuthRejected { provider, .. }
            | Self::RateLimited { provider, .. }
            | Self::Rejected { provider, .. }
            | Self::Server { provider, .. }
            | Self::Malformed { provider, .. }
            | Self::Truncated { provider, .. }
            | Self::Interrupted { provider, .. }
            | Self::Cancelled { provider }
            | Self::OverBudget { provider, .. } => provider,
        }
    }

    /// What the person who sent the message is told. Plain words, the cause, and what to do
    /// when it is a setup problem; never a credential.
    pub fn user_message(&self) -> String {
        match self {
            Self::NotConfigured { .. } | Self::Disabled { .. } | Self::AuthRejected { .. } => {
                format!("I can't answer right now: {self}.")
            }
            Self::Timeout { .. } => {
                format!("I took too long to answer ({self}). Please try again.")
            }
            Self::RateLimited { .. } => {
                format!("The AI service is busy ({self}). Please try again in a moment.")
            }
            Self::OverBudget { reason, .. } => reason.clone(),
            _ => format!("I couldn't get an answer: {self}. Please try again."),
        }
    }
}
