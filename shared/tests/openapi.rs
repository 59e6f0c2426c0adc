//! The OpenAPI schemas of the wire types (feature `openapi`) against what serde really writes:
//! the shapes the server documents must be the shapes the server and player exchange.
#![cfg(feature = "openapi")]

use jiff::Timestamp;
use jiff::civil::{Time, Weekday, date};
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use utoipa::OpenApi;
use vitrin_shared::content::{
    Badge, CalendarKind, ContentItem, ContentKind, DigitStyle, Fit, Lang, MediaRef, Menu,
    MenuCategory, MenuItem, MenuTheme, MenuVariant, MoneyUnit, Offer, PromoAction, Review,
    ReviewStyle, TickerSource,
};
use vitrin_shared::events::{
    Command, CommandAck, Heartbeat, NowShowing, PanelReport, PowerControl, ProofOfPlay,
    ProofOfPlayBatch, PushEvent,
};
use vitrin_shared::feed::{
    Condition, FeedData, FeedSnapshot, NewsItem, Rate, TemperatureUnit, Weather, WeatherDay,
    WeatherNow, WindSpeedUnit,
};
use vitrin_shared::ids::{
    CommandId, ContentId, FeedId, GroupId, LayoutId, PlaylistId, RuleId, ScreenId, StoreId,
};
use vitrin_shared::layout::{Layout, Template, ZoneBinding};
use vitrin_shared::manifest::{Manifest, Orientation, ScreenSettings};
use vitrin_shared::playlist::{Playlist, PlaylistEntry, Transition};
use vitrin_shared::schedule::{
    Resolution, RuleKind, ScheduleRule, Scope, Target, TimelineSpan, Weekdays, When, Window,
};
use vitrin_shared::{API_VERSION, Validate, ValidationErrors};

#[derive(OpenApi)]
#[openapi(components(schemas(
    ContentItem,
    Layout,
    Playlist,
    ScheduleRule,
    Manifest,
    PushEvent,
    ProofOfPlayBatch,
    Heartbeat,
    ValidationErrors,
    CommandAck,
    Resolution,
    TimelineSpan,
)))]
struct WireApi;

fn spec() -> Value {
    serde_json::to_value(WireApi::openapi()).unwrap()
}

fn schema<'a>(spec: &'a Value, name: &str) -> &'a Value {
    spec.pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("no schema named {name}"))
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The variants of an internally tagged enum: tag value → the variant's schema.
fn tagged_variants<'a>(schema: &'a Value, tag: &str) -> Vec<(String, &'a Value)> {
    let tag_of = |object: &Value| -> Option<String> {
        let values = object.pointer(&format!("/properties/{tag}/enum"))?;
        assert!(
            object["required"].as_array().unwrap().contains(&json!(tag)),
            "the tag `{tag}` must be required: {object}"
        );
        Some(values[0].as_str().unwrap().to_owned())
    };
    schema["oneOf"]
        .as_array()
        .expect("a tagged enum is a oneOf")
        .iter()
        .map(|variant| {
            let name = tag_of(variant)
                .or_else(|| variant["allOf"].as_array()?.iter().find_map(tag_of))
                .unwrap_or_else(|| panic!("variant without a `{tag}` tag: {variant}"));
            (name, variant)
        })
        .collect()
}

fn names(variants: &[(String, &Value)]) -> Vec<String> {
    variants.iter().map(|(n, _)| n.clone()).collect()
}

#[test]
fn top_level_types_and_everything_they_use_are_components() {
    let spec = spec();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    for name in [
        // Listed.
        "ContentItem",
        "Layout",
        "Playlist",
        "ScheduleRule",
        "Manifest",
        "PushEvent",
        "ProofOfPlayBatch",
        "Heartbeat",
        "ValidationErrors",
        // Pulled in through fields.
        "ContentKind",
        "MediaRef",
        "Menu",
        "TickerSource",
        "Template",
        "Region",
        "Aspect",
        "ZoneBinding",
        "PlaylistEntry",
        "Transition",
        "Target",
        "Scope",
        "When",
        "Window",
        "Weekdays",
        "DateRange",
        "RuleKind",
        "ScreenSettings",
        "Orientation",
        "FeedSnapshot",
        "FeedData",
        "Weather",
        "ProofOfPlay",
        "NowShowing",
        "Command",
        "FieldError",
        "Selected",
        "LayerPlay",
        "ZonePlay",
        "EntryAt",
        "Rect",
    ] {
        assert!(schemas.contains_key(name), "{name} is missing");
    }
}

