//! Tone sandhi on one clause, after prosodic grouping.
//!
//! Rules, in the order applied:
//! Dictionary readings of 一/不 are recomputed (the dictionary has some sandhi
//! forms, e.g. 一个 yí gè), except a neutral tone, which is kept.
//! 1. **一**:
//!    `X一X` reduplication → yi5 (看一看); after 第 → yī; at the end of the clause
//!    or of a longer word (统一, 唯一, 第一) → yī; next to numerals, i.e. after a
//!    numeral character or before a digit/十 (十一, 三百一十, 一九八四) → yī;
//!    before 月/号 (dates) → yī; otherwise yí before tone 4 or neutral (一个,
//!    一带一路) and yì before tones 1–3 (一天, 一年, 一起).
//! 2. **不**: `A不A` → bu5 (是不是); before tone 4 → bú (不断,
//!    不是); otherwise bù.
//! 3. **Third tone**, inside each prosodic word, following word structure: the
//!    prosodic word is a tree (prosodic word → words → sub-words, where a word of
//!    3+ syllables is split by longest dictionary words from the left: 展览|馆,
//!    小|老虎). Each node first applies sandhi inside its children, then at each
//!    boundary between children, right to left, a child ending in tone 3 before a
//!    child that (now) starts with tone 3 changes its last syllable to tone 2.
//!    Inside a leaf, every tone 3 before a tone 3 becomes 2.
//!    So 展览馆 → zhan2 lan2 guan3, 小老虎 → xiao3 lao2 hu3, 你好 → ni2 hao3.
//!
//! Neutral tones (5) are never changed.

use super::prosody::ProsodicWord;
use super::syllable::Syllable;

const YI: char = '一';
const BU: char = '不';
/// Characters of numbers; 一 after one of them is read yī (十一, 三百一十).
const NUMERALS: &str = "零〇一二三四五六七八九十百千万亿两";
/// Digits (and 十) read one by one; 一 before one of them is read yī (一九八四, 一十).
const DIGITS: &str = "零〇一二三四五六七八九十";

/// Applies all sandhi rules to a clause. `is_word` tells whether a string is a
/// dictionary word, for the structure of long words.
pub fn apply(clause: &mut [ProsodicWord], is_word: &dyn Fn(&str) -> bool) {
    apply_yi_bu(clause);
    for group in clause.iter_mut() {
        third_tone(group, is_word);
    }
}

/// Where a syllable sits inside its word.
struct Slot {
    group: usize,
    word: usize,
    index: usize,
    word_len: usize,
}

fn apply_yi_bu(clause: &mut [ProsodicWord]) {
    let slots: Vec<Slot> = clause
        .iter()
        .enumerate()
        .flat_map(|(g, group)| {
            group.iter().enumerate().flat_map(move |(w, word)| {
                let word_len = word.syllables.len();
                (0..word_len).map(move |index| Slot {
                    group: g,
                    word: w,
                    index,
                    word_len,
                })
            })
        })
        .collect();
    let at = |clause: &[ProsodicWord], s: &Slot| -> Syllable {
        clause[s.group][s.word].syllables[s.index].clone()
    };
    let mut new_tones = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let this = at(clause, slot);
        let prev = i.checked_sub(1).map(|p| at(clause, &slots[p]));
        let next = slots.get(i + 1).map(|n| at(clause, n));
        let word_final = slot.word_len > 1 && slot.index + 1 == slot.word_len;
        let tone = match this.hanzi {
            Some(YI) if this.base == "yi" && this.tone != 5 => {
                yi_tone(prev.as_ref(), next.as_ref(), word_final)
            }
            Some(BU) if this.base == "bu" && this.tone != 5 => {
                bu_tone(prev.as_ref(), next.as_ref())
            }
            _ => continue,
        };
        new_tones.push((i, tone));
    }
    for (i, tone) in new_tones {
        let s = &slots[i];
        clause[s.group][s.word].syllables[s.index].tone = tone;
    }
}

fn hanzi_in(syllable: Option<&Syllable>, set: &str) -> bool {
    syllable
        .and_then(|s| s.hanzi)
        .is_some_and(|c| set.contains(c))
}

fn reduplicated(prev: Option<&Syllable>, next: Option<&Syllable>) -> bool {
    matches!((prev.and_then(|p| p.hanzi), next.and_then(|n| n.hanzi)), (Some(a), Some(b)) if a == b)
}

fn yi_tone(prev: Option<&Syllable>, next: Option<&Syllable>, word_final: bool) -> u8 {
    if reduplicated(prev, next) && !hanzi_in(prev, NUMERALS) {
        return 5;
    }
    let Some(next_syllable) = next else { return 1 };
    if word_final
        || hanzi_in(prev, "第")
        || hanzi_in(prev, NUMERALS)
        || hanzi_in(next, DIGITS)
        || hanzi_in(next, "月号")
    {
        return 1;
    }
    match next_syllable.tone {
        4 | 5 => 2,
        _ => 4,
    }
}

fn bu_tone(prev: Option<&Syllable>, next: Option<&Syllable>) -> u8 {
    if reduplicated(prev, next) {
        return 5;
    }
    match next {
        Some(n) if n.tone == 4 => 2,
        _ => 4,
    }
}

/// A prosodic word as a tree of syllable index ranges.
enum Node {
    Leaf(std::ops::Range<usize>),
    Branch(Vec<Node>),
}

