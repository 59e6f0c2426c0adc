//! Live feeds: news (RSS 2.0, RSS 1.0/RDF, Atom), weather (an Open-Meteo-compatible API) and
//! currency rates (a JSON endpoint read with one JSON pointer per symbol, or typed in by hand).
//!
//! The server fetches them, never the player: each source's last good data (its snapshot) is
//! kept in the `feeds` table and travels inside the manifests of exactly the screens whose
//! content shows it, so a screen needs no internet and keeps the data while offline.
//!
//! - `sources`: the API (CRUD, "refresh now", hand-typed rates) and validation;
//! - `fetch`: the hardened HTTP client;
//! - `parse_news`, `weather`, `currency`: answers into wire types (`vitrin_shared::feed`);
//! - `text`: charsets and HTML to plain text;
//! - `refresh`: the loop that claims due sources with a lease, fetches, backs off, marks stale
//!   and bumps manifests.

pub mod currency;
pub mod fetch;
pub mod parse_news;
pub mod refresh;
pub mod sources;
pub mod text;
pub mod weather;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrin_shared::ValidationErrors;
use vitrin_shared::content::MoneyUnit;
use vitrin_shared::feed::{TemperatureUnit, WindSpeedUnit};
use vitrin_shared::schedule::cron::CronExpr;

/// Where a feed's data comes from. `type` also decides what content may show it: `news` feeds
/// tickers, `weather` weather slides, `currency` and `manual_currency` currency boards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceSpec {
    /// An RSS 2.0, RSS 1.0 (RDF) or Atom feed.
    News {
        url: String,
        /// How many of the newest (deduplicated) items are kept.
        #[serde(default = "default_max_items")]
        #[schema(default = 20, minimum = 1, maximum = 100)]
        max_items: u32,
    },
    /// An Open-Meteo-compatible forecast API at `base_url`, for one place.
    Weather {
        #[serde(default = "default_weather_url")]
        #[schema(default = "https://api.open-meteo.com/v1/forecast")]
        base_url: String,
        latitude: f64,
        longitude: f64,
        /// The place's name to show (`تهران`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        place: Option<String>,
        #[serde(default)]
        unit: TemperatureUnit,
        #[serde(default)]
        wind_unit: WindSpeedUnit,
        /// Days of forecast, today included.
        #[serde(default = "default_days")]
        #[schema(default = 5, minimum = 1, maximum = 16)]
        days: u8,
    },
    /// Rates read from a JSON document: one JSON pointer per symbol.
    Currency {
        url: String,
        symbols: Vec<CurrencySymbol>,
    },
    /// Rates typed in by the owner (`PUT /api/v1/feeds/{id}/rates`); nothing is fetched.
    ManualCurrency {},
}

/// One rate of a currency source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrencySymbol {
    /// Short name, unique in the feed (`USD`, `EUR`, `COIN`).
    pub symbol: String,
    /// What screens call it (`دلار آمریکا`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// RFC 6901 JSON pointer to the number (or numeric string) in the answer, e.g.
    /// `/data/usd/price`.
    pub pointer: String,
    /// The unit the source reports it in; screens show Toman or Rial as each board says.
    pub unit: MoneyUnit,
}

fn default_max_items() -> u32 {
    20
}
fn default_days() -> u8 {
    5
}
pub const DEFAULT_WEATHER_URL: &str = "https://api.open-meteo.com/v1/forecast";
fn default_weather_url() -> String {
    DEFAULT_WEATHER_URL.to_owned()
}

impl SourceSpec {
    /// The kind of data the source produces (`FeedData::kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            SourceSpec::News { .. } => "news",
            SourceSpec::Weather { .. } => "weather",
            SourceSpec::Currency { .. } | SourceSpec::ManualCurrency {} => "currency",
        }
    }

    /// Whether the refresh loop fetches it (everything but hand-typed rates).
    pub fn is_fetched(&self) -> bool {
        !matches!(self, SourceSpec::ManualCurrency {})
    }

    /// The default refresh interval of a kind of source.
    pub fn default_interval_secs(&self) -> u32 {
        match self {
            SourceSpec::News { .. } => 900,
            SourceSpec::Weather { .. } => 1800,
            SourceSpec::Currency { .. } | SourceSpec::ManualCurrency {} => 600,
        }
    }
}

