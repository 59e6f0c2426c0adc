//! The "what plays when" picture of one screen and one day, drawn on the server as SVG from the
//! shared engine's `Schedule::timeline`, the same code the player runs.
//!
//! Lanes, top to bottom: main (normal rules, interrupt spots, the default layout), one row per
//! overlay, emergency. Times are the screen's local times; a DST day is 23 or 25 hours long and
//! drawn so. Two kinds of conflict are found and highlighted:
//! - a tie: two rules of the same layer overlap at equal priority, so the lower rule id wins
//!   for no reason the user chose;
//! - a shadow: a rule is active on the day but never shown, because others outrank it all the
//!   time it is active.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use vitrin_shared::ValidationErrors;
use vitrin_shared::calendar::Digits;
use vitrin_shared::ids::RuleId;
use vitrin_shared::manifest::Manifest;
use vitrin_shared::schedule::ties::{competes, occurrences};
use vitrin_shared::schedule::{LayerKind, Layers, RuleKind, ScheduleRule, Selected, StoreTime};

/// The layer a bar is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lane {
    Main,
    /// The n-th overlay rule of the day, each in a row of its own.
    Overlay(usize),
    Emergency,
}

impl Lane {
    pub fn class(self) -> &'static str {
        match self {
            Lane::Main => "main",
            Lane::Overlay(_) => "overlay",
            Lane::Emergency => "emergency",
        }
    }
}

/// One stretch of one lane in which the same rule (or the default layout) shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub lane: Lane,
    /// `None` for the screen's default layout.
    pub rule: Option<RuleId>,
    pub kind: LayerKind,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Something on the day the user probably did not mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// `rules` overlap from `start` to `end` at equal `priority`; the first (lower id) wins.
    Tie {
        rules: [RuleId; 2],
        priority: i32,
        start: Timestamp,
        end: Timestamp,
    },
    /// `rule` is active on the day but never shown; `by` are the rules shown instead.
    Shadowed { rule: RuleId, by: Vec<RuleId> },
}

/// One screen's day, ready to be drawn or listed.
#[derive(Debug, Clone)]
pub struct DayTimeline {
    pub day: Date,
    pub tz: TimeZone,
    pub start: Timestamp,
    pub end: Timestamp,
    pub bars: Vec<Bar>,
    pub conflicts: Vec<Conflict>,
    /// The rules of the manifest, by id, for names.
    pub rules: BTreeMap<RuleId, ScheduleRule>,
    /// When the store is closed that day (its screens sleep), in order.
    pub closed: Vec<(Timestamp, Timestamp)>,
}

/// What `manifest`'s screen plays on local `day`, with its conflicts.
pub fn day_timeline(manifest: &Manifest, day: Date) -> Result<DayTimeline, ValidationErrors> {
    let tz = manifest.screen.time_zone()?;
    let schedule = manifest.schedule()?;
    let (start, end) = day_bounds(day, &tz);
    let spans = schedule.timeline(start, end, &tz);

    let mut overlay_rows: Vec<RuleId> = Vec::new();
    let mut bars: Vec<Bar> = Vec::new();
    let mut push = |lane: Lane, selected: &Selected, span_start: Timestamp, span_end: Timestamp| {
        // Spans split wherever any layer changes: join the pieces of one lane that continue.
        if let Some(last) = bars
            .iter_mut()
            .rev()
            .find(|b| b.lane == lane && b.end == span_start)
            && last.rule == selected.rule
            && last.kind == selected.kind
        {
            last.end = span_end;
            return;
        }
        bars.push(Bar {
            lane,
            rule: selected.rule,
            kind: selected.kind,
            start: span_start,
            end: span_end,
        });
    };
    for span in &spans {
        let Layers {
            main,
            overlays,
            emergency,
        } = &span.layers;
        if let Some(main) = main {
            push(Lane::Main, main, span.start, span.end);
        }
        for overlay in overlays {
            let rule = overlay.rule.expect("overlays come from rules");
            let row = overlay_rows
                .iter()
                .position(|r| *r == rule)
                .unwrap_or_else(|| {
                    overlay_rows.push(rule);
                    overlay_rows.len() - 1
                });
            push(Lane::Overlay(row), overlay, span.start, span.end);
        }
        if let Some(emergency) = emergency {
            push(Lane::Emergency, emergency, span.start, span.end);
        }
    }
    bars.sort_by_key(|b| (b.lane, b.start));

    let store = StoreTime::new(manifest.screen.hours.as_ref(), &manifest.screen.dayparts);
    let occurrences = manifest
        .rules
        .iter()
        .map(|rule| Ok((rule.id, occurrences(rule, start, end, &tz, &store)?)))
        .collect::<Result<BTreeMap<_, _>, ValidationErrors>>()?;
    let conflicts = find_conflicts(&manifest.rules, &occurrences, &bars);
    // The gaps between the day's open stretches; none for a store without hours.
    let mut closed = Vec::new();
    if let Some(hours) = &manifest.screen.hours {
        let mut cursor = start;
        for span in hours.spans(&tz, start, end) {
            if span.start > cursor {
                closed.push((cursor, span.start));
            }
            cursor = cursor.max(span.end);
        }
        if cursor < end {
            closed.push((cursor, end));
        }
    }
    Ok(DayTimeline {
        closed,
        day,
        tz,
        start,
        end,
        bars,
        conflicts,
        rules: manifest.rules.iter().map(|r| (r.id, r.clone())).collect(),
    })
}

