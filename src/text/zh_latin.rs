//! Writing Latin-script words with Han characters for the Mandarin voice,
//! which can only pronounce Mandarin syllables.
//!
//! * All-caps tokens and vowel-less or very short words are spelled with
//!   Han approximations of the English letter names (CEO → 西伊欧).
//! * Other words are cut into rough syllables (consonant + vowel group)
//!   and each syllable is written with the character the usual Chinese
//!   transliteration conventions use for it (Nazarbayev → 纳扎尔巴耶夫).
//!   The result is an approximation, never an empty string.

/// Han approximation of each English letter name, A..=Z. Chinese presenters say
/// the one-syllable names on a high level tone (GDP jī dī pī, 5G wǔ jī), so those
/// are written with first-tone characters.
const LETTER_NAMES: [&str; 26] = [
    "诶", "比", "西", "低", "伊", "艾弗", "基", "艾尺", "艾", "杰", "开", "艾勒", "艾姆",
    "艾恩", "欧", "批", "丘", "艾儿", "艾斯", "梯", "优", "维", "达布留", "艾克斯", "歪", "贼",
];

/// Reads one run of ASCII letters (a "word") in Han characters.
pub fn read_word(word: &str) -> String {
    camel_parts(word).into_iter().map(read_part).collect()
}

/// Spells a word letter by letter: "OTA" → 欧梯诶. Non-letters are skipped.
fn spell(word: &str) -> String {
    word.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| LETTER_NAMES[(c.to_ascii_uppercase() as u8 - b'A') as usize])
        .collect()
}

/// Han names of Greek letters common in technical prose.
pub fn greek_name(c: char) -> Option<&'static str> {
    Some(match c {
        'α' | 'Α' => "阿尔法",
        'β' | 'Β' => "贝塔",
        'γ' | 'Γ' => "伽马",
        'δ' | 'Δ' => "德尔塔",
        'ε' | 'Ε' => "艾普西隆",
        'θ' | 'Θ' => "西塔",
        'λ' | 'Λ' => "兰姆达",
        'μ' | 'Μ' => "缪",
        'π' | 'Π' => "派",
        'σ' | 'Σ' => "西格玛",
        'φ' | 'Φ' => "斐",
        'ω' | 'Ω' => "欧米伽",
        _ => return None,
    })
}

fn read_part(part: &str) -> String {
    let is_upper = part.chars().all(|c| c.is_ascii_uppercase());
    let has_vowel = part.chars().any(|c| "aeiouyAEIOUY".contains(c));
    if is_upper || !has_vowel || part.chars().count() <= 2 {
        spell(part)
    } else {
        transliterate(&part.to_ascii_lowercase())
    }
}

/// Splits camelCase and acronym prefixes: "iPhone" → ["i", "Phone"],
/// "OpenAI" → ["Open", "AI"], "AIpower" → ["AI", "power"].
fn camel_parts(word: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (pos, c) = chars[i];
        let prev = chars[i - 1].1;
        let next = chars.get(i + 1).map(|&(_, n)| n);
        let lower_to_upper = prev.is_ascii_lowercase() && c.is_ascii_uppercase();
        let acronym_end = prev.is_ascii_uppercase()
            && c.is_ascii_uppercase()
            && next.is_some_and(|n| n.is_ascii_lowercase())
            && i - start >= 2;
        // "AIpower": a run of capitals followed by a lowercase word.
        let caps_to_lower = prev.is_ascii_uppercase()
            && c.is_ascii_lowercase()
            && i - start >= 2
            && word[start..pos].chars().all(|x| x.is_ascii_uppercase())
            && next.is_some_and(|n| n.is_ascii_lowercase());
        if lower_to_upper || acronym_end || caps_to_lower {
            parts.push(&word[start..pos]);
            start = pos;
        }
    }
    parts.push(&word[start..]);
    parts
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Onset { B, P, M, F, V, D, T, N, L, R, G, K, H, J, Ch, Sh, Th, S, Z, W, Y }

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Vowel { A, E, I, O, U }

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Unit { C(Onset), V(Vowel) }

/// Transliterates a lowercase ASCII word syllable by syllable.
fn transliterate(word: &str) -> String {
    let units = phonemes(&prepare(word));
    let mut out = String::new();
    let mut i = 0;
    while i < units.len() {
        match units[i] {
            Unit::V(v) => {
                out.push_str(syllable(None, v));
                i += 1;
            }
            Unit::C(c) => match units.get(i + 1) {
                Some(&Unit::V(v)) => {
                    out.push_str(syllable(Some(c), v));
                    i += 2;
                }
                _ => {
                    out.push_str(lone(c));
                    i += 1;
                }
            },
        }
    }
    if out.is_empty() { spell(word) } else { out }
}

