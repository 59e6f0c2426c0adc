//! The brand kit at `/brand` (the organization's, which every store follows) and
//! `/stores/{id}/brand` (a store's own): five colours (a colour picker and its hex), a
//! typeface shown as a sample line in each face, a logo and a background picture from the
//! media library, contrast warnings next to the colours, and a live preview drawn by the
//! browser player itself (`/play/?preview=brand:0&background=…`), reloaded as the form
//! changes.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use vitrin_shared::ValidationErrors;
use vitrin_shared::brand::{BrandKit, Colour, MIN_CONTRAST, Typeface};

use super::form::FormErrors;
use super::i18n::{Entry, Lang};
use super::page::{Page, Signed, redirect_flash, render_status};
use crate::domain::brand::{self, BrandSettings};
use crate::domain::media::{self, Media};
use crate::error::{ApiError, ApiResult};
use crate::extract::Id;
use crate::state::AppState;
use vitrin_shared::ids::StoreId;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/brand", get(org_page).post(org_post))
        .route("/stores/{id}/brand", get(store_page).post(store_post))
}

/// Whose kit a page edits.
#[derive(Debug, Clone, Copy)]
enum Owner {
    Org,
    Store(i64),
}

impl Owner {
    fn base(self) -> String {
        match self {
            Owner::Org => "/brand".into(),
            Owner::Store(id) => format!("/stores/{id}/brand"),
        }
    }
}

/// The colours of a kit, in the form's order.
const COLOURS: [&str; 5] = ["background", "surface", "text", "muted", "accent"];

fn colour_of(kit: &BrandKit, name: &str) -> Colour {
    match name {
        "background" => kit.background,
        "surface" => kit.surface,
        "text" => kit.text,
        "muted" => kit.muted,
        _ => kit.accent,
    }
}

fn colour_mut<'k>(kit: &'k mut BrandKit, name: &str) -> &'k mut Colour {
    match name {
        "background" => &mut kit.background,
        "surface" => &mut kit.surface,
        "text" => &mut kit.text,
        "muted" => &mut kit.muted,
        _ => &mut kit.accent,
    }
}

/// The form as sent. Each colour comes as a picker (`<name>_picker`) and its hex (`<name>`);
/// `<name>_was` is the value the page showed, so whichever of the two was changed wins (the
/// page's script keeps them equal; without it, either may be used).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct BrandForm {
    action: String,
    mode: String,
    background: String,
    background_picker: String,
    background_was: String,
    surface: String,
    surface_picker: String,
    surface_was: String,
    text: String,
    text_picker: String,
    text_was: String,
    muted: String,
    muted_picker: String,
    muted_was: String,
    accent: String,
    accent_picker: String,
    accent_was: String,
    typeface: String,
    logo: String,
    background_image: String,
}

impl BrandForm {
    fn of(kit: &BrandKit, mode: &str) -> BrandForm {
        let hex = |name: &str| colour_of(kit, name).to_string();
        BrandForm {
            action: "save".into(),
            mode: mode.into(),
            background: hex("background"),
            surface: hex("surface"),
            text: hex("text"),
            muted: hex("muted"),
            accent: hex("accent"),
            typeface: kit.typeface.family().to_ascii_lowercase(),
            logo: kit
                .logo
                .as_ref()
                .map(|m| m.sha256.clone())
                .unwrap_or_default(),
            background_image: kit
                .background_image
                .as_ref()
                .map(|m| m.sha256.clone())
                .unwrap_or_default(),
            ..BrandForm::default()
        }
    }

    /// The three inputs of a colour: (hex, picker, shown before).
    fn parts(&self, name: &str) -> (&str, &str, &str) {
        match name {
            "background" => (
                &self.background,
                &self.background_picker,
                &self.background_was,
            ),
            "surface" => (&self.surface, &self.surface_picker, &self.surface_was),
            "text" => (&self.text, &self.text_picker, &self.text_was),
            "muted" => (&self.muted, &self.muted_picker, &self.muted_was),
            _ => (&self.accent, &self.accent_picker, &self.accent_was),
        }
    }