#[test]
fn ids_are_plain_int64_integers() {
    let spec = spec();
    for name in [
        "ContentId",
        "PlaylistId",
        "LayoutId",
        "RuleId",
        "ScreenId",
        "StoreId",
        "GroupId",
        "FeedId",
        "CommandId",
    ] {
        let id = schema(&spec, name);
        assert_eq!(id["type"], "integer", "{name}: {id}");
        assert_eq!(id["format"], "int64", "{name}: {id}");
        assert!(id.get("properties").is_none() && id.get("items").is_none());
    }
    let entry = schema(&spec, "PlaylistEntry");
    assert_eq!(entry["properties"]["content"], reference("ContentId"));
    let scope = schema(&spec, "Scope");
    assert_eq!(scope["properties"]["stores"]["type"], "array");
    assert_eq!(scope["properties"]["stores"]["items"], reference("StoreId"));
}

#[test]
fn content_kind_is_a_one_of_tagged_by_type() {
    let spec = spec();
    let kinds = tagged_variants(schema(&spec, "ContentKind"), "type");
    assert_eq!(
        names(&kinds),
        [
            "image",
            "video",
            "menu_board",
            "text",
            "ticker",
            "weather",
            "currency_board",
            "clock",
            "qr_promo",
            "reviews",
        ]
    );
    // Reviews document their defaults; what a scan opens is itself tagged by `type`.
    let (_, reviews) = &kinds[9];
    assert_eq!(reviews["properties"]["min_rating"]["default"], 4);
    assert_eq!(reviews["properties"]["max_items"]["default"], 10);
    let actions = tagged_variants(schema(&spec, "PromoAction"), "type");
    assert_eq!(names(&actions), ["link", "feedback", "offer", "loyalty"]);
    let (_, menu_board) = &kinds[2];
    assert_eq!(menu_board["properties"]["menu"], reference("Menu"));
    assert_eq!(menu_board["required"], json!(["menu", "type"]));

    // The ticker's source is flattened into it, itself tagged by `source`.
    let (_, ticker) = &kinds[4];
    assert!(
        ticker["allOf"]
            .as_array()
            .unwrap()
            .contains(&reference("TickerSource"))
    );
    let sources = tagged_variants(schema(&spec, "TickerSource"), "source");
    assert_eq!(names(&sources), ["feed", "static"]);

    // Defaults that are not the type's own are documented.
    let (_, video) = &kinds[1];
    assert_eq!(video["properties"]["muted"]["default"], true);
    assert_eq!(video["required"], json!(["media", "type"]));

    // A content item is its kind with the common fields beside it.
    let item = schema(&spec, "ContentItem");
    let parts = item["allOf"].as_array().unwrap();
    assert!(parts.contains(&reference("ContentKind")));
    let common = parts
        .iter()
        .find(|p| p.get("properties").is_some())
        .unwrap();
    assert_eq!(common["required"], json!(["id", "name"]));
    assert_eq!(common["properties"]["id"], reference("ContentId"));
}

#[test]
fn other_tagged_enums_keep_their_serde_representation() {
    let spec = spec();
    let transition = tagged_variants(schema(&spec, "Transition"), "type");
    assert_eq!(names(&transition), ["cut", "fade", "slide", "push"]);
    let window = tagged_variants(schema(&spec, "Window"), "type");
    assert_eq!(
        names(&window),
        ["all_day", "daily", "cron", "daypart", "while_open"]
    );
    let kind = tagged_variants(schema(&spec, "RuleKind"), "type");
    assert_eq!(
        names(&kind),
        ["normal", "interrupt", "overlay", "emergency"]
    );
    let event = tagged_variants(schema(&spec, "PushEvent"), "event");
    assert_eq!(names(&event), ["manifest", "command", "emergency"]);
    let feed = tagged_variants(schema(&spec, "FeedData"), "type");
    assert_eq!(names(&feed), ["news", "weather", "currency"]);

    // Adjacently tagged: `{"type": "layout", "id": 3}`.
    let target = tagged_variants(schema(&spec, "Target"), "type");
    assert_eq!(names(&target), ["layout", "playlist"]);
    assert_eq!(target[0].1["properties"]["id"], reference("LayoutId"));
    assert_eq!(target[1].1["properties"]["id"], reference("PlaylistId"));

    // Plain enums are string enums in snake_case.
    assert_eq!(
        schema(&spec, "Template")["enum"],
        json!([
            "fullscreen",
            "main_ticker",
            "main_side_ticker",
            "portrait_fullscreen",
            "portrait_main_ticker",
            "portrait_main_side_ticker",
            "ticker_bar",
            "free"
        ])
    );
    assert_eq!(
        schema(&spec, "Orientation")["enum"],
        json!([
            "landscape",
            "portrait",
            "landscape_flipped",
            "portrait_flipped"
        ])
    );
}

