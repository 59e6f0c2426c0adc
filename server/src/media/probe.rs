//! Validates an uploaded file by its bytes, never by its name or declared content type.
//!
//! A player only shows what GStreamer or the image decoders can handle, and a bad file on a
//! screen is worse than a refused upload, so everything is checked here: the real type (magic
//! bytes), the size before decoding (decompression bombs), that the whole image decodes, and for
//! videos the container, codec and duration. [`probe_file`] is blocking; run it on the blocking
//! pool.

use std::fmt::Display;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Rgb, RgbImage};
use serde::{Deserialize, Serialize};

/// Bounds on what an upload may cost to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeLimits {
    /// Largest image (width × height) accepted; checked from the header, before decoding.
    pub max_pixels: u64,
    /// Most memory an image decoder may allocate.
    pub max_image_alloc: u64,
    /// Thumbnails fit in a square of this many pixels.
    pub thumb_size: u32,
}

impl Default for ProbeLimits {
    fn default() -> Self {
        ProbeLimits {
            max_pixels: 50_000_000,
            max_image_alloc: 512 * 1024 * 1024,
            thumb_size: 320,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Video,
}

/// What an accepted upload turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probed {
    pub kind: MediaKind,
    /// The real type, from the content.
    pub mime: &'static str,
    /// As displayed: after EXIF orientation (images) or the track's rotation matrix (MP4).
    pub width: u32,
    pub height: u32,
    /// Videos only.
    pub duration_ms: Option<u64>,
    /// A JPEG that fits in `thumb_size`²; images only (the server does not decode video).
    pub thumbnail: Option<Vec<u8>>,
}

/// Why an upload was refused. [`ProbeError::code`] is stable for API clients; the message is for
/// people and names what was found.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("unsupported file type ({}); accepted are JPEG, PNG, WebP, GIF, MP4/MOV and WebM/MKV",
        detected.as_deref().unwrap_or("unrecognised content"))]
    Unsupported { detected: Option<String> },
    #[error("unsupported codec: {0}")]
    UnsupportedCodec(String),
    #[error("the file is damaged or incomplete: {0}")]
    Corrupt(String),
    #[error("the image is too large: {0}")]
    TooLarge(String),
    /// The server could not read its own temporary file: not the uploader's fault.
    #[error("cannot read the uploaded file: {0}")]
    Io(#[from] io::Error),
}

impl ProbeError {
    /// Machine-readable reason, stable across releases.
    pub fn code(&self) -> &'static str {
        match self {
            ProbeError::Unsupported { .. } => "unsupported_type",
            ProbeError::UnsupportedCodec(_) => "unsupported_codec",
            ProbeError::Corrupt(_) => "corrupt",
            ProbeError::TooLarge(_) => "too_large",
            ProbeError::Io(_) => "io_error",
        }
    }
}

fn unsupported(detected: &str) -> ProbeError {
    ProbeError::Unsupported {
        detected: Some(detected.to_owned()),
    }
}

/// Checks the file at `path` and describes it; see the module documentation.
pub fn probe_file(path: &Path, limits: &ProbeLimits) -> Result<Probed, ProbeError> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut head = Vec::with_capacity(64);
    (&mut file).take(64).read_to_end(&mut head)?;
    file.rewind()?;
    match sniff(&head)? {
        Sniffed::Image(format, mime) => probe_image(file, format, mime, limits),
        Sniffed::Mp4(mime) => probe_mp4(file, len, mime),
        Sniffed::Matroska => probe_matroska(file, len),
    }
}

enum Sniffed {
    Image(ImageFormat, &'static str),
    Mp4(&'static str),
    Matroska,
}

/// The real type from the first bytes. Refusals name what was found so the uploader learns why.
fn sniff(head: &[u8]) -> Result<Sniffed, ProbeError> {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if at(0, b"\xFF\xD8\xFF") {
        return Ok(Sniffed::Image(ImageFormat::Jpeg, "image/jpeg"));
    }
    if at(0, b"\x89PNG\r\n\x1A\n") {
        return Ok(Sniffed::Image(ImageFormat::Png, "image/png"));
    }
    if at(0, b"GIF87a") || at(0, b"GIF89a") {
        return Ok(Sniffed::Image(ImageFormat::Gif, "image/gif"));
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return Ok(Sniffed::Image(ImageFormat::WebP, "image/webp"));
    }
    if at(4, b"ftyp") {
        // ISO BMFF also carries still images (HEIC, AVIF), which players here do not show.
        return match head.get(8..12).unwrap_or_default() {
            b"qt  " => Ok(Sniffed::Mp4("video/quicktime")),
            b"heic" | b"heix" | b"hevc" | b"mif1" | b"msf1" | b"avif" | b"avis" => {
                Err(unsupported("HEIF/AVIF image"))
            }
            _ => Ok(Sniffed::Mp4("video/mp4")),
        };
    }
    if at(0, b"\x1A\x45\xDF\xA3") {
        return Ok(Sniffed::Matroska);
    }
    Err(ProbeError::Unsupported {
        detected: describe_other(head).map(str::to_owned),
    })
}

/// Names common things people upload by mistake.
fn describe_other(head: &[u8]) -> Option<&'static str> {
    const KNOWN: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "ZIP archive or office document"),
        (b"PK\x05\x06", "ZIP archive"),
        (b"BM", "BMP image"),
        (b"II*\0", "TIFF image"),
        (b"MM\0*", "TIFF image"),
        (b"MZ", "Windows executable"),
        (b"\x7FELF", "ELF executable"),
        (b"\x1F\x8B", "gzip archive"),
        (b"Rar!", "RAR archive"),
        (b"7z\xBC\xAF", "7-Zip archive"),
        (b"OggS", "Ogg media"),
        (b"ID3", "MP3 audio"),
        (b"fLaC", "FLAC audio"),
        (b"\0\0\x01\0", "icon file"),
        (b"\0\0\0\x0CJXL ", "JPEG XL image"),
        (b"\xFF\x0A", "JPEG XL image"),
    ];
    if let Some((_, name)) = KNOWN.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(name);
    }
    if head.starts_with(b"RIFF") {
        return Some(match head.get(8..12) {
            Some(b"WAVE") => "WAV audio",
            Some(b"AVI ") => "AVI video",
            _ => "RIFF file",
        });
    }
    // Text: a cut may split a UTF-8 character at the end, so only the valid prefix must be text.
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    if head.is_empty() {
        return Some("empty file");
    }
    if valid.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return None;
    }
    let lower = valid
        .trim_start_matches('\u{FEFF}')
        .trim_start()
        .to_ascii_lowercase();
    Some(if lower.starts_with("<svg") || lower.starts_with("<?xml") {
        "SVG/XML document"
    } else if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        "HTML document"
    } else {
        "text"
    })
}

