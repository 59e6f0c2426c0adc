//! The Vitrin player.
//!
//! The sync engine (pairing, manifest sync, media cache, proof of play) and the renderer arrive
//! with the sync-engine issue. For now this library holds the player's command line and a one-shot
//! check that the server answers `/healthz`.

use std::fmt;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::Parser;
use serde::Serialize;

/// Command line of `vitrin-player`. Flags and environment variables are a stable interface.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "vitrin-player",
    version,
    about = "Vitrin digital-signage player",
    long_about = "Vitrin digital-signage player.\n\n\
        This build only checks that the server is reachable: it creates the data dir, asks the \
        server's /healthz once, prints one JSON line ({\"event\":\"server_reachable\",...} or \
        {\"event\":\"server_unreachable\",...}) and exits with 0 or 1. Pairing, syncing and \
        playback arrive with the sync-engine issue."
)]
pub struct Config {
    /// Base URL of the Vitrin server (http:// only for now).
    #[arg(long, env = "VITRIN_SERVER", value_name = "URL")]
    pub server: ServerUrl,

    /// Directory for the player's cache and journals; created if missing.
    #[arg(long, value_name = "DIR", default_value = "./vitrin-player-data")]
    pub data_dir: PathBuf,

    /// Run without a window (for tests and the load generator). No effect until the
    /// sync-engine issue.
    #[arg(long, conflicts_with = "windowed")]
    pub headless: bool,

    /// Run in a window instead of fullscreen kiosk mode. No effect until the sync-engine issue.
    #[arg(long)]
    pub windowed: bool,
}

/// An `http://host[:port][/base/path]` server address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    /// Host as written, IPv6 literals keep their brackets (as the Host header wants them).
    host: String,
    port: u16,
    /// Path prefix without trailing slash, e.g. "" or "/vitrin".
    base_path: String,
}

impl ServerUrl {
    /// Path of an endpoint below the server's base path, e.g. `/healthz`.
    fn path(&self, endpoint: &str) -> String {
        format!("{}{endpoint}", self.base_path)
    }
}

impl FromStr for ServerUrl {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, String> {
        let Some(rest) = url.strip_prefix("http://") else {
            return Err(match url.split_once("://") {
                Some((scheme, _)) => {
                    format!("only http:// server URLs are supported, not {scheme}://")
                }
                None => format!("server URL must start with http://, got {url:?}"),
            });
        };
        if rest.contains(['?', '#', '@']) {
            return Err(format!(
                "server URL must not carry a query, fragment or user: {url:?}"
            ));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = if authority.starts_with('[') {
            let end = authority
                .find(']')
                .ok_or_else(|| format!("unclosed '[' in {url:?}"))?;
            (&authority[..=end], authority[end + 1..].strip_prefix(':'))
        } else {
            match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() || host == "[]" {
            return Err(format!("server URL has no host: {url:?}"));
        }
        let port = match port {
            Some(port) => port
                .parse()
                .map_err(|_| format!("bad port {port:?} in {url:?}"))?,
            None => 80,
        };
        Ok(ServerUrl {
            host: host.to_string(),
            port,
            base_path: path.trim_end_matches('/').to_string(),
        })
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}:{}{}", self.host, self.port, self.base_path)
    }
}

/// What a healthy server says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub version: String,
    pub api_version: u64,
}

/// One line of the player's JSON event output on stdout; `event` comes first.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    ServerReachable {
        server: String,
        version: String,
        api_version: u64,
    },
    ServerUnreachable {
        server: String,
        error: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| fmt::Error)?)
    }
}

/// Largest `/healthz` answer read; it is a few dozen bytes, anything bigger is not our server.
const MAX_RESPONSE: u64 = 64 * 1024;

/// Asks `GET /healthz` once. The error is a human-readable reason.
///
/// A hand-written HTTP/1.1 GET over `TcpStream` keeps an HTTP client stack out of the player
/// until the sync engine needs one.
pub fn check_server(server: &ServerUrl, timeout: Duration) -> Result<Health, String> {
    let mut stream = connect(server, timeout)?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}:{}\r\nAccept: application/json\r\n\
         User-Agent: vitrin-player/{}\r\nConnection: close\r\n\r\n",
        server.path("/healthz"),
        server.host,
        server.port,
        env!("CARGO_PKG_VERSION"),
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("sending request to {server}: {e}"))?;
    // `Connection: close` lets the body run to end of stream; no Content-Length bookkeeping.
    let mut response = Vec::new();
    stream
        .take(MAX_RESPONSE)
        .read_to_end(&mut response)
        .map_err(|e| format!("reading response from {server}: {e}"))?;
    let body = parse_response(&response)?;
    parse_health(&body)
}

