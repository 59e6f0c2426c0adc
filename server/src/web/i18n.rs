//! The admin's two languages: English and Persian (right-to-left, Persian digits, Solar Hijri
//! dates). Every visible string is a key looked up in the catalogs below; each page module keeps
//! its own catalog (`TEXT`) next to its handlers and lists it in `CATALOGS`.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::{HeaderMap, header};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use vitrin_shared::calendar::{self, Digits};

/// One translatable string: its key, the English text and the Persian text. `{name}` marks a
/// value filled in by `Lang::tf`.
pub type Entry = (&'static str, &'static str, &'static str);

/// Every page module's catalog. A key must be unique across all of them (a unit test checks).
pub static CATALOGS: &[&[Entry]] = &[
    COMMON,
    super::auth::TEXT,
    super::users::TEXT,
    super::dashboard::TEXT,
    super::media::TEXT,
    super::screens::TEXT,
    super::menus::TEXT,
    super::menu_csv::TEXT,
    super::store_prices::TEXT,
    super::playlists::TEXT,
    super::layouts::TEXT,
    super::schedule::TEXT,
    super::emergency::TEXT,
    super::franchise::TEXT,
    super::feeds::TEXT,
    super::reports::TEXT,
    super::used::TEXT,
    super::content::TEXT,
    super::groups::TEXT,
    super::hours::TEXT,
    super::brand::TEXT,
    super::tokens::TEXT,
    super::audit::TEXT,
    super::customer::TEXT,
    super::customers::TEXT,
];

static INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| {
    CATALOGS
        .iter()
        .flat_map(|catalog| catalog.iter())
        .map(|&(key, en, fa)| (key, (en, fa)))
        .collect()
});

/// The language a page is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Fa,
}

/// Remembers a signed-out visitor's choice from the language switcher.
pub const LANG_COOKIE: &str = "vitrin_lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fa];

    /// The BCP 47 code, for `<html lang>` and the user's setting.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fa => "fa",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        match primary {
            "en" => Some(Lang::En),
            "fa" | "per" | "pes" => Some(Lang::Fa),
            _ => None,
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fa => "فارسی",
        }
    }

    /// `ltr` or `rtl`, for `<html dir>`.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::Fa => "rtl",
        }
    }

    pub fn digits(self) -> Digits {
        match self {
            Lang::En => Digits::Latin,
            Lang::Fa => Digits::Persian,
        }
    }

    /// The best supported language of an `Accept-Language` header, by its q-values.
    pub fn from_accept_language(value: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in value.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// The language of a request: the user's setting, else the switcher's cookie, else the
    /// browser's preference, else English.
    pub fn resolve(user_setting: Option<&str>, headers: &HeaderMap) -> Lang {
        user_setting
            .and_then(Lang::parse)
            .or_else(|| cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c)))
            .or_else(|| {
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default()
    }

    /// The text for `key`. A missing key shows itself (and is caught by the catalog test and
    /// the page tests, which look for the texts).
    pub fn t(self, key: &str) -> &str {
        match INDEX.get(key) {
            Some((en, fa)) => match self {
                Lang::En => en,
                Lang::Fa => fa,
            },
            None => {
                tracing::warn!(key, "missing translation");
                key
            }
        }
    }

    /// The text for `key` with each `{name}` replaced by its value. Numbers passed as values are
    /// already formatted (use `num`).
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// An integer in this language's digits.
    pub fn num(self, n: i64) -> String {
        calendar::format_number(n, self.digits())
    }

    /// Any text with its ASCII digits in this language's digits (sizes, times, codes).
    pub fn digits_in(self, text: &str) -> String {
        self.digits().apply(text)
    }

    /// A calendar date in `tz`: Solar Hijri with Persian digits for Persian, ISO for English.
    pub fn date(self, epoch_ms: i64, tz: &TimeZone) -> String {
        let Ok(ts) = Timestamp::from_millisecond(epoch_ms) else {
            return String::new();
        };
        let date = ts.to_zoned(tz.clone()).date();
        match self {
            Lang::En => date.to_string(),
            Lang::Fa => calendar::format_jalali(calendar::to_jalali(date), Digits::Persian),
        }
    }

    /// Date and time of day (24-hour) in `tz`.
    pub fn datetime(self, epoch_ms: i64, tz: &TimeZone) -> String {
        let Ok(ts) = Timestamp::from_millisecond(epoch_ms) else {
            return String::new();
        };
        let time = ts.to_zoned(tz.clone()).time();
        let clock = format!("{:02}:{:02}", time.hour(), time.minute());
        format!("{} {}", self.date(epoch_ms, tz), self.digits_in(&clock))
    }

    /// A byte count for people: `2.5 MB`, `۲٫۵ مگابایت`.
    pub fn bytes(self, n: i64) -> String {
        let (value, unit) = if n >= 1_000_000_000 {
            (n as f64 / 1e9, "unit.gb")
        } else if n >= 1_000_000 {
            (n as f64 / 1e6, "unit.mb")
        } else if n >= 1_000 {
            (n as f64 / 1e3, "unit.kb")
        } else {
            (n as f64, "unit.b")
        };
        let mut number = format!("{value:.1}").trim_end_matches(".0").to_owned();
        if self == Lang::Fa {
            number = number.replace('.', "٫");
        }
        format!("{} {}", self.digits_in(&number), self.t(unit))
    }
}

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_owned())
}

