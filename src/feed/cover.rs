//! The show's cover: the image show.toml names, checked the way podcast directories check
//! it, or, when it names none, a square PNG drawn with the show's title.
//!
//! The drawn cover uses GNU Unifont (through the `unifont` crate, which embeds it): a bitmap
//! font covering the whole Basic Multilingual Plane, so Chinese titles render as well as
//! Latin ones without relying on any font installed on the machine.

use super::public::Layout;
use super::show::{Artwork, Show};
use super::urls;
use crate::export::tags;
use crate::{Error, Result};

/// Podcast directories (Apple Podcasts, Spotify) ask for a square cover of this many pixels.
const MIN_SIDE: usize = 1400;
const MAX_SIDE: usize = 3000;

/// Side of a drawn cover, in pixels.
const SIDE: u32 = 1400;
/// Empty border around the text, in pixels.
const MARGIN: u32 = 120;
/// Height of the band the title is set in, in pixels.
const TITLE_BAND: u32 = 900;
/// Unifont glyphs are 16 font pixels high; a halfwidth glyph is 8 wide, a fullwidth one 16.
const GLYPH_HEIGHT: u32 = 16;
/// Extra space between lines, in font pixels.
const LINE_GAP: u32 = 4;
/// The largest and smallest size a font pixel is drawn at, in image pixels.
const MAX_SCALE: u32 = 14;
const MIN_SCALE: u32 = 4;
const AUTHOR_SCALE: u32 = 4;
/// Dark backgrounds that white text reads well on; a show's title picks one.
const BACKGROUNDS: [[u8; 3]; 6] = [[0x1f, 0x3a, 0x5f], [0x5b, 0x21, 0x3b], [0x1e, 0x4d, 0x3a], [0x4a, 0x2c, 0x6b], [0x6b, 0x3a, 0x12], [0x23, 0x2b, 0x36]];
const INK: [u8; 3] = [0xff, 0xff, 0xff];
const ACCENT: [u8; 3] = [0xf2, 0xb1, 0x34];

/// The cover as the feed and the MP3 tags use it.
pub struct Cover {
    /// Where podcast apps fetch it.
    pub url: String,
    /// The file to place in the public folder (name and image), unless the cover is a URL.
    pub file: Option<(String, tags::Cover)>,
    /// Warnings about a cover directories may refuse.
    pub notes: Vec<String>,
    /// Whether the cover was drawn here rather than given.
    pub drawn: bool,
}

/// What is said when a drawn cover is placed in the public folder.
pub fn drawn_note() -> String {
    format!(
        "no artwork in show.toml: drew a {SIDE}×{SIDE} cover with the show's title (public/artwork.png); \
         set `artwork` to your own square JPEG or PNG to use that instead"
    )
}

/// The show's cover, read (and checked) or drawn.
pub fn prepare(show: &Show, layout: &Layout) -> Result<Cover> {
    let (name, image, notes) = match &show.artwork {
        Some(Artwork::Url(url)) => return Ok(Cover { url: url.clone(), file: None, notes: Vec::new(), drawn: false }),
        Some(Artwork::File(path)) => {
            let from = layout.show_dir.join(path);
            let bytes = std::fs::read(&from).map_err(|e| {
                let message = match e.kind() {
                    std::io::ErrorKind::NotFound => {
                        "artwork file not found (see `artwork` in show.toml; without that line narrate draws a cover)".to_owned()
                    }
                    _ => e.to_string(),
                };
                Error::io(&from)(std::io::Error::new(e.kind(), message))
            })?;
            let (image, notes) = check(&from.display().to_string(), bytes)?;
            let name = format!("artwork.{}", Artwork::extension(path).unwrap_or_default());
            (name, image, notes)
        }
        None => {
            let image = tags::Cover { mime_type: "image/png".into(), data: draw(show.title.as_str(), show.author.as_str()) };
            ("artwork.png".to_owned(), image, Vec::new())
        }
    };
    let drawn = show.artwork.is_none();
    Ok(Cover { url: urls::join(&show.base_url, &[&name]), file: Some((name, image)), notes, drawn })
}

