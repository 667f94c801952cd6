//! `web_fetch` and `web_search` against the fake web on loopback: real HTTP, with a fixed DNS
//! table standing in for the world's (`site.test` is "a public site", served by the fake).

use omega_core::Secret;
use omega_providers::web::WebError;
use omega_providers::web::egress::Egress;
use omega_providers::web::fetch::{FetchLimits, Fetcher, StaticDns};
use omega_providers::web::search::{Backend, Searcher};
use omega_testkit::web::{FakeWeb, SEARCH_KEY};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

const LIMITS: FetchLimits = FetchLimits {
    timeout: Duration::from_secs(3),
    max_bytes: 1_000_000,
    max_chars: 20_000,
    max_redirects: 5,
};

fn dns() -> Arc<StaticDns> {
    let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
    let mut t = std::collections::HashMap::new();
    t.insert("site.test".into(), vec![ip("127.0.0.1")]);
    t.insert("intranet.test".into(), vec![ip("10.20.30.40")]);
    t.insert("rebind.test".into(), vec![ip("127.0.0.1")]);
    t.insert("localhost".into(), vec![ip("127.0.0.1"), ip("::1")]);
    t.insert("metadata.test".into(), vec![ip("169.254.169.254")]);
    Arc::new(StaticDns(t))
}

/// `site.test` is let through by name (the fake lives on loopback); nothing else is.
fn fetcher(limits: FetchLimits) -> Fetcher {
    Fetcher::new(Egress::new(&["site.test".into()], &["blocked.test".into()]), limits, dns())
}

#[tokio::test]
async fn a_page_comes_back_as_readable_text_without_its_markup() {
    let web = FakeWeb::start();
    let page = fetcher(LIMITS).fetch(&format!("{}/weather", web.url("site.test")), false).await.unwrap();
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Lisbon today") && page.text.contains("21 °C"), "{}", page.text);
    assert!(page.text.contains("Tomorrow: 19 °C"), "{}", page.text);
    assert!(!page.text.contains("track()") && !page.text.contains("color:red") && !page.text.contains("<p>"));
    let framed = page.for_model();
    assert!(framed.contains("Untrusted content from the web") && framed.contains("HTTP 200"), "{framed}");
    let head = fetcher(LIMITS).fetch(&format!("{}/weather", web.url("site.test")), true).await.unwrap();
    assert_eq!((head.status, head.text.as_str()), (200, ""), "HEAD reads no body");
}

#[tokio::test]
async fn redirects_are_followed_each_under_the_same_rules() {
    let web = FakeWeb::start();
    let f = fetcher(LIMITS);
    let page = f.fetch(&format!("{}/chain/3", web.url("site.test")), false).await.unwrap();
    assert!(page.url.ends_with("/weather") && page.text.contains("Lisbon today"), "{page:?}");
    assert_eq!(
        f.fetch(&format!("{}/chain/9", web.url("site.test")), false).await.unwrap_err(),
        WebError::Redirects(5)
    );
    // A redirect to the loopback address, to a name on the home network, to cloud metadata,
    // to a denied host: each refused, and nothing was requested there.
    let base = web.url("site.test");
    for to in [
        format!("http://127.0.0.1:{}/weather", web.port()),
        format!("http://[::1]:{}/weather", web.port()),
        format!("http://localhost:{}/weather", web.port()),
        format!("http://intranet.test:{}/weather", web.port()),
        "http://metadata.test/latest/meta-data/".to_owned(),
        format!("http://rebind.test:{}/weather", web.port()),
        format!("http://blocked.test:{}/weather", web.port()),
        "file:///etc/passwd".to_owned(),
    ] {
        let before = web.seen().len();
        let err = f.fetch(&format!("{base}/redirect?to={to}"), false).await.unwrap_err();
        assert!(matches!(err, WebError::Refused(_) | WebError::BadUrl(_)), "{to}: {err}");
        assert_eq!(web.seen().len(), before + 1, "{to}: only the redirect itself was requested");
    }
}

