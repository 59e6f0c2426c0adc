//! One test (or a few) per rule kind of the schedule engine.

mod common;
use common::*;
use jiff::SignedDuration;
use jiff::civil::{Weekday, date};
use vitrin_shared::ids::{LayoutId, RuleId};
use vitrin_shared::schedule::{LayerKind, RuleKind, Target, When};

fn main_layout(
    s: &vitrin_shared::schedule::Schedule,
    tz: &jiff::tz::TimeZone,
    civil: &str,
) -> Option<i64> {
    s.resolve(at(tz, civil), tz)
        .main
        .map(|m| match m.selected.target {
            Target::Layout(LayoutId(id)) => id,
            Target::Playlist(p) => p.0,
        })
}

/// The id of the rule that fills the main layer at a local time.
fn main_rule(
    s: &vitrin_shared::schedule::Schedule,
    tz: &jiff::tz::TimeZone,
    civil: &str,
) -> Option<i64> {
    s.resolve(at(tz, civil), tz)
        .main
        .and_then(|m| m.selected.rule)
        .map(|r| r.0)
}

#[test]
fn date_range_limits_a_rule_to_its_days_inclusive() {
    let utc = tz("UTC");
    let when = When::always().between(date(2026, 12, 1), date(2026, 12, 3));
    let s = schedule(&[normal(1, 2, when, 0)], 2, Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-11-30 23:59"), Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-12-01 00:00"), Some(2));
    assert_eq!(main_layout(&s, &utc, "2026-12-03 23:59"), Some(2));
    assert_eq!(main_layout(&s, &utc, "2026-12-04 00:00"), Some(1));
}

#[test]
fn weekdays_select_days_of_the_week() {
    let utc = tz("UTC");
    let s = schedule(
        &[normal(1, 2, When::always().on(&[Weekday::Friday]), 0)],
        2,
        Some(1),
    );
    assert_eq!(main_layout(&s, &utc, "2026-11-26 12:00"), Some(1)); // Thursday
    assert_eq!(main_layout(&s, &utc, "2026-11-27 12:00"), Some(2)); // Friday
    assert_eq!(main_layout(&s, &utc, "2026-11-28 00:00"), Some(1)); // Saturday
}

#[test]
fn a_window_crossing_midnight_belongs_to_the_day_it_starts() {
    let utc = tz("UTC");
    let night = When::daily(time("22:00"), time("02:00")).on(&[Weekday::Friday]);
    let s = schedule(&[normal(1, 2, night, 0)], 2, Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-11-27 21:59"), Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-11-27 22:00"), Some(2));
    assert_eq!(main_layout(&s, &utc, "2026-11-28 01:59"), Some(2)); // Saturday morning, Friday's window
    assert_eq!(main_layout(&s, &utc, "2026-11-28 02:00"), Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-11-28 23:00"), Some(1)); // Saturday night is not Friday
    let r = s.resolve(at(&utc, "2026-11-27 23:00"), &utc);
    assert_eq!(r.main.unwrap().selected.since, at(&utc, "2026-11-27 22:00"));
    assert_eq!(r.next_change, Some(at(&utc, "2026-11-28 02:00")));
}

#[test]
fn five_field_cron_with_duration() {
    let utc = tz("UTC");
    // Weekdays at 12:30, for 15 minutes. 0 and 7 are Sunday; 1-5 is Monday to Friday.
    let s = schedule(
        &[normal(1, 2, cron("30 12 * * 1-5", 15 * 60), 0)],
        2,
        Some(1),
    );
    assert_eq!(main_layout(&s, &utc, "2026-11-23 12:29"), Some(1)); // Monday
    assert_eq!(main_layout(&s, &utc, "2026-11-23 12:30"), Some(2));
    assert_eq!(main_layout(&s, &utc, "2026-11-23 12:44"), Some(2));
    assert_eq!(main_layout(&s, &utc, "2026-11-23 12:45"), Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-11-22 12:35"), Some(1)); // Sunday
    let r = s.resolve(at(&utc, "2026-11-22 12:35"), &utc);
    assert_eq!(r.next_change, Some(at(&utc, "2026-11-23 12:30")));
}

#[test]
fn six_and_seven_field_cron_have_seconds_first_and_a_year_last() {
    let utc = tz("UTC");
    let s = schedule(&[normal(1, 2, cron("30 0 9 * * SUN", 60), 0)], 2, Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-11-22 09:00:29"), Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-11-22 09:00:30"), Some(2));
    let s = schedule(
        &[normal(1, 2, cron("0 0 9 * * * 2027", 3600), 0)],
        2,
        Some(1),
    );
    assert_eq!(main_layout(&s, &utc, "2026-11-22 09:30"), Some(1));
    assert_eq!(main_layout(&s, &utc, "2027-01-01 09:30"), Some(2));
}

