//! One pinyin syllable: parsing (tone numbers or tone marks) and the split into the
//! Baker corpus' initial + final convention used by the zh-baker model.

use std::fmt;

/// A pinyin syllable with its tone, and the Han character it was read from.
///
/// `base` is lowercase toneless pinyin with `ü` written `v` (`lv`, `nve`); an erhua
/// syllable keeps its `r` (`huar`). `tone` is 1..=4, or 5 for the neutral tone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syllable {
    pub hanzi: Option<char>,
    pub base: String,
    pub tone: u8,
}

impl fmt::Display for Syllable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.base, self.tone)
    }
}

/// Initial and final of a syllable in Baker notation (`^` is the zero initial).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BakerParts {
    pub initial: &'static str,
    /// Final without tone, always one of [`BAKER_FINALS`].
    pub final_: String,
    /// True for an r-suffixed syllable (`huar`): Baker writes it as the plain
    /// syllable followed by `er5` with no boundary in between.
    pub erhua: bool,
}

/// The 38 finals of the Baker symbol set (each exists with tones 1..5).
pub const BAKER_FINALS: [&str; 38] = [
    "a", "ai", "an", "ang", "ao", "e", "ei", "en", "eng", "er", "i", "ia", "ian", "iang", "iao",
    "ie", "ii", "iii", "in", "ing", "iong", "iou", "o", "ong", "ou", "u", "ua", "uai", "uan",
    "uang", "uei", "uen", "ueng", "uo", "v", "van", "ve", "vn",
];

/// Initials in matching order: two-letter initials first.
const INITIALS: [&str; 21] = [
    "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r",
    "z", "c", "s",
];

/// Parses a tone-numbered syllable such as `zhang1`, `lv4`, `lü4`, `nue4`, `de5`, `huar1`.
/// Returns `None` unless it is a pronounceable Mandarin syllable.
pub fn parse_numbered(text: &str) -> Option<Syllable> {
    let text = text.trim().to_lowercase();
    let tone_char = text.chars().last()?;
    let tone = tone_char.to_digit(10).filter(|t| (1..=5).contains(t))? as u8;
    let base: String = text[..text.len() - 1].replace('ü', "v").replace("u:", "v");
    baker_parts(&base)?;
    Some(Syllable {
        hanzi: None,
        base,
        tone,
    })
}

/// Parses a tone-marked syllable as written in pypinyin's data (`zhōng`, `lǜ`, `de`,
/// `ǹg`, `m̀`). A syllable without a mark is neutral (tone 5).
pub fn parse_marked(text: &str) -> Option<Syllable> {
    let mut base = String::with_capacity(text.len());
    let mut tone = 5u8;
    for ch in text.chars() {
        match ch {
            // Combining tone marks (used on letters that have no precomposed form).
            '\u{304}' => tone = 1,
            '\u{301}' => tone = 2,
            '\u{30C}' => tone = 3,
            '\u{300}' => tone = 4,
            '\u{302}' | '\u{308}' => {}
            _ => {
                let (plain, mark) = strip_mark(ch);
                if let Some(mark) = mark {
                    tone = mark;
                }
                base.push_str(plain);
            }
        }
    }
    baker_parts(&base)?;
    Some(Syllable {
        hanzi: None,
        base,
        tone,
    })
}

/// Tone-marked letters of pinyin and their plain letter and tone.
const MARKED: [(char, &str, u8); 32] = [
    ('ā', "a", 1),
    ('á', "a", 2),
    ('ǎ', "a", 3),
    ('à', "a", 4),
    ('ē', "e", 1),
    ('é', "e", 2),
    ('ě', "e", 3),
    ('è', "e", 4),
    ('ī', "i", 1),
    ('í', "i", 2),
    ('ǐ', "i", 3),
    ('ì', "i", 4),
    ('ō', "o", 1),
    ('ó', "o", 2),
    ('ǒ', "o", 3),
    ('ò', "o", 4),
    ('ū', "u", 1),
    ('ú', "u", 2),
    ('ǔ', "u", 3),
    ('ù', "u", 4),
    ('ǖ', "v", 1),
    ('ǘ', "v", 2),
    ('ǚ', "v", 3),
    ('ǜ', "v", 4),
    ('\u{1EBF}', "e", 2),
    ('\u{1EC1}', "e", 4),
    ('ń', "n", 2),
    ('ň', "n", 3),
    ('ǹ', "n", 4),
    ('ḿ', "m", 2),
    ('ü', "v", 5),
    ('ê', "e", 5),
];