// ---------------------------------------------------------------------------------------------
// Images

fn probe_image(
    mut file: File,
    format: ImageFormat,
    mime: &'static str,
    limits: &ProbeLimits,
) -> Result<Probed, ProbeError> {
    if format == ImageFormat::Jpeg && !jpeg_is_complete(&mut file)? {
        return Err(ProbeError::Corrupt(
            "the JPEG ends early (no end-of-image marker)".into(),
        ));
    }
    file.rewind()?;
    let mut alloc = image::Limits::default();
    alloc.max_alloc = Some(limits.max_image_alloc);
    let mut reader = ImageReader::with_format(BufReader::new(file), format);
    reader.limits(alloc.clone());
    // Reads the header only.
    let mut decoder = reader.into_decoder().map_err(image_error)?;
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(ProbeError::TooLarge(format!(
            "{width}×{height} is {:.1} megapixels, the limit is {:.1}",
            pixels as f64 / 1e6,
            limits.max_pixels as f64 / 1e6
        )));
    }
    // `from_decoder` does not check the allocation limit itself (only `ImageReader::decode` does).
    alloc.reserve(decoder.total_bytes()).map_err(image_error)?;
    // Broken EXIF must not refuse an image that displays fine.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    // The full decode is what proves the file is not truncated or garbled.
    let mut img = DynamicImage::from_decoder(decoder).map_err(image_error)?;
    img.apply_orientation(orientation);
    Ok(Probed {
        kind: MediaKind::Image,
        mime,
        width: img.width(),
        height: img.height(),
        duration_ms: None,
        thumbnail: Some(thumbnail_jpeg(&img, limits.thumb_size)?),
    })
}

/// The JPEG decoder fills a truncated scan with grey instead of failing, so a JPEG must also
/// have its end-of-image marker after the first scan starts.
fn jpeg_is_complete(file: &mut File) -> io::Result<bool> {
    let mut r = BufReader::new(file);
    r.seek(SeekFrom::Start(2))?; // past the start-of-image marker
    // Skip the marker segments before the first scan; that also skips the EXIF thumbnail, a
    // whole JPEG with its own end marker.
    loop {
        let mut segment = [0u8; 4];
        if r.read_exact(&mut segment).is_err() || segment[0] != 0xFF {
            return Ok(false);
        }
        let len = u16::from_be_bytes([segment[2], segment[3]]);
        r.seek_relative(i64::from(len) - 2)?;
        if segment[1] == 0xDA {
            break;
        }
    }
    // In scan data 0xFF is always followed by 0x00 or a restart marker: FF D9 is the end.
    let (mut prev, mut buf) = (0u8, vec![0u8; 64 * 1024]);
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            return Ok(false);
        }
        for &byte in &buf[..n] {
            if prev == 0xFF && byte == 0xD9 {
                return Ok(true);
            }
            prev = byte;
        }
    }
}

fn image_error(e: ImageError) -> ProbeError {
    match e {
        ImageError::Limits(e) => {
            ProbeError::TooLarge(format!("decoding it needs too much memory ({e})"))
        }
        ImageError::Unsupported(e) => ProbeError::UnsupportedCodec(e.to_string()),
        ImageError::IoError(e) if e.kind() != io::ErrorKind::UnexpectedEof => ProbeError::Io(e),
        e => ProbeError::Corrupt(e.to_string()),
    }
}

/// A small JPEG preview; transparent parts become white (JPEG has no alpha, and dropping it
/// would show whatever colour hides under the transparent pixels, often black).
fn thumbnail_jpeg(img: &DynamicImage, size: u32) -> Result<Vec<u8>, ProbeError> {
    let size = size.max(1);
    let small = if img.width() > size || img.height() > size {
        img.thumbnail(size, size)
    } else {
        img.clone()
    };
    let rgb = if small.color().has_alpha() {
        let rgba = small.to_rgba8();
        RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            let [r, g, b, a] = rgba.get_pixel(x, y).0;
            let over_white =
                |c: u8| ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a))) / 255) as u8;
            Rgb([over_white(r), over_white(g), over_white(b)])
        })
    } else {
        small.to_rgb8()
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&rgb)
        .map_err(|e| ProbeError::Corrupt(format!("cannot make a thumbnail: {e}")))?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Videos

/// Runs a third-party parser on untrusted input: its errors and panics (both crates assert on
/// malformed input in places) become `Corrupt` rather than a 500.
fn guarded<T, E: Display>(
    container: &str,
    parse: impl FnOnce() -> Result<T, E>,
) -> Result<T, ProbeError> {
    match catch_unwind(AssertUnwindSafe(parse)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(ProbeError::Corrupt(format!("{container}: {e}"))),
        Err(_) => Err(ProbeError::Corrupt(format!(
            "{container}: malformed structure"
        ))),
    }
}

fn duration_ms(ticks: u64, per_second: u64) -> Option<u64> {
    let ms = u128::from(ticks) * 1000 / u128::from(per_second).max(1);
    u64::try_from(ms).ok().filter(|&ms| ms > 0)
}

