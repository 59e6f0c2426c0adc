//! Store hours in the engine: golden cases (a Tehran café through the holidays of 1405 and
//! 1406, a Berlin bar across both DST nights) and properties over random hours, timezones and
//! instants: opening state, next change, and rules that say "while open" or name a daypart.

mod common;
use common::*;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use vitrin_shared::holidays::{HolidayKind, iran_holidays};
use vitrin_shared::ids::LayoutId;
use vitrin_shared::schedule::hours::{
    Daypart, HoursException, Interval, PowerSchedule, StoreHours, WeeklyHours, panel_plan,
};
use vitrin_shared::schedule::{DateRange, Schedule, StoreTime, When, Window};
use vitrin_shared::validate::Validate;

fn hm(h: i8, m: i8) -> Time {
    Time::new(h, m, 0, 0).unwrap()
}

/// A café open 08:00–23:00, Fridays 16:00–01:00, closed on every official holiday of the
/// given Solar Hijri years (as an owner confirms them).
fn tehran_cafe(years: &[i32]) -> StoreHours {
    let mut weekly = WeeklyHours::every_day(&[Interval::new(hm(8, 0), hm(23, 0))]);
    weekly.friday = vec![Interval::new(hm(16, 0), hm(1, 0))];
    let exceptions = years
        .iter()
        .flat_map(|&y| iran_holidays(y))
        .map(|h| HoursException {
            name: h.name_en.into(),
            dates: DateRange {
                from: h.date,
                until: h.date,
            },
            hours: Vec::new(),
            holiday: Some(h.key.into()),
        })
        .collect();
    StoreHours { weekly, exceptions }
}

#[test]
fn the_cafe_is_closed_on_every_holiday_of_1405_and_1406_and_open_around_them() {
    let tz = tz("Asia/Tehran");
    let hours = tehran_cafe(&[1405, 1406]);
    hours.validate().unwrap();
    let holidays: Vec<_> = [1405, 1406]
        .iter()
        .flat_map(|&y| iran_holidays(y))
        .collect();
    assert!(holidays.iter().any(|h| h.kind == HolidayKind::Lunar));
    for h in &holidays {
        let noon = at(&tz, &format!("{}T12:00", h.date));
        assert!(
            !hours.is_open(&tz, noon),
            "open at noon on {} ({})",
            h.date,
            h.key
        );
        // A Friday's late shift before a holiday still closes at 01:00 of the holiday.
        let opening = hours.next_change(&tz, noon).unwrap();
        assert!(
            hours.is_open(&tz, opening),
            "{} is followed by an opening",
            h.date
        );
        let next_day = h.date.tomorrow().unwrap();
        if holidays.iter().all(|o| o.date != next_day) {
            let local = opening.to_zoned(tz.clone()).datetime();
            assert_eq!(
                local.date(),
                next_day,
                "reopens the next day after {}",
                h.key
            );
        }
    }
    // Nowruz 1405: 1–4 Farvardin (2026-03-21..24) closed, 5 Farvardin open at 08:00. The
    // eve is a Friday: its late shift still closes at 01:00 on Nowruz.
    let nowruz_eve = at(&tz, "2026-03-20T22:59");
    assert!(hours.is_open(&tz, nowruz_eve));
    assert_eq!(
        hours.next_change(&tz, nowruz_eve),
        Some(at(&tz, "2026-03-21T01:00"))
    );
    assert_eq!(
        hours.next_change(&tz, at(&tz, "2026-03-21T01:00")),
        Some(at(&tz, "2026-03-25T08:00"))
    );
}

#[test]
fn a_late_shift_crosses_both_dst_nights_in_berlin() {
    let tz = tz("Europe/Berlin");
    let bar = StoreHours {
        weekly: WeeklyHours::every_day(&[Interval::new(hm(22, 0), hm(3, 0))]),
        exceptions: Vec::new(),
    };
    // Spring forward on 2026-03-29 at 02:00: the night is an hour short.
    let spring = bar.span_at(&tz, at(&tz, "2026-03-28T23:00")).expect("open");
    assert_eq!(
        spring.end.duration_since(spring.start),
        SignedDuration::from_hours(4)
    );
    // Fall back on 2026-10-25 at 03:00: closing is the second 03:00, an hour longer.
    let fall = bar.span_at(&tz, at(&tz, "2026-10-24T23:00")).expect("open");
    assert_eq!(
        fall.end.duration_since(fall.start),
        SignedDuration::from_hours(6)
    );
    // Opening inside the gap (02:30 does not exist on 29 March) is the jump itself.
    let early = StoreHours {
        weekly: WeeklyHours::every_day(&[Interval::new(hm(2, 30), hm(5, 0))]),
        exceptions: Vec::new(),
    };
    let gap_day = early
        .spans(
            &tz,
            at(&tz, "2026-03-29T00:00"),
            at(&tz, "2026-03-29T12:00"),
        )
        .into_iter()
        .find(|s| s.start >= at(&tz, "2026-03-29T00:00"))
        .unwrap();
    assert_eq!(gap_day.start, "2026-03-29T01:00:00Z".parse().unwrap());
}