fn connect(server: &ServerUrl, timeout: Duration) -> Result<TcpStream, String> {
    let host = server.host.trim_start_matches('[').trim_end_matches(']');
    let addrs = (host, server.port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {}: {e}", server.host))?;
    let mut last_error = format!("{} resolved to no address", server.host);
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = format!("cannot connect to {addr}: {e}"),
        }
    }
    Err(last_error)
}

/// Returns the body of a `200` response; any other status is an error.
fn parse_response(response: &[u8]) -> Result<Vec<u8>, String> {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("incomplete HTTP response (no end of headers)")?;
    let head = String::from_utf8_lossy(&response[..split]);
    let body = &response[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = match status_line.split(' ').collect::<Vec<_>>()[..] {
        [version, code, ..] if version.starts_with("HTTP/1.") => code,
        _ => return Err(format!("not an HTTP/1.x response: {status_line:?}")),
    };
    if status != "200" {
        return Err(format!("/healthz answered {status_line:?}"));
    }
    let chunked = lines.any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("transfer-encoding")
                && value.to_ascii_lowercase().contains("chunked")
        })
    });
    if chunked {
        decode_chunked(body)
    } else {
        Ok(body.to_vec())
    }
}

/// Decodes a `Transfer-Encoding: chunked` body (a proxy may re-encode the answer that way).
fn decode_chunked(mut body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("truncated chunked body")?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("bad chunk size {size_hex:?}"))?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size + 2 {
            return Err("truncated chunked body".into());
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

fn parse_health(body: &[u8]) -> Result<Health, String> {
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("/healthz is not JSON: {e}"))?;
    if json["status"] != "ok" {
        return Err(format!("server is not healthy: status {}", json["status"]));
    }
    let version = json["version"]
        .as_str()
        .ok_or("/healthz has no version")?
        .to_string();
    let api_version = json["api_version"]
        .as_u64()
        .ok_or("/healthz has no api_version")?;
    Ok(Health {
        version,
        api_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_server_urls() {
        let url: ServerUrl = "http://signage.example:8080/vitrin/".parse().unwrap();
        assert_eq!(url.host, "signage.example");
        assert_eq!(url.port, 8080);
        assert_eq!(url.path("/healthz"), "/vitrin/healthz");

        let url: ServerUrl = "http://[::1]".parse().unwrap();
        assert_eq!(
            (url.host.as_str(), url.port, url.path("/healthz").as_str()),
            ("[::1]", 80, "/healthz")
        );

        assert!(
            "https://x"
                .parse::<ServerUrl>()
                .unwrap_err()
                .contains("only http://")
        );
        assert!("signage.example".parse::<ServerUrl>().is_err());
        assert!("http://:80".parse::<ServerUrl>().is_err());
        assert!("http://host:notaport".parse::<ServerUrl>().is_err());
    }

    #[test]
    fn reads_plain_and_chunked_health() {
        let body = r#"{"status":"ok","version":"1.2.3","api_version":1}"#;
        let plain = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        let expected = Health {
            version: "1.2.3".into(),
            api_version: 1,
        };
        assert_eq!(
            parse_health(&parse_response(plain.as_bytes()).unwrap()).unwrap(),
            expected
        );

        let (a, b) = body.split_at(10);
        let chunked = format!(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
            a.len(),
            b.len()
        );
        assert_eq!(
            parse_health(&parse_response(chunked.as_bytes()).unwrap()).unwrap(),
            expected
        );
    }

    #[test]
    fn rejects_errors_and_foreign_answers() {
        let not_found = parse_response(b"HTTP/1.1 404 Not Found\r\n\r\n").unwrap_err();
        assert!(not_found.contains("404"), "{not_found}");
        assert!(parse_response(b"SSH-2.0-OpenSSH\r\n\r\n").is_err());
        assert!(parse_health(br#"{"status":"starting","version":"1","api_version":1}"#).is_err());
        assert!(parse_health(b"<html>").is_err());
    }
}
