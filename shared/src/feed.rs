//! Feed snapshots: the last good data of a news, weather or currency source, as the server
//! fetched it. They travel inside the manifest, so a screen never needs the internet.
//!
//! Everything a renderer needs is in the snapshot already: plain text (no HTML), weather
//! conditions with Persian and English labels and an icon name the player draws itself, and
//! currency rates in Rial with the value they had before their last change.

use crate::content::MoneyUnit;
use crate::ids::FeedId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedSnapshot {
    pub feed: FeedId,
    /// When the server fetched (or the owner typed) this data. A refresh that brings the same
    /// data again keeps the time, so an unchanged feed does not change the manifest; whether
    /// the source still confirms it is what `stale` says.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub fetched_at: Timestamp,
    /// Older than the source's freshness limit: shown, but marked.
    #[serde(default)]
    pub stale: bool,
    #[serde(flatten)]
    pub data: FeedData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedData {
    /// Newest first, deduplicated, plain text.
    News {
        items: Vec<NewsItem>,
    },
    Weather(Weather),
    Currency {
        rates: Vec<Rate>,
    },
}

impl FeedData {
    /// `news`, `weather` or `currency`: what a content item may use the feed for.
    pub fn kind(&self) -> &'static str {
        match self {
            FeedData::News { .. } => "news",
            FeedData::Weather(_) => "weather",
            FeedData::Currency { .. } => "currency",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewsItem {
    /// Plain text on one line: tags removed, entities decoded, whitespace collapsed.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub published: Option<Timestamp>,
    /// The item's description as plain text, shortened to a few sentences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// The unit temperatures are given in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TemperatureUnit {
    #[default]
    #[serde(rename = "C")]
    Celsius,
    #[serde(rename = "F")]
    Fahrenheit,
}

/// The unit wind speeds are given in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WindSpeedUnit {
    #[default]
    #[serde(rename = "km/h")]
    Kmh,
    #[serde(rename = "m/s")]
    Ms,
    #[serde(rename = "mph")]
    Mph,
    #[serde(rename = "kn")]
    Knots,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weather {
    pub unit: TemperatureUnit,
    #[serde(default)]
    pub wind_unit: WindSpeedUnit,
    /// The place's name as the owner wrote it (`تهران`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    pub current: WeatherNow,
    /// Today first.
    pub days: Vec<WeatherDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeatherNow {
    pub temperature: f32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feels_like: Option<f32>,
    /// Relative humidity in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub humidity: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wind_speed: Option<f32>,
    /// Daylight at the place: the player draws a moon instead of a sun at night.
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "openapi", schema(default = true))]
    pub is_day: bool,
    /// WMO weather interpretation code, as Open-Meteo reports it.
    pub code: u8,
    pub condition: Condition,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeatherDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-03-21"))]
    pub date: jiff::civil::Date,
    pub min: f32,
    pub max: f32,
    pub code: u8,
    pub condition: Condition,
    /// The day's highest chance of rain or snow, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precipitation_chance: Option<u8>,
}

fn default_true() -> bool {
    true
}

/// A weather condition in words and as an icon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    pub icon: WeatherIcon,
    /// Persian label, e.g. `نیمه‌ابری`.
    pub fa: String,
    /// English label, e.g. `Partly cloudy`.
    pub en: String,
}

impl Condition {
    /// The condition of a WMO weather interpretation code (WMO 4677, as Open-Meteo uses it).
    /// Unknown codes are `WeatherIcon::Unknown`, never an error.
    pub fn from_wmo(code: u8) -> Condition {
        let (icon, en, fa) = wmo(code);
        Condition {
            icon,
            fa: fa.to_owned(),
            en: en.to_owned(),
        }
    }
}

/// The icons a player draws for weather conditions (its own drawings, not downloaded images).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WeatherIcon {
    Clear,
    MostlyClear,
    PartlyCloudy,
    Overcast,
    Fog,
    Drizzle,
    FreezingDrizzle,
    Rain,
    HeavyRain,
    FreezingRain,
    Snow,
    HeavySnow,
    RainShowers,
    SnowShowers,
    Thunderstorm,
    ThunderstormHail,
    Unknown,
}