#[test]
fn rules_follow_the_store_hours_and_dayparts() {
    let tz = tz("Asia/Tehran");
    let hours = tehran_cafe(&[1405]);
    let dayparts = vec![
        Daypart {
            name: "Breakfast".into(),
            start: hm(8, 0),
            end: hm(11, 30),
        },
        Daypart {
            name: "شام".into(),
            start: hm(18, 0),
            end: hm(23, 0),
        },
    ];
    let rules = vec![
        normal(
            1,
            2,
            When {
                window: Window::WhileOpen,
                ..When::always()
            },
            0,
        ),
        normal(
            2,
            3,
            When {
                window: Window::Daypart {
                    daypart: "breakfast".into(),
                },
                ..When::always()
            },
            5,
        ),
        normal(
            3,
            4,
            When {
                window: Window::Daypart {
                    daypart: "No such daypart".into(),
                },
                ..When::always()
            },
            9,
        ),
    ];
    let layouts: Vec<_> = (1..=4).map(|i| layout(i, "l")).collect();
    let playlists: Vec<_> = (1..=4).map(|i| playlist(i, &[(i * 10, 5_000)])).collect();
    let store = StoreTime::new(Some(&hours), &dayparts);
    let schedule =
        Schedule::for_store(&rules, &layouts, &playlists, Some(LayoutId(1)), &store).unwrap();
    let main = |civil: &str| {
        let r = schedule.resolve(at(&tz, civil), &tz);
        r.main.and_then(|m| m.selected.rule).map(|r| r.0)
    };
    // Saturday 2026-12-05: breakfast beats "while open", which plays until 23:00.
    assert_eq!(main("2026-12-05T09:00"), Some(2));
    assert_eq!(main("2026-12-05T11:30"), Some(1));
    assert_eq!(main("2026-12-05T22:59"), Some(1));
    assert_eq!(main("2026-12-05T23:00"), None, "closed: the default layout");
    // 22 Bahman 1405 (2027-02-11) is a holiday: closed all day, no breakfast rule either way
    // (the daypart is not tied to opening), while-open never starts.
    assert_eq!(main("2027-02-11T13:00"), None);
    let r = schedule.resolve(at(&tz, "2027-02-11T13:00"), &tz);
    assert_eq!(r.next_change, Some(at(&tz, "2027-02-12T08:00")));
    // The timeline agrees: over Saturday, while-open runs 11:30–23:00 after breakfast.
    let spans = schedule.timeline(
        at(&tz, "2026-12-05T00:00"),
        at(&tz, "2026-12-06T00:00"),
        &tz,
    );
    let starts: Vec<_> = spans
        .iter()
        .map(|s| {
            (
                s.start
                    .to_zoned(tz.clone())
                    .time()
                    .strftime("%H:%M")
                    .to_string(),
                s.layers.main.and_then(|m| m.rule).map(|r| r.0),
            )
        })
        .collect();
    assert_eq!(
        starts,
        [
            // Friday's late shift runs to 01:00 on Saturday.
            ("00:00".into(), Some(1)),
            ("01:00".into(), None),
            ("08:00".into(), Some(2)),
            ("11:30".into(), Some(1)),
            ("23:00".into(), None)
        ]
    );
}

const ZONES: [&str; 4] = ["UTC", "Asia/Tehran", "Europe/Berlin", "America/New_York"];
/// Ordinary weeks and the weeks of DST changes.
const STARTS: [&str; 4] = [
    "2026-11-20T00:00:00Z",
    "2026-03-26T00:00:00Z",
    "2026-10-22T00:00:00Z",
    "2026-03-05T00:00:00Z",
];

