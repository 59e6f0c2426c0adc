//! The manifest (ETag, 304, long-poll) and media blobs (Range, immutable caching).

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vitrin_shared::manifest::Manifest;

use super::pairing::{MAX_WAIT_SECS, Wait};
use super::{Device, seen};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::ApiQuery;
use crate::media::blobs::blob_key;
use crate::state::AppState;

/// The screen's manifest version and content hash.
async fn current(state: &AppState, device: Device) -> ApiResult<(u64, String)> {
    if let Some(known) = state.device_cache.known_version(device.screen) {
        return Ok(known);
    }
    // Subscribed before reading: a change committed after the read wakes the receiver. After
    // a publish every screen asks at once: the reads are batched.
    let changes = state.push.subscribe(device.screen);
    let row = state
        .screen_reads
        .screen(device.screen)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let version = row.manifest_version as u64;
    state
        .device_cache
        .remember_version(device.screen, changes, version, row.manifest_hash.clone());
    Ok((version, row.manifest_hash))
}

fn etag(hash: &str) -> String {
    format!("\"{hash}\"")
}

fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|candidate| {
            let candidate = candidate.trim();
            candidate == "*" || candidate.trim_start_matches("W/") == etag
        })
}

/// The screen's full manifest. `ETag` is the hash of its content; with a matching
/// `If-None-Match` the answer is 304 without a body, and `?wait=N` first waits up to N seconds
/// for a change.
#[utoipa::path(get, path = "/api/player/v1/manifest", tag = "player", params(Wait),
    responses((status = 200, body = Manifest), (status = 304, description = "unchanged"),
        (status = 401, body = Problem)))]
pub async fn manifest(
    State(state): State<AppState>,
    device: Device,
    ApiQuery(wait): ApiQuery<Wait>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    seen(&state, device).await;
    // Subscribed before reading, so a change in between is not missed.
    let mut changes = state.push.subscribe(device.screen);
    let (mut version, mut hash) = current(&state, device).await?;
    let not_modified =
        |hash: &str| Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag(hash))]).into_response());
    if matches(&headers, &etag(&hash)) {
        let wait = Duration::from_secs(wait.wait.unwrap_or(0).min(MAX_WAIT_SECS));
        if wait.is_zero() {
            // Answered now: even an elapsed timer waits for the timer wheel's next
            // millisecond tick, which halved the 304 throughput.
            return not_modified(&hash);
        }
        let deadline = tokio::time::Instant::now() + wait;
        while matches(&headers, &etag(&hash)) {
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {
                    // The wake-up may be the token's revocation: answer nothing more then.
                    let token = super::token_hash(&headers).ok_or(ApiError::Unauthenticated)?;
                    if super::authenticate(&state, &token).await?.screen != device.screen {
                        return Err(ApiError::Unauthenticated);
                    }
                    (version, hash) = current(&state, device).await?;
                }
                // Out of time (or the hub went away): nothing new.
                _ => return not_modified(&hash),
            }
        }
    }
    let (manifest, hash) = built(&state, device, (version, &hash)).await?;
    remember_media(&state, device, &manifest);
    Ok((
        [
            (header::ETAG, etag(&hash)),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
        ],
        axum::Json(manifest),
    )
        .into_response())
}

/// Notes the sha256s `manifest` references, so media requests need not rebuild it.
fn remember_media(state: &AppState, device: Device, manifest: &Manifest) -> Arc<HashSet<String>> {
    let index: Arc<HashSet<String>> = Arc::new(
        manifest
            .media()
            .into_iter()
            .map(|m| m.sha256.clone())
            .collect(),
    );
    state
        .device_cache
        .set_media(device.screen, manifest.version, index.clone());
    index
}

/// The screen's manifest as of its current (version, hash), and the hash it was built with.
async fn built(
    state: &AppState,
    device: Device,
    known: (u64, &str),
) -> ApiResult<(Manifest, String)> {
    state
        .snapshots
        .manifest(
            &state.db,
            device.org,
            device.screen,
            known,
            &crate::domain::promo::public_base(&state.config),
        )
        .await?
        .ok_or(ApiError::NotFound)
}

