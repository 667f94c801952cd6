//! The web tools of the HTTP providers' tool loop: `web_fetch` through the egress rules, and
//! `web_search` through a configured backend (SearXNG, Brave, Tavily).

pub mod egress;
pub mod fetch;
pub mod search;

/// What went wrong, said so the model (and the person) can act on it.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WebError {
    #[error("not fetched: {0}")]
    Refused(String),
    #[error("not a URL Omega fetches: {0}")]
    BadUrl(String),
    #[error("gave up after {0} s")]
    Timeout(u64),
    #[error("more than {0} redirects")]
    Redirects(u32),
    #[error("{url}: {reason}")]
    Network { url: String, reason: String },
    #[error("the search failed: {0}")]
    Search(String),
}

impl WebError {
    fn from_reqwest(url: &reqwest::Url, e: reqwest::Error) -> Self {
        // The resolver's refusal comes back wrapped: say it as a refusal.
        let mut source: Option<&dyn std::error::Error> = Some(&e);
        let mut deepest = e.to_string();
        while let Some(s) = source {
            deepest = s.to_string();
            source = s.source();
        }
        if deepest.contains("refused ([web] allow") || deepest.contains("[web] deny") {
            return Self::Refused(deepest);
        }
        if e.is_timeout() {
            return Self::Network { url: url.to_string(), reason: "timed out".into() };
        }
        Self::Network { url: url.to_string(), reason: deepest }
    }
}
