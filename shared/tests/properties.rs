//! Properties of the schedule engine over random rule sets, timezones and instants.

mod common;
use common::*;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use vitrin_shared::ids::LayoutId;
use vitrin_shared::schedule::{
    DateRange, RuleKind, Schedule, ScheduleRule, Weekdays, When, Window,
};

const ZONES: [&str; 4] = ["UTC", "Asia/Tehran", "Europe/Berlin", "America/New_York"];
/// Starts of the ranges under test: ordinary days and DST nights.
const STARTS: [&str; 5] = [
    "2026-11-20T00:00:00Z",
    "2026-03-27T12:00:00Z",
    "2026-10-23T12:00:00Z",
    "2026-03-06T12:00:00Z",
    "2022-03-19T12:00:00Z",
];
const CRONS: [&str; 5] = [
    "*/20 * * * *",
    "30 12 * * 1-5",
    "0 9 * * SUN",
    "15 2 * * *",
    "0 0 18 * * 4",
];
const LAYOUTS: i64 = 6;

fn base() -> Date {
    Date::new(2026, 11, 20).unwrap()
}

fn when() -> impl Strategy<Value = When> {
    let window = prop_oneof![
        1 => Just(Window::AllDay),
        4 => (0..24i8, 0..4i8, 0..24i8, 0..4i8).prop_filter_map("start differs from end", |(h1, q1, h2, q2)| {
            let start = Time::new(h1, q1 * 15, 0, 0).unwrap();
            let end = Time::new(h2, q2 * 15, 0, 0).unwrap();
            (start != end).then_some(Window::Daily { start, end })
        }),
        2 => (0..CRONS.len(), 1..180i64).prop_map(|(i, mins)| Window::Cron { expr: CRONS[i].into(), duration_secs: mins * 60 }),
    ];
    let weekdays = proptest::option::weighted(0.4, 1..128u8).prop_map(|mask| {
        mask.map(|m| {
            Weekdays::of(
                &(0..7)
                    .filter(|i| m & 1 << i != 0)
                    .map(|i| Weekday::from_monday_zero_offset(i).unwrap())
                    .collect::<Vec<_>>(),
            )
        })
    });
    // Date ranges and absolute bounds are drawn around every start in STARTS by using offsets
    // in days from each range start; the test shifts them (see `shift`).
    let dates = proptest::option::weighted(0.3, (-3..5i32, 0..4i32));
    let bounds = proptest::option::weighted(0.2, (-48..96i64, 1..72i64));
    (window, weekdays, dates, bounds).prop_map(|(window, weekdays, dates, bounds)| {
        let dates = dates.map(|(from, len)| {
            let from = base() + SignedDuration::from_hours(24 * from as i64);
            DateRange {
                from,
                until: from + SignedDuration::from_hours(24 * len as i64),
            }
        });
        let (active_from, active_until) = bounds.map_or((None, None), |(from, len)| {
            let from = Timestamp::from_second(1_763_596_800 + from * 3600).unwrap(); // 2025-11-20T00:00Z
            (Some(from), Some(from + SignedDuration::from_hours(len)))
        });
        When {
            dates,
            weekdays,
            window,
            active_from,
            active_until,
        }
    })
}

fn kind() -> impl Strategy<Value = RuleKind> {
    prop_oneof![
        6 => Just(RuleKind::Normal),
        1 => Just(RuleKind::Overlay),
        1 => Just(RuleKind::Emergency),
        1 => (1..4i64, 1..600i64).prop_map(|(spots, secs)| RuleKind::Interrupt { seconds_per_hour: secs.max(spots), spots_per_hour: spots }),
    ]
}

fn rules() -> impl Strategy<Value = Vec<ScheduleRule>> {
    proptest::collection::vec((when(), kind(), -3..4i32, 1..=LAYOUTS), 0..12).prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(i, (when, kind, priority, layout))| {
                rule(i as i64 + 1, layout, when, priority, kind)
            })
            .collect()
    })
}

/// Moves every date of the generated rules so that `base()` lands on `start`'s day.
fn shift(mut rules: Vec<ScheduleRule>, start: Timestamp) -> Vec<ScheduleRule> {
    let days = start
        .to_zoned(TimeZone::UTC)
        .date()
        .since(base())
        .unwrap()
        .get_days() as i64;
    let by = SignedDuration::from_hours(24 * days);
    for r in &mut rules {
        if let Some(d) = &mut r.when.dates {
            d.from += by;
            d.until += by;
        }
        // Absolute bounds are relative to 2025-11-20; move them next to the range too.
        let year = SignedDuration::from_hours(24 * 365);
        for t in [&mut r.when.active_from, &mut r.when.active_until]
            .into_iter()
            .flatten()
        {
            *t = *t + year + by;
        }
    }
    rules
}

#[derive(Debug)]
struct Case {
    rules: Vec<ScheduleRule>,
    tz: TimeZone,
    from: Timestamp,
    to: Timestamp,
    samples: Vec<Timestamp>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        rules(),
        0..ZONES.len(),
        0..STARTS.len(),
        proptest::collection::vec(0..3 * 86_400i64, 24),
    )
        .prop_map(|(rules, zone, start, offsets)| {
            let from: Timestamp = STARTS[start].parse().unwrap();
            let rules = shift(rules, from);
            Case {
                samples: offsets
                    .iter()
                    .map(|s| from + SignedDuration::from_secs(*s))
                    .collect(),
                to: from + SignedDuration::from_hours(72),
                from,
                tz: TimeZone::get(ZONES[zone]).unwrap(),
                rules,
            }
        })
}

