//! The wire contract: JSON field names that server and player rely on, validation that
//! reports every bad field precisely, and playlist timing that keeps screens in step.

mod common;
use common::*;
use jiff::SignedDuration;
use serde_json::json;
use vitrin_shared::content::{
    ContentItem, ContentKind, Lang, Menu, MenuCategory, MenuItem, MoneyUnit, PromoAction,
    ReviewStyle,
};
use vitrin_shared::events::{Command, PushEvent};
use vitrin_shared::ids::{CommandId, ContentId, LayoutId, PlaylistId, RuleId, ScreenId, StoreId};
use vitrin_shared::manifest::{Manifest, Orientation, ScreenSettings};
use vitrin_shared::schedule::{RuleKind, ScheduleRule, Target, When, Window};
use vitrin_shared::{API_VERSION, Validate};

fn screen(timezone: &str) -> ScreenSettings {
    ScreenSettings {
        id: ScreenId(7),
        name: "Counter".into(),
        store: StoreId(3),
        timezone: timezone.into(),
        orientation: Orientation::Portrait,
        default_layout: Some(LayoutId(1)),
        heartbeat_secs: 30,
        hours: None,
        dayparts: Vec::new(),
        power: Default::default(),
        brand: Default::default(),
        wall: None,
    }
}

fn menu_item() -> ContentItem {
    ContentItem {
        id: ContentId(100),
        name: "Breakfast".into(),
        kind: ContentKind::MenuBoard {
            menu: Menu {
                title: "صبحانه".into(),
                unit: MoneyUnit::Toman,
                columns: 0,
                theme: Default::default(),
                categories: vec![MenuCategory {
                    name: "نوشیدنی".into(),
                    items: vec![MenuItem {
                        name: "چای".into(),
                        description: String::new(),
                        price: 45_000,
                        sold_out: false,
                        image: None,
                        ..MenuItem::default()
                    }],
                }],
            },
        },
    }
}

#[test]
fn a_manifest_has_stable_json_field_names_and_round_trips() {
    let tehran = tz("Asia/Tehran");
    let manifest = Manifest {
        api_version: API_VERSION,
        version: 42,
        server_time: at(&tehran, "2026-11-22 08:00"),
        screen: screen("Asia/Tehran"),
        layouts: vec![layout(1, "breakfast")],
        playlists: vec![playlist(1, &[(100, 10_000)])],
        content: vec![menu_item()],
        rules: vec![normal(
            5,
            1,
            When::daily(time("06:00"), time("11:00")).on(&SAT_TO_WED),
            10,
        )],
        feeds: vec![],
    };
    let value = serde_json::to_value(&manifest).unwrap();
    assert_eq!(value["api_version"], json!(1));
    assert_eq!(value["server_time"], json!("2026-11-22T04:30:00Z"));
    assert_eq!(value["screen"]["timezone"], json!("Asia/Tehran"));
    assert_eq!(value["screen"]["orientation"], json!("portrait"));
    assert_eq!(value["layouts"][0]["template"], json!("fullscreen"));
    assert_eq!(
        value["layouts"][0]["zones"][0],
        json!({"zone": "main", "playlist": 1})
    );
    assert_eq!(
        value["playlists"][0]["entries"][0],
        json!({"content": 100, "duration_ms": 10000, "transition": {"type": "cut"}})
    );
    assert_eq!(value["content"][0]["type"], json!("menu_board"));
    assert_eq!(
        value["content"][0]["menu"]["categories"][0]["items"][0]["price"],
        json!(45000)
    );
    let rule = &value["rules"][0];
    assert_eq!(rule["target"], json!({"type": "layout", "id": 1}));
    assert_eq!(rule["kind"], json!({"type": "normal"}));
    assert_eq!(
        rule["when"]["window"],
        json!({"type": "daily", "start": "06:00:00", "end": "11:00:00"})
    );
    assert_eq!(
        rule["when"]["weekdays"],
        json!(["monday", "tuesday", "wednesday", "saturday", "sunday"])
    );
    let back: Manifest = serde_json::from_value(value).unwrap();
    assert_eq!(back, manifest);
    // The manifest compiles straight into the engine.
    let r = back
        .schedule()
        .unwrap()
        .resolve(at(&tehran, "2026-11-22 08:00"), &tehran);
    assert_eq!(r.main.unwrap().selected.rule, Some(RuleId(5)));
}

#[test]
fn rules_written_by_hand_parse_with_short_times_and_weekday_abbreviations() {
    let rule: ScheduleRule = serde_json::from_value(json!({
        "id": 1, "name": "lunch", "target": {"type": "playlist", "id": 4},
        "when": {"window": {"type": "daily", "start": "11:30", "end": "15:00"}, "weekdays": ["sat", "Sunday"]},
        "priority": 5
    }))
    .unwrap();
    assert_eq!(rule.target, Target::Playlist(PlaylistId(4)));
    assert_eq!(rule.kind, RuleKind::Normal);
    assert!(rule.validate().is_ok());
    let bad = serde_json::from_value::<ScheduleRule>(json!({
        "id": 1, "name": "x", "target": {"type": "layout", "id": 1},
        "when": {"window": {"type": "all_day"}, "weekdays": ["someday"]}
    }));
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("unknown weekday 'someday'")
    );
}