/// When a source is fetched: every `every_secs` seconds, or on a cron line read in `timezone`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    /// Seconds between fetches, 60 to 604800. The default depends on the type: 900 for news,
    /// 1800 for weather, 600 for currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_secs: Option<u32>,
    /// A cron line (5 fields, or 6/7 with seconds first), instead of `every_secs`. Fetches
    /// are at least a minute apart whatever the line says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    /// IANA timezone the cron line is read in (`Asia/Tehran`); required with `cron`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

/// Fetches are never closer together than this.
pub const MIN_INTERVAL_MS: i64 = 60_000;
pub const MAX_INTERVAL_SECS: u32 = 7 * 24 * 3600;

impl Refresh {
    pub fn validate(&self, errors: &mut ValidationErrors) {
        match (&self.every_secs, &self.cron) {
            (Some(_), Some(_)) => errors.add(
                "refresh",
                "ambiguous",
                "give either every_secs or cron, not both",
            ),
            (Some(secs), None) if !(60..=MAX_INTERVAL_SECS).contains(secs) => errors.add(
                "refresh.every_secs",
                "out_of_range",
                format!("refresh every 60 to {MAX_INTERVAL_SECS} seconds"),
            ),
            (None, Some(line)) => {
                match CronExpr::parse(line) {
                    Err(message) => errors.add("refresh.cron", "invalid", message),
                    // Such a source would never be fetched again.
                    Ok(cron) if !cron.fires_after(Timestamp::now()) => errors.add(
                        "refresh.cron",
                        "never_fires",
                        format!(
                            "'{}' never fires from now on: no coming date matches it",
                            line.trim()
                        ),
                    ),
                    Ok(_) => {}
                }
                match &self.timezone {
                    None => errors.add(
                        "refresh.timezone",
                        "required",
                        "a cron line needs the IANA timezone it is read in, e.g. Asia/Tehran",
                    ),
                    Some(tz) if TimeZone::get(tz).is_err() => errors.add(
                        "refresh.timezone",
                        "unknown_timezone",
                        format!("'{tz}' is not an IANA timezone such as Asia/Tehran"),
                    ),
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }

    /// When to fetch next after a fetch at `now` (epoch ms). At least a minute ahead.
    pub fn next_after(&self, now: i64) -> i64 {
        let floor = now + MIN_INTERVAL_MS;
        if let (Some(line), Some(tz)) = (&self.cron, &self.timezone)
            && let (Ok(cron), Ok(tz)) = (CronExpr::parse(line), TimeZone::get(tz))
        {
            let from = Timestamp::from_millisecond(floor - 1).unwrap_or(Timestamp::UNIX_EPOCH);
            return match cron.next_after(from, &tz) {
                Some(next) => next.as_millisecond().max(floor),
                // A line that never fires again (a past year): check once a week.
                None => now + i64::from(MAX_INTERVAL_SECS) * 1000,
            };
        }
        now + i64::from(self.every_secs.unwrap_or(900)) * 1000
    }
}

/// Why a source produced no data this time, in words for the person who set it up.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Fetch(#[from] fetch::FetchError),
    #[error("{0}")]
    Content(String),
}

impl From<String> for SourceError {
    fn from(message: String) -> Self {
        SourceError::Content(message)
    }
}

/// Refuses answers whose `Content-Type` cannot be what was asked for: a web page (a login or
/// error page) where a feed was expected, JSON where XML was, pictures, and so on. Generic
/// types (`text/plain`, `application/octet-stream`, none) pass; the parser decides.
pub fn expect_type(content_type: Option<&str>, want: Expect) -> Result<(), String> {
    let Some(content_type) = content_type else {
        return Ok(());
    };
    let media = text::media_type(content_type);
    let generic = matches!(
        media.as_str(),
        "" | "text/plain" | "application/octet-stream" | "binary/octet-stream"
    );
    let fits = match want {
        Expect::Xml => media.ends_with("xml") || media.ends_with("+xml"),
        Expect::Json => {
            media.ends_with("json")
                || media == "text/javascript"
                || media == "application/javascript"
        }
    };
    if generic || fits {
        return Ok(());
    }
    let expected = match want {
        Expect::Xml => "an RSS or Atom feed (XML)",
        Expect::Json => "JSON",
    };
    let hint = if media == "text/html" {
        " (a web page, perhaps an error or login page)"
    } else {
        ""
    };
    Err(format!(
        "expected {expected} but the server sent {media}{hint}"
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Xml,
    Json,
}

/// The snapshot columns of a `feeds` row.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_and_cron_lines_give_the_next_fetch() {
        let now = 1_774_080_000_000; // 2026-03-21T08:00:00Z
        let every = Refresh {
            every_secs: Some(600),
            ..Refresh::default()
        };
        assert_eq!(every.next_after(now), now + 600_000);
        // Every quarter hour in Tehran (UTC+3:30): 08:00Z is 11:30 local, next 11:45 local.
        let cron = Refresh {
            cron: Some("*/15 * * * *".into()),
            timezone: Some("Asia/Tehran".into()),
            every_secs: None,
        };
        assert_eq!(cron.next_after(now), now + 15 * 60_000);
        // A line that fires every second still waits a minute.
        let busy = Refresh {
            cron: Some("* * * * * *".into()),
            timezone: Some("UTC".into()),
            every_secs: None,
        };
        assert_eq!(busy.next_after(now), now + MIN_INTERVAL_MS);
    }

    #[test]
    fn refresh_settings_are_validated() {
        let check = |r: Refresh| {
            let mut errors = ValidationErrors::new();
            r.validate(&mut errors);
            errors
        };
        assert!(check(Refresh::default()).is_empty());
        let e = check(Refresh {
            every_secs: Some(5),
            ..Refresh::default()
        });
        assert_eq!(e.codes_for("refresh.every_secs"), ["out_of_range"]);
        let e = check(Refresh {
            cron: Some("every hour".into()),
            ..Refresh::default()
        });
        assert_eq!(e.codes_for("refresh.cron"), ["invalid"]);
        assert_eq!(e.codes_for("refresh.timezone"), ["required"]);
        let e = check(Refresh {
            cron: Some("0 0 31 2 *".into()),
            timezone: Some("UTC".into()),
            every_secs: None,
        });
        assert_eq!(e.codes_for("refresh.cron"), ["never_fires"]);
        let e = check(Refresh {
            every_secs: Some(600),
            cron: Some("0 * * * *".into()),
            timezone: Some("Mars/Olympus".into()),
        });
        assert_eq!(e.codes_for("refresh"), ["ambiguous"]);
    }

    #[test]
    fn content_types_that_cannot_be_a_feed_are_refused() {
        for ok in [
            None,
            Some("application/rss+xml; charset=utf-8"),
            Some("application/atom+xml"),
            Some("text/xml"),
            Some("application/rdf+xml"),
            Some("text/plain"),
            Some("application/octet-stream"),
        ] {
            assert!(expect_type(ok, Expect::Xml).is_ok(), "{ok:?}");
        }
        let err = expect_type(Some("text/html; charset=utf-8"), Expect::Xml).unwrap_err();
        assert_eq!(
            err,
            "expected an RSS or Atom feed (XML) but the server sent text/html (a web page, \
             perhaps an error or login page)"
        );
        assert!(expect_type(Some("application/json"), Expect::Xml).is_err());
        assert!(expect_type(Some("application/json"), Expect::Json).is_ok());
        assert!(expect_type(Some("application/vnd.api+json"), Expect::Json).is_ok());
        assert!(expect_type(Some("image/png"), Expect::Json).is_err());
        assert!(expect_type(Some("application/xml"), Expect::Json).is_err());
    }
}
