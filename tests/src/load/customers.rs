//! `vitrin-load customers`: the customer reports (satisfaction, offers, loyalty) over a
//! million scans' worth of customer data (see BENCHMARKS.md).
//!
//! The rows are written straight into the server's database with SQL, in big transactions of
//! multi-row INSERTs: going through the customer pages would time the pages (and an SMS
//! confirmation per card), not the reports. Row `i` of each table is a pure function of `i`
//! (splitmix64), so the 1 % reference is rows `i % 100 == 0` and "all" adds the others.

use std::time::Instant;

use sqlx::{Connection, Executor};

const DAY_MS: i64 = 86_400_000;

/// What the fill needs to know about the server's organization.
pub struct Shop {
    pub org: i64,
    /// Four stores, and five screens in each (`screens[i]` is in `stores[i / 5]`).
    pub stores: Vec<i64>,
    pub screens: Vec<i64>,
    /// QR promos handing out codes.
    pub promos: Vec<i64>,
    /// The end of the 60 days the rows fall in (epoch ms).
    pub now: i64,
}

/// How many rows of each kind "all" is.
#[derive(Clone, Copy)]
pub struct Sizes {
    pub codes: usize,
    pub visits: usize,
    pub cards: usize,
    pub feedback: usize,
}

impl Sizes {
    pub fn million() -> Sizes {
        Sizes {
            codes: 1_000_000,
            visits: 1_000_000,
            cards: 50_000,
            feedback: 100_000,
        }
    }
}