/// Checks a cover image: it must be a JPEG or PNG (an error otherwise); a cover that is not
/// square or not 1400 to 3000 pixels is used, with a warning that directories may refuse it.
fn check(what: &str, bytes: Vec<u8>) -> Result<(tags::Cover, Vec<String>)> {
    let size = imagesize::blob_size(&bytes);
    let image = tags::Cover::from_image(bytes).ok_or_else(|| Error::Usage(format!("{what}: artwork must be a JPEG or PNG image")))?;
    let size = size.map_err(|e| Error::Usage(format!("{what}: cannot read the artwork's size: {e}")))?;
    let (width, height) = (size.width, size.height);
    let mut notes = Vec::new();
    if width != height {
        notes.push(format!("{what}: artwork is {width}×{height} pixels; podcast directories want a square cover"));
    }
    if width.max(height) < MIN_SIDE || width.max(height) > MAX_SIDE {
        notes.push(format!(
            "{what}: artwork is {width}×{height} pixels; podcast directories want {MIN_SIDE} to {MAX_SIDE} pixels a side"
        ));
    }
    Ok((image, notes))
}

/// A square PNG with `title` set large in the middle and `author` below it.
pub fn draw(title: &str, author: &str) -> Vec<u8> {
    let background = BACKGROUNDS[(fnv1a(title) % BACKGROUNDS.len() as u64) as usize];
    let mut canvas = Canvas::new(SIDE, background);
    let width = SIDE - 2 * MARGIN;
    let (scale, lines) = fit(title, width, TITLE_BAND);
    let line_height = (GLYPH_HEIGHT + LINE_GAP) * scale;
    let block = line_height * lines.len() as u32 - LINE_GAP * scale;
    let mut y = MARGIN + (TITLE_BAND - block.min(TITLE_BAND)) / 2;
    for line in &lines {
        canvas.text(line, y, scale, INK);
        y += line_height;
    }
    let rule_y = MARGIN + TITLE_BAND + 60;
    canvas.fill(SIDE / 2 - 120, rule_y, 240, 12, ACCENT);
    let author_line = wrap(author, width / AUTHOR_SCALE).into_iter().next().unwrap_or_default();
    canvas.text(&author_line, rule_y + 60, AUTHOR_SCALE, INK);
    canvas.png()
}

/// The largest scale at which `text`, wrapped to `width` pixels, fits `height` pixels, and
/// its lines. At the smallest scale the lines that do not fit are cut, ending in `…`.
fn fit(text: &str, width: u32, height: u32) -> (u32, Vec<String>) {
    for scale in (MIN_SCALE..=MAX_SCALE).rev() {
        let lines = wrap(text, width / scale);
        let needed = (GLYPH_HEIGHT + LINE_GAP) * scale * lines.len() as u32 - LINE_GAP * scale;
        if needed <= height {
            return (scale, lines);
        }
    }
    let fitting = ((height + LINE_GAP * MIN_SCALE) / ((GLYPH_HEIGHT + LINE_GAP) * MIN_SCALE)) as usize;
    let mut lines = wrap(text, width / MIN_SCALE);
    if lines.len() > fitting {
        lines.truncate(fitting);
        if let Some(last) = lines.last_mut() {
            while units(last) + units("…") > width / MIN_SCALE {
                last.pop();
            }
            last.push('…');
        }
    }
    (MIN_SCALE, lines)
}

/// Splits `text` into lines of at most `width` font pixels: between words where there are
/// spaces, anywhere inside a word too long for a line or in text without spaces (Chinese).
fn wrap(text: &str, width: u32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if units(&candidate) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            if units(&line) + glyph_width(c) > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Width of `text` in font pixels.
fn units(text: &str) -> u32 {
    text.chars().map(glyph_width).sum()
}

fn glyph_width(c: char) -> u32 {
    glyph(c).get_width() as u32
}

/// The glyph for `c`; characters Unifont lacks are drawn as `?`.
fn glyph(c: char) -> &'static unifont::Glyph {
    unifont::get_glyph(c).or_else(|| unifont::get_glyph('?')).expect("Unifont has a glyph for '?'")
}

/// FNV-1a: a stable hash, so a title always gets the same background.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// An RGB image being drawn.
struct Canvas {
    side: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(side: u32, background: [u8; 3]) -> Canvas {
        Canvas { side, pixels: background.repeat((side * side) as usize) }
    }

    fn fill(&mut self, x: u32, y: u32, width: u32, height: u32, color: [u8; 3]) {
        for row in y..(y + height).min(self.side) {
            for column in x..(x + width).min(self.side) {
                let at = ((row * self.side + column) * 3) as usize;
                self.pixels[at..at + 3].copy_from_slice(&color);
            }
        }
    }

    /// Draws one line of text centred across the image, its top at `y`.
    fn text(&mut self, line: &str, y: u32, scale: u32, color: [u8; 3]) {
        let mut x = self.side.saturating_sub(units(line) * scale) / 2;
        for c in line.chars() {
            let glyph = glyph(c);
            for row in 0..GLYPH_HEIGHT as usize {
                for column in 0..glyph.get_width() {
                    if glyph.get_pixel(column, row) {
                        self.fill(x + column as u32 * scale, y + row as u32 * scale, scale, scale, color);
                    }
                }
            }
            x += glyph.get_width() as u32 * scale;
        }
    }