#[test]
fn a_new_cron_firing_starts_a_new_occurrence() {
    let utc = tz("UTC");
    // Every 10 minutes for 15: occurrences are cut at the next firing, never overlap.
    let s = schedule(&[normal(1, 2, cron("*/10 * * * *", 15 * 60), 0)], 2, None);
    let r = s.resolve(at(&utc, "2026-11-22 10:12"), &utc);
    let main = r.main.unwrap().selected;
    assert_eq!(main.since, at(&utc, "2026-11-22 10:10"));
    assert_eq!(main.until, Some(at(&utc, "2026-11-22 10:20")));
}

#[test]
fn cron_weekday_filters_combine_with_rule_weekdays() {
    let utc = tz("UTC");
    let when = When {
        weekdays: Some(vitrin_shared::schedule::Weekdays::of(&[Weekday::Tuesday])),
        ..cron("0 9 * * *", 3600)
    };
    let s = schedule(&[normal(1, 2, when, 0)], 2, Some(1));
    assert_eq!(main_layout(&s, &utc, "2026-11-23 09:30"), Some(1)); // Monday
    assert_eq!(main_layout(&s, &utc, "2026-11-24 09:30"), Some(2)); // Tuesday
}

#[test]
fn higher_priority_wins_and_ties_go_to_the_lower_id() {
    let utc = tz("UTC");
    let rules = [
        normal(5, 2, When::always(), 1),
        normal(3, 3, When::always(), 1),
        normal(9, 4, When::always(), 0),
    ];
    let s = schedule(&rules, 4, None);
    assert_eq!(main_layout(&s, &utc, "2026-11-22 12:00"), Some(3));
    let rules = [
        normal(5, 2, When::always(), 1),
        normal(3, 3, When::always(), 1),
        normal(9, 4, When::always(), 7),
    ];
    let s = schedule(&rules, 4, None);
    assert_eq!(main_layout(&s, &utc, "2026-11-22 12:00"), Some(4));
}

#[test]
fn the_default_layout_fills_gaps_and_nothing_plays_without_one() {
    let utc = tz("UTC");
    let rules = [normal(1, 2, When::daily(time("09:00"), time("17:00")), 0)];
    let with_default = schedule(&rules, 2, Some(1));
    let r = with_default.resolve(at(&utc, "2026-11-22 20:00"), &utc);
    let main = r.main.unwrap();
    assert_eq!(main.selected.kind, LayerKind::Default);
    assert_eq!(main.selected.rule, None);
    let without = schedule(&rules, 2, None);
    assert_eq!(
        without.resolve(at(&utc, "2026-11-22 20:00"), &utc).main,
        None
    );
}

#[test]
fn emergency_beats_any_priority_and_ends_on_time() {
    let utc = tz("UTC");
    let alert = When {
        active_until: Some(at(&utc, "2026-11-22 12:30")),
        ..When::always()
    };
    let rules = [
        normal(1, 2, When::always(), 1000),
        rule(2, 3, alert, -5, RuleKind::Emergency),
    ];
    let s = schedule(&rules, 3, None);
    let r = s.resolve(at(&utc, "2026-11-22 12:00"), &utc);
    let emergency = r.emergency.unwrap().selected;
    assert_eq!(emergency.rule, Some(RuleId(2)));
    assert_eq!(emergency.until, Some(at(&utc, "2026-11-22 12:30")));
    assert_eq!(r.next_change, Some(at(&utc, "2026-11-22 12:30")));
    assert_eq!(
        s.resolve(at(&utc, "2026-11-22 12:30"), &utc).emergency,
        None
    );
}