fn mix(i: u64, salt: u64) -> u64 {
    let mut z = i
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

enum Conn {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Conn {
    async fn open(url: &str) -> Conn {
        if url.starts_with("postgres") {
            Conn::Postgres(sqlx::PgConnection::connect(url).await.expect("PostgreSQL"))
        } else {
            Conn::Sqlite(sqlx::SqliteConnection::connect(url).await.expect("SQLite"))
        }
    }

    async fn exec(&mut self, statement: String) {
        let result = match self {
            Conn::Sqlite(c) => c
                .execute(sqlx::AssertSqlSafe(statement.clone()))
                .await
                .map(|_| ()),
            Conn::Postgres(c) => c
                .execute(sqlx::AssertSqlSafe(statement.clone()))
                .await
                .map(|_| ()),
        };
        result.unwrap_or_else(|e| panic!("{e}: {}", &statement[..statement.len().min(300)]));
    }
}

/// Writes `rows` (value tuples) under `head`, 1,000 per INSERT, 200,000 per transaction.
async fn insert(conn: &mut Conn, head: &str, rows: impl Iterator<Item = String>) -> usize {
    let mut count = 0;
    let mut batch = Vec::with_capacity(1000);
    conn.exec("BEGIN".into()).await;
    for row in rows {
        batch.push(row);
        count += 1;
        if batch.len() == 1000 {
            conn.exec(format!("{head} VALUES {}", batch.join(",")))
                .await;
            batch.clear();
            if count % 200_000 == 0 {
                conn.exec("COMMIT".into()).await;
                conn.exec("BEGIN".into()).await;
            }
        }
    }
    if !batch.is_empty() {
        conn.exec(format!("{head} VALUES {}", batch.join(",")))
            .await;
    }
    conn.exec("COMMIT".into()).await;
    count
}

/// Fills the rows `i` with `part(i)` true: offer codes (about 30 % redeemed), scan
/// aggregates, loyalty visits (cards are made on the first call) and feedback, over the 60
/// days before `shop.now`. Shop hours 08:00–22:00 UTC+03:30 roughly: instants are uniform in
/// the day's 14 hours from 04:30 UTC.
pub async fn fill(database_url: &str, shop: &Shop, sizes: Sizes, part: fn(usize) -> bool) {
    let started = Instant::now();
    let mut conn = Conn::open(database_url).await;
    let org = shop.org;
    let span_days = 60;
    let first_day = shop.now.div_euclid(DAY_MS) - span_days;
    let instant = move |i: usize, salt: u64| -> i64 {
        let h = mix(i as u64, salt);
        let day = first_day + (h % span_days as u64) as i64;
        day * DAY_MS + 16_200_000 + ((h >> 20) % (14 * 3_600_000)) as i64
    };
    let screens = shop.screens.clone();
    let promos = shop.promos.clone();
    let stores = shop.stores.clone();
    let store_of = |screen_index: usize| stores[screen_index / 5];

    let codes = insert(
        &mut conn,
        "INSERT INTO offer_codes (org_id, content_id, screen_id, store_id, code_hash, \
         issued_at, expires_at, redeemed_at, redeemed_store)",
        (0..sizes.codes).filter(|i| part(*i)).map(|i| {
            let h = mix(i as u64, 1);
            let s = (h % screens.len() as u64) as usize;
            let promo = promos[((h >> 8) % promos.len() as u64) as usize];
            let issued = instant(i, 2);
            let (redeemed, store) = if (h >> 16) % 10 < 3 {
                let at = (issued + ((h >> 24) % (3 * DAY_MS as u64)) as i64).min(shop.now);
                (at.to_string(), store_of(s).to_string())
            } else {
                ("NULL".into(), "NULL".into())
            };
            format!(
                "({org},{promo},{},{},'bench{i}',{issued},{},{redeemed},{store})",
                screens[s],
                store_of(s),
                issued + 7 * DAY_MS
            )
        }),
    )
    .await;

    // Scans: one aggregate row per promo, screen and quarter hour of shop hours, 1–5 scans
    // each (3 on average): 5 promos × 20 screens × 56 quarters × 60 days = 336,000 rows,
    // about a million scans.
    let quarters_per_day = 56usize;
    let scan_rows = promos.len() * screens.len() * quarters_per_day * span_days as usize;
    let scans = insert(
        &mut conn,
        "INSERT INTO scan_quarters (org_id, content_id, screen_id, quarter, scans)",
        (0..scan_rows).filter(|i| part(*i)).map(|i| {
            let q = i % quarters_per_day;
            let rest = i / quarters_per_day;
            let s = rest % screens.len();
            let rest = rest / screens.len();
            let p = rest % promos.len();
            let day = first_day + (rest / promos.len()) as i64;
            let quarter = day * DAY_MS + 16_200_000 + q as i64 * 900_000;
            format!(
                "({org},{},{},{quarter},{})",
                promos[p],
                screens[s],
                1 + mix(i as u64, 3) % 5
            )
        }),
    )
    .await;

    // Cards once (all of them: a card without visits costs the reports nothing).
    let mut first_card = 0i64;
    if part(0) {
        insert(
            &mut conn,
            "INSERT INTO loyalty_cards (org_id, phone_hash, token_hash, code_hash, stamps, \
             created_at)",
            (0..sizes.cards).map(|c| format!("({org},'p{c}','t{c}','k{c}',0,0)")),
        )
        .await;
    }
    let min_card: Option<(i64,)> = match &mut conn {
        Conn::Sqlite(c) => sqlx::query_as("SELECT MIN(id) FROM loyalty_cards")
            .fetch_optional(c)
            .await
            .unwrap(),
        Conn::Postgres(c) => sqlx::query_as("SELECT MIN(id) FROM loyalty_cards")
            .fetch_optional(c)
            .await
            .unwrap(),
    };
    if let Some((id,)) = min_card {
        first_card = id;
    }
    // Visits: a card's home store takes 85 % of its visits; cards come at different rates
    // (a skewed pick: a few regulars, many occasional).
    let visits = insert(
        &mut conn,
        "INSERT INTO loyalty_visits (org_id, card_id, store_id, at, free)",
        (0..sizes.visits).filter(|i| part(*i)).map(|i| {
            let h = mix(i as u64, 4);
            let u = (h % 1_000_000) as f64 / 1_000_000.0;
            let card = ((u * u) * sizes.cards as f64) as i64;
            let home = (card as usize) % stores.len();
            let store = if (h >> 32) % 100 < 85 {
                stores[home]
            } else {
                stores[((h >> 40) % stores.len() as u64) as usize]
            };
            format!(
                "({org},{},{store},{},FALSE)",
                first_card + card,
                instant(i, 5)
            )
        }),
    )
    .await;

    let feedback = insert(
        &mut conn,
        "INSERT INTO feedback (org_id, store_id, screen_id, content_id, at, rating, status, \
         delete_hash)",
        (0..sizes.feedback).filter(|i| part(*i)).map(|i| {
            let h = mix(i as u64, 6);
            let s = (h % screens.len() as u64) as usize;
            // Mostly content: 5, 4, 4, 3, 5, 2, 1, 4, 5, 5.
            let rating = [5, 4, 4, 3, 5, 2, 1, 4, 5, 5][((h >> 8) % 10) as usize];
            let status = ["new", "read", "approved", "hidden"][((h >> 12) % 4) as usize];
            format!(
                "({org},{},{},{},{},{rating},'{status}','bench{i}')",
                store_of(s),
                screens[s],
                promos[0],
                instant(i, 7)
            )
        }),
    )
    .await;
    // Statistics, as a running server's own `ANALYZE`/autovacuum would have them; on
    // PostgreSQL the vacuum also sets the visibility map that index-only scans rely on.
    match &mut conn {
        Conn::Sqlite(_) => conn.exec("ANALYZE".into()).await,
        Conn::Postgres(_) => conn.exec("VACUUM ANALYZE".into()).await,
    }
    println!(
        "stored {codes} codes, {scans} scan rows, {visits} visits, {feedback} feedback in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// The organization's id (the server has one).
pub async fn org_id(database_url: &str) -> i64 {
    let row: (i64,) = match Conn::open(database_url).await {
        Conn::Sqlite(mut c) => sqlx::query_as("SELECT MIN(id) FROM orgs")
            .fetch_one(&mut c)
            .await
            .unwrap(),
        Conn::Postgres(mut c) => sqlx::query_as("SELECT MIN(id) FROM orgs")
            .fetch_one(&mut c)
            .await
            .unwrap(),
    };
    row.0
}

/// The reports timed: name, report, query.
pub const QUERIES: &[(&str, &str, &str)] = &[
    ("satisfaction per store", "satisfaction", "group=store"),
    ("satisfaction per week", "satisfaction", "group=week"),
    (
        "satisfaction per hour of day",
        "satisfaction",
        "group=daypart",
    ),
    ("offers per promo", "offers", "group=promo"),
    ("offers per promo and screen", "offers", "group=screen"),
    (
        "offers per promo and hour of issue",
        "offers",
        "group=daypart",
    ),
    ("loyalty per store and month", "loyalty", ""),
];

/// The median seconds of each of `QUERIES` over `runs` runs after one warm-up, through
/// `GET /api/v1/reports/<report>` (or, where the server has no such route yet, the admin
/// reports page `/reports?report=<report>`, which runs the same report and inlines its
/// chart). Returns the medians and how they were reached.
pub async fn time(
    client: &reqwest::Client,
    base: &str,
    from: &str,
    runs: usize,
) -> (Vec<f64>, &'static str) {
    let mut medians = Vec::new();
    let mut via = "API";
    for (name, report, query) in QUERIES {
        let api = format!("{base}/api/v1/reports/{report}?from={from}&tz=Asia/Tehran&{query}");
        let page = format!("{base}/reports?report={report}&from={from}&{query}");
        let mut url = api.clone();
        let mut times = Vec::new();
        for run in 0..=runs {
            let started = Instant::now();
            let mut response = client.get(&url).send().await.unwrap();
            if run == 0 && response.status() == 404 {
                url = page.clone();
                via = "admin page";
                response = client.get(&url).send().await.unwrap();
            }
            assert_eq!(response.status(), 200, "{name}: {url}");
            let body = response.bytes().await.unwrap();
            assert!(!body.is_empty());
            if run > 0 {
                times.push(started.elapsed().as_secs_f64());
            }
        }
        medians.push(super::median(&times));
    }
    (medians, via)
}

/// `n` unredeemed offer codes of `promo` on the shop's first screen, valid for a week, written
/// with SQL like the rest of the fill; returns them as a customer's phone shows them. Code `i`
/// is a pure function of (`i`, `salt`): each run of `vitrin-load redeem` uses its own salt.
pub async fn issue_codes(
    database_url: &str,
    shop: &Shop,
    promo: i64,
    n: usize,
    salt: u64,
) -> Vec<String> {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let codes: Vec<String> = (0..n as u64)
        .map(|i| {
            let bits = mix(i, salt.wrapping_add(0xC0DE));
            let raw: String = (0..8)
                .map(|k| ALPHABET[((bits >> (5 * k)) & 31) as usize] as char)
                .collect();
            format!("{}-{}", &raw[..4], &raw[4..])
        })
        .collect();
    let mut conn = Conn::open(database_url).await;
    let (screen, store) = (shop.screens[0], shop.stores[0]);
    let rows = codes.iter().map(|code| {
        let hash = vitrin_server::domain::customers::codes::hash(code).expect("a well-formed code");
        format!(
            "({}, {promo}, {screen}, {store}, '{hash}', {}, {})",
            shop.org,
            shop.now,
            shop.now + 7 * DAY_MS
        )
    });
    insert(
        &mut conn,
        "INSERT INTO offer_codes (org_id, content_id, screen_id, store_id, code_hash, issued_at, \
         expires_at)",
        rows,
    )
    .await;
    codes
}
