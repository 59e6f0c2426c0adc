//! Feed snapshots: the last good data of a news, weather or currency source, as the server
//! fetched it. They travel inside the manifest, so a screen never needs the internet.

use crate::ids::FeedId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedSnapshot {
    pub feed: FeedId,
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
    News { items: Vec<NewsItem> },
    Weather(Weather),
    Currency { rates: Vec<Rate> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewsItem {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub published: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Weather {
    /// `C` or `F`.
    pub unit: String,
    pub current: WeatherNow,
    pub days: Vec<WeatherDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeatherNow {
    pub temperature: f32,
    /// WMO weather interpretation code, as Open-Meteo reports it.
    pub code: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeatherDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-03-21"))]
    pub date: jiff::civil::Date,
    pub min: f32,
    pub max: f32,
    pub code: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rate {
    pub symbol: String,
    /// In Rial, the unit sources report; shown in Toman or Rial per content item.
    pub value: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<i64>,
}