#[test]
fn overlays_stack_on_top_in_rank_order() {
    let utc = tz("UTC");
    let rules = [
        normal(1, 1, When::always(), 0),
        rule(2, 2, When::always(), 1, RuleKind::Overlay),
        rule(
            3,
            3,
            When::daily(time("10:00"), time("11:00")),
            5,
            RuleKind::Overlay,
        ),
    ];
    let s = schedule(&rules, 3, None);
    let r = s.resolve(at(&utc, "2026-11-22 10:30"), &utc);
    assert_eq!(r.main.unwrap().selected.rule, Some(RuleId(1)));
    let overlays: Vec<_> = r
        .overlays
        .iter()
        .map(|o| o.selected.rule.unwrap().0)
        .collect();
    assert_eq!(overlays, vec![3, 2]);
    assert_eq!(
        s.resolve(at(&utc, "2026-11-22 11:00"), &utc).overlays.len(),
        1
    );
}

#[test]
fn interrupt_takes_its_share_of_voice_in_evenly_spaced_spots() {
    let utc = tz("UTC");
    // 60 seconds an hour in 4 spots: 15 s at :00, :15, :30 and :45.
    let rules = [normal(1, 1, When::always(), 0), interrupt(2, 2, 0, 60, 4)];
    let s = schedule(&rules, 2, None);
    let from = at(&utc, "2026-11-22 10:00");
    let spans = s.timeline(from, from + SignedDuration::from_hours(1), &utc);
    let interrupt_secs: i64 = spans
        .iter()
        .filter(|sp| sp.layers.main.unwrap().kind == LayerKind::Interrupt)
        .map(|sp| sp.end.duration_since(sp.start).as_secs())
        .sum();
    assert_eq!(interrupt_secs, 60);
    let starts: Vec<String> = spans
        .iter()
        .filter(|sp| sp.layers.main.unwrap().kind == LayerKind::Interrupt)
        .map(|sp| utc.to_datetime(sp.start).strftime("%H:%M:%S").to_string())
        .collect();
    assert_eq!(starts, ["10:00:00", "10:15:00", "10:30:00", "10:45:00"]);
    let r = s.resolve(at(&utc, "2026-11-22 10:15:10"), &utc);
    assert_eq!(r.main.unwrap().selected.kind, LayerKind::Interrupt);
    assert_eq!(r.next_change, Some(at(&utc, "2026-11-22 10:15:15")));
}

#[test]
fn two_interrupts_are_staggered_not_stacked() {
    let utc = tz("UTC");
    let ad = |id, layout| interrupt(id, layout, 0, 30, 1);
    let s = schedule(
        &[normal(1, 1, When::always(), 0), ad(2, 2), ad(3, 3)],
        3,
        None,
    );
    assert_eq!(main_rule(&s, &utc, "2026-11-22 10:00:10"), Some(2));
    assert_eq!(main_rule(&s, &utc, "2026-11-22 10:00:40"), Some(3));
    assert_eq!(main_rule(&s, &utc, "2026-11-22 10:01:00"), Some(1));
}

#[test]
fn an_interrupt_does_not_break_into_higher_priority_content() {
    let utc = tz("UTC");
    let rules = [normal(1, 1, When::always(), 10), interrupt(2, 2, 5, 600, 1)];
    let s = schedule(&rules, 2, None);
    assert_eq!(main_rule(&s, &utc, "2026-11-22 10:00:10"), Some(1));
}

#[test]
fn promo_entries_play_only_between_their_dates() {
    use vitrin_shared::ids::ContentId;
    let utc = tz("UTC");
    let mut pl = playlist(1, &[(10, 5_000), (11, 5_000)]);
    pl.entries[1].valid_from = Some(at(&utc, "2026-12-01 00:00"));
    pl.entries[1].valid_until = Some(at(&utc, "2026-12-08 00:00"));
    let s =
        vitrin_shared::schedule::Schedule::new(&[], &[layout(1, "menu")], &[pl], Some(LayoutId(1)))
            .unwrap();
    let content_at = |civil: &str| {
        let r = s.resolve(at(&utc, civil), &utc);
        r.main.unwrap().zones[0].entry.unwrap().content
    };
    // Before the promo only entry 10 is valid, whatever the second.
    for second in 0..10 {
        assert_eq!(
            content_at(&format!("2026-11-30 12:00:{second:02}")),
            ContentId(10)
        );
    }
    // During it, the loop restarts at the promo's start and alternates.
    assert_eq!(content_at("2026-12-01 00:00:00"), ContentId(10));
    assert_eq!(content_at("2026-12-01 00:00:05"), ContentId(11));
    assert_eq!(content_at("2026-12-01 00:00:10"), ContentId(10));
    assert_eq!(content_at("2026-12-08 00:00:05"), ContentId(10));
}
