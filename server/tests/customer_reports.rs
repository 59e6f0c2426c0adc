//! The customer reports (satisfaction, offers, loyalty), on SQLite and PostgreSQL: generated
//! rows inserted straight into the tables, every figure compared with a plain Rust reading of
//! the definitions (loops over the same generated rows, not SQL); a small case per report with
//! its numbers worked out by hand; tenancy; and the admin reports page in both languages.
//!
//! The report functions are called directly (the API routes are wired in `api/mod.rs`).

mod common;
mod web_support;

use std::collections::{BTreeMap, BTreeSet};

use common::{Auth, TestEnv, each_backend};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};
use vitrin_server::auth::{Principal, Role};
use vitrin_server::customer_reports::{
    LAPSE_DAYS, loyalty_report, offers_report, satisfaction_report,
};
use vitrin_server::db::sql;
use vitrin_server::reports::ReportQuery;
use vitrin_shared::calendar::{Digits, format_jalali, to_jalali};
use vitrin_shared::ids::{OrgId, StoreId};
use web_support::WebClient;

const TEHRAN: &str = "Asia/Tehran";
const DAY: i64 = 86_400_000;
const W: i64 = LAPSE_DAYS * DAY;

/// Tehran wall-clock time as epoch ms (no DST in Iran since 2022: +03:30).
fn tehran(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
    jiff::civil::date(y, mo, d)
        .at(h, mi, 0, 0)
        .to_zoned(TimeZone::get(TEHRAN).unwrap())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

fn jalali(d: Date) -> String {
    format_jalali(to_jalali(d), Digits::Latin)
}

/// splitmix64: a small seeded generator, the same numbers on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo) as u64) as i64
    }
}

struct Shop {
    owner: Auth,
    org: i64,
    owner_id: i64,
    /// Three stores in Tehran.
    stores: [i64; 3],
    /// Two screens per store: `screens[2 * store + k]`.
    screens: [i64; 6],
    /// Offer promos (the last one is deleted after the rows are in).
    offers: [i64; 3],
    /// A link promo (scans, no codes).
    link_promo: i64,
}

async fn shop(env: &TestEnv, owner_email: &str) -> Shop {
    let owner = env.setup_owner("Café", owner_email).await;
    let mut stores = [0; 3];
    for (i, name) in ["Valiasr", "Tajrish", "Enghelab"].iter().enumerate() {
        stores[i] = env
            .create(
                &owner,
                "/api/v1/stores",
                json!({"name": name, "timezone": TEHRAN}),
            )
            .await;
    }
    let mut screens = [0; 6];
    for i in 0..6 {
        screens[i] = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": stores[i / 2], "name": format!("Screen {i}")}),
            )
            .await;
    }
    let mut offers = [0; 3];
    for (i, name) in ["Free cookie", "کیک رایگان", "Old offer"]
        .iter()
        .enumerate()
    {
        offers[i] = env
            .create(
                &owner,
                "/api/v1/content",
                json!({"name": name, "type": "qr_promo", "headline": "Scan",
                       "leads_to": {"type": "offer", "title": "A cookie", "limit": 100000}}),
            )
            .await;
    }
    let link_promo = env
        .create(
            &owner,
            "/api/v1/content",
            json!({"name": "Link", "type": "qr_promo", "headline": "Scan",
                   "url": "https://shop.example/"}),
        )
        .await;
    let (owner_id, org): (i64, i64) = sql("SELECT id, org_id FROM users WHERE email = $1")
        .bind(owner_email.to_owned())
        .fetch_one(&env.state.db)
        .await
        .unwrap();
    Shop {
        owner,
        org,
        owner_id,
        stores,
        screens,
        offers,
        link_promo,
    }
}

fn owner_principal(s: &Shop) -> Principal {
    Principal {
        user_id: s.owner_id,
        org: OrgId(s.org),
        role: Role::Owner,
        email: "owner".into(),
        stores: Vec::new(),
        session_hash: None,
    }
}

fn manager_principal(s: &Shop, stores: &[i64]) -> Principal {
    Principal {
        role: Role::StoreManager,
        stores: stores.iter().map(|id| StoreId(*id)).collect(),
        ..owner_principal(s)
    }
}

fn query(from: &str, until: &str, group: Option<&str>, store: Option<i64>) -> ReportQuery {
    ReportQuery {
        from: Some(from.into()),
        until: Some(until.into()),
        tz: Some(TEHRAN.into()),
        store,
        group: group.map(str::to_owned),
        ..ReportQuery::default()
    }
}

// ---------------------------------------------------------------------------------------------
// The rows, as generated and inserted.

#[derive(Clone)]
struct Feedback {
    store: i64,
    screen: i64,
    promo: i64,
    at: i64,
    rating: i64,
}

#[derive(Clone)]
struct Code {
    promo: i64,
    screen: i64,
    store: i64,
    issued_at: i64,
    redeemed_at: Option<i64>,
}

#[derive(Clone)]
struct Visit {
    card: i64,
    store: i64,
    at: i64,
}

#[derive(Default)]
struct Data {
    feedback: Vec<Feedback>,
    codes: Vec<Code>,
    /// (promo, screen, quarter) → scans.
    scans: BTreeMap<(i64, i64, i64), i64>,
    visits: Vec<Visit>,
}

/// Inserts rows with literal values, a few hundred per statement (test data only).
async fn insert(env: &TestEnv, head: &str, rows: &[String]) {
    for chunk in rows.chunks(200) {
        sql(format!("{head} VALUES {}", chunk.join(", ")))
            .execute(&env.state.db)
            .await
            .unwrap();
    }
}