/// The instants a local day starts and ends (not always 24 hours apart).
pub fn day_bounds(day: Date, tz: &TimeZone) -> (Timestamp, Timestamp) {
    let start_of = |d: Date| {
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    };
    let next = day.checked_add(1.day()).unwrap_or(day);
    (start_of(day), start_of(next))
}

fn find_conflicts(
    rules: &[ScheduleRule],
    occurrences: &BTreeMap<RuleId, Vec<(Timestamp, Timestamp)>>,
    bars: &[Bar],
) -> Vec<Conflict> {
    let mut sorted: Vec<&ScheduleRule> = rules.iter().collect();
    sorted.sort_by_key(|r| r.id);
    let mut conflicts = Vec::new();
    for (i, a) in sorted.iter().enumerate() {
        // Interrupts of equal priority take turns (their spots are staggered): no tie.
        if !matches!(a.kind, RuleKind::Normal | RuleKind::Emergency) {
            continue;
        }
        for b in &sorted[i + 1..] {
            if competes(&a.kind) != competes(&b.kind) || a.priority != b.priority {
                continue;
            }
            for &(a_start, a_end) in &occurrences[&a.id] {
                for &(b_start, b_end) in &occurrences[&b.id] {
                    let (start, end) = (a_start.max(b_start), a_end.min(b_end));
                    if start < end {
                        conflicts.push(Conflict::Tie {
                            rules: [a.id, b.id],
                            priority: a.priority,
                            start,
                            end,
                        });
                    }
                }
            }
        }
    }
    for rule in &sorted {
        if competes(&rule.kind).is_none() || occurrences[&rule.id].is_empty() {
            continue;
        }
        if bars.iter().any(|b| b.rule == Some(rule.id)) {
            continue;
        }
        let lane = if rule.kind == RuleKind::Emergency {
            Lane::Emergency
        } else {
            Lane::Main
        };
        let mut by: Vec<RuleId> = bars
            .iter()
            .filter(|b| b.lane == lane)
            .filter(|b| {
                occurrences[&rule.id]
                    .iter()
                    .any(|&(s, e)| b.start < e && s < b.end)
            })
            .filter_map(|b| b.rule)
            .collect();
        by.sort();
        by.dedup();
        conflicts.push(Conflict::Shadowed { rule: rule.id, by });
    }
    conflicts
}

impl DayTimeline {
    /// The local wall-clock time of an instant of the day, `24:00` for the day's end.
    pub fn clock(&self, t: Timestamp) -> String {
        if t >= self.end {
            return "24:00".to_owned();
        }
        let local = self.tz.to_datetime(t);
        format!("{:02}:{:02}", local.hour(), local.minute())
    }

    /// A rule's name, or `#id` for a rule the manifest does not have.
    pub fn rule_name(&self, id: RuleId) -> String {
        self.rules
            .get(&id)
            .map_or_else(|| format!("#{id}"), |r| r.name.clone())
    }