#[tokio::test]
async fn addresses_of_the_home_network_are_refused_unless_allowed_by_name() {
    let web = FakeWeb::start();
    let f = fetcher(LIMITS);
    let err = f.fetch(&format!("http://127.0.0.1:{}/weather", web.port()), false).await.unwrap_err();
    assert!(err.to_string().contains("127.0.0.1 is a loopback address"), "{err}");
    let err = f.fetch(&format!("http://rebind.test:{}/weather", web.port()), false).await.unwrap_err();
    assert!(err.to_string().contains("rebind.test resolves to 127.0.0.1, a loopback address"), "{err}");
    let err = f.fetch("http://metadata.test/", false).await.unwrap_err();
    assert!(err.to_string().contains("link-local"), "{err}");
    assert!(web.seen().is_empty(), "nothing reached the server: {:?}", web.seen());
    // The owner's own service, allowed by its address.
    let mine = Fetcher::new(Egress::new(&["127.0.0.1".into()], &[]), LIMITS, dns());
    assert_eq!(
        mine.fetch(&format!("http://127.0.0.1:{}/weather", web.port()), false).await.unwrap().status,
        200
    );
}

#[tokio::test]
async fn a_huge_body_is_cut_a_silent_server_times_out_and_binary_is_described() {
    let web = FakeWeb::start();
    let f = fetcher(LIMITS);
    let page = f.fetch(&format!("{}/big", web.url("site.test")), false).await.unwrap();
    assert_eq!(page.bytes, 1_000_000, "reading stopped at the cap, not at 50 MB");
    assert!(page.cut && page.text.chars().count() == 20_000, "{} chars", page.text.len());
    assert!(page.for_model().contains("cut at the size limit"));
    let quick = fetcher(FetchLimits { timeout: Duration::from_millis(700), ..LIMITS });
    let started = std::time::Instant::now();
    let err = quick.fetch(&format!("{}/slow", web.url("site.test")), false).await.unwrap_err();
    assert_eq!(err, WebError::Timeout(0));
    assert!(started.elapsed() < Duration::from_secs(30), "the fetch was abandoned, not waited out");
    let png = f.fetch(&format!("{}/image.png", web.url("site.test")), false).await.unwrap();
    let n = omega_testkit::PNG_1X1.len();
    assert_eq!(png.text, format!("(binary content, image/png, {n} bytes: not shown)"));
}

#[tokio::test]
async fn each_search_backend_speaks_its_own_api() {
    let web = FakeWeb::start();
    let timeout = Duration::from_secs(5);
    let searx =
        Searcher::new(Backend::SearXng { url: format!("{}/searxng", web.url("127.0.0.1")) }, 5, timeout);
    let hits = searx.search("weather in Lisbon").await.unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(
        (hits[0].title.as_str(), hits[0].url.as_str()),
        ("Lisbon weather", "https://weather.example/lisbon")
    );
    assert!(web.seen().last().unwrap().contains("q=weather+in+Lisbon&format=json"), "{:?}", web.seen());

    let key = Secret::new(SEARCH_KEY);
    let brave = Backend::Brave { url: format!("{}/brave", web.url("127.0.0.1")), key: key.clone() };
    let hits = Searcher::new(brave, 2, timeout).search("Lisbon").await.unwrap();
    assert_eq!(hits.len(), 2, "count is asked for and honoured");
    assert_eq!(hits[0].snippet, "Lisbon weather: sunny & 21 °C", "the markup of snippets is removed");
    assert!(web.seen().last().unwrap().contains("count=2"));
    let wrong = Backend::Brave { url: format!("{}/brave", web.url("127.0.0.1")), key: Secret::new("nope") };
    let err = Searcher::new(wrong, 2, timeout).search("Lisbon").await.unwrap_err();
    assert!(err.to_string().contains("HTTP 401 (the API key was refused)"), "{err}");

    let tavily = Backend::Tavily { url: format!("{}/tavily", web.url("127.0.0.1")), key };
    let hits = Searcher::new(tavily, 3, timeout).search("Lisbon weather").await.unwrap();
    assert_eq!(hits[0].snippet, "Sunny, 21 °C.");
    assert!(
        web.seen().iter().any(|s| s == "tavily query: Lisbon weather; max_results: 3"),
        "{:?}",
        web.seen()
    );

    // SearXNG without its JSON format turned on: said plainly.
    let off =
        Searcher::new(Backend::SearXng { url: format!("{}/searxng-off", web.url("127.0.0.1")) }, 5, timeout);
    assert!(off.search("x").await.is_err());
}
