//! Playlists and the timing inside them.
//!
//! Timing is a pure function of (playlist, start instant, now): two screens that start the same
//! playlist at the same moment show the same slide, and a player that restarts picks up where
//! the schedule says it should be, not from the first slide.

use crate::ids::{ContentId, PlaylistId};
use crate::input::{Accept, check_line, normalize_line};
use crate::validate::{Validate, ValidationErrors};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// How one entry replaces the previous one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Transition {
    #[default]
    Cut,
    Fade {
        ms: u32,
    },
    /// The incoming entry slides in over the outgoing one (from the zone's left edge).
    Slide {
        ms: u32,
    },
    /// The incoming entry pushes the outgoing one out of the zone (moving right).
    Push {
        ms: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaylistEntry {
    pub content: ContentId,
    /// How long the entry shows. Signed on the wire so that a negative value is reported by
    /// `validate()` as a field error rather than as unparseable JSON.
    pub duration_ms: i64,
    #[serde(default)]
    pub transition: Transition,
    /// A promo entry plays only from `valid_from` (inclusive) to `valid_until` (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub valid_from: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub valid_until: Option<Timestamp>,
}

impl PlaylistEntry {
    pub fn is_valid_at(&self, at: Timestamp) -> bool {
        self.valid_from.is_none_or(|from| from <= at)
            && self.valid_until.is_none_or(|until| at < until)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Playlist {
    pub id: PlaylistId,
    pub name: String,
    pub entries: Vec<PlaylistEntry>,
}

/// The entry a playlist shows at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryAt {
    /// Index into `Playlist::entries`.
    pub index: usize,
    pub content: ContentId,
    /// When this showing of the entry began.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub since: Timestamp,
    /// When the next entry (or the same one again, in a one-entry playlist) takes over.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub until: Timestamp,
}

impl Playlist {
    /// The entry showing at `at` when the playlist started at `start`.
    ///
    /// Promo dates change which entries are in the loop. Whenever that set changes, the loop
    /// restarts from its first valid entry at the moment of the change, so the answer never
    /// depends on entries that were not valid at the time. `None` when no entry is valid.
    pub fn entry_at(&self, start: Timestamp, at: Timestamp) -> Option<EntryAt> {
        let mut loop_start = start;
        let mut next_change: Option<Timestamp> = None;
        for bound in self
            .entries
            .iter()
            .flat_map(|e| [e.valid_from, e.valid_until])
            .flatten()
        {
            if bound <= at {
                loop_start = loop_start.max(bound);
            } else {
                next_change = Some(next_change.map_or(bound, |n| n.min(bound)));
            }
        }
        let valid = || {
            self.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.duration_ms > 0 && e.is_valid_at(at))
        };
        let cycle_ms: i64 = valid().map(|(_, e)| e.duration_ms).sum();
        if cycle_ms == 0 {
            return None;
        }
        let elapsed_ms = at.as_millisecond() - loop_start.as_millisecond();
        let mut offset = elapsed_ms.rem_euclid(cycle_ms);
        for (index, entry) in valid() {
            if offset < entry.duration_ms {
                let since = at - SignedDuration::from_millis(offset);
                let end = since + SignedDuration::from_millis(entry.duration_ms);
                return Some(EntryAt {
                    index,
                    content: entry.content,
                    since,
                    until: next_change.map_or(end, |n| n.min(end)),
                });
            }
            offset -= entry.duration_ms;
        }
        unreachable!("offset is below the sum of the valid durations")
    }

    /// Sum of the durations of the entries valid at `at`: one pass through the loop.
    pub fn cycle_at(&self, at: Timestamp) -> SignedDuration {
        SignedDuration::from_millis(
            self.entries
                .iter()
                .filter(|e| e.duration_ms > 0 && e.is_valid_at(at))
                .map(|e| e.duration_ms)
                .sum(),
        )
    }
}

/// A day: longer durations are almost certainly a unit mistake (seconds typed as ms or so).
const MAX_ENTRY_MS: i64 = 24 * 3600 * 1000;

impl Validate for Playlist {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.name.trim().is_empty() {
            errors.add("name", "required", "a name is required");
        }
        for (i, entry) in self.entries.iter().enumerate() {
            let field = |name: &str| format!("entries.{i}.{name}");
            if entry.duration_ms < 0 {
                errors.add(
                    field("duration_ms"),
                    "negative",
                    "a duration cannot be negative",
                );
            } else if entry.duration_ms == 0 {
                errors.add(
                    field("duration_ms"),
                    "zero",
                    "a duration must be longer than zero",
                );
            } else if entry.duration_ms > MAX_ENTRY_MS {
                errors.add(
                    field("duration_ms"),
                    "too_long",
                    "an entry can show for at most a day",
                );
            }
            if let (Some(from), Some(until)) = (entry.valid_from, entry.valid_until)
                && until <= from
            {
                errors.add(
                    field("valid_until"),
                    "before_start",
                    "the promo must end after it starts",
                );
            }
        }
        errors.into_result()
    }
}

impl Accept for Playlist {
    fn normalize(&mut self) {
        normalize_line(&mut self.name);
    }

    fn check_new(&self, _now: Timestamp, errors: &mut ValidationErrors) {
        check_line("name", &self.name, errors);
    }
}