    /// How many overlay rows the picture needs.
    pub fn overlay_rows(&self) -> usize {
        self.bars
            .iter()
            .filter_map(|b| match b.lane {
                Lane::Overlay(row) => Some(row + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }
}

/// The words the picture shows, in the page's language.
pub struct Labels {
    pub title: String,
    pub main: String,
    pub overlay: String,
    pub emergency: String,
    pub default_layout: String,
    pub tie: String,
    /// "closed", for the shaded time the store is closed.
    pub closed: String,
    pub digits: Digits,
    pub rtl: bool,
}

/// A lane's label and place.
pub struct LaneShape {
    pub label: String,
    pub y: i64,
    pub text_y: i64,
}

/// A time mark on the axis.
pub struct TickShape {
    pub x: i64,
    pub label: String,
}

/// A bar as drawn, with what tests and scripts read from it.
pub struct BarShape {
    pub lane: &'static str,
    pub kind: &'static str,
    /// The rule id, empty for the default layout.
    pub rule: String,
    pub start: String,
    pub end: String,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub text_x: i64,
    pub text_y: i64,
    /// Shown inside the bar when it fits (shortened), always in the tooltip.
    pub text: String,
    pub tooltip: String,
    pub rtl: bool,
}

/// A tie drawn over the main or emergency lane.
pub struct MarkShape {
    pub rules: String,
    pub start: String,
    pub end: String,
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub tooltip: String,
}

/// The picture: an SVG document (self-contained: no fonts, scripts or links).
#[derive(askama::Template)]
#[template(path = "schedule/timeline.svg")]
pub struct TimelineSvg {
    pub width: i64,
    pub height: i64,
    pub title: String,
    pub rtl: bool,
    pub label_x: i64,
    pub axis_y: i64,
    pub plot_left: i64,
    pub plot_right: i64,
    pub lane_h: i64,
    pub lanes: Vec<LaneShape>,
    pub ticks: Vec<TickShape>,
    pub bars: Vec<BarShape>,
    pub marks: Vec<MarkShape>,
    /// Closed time, shaded across every lane: (x, width, "HH:MM", "HH:MM").
    pub closed: Vec<(i64, i64, String, String)>,
    pub closed_label: String,
}

const WIDTH: i64 = 960;
const LABEL_W: i64 = 120;
const MARGIN: i64 = 16;
const TOP: i64 = 56;
const ROW: i64 = 34;
/// Roughly the width of one character at the picture's font size, to shorten labels.
const CHAR_W: i64 = 7;

fn kind_class(kind: LayerKind) -> &'static str {
    match kind {
        LayerKind::Default => "default",
        LayerKind::Normal => "normal",
        LayerKind::Interrupt => "interrupt",
        LayerKind::Overlay => "overlay",
        LayerKind::Emergency => "emergency",
    }
}

/// Whether text starts (at its first letter) right to left.
fn starts_rtl(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
}

fn shorten(text: &str, width: i64) -> String {
    let fits = usize::try_from((width - 8) / CHAR_W).unwrap_or(0);
    if text.chars().count() <= fits {
        text.to_owned()
    } else if fits >= 2 {
        text.chars().take(fits - 1).chain(['…']).collect()
    } else {
        String::new()
    }
}

impl DayTimeline {
    /// The picture of the day, with `labels` in the page's language. In a right-to-left page
    /// time runs from right to left and the lane names stand on the right.
    pub fn svg(&self, labels: &Labels) -> TimelineSvg {
        let plot_w = WIDTH - LABEL_W - 2 * MARGIN;
        let (plot_left, label_x) = if labels.rtl {
            (MARGIN, WIDTH - MARGIN)
        } else {
            (LABEL_W + MARGIN, MARGIN)
        };
        let length = (self.end.as_millisecond() - self.start.as_millisecond()).max(1);
        let x_of = |t: Timestamp| -> i64 {
            let offset = (t.as_millisecond() - self.start.as_millisecond()).clamp(0, length);
            let along = offset * plot_w / length;
            if labels.rtl {
                plot_left + plot_w - along
            } else {
                plot_left + along
            }
        };
        let span_x = |start: Timestamp, end: Timestamp| {
            let (a, b) = (x_of(start), x_of(end));
            (a.min(b), (a - b).abs().max(1))
        };
        let clock = |t: Timestamp| labels.digits.apply(&self.clock(t));

        let overlays = self.overlay_rows();
        let lane_y = |lane: Lane| -> i64 {
            let row = match lane {
                Lane::Main => 0,
                Lane::Overlay(n) => 1 + n as i64,
                Lane::Emergency => 1 + overlays as i64,
            };
            TOP + row * ROW
        };
        let mut lanes = vec![LaneShape {
            label: labels.main.clone(),
            y: lane_y(Lane::Main),
            text_y: lane_y(Lane::Main) + ROW / 2 + 5,
        }];
        for row in 0..overlays {
            let y = lane_y(Lane::Overlay(row));
            lanes.push(LaneShape {
                label: labels.overlay.clone(),
                y,
                text_y: y + ROW / 2 + 5,
            });
        }
        let y = lane_y(Lane::Emergency);
        lanes.push(LaneShape {
            label: labels.emergency.clone(),
            y,
            text_y: y + ROW / 2 + 5,
        });

        let ticks = (0..=24)
            .step_by(3)
            .map(|hour| {
                let t = if hour == 24 {
                    self.end
                } else {
                    self.day
                        .at(hour, 0, 0, 0)
                        .to_zoned(self.tz.clone())
                        .map_or(self.end, |z| z.timestamp())
                };
                TickShape {
                    x: x_of(t),
                    label: labels.digits.apply(&format!("{hour:02}:00")),
                }
            })
            .collect();

        let bars = self
            .bars
            .iter()
            .map(|bar| {
                let (x, w) = span_x(bar.start, bar.end);
                let name = bar
                    .rule
                    .map_or_else(|| labels.default_layout.clone(), |r| self.rule_name(r));
                let (start, end) = (clock(bar.start), clock(bar.end));
                let y = lane_y(bar.lane) + 4;
                BarShape {
                    lane: bar.lane.class(),
                    kind: kind_class(bar.kind),
                    rule: bar.rule.map(|r| r.to_string()).unwrap_or_default(),
                    tooltip: format!("{name} {start}–{end}"),
                    text: shorten(&name, w),
                    rtl: starts_rtl(&name),
                    start: self.clock(bar.start),
                    end: self.clock(bar.end),
                    x,
                    y,
                    w,
                    text_x: x + w / 2,
                    text_y: y + ROW / 2 + 1,
                }
            })
            .collect();

        let marks = self
            .conflicts
            .iter()
            .filter_map(|conflict| match conflict {
                Conflict::Tie {
                    rules,
                    start,
                    end,
                    priority,
                } => {
                    let (x, w) = span_x(*start, *end);
                    let lane = match self.rules.get(&rules[0]).map(|r| r.kind) {
                        Some(RuleKind::Emergency) => Lane::Emergency,
                        _ => Lane::Main,
                    };
                    let names = format!(
                        "{} / {}",
                        self.rule_name(rules[0]),
                        self.rule_name(rules[1])
                    );
                    Some(MarkShape {
                        rules: format!("{} {}", rules[0], rules[1]),
                        start: self.clock(*start),
                        end: self.clock(*end),
                        x,
                        y: lane_y(lane) + 1,
                        w,
                        tooltip: format!(
                            "{}: {names} ({}) {}–{}",
                            labels.tie,
                            labels.digits.apply(&priority.to_string()),
                            clock(*start),
                            clock(*end)
                        ),
                    })
                }
                Conflict::Shadowed { .. } => None,
            })
            .collect();

        let rows = 2 + overlays as i64;
        TimelineSvg {
            width: WIDTH,
            height: TOP + rows * ROW + MARGIN,
            title: labels.title.clone(),
            rtl: labels.rtl,
            label_x,
            axis_y: TOP - 8,
            plot_left,
            plot_right: plot_left + plot_w,
            lane_h: ROW - 8,
            lanes,
            ticks,
            bars,
            marks,
            closed: self
                .closed
                .iter()
                .map(|&(a, b)| {
                    let (x, w) = span_x(a, b);
                    (x, w, self.clock(a), self.clock(b))
                })
                .collect(),
            closed_label: labels.closed.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;
    use jiff::civil::{date, time};
    use quick_xml::events::Event;
    use vitrin_shared::ids::{PlaylistId, ScreenId, StoreId};
    use vitrin_shared::manifest::{Orientation, ScreenSettings};
    use vitrin_shared::playlist::Playlist;
    use vitrin_shared::schedule::{Scope, Target, When};

    fn rule(id: i64, name: &str, when: When, priority: i32, kind: RuleKind) -> ScheduleRule {
        ScheduleRule {
            id: RuleId(id),
            name: name.into(),
            target: Target::Playlist(PlaylistId(1)),
            scope: Scope {
                all: true,
                ..Scope::default()
            },
            when,
            priority,
            kind,
        }
    }

    fn daily(from: (i8, i8), to: (i8, i8)) -> When {
        When::daily(time(from.0, from.1, 0, 0), time(to.0, to.1, 0, 0))
    }

    fn manifest(tz: &str, rules: Vec<ScheduleRule>) -> Manifest {
        Manifest {
            api_version: 1,
            version: 1,
            server_time: Timestamp::UNIX_EPOCH,
            screen: ScreenSettings {
                id: ScreenId(1),
                name: "Counter".into(),
                store: StoreId(1),
                timezone: tz.into(),
                orientation: Orientation::Landscape,
                default_layout: None,
                heartbeat_secs: 30,
                hours: None,
                dayparts: Vec::new(),
                power: Default::default(),
                brand: Default::default(),
                wall: None,
            },
            layouts: Vec::new(),
            playlists: vec![Playlist {
                id: PlaylistId(1),
                name: "Menu".into(),
                entries: Vec::new(),
            }],
            content: Vec::new(),
            rules,
            feeds: Vec::new(),
        }
    }

    fn labels(rtl: bool) -> Labels {
        Labels {
            title: "Counter".into(),
            main: "Main".into(),
            overlay: "Overlay".into(),
            emergency: "Emergency".into(),
            default_layout: "Default layout".into(),
            tie: "Tie".into(),
            closed: "Closed".into(),
            digits: if rtl { Digits::Persian } else { Digits::Latin },
            rtl,
        }
    }

    /// Every element with a `data-*` attribute, as (element name, class, attributes).
    fn parse(svg: &str) -> Vec<(String, BTreeMap<String, String>)> {
        let mut reader = quick_xml::Reader::from_str(svg);
        let mut found = Vec::new();
        loop {
            match reader.read_event().expect("well-formed SVG") {
                Event::Start(e) | Event::Empty(e) => {
                    let attrs: BTreeMap<String, String> = e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (
                                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                    .unwrap()
                                    .into_owned(),
                            )
                        })
                        .collect();
                    if attrs.keys().any(|k| k.starts_with("data-")) {
                        found.push((
                            String::from_utf8(e.name().as_ref().to_vec()).unwrap(),
                            attrs,
                        ));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        found
    }

    fn bars(svg: &str, lane: &str) -> Vec<(String, String, String)> {
        parse(svg)
            .into_iter()
            .filter(|(_, a)| a.get("data-lane").map(String::as_str) == Some(lane))
            .map(|(_, a)| {
                (
                    a["data-rule"].clone(),
                    a["data-start"].clone(),
                    a["data-end"].clone(),
                )
            })
            .collect()
    }

    fn svg_of(m: &Manifest, day: Date, rtl: bool) -> String {
        day_timeline(m, day)
            .unwrap()
            .svg(&labels(rtl))
            .render()
            .unwrap()
    }

    fn s(a: &str, b: &str, c: &str) -> (String, String, String) {
        (a.into(), b.into(), c.into())
    }

    #[test]
    fn lanes_show_each_rule_in_its_local_hours() {
        let mut m = manifest(
            "Asia/Tehran",
            vec![
                rule(1, "Breakfast", daily((6, 0), (11, 0)), 0, RuleKind::Normal),
                rule(2, "Lunch", daily((11, 0), (16, 0)), 0, RuleKind::Normal),
                rule(3, "Ticker", When::always(), 0, RuleKind::Overlay),
                rule(
                    4,
                    "Fire drill",
                    daily((12, 0), (12, 30)),
                    0,
                    RuleKind::Emergency,
                ),
            ],
        );
        m.screen.default_layout = None;
        let svg = svg_of(&m, date(2026, 11, 22), false);
        assert_eq!(
            bars(&svg, "main"),
            [s("1", "06:00", "11:00"), s("2", "11:00", "16:00")]
        );
        assert_eq!(bars(&svg, "overlay"), [s("3", "00:00", "24:00")]);
        assert_eq!(bars(&svg, "emergency"), [s("4", "12:00", "12:30")]);
        assert!(!svg.contains("class=\"conflict\""), "no conflicts: {svg}");
    }

    #[test]
    fn ties_and_shadowed_rules_are_found_and_marked() {
        let m = manifest(
            "Asia/Tehran",
            vec![
                rule(1, "Breakfast", daily((6, 0), (11, 0)), 5, RuleKind::Normal),
                rule(
                    2,
                    "Brunch <& co>",
                    daily((10, 0), (12, 0)),
                    5,
                    RuleKind::Normal,
                ),
                rule(
                    3,
                    "Early special",
                    daily((7, 0), (8, 0)),
                    1,
                    RuleKind::Normal,
                ),
            ],
        );
        let day = date(2026, 11, 22);
        let timeline = day_timeline(&m, day).unwrap();
        let (start, _) = day_bounds(day, &timeline.tz);
        let at = |h: i64| start + jiff::SignedDuration::from_hours(h);
        assert_eq!(
            timeline.conflicts,
            [
                Conflict::Tie {
                    rules: [RuleId(1), RuleId(2)],
                    priority: 5,
                    start: at(10),
                    end: at(11)
                },
                Conflict::Shadowed {
                    rule: RuleId(3),
                    by: vec![RuleId(1)]
                },
            ]
        );
        let svg = timeline.svg(&labels(false)).render().unwrap();
        let marks: Vec<_> = parse(&svg)
            .into_iter()
            .filter(|(_, a)| a.get("class").map(String::as_str) == Some("conflict"))
            .map(|(_, a)| {
                (
                    a["data-rules"].clone(),
                    a["data-start"].clone(),
                    a["data-end"].clone(),
                )
            })
            .collect();
        assert_eq!(marks, [s("1 2", "10:00", "11:00")]);
        // The lower id wins the tie; the name is escaped, not markup.
        assert_eq!(
            bars(&svg, "main"),
            [s("1", "06:00", "11:00"), s("2", "11:00", "12:00")]
        );
        assert!(!svg.contains("<& co>") && svg.contains("co&#62;"), "{svg}");
    }

    #[test]
    fn a_dst_day_is_drawn_with_its_real_length() {
        // New York springs forward on 2026-03-08: 02:00 does not exist, the day has 23 hours.
        let m = manifest(
            "America/New_York",
            vec![rule(1, "Night", daily((1, 0), (4, 0)), 0, RuleKind::Normal)],
        );
        let day = date(2026, 3, 8);
        let timeline = day_timeline(&m, day).unwrap();
        let hours = jiff::SignedDuration::from_hours;
        assert_eq!(timeline.start.duration_until(timeline.end), hours(23));
        let night = &timeline.bars[0];
        assert_eq!(night.start.duration_until(night.end), hours(2));
        let svg = timeline.svg(&labels(false)).render().unwrap();
        assert_eq!(bars(&svg, "main"), [s("1", "01:00", "04:00")]);
    }

    #[test]
    fn persian_pictures_run_right_to_left_with_persian_digits() {
        let m = manifest(
            "Asia/Tehran",
            vec![rule(
                1,
                "صبحانه",
                daily((6, 0), (11, 0)),
                0,
                RuleKind::Normal,
            )],
        );
        let svg = svg_of(&m, date(2026, 11, 22), true);
        assert!(svg.contains(">۰۶:۰۰<"), "{svg}");
        let bar = &parse(&svg)[0].1;
        assert_eq!(bar["data-start"], "06:00", "data stays machine-readable");
        // Later is further left: the 06:00–11:00 bar ends left of where it starts.
        let timeline = day_timeline(&m, date(2026, 11, 22)).unwrap();
        let shape = &timeline.svg(&labels(true)).bars[0];
        let ltr = &timeline.svg(&labels(false)).bars[0];
        assert_eq!(shape.w, ltr.w);
        let plot_w = WIDTH - LABEL_W - 2 * MARGIN;
        let from_start_ltr = ltr.x - (LABEL_W + MARGIN);
        let from_start_rtl = MARGIN + plot_w - (shape.x + shape.w);
        assert_eq!(
            from_start_rtl, from_start_ltr,
            "06:00 is as far from the day's start"
        );
        assert!(svg.contains("direction=\"rtl\">صبحانه<"));
    }
}
