//! The text engine without a window: bidi ordering of mixed Persian/Latin/number lines, and
//! fitting (shrink, then ellipsize) into boxes.

use egui::{Color32, Vec2};
use vitrin_player::render::text::{
    Direction, Flow, MAX_TEXTURES, TextCache, TextStyle, display_text, glyph_positions,
};

fn style(dir: Direction) -> TextStyle {
    TextStyle::new(40.0, Color32::WHITE, dir)
}

/// The left edge of the glyphs made from `needle`'s bytes in `text` (its leftmost glyph).
fn x_of(cache: &mut TextCache, text: &str, dir: Direction, needle: &str) -> f32 {
    let start = text.find(needle).expect("needle in text");
    let range = start..start + needle.len();
    glyph_positions(cache, text, &style(dir))
        .into_iter()
        .filter(|(byte, _)| range.contains(byte))
        .map(|(_, x)| x)
        .fold(f32::INFINITY, f32::min)
}

#[test]
fn persian_line_reads_right_to_left_with_latin_words_and_numbers_left_to_right() {
    let mut cache = TextCache::new();
    let text = "کاپوچینو Cappuccino قهوه ۱۲۰٬۰۰۰ تومان";
    let x = |cache: &mut TextCache, needle| x_of(cache, text, Direction::Rtl, needle);
    let (persian, latin, coffee, number, unit) = (
        x(&mut cache, "کاپوچینو"),
        x(&mut cache, "Cappuccino"),
        x(&mut cache, "قهوه"),
        x(&mut cache, "۱۲۰"),
        x(&mut cache, "تومان"),
    );
    // Words in reading order from the right.
    assert!(
        persian > latin && latin > coffee && coffee > number && number > unit,
        "{persian} {latin} {coffee} {number} {unit}"
    );
    // Inside the Latin word and the number, left to right.
    assert!(x(&mut cache, "C") < x(&mut cache, "ino"));
    assert!(x(&mut cache, "۱۲۰") < x(&mut cache, "٬۰۰۰"));
}

#[test]
fn a_number_after_a_latin_word_joins_its_left_to_right_run() {
    // Unicode bidi rule W7: digits after a Latin word take its direction, so the pair reads
    // "Cappuccino ۱۲۰" left to right inside the Persian line (as HarfBuzz/pango draw it too).
    let mut cache = TextCache::new();
    let text = "کاپوچینو Cappuccino ۱۲۰٬۰۰۰";
    let x = |cache: &mut TextCache, needle| x_of(cache, text, Direction::Rtl, needle);
    let (persian, latin, number) = (
        x(&mut cache, "کاپوچینو"),
        x(&mut cache, "Cappuccino"),
        x(&mut cache, "۱۲۰"),
    );
    assert!(
        persian > number && number > latin,
        "{persian} {number} {latin}"
    );
}

#[test]
fn a_persian_paragraph_starting_with_latin_keeps_its_rtl_base_direction() {
    let mut cache = TextCache::new();
    let text = "Wi-Fi رایگان";
    // RTL base: the first word (Latin) is at the right end.
    assert!(
        x_of(&mut cache, text, Direction::Rtl, "Wi")
            > x_of(&mut cache, text, Direction::Rtl, "رایگان")
    );
    // The same text as English: Latin first, on the left.
    assert!(
        x_of(&mut cache, text, Direction::Ltr, "Wi")
            < x_of(&mut cache, text, Direction::Ltr, "رایگان")
    );
}

#[test]
fn arabic_yeh_and_kaf_are_shown_as_persian() {
    assert_eq!(display_text("كيك"), "کیک");
}

#[test]
fn text_that_fits_keeps_its_size() {
    let mut cache = TextCache::new();
    let fitted = cache.fit(
        "قهوه",
        &style(Direction::Rtl),
        Flow::Line,
        Vec2::new(600.0, 80.0),
    );
    assert_eq!(fitted.size, 40.0);
    assert!(!fitted.ellipsized);
}

#[test]
fn a_line_too_long_shrinks_to_fit_then_ellipsizes() {
    let mut cache = TextCache::new();
    let text = "قهوه ترک با شکلات تلخ و خامه";
    let natural = cache.measure(text, &style(Direction::Rtl), Flow::Line, f32::INFINITY);
    // A box 80 % as wide: shrinks, stays whole.
    let fitted = cache.fit(
        text,
        &style(Direction::Rtl),
        Flow::Line,
        Vec2::new(natural.x * 0.8, 80.0),
    );
    assert!(fitted.size < 40.0 && !fitted.ellipsized, "{fitted:?}");
    let shrunk = cache.measure(
        text,
        &style(Direction::Rtl).size(fitted.size),
        Flow::Line,
        f32::INFINITY,
    );
    assert!(shrunk.x <= natural.x * 0.8 + 0.5);
    // A box a fifth as wide: the smallest size is not enough, so it ellipsizes.
    let fitted = cache.fit(
        text,
        &style(Direction::Rtl),
        Flow::Line,
        Vec2::new(natural.x * 0.2, 80.0),
    );
    assert!(fitted.ellipsized, "{fitted:?}");
}

#[test]
fn a_wrapped_text_wraps_before_it_shrinks_and_ellipsizes_when_far_too_long() {
    let mut cache = TextCache::new();
    let text = "همه روزه از ساعت هشت صبح تا ده شب در خدمت شما هستیم";
    let one_line = cache.measure(text, &style(Direction::Rtl), Flow::Line, f32::INFINITY);
    let wrapped = cache.measure(
        text,
        &style(Direction::Rtl),
        Flow::Wrapped,
        one_line.x / 2.0,
    );
    assert!(
        wrapped.y >= one_line.y * 2.0,
        "wraps into lines: {wrapped:?}"
    );
    let fitted = cache.fit(
        text,
        &style(Direction::Rtl),
        Flow::Wrapped,
        Vec2::new(one_line.x / 2.0, wrapped.y),
    );
    assert_eq!(fitted.size, 40.0);
    let long = text.repeat(20);
    let fitted = cache.fit(
        &long,
        &style(Direction::Rtl),
        Flow::Wrapped,
        Vec2::new(400.0, 100.0),
    );
    assert!(fitted.ellipsized, "{fitted:?}");
}

#[test]
fn textures_are_reused_and_the_cache_stays_bounded() {
    let ctx = egui::Context::default();
    let mut cache = TextCache::new();
    let style = TextStyle::new(12.0, Color32::WHITE, Direction::Rtl);
    let first = cache.render(&ctx, "قهوه", &style, Flow::Line, f32::INFINITY, None);
    let again = cache.render(&ctx, "قهوه", &style, Flow::Line, f32::INFINITY, None);
    assert_eq!(
        first.texture.id(),
        again.texture.id(),
        "same text, same texture"
    );
    let bolder = cache.render(&ctx, "قهوه", &style.bold(), Flow::Line, f32::INFINITY, None);
    assert_ne!(first.texture.id(), bolder.texture.id());
    for i in 0..MAX_TEXTURES + 40 {
        cache.render(
            &ctx,
            &format!("مورد {i}"),
            &style,
            Flow::Line,
            f32::INFINITY,
            None,
        );
    }
    assert_eq!(cache.cached_textures(), MAX_TEXTURES);
}
