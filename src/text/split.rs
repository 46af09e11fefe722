//! Sentence and clause splitting for Chinese and English text.
//!
//! Lengths are counted in characters (Unicode scalar values).

use std::ops::Range;

use super::chars::{is_closing, is_han};

/// Splits text into sentences (on 。！？!?… and Latin `. ` with care for
/// abbreviations like "Mr.", "U.S.", decimals "3.5"), keeping the terminal
/// punctuation; any sentence longer than `max_chars` is split further at
/// clause punctuation (，、；：,;:— ) and, failing that, at whitespace, and
/// failing that, hard-cut, so no piece exceeds max_chars. Never returns
/// empty strings. Closing quotes/brackets after a terminator stay with the
/// sentence (“…。” ).
///
/// Line breaks also end a sentence (headings, interview turns). Pieces are
/// trimmed, and pieces with nothing to say (only punctuation, symbols or
/// emoji) are dropped. A `max_chars` of 0 is treated as 1.
pub fn sentences(text: &str, max_chars: usize) -> Vec<String> {
    let max = max_chars.max(1);
    sentence_spans(text)
        .into_iter()
        .flat_map(|sentence| fit(sentence, max))
        .filter(|piece| piece.chars().any(char::is_alphanumeric))
        .collect()
}

/// Clauses within one sentence (split after ，、；：,;: keeping the punctuation), for engines that want them.
///
/// ASCII `,;:` split only when followed by whitespace, so "3,200" and
/// "3:30" stay whole. Pieces are trimmed; empty pieces are dropped.
pub fn clauses(sentence: &str) -> Vec<String> {
    clause_ranges(sentence, false)
        .into_iter()
        .map(|range| sentence[range].trim())
        .filter(|piece| !piece.is_empty())
        .map(str::to_string)
        .collect()
}

/// Titles and other abbreviations whose final dot never ends a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "no", "nos", "inc", "ltd", "co", "corp",
    "gen", "gov", "sen", "rep", "lt", "col", "capt", "mt", "ave", "blvd", "approx", "dept", "est", "fig",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "cf", "al",
    "mx", "hon", "rev", "amb", "pres", "supt", "insp", "det", "adm", "maj", "sgt", "cpl", "pvt", "fr", "messrs",
    "univ", "assn", "bros", "dist", "vol", "pp", "ed", "eds", "min", "max",
];

fn sentence_spans(text: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(pos, _)| pos);
    let mut spans = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // End of the terminator run `i` is in. Every terminator of a run shares it, so it is
    // found once per run: a long run ("!!!…!a") stays linear.
    let mut run_end = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
            spans.push(&text[start..byte_at(i)]);
            start = byte_at(i + 1);
            i += 1;
            continue;
        }
        if !is_terminator(c) {
            i += 1;
            continue;
        }
        if i >= run_end {
            run_end = end_of_terminator_run(&chars, i);
        }
        if !is_sentence_end(text, &chars, i, run_end) {
            i += 1;
            continue;
        }
        let end = run_end;
        spans.push(&text[start..byte_at(end)]);
        start = byte_at(end);
        i = end;
    }
    spans.push(&text[start..]);
    spans
}

fn is_cjk_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡' | '…' | '‼' | '⁇' | '⁈' | '⁉')
}

fn is_terminator(c: char) -> bool {
    is_cjk_terminator(c) || matches!(c, '.' | '!' | '?')
}

/// True when the terminator at `i` ends a sentence; `end` is
/// [`end_of_terminator_run`] of `i`.
fn is_sentence_end(text: &str, chars: &[(usize, char)], i: usize, end: usize) -> bool {
    let c = chars[i].1;
    if is_cjk_terminator(c) {
        return true;
    }
    if !matches!(c, '.' | '!' | '?') {
        return false;
    }
    // Look past the run of terminators and closers to what follows.
    let next = chars.get(end).map(|&(_, n)| n);
    let followed_by_break = next.is_none_or(|n| n.is_whitespace() || is_han(n) || is_cjk_terminator(n));
    if !followed_by_break {
        return false;
    }
    if c != '.' {
        return true;
    }
    if i > 0 && chars[i - 1].1 == '.' {
        // Inside a run of dots: the first dot of the run decided.
        return false;
    }
    let next_word_char = chars[end..].iter().map(|&(_, n)| n).find(|n| !n.is_whitespace());
    if next_word_char.is_some_and(|n| n.is_lowercase() || n.is_ascii_digit()) {
        // "approx. five", "No. 5", "Yes... we go": the sentence goes on.
        return false;
    }
    let is_ellipsis = chars[i + 1..end].iter().any(|&(_, n)| n == '.');
    is_ellipsis || !is_abbreviation_dot(text, chars, i, next_word_char)
}