    /// The colour chosen: the hex when it was typed, else the picker's.
    fn chosen(&self, name: &str) -> String {
        let (hex, picker, was) = self.parts(name);
        if hex.trim() != was.trim() || picker.trim().is_empty() {
            hex.trim().to_owned()
        } else {
            picker.trim().to_owned()
        }
    }

    /// The kit the form describes, or its field errors.
    fn kit(&self, lang: Lang) -> Result<BrandKit, FormErrors> {
        let mut kit = BrandKit::default();
        let mut errors = FormErrors::none();
        for name in COLOURS {
            match Colour::parse(&self.chosen(name)) {
                Ok(colour) => *colour_mut(&mut kit, name) = colour,
                Err(_) => errors.add(name, lang.t("brand.bad_colour")),
            }
        }
        match brand::parse_typeface(&self.typeface) {
            Some(face) => kit.typeface = face,
            None => errors.add("typeface", lang.t("err.invalid")),
        }
        kit.logo = brand::picture_ref(&self.logo);
        kit.background_image = brand::picture_ref(&self.background_image);
        if errors.is_empty() {
            Ok(kit)
        } else {
            Err(errors)
        }
    }
}

struct ColourRow {
    name: &'static str,
    label: String,
    hint: String,
    /// As typed (kept on an error).
    value: String,
    /// What the picker shows: a valid `#rrggbb`.
    picker: String,
    warnings: Vec<String>,
}

struct PictureRow {
    name: &'static str,
    label: String,
    hint: String,
    /// The sha256 chosen (kept on an error).
    value: String,
    /// Chosen, but not a picture of the library (typed by hand, or gone): listed as is.
    unlisted: bool,
}

struct FaceRow {
    value: String,
    label: String,
    family: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "brand/edit.html")]
struct BrandPage<'a> {
    page: &'a Page,
    title: String,
    base: String,
    is_store: bool,
    /// Whether the principal may change this kit.
    can_write: bool,
    mode: String,
    colours: Vec<ColourRow>,
    faces: Vec<FaceRow>,
    /// The library's pictures, for the logo and background choices.
    images: Vec<Media>,
    pictures: Vec<PictureRow>,
    /// On the organization's page: each store, and whether it has a kit of its own.
    stores: Vec<(i64, String, bool)>,
    /// The player's preview of the kit shown.
    preview: String,
    /// For the page's script: the warning with `{against}` and `{ratio}` to fill in.
    warning_template: String,
    errors: FormErrors,
}

impl BrandPage<'_> {
    fn against_name(&self, field: &str) -> String {
        self.page.t(&format!("brand.colour.{field}")).to_owned()
    }
}

/// The preview's address: the brand preview of the organization's first menu, drawn with
/// `form`'s kit (colours as sent, so the player shows what is typed once it parses).
fn preview_src(form: &BrandForm) -> String {
    use super::page::url_encode;
    let mut src = String::from("/play/?preview=brand:0");
    for name in COLOURS {
        src.push_str(&format!("&{name}={}", url_encode(&form.chosen(name))));
    }
    src.push_str(&format!(
        "&typeface={}&logo={}&background_image={}",
        url_encode(&form.typeface),
        url_encode(form.logo.trim()),
        url_encode(form.background_image.trim())
    ));
    src
}

fn warning_text(lang: Lang, against: &str, ratio: f64) -> String {
    lang.tf(
        "brand.warning",
        &[
            ("against", lang.t(&format!("brand.colour.{against}"))),
            ("ratio", &lang.digits_in(&format!("{ratio:.1}"))),
            ("min", &lang.digits_in(&format!("{MIN_CONTRAST:.0}"))),
        ],
    )
}

async fn current(state: &AppState, signed: &Signed, owner: Owner) -> ApiResult<BrandSettings> {
    match owner {
        Owner::Org => brand::for_org(state, &signed.principal).await,
        Owner::Store(id) => brand::for_store(state, &signed.principal, id).await,
    }
}

