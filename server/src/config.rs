//! Configuration: command-line flags, then environment variables, then an optional TOML file,
//! then built-in defaults (in that order of precedence).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use ipnet::IpNet;
use serde::Deserialize;
use vitrin_shared::pin::Pin;

/// Command line of `vitrin-server`. Flags and environment variables are a stable interface.
#[derive(Debug, Clone, Default, Parser)]
#[command(
    name = "vitrin-server",
    version,
    about = "Vitrin digital-signage server"
)]
pub struct Cli {
    /// TOML file with any of the settings below (flags and environment win over it).
    #[arg(long, env = "VITRIN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Address and port to listen on (port 0 picks a free port) [default: 127.0.0.1:8080].
    #[arg(long, env = "VITRIN_BIND", value_name = "ADDR")]
    pub bind: Option<SocketAddr>,

    /// Separate address for Prometheus `/metrics`; off unless given.
    #[arg(long, env = "VITRIN_METRICS_BIND", value_name = "ADDR")]
    pub metrics_bind: Option<SocketAddr>,

    /// Directory for the server's data (database file, media); created if missing
    /// [default: ./vitrin-data].
    #[arg(long, env = "VITRIN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Database URL: sqlite://FILE or postgres://… [default: sqlite://<DATA_DIR>/vitrin.db].
    #[arg(long, env = "DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// Where media blobs live: a folder (file://…) or an S3-compatible bucket (s3://…)
    /// [default: file://<DATA_DIR>/media].
    #[arg(long, env = "VITRIN_MEDIA_URL", value_name = "URL")]
    pub media_url: Option<String>,

    /// The URL people and players reach the server at, e.g. https://signage.example.com.
    /// Sets the `Secure` cookie flag when https, and the origin trusted for browser requests.
    #[arg(long, env = "VITRIN_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Serve https with this certificate chain (PEM), e.g. /etc/letsencrypt/live/X/fullchain.pem.
    /// Needs --tls-key. Both files are read again when they change: a renewal needs no restart.
    #[arg(
        long,
        env = "VITRIN_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(
        long,
        env = "VITRIN_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,

    /// A key pin (sha256//BASE64) paired screens are told to trust besides the current
    /// certificate's: the next key before a key change, or the key of the TLS proxy in front.
    /// Repeat the flag for more; the environment variable takes a comma-separated list.
    #[arg(
        long = "tls-pin",
        env = "VITRIN_TLS_PINS",
        value_name = "PIN",
        value_delimiter = ',',
        value_parser = parse_pin
    )]
    pub tls_pins: Vec<Pin>,

    /// A reverse proxy (CIDR or address) whose X-Forwarded-For header names the client, e.g.
    /// 127.0.0.1 for nginx on the same machine. Repeat for more; without it the header is
    /// ignored, since any client can send it. [default: none]
    #[arg(
        long = "trust-proxy",
        env = "VITRIN_TRUST_PROXY",
        value_name = "CIDR",
        value_delimiter = ',',
        value_parser = parse_cidr
    )]
    pub trust_proxy: Vec<IpNet>,

    /// Largest accepted upload in MiB [default: 512].
    #[arg(long, env = "VITRIN_MAX_UPLOAD_MB", value_name = "MIB")]
    pub max_upload_mb: Option<u64>,

    /// Fill an empty server with a demo café (Persian and English menus, a promo, a ticker).
    #[arg(long)]
    pub demo: bool,

    /// A network feeds may be fetched from although it is private, loopback or link-local
    /// (an on-premises source), as CIDR (10.1.0.0/16) or a single address; repeat the flag
    /// for more. The environment variable takes a comma-separated list. [default: none]
    #[arg(
        long = "feed-allow",
        env = "VITRIN_FEED_ALLOW",
        value_name = "CIDR",
        value_delimiter = ',',
        value_parser = parse_cidr
    )]
    pub feed_allow: Vec<IpNet>,

    /// Days raw proof-of-play rows and heartbeat minutes are kept; the hourly and daily
    /// aggregates that reports read are kept for good [default: 90].
    #[arg(long, env = "VITRIN_RAW_RETENTION_DAYS", value_name = "DAYS")]
    pub raw_retention_days: Option<u32>,

    /// Where text messages (loyalty phone confirmations) are POSTed as JSON
    /// `{"to": "+98…", "text": "…"}`: your SMS gateway or a small adapter in front of it.
    /// [default: none; messages are appended to <data-dir>/sms-outbox.txt instead]
    #[arg(long, env = "VITRIN_SMS_WEBHOOK", value_name = "URL")]
    pub sms_webhook: Option<String>,
}