/// Spelling clean-up before cutting into sounds: silent final e, doubled
/// consonants, silent initial k/w.
fn prepare(word: &str) -> String {
    let mut w: Vec<u8> = word.bytes().filter(u8::is_ascii_lowercase).collect();
    let vowel = |b: u8| b"aeiouy".contains(&b);
    let n = w.len();
    if n > 3 && w[n - 1] == b'e' && !vowel(w[n - 2]) && w[..n - 2].iter().any(|&b| vowel(b)) {
        w.pop();
    }
    if w.starts_with(b"kn") || w.starts_with(b"wr") {
        w.remove(0);
    }
    w.dedup_by(|a, b| a == b && !vowel(*a));
    String::from_utf8(w).unwrap_or_default()
}

/// Cuts a prepared word into consonant onsets and vowel groups.
fn phonemes(word: &str) -> Vec<Unit> {
    let b = word.as_bytes();
    let vowel = |i: usize| b.get(i).is_some_and(|c| b"aeiou".contains(c));
    let mut units = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let two = b.get(i..i + 2).unwrap_or(&[]);
        let (unit, len): (Option<Unit>, usize) = match two {
            b"ch" => (Some(Unit::C(Onset::Ch)), 2),
            b"sh" => (Some(Unit::C(Onset::Sh)), 2),
            b"th" => (Some(Unit::C(Onset::Th)), 2),
            b"ph" => (Some(Unit::C(Onset::F)), 2),
            b"ck" => (Some(Unit::C(Onset::K)), 2),
            b"wh" => (Some(Unit::C(Onset::W)), 2),
            b"gh" => (None, 2),
            b"qu" if vowel(i + 2) => (Some(Unit::C(Onset::K)), 2),
            _ => single(b, i),
        };
        if let Some(u) = unit {
            match (units.last_mut(), u) {
                // A vowel group like "ee" or "ou" is one vowel sound.
                (Some(Unit::V(prev)), Unit::V(_)) => *prev = merge_vowels(*prev, b[i]),
                _ => units.push(u),
            }
        }
        if b[i] == b'x' && i > 0 {
            units.push(Unit::C(Onset::S));
        }
        i += len;
    }
    units
}

/// Classifies the single letter at `i`, looking at its neighbours for
/// the letters whose sound depends on them (c, g, y, w, x).
fn single(b: &[u8], i: usize) -> (Option<Unit>, usize) {
    let next = b.get(i + 1).copied();
    let next_is_vowel = next.is_some_and(|c| b"aeiouy".contains(&c));
    let soft = next.is_some_and(|c| b"eiy".contains(&c));
    let prev_is_vowel = i > 0 && b"aeiou".contains(&b[i - 1]);
    let c = |o| (Some(Unit::C(o)), 1);
    let v = |v| (Some(Unit::V(v)), 1);
    match b[i] {
        b'a' => v(Vowel::A),
        b'e' => v(Vowel::E),
        b'i' => v(Vowel::I),
        b'o' => v(Vowel::O),
        b'u' => v(Vowel::U),
        b'y' if i == 0 && next_is_vowel => c(Onset::Y),
        b'y' if prev_is_vowel && next_is_vowel => c(Onset::Y),
        b'y' => v(Vowel::I),
        b'w' if next_is_vowel => c(Onset::W),
        b'w' if prev_is_vowel => v(Vowel::U),
        b'w' => c(Onset::W),
        b'b' => c(Onset::B),
        b'p' => c(Onset::P),
        b'm' => c(Onset::M),
        b'f' => c(Onset::F),
        b'v' => c(Onset::V),
        b'd' => c(Onset::D),
        b't' => c(Onset::T),
        b'n' => c(Onset::N),
        b'l' => c(Onset::L),
        b'r' => c(Onset::R),
        b'c' if soft => c(Onset::S),
        b'c' | b'k' | b'q' => c(Onset::K),
        b'g' if soft => c(Onset::J),
        b'g' => c(Onset::G),
        b'h' => c(Onset::H),
        b'j' => c(Onset::J),
        b's' => c(Onset::S),
        b'z' => c(Onset::Z),
        // Initial x sounds like z (Xavier); elsewhere k + s, the s being
        // added by the caller.
        b'x' if i == 0 => c(Onset::Z),
        b'x' => c(Onset::K),
        _ => (None, 1),
    }
}

