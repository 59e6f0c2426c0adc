//! Builders shared by the schedule tests: a screen's worth of layouts, playlists and rules
//! without the noise.
#![allow(dead_code)]

use jiff::Timestamp;
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use vitrin_shared::ids::{ContentId, LayoutId, PlaylistId, RuleId};
use vitrin_shared::layout::{Layout, Template, ZoneBinding};
use vitrin_shared::playlist::{Playlist, PlaylistEntry, Transition};
use vitrin_shared::schedule::{
    RuleKind, Schedule, ScheduleRule, Scope, Target, TimelineSpan, When, Window,
};

pub const SAT_TO_WED: [Weekday; 5] = [
    Weekday::Saturday,
    Weekday::Sunday,
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
];

pub fn tz(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap()
}

/// An instant from a local civil time ("2026-11-21 06:00") in a timezone.
pub fn at(tz: &TimeZone, civil: &str) -> Timestamp {
    let dt: jiff::civil::DateTime = civil.parse().unwrap();
    tz.to_ambiguous_timestamp(dt).compatible().unwrap()
}

pub fn time(s: &str) -> Time {
    s.parse().unwrap()
}

/// A rule showing layout `layout`.
pub fn rule(id: i64, layout: i64, when: When, priority: i32, kind: RuleKind) -> ScheduleRule {
    let target = Target::Layout(LayoutId(layout));
    ScheduleRule {
        id: RuleId(id),
        name: format!("rule {id}"),
        target,
        scope: Scope::default(),
        when,
        priority,
        kind,
    }
}

pub fn normal(id: i64, layout: i64, when: When, priority: i32) -> ScheduleRule {
    rule(id, layout, when, priority, RuleKind::Normal)
}

/// An interrupt over layout `layout`: `secs` seconds an hour in `spots` spots.
pub fn interrupt(id: i64, layout: i64, priority: i32, secs: i64, spots: i64) -> ScheduleRule {
    let kind = RuleKind::Interrupt {
        seconds_per_hour: secs,
        spots_per_hour: spots,
    };
    rule(id, layout, When::always(), priority, kind)
}

pub fn cron(expr: &str, duration_secs: i64) -> When {
    When {
        window: Window::Cron {
            expr: expr.into(),
            duration_secs,
        },
        ..When::always()
    }
}

pub fn playlist(id: i64, entries: &[(i64, i64)]) -> Playlist {
    Playlist {
        id: PlaylistId(id),
        name: format!("playlist {id}"),
        entries: entries
            .iter()
            .map(|&(content, ms)| PlaylistEntry {
                content: ContentId(content),
                duration_ms: ms,
                transition: Transition::Cut,
                valid_from: None,
                valid_until: None,
            })
            .collect(),
    }
}

/// A fullscreen layout whose only zone plays the playlist with the same id.
pub fn layout(id: i64, name: &str) -> Layout {
    Layout {
        id: LayoutId(id),
        name: name.into(),
        template: Template::Fullscreen,
        regions: vec![],
        aspect: None,
        zones: vec![ZoneBinding {
            zone: "main".into(),
            playlist: PlaylistId(id),
        }],
    }
}

/// A schedule over fullscreen layouts 1..=n (each with a one-slide playlist of the same id).
pub fn schedule(rules: &[ScheduleRule], layouts: usize, default_layout: Option<i64>) -> Schedule {
    let layouts: Vec<Layout> = (1..=layouts as i64)
        .map(|i| layout(i, &format!("layout {i}")))
        .collect();
    let playlists: Vec<Playlist> = (1..=layouts.len() as i64)
        .map(|i| playlist(i, &[(i * 100, 10_000)]))
        .collect();
    Schedule::new(rules, &layouts, &playlists, default_layout.map(LayoutId)).unwrap()
}

/// A timeline as lines a person can read: `Sat 06:00-11:00 breakfast`, names from `names`
/// (indexed by layout id), emergencies and overlays in brackets.
pub fn describe(spans: &[TimelineSpan], tz: &TimeZone, names: &[&str]) -> String {
    let name = |t: Target| match t {
        Target::Layout(LayoutId(id)) | Target::Playlist(PlaylistId(id)) => {
            names[id as usize].to_string()
        }
    };
    spans
        .iter()
        .map(|s| {
            let start = tz.to_datetime(s.start);
            let end = tz.to_datetime(s.end);
            let mut line = format!(
                "{} {}-{} {}",
                start.strftime("%a"),
                start.time().strftime("%H:%M"),
                end.time().strftime("%H:%M"),
                s.layers.main.map_or("-".into(), |m| name(m.target))
            );
            for o in &s.layers.overlays {
                line += &format!(" +[{}]", name(o.target));
            }
            if let Some(e) = s.layers.emergency {
                line += &format!(" ![{}]", name(e.target));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}