/// A dot that belongs to a title, an initial, a dotted acronym ("U.S.") or
/// a mid-sentence "etc.".
fn is_abbreviation_dot(text: &str, chars: &[(usize, char)], dot: usize, next_word_char: Option<char>) -> bool {
    // Walk back over the word. Once it has shown both a dot and a letter it is a dotted
    // token, whatever lies further back: stopping there keeps runs like "a.中a.中…" linear.
    let mut word_start = dot;
    let (mut has_dot, mut has_letter) = (false, false);
    while word_start > 0 {
        let c = chars[word_start - 1].1;
        if !(c.is_alphanumeric() || c == '.') {
            break;
        }
        has_dot |= c == '.';
        has_letter |= c.is_alphabetic();
        if has_dot && has_letter {
            return true;
        }
        word_start -= 1;
    }
    let word = &text[chars.get(word_start).map_or(0, |&(p, _)| p)..chars[dot].0];
    let is_initial = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    let lower = word.to_lowercase();
    let titled = ABBREVIATIONS.contains(&lower.as_str());
    let etc_mid_sentence = lower == "etc" && !next_word_char.is_some_and(char::is_uppercase);
    is_initial || titled || etc_mid_sentence
}

/// Index just past the terminators, closing quotes and brackets starting at `i`.
fn end_of_terminator_run(chars: &[(usize, char)], i: usize) -> usize {
    let mut j = i + 1;
    while j < chars.len() && (is_cjk_terminator(chars[j].1) || matches!(chars[j].1, '.' | '!' | '?')) {
        j += 1;
    }
    while j < chars.len() && is_closer_at(chars, j) {
        j += 1;
    }
    j
}

/// Closing quote or bracket at `j`. A straight quote counts only when it is
/// not the opening quote of a following sentence.
fn is_closer_at(chars: &[(usize, char)], j: usize) -> bool {
    let c = chars[j].1;
    if is_closing(c) {
        return true;
    }
    if c == '"' || c == '\'' {
        let next = chars.get(j + 1).map(|&(_, n)| n);
        return next.is_none_or(|n| n.is_whitespace() || is_closing(n) || n == '"' || n == '\'');
    }
    false
}

/// Cuts an over-long sentence into pieces of at most `max` characters,
/// preferring clause punctuation, then whitespace, then a hard cut.
fn fit(sentence: &str, max: usize) -> Vec<String> {
    let sentence = sentence.trim();
    if char_len(sentence) <= max {
        return vec![sentence.to_string()];
    }
    let mut pieces = Vec::new();
    for clause in pack(sentence, clause_ranges(sentence, true), max) {
        let clause = &sentence[clause];
        if char_len(clause) <= max {
            pieces.push(clause);
            continue;
        }
        for words in pack(clause, word_ranges(clause), max) {
            let words = &clause[words];
            if char_len(words) <= max {
                pieces.push(words);
            } else {
                pieces.extend(hard_cut(words, max).into_iter().map(|r| &words[r]));
            }
        }
    }
    pieces.into_iter().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
}

fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Merges consecutive byte ranges of `text` greedily while the merged
/// piece stays within `max` characters.
fn pack(text: &str, ranges: Vec<Range<usize>>, max: usize) -> Vec<Range<usize>> {
    let mut packed: Vec<Range<usize>> = Vec::new();
    let mut current: Option<(Range<usize>, usize)> = None;
    for range in ranges {
        let len = char_len(&text[range.clone()]);
        current = match current {
            Some((cur, cur_len)) if cur_len + len <= max => Some((cur.start..range.end, cur_len + len)),
            Some((cur, _)) => {
                packed.push(cur);
                Some((range, len))
            }
            None => Some((range, len)),
        };
    }
    packed.extend(current.map(|(cur, _)| cur));
    packed
}