/// `10.0.0.0/8`, or a single address (`192.168.1.5`, `::1`) meaning just that address.
pub fn parse_cidr(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    text.parse::<std::net::IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("'{text}' is neither a network like 10.0.0.0/8 nor an IP address"))
}

fn parse_pin(text: &str) -> Result<Pin, String> {
    text.parse()
        .map_err(|e: vitrin_shared::pin::PinError| e.to_string())
}

/// The settings a configuration file may hold; the same names as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    bind: Option<SocketAddr>,
    metrics_bind: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    media_url: Option<String>,
    public_url: Option<String>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    tls_pins: Option<Vec<String>>,
    trust_proxy: Option<Vec<String>>,
    max_upload_mb: Option<u64>,
    demo: Option<bool>,
    feed_allow: Option<Vec<String>>,
    raw_retention_days: Option<u32>,
    sms_webhook: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("invalid config file {path}: {key}: {message}")]
    Setting {
        path: PathBuf,
        key: &'static str,
        message: String,
    },
    #[error("--tls-cert and --tls-key go together: give both or neither")]
    TlsPair,
    #[error("cannot resolve the data dir {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Cli {
    /// Merges flags/env with the config file (if any) and the defaults.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.clone(),
                    source,
                })?
            }
            None => FileConfig::default(),
        };
        let bind = self
            .bind
            .or(file.bind)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let typed_data_dir = self
            .data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("./vitrin-data"));
        // Resolved once, here: every path derived from it (the database file, the media
        // folder, uploads) is then absolute and means the same folder however it was typed.
        let data_dir =
            std::path::absolute(&typed_data_dir).map_err(|source| ConfigError::DataDir {
                path: typed_data_dir.clone(),
                source,
            })?;
        let mut config = Config::new(bind, data_dir);
        if typed_data_dir.is_relative() {
            config.misplaced_media = Some(config.data_dir.join(&typed_data_dir).join("media"));
        }
        if let Some(url) = self.database_url.or(file.database_url) {
            config.database_url = url;
        }
        if let Some(url) = self.media_url.or(file.media_url) {
            config.media_url = url;
        }
        if let Some(mb) = self.max_upload_mb.or(file.max_upload_mb) {
            config.max_upload_bytes = mb * 1024 * 1024;
        }
        config.metrics_bind = self.metrics_bind.or(file.metrics_bind);
        config.public_url = self.public_url.or(file.public_url);
        config.demo = self.demo || file.demo.unwrap_or(false);
        config.sms_webhook = self.sms_webhook.or(file.sms_webhook);
        if let Some(days) = self.raw_retention_days.or(file.raw_retention_days) {
            config.raw_retention_days = days.max(1);
        }
        let path = self.config.clone().unwrap_or_default();
        config.feed_allow = list(
            self.feed_allow,
            file.feed_allow,
            &path,
            "feed-allow",
            parse_cidr,
        )?;
        config.trust_proxy = list(
            self.trust_proxy,
            file.trust_proxy,
            &path,
            "trust-proxy",
            parse_cidr,
        )?;
        config.tls_pins = list(self.tls_pins, file.tls_pins, &path, "tls-pins", parse_pin)?;
        config.tls = match (
            self.tls_cert.or(file.tls_cert),
            self.tls_key.or(file.tls_key),
        ) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => return Err(ConfigError::TlsPair),
        };
        Ok(config)
    }
}

/// A list setting: the flag's or environment's if given (it replaces the file's), else the
/// file's, each entry parsed like the flag's.
fn list<T>(
    flag: Vec<T>,
    file: Option<Vec<String>>,
    path: &Path,
    key: &'static str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, ConfigError> {
    if !flag.is_empty() {
        return Ok(flag);
    }
    file.unwrap_or_default()
        .iter()
        .map(|text| parse(text))
        .collect::<Result<_, _>>()
        .map_err(|message| ConfigError::Setting {
            path: path.to_path_buf(),
            key,
            message,
        })
}

/// The server's resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub bind: SocketAddr,
    pub metrics_bind: Option<SocketAddr>,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub media_url: String,
    pub public_url: Option<String>,
    pub max_upload_bytes: u64,
    pub demo: bool,
    /// Networks feeds may be fetched from although they are private (`--feed-allow`).
    pub feed_allow: Vec<IpNet>,
    /// The certificate and key the server serves https with (`--tls-cert`, `--tls-key`).
    pub tls: Option<TlsFiles>,
    /// Pins announced to paired screens besides the served certificate's (`--tls-pin`).
    pub tls_pins: Vec<Pin>,
    /// Proxies whose X-Forwarded-For names the client (`--trust-proxy`).
    pub trust_proxy: Vec<IpNet>,
    pub feed_limits: FeedLimits,
    /// Days raw plays and heartbeat minutes are kept (at least 1).
    pub raw_retention_days: u32,
    /// Where text messages are POSTed; `None` appends them to `sms-outbox.txt` in the data dir.
    pub sms_webhook: Option<String>,
    /// Where releases up to 0.1.0 put the media of a relative data dir by mistake
    /// (`<dir>/<dir>/media`); moved into place at start (`media::adopt_misplaced`).
    pub misplaced_media: Option<PathBuf>,
}