#[test]
fn times_and_dates_are_formatted_strings() {
    let spec = spec();
    let date_time = |schema: &Value, field: &str| {
        let property = &schema["properties"][field];
        assert_eq!(property["format"], "date-time", "{field}: {property}");
        property["type"].clone()
    };
    assert_eq!(
        date_time(schema(&spec, "Manifest"), "server_time"),
        "string"
    );
    assert_eq!(date_time(schema(&spec, "Heartbeat"), "sent_at"), "string");
    assert_eq!(
        date_time(schema(&spec, "ProofOfPlay"), "started_at"),
        "string"
    );
    assert_eq!(date_time(schema(&spec, "EntryAt"), "until"), "string");
    // Optional instants may be absent or null.
    let entry = schema(&spec, "PlaylistEntry");
    assert_eq!(date_time(entry, "valid_from"), json!(["string", "null"]));
    assert!(
        !entry["required"]
            .as_array()
            .unwrap()
            .contains(&json!("valid_from"))
    );
    assert_eq!(
        date_time(schema(&spec, "When"), "active_until"),
        json!(["string", "null"])
    );

    let range = &schema(&spec, "DateRange")["properties"];
    assert_eq!(range["from"]["type"], "string");
    assert_eq!(range["from"]["format"], "date");

    // Civil times have no standard format; the example is exactly what serde writes.
    let (_, daily) = tagged_variants(schema(&spec, "Window"), "type").remove(1);
    let start = &daily["properties"]["start"];
    assert_eq!(start["type"], "string");
    let example = start["example"].as_str().unwrap();
    let parsed: Time = example.parse().unwrap();
    assert_eq!(serde_json::to_value(parsed).unwrap(), json!(example));
}

#[test]
fn weekdays_are_an_array_of_lower_case_names() {
    let spec = spec();
    let weekdays = schema(&spec, "Weekdays");
    assert_eq!(weekdays["type"], "array");
    assert_eq!(weekdays["items"]["type"], "string");
    let names = weekdays["items"]["enum"].as_array().unwrap();
    assert_eq!(
        names,
        &[
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday"
        ]
    );
    let written = serde_json::to_value(Weekdays::ALL).unwrap();
    assert_eq!(written, weekdays["items"]["enum"]);
    // Every example in the schema is accepted.
    for example in weekdays["examples"].as_array().unwrap() {
        serde_json::from_value::<Weekdays>(example.clone()).unwrap();
    }
}

#[test]
fn a_media_ref_needs_only_its_hash_and_still_writes_every_field() {
    let spec = spec();
    assert_eq!(schema(&spec, "MediaRef")["required"], json!(["sha256"]));

    let sha = "ab".repeat(32);
    let media: MediaRef = serde_json::from_value(json!({ "sha256": sha })).unwrap();
    assert_eq!((media.size, media.mime.as_str()), (0, ""));
    let content: ContentItem = serde_json::from_value(json!({
        "id": 1, "name": "Poster", "type": "image", "media": { "sha256": sha }
    }))
    .unwrap();
    content.validate().unwrap();
    // What the server sends is unchanged: size and mime are always there.
    assert_eq!(
        serde_json::to_value(&media).unwrap(),
        json!({ "sha256": sha, "size": 0, "mime": "" })
    );
}

#[test]
fn validation_errors_are_a_list_of_field_errors() {
    let spec = spec();
    let errors = schema(&spec, "ValidationErrors");
    assert_eq!(errors["required"], json!(["errors"]));
    assert_eq!(
        errors["properties"]["errors"]["items"],
        reference("FieldError")
    );
    assert_eq!(
        schema(&spec, "FieldError")["required"],
        json!(["field", "code", "message"])
    );
}

// --- Real values against their schemas ---------------------------------------------------------

