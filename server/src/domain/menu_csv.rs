//! A menu board as a spreadsheet: CSV export and import (a franchise keeps its menu in Excel or
//! Google Sheets and sends it over).
//!
//! The format, one row per item after a header row (English or Persian column names, any
//! order, any case; `image` is optional and the others but `name` and `price` may be left out):
//!
//! | column (en)   | column (fa)  | what                                                             |
//! |---------------|--------------|------------------------------------------------------------------|
//! | `category`    | `دسته`       | blank: the category of the row above                             |
//! | `code`        | `کد`         | the item's code (SKU), optional; unique in the menu              |
//! | `name`        | `نام`        | required                                                         |
//! | `description` | `توضیح`      | optional                                                         |
//! | `price`       | `قیمت`       | a whole number; may be blank when the item has variants          |
//! | `variants`    | `اندازه‌ها`  | `name:price` pairs separated by `|`, e.g. `کوچک:45000|بزرگ:60000` |
//! | `badges`      | `نشان‌ها`    | `new`, `chefs_pick`, `spicy`, `vegetarian`, `vegan` (or جدید، سرآشپز، تند، گیاهی، وگان), separated by commas or spaces |
//! | `calories`    | `کالری`      | a whole number of kcal, optional                                 |
//! | `sold_out`    | `تمام‌شده`   | yes/no, 1/0, true/false, بله/خیر; blank is no                    |
//! | `featured`    | `ویژه`       | as `sold_out`                                                    |
//! | `image`       | `تصویر`      | the sha256 of a picture in the media library; without the column, each item keeps the picture it had (found by code, else name) |
//!
//! Numbers may be typed with Persian (۰–۹), Arabic-Indic (٠–٩) or Latin digits and with
//! thousands separators (`,` `٬` `،`, spaces). Files are read as UTF-8 (with or without BOM),
//! UTF-16 (Excel's "Unicode text") or, when not valid UTF-8, Windows-1256 (Excel's "CSV" on a
//! Persian Windows); the delimiter is `,`, `;` or tab, whichever the header row uses. The export
//! is UTF-8 with a BOM so that Excel opens Persian text correctly, prices in Latin digits without
//! separators so that spreadsheets read them as numbers.
//!
//! Import replaces the menu's categories and items and keeps its title, unit, columns and theme.
//! It is all or nothing: every bad cell is reported (spreadsheet row number, the header row
//! being row 1, column, message in English and Persian) and nothing is saved until all are
//! right.

use serde::Serialize;
use utoipa::ToSchema;
use vitrin_shared::calendar::{normalize_digits, normalize_persian_text};
use vitrin_shared::content::{
    Badge, ContentItem, ContentKind, MAX_CALORIES, MAX_VARIANTS, MediaRef, Menu, MenuCategory,
    MenuItem, MenuVariant,
};

use crate::auth::Principal;
use crate::domain::library;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Largest file taken (a thousand rows of a real menu are well under this).
pub const MAX_BYTES: usize = 1024 * 1024;
/// Most item rows taken.
pub const MAX_ROWS: usize = 1000;

/// One problem of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RowError {
    /// The spreadsheet row (the header is row 1).
    pub row: usize,
    /// The column, by its English name (`price`, `variants`...); `file` for the whole file.
    pub field: String,
    /// A stable code: `required`, `invalid_number`, `negative`, `unknown_column`...
    pub code: String,
    pub message: String,
    pub message_fa: String,
}

fn err(
    row: usize,
    field: &str,
    code: &str,
    en: impl Into<String>,
    fa: impl Into<String>,
) -> RowError {
    RowError {
        row,
        field: field.to_owned(),
        code: code.to_owned(),
        message: en.into(),
        message_fa: fa.into(),
    }
}

