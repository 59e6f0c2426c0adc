//! Schedule rules: what plays, where, when and how (ARCHITECTURE §5).

use super::cron::CronExpr;
use crate::ids::{GroupId, LayoutId, PlaylistId, RuleId, ScreenId, StoreId};
use crate::input::{Accept, check_line, normalize_line};
use crate::validate::{Validate, ValidationErrors};
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a rule shows: a layout, or a playlist shown fullscreen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Target {
    Layout(LayoutId),
    Playlist(PlaylistId),
}

/// Which screens a rule applies to. The server uses it to put the rule into the right
/// manifests; the engine itself only sees rules that already apply to its screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scope {
    /// Every screen of the organization.
    #[serde(default)]
    pub all: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<StoreId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub screens: Vec<ScreenId>,
    /// Screens carrying any of these tags, in whichever store.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Scope {
    pub fn applies_to(
        &self,
        screen: ScreenId,
        store: StoreId,
        groups: &[GroupId],
        tags: &[String],
    ) -> bool {
        self.all
            || self.screens.contains(&screen)
            || self.stores.contains(&store)
            || self.groups.iter().any(|g| groups.contains(g))
            || self.tags.iter().any(|t| tags.contains(t))
    }
}

/// An inclusive range of local dates, in the screen's timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DateRange {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-03-21"))]
    pub from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-04-02"))]
    pub until: Date,
}

impl DateRange {
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.until
    }
}

/// A set of weekdays. On the wire: a list of lower-case English names, so a request is
/// readable (`["saturday", "sunday"]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Weekdays(u8);

const WEEKDAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Weekdays {
    pub const EMPTY: Weekdays = Weekdays(0);
    pub const ALL: Weekdays = Weekdays(0x7f);

    pub fn of(days: &[Weekday]) -> Weekdays {
        days.iter().fold(Weekdays::EMPTY, |set, &d| set.with(d))
    }

    pub fn with(self, day: Weekday) -> Weekdays {
        Weekdays(self.0 | 1 << day.to_monday_zero_offset())
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & 1 << day.to_monday_zero_offset() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Weekday> {
        (0..7)
            .filter(move |i| self.0 & 1 << i != 0)
            .map(|i| Weekday::from_monday_zero_offset(i).expect("0..7 is a weekday"))
    }
}

impl Serialize for Weekdays {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.iter()
                .map(|d| WEEKDAY_NAMES[d.to_monday_zero_offset() as usize]),
        )
    }
}

impl<'de> Deserialize<'de> for Weekdays {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(deserializer)?;
        names.iter().try_fold(Weekdays::EMPTY, |set, name| {
            let lower = name.to_ascii_lowercase();
            WEEKDAY_NAMES
                .iter()
                .position(|n| *n == lower || n[..3] == lower)
                .map(|i| {
                    set.with(Weekday::from_monday_zero_offset(i as i8).expect("index of a weekday"))
                })
                .ok_or_else(|| serde::de::Error::custom(format!("unknown weekday '{name}'")))
        })
    }
}

/// Documents the form `Weekdays` writes: an array of lower-case English names. Reading is more
/// lenient (any case, three-letter abbreviations, repeats); the description mentions it.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Weekdays {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
        ArrayBuilder::new()
            .items(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(WEEKDAY_NAMES)),
            )
            .description(Some(
                "A set of weekdays as lower-case English names, written Monday first. \
                 Requests may also use any case and three-letter abbreviations (`sat`).",
            ))
            .examples([serde_json::json!(["saturday", "sunday"])])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Weekdays {}

/// The part of a day (or the moments) a rule is active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Window {
    /// From local midnight to the next local midnight.
    AllDay,
    /// A daily window in local time. `end <= start` means it ends the next day
    /// (22:00–02:00); the day it starts on is the one that must match dates and weekdays.
    Daily {
        /// Local wall-clock time, written `HH:MM:SS` (`HH:MM` is accepted).
        #[cfg_attr(feature = "openapi", schema(value_type = String, example = "07:30:00"))]
        start: Time,
        /// Local wall-clock time, written `HH:MM:SS` (`HH:MM` is accepted).
        #[cfg_attr(feature = "openapi", schema(value_type = String, example = "22:00:00"))]
        end: Time,
    },
    /// Active for `duration_secs` from each time the cron line fires (5, 6 or 7 fields).
    /// A new firing starts a new occurrence, so occurrences never overlap.
    Cron { expr: String, duration_secs: i64 },
    /// The hours of the screen's store's daypart of this name (breakfast), whatever they are
    /// now: changing the daypart moves the rule. Never active where the store has none.
    Daypart { daypart: String },
    /// While the screen's store is open; always, for a store without opening hours.
    WhileOpen,
}

/// When a rule is active. All parts must agree; an empty part means "no restriction".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct When {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<DateRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekdays: Option<Weekdays>,
    pub window: Window,
    /// Absolute bounds, for one-off messages such as an emergency with an end time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub active_from: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub active_until: Option<Timestamp>,
}