/// Checks `value` against `schema` (the subset of JSON Schema utoipa writes), and that every
/// member of every object is declared by the schema that matched it: nothing serde writes may
/// be missing from the documentation.
fn validate(spec: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let declared = check(spec, schema, value, path)?;
    if let Some(object) = value.as_object() {
        for key in object.keys() {
            if !declared.contains(key) {
                return Err(format!("{path}: `{key}` is not in the schema"));
            }
        }
    }
    Ok(())
}

/// Checks one value and returns the member names the matching schemas declare.
fn check(
    spec: &Value,
    schema: &Value,
    value: &Value,
    path: &str,
) -> Result<BTreeSet<String>, String> {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.strip_prefix("#/components/schemas/").unwrap();
        let resolved = spec
            .pointer(&format!("/components/schemas/{name}"))
            .ok_or_else(|| format!("{path}: dangling reference {target}"))?;
        return check(spec, resolved, value, path);
    }
    let mut declared = BTreeSet::new();
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            declared.extend(check(spec, part, value, path)?);
        }
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let matches: Vec<_> = options
            .iter()
            .filter_map(|option| check(spec, option, value, path).ok())
            .collect();
        match matches.as_slice() {
            [names] => declared.extend(names.iter().cloned()),
            _ => {
                return Err(format!(
                    "{path}: {} of {} oneOf options match {value}",
                    matches.len(),
                    options.len()
                ));
            }
        }
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            other => other
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect(),
        };
        let actual = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let integer_as_number = actual == "integer" && types.contains(&"number");
        if !(types.contains(&actual) || integer_as_number) {
            return Err(format!("{path}: {value} is not {types:?}"));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        return Err(format!("{path}: {value} is not one of {allowed:?}"));
    }
    if let (Some(minimum), Some(n)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) && n < minimum
    {
        return Err(format!("{path}: {n} is below {minimum}"));
    }
    if let Some(text) = value.as_str() {
        let ok = match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => text.parse::<Timestamp>().is_ok(),
            Some("date") => text.parse::<jiff::civil::Date>().is_ok(),
            _ => true,
        };
        if !ok {
            return Err(format!("{path}: {text:?} does not match its format"));
        }
    }
    if let Some(items) = schema.get("items")
        && let Some(array) = value.as_array()
    {
        for (i, item) in array.iter().enumerate() {
            validate(spec, items, item, &format!("{path}.{i}"))?;
        }
    }
    if let Some(object) = value.as_object() {
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required {
                let name = name.as_str().unwrap();
                if !object.contains_key(name) {
                    return Err(format!("{path}: required `{name}` is missing"));
                }
            }
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                declared.insert(name.clone());
                if let Some(member) = object.get(name) {
                    validate(spec, property, member, &format!("{path}.{name}"))?;
                }
            }
        }
    }
    Ok(declared)
}

fn assert_matches<T: Serialize>(name: &str, value: &T) {
    let spec = spec();
    let value = serde_json::to_value(value).unwrap();
    if let Err(e) = validate(&spec, &reference(name), &value, name) {
        panic!("{e}\n{name}: {value:#}");
    }
}

fn media(n: u8) -> MediaRef {
    MediaRef {
        sha256: format!("{n:02x}").repeat(32),
        size: 123_456,
        mime: "image/webp".into(),
        width: Some(1920),
        height: Some(1080),
        duration_ms: None,
    }
}

fn item(id: i64, kind: ContentKind) -> ContentItem {
    ContentItem {
        id: ContentId(id),
        name: format!("item {id}"),
        kind,
    }
}