#[test]
fn push_events_are_tagged_by_their_sse_name() {
    let event = PushEvent::Command {
        id: CommandId(9),
        command: Command::Screenshot,
    };
    assert_eq!(event.name(), "command");
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        json!({"event": "command", "id": 9, "command": "screenshot"})
    );
    let manifest = PushEvent::Manifest { version: 3 };
    assert_eq!(
        serde_json::to_value(&manifest).unwrap(),
        json!({"event": "manifest", "version": 3})
    );
}

#[test]
fn invalid_rules_report_every_bad_field() {
    let when = When {
        dates: Some(vitrin_shared::schedule::DateRange {
            from: jiff::civil::date(2026, 12, 10),
            until: jiff::civil::date(2026, 12, 1),
        }),
        weekdays: Some(vitrin_shared::schedule::Weekdays::EMPTY),
        window: Window::Cron {
            expr: "61 * * * *".into(),
            duration_secs: -5,
        },
        active_from: None,
        active_until: None,
    };
    let mut rule = normal(1, 1, when, 0);
    rule.name = " ".into();
    rule.kind = RuleKind::Interrupt {
        seconds_per_hour: 0,
        spots_per_hour: 100,
    };
    let errors = rule.validate().unwrap_err();
    assert_eq!(errors.codes_for("name"), ["required"]);
    assert_eq!(errors.codes_for("when.dates.until"), ["before_start"]);
    assert_eq!(errors.codes_for("when.weekdays"), ["empty"]);
    assert_eq!(errors.codes_for("when.window.expr"), ["invalid_cron"]);
    assert_eq!(errors.codes_for("when.window.duration_secs"), ["negative"]);
    assert_eq!(errors.codes_for("kind.seconds_per_hour"), ["out_of_range"]);
    assert_eq!(errors.codes_for("kind.spots_per_hour"), ["out_of_range"]);
    assert_eq!(errors.errors.len(), 7, "{errors}");

    let wrong_fields = normal(2, 1, cron("* * *", 60), 0).validate().unwrap_err();
    assert!(
        wrong_fields.errors[0].message.contains("this one has 3"),
        "{wrong_fields}"
    );
    let same = normal(3, 1, When::daily(time("09:00"), time("09:00")), 0)
        .validate()
        .unwrap_err();
    assert_eq!(same.codes_for("when.window.end"), ["equals_start"]);
}

#[test]
fn cron_lines_in_5_6_and_7_fields_and_names_are_accepted() {
    for line in [
        "30 12 * * 1-5",
        "0 30 12 * * MON-FRI",
        "0 30 12 * * * 2027",
        "@daily",
        "0 9 * * 0,7",
    ] {
        assert!(normal(1, 1, cron(line, 60), 0).validate().is_ok(), "{line}");
    }
    let describe = vitrin_shared::schedule::CronExpr::parse("30 12 * * 1-5")
        .unwrap()
        .describe();
    assert!(
        describe.contains("12") && describe.to_lowercase().contains("monday"),
        "{describe}"
    );
}

#[test]
fn unknown_timezones_and_bad_settings_are_field_errors() {
    let errors = screen("Asia/Teheran").validate().unwrap_err();
    assert_eq!(errors.codes_for("timezone"), ["unknown_timezone"]);
    let mut settings = screen("Europe/Berlin");
    settings.heartbeat_secs = 0;
    assert_eq!(
        settings.validate().unwrap_err().codes_for("heartbeat_secs"),
        ["out_of_range"]
    );
}

#[test]
fn negative_and_zero_durations_and_reversed_promos_are_rejected() {
    let mut pl = playlist(1, &[(1, -1000), (2, 0), (3, 5000)]);
    let now = at(&tz("UTC"), "2026-11-22 00:00");
    pl.entries[2].valid_from = Some(now);
    pl.entries[2].valid_until = Some(now - SignedDuration::from_hours(1));
    let errors = pl.validate().unwrap_err();
    assert_eq!(errors.codes_for("entries.0.duration_ms"), ["negative"]);
    assert_eq!(errors.codes_for("entries.1.duration_ms"), ["zero"]);
    assert_eq!(errors.codes_for("entries.2.valid_until"), ["before_start"]);
}

#[test]
fn content_validation_checks_each_kind() {
    let mut item = menu_item();
    if let ContentKind::MenuBoard { menu } = &mut item.kind {
        menu.categories[0].items[0].price = -1;
    }
    assert_eq!(
        item.validate()
            .unwrap_err()
            .codes_for("menu.categories.0.items.0.price"),
        ["negative"]
    );
    let qr = ContentItem {
        id: ContentId(1),
        name: "promo".into(),
        kind: ContentKind::QrPromo {
            headline: "۲۰٪ تخفیف".into(),
            url: "javascript:alert(1)".into(),
            image: None,
            leads_to: PromoAction::Link,
        },
    };
    assert_eq!(qr.validate().unwrap_err().codes_for("url"), ["invalid"]);
}