/// MP4/QuickTime: the `mp4` crate reads the moov (it checks every box against its parent's
/// size, so forged sizes cannot make it allocate more than the file); the codec of each track is
/// read separately because the crate drops sample entries it does not know (hvc1, avc3, av01).
fn probe_mp4(file: File, len: u64, mime: &'static str) -> Result<Probed, ProbeError> {
    let mut reader = BufReader::new(file);
    let (moov, moofs) = guarded("MP4", || {
        mp4::Mp4Reader::read_header(&mut reader, len).map(|mp4| (mp4.moov, mp4.moofs))
    })?;
    let codecs = sample_entry_types(&mut reader, len)
        .map_err(|e| ProbeError::Corrupt(format!("MP4: {e}")))?;

    let (trak, codec) = moov
        .traks
        .iter()
        .zip(codecs)
        .find(|(trak, _)| &trak.mdia.hdlr.handler_type.value == b"vide")
        .ok_or_else(|| unsupported("MP4 without a video track (audio only?)"))?;
    if !matches!(
        &codec,
        b"avc1" | b"avc3" | b"hev1" | b"hvc1" | b"vp09" | b"av01"
    ) {
        return Err(ProbeError::UnsupportedCodec(format!(
            "video codec '{}' in MP4; use H.264, H.265, VP9 or AV1",
            String::from_utf8_lossy(&codec).trim_end()
        )));
    }
    let (mut width, mut height) = (
        u32::from(trak.tkhd.width.value()),
        u32::from(trak.tkhd.height.value()),
    );
    // Phones store portrait video as landscape frames plus a 90° rotation in the track matrix.
    let m = &trak.tkhd.matrix;
    if m.a == 0 && m.d == 0 && m.b != 0 && m.c != 0 {
        std::mem::swap(&mut width, &mut height);
    }
    if width == 0 || height == 0 {
        return Err(ProbeError::Corrupt(
            "MP4: the video track has no size".into(),
        ));
    }
    // Fragmented files (OBS, browser recorders) may leave the movie duration at 0; then `mehd`
    // or the fragments themselves tell it.
    let movie_timescale = u64::from(moov.mvhd.timescale);
    let duration_ms = duration_ms(moov.mvhd.duration, movie_timescale)
        .or_else(|| {
            let mehd = moov.mvex.as_ref()?.mehd.as_ref()?;
            duration_ms(mehd.fragment_duration, movie_timescale)
        })
        .or_else(|| {
            let ticks = fragment_ticks(&moofs, &moov, trak.tkhd.track_id);
            duration_ms(ticks, u64::from(trak.mdia.mdhd.timescale))
        })
        .ok_or_else(|| ProbeError::Corrupt("MP4: no duration".into()))?;
    Ok(Probed {
        kind: MediaKind::Video,
        mime,
        width,
        height,
        duration_ms: Some(duration_ms),
        thumbnail: None,
    })
}

/// Sum of one track's sample durations over all movie fragments, in its media timescale.
fn fragment_ticks(moofs: &[mp4::MoofBox], moov: &mp4::MoovBox, track_id: u32) -> u64 {
    let trex_default = moov
        .mvex
        .as_ref()
        .map_or(0, |x| x.trex.default_sample_duration);
    moofs
        .iter()
        .flat_map(|moof| &moof.trafs)
        .filter(|traf| traf.tfhd.track_id == track_id)
        .filter_map(|traf| {
            let trun = traf.trun.as_ref()?;
            let default = traf.tfhd.default_sample_duration.unwrap_or(trex_default);
            Some(if trun.sample_durations.is_empty() {
                u64::from(trun.sample_count) * u64::from(default)
            } else {
                trun.sample_durations.iter().map(|&d| u64::from(d)).sum()
            })
        })
        .fold(0, u64::saturating_add)
}

/// The type of the first sample entry (the codec) of each `trak`, in file order — the same
/// order as `MoovBox::traks`.
fn sample_entry_types<R: Read + Seek>(r: &mut R, len: u64) -> io::Result<Vec<[u8; 4]>> {
    let moov = find_box(&child_boxes(r, 0..len)?, b"moov").ok_or(io::ErrorKind::NotFound)?;
    let mut types = Vec::new();
    for (kind, trak) in child_boxes(r, moov)? {
        if &kind != b"trak" {
            continue;
        }
        let mut range = Some(trak);
        for step in [b"mdia", b"minf", b"stbl", b"stsd"] {
            range = match range {
                Some(range) => find_box(&child_boxes(r, range)?, step),
                None => None,
            };
        }
        // stsd: version and flags (4), entry count (4), then the first entry's size and type.
        let mut entry = [0u8; 16];
        if let Some(stsd) = range.filter(|stsd| stsd.end - stsd.start >= 16) {
            r.seek(SeekFrom::Start(stsd.start))?;
            r.read_exact(&mut entry)?;
        }
        types.push(entry[12..16].try_into().expect("4 bytes"));
    }
    Ok(types)
}

type Range = std::ops::Range<u64>;

fn find_box(boxes: &[([u8; 4], Range)], kind: &[u8; 4]) -> Option<Range> {
    boxes
        .iter()
        .find(|(k, _)| k == kind)
        .map(|(_, r)| r.clone())
}

/// Type and content range of each box inside `within`.
fn child_boxes<R: Read + Seek>(r: &mut R, within: Range) -> io::Result<Vec<([u8; 4], Range)>> {
    let invalid = |what| io::Error::new(io::ErrorKind::InvalidData, what);
    let mut boxes = Vec::new();
    let mut pos = within.start;
    while within.end - pos >= 8 {
        r.seek(SeekFrom::Start(pos))?;
        let mut header = [0u8; 8];
        r.read_exact(&mut header)?;
        let kind: [u8; 4] = header[4..].try_into().expect("4 bytes");
        let (header_len, size) = match u32::from_be_bytes(header[..4].try_into().expect("4 bytes"))
        {
            0 => (8, within.end - pos), // extends to the end
            1 => {
                let mut large = [0u8; 8];
                r.read_exact(&mut large)?;
                (16, u64::from_be_bytes(large))
            }
            n => (8, u64::from(n)),
        };
        if size < header_len || size > within.end - pos {
            return Err(invalid("a box is larger than its container"));
        }
        boxes.push((kind, pos + header_len..pos + size));
        pos += size;
    }
    Ok(boxes)
}

// Matroska element IDs.
const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const CLUSTER: u32 = 0x1F43_B675;