/// Whether the screen's current manifest references the blob.
async fn referenced(state: &AppState, device: Device, sha256: &str) -> ApiResult<bool> {
    let (version, hash) = current(state, device).await?;
    if let Some(index) = state.device_cache.media(device.screen, version) {
        return Ok(index.contains(sha256));
    }
    let (manifest, _) = built(state, device, (version, &hash)).await?;
    Ok(remember_media(state, device, &manifest).contains(sha256))
}

/// Parses a single `bytes=` range against a file of `size` bytes. `Ok(None)`: no Range header,
/// or one this server ignores (several ranges), so the whole file is sent.
fn parse_range(headers: &HeaderMap, size: u64) -> Result<Option<Range<u64>>, ApiError> {
    let Some(value) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let unsatisfiable = || {
        ApiError::RangeNotSatisfiable(format!("the range '{value}' is outside the {size} bytes"))
    };
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let (start, end) = spec.split_once('-').ok_or_else(unsatisfiable)?;
    let range = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| unsatisfiable())?;
            if n == 0 {
                return Err(unsatisfiable());
            }
            size.saturating_sub(n)..size
        }
        (start, "") => start.parse().map_err(|_| unsatisfiable())?..size,
        (start, end) => {
            let start: u64 = start.parse().map_err(|_| unsatisfiable())?;
            let end: u64 = end.parse().map_err(|_| unsatisfiable())?;
            if end < start {
                return Err(unsatisfiable());
            }
            start..(end + 1).min(size)
        }
    };
    if range.start >= size {
        return Err(unsatisfiable());
    }
    Ok(Some(range))
}

/// A blob of the screen's manifest, by sha256. Range requests get 206; the content never
/// changes under its name, so it may be cached forever.
#[utoipa::path(get, path = "/api/player/v1/media/{sha256}", tag = "player",
    params(("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "the requested range"),
        (status = 304, description = "the ETag matches"),
        (status = 404, body = Problem), (status = 416, body = Problem)))]
pub async fn media(
    State(state): State<AppState>,
    device: Device,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    // Anything not in this screen's manifest does not exist for it: another tenant's media
    // cannot be probed by hash.
    if !referenced(&state, device, &sha256).await? {
        return Err(ApiError::NotFound);
    }
    let key = blob_key(&sha256).map_err(|_| ApiError::NotFound)?;
    let tag = etag(&sha256);
    let cache = [
        (
            header::ETAG,
            HeaderValue::from_str(&tag).expect("hex is a valid header"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
        (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
    ];
    if matches(&headers, &tag) {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let size = state.blobs.head(&sha256).await?.ok_or(ApiError::NotFound)?;
    let range = parse_range(&headers, size)?;
    let stream = state.blobs.get_stream(&key, range.clone()).await?;
    let body = Body::from_stream(stream.body);
    let mut response = (cache, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(stream.range.end - stream.range.start),
    );
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if range.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        response.headers_mut().insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!(
                "bytes {}-{}/{size}",
                stream.range.start,
                stream.range.end - 1
            ))
            .expect("digits are a valid header"),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(value: &str, size: u64) -> Result<Option<Range<u64>>, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, value.parse().unwrap());
        parse_range(&headers, size)
    }

    #[test]
    fn ranges() {
        assert_eq!(range("bytes=0-9", 100).unwrap(), Some(0..10));
        assert_eq!(range("bytes=90-", 100).unwrap(), Some(90..100));
        assert_eq!(range("bytes=-10", 100).unwrap(), Some(90..100));
        assert_eq!(range("bytes=95-200", 100).unwrap(), Some(95..100));
        assert_eq!(range("bytes=-500", 100).unwrap(), Some(0..100));
        assert!(range("bytes=100-", 100).is_err());
        assert!(range("bytes=9-2", 100).is_err());
        assert!(range("bytes=-0", 100).is_err());
        assert!(range("bytes=abc", 100).is_err());
        assert_eq!(range("bytes=0-1,5-6", 100).unwrap(), None);
        assert_eq!(range("items=0-1", 100).unwrap(), None);
    }
}