/// Byte ranges of the clauses of `sentence`: each ends after clause
/// punctuation (and any closing quotes after it). `with_dash` also splits
/// after em dashes.
fn clause_ranges(sentence: &str, with_dash: bool) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(sentence.len(), |&(pos, _)| pos);
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        let next = chars.get(i + 1).map(|&(_, n)| n);
        let breaks = matches!(c, '，' | '、' | '；' | '：')
            || (matches!(c, ',' | ';' | ':') && next.is_none_or(char::is_whitespace))
            || (with_dash && c == '—' && next != Some('—'));
        i += 1;
        if breaks {
            while i < chars.len() && is_closing(chars[i].1) {
                i += 1;
            }
            ranges.push(start..byte_at(i));
            start = byte_at(i);
        }
    }
    if start < sentence.len() {
        ranges.push(start..sentence.len());
    }
    ranges
}

/// Byte ranges of the words of `text`, each keeping its trailing whitespace.
fn word_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut prev_space = false;
    for (pos, c) in text.char_indices() {
        if prev_space && !c.is_whitespace() {
            ranges.push(start..pos);
            start = pos;
        }
        prev_space = c.is_whitespace();
    }
    if start < text.len() {
        ranges.push(start..text.len());
    }
    ranges
}

/// Byte ranges cutting `text` into pieces of at most `max` characters.
/// Where possible a cut avoids splitting a run of ASCII letters, digits,
/// dots and commas (a number such as "3.5" or a word) by backing up to the
/// start of that run.
fn hard_cut(text: &str, max: usize) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(pos, _)| pos);
    let glued = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == ',';
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut end = (start + max).min(chars.len());
        if end < chars.len() {
            let safe = (start + 1..=end).rev().find(|&k| !(glued(chars[k - 1].1) && glued(chars[k].1)));
            end = safe.unwrap_or(end);
        }
        ranges.push(byte_at(start)..byte_at(end));
        start = end;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Vec<String> {
        sentences(text, 200)
    }

    #[test]
    fn splits_chinese_sentences() {
        assert_eq!(s("今天很好。明天呢？太好了！"), vec!["今天很好。", "明天呢？", "太好了！"]);
    }

    #[test]
    fn closing_quotes_stay_with_the_sentence() {
        assert_eq!(s("他说：“我们走吧。”然后走了。"), vec!["他说：“我们走吧。”", "然后走了。"]);
        assert_eq!(s("（见附件。）下一句。"), vec!["（见附件。）", "下一句。"]);
        assert_eq!(s("He said \"Go.\" Then he left."), vec!["He said \"Go.\"", "Then he left."]);
    }

    #[test]
    fn terminator_runs_stay_together() {
        assert_eq!(s("真的吗？！好吧……走。"), vec!["真的吗？！", "好吧……", "走。"]);
        assert_eq!(s("Really?! Yes... we go."), vec!["Really?!", "Yes... we go."]);
    }

    #[test]
    fn english_abbreviations_and_decimals_do_not_split() {
        assert_eq!(
            s("Mr. Smith paid 3.5 dollars in the U.S. last year. Dr. Lee agreed."),
            vec!["Mr. Smith paid 3.5 dollars in the U.S. last year.", "Dr. Lee agreed."]
        );
        assert_eq!(s("J. K. Rowling wrote it. It sold."), vec!["J. K. Rowling wrote it.", "It sold."]);
        assert_eq!(s("Apples, pears, etc. are fruit."), vec!["Apples, pears, etc. are fruit."]);
        assert_eq!(s("We had apples etc. Then pears."), vec!["We had apples etc.", "Then pears."]);
        assert_eq!(s("It was approx. five. No. 5 won."), vec!["It was approx. five.", "No. 5 won."]);
        assert_eq!(
            s("Dr. Tomas Berg met Sen. Ada Park, e.g. in the U.S. Senate. Prof. Li agreed."),
            vec!["Dr. Tomas Berg met Sen. Ada Park, e.g. in the U.S. Senate.", "Prof. Li agreed."]
        );
        assert_eq!(s("We asked Sgt. Cole and Rev. Hale. They came."), vec!["We asked Sgt. Cole and Rev. Hale.", "They came."]);
    }

    #[test]
    fn dots_inside_tokens_do_not_split() {
        assert_eq!(s("See www.thepaper.cn today. Bye."), vec!["See www.thepaper.cn today.", "Bye."]);
        assert_eq!(s("增长3.5%。"), vec!["增长3.5%。"]);
    }

    #[test]
    fn line_breaks_end_sentences() {
        assert_eq!(s("标题\n正文第一句。\r\n\r\nQ: Why?"), vec!["标题", "正文第一句。", "Q: Why?"]);
    }

    #[test]
    fn mixed_chinese_sentence_after_latin_stop() {
        assert_eq!(s("他来自U.S.A.。我们欢迎。"), vec!["他来自U.S.A.。", "我们欢迎。"]);
    }

    #[test]
    fn long_sentences_split_at_clauses() {
        let text = "第一部分很长，第二部分也很长；第三部分：结束。";
        assert_eq!(sentences(text, 8), vec!["第一部分很长，", "第二部分也很长；", "第三部分：结束。"]);
        assert_eq!(sentences(text, 15), vec!["第一部分很长，第二部分也很长；", "第三部分：结束。"]);
        assert_eq!(sentences(text, 14), vec!["第一部分很长，", "第二部分也很长；第三部分：", "结束。"]);
    }

    #[test]
    fn english_clause_split_keeps_numbers_whole() {
        let text = "We paid 3,200 dollars at 3:30, then we left; it was late.";
        assert_eq!(sentences(text, 32), vec!["We paid 3,200 dollars at 3:30,", "then we left; it was late."]);
    }

    #[test]
    fn long_clauses_split_at_whitespace() {
        let text = "one two three four five six seven eight nine ten";
        assert_eq!(sentences(text, 14), vec!["one two three", "four five six", "seven eight", "nine ten"]);
    }

    #[test]
    fn em_dash_splits_long_sentences() {
        assert_eq!(sentences("前面的话——后面的话。", 6), vec!["前面的话——", "后面的话。"]);
    }

    #[test]
    fn hard_cut_without_punctuation_or_spaces() {
        assert_eq!(sentences("一二三四五六七", 3), vec!["一二三", "四五六", "七"]);
    }

    #[test]
    fn hard_cut_backs_off_to_keep_numbers_whole() {
        assert_eq!(sentences("增长率3.55万", 5), vec!["增长率", "3.55万"]);
    }

    #[test]
    fn no_piece_exceeds_max_and_none_is_empty() {
        let long = "很".repeat(5000);
        let digits = "7".repeat(5000);
        let inputs = [long.as_str(), digits.as_str(), "😀😀😀 a\u{0}b 。。。 ！！ \u{200F}שלום, مرحبا. ", "。", "", "   \n\n "];
        for input in inputs {
            for max in [0, 1, 2, 7, 50] {
                for piece in sentences(input, max) {
                    assert!(!piece.is_empty());
                    assert!(piece.chars().count() <= max.max(1), "{piece:?} > {max}");
                }
            }
        }
        assert_eq!(sentences(&long, 1000).len(), 5);
    }

    #[test]
    fn punctuation_only_pieces_are_dropped() {
        assert_eq!(s("。。。"), Vec::<String>::new());
        assert_eq!(s("“”"), Vec::<String>::new());
        assert_eq!(s(""), Vec::<String>::new());
    }

    #[test]
    fn clauses_split_after_clause_punctuation() {
        assert_eq!(clauses("首先，我们讨论；然后：结束。"), vec!["首先，", "我们讨论；", "然后：", "结束。"]);
        assert_eq!(clauses("First, we talk; then: done."), vec!["First,", "we talk;", "then:", "done."]);
        assert_eq!(clauses("It cost 3,200 at 3:30."), vec!["It cost 3,200 at 3:30."]);
        assert_eq!(clauses("他说：“好，”然后走了"), vec!["他说：", "“好，”", "然后走了"]);
        assert_eq!(clauses(""), Vec::<String>::new());
    }
}