/// Elements the `matroska` crate parses as containers (its `IDS_MASTER_DEFAULT`, which includes
/// every context-specific set); everything else it reads whole into memory.
const MASTER_IDS: &[u32] = &[
    0x80,
    0x8E,
    0x8F,
    0xA0,
    0xA6,
    0xAE,
    0xB6,
    0xB7,
    0xBB,
    0xC8,
    0xDB,
    0xE0,
    0xE1,
    0xE2,
    0xE3,
    0xE4,
    0xE8,
    0xE9,
    0x45B9,
    0x4DBB,
    0x5034,
    0x5035,
    0x55B0,
    0x55D0,
    0x5854,
    0x61A7,
    0x6240,
    0x63C0,
    0x6624,
    0x67C8,
    0x6911,
    0x6924,
    0x6944,
    0x6D80,
    0x7373,
    0x75A1,
    0x7E5B,
    0x7E7B,
    0x1043_A770,
    0x114D_9B74,
    0x1254_C367,
    0x1549_A966,
    0x1654_AE6B,
    0x1853_8067,
    0x1941_A469,
    0x1A45_DFA3,
    0x1B53_8667,
    0x1C53_BB6B,
    0x1F43_B675,
];

/// Segment info and track list, above any real need.
const MAX_MATROSKA_HEADERS: u64 = 16 * 1024 * 1024;

/// WebM/Matroska: the `matroska` crate allocates each element's *declared* size before reading
/// it, so a forged size in a 40-byte upload could abort the whole server on allocation failure.
/// We therefore copy just Info and Tracks out of the file, check that every element fits in its
/// parent, and let the crate parse that copy.
fn probe_matroska(file: File, len: u64) -> Result<Probed, ProbeError> {
    let corrupt = |msg: &str| ProbeError::Corrupt(format!("Matroska: {msg}"));
    let mut r = BufReader::new(file);
    let (doc_type, headers) = matroska_headers(&mut r, len)?;
    let mime = match doc_type.as_str() {
        "webm" => "video/webm",
        "matroska" => "video/x-matroska",
        other => return Err(unsupported(&format!("EBML document of type '{other}'"))),
    };
    let mkv = guarded("Matroska", || {
        matroska::Matroska::open(Cursor::new(headers))
    })?;

    let track = mkv
        .video_tracks()
        .next()
        .ok_or_else(|| unsupported("Matroska without a video track (audio only?)"))?;
    // EBML strings may be padded with NULs; GStreamer's webmmux writes "V_VP8\0".
    let codec = track.codec_id.trim_end_matches('\0');
    if !matches!(
        codec,
        "V_VP8" | "V_VP9" | "V_AV1" | "V_MPEG4/ISO/AVC" | "V_MPEGH/ISO/HEVC"
    ) {
        return Err(ProbeError::UnsupportedCodec(format!(
            "video codec '{codec}' in {mime}; use VP8, VP9, AV1, H.264 or H.265"
        )));
    }
    let (width, height) = match &track.settings {
        matroska::Settings::Video(v) => (
            u32::try_from(v.pixel_width).unwrap_or(0),
            u32::try_from(v.pixel_height).unwrap_or(0),
        ),
        _ => (0, 0),
    };
    if width == 0 || height == 0 {
        return Err(corrupt("the video track has no size"));
    }
    // Live recordings (e.g. a browser's MediaRecorder) have no duration until remuxed.
    let duration_ms = mkv
        .info
        .duration
        .and_then(|d| u64::try_from(d.as_millis()).ok())
        .filter(|&ms| ms > 0)
        .ok_or_else(|| corrupt("no duration (a live recording? remux it first)"))?;
    Ok(Probed {
        kind: MediaKind::Video,
        mime,
        width,
        height,
        duration_ms: Some(duration_ms),
        thumbnail: None,
    })
}

/// The DocType, and a minimal Segment holding only the file's Info and Tracks elements.
fn matroska_headers<R: Read + Seek>(r: &mut R, len: u64) -> Result<(String, Vec<u8>), ProbeError> {
    let corrupt = |msg: String| ProbeError::Corrupt(format!("Matroska: {msg}"));
    let truncated = |e: io::Error| corrupt(format!("cannot read the headers ({e})"));

    let (id, size, header_len) = read_element_header(r, 0)?;
    if id != EBML || size.is_none_or(|s| s > 4096) {
        return Err(corrupt("bad EBML header".into()));
    }
    let ebml = read_body(r, header_len, size.unwrap_or(0)).map_err(truncated)?;
    let doc_type = elements(&ebml, 0)
        .ok_or_else(|| corrupt("bad EBML header".into()))?
        .into_iter()
        .find(|(id, _)| *id == DOC_TYPE)
        .map(|(_, body)| {
            String::from_utf8_lossy(body)
                .trim_end_matches('\0')
                .to_owned()
        })
        .unwrap_or_else(|| "matroska".into());

    // Top level: find the Segment.
    let mut pos = header_len + size.unwrap_or(0);
    let segment_end = loop {
        if pos >= len {
            return Err(corrupt("no segment".into()));
        }
        let (id, size, header_len) = read_element_header(r, pos)?;
        pos += header_len;
        match (id, size) {
            (SEGMENT, None) => break len,
            (SEGMENT, Some(size)) if pos + size <= len => break pos + size,
            (SEGMENT, Some(size)) => {
                return Err(corrupt(format!(
                    "truncated: the segment needs {} bytes, the file has {len}",
                    pos + size
                )));
            }
            (_, Some(size)) => pos += size,
            (_, None) => return Err(corrupt("element of unknown size before the segment".into())),
        }
    };

    // Inside the Segment: Info and Tracks come before the first Cluster in practice.
    let (mut info, mut tracks) = (None, None);
    while pos < segment_end && (info.is_none() || tracks.is_none()) {
        let (id, size, header_len) = read_element_header(r, pos)?;
        let Some(size) = size.filter(|&s| pos + header_len + s <= segment_end) else {
            break; // unknown-size cluster (live stream) or truncation
        };
        if id == CLUSTER {
            break;
        }
        if id == INFO || id == TRACKS {
            if size > MAX_MATROSKA_HEADERS {
                return Err(corrupt("implausibly large track headers".into()));
            }
            let body = read_body(r, pos + header_len, size).map_err(truncated)?;
            if elements(&body, 0).is_none() {
                return Err(corrupt("malformed segment info or track list".into()));
            }
            let mut element = element_header_bytes(id, size);
            element.extend_from_slice(&body);
            *(if id == INFO { &mut info } else { &mut tracks }) = Some(element);
        }
        pos += header_len + size;
    }
    let (Some(info), Some(tracks)) = (info, tracks) else {
        return Err(corrupt(
            "no segment info or track list before the media data".into(),
        ));
    };
    let mut segment = element_header_bytes(SEGMENT, (info.len() + tracks.len()) as u64);
    segment.extend_from_slice(&info);
    segment.extend_from_slice(&tracks);
    Ok((doc_type, segment))
}