/// The columns, in the order the export writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Category,
    Code,
    Name,
    Description,
    Price,
    Variants,
    Badges,
    Calories,
    SoldOut,
    Featured,
    Image,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Category,
        Column::Code,
        Column::Name,
        Column::Description,
        Column::Price,
        Column::Variants,
        Column::Badges,
        Column::Calories,
        Column::SoldOut,
        Column::Featured,
        Column::Image,
    ];

    pub fn en(self) -> &'static str {
        match self {
            Column::Category => "category",
            Column::Code => "code",
            Column::Name => "name",
            Column::Description => "description",
            Column::Price => "price",
            Column::Variants => "variants",
            Column::Badges => "badges",
            Column::Calories => "calories",
            Column::SoldOut => "sold_out",
            Column::Featured => "featured",
            Column::Image => "image",
        }
    }

    pub fn fa(self) -> &'static str {
        match self {
            Column::Category => "دسته",
            Column::Code => "کد",
            Column::Name => "نام",
            Column::Description => "توضیح",
            Column::Price => "قیمت",
            Column::Variants => "اندازه‌ها",
            Column::Badges => "نشان‌ها",
            Column::Calories => "کالری",
            Column::SoldOut => "تمام‌شده",
            Column::Featured => "ویژه",
            Column::Image => "تصویر",
        }
    }

    /// Other names a header may use, in the folded form of [`fold`].
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Category => &["دستهبندی", "گروه", "categories", "section"],
            Column::Code => &["sku", "itemcode", "کدکالا"],
            Column::Name => &["item", "itemname", "title", "قلم", "نامقلم", "عنوان"],
            Column::Description => &["توضیحات", "desc"],
            Column::Price => &["بها", "مبلغ"],
            Column::Variants => &["sizes", "options", "انواع", "گونهها", "اندازه"],
            Column::Badges => &["badge", "tags", "نشان", "برچسب", "برچسبها"],
            Column::Calories => &["kcal", "calorie", "کالریها"],
            Column::SoldOut => &["soldout", "ناموجود", "تمامشد"],
            Column::Featured => &["ویژهها"],
            Column::Image => &["picture", "photo", "عکس"],
        }
    }

    fn from_header(header: &str) -> Option<Column> {
        let folded = fold(header);
        Column::ALL.into_iter().find(|c| {
            fold(c.en()) == folded || fold(c.fa()) == folded || c.aliases().contains(&&*folded)
        })
    }
}

/// A header or keyword as compared: Persian letters, lower case, without spaces, `_`, `-`,
/// zero-width and direction marks.
fn fold(s: &str) -> String {
    normalize_persian_text(s)
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '_' | '-' | '\u{200c}' | '\u{200d}' | '\u{200e}' | '\u{200f}' | '\u{feff}'
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The language of the export's header row and words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderLang {
    #[default]
    En,
    Fa,
}

impl HeaderLang {
    pub fn parse(code: &str) -> HeaderLang {
        if code.trim().eq_ignore_ascii_case("fa") {
            HeaderLang::Fa
        } else {
            HeaderLang::En
        }
    }
}

fn badge_key(badge: Badge) -> &'static str {
    match badge {
        Badge::New => "new",
        Badge::ChefsPick => "chefs_pick",
        Badge::Spicy => "spicy",
        Badge::Vegetarian => "vegetarian",
        Badge::Vegan => "vegan",
    }
}

fn badge_fa(badge: Badge) -> &'static str {
    match badge {
        Badge::New => "جدید",
        Badge::ChefsPick => "سرآشپز",
        Badge::Spicy => "تند",
        Badge::Vegetarian => "گیاهی",
        Badge::Vegan => "وگان",
    }
}

fn parse_badge(word: &str) -> Option<Badge> {
    let folded = fold(word);
    Badge::ALL.into_iter().find(|&b| {
        fold(badge_key(b)) == folded
            || fold(badge_fa(b)) == folded
            || match b {
                Badge::ChefsPick => {
                    ["chefspick", "chef's", "chef", "پیشنهادسرآشپز"].contains(&&*folded)
                }
                Badge::Vegetarian => ["veg", "veggie"].contains(&&*folded),
                Badge::New => ["تازه"].contains(&&*folded),
                _ => false,
            }
    })
}