/// Strings every page uses: the frame, navigation, error pages, generic form messages.
const COMMON: &[Entry] = &[
    ("app.name", "Vitrin", "ویترین"),
    // The name of a duplicated playlist, layout or content item (`web::media::copy_name`).
    ("library.copy_name", "{name} (copy)", "{name} (کپی)"),
    (
        "library.copy_name_n",
        "{name} (copy {n})",
        "{name} (کپی {n})",
    ),
    ("nav.main", "Main menu", "منوی اصلی"),
    ("nav.dashboard", "Dashboard", "پیشخوان"),
    ("nav.media", "Media", "رسانه‌ها"),
    ("nav.screens", "Screens", "نمایشگرها"),
    ("nav.users", "Users", "کاربران"),
    ("nav.account", "My account", "حساب من"),
    ("nav.logout", "Sign out", "خروج"),
    ("nav.skip", "Skip to content", "رفتن به محتوا"),
    ("lang.switch", "Language", "زبان"),
    ("lang.apply", "Change", "تغییر"),
    ("action.save", "Save", "ذخیره"),
    ("action.cancel", "Cancel", "انصراف"),
    ("action.delete", "Delete", "حذف"),
    ("action.back", "Back", "بازگشت"),
    (
        "form.has_errors",
        "Please correct the marked fields.",
        "لطفاً خانه‌های مشخص‌شده را اصلاح کنید.",
    ),
    ("form.required_mark", "required", "الزامی"),
    ("error.title", "Something went wrong", "مشکلی پیش آمد"),
    ("error.forbidden.title", "Not allowed", "اجازه ندارید"),
    (
        "error.forbidden.body",
        "Your role ({role}) does not allow this action. Ask an owner of your organization if you need it.",
        "نقش شما ({role}) اجازهٔ این کار را نمی‌دهد. اگر لازم دارید از یکی از مالکان سازمان بخواهید.",
    ),
    ("error.not_found.title", "Not found", "پیدا نشد"),
    (
        "error.not_found.body",
        "This page or object does not exist, or it is not in your organization.",
        "این صفحه یا مورد وجود ندارد، یا متعلق به سازمان شما نیست.",
    ),
    (
        "error.internal.body",
        "The server could not complete the request. Nothing was changed; please try again.",
        "سرور نتوانست درخواست را انجام دهد. چیزی تغییر نکرد؛ لطفاً دوباره تلاش کنید.",
    ),
    ("error.home", "Go to the dashboard", "رفتن به پیشخوان"),
    (
        "err.required",
        "This field is required.",
        "این خانه الزامی است.",
    ),
    (
        "err.invalid",
        "This value is not valid.",
        "این مقدار معتبر نیست.",
    ),
    (
        "err.too_short",
        "This is too short.",
        "این مقدار خیلی کوتاه است.",
    ),
    (
        "err.too_long",
        "This is too long.",
        "این مقدار خیلی بلند است.",
    ),
    (
        "err.taken",
        "This is already in use.",
        "این مقدار قبلاً استفاده شده است.",
    ),
    ("err.unknown", "No such item.", "چنین موردی وجود ندارد."),
    (
        "err.unknown_timezone",
        "Not a known time zone (e.g. Asia/Tehran).",
        "منطقهٔ زمانی شناخته‌شده‌ای نیست (مثلاً Asia/Tehran).",
    ),
    (
        "err.control_character",
        "Remove the invisible control character from this text.",
        "نویسهٔ کنترلی نامرئی را از این متن حذف کنید.",
    ),
    (
        "err.never_fires",
        "This cron line never fires from now on: no coming date matches it.",
        "این خط cron از این پس هرگز اجرا نمی‌شود: هیچ تاریخ آینده‌ای با آن جور نیست.",
    ),
    (
        "err.out_of_range",
        "This value is out of range.",
        "این مقدار خارج از محدوده است.",
    ),
    (
        "err.conflict",
        "This conflicts with existing data.",
        "این با داده‌های موجود تداخل دارد.",
    ),
    (
        "err.rate_limited",
        "Too many attempts; try again in a few minutes.",
        "تلاش‌ها زیاد بود؛ چند دقیقهٔ دیگر دوباره امتحان کنید.",
    ),
    ("role.owner", "owner", "مالک"),
    ("role.store_manager", "store manager", "مدیر فروشگاه"),
    ("role.editor", "editor", "ویرایشگر"),
    ("role.viewer", "viewer", "بیننده"),
    ("unit.b", "B", "بایت"),
    ("unit.kb", "KB", "کیلوبایت"),
    ("unit.mb", "MB", "مگابایت"),
    ("unit.gb", "GB", "گیگابایت"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for &(key, en, fa) in CATALOGS.iter().flat_map(|c| c.iter()) {
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(!en.trim().is_empty(), "{key} has no English text");
            assert!(!fa.trim().is_empty(), "{key} has no Persian text");
            // A placeholder in one language must be in the other as well.
            for part in en.split('{').skip(1) {
                let name = part.split('}').next().unwrap_or_default();
                assert!(
                    fa.contains(&format!("{{{name}}}")),
                    "{key}: fa lacks {{{name}}}"
                );
            }
        }
    }

    #[test]
    fn accept_language_picks_the_highest_supported_preference() {
        assert_eq!(
            Lang::from_accept_language("fa-IR,fa;q=0.9,en;q=0.8"),
            Some(Lang::Fa)
        );
        assert_eq!(
            Lang::from_accept_language("de,en;q=0.5,fa;q=0.7"),
            Some(Lang::Fa)
        );
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de,fr;q=0.5"), None);
        assert_eq!(Lang::from_accept_language("fa;q=0,en"), Some(Lang::En));
    }

    #[test]
    fn persian_numbers_dates_and_sizes() {
        assert_eq!(Lang::Fa.num(12), "۱۲");
        assert_eq!(Lang::Fa.digits_in("code 42"), "code ۴۲");
        let tehran = TimeZone::get("Asia/Tehran").unwrap();
        // 2026-11-22 12:00 UTC is 1 Azar 1405 in Tehran.
        let ms = 1_795_348_800_000;
        assert_eq!(Lang::Fa.date(ms, &tehran), "۱۴۰۵/۰۹/۰۱");
        assert_eq!(Lang::En.date(ms, &tehran), "2026-11-22");
        assert_eq!(Lang::Fa.bytes(2_500_000), "۲٫۵ مگابایت");
        assert_eq!(Lang::En.bytes(2_000_000), "2 MB");
    }
}