static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn unique() -> u64 {
    SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

async fn store_data(env: &TestEnv, org: i64, data: &Data, cards: &[i64]) {
    let feedback: Vec<String> = data
        .feedback
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let status = ["new", "read", "approved", "hidden"][i % 4];
            format!(
                "({org}, {}, {}, {}, {}, {}, '{status}', 'd{}')",
                f.store,
                f.screen,
                f.promo,
                f.at,
                f.rating,
                unique()
            )
        })
        .collect();
    insert(
        env,
        "INSERT INTO feedback (org_id, store_id, screen_id, content_id, at, rating, status, \
         delete_hash)",
        &feedback,
    )
    .await;
    let codes: Vec<String> = data
        .codes
        .iter()
        .map(|c| {
            let (at, store) = match c.redeemed_at {
                Some(at) => (at.to_string(), c.store.to_string()),
                None => ("NULL".into(), "NULL".into()),
            };
            format!(
                "({org}, {}, {}, {}, 'c{}', {}, {}, {at}, {store})",
                c.promo,
                c.screen,
                c.store,
                unique(),
                c.issued_at,
                c.issued_at + 7 * DAY
            )
        })
        .collect();
    insert(
        env,
        "INSERT INTO offer_codes (org_id, content_id, screen_id, store_id, code_hash, issued_at, \
         expires_at, redeemed_at, redeemed_store)",
        &codes,
    )
    .await;
    let scans: Vec<String> = data
        .scans
        .iter()
        .map(|((promo, screen, quarter), n)| format!("({org}, {promo}, {screen}, {quarter}, {n})"))
        .collect();
    insert(
        env,
        "INSERT INTO scan_quarters (org_id, content_id, screen_id, quarter, scans)",
        &scans,
    )
    .await;
    let _ = cards;
    let visits: Vec<String> = data
        .visits
        .iter()
        .map(|v| format!("({org}, {}, {}, {}, FALSE)", v.card, v.store, v.at))
        .collect();
    insert(
        env,
        "INSERT INTO loyalty_visits (org_id, card_id, store_id, at, free)",
        &visits,
    )
    .await;
}

/// Loyalty cards made directly: their ids.
async fn make_cards(env: &TestEnv, org: i64, n: usize) -> Vec<i64> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let k = unique();
        let id = sql(
            "INSERT INTO loyalty_cards (org_id, phone_hash, token_hash, code_hash, created_at) \
             VALUES ($1, $2, $3, $4, 0) RETURNING id",
        )
        .bind(org)
        .bind(format!("p{k}"))
        .bind(format!("t{k}"))
        .bind(format!("k{k}"))
        .fetch_i64(&env.state.db)
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

// ---------------------------------------------------------------------------------------------
// The definitions, read plainly.

/// `[start, end)` of the range's local days.
fn range_ms(from: Date, until: Date) -> (i64, i64) {
    let tz = TimeZone::get(TEHRAN).unwrap();
    let ms = |d: Date| d.to_zoned(tz.clone()).unwrap().timestamp().as_millisecond();
    (ms(from), ms(until.checked_add(1.day()).unwrap()))
}

fn local(at: i64) -> jiff::Zoned {
    Timestamp::from_millisecond(at)
        .unwrap()
        .to_zoned(TimeZone::get(TEHRAN).unwrap())
}

fn pct(part: i64, whole: i64) -> Value {
    if whole == 0 {
        Value::Null
    } else {
        json!(part as f64 * 100.0 / whole as f64)
    }
}