/// PEM files of the server's own TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// How far the feed fetcher goes for one source before it gives up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLimits {
    /// To open a connection, per redirect hop.
    pub connect_timeout: Duration,
    /// For the whole fetch, every redirect hop and the full body included: a server that
    /// drips its answer a byte at a time is cut off here.
    pub total_timeout: Duration,
    /// Largest response body, counted while it streams in.
    pub max_bytes: u64,
    /// Redirects followed (each hop checked like the first URL).
    pub max_redirects: u32,
    /// How often the refresh loop looks for due sources.
    pub tick: Duration,
}

impl Default for FeedLimits {
    fn default() -> Self {
        FeedLimits {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_bytes: 4 * 1024 * 1024,
            max_redirects: 5,
            tick: Duration::from_secs(5),
        }
    }
}

impl Config {
    /// Where uploads are received before they are checked and stored (local to this instance).
    pub fn upload_dir(&self) -> PathBuf {
        self.data_dir.join("tmp")
    }

    /// A configuration with everything inside `data_dir` and no demo content.
    pub fn new(bind: SocketAddr, data_dir: PathBuf) -> Self {
        Config {
            bind,
            metrics_bind: None,
            database_url: default_database_url(&data_dir),
            media_url: format!("file://{}", data_dir.join("media").display()),
            data_dir,
            public_url: None,
            max_upload_bytes: 512 * 1024 * 1024,
            demo: false,
            feed_allow: Vec::new(),
            tls: None,
            tls_pins: Vec::new(),
            trust_proxy: Vec::new(),
            feed_limits: FeedLimits::default(),
            raw_retention_days: 90,
            sms_webhook: None,
            misplaced_media: None,
        }
    }

    /// Whether cookies must be `Secure`: the server serves https, or sits behind a proxy that does.
    pub fn https(&self) -> bool {
        self.tls.is_some()
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
    }
}