/// Reads the element header at `pos`: (id, size or None when "unknown", header length).
fn read_element_header<R: Read + Seek>(
    r: &mut R,
    pos: u64,
) -> Result<(u32, Option<u64>, u64), ProbeError> {
    let mut buf = Vec::with_capacity(12);
    r.seek(SeekFrom::Start(pos))?;
    r.take(12).read_to_end(&mut buf)?;
    let bad = || ProbeError::Corrupt(format!("Matroska: bad element at byte {pos}"));
    let (id, id_len) = vint(&buf, 4, true).ok_or_else(bad)?;
    let (size, size_len) = vint(&buf[id_len..], 8, false).ok_or_else(bad)?;
    // All value bits set means "unknown size" (live streams).
    let unknown = size == (1u64 << (7 * size_len)) - 1;
    Ok((
        id as u32,
        (!unknown).then_some(size),
        (id_len + size_len) as u64,
    ))
}

fn read_body<R: Read + Seek>(r: &mut R, pos: u64, size: u64) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    r.seek(SeekFrom::Start(pos))?;
    r.take(size).read_to_end(&mut body)?;
    if body.len() as u64 != size {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(body)
}

/// An element header with an 8-byte size, as the crate will read it back.
fn element_header_bytes(id: u32, size: u64) -> Vec<u8> {
    let id_len = 4 - (id.leading_zeros() / 8) as usize;
    let mut header = id.to_be_bytes()[4 - id_len..].to_vec();
    header.push(0x01);
    header.extend_from_slice(&size.to_be_bytes()[1..]);
    header
}

/// (id, size, header length), read exactly as the matroska crate reads it: IDs of 1–4 bytes
/// keep their marker bit, sizes of 1–8 bytes do not.
fn parse_element_header(buf: &[u8]) -> Option<(u32, u64, usize)> {
    let (id, id_len) = vint(buf, 4, true)?;
    let (size, size_len) = vint(buf.get(id_len..)?, 8, false)?;
    Some((u32::try_from(id).ok()?, size, id_len + size_len))
}

fn vint(buf: &[u8], max_len: usize, keep_marker: bool) -> Option<(u64, usize)> {
    let first = *buf.first()?;
    let len = first.leading_zeros() as usize + 1;
    if len > max_len || buf.len() < len {
        return None;
    }
    let first = if keep_marker {
        first
    } else {
        first & (0xFF >> len) as u8
    };
    let value = buf[1..len]
        .iter()
        .fold(u64::from(first), |v, &b| v << 8 | u64::from(b));
    Some((value, len))
}