/// (icon, English, Persian) for each WMO code Open-Meteo reports.
fn wmo(code: u8) -> (WeatherIcon, &'static str, &'static str) {
    use WeatherIcon::*;
    match code {
        0 => (Clear, "Clear sky", "آسمان صاف"),
        1 => (MostlyClear, "Mainly clear", "عمدتاً صاف"),
        2 => (PartlyCloudy, "Partly cloudy", "نیمه\u{200c}ابری"),
        3 => (Overcast, "Overcast", "ابری"),
        45 => (Fog, "Fog", "مه"),
        48 => (Fog, "Freezing fog", "مه یخ\u{200c}زده"),
        51 => (Drizzle, "Light drizzle", "نم\u{200c}نم باران ملایم"),
        53 => (Drizzle, "Drizzle", "نم\u{200c}نم باران"),
        55 => (Drizzle, "Dense drizzle", "نم\u{200c}نم باران شدید"),
        56 => (
            FreezingDrizzle,
            "Light freezing drizzle",
            "نم\u{200c}نم باران یخ\u{200c}زده ملایم",
        ),
        57 => (
            FreezingDrizzle,
            "Dense freezing drizzle",
            "نم\u{200c}نم باران یخ\u{200c}زده شدید",
        ),
        61 => (Rain, "Light rain", "باران ملایم"),
        63 => (Rain, "Rain", "باران"),
        65 => (HeavyRain, "Heavy rain", "باران شدید"),
        66 => (
            FreezingRain,
            "Light freezing rain",
            "باران یخ\u{200c}زده ملایم",
        ),
        67 => (
            FreezingRain,
            "Heavy freezing rain",
            "باران یخ\u{200c}زده شدید",
        ),
        71 => (Snow, "Light snow", "برف ملایم"),
        73 => (Snow, "Snow", "برف"),
        75 => (HeavySnow, "Heavy snow", "برف سنگین"),
        77 => (Snow, "Snow grains", "دانه\u{200c}های برف"),
        80 => (RainShowers, "Light rain showers", "رگبار ملایم"),
        81 => (RainShowers, "Rain showers", "رگبار باران"),
        82 => (RainShowers, "Violent rain showers", "رگبار شدید"),
        85 => (SnowShowers, "Light snow showers", "بارش برف ملایم"),
        86 => (SnowShowers, "Heavy snow showers", "بارش برف سنگین"),
        95 => (Thunderstorm, "Thunderstorm", "توفان تندری"),
        96 => (
            ThunderstormHail,
            "Thunderstorm with light hail",
            "توفان تندری با تگرگ ملایم",
        ),
        99 => (
            ThunderstormHail,
            "Thunderstorm with heavy hail",
            "توفان تندری با تگرگ شدید",
        ),
        _ => (Unknown, "Unknown", "نامشخص"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rate {
    pub symbol: String,
    /// What to call it on screen (`دلار آمریکا`, `سکه امامی`), when the owner named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// In Rial, whatever unit the source reports in; shown in Toman or Rial per content item
    /// (`value_in`).
    pub value: i64,
    /// The value before the last change, in Rial. A refresh that brings the same value keeps
    /// it, so `change` means "since the value last moved".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<i64>,
    /// When `value` replaced `previous`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub changed_at: Option<Timestamp>,
}

impl Rate {
    /// `value - previous` in Rial (positive: up), or `None` before the first change.
    pub fn change(&self) -> Option<i64> {
        self.previous.map(|p| self.value - p)
    }

    /// The value in `unit`: 1 Toman = 10 Rial, rounded half away from zero.
    pub fn value_in(&self, unit: MoneyUnit) -> i64 {
        rial_in(self.value, unit)
    }

    /// The change in `unit`, rounded like `value_in`.
    pub fn change_in(&self, unit: MoneyUnit) -> Option<i64> {
        self.change().map(|c| rial_in(c, unit))
    }
}

/// An amount of Rial in `unit`.
pub fn rial_in(rial: i64, unit: MoneyUnit) -> i64 {
    match unit {
        MoneyUnit::Rial => rial,
        MoneyUnit::Toman => {
            let (q, r) = (rial / 10, rial % 10);
            if r >= 5 {
                q + 1
            } else if r <= -5 {
                q - 1
            } else {
                q
            }
        }
    }
}

/// An amount in `unit` as Rial.
pub fn to_rial(amount: i64, unit: MoneyUnit) -> i64 {
    match unit {
        MoneyUnit::Rial => amount,
        MoneyUnit::Toman => amount.saturating_mul(10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toman_is_a_tenth_of_rial_rounded() {
        let rate = Rate {
            symbol: "USD".into(),
            label: None,
            value: 1_234_567,
            previous: Some(1_234_500),
            changed_at: None,
        };
        assert_eq!(rate.value_in(MoneyUnit::Rial), 1_234_567);
        assert_eq!(rate.value_in(MoneyUnit::Toman), 123_457);
        assert_eq!(rate.change(), Some(67));
        assert_eq!(rate.change_in(MoneyUnit::Toman), Some(7));
        assert_eq!(rial_in(-67, MoneyUnit::Toman), -7);
        assert_eq!(rial_in(-64, MoneyUnit::Toman), -6);
        assert_eq!(to_rial(123_457, MoneyUnit::Toman), 1_234_570);
    }

    #[test]
    fn every_wmo_code_open_meteo_uses_has_labels_and_an_icon() {
        for code in [
            0, 1, 2, 3, 45, 48, 51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 71, 73, 75, 77, 80, 81, 82,
            85, 86, 95, 96, 99,
        ] {
            let c = Condition::from_wmo(code);
            assert_ne!(c.icon, WeatherIcon::Unknown, "{code}");
            assert!(!c.fa.is_empty() && !c.en.is_empty());
            assert!(c.fa.chars().any(|ch| ('\u{600}'..='\u{6ff}').contains(&ch)));
        }
        assert_eq!(Condition::from_wmo(4).icon, WeatherIcon::Unknown);
        assert_eq!(Condition::from_wmo(2).fa, "نیمه\u{200c}ابری");
    }

    #[test]
    fn units_keep_their_short_wire_names() {
        let weather = serde_json::to_value(TemperatureUnit::Fahrenheit).unwrap();
        assert_eq!(weather, "F");
        assert_eq!(serde_json::to_value(WindSpeedUnit::Ms).unwrap(), "m/s");
        assert_eq!(
            serde_json::to_value(WeatherIcon::ThunderstormHail).unwrap(),
            "thunderstorm_hail"
        );
    }
}