/// `sqlite://<data-dir>/vitrin.db`: the embedded database is a file next to the other data.
pub fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("vitrin.db").display())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Config {
        let mut argv = vec!["vitrin-server"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).unwrap().into_config().unwrap()
    }

    #[test]
    fn raw_retention_is_configurable_and_at_least_a_day() {
        assert_eq!(parse(&[]).raw_retention_days, 90);
        assert_eq!(
            parse(&["--raw-retention-days", "30"]).raw_retention_days,
            30
        );
        assert_eq!(parse(&["--raw-retention-days", "0"]).raw_retention_days, 1);
    }

    #[test]
    fn defaults_live_in_the_data_dir() {
        let config = parse(&["--data-dir", "/srv/vitrin"]);
        assert_eq!(config.database_url, "sqlite:///srv/vitrin/vitrin.db");
        assert_eq!(config.media_url, "file:///srv/vitrin/media");
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.max_upload_bytes, 512 * 1024 * 1024);
    }

    #[test]
    fn a_relative_data_dir_is_resolved_once() {
        let cwd = std::env::current_dir().unwrap();
        for typed in ["./vitrin-data", "vitrin-data"] {
            let config = parse(&["--data-dir", typed]);
            let absolute = cwd.join("vitrin-data");
            assert_eq!(
                config.data_dir.components().collect::<Vec<_>>(),
                absolute.components().collect::<Vec<_>>()
            );
            let media = config.media_url.strip_prefix("file://").unwrap();
            assert!(Path::new(media).is_absolute(), "{media}");
            assert_eq!(Path::new(media), config.data_dir.join("media"));
            let db = config.database_url.strip_prefix("sqlite://").unwrap();
            assert_eq!(Path::new(db), config.data_dir.join("vitrin.db"));
        }
        assert_eq!(
            parse(&[]).data_dir,
            parse(&["--data-dir", "./vitrin-data"]).data_dir
        );
        assert_eq!(parse(&["--data-dir", "/srv/vitrin"]).misplaced_media, None);
    }

    #[test]
    fn explicit_values_win() {
        let config = parse(&[
            "--data-dir",
            "/srv/vitrin",
            "--database-url",
            "postgres://db/vitrin",
            "--max-upload-mb",
            "8",
            "--demo",
        ]);
        assert_eq!(config.database_url, "postgres://db/vitrin");
        assert_eq!(config.max_upload_bytes, 8 * 1024 * 1024);
        assert!(config.demo);
    }

    #[test]
    fn file_fills_what_flags_leave_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vitrin.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\npublic-url = \"https://signage.example\"\nmax-upload-mb = 64\n",
        )
        .unwrap();
        let config = parse(&["--config", path.to_str().unwrap(), "--max-upload-mb", "32"]);
        assert_eq!(config.bind.to_string(), "0.0.0.0:9000");
        assert!(config.https());
        assert_eq!(config.max_upload_bytes, 32 * 1024 * 1024);
    }

    #[test]
    fn unknown_file_keys_are_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vitrin.toml");
        std::fs::write(&path, "bindd = \"0.0.0.0:9000\"\n").unwrap();
        let cli =
            Cli::try_parse_from(["vitrin-server", "--config", path.to_str().unwrap()]).unwrap();
        let err = cli.into_config().unwrap_err().to_string();
        assert!(err.contains("bindd"), "{err}");
    }

    #[test]
    fn feed_allow_comes_from_flags_or_the_file() {
        let config = parse(&[
            "--feed-allow",
            "127.0.0.1",
            "--feed-allow",
            "10.1.2.0/24,fd00::/8",
        ]);
        let allow: Vec<String> = config.feed_allow.iter().map(|n| n.to_string()).collect();
        assert_eq!(allow, ["127.0.0.1/32", "10.1.2.0/24", "fd00::/8"]);
        assert!(parse(&[]).feed_allow.is_empty());

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vitrin.toml");
        std::fs::write(&path, "feed-allow = [\"192.168.7.9/16\", \"::1\"]\n").unwrap();
        let config = parse(&["--config", path.to_str().unwrap()]);
        let allow: Vec<String> = config.feed_allow.iter().map(|n| n.to_string()).collect();
        // A network is kept as a network, host bits cleared.
        assert_eq!(allow, ["192.168.0.0/16", "::1/128"]);

        std::fs::write(&path, "feed-allow = [\"intranet\"]\n").unwrap();
        let cli =
            Cli::try_parse_from(["vitrin-server", "--config", path.to_str().unwrap()]).unwrap();
        let err = cli.into_config().unwrap_err().to_string();
        assert!(err.contains("intranet"), "{err}");
        assert!(Cli::try_parse_from(["vitrin-server", "--feed-allow", "10.0.0.0/33"]).is_err());
    }

    #[test]
    fn bind_must_be_a_socket_address() {
        assert!(Cli::try_parse_from(["vitrin-server", "--bind", "not-an-address"]).is_err());
    }

    #[test]
    fn tls_settings_come_in_pairs_and_pins_are_checked() {
        // Flags: a certificate without its key is refused by the parser.
        assert!(Cli::try_parse_from(["vitrin-server", "--tls-cert", "c.pem"]).is_err());
        let config = parse(&[
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--trust-proxy",
            "127.0.0.1",
        ]);
        assert_eq!(
            config.tls,
            Some(TlsFiles {
                cert: "c.pem".into(),
                key: "k.pem".into()
            })
        );
        assert!(
            config.https(),
            "cookies are Secure when the server serves https"
        );
        assert_eq!(
            config.trust_proxy,
            vec!["127.0.0.1/32".parse::<IpNet>().unwrap()]
        );
        assert!(Cli::try_parse_from(["vitrin-server", "--tls-pin", "sha256//short"]).is_err());

        // The file: the same rules, with the key named in the error.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vitrin.toml");
        let from_file = |text: &str| {
            std::fs::write(&path, text).unwrap();
            Cli::try_parse_from(["vitrin-server", "--config", path.to_str().unwrap()])
                .unwrap()
                .into_config()
        };
        let err = from_file("tls-cert = \"c.pem\"\n").unwrap_err().to_string();
        assert!(
            err.contains("--tls-cert and --tls-key go together"),
            "{err}"
        );
        let err = from_file("tls-pins = [\"md5//x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("tls-pins") && err.contains("sha256//"),
            "{err}"
        );
        let pin = Pin::of_public_key(b"next key");
        let config = from_file(&format!(
            "tls-pins = [\"{pin}\"]\ntrust-proxy = [\"10.0.0.0/8\"]\n"
        ))
        .unwrap();
        assert_eq!(config.tls_pins, vec![pin]);
        assert_eq!(
            config.trust_proxy,
            vec!["10.0.0.0/8".parse::<IpNet>().unwrap()]
        );
    }
}
