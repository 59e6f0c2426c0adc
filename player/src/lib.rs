//! The Vitrin player: a headless sync engine (`engine`) that pairs with the server, keeps the
//! manifest and its media on disk, and decides every moment what each zone shows, online or
//! not. `render` is the window that draws it (feature `window`, on by default); `--headless`
//! runs the engine alone and prints one JSON line per event.

pub mod cache;
pub mod client;
/// The player's clock lives in `vitrin_shared` (the browser player uses it too).
pub use vitrin_shared::clock;
pub mod engine;
pub mod identity;
pub mod journal;
pub mod power;
#[cfg(feature = "window")]
pub mod render;
pub mod tls;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use clap::Parser;
use serde::Serialize;
use vitrin_shared::pin::Pin;

/// Command line of `vitrin-player`. Flags and environment variables are a stable interface.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "vitrin-player",
    version,
    about = "Vitrin digital-signage player",
    long_about = "Vitrin digital-signage player.\n\n\
        Pairs with the server (showing a code), keeps the schedule and its media on disk and \
        plays it, online or offline. --headless runs without a window and prints one JSON line \
        per event (pairing_code, paired, manifest_applied, showing, command, error, ...); the \
        window prints the same lines. Without --windowed the window is a fullscreen kiosk. \
        --check only asks the server's /healthz once, prints server_reachable or \
        server_unreachable and exits with 0 or 1."
)]
pub struct Config {
    /// Base URL of the Vitrin server: http://… or https://…, optionally ending in
    /// #pin=sha256//BASE64 to trust a server's key (a self-signed certificate) from the start.
    #[arg(long, env = "VITRIN_SERVER", value_name = "URL")]
    pub server: ServerUrl,

    /// CA certificates (PEM) to trust besides the system's, for a server with a private CA.
    #[arg(long, env = "VITRIN_CA_FILE", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    /// Trust the server whose certificate has this key (sha256//BASE64, as curl's
    /// --pinnedpubkey), instead of CAs. Repeat for more; the variable takes a comma list.
    #[arg(
        long = "pin",
        env = "VITRIN_PINS",
        value_name = "PIN",
        value_delimiter = ','
    )]
    pub pins: Vec<Pin>,

    /// Directory for the player's cache and journals; created if missing.
    #[arg(long, value_name = "DIR", default_value = "./vitrin-player-data")]
    pub data_dir: PathBuf,

    /// Run without a window (for tests and the load generator).
    #[arg(long, conflicts_with = "windowed")]
    pub headless: bool,

    /// Run in a window instead of fullscreen kiosk mode.
    #[arg(long)]
    pub windowed: bool,

    /// How the window is drawn: gl (OpenGL or OpenGL ES, the widest supported and, without a
    /// GPU, Mesa's llvmpipe at a quarter of the CPU per frame of wgpu; only what changed
    /// between frames is drawn again, unless VITRIN_FULL_REDRAW=1) or wgpu (Vulkan, every
    /// frame whole).
    #[arg(long, env = "VITRIN_RENDERER", value_enum, default_value_t = Renderer::Gl)]
    pub renderer: Renderer,

    /// Disk the media cache may use, in MiB.
    #[arg(
        long,
        env = "VITRIN_DISK_BUDGET_MB",
        value_name = "MIB",
        default_value_t = 4096
    )]
    pub disk_budget_mb: u64,

    /// Hours ahead in which downloads are ordered by when they are needed.
    #[arg(long, value_name = "HOURS", default_value_t = 48)]
    pub lookahead_hours: u32,

    /// Check once that the server answers, then exit.
    #[arg(long)]
    pub check: bool,

    /// Test clock: start at this instant (RFC 3339) instead of the device clock.
    #[arg(long, value_name = "INSTANT", hide = true)]
    pub clock_start: Option<jiff::Timestamp>,

    /// Test clock: simulated seconds per real second.
    #[arg(long, value_name = "FACTOR", hide = true, default_value_t = 1.0)]
    pub clock_speed: f64,
}

/// The graphics API the window draws with (`--renderer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Renderer {
    /// OpenGL (ES) through EGL or GLX.
    Gl,
    /// wgpu: Vulkan, or OpenGL when there is no Vulkan driver.
    Wgpu,
}

/// An `http(s)://host[:port][/base/path][#pin=sha256//…,…]` server address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    https: bool,
    /// Host as written, IPv6 literals keep their brackets (as the Host header wants them).
    host: String,
    port: u16,
    /// Path prefix without trailing slash, e.g. "" or "/vitrin".
    base_path: String,
    /// Keys to trust, from the address's `#pin=` (not part of the address itself).
    pub pins: Vec<Pin>,
}