fn third_tone(group: &mut ProsodicWord, is_word: &dyn Fn(&str) -> bool) {
    let mut start = 0;
    let mut words = Vec::with_capacity(group.len());
    for word in group.iter() {
        words.push(word_structure(
            word.text.as_str(),
            word.syllables.len(),
            start,
            is_word,
        ));
        start += word.syllables.len();
    }
    let mut tones: Vec<u8> = group
        .iter()
        .flat_map(|w| w.syllables.iter().map(|s| s.tone))
        .collect();
    apply_node(&Node::Branch(words), &mut tones);
    let mut tones = tones.into_iter();
    for syllable in group.iter_mut().flat_map(|w| w.syllables.iter_mut()) {
        if let Some(t) = tones.next() {
            syllable.tone = t;
        }
    }
}

/// Splits a word of 3+ syllables into sub-words (longest dictionary words from
/// the left); shorter words, and words whose characters do not line up with their
/// syllables (lexicon erhua), are leaves.
fn word_structure(text: &str, len: usize, offset: usize, is_word: &dyn Fn(&str) -> bool) -> Node {
    let chars: Vec<char> = text.chars().collect();
    if len < 3 || chars.len() != len {
        return Node::Leaf(offset..offset + len);
    }
    let mut parts = Vec::new();
    let mut i = 0;
    while i < len {
        let longest = (len - i).min(len - 1);
        let part = (2..=longest)
            .rev()
            .find(|&n| is_word(&chars[i..i + n].iter().collect::<String>()))
            .unwrap_or(1);
        parts.push(Node::Leaf(offset + i..offset + i + part));
        i += part;
    }
    Node::Branch(parts)
}

fn span(node: &Node) -> std::ops::Range<usize> {
    match node {
        Node::Leaf(r) => r.clone(),
        Node::Branch(children) => {
            let start = children.first().map_or(0, |c| span(c).start);
            let end = children.last().map_or(start, |c| span(c).end);
            start..end
        }
    }
}

fn apply_node(node: &Node, tones: &mut [u8]) {
    match node {
        Node::Leaf(range) => {
            let original: Vec<u8> = tones[range.clone()].to_vec();
            for (k, pair) in original.windows(2).enumerate() {
                if pair == [3, 3] {
                    tones[range.start + k] = 2;
                }
            }
        }
        Node::Branch(children) => {
            for child in children {
                apply_node(child, tones);
            }
            for pair in children.windows(2).rev() {
                let (left, right) = (span(&pair[0]), span(&pair[1]));
                if left.is_empty() || right.is_empty() {
                    continue;
                }
                if tones[left.end - 1] == 3 && tones[right.start] == 3 {
                    tones[left.end - 1] = 2;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::segment::Word;

    /// A word from "字字 tone tone" notation, e.g. word("展览馆", "333").
    fn word(text: &str, tones: &str) -> Word {
        let syllables = text
            .chars()
            .zip(tones.chars())
            .map(|(c, t)| {
                let base = match c {
                    YI => "yi",
                    BU => "bu",
                    _ => "a",
                };
                Syllable {
                    hanzi: Some(c),
                    base: base.into(),
                    tone: t as u8 - b'0',
                }
            })
            .collect();
        Word {
            text: text.into(),
            syllables,
        }
    }

    fn tones(clause: &[ProsodicWord]) -> String {
        clause
            .iter()
            .flatten()
            .flat_map(|w| w.syllables.iter().map(|s| char::from(b'0' + s.tone)))
            .collect()
    }

    fn run(groups: Vec<Vec<Word>>, dict: &[&str]) -> String {
        let mut clause = groups;
        apply(&mut clause, &|w| dict.contains(&w));
        tones(&clause)
    }

    #[test]
    fn third_tone_by_structure() {
        let dict = ["展览", "老虎"];
        assert_eq!(run(vec![vec![word("展览馆", "333")]], &dict), "223");
        assert_eq!(run(vec![vec![word("小老虎", "333")]], &dict), "323");
        assert_eq!(run(vec![vec![word("你好", "33")]], &dict), "23");
        assert_eq!(
            run(vec![vec![word("很", "3"), word("好", "3")]], &dict),
            "23"
        );
        assert_eq!(
            run(vec![vec![word("好", "3")], vec![word("你", "3")]], &dict),
            "33"
        );
        assert_eq!(run(vec![vec![word("姐姐", "35")]], &dict), "35");
    }

    #[test]
    fn yi_rules() {
        assert_eq!(run(vec![vec![word("一带一路", "1414")]], &[]), "2424");
        assert_eq!(run(vec![vec![word("一个", "14")]], &[]), "24");
        assert_eq!(run(vec![vec![word("一天", "11")]], &[]), "41");
        assert_eq!(run(vec![vec![word("一年", "12")]], &[]), "42");
        assert_eq!(run(vec![vec![word("一起", "13")]], &[]), "43");
        assert_eq!(run(vec![vec![word("看一看", "414")]], &[]), "454");
        assert_eq!(run(vec![vec![word("第一", "41")]], &[]), "41");
        assert_eq!(
            run(
                vec![vec![word("统一", "31")], vec![word("思想", "13")]],
                &[]
            ),
            "3113"
        );
        assert_eq!(run(vec![vec![word("十一", "21")]], &[]), "21");
        assert_eq!(run(vec![vec![word("一月", "14")]], &[]), "14");
        assert_eq!(run(vec![vec![word("一", "1")]], &[]), "1");
        assert_eq!(run(vec![vec![word("一一", "11")]], &[]), "11");
    }

    #[test]
    fn bu_rules() {
        assert_eq!(run(vec![vec![word("不断", "44")]], &[]), "24");
        assert_eq!(run(vec![vec![word("不是", "44")]], &[]), "24");
        assert_eq!(run(vec![vec![word("不好", "43")]], &[]), "43");
        assert_eq!(run(vec![vec![word("是不是", "444")]], &[]), "454");
        assert_eq!(run(vec![vec![word("不", "4")]], &[]), "4");
    }
}