fn interval() -> impl Strategy<Value = Interval> {
    (0..24i8, 0..4i8, 0..24i8, 0..4i8)
        .prop_map(|(h1, q1, h2, q2)| Interval::new(hm(h1, q1 * 15), hm(h2, q2 * 15)))
}

/// Random hours, kept only when valid (as the API would).
fn hours() -> impl Strategy<Value = StoreHours> {
    let day = proptest::collection::vec(interval(), 0..3);
    let exception = (
        0..10i64,
        0..3i64,
        proptest::collection::vec(interval(), 0..2),
    );
    (
        proptest::collection::vec(day, 7),
        proptest::collection::vec(exception, 0..3),
    )
        .prop_filter_map("valid hours", |(days, exceptions)| {
            let mut weekly = WeeklyHours::default();
            for (i, intervals) in days.into_iter().enumerate() {
                *weekly.day_mut(Weekday::from_monday_zero_offset(i as i8).unwrap()) = intervals;
            }
            // Days from 2026-01-01; `case` moves them to its range.
            let first = Date::new(2026, 1, 1).unwrap();
            let exceptions = exceptions
                .into_iter()
                .map(|(from, len, hours)| {
                    let from = first + SignedDuration::from_hours(24 * from);
                    HoursException {
                        name: "x".into(),
                        dates: DateRange {
                            from,
                            until: from + SignedDuration::from_hours(24 * len),
                        },
                        hours,
                        holiday: None,
                    }
                })
                .collect();
            let hours = StoreHours { weekly, exceptions };
            hours.validate().is_ok().then_some(hours)
        })
}

