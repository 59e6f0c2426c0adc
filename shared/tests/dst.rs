//! Daylight-saving time: Berlin's spring-forward and fall-back nights, and Tehran, which
//! abolished DST in 2022 (the tz database knows; the engine must not guess).

mod common;
use common::*;
use jiff::{SignedDuration, Timestamp};
use vitrin_shared::schedule::{Schedule, When};

fn occurrence(s: &Schedule, tz: &jiff::tz::TimeZone, inside: &str) -> (Timestamp, Timestamp) {
    let main = s.resolve(at(tz, inside), tz).main.unwrap().selected;
    (main.since, main.until.unwrap())
}

fn utc(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn berlin_breakfast_keeps_local_hours_across_spring_forward() {
    let berlin = tz("Europe/Berlin");
    let s = schedule(
        &[normal(1, 2, When::daily(time("06:00"), time("11:00")), 0)],
        2,
        Some(1),
    );
    // Saturday 28 March 2026 is still CET (+01:00); Sunday 29 March is CEST (+02:00).
    assert_eq!(
        occurrence(&s, &berlin, "2026-03-28 07:00"),
        (utc("2026-03-28T05:00Z"), utc("2026-03-28T10:00Z"))
    );
    assert_eq!(
        occurrence(&s, &berlin, "2026-03-29 07:00"),
        (utc("2026-03-29T04:00Z"), utc("2026-03-29T09:00Z"))
    );
}

#[test]
fn a_window_inside_the_spring_gap_plays_the_part_that_exists() {
    let berlin = tz("Europe/Berlin");
    // 02:00-03:00 does not exist on 29 March 2026: 02:30-03:30 is 03:00-03:30 CEST.
    let s = schedule(
        &[normal(1, 2, When::daily(time("02:30"), time("03:30")), 0)],
        2,
        Some(1),
    );
    let r = s.resolve(utc("2026-03-29T01:10Z"), &berlin); // 03:10 CEST
    let main = r.main.unwrap().selected;
    assert_eq!(
        (main.since, main.until),
        (utc("2026-03-29T01:00Z"), Some(utc("2026-03-29T01:30Z")))
    );
    // A window across the gap loses the skipped hour: 01:30-04:00 lasts 1.5 hours.
    let s = schedule(
        &[normal(1, 2, When::daily(time("01:30"), time("04:00")), 0)],
        2,
        Some(1),
    );
    let (start, end) = occurrence(&s, &berlin, "2026-03-29 03:30");
    assert_eq!(end.duration_since(start), SignedDuration::from_mins(90));
}

#[test]
fn a_window_across_fall_back_covers_the_repeated_hour_once_and_whole() {
    let berlin = tz("Europe/Berlin");
    // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:00-03:00 happens twice.
    let s = schedule(
        &[normal(1, 2, When::daily(time("01:00"), time("02:30")), 0)],
        2,
        Some(1),
    );
    let (start, end) = occurrence(&s, &berlin, "2026-10-25 01:30");
    assert_eq!(start, utc("2026-10-24T23:00Z")); // 01:00 CEST
    assert_eq!(end, utc("2026-10-25T01:30Z")); // the second 02:30, in CET
    // Inside the repeated hour, the second time round, it is still active.
    let second_pass = utc("2026-10-25T01:15Z"); // 02:15 CET
    assert_eq!(
        s.resolve(second_pass, &berlin)
            .main
            .unwrap()
            .selected
            .rule
            .map(|r| r.0),
        Some(1)
    );
    // A night window over the fall-back is an hour longer in elapsed time.
    let s = schedule(
        &[normal(1, 2, When::daily(time("22:00"), time("06:00")), 0)],
        2,
        Some(1),
    );
    let (start, end) = occurrence(&s, &berlin, "2026-10-24 23:00");
    assert_eq!(end.duration_since(start), SignedDuration::from_hours(9));
}

#[test]
fn berlin_timeline_over_both_transitions_matches_local_hours() {
    let berlin = tz("Europe/Berlin");
    let s = schedule(
        &[normal(1, 2, When::daily(time("06:00"), time("11:00")), 0)],
        2,
        Some(1),
    );
    for (from, to) in [
        ("2026-03-27 00:00", "2026-03-31 00:00"),
        ("2026-10-23 00:00", "2026-10-27 00:00"),
    ] {
        let spans = s.timeline(at(&berlin, from), at(&berlin, to), &berlin);
        let text = describe(&spans, &berlin, &["", "default", "breakfast"]);
        let breakfasts = text
            .lines()
            .filter(|l| l.contains("06:00-11:00 breakfast"))
            .count();
        assert_eq!(breakfasts, 4, "{text}");
        assert!(!text.contains("05:00") && !text.contains("07:00"), "{text}");
    }
}

#[test]
fn tehran_has_no_dst_since_2022_but_had_it_before() {
    let tehran = tz("Asia/Tehran");
    let s = schedule(
        &[normal(1, 2, When::daily(time("06:00"), time("11:00")), 0)],
        2,
        Some(1),
    );
    // Summer 2026: still +03:30.
    assert_eq!(
        occurrence(&s, &tehran, "2026-06-01 07:00").0,
        utc("2026-06-01T02:30Z")
    );
    // Summer 2021: +04:30 under the old rules.
    assert_eq!(
        occurrence(&s, &tehran, "2021-06-01 07:00").0,
        utc("2021-06-01T01:30Z")
    );
    // Nowruz 2026 to 2026-03-23: no jump.
    assert_eq!(
        occurrence(&s, &tehran, "2026-03-20 07:00").0,
        utc("2026-03-20T02:30Z")
    );
    assert_eq!(
        occurrence(&s, &tehran, "2026-03-23 07:00").0,
        utc("2026-03-23T02:30Z")
    );
}

#[test]
fn tehran_2022_spring_forward_at_midnight_starts_the_day_at_the_jump() {
    let tehran = tz("Asia/Tehran");
    // On 22 March 2022 the clock went from 00:00 straight to 01:00 (+04:30).
    let s = schedule(&[normal(1, 2, When::always(), 0)], 2, None);
    let (start, end) = occurrence(&s, &tehran, "2022-03-22 12:00");
    assert_eq!(start, utc("2022-03-21T20:30Z"));
    assert_eq!(end.duration_since(start), SignedDuration::from_hours(23));
}

#[test]
fn cron_follows_local_time_across_dst() {
    let berlin = tz("Europe/Berlin");
    let s = schedule(&[normal(1, 2, cron("0 9 * * *", 1800), 0)], 2, Some(1));
    assert_eq!(
        occurrence(&s, &berlin, "2026-03-28 09:10").0,
        utc("2026-03-28T08:00Z")
    );
    assert_eq!(
        occurrence(&s, &berlin, "2026-03-29 09:10").0,
        utc("2026-03-29T07:00Z")
    );
}
