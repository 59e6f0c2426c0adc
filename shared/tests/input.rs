//! Library documents as they arrive (`Accept`): Persian text normalised once, control
//! characters and never-firing cron lines refused with their field, and stored documents
//! (which `validate` and the engine read) judged no more strictly than before.

mod common;
use common::*;
use jiff::Timestamp;
use serde_json::json;
use vitrin_shared::content::ContentItem;
use vitrin_shared::playlist::Playlist;
use vitrin_shared::schedule::{RuleKind, ScheduleRule, When};
use vitrin_shared::{Accept, Validate, ValidationErrors};

fn now() -> Timestamp {
    "2026-03-21T08:00:00Z".parse().unwrap()
}

fn item(json: serde_json::Value) -> ContentItem {
    serde_json::from_value(json).unwrap()
}

fn codes(result: Result<(), ValidationErrors>, field: &str) -> Vec<String> {
    let errors = result.expect_err("refused");
    errors
        .codes_for(field)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_text_of_a_menu_is_written_with_persian_letters() {
    let mut menu = item(
        json!({"id": 0, "name": " منوي شام ", "type": "menu_board", "menu": {
        "title": "شام", "categories": [{"name": "كباب", "items": [
            {"name": "جوجه كباب", "description": "با برنج ايراني\nو سالاد", "price": 1}]}]}}),
    );
    menu.accept(now()).unwrap();
    let json = serde_json::to_value(&menu).unwrap();
    assert_eq!(json["name"], "منوی شام");
    let category = &json["menu"]["categories"][0];
    assert_eq!(category["name"], "کباب");
    assert_eq!(category["items"][0]["name"], "جوجه کباب");
    assert_eq!(
        category["items"][0]["description"],
        "با برنج ایرانی\nو سالاد"
    );

    let mut text = item(json!({"id": 0, "name": "x", "type": "text",
        "title": "خوش آمديد", "body": "  به كافه\n  ويترين"}));
    text.accept(now()).unwrap();
    let json = serde_json::to_value(&text).unwrap();
    assert_eq!(json["title"], "خوش آمدید");
    // A body keeps its layout; only the letters change.
    assert_eq!(json["body"], "  به کافه\n  ویترین");

    let mut ticker = item(
        json!({"id": 0, "name": "x", "type": "ticker", "source": "static",
        "lines": ["تخفيف", "Wi-Fi: vitrin"]}),
    );
    ticker.accept(now()).unwrap();
    assert_eq!(
        serde_json::to_value(&ticker).unwrap()["lines"],
        json!(["تخفیف", "Wi-Fi: vitrin"])
    );

    // The link of a QR promo is not text: it stays byte for byte.
    let mut qr = item(json!({"id": 0, "name": "x", "type": "qr_promo",
        "headline": "اسكن كنيد", "url": "https://example.com/?q=ي"}));
    qr.accept(now()).unwrap();
    let json = serde_json::to_value(&qr).unwrap();
    assert_eq!(json["headline"], "اسکن کنید");
    assert_eq!(json["url"], "https://example.com/?q=ي");
}

#[test]
fn control_characters_are_refused_where_they_are() {
    let mut menu = item(
        json!({"id": 0, "name": "Menu\u{0}", "type": "menu_board", "menu": {
        "title": "t", "categories": [{"name": "c", "items": [
            {"name": "\u{202e}kebab", "description": "line one\nline two", "price": 1}]}]}}),
    );
    let result = menu.accept(now());
    assert_eq!(codes(result.clone(), "name"), ["control_character"]);
    assert_eq!(
        codes(result.clone(), "menu.categories.0.items.0.name"),
        ["control_character"]
    );
    // A line break is fine in a description, which may span lines.
    assert!(codes(result, "menu.categories.0.items.0.description").is_empty());

    let mut playlist: Playlist =
        serde_json::from_value(json!({"id": 0, "name": "a\u{2066}b", "entries": []})).unwrap();
    assert_eq!(codes(playlist.accept(now()), "name"), ["control_character"]);
    // Persian's zero-width non-joiner and the direction marks are text, not controls.
    let mut playlist: Playlist = serde_json::from_value(
        json!({"id": 0, "name": "نوشیدنی\u{200c}ها ۱۰\u{200f}", "entries": []}),
    )
    .unwrap();
    playlist.accept(now()).unwrap();
}

fn cron_rule(expr: &str) -> ScheduleRule {
    rule(1, 1, cron(expr, 600), 0, RuleKind::Normal)
}

#[test]
fn cron_lines_that_never_fire_again_are_refused_as_new_input() {
    for line in [
        "0 0 31 2 *",
        "0 0 30 2 *",
        "0 0 31 4,6,9,11 *",
        // Seconds first, and a year gone by.
        "0 0 12 1 1 * 2020",
        "0 0 0 1 1 * 2025",
    ] {
        assert_eq!(
            codes(cron_rule(line).accept(now()), "when.window.expr"),
            ["never_fires"],
            "{line}"
        );
        // A stored rule with such a line still loads: it just never plays.
        cron_rule(line).validate().unwrap();
        schedule(&[cron_rule(line)], 1, None);
    }
    for line in [
        "0 0 29 2 *",
        "0 0 31 * *",
        "0 0 31 2 1",
        "0 0 12 1 1 * 2027",
        "*/5 * * * *",
        // 06:00 today has passed in UTC at 08:00, not yet in New York or Honolulu.
        "0 0 6 21 3 * 2026",
    ] {
        cron_rule(line)
            .accept(now())
            .unwrap_or_else(|e| panic!("{line}: {e}"));
    }
    // A line that does not parse is reported once, as before.
    assert_eq!(
        codes(cron_rule("61 * * * *").accept(now()), "when.window.expr"),
        ["invalid_cron"]
    );
}

#[test]
fn a_stored_rule_with_a_control_character_in_its_name_still_compiles() {
    let mut stored = normal(1, 1, When::always(), 0);
    stored.name = "old\u{0}name".into();
    stored.validate().unwrap();
    schedule(&[stored.clone()], 1, None);
    assert_eq!(codes(stored.accept(now()), "name"), ["control_character"]);
}