#[derive(Debug)]
struct Case {
    hours: StoreHours,
    tz: TimeZone,
    from: Timestamp,
    samples: Vec<Timestamp>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        hours(),
        0..ZONES.len(),
        0..STARTS.len(),
        proptest::collection::vec(0..6 * 86_400i64, 16),
    )
        .prop_map(|(mut hours, zone, start, offsets)| {
            let from: Timestamp = STARTS[start].parse().unwrap();
            let by = from
                .to_zoned(TimeZone::UTC)
                .date()
                .since(Date::new(2026, 1, 1).unwrap())
                .unwrap()
                .get_days() as i64;
            for e in &mut hours.exceptions {
                e.dates.from += SignedDuration::from_hours(24 * by);
                e.dates.until += SignedDuration::from_hours(24 * by);
            }
            Case {
                samples: offsets
                    .iter()
                    .map(|s| from + SignedDuration::from_secs(*s))
                    .collect(),
                from,
                tz: TimeZone::get(ZONES[zone]).unwrap(),
                hours,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Open exactly inside the spans; the state holds until `next_change` and flips there.
    #[test]
    fn next_change_is_where_the_state_flips(case in case()) {
        let Case { hours, tz, from, samples } = case;
        let to = from + SignedDuration::from_hours(24 * 7);
        let spans = hours.spans(&tz, from, to);
        for pair in spans.windows(2) {
            prop_assert!(pair[0].end < pair[1].start, "spans merge when they touch: {:?}", pair);
        }
        for t in samples {
            let open = hours.is_open(&tz, t);
            prop_assert_eq!(open, spans.iter().any(|s| s.contains(t)), "at {}", t);
            if let Some(change) = hours.next_change(&tz, t) {
                prop_assert!(change > t);
                prop_assert_eq!(hours.is_open(&tz, change), !open, "flips at {}", change);
                let before = change - SignedDuration::from_secs(1);
                prop_assert_eq!(hours.is_open(&tz, before), open, "holds until {}", change);
                let middle = t + SignedDuration::from_secs(change.duration_since(t).as_secs() / 2);
                prop_assert_eq!(hours.is_open(&tz, middle), open);
            }
        }
    }

    /// A "while open" rule plays exactly when the store is open, and resolve agrees with the
    /// timeline about it; a daypart rule is the daily window of its daypart.
    #[test]
    fn while_open_and_daypart_rules_follow_the_store(case in case(), start in 0..24i8, len in 1..20i8) {
        let Case { hours, tz, from, samples } = case;
        let daypart = Daypart { name: "Lunch".into(), start: hm(start, 0), end: hm((start + len) % 24, 30) };
        let open_rule = normal(1, 2, When { window: Window::WhileOpen, ..When::always() }, 0);
        let part_rule = normal(2, 3, When { window: Window::Daypart { daypart: "lunch".into() }, ..When::always() }, 0);
        let daily_rule = normal(2, 3, When::daily(daypart.start, daypart.end), 0);
        let layouts: Vec<_> = (1..=3).map(|i| layout(i, "l")).collect();
        let playlists: Vec<_> = (1..=3).map(|i| playlist(i, &[(i * 10, 5_000)])).collect();
        let store = StoreTime::new(Some(&hours), std::slice::from_ref(&daypart));
        let compile = |rules: &[_]| Schedule::for_store(rules, &layouts, &playlists, None, &store).unwrap();
        let open_only = compile(std::slice::from_ref(&open_rule));
        let by_part = compile(std::slice::from_ref(&part_rule));
        let by_daily = compile(std::slice::from_ref(&daily_rule));
        let to = from + SignedDuration::from_hours(24 * 6);
        let timeline = open_only.timeline(from, to, &tz);
        for t in samples {
            let playing = open_only.resolve(t, &tz).main.is_some();
            prop_assert_eq!(playing, hours.is_open(&tz, t), "while open at {}", t);
            let span = timeline.iter().find(|s| s.start <= t && t < s.end).unwrap();
            prop_assert_eq!(span.layers.main.is_some(), playing);
            prop_assert_eq!(by_part.resolve(t, &tz).layers(), by_daily.resolve(t, &tz).layers());
            prop_assert_eq!(by_part.resolve(t, &tz).next_change, by_daily.resolve(t, &tz).next_change);
        }
    }

    /// The panel is on exactly when the store is open now or within the wake lead.
    #[test]
    fn the_panel_follows_the_hours(case in case(), lead in 0..60u16) {
        let Case { hours, tz, samples, .. } = case;
        let power = PowerSchedule { sleep_when_closed: true, wake_minutes_before: lead };
        for t in samples {
            let plan = panel_plan(Some(&hours), power, &tz, t, None);
            let soon = t + SignedDuration::from_mins(i64::from(lead));
            prop_assert_eq!(plan.on, hours.is_open(&tz, t) || hours.is_open(&tz, soon));
            if let Some(until) = plan.until {
                let before = until - SignedDuration::from_secs(1);
                prop_assert_eq!(panel_plan(Some(&hours), power, &tz, before, None).on, plan.on);
            }
        }
    }
}

#[test]
fn an_emergency_wakes_a_sleeping_panel_and_a_wake_keeps_it_on() {
    use vitrin_shared::manifest::{Loaded, Manifest};
    let manifest: Manifest = serde_json::from_value(serde_json::json!({
        "api_version": 1, "version": 1, "server_time": "2026-12-04T00:00:00Z",
        "screen": {"id": 1, "name": "Counter", "store": 1, "timezone": "Asia/Tehran",
                   "heartbeat_secs": 60,
                   "hours": {"weekly": {"friday": [{"open": "08:00", "close": "23:00"}]}}},
        "layouts": [], "playlists": [{"id": 1, "name": "Alert", "entries": []}], "content": [],
        "rules": [{"id": 1, "name": "Fire drill", "target": {"type": "playlist", "id": 1},
                   "kind": {"type": "emergency"},
                   "when": {"window": {"type": "all_day"},
                            "active_from": "2026-12-04T00:00:00Z",
                            "active_until": "2026-12-04T00:30:00Z"}}]
    }))
    .unwrap();
    let loaded = Loaded::new(manifest, String::new()).unwrap();
    let tz = tz("Asia/Tehran");
    // Friday 2026-12-04 03:10 Tehran (23:40 UTC the day before): closed, asleep.
    let night = at(&tz, "2026-12-04T03:10");
    let asleep = loaded.panel_plan(night, None);
    assert!(!asleep.on && asleep.asleep_by_schedule);
    // The emergency (00:00–00:30 UTC, 03:30–04:00 Tehran) turns it on, until it ends.
    let drill = at(&tz, "2026-12-04T03:40");
    let plan = loaded.panel_plan(drill, None);
    assert!(plan.on, "{plan:?}");
    assert_eq!(plan.until, Some("2026-12-04T00:30:00Z".parse().unwrap()));
    assert!(!loaded.panel_plan(at(&tz, "2026-12-04T04:00"), None).on);
    // A wake command keeps it on for its hour.
    let woken = loaded.panel_plan(night, Some(night + SignedDuration::from_hours(1)));
    assert!(woken.on);
}
