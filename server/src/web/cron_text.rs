//! Cron lines in plain words, in Persian and English, for the schedule page: "Every weekday at
//! 07:00", "At 12:00 on the 1st of each month", «هر دوشنبه تا جمعه، ساعت ۰۷:۰۰».
//!
//! The line is read field by field here only to describe it; whether the engine accepts it is
//! decided by the engine's own parser (`CronExpr::parse`), so a line this page explains is a
//! line the players run. Standard 5-field lines and the `@daily`-style shorthands are
//! explained; 6/7-field lines whose seconds are 0 (and year `*`) too, as their 5-field form.

use super::i18n::Lang;
use jiff::Timestamp;
use vitrin_shared::calendar::{Digits, persian_weekday_name};
use vitrin_shared::schedule::CronExpr;

/// Why a line cannot be explained: it is not a cron line the engine accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CronTextError {
    /// Not 5 fields (or 6/7 with seconds, or an `@` shorthand).
    FieldCount(usize),
    /// One field is wrong: which one (0 = minute … 4 = weekday) and the token.
    Field { field: usize, token: String },
    /// The engine refused it for a reason the field reader does not know.
    Engine(String),
    /// A valid line whose dates never come again (31 February, a year gone by): the same
    /// judgement (`CronExpr::fires_after`) the library makes when the rule is saved.
    NeverFires,
}

impl CronTextError {
    /// The error as a sentence in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CronTextError::FieldCount(n), Lang::En) => format!(
                "A cron line has 5 fields (minute hour day-of-month month weekday); this one has {n}."
            ),
            (CronTextError::FieldCount(n), Lang::Fa) => Digits::Persian.apply(&format!(
                "خط cron پنج بخش دارد (دقیقه، ساعت، روز ماه، ماه، روز هفته)؛ این خط {n} بخش دارد."
            )),
            (CronTextError::Field { field, token }, Lang::En) => {
                let (name, range) = FIELD_EN[*field];
                format!(
                    "The {name} field '{token}' is not valid: use {range}, lists (a,b), ranges (a-b) or steps (*/n)."
                )
            }
            (CronTextError::Field { field, token }, Lang::Fa) => {
                let (name, range) = FIELD_FA[*field];
                format!(
                    "بخش «{name}» ({token}) درست نیست: {range}، فهرست (a,b)، بازه (a-b) یا گام (*/n) بنویسید."
                )
            }
            (CronTextError::Engine(detail), Lang::En) => {
                format!("This cron line is not valid: {detail}")
            }
            (CronTextError::Engine(detail), Lang::Fa) => format!("این خط cron درست نیست: {detail}"),
            (CronTextError::NeverFires, Lang::En) => {
                "This cron line never fires from now on: no coming date matches it (does that month have that day? is the year still ahead?).".to_owned()
            }
            (CronTextError::NeverFires, Lang::Fa) => {
                "این خط cron از این پس هرگز اجرا نمی‌شود: هیچ تاریخ آینده‌ای با آن جور نیست (آیا آن ماه چنین روزی دارد؟ آیا سال نگذشته است؟).".to_owned()
            }
        }
    }
}

