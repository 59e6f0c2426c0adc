//! The schedule engine: from rules, an instant and a timezone to what plays.
//!
//! Rules are compiled once into a [`Schedule`]; [`Schedule::resolve`] answers "what plays now,
//! and until when", [`Schedule::timeline`] answers "what plays when" over a range. Both are pure
//! and build on the same occurrence functions, so they always agree (property-tested).
//!
//! Layers, from the bottom up:
//! - main: the highest-ranked active normal rule, else the screen's default layout;
//! - interrupt spots: an active interrupt replaces main during its spots when its priority is at
//!   least main's;
//! - overlays: every active overlay, drawn on top in rank order;
//! - emergency: the highest-ranked active emergency rule, above everything.
//!
//! Rank is (priority descending, rule id ascending), so the outcome never depends on the order
//! in which rules are listed.

use super::clock::{Clock, Edge, hour_start};
use super::cron::CronExpr;
use super::hours::{Daypart, StoreHours};
use super::rule::{RuleKind, ScheduleRule, Target, Window};
use crate::ids::{LayoutId, PlaylistId, RuleId};
use crate::layout::{Layout, Rect, Template};
use crate::playlist::{EntryAt, Playlist};
use crate::validate::{Validate, ValidationErrors};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// One stretch of time in which a rule is active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Occurrence {
    start: Timestamp,
    end: Timestamp,
}

impl Occurrence {
    fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

/// Which layer a selection fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    Default,
    Normal,
    Interrupt,
    Overlay,
    Emergency,
}

/// What fills one layer, and since when: `since` is where the target's playlists start
/// counting, so every screen that selects the same thing shows the same slide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Selected {
    /// `None` for the screen's default layout.
    pub rule: Option<RuleId>,
    pub kind: LayerKind,
    pub target: Target,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub since: Timestamp,
    /// When this occurrence ends on its own; `None` for the default layout.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub until: Option<Timestamp>,
}

/// Everything selected at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Layers {
    pub main: Option<Selected>,
    pub overlays: Vec<Selected>,
    pub emergency: Option<Selected>,
}

/// A stretch of a timeline in which the selection does not change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineSpan {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub start: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub end: Timestamp,
    #[serde(flatten)]
    pub layers: Layers,
}

/// One zone of a selected layout and the entry it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZonePlay {
    pub zone: String,
    pub rect: Rect,
    pub playlist: PlaylistId,
    /// `None` when no entry of the playlist is valid now.
    pub entry: Option<EntryAt>,
}

/// A selection with its zones filled in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LayerPlay {
    #[serde(flatten)]
    pub selected: Selected,
    /// The layout shown; `None` when the target is a playlist shown fullscreen.
    pub layout: Option<LayoutId>,
    pub zones: Vec<ZonePlay>,
}

/// What plays at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolution {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    pub main: Option<LayerPlay>,
    pub overlays: Vec<LayerPlay>,
    pub emergency: Option<LayerPlay>,
    /// The first instant after `at` at which any layer's selection changes; `None` when
    /// nothing will change any more. Entries inside playlists change earlier, at their `until`.
    /// (After 64 rule boundaries in a row that change nothing, the last of them is returned:
    /// nothing changes before it, and resolving again there is always correct.)
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub next_change: Option<Timestamp>,
}

impl Resolution {
    /// Nothing on screen at `at` (a panel asleep): what proof of play sees then.
    pub fn dark(at: Timestamp) -> Resolution {
        Resolution {
            at,
            main: None,
            overlays: Vec::new(),
            emergency: None,
            next_change: None,
        }
    }

    /// The selections without their zones, as a timeline reports them.
    pub fn layers(&self) -> Layers {
        Layers {
            main: self.main.as_ref().map(|p| p.selected),
            overlays: self.overlays.iter().map(|p| p.selected).collect(),
            emergency: self.emergency.as_ref().map(|p| p.selected),
        }
    }

