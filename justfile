# Omega's tasks. `just ci` is what CI runs (.ci/run adds the machine set-up).

# Run the daemon with ./omega.toml (HTTP API on 127.0.0.1:3000).
run *ARGS="start":
    cargo run --release -- {{ARGS}}

# Talk to Omega in this terminal.
chat:
    cargo run --release -- chat

test:
    cargo test --workspace --locked

# The self-contained examples, run as an embedder would.
examples:
    cargo run --locked --quiet --example custom_provider
    cargo run --locked --quiet --example custom_channel

lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings
    cargo clippy --locked -p omega --no-default-features --lib --bins -- -D warnings

fmt:
    cargo fmt --all

# Load test of the runtime and micro-benchmarks; results go in BENCHMARKS.md.
bench:
    cargo bench --bench pipeline
    cargo bench --bench scheduler
    cargo bench --bench telegram
    cargo bench --bench parsers

# The reliability scorecard: the whole test suite with every measured figure recorded (and each
# fuzz target run on 10,000 inputs instead of CI's 256, the chaos run with 30 SIGKILLs instead
# of 5, the soak for 20 minutes instead of 3), then RELIABILITY.md written from them
# (suites not measured yet are listed as such).
prove:
    rm -f target/scorecard.jsonl
    OMEGA_SCORECARD="$PWD/target/scorecard.jsonl" OMEGA_FUZZ_CASES=10000 OMEGA_CHAOS_KILLS=30 OMEGA_SOAK_SECS=1200 cargo test --workspace --locked
    cargo run -q --locked -p omega-testkit --bin scorecard -- target/scorecard.jsonl > RELIABILITY.md

# Regenerate the config JSON Schema after changing the config model.
schema:
    cargo run -q -- config schema > schemas/config.schema.json

ci: lint test examples