async fn show(
    state: &AppState,
    signed: &Signed,
    owner: Owner,
    form: Option<BrandForm>,
    errors: FormErrors,
) -> ApiResult<Response> {
    let lang = signed.page.lang;
    let principal = &signed.principal;
    let settings = current(state, signed, owner).await?;
    let (title, can_write, mode) = match owner {
        Owner::Org => (
            lang.t("brand.title").to_owned(),
            principal.is_owner(),
            "own",
        ),
        Owner::Store(id) => {
            let store = crate::domain::stores::visible_store(state, principal, id).await?;
            (
                lang.tf("brand.store_title", &[("store", &store.name)]),
                principal.can_manage_store(StoreId(id)),
                if settings.own.is_some() {
                    "own"
                } else {
                    "follow"
                },
            )
        }
    };
    let form = form.unwrap_or_else(|| BrandForm::of(&settings.kit, mode));
    // Warnings for the kit shown: the one typed when it parses, else the one saved.
    let shown = form.kit(lang).unwrap_or_else(|_| settings.kit.clone());
    let warnings = shown.contrast_warnings();
    let colours = COLOURS
        .iter()
        .map(|&name| {
            let chosen = form.chosen(name);
            let picker = match Colour::parse(&chosen) {
                Ok(c) => c.to_string(),
                Err(_) => colour_of(&settings.kit, name).to_string(),
            };
            ColourRow {
                name,
                label: lang.t(&format!("brand.colour.{name}")).to_owned(),
                hint: lang.t(&format!("brand.colour.{name}.hint")).to_owned(),
                value: chosen,
                picker,
                warnings: warnings
                    .iter()
                    .filter(|w| w.field == name)
                    .map(|w| warning_text(lang, &w.against, w.ratio))
                    .collect(),
            }
        })
        .collect();
    let faces = Typeface::ALL
        .iter()
        .map(|face| {
            let value = face.family().to_ascii_lowercase();
            FaceRow {
                checked: form.typeface == value,
                label: lang.t(&format!("brand.face.{value}")).to_owned(),
                value,
                family: face.family(),
            }
        })
        .collect();
    let images: Vec<Media> = media::list(state, principal)
        .await?
        .into_iter()
        .filter(|m| m.kind == "image")
        .collect();
    let pictures = [
        ("logo", form.logo.trim()),
        ("background_image", form.background_image.trim()),
    ]
    .into_iter()
    .map(|(name, value)| PictureRow {
        name,
        label: lang.t(&format!("brand.{name}")).to_owned(),
        hint: lang.t(&format!("brand.{name}.hint")).to_owned(),
        value: value.to_owned(),
        unlisted: !value.is_empty() && !images.iter().any(|m| m.sha256 == value),
    })
    .collect();
    let stores = match owner {
        Owner::Org => brand::stores_with_own_kit(state, principal).await?,
        Owner::Store(_) => Vec::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_status(
        status,
        &BrandPage {
            page: &signed.page,
            title,
            base: owner.base(),
            is_store: matches!(owner, Owner::Store(_)),
            can_write,
            mode: form.mode.clone(),
            colours,
            faces,
            images,
            pictures,
            stores,
            preview: preview_src(&form),
            warning_template: lang.tf(
                "brand.warning",
                &[
                    ("against", "{against}"),
                    ("ratio", "{ratio}"),
                    ("min", &lang.digits_in(&format!("{MIN_CONTRAST:.0}"))),
                ],
            ),
            errors,
        },
    ))
}

/// The page's field for an error of the domain (`logo.sha256` is the logo's choice).
fn page_errors(lang: Lang, v: &ValidationErrors) -> FormErrors {
    let mut errors = FormErrors::none();
    for e in &v.errors {
        let field = e.field.split('.').next().unwrap_or_default();
        let text = match lang {
            Lang::En => e.message.clone(),
            Lang::Fa => match e.code.as_str() {
                "unknown_media" | "not_an_image" | "too_large" => {
                    lang.t(&format!("brand.err.{}", e.code)).to_owned()
                }
                _ => e.message.clone(),
            },
        };
        errors.add(field, text);
    }
    errors
}