    /// The earliest instant at which anything on screen changes: a layer or an entry.
    pub fn next_redraw(&self) -> Option<Timestamp> {
        let entries = self
            .main
            .iter()
            .chain(&self.overlays)
            .chain(&self.emergency)
            .flat_map(|layer| &layer.zones)
            .filter_map(|zone| zone.entry.map(|e| e.until));
        entries.chain(self.next_change).min()
    }
}

enum CompiledWindow {
    /// A daypart the store does not have.
    Never,
    /// The store's open stretches (the rule's dates and weekdays filter them by the day they
    /// begin on).
    Open(Arc<StoreHours>),
    /// One occurrence per matching day: `[day start, (day + 1 if next_day) end)`.
    Days {
        start: Time,
        end: Time,
        next_day: bool,
    },
    /// One occurrence per firing, cut short by the next firing.
    Cron {
        // Boxed: a parsed cron line is large and most rules are day windows.
        expr: Box<CronExpr>,
        duration: SignedDuration,
    },
}

/// Where an interrupt's spots fall inside each local clock hour. Hours follow the offset at
/// their start, so in a zone whose offset changes by half an hour (Lord Howe) the spots next
/// to the change may sit off the grid; whole-hour changes keep it exact.
struct SpotGrid {
    offset_ms: i64,
    period_ms: i64,
    length_ms: i64,
    count: i64,
}

const HOUR_MS: i64 = 3_600_000;
/// How far ahead `next_change` and occurrence searches look before giving up.
const SEARCH_DAYS: i64 = 400;
/// How many cron firings a search walks past before giving up (firings filtered out by
/// dates or weekdays).
const MAX_CRON_STEPS: usize = 2000;
/// How many non-changing boundaries `next_change` verifies before it answers conservatively.
const MAX_CHANGE_STEPS: usize = 64;

struct CompiledRule {
    rule: ScheduleRule,
    window: CompiledWindow,
    spots: Option<SpotGrid>,
}

impl CompiledRule {
    fn compile(rule: ScheduleRule, store: &StoreTime) -> Result<CompiledRule, ValidationErrors> {
        rule.validate()?;
        let window = match &rule.when.window {
            Window::WhileOpen => match &store.hours {
                Some(hours) => CompiledWindow::Open(hours.clone()),
                None => CompiledWindow::Days {
                    start: Time::midnight(),
                    end: Time::midnight(),
                    next_day: true,
                },
            },
            Window::Daypart { daypart } => store
                .dayparts
                .iter()
                .find(|d| d.name.trim().eq_ignore_ascii_case(daypart.trim()))
                .map_or(CompiledWindow::Never, |d| CompiledWindow::Days {
                    start: d.start,
                    end: d.end,
                    next_day: d.end <= d.start,
                }),
            Window::AllDay => CompiledWindow::Days {
                start: Time::midnight(),
                end: Time::midnight(),
                next_day: true,
            },
            Window::Daily { start, end } => CompiledWindow::Days {
                start: *start,
                end: *end,
                next_day: end <= start,
            },
            Window::Cron {
                expr,
                duration_secs,
            } => CompiledWindow::Cron {
                expr: Box::new(CronExpr::parse(expr).expect("validated")),
                duration: SignedDuration::from_secs(*duration_secs),
            },
        };
        Ok(CompiledRule {
            rule,
            window,
            spots: None,
        })
    }

    fn priority(&self) -> i32 {
        self.rule.priority
    }

    fn day_matches(&self, day: Date) -> bool {
        let when = &self.rule.when;
        when.dates.is_none_or(|r| r.contains(day))
            && when.weekdays.is_none_or(|w| w.contains(day.weekday()))
    }

    /// Cuts an occurrence to the rule's absolute bounds; `None` when nothing is left.
    fn clip(&self, start: Timestamp, end: Timestamp) -> Option<Occurrence> {
        let when = &self.rule.when;
        let start = when.active_from.map_or(start, |from| start.max(from));
        let end = when.active_until.map_or(end, |until| end.min(until));
        (start < end).then_some(Occurrence { start, end })
    }

    fn day_bounds(day: Date, start: Time, end: Time, next_day: bool) -> (DateTime, DateTime) {
        let end_day = if next_day {
            day.tomorrow().unwrap_or(day)
        } else {
            day
        };
        (day.to_datetime(start), end_day.to_datetime(end))
    }

