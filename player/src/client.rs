//! The player's side of `/api/player/v1`: one method per endpoint, errors a caller can act on.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH, RANGE};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use vitrin_shared::events::{
    CommandAck, Heartbeat, PlaysReply, ProofOfPlayBatch, PushEvent, SseDecoder,
};
use vitrin_shared::manifest::Manifest;

use crate::ServerUrl;
use crate::tls::{Pins, Trust};

/// No byte for this long on any connection means it is dead. The push stream sends a
/// keep-alive comment every 15 s, so a live stream never trips it.
const READ_TIMEOUT: Duration = Duration::from_secs(45);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Ordinary requests; long polls add their wait.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The device token is unknown or revoked: back to pairing.
    #[error("the server does not know this screen (token revoked?)")]
    Unauthorized,
    #[error("not found")]
    NotFound,
    /// The pairing code expired.
    #[error("the pairing code expired")]
    Gone,
    #[error("the server answered {status}: {detail}")]
    Status { status: u16, detail: String },
    #[error("cannot reach the server: {0}")]
    Network(String),
    /// The server answered, but it is not the one this screen trusts (certificate or pin).
    #[error("{0}")]
    Untrusted(String),
    #[error("unexpected answer: {0}")]
    Decode(String),
}

impl From<reqwest::Error> for ApiError {
    fn from(e: reqwest::Error) -> Self {
        if let Some(reason) = crate::tls::explain(&e) {
            ApiError::Untrusted(reason)
        } else if e.is_decode() {
            ApiError::Decode(e.to_string())
        } else {
            ApiError::Network(e.to_string())
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, Clone, Deserialize)]
pub struct Health {
    pub version: String,
    pub api_version: u64,
}

pub use vitrin_shared::events::{HeartbeatReply, PairingStarted, PairingStatus};

/// A client for one server, with or without a device token. Cheap to clone.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    pins: Pins,
    base: String,
    token: Option<String>,
}

