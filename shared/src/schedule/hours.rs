//! Store hours: when a shop is open, by weekday and with exceptions (closed days, special hours
//! for a date range such as Ramadan), its named dayparts, and what that means for a screen's
//! panel.
//!
//! One model drives everything that depends on opening time: rules that say "while open" or
//! "during breakfast", the grid and the timeline of the admin, a player that turns its panel
//! off when the shop is closed, and a dashboard that does not alert for a screen asleep by
//! schedule. Times are local wall-clock times in the screen's timezone and cross DST changes
//! the way rule windows do (see [`super::clock`]): an opening skipped by a gap is the jump.

use super::clock::{Clock, Edge};
use super::rule::DateRange;
use crate::validate::{Validate, ValidationErrors};
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// One stretch of opening on a day. `close <= open` closes the next day (an overnight shift,
/// 18:00–02:00); `00:00–00:00` is the whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interval {
    /// Local wall-clock time, written `HH:MM:SS` (`HH:MM` is accepted).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:00:00"))]
    pub open: Time,
    /// Local wall-clock time, written `HH:MM:SS` (`HH:MM` is accepted).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "23:00:00"))]
    pub close: Time,
}

impl Interval {
    pub fn new(open: Time, close: Time) -> Interval {
        Interval { open, close }
    }

    pub fn overnight(&self) -> bool {
        self.close <= self.open
    }
}

/// The opening intervals of each weekday; a day without any is a closed day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyHours {
    #[serde(default)]
    pub monday: Vec<Interval>,
    #[serde(default)]
    pub tuesday: Vec<Interval>,
    #[serde(default)]
    pub wednesday: Vec<Interval>,
    #[serde(default)]
    pub thursday: Vec<Interval>,
    #[serde(default)]
    pub friday: Vec<Interval>,
    #[serde(default)]
    pub saturday: Vec<Interval>,
    #[serde(default)]
    pub sunday: Vec<Interval>,
}

/// Weekdays as Iranian shops list them: Saturday first.
pub const WEEK_FROM_SATURDAY: [Weekday; 7] = [
    Weekday::Saturday,
    Weekday::Sunday,
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];

impl WeeklyHours {
    /// The same intervals every day.
    pub fn every_day(intervals: &[Interval]) -> WeeklyHours {
        let mut week = WeeklyHours::default();
        for day in WEEK_FROM_SATURDAY {
            *week.day_mut(day) = intervals.to_vec();
        }
        week
    }

    pub fn day(&self, day: Weekday) -> &[Interval] {
        match day {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }

    pub fn day_mut(&mut self, day: Weekday) -> &mut Vec<Interval> {
        match day {
            Weekday::Monday => &mut self.monday,
            Weekday::Tuesday => &mut self.tuesday,
            Weekday::Wednesday => &mut self.wednesday,
            Weekday::Thursday => &mut self.thursday,
            Weekday::Friday => &mut self.friday,
            Weekday::Saturday => &mut self.saturday,
            Weekday::Sunday => &mut self.sunday,
        }
    }
}

/// Days that do not follow the week: closed (no `hours`) or with hours of their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursException {
    pub name: String,
    pub dates: DateRange,
    /// The hours of each of these days; empty: closed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<Interval>,
    /// The official holiday this was confirmed from (`ashura`, `nowruz_1`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holiday: Option<String>,
}

/// A store's opening hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoreHours {
    pub weekly: WeeklyHours,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<HoursException>,
}

/// A named part of the day (breakfast 07:00–11:00) that grid rules are built from: changing
/// it moves every rule that follows it. `end <= start` ends the next day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Daypart {
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "07:00:00"))]
    pub start: Time,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "11:00:00"))]
    pub end: Time,
}

/// The dayparts of an organization that has not named its own: the old grid's rows.
pub fn default_dayparts() -> Vec<Daypart> {
    let part = |name: &str, start: i8, end: i8| Daypart {
        name: name.to_owned(),
        start: Time::constant(start, 0, 0, 0),
        end: Time::constant(end, 0, 0, 0),
    };
    vec![
        part("Breakfast", 6, 11),
        part("Lunch", 11, 16),
        part("Dinner", 16, 23),
    ]
}

/// One open stretch as instants, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpenSpan {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl OpenSpan {
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

const DAY: SignedDuration = SignedDuration::from_hours(24);
/// How far ahead a search for the next opening or closing looks before giving up.
const SEARCH_DAYS: i64 = 400;