/// The child elements of `data`, or None unless every element — recursively, through the
/// containers the crate descends into — fits inside its parent.
fn elements(mut data: &[u8], depth: u32) -> Option<Vec<(u32, &[u8])>> {
    // Real files nest a few levels deep; the limit keeps hostile nesting off the stack.
    if depth > 16 {
        return None;
    }
    let mut children = Vec::new();
    while !data.is_empty() {
        let (id, size, header_len) = parse_element_header(data)?;
        let end = usize::try_from(size).ok()?.checked_add(header_len)?;
        let body = data.get(header_len..end)?;
        if MASTER_IDS.contains(&id) {
            elements(body, depth + 1)?;
        }
        children.push((id, body));
        data = &data[end..];
    }
    Some(children)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::gif::GifEncoder;
    use image::{Frame, Rgba, RgbaImage};
    use std::path::PathBuf;
    use std::process::{Command, Stdio};

    fn probe_bytes(bytes: &[u8], name: &str) -> Result<Probed, ProbeError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        probe_file(&path, &ProbeLimits::default())
    }

    /// Colour blocks plus noise, so lossy codecs and truncation have real data to work on.
    fn test_image(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
            let noise = ((x * 7919 + y * 104_729) % 61) as u8;
            if x < width / 2 {
                Rgb([200 + noise / 2, noise, noise])
            } else {
                Rgb([noise, noise, 200 + noise / 2])
            }
        }))
    }

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    /// The error, or a panic that does not dump the thumbnail bytes.
    fn refused(result: Result<Probed, ProbeError>) -> ProbeError {
        match result {
            Ok(p) => panic!(
                "accepted: {} {}×{} {:?}",
                p.mime, p.width, p.height, p.duration_ms
            ),
            Err(e) => e,
        }
    }

    fn decode_thumbnail(probed: &Probed) -> DynamicImage {
        let jpeg = probed
            .thumbnail
            .as_deref()
            .expect("images have a thumbnail");
        image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).unwrap()
    }

    #[test]
    fn accepts_the_four_image_formats_by_content_whatever_the_name() {
        let img = test_image(64, 48);
        for (format, mime) in [
            (ImageFormat::Png, "image/png"),
            (ImageFormat::Jpeg, "image/jpeg"),
            (ImageFormat::WebP, "image/webp"),
            (ImageFormat::Gif, "image/gif"),
        ] {
            let probed = probe_bytes(&encode(&img, format), "upload.pdf").unwrap();
            assert_eq!(probed.kind, MediaKind::Image);
            assert_eq!(probed.mime, mime);
            assert_eq!((probed.width, probed.height), (64, 48), "{mime}");
            assert_eq!(probed.duration_ms, None);
            // Smaller than the thumbnail box: kept at its size, not blown up.
            let thumb = decode_thumbnail(&probed);
            assert_eq!((thumb.width(), thumb.height()), (64, 48), "{mime}");
        }
    }

    #[test]
    fn thumbnail_fits_the_box_and_keeps_the_aspect_ratio() {
        let probed =
            probe_bytes(&encode(&test_image(800, 400), ImageFormat::Png), "a.png").unwrap();
        assert_eq!((probed.width, probed.height), (800, 400));
        let thumb = decode_thumbnail(&probed);
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
        // Quality ~80 on a small picture: a few kilobytes, not the original's size.
        assert!(probed.thumbnail.as_ref().unwrap().len() < 40_000);
    }

    #[test]
    fn transparent_parts_of_the_thumbnail_are_white() {
        let img = DynamicImage::ImageRgba8(RgbaImage::from_pixel(16, 16, Rgba([0, 0, 0, 0])));
        let thumb =
            decode_thumbnail(&probe_bytes(&encode(&img, ImageFormat::Png), "t.png").unwrap());
        let [r, g, b] = thumb.to_rgb8().get_pixel(8, 8).0;
        assert!(r > 245 && g > 245 && b > 245, "{r} {g} {b}");
    }

    #[test]
    fn animated_gif_is_accepted_with_its_first_frame() {
        let red = RgbaImage::from_pixel(30, 20, Rgba([255, 0, 0, 255]));
        let blue = RgbaImage::from_pixel(30, 20, Rgba([0, 0, 255, 255]));
        let mut gif = Vec::new();
        GifEncoder::new(&mut gif)
            .encode_frames([Frame::new(red), Frame::new(blue)])
            .unwrap();
        let probed = probe_bytes(&gif, "anim.gif").unwrap();
        assert_eq!(
            (probed.mime, probed.width, probed.height),
            ("image/gif", 30, 20)
        );
        let [r, _, b] = decode_thumbnail(&probed).to_rgb8().get_pixel(15, 10).0;
        assert!(r > 200 && b < 60, "first frame is red: {r} {b}");
    }

    /// A JPEG with an APP1 segment carrying a minimal EXIF block: one IFD, one entry.
    fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec(); // big-endian TIFF, IFD at offset 8
        tiff.extend(1u16.to_be_bytes()); // one entry:
        tiff.extend(0x0112u16.to_be_bytes()); // Orientation
        tiff.extend(3u16.to_be_bytes()); // SHORT
        tiff.extend(1u32.to_be_bytes()); // count 1
        tiff.extend(orientation.to_be_bytes());
        tiff.extend([0, 0]); // value padded to 4 bytes
        tiff.extend(0u32.to_be_bytes()); // no next IFD
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(tiff);
        let mut out = jpeg[..2].to_vec(); // SOI
        out.extend([0xFF, 0xE1]);
        out.extend(u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
        out.extend(app1);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn exif_orientation_is_applied() {
        // 100×50, red left half, blue right half; orientation 6 = rotate 90° clockwise.
        let jpeg = with_exif_orientation(&encode(&test_image(100, 50), ImageFormat::Jpeg), 6);
        let probed = probe_bytes(&jpeg, "photo.jpg").unwrap();
        assert_eq!((probed.width, probed.height), (50, 100));
        let thumb = decode_thumbnail(&probed).to_rgb8();
        assert_eq!(thumb.dimensions(), (50, 100));
        let top = thumb.get_pixel(25, 20).0;
        let bottom = thumb.get_pixel(25, 80).0;
        assert!(
            top[0] > 150 && top[2] < 100,
            "red on top after rotation: {top:?}"
        );
        assert!(bottom[2] > 150 && bottom[0] < 100, "blue below: {bottom:?}");
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        chunk.extend(kind);
        chunk.extend(data);
        chunk.extend(crc32(&chunk[4..]).to_be_bytes());
        chunk
    }

    #[test]
    fn decompression_bomb_is_refused_from_the_header() {
        let mut ihdr = 100_000u32.to_be_bytes().to_vec();
        ihdr.extend(100_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB: 30 GB once decoded
        let mut png = b"\x89PNG\r\n\x1A\n".to_vec();
        png.extend(png_chunk(b"IHDR", &ihdr));
        png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0, 0, 0, 0, 1]));
        png.extend(png_chunk(b"IEND", &[]));
        let err = refused(probe_bytes(&png, "bomb.png"));
        assert_eq!(err.code(), "too_large", "{err}");
        assert!(err.to_string().contains("100000×100000"), "{err}");

        // The same guard with a lower limit, on a real image.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.png");
        std::fs::write(&path, encode(&test_image(200, 100), ImageFormat::Png)).unwrap();
        let limits = ProbeLimits {
            max_pixels: 10_000,
            ..ProbeLimits::default()
        };
        assert_eq!(refused(probe_file(&path, &limits)).code(), "too_large");
    }

    #[test]
    fn truncated_images_are_corrupt() {
        let img = test_image(300, 200);
        for format in [
            ImageFormat::Jpeg,
            ImageFormat::Png,
            ImageFormat::WebP,
            ImageFormat::Gif,
        ] {
            let bytes = encode(&img, format);
            let err = refused(probe_bytes(&bytes[..bytes.len() * 6 / 10], "cut"));
            assert_eq!(err.code(), "corrupt", "{format:?}: {err}");
        }
    }

    #[test]
    fn other_files_are_refused_and_named() {
        let cases: [(&[u8], &str, &str); 9] = [
            (
                b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>",
                "doc.jpg",
                "PDF document",
            ),
            (b"PK\x03\x04\x14\0\0\0\x08\0", "archive.png", "ZIP archive"),
            (b"Hello, this is only text.\n", "note.webp", "text"),
            (
                b"BM\x36\x00\x0C\x00\0\0\0\0\x36\0\0\0",
                "image.jpg",
                "BMP image",
            ),
            (
                b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF",
                "cat.jpg",
                "Windows executable",
            ),
            (b"<!DOCTYPE html><html></html>", "page.gif", "HTML document"),
            (
                b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                "logo.png",
                "SVG/XML document",
            ),
            (b"", "empty.jpg", "empty file"),
            (
                b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
                "photo.mp4",
                "HEIF/AVIF image",
            ),
        ];
        for (bytes, name, detected) in cases {
            let err = refused(probe_bytes(bytes, name));
            assert_eq!(err.code(), "unsupported_type", "{name}: {err}");
            assert!(err.to_string().contains(detected), "{name}: {err}");
        }
        let err = refused(probe_bytes(&[0x00, 0x13, 0x37, 0xFE, 0x01], "x.jpg"));
        assert!(
            matches!(err, ProbeError::Unsupported { detected: None }),
            "{err}"
        );
    }

    #[test]
    fn error_codes_are_stable() {
        let errors = [
            (
                ProbeError::Unsupported { detected: None },
                "unsupported_type",
            ),
            (
                ProbeError::UnsupportedCodec("x".into()),
                "unsupported_codec",
            ),
            (ProbeError::Corrupt("x".into()), "corrupt"),
            (ProbeError::TooLarge("x".into()), "too_large"),
            (ProbeError::Io(io::ErrorKind::Other.into()), "io_error"),
        ];
        for (err, code) in errors {
            assert_eq!(err.code(), code);
        }
    }

    /// An EBML element with an 8-byte size field.
    fn ebml(id: u32, body: &[u8]) -> Vec<u8> {
        let mut out = element_header_bytes(id, body.len() as u64);
        out.extend(body);
        out
    }

    fn webm_with_tracks(tracks: &[u8]) -> Vec<u8> {
        let mut file = ebml(EBML, &ebml(DOC_TYPE, b"webm"));
        let info = ebml(INFO, &[0x44, 0x89, 0x84, 0x45, 0x7A, 0, 0]); // Duration: 4000.0 (f32)
        file.extend(ebml(SEGMENT, &[info, ebml(TRACKS, tracks)].concat()));
        file
    }

    #[test]
    fn forged_matroska_sizes_are_refused_without_allocating_them() {
        let mut entry = [0xAE].to_vec(); // TrackEntry
        entry.push(0x01); // size field of 8 bytes:
        entry.extend(&(1u64 << 50).to_be_bytes()[1..]); // 1 PiB, far beyond the file
        let err = refused(probe_bytes(&webm_with_tracks(&entry), "evil.webm"));
        assert_eq!(err.code(), "corrupt", "{err}");

        // CodecPrivate (a leaf the crate reads whole) claiming 1 PiB inside a sane TrackEntry.
        let mut private = vec![0x63, 0xA2, 0x01];
        private.extend(&(1u64 << 50).to_be_bytes()[1..]);
        let err = refused(probe_bytes(
            &webm_with_tracks(&ebml(0xAE, &private)),
            "evil.webm",
        ));
        assert_eq!(err.code(), "corrupt", "{err}");
    }

    #[test]
    fn hand_made_webm_headers_parse() {
        // TrackEntry: number 1, type video, codec V_VP9, Video { 64 × 48 }.
        let video = [ebml(0xB0, &[64]), ebml(0xBA, &[48])].concat();
        let entry = [
            ebml(0xD7, &[1]),
            ebml(0x83, &[1]),
            ebml(0x86, b"V_VP9"),
            ebml(0xE0, &video),
        ]
        .concat();
        let probed = probe_bytes(&webm_with_tracks(&ebml(0xAE, &entry)), "v.webm").unwrap();
        assert_eq!(
            (probed.mime, probed.width, probed.height, probed.duration_ms),
            ("video/webm", 64, 48, Some(4000))
        );
    }

    // Videos: real files from ffmpeg. Missing ffmpeg fails the tests on purpose.

    fn ffmpeg(dir: &Path, name: &str, args: &str) -> PathBuf {
        let out = dir.join(name);
        let status = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-y"])
            .args(args.split_whitespace())
            .arg(&out)
            .status()
            .unwrap_or_else(|e| panic!("video tests need ffmpeg (apt-get install ffmpeg): {e}"));
        assert!(status.success(), "ffmpeg {args} {name} failed");
        out
    }

    const TESTSRC: &str = "-f lavfi -i testsrc=size=320x240:rate=25";

    fn probe_path(path: &Path) -> Result<Probed, ProbeError> {
        probe_file(path, &ProbeLimits::default())
    }

    fn assert_video(probed: &Probed, mime: &str, size: (u32, u32), around_ms: u64) {
        assert_eq!(probed.kind, MediaKind::Video);
        assert_eq!(probed.mime, mime);
        assert_eq!((probed.width, probed.height), size);
        let ms = probed.duration_ms.unwrap();
        assert!(
            ms.abs_diff(around_ms) <= 150,
            "duration {ms} ms, expected ~{around_ms}"
        );
        assert_eq!(probed.thumbnail, None);
    }

    #[test]
    fn h264_mp4_with_aac_audio() {
        let dir = tempfile::tempdir().unwrap();
        let args = format!(
            "{TESTSRC} -f lavfi -i sine=frequency=440 -t 2 -c:v libx264 -pix_fmt yuv420p -c:a aac"
        );
        let mp4 = ffmpeg(dir.path(), "clip.bin", &format!("{args} -f mp4"));
        assert_video(&probe_path(&mp4).unwrap(), "video/mp4", (320, 240), 2000);

        // Cut in half: the moov (written last) is gone.
        let bytes = std::fs::read(&mp4).unwrap();
        std::fs::write(&mp4, &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(refused(probe_path(&mp4)).code(), "corrupt");
    }

    #[test]
    fn faststart_mp4_cut_short_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let args = format!("{TESTSRC} -t 2 -c:v libx264 -pix_fmt yuv420p -movflags +faststart");
        let mp4 = ffmpeg(dir.path(), "clip.mp4", &args);
        assert_video(&probe_path(&mp4).unwrap(), "video/mp4", (320, 240), 2000);
        let bytes = std::fs::read(&mp4).unwrap();
        std::fs::write(&mp4, &bytes[..bytes.len() * 3 / 4]).unwrap();
        let err = refused(probe_path(&mp4));
        assert_eq!(err.code(), "corrupt", "{err}");
    }

    #[test]
    fn fragmented_mp4_takes_its_duration_from_the_fragments() {
        let dir = tempfile::tempdir().unwrap();
        let args = format!(
            "{TESTSRC} -t 2 -c:v libx264 -pix_fmt yuv420p -g 10 -movflags frag_keyframe+empty_moov"
        );
        let mp4 = ffmpeg(dir.path(), "fragmented.mp4", &args);
        assert_video(&probe_path(&mp4).unwrap(), "video/mp4", (320, 240), 2000);
    }

    #[test]
    fn rotated_phone_video_records_displayed_size() {
        let dir = tempfile::tempdir().unwrap();
        let args = format!("{TESTSRC} -t 1 -c:v libx264 -pix_fmt yuv420p");
        let landscape = ffmpeg(dir.path(), "landscape.mp4", &args);
        // ffmpeg 5 writes the rotation matrix only when remuxing.
        let args = format!(
            "-i {} -c copy -metadata:s:v:0 rotate=90",
            landscape.display()
        );
        let portrait = ffmpeg(dir.path(), "portrait.mp4", &args);
        assert_video(
            &probe_path(&portrait).unwrap(),
            "video/mp4",
            (240, 320),
            1000,
        );
    }

    #[test]
    fn hevc_hvc1_in_quicktime() {
        // hvc1 (Apple's tag) is a sample entry the mp4 crate does not parse itself.
        let dir = tempfile::tempdir().unwrap();
        let args = format!(
            "{TESTSRC} -t 1 -s 160x120 -c:v libx265 -preset ultrafast -x265-params log-level=none \
             -tag:v hvc1 -f mov"
        );
        let mov = ffmpeg(dir.path(), "clip.mov", &args);
        assert_video(
            &probe_path(&mov).unwrap(),
            "video/quicktime",
            (160, 120),
            1000,
        );
    }

    #[test]
    fn av1_mp4() {
        let dir = tempfile::tempdir().unwrap();
        let args = format!("{TESTSRC} -t 0.4 -s 128x96 -c:v libaom-av1 -cpu-used 8 -row-mt 1");
        let mp4 = ffmpeg(dir.path(), "clip.mp4", &args);
        assert_video(&probe_path(&mp4).unwrap(), "video/mp4", (128, 96), 400);
    }

    /// GStreamer's webmmux (what a signage pipeline or a player's recorder writes): 8-byte
    /// element sizes and a NUL-padded DocType.
    #[test]
    fn gstreamer_vp8_webm() {
        let dir = tempfile::tempdir().unwrap();
        let webm = dir.path().join("gst.webm");
        let status = Command::new("gst-launch-1.0")
            .args(["-q", "videotestsrc", "num-buffers=30", "!"])
            .args([
                "video/x-raw,width=320,height=240,framerate=30/1",
                "!",
                "vp8enc",
                "!",
            ])
            .args(["webmmux", "!", "filesink"])
            .arg(format!("location={}", webm.display()))
            .status()
            .unwrap_or_else(|e| panic!("needs gstreamer1.0-tools and -plugins-good: {e}"));
        assert!(status.success());
        assert_video(&probe_path(&webm).unwrap(), "video/webm", (320, 240), 1000);
    }

    #[test]
    fn vp9_webm_and_h264_mkv() {
        let dir = tempfile::tempdir().unwrap();
        let args = format!("{TESTSRC} -t 2 -c:v libvpx-vp9 -deadline realtime -cpu-used 8");
        let webm = ffmpeg(dir.path(), "clip.webm", &args);
        assert_video(&probe_path(&webm).unwrap(), "video/webm", (320, 240), 2000);

        let bytes = std::fs::read(&webm).unwrap();
        std::fs::write(&webm, &bytes[..bytes.len() / 2]).unwrap();
        let err = refused(probe_path(&webm));
        assert_eq!(err.code(), "corrupt", "{err}");
        assert!(err.to_string().contains("truncated"), "{err}");

        let args = format!("{TESTSRC} -t 1 -c:v libx264 -pix_fmt yuv420p");
        let mkv = ffmpeg(dir.path(), "clip.mkv", &args);
        assert_video(
            &probe_path(&mkv).unwrap(),
            "video/x-matroska",
            (320, 240),
            1000,
        );
    }

    #[test]
    fn live_webm_without_duration_is_refused() {
        // Written to a pipe, like a browser's MediaRecorder: unknown sizes and no duration.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("live.webm");
        let status = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error"])
            .args(TESTSRC.split_whitespace())
            .args(
                "-t 1 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -live 1 -f webm pipe:1"
                    .split(' '),
            )
            .stdout(Stdio::from(File::create(&path).unwrap()))
            .status()
            .expect("video tests need ffmpeg (apt-get install ffmpeg)");
        assert!(status.success());
        let err = refused(probe_path(&path));
        assert_eq!(err.code(), "corrupt", "{err}");
        assert!(err.to_string().contains("duration"), "{err}");
    }

    #[test]
    fn unsupported_codecs_and_audio_only_files() {
        let dir = tempfile::tempdir().unwrap();
        let mp4v = ffmpeg(dir.path(), "old.mp4", &format!("{TESTSRC} -t 1 -c:v mpeg4"));
        let err = refused(probe_path(&mp4v));
        assert_eq!(err.code(), "unsupported_codec", "{err}");
        assert!(err.to_string().contains("mp4v"), "{err}");

        let asp = ffmpeg(dir.path(), "old.mkv", &format!("{TESTSRC} -t 1 -c:v mpeg4"));
        let err = refused(probe_path(&asp));
        assert_eq!(err.code(), "unsupported_codec", "{err}");
        assert!(err.to_string().contains("V_MPEG4/ISO/ASP"), "{err}");

        let m4a = ffmpeg(
            dir.path(),
            "song.mp4",
            "-f lavfi -i sine=frequency=440 -t 1 -c:a aac",
        );
        let err = refused(probe_path(&m4a));
        assert_eq!(err.code(), "unsupported_type", "{err}");
        assert!(err.to_string().contains("without a video track"), "{err}");

        let opus = ffmpeg(
            dir.path(),
            "song.webm",
            "-f lavfi -i sine=frequency=440 -t 1 -c:a libopus",
        );
        assert_eq!(refused(probe_path(&opus)).code(), "unsupported_type");
    }
}