fn expected_satisfaction(
    data: &Data,
    from: Date,
    until: Date,
    group: &str,
    visible: &BTreeSet<i64>,
    names: &BTreeMap<i64, String>,
) -> Vec<Value> {
    let (start, end) = range_ms(from, until);
    // key → (responses, rating sum, 4–5 stars, 1–2 stars)
    let mut sums: BTreeMap<String, (i64, i64, i64, i64, Value)> = BTreeMap::new();
    for f in &data.feedback {
        if f.at < start || f.at >= end || !visible.contains(&f.store) {
            continue;
        }
        let when = local(f.at);
        let (key, row) = match group {
            "store" => (
                format!("{}\u{0}{:09}", names[&f.store], f.store),
                json!({"store_id": f.store, "store": names[&f.store]}),
            ),
            "daypart" => {
                let h = format!("{:02}", when.hour());
                (h.clone(), json!({ "daypart": h }))
            }
            _ => {
                let date = when.date();
                let back = (date.weekday().to_monday_zero_offset() + 2) % 7;
                let saturday = date.checked_sub(i64::from(back).days()).unwrap();
                (
                    saturday.to_string(),
                    json!({"week": saturday.to_string(), "week_jalali": jalali(saturday)}),
                )
            }
        };
        let e = sums.entry(key).or_insert((0, 0, 0, 0, row));
        e.0 += 1;
        e.1 += f.rating;
        e.2 += i64::from(f.rating >= 4);
        e.3 += i64::from(f.rating <= 2);
    }
    sums.into_values()
        .map(|(n, sum, good, low, mut row)| {
            row["responses"] = json!(n);
            row["average_rating"] = json!(sum as f64 / n as f64);
            row["satisfied_percent"] = pct(good, n);
            row["low"] = json!(low);
            row
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn expected_offers(
    data: &Data,
    from: Date,
    until: Date,
    group: &str,
    visible: &BTreeSet<i64>,
    screen_store: &BTreeMap<i64, i64>,
    promos: &BTreeMap<i64, (String, bool)>,
    screen_names: &BTreeMap<i64, String>,
) -> Vec<Value> {
    let (start, end) = range_ms(from, until);
    let sub = |screen: i64, at: i64| -> i64 {
        match group {
            "screen" => screen,
            "daypart" => i64::from(local(at).hour()),
            _ => 0,
        }
    };
    // (promo, sub) → [scans, issued, redeemed]
    let mut sums: BTreeMap<(i64, i64), [i64; 3]> = BTreeMap::new();
    for c in &data.codes {
        if c.issued_at >= start && c.issued_at < end && visible.contains(&c.store) {
            let e = sums
                .entry((c.promo, sub(c.screen, c.issued_at)))
                .or_default();
            e[1] += 1;
            e[2] += i64::from(c.redeemed_at.is_some());
        }
    }
    // The report's promos: existing ones that hand out codes or issued some in the range.
    let mut offers: BTreeSet<i64> = promos
        .iter()
        .filter(|(_, (_, offer))| *offer)
        .map(|(id, _)| *id)
        .collect();
    offers.extend(
        sums.keys()
            .map(|(p, _)| *p)
            .filter(|p| promos.contains_key(p)),
    );
    for ((promo, screen, quarter), n) in &data.scans {
        if *quarter >= start
            && *quarter < end
            && offers.contains(promo)
            && visible.contains(&screen_store[screen])
        {
            sums.entry((*promo, sub(*screen, *quarter))).or_default()[0] += n;
        }
    }
    if group == "promo" {
        for p in &offers {
            sums.entry((*p, 0)).or_default();
        }
    }
    let mut rows: Vec<(String, i64, String, i64, String, Value)> = Vec::new();
    for ((promo, sub), [scans, issued, redeemed]) in sums {
        if !offers.contains(&promo) {
            continue;
        }
        let name = promos[&promo].0.clone();
        let mut row = json!({"promo_id": promo, "promo": name, "scans": scans,
                             "issued": issued, "redeemed": redeemed,
                             "redemption_percent": pct(redeemed, issued)});
        let (mut screen, mut daypart) = (String::new(), String::new());
        match group {
            "screen" => {
                row["screen_id"] = json!(sub);
                row["screen"] = json!(screen_names[&sub]);
                screen = screen_names[&sub].clone();
            }
            "daypart" => {
                daypart = format!("{sub:02}");
                row["daypart"] = json!(daypart);
            }
            _ => {}
        }
        rows.push((name, promo, screen, sub, daypart, row));
    }
    rows.sort_by(|a, b| (&a.0, a.1, &a.2, a.3, &a.4).cmp(&(&b.0, b.1, &b.2, b.3, &b.4)));
    rows.into_iter().map(|r| r.5).collect()
}

fn expected_loyalty(
    data: &Data,
    from: Date,
    until: Date,
    visible: &BTreeSet<i64>,
    names: &BTreeMap<i64, String>,
) -> Vec<Value> {
    let tz = TimeZone::get(TEHRAN).unwrap();
    let ms = |d: Date| d.to_zoned(tz.clone()).unwrap().timestamp().as_millisecond();
    // store → card → its visit instants there, sorted
    let mut by: BTreeMap<i64, BTreeMap<i64, Vec<i64>>> = BTreeMap::new();
    for v in &data.visits {
        if visible.contains(&v.store) {
            by.entry(v.store)
                .or_default()
                .entry(v.card)
                .or_default()
                .push(v.at);
        }
    }
    let mut out = Vec::new();
    let mut first = from.first_of_month();
    while first <= until {
        let next = first.checked_add(1.month()).unwrap();
        let (a, b) = (ms(first), ms(next));
        let mut rows: Vec<(String, i64, Value)> = Vec::new();
        for (store, cards) in &by {
            let (mut visits, mut customers, mut repeat) = (0, 0, 0);
            let (mut s, mut n, mut e, mut lapsed) = (0, 0, 0, 0);
            for ats in cards.values() {
                let last_before = |t: i64| ats.iter().copied().filter(|x| *x < t).max();
                let active = |t: i64| last_before(t).is_some_and(|l| l >= t - W);
                let in_month = ats.iter().filter(|x| **x >= a && **x < b).count() as i64;
                visits += in_month;
                customers += i64::from(in_month > 0);
                repeat += i64::from(in_month >= 2);
                s += i64::from(active(a));
                e += i64::from(active(b));
                let first_visit = ats.iter().copied().min().unwrap();
                n += i64::from(first_visit >= a && first_visit < b);
                lapsed += i64::from(last_before(b).is_some_and(|l| l >= a - W && l < b - W));
            }
            if visits + s + n + e + lapsed == 0 {
                continue;
            }
            let last = next.checked_sub(1.day()).unwrap();
            rows.push((
                names[store].clone(),
                *store,
                json!({"store_id": store, "store": names[store],
                   "month": format!("{:04}-{:02}", first.year(), first.month()),
                   "month_start_jalali": jalali(first), "month_end_jalali": jalali(last),
                   "visits": visits, "customers": customers,
                   "repeat_visit_percent": pct(repeat, customers),
                   "start": s, "new": n, "end": e,
                   "retention_percent": if s == 0 { Value::Null }
                                        else { json!((e - n) as f64 * 100.0 / s as f64) },
                   "lapsed": lapsed}),
            ));
        }
        rows.sort_by(|x, y| (&x.0, x.1).cmp(&(&y.0, y.1)));
        out.extend(rows.into_iter().map(|r| r.2));
        first = next;
    }
    out
}

/// Rows equal field by field; numbers within the report's rounding (2 decimals).
fn assert_rows(what: &str, got: &Value, want: &[Value]) {
    let got = got.as_array().unwrap_or_else(|| panic!("{what}: no rows"));
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: row count\n{got:#?}\n{want:#?}"
    );
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let (g, w) = (g.as_object().unwrap(), w.as_object().unwrap());
        let gk: BTreeSet<&String> = g.keys().collect();
        let wk: BTreeSet<&String> = w.keys().collect();
        assert_eq!(gk, wk, "{what} row {i}: fields");
        for (k, wv) in w {
            let gv = &g[k];
            let same = match (gv.as_f64(), wv.as_f64()) {
                (Some(a), Some(b)) if wv.is_f64() || gv.is_f64() => (a - b).abs() <= 0.005 + 1e-9,
                _ => gv == wv,
            };
            assert!(
                same,
                "{what} row {i} {k}: got {gv}, want {wv}\n{g:?}\n{w:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn generated_rows_match_the_definitions() {
    each_backend(|env| async move {
        let s = shop(&env, "owner@cafe.test").await;
        let mut rng = Rng(0x5EED_2026);
        // Data from 2026-06-01 to 2026-12-05 (Tehran); the report covers 2026-09-10 – 11-05,
        // so Sep, Oct and Nov are its months and older visits are history before the window.
        let (t0, t1) = (tehran(2026, 6, 1, 0, 0), tehran(2026, 12, 5, 0, 0));
        let screen_store: BTreeMap<i64, i64> = s
            .screens
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, s.stores[i / 2]))
            .collect();
        let all_promos = [s.offers[0], s.offers[1], s.offers[2], s.link_promo];
        let mut data = Data::default();
        for _ in 0..600 {
            let screen = s.screens[rng.below(6) as usize];
            data.feedback.push(Feedback {
                store: screen_store[&screen],
                screen,
                promo: s.link_promo,
                at: rng.between(t0, t1),
                rating: 1 + rng.below(5) as i64,
            });
        }
        for _ in 0..900 {
            let screen = s.screens[rng.below(6) as usize];
            let issued_at = rng.between(t0, t1);
            let redeemed_at = (rng.below(10) < 3).then(|| issued_at + rng.between(1, 7 * DAY));
            data.codes.push(Code {
                promo: s.offers[rng.below(3) as usize],
                screen,
                store: screen_store[&screen],
                issued_at,
                redeemed_at,
            });
        }
        for _ in 0..700 {
            let quarter = rng.between(t0, t1) / 900_000 * 900_000;
            let key = (
                all_promos[rng.below(4) as usize],
                s.screens[rng.below(6) as usize],
                quarter,
            );
            *data.scans.entry(key).or_default() += 1 + rng.below(5) as i64;
        }
        let cards = make_cards(&env, s.org, 60).await;
        for (i, card) in cards.iter().enumerate() {
            // Each card has a home store and a habit: some come weekly, some once or twice.
            let home = s.stores[i % 3];
            let count = [1, 2, 3, 6, 12, 25][i % 6];
            let begin = rng.between(t0, t1 - 10 * DAY);
            for _ in 0..count {
                let store = if rng.below(5) == 0 {
                    s.stores[rng.below(3) as usize]
                } else {
                    home
                };
                let at = (begin + rng.between(0, 120 * DAY)).min(t1 - 1);
                data.visits.push(Visit {
                    card: *card,
                    store,
                    at,
                });
            }
        }
        store_data(&env, s.org, &data, &cards).await;
        // The third offer is deleted: its codes stay in the table, it leaves the report.
        let (status, body) = env
            .delete(&s.owner, &format!("/api/v1/content/{}", s.offers[2]))
            .await;
        assert!(status.is_success(), "{status} {body}");

        let store_names: BTreeMap<i64, String> = s
            .stores
            .iter()
            .zip(["Valiasr", "Tajrish", "Enghelab"])
            .map(|(id, n)| (*id, n.to_owned()))
            .collect();
        let screen_names: BTreeMap<i64, String> = s
            .screens
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, format!("Screen {i}")))
            .collect();
        let promos: BTreeMap<i64, (String, bool)> = [
            (s.offers[0], ("Free cookie".to_owned(), true)),
            (s.offers[1], ("کیک رایگان".to_owned(), true)),
            (s.link_promo, ("Link".to_owned(), false)),
        ]
        .into_iter()
        .collect();
        let (from, until) = (Date::constant(2026, 9, 10), Date::constant(2026, 11, 5));
        // `until` typed in Solar Hijri: 1405-08-14 is 2026-11-05.
        let (f, u) = ("2026-09-10", "1405-08-14");
        assert_eq!(jalali(until), "1405/08/14");

        let owner = owner_principal(&s);
        let manager = manager_principal(&s, &[s.stores[1]]);
        let all: BTreeSet<i64> = s.stores.iter().copied().collect();
        let tajrish: BTreeSet<i64> = [s.stores[1]].into_iter().collect();
        let mut checked = 0;
        for (who, principal, visible) in [("owner", &owner, &all), ("manager", &manager, &tajrish)]
        {
            for group in ["store", "daypart", "week"] {
                let r = satisfaction_report(&env.state, principal, &query(f, u, Some(group), None))
                    .await
                    .unwrap();
                let got = serde_json::to_value(&r.report).unwrap();
                let want = expected_satisfaction(&data, from, until, group, visible, &store_names);
                assert!(!want.is_empty());
                assert_rows(&format!("satisfaction {who} {group}"), &got["rows"], &want);
                let total: i64 = want.iter().map(|r| r["responses"].as_i64().unwrap()).sum();
                assert_eq!(got["total_responses"], total);
                checked += want.len();
            }
            for group in ["promo", "screen", "daypart"] {
                let r = offers_report(&env.state, principal, &query(f, u, Some(group), None))
                    .await
                    .unwrap();
                let got = serde_json::to_value(&r.report).unwrap();
                let want = expected_offers(
                    &data,
                    from,
                    until,
                    group,
                    visible,
                    &screen_store,
                    &promos,
                    &screen_names,
                );
                assert!(want.len() >= 2);
                assert_rows(&format!("offers {who} {group}"), &got["rows"], &want);
                checked += want.len();
            }
            let r = loyalty_report(&env.state, principal, &query(f, u, None, None))
                .await
                .unwrap();
            let got = serde_json::to_value(&r.report).unwrap();
            let want = expected_loyalty(&data, from, until, visible, &store_names);
            assert_eq!(
                want.len(),
                3 * visible.len(),
                "every store has a row per month"
            );
            assert!(want.iter().any(|r| r["lapsed"].as_i64() > Some(0)));
            assert!(want.iter().any(|r| r["new"].as_i64() > Some(0)));
            assert_rows(&format!("loyalty {who}"), &got["rows"], &want);
            checked += want.len();
        }
        // Filtered to one store, by the owner: that store's rows only.
        let one: BTreeSet<i64> = [s.stores[2]].into_iter().collect();
        let r = loyalty_report(&env.state, &owner, &query(f, u, None, Some(s.stores[2])))
            .await
            .unwrap();
        let want = expected_loyalty(&data, from, until, &one, &store_names);
        assert_rows(
            "loyalty store filter",
            &serde_json::to_value(&r.report).unwrap()["rows"],
            &want,
        );
        let r = satisfaction_report(
            &env.state,
            &owner,
            &query(f, u, Some("daypart"), Some(s.stores[2])),
        )
        .await
        .unwrap();
        let want = expected_satisfaction(&data, from, until, "daypart", &one, &store_names);
        assert_rows(
            "satisfaction store filter",
            &serde_json::to_value(&r.report).unwrap()["rows"],
            &want,
        );
        assert!(checked > 100, "{checked} rows compared");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Small cases, worked out by hand.

#[tokio::test]
async fn hand_computed_cases() {
    each_backend(|env| async move {
        let s = shop(&env, "owner@hand.test").await;
        let [x, y, _] = s.stores;
        let (x1, x2, y1) = (s.screens[0], s.screens[1], s.screens[2]);
        let p = s.offers[0];
        let owner = owner_principal(&s);
        let mut data = Data::default();

        // Satisfaction, October 2026 in Tehran. Store X: 5, 4, 4, 2, 1 stars; store Y: 3.
        // Friday 2026-10-09 23:30 Tehran is the week of Saturday 10-03, Saturday 10-10 00:30
        // its own week; in UTC both are on Friday the 9th (20:00 and 21:00).
        assert_eq!(
            Date::constant(2026, 10, 10).weekday(),
            jiff::civil::Weekday::Saturday
        );
        for (store, screen, at, rating) in [
            (x, x1, tehran(2026, 10, 9, 23, 30), 5),
            (x, x1, tehran(2026, 10, 10, 0, 30), 4),
            (x, x2, tehran(2026, 10, 10, 8, 15), 4),
            (x, x2, tehran(2026, 10, 10, 8, 59), 2),
            (x, x1, tehran(2026, 10, 12, 13, 0), 1),
            (y, y1, tehran(2026, 10, 12, 8, 0), 3),
            // Outside the range (September): not counted.
            (x, x1, tehran(2026, 9, 30, 23, 59), 1),
        ] {
            data.feedback.push(Feedback {
                store,
                screen,
                promo: s.link_promo,
                at,
                rating,
            });
        }
        // Offers: promo P, in October: codes on X1 (3, 2 redeemed, one of them in November),
        // on X2 (1, redeemed); a code of September redeemed in October does not count.
        for (screen, store, issued, redeemed) in [
            (
                x1,
                x,
                tehran(2026, 10, 2, 9, 0),
                Some(tehran(2026, 10, 3, 9, 0)),
            ),
            (
                x1,
                x,
                tehran(2026, 10, 31, 23, 0),
                Some(tehran(2026, 11, 2, 9, 0)),
            ),
            (x1, x, tehran(2026, 10, 5, 9, 30), None),
            (
                x2,
                x,
                tehran(2026, 10, 6, 14, 0),
                Some(tehran(2026, 10, 6, 14, 5)),
            ),
            (
                x2,
                x,
                tehran(2026, 9, 29, 10, 0),
                Some(tehran(2026, 10, 1, 10, 0)),
            ),
        ] {
            data.codes.push(Code {
                promo: p,
                screen,
                store,
                issued_at: issued,
                redeemed_at: redeemed,
            });
        }
        // Scans of P: 6 on X1 and 4 on X2 in October, 9 on X1 in September.
        data.scans.insert((p, x1, tehran(2026, 10, 2, 8, 45)), 6);
        data.scans.insert((p, x2, tehran(2026, 10, 6, 13, 45)), 4);
        data.scans.insert((p, x1, tehran(2026, 9, 20, 8, 45)), 9);

        // Loyalty, October 2026 in Tehran: [10-01 00:00, 11-01 00:00) local, W = 60 days, so
        // start − W = 08-02 00:00 and end − W = 09-02 00:00.
        let c = make_cards(&env, s.org, 7).await;
        for (card, store, at) in [
            // c1: Sep 15, Oct 5, Oct 20 → S, 2 visits in Oct (repeat), E.
            (c[0], x, tehran(2026, 9, 15, 12, 0)),
            (c[0], x, tehran(2026, 10, 5, 12, 0)),
            (c[0], x, tehran(2026, 10, 20, 12, 0)),
            // c2: Aug 10 only → S (≥ Aug 2), not E (< Sep 2), lapsed.
            (c[1], x, tehran(2026, 8, 10, 12, 0)),
            // c3: first visit Oct 1 00:30 Tehran (Sep 30 21:00 UTC) → new in October, E.
            (c[2], x, tehran(2026, 10, 1, 0, 30)),
            // c3 also visits Y once: Y's only card.
            (c[2], y, tehran(2026, 10, 2, 10, 0)),
            // c4: Sep 30 23:30 Tehran (20:00 UTC) → September; S and E, no visit in Oct.
            (c[3], x, tehran(2026, 9, 30, 23, 30)),
            // c5: June 1 (not S: before Aug 2), back on Oct 10 → customer, E, not new.
            (c[4], x, tehran(2026, 6, 1, 12, 0)),
            (c[4], x, tehran(2026, 10, 10, 12, 0)),
            // c6: Oct 12 and 13, first ever → new, repeat, E.
            (c[5], x, tehran(2026, 10, 12, 12, 0)),
            (c[5], x, tehran(2026, 10, 13, 12, 0)),
            // c7: Sep 1 only → S (≥ Aug 2), not E (< Sep 2), lapsed.
            (c[6], x, tehran(2026, 9, 1, 12, 0)),
        ] {
            data.visits.push(Visit { card, store, at });
        }
        store_data(&env, s.org, &data, &c).await;
        let (f, u) = ("2026-10-01", "1405/08/09"); // until 2026-10-31, typed in Solar Hijri

        // Satisfaction per store. X: 5 responses; (5+4+4+2+1)/5 = 16/5 = 3.2; 4–5 stars:
        // 3 of 5 = 60 %; 1–2 stars: 2. Y: 1 response, 3.0, 0 %, 0 low.
        let r = satisfaction_report(&env.state, &owner, &query(f, u, None, None))
            .await
            .unwrap();
        let got = serde_json::to_value(&r.report).unwrap();
        assert_rows(
            "satisfaction by store",
            &got["rows"],
            &[
                json!({"store_id": y, "store": "Tajrish", "responses": 1, "average_rating": 3.0,
                       "satisfied_percent": 0.0, "low": 0}),
                json!({"store_id": x, "store": "Valiasr", "responses": 5, "average_rating": 3.2,
                       "satisfied_percent": 60.0, "low": 2}),
            ],
        );
        // Overall: 6 responses, 19/6 = 3.1666… → 3.17; 3/6 = 50 %; 2 low.
        assert_eq!(got["total_responses"], 6);
        assert_eq!(got["average_rating"], 3.17);
        assert_eq!(got["satisfied_percent"], 50.0);
        assert_eq!(got["low"], 2);
        let csv = r.csv();
        assert!(csv.starts_with('\u{feff}'));
        assert!(
            csv.contains(&format!("\r\n{x},Valiasr,,,,5,3.20,60.00,2\r\n")),
            "{csv}"
        );
        assert!(r.svg().contains("Valiasr"));
        // By week: the Friday 23:30 in the week of Saturday 10-03 (1405-07-11), the
        // other five in the week of Saturday 10-10 (1405-07-18): (4+4+2+1+3)/5 = 14/5 = 2.8,
        // 4–5 stars 2/5 = 40 %, low 2.
        let r = satisfaction_report(&env.state, &owner, &query(f, u, Some("week"), None))
            .await
            .unwrap();
        assert_rows(
            "satisfaction by week",
            &serde_json::to_value(&r.report).unwrap()["rows"],
            &[
                json!({"week": "2026-10-03", "week_jalali": "1405/07/11", "responses": 1,
                       "average_rating": 5.0, "satisfied_percent": 100.0, "low": 0}),
                json!({"week": "2026-10-10", "week_jalali": "1405/07/18", "responses": 5,
                       "average_rating": 2.8, "satisfied_percent": 40.0, "low": 2}),
            ],
        );
        // By hour: 00 (4), 08 (4, 2, 3 → 9/3 = 3.0, 1/3 = 33.33 %, 1 low), 13 (1), 23 (5).
        let r = satisfaction_report(&env.state, &owner, &query(f, u, Some("daypart"), None))
            .await
            .unwrap();
        assert_rows(
            "satisfaction by hour",
            &serde_json::to_value(&r.report).unwrap()["rows"],
            &[
                json!({"daypart": "00", "responses": 1, "average_rating": 4.0,
                       "satisfied_percent": 100.0, "low": 0}),
                json!({"daypart": "08", "responses": 3, "average_rating": 3.0,
                       "satisfied_percent": 33.33, "low": 1}),
                json!({"daypart": "13", "responses": 1, "average_rating": 1.0,
                       "satisfied_percent": 0.0, "low": 1}),
                json!({"daypart": "23", "responses": 1, "average_rating": 5.0,
                       "satisfied_percent": 100.0, "low": 0}),
            ],
        );

        // Offers per promo: 10 scans, 4 issued in October, 3 of them redeemed → 75 %. The
        // other two offer promos hand out codes but issued none: zero rows, no percentage.
        let r = offers_report(&env.state, &owner, &query(f, u, None, None))
            .await
            .unwrap();
        let got = serde_json::to_value(&r.report).unwrap();
        assert_rows(
            "offers by promo",
            &got["rows"],
            &[
                json!({"promo_id": p, "promo": "Free cookie", "scans": 10, "issued": 4,
                       "redeemed": 3, "redemption_percent": 75.0}),
                json!({"promo_id": s.offers[2], "promo": "Old offer", "scans": 0, "issued": 0,
                       "redeemed": 0, "redemption_percent": null}),
                json!({"promo_id": s.offers[1], "promo": "کیک رایگان", "scans": 0,
                       "issued": 0, "redeemed": 0, "redemption_percent": null}),
            ],
        );
        assert_eq!(
            (
                &got["total_scans"],
                &got["total_issued"],
                &got["total_redeemed"]
            ),
            (&json!(10), &json!(4), &json!(3))
        );
        // Per screen: X1 6 scans, 3 issued, 2 redeemed → 66.67 %; X2 4, 1, 1 → 100 %.
        let r = offers_report(&env.state, &owner, &query(f, u, Some("screen"), None))
            .await
            .unwrap();
        assert_rows(
            "offers by screen",
            &serde_json::to_value(&r.report).unwrap()["rows"],
            &[
                json!({"promo_id": p, "promo": "Free cookie", "screen_id": x1,
                       "screen": "Screen 0", "scans": 6, "issued": 3, "redeemed": 2,
                       "redemption_percent": 66.67}),
                json!({"promo_id": p, "promo": "Free cookie", "screen_id": x2,
                       "screen": "Screen 1", "scans": 4, "issued": 1, "redeemed": 1,
                       "redemption_percent": 100.0}),
            ],
        );
        // Per hour of issue: 09 (2 codes: 09:00 redeemed, 09:30 not → 50 %, 6 scans at
        // 08:45 fall in 08), 14 (1 of 1), 23 (1 of 1).
        let r = offers_report(&env.state, &owner, &query(f, u, Some("daypart"), None))
            .await
            .unwrap();
        let rows = serde_json::to_value(&r.report).unwrap()["rows"].clone();
        let p_rows: Vec<Value> = rows
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["promo_id"] == p)
            .cloned()
            .collect();
        assert_rows(
            "offers by hour",
            &Value::Array(p_rows),
            &[
                json!({"promo_id": p, "promo": "Free cookie", "daypart": "08", "scans": 6,
                       "issued": 0, "redeemed": 0, "redemption_percent": null}),
                json!({"promo_id": p, "promo": "Free cookie", "daypart": "09", "scans": 0,
                       "issued": 2, "redeemed": 1, "redemption_percent": 50.0}),
                json!({"promo_id": p, "promo": "Free cookie", "daypart": "13", "scans": 4,
                       "issued": 0, "redeemed": 0, "redemption_percent": null}),
                json!({"promo_id": p, "promo": "Free cookie", "daypart": "14", "scans": 0,
                       "issued": 1, "redeemed": 1, "redemption_percent": 100.0}),
                json!({"promo_id": p, "promo": "Free cookie", "daypart": "23", "scans": 0,
                       "issued": 1, "redeemed": 1, "redemption_percent": 100.0}),
            ],
        );

        // Loyalty, October. X: visits c1 2 + c3 1 + c5 1 + c6 2 = 6; customers c1, c3, c5, c6
        // = 4; with ≥ 2 visits c1, c6 → 2/4 = 50 %. S = c1, c2, c4, c7 = 4; N = c3, c6 = 2;
        // E = c1, c3, c4, c5, c6 = 5 → retention (5 − 2)/4 = 75 %. Lapsed c2, c7 = 2.
        // Y: c3 once → 1 visit, 1 customer, 0 % repeat, S 0 (no retention), N 1, E 1.
        let r = loyalty_report(&env.state, &owner, &query(f, u, None, None))
            .await
            .unwrap();
        let got = serde_json::to_value(&r.report).unwrap();
        assert_eq!(got["lapse_days"], 60);
        assert_rows(
            "loyalty",
            &got["rows"],
            &[
                json!({"store_id": y, "store": "Tajrish", "month": "2026-10",
                       "month_start_jalali": "1405/07/09", "month_end_jalali": "1405/08/09",
                       "visits": 1, "customers": 1, "repeat_visit_percent": 0.0, "start": 0,
                       "new": 1, "end": 1, "retention_percent": null, "lapsed": 0}),
                json!({"store_id": x, "store": "Valiasr", "month": "2026-10",
                       "month_start_jalali": "1405/07/09", "month_end_jalali": "1405/08/09",
                       "visits": 6, "customers": 4, "repeat_visit_percent": 50.0, "start": 4,
                       "new": 2, "end": 5, "retention_percent": 75.0, "lapsed": 2}),
            ],
        );
        assert!(
            r.csv()
                .contains(",2026-10,1405/07/09,1405/08/09,6,4,50.00,4,2,5,75.00,2\r\n")
        );
        // The same October read in UTC moves c3's first visit (Sep 30 21:00 UTC) and c4's
        // (20:00 UTC) into September: X's October then has N = 1 (c6).
        let mut utc = query("2026-10-01", "2026-10-31", None, Some(x));
        utc.tz = Some("UTC".into());
        let r = loyalty_report(&env.state, &owner, &utc).await.unwrap();
        assert_eq!(r.report.rows.len(), 1);
        assert_eq!(r.report.rows[0].new, 1);
        assert_eq!(r.report.rows[0].visits, 5);
    })
    .await;
}

#[tokio::test]
async fn tenancy_and_bad_input() {
    each_backend(|env| async move {
        let s = shop(&env, "owner@ten.test").await;
        let mut data = Data::default();
        for (i, store) in s.stores.iter().enumerate() {
            data.feedback.push(Feedback {
                store: *store,
                screen: s.screens[2 * i],
                promo: s.link_promo,
                at: tehran(2026, 10, 5, 10, 0),
                rating: 5,
            });
            data.codes.push(Code {
                promo: s.offers[0],
                screen: s.screens[2 * i],
                store: *store,
                issued_at: tehran(2026, 10, 5, 10, 0),
                redeemed_at: None,
            });
        }
        let cards = make_cards(&env, s.org, 3).await;
        for (i, store) in s.stores.iter().enumerate() {
            data.visits.push(Visit {
                card: cards[i],
                store: *store,
                at: tehran(2026, 10, 5, 10, 0),
            });
        }
        store_data(&env, s.org, &data, &cards).await;
        let (f, u) = ("2026-10-01", "2026-10-31");
        // A store manager of Tajrish sees Tajrish's rows only.
        let manager = manager_principal(&s, &[s.stores[1]]);
        let r = satisfaction_report(&env.state, &manager, &query(f, u, None, None))
            .await
            .unwrap();
        assert_eq!(r.report.rows.len(), 1);
        assert_eq!(r.report.rows[0].store_id, Some(s.stores[1]));
        let r = offers_report(&env.state, &manager, &query(f, u, Some("screen"), None))
            .await
            .unwrap();
        assert_eq!(r.report.total_issued, 1);
        assert_eq!(r.report.rows[0].screen_id, Some(s.screens[2]));
        let r = loyalty_report(&env.state, &manager, &query(f, u, None, None))
            .await
            .unwrap();
        assert_eq!(r.report.rows.len(), 1);
        assert_eq!(r.report.rows[0].store_id, s.stores[1]);
        // Another of the organization's stores, or its screen: 404 for the manager.
        for q in [
            query(f, u, None, Some(s.stores[0])),
            ReportQuery {
                screen: Some(s.screens[0]),
                ..query(f, u, None, None)
            },
        ] {
            let e = loyalty_report(&env.state, &manager, &q)
                .await
                .err()
                .unwrap();
            assert!(
                matches!(e, vitrin_server::error::ApiError::NotFound),
                "{e:?}"
            );
            let e = offers_report(&env.state, &manager, &q).await.err().unwrap();
            assert!(
                matches!(e, vitrin_server::error::ApiError::NotFound),
                "{e:?}"
            );
        }
        // Filtering loyalty by a screen keeps that screen's store.
        let owner = owner_principal(&s);
        let r = loyalty_report(
            &env.state,
            &owner,
            &ReportQuery {
                screen: Some(s.screens[4]),
                ..query(f, u, None, None)
            },
        )
        .await
        .unwrap();
        assert_eq!(r.report.rows.len(), 1);
        assert_eq!(r.report.rows[0].store_id, s.stores[2]);

        // Another tenant: this organization's store is not found; its own report is empty.
        let other_auth = env.add_org("Other", "owner@other.test").await;
        let _ = other_auth;
        let (other_id, other_org): (i64, i64) =
            sql("SELECT id, org_id FROM users WHERE email = 'owner@other.test'")
                .fetch_one(&env.state.db)
                .await
                .unwrap();
        let other = Principal {
            user_id: other_id,
            org: OrgId(other_org),
            ..owner_principal(&s)
        };
        let q = query(f, u, None, Some(s.stores[0]));
        for e in [
            satisfaction_report(&env.state, &other, &q).await.err(),
            offers_report(&env.state, &other, &q).await.err(),
            loyalty_report(&env.state, &other, &q).await.err(),
        ] {
            assert!(
                matches!(e, Some(vitrin_server::error::ApiError::NotFound)),
                "{e:?}"
            );
        }
        let q = query(f, u, None, None);
        assert!(
            satisfaction_report(&env.state, &other, &q)
                .await
                .unwrap()
                .report
                .rows
                .is_empty()
        );
        assert_eq!(
            offers_report(&env.state, &other, &q)
                .await
                .unwrap()
                .report
                .total_issued,
            0
        );
        assert!(
            loyalty_report(&env.state, &other, &q)
                .await
                .unwrap()
                .report
                .rows
                .is_empty()
        );

        // Bad input: a group of another report, an unknown timezone.
        let e = satisfaction_report(&env.state, &owner, &query(f, u, Some("promo"), None))
            .await
            .err()
            .unwrap();
        assert!(
            matches!(e, vitrin_server::error::ApiError::Validation(_)),
            "{e:?}"
        );
        let e = offers_report(&env.state, &owner, &query(f, u, Some("week"), None))
            .await
            .err()
            .unwrap();
        assert!(
            matches!(e, vitrin_server::error::ApiError::Validation(_)),
            "{e:?}"
        );
        let mut bad = query(f, u, None, None);
        bad.tz = Some("Mars/Olympus".into());
        assert!(loyalty_report(&env.state, &owner, &bad).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn the_reports_page_shows_the_customer_reports_in_both_languages() {
    each_backend(|env| async move {
        let mut web = WebClient::setup(&env, "owner@page.test").await;
        let owner = env.login("owner@page.test", common::PASSWORD).await;
        let store = env
            .create(
                &owner,
                "/api/v1/stores",
                json!({"name": "Valiasr", "timezone": TEHRAN}),
            )
            .await;
        let screen = env
            .create(
                &owner,
                "/api/v1/screens",
                json!({"store_id": store, "name": "Counter"}),
            )
            .await;
        let org: i64 = sql("SELECT org_id FROM stores WHERE id = $1")
            .bind(store)
            .fetch_i64(&env.state.db)
            .await
            .unwrap();
        let mut data = Data::default();
        data.feedback.push(Feedback {
            store,
            screen,
            promo: 0,
            at: tehran(2026, 10, 5, 10, 0),
            rating: 4,
        });
        let cards = make_cards(&env, org, 1).await;
        data.visits.push(Visit {
            card: cards[0],
            store,
            at: tehran(2026, 10, 5, 10, 0),
        });
        store_data(&env, org, &data, &cards).await;
        let range = "from=2026-10-01&until=2026-10-31";
        let page = web
            .get(&format!("/reports?report=satisfaction&{range}&group=week"))
            .await;
        assert_eq!(page.status, 200, "{}", page.html);
        page.assert_contains("Customer satisfaction")
            .assert_contains("Week (from Saturday)")
            .assert_contains("<svg")
            .assert_contains("2026-10-03")
            .assert_contains("/api/v1/reports/satisfaction?format=csv&#38;from=2026-10-01");
        let page = web.get(&format!("/reports?report=loyalty&{range}")).await;
        page.assert_contains("Loyalty and retention")
            .assert_contains("Valiasr · 2026-10")
            .assert_contains("/api/v1/reports/loyalty?format=csv");
        let page = web.get(&format!("/reports?report=offers&{range}")).await;
        page.assert_contains("Offer codes")
            .assert_contains("Part of day")
            .assert_contains("/api/v1/reports/offers?format=csv");
        // A wrong group is shown as a form error, not a failure.
        let page = web
            .get(&format!("/reports?report=offers&{range}&group=week"))
            .await;
        assert_eq!(page.status, 422);
        // Persian.
        web.accept_language = Some("fa".into());
        let page = web
            .get(&format!("/reports?report=satisfaction&{range}"))
            .await;
        page.assert_contains("رضایت مشتریان")
            .assert_contains("هفته (از شنبه)")
            .assert_contains("Valiasr");
        let page = web.get(&format!("/reports?report=loyalty&{range}")).await;
        page.assert_contains("وفاداری و ماندگاری مشتریان");
        let page = web.get(&format!("/reports?report=offers&{range}")).await;
        page.assert_contains("کدهای پیشنهاد ویژه");
    })
    .await;
}