    fn png(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, self.side, self.side);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Writing to memory a header and data that match cannot fail.
        let mut writer = encoder.write_header().expect("PNG header");
        writer.write_image_data(&self.pixels).expect("PNG data");
        writer.finish().expect("PNG end");
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a PNG into (width, height, RGB pixels).
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        pixels.truncate(info.buffer_size());
        (info.width, info.height, pixels)
    }

    fn ink_pixels(pixels: &[u8]) -> usize {
        pixels.chunks(3).filter(|p| *p == INK).count()
    }

    #[test]
    fn drawn_cover_is_a_square_png_podcast_directories_accept() {
        let bytes = draw("Wind & Words", "Ann Lee");
        let (image, notes) = check("cover", bytes.clone()).unwrap();
        assert_eq!(image.mime_type, "image/png");
        assert!(notes.is_empty(), "{notes:?}");
        let (width, height, pixels) = decode(&bytes);
        assert_eq!((width, height), (SIDE, SIDE));
        assert!(ink_pixels(&pixels) > 20_000, "the title is drawn");
        assert_eq!(draw("Wind & Words", "Ann Lee"), bytes, "the same show gets the same cover");
    }

    #[test]
    fn chinese_titles_are_drawn_with_their_own_glyphs() {
        let chinese = decode(&draw("风电与草原", "刘洋")).2;
        let question_marks = decode(&draw("?????", "??")).2;
        assert!(ink_pixels(&chinese) > 20_000);
        assert_ne!(chinese, question_marks, "CJK characters are not drawn as placeholders");
        assert_eq!(glyph('风').get_width(), 16);
    }

    #[test]
    fn long_titles_wrap_and_shrink_but_stay_inside() {
        let (scale, lines) = fit("Wind", SIDE - 2 * MARGIN, TITLE_BAND);
        assert_eq!((scale, lines), (MAX_SCALE, vec!["Wind".to_owned()]));
        let long = "The long and winding road of offshore wind farms on the northern steppe, told by the people who build them";
        let (scale, lines) = fit(long, SIDE - 2 * MARGIN, TITLE_BAND);
        assert!(scale < MAX_SCALE && lines.len() > 2, "{scale} {lines:?}");
        assert!(lines.iter().all(|l| units(l) * scale <= SIDE - 2 * MARGIN), "{lines:?}");
        assert_eq!(lines.join(" "), long, "wrapping at spaces keeps every word");
        let endless = "风".repeat(2000);
        let (scale, lines) = fit(&endless, SIDE - 2 * MARGIN, TITLE_BAND);
        assert_eq!(scale, MIN_SCALE);
        assert!(lines.last().unwrap().ends_with('…'));
        assert!((GLYPH_HEIGHT + LINE_GAP) * scale * lines.len() as u32 - LINE_GAP * scale <= TITLE_BAND);
    }

    #[test]
    fn wraps_chinese_between_characters() {
        assert_eq!(wrap("风电与草原", 48), ["风电与", "草原"]);
        assert_eq!(wrap("a bb ccc", 40), ["a bb", "ccc"]);
    }

    #[test]
    fn user_artwork_is_checked() {
        let png = |width: u32, height: u32| {
            let mut bytes = Vec::new();
            let mut encoder = png::Encoder::new(&mut bytes, width, height);
            encoder.set_color(png::ColorType::Grayscale);
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&vec![0; (width * height) as usize]).unwrap();
            writer.finish().unwrap();
            bytes
        };
        assert!(check("a.png", png(1400, 1400)).unwrap().1.is_empty());
        assert!(check("a.png", png(3000, 3000)).unwrap().1.is_empty());
        let notes = check("a.png", png(1400, 1000)).unwrap().1;
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("1400×1000 pixels; podcast directories want a square cover"), "{notes:?}");
        let notes = check("a.png", png(600, 600)).unwrap().1;
        assert!(notes[0].contains("600×600 pixels; podcast directories want 1400 to 3000 pixels a side"), "{notes:?}");
        let error = check("a.gif", b"GIF89a....".to_vec()).unwrap_err().to_string();
        assert_eq!(error, "a.gif: artwork must be a JPEG or PNG image");
        let error = check("a.png", b"\x89PNG\r\n\x1a\ntruncated".to_vec()).unwrap_err().to_string();
        assert!(error.starts_with("a.png: cannot read the artwork's size"), "{error}");
    }
}