const FIELD_EN: [(&str, &str); 5] = [
    ("minute", "0–59"),
    ("hour", "0–23"),
    ("day-of-month", "1–31 or L"),
    ("month", "1–12 or jan–dec"),
    ("weekday", "0–7 (Sunday is 0 and 7) or sun–sat"),
];
const FIELD_FA: [(&str, &str); 5] = [
    ("دقیقه", "۰ تا ۵۹"),
    ("ساعت", "۰ تا ۲۳"),
    ("روز ماه", "۱ تا ۳۱ یا L"),
    ("ماه", "۱ تا ۱۲ یا jan تا dec"),
    ("روز هفته", "۰ تا ۷ (یکشنبه ۰ و ۷ است) یا sun تا sat"),
];
const BOUNDS: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
const MONTH_KEYS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAY_KEYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Cron months are Gregorian, so their Persian names are the Gregorian ones as spoken in Iran.
const MONTHS_FA: [&str; 12] = [
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
];
const WEEKDAYS_EN: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Explains a cron line in `lang`; the error says what is wrong, in `lang` too.
pub fn explain(line: &str, lang: Lang) -> Result<String, CronTextError> {
    let line = line.trim();
    // The engine is the judge: a line it refuses is never explained as if it would run.
    let engine = CronExpr::parse(line)
        .map_err(CronTextError::Engine)
        .and_then(|expr| {
            if expr.fires_after(Timestamp::now()) {
                Ok(expr)
            } else {
                Err(CronTextError::NeverFires)
            }
        });
    let five = match to_five_fields(line) {
        Ok(Some(fields)) => fields,
        Ok(None) => {
            // A line with real seconds or years: valid but beyond plain words here.
            return match engine {
                Ok(expr) => Ok(match lang {
                    Lang::En => capitalize(&expr.describe()),
                    Lang::Fa => format!("زمان‌بندی پیشرفته با ثانیه: {line}"),
                }),
                Err(e) => Err(e),
            };
        }
        Err(e) => return Err(e),
    };
    let fields = five
        .iter()
        .enumerate()
        .map(|(i, text)| {
            parse_field(i, text).ok_or_else(|| CronTextError::Field {
                field: i,
                token: (*text).to_owned(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    engine?;
    let [minute, hour, dom, month, dow] = <[Field; 5]>::try_from(fields).expect("five fields");
    Ok(Words { lang }.sentence(&minute, &hour, &dom, &month, &dow))
}

/// The five standard fields of a line, `None` for a valid-looking line with real seconds or a
/// year (described by the engine instead).
fn to_five_fields(line: &str) -> Result<Option<[&str; 5]>, CronTextError> {
    let shorthand = match line.to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => Some(["0", "0", "1", "1", "*"]),
        "@monthly" => Some(["0", "0", "1", "*", "*"]),
        "@weekly" => Some(["0", "0", "*", "*", "0"]),
        "@daily" | "@midnight" => Some(["0", "0", "*", "*", "*"]),
        "@hourly" => Some(["0", "*", "*", "*", "*"]),
        _ => None,
    };
    if let Some(fields) = shorthand {
        return Ok(Some(fields));
    }
    let parts: Vec<&str> = line.split_whitespace().collect();
    match parts.len() {
        5 => Ok(Some([parts[0], parts[1], parts[2], parts[3], parts[4]])),
        6 | 7 => {
            let plain_year = parts.get(6).is_none_or(|y| *y == "*");
            Ok((parts[0] == "0" && plain_year)
                .then(|| [parts[1], parts[2], parts[3], parts[4], parts[5]]))
        }
        n => Err(CronTextError::FieldCount(n)),
    }
}

/// One comma-separated piece of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// `*` (or `?`): every value.
    Any,
    /// `a`, `a-b`, `*/n`, `a/n` or `a-b/n`, as an inclusive range with a step.
    Range { lo: u32, hi: u32, step: u32 },
    /// `L` in the day-of-month field.
    LastDay,
}

impl Item {
    fn single(self) -> Option<u32> {
        match self {
            Item::Range { lo, hi, step: 1 } if lo == hi => Some(lo),
            _ => None,
        }
    }
}

/// A parsed field: its items and the bounds of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    items: Vec<Item>,
    bounds: (u32, u32),
}

impl Field {
    fn is_any(&self) -> bool {
        self.items.contains(&Item::Any)
            || self.values().len() as u32 == self.bounds.1 - self.bounds.0 + 1
    }

    /// The values when every item is a single value.
    fn singles(&self) -> Option<Vec<u32>> {
        self.items.iter().map(|i| i.single()).collect()
    }

    /// `n` for `*/n` (or the same written `min-max/n`) alone.
    fn every_nth(&self) -> Option<u32> {
        match self.items[..] {
            [Item::Range { lo, hi, step }] if step > 1 && (lo, hi) == self.bounds => Some(step),
            _ => None,
        }
    }

    /// The single inclusive range `lo-hi` (or value) this field is, if it is one.
    fn one_range(&self) -> Option<(u32, u32)> {
        match self.items[..] {
            [Item::Range { lo, hi, step: 1 }] => Some((lo, hi)),
            _ => None,
        }
    }

    /// Every value the field matches (`L` aside), sorted.
    fn values(&self) -> Vec<u32> {
        let mut values: Vec<u32> = self
            .items
            .iter()
            .flat_map(|item| -> Vec<u32> {
                match *item {
                    Item::Any => (self.bounds.0..=self.bounds.1).collect(),
                    Item::Range { lo, hi, step } => (lo..=hi).step_by(step as usize).collect(),
                    Item::LastDay => Vec::new(),
                }
            })
            .collect();
        values.sort_unstable();
        values.dedup();
        values
    }
}

/// Reads field `index` of a 5-field line; `None` when it is malformed or out of range.
fn parse_field(index: usize, text: &str) -> Option<Field> {
    let (min, max) = BOUNDS[index];
    let value = |token: &str| -> Option<u32> {
        let lower = token.to_ascii_lowercase();
        let named = match index {
            3 => MONTH_KEYS
                .iter()
                .position(|k| *k == lower)
                .map(|i| i as u32 + 1),
            4 => WEEKDAY_KEYS
                .iter()
                .position(|k| *k == lower)
                .map(|i| i as u32),
            _ => None,
        };
        let n = named.or_else(|| token.parse().ok())?;
        (min..=max).contains(&n).then_some(n)
    };
    let mut items = Vec::new();
    for piece in text.split(',') {
        let (base, step) = match piece.split_once('/') {
            Some((base, step)) => (base, Some(step.parse::<u32>().ok().filter(|s| *s > 0)?)),
            None => (piece, None),
        };
        let item = match (base, step) {
            ("*" | "?", None) => Item::Any,
            ("*", Some(step)) => Item::Range {
                lo: min,
                hi: max,
                step,
            },
            ("L" | "l", None) if index == 2 => Item::LastDay,
            _ => {
                let (lo, hi) = match base.split_once('-') {
                    Some((a, b)) => (value(a)?, value(b)?),
                    // `a/n` runs from a to the end of the field.
                    None if step.is_some() => (value(base)?, max),
                    None => (value(base)?, value(base)?),
                };
                if hi < lo {
                    return None;
                }
                Item::Range {
                    lo,
                    hi,
                    step: step.unwrap_or(1),
                }
            }
        };
        items.push(item);
    }
    if index == 4 {
        // Sunday is both 0 and 7: the weekday field is read as the set of days 0–6.
        return Some(weekday_field(items));
    }
    Some(Field {
        items,
        bounds: (min, max),
    })
}

/// The weekday field as single days 0–6 (Sunday = 0), so 7 and 0 are the same day.
fn weekday_field(items: Vec<Item>) -> Field {
    let raw = Field {
        items,
        bounds: (0, 7),
    };
    if raw.items.contains(&Item::Any) {
        return Field {
            items: vec![Item::Any],
            bounds: (0, 6),
        };
    }
    let mut days: Vec<u32> = raw.values().into_iter().map(|d| d % 7).collect();
    days.sort_unstable();
    days.dedup();
    Field {
        items: days
            .into_iter()
            .map(|d| Item::Range {
                lo: d,
                hi: d,
                step: 1,
            })
            .collect(),
        bounds: (0, 6),
    }
}

/// What the time fields say: fixed times of day, or something that repeats.
enum TimePhrase {
    At(String),
    Repeating(String),
}

/// Sentences in one language.
struct Words {
    lang: Lang,
}

impl Words {
    fn en(&self) -> bool {
        self.lang == Lang::En
    }

    fn digits(&self, text: &str) -> String {
        match self.lang {
            Lang::En => text.to_owned(),
            Lang::Fa => Digits::Persian.apply(text),
        }
    }

    fn num(&self, n: u32) -> String {
        self.digits(&n.to_string())
    }

    fn clock(&self, hour: u32, minute: u32) -> String {
        self.digits(&format!("{hour:02}:{minute:02}"))
    }

    /// "a, b and c" / «a، b و c».
    fn join(&self, parts: &[String]) -> String {
        let (comma, and) = if self.en() {
            (", ", " and ")
        } else {
            ("، ", " و ")
        };
        match parts {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{}{and}{last}", init.join(comma)),
        }
    }

    fn weekday(&self, day: u32) -> String {
        match self.lang {
            Lang::En => WEEKDAYS_EN[day as usize].to_owned(),
            Lang::Fa => {
                let weekday = jiff::civil::Weekday::from_sunday_zero_offset(day as i8)
                    .expect("weekday field holds 0-6");
                persian_weekday_name(weekday).to_owned()
            }
        }
    }

    fn month(&self, month: u32) -> String {
        let names = if self.en() { &MONTHS_EN } else { &MONTHS_FA };
        names[month as usize - 1].to_owned()
    }

    /// "1st", "22nd" in English; the number in Persian.
    fn ordinal(&self, n: u32) -> String {
        if !self.en() {
            return self.num(n);
        }
        let suffix = match (n % 10, n % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        format!("{n}{suffix}")
    }

    /// A field's items in words, each value drawn by `name`.
    fn items(&self, field: &Field, name: impl Fn(u32) -> String) -> String {
        let parts: Vec<String> = field
            .items
            .iter()
            .map(|item| match *item {
                Item::Any => if self.en() { "every value" } else { "همه" }.to_owned(),
                Item::LastDay => if self.en() {
                    "the last day"
                } else {
                    "آخرین روز"
                }
                .to_owned(),
                Item::Range { lo, hi, step: 1 } if lo == hi => name(lo),
                Item::Range { lo, hi, step: 1 } => match self.lang {
                    Lang::En => format!("{} to {}", name(lo), name(hi)),
                    Lang::Fa => format!("{} تا {}", name(lo), name(hi)),
                },
                Item::Range { lo, hi, step } => match self.lang {
                    Lang::En => format!(
                        "every {} from {} to {}",
                        self.ordinal(step),
                        name(lo),
                        name(hi)
                    ),
                    Lang::Fa => format!("هر {} از {} تا {}", self.num(step), name(lo), name(hi)),
                },
            })
            .collect();
        self.join(&parts)
    }

    fn time(&self, minute: &Field, hour: &Field) -> TimePhrase {
        if let (Some(minutes), Some(hours)) = (minute.singles(), hour.singles())
            && minutes.len() * hours.len() <= 6
        {
            let mut times: Vec<(u32, u32)> = hours
                .iter()
                .flat_map(|h| minutes.iter().map(move |m| (*h, *m)))
                .collect();
            times.sort_unstable();
            times.dedup();
            let list: Vec<String> = times.iter().map(|(h, m)| self.clock(*h, *m)).collect();
            let list = self.join(&list);
            return TimePhrase::At(match self.lang {
                Lang::En => format!("at {list}"),
                Lang::Fa => format!("ساعت {list}"),
            });
        }
        let minutes = if minute.is_any() {
            if self.en() {
                "every minute".to_owned()
            } else {
                "هر دقیقه".to_owned()
            }
        } else if let Some(n) = minute.every_nth() {
            match self.lang {
                Lang::En => format!("every {n} minutes"),
                Lang::Fa => format!("هر {} دقیقه", self.num(n)),
            }
        } else {
            let list = self.items(minute, |m| self.num(m));
            let plural = minute.values().len() > 1;
            match (self.lang, plural) {
                (Lang::En, false) => format!("at minute {list} of"),
                (Lang::En, true) => format!("at minutes {list} of"),
                (Lang::Fa, false) => format!("دقیقهٔ {list} از"),
                (Lang::Fa, true) => format!("دقیقه‌های {list} از"),
            }
        };
        let at_minute = !minute.is_any() && minute.every_nth().is_none();
        let hours = if hour.is_any() {
            if at_minute {
                Some(if self.en() {
                    "every hour".to_owned()
                } else {
                    "هر ساعت".to_owned()
                })
            } else {
                None
            }
        } else if let Some(n) = hour.every_nth() {
            Some(match (self.lang, at_minute) {
                (Lang::En, true) => format!("every {n} hours"),
                (Lang::En, false) => format!("in every {} hour", self.ordinal(n)),
                (Lang::Fa, true) => format!("هر {} ساعت", self.num(n)),
                (Lang::Fa, false) => format!("در هر {} ساعت یک بار", self.num(n)),
            })
        } else if let Some((lo, hi)) = hour.one_range() {
            let (from, to) = (self.clock(lo, 0), self.clock(hi, 59));
            Some(match (self.lang, at_minute) {
                (Lang::En, true) => format!("every hour between {from} and {to}"),
                (Lang::En, false) => format!("between {from} and {to}"),
                (Lang::Fa, true) => format!("هر ساعت بین {from} و {to}"),
                (Lang::Fa, false) => format!("بین {from} و {to}"),
            })
        } else {
            let list = self.items(hour, |h| self.num(h));
            Some(match self.lang {
                Lang::En => format!("during hours {list}"),
                Lang::Fa => format!("در ساعت‌های {list}"),
            })
        };
        TimePhrase::Repeating(match hours {
            Some(hours) => format!("{minutes} {hours}"),
            None => minutes,
        })
    }

    /// The days, or `None` for every day of the year.
    fn days(&self, dom: &Field, month: &Field, dow: &Field) -> Option<String> {
        let of_months = || -> String {
            if month.is_any() {
                if self.en() {
                    "each month".into()
                } else {
                    "هر ماه".into()
                }
            } else {
                self.items(month, |m| self.month(m))
            }
        };
        let in_months = || -> String {
            if month.is_any() {
                String::new()
            } else {
                match self.lang {
                    Lang::En => format!(" in {}", self.items(month, |m| self.month(m))),
                    Lang::Fa => format!(" در {}", self.items(month, |m| self.month(m))),
                }
            }
        };
        let month_days = (!dom.is_any()).then(|| {
            if let Some(n) = dom.every_nth() {
                return match self.lang {
                    Lang::En => format!("every {} day of {}", self.ordinal(n), of_months()),
                    Lang::Fa => format!("هر {} روز یک بار در {}", self.num(n), of_months()),
                };
            }
            if dom.items == [Item::LastDay] {
                return match self.lang {
                    Lang::En => format!("on the last day of {}", of_months()),
                    Lang::Fa => format!("آخرین روز {}", of_months()),
                };
            }
            let plural = dom.items.len() > 1 || dom.singles().is_none();
            match (self.lang, dom.singles()) {
                (Lang::En, Some(_)) => {
                    format!(
                        "on the {} of {}",
                        self.items(dom, |d| self.ordinal(d)),
                        of_months()
                    )
                }
                (Lang::En, None) => format!(
                    "on days {} of {}",
                    self.items(dom, |d| self.num(d)),
                    of_months()
                ),
                (Lang::Fa, _) => format!(
                    "{} {} {}",
                    if plural { "روزهای" } else { "روز" },
                    self.items(dom, |d| self.num(d)),
                    of_months()
                ),
            }
        });
        let week_days = (!dow.is_any()).then(|| {
            let days = dow.values();
            let text = if days == [1, 2, 3, 4, 5] {
                match self.lang {
                    Lang::En => "every weekday (Monday to Friday)".to_owned(),
                    Lang::Fa => "هر روز از دوشنبه تا جمعه".to_owned(),
                }
            } else if let Some((first, last)) = cyclic_run(&days).filter(|_| days.len() >= 3) {
                match self.lang {
                    Lang::En => format!(
                        "every day from {} to {}",
                        self.weekday(first),
                        self.weekday(last)
                    ),
                    Lang::Fa => format!(
                        "هر روز از {} تا {}",
                        self.weekday(first),
                        self.weekday(last)
                    ),
                }
            } else {
                let names: Vec<String> = days.iter().map(|d| self.weekday(*d)).collect();
                match self.lang {
                    Lang::En => format!("every {}", self.join(&names)),
                    Lang::Fa => format!("هر {}", self.join(&names)),
                }
            };
            format!("{text}{}", in_months())
        });
        match (month_days, week_days) {
            (None, None) if month.is_any() => None,
            (None, None) => Some(match self.lang {
                Lang::En => format!("every day{}", in_months()),
                Lang::Fa => format!("هر روز{}", in_months()),
            }),
            (Some(one), None) | (None, Some(one)) => Some(one),
            // Vixie cron: a day matches when either field does.
            (Some(month_days), Some(week_days)) => Some(match self.lang {
                Lang::En => format!("{month_days}, or {week_days}"),
                Lang::Fa => format!("{month_days}، یا {week_days}"),
            }),
        }
    }

    fn sentence(
        &self,
        minute: &Field,
        hour: &Field,
        dom: &Field,
        month: &Field,
        dow: &Field,
    ) -> String {
        let time = self.time(minute, hour);
        let days = self.days(dom, month, dow);
        let text = match (self.lang, time, days) {
            (Lang::En, TimePhrase::At(at), None) => format!("every day {at}"),
            (Lang::En, TimePhrase::At(at), Some(days)) if days.starts_with("every") => {
                format!("{days} {at}")
            }
            (Lang::En, TimePhrase::At(at), Some(days)) => format!("{at} {days}"),
            (Lang::En, TimePhrase::Repeating(r), None) => r,
            (Lang::En, TimePhrase::Repeating(r), Some(days)) => format!("{r}, {days}"),
            (Lang::Fa, TimePhrase::At(at), None) => format!("هر روز، {at}"),
            (Lang::Fa, TimePhrase::At(at) | TimePhrase::Repeating(at), Some(days)) => {
                format!("{days}، {at}")
            }
            (Lang::Fa, TimePhrase::Repeating(r), None) => r,
        };
        capitalize(&text)
    }
}

/// `(first, last)` when the weekdays form one unbroken run, possibly across Saturday→Sunday
/// (Saturday to Wednesday, the Iranian working week, is `6,0-3`).
fn cyclic_run(days: &[u32]) -> Option<(u32, u32)> {
    if days.is_empty() || days.len() == 7 {
        return None;
    }
    // The run starts at the day whose previous day is missing.
    let first = *days.iter().find(|d| !days.contains(&((*d + 6) % 7)))?;
    let len = days.len() as u32;
    (0..len)
        .all(|i| days.contains(&((first + i) % 7)))
        .then_some((first, (first + len - 1) % 7))
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(line: &str) -> String {
        explain(line, Lang::En).unwrap_or_else(|e| panic!("{line}: {e:?}"))
    }

    fn fa(line: &str) -> String {
        explain(line, Lang::Fa).unwrap_or_else(|e| panic!("{line}: {e:?}"))
    }

    #[test]
    fn fixed_times_in_english() {
        assert_eq!(
            en("0 7 * * 1-5"),
            "Every weekday (Monday to Friday) at 07:00"
        );
        assert_eq!(en("0 12 1 * *"), "At 12:00 on the 1st of each month");
        assert_eq!(en("30 8 * * *"), "Every day at 08:30");
        assert_eq!(en("0 7,12,18 * * *"), "Every day at 07:00, 12:00 and 18:00");
        assert_eq!(en("0 9 * * mon,FRI"), "Every Monday and Friday at 09:00");
        assert_eq!(
            en("0 10 * * 6,0-3"),
            "Every day from Saturday to Wednesday at 10:00"
        );
        assert_eq!(en("0 0 L * *"), "At 00:00 on the last day of each month");
        assert_eq!(en("0 0 1,15 3 *"), "At 00:00 on the 1st and 15th of March");
        assert_eq!(en("15 22 * 12 *"), "Every day in December at 22:15");
        assert_eq!(
            en("0 8 13 * 5"),
            "At 08:00 on the 13th of each month, or every Friday"
        );
        assert_eq!(en("0 9 * * 7"), "Every Sunday at 09:00");
    }

    #[test]
    fn repeating_times_in_english() {
        assert_eq!(en("* * * * *"), "Every minute");
        assert_eq!(en("*/15 * * * *"), "Every 15 minutes");
        assert_eq!(
            en("*/10 9-17 * * 1-5"),
            "Every 10 minutes between 09:00 and 17:59, every weekday (Monday to Friday)"
        );
        assert_eq!(en("30 * * * *"), "At minute 30 of every hour");
        assert_eq!(en("0 */2 * * *"), "At minute 0 of every 2 hours");
        assert_eq!(
            en("0,30 9-17 * * *"),
            "At minutes 0 and 30 of every hour between 09:00 and 17:59"
        );
    }

    #[test]
    fn shorthands_and_seconds() {
        assert_eq!(en("@daily"), "Every day at 00:00");
        assert_eq!(en("@monthly"), "At 00:00 on the 1st of each month");
        assert_eq!(
            en("0 0 7 * * 1-5"),
            "Every weekday (Monday to Friday) at 07:00"
        );
        // Real seconds are valid but described by the engine, not these sentences.
        assert!(explain("*/5 * * * * *", Lang::En).is_ok());
    }

    #[test]
    fn persian_sentences_use_persian_digits_and_names() {
        assert_eq!(fa("0 7 * * 1-5"), "هر روز از دوشنبه تا جمعه، ساعت ۰۷:۰۰");
        assert_eq!(fa("0 12 1 * *"), "روز ۱ هر ماه، ساعت ۱۲:۰۰");
        assert_eq!(fa("30 8 * * *"), "هر روز، ساعت ۰۸:۳۰");
        assert_eq!(
            fa("0 10 * * 6,0-3"),
            "هر روز از شنبه تا چهارشنبه، ساعت ۱۰:۰۰"
        );
        assert_eq!(fa("*/15 * * * *"), "هر ۱۵ دقیقه");
        assert_eq!(fa("0 9 * * 5"), "هر جمعه، ساعت ۰۹:۰۰");
        assert_eq!(fa("0 0 1,15 3 *"), "روزهای ۱ و ۱۵ مارس، ساعت ۰۰:۰۰");
    }

    #[test]
    fn invalid_lines_say_what_is_wrong() {
        assert_eq!(
            explain("0 7 * *", Lang::En),
            Err(CronTextError::FieldCount(4))
        );
        let err = explain("75 7 * * *", Lang::En).unwrap_err();
        assert_eq!(
            err,
            CronTextError::Field {
                field: 0,
                token: "75".into()
            }
        );
        assert!(
            err.message(Lang::En).contains("minute field '75'"),
            "{}",
            err.message(Lang::En)
        );
        assert!(err.message(Lang::Fa).contains("دقیقه"));
        let err = explain("0 25 * * *", Lang::Fa).unwrap_err();
        assert!(matches!(err, CronTextError::Field { field: 1, .. }));
        assert!(matches!(
            explain("0 7 * * funday", Lang::En),
            Err(CronTextError::Field { field: 4, .. })
        ));
        assert!(matches!(
            explain("0 7 10-2 * *", Lang::En),
            Err(CronTextError::Field { field: 2, .. })
        ));
        assert!(matches!(
            explain("0 7 */0 * *", Lang::En),
            Err(CronTextError::Field { field: 2, .. })
        ));
        assert_eq!(
            explain("", Lang::Fa).unwrap_err().message(Lang::Fa),
            "خط cron پنج بخش دارد (دقیقه، ساعت، روز ماه، ماه، روز هفته)؛ این خط ۰ بخش دارد."
        );
    }

    #[test]
    fn lines_that_never_fire_are_not_explained_as_if_they_would() {
        for line in ["0 0 31 2 *", "0 0 0 1 1 * 2020"] {
            assert_eq!(
                explain(line, Lang::En),
                Err(CronTextError::NeverFires),
                "{line}"
            );
        }
        assert!(
            CronTextError::NeverFires
                .message(Lang::Fa)
                .contains("هرگز اجرا نمی‌شود")
        );
        // Leap days come round again.
        explain("0 0 29 2 *", Lang::En).unwrap();
    }

    #[test]
    fn every_explained_line_is_accepted_by_the_engine() {
        for line in [
            "0 7 * * 1-5",
            "*/10 9-17 * * 1-5",
            "0 0 L * *",
            "0 10 * * 6,0-3",
            "@hourly",
        ] {
            explain(line, Lang::En).unwrap();
            CronExpr::parse(line).unwrap();
        }
    }
}