    fn day_occurrence(&self, clock: &Clock, day: Date) -> Option<Occurrence> {
        let CompiledWindow::Days {
            start,
            end,
            next_day,
        } = self.window
        else {
            unreachable!("only day windows have day occurrences")
        };
        if !self.day_matches(day) {
            return None;
        }
        let (start, end) = Self::day_bounds(day, start, end, next_day);
        self.clip(
            clock.instant(start, Edge::Start),
            clock.instant(end, Edge::End),
        )
    }

    /// Cron firings after `after` whose day matches the rule's dates and weekdays, in order.
    /// Stops at the end of the rule's dates or bounds.
    fn matching_fires<'c>(
        &'c self,
        clock: &'c Clock,
        expr: &'c CronExpr,
        after: Timestamp,
    ) -> impl Iterator<Item = Timestamp> + 'c {
        let when = &self.rule.when;
        // Jump to the first day of the date range instead of walking up to it.
        let first_day = when.dates.map(|r| {
            clock.instant(r.from.to_datetime(Time::midnight()), Edge::Start)
                - SignedDuration::from_nanos(1)
        });
        let mut cursor = first_day.map_or(after, |f| after.max(f));
        let mut misses = 0;
        std::iter::from_fn(move || {
            loop {
                let fire = expr.next_after(cursor, clock.tz)?;
                let day = clock.civil(fire).date();
                if when.active_until.is_some_and(|until| fire >= until)
                    || when.dates.is_some_and(|r| day > r.until)
                    || misses > MAX_CRON_STEPS
                {
                    return None;
                }
                cursor = fire;
                if self.day_matches(day) {
                    return Some(fire);
                }
                misses += 1;
            }
        })
    }

    /// The occurrences of a cron rule that end after `from`, in order: each lasts `duration`
    /// from its firing, or until the next matching firing.
    fn cron_occurrences<'c>(
        &'c self,
        clock: &'c Clock,
        expr: &'c CronExpr,
        duration: SignedDuration,
        from: Timestamp,
    ) -> impl Iterator<Item = Occurrence> + 'c {
        // Firings before `active_from - duration` cannot reach into the rule's bounds.
        let from_active = self.rule.when.active_from.map_or(from, |f| from.max(f));
        let mut fires = self
            .matching_fires(clock, expr, from_active - duration)
            .peekable();
        std::iter::from_fn(move || {
            let fire = fires.next()?;
            let end = fires
                .peek()
                .map_or(fire + duration, |&n| n.min(fire + duration));
            Some(self.clip(fire, end))
        })
        .flatten()
        .filter(move |o| o.end > from)
    }

    /// The occurrence that contains `clock.at`, if any.
    fn occurrence_at(&self, clock: &Clock) -> Option<Occurrence> {
        let when = &self.rule.when;
        if when.active_from.is_some_and(|from| clock.at < from)
            || when.active_until.is_some_and(|until| clock.at >= until)
        {
            return None;
        }
        match &self.window {
            &CompiledWindow::Days {
                start,
                end,
                next_day,
            } => {
                let today = clock.local.date();
                let days = [Some(today), today.yesterday().ok()];
                days.into_iter().flatten().find_map(|day| {
                    if !self.day_matches(day) {
                        return None;
                    }
                    // Compare in civil time first: most rules are not active, and proving that
                    // costs no timezone conversion.
                    let (start, end) = Self::day_bounds(day, start, end, next_day);
                    if clock.cmp_at(start, Edge::Start) == Ordering::Greater
                        || clock.cmp_at(end, Edge::End) != Ordering::Greater
                    {
                        return None;
                    }
                    self.clip(
                        clock.instant(start, Edge::Start),
                        clock.instant(end, Edge::End),
                    )
                    .filter(|o| o.contains(clock.at))
                })
            }
            CompiledWindow::Never => None,
            CompiledWindow::Open(hours) => hours
                .span_at(clock.tz, clock.at)
                .filter(|s| self.day_matches(clock.civil(s.start).date()))
                .and_then(|s| self.clip(s.start, s.end))
                .filter(|o| o.contains(clock.at)),
            // The first occurrence that ends after `at` is the one containing it, if any.
            CompiledWindow::Cron { expr, duration } => self
                .cron_occurrences(clock, expr, *duration, clock.at)
                .next()
                .filter(|o| o.contains(clock.at)),
        }
    }

    /// Occurrences that end after `from`, in order, until `until` (exclusive) is reached.
    fn occurrences(&self, clock: &Clock, from: Timestamp, until: Timestamp) -> Vec<Occurrence> {
        let when = &self.rule.when;
        let from = when.active_from.map_or(from, |f| from.max(f));
        let until = when.active_until.map_or(until, |u| until.min(u));
        let mut found = Vec::new();
        if from >= until {
            return found;
        }
        match &self.window {
            CompiledWindow::Days { .. } => {
                let mut day = clock.civil(from).date().yesterday().unwrap_or(Date::MIN);
                if let Some(range) = when.dates {
                    day = day.max(range.from);
                }
                let last = clock.civil(until).date();
                while day <= last && when.dates.is_none_or(|r| day <= r.until) {
                    if let Some(o) = self.day_occurrence(clock, day)
                        && o.end > from
                        && o.start < until
                    {
                        found.push(o);
                    }
                    let Ok(next) = day.tomorrow() else { break };
                    day = next;
                }
            }
            CompiledWindow::Cron { expr, duration } => {
                found.extend(
                    self.cron_occurrences(clock, expr, *duration, from)
                        .take_while(|o| o.start < until),
                );
            }
            CompiledWindow::Never => {}
            CompiledWindow::Open(hours) => found.extend(
                hours
                    .spans(clock.tz, from, until)
                    .into_iter()
                    .filter(|s| self.day_matches(clock.civil(s.start).date()))
                    .filter_map(|s| self.clip(s.start, s.end))
                    .filter(|o| o.end > from && o.start < until),
            ),
        }
        found
    }

    /// The start of the first occurrence that starts after `clock.at`.
    fn next_start(&self, clock: &Clock) -> Option<Timestamp> {
        let at = clock.at;
        match &self.window {
            CompiledWindow::Days { .. } => {
                let when = &self.rule.when;
                if when.active_until.is_some_and(|until| until <= at) {
                    return None;
                }
                let mut day = clock.local.date().yesterday().ok()?;
                if let Some(range) = when.dates {
                    day = day.max(range.from);
                }
                if let Some(from) = when.active_from {
                    day = day.max(clock.civil(from).date().yesterday().ok()?);
                }
                for _ in 0..SEARCH_DAYS {
                    if when.dates.is_some_and(|r| day > r.until) {
                        return None;
                    }
                    if let Some(o) = self.day_occurrence(clock, day)
                        && o.start > at
                    {
                        return Some(o.start);
                    }
                    day = day.tomorrow().ok()?;
                }
                None
            }
            CompiledWindow::Never => None,
            CompiledWindow::Open(hours) => {
                // An opening in progress (at `at`, or when the rule's bounds begin) may be
                // clipped to start later; else the next opening on a matching day.
                let clipped_start = |t: Timestamp| {
                    hours
                        .span_at(clock.tz, t)
                        .filter(|s| self.day_matches(clock.civil(s.start).date()))
                        .and_then(|s| self.clip(s.start, s.end))
                        .map(|o| o.start)
                };
                let from = self.rule.when.active_from.map_or(at, |f| at.max(f));
                let next = hours
                    .next_opening(clock.tz, from, |day| self.day_matches(day))
                    .and_then(|s| self.clip(s.start, s.end))
                    .map(|o| o.start);
                [clipped_start(at), clipped_start(from), next]
                    .into_iter()
                    .flatten()
                    .filter(|start| *start > at)
                    .min()
            }
            CompiledWindow::Cron { expr, duration } => {
                // An occurrence in progress may be clipped to start after `at`.
                self.cron_occurrences(clock, expr, *duration, at)
                    .map(|o| o.start)
                    .find(|start| *start > at)
            }
        }
    }

    /// The spot of an interrupt's grid that contains `t`, if any (not yet cut to occurrences).
    fn spot_at(&self, tz: &TimeZone, t: Timestamp) -> Option<Occurrence> {
        let grid = self.spots.as_ref()?;
        let hour = hour_start(tz, t);
        let into = t.as_millisecond() - hour.as_millisecond() - grid.offset_ms;
        if into < 0 {
            return None;
        }
        let k = into / grid.period_ms;
        if k >= grid.count {
            return None;
        }
        let spot = grid.spot(hour, k);
        spot.contains(t).then_some(spot)
    }

    /// Every spot of the grid that overlaps `occurrence`, cut to it.
    fn spots_in(&self, tz: &TimeZone, occurrence: Occurrence) -> Vec<Occurrence> {
        let grid = self.spots.as_ref().expect("interrupts have a spot grid");
        let mut spots = Vec::new();
        let mut hour = hour_start(tz, occurrence.start);
        while hour < occurrence.end {
            for k in 0..grid.count {
                let spot = grid.spot(hour, k);
                let (start, end) = (
                    spot.start.max(occurrence.start),
                    spot.end.min(occurrence.end),
                );
                if start < end {
                    spots.push(Occurrence { start, end });
                }
            }
            hour = hour_start(tz, hour + SignedDuration::from_millis(HOUR_MS));
        }
        spots
    }

    /// The next instant after `t` at which this interrupt's visible spot starts or ends.
    fn next_spot_boundary(&self, clock: &Clock, occurrence: Occurrence) -> Option<Timestamp> {
        let t = clock.at;
        let day = SignedDuration::from_hours(24);
        let window = Occurrence {
            start: occurrence.start.max(t),
            end: occurrence.end.min(t + day),
        };
        if window.start >= window.end {
            return None;
        }
        let spots = self.spots_in(clock.tz, window);
        spots
            .iter()
            .flat_map(|s| [s.start, s.end])
            .find(|b| *b > t)
            .or(Some(window.end).filter(|e| *e > t))
    }
}

