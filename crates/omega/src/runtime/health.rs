//! Provider health in the background, for `/api/health` and the log.

use super::*;

/// Check the provider in the background and say plainly what is wrong, if anything. A failure
/// that can pass (a server not up yet, the local model still being installed) is checked again
/// after 10 s, then less often, until it passes, so the health others read follows it.
pub(super) fn spawn_provider_check(tree: Tree, status: SharedProviderStatus, name: String) {
    actix_rt::spawn(async move {
        let mut wait = Duration::from_secs(10);
        loop {
            let result = tree.provider_check.send(CheckProvider).await;
            let again = {
                let mut s = status.write();
                match result {
                    Ok(Ok(())) => {
                        tracing::info!(provider = %name, "provider is reachable");
                        s.status = "ok".into();
                        s.detail = None;
                        false
                    }
                    Ok(Err(e)) if e.is_transient() => {
                        if s.status != "unavailable" {
                            tracing::warn!(provider = %name, "provider is not usable yet: {e}. It is checked again in {} s", wait.as_secs());
                        }
                        s.status = "unavailable".into();
                        s.detail = Some(e.to_string());
                        true
                    }
                    Ok(Err(e)) => {
                        tracing::warn!(
                            provider = %name,
                            "provider is not usable: {e}. Messages will be answered with this error until it is fixed \
                             (configure [provider.{name}] in omega.toml, see `omega config check`)"
                        );
                        s.status = "unavailable".into();
                        s.detail = Some(e.to_string());
                        false
                    }
                    Err(e) => {
                        s.status = "unavailable".into();
                        s.detail = Some(format!("provider actor not running: {e}"));
                        false
                    }
                }
            };
            if !again {
                return;
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(300));
        }
    });
}

/// Check every fallback provider at start and then every five minutes (a cheap call each: a
/// model list, `claude --version`), for `/api/health`.
pub(super) fn spawn_fallback_checks(
    status: SharedProviderStatus,
    fallbacks: Vec<Arc<dyn Provider>>,
) -> actix_rt::task::JoinHandle<()> {
    actix_rt::spawn(async move {
        loop {
            let mut out = Vec::with_capacity(fallbacks.len());
            for p in &fallbacks {
                let (state, detail) = match p.check().await {
                    Ok(()) => ("ok", None),
                    Err(e) => ("unavailable", Some(e.to_string())),
                };
                out.push(ProviderStatus {
                    name: p.name().to_owned(),
                    status: state.into(),
                    detail,
                    fallbacks: Vec::new(),
                });
            }
            status.write().fallbacks = out;
            tokio::time::sleep(Duration::from_secs(300)).await;
        }
    })
}
