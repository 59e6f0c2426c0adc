//! Weather from an Open-Meteo-compatible forecast API: current conditions and the next days,
//! with units, WMO condition codes turned into Persian and English labels and an icon name.
//!
//! The request asks for the variables below in the source's units and `timezone=auto`, so the
//! daily dates are the place's own. The units are then read from the answer (`current_units`),
//! not assumed from the request.

use jiff::civil::Date;
use reqwest::Url;
use serde::Deserialize;
use std::collections::HashMap;
use vitrin_shared::feed::{
    Condition, TemperatureUnit, Weather, WeatherDay, WeatherNow, WindSpeedUnit,
};

use super::{Expect, expect_type, text};

const CURRENT: &str =
    "temperature_2m,relative_humidity_2m,apparent_temperature,is_day,weather_code,wind_speed_10m";
const DAILY: &str =
    "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max";

/// What to ask the API for.
pub struct Query<'a> {
    pub base_url: &'a str,
    pub latitude: f64,
    pub longitude: f64,
    pub unit: TemperatureUnit,
    pub wind_unit: WindSpeedUnit,
    pub days: u8,
}

/// The forecast URL: the base URL (which may carry its own parameters, such as an API key)
/// with the query added.
pub fn request_url(q: &Query<'_>) -> Result<Url, String> {
    let mut url = Url::parse(q.base_url.trim())
        .map_err(|e| format!("the weather API address is not a URL: {e}"))?;
    url.query_pairs_mut()
        .append_pair("latitude", &q.latitude.to_string())
        .append_pair("longitude", &q.longitude.to_string())
        .append_pair("current", CURRENT)
        .append_pair("daily", DAILY)
        .append_pair("timezone", "auto")
        .append_pair("forecast_days", &q.days.to_string())
        .append_pair(
            "temperature_unit",
            match q.unit {
                TemperatureUnit::Celsius => "celsius",
                TemperatureUnit::Fahrenheit => "fahrenheit",
            },
        )
        .append_pair(
            "wind_speed_unit",
            match q.wind_unit {
                WindSpeedUnit::Kmh => "kmh",
                WindSpeedUnit::Ms => "ms",
                WindSpeedUnit::Mph => "mph",
                WindSpeedUnit::Knots => "kn",
            },
        );
    Ok(url)
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    current: Option<Current>,
    #[serde(default)]
    current_units: HashMap<String, String>,
    /// The older shape of the same API (`current_weather=true`).
    #[serde(default)]
    current_weather: Option<LegacyCurrent>,
    #[serde(default)]
    daily: Option<Daily>,
}

#[derive(Deserialize)]
struct Current {
    temperature_2m: Option<f64>,
    relative_humidity_2m: Option<f64>,
    apparent_temperature: Option<f64>,
    is_day: Option<f64>,
    weather_code: Option<f64>,
    wind_speed_10m: Option<f64>,
}

#[derive(Deserialize)]
struct LegacyCurrent {
    temperature: f64,
    #[serde(default)]
    windspeed: Option<f64>,
    weathercode: f64,
    #[serde(default)]
    is_day: Option<f64>,
}

#[derive(Deserialize)]
struct Daily {
    time: Vec<String>,
    #[serde(default)]
    weather_code: Vec<Option<f64>>,
    #[serde(default)]
    temperature_2m_max: Vec<Option<f64>>,
    #[serde(default)]
    temperature_2m_min: Vec<Option<f64>>,
    #[serde(default)]
    precipitation_probability_max: Vec<Option<f64>>,
}

fn wmo_code(value: f64) -> Result<u8, String> {
    if value.fract() == 0.0 && (0.0..=99.0).contains(&value) {
        Ok(value as u8)
    } else {
        Err(format!("{value} is not a WMO weather code"))
    }
}

fn percent(value: Option<f64>) -> Option<u8> {
    value
        .filter(|v| v.is_finite())
        .map(|v| v.round().clamp(0.0, 100.0) as u8)
}