#[test]
fn a_promo_that_leads_to_a_page_of_the_server_needs_no_url_and_an_offer_is_checked() {
    let promo = |leads_to: PromoAction| ContentItem {
        id: ContentId(1),
        name: "promo".into(),
        kind: ContentKind::QrPromo {
            headline: "نظر شما".into(),
            url: String::new(),
            image: None,
            leads_to,
        },
    };
    assert!(promo(PromoAction::Feedback).validate().is_ok());
    assert!(promo(PromoAction::Loyalty).validate().is_ok());
    // Old promos (no `leads_to`) read as links, and links keep needing a URL.
    let old: ContentItem = serde_json::from_value(serde_json::json!({
        "id": 1, "name": "p", "type": "qr_promo", "headline": "h", "url": "https://x.ir"
    }))
    .unwrap();
    assert!(matches!(
        old.kind,
        ContentKind::QrPromo {
            leads_to: PromoAction::Link,
            ..
        }
    ));
    assert_eq!(
        promo(PromoAction::Link)
            .validate()
            .unwrap_err()
            .codes_for("url"),
        ["invalid"]
    );
    let offer: PromoAction = serde_json::from_value(serde_json::json!({
        "type": "offer", "title": " ", "limit": 0, "valid_days": 400,
        "starts": "2026-12-10T00:00:00Z", "ends": "2026-12-01T00:00:00Z"
    }))
    .unwrap();
    let errors = promo(offer).validate().unwrap_err();
    assert_eq!(errors.codes_for("leads_to.title"), ["required"]);
    assert_eq!(errors.codes_for("leads_to.limit"), ["out_of_range"]);
    assert_eq!(errors.codes_for("leads_to.valid_days"), ["out_of_range"]);
    assert_eq!(errors.codes_for("leads_to.ends"), ["before_start"]);
    let good: PromoAction = serde_json::from_value(serde_json::json!({
        "type": "offer", "title": "یک کلوچه رایگان", "limit": 100
    }))
    .unwrap();
    assert!(matches!(&good, PromoAction::Offer(o) if o.valid_days == 7));
    assert!(promo(good).validate().is_ok());
}

#[test]
fn a_reviews_item_keeps_its_choices_in_range() {
    let reviews = |min_rating, max_items| ContentItem {
        id: ContentId(1),
        name: "reviews".into(),
        kind: ContentKind::Reviews {
            style: ReviewStyle::Ticker,
            min_rating,
            max_items,
            own_store: true,
            lang: Lang::Fa,
            reviews: Vec::new(),
        },
    };
    assert!(reviews(4, 10).validate().is_ok());
    assert_eq!(
        reviews(0, 10)
            .validate()
            .unwrap_err()
            .codes_for("min_rating"),
        ["out_of_range"]
    );
    assert_eq!(
        reviews(4, 0).validate().unwrap_err().codes_for("max_items"),
        ["out_of_range"]
    );
    let defaults: ContentItem = serde_json::from_value(serde_json::json!({
        "id": 1, "name": "r", "type": "reviews"
    }))
    .unwrap();
    assert!(matches!(
        defaults.kind,
        ContentKind::Reviews {
            style: ReviewStyle::Slide,
            min_rating: 4,
            max_items: 10,
            ..
        }
    ));
}

#[test]
fn a_schedule_with_an_invalid_rule_names_it_by_position() {
    let rules: Vec<ScheduleRule> = vec![
        normal(1, 1, When::always(), 0),
        normal(1, 1, When::daily(time("10:00"), time("10:00")), 0),
    ];
    let errors = vitrin_shared::schedule::Schedule::new(&rules, &[], &[], None)
        .err()
        .unwrap();
    assert_eq!(errors.codes_for("rules.1.id"), ["duplicate"]);
    assert_eq!(
        errors.codes_for("rules.1.when.window.end"),
        ["equals_start"]
    );
}

#[test]
fn two_screens_starting_a_playlist_together_show_the_same_slide() {
    let pl = playlist(1, &[(1, 8_000), (2, 5_000), (3, 12_000)]);
    let start = at(&tz("UTC"), "2026-11-22 09:00");
    for second in (0..200).step_by(3) {
        let t = start + SignedDuration::from_secs(second);
        let a = pl.entry_at(start, t).unwrap();
        let b = pl.entry_at(start, t).unwrap();
        assert_eq!(a, b);
        // The loop is 25 s: entry boundaries at 0, 8 and 13 seconds into each loop.
        let into = second % 25;
        let expected = if into < 8 {
            1
        } else if into < 13 {
            2
        } else {
            3
        };
        assert_eq!(a.content, ContentId(expected), "{second} s in");
        assert!(a.since <= t && t < a.until);
    }
    let at_13 = pl
        .entry_at(start, start + SignedDuration::from_secs(13))
        .unwrap();
    assert_eq!(
        (at_13.index, at_13.since, at_13.until),
        (
            2,
            start + SignedDuration::from_secs(13),
            start + SignedDuration::from_secs(25)
        )
    );
    assert_eq!(playlist(2, &[]).entry_at(start, start), None);
}
