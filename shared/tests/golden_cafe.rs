//! A café in Tehran, its week as a person would describe it.

mod common;
use common::*;
use jiff::civil::Weekday;
use vitrin_shared::schedule::{RuleKind, When};

const NAMES: [&str; 7] = [
    "",
    "closed",
    "breakfast",
    "lunch",
    "dinner",
    "promo",
    "weekend dinner",
];

fn cafe() -> vitrin_shared::schedule::Schedule {
    let weekend = [Weekday::Thursday, Weekday::Friday];
    let rules = vec![
        normal(
            1,
            2,
            When::daily(time("06:00"), time("11:00")).on(&SAT_TO_WED),
            10,
        ),
        normal(
            2,
            3,
            When::daily(time("11:00"), time("16:00")).on(&SAT_TO_WED),
            10,
        ),
        normal(
            3,
            4,
            When::daily(time("16:00"), time("23:00")).on(&SAT_TO_WED),
            10,
        ),
        // Thursday and Friday: later breakfast, dinner until midnight.
        normal(
            4,
            2,
            When::daily(time("07:30"), time("12:00")).on(&weekend),
            10,
        ),
        normal(
            5,
            3,
            When::daily(time("12:00"), time("17:00")).on(&weekend),
            10,
        ),
        normal(
            6,
            6,
            When::daily(time("17:00"), time("00:00")).on(&weekend),
            10,
        ),
        // Thursday evening promo beats dinner.
        rule(
            7,
            5,
            When::daily(time("19:00"), time("21:00")).on(&[Weekday::Thursday]),
            20,
            RuleKind::Normal,
        ),
    ];
    schedule(&rules, 6, Some(1))
}

#[test]
fn a_week_in_the_cafe_reads_as_expected() {
    let tehran = tz("Asia/Tehran");
    let from = at(&tehran, "2026-11-21 00:00"); // a Saturday
    let to = at(&tehran, "2026-11-28 00:00");
    let spans = cafe().timeline(from, to, &tehran);
    let expected = "\
Sat 00:00-06:00 closed
Sat 06:00-11:00 breakfast
Sat 11:00-16:00 lunch
Sat 16:00-23:00 dinner
Sat 23:00-06:00 closed
Sun 06:00-11:00 breakfast
Sun 11:00-16:00 lunch
Sun 16:00-23:00 dinner
Sun 23:00-06:00 closed
Mon 06:00-11:00 breakfast
Mon 11:00-16:00 lunch
Mon 16:00-23:00 dinner
Mon 23:00-06:00 closed
Tue 06:00-11:00 breakfast
Tue 11:00-16:00 lunch
Tue 16:00-23:00 dinner
Tue 23:00-06:00 closed
Wed 06:00-11:00 breakfast
Wed 11:00-16:00 lunch
Wed 16:00-23:00 dinner
Wed 23:00-07:30 closed
Thu 07:30-12:00 breakfast
Thu 12:00-17:00 lunch
Thu 17:00-19:00 weekend dinner
Thu 19:00-21:00 promo
Thu 21:00-00:00 weekend dinner
Fri 00:00-07:30 closed
Fri 07:30-12:00 breakfast
Fri 12:00-17:00 lunch
Fri 17:00-00:00 weekend dinner";
    assert_eq!(describe(&spans, &tehran, &NAMES), expected);
    assert_eq!(spans.first().unwrap().start, from);
    assert_eq!(spans.last().unwrap().end, to);
}

#[test]
fn resolve_answers_what_the_week_shows() {
    let tehran = tz("Asia/Tehran");
    let cafe = cafe();
    let name_at = |civil: &str| {
        let r = cafe.resolve(at(&tehran, civil), &tehran);
        let main = r.main.unwrap();
        let vitrin_shared::schedule::Target::Layout(id) = main.selected.target else {
            panic!()
        };
        (
            NAMES[id.0 as usize],
            r.next_change
                .map(|t| tehran.to_datetime(t).strftime("%a %H:%M").to_string()),
        )
    };
    assert_eq!(
        name_at("2026-11-22 08:00"),
        ("breakfast", Some("Sun 11:00".into()))
    );
    assert_eq!(
        name_at("2026-11-22 13:00"),
        ("lunch", Some("Sun 16:00".into()))
    );
    assert_eq!(
        name_at("2026-11-22 23:30"),
        ("closed", Some("Mon 06:00".into()))
    );
    assert_eq!(
        name_at("2026-11-26 20:00"),
        ("promo", Some("Thu 21:00".into()))
    );
    assert_eq!(
        name_at("2026-11-26 23:59"),
        ("weekend dinner", Some("Fri 00:00".into()))
    );
    assert_eq!(
        name_at("2026-11-27 07:00"),
        ("closed", Some("Fri 07:30".into()))
    );
}
