//! Iran's official public holidays for one Solar Hijri year.
//!
//! Solar holidays fall on fixed Jalali days and are exact. Lunar holidays fall on fixed days of
//! the Islamic (Hijri) calendar, and their dates here are computed estimates: Iran's official
//! dates follow moon sighting and may differ by a day, so the admin offers them for confirmation
//! each year.
//!
//! The Hijri calendar is ICU4X's `Hijri<UmmAlQura>`. Its month lengths for 1300–1600 AH are the
//! KACST astronomical tables compiled into `icu_calendar` itself, so it needs no data provider and
//! works with `default-features = false`. Being computed from the real moon, it stays within a day
//! of Iran's sighted months (for 1405 it is exact or one day early); the arithmetic
//! `TabularAlgorithm` drifts from the moon and can be two days off.

use icu_calendar::cal::Hijri;
use icu_calendar::cal::hijri::UmmAlQura;
use icu_calendar::options::{DateFromFieldsOptions, Overflow};
use icu_calendar::types::DateFields;
use icu_calendar::{Date as IcuDate, Iso};
use jiff::civil::Date;
use serde::Serialize;

use crate::calendar::{from_jalali, jalali_month_length};

/// Which calendar fixes a holiday's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A fixed Solar Hijri (Jalali) day: the date is exact.
    Solar,
    /// A fixed Islamic (Hijri) day: the date is an estimate, see the module docs.
    Lunar,
}

/// One official holiday on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// Stable key, e.g. "nowruz_1", "sizdah_bedar", "tasua", "ashura", "eid_al_fitr_1".
    pub key: &'static str,
    pub name_fa: &'static str,
    pub name_en: &'static str,
    /// The Gregorian date.
    pub date: Date,
    pub kind: HolidayKind,
}

