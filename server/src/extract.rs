//! Request extractors whose rejections are problem details, like every other error.

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use ipnet::IpNet;
use serde::de::DeserializeOwned;
use std::net::IpAddr;

use crate::AppState;

use crate::error::ApiError;

/// `Json<T>`, answering malformed bodies with 400 and well-formed but wrong ones with 422.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(ApiError::field("body", "invalid", e.body_text()))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMedia(
                "send the body as application/json".into(),
            )),
            Err(JsonRejection::BytesRejection(e)) if e.status().as_u16() == 413 => {
                Err(ApiError::PayloadTooLarge(e.body_text()))
            }
            Err(e) => Err(ApiError::BadRequest(e.body_text())),
        }
    }
}

/// `Query<T>`, answering a query string that does not parse with a 400 problem (axum's own
/// answer is plain text).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// A numeric id in the path; anything else is 404 (there is no such object).
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<i64>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(id)| Id(id))
            .map_err(|_: PathRejection| ApiError::NotFound)
    }
}

/// The client's IP address when the server runs on a socket (absent in in-process tests):
/// the peer's, or the one a trusted proxy names in X-Forwarded-For (`--trust-proxy`).
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok());
        Ok(ClientIp(peer.map(|peer| {
            client_ip(peer, forwarded, &state.config.trust_proxy)
        })))
    }
}

/// Walks X-Forwarded-For from the right (each proxy appends the address it heard from) past
/// the trusted proxies; the first address no trusted proxy vouches for is the client. A peer
/// that is not a trusted proxy is the client, whatever it claims.
pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for.flat_map(|value| value.split(',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // Garbage in the chain: stop at the last address a trusted proxy gave.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxies: Vec<IpNet> = vec![
            "127.0.0.1/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        // Not through a trusted proxy: the header is anyone's to forge.
        assert_eq!(
            client_ip(ip("203.0.113.9"), ["198.51.100.1"].into_iter(), &proxies),
            ip("203.0.113.9")
        );
        // nginx on the same machine: the client is the address it appended.
        assert_eq!(
            client_ip(ip("127.0.0.1"), ["198.51.100.1"].into_iter(), &proxies),
            ip("198.51.100.1")
        );
        // A client-forged first entry is skipped: the rightmost untrusted address wins,
        // across several headers and proxies.
        assert_eq!(
            client_ip(
                ip("127.0.0.1"),
                ["6.6.6.6, 198.51.100.1", "10.1.2.3"].into_iter(),
                &proxies
            ),
            ip("198.51.100.1")
        );
        // No header, or garbage: the proxy's own address (all its clients share a limit).
        assert_eq!(
            client_ip(ip("127.0.0.1"), [].into_iter(), &proxies),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_ip(ip("127.0.0.1"), ["unknown"].into_iter(), &proxies),
            ip("127.0.0.1")
        );
        // Without --trust-proxy nothing is trusted.
        assert_eq!(
            client_ip(ip("127.0.0.1"), ["198.51.100.1"].into_iter(), &[]),
            ip("127.0.0.1")
        );
    }
}