impl ServerUrl {
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// Path of an endpoint below the server's base path, e.g. `/healthz`.
    #[cfg(test)]
    fn path(&self, endpoint: &str) -> String {
        format!("{}{endpoint}", self.base_path)
    }
}

impl FromStr for ServerUrl {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, String> {
        let (url, pins) = match url.split_once('#') {
            Some((url, fragment)) => {
                let list = fragment.strip_prefix("pin=").ok_or_else(|| {
                    format!(
                        "the only thing after # in a server URL is pin=sha256//…, not {fragment:?}"
                    )
                })?;
                (
                    url,
                    vitrin_shared::pin::parse_list(list).map_err(|e| e.to_string())?,
                )
            }
            None => (url, Vec::new()),
        };
        let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (false, rest)
        } else {
            return Err(match url.split_once("://") {
                Some((scheme, _)) => {
                    format!("server URLs are http:// or https://, not {scheme}://")
                }
                None => format!("server URL must start with https:// or http://, got {url:?}"),
            });
        };
        if !https && !pins.is_empty() {
            return Err(format!("a pin needs an https:// server URL, not {url:?}"));
        }
        if rest.contains(['?', '@']) {
            return Err(format!(
                "server URL must not carry a query or user: {url:?}"
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
            None if https => 443,
            None => 80,
        };
        Ok(ServerUrl {
            https,
            host: host.to_string(),
            port,
            base_path: path.trim_end_matches('/').to_string(),
            pins,
        })
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        write!(
            f,
            "{scheme}://{}:{}{}",
            self.host, self.port, self.base_path
        )
    }
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
    /// Show this code; a person types it into the admin.
    PairingCode {
        code: String,
        expires_at: i64,
    },
    Paired {
        screen_id: i64,
    },
    /// The token stopped working; pairing starts again.
    Unpaired {
        reason: String,
    },
    /// A new manifest is in use, its media verified on disk.
    ManifestApplied {
        version: u64,
        downloaded: usize,
    },
    /// What the screen shows changed.
    Showing {
        at: jiff::Timestamp,
        #[serde(flatten)]
        view: engine::Showing,
    },
    Command {
        command: vitrin_shared::events::Command,
        ok: bool,
    },
    Emergency {
        rule: i64,
        text: String,
    },
    /// The `identify` command: show the screen's name big.
    Identify {
        name: Option<String>,
    },
    /// The clock was set by the server's (`offset_ms`: the server's clock minus the device's;
    /// right to half of `round_trip_ms`).
    ClockSynced {
        offset_ms: f64,
        round_trip_ms: f64,
    },
    /// The panel was switched on or off (off: the store is closed, as its hours say).
    Panel {
        at: jiff::Timestamp,
        #[serde(flatten)]
        report: vitrin_shared::events::PanelReport,
    },
    /// Something failed; the player goes on with what it has.
    Error {
        reason: String,
    },
    /// The server's certificate or key is not one this screen trusts: nothing is exchanged
    /// with it (no pairing, no sync) until that changes; the screen plays what it has.
    Untrusted {
        server: String,
        reason: String,
    },
    /// The server announced the keys to trust from now on (a key change ahead).
    PinsRotated {
        pins: Vec<Pin>,
    },
    /// The configured address is plain http, but this screen was paired over https: it
    /// keeps using https.
    RefusedDowngrade {
        configured: String,
        kept: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| fmt::Error)?)
    }
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

        let url: ServerUrl = "https://signage.example".parse().unwrap();
        assert!(url.is_https());
        assert_eq!(url.to_string(), "https://signage.example:443");
        assert!(url.pins.is_empty());

        let pin = vitrin_shared::pin::Pin::of_public_key(b"key");
        let url: ServerUrl = format!("https://10.0.0.5:8443/v#pin={pin},{pin}")
            .parse()
            .unwrap();
        assert_eq!(url.pins, vec![pin, pin]);
        assert_eq!(
            url.to_string(),
            "https://10.0.0.5:8443/v",
            "pins are not the address"
        );

        assert!(
            "ftp://x"
                .parse::<ServerUrl>()
                .unwrap_err()
                .contains("http:// or https://")
        );
        assert!(
            format!("http://x#pin={pin}")
                .parse::<ServerUrl>()
                .unwrap_err()
                .contains("needs an https://")
        );
        assert!("https://x#pin=sha256//short".parse::<ServerUrl>().is_err());
        assert!("https://x#frag".parse::<ServerUrl>().is_err());
        assert!("signage.example".parse::<ServerUrl>().is_err());
        assert!("http://:80".parse::<ServerUrl>().is_err());
        assert!("http://host:notaport".parse::<ServerUrl>().is_err());
    }
}