/// A holiday's (month, day, key, Persian name, English name) in its own calendar.
///
/// Holidays are defined by their day in the Jalali or the Hijri calendar, never by a Gregorian
/// date: two tables, one per calendar, are all there is to the law, and the Gregorian dates are
/// derived from them each year.
type Entry = (u8, u8, &'static str, &'static str, &'static str);

#[rustfmt::skip]
const SOLAR: [Entry; 10] = [
    (1, 1, "nowruz_1", "آغاز نوروز", "Nowruz (New Year)"),
    (1, 2, "nowruz_2", "عید نوروز", "Nowruz holiday"),
    (1, 3, "nowruz_3", "عید نوروز", "Nowruz holiday"),
    (1, 4, "nowruz_4", "عید نوروز", "Nowruz holiday"),
    (1, 12, "islamic_republic_day", "روز جمهوری اسلامی ایران", "Islamic Republic Day"),
    (1, 13, "sizdah_bedar", "روز طبیعت (سیزده به در)", "Nature Day (Sizdah Bedar)"),
    (3, 14, "khomeini_death", "رحلت امام خمینی", "Death of Imam Khomeini"),
    (3, 15, "khordad_15_uprising", "قیام ۱۵ خرداد", "Uprising of 15 Khordad"),
    (11, 22, "revolution_victory", "پیروزی انقلاب اسلامی", "Victory of the Islamic Revolution"),
    // 29 Esfand exists every year: Esfand has 29 days, 30 in leap years.
    (12, 29, "oil_nationalization", "روز ملی شدن صنعت نفت", "Oil Industry Nationalization Day"),
];

/// Day 30 here means the last day of the month: a Hijri month has 29 or 30 days, and
/// [`from_hijri`] turns day 30 of a 29-day month into day 29.
const LAST_DAY: u8 = 30;

/// In Hijri order: a Hijri year's holidays come in this order.
#[rustfmt::skip]
const LUNAR: [Entry; 17] = [
    (1, 9, "tasua", "تاسوعای حسینی", "Tasua"),
    (1, 10, "ashura", "عاشورای حسینی", "Ashura"),
    (2, 20, "arbaeen", "اربعین حسینی", "Arbaeen"),
    (2, 28, "prophet_demise", "رحلت رسول اکرم و شهادت امام حسن مجتبی",
        "Demise of the Prophet and martyrdom of Imam Hasan"),
    (2, LAST_DAY, "imam_reza_martyrdom", "شهادت امام رضا", "Martyrdom of Imam Reza"),
    (3, 8, "imam_hasan_askari_martyrdom", "شهادت امام حسن عسکری", "Martyrdom of Imam Hasan Askari"),
    (3, 17, "prophet_birthday", "میلاد رسول اکرم و امام جعفر صادق",
        "Birth of the Prophet and Imam Sadiq"),
    (6, 3, "fatima_martyrdom", "شهادت حضرت فاطمه زهرا", "Martyrdom of Fatima"),
    (7, 13, "imam_ali_birthday", "ولادت امام علی", "Birth of Imam Ali"),
    (7, 27, "mabath", "مبعث رسول اکرم", "Mab'ath"),
    (8, 15, "imam_mahdi_birthday", "ولادت حضرت قائم (نیمه شعبان)", "Birth of Imam Mahdi"),
    (9, 21, "imam_ali_martyrdom", "شهادت حضرت علی", "Martyrdom of Imam Ali"),
    (10, 1, "eid_al_fitr_1", "عید سعید فطر", "Eid al-Fitr"),
    (10, 2, "eid_al_fitr_2", "تعطیل به مناسبت عید سعید فطر", "Eid al-Fitr holiday"),
    (10, 25, "imam_sadiq_martyrdom", "شهادت امام جعفر صادق", "Martyrdom of Imam Sadiq"),
    (12, 10, "eid_al_adha", "عید سعید قربان", "Eid al-Adha"),
    (12, 18, "eid_al_ghadir", "عید سعید غدیر خم", "Eid al-Ghadir"),
];

const RAMADAN: u8 = 9;

const HIJRI: Hijri<UmmAlQura> = Hijri::new_umm_al_qura();

/// Every official holiday whose date falls in Solar Hijri year `year` (1 Farvardin .. last day
/// of Esfand), sorted by date then key.
///
/// A Hijri year is about 11 days shorter than a solar one, so a lunar holiday can occur twice in
/// a year (1405 has two Eid al-Fitrs) or not at all. Years too far away to convert (beyond
/// jiff's Gregorian years -9999..=9999) have no holidays.
pub fn iran_holidays(year: i32) -> Vec<Holiday> {
    let Some((first, last)) = solar_year(year) else {
        return Vec::new();
    };
    let solar = SOLAR
        .iter()
        .filter_map(|&(month, day, key, name_fa, name_en)| {
            Some(Holiday {
                key,
                name_fa,
                name_en,
                date: from_jalali(year, month, day).ok()?,
                kind: HolidayKind::Solar,
            })
        });
    let lunar = hijri_years(first, last)
        .flat_map(|hijri_year| {
            LUNAR
                .iter()
                .filter_map(move |&(month, day, key, name_fa, name_en)| {
                    Some(Holiday {
                        key,
                        name_fa,
                        name_en,
                        date: from_hijri(hijri_year, month, day)?,
                        kind: HolidayKind::Lunar,
                    })
                })
        })
        .filter(|holiday| (first..=last).contains(&holiday.date));
    let mut holidays: Vec<Holiday> = solar.chain(lunar).collect();
    holidays.sort_by_key(|holiday| (holiday.date, holiday.key));
    holidays
}

/// The month of Ramadan (1 Ramadan ..= last day of Ramadan, Gregorian dates, inclusive) that
/// begins in Solar Hijri year `year`, or None when none begins in it.
///
/// A Ramadan begins in every year that can be converted. In the rare year where two begin (one
/// in early Farvardin, the next in late Esfand), this is the first.
pub fn ramadan(year: i32) -> Option<(Date, Date)> {
    let (first, last) = solar_year(year)?;
    hijri_years(first, last).find_map(|hijri_year| {
        let start = from_hijri(hijri_year, RAMADAN, 1)?;
        let end = from_hijri(hijri_year, RAMADAN, LAST_DAY)?;
        (first..=last).contains(&start).then_some((start, end))
    })
}

/// The first and last Gregorian days of a Solar Hijri year.
fn solar_year(year: i32) -> Option<(Date, Date)> {
    let first = from_jalali(year, 1, 1).ok()?;
    let last = from_jalali(year, 12, jalali_month_length(year, 12).ok()?).ok()?;
    Some((first, last))
}

/// The Hijri years that overlap the days `first..=last`: up to three for a solar year.
fn hijri_years(first: Date, last: Date) -> std::ops::RangeInclusive<i32> {
    hijri_year(first)..=hijri_year(last)
}

fn hijri_year(date: Date) -> i32 {
    // Months (1–12) and days (1–31) fit both jiff's i8 and ICU's u8.
    IcuDate::try_new_iso(i32::from(date.year()), date.month() as u8, date.day() as u8)
        .expect("ICU accepts every ISO date jiff can hold (years -9999..=9999)")
        .to_calendar(HIJRI)
        .year()
        .extended_year()
}

/// The Gregorian date of a Hijri day; a day past the month's end means its last day.
fn from_hijri(year: i32, month: u8, day: u8) -> Option<Date> {
    let mut fields = DateFields::default();
    fields.extended_year = Some(year);
    fields.ordinal_month = Some(month);
    fields.day = Some(day);
    // Constrain turns day 30 of a 29-day month into day 29. `try_from_fields` rather than
    // `Date::try_new_hijri_with_calendar`, which stops at Hijri year ±9999, short of jiff's
    // earliest dates (as in `calendar::persian_date`).
    let mut options = DateFromFieldsOptions::default();
    options.overflow = Some(Overflow::Constrain);
    let iso = IcuDate::try_from_fields(fields, options, HIJRI)
        .ok()?
        .to_calendar(Iso);
    // ICU reaches further than jiff's years -9999..=9999; beyond them there is no answer.
    Date::new(
        i16::try_from(iso.year().extended_year()).ok()?,
        iso.month().ordinal as i8,
        iso.day_of_month().0 as i8,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{JalaliDate, to_jalali};
    use jiff::civil::date;
    use proptest::prelude::*;

    /// Computed once with this module, then checked: every solar date by hand against the
    /// Jalali calendar (1 Farvardin 1405 = 2026-03-21, 22 Bahman = 2027-02-11), every lunar one
    /// against the published calendars in `within_a_day_of_published_calendars`.
    const GOLDEN_1405: [(&str, Date); 28] = [
        // 2 Shawwal 1447; 1 Shawwal (2026-03-20) is still in 1404.
        ("eid_al_fitr_2", date(2026, 3, 21)),
        ("nowruz_1", date(2026, 3, 21)),
        ("nowruz_2", date(2026, 3, 22)),
        ("nowruz_3", date(2026, 3, 23)),
        ("nowruz_4", date(2026, 3, 24)),
        ("islamic_republic_day", date(2026, 4, 1)),
        ("sizdah_bedar", date(2026, 4, 2)),
        ("imam_sadiq_martyrdom", date(2026, 4, 13)),
        ("eid_al_adha", date(2026, 5, 27)),
        ("eid_al_ghadir", date(2026, 6, 4)),
        ("khomeini_death", date(2026, 6, 4)),
        ("khordad_15_uprising", date(2026, 6, 5)),
        ("tasua", date(2026, 6, 24)),
        ("ashura", date(2026, 6, 25)),
        ("arbaeen", date(2026, 8, 3)),
        ("prophet_demise", date(2026, 8, 11)),
        ("imam_reza_martyrdom", date(2026, 8, 13)), // 30 Safar 1448
        ("imam_hasan_askari_martyrdom", date(2026, 8, 21)),
        ("prophet_birthday", date(2026, 8, 30)),
        ("fatima_martyrdom", date(2026, 11, 13)),
        ("imam_ali_birthday", date(2026, 12, 22)),
        ("mabath", date(2027, 1, 5)),
        ("imam_mahdi_birthday", date(2027, 1, 23)),
        ("revolution_victory", date(2027, 2, 11)),
        ("imam_ali_martyrdom", date(2027, 2, 28)),
        // Eid al-Fitr again, of 1448: 1405 has two.
        ("eid_al_fitr_1", date(2027, 3, 9)),
        ("eid_al_fitr_2", date(2027, 3, 10)),
        ("oil_nationalization", date(2027, 3, 20)),
    ];

    const GOLDEN_1406: [(&str, Date); 27] = [
        ("nowruz_1", date(2027, 3, 21)),
        ("nowruz_2", date(2027, 3, 22)),
        ("nowruz_3", date(2027, 3, 23)),
        ("nowruz_4", date(2027, 3, 24)),
        ("islamic_republic_day", date(2027, 4, 1)),
        ("imam_sadiq_martyrdom", date(2027, 4, 2)),
        ("sizdah_bedar", date(2027, 4, 2)),
        ("eid_al_adha", date(2027, 5, 16)),
        ("eid_al_ghadir", date(2027, 5, 24)),
        ("khomeini_death", date(2027, 6, 4)),
        ("khordad_15_uprising", date(2027, 6, 5)),
        ("tasua", date(2027, 6, 14)),
        ("ashura", date(2027, 6, 15)),
        ("arbaeen", date(2027, 7, 24)),
        ("prophet_demise", date(2027, 8, 1)),
        ("imam_reza_martyrdom", date(2027, 8, 2)), // 29 Safar 1449
        ("imam_hasan_askari_martyrdom", date(2027, 8, 10)),
        ("prophet_birthday", date(2027, 8, 19)),
        ("fatima_martyrdom", date(2027, 11, 2)),
        ("imam_ali_birthday", date(2027, 12, 11)),
        ("mabath", date(2027, 12, 25)),
        ("imam_mahdi_birthday", date(2028, 1, 12)),
        ("revolution_victory", date(2028, 2, 11)),
        ("imam_ali_martyrdom", date(2028, 2, 17)),
        ("eid_al_fitr_1", date(2028, 2, 26)),
        ("eid_al_fitr_2", date(2028, 2, 27)),
        ("oil_nationalization", date(2028, 3, 19)),
    ];

    fn keys_and_dates(year: i32) -> Vec<(&'static str, Date)> {
        iran_holidays(year)
            .into_iter()
            .map(|holiday| (holiday.key, holiday.date))
            .collect()
    }

    #[test]
    fn golden_1405() {
        assert_eq!(keys_and_dates(1405), GOLDEN_1405);
        assert_eq!(ramadan(1405), Some((date(2027, 2, 8), date(2027, 3, 8))));
    }

    #[test]
    fn golden_1406() {
        assert_eq!(keys_and_dates(1406), GOLDEN_1406);
        assert_eq!(ramadan(1406), Some((date(2028, 1, 28), date(2028, 2, 25))));
    }

    /// Iran's official 1405 calendar (Council for Public Culture), as reported by ILNA on
    /// 2025-10-30, "سال ۱۴۰۵ چند روز تعطیل رسمی دارد؟" (https://www.ilna.ir/ news 1707051):
    /// 1–2 Farvardin Eid al-Fitr, 6 Khordad Eid al-Adha, 14 Khordad Eid al-Ghadir, 3 and 4 Tir
    /// Tasua and Ashura, and Eid al-Fitr (of 1448) a second time in Esfand.
    const OFFICIAL_1405: [(&str, Date); 6] = [
        ("eid_al_fitr_1", date(2026, 3, 21)),
        ("eid_al_fitr_2", date(2026, 3, 22)),
        ("eid_al_adha", date(2026, 5, 27)),
        ("eid_al_ghadir", date(2026, 6, 4)),
        ("tasua", date(2026, 6, 24)),
        ("ashura", date(2026, 6, 25)),
    ];

    /// Tentative dates published for Iran ahead of time: holidayssky.com "Public Holidays in
    /// Iran for 2026" (also day-off.app/tools/country/IR) and flightpedia.org "Iran public
    /// holidays 2027". Not official, but independent of ICU4X.
    const PUBLISHED: [(&str, Date); 28] = [
        ("imam_sadiq_martyrdom", date(2026, 4, 13)),
        ("arbaeen", date(2026, 8, 4)),
        ("prophet_demise", date(2026, 8, 12)),
        ("imam_reza_martyrdom", date(2026, 8, 14)),
        ("imam_hasan_askari_martyrdom", date(2026, 8, 21)),
        ("prophet_birthday", date(2026, 8, 30)),
        ("fatima_martyrdom", date(2026, 11, 13)),
        ("imam_ali_birthday", date(2026, 12, 23)),
        ("mabath", date(2027, 1, 6)),
        ("imam_mahdi_birthday", date(2027, 1, 24)),
        ("imam_ali_martyrdom", date(2027, 2, 28)),
        ("eid_al_fitr_1", date(2027, 3, 10)),
        ("eid_al_fitr_2", date(2027, 3, 11)),
        ("imam_sadiq_martyrdom", date(2027, 4, 3)),
        ("eid_al_adha", date(2027, 5, 17)),
        ("eid_al_ghadir", date(2027, 5, 25)),
        ("tasua", date(2027, 6, 14)),
        ("ashura", date(2027, 6, 15)),
        ("arbaeen", date(2027, 7, 25)),
        ("prophet_demise", date(2027, 8, 2)),
        ("imam_reza_martyrdom", date(2027, 8, 3)),
        ("imam_hasan_askari_martyrdom", date(2027, 8, 11)),
        ("prophet_birthday", date(2027, 8, 20)),
        ("fatima_martyrdom", date(2027, 11, 3)),
        ("imam_ali_birthday", date(2027, 12, 12)),
        // Also from the same pages, for the solar side.
        ("revolution_victory", date(2027, 2, 11)),
        ("khomeini_death", date(2026, 6, 4)),
        ("khordad_15_uprising", date(2026, 6, 5)),
    ];

    /// 1404 as Iran observed it: the official 1404 list (gardshgar.com/holiday-1404) and, for
    /// Arbaeen, the sighting-based announcement (abna24.com news 1711693, 2025-07-26: Thursday
    /// 23 Mordad in Iran, a day before Iraq). Here Umm al-Qura was often a day early.
    const OBSERVED_1404: [(&str, Date); 10] = [
        ("imam_ali_martyrdom", date(2025, 3, 22)),
        ("eid_al_fitr_1", date(2025, 3, 31)),
        ("eid_al_fitr_2", date(2025, 4, 1)),
        ("imam_sadiq_martyrdom", date(2025, 4, 24)),
        ("eid_al_adha", date(2025, 6, 6)),
        ("eid_al_ghadir", date(2025, 6, 14)),
        ("tasua", date(2025, 7, 5)),
        ("ashura", date(2025, 7, 6)),
        ("arbaeen", date(2025, 8, 14)),
        ("prophet_demise", date(2025, 8, 22)),
    ];

    #[test]
    fn within_a_day_of_published_calendars() {
        // A published date may fall in the neighbouring year when ours is a day off.
        let computed: Vec<Holiday> = (1403..=1407).flat_map(iran_holidays).collect();
        let published = OBSERVED_1404.iter().chain(&OFFICIAL_1405).chain(&PUBLISHED);
        for (key, published) in published {
            let off_by = computed
                .iter()
                .filter(|holiday| holiday.key == *key)
                .map(|holiday| (holiday.date - *published).get_days().abs())
                .min()
                .unwrap();
            assert!(off_by <= 1, "{key}: {off_by} days from {published}");
        }
    }

    #[test]
    fn brief_expectations() {
        let on = |year, key| {
            iran_holidays(year)
                .into_iter()
                .filter(|holiday| holiday.key == key)
                .map(|holiday| holiday.date)
                .collect::<Vec<_>>()
        };
        assert_eq!(on(1405, "nowruz_1"), [date(2026, 3, 21)]);
        assert_eq!(on(1406, "nowruz_1"), [date(2027, 3, 21)]);
        assert_eq!(on(1405, "revolution_victory"), [date(2027, 2, 11)]);
        assert_eq!(on(1405, "ashura"), [date(2026, 6, 25)]);
        assert_eq!(on(1405, "eid_al_fitr_1"), [date(2027, 3, 9)]);
        assert_eq!(
            on(1405, "eid_al_fitr_2"),
            [date(2026, 3, 21), date(2027, 3, 10)]
        );
    }

    #[test]
    fn the_first_of_two_ramadans() {
        // Ramadan 1444 began on 2 Farvardin 1402 and Ramadan 1445 on 21 Esfand 1402.
        assert_eq!(ramadan(1402), Some((date(2023, 3, 23), date(2023, 4, 20))));
        assert_eq!(from_hijri(1445, RAMADAN, 1), Some(date(2024, 3, 11)));
        assert_eq!(to_jalali(date(2024, 3, 11)).year, 1402);
    }

    #[test]
    fn serializes_with_snake_case_kind() {
        let tasua = iran_holidays(1405)
            .into_iter()
            .find(|holiday| holiday.key == "tasua")
            .unwrap();
        assert_eq!(
            serde_json::to_value(&tasua).unwrap(),
            serde_json::json!({
                "key": "tasua",
                "name_fa": "تاسوعای حسینی",
                "name_en": "Tasua",
                "date": "2026-06-24",
                "kind": "lunar",
            })
        );
    }

    /// (year, month, day) in the Hijri calendar used here.
    fn hijri(date: Date) -> (i32, u8, u8) {
        let hijri =
            IcuDate::try_new_iso(i32::from(date.year()), date.month() as u8, date.day() as u8)
                .unwrap()
                .to_calendar(HIJRI);
        (
            hijri.year().extended_year(),
            hijri.month().ordinal,
            hijri.day_of_month().0,
        )
    }

    fn check_year(year: i32) {
        let holidays = iran_holidays(year);
        let Some((first, last)) = solar_year(year) else {
            assert!(holidays.is_empty());
            assert_eq!(ramadan(year), None);
            return;
        };
        assert!(holidays.is_sorted_by_key(|holiday| (holiday.date, holiday.key)));
        for holiday in &holidays {
            assert_eq!(to_jalali(holiday.date).year, year, "{holiday:?}");
        }

        for (month, day, key, ..) in SOLAR {
            let found: Vec<&Holiday> = holidays.iter().filter(|h| h.key == key).collect();
            assert_eq!(found.len(), 1, "{year} {key}");
            assert_eq!(found[0].kind, HolidayKind::Solar);
            assert_eq!(to_jalali(found[0].date), JalaliDate { year, month, day });
        }

        let lunar: Vec<&Holiday> = holidays
            .iter()
            .filter(|holiday| holiday.kind == HolidayKind::Lunar)
            .collect();
        for holiday in &lunar {
            let (month, day, ..) = LUNAR.iter().find(|entry| entry.2 == holiday.key).unwrap();
            let (_, hijri_month, hijri_day) = hijri(holiday.date);
            assert_eq!(hijri_month, *month, "{holiday:?}");
            if *day == LAST_DAY {
                let next = holiday.date.tomorrow().unwrap();
                assert_eq!(
                    hijri(next).1,
                    month % 12 + 1,
                    "{holiday:?} is not the last day"
                );
            } else {
                assert_eq!(hijri_day, *day, "{holiday:?}");
            }
        }
        // Within one Hijri year, the holidays come in the table's order.
        let position = |key| LUNAR.iter().position(|entry| entry.2 == key).unwrap();
        for pair in lunar.windows(2) {
            if hijri(pair[0].date).0 == hijri(pair[1].date).0 {
                assert!(position(pair[0].key) < position(pair[1].key), "{pair:?}");
            }
        }
        // Every occurrence inside the year is there: no day of the lunar table is missed.
        let mut day = first;
        while day <= last {
            let (_, month, day_of_month) = hijri(day);
            let tomorrow_month = hijri(day.tomorrow().unwrap()).1;
            let expected = LUNAR.iter().filter(|entry| {
                entry.0 == month
                    && (entry.1 == day_of_month || entry.1 == LAST_DAY && tomorrow_month != month)
            });
            for entry in expected {
                assert!(
                    lunar.iter().any(|h| h.key == entry.2 && h.date == day),
                    "{year}: {} missing on {day}",
                    entry.2
                );
            }
            day = day.tomorrow().unwrap();
        }

        let (start, end) = ramadan(year).expect("a Ramadan begins in every solar year");
        assert!((first..=last).contains(&start));
        assert!(matches!((end - start).get_days() + 1, 29 | 30));
        assert_eq!((hijri(start).1, hijri(start).2), (RAMADAN, 1));
        assert_eq!(hijri(end).1, RAMADAN);
        assert_eq!(hijri(end.tomorrow().unwrap()).1, RAMADAN + 1);
        // The first Ramadan of the year: the one before began before 1 Farvardin.
        let previous = from_hijri(hijri(start).0 - 1, RAMADAN, 1).unwrap();
        assert!(previous < first);
    }

    #[test]
    fn properties_hold_around_the_present() {
        for year in 1300..=1500 {
            check_year(year);
        }
    }

    #[test]
    fn properties_hold_at_the_edges_of_conversion() {
        // jiff's first and last days, -9999-01-01 and 9999-12-31, fall in these Jalali years.
        for year in (-10_625..=-10_615).chain(9_372..=9_382) {
            check_year(year);
        }
    }

    #[test]
    fn years_beyond_conversion_have_no_holidays() {
        for year in [i32::MIN, -20_000, 20_000, i32::MAX] {
            assert!(iran_holidays(year).is_empty());
            assert_eq!(ramadan(year), None);
        }
    }

    proptest! {
        #[test]
        fn properties_hold_in_any_year(year in -10_625i32..=9_382) {
            check_year(year);
        }
    }
}