/// The menu's items as CSV: UTF-8 with a BOM, a header row in `lang`, one row per item.
pub fn write(menu: &Menu, lang: HeaderLang) -> Vec<u8> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        let header: Vec<&str> = Column::ALL
            .iter()
            .map(|c| match lang {
                HeaderLang::En => c.en(),
                HeaderLang::Fa => c.fa(),
            })
            .collect();
        writer.write_record(&header).expect("writes to memory");
        let yes = match lang {
            HeaderLang::En => "yes",
            HeaderLang::Fa => "بله",
        };
        for category in &menu.categories {
            for item in &category.items {
                let variants: Vec<String> = item
                    .variants
                    .iter()
                    .map(|v| format!("{}:{}", v.name, v.price))
                    .collect();
                let badges: Vec<&str> = item
                    .badges
                    .iter()
                    .map(|&b| match lang {
                        HeaderLang::En => badge_key(b),
                        HeaderLang::Fa => badge_fa(b),
                    })
                    .collect();
                let record = [
                    category.name.clone(),
                    item.code.clone(),
                    item.name.clone(),
                    item.description.clone(),
                    item.price.to_string(),
                    variants.join("|"),
                    badges.join(match lang {
                        HeaderLang::En => ", ",
                        HeaderLang::Fa => "، ",
                    }),
                    item.calories.map(|c| c.to_string()).unwrap_or_default(),
                    if item.sold_out { yes } else { "" }.to_owned(),
                    if item.featured { yes } else { "" }.to_owned(),
                    item.image
                        .as_ref()
                        .map(|m| m.sha256.clone())
                        .unwrap_or_default(),
                ];
                writer.write_record(&record).expect("writes to memory");
            }
        }
        writer.flush().expect("writes to memory");
    }
    out
}

/// What a file held: the categories and, for each item, its spreadsheet row.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub categories: Vec<MenuCategory>,
    /// `rows[c][i]`: the row of `categories[c].items[i]`.
    pub rows: Vec<Vec<usize>>,
    /// Whether the file has an `image` column (else pictures are kept from the menu).
    pub has_images: bool,
}

/// The file's text: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1256.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let utf16 = |rest: &[u8], le: bool| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|p| {
                if le {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, false);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1256.decode(bytes).0.into_owned(),
    }
}

/// `,`, `;` or tab: whichever the first line has most of (outside quotes).
fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], i == 0)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// A whole number as typed in a spreadsheet: any digits, `,` `٬` `،` or spaces between
/// thousands, and a `.00` that some spreadsheets add.
pub fn parse_amount(typed: &str) -> Option<i64> {
    let ascii = normalize_digits(typed.trim());
    let mut cleaned: String = ascii
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200c}' | '\u{200e}' | '\u{200f}'))
        .map(|c| match c {
            '٬' | '،' => ',',
            '٫' => '.',
            c => c,
        })
        .collect();
    if let Some((whole, fraction)) = cleaned.split_once('.')
        && !fraction.is_empty()
        && fraction.chars().all(|c| c == '0')
    {
        cleaned = whole.to_owned();
    }
    let (negative, body) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let groups: Vec<&str> = body.split(',').collect();
    let well_formed = !groups[0].is_empty()
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && (groups.len() == 1
            || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)));
    if !well_formed {
        return None;
    }
    let n: i64 = groups.concat().parse().ok()?;
    Some(if negative { -n } else { n })
}

fn parse_bool(typed: &str) -> Option<bool> {
    let folded = fold(typed);
    match folded.as_str() {
        "" | "no" | "n" | "false" | "0" | "خیر" | "نه" | "ندارد" | "نیست" | "۰" => {
            Some(false)
        }
        "yes" | "y" | "true" | "1" | "x" | "✓" | "✔" | "بله" | "بلی" | "آری" | "آره" | "اره"
        | "دارد" | "هست" | "۱" => Some(true),
        _ => None,
    }
}