impl StoreHours {
    /// The intervals of one local day: the exception covering it with the shortest range (a
    /// closed holiday inside a month of Ramadan hours), else the week's.
    pub fn intervals_on(&self, day: Date) -> &[Interval] {
        self.exception_on(day)
            .map_or_else(|| self.weekly.day(day.weekday()), |e| &e.hours)
    }

    pub fn exception_on(&self, day: Date) -> Option<&HoursException> {
        self.exceptions
            .iter()
            .filter(|e| e.dates.contains(day))
            .min_by_key(|e| {
                e.dates
                    .until
                    .since(e.dates.from)
                    .map_or(i32::MAX, |s| s.get_days())
            })
    }

    /// The open stretches that overlap `[from, until)`, merged where one ends as the next
    /// begins (an overnight shift into an early opening), in order. A stretch that began more
    /// than a day before `from` is seen from the start of that day.
    pub fn spans(&self, tz: &TimeZone, from: Timestamp, until: Timestamp) -> Vec<OpenSpan> {
        let clock = Clock::new(tz, from);
        let first = clock.local.date().yesterday().unwrap_or(Date::MIN);
        let last = clock.civil(until).date();
        let mut raw = Vec::new();
        let mut day = first;
        while day <= last {
            for interval in self.intervals_on(day) {
                let close_day = if interval.overnight() {
                    day.tomorrow().unwrap_or(day)
                } else {
                    day
                };
                let start = clock.instant(day.to_datetime(interval.open), Edge::Start);
                let end = clock.instant(close_day.to_datetime(interval.close), Edge::End);
                if start < end {
                    raw.push(OpenSpan { start, end });
                }
            }
            let Ok(next) = day.tomorrow() else { break };
            day = next;
        }
        raw.sort();
        let mut merged: Vec<OpenSpan> = Vec::with_capacity(raw.len());
        for span in raw {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        merged.retain(|s| s.end > from && s.start < until);
        merged
    }

    /// The open stretch containing `at`, if the store is open then.
    pub fn span_at(&self, tz: &TimeZone, at: Timestamp) -> Option<OpenSpan> {
        self.spans(tz, at, at + SignedDuration::from_secs(1))
            .into_iter()
            .find(|s| s.contains(at))
    }

    pub fn is_open(&self, tz: &TimeZone, at: Timestamp) -> bool {
        self.span_at(tz, at).is_some()
    }

    /// The first instant after `at` at which the store opens or closes; `None` when that is
    /// more than a year away (always open, or closed for good).
    pub fn next_change(&self, tz: &TimeZone, at: Timestamp) -> Option<Timestamp> {
        // Week by week: a stretch that reaches the end of a window may go on in the next, so
        // only boundaries well inside the window are trusted.
        let mut from = at;
        while from < at + DAY * SEARCH_DAYS as i32 {
            let until = from + DAY * 8;
            let trusted = until - DAY * 2;
            let found = self
                .spans(tz, from, until)
                .iter()
                .flat_map(|s| [s.start, s.end])
                .filter(|&b| b > at && b < trusted)
                .min();
            if found.is_some() {
                return found;
            }
            from = trusted;
        }
        None
    }

    /// The first opening after `at` whose local day passes `day_ok`.
    pub fn next_opening(
        &self,
        tz: &TimeZone,
        at: Timestamp,
        day_ok: impl Fn(Date) -> bool,
    ) -> Option<OpenSpan> {
        let mut from = at;
        while from < at + DAY * SEARCH_DAYS as i32 {
            let until = from + DAY * 8;
            let trusted = until - DAY * 2;
            let found = self.spans(tz, from, until).into_iter().find(|s| {
                s.start > at && s.start < trusted && day_ok(tz.to_datetime(s.start).date())
            });
            if found.is_some() {
                return found;
            }
            from = trusted;
        }
        None
    }
}

/// Checks one day's intervals: none empty, none overlapping another, in the order given or
/// not; only the last may run past midnight, and not into `next` (the following day's).
fn check_day(field: &str, day: &[Interval], next: &[Interval], errors: &mut ValidationErrors) {
    if day.len() > MAX_INTERVALS_PER_DAY {
        errors.add(
            field,
            "too_many",
            format!("at most {MAX_INTERVALS_PER_DAY} intervals a day"),
        );
        return;
    }
    let mut sorted: Vec<(usize, &Interval)> = day.iter().enumerate().collect();
    sorted.sort_by_key(|(_, i)| i.open);
    for (i, interval) in day.iter().enumerate() {
        if interval.open == interval.close && interval.open != Time::midnight() {
            errors.add(
                format!("{field}.{i}.close"),
                "equals_open",
                "opening and closing are the same time; 00:00–00:00 is the whole day",
            );
        }
    }
    for pair in sorted.windows(2) {
        let ((_, a), (j, b)) = (pair[0], pair[1]);
        if a.overnight() {
            errors.add(
                format!("{field}.{j}.open"),
                "inverted",
                "only the last interval of a day can close after midnight",
            );
        } else if b.open < a.close {
            errors.add(
                format!("{field}.{j}.open"),
                "overlap",
                format!(
                    "overlaps {}–{}",
                    a.open.strftime("%H:%M"),
                    a.close.strftime("%H:%M")
                ),
            );
        }
    }
    if let Some((i, last)) = sorted.last()
        && last.overnight()
        && last.open != last.close
        && last.close != Time::midnight()
        && let Some(first_next) = next.iter().map(|n| n.open).min()
        && first_next < last.close
    {
        errors.add(
            format!("{field}.{i}.close"),
            "overlap",
            format!(
                "runs past the next day's opening at {}",
                first_next.strftime("%H:%M")
            ),
        );
    }
}

/// More than this is a mistake, not a shop (and every screen's manifest carries it all).
const MAX_INTERVALS_PER_DAY: usize = 8;
const MAX_EXCEPTIONS: usize = 400;
const MAX_DAYPARTS: usize = 24;

impl Validate for StoreHours {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.exceptions.len() > MAX_EXCEPTIONS {
            errors.add(
                "exceptions",
                "too_many",
                format!("at most {MAX_EXCEPTIONS} exceptions"),
            );
        }
        for (n, day) in WEEK_FROM_SATURDAY.iter().enumerate() {
            let next = WEEK_FROM_SATURDAY[(n + 1) % 7];
            check_day(
                &format!("weekly.{}", weekday_key(*day)),
                self.weekly.day(*day),
                self.weekly.day(next),
                &mut errors,
            );
        }
        for (n, exception) in self.exceptions.iter().enumerate() {
            let field = format!("exceptions.{n}");
            if exception.name.trim().is_empty() {
                errors.add(format!("{field}.name"), "required", "a name is required");
            }
            if exception.dates.until < exception.dates.from {
                errors.add(
                    format!("{field}.dates.until"),
                    "before_start",
                    "the last day is before the first day",
                );
            } else if exception
                .dates
                .until
                .since(exception.dates.from)
                .map_or(true, |s| s.get_days() > 366)
            {
                errors.add(
                    format!("{field}.dates.until"),
                    "too_long",
                    "an exception covers at most a year",
                );
            }
            check_day(
                &format!("{field}.hours"),
                &exception.hours,
                &[],
                &mut errors,
            );
        }
        errors.into_result()
    }
}

