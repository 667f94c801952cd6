//! Speech to text through an OpenAI-compatible `/audio/transcriptions` endpoint (Whisper by
//! default; faster-whisper servers and others speak the same API).

use omega_core::config::{OPENAI_BASE_URL, VoiceConfig};
use serde::Deserialize;
use std::time::Duration;

use crate::error::ProviderError;

const NAME: &str = "voice";

/// Transcribe one audio file. `filename` tells the server the format (e.g. `voice.ogg`).
pub async fn transcribe(
    config: &VoiceConfig,
    audio: Vec<u8>,
    filename: &str,
    mime: &str,
) -> Result<String, ProviderError> {
    let endpoint = format!("{}/audio/transcriptions", config.base_url.trim_end_matches('/'));
    if config.base_url.trim_end_matches('/') == OPENAI_BASE_URL && config.api_key.is_empty() {
        return Err(ProviderError::NotConfigured {
            provider: NAME.into(),
            what: "no API key for transcription".into(),
            hint: "set OPENAI_API_KEY or [voice] api_key, or point [voice] base_url at a Whisper-compatible server".into(),
        });
    }
    let part = reqwest::multipart::Part::bytes(audio).file_name(filename.to_owned()).mime_str(mime).map_err(
        |e| ProviderError::Rejected {
            provider: NAME.into(),
            endpoint: endpoint.clone(),
            status: 0,
            message: e.to_string(),
        },
    )?;
    let form = reqwest::multipart::Form::new().part("file", part).text("model", config.model.clone());
    let client =
        reqwest::Client::builder().connect_timeout(Duration::from_secs(10)).build().unwrap_or_default();
    let mut rb = client.post(&endpoint).timeout(Duration::from_secs(config.timeout_secs)).multipart(form);
    if !config.api_key.is_empty() {
        rb = rb.bearer_auth(config.api_key.expose());
    }
    let resp = rb.send().await.map_err(|e| {
        if e.is_timeout() {
            ProviderError::Timeout {
                provider: NAME.into(),
                endpoint: endpoint.clone(),
                secs: config.timeout_secs,
            }
        } else {
            ProviderError::Unreachable {
                provider: NAME.into(),
                endpoint: endpoint.clone(),
                reason: e.to_string(),
            }
        }
    })?;
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap_or_default();
    if !(200..300).contains(&status) {
        // Without the key, should the server quote it.
        let said: String = body.chars().take(200).collect();
        let message = omega_core::secret::redact_text(&said, &[config.api_key.expose()]);
        return Err(match status {
            401 | 403 => ProviderError::AuthRejected { provider: NAME.into(), endpoint, status, message },
            400..=499 => ProviderError::Rejected { provider: NAME.into(), endpoint, status, message },
            _ => {
                ProviderError::Server { provider: NAME.into(), endpoint, status, message, retry_after: None }
            }
        });
    }
    #[derive(Deserialize)]
    struct Transcript {
        text: String,
    }
    let t: Transcript = serde_json::from_str(&body).map_err(|e| ProviderError::Malformed {
        provider: NAME.into(),
        endpoint: endpoint.clone(),
        detail: format!("{e}: {}", body.chars().take(200).collect::<String>()),
    })?;
    Ok(t.text.trim().to_owned())
}
