//! Text messages to customers (the one-time code that confirms a phone number). Pluggable by
//! configuration: a webhook that receives `{"to", "text"}` as JSON (an SMS gateway, or an
//! adapter in front of one), else an outbox file in the data dir for a server nobody has set
//! up for SMS yet. The text is never logged: it holds a code.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use crate::config::Config;

/// Where a message went, for the admin's loyalty page.
pub fn describe(config: &Config) -> String {
    match &config.sms_webhook {
        Some(url) => url.clone(),
        None => outbox(config).display().to_string(),
    }
}

fn outbox(config: &Config) -> std::path::PathBuf {
    config.data_dir.join("sms-outbox.txt")
}

#[derive(Serialize)]
struct Message<'a> {
    to: &'a str,
    text: &'a str,
}

/// Sends `text` to the phone number `to` (E.164, `+98…`).
pub async fn send(config: &Config, to: &str, text: &str) -> Result<(), String> {
    match &config.sms_webhook {
        Some(url) => {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| e.to_string())?;
            let response = client
                .post(url)
                .json(&Message { to, text })
                .send()
                .await
                .map_err(|e| format!("the SMS webhook did not answer: {e}"))?;
            if response.status().is_success() {
                Ok(())
            } else {
                Err(format!("the SMS webhook answered {}", response.status()))
            }
        }
        None => {
            let line = serde_json::to_string(&Message { to, text }).map_err(|e| e.to_string())?;
            let path = outbox(config);
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            writeln!(file, "{line}").map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
    }
}
