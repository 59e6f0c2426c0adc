//! The manifest: everything a screen needs to play on its own for days.

use crate::brand::BrandKit;
use crate::content::{ContentItem, MediaRef};
use crate::feed::FeedSnapshot;
use crate::ids::{LayoutId, ScreenId, StoreId};
use crate::layout::Layout;
use crate::playlist::Playlist;
use crate::schedule::hours::{Daypart, PanelPlan, PowerSchedule, StoreHours, panel_plan};
use crate::schedule::{Schedule, ScheduleRule, StoreTime};
use crate::validate::{Validate, ValidationErrors};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// Which way the screen is mounted; the player rotates its output to match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    #[default]
    Landscape,
    Portrait,
    LandscapeFlipped,
    PortraitFlipped,
}

impl Orientation {
    /// Clockwise rotation of the output in degrees.
    pub fn degrees(self) -> u16 {
        match self {
            Orientation::Landscape => 0,
            Orientation::Portrait => 90,
            Orientation::LandscapeFlipped => 180,
            Orientation::PortraitFlipped => 270,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreenSettings {
    pub id: ScreenId,
    pub name: String,
    pub store: StoreId,
    /// IANA name, e.g. `Asia/Tehran`. Every rule is evaluated in it.
    pub timezone: String,
    #[serde(default)]
    pub orientation: Orientation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_layout: Option<LayoutId>,
    /// How often the player reports; the server marks it offline after 1.1 × this.
    pub heartbeat_secs: u32,
    /// The store's opening hours; none: always open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<StoreHours>,
    /// The store's dayparts, for rules that name one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dayparts: Vec<Daypart>,
    /// What the panel does outside opening hours.
    #[serde(default)]
    pub power: PowerSchedule,
    /// The colours, typeface, logo and background the screen's content is drawn with.
    #[serde(default)]
    pub brand: BrandKit,
}

impl ScreenSettings {
    pub fn time_zone(&self) -> Result<TimeZone, ValidationErrors> {
        TimeZone::get(&self.timezone).map_err(|_| {
            let mut errors = ValidationErrors::new();
            errors.add(
                "timezone",
                "unknown_timezone",
                format!(
                    "'{}' is not an IANA timezone such as Asia/Tehran",
                    self.timezone
                ),
            );
            errors
        })
    }
}

impl Validate for ScreenSettings {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.name.trim().is_empty() {
            errors.add("name", "required", "a name is required");
        }
        if let Err(e) = self.time_zone() {
            errors.errors.extend(e.errors);
        }
        if !(5..=3600).contains(&self.heartbeat_secs) {
            errors.add(
                "heartbeat_secs",
                "out_of_range",
                "the heartbeat interval must be 5 to 3600 seconds",
            );
        }
        errors.into_result()
    }
}

/// Everything one screen plays, as one document. `version` grows with every change that
/// affects the screen; the HTTP ETag is a hash of the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Manifest {
    pub api_version: u32,
    pub version: u64,
    /// The server's clock when the manifest was made, so a player can notice its own clock is off.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub server_time: Timestamp,
    pub screen: ScreenSettings,
    pub layouts: Vec<Layout>,
    pub playlists: Vec<Playlist>,
    pub content: Vec<ContentItem>,
    pub rules: Vec<ScheduleRule>,
    #[serde(default)]
    pub feeds: Vec<FeedSnapshot>,
}

impl Manifest {
    /// Compiles the rules for the engine.
    pub fn schedule(&self) -> Result<Schedule, ValidationErrors> {
        Schedule::for_store(
            &self.rules,
            &self.layouts,
            &self.playlists,
            self.screen.default_layout,
            &StoreTime::new(self.screen.hours.as_ref(), &self.screen.dayparts),
        )
    }

    /// Every blob the screen needs, each once: the brand kit's, then the content's in the order
    /// the content lists them.
    pub fn media(&self) -> Vec<&MediaRef> {
        let mut seen = std::collections::HashSet::new();
        self.screen
            .brand
            .media()
            .chain(self.content.iter().flat_map(|c| c.media()))
            .filter(|m| seen.insert(m.sha256.as_str()))
            .collect()
    }
}

/// A manifest ready to play: parsed, its schedule compiled, its time zone resolved (and, in a
/// player, every blob stored).
pub struct Loaded {
    pub manifest: Manifest,
    pub schedule: Schedule,
    pub tz: TimeZone,
    pub etag: String,
}

impl Loaded {
    /// Whether the panel is on at `at` and until when: by the store's hours, kept on while
    /// woken by a command (`woken_until`) or while an emergency message is on.
    pub fn panel_plan(&self, at: Timestamp, woken_until: Option<Timestamp>) -> PanelPlan {
        let emergency = self
            .schedule
            .layers_at(at, &self.tz)
            .emergency
            .map(|e| e.until.unwrap_or(Timestamp::MAX));
        let screen = &self.manifest.screen;
        let awake = woken_until.into_iter().chain(emergency).max();
        panel_plan(screen.hours.as_ref(), screen.power, &self.tz, at, awake)
    }

    pub fn new(manifest: Manifest, etag: String) -> Result<Loaded, String> {
        let schedule = manifest
            .schedule()
            .map_err(|e| format!("the manifest's schedule is invalid: {e}"))?;
        let tz = manifest
            .screen
            .time_zone()
            .map_err(|e| format!("the screen's timezone is invalid: {e}"))?;
        Ok(Loaded {
            manifest,
            schedule,
            tz,
            etag,
        })
    }
}