const NUMBER_EN: &str = "enter a whole number, e.g. 45000, 45,000 or ۴۵٬۰۰۰";
const NUMBER_FA: &str = "یک عدد صحیح بنویسید، مثلاً ۴۵۰۰۰ یا ۴۵٬۰۰۰ یا 45,000";

/// Reads a file's text. Every problem is listed; `Err` holds them all.
pub fn parse(text: &str) -> Result<Parsed, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => {
            return Err(vec![err(
                1,
                "file",
                "unreadable",
                format!("the header row cannot be read: {e}"),
                "سطر عنوان ستون‌ها خوانده نمی‌شود",
            )]);
        }
        None => {
            return Err(vec![err(
                1,
                "file",
                "empty",
                "the file is empty; the first row names the columns (category, name, price...)",
                "پرونده خالی است؛ سطر اول باید نام ستون‌ها باشد (دسته، نام، قیمت...)",
            )]);
        }
    };
    let mut columns: Vec<Option<Column>> = Vec::new();
    for cell in header.iter() {
        if cell.trim().is_empty() {
            columns.push(None);
            continue;
        }
        match Column::from_header(cell) {
            Some(column) if columns.contains(&Some(column)) => {
                errors.push(err(
                    1,
                    column.en(),
                    "duplicate_column",
                    format!("the column “{}” appears twice", cell.trim()),
                    format!("ستون «{}» دو بار آمده است", cell.trim()),
                ));
                columns.push(None);
            }
            Some(column) => columns.push(Some(column)),
            None => {
                errors.push(err(
                    1,
                    cell.trim(),
                    "unknown_column",
                    format!(
                        "unknown column “{}”; the columns are category, code, name, description, \
                         price, variants, badges, calories, sold_out, featured, image",
                        cell.trim()
                    ),
                    format!(
                        "ستون «{}» شناخته نیست؛ ستون‌ها: دسته، کد، نام، توضیح، قیمت، اندازه‌ها، \
                         نشان‌ها، کالری، تمام‌شده، ویژه، تصویر",
                        cell.trim()
                    ),
                ));
                columns.push(None);
            }
        }
    }
    let has = |c: Column| columns.contains(&Some(c));
    if !has(Column::Name) {
        errors.push(err(
            1,
            "name",
            "missing_column",
            "the header row needs a “name” column",
            "سطر عنوان ستون‌ها باید ستون «نام» داشته باشد",
        ));
    }
    if !has(Column::Price) && !has(Column::Variants) {
        errors.push(err(
            1,
            "price",
            "missing_column",
            "the header row needs a “price” column (or “variants”)",
            "سطر عنوان ستون‌ها باید ستون «قیمت» (یا «اندازه‌ها») داشته باشد",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut categories: Vec<MenuCategory> = Vec::new();
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut current: Option<usize> = None;
    let mut codes: Vec<(String, usize)> = Vec::new();
    let mut items = 0usize;
    for (index, record) in records.enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(err(
                    row,
                    "file",
                    "unreadable",
                    format!("this row cannot be read: {e}"),
                    "این سطر خوانده نمی‌شود (احتمالاً یک نقل‌قول \" بسته نشده است)",
                ));
                break;
            }
        };
        let cell = |c: Column| -> &str {
            columns
                .iter()
                .position(|&col| col == Some(c))
                .and_then(|i| record.get(i))
                .map(str::trim)
                .unwrap_or("")
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        items += 1;
        if items > MAX_ROWS {
            errors.push(err(
                row,
                "file",
                "too_many_rows",
                format!("a menu file has at most {MAX_ROWS} items"),
                format!("پروندهٔ منو حداکثر {} قلم دارد", to_fa(MAX_ROWS as i64)),
            ));
            break;
        }
        let extra = record.len() > columns.len()
            && record
                .iter()
                .skip(columns.len())
                .any(|c| !c.trim().is_empty());
        if extra {
            errors.push(err(
                row,
                "file",
                "extra_cells",
                "this row has more cells than the header row has columns",
                "این سطر از سطر عنوان ستون‌ها خانه‌های بیشتری دارد",
            ));
        }
        let name = cell(Column::Name);
        if name.is_empty() {
            errors.push(err(
                row,
                "name",
                "required",
                "an item needs a name",
                "هر قلم باید نام داشته باشد",
            ));
        }
        let category = normalize_persian_text(cell(Column::Category));
        let c = if category.is_empty() {
            match current {
                Some(c) => c,
                None => {
                    errors.push(err(
                        row,
                        "category",
                        "required",
                        "the first item needs a category (a blank category continues the one above)",
                        "اولین قلم باید دسته داشته باشد (دستهٔ خالی یعنی همان دستهٔ سطر بالا)",
                    ));
                    continue;
                }
            }
        } else {
            match categories.iter().position(|c| c.name == category) {
                Some(c) => c,
                None => {
                    categories.push(MenuCategory {
                        name: category,
                        items: Vec::new(),
                    });
                    rows.push(Vec::new());
                    categories.len() - 1
                }
            }
        };
        current = Some(c);

        let code = cell(Column::Code).to_owned();
        if !code.is_empty() {
            let folded = normalize_persian_text(&code);
            if let Some((_, first)) = codes.iter().find(|(c, _)| *c == folded) {
                errors.push(err(
                    row,
                    "code",
                    "duplicate",
                    format!("the code “{code}” is already used in row {first}"),
                    format!("کد «{code}» در سطر {} هم آمده است", to_fa(*first as i64)),
                ));
            } else {
                codes.push((folded, row));
            }
        }

        let variants = parse_variants(cell(Column::Variants), row, &mut errors);
        let price_text = cell(Column::Price);
        let price = if price_text.is_empty() {
            if variants.is_empty() {
                errors.push(err(
                    row,
                    "price",
                    "required",
                    "a price is required (or variants with their prices)",
                    "قیمت لازم است (یا اندازه‌ها با قیمتشان)",
                ));
            }
            0
        } else {
            match parse_amount(price_text) {
                Some(p) if p < 0 => {
                    errors.push(err(
                        row,
                        "price",
                        "negative",
                        "a price cannot be negative",
                        "قیمت نمی‌تواند منفی باشد",
                    ));
                    0
                }
                Some(p) => p,
                None => {
                    errors.push(err(row, "price", "invalid_number", NUMBER_EN, NUMBER_FA));
                    0
                }
            }
        };

        let mut badges = Vec::new();
        for word in cell(Column::Badges)
            .split([',', '،', ';', '؛', '|', ' ', '\t', '\n'])
            .filter(|w| !w.trim().is_empty())
        {
            match parse_badge(word) {
                Some(b) if badges.contains(&b) => {}
                Some(b) => badges.push(b),
                None => errors.push(err(
                    row,
                    "badges",
                    "unknown_badge",
                    format!(
                        "unknown badge “{}”; use new, chefs_pick, spicy, vegetarian or vegan",
                        word.trim()
                    ),
                    format!(
                        "نشان «{}» شناخته نیست؛ یکی از جدید، سرآشپز، تند، گیاهی، وگان",
                        word.trim()
                    ),
                )),
            }
        }

        let calories_text = cell(Column::Calories);
        let calories = if calories_text.is_empty() {
            None
        } else {
            match parse_amount(calories_text) {
                Some(c) if (0..=i64::from(MAX_CALORIES)).contains(&c) => Some(c as u32),
                Some(_) => {
                    errors.push(err(
                        row,
                        "calories",
                        "out_of_range",
                        format!("calories are 0 to {MAX_CALORIES} kcal"),
                        format!("کالری از ۰ تا {} است", to_fa(i64::from(MAX_CALORIES))),
                    ));
                    None
                }
                None => {
                    errors.push(err(row, "calories", "invalid_number", NUMBER_EN, NUMBER_FA));
                    None
                }
            }
        };

        let mut flag = |column: Column| match parse_bool(cell(column)) {
            Some(b) => b,
            None => {
                errors.push(err(
                    row,
                    column.en(),
                    "invalid_flag",
                    "write yes or no (or 1 / 0, or leave it blank for no)",
                    "بنویسید بله یا خیر (یا ۱ / ۰؛ خالی یعنی خیر)",
                ));
                false
            }
        };
        let sold_out = flag(Column::SoldOut);
        let featured = flag(Column::Featured);

        let image_text = cell(Column::Image).to_ascii_lowercase();
        let image = if image_text.is_empty() {
            None
        } else if MediaRef::is_valid_sha256(&image_text) {
            Some(MediaRef {
                sha256: image_text,
                size: 0,
                mime: String::new(),
                width: None,
                height: None,
                duration_ms: None,
            })
        } else {
            errors.push(err(
                row,
                "image",
                "invalid",
                "a picture is named by its sha256 (64 hex digits) from the media library",
                "تصویر با sha256 آن در کتابخانهٔ رسانه (۶۴ رقم هگز) مشخص می‌شود",
            ));
            None
        };

        categories[c].items.push(MenuItem {
            name: name.to_owned(),
            description: cell(Column::Description).to_owned(),
            price,
            sold_out,
            image,
            code,
            variants,
            badges,
            calories,
            featured,
        });
        rows[c].push(row);
    }
    if errors.is_empty() && categories.is_empty() {
        errors.push(err(
            2,
            "file",
            "empty",
            "the file has no items below its header row",
            "پرونده زیر سطر عنوان ستون‌ها هیچ قلمی ندارد",
        ));
    }
    if errors.is_empty() {
        Ok(Parsed {
            categories,
            rows,
            has_images: has(Column::Image),
        })
    } else {
        Err(errors)
    }
}