async fn post(
    state: &AppState,
    signed: &Signed,
    owner: Owner,
    form: BrandForm,
) -> ApiResult<Response> {
    let lang = signed.page.lang;
    let follow = form.action == "follow" || (form.action == "save" && form.mode == "follow");
    let kit = if follow {
        None
    } else {
        match form.kit(lang) {
            Ok(kit) => Some(kit),
            Err(errors) => return show(state, signed, owner, Some(form), errors).await,
        }
    };
    let saved = match owner {
        Owner::Org => brand::set_org(state, &signed.principal, kit).await,
        Owner::Store(id) => brand::set_store(state, &signed.principal, id, kit).await,
    };
    match saved {
        Ok(_) => Ok(redirect_flash(&owner.base(), true, "brand.saved", "")),
        Err(ApiError::Validation(v)) => {
            let errors = page_errors(lang, &v);
            show(state, signed, owner, Some(form), errors).await
        }
        Err(other) => Err(other),
    }
}

async fn org_page(State(state): State<AppState>, signed: Signed) -> ApiResult<Response> {
    show(&state, &signed, Owner::Org, None, FormErrors::none()).await
}

async fn store_page(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
) -> ApiResult<Response> {
    show(&state, &signed, Owner::Store(id), None, FormErrors::none()).await
}

async fn org_post(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<BrandForm>,
) -> ApiResult<Response> {
    post(&state, &signed, Owner::Org, form).await
}

async fn store_post(
    State(state): State<AppState>,
    signed: Signed,
    Id(id): Id,
    Form(form): Form<BrandForm>,
) -> ApiResult<Response> {
    post(&state, &signed, Owner::Store(id), form).await
}

