//! Brand kits: the colours, typeface, logo and background a screen's content is drawn with.
//!
//! A kit belongs to an organization (the franchise) and optionally to one store; the server
//! resolves which applies and puts it in every screen's manifest, so every renderer (native and
//! browser) draws with it offline. The default kit is the dark board Vitrin always drew.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::content::MediaRef;
use crate::validate::{Validate, ValidationErrors};

/// An sRGB colour, written `#rrggbb` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b }
    }

    /// Parses `#rrggbb` (or `#rgb`), case-insensitively.
    pub fn parse(text: &str) -> Result<Colour, String> {
        let hex = text.trim().strip_prefix('#').unwrap_or(text.trim());
        let digits: Option<Vec<u8>> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect();
        match digits.as_deref() {
            Some([r1, r2, g1, g2, b1, b2]) => {
                Ok(Colour::rgb(r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2))
            }
            Some([r, g, b]) => Ok(Colour::rgb(r * 17, g * 17, b * 17)),
            _ => Err(format!("'{text}' is not a colour such as #f2b134")),
        }
    }

    /// WCAG 2 relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.r) + 0.7152 * channel(self.g) + 0.0722 * channel(self.b)
    }

    /// WCAG 2 contrast ratio between two colours, 1 (none) to 21 (black on white).
    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl Serialize for Colour {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Colour, D::Error> {
        let text = String::deserialize(deserializer)?;
        Colour::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Colour {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$"))
            .examples(["#f2b134"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Colour {}

/// The bundled typefaces (all under the SIL Open Font License, all covering Persian and Latin).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Typeface {
    /// A modern sans: clear at any size, the default.
    #[default]
    Vazirmatn,
    /// A geometric face with rounder, wider letters: for cafés and fast food.
    Sahel,
    /// A Naskh face with calligraphic strokes: for traditional restaurants and sweet shops.
    Parastoo,
}

impl Typeface {
    pub const ALL: [Typeface; 3] = [Typeface::Vazirmatn, Typeface::Sahel, Typeface::Parastoo];

    /// The family name inside the font files.
    pub fn family(self) -> &'static str {
        match self {
            Typeface::Vazirmatn => "Vazirmatn",
            Typeface::Sahel => "Sahel",
            Typeface::Parastoo => "Parastoo",
        }
    }
}

/// Text colours must reach at least this WCAG contrast against the background to be read from
/// across a shop (WCAG AA for large text); below it the admin warns.
pub const MIN_CONTRAST: f64 = 3.0;

/// Everything that makes a screen look like its shop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BrandKit {
    /// Behind everything.
    pub background: Colour,
    /// Bands set off from the background: a ticker strip, a card, a forecast row.
    pub surface: Colour,
    /// Body text: item names, prices.
    pub text: Colour,
    /// Secondary text: descriptions, units.
    pub muted: Colour,
    /// Titles, category names, badges.
    pub accent: Colour,
    pub typeface: Typeface,
    /// Shown in a corner of menu boards and slides.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<MediaRef>,
    /// A picture filling the background (covering it, under a veil of `background` so text
    /// stays readable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_image: Option<MediaRef>,
}

impl Default for BrandKit {
    fn default() -> BrandKit {
        BrandKit {
            background: Colour::rgb(0x16, 0x1a, 0x22),
            surface: Colour::rgb(0x22, 0x28, 0x33),
            text: Colour::rgb(0xf4, 0xf1, 0xea),
            muted: Colour::rgb(0x9a, 0xa3, 0xaf),
            accent: Colour::rgb(0xf2, 0xb1, 0x34),
            typeface: Typeface::Vazirmatn,
            logo: None,
            background_image: None,
        }
    }
}

/// A colour pair that is hard to read: a warning, not an error (the owner may want it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContrastWarning {
    /// The text colour's field (`text`, `muted`, `accent`).
    pub field: String,
    /// Against which field (`background`, `surface`).
    pub against: String,
    pub ratio: f64,
    pub message: String,
}

impl BrandKit {
    /// The media the kit needs on a player's disk.
    pub fn media(&self) -> impl Iterator<Item = &MediaRef> {
        self.logo.iter().chain(self.background_image.iter())
    }

    /// Every text colour that is hard to read on the colours it is drawn on.
    pub fn contrast_warnings(&self) -> Vec<ContrastWarning> {
        let texts = [
            ("text", self.text),
            ("muted", self.muted),
            ("accent", self.accent),
        ];
        let grounds = [("background", self.background), ("surface", self.surface)];
        let mut warnings = Vec::new();
        for (field, colour) in texts {
            for (against, ground) in grounds {
                let ratio = colour.contrast(ground);
                if ratio < MIN_CONTRAST {
                    warnings.push(ContrastWarning {
                        field: field.to_owned(),
                        against: against.to_owned(),
                        ratio: (ratio * 100.0).round() / 100.0,
                        message: format!(
                            "{field} {colour} on {against} {ground} has a contrast of {ratio:.1}:1; \
                             at least {MIN_CONTRAST}:1 reads from across a shop"
                        ),
                    });
                }
            }
        }
        warnings
    }
}

impl Validate for BrandKit {
    /// Colours and typefaces are checked by their types; the pictures must be pictures.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        for (field, media) in [
            ("logo", &self.logo),
            ("background_image", &self.background_image),
        ] {
            let Some(media) = media else { continue };
            if !MediaRef::is_valid_sha256(&media.sha256) {
                errors.add(
                    format!("{field}.sha256"),
                    "invalid",
                    "must be 64 lower-case hex digits",
                );
            }
            if !media.mime.is_empty() && !media.mime.starts_with("image/") {
                errors.add(
                    field,
                    "not_an_image",
                    format!("must be a picture (PNG, JPEG or WebP), not {}", media.mime),
                );
            }
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_and_print_as_hex() {
        assert_eq!(Colour::parse("#F2B134"), Ok(Colour::rgb(0xf2, 0xb1, 0x34)));
        assert_eq!(Colour::parse("fff"), Ok(Colour::rgb(255, 255, 255)));
        assert_eq!(Colour::rgb(1, 2, 255).to_string(), "#0102ff");
        assert!(Colour::parse("#12345").is_err());
        assert!(Colour::parse("#gg0000").is_err());
        assert!(Colour::parse("red").is_err());
        let json = serde_json::to_string(&BrandKit::default()).unwrap();
        assert!(json.contains("\"accent\":\"#f2b134\""), "{json}");
        let back: BrandKit = serde_json::from_str(&json).unwrap();
        assert_eq!(back, BrandKit::default());
    }

    #[test]
    fn contrast_follows_wcag() {
        let black = Colour::rgb(0, 0, 0);
        let white = Colour::rgb(255, 255, 255);
        assert!((black.contrast(white) - 21.0).abs() < 1e-9);
        assert!((white.contrast(white) - 1.0).abs() < 1e-9);
        // #777 on white is the textbook 4.48:1.
        assert!((Colour::rgb(0x77, 0x77, 0x77).contrast(white) - 4.48).abs() < 0.01);
    }

    #[test]
    fn the_default_kit_reads_well_and_a_pale_one_is_warned_about() {
        assert_eq!(BrandKit::default().contrast_warnings(), vec![]);
        let pale = BrandKit {
            background: Colour::rgb(0xff, 0xff, 0xff),
            surface: Colour::rgb(0xf0, 0xf0, 0xf0),
            text: Colour::rgb(0xee, 0xee, 0x00),
            muted: Colour::rgb(0x33, 0x33, 0x33),
            accent: Colour::rgb(0x22, 0x22, 0x22),
            ..BrandKit::default()
        };
        let warnings = pale.contrast_warnings();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .all(|w| w.field == "text" && w.ratio < MIN_CONTRAST)
        );
    }

    #[test]
    fn a_logo_must_be_a_picture() {
        let kit = BrandKit {
            logo: Some(MediaRef {
                sha256: "a".repeat(64),
                size: 10,
                mime: "video/mp4".into(),
                width: None,
                height: None,
                duration_ms: None,
            }),
            ..BrandKit::default()
        };
        let errors = kit.validate().unwrap_err();
        assert_eq!(errors.errors[0].field, "logo");
        assert_eq!(errors.errors[0].code, "not_an_image");
    }
}