fn compile(rules: &[ScheduleRule], default: Option<i64>) -> Schedule {
    let layouts: Vec<_> = (1..=LAYOUTS).map(|i| layout(i, "l")).collect();
    let playlists: Vec<_> = (1..=LAYOUTS)
        .map(|i| playlist(i, &[(i * 10, 7_000), (i * 10 + 1, 4_000)]))
        .collect();
    Schedule::new(rules, &layouts, &playlists, default.map(LayoutId)).unwrap()
}

/// Whether a rule is active at `t` when it is the only rule: the oracle for who may win.
fn active_alone(rule: &ScheduleRule, t: Timestamp, tz: &TimeZone) -> bool {
    let mut alone = rule.clone();
    alone.kind = RuleKind::Normal;
    compile(&[alone], None).resolve(t, tz).main.is_some()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn resolve_agrees_with_timeline(case in case(), with_default in any::<bool>()) {
        let schedule = compile(&case.rules, with_default.then_some(1));
        let spans = schedule.timeline(case.from, case.to, &case.tz);
        prop_assert_eq!(spans.first().unwrap().start, case.from);
        prop_assert_eq!(spans.last().unwrap().end, case.to);
        for pair in spans.windows(2) {
            prop_assert_eq!(pair[0].end, pair[1].start);
            prop_assert_ne!(&pair[0].layers, &pair[1].layers, "neighbouring spans must differ");
        }
        let mut instants = case.samples.clone();
        for span in &spans {
            instants.push(span.start);
            instants.push(span.end - SignedDuration::from_millis(1));
        }
        for t in instants {
            let span = spans.iter().find(|s| s.start <= t && t < s.end).unwrap();
            let resolution = schedule.resolve(t, &case.tz);
            prop_assert_eq!(&resolution.layers(), &span.layers, "at {}", t);
            // `next_change` is the span's end, or (after 64 rule boundaries that change
            // nothing) an earlier instant at which the same layers still play; a player that
            // resolves again there must reach the span's end without skipping a change.
            let mut next = resolution.next_change;
            while let Some(early) = next.filter(|n| *n < span.end) {
                let again = schedule.resolve(early, &case.tz);
                prop_assert_eq!(&again.layers(), &span.layers, "at {} (next change after {})", early, t);
                prop_assert!(again.next_change.is_none_or(|n| n > early), "next change after {} does not move on", early);
                next = again.next_change;
            }
            if span.end < case.to {
                prop_assert_eq!(next, Some(span.end), "next change after {}", t);
            } else {
                prop_assert!(next.is_none_or(|n| n >= case.to));
            }
        }
    }

    #[test]
    fn emergency_always_wins_and_priority_decides_among_normal_rules(case in case()) {
        let schedule = compile(&case.rules, Some(1));
        for &t in &case.samples {
            let r = schedule.resolve(t, &case.tz);
            let active: Vec<&ScheduleRule> = case.rules.iter().filter(|rule| active_alone(rule, t, &case.tz)).collect();
            let emergencies: Vec<_> = active.iter().filter(|r| r.kind == RuleKind::Emergency).collect();
            prop_assert_eq!(r.emergency.is_some(), !emergencies.is_empty());
            if let Some(e) = &r.emergency {
                let top = emergencies.iter().map(|r| r.priority).max().unwrap();
                let chosen = case.rules.iter().find(|x| Some(x.id) == e.selected.rule).unwrap();
                prop_assert_eq!(chosen.priority, top);
            }
            let normals: Vec<_> = active.iter().filter(|r| r.kind == RuleKind::Normal).collect();
            let main = r.main.as_ref().unwrap().selected;
            if main.kind == vitrin_shared::schedule::LayerKind::Normal {
                let chosen = case.rules.iter().find(|x| Some(x.id) == main.rule).unwrap();
                prop_assert!(normals.iter().any(|n| n.id == chosen.id));
                prop_assert_eq!(chosen.priority, normals.iter().map(|r| r.priority).max().unwrap());
            } else if main.kind == vitrin_shared::schedule::LayerKind::Default {
                prop_assert!(normals.is_empty(), "default shown while a normal rule is active");
            }
        }
    }

    #[test]
    fn with_a_default_layout_every_instant_has_an_answer(case in case()) {
        let schedule = compile(&case.rules, Some(1));
        for &t in &case.samples {
            prop_assert!(schedule.resolve(t, &case.tz).main.is_some());
        }
        prop_assert!(schedule.timeline(case.from, case.to, &case.tz).iter().all(|s| s.layers.main.is_some()));
    }

    #[test]
    fn results_do_not_depend_on_rule_order(case in case(), seed in any::<u64>()) {
        let mut shuffled = case.rules.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = compile(&case.rules, Some(1));
        let b = compile(&shuffled, Some(1));
        prop_assert_eq!(a.timeline(case.from, case.to, &case.tz), b.timeline(case.from, case.to, &case.tz));
        for &t in &case.samples {
            prop_assert_eq!(a.resolve(t, &case.tz), b.resolve(t, &case.tz));
        }
    }
}
