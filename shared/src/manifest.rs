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
    /// This screen is one tile of a video wall: it plays the same layout as the others, drawn
    /// over the whole wall and cut to its own tile. None: a screen of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall: Option<WallTile>,
}

/// Where a screen sits in a wall of `cols` × `rows` equal screens (column and row from 0 at the
/// top left, as the wall is seen). Every tile plays the same thing at the same (server) time, so
/// one menu flows across the wall and one picture spans it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WallTile {
    /// Screens side by side, 1 to 4.
    pub cols: u8,
    /// Screens one above the other, 1 to 4.
    pub rows: u8,
    /// This screen's column, from 0 at the left.
    pub col: u8,
    /// This screen's row, from 0 at the top.
    pub row: u8,
}

impl WallTile {
    /// The most screens a wall has in either direction.
    pub const MAX: u8 = 4;

    /// The errors of a wall position, their fields prefixed with `field` (e.g. `wall`).
    pub fn check(&self, field: &str, errors: &mut ValidationErrors) {
        let range = 1..=Self::MAX;
        if !range.contains(&self.cols) {
            errors.add(
                format!("{field}.cols"),
                "out_of_range",
                "a wall is 1 to 4 screens wide",
            );
        }
        if !range.contains(&self.rows) {
            errors.add(
                format!("{field}.rows"),
                "out_of_range",
                "a wall is 1 to 4 screens high",
            );
        }
        if self.col >= self.cols {
            errors.add(
                format!("{field}.col"),
                "outside_wall",
                "the screen's column must be inside the wall (counted from 0)",
            );
        }
        if self.row >= self.rows {
            errors.add(
                format!("{field}.row"),
                "outside_wall",
                "the screen's row must be inside the wall (counted from 0)",
            );
        }
    }

    /// The whole wall's canvas for a screen of `size`, placed so that this tile's part of it
    /// falls on the screen (at `screen_min`): the rectangle `(x, y, w, h)` to draw the layout in.
    pub fn canvas(&self, screen_min: (f32, f32), size: (f32, f32)) -> (f32, f32, f32, f32) {
        let (w, h) = size;
        (
            screen_min.0 - f32::from(self.col) * w,
            screen_min.1 - f32::from(self.row) * h,
            f32::from(self.cols.max(1)) * w,
            f32::from(self.rows.max(1)) * h,
        )
    }
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
        if let Some(wall) = &self.wall {
            wall.check("wall", &mut errors);
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