impl SpotGrid {
    fn spot(&self, hour: Timestamp, k: i64) -> Occurrence {
        let start = hour + SignedDuration::from_millis(self.offset_ms + k * self.period_ms);
        let hour_end = hour + SignedDuration::from_millis(HOUR_MS);
        Occurrence {
            start,
            end: (start + SignedDuration::from_millis(self.length_ms)).min(hour_end),
        }
    }
}

/// What each layer's winner is, as rule indices (into rank order) and occurrences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Picks {
    normal: Option<(usize, Occurrence)>,
    spot: Option<(usize, Occurrence)>,
    overlays: Vec<(usize, Occurrence)>,
    emergency: Option<(usize, Occurrence)>,
}

/// Compiled rules with the layouts and playlists they refer to.
pub struct Schedule {
    /// In rank order: priority descending, then id ascending.
    rules: Vec<CompiledRule>,
    normals: Vec<usize>,
    interrupts: Vec<usize>,
    overlays: Vec<usize>,
    emergencies: Vec<usize>,
    layouts: HashMap<LayoutId, Layout>,
    playlists: HashMap<PlaylistId, Playlist>,
    default_layout: Option<LayoutId>,
}

/// What the screen's store says about time: its opening hours (none: always open) and its
/// dayparts, for rules that say "while open" or name a daypart.
#[derive(Debug, Clone, Default)]
pub struct StoreTime {
    pub hours: Option<Arc<StoreHours>>,
    pub dayparts: Vec<Daypart>,
}

