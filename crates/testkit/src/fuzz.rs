//! Property-based fuzzing of the parsers that read untrusted input (scorecard suite 3).
//!
//! Coverage-guided fuzzers (cargo-fuzz, AFL) need a nightly compiler for their instrumentation;
//! on stable Rust each target is a `proptest` property instead: generated inputs shaped like the
//! real ones (marker lines, Markdown, JSON bodies, SSE streams), every panic caught and shrunk to
//! a smallest failing input. Runs are reproducible: each target's random stream is seeded from
//! its name (and `OMEGA_FUZZ_SEED`, to explore further), and a failure's seed is saved in a
//! `.seeds` file beside the test, committed, and replayed first on every later run.
//!
//! `OMEGA_FUZZ_CASES` sets the inputs per target: 256 by default (the short run in CI),
//! more in `just prove`.

pub use proptest;
use proptest::strategy::Strategy;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseResult, TestError, TestRng, TestRunner,
};
use std::sync::atomic::{AtomicU64, Ordering};

/// The inputs each target runs.
pub fn cases() -> u32 {
    std::env::var("OMEGA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(256)
}

/// Run `property` on `cases()` inputs drawn from `strategy`; panic with the smallest input
/// that panicked or broke the property. `target` names what is fuzzed in the scorecard
/// ("the marker parser"), `test` the test (`module::name`). A property returns
/// `Err(TestCaseError::fail(..))` (or uses `prop_assert!`) for a broken promise; a panic inside
/// the code under test counts the same.
#[track_caller]
pub fn check<S: Strategy>(
    target: &str,
    test: &str,
    strategy: S,
    property: impl Fn(S::Value) -> TestCaseResult,
) where
    S::Value: std::fmt::Debug,
{
    let source = std::panic::Location::caller().file();
    let config = Config {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("seeds"))),
        source_file: Some(source),
        // Shrinking is bounded so a failure is reported within a minute.
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed(target)));
    let runs = AtomicU64::new(0);
    let result = runner.run(&strategy, |input| {
        runs.fetch_add(1, Ordering::Relaxed);
        property(input)
    });
    match result {
        Ok(()) => {
            let runs = runs.load(Ordering::Relaxed);
            let what = format!("{target}: inputs that panicked or broke a promise, of {runs} run");
            crate::score::record(3, &what, 0, "0", test);
        }
        Err(TestError::Fail(why, input)) => {
            panic!(
                "{target}: {why}\nsmallest failing input: {input:#?}\n(its seed is saved in the .seeds file beside {source})"
            )
        }
        Err(TestError::Abort(why)) => panic!("{target}: fuzzing stopped: {why}"),
    }
}

/// 32 bytes for ChaCha from the target's name and `OMEGA_FUZZ_SEED` (FNV-1a, spread).
fn seed(target: &str) -> [u8; 32] {
    let extra = std::env::var("OMEGA_FUZZ_SEED").unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in target.bytes().chain([0]).chain(extra.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        chunk.copy_from_slice(&h.to_le_bytes());
    }
    out
}

/// Text made of `pieces` (the syntax that matters to a parser) mixed with arbitrary characters,
/// up to `max` pieces: the shape most parser bugs hide in.
pub fn text_of(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        4 => proptest::sample::select(pieces).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => "[ -~]{0,8}",
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|v| v.concat())
}

/// A server on 127.0.0.1:0 that answers every request with the body set last, whatever it is:
/// for feeding a client's response parser generated bodies over real HTTP. One connection per
/// request (`Connection: close`), the body sent whole with its length.
#[derive(Debug)]
pub struct RawServer {
    pub port: u16,
    answer: std::sync::Arc<parking_lot::Mutex<(String, Vec<u8>)>>,
}

impl RawServer {
    pub fn start() -> Self {
        use std::io::{BufRead as _, BufReader, Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("a local address").port();
        let answer = std::sync::Arc::new(parking_lot::Mutex::new((String::from("text/plain"), Vec::new())));
        let shared = answer.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(&stream);
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let lower = line.to_ascii_lowercase();
                        if let Some(v) = lower.strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                        if line == "\r\n" || line == "\n" {
                            break;
                        }
                    }
                    let mut body = vec![0u8; length];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let (kind, bytes) = shared.lock().clone();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        bytes.len()
                    );
                    let mut out = &stream;
                    let _ = out.write_all(head.as_bytes()).and_then(|()| out.write_all(&bytes));
                });
            }
        });
        Self { port, answer }
    }

    /// Answer the next requests with `body`, as `content_type`.
    pub fn answer(&self, content_type: &str, body: impl Into<Vec<u8>>) {
        *self.answer.lock() = (content_type.to_owned(), body.into());
    }
}