/// The lower-case English name of a weekday, as JSON field names and form keys say it.
pub fn weekday_key(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

/// Checks a store's dayparts: names present and distinct, start and end different, and none
/// running past closing time on a day the store is open at its start (with `hours`).
pub fn validate_dayparts(
    dayparts: &[Daypart],
    hours: Option<&StoreHours>,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if dayparts.len() > MAX_DAYPARTS {
        errors.add(
            "dayparts",
            "too_many",
            format!("at most {MAX_DAYPARTS} dayparts"),
        );
    }
    for (n, part) in dayparts.iter().enumerate() {
        let field = format!("dayparts.{n}");
        let name = part.name.trim();
        if name.is_empty() {
            errors.add(format!("{field}.name"), "required", "a name is required");
        } else if dayparts[..n]
            .iter()
            .any(|p| p.name.trim().eq_ignore_ascii_case(name))
        {
            errors.add(
                format!("{field}.name"),
                "duplicate",
                format!("there is already a daypart named {name}"),
            );
        }
        if part.start == part.end {
            errors.add(
                format!("{field}.end"),
                "equals_start",
                "start and end are the same time",
            );
            continue;
        }
        let Some(hours) = hours else { continue };
        // On each weekday the daypart starts inside an interval, it must end inside it too.
        for day in WEEK_FROM_SATURDAY {
            let intervals = hours.weekly.day(day);
            let Some(open) = intervals.iter().find(|i| within(i, part.start)) else {
                continue;
            };
            let part_overnight = part.end <= part.start;
            let fits = match (open.overnight(), part_overnight) {
                (false, false) => part.end <= open.close,
                (true, false) => true,
                (true, true) => part.end <= open.close,
                (false, true) => false,
            };
            if !fits {
                errors.add(
                    format!("{field}.end"),
                    "after_closing",
                    format!(
                        "{} ends after closing time on {} ({})",
                        name,
                        weekday_key(day),
                        open.close.strftime("%H:%M")
                    ),
                );
                break;
            }
        }
    }
    errors.into_result()
}

/// Whether the local time `t` lies in the interval (on the day it opens).
fn within(interval: &Interval, t: Time) -> bool {
    if interval.overnight() {
        t >= interval.open
    } else {
        interval.open <= t && t < interval.close
    }
}

/// What a screen does with its panel outside opening hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PowerSchedule {
    /// Turn the panel off while the store is closed.
    #[serde(default = "yes")]
    pub sleep_when_closed: bool,
    /// Turn it on this many minutes before opening (a TV takes a while to wake). 0–120.
    #[serde(default = "ten")]
    pub wake_minutes_before: u16,
}

