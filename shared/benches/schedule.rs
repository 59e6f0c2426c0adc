//! Schedule engine benchmarks: `resolve()` over 1,000 rules and a 7-day `timeline()`.
//! Run: `cargo bench -p vitrin-shared --bench schedule`. Results go into BENCHMARKS.md.
//!
//! The rule set is a franchise's worth of realistic rules, made deterministically: dayparts on
//! weekdays, promos with date ranges, cron slots, overlays, interrupts and an emergency that is
//! over. The 100-rule run is the reference the 1,000-rule figures are compared with.

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::hint::black_box;
use vitrin_shared::ids::{ContentId, LayoutId, PlaylistId, RuleId};
use vitrin_shared::layout::{Layout, Template, ZoneBinding};
use vitrin_shared::playlist::{Playlist, PlaylistEntry, Transition};
use vitrin_shared::schedule::{
    DateRange, RuleKind, Schedule, ScheduleRule, Scope, Target, Weekdays, When, Window,
};

const LAYOUTS: i64 = 50;

fn rules(n: usize) -> Vec<ScheduleRule> {
    let day0 = Date::new(2026, 11, 1).unwrap();
    let crons = [
        "*/30 * * * *",
        "0 12 * * 1-5",
        "15 18 * * THU,FRI",
        "0 8 1 * *",
    ];
    (0..n)
        .map(|i| {
            let k = i as i64;
            let start = Time::new((k * 7 % 24) as i8, (k * 15 % 60) as i8, 0, 0).unwrap();
            let end = Time::new(((k * 7 + 3 + k % 5) % 24) as i8, 0, 0, 0).unwrap();
            let window = match i % 10 {
                0 => Window::Cron {
                    expr: crons[i / 10 % crons.len()].into(),
                    duration_secs: 600,
                },
                1 => Window::AllDay,
                _ if start == end => Window::AllDay,
                _ => Window::Daily { start, end },
            };
            let weekdays = (i % 3 == 0).then(|| {
                Weekdays::of(&[
                    Weekday::from_monday_zero_offset((k % 7) as i8).unwrap(),
                    Weekday::from_monday_zero_offset(((k + 3) % 7) as i8).unwrap(),
                ])
            });
            let dates = (i % 4 == 0).then(|| {
                let from = day0 + SignedDuration::from_hours(24 * (k % 40));
                DateRange {
                    from,
                    until: from + SignedDuration::from_hours(24 * (k % 9)),
                }
            });
            let kind = match i % 50 {
                7 => RuleKind::Overlay,
                13 => RuleKind::Interrupt {
                    seconds_per_hour: 60,
                    spots_per_hour: 2,
                },
                29 => RuleKind::Emergency,
                _ => RuleKind::Normal,
            };
            let active_until = (kind == RuleKind::Emergency)
                .then(|| "2026-11-01T00:00:00Z".parse::<Timestamp>().unwrap());
            ScheduleRule {
                id: RuleId(k + 1),
                name: format!("rule {i}"),
                target: Target::Layout(LayoutId(k % LAYOUTS + 1)),
                scope: Scope::default(),
                when: When {
                    dates,
                    weekdays,
                    window,
                    active_from: None,
                    active_until,
                },
                priority: (k * 31 % 17) as i32,
                kind,
            }
        })
        .collect()
}

fn schedule(n: usize) -> Schedule {
    let layouts: Vec<Layout> = (1..=LAYOUTS)
        .map(|i| Layout {
            id: LayoutId(i),
            name: format!("layout {i}"),
            template: Template::MainTicker,
            regions: vec![],
            aspect: None,
            zones: vec![
                ZoneBinding {
                    zone: "main".into(),
                    playlist: PlaylistId(i),
                },
                ZoneBinding {
                    zone: "ticker".into(),
                    playlist: PlaylistId(i % LAYOUTS + 1),
                },
            ],
        })
        .collect();
    let playlists: Vec<Playlist> = (1..=LAYOUTS)
        .map(|i| Playlist {
            id: PlaylistId(i),
            name: format!("playlist {i}"),
            entries: (0..8)
                .map(|e| PlaylistEntry {
                    content: ContentId(i * 100 + e),
                    duration_ms: 8_000 + e * 1_000,
                    transition: Transition::Fade { ms: 500 },
                    valid_from: None,
                    valid_until: None,
                })
                .collect(),
        })
        .collect();
    Schedule::new(&rules(n), &layouts, &playlists, Some(LayoutId(1))).unwrap()
}

fn bench(c: &mut Criterion) {
    let tehran = TimeZone::get("Asia/Tehran").unwrap();
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    let monday: Timestamp = "2026-11-23T09:47:13Z".parse().unwrap();
    // A week later, in 10-minute steps: resolve is measured over many instants, not one lucky one.
    let instants: Vec<Timestamp> = (0..1008)
        .map(|i| monday + SignedDuration::from_mins(10 * i))
        .collect();
    let mut group = c.benchmark_group("schedule");
    for n in [100, 1000] {
        let s = schedule(n);
        let mut next = instants.iter().cycle();
        group.bench_function(format!("resolve/{n}_rules/Asia-Tehran"), |b| {
            b.iter(|| black_box(s.resolve(*next.next().unwrap(), &tehran)))
        });
        let mut next = instants.iter().cycle();
        group.bench_function(format!("resolve/{n}_rules/Europe-Berlin"), |b| {
            b.iter(|| black_box(s.resolve(*next.next().unwrap(), &berlin)))
        });
        let week = monday + SignedDuration::from_hours(24 * 7);
        group.bench_function(format!("timeline_7_days/{n}_rules/Asia-Tehran"), |b| {
            b.iter(|| black_box(s.timeline(monday, week, &tehran)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