fn to_fa(n: i64) -> String {
    vitrin_shared::calendar::format_number(n, vitrin_shared::calendar::Digits::Persian)
}

/// `کوچک:45000|بزرگ:60000`: pairs separated by `|` (or `؛`, or line breaks), name and price
/// by the last `:` (or `=`).
fn parse_variants(text: &str, row: usize, errors: &mut Vec<RowError>) -> Vec<MenuVariant> {
    let mut variants = Vec::new();
    for part in text
        .split(['|', '؛', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((name, price)) = part.rsplit_once([':', '=', '：']) else {
            errors.push(err(
                row,
                "variants",
                "invalid",
                format!("“{part}”: write each variant as name:price, e.g. small:45000|large:60000"),
                format!(
                    "«{part}»: هر اندازه را به شکل نام:قیمت بنویسید، مثلاً کوچک:45000|بزرگ:60000"
                ),
            ));
            continue;
        };
        let name = name.trim();
        if name.is_empty() {
            errors.push(err(
                row,
                "variants",
                "required",
                format!("“{part}”: a variant needs a name"),
                format!("«{part}»: هر اندازه باید نام داشته باشد"),
            ));
        }
        let price = match parse_amount(price) {
            Some(p) if p < 0 => {
                errors.push(err(
                    row,
                    "variants",
                    "negative",
                    format!("“{part}”: a price cannot be negative"),
                    format!("«{part}»: قیمت نمی‌تواند منفی باشد"),
                ));
                0
            }
            Some(p) => p,
            None => {
                errors.push(err(
                    row,
                    "variants",
                    "invalid_number",
                    format!("“{part}”: {NUMBER_EN}"),
                    format!("«{part}»: {NUMBER_FA}"),
                ));
                0
            }
        };
        variants.push(MenuVariant {
            name: name.to_owned(),
            price,
        });
    }
    if variants.len() > MAX_VARIANTS {
        errors.push(err(
            row,
            "variants",
            "too_many",
            format!("an item has at most {MAX_VARIANTS} variants"),
            format!("هر قلم حداکثر {} اندازه دارد", to_fa(MAX_VARIANTS as i64)),
        ));
    }
    variants
}

/// The key an item is found by (per-store prices, keeping pictures): its code, else its name.
pub fn item_key(item: &MenuItem) -> &str {
    if item.code.trim().is_empty() {
        &item.name
    } else {
        &item.code
    }
}

async fn load_menu(state: &AppState, principal: &Principal, id: i64) -> ApiResult<ContentItem> {
    let item = library::get::<ContentItem>(state, principal, id).await?;
    if matches!(item.kind, ContentKind::MenuBoard { .. }) {
        Ok(item)
    } else {
        Err(ApiError::NotFound)
    }
}

/// A menu content item as a CSV file: (its name, the bytes).
pub async fn export(
    state: &AppState,
    principal: &Principal,
    id: i64,
    lang: HeaderLang,
) -> ApiResult<(String, Vec<u8>)> {
    let item = load_menu(state, principal, id).await?;
    let ContentKind::MenuBoard { menu } = &item.kind else {
        unreachable!("load_menu returns menus")
    };
    Ok((item.name.clone(), write(menu, lang)))
}

/// The outcome of an import that reached the file: the saved menu, or every problem found.
pub type Imported = Result<ContentItem, Vec<RowError>>;

/// Replaces a menu's categories and items with a CSV file's; all or nothing.
pub async fn import(
    state: &AppState,
    principal: &Principal,
    id: i64,
    bytes: &[u8],
) -> ApiResult<Imported> {
    let mut item = load_menu(state, principal, id).await?;
    principal.require(principal.can_edit_content())?;
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::PayloadTooLarge(format!(
            "a menu file is at most {} KB",
            MAX_BYTES / 1024
        )));
    }
    let mut parsed = match parse(&decode(bytes)) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(errors)),
    };
    let ContentKind::MenuBoard { menu } = &mut item.kind else {
        unreachable!("load_menu returns menus")
    };
    if !parsed.has_images {
        // Pictures are not spreadsheet material: each item keeps the one it had.
        let old: Vec<&MenuItem> = menu.categories.iter().flat_map(|c| &c.items).collect();
        for new in parsed.categories.iter_mut().flat_map(|c| &mut c.items) {
            new.image = old
                .iter()
                .find(|o| item_key(o) == item_key(new))
                .and_then(|o| o.image.clone());
        }
    }
    menu.categories = parsed.categories;
    let body = serde_json::to_value(&item).expect("content serializes");
    match library::save::<ContentItem>(state, principal, Some(id), body).await {
        Ok((_, saved)) => Ok(Ok(saved)),
        Err(ApiError::Validation(v)) => {
            let mut errors: Vec<RowError> = v
                .errors
                .iter()
                .map(|e| to_row_error(&e.field, &e.code, &e.message, &parsed.rows))
                .collect();
            errors.sort_by_key(|e| e.row);
            Ok(Err(errors))
        }
        Err(e) => Err(e),
    }
}