/// One of every kind of content, with optional fields both set and left out.
fn every_kind_of_content() -> Vec<ContentItem> {
    let menu = Menu {
        title: "صبحانه".into(),
        unit: MoneyUnit::Rial,
        columns: 2,
        theme: MenuTheme::Hero,
        categories: vec![MenuCategory {
            name: "نوشیدنی".into(),
            items: vec![
                MenuItem {
                    name: "چای".into(),
                    description: "با هل".into(),
                    price: 45_000,
                    sold_out: true,
                    image: Some(media(3)),
                    code: "TEA-1".into(),
                    variants: vec![
                        MenuVariant {
                            name: "کوچک".into(),
                            price: 40_000,
                        },
                        MenuVariant {
                            name: "بزرگ".into(),
                            price: 60_000,
                        },
                    ],
                    badges: vec![Badge::New, Badge::Vegan],
                    calories: Some(5),
                    featured: true,
                },
                MenuItem {
                    name: "قهوه".into(),
                    price: 90_000,
                    ..MenuItem::default()
                },
            ],
        }],
    };
    vec![
        item(
            1,
            ContentKind::Image {
                media: media(1),
                fit: Fit::Cover,
            },
        ),
        item(
            2,
            ContentKind::Video {
                media: MediaRef {
                    mime: "video/mp4".into(),
                    duration_ms: Some(15_000),
                    ..media(2)
                },
                muted: false,
            },
        ),
        item(3, ContentKind::MenuBoard { menu }),
        item(
            4,
            ContentKind::Text {
                title: "Nowruz".into(),
                body: "Closed on the 1st".into(),
                lang: Lang::En,
            },
        ),
        item(
            5,
            ContentKind::Ticker {
                source: TickerSource::Feed {
                    feed: FeedId(1),
                    max_items: 5,
                },
                speed: 120,
                lang: Lang::Fa,
            },
        ),
        item(
            6,
            ContentKind::Ticker {
                source: TickerSource::Static {
                    lines: vec!["Free Wi-Fi".into()],
                },
                speed: 80,
                lang: Lang::En,
            },
        ),
        item(
            7,
            ContentKind::Weather {
                feed: FeedId(2),
                lang: Lang::Fa,
            },
        ),
        item(
            8,
            ContentKind::CurrencyBoard {
                feed: FeedId(3),
                symbols: vec!["USD".into(), "EUR".into()],
                unit: MoneyUnit::Toman,
            },
        ),
        item(
            9,
            ContentKind::Clock {
                calendar: CalendarKind::Both,
                digits: DigitStyle::Latin,
                show_seconds: true,
            },
        ),
        item(
            10,
            ContentKind::QrPromo {
                headline: "Order ahead".into(),
                url: "https://example.com/order".into(),
                image: None,
                leads_to: PromoAction::Link,
            },
        ),
        item(
            11,
            ContentKind::QrPromo {
                headline: "A free cookie".into(),
                url: String::new(),
                image: None,
                leads_to: PromoAction::Offer(Offer {
                    title: "A free cookie".into(),
                    limit: 100,
                    valid_days: 7,
                    starts: Some(ts("2026-12-01T00:00:00Z")),
                    ends: None,
                }),
            },
        ),
        item(
            12,
            ContentKind::Reviews {
                style: ReviewStyle::Ticker,
                min_rating: 4,
                max_items: 10,
                own_store: false,
                lang: Lang::En,
                reviews: vec![Review {
                    rating: 5,
                    text: "Best latte in town".into(),
                    by: "Sara".into(),
                    store: "Downtown".into(),
                }],
            },
        ),
    ]
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn rule(id: i64, target: Target, when: When, kind: RuleKind) -> ScheduleRule {
    ScheduleRule {
        id: RuleId(id),
        name: format!("rule {id}"),
        target,
        scope: Scope::default(),
        when,
        priority: 10,
        kind,
    }
}

fn manifest() -> Manifest {
    let content = every_kind_of_content();
    let playlist = |id: i64, contents: &[i64]| Playlist {
        id: PlaylistId(id),
        name: format!("playlist {id}"),
        entries: contents
            .iter()
            .enumerate()
            .map(|(i, &c)| PlaylistEntry {
                content: ContentId(c),
                duration_ms: 10_000,
                transition: [
                    Transition::Cut,
                    Transition::Fade { ms: 500 },
                    Transition::Slide { ms: 300 },
                ][i % 3],
                valid_from: (i == 1).then(|| ts("2026-03-20T20:30:00Z")),
                valid_until: (i == 1).then(|| ts("2026-04-02T20:30:00Z")),
            })
            .collect(),
    };
    let weekend = When::daily(Time::constant(7, 30, 0, 0), Time::constant(12, 0, 0, 0))
        .on(&[Weekday::Thursday, Weekday::Friday])
        .between(date(2026, 3, 21), date(2026, 4, 2));
    let mut breakfast = rule(1, Target::Layout(LayoutId(1)), weekend, RuleKind::Normal);
    breakfast.scope = Scope {
        all: false,
        stores: vec![StoreId(3)],
        groups: vec![GroupId(4)],
        screens: vec![ScreenId(7)],
        tags: vec!["drive-thru".into()],
    };
    let emergency_when = When {
        active_from: Some(ts("2026-03-21T06:00:00Z")),
        active_until: Some(ts("2026-03-21T07:00:00Z")),
        ..When::always()
    };
    Manifest {
        api_version: API_VERSION,
        version: 42,
        server_time: ts("2026-03-21T04:30:00Z"),
        screen: ScreenSettings {
            id: ScreenId(7),
            name: "Counter".into(),
            store: StoreId(3),
            timezone: "Asia/Tehran".into(),
            orientation: Orientation::PortraitFlipped,
            default_layout: Some(LayoutId(2)),
            heartbeat_secs: 30,
            hours: None,
            dayparts: Vec::new(),
            power: Default::default(),
            brand: Default::default(),
            wall: None,
        },
        layouts: vec![
            Layout {
                id: LayoutId(1),
                name: "breakfast".into(),
                template: Template::Fullscreen,
                regions: vec![],
                aspect: None,
                zones: vec![ZoneBinding {
                    zone: "main".into(),
                    playlist: PlaylistId(1),
                }],
            },
            Layout {
                id: LayoutId(2),
                name: "all day".into(),
                template: Template::MainSideTicker,
                regions: vec![],
                aspect: None,
                zones: vec![
                    ZoneBinding {
                        zone: "main".into(),
                        playlist: PlaylistId(2),
                    },
                    ZoneBinding {
                        zone: "side".into(),
                        playlist: PlaylistId(3),
                    },
                    ZoneBinding {
                        zone: "ticker".into(),
                        playlist: PlaylistId(4),
                    },
                ],
            },
        ],
        playlists: vec![
            playlist(1, &[1, 2, 3]),
            playlist(2, &[4, 7, 8, 9]),
            playlist(3, &[10]),
            playlist(4, &[5, 6]),
        ],
        content,
        rules: vec![
            breakfast,
            rule(
                2,
                Target::Playlist(PlaylistId(3)),
                When::always(),
                RuleKind::Interrupt {
                    seconds_per_hour: 120,
                    spots_per_hour: 4,
                },
            ),
            rule(
                3,
                Target::Playlist(PlaylistId(4)),
                When {
                    window: Window::Cron {
                        expr: "0 12 * * *".into(),
                        duration_secs: 3600,
                    },
                    ..When::always()
                },
                RuleKind::Overlay,
            ),
            rule(
                4,
                Target::Playlist(PlaylistId(3)),
                emergency_when,
                RuleKind::Emergency,
            ),
        ],
        feeds: vec![
            FeedSnapshot {
                feed: FeedId(1),
                fetched_at: ts("2026-03-21T04:00:00Z"),
                stale: false,
                data: FeedData::News {
                    items: vec![
                        NewsItem {
                            title: "Headline".into(),
                            published: Some(ts("2026-03-21T03:00:00Z")),
                            summary: Some("The first sentence.".into()),
                        },
                        NewsItem {
                            title: "Undated".into(),
                            published: None,
                            summary: None,
                        },
                    ],
                },
            },
            FeedSnapshot {
                feed: FeedId(2),
                fetched_at: ts("2026-03-21T04:00:00Z"),
                stale: true,
                data: FeedData::Weather(Weather {
                    unit: TemperatureUnit::Celsius,
                    wind_unit: WindSpeedUnit::Kmh,
                    place: Some("تهران".into()),
                    current: WeatherNow {
                        temperature: 18.5,
                        feels_like: Some(17.0),
                        humidity: Some(40),
                        wind_speed: Some(12.5),
                        is_day: true,
                        code: 3,
                        condition: Condition::from_wmo(3),
                    },
                    days: vec![
                        WeatherDay {
                            date: date(2026, 3, 21),
                            min: 9.0,
                            max: 21.5,
                            code: 61,
                            condition: Condition::from_wmo(61),
                            precipitation_chance: Some(70),
                        },
                        WeatherDay {
                            date: date(2026, 3, 22),
                            min: 8.0,
                            max: 19.0,
                            code: 0,
                            condition: Condition::from_wmo(0),
                            precipitation_chance: None,
                        },
                    ],
                }),
            },
            FeedSnapshot {
                feed: FeedId(3),
                fetched_at: ts("2026-03-21T04:00:00Z"),
                stale: false,
                data: FeedData::Currency {
                    rates: vec![
                        Rate {
                            symbol: "USD".into(),
                            label: Some("دلار آمریکا".into()),
                            value: 1_000_000,
                            previous: Some(990_000),
                            changed_at: Some(ts("2026-03-21T03:30:00Z")),
                        },
                        Rate {
                            symbol: "EUR".into(),
                            label: None,
                            value: 1_100_000,
                            previous: None,
                            changed_at: None,
                        },
                    ],
                },
            },
        ],
    }
}

#[test]
fn the_validator_is_not_vacuous() {
    let spec = spec();
    let good = serde_json::to_value(&every_kind_of_content()[2]).unwrap();
    validate(&spec, &reference("ContentItem"), &good, "item").unwrap();
    let mut bad = good.clone();
    bad["type"] = json!("menu");
    assert!(validate(&spec, &reference("ContentItem"), &bad, "item").is_err());
    let mut bad = good.clone();
    bad["colour"] = json!("red");
    assert!(validate(&spec, &reference("ContentItem"), &bad, "item").is_err());
    let mut bad = good;
    bad["menu"]["categories"][0]["items"][0]["price"] = json!("45000");
    assert!(validate(&spec, &reference("ContentItem"), &bad, "item").is_err());
}

#[test]
fn every_kind_of_content_matches_its_schema() {
    for item in every_kind_of_content() {
        assert_matches("ContentItem", &item);
    }
}

#[test]
fn a_full_manifest_matches_its_schema() {
    let manifest = manifest();
    for rule in &manifest.rules {
        rule.validate().unwrap();
    }
    assert_matches("Manifest", &manifest);
}

#[test]
fn what_the_engine_reports_matches_its_schema() {
    let manifest = manifest();
    let schedule = manifest.schedule().unwrap();
    let tehran = TimeZone::get("Asia/Tehran").unwrap();
    let resolution = schedule.resolve(ts("2026-03-21T06:30:00Z"), &tehran);
    assert!(resolution.main.is_some() && resolution.emergency.is_some());
    assert_matches("Resolution", &resolution);
    let timeline = schedule.timeline(
        ts("2026-03-20T20:30:00Z"),
        ts("2026-03-21T20:30:00Z"),
        &tehran,
    );
    assert!(timeline.len() > 3);
    for span in &timeline {
        assert_matches("TimelineSpan", span);
    }
}

#[test]
fn events_and_reports_match_their_schemas() {
    for event in [
        PushEvent::Manifest { version: 43 },
        PushEvent::Command {
            id: CommandId(9),
            command: Command::Screenshot,
        },
        PushEvent::Emergency {
            rule: RuleId(4),
            text: "Fire drill".into(),
            until: Some(ts("2026-03-21T07:00:00Z")),
        },
        PushEvent::Emergency {
            rule: RuleId(4),
            text: "Closed".into(),
            until: None,
        },
    ] {
        assert_matches("PushEvent", &event);
    }
    assert_matches(
        "CommandAck",
        &CommandAck {
            id: CommandId(9),
            ok: false,
            error: Some("no display".into()),
        },
    );
    assert_matches(
        "Heartbeat",
        &Heartbeat {
            player_version: "0.1.0".into(),
            uptime_secs: 3600,
            manifest_version: None,
            showing: vec![NowShowing {
                zone: "main".into(),
                layout: Some(LayoutId(1)),
                playlist: PlaylistId(1),
                content: ContentId(2),
            }],
            cache_bytes: 1 << 30,
            disk_free_bytes: 1 << 34,
            last_error: Some("feed 2 unreachable".into()),
            sent_at: ts("2026-03-21T04:30:00Z"),
            platform: Some("browser Mozilla/5.0".into()),
            panel: Some(PanelReport {
                on: false,
                asleep_by_schedule: true,
                control: PowerControl::Xset,
            }),
        },
    );
    let record = |layout: Option<i64>, rule: Option<i64>| ProofOfPlay {
        event_id: format!("7-{layout:?}-{rule:?}"),
        content: ContentId(1),
        playlist: PlaylistId(1),
        layout: layout.map(LayoutId),
        rule: rule.map(RuleId),
        zone: "main".into(),
        started_at: ts("2026-03-21T04:30:00Z"),
        ended_at: ts("2026-03-21T04:30:10Z"),
    };
    assert_matches(
        "ProofOfPlayBatch",
        &ProofOfPlayBatch {
            records: vec![record(Some(1), Some(1)), record(None, None)],
        },
    );
    let mut invalid = manifest().playlists.remove(0);
    invalid.name.clear();
    invalid.entries[0].duration_ms = -1;
    assert_matches("ValidationErrors", &invalid.validate().unwrap_err());
}