/// Maps a possibly tone-marked letter to its plain form (`ü`/`ê` become `v`/`e`)
/// and its tone, if it carries one (5 in the table means "no mark").
fn strip_mark(ch: char) -> (&'static str, Option<u8>) {
    match MARKED.iter().find(|(marked, _, _)| *marked == ch) {
        Some(&(_, plain, tone)) => (plain, (tone < 5).then_some(tone)),
        None => (ascii_letter(ch), None),
    }
}

/// Plain ASCII letters pass through; anything else becomes an impossible letter so
/// that [`baker_parts`] rejects the syllable.
fn ascii_letter(ch: char) -> &'static str {
    const LETTERS: [&str; 26] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z",
    ];
    match ch.to_ascii_lowercase() {
        c @ 'a'..='z' => LETTERS[(c as u8 - b'a') as usize],
        _ => "?",
    }
}

/// Splits toneless pinyin into Baker initial + final, following the Baker
/// conventions (zhi→iii, zi→ii, ju→v, iu→iou, ui→uei, un→uen, y/w → `^`).
/// Returns `None` for strings that are not Mandarin syllables.
pub fn baker_parts(base: &str) -> Option<BakerParts> {
    if let Some(parts) = plain_parts(base) {
        return Some(parts);
    }
    // Erhua: `huar` = `hua` + r-colouring.
    let stem = base.strip_suffix('r')?;
    let parts = plain_parts(stem)?;
    (!parts.erhua && parts.final_ != "er").then_some(BakerParts {
        erhua: true,
        ..parts
    })
}

fn plain_parts(base: &str) -> Option<BakerParts> {
    let parts = |initial: &'static str, final_: &str| {
        Some(BakerParts {
            initial,
            final_: closest_final(final_)?.to_string(),
            erhua: false,
        })
    };
    // Syllabic nasals (嗯 n/ng, 呣 m, 哼 hng, 噷 hm): Baker writes `ng` as `^ en`.
    match base {
        "n" | "ng" | "m" => return parts("^", "en"),
        "hm" | "hng" => return parts("h", "en"),
        _ => {}
    }
    if let Some(rest) = base.strip_prefix('y') {
        let final_ = match rest.strip_prefix('u') {
            Some(after_u) => format!("v{after_u}"),
            None if rest.starts_with('i') => rest.to_string(),
            None => format!("i{rest}"),
        };
        return parts("^", &final_);
    }
    if let Some(rest) = base.strip_prefix('w') {
        let final_ = if rest.starts_with('u') {
            rest.to_string()
        } else {
            format!("u{rest}")
        };
        return parts("^", &final_);
    }
    let initial = INITIALS
        .iter()
        .copied()
        .find(|i| base.starts_with(i))
        .unwrap_or("^");
    let rest = if initial == "^" {
        base
    } else {
        &base[initial.len()..]
    };
    if rest.is_empty() {
        return None;
    }
    let final_ = match (initial, rest) {
        ("zh" | "ch" | "sh" | "r", "i") => "iii".to_string(),
        ("z" | "c" | "s", "i") => "ii".to_string(),
        ("j" | "q" | "x", r) if r.starts_with('u') => format!("v{}", &r[1..]),
        ("n" | "l", "ue") => "ve".to_string(),
        (_, "iu") => "iou".to_string(),
        (_, "ui") => "uei".to_string(),
        (_, "un") => "uen".to_string(),
        (_, r) => r.to_string(),
    };
    if !initial_accepts(initial, &final_) {
        return None;
    }
    parts(initial, &final_)
}

/// Rejects initial/final pairs that Mandarin phonotactics rule out, so that typos
/// in a lexicon are reported instead of silently producing odd symbols.
fn initial_accepts(initial: &str, final_: &str) -> bool {
    let palatal = final_.starts_with('i') || final_.starts_with('v');
    match initial {
        // 覅 fiào (Wu) is the one palatal final after f in the dictionary.
        "f" if final_ == "iao" => true,
        "j" | "q" | "x" => palatal && final_ != "ii" && final_ != "iii",
        "zh" | "ch" | "sh" | "r" | "z" | "c" | "s" | "g" | "k" | "h" | "f" => {
            !palatal || final_ == "ii" || final_ == "iii"
        }
        "b" | "p" | "m" | "d" | "t" => {
            !final_.starts_with('v') && final_ != "ii" && final_ != "iii"
        }
        "n" | "l" => final_ != "ii" && final_ != "iii",
        // Zero initial: only the finals that occur without y/w.
        _ => matches!(
            final_,
            "a" | "ai" | "an" | "ang" | "ao" | "e" | "ei" | "en" | "eng" | "er" | "o" | "ou"
        ),
    }
}