impl Api {
    /// A client of `server` trusting what `trust` says; fails on an unreadable CA file.
    pub fn new(server: &ServerUrl, trust: &Trust) -> Result<Api, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .user_agent(concat!("vitrin-player/", env!("CARGO_PKG_VERSION")))
            .use_preconfigured_tls(trust.client_config()?)
            // An https server is never left for plain http, not even by a redirect.
            .https_only(server.is_https())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Api {
            http,
            pins: trust.pins.clone(),
            base: server.to_string(),
            token: None,
        })
    }

    /// The key pins this client checks (empty: it trusts CAs).
    pub fn pins(&self) -> &Pins {
        &self.pins
    }

    pub fn with_token(&self, token: &str) -> Api {
        Api {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.http.request(method, self.url(path));
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Turns non-success answers into errors; 2xx and 304 pass.
    async fn check(response: reqwest::Response) -> ApiResult<reqwest::Response> {
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            return Ok(response);
        }
        Err(match status {
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized,
            StatusCode::NOT_FOUND => ApiError::NotFound,
            StatusCode::GONE => ApiError::Gone,
            _ => {
                let body: serde_json::Value = response.json().await.unwrap_or_default();
                ApiError::Status {
                    status: status.as_u16(),
                    detail: body["detail"].as_str().unwrap_or("no detail").to_owned(),
                }
            }
        })
    }

    async fn json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> ApiResult<T> {
        let response = Self::check(request.timeout(REQUEST_TIMEOUT).send().await?).await?;
        Ok(response.json().await?)
    }

    pub async fn health(&self) -> ApiResult<Health> {
        Self::json(self.request(reqwest::Method::GET, "/healthz")).await
    }

    pub async fn pair_start(&self) -> ApiResult<PairingStarted> {
        Self::json(self.request(reqwest::Method::POST, "/api/player/v1/pair")).await
    }

    pub async fn pair_status(&self, secret: &str, wait_secs: u64) -> ApiResult<PairingStatus> {
        let request = self
            .request(
                reqwest::Method::POST,
                &format!("/api/player/v1/pair/status?wait={wait_secs}"),
            )
            .json(&serde_json::json!({ "secret": secret }))
            .timeout(REQUEST_TIMEOUT + Duration::from_secs(wait_secs));
        Ok(Self::check(request.send().await?).await?.json().await?)
    }

    /// The manifest, or `None` when it still has `etag` (after waiting up to `wait_secs`).
    /// A manifest that does not parse is an error: the caller keeps what it has.
    pub async fn manifest(
        &self,
        etag: Option<&str>,
        wait_secs: u64,
    ) -> ApiResult<Option<(Manifest, String)>> {
        let mut request = self
            .request(
                reqwest::Method::GET,
                &format!("/api/player/v1/manifest?wait={wait_secs}"),
            )
            .timeout(REQUEST_TIMEOUT + Duration::from_secs(wait_secs));
        if let Some(etag) = etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        let response = Self::check(request.send().await?).await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = response.bytes().await?;
        let manifest = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::Decode(format!("the manifest does not parse: {e}")))?;
        Ok(Some((manifest, etag)))
    }

    /// Starts downloading a blob from byte `from` (0 for all of it). The answer is 206 when
    /// the server honoured the range, 200 when it sends everything.
    pub async fn media(&self, sha256: &str, from: u64) -> ApiResult<reqwest::Response> {
        let mut request = self.request(
            reqwest::Method::GET,
            &format!("/api/player/v1/media/{sha256}"),
        );
        if from > 0 {
            request = request.header(RANGE, format!("bytes={from}-"));
        }
        Self::check(request.send().await?).await
    }

    /// The server's clock (no token needed).
    pub async fn time(&self) -> ApiResult<vitrin_shared::clock::TimeReply> {
        Self::json(self.request(reqwest::Method::GET, "/api/player/v1/time")).await
    }

    pub async fn heartbeat(&self, beat: &Heartbeat) -> ApiResult<HeartbeatReply> {
        Self::json(
            self.request(reqwest::Method::POST, "/api/player/v1/heartbeat")
                .json(beat),
        )
        .await
    }

    pub async fn plays(&self, batch: &ProofOfPlayBatch) -> ApiResult<PlaysReply> {
        Self::json(
            self.request(reqwest::Method::POST, "/api/player/v1/plays")
                .json(batch),
        )
        .await
    }

    pub async fn ack(&self, ack: &CommandAck) -> ApiResult<()> {
        let request = self
            .request(reqwest::Method::POST, "/api/player/v1/acks")
            .json(ack)
            .timeout(REQUEST_TIMEOUT);
        Self::check(request.send().await?).await?;
        Ok(())
    }

    pub async fn screenshot(&self, png: Vec<u8>) -> ApiResult<()> {
        let request = self
            .request(reqwest::Method::PUT, "/api/player/v1/screenshot")
            .header(reqwest::header::CONTENT_TYPE, "image/png")
            .body(png)
            .timeout(REQUEST_TIMEOUT);
        Self::check(request.send().await?).await?;
        Ok(())
    }

    /// Opens the push stream, resuming after `last_event_id` when given.
    pub async fn events(&self, last_event_id: Option<&str>) -> ApiResult<EventStream> {
        let mut request = self.request(reqwest::Method::GET, "/api/player/v1/events");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = Self::check(request.send().await?).await?;
        Ok(EventStream {
            response,
            decoder: SseDecoder::default(),
        })
    }
}

/// A `text/event-stream` reader.
pub struct EventStream {
    response: reqwest::Response,
    decoder: SseDecoder,
}

impl EventStream {
    /// The next event with its id; `Ok(None)` when the server closed the stream.
    pub async fn next(&mut self) -> ApiResult<Option<(String, PushEvent)>> {
        loop {
            if let Some(event) = self.decoder.next_event() {
                return Ok(Some(event));
            }
            match self.response.chunk().await? {
                Some(bytes) => self.decoder.feed(&bytes),
                None => return Ok(None),
            }
        }
    }
}