fn yes() -> bool {
    true
}

fn ten() -> u16 {
    10
}

impl Default for PowerSchedule {
    fn default() -> Self {
        PowerSchedule {
            sleep_when_closed: true,
            wake_minutes_before: 10,
        }
    }
}

impl Validate for PowerSchedule {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.wake_minutes_before > 120 {
            errors.add(
                "wake_minutes_before",
                "out_of_range",
                "wake the panel 0 to 120 minutes before opening",
            );
        }
        errors.into_result()
    }
}

/// Whether a screen's panel is on, why, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PanelPlan {
    pub on: bool,
    /// Off because the store is closed (as opposed to on).
    pub asleep_by_schedule: bool,
    /// When to look again; `None`: nothing planned changes.
    pub until: Option<Timestamp>,
}

/// The panel follows the store: on from `wake_minutes_before` before each opening to its
/// closing, off otherwise; always on without hours, with sleeping turned off, or while woken
/// by a remote command (`woken_until`).
pub fn panel_plan(
    hours: Option<&StoreHours>,
    power: PowerSchedule,
    tz: &TimeZone,
    at: Timestamp,
    woken_until: Option<Timestamp>,
) -> PanelPlan {
    let Some(hours) = hours.filter(|_| power.sleep_when_closed) else {
        return PanelPlan {
            on: true,
            asleep_by_schedule: false,
            until: None,
        };
    };
    let lead = SignedDuration::from_mins(i64::from(power.wake_minutes_before));
    let woken = woken_until.filter(|&w| w > at);
    let on_at = |t: Timestamp| {
        woken.is_some_and(|w| t < w) || hours.is_open(tz, t) || hours.is_open(tz, t + lead)
    };
    let on = on_at(at);
    // The next instant the panel's state flips: candidates are the hours' changes (seen now
    // and `lead` ahead) and the end of a wake; some change nothing (an opening while woken).
    let mut from = at;
    let mut until = None;
    for _ in 0..16 {
        let next = [
            hours.next_change(tz, from),
            hours.next_change(tz, from + lead).map(|t| t - lead),
            woken,
        ]
        .into_iter()
        .flatten()
        .filter(|&t| t > from)
        .min();
        match next {
            Some(t) if on_at(t) == on => from = t,
            other => {
                until = other;
                break;
            }
        }
    }
    PanelPlan {
        on,
        asleep_by_schedule: !on,
        until,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn tehran() -> TimeZone {
        TimeZone::get("Asia/Tehran").unwrap()
    }

    fn at(tz: &TimeZone, day: Date, t: Time) -> Timestamp {
        day.to_datetime(t).to_zoned(tz.clone()).unwrap().timestamp()
    }

    fn cafe() -> StoreHours {
        StoreHours {
            weekly: WeeklyHours::every_day(&[Interval::new(time(8, 0, 0, 0), time(23, 0, 0, 0))]),
            exceptions: Vec::new(),
        }
    }

    #[test]
    fn an_overnight_shift_runs_into_the_next_day_and_merges_with_it() {
        let tz = tehran();
        let mut hours = cafe();
        hours.weekly.friday = vec![Interval::new(time(18, 0, 0, 0), time(8, 0, 0, 0))];
        let friday = date(2026, 12, 4);
        assert_eq!(friday.weekday(), Weekday::Friday);
        let spans = hours.spans(
            &tz,
            at(&tz, friday, time(12, 0, 0, 0)),
            at(&tz, friday.tomorrow().unwrap(), time(12, 0, 0, 0)),
        );
        assert_eq!(
            spans,
            [OpenSpan {
                start: at(&tz, friday, time(18, 0, 0, 0)),
                end: at(&tz, friday.tomorrow().unwrap(), time(23, 0, 0, 0)),
            }]
        );
    }

    #[test]
    fn the_shortest_exception_wins() {
        let mut hours = cafe();
        let ramadan = DateRange {
            from: date(2027, 2, 8),
            until: date(2027, 3, 9),
        };
        hours.exceptions = vec![
            HoursException {
                name: "Ramadan".into(),
                dates: ramadan,
                hours: vec![Interval::new(time(17, 0, 0, 0), time(2, 0, 0, 0))],
                holiday: None,
            },
            HoursException {
                name: "21 Ramadan".into(),
                dates: DateRange {
                    from: date(2027, 2, 28),
                    until: date(2027, 2, 28),
                },
                hours: Vec::new(),
                holiday: Some("martyrdom_imam_ali".into()),
            },
        ];
        assert_eq!(hours.intervals_on(date(2027, 2, 28)), &[]);
        assert_eq!(
            hours.intervals_on(date(2027, 2, 27))[0].open,
            time(17, 0, 0, 0)
        );
        assert_eq!(
            hours.intervals_on(date(2027, 3, 10))[0].open,
            time(8, 0, 0, 0)
        );
    }

    #[test]
    fn bad_intervals_are_named() {
        let mut hours = cafe();
        hours.weekly.monday = vec![
            Interval::new(time(8, 0, 0, 0), time(14, 0, 0, 0)),
            Interval::new(time(13, 0, 0, 0), time(20, 0, 0, 0)),
        ];
        hours.weekly.tuesday = vec![
            Interval::new(time(22, 0, 0, 0), time(2, 0, 0, 0)),
            Interval::new(time(23, 0, 0, 0), time(23, 30, 0, 0)),
        ];
        hours.weekly.wednesday = vec![Interval::new(time(9, 0, 0, 0), time(9, 0, 0, 0))];
        let errors = hours.validate().unwrap_err();
        assert_eq!(errors.codes_for("weekly.monday.1.open"), ["overlap"]);
        assert_eq!(errors.codes_for("weekly.tuesday.1.open"), ["inverted"]);
        assert_eq!(
            errors.codes_for("weekly.wednesday.0.close"),
            ["equals_open"]
        );
        // Tuesday 22:00–02:00 is fine next to Wednesday opening at 09:00.
        assert!(errors.codes_for("weekly.tuesday.0.close").is_empty());
    }

    #[test]
    fn a_daypart_past_closing_time_is_refused() {
        let hours = cafe();
        let late = [Daypart {
            name: "Late dinner".into(),
            start: time(21, 0, 0, 0),
            end: time(23, 30, 0, 0),
        }];
        let errors = validate_dayparts(&late, Some(&hours)).unwrap_err();
        assert_eq!(errors.codes_for("dayparts.0.end"), ["after_closing"]);
        let dinner = [Daypart {
            name: "Dinner".into(),
            start: time(17, 0, 0, 0),
            end: time(23, 0, 0, 0),
        }];
        assert!(validate_dayparts(&dinner, Some(&hours)).is_ok());
    }

    #[test]
    fn the_panel_wakes_before_opening_and_sleeps_at_closing() {
        let tz = tehran();
        let hours = cafe();
        let day = date(2026, 12, 5);
        let power = PowerSchedule::default();
        let night = panel_plan(
            Some(&hours),
            power,
            &tz,
            at(&tz, day, time(3, 0, 0, 0)),
            None,
        );
        assert!(!night.on && night.asleep_by_schedule);
        assert_eq!(night.until, Some(at(&tz, day, time(7, 50, 0, 0))));
        let early = panel_plan(
            Some(&hours),
            power,
            &tz,
            at(&tz, day, time(7, 55, 0, 0)),
            None,
        );
        assert!(early.on);
        assert_eq!(early.until, Some(at(&tz, day, time(23, 0, 0, 0))));
        let woken = panel_plan(
            Some(&hours),
            power,
            &tz,
            at(&tz, day, time(3, 0, 0, 0)),
            Some(at(&tz, day, time(4, 0, 0, 0))),
        );
        assert!(woken.on);
        assert_eq!(woken.until, Some(at(&tz, day, time(4, 0, 0, 0))));
        let always = PowerSchedule {
            sleep_when_closed: false,
            ..power
        };
        assert!(
            panel_plan(
                Some(&hours),
                always,
                &tz,
                at(&tz, day, time(3, 0, 0, 0)),
                None
            )
            .on
        );
        assert!(panel_plan(None, power, &tz, at(&tz, day, time(3, 0, 0, 0)), None).on);
    }
}