/// Maps a final to itself when it is a Baker final, or to the closest one when
/// Baker has no symbol for it (`io` of 哟 yo → `iou`, `uong` of 㘗 wòng → `ueng`).
/// `None` if nothing is close.
fn closest_final(final_: &str) -> Option<&'static str> {
    if let Some(known) = BAKER_FINALS.iter().copied().find(|f| *f == final_) {
        return Some(known);
    }
    match final_ {
        "io" => Some("iou"),
        "uong" => Some("ueng"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(base: &str) -> (String, String) {
        let p = baker_parts(base).unwrap_or_else(|| panic!("{base} should be valid"));
        (p.initial.to_string(), p.final_)
    }

    #[test]
    fn baker_conventions() {
        let cases = [
            ("zhi", "zh", "iii"),
            ("ri", "r", "iii"),
            ("zi", "z", "ii"),
            ("si", "s", "ii"),
            ("ju", "j", "v"),
            ("jue", "j", "ve"),
            ("xun", "x", "vn"),
            ("yuan", "^", "van"),
            ("yu", "^", "v"),
            ("yun", "^", "vn"),
            ("liu", "l", "iou"),
            ("gui", "g", "uei"),
            ("lun", "l", "uen"),
            ("yi", "^", "i"),
            ("ya", "^", "ia"),
            ("wu", "^", "u"),
            ("wo", "^", "uo"),
            ("you", "^", "iou"),
            ("wei", "^", "uei"),
            ("wen", "^", "uen"),
            ("ye", "^", "ie"),
            ("yin", "^", "in"),
            ("ying", "^", "ing"),
            ("yong", "^", "iong"),
            ("weng", "^", "ueng"),
            ("a", "^", "a"),
            ("er", "^", "er"),
            ("ou", "^", "ou"),
            ("lv", "l", "v"),
            ("nve", "n", "ve"),
            ("lue", "l", "ve"),
            ("yo", "^", "iou"),
            ("ng", "^", "en"),
            ("hng", "h", "en"),
            ("wong", "^", "ueng"),
            ("fiao", "f", "iao"),
        ];
        for (base, initial, final_) in cases {
            assert_eq!(
                split(base),
                (initial.to_string(), final_.to_string()),
                "{base}"
            );
        }
    }

    #[test]
    fn rejects_non_syllables() {
        for bad in [
            "", "jang", "zhv", "bv", "xa", "abc", "qqq", "ii", "zhr", "err",
        ] {
            assert!(baker_parts(bad).is_none(), "{bad} should be rejected");
        }
    }

    #[test]
    fn erhua_syllables() {
        let p = baker_parts("huar").unwrap();
        assert_eq!((p.initial, p.final_.as_str(), p.erhua), ("h", "ua", true));
    }

    #[test]
    fn parses_tone_numbers_and_marks() {
        assert_eq!(parse_numbered("Zhang1").unwrap().to_string(), "zhang1");
        assert_eq!(parse_numbered("lü4").unwrap().to_string(), "lv4");
        assert!(parse_numbered("zhang").is_none());
        assert!(parse_numbered("zhang6").is_none());
        assert!(parse_numbered("1").is_none());
        assert_eq!(parse_marked("zhōng").unwrap().to_string(), "zhong1");
        assert_eq!(parse_marked("lǜ").unwrap().to_string(), "lv4");
        assert_eq!(parse_marked("lüè").unwrap().to_string(), "lve4");
        assert_eq!(parse_marked("de").unwrap().to_string(), "de5");
        assert_eq!(parse_marked("ǹg").unwrap().to_string(), "ng4");
        assert_eq!(parse_marked("m\u{300}").unwrap().to_string(), "m4");
        assert_eq!(parse_marked("\u{1EBF}").unwrap().to_string(), "e2");
        assert!(parse_marked("x😀").is_none());
    }
}
