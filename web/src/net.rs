//! The browser player's side of `/api/player/v1`, over `fetch` (the page's own origin, so no
//! CORS). The same endpoints, conditional requests and error classes as the native client.

use std::fmt;

use js_sys::{Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use vitrin_shared::events::{
    CommandAck, Heartbeat, HeartbeatReply, PairingStarted, PairingStatus, PlaysReply,
    ProofOfPlayBatch, PushEvent, SseDecoder,
};
use vitrin_shared::manifest::Manifest;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, ReadableStreamDefaultReader, RequestInit, Response};

/// Ordinary requests; long polls add their wait. The push stream has no deadline (the server
/// sends a keep-alive comment every 15 s; `STREAM_SILENCE` catches a dead one).
const REQUEST_MS: u32 = 30_000;
/// No byte on the push stream for this long means it is dead.
pub const STREAM_SILENCE_MS: u32 = 45_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The device token is unknown or revoked: back to pairing.
    Unauthorized,
    NotFound,
    /// The pairing code expired.
    Gone,
    Status {
        status: u16,
        detail: String,
    },
    Network(String),
    Decode(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unauthorized => {
                f.write_str("the server does not know this screen (token revoked?)")
            }
            ApiError::NotFound => f.write_str("not found"),
            ApiError::Gone => f.write_str("the pairing code expired"),
            ApiError::Status { status, detail } => {
                write!(f, "the server answered {status}: {detail}")
            }
            ApiError::Network(e) => write!(f, "cannot reach the server: {e}"),
            ApiError::Decode(e) => write!(f, "unexpected answer: {e}"),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A JS exception as text.
pub fn js_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            Reflect::get(e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

fn network(e: JsValue) -> ApiError {
    ApiError::Network(js_text(&e))
}

/// The server, optionally with a device token. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Api {
    /// Where the API lives: the page's origin plus the server's base path ("" or "/vitrin").
    pub base: String,
    token: Option<String>,
}

impl Api {
    pub fn new(base: String) -> Api {
        Api { base, token: None }
    }

    pub fn with_token(&self, token: &str) -> Api {
        Api {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    /// Sends a request; `timeout_ms` 0 means none. Non-success answers (but 304) are errors.
    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<JsValue>,
        timeout_ms: u32,
    ) -> ApiResult<Response> {
        let init = RequestInit::new();
        init.set_method(method);
        let h = Headers::new().map_err(network)?;
        if let Some(token) = &self.token {
            h.set("authorization", &format!("Bearer {token}"))
                .map_err(network)?;
        }
        for (name, value) in headers {
            h.set(name, value).map_err(network)?;
        }
        init.set_headers(&h);
        // The browser's HTTP cache must not answer for the server: the player does its own
        // conditional requests, and a stale 200 would hide a publish.
        init.set_cache(web_sys::RequestCache::NoStore);
        if let Some(body) = &body {
            init.set_body(body);
        }
        let abort = AbortController::new().map_err(network)?;
        init.set_signal(Some(&abort.signal()));
        let timer = (timeout_ms > 0).then(|| crate::timer::abort_after(&abort, timeout_ms));
        let url = format!("{}{path}", self.base);
        let fetched = JsFuture::from(crate::window().fetch_with_str_and_init(&url, &init)).await;
        drop(timer);
        let response: Response = fetched.map_err(network)?.unchecked_into();
        let status = response.status();
        if (200..300).contains(&status) || status == 304 {
            return Ok(response);
        }
        Err(match status {
            401 => ApiError::Unauthorized,
            404 => ApiError::NotFound,
            410 => ApiError::Gone,
            _ => {
                let detail = match response.json() {
                    Ok(promise) => JsFuture::from(promise)
                        .await
                        .ok()
                        .and_then(|v| Reflect::get(&v, &"detail".into()).ok())
                        .and_then(|d| d.as_string()),
                    Err(_) => None,
                };
                ApiError::Status {
                    status,
                    detail: detail.unwrap_or_else(|| "no detail".into()),
                }
            }
        })
    }

    async fn json<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&impl Serialize>,
        timeout_ms: u32,
    ) -> ApiResult<T> {
        let (headers, body): (&[(&str, &str)], _) = match body {
            Some(body) => (
                &[("content-type", "application/json")],
                Some(JsValue::from_str(
                    &serde_json::to_string(body).expect("requests serialize"),
                )),
            ),
            None => (&[], None),
        };
        let response = self.send(method, path, headers, body, timeout_ms).await?;
        let bytes = body_bytes(&response).await?;
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Decode(e.to_string()))
    }

    pub async fn pair_start(&self) -> ApiResult<PairingStarted> {
        self.json("POST", "/api/player/v1/pair", None::<&()>, REQUEST_MS)
            .await
    }

    pub async fn pair_status(&self, secret: &str, wait_secs: u32) -> ApiResult<PairingStatus> {
        self.json(
            "POST",
            &format!("/api/player/v1/pair/status?wait={wait_secs}"),
            Some(&serde_json::json!({ "secret": secret })),
            REQUEST_MS + wait_secs * 1000,
        )
        .await
    }

    /// The manifest (parsed, with its raw JSON and ETag), or `None` when it still has `etag`.
    pub async fn manifest(&self, etag: Option<&str>) -> ApiResult<Option<(Manifest, String)>> {
        let headers: Vec<(&str, &str)> = etag.map(|e| ("if-none-match", e)).into_iter().collect();
        let response = self
            .send("GET", "/api/player/v1/manifest", &headers, None, REQUEST_MS)
            .await?;
        if response.status() == 304 {
            return Ok(None);
        }
        let etag = response
            .headers()
            .get("etag")
            .ok()
            .flatten()
            .unwrap_or_default();
        let bytes = body_bytes(&response).await?;
        let manifest = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::Decode(format!("the manifest does not parse: {e}")))?;
        Ok(Some((manifest, etag)))
    }

    /// A whole blob. (Range resume is the native player's: a browser gets a blob in one
    /// response and keeps it only once its sha256 matches.)
    pub async fn media(&self, sha256: &str) -> ApiResult<Vec<u8>> {
        let response = self
            .send(
                "GET",
                &format!("/api/player/v1/media/{sha256}"),
                &[],
                None,
                0,
            )
            .await?;
        body_bytes(&response).await
    }

    /// The manifest of an admin's preview (`screens/1/manifest`, `layouts/2/preview`,
    /// `content/3/preview`), with the admin's session cookie.
    pub async fn preview_manifest(&self, path: &str) -> ApiResult<Manifest> {
        self.json("GET", &format!("/api/v1/{path}"), None::<&()>, REQUEST_MS)
            .await
    }

    /// A blob of the admin's media library, for a preview.
    pub async fn preview_media(&self, sha256: &str) -> ApiResult<Vec<u8>> {
        let response = self
            .send(
                "GET",
                &format!("/api/v1/preview/media/{sha256}"),
                &[],
                None,
                0,
            )
            .await?;
        body_bytes(&response).await
    }

    /// The server's clock (no token needed).
    pub async fn time(&self) -> ApiResult<vitrin_shared::clock::TimeReply> {
        self.json("GET", "/api/player/v1/time", None::<&()>, REQUEST_MS)
            .await
    }

    pub async fn heartbeat(&self, beat: &Heartbeat) -> ApiResult<HeartbeatReply> {
        self.json("POST", "/api/player/v1/heartbeat", Some(beat), REQUEST_MS)
            .await
    }

    pub async fn plays(&self, batch: &ProofOfPlayBatch) -> ApiResult<PlaysReply> {
        self.json("POST", "/api/player/v1/plays", Some(batch), REQUEST_MS)
            .await
    }

    pub async fn ack(&self, ack: &CommandAck) -> ApiResult<()> {
        let body = JsValue::from_str(&serde_json::to_string(ack).expect("acks serialize"));
        self.send(
            "POST",
            "/api/player/v1/acks",
            &[("content-type", "application/json")],
            Some(body),
            REQUEST_MS,
        )
        .await?;
        Ok(())
    }

    pub async fn screenshot(&self, png: &[u8]) -> ApiResult<()> {
        let body: JsValue = Uint8Array::from(png).into();
        self.send(
            "PUT",
            "/api/player/v1/screenshot",
            &[("content-type", "image/png")],
            Some(body),
            REQUEST_MS,
        )
        .await?;
        Ok(())
    }

    /// Opens the push stream (fetch, not EventSource: EventSource cannot send the token).
    pub async fn events(&self, last_event_id: Option<&str>) -> ApiResult<EventStream> {
        let headers: Vec<(&str, &str)> = last_event_id
            .map(|id| ("last-event-id", id))
            .into_iter()
            .collect();
        let response = self
            .send("GET", "/api/player/v1/events", &headers, None, 0)
            .await?;
        let body = response
            .body()
            .ok_or_else(|| ApiError::Decode("the push stream has no body".into()))?;
        Ok(EventStream {
            reader: body.get_reader().unchecked_into(),
            decoder: SseDecoder::default(),
        })
    }
}