pub const TEXT: &[Entry] = &[
    ("nav.brand", "Brand", "برند"),
    ("brand.title", "Brand kit", "هویت بصری"),
    (
        "brand.store_title",
        "Brand kit of {store}",
        "هویت بصری {store}",
    ),
    (
        "brand.intro",
        "The colours, typeface, logo and background every screen draws its menus and slides with. Stores follow the organization's kit unless they have their own.",
        "رنگ‌ها، قلم، لوگو و پس‌زمینه‌ای که همه‌ی نمایشگرها منو و اسلایدها را با آن می‌کشند. فروشگاه‌ها از هویت سازمان پیروی می‌کنند، مگر هویت خودشان را داشته باشند.",
    ),
    ("brand.stores", "Stores", "فروشگاه‌ها"),
    ("brand.store_own", "its own kit", "هویت خودش"),
    (
        "brand.store_follows",
        "follows the organization's kit",
        "پیرو هویت سازمان",
    ),
    (
        "brand.mode.follow",
        "Follow the organization's kit",
        "پیروی از هویت سازمان",
    ),
    (
        "brand.mode.own",
        "A kit of its own",
        "هویت ویژه‌ی این فروشگاه",
    ),
    ("brand.colours", "Colours", "رنگ‌ها"),
    ("brand.colour.background", "Background", "پس‌زمینه"),
    (
        "brand.colour.background.hint",
        "Behind everything.",
        "پشت همه چیز.",
    ),
    ("brand.colour.surface", "Surface", "سطح"),
    (
        "brand.colour.surface.hint",
        "Bands set off from the background: tickers, cards.",
        "نوارها و کارت‌هایی که از پس‌زمینه جدا می‌شوند.",
    ),
    ("brand.colour.text", "Text", "متن"),
    (
        "brand.colour.text.hint",
        "Item names and prices.",
        "نام اقلام و قیمت‌ها.",
    ),
    ("brand.colour.muted", "Secondary text", "متن فرعی"),
    (
        "brand.colour.muted.hint",
        "Descriptions and units.",
        "توضیحات و واحدها.",
    ),
    ("brand.colour.accent", "Accent", "رنگ شاخص"),
    (
        "brand.colour.accent.hint",
        "Titles, categories and badges.",
        "عنوان‌ها، دسته‌ها و نشان‌ها.",
    ),
    (
        "brand.warning",
        "Hard to read on the {against} colour: contrast {ratio}:1 (at least {min}:1 reads from across a shop).",
        "روی رنگ {against} سخت خوانده می‌شود: کنتراست {ratio}:۱ (دست‌کم {min}:۱ از آن سر مغازه خوانا است).",
    ),
    (
        "brand.bad_colour",
        "Use a colour such as #f2b134.",
        "رنگی مثل ‎#f2b134‎ بنویسید.",
    ),
    ("brand.typeface", "Typeface", "قلم"),
    (
        "brand.sample",
        "منوی امروز · Today's menu ۱۲۳",
        "منوی امروز · Today's menu ۱۲۳",
    ),
    (
        "brand.face.vazirmatn",
        "Vazirmatn: a modern sans, clear at any size",
        "وزیرمتن: ساده و امروزی، خوانا در هر اندازه",
    ),
    (
        "brand.face.sahel",
        "Sahel: rounder and wider, for cafés and fast food",
        "ساحل: گردتر و پهن‌تر، برای کافه و فست‌فود",
    ),
    (
        "brand.face.parastoo",
        "Parastoo: calligraphic, for traditional restaurants and sweet shops",
        "پرستو: خوشنویسانه، برای رستوران سنتی و شیرینی‌فروشی",
    ),
    ("brand.pictures", "Logo and background", "لوگو و پس‌زمینه"),
    ("brand.logo", "Logo", "لوگو"),
    (
        "brand.logo.hint",
        "A picture from the media library, at most 2 MiB and 4096 pixels a side.",
        "تصویری از کتابخانه‌ی رسانه، حداکثر ۲ مگابایت و ۴۰۹۶ پیکسل در هر ضلع.",
    ),
    (
        "brand.background_image",
        "Background picture",
        "تصویر پس‌زمینه",
    ),
    (
        "brand.background_image.hint",
        "Covers the background under a veil of its colour, at most 10 MiB and 8192 pixels a side.",
        "پس‌زمینه را زیر پرده‌ای از رنگ آن می‌پوشاند؛ حداکثر ۱۰ مگابایت و ۸۱۹۲ پیکسل در هر ضلع.",
    ),
    ("brand.no_picture", "None", "هیچ"),
    (
        "brand.upload",
        "Upload a picture to the media library",
        "بارگذاری تصویر در کتابخانه‌ی رسانه",
    ),
    ("brand.preview", "Preview", "پیش‌نمایش"),
    (
        "brand.preview.hint",
        "Drawn by the same player as the screens, with the kit as it is in the form.",
        "با همان پخش‌کننده‌ی نمایشگرها و با هویتی که در فرم است کشیده می‌شود.",
    ),
    (
        "brand.reset",
        "Use the built-in kit",
        "بازگشت به هویت پیش‌فرض",
    ),
    (
        "brand.read_only",
        "Your role may look at this kit but not change it.",
        "نقش شما اجازه‌ی دیدن این هویت را می‌دهد، نه تغییرش را.",
    ),
    ("brand.saved", "Brand kit saved.", "هویت بصری ذخیره شد."),
    (
        "brand.of_store",
        "Brand kit of this store",
        "هویت بصری این فروشگاه",
    ),
    (
        "brand.err.unknown_media",
        "This picture is not in your media library.",
        "این تصویر در کتابخانه‌ی رسانه‌ی شما نیست.",
    ),
    (
        "brand.err.not_an_image",
        "Choose a picture (PNG, JPEG or WebP), not a video or a document.",
        "یک تصویر (PNG، JPEG یا WebP) انتخاب کنید، نه ویدیو یا سند.",
    ),
    (
        "brand.err.too_large",
        "This picture is too large: a logo at most 2 MiB and 4096 pixels a side, a background at most 10 MiB and 8192 pixels.",
        "این تصویر بیش از حد بزرگ است: لوگو حداکثر ۲ مگابایت و ۴۰۹۶ پیکسل، پس‌زمینه حداکثر ۱۰ مگابایت و ۸۱۹۲ پیکسل.",
    ),
];