/// Vowel sound of a two-letter vowel group, given the first vowel's class
/// and the second letter.
fn merge_vowels(first: Vowel, second: u8) -> Vowel {
    match (first, second) {
        (Vowel::E, b'e' | b'a' | b'i' | b'y') | (Vowel::I, b'e') => Vowel::I,
        (Vowel::O, b'o') | (Vowel::E, b'u' | b'w') | (Vowel::U, _) => Vowel::U,
        (Vowel::A, b'u' | b'w') | (Vowel::O, _) => Vowel::O,
        (Vowel::A, b'i' | b'y') => Vowel::E,
        (v, _) => v,
    }
}

fn syllable(onset: Option<Onset>, v: Vowel) -> &'static str {
    let row: [&'static str; 5] = match onset {
        None => ["阿", "埃", "伊", "奥", "乌"],
        Some(Onset::B) => ["巴", "贝", "比", "博", "布"],
        Some(Onset::P) => ["帕", "佩", "皮", "波", "普"],
        Some(Onset::M) => ["马", "梅", "米", "莫", "穆"],
        Some(Onset::F) => ["法", "费", "菲", "福", "富"],
        Some(Onset::V) => ["瓦", "维", "维", "沃", "武"],
        Some(Onset::D) => ["达", "德", "迪", "多", "杜"],
        Some(Onset::T) => ["塔", "特", "蒂", "托", "图"],
        Some(Onset::N) => ["纳", "内", "尼", "诺", "努"],
        Some(Onset::L) => ["拉", "莱", "利", "洛", "卢"],
        Some(Onset::R) => ["拉", "雷", "里", "罗", "鲁"],
        Some(Onset::G) => ["加", "盖", "吉", "戈", "古"],
        Some(Onset::K) => ["卡", "凯", "基", "科", "库"],
        Some(Onset::H) => ["哈", "赫", "希", "霍", "胡"],
        Some(Onset::J) => ["贾", "杰", "吉", "乔", "朱"],
        Some(Onset::Ch) => ["查", "切", "奇", "乔", "丘"],
        Some(Onset::Sh) => ["沙", "谢", "希", "肖", "舒"],
        Some(Onset::Th) => ["萨", "瑟", "西", "索", "苏"],
        Some(Onset::S) => ["萨", "塞", "西", "索", "苏"],
        Some(Onset::Z) => ["扎", "泽", "齐", "佐", "祖"],
        Some(Onset::W) => ["瓦", "韦", "威", "沃", "伍"],
        Some(Onset::Y) => ["亚", "耶", "伊", "约", "尤"],
    };
    row[v as usize]
}

/// A consonant with no vowel after it.
fn lone(c: Onset) -> &'static str {
    match c {
        Onset::B => "布",
        Onset::P => "普",
        Onset::M => "姆",
        Onset::F | Onset::V | Onset::W => "夫",
        Onset::D => "德",
        Onset::T => "特",
        Onset::N => "恩",
        Onset::L | Onset::R => "尔",
        Onset::G => "格",
        Onset::K => "克",
        Onset::H => "赫",
        Onset::J | Onset::Ch => "奇",
        Onset::Sh => "什",
        Onset::Th | Onset::S => "斯",
        Onset::Z => "兹",
        Onset::Y => "伊",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_acronyms() {
        assert_eq!(read_word("CEO"), "西伊欧");
        assert_eq!(read_word("OTA"), "欧梯诶");
        assert_eq!(read_word("GDP"), "基低批");
        assert_eq!(read_word("APP"), "诶批批");
        assert_eq!(read_word("G"), "基");
    }

    #[test]
    fn spells_vowelless_and_short_words() {
        assert_eq!(read_word("cn"), "西艾恩");
        assert_eq!(read_word("www"), "达布留达布留达布留");
        assert_eq!(read_word("ok"), "欧开");
    }

    #[test]
    fn transliterates_words_by_syllable() {
        assert_eq!(read_word("Nazarbayev"), "纳扎尔巴耶夫");
        assert_eq!(read_word("University"), "乌尼维尔西蒂");
        assert_eq!(read_word("Tesla"), "特斯拉");
        assert_eq!(read_word("thepaper"), "瑟帕佩尔");
        assert_eq!(read_word("Microsoft"), "米克罗索夫特");
        assert_eq!(read_word("Alexa"), "阿莱克萨");
        assert_eq!(read_word("apple"), "阿普尔");
    }

    #[test]
    fn splits_camel_case() {
        assert_eq!(camel_parts("iPhone"), vec!["i", "Phone"]);
        assert_eq!(camel_parts("OpenAI"), vec!["Open", "AI"]);
        assert_eq!(camel_parts("AIpower"), vec!["AI", "power"]);
        assert_eq!(read_word("OpenAI"), "奥佩恩诶艾");
    }

    #[test]
    fn greek_letters() {
        assert_eq!(greek_name('β'), Some("贝塔"));
        assert_eq!(greek_name('x'), None);
    }
}