/// The whole body of `response`.
async fn body_bytes(response: &Response) -> ApiResult<Vec<u8>> {
    let buffer = JsFuture::from(response.array_buffer().map_err(network)?)
        .await
        .map_err(network)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// A `text/event-stream` read from a fetch body.
pub struct EventStream {
    reader: ReadableStreamDefaultReader,
    decoder: SseDecoder,
}

impl EventStream {
    /// The next event with its id; `Ok(None)` when the server closed the stream.
    pub async fn next(&mut self) -> ApiResult<Option<(String, PushEvent)>> {
        loop {
            if let Some(event) = self.decoder.next_event() {
                return Ok(Some(event));
            }
            let read = JsFuture::from(self.reader.read());
            let chunk = match crate::timer::within(read, STREAM_SILENCE_MS).await {
                Some(chunk) => chunk.map_err(network)?,
                None => {
                    let _ = self.reader.cancel();
                    return Err(ApiError::Network("the push stream went silent".into()));
                }
            };
            let done = Reflect::get(&chunk, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if done {
                return Ok(None);
            }
            let value = Reflect::get(&chunk, &"value".into()).map_err(network)?;
            self.decoder.feed(&Uint8Array::new(&value).to_vec());
        }
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        let _ = self.reader.cancel();
    }
}