impl When {
    pub fn always() -> When {
        When {
            dates: None,
            weekdays: None,
            window: Window::AllDay,
            active_from: None,
            active_until: None,
        }
    }

    pub fn daily(start: Time, end: Time) -> When {
        When {
            window: Window::Daily { start, end },
            ..When::always()
        }
    }

    pub fn on(mut self, days: &[Weekday]) -> When {
        self.weekdays = Some(Weekdays::of(days));
        self
    }

    pub fn between(mut self, from: Date, until: Date) -> When {
        self.dates = Some(DateRange { from, until });
        self
    }
}

/// How a rule competes with others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RuleKind {
    /// Fills the screen; among active normal rules the highest priority wins.
    #[default]
    Normal,
    /// Takes `seconds_per_hour` of each hour, in `spots_per_hour` evenly spaced spots, over
    /// normal content of the same or lower priority.
    Interrupt {
        seconds_per_hour: i64,
        spots_per_hour: i64,
    },
    /// Drawn on top of whatever plays (a ticker bar, a logo); several may stack.
    Overlay,
    /// Beats everything, whatever its priority.
    Emergency,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleRule {
    pub id: RuleId,
    pub name: String,
    pub target: Target,
    #[serde(default)]
    pub scope: Scope,
    pub when: When,
    #[serde(default)]
    pub priority: i32,
    #[serde(default)]
    pub kind: RuleKind,
}

/// Cron occurrences longer than a week would hide everything else for good: a mistake.
pub const MAX_CRON_DURATION_SECS: i64 = 7 * 24 * 3600;
/// More spots than one a minute is not an interrupt any more.
pub const MAX_SPOTS_PER_HOUR: i64 = 60;

impl Validate for ScheduleRule {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.name.trim().is_empty() {
            errors.add("name", "required", "a name is required");
        }
        let when = &self.when;
        if let Some(range) = when.dates
            && range.until < range.from
        {
            errors.add(
                "when.dates.until",
                "before_start",
                "the last day is before the first day",
            );
        }
        if when.weekdays.is_some_and(Weekdays::is_empty) {
            errors.add("when.weekdays", "empty", "choose at least one weekday");
        }
        if let (Some(from), Some(until)) = (when.active_from, when.active_until)
            && until <= from
        {
            errors.add(
                "when.active_until",
                "before_start",
                "the end must be after the start",
            );
        }
        match &when.window {
            Window::AllDay | Window::WhileOpen => {}
            Window::Daypart { daypart } => {
                if daypart.trim().is_empty() {
                    errors.add("when.window.daypart", "required", "choose a daypart");
                }
            }
            Window::Daily { start, end } => {
                if start == end {
                    errors.add(
                        "when.window.end",
                        "equals_start",
                        "start and end are the same; use an all-day window for the whole day",
                    );
                }
            }
            Window::Cron {
                expr,
                duration_secs,
            } => {
                if let Err(message) = CronExpr::parse(expr) {
                    errors.add("when.window.expr", "invalid_cron", message);
                }
                if *duration_secs < 0 {
                    errors.add(
                        "when.window.duration_secs",
                        "negative",
                        "a duration cannot be negative",
                    );
                } else if *duration_secs == 0 {
                    errors.add(
                        "when.window.duration_secs",
                        "zero",
                        "a duration must be longer than zero",
                    );
                } else if *duration_secs > MAX_CRON_DURATION_SECS {
                    errors.add(
                        "when.window.duration_secs",
                        "too_long",
                        "a cron occurrence can last at most 7 days",
                    );
                }
            }
        }
        if let RuleKind::Interrupt {
            seconds_per_hour,
            spots_per_hour,
        } = self.kind
        {
            if !(1..=3600).contains(&seconds_per_hour) {
                errors.add(
                    "kind.seconds_per_hour",
                    "out_of_range",
                    "share of voice must be 1 to 3600 seconds per hour",
                );
            }
            if !(1..=MAX_SPOTS_PER_HOUR).contains(&spots_per_hour) {
                errors.add(
                    "kind.spots_per_hour",
                    "out_of_range",
                    "spots per hour must be 1 to 60",
                );
            } else if seconds_per_hour < spots_per_hour {
                errors.add(
                    "kind.spots_per_hour",
                    "too_many",
                    "each spot must last at least one second",
                );
            }
        }
        errors.into_result()
    }
}

impl Accept for ScheduleRule {
    fn normalize(&mut self) {
        normalize_line(&mut self.name);
    }

    fn check_new(&self, now: Timestamp, errors: &mut ValidationErrors) {
        check_line("name", &self.name, errors);
        // A line that parses (else `validate` said so) but whose dates never come again.
        if let Window::Cron { expr, .. } = &self.when.window
            && let Ok(cron) = CronExpr::parse(expr)
            && !cron.fires_after(now)
        {
            errors.add(
                "when.window.expr",
                "never_fires",
                format!(
                    "'{}' never fires from now on: no coming date matches it (does that month \
                     have that day? is the year still ahead?)",
                    expr.trim()
                ),
            );
        }
    }
}
