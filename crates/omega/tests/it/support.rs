use omega::{Config, Runtime};
use omega_testkit::{FakeOpenAi, TempHome};

/// A config for tests: data in `home`, the provider at `fake`, the API on a free port.
pub fn config(home: &TempHome, fake: &FakeOpenAi) -> Config {
    let mut c = Config::default();
    c.omega.data_dir = home.data_dir().display().to_string();
    c.omega.timezone = "UTC".into();
    c.provider.openai.base_url = fake.base_url();
    c.provider.openai.model = "test-model".into();
    c.provider.openai.timeout_secs = 10;
    c.api.port = 0;
    c
}

/// Start a runtime with a local channel "app" and the HTTP API on a free port.
pub async fn start(c: Config) -> Runtime {
    Runtime::builder(c)
        .http(true)
        .local_channel("app")
        .start()
        .await
        .expect("runtime starts")
}

pub fn http_base(rt: &Runtime) -> String {
    format!("http://{}", rt.http_addr().expect("http enabled"))
}