/// Reads a forecast answer. `place` is the name the owner gave the location.
pub fn parse(
    body: &[u8],
    content_type: Option<&str>,
    requested: TemperatureUnit,
    place: Option<&str>,
) -> Result<Weather, String> {
    expect_type(content_type, Expect::Json)?;
    let document = text::decode(body, content_type, false);
    let answer: Answer = serde_json::from_str(&document)
        .map_err(|e| format!("the weather answer is not valid JSON of the expected shape: {e}"))?;

    let unit = match answer
        .current_units
        .get("temperature_2m")
        .map(String::as_str)
    {
        Some(u) if u.contains('F') => TemperatureUnit::Fahrenheit,
        Some(u) if u.contains('C') => TemperatureUnit::Celsius,
        _ => requested,
    };
    let wind_unit = match answer
        .current_units
        .get("wind_speed_10m")
        .map(String::as_str)
    {
        Some("m/s") => WindSpeedUnit::Ms,
        Some("mp/h" | "mph") => WindSpeedUnit::Mph,
        Some("kn" | "kt" | "knots") => WindSpeedUnit::Knots,
        _ => WindSpeedUnit::Kmh,
    };

    let current = match (answer.current, answer.current_weather) {
        (Some(c), _) if c.temperature_2m.is_some() && c.weather_code.is_some() => {
            let code = wmo_code(c.weather_code.unwrap_or_default())?;
            WeatherNow {
                temperature: c.temperature_2m.unwrap_or_default() as f32,
                feels_like: c.apparent_temperature.map(|v| v as f32),
                humidity: percent(c.relative_humidity_2m),
                wind_speed: c.wind_speed_10m.map(|v| v as f32),
                is_day: c.is_day.is_none_or(|d| d != 0.0),
                code,
                condition: Condition::from_wmo(code),
            }
        }
        (_, Some(c)) => {
            let code = wmo_code(c.weathercode)?;
            WeatherNow {
                temperature: c.temperature as f32,
                feels_like: None,
                humidity: None,
                wind_speed: c.windspeed.map(|v| v as f32),
                is_day: c.is_day.is_none_or(|d| d != 0.0),
                code,
                condition: Condition::from_wmo(code),
            }
        }
        _ => {
            return Err(
                "the weather answer has no current conditions (current.temperature_2m and \
                 current.weather_code)"
                    .into(),
            );
        }
    };

    let mut days = Vec::new();
    if let Some(daily) = answer.daily {
        for (i, date) in daily.time.iter().enumerate() {
            let date: Date = date
                .parse()
                .map_err(|_| format!("the weather answer has a day '{date}' that is no date"))?;
            let at = |v: &Vec<Option<f64>>| v.get(i).copied().flatten();
            // A day the model has no numbers for yet is left out, not shown as zero.
            let (Some(code), Some(max), Some(min)) = (
                at(&daily.weather_code),
                at(&daily.temperature_2m_max),
                at(&daily.temperature_2m_min),
            ) else {
                continue;
            };
            let code = wmo_code(code)?;
            days.push(WeatherDay {
                date,
                min: min as f32,
                max: max as f32,
                code,
                condition: Condition::from_wmo(code),
                precipitation_chance: percent(at(&daily.precipitation_probability_max)),
            });
        }
    }

    Ok(Weather {
        unit,
        wind_unit,
        place: place.map(str::to_owned).filter(|p| !p.trim().is_empty()),
        current,
        days,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrin_shared::feed::WeatherIcon;

    #[test]
    fn the_request_keeps_the_base_urls_own_parameters() {
        let url = request_url(&Query {
            base_url: "https://customer-api.open-meteo.com/v1/forecast?apikey=k",
            latitude: 35.6892,
            longitude: 51.389,
            unit: TemperatureUnit::Fahrenheit,
            wind_unit: WindSpeedUnit::Ms,
            days: 3,
        })
        .unwrap();
        let pairs: HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs["apikey"], "k");
        assert_eq!(pairs["latitude"], "35.6892");
        assert_eq!(pairs["temperature_unit"], "fahrenheit");
        assert_eq!(pairs["wind_speed_unit"], "ms");
        assert_eq!(pairs["forecast_days"], "3");
        assert_eq!(pairs["timezone"], "auto");
    }

    #[test]
    fn the_legacy_current_weather_shape_is_read_too() {
        let body = br#"{"current_weather":{"temperature":-3.5,"windspeed":20.1,"weathercode":73,"is_day":0}}"#;
        let weather = parse(
            body,
            Some("application/json"),
            TemperatureUnit::Celsius,
            None,
        )
        .unwrap();
        assert_eq!(weather.current.temperature, -3.5);
        assert_eq!(weather.current.condition.icon, WeatherIcon::Snow);
        assert!(!weather.current.is_day);
        assert!(weather.days.is_empty());
    }

    #[test]
    fn broken_answers_are_errors_in_words() {
        let err = parse(b"{\"current\":", None, TemperatureUnit::Celsius, None).unwrap_err();
        assert!(
            err.starts_with("the weather answer is not valid JSON"),
            "{err}"
        );
        let err = parse(b"{\"latitude\":1}", None, TemperatureUnit::Celsius, None).unwrap_err();
        assert!(err.contains("no current conditions"), "{err}");
        let err = parse(
            br#"{"current":{"temperature_2m":1,"weather_code":1.5}}"#,
            None,
            TemperatureUnit::Celsius,
            None,
        )
        .unwrap_err();
        assert!(err.contains("not a WMO weather code"), "{err}");
        let err = parse(
            b"<html></html>",
            Some("text/html"),
            TemperatureUnit::Celsius,
            None,
        )
        .unwrap_err();
        assert!(err.contains("text/html"), "{err}");
    }
}