/// A library error on `menu.categories.1.items.0.price` as one on the row it came from.
fn to_row_error(field: &str, code: &str, message: &str, rows: &[Vec<usize>]) -> RowError {
    let parts: Vec<&str> = field.split('.').collect();
    let index = |s: &str| s.parse::<usize>().ok();
    let (row, column) = match parts[..] {
        ["menu", "categories", c, "items", i, ref rest @ ..] => {
            let row = index(c)
                .zip(index(i))
                .and_then(|(c, i)| rows.get(c)?.get(i).copied())
                .unwrap_or(0);
            (row, rest.first().copied().unwrap_or("name").to_owned())
        }
        ["menu", "categories", c, ..] => (
            index(c)
                .and_then(|c| rows.get(c)?.first().copied())
                .unwrap_or(0),
            "category".to_owned(),
        ),
        _ => (0, field.to_owned()),
    };
    let fa = match code {
        "required" => "این خانه لازم است",
        "negative" => "قیمت نمی‌تواند منفی باشد",
        "too_long" => "این متن بیش از اندازه بلند است",
        "too_many" => "بیش از اندازه زیاد است",
        "out_of_range" => "خارج از محدودهٔ مجاز است",
        "duplicate" => "تکراری است",
        "unknown_media" => "تصویری با این sha256 در کتابخانهٔ رسانه نیست؛ اول آن را بارگذاری کنید",
        "wrong_media_kind" => "این رسانه تصویر نیست",
        "control_chars" | "invalid" => "نویسه‌های نامعتبر دارد",
        _ => message,
    };
    err(row, &column, code, message, fa)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_every_digit_set() {
        for typed in [
            "45000",
            "45,000",
            "۴۵۰۰۰",
            "۴۵٬۰۰۰",
            "٤٥٠٠٠",
            "٤٥،٠٠٠",
            "45 000",
            "45000.00",
        ] {
            assert_eq!(parse_amount(typed), Some(45000), "{typed}");
        }
        for typed in ["45,00", "4.5", "abc", "", "1,2345"] {
            assert_eq!(parse_amount(typed), None, "{typed}");
        }
        assert_eq!(parse_amount("-5"), Some(-5));
    }

    #[test]
    fn headers_in_both_languages() {
        assert_eq!(Column::from_header(" Sold Out "), Some(Column::SoldOut));
        assert_eq!(Column::from_header("تمام شده"), Some(Column::SoldOut));
        assert_eq!(Column::from_header("اندازه‌ها"), Some(Column::Variants));
        assert_eq!(Column::from_header("دسته‌بندي"), Some(Column::Category));
        assert_eq!(Column::from_header("prise"), None);
    }

    #[test]
    fn excel_encodings() {
        let text = "دسته,نام,قیمت\nگرم,چای,۱۰\n";
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16), text);
        // Excel's "CSV" on a Persian Windows: Windows-1256, which has the Arabic yeh (ي) for
        // the Persian one and no Persian digits; headers still match.
        let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode("دسته,نام,قيمت\nگرم,چاي,10\n");
        let parsed = parse(&decode(&cp1256)).unwrap();
        assert_eq!(parsed.categories[0].name, "گرم");
        assert_eq!(parsed.categories[0].items[0].name, "چاي");
        assert_eq!(parsed.categories[0].items[0].price, 10);
    }

    #[test]
    fn semicolons_and_tabs() {
        assert_eq!(delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter("a,b"), b',');
    }

    #[test]
    fn a_menu_survives_the_round_trip() {
        let menu = Menu {
            categories: vec![MenuCategory {
                name: "نوشیدنی".into(),
                items: vec![
                    MenuItem {
                        name: "لاته, \"ویژه\"".into(),
                        description: "دو خط\nتوضیح".into(),
                        price: 85000,
                        code: "L1".into(),
                        variants: vec![
                            MenuVariant {
                                name: "کوچک".into(),
                                price: 70000,
                            },
                            MenuVariant {
                                name: "بزرگ".into(),
                                price: 90000,
                            },
                        ],
                        badges: vec![Badge::New, Badge::ChefsPick],
                        calories: Some(120),
                        featured: true,
                        ..MenuItem::default()
                    },
                    MenuItem {
                        name: "Espresso".into(),
                        price: 40000,
                        sold_out: true,
                        ..MenuItem::default()
                    },
                ],
            }],
            ..Menu::default()
        };
        for lang in [HeaderLang::En, HeaderLang::Fa] {
            let bytes = write(&menu, lang);
            assert!(bytes.starts_with(&[0xef, 0xbb, 0xbf]));
            let parsed = parse(&decode(&bytes)).unwrap();
            assert_eq!(parsed.categories, menu.categories, "{lang:?}");
            assert_eq!(parsed.rows, vec![vec![2, 3]]);
        }
    }
}