impl StoreTime {
    pub fn new(hours: Option<&StoreHours>, dayparts: &[Daypart]) -> StoreTime {
        StoreTime {
            hours: hours.cloned().map(Arc::new),
            dayparts: dayparts.to_vec(),
        }
    }
}

impl Schedule {
    /// Compiles rules for a store that is always open and has no dayparts.
    pub fn new(
        rules: &[ScheduleRule],
        layouts: &[Layout],
        playlists: &[Playlist],
        default_layout: Option<LayoutId>,
    ) -> Result<Schedule, ValidationErrors> {
        Schedule::for_store(
            rules,
            layouts,
            playlists,
            default_layout,
            &StoreTime::default(),
        )
    }

    /// Compiles rules; every invalid rule is reported, under `rules.<index in input>`.
    pub fn for_store(
        rules: &[ScheduleRule],
        layouts: &[Layout],
        playlists: &[Playlist],
        default_layout: Option<LayoutId>,
        store: &StoreTime,
    ) -> Result<Schedule, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut compiled = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            if rules[..i].iter().any(|r| r.id == rule.id) {
                errors.add(
                    format!("rules.{i}.id"),
                    "duplicate",
                    format!("rule id {} appears twice", rule.id),
                );
            }
            match CompiledRule::compile(rule.clone(), store) {
                Ok(c) => compiled.push(c),
                Err(e) => errors.nest(&format!("rules.{i}"), e),
            }
        }
        errors.into_result()?;
        compiled.sort_by_key(|c| (std::cmp::Reverse(c.rule.priority), c.rule.id));

        // Interrupt spots are staggered by the spots of higher-ranked interrupts, so two ads
        // with one spot an hour each play one after the other, not on top of each other.
        let mut stagger_ms = 0;
        for c in &mut compiled {
            if let RuleKind::Interrupt {
                seconds_per_hour,
                spots_per_hour,
            } = c.rule.kind
            {
                let period_ms = HOUR_MS / spots_per_hour;
                let length_ms = seconds_per_hour * 1000 / spots_per_hour;
                c.spots = Some(SpotGrid {
                    offset_ms: stagger_ms % period_ms,
                    period_ms,
                    length_ms,
                    count: spots_per_hour,
                });
                stagger_ms += length_ms;
            }
        }
        let of_kind = |pred: fn(&RuleKind) -> bool| -> Vec<usize> {
            compiled
                .iter()
                .enumerate()
                .filter(|(_, c)| pred(&c.rule.kind))
                .map(|(i, _)| i)
                .collect()
        };
        Ok(Schedule {
            normals: of_kind(|k| matches!(k, RuleKind::Normal)),
            interrupts: of_kind(|k| matches!(k, RuleKind::Interrupt { .. })),
            overlays: of_kind(|k| matches!(k, RuleKind::Overlay)),
            emergencies: of_kind(|k| matches!(k, RuleKind::Emergency)),
            rules: compiled,
            layouts: layouts.iter().map(|l| (l.id, l.clone())).collect(),
            playlists: playlists.iter().map(|p| (p.id, p.clone())).collect(),
            default_layout,
        })
    }

    pub fn rules(&self) -> impl Iterator<Item = &ScheduleRule> {
        self.rules.iter().map(|c| &c.rule)
    }

    fn picks_at(&self, clock: &Clock) -> Picks {
        let first_active = |indices: &[usize]| {
            indices
                .iter()
                .find_map(|&i| self.rules[i].occurrence_at(clock).map(|o| (i, o)))
        };
        let normal = first_active(&self.normals);
        let floor = normal.map(|(i, _)| self.rules[i].priority());
        let spot = self
            .interrupts
            .iter()
            .filter(|&&i| floor.is_none_or(|p| self.rules[i].priority() >= p))
            .find_map(|&i| {
                let rule = &self.rules[i];
                let spot = rule.spot_at(clock.tz, clock.at)?;
                let occurrence = rule.occurrence_at(clock)?;
                let start = spot.start.max(occurrence.start);
                Some((
                    i,
                    Occurrence {
                        start,
                        end: spot.end.min(occurrence.end),
                    },
                ))
            });
        let overlays = self
            .overlays
            .iter()
            .filter_map(|&i| self.rules[i].occurrence_at(clock).map(|o| (i, o)))
            .collect();
        Picks {
            normal,
            spot,
            overlays,
            emergency: first_active(&self.emergencies),
        }
    }

    fn selected(&self, pick: (usize, Occurrence), kind: LayerKind) -> Selected {
        let rule = &self.rules[pick.0].rule;
        Selected {
            rule: Some(rule.id),
            kind,
            target: rule.target,
            since: pick.1.start,
            until: Some(pick.1.end),
        }
    }

    fn layers_of(&self, picks: &Picks) -> Layers {
        let main = match (picks.spot, picks.normal) {
            (Some(spot), _) => Some(self.selected(spot, LayerKind::Interrupt)),
            (None, Some(normal)) => Some(self.selected(normal, LayerKind::Normal)),
            (None, None) => self.default_layout.map(|id| Selected {
                rule: None,
                kind: LayerKind::Default,
                target: Target::Layout(id),
                // The default layout loops forever: counting from a fixed instant keeps
                // every screen in step.
                since: Timestamp::UNIX_EPOCH,
                until: None,
            }),
        };
        Layers {
            main,
            overlays: picks
                .overlays
                .iter()
                .map(|&p| self.selected(p, LayerKind::Overlay))
                .collect(),
            emergency: picks
                .emergency
                .map(|p| self.selected(p, LayerKind::Emergency)),
        }
    }

    /// The selections at an instant.
    pub fn layers_at(&self, at: Timestamp, tz: &TimeZone) -> Layers {
        self.layers_of(&self.picks_at(&Clock::new(tz, at)))
    }

    /// The earliest instant after `clock.at` at which a layer may change: ends of what is
    /// active and starts of what could win over it.
    fn next_boundary(&self, clock: &Clock, picks: &Picks) -> Option<Timestamp> {
        let mut candidates: Vec<Timestamp> = Vec::new();
        let mut contenders = |indices: &[usize], winner: Option<(usize, Occurrence)>| {
            if let Some((_, o)) = winner {
                candidates.push(o.end);
            }
            // Only rules ranked above the winner can displace it.
            let above = winner.map_or(indices.len(), |(w, _)| indices.partition_point(|&i| i < w));
            candidates.extend(
                indices[..above]
                    .iter()
                    .filter_map(|&i| self.rules[i].next_start(clock)),
            );
        };
        contenders(&self.normals, picks.normal);
        contenders(&self.emergencies, picks.emergency);
        for &i in &self.overlays {
            let rule = &self.rules[i];
            candidates.extend(
                rule.occurrence_at(clock)
                    .map(|o| o.end)
                    .or_else(|| rule.next_start(clock)),
            );
        }
        let floor = picks.normal.map(|(i, _)| self.rules[i].priority());
        for &i in &self.interrupts {
            let rule = &self.rules[i];
            if floor.is_some_and(|p| rule.priority() < p) {
                continue;
            }
            match rule.occurrence_at(clock) {
                Some(o) => candidates.extend(rule.next_spot_boundary(clock, o)),
                None => candidates.extend(rule.next_start(clock)),
            }
        }
        candidates.into_iter().filter(|c| *c > clock.at).min()
    }

    fn next_change(
        &self,
        tz: &TimeZone,
        at: Timestamp,
        picks: &Picks,
        layers: &Layers,
    ) -> Option<Timestamp> {
        let mut cursor = Clock::new(tz, at);
        let mut cursor_picks = picks.clone();
        for _ in 0..MAX_CHANGE_STEPS {
            let candidate = self.next_boundary(&cursor, &cursor_picks)?;
            let clock = Clock::new(tz, candidate);
            let candidate_picks = self.picks_at(&clock);
            if self.layers_of(&candidate_picks) != *layers {
                return Some(candidate);
            }
            cursor = clock;
            cursor_picks = candidate_picks;
        }
        Some(cursor.at)
    }

    /// What plays at `at` in timezone `tz`: each layer with its zones and their entries, and
    /// when the selection next changes.
    pub fn resolve(&self, at: Timestamp, tz: &TimeZone) -> Resolution {
        let clock = Clock::new(tz, at);
        let picks = self.picks_at(&clock);
        let layers = self.layers_of(&picks);
        let next_change = self.next_change(tz, at, &picks, &layers);
        let play = |s: Selected| self.play(s, at);
        Resolution {
            at,
            main: layers.main.map(play),
            overlays: layers.overlays.into_iter().map(play).collect(),
            emergency: layers.emergency.map(play),
            next_change,
        }
    }

    fn play(&self, selected: Selected, at: Timestamp) -> LayerPlay {
        let zone_play = |zone: &str, rect: Rect, playlist: PlaylistId| ZonePlay {
            zone: zone.to_owned(),
            rect,
            playlist,
            entry: self
                .playlists
                .get(&playlist)
                .and_then(|p| p.entry_at(selected.since, at)),
        };
        match selected.target {
            Target::Playlist(playlist) => {
                let main = Template::Fullscreen.zones()[0];
                LayerPlay {
                    selected,
                    layout: None,
                    zones: vec![zone_play(main.name, main.rect, playlist)],
                }
            }
            Target::Layout(id) => {
                let zones = self.layouts.get(&id).map_or_else(Vec::new, |layout| {
                    // The layout's own zones (free or its template's), overlays last.
                    layout
                        .areas_in_drawing_order()
                        .iter()
                        .filter_map(|area| {
                            layout
                                .playlist_of(&area.name)
                                .map(|p| zone_play(&area.name, area.rect, p))
                        })
                        .collect()
                });
                LayerPlay {
                    selected,
                    layout: Some(id),
                    zones,
                }
            }
        }
    }

    /// What plays when between `from` and `to`, as consecutive spans that cover the range.
    pub fn timeline(&self, from: Timestamp, to: Timestamp, tz: &TimeZone) -> Vec<TimelineSpan> {
        if from >= to {
            return Vec::new();
        }
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        enum Slot {
            Normal,
            Spot,
            Overlay,
            Emergency,
        }
        let clock = Clock::new(tz, from);
        // (time, is_start, slot, rule index, occurrence)
        let mut events: Vec<(Timestamp, bool, Slot, usize, Occurrence)> = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let slot = match rule.rule.kind {
                RuleKind::Normal => Slot::Normal,
                RuleKind::Interrupt { .. } => Slot::Spot,
                RuleKind::Overlay => Slot::Overlay,
                RuleKind::Emergency => Slot::Emergency,
            };
            for occurrence in rule.occurrences(&clock, from, to) {
                let pieces = if slot == Slot::Spot {
                    rule.spots_in(tz, occurrence)
                } else {
                    vec![occurrence]
                };
                for piece in pieces.into_iter().filter(|p| p.end > from && p.start < to) {
                    events.push((piece.start, true, slot, i, piece));
                    events.push((piece.end, false, slot, i, piece));
                }
            }
        }
        events.sort_unstable();

        let mut active: [BTreeSet<(usize, Occurrence)>; 4] = Default::default();
        let picks_of = |active: &[BTreeSet<(usize, Occurrence)>; 4]| {
            let normal = active[Slot::Normal as usize].first().copied();
            let floor = normal.map(|(i, _)| self.rules[i].priority());
            Picks {
                normal,
                spot: active[Slot::Spot as usize]
                    .iter()
                    .copied()
                    .find(|(i, _)| floor.is_none_or(|p| self.rules[*i].priority() >= p)),
                overlays: active[Slot::Overlay as usize].iter().copied().collect(),
                emergency: active[Slot::Emergency as usize].first().copied(),
            }
        };
        let mut spans = Vec::new();
        let mut events = events.into_iter().peekable();
        let mut span_start = from;
        let mut current = self.layers_of(&Picks::default());
        // Apply every event of one instant, then look at the result.
        while let Some(&(time, ..)) = events.peek() {
            let time = time.max(from);
            if time >= to {
                break;
            }
            while let Some(&(_, is_start, slot, i, o)) =
                events.peek().filter(|e| e.0.max(from) == time)
            {
                if is_start {
                    active[slot as usize].insert((i, o));
                } else {
                    active[slot as usize].remove(&(i, o));
                }
                events.next();
            }
            let layers = self.layers_of(&picks_of(&active));
            if layers != current {
                if time > span_start {
                    spans.push(TimelineSpan {
                        start: span_start,
                        end: time,
                        layers: current,
                    });
                    span_start = time;
                }
                current = layers;
            }
        }
        spans.push(TimelineSpan {
            start: span_start,
            end: to,
            layers: current,
        });
        spans
    }
}
