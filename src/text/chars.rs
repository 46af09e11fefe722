//! Character classes shared by the splitter and the normalizers, plus
//! folding of full-width ASCII look-alikes.

/// True for CJK ideographs (the characters the Mandarin voice can read).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2EBEF}'
        | '\u{30000}'..='\u{3134F}'
        | '〇')
}

/// Closing quotes and brackets that belong to the sentence before them.
/// The ASCII quotes are ambiguous and are handled by the caller.
pub fn is_closing(c: char) -> bool {
    matches!(c, '”' | '’' | '）' | ')' | '」' | '』' | '》' | '〉' | '】' | '〕' | '〗' | ']' | '}' | '»' | '›' | '］' | '｝')
}

/// Folds full-width digits, Latin letters and the arithmetic/currency
/// symbols to ASCII, and compatibility glyphs (㎡, ℃, ½ ...) to their plain
/// spelling, so every later rule only has to know one form (NFKC-style,
/// limited to what matters for reading aloud).
///
/// Chinese punctuation (full-width `，！？：；（）` ...) is deliberately kept:
/// it marks pauses for the Mandarin front end. The full-width full stop
/// `．` is folded only between digits, where it is a decimal point.
pub fn fold_compat(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let folded = match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '＋' | '－' | '＝' | '＄' | '＆' | '＠' | '／' | '＃' | '＊' | '＜' | '＞' | '＾' | '＿' | '｜' | '＼' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '．' => {
                let digit_before = i > 0 && is_any_digit(chars[i - 1]);
                let digit_after = chars.get(i + 1).is_some_and(|&n| is_any_digit(n));
                if digit_before && digit_after { '.' } else { c }
            }
            '\u{3000}' => ' ',
            '\u{2212}' => '-',
            _ => {
                if let Some(spelled) = compat_spelling(c) {
                    if spelled.starts_with(|d: char| d.is_ascii_digit()) && i > 0 && is_any_digit(chars[i - 1]) {
                        out.push(' ');
                    }
                    out.push_str(spelled);
                    continue;
                }
                c
            }
        };
        out.push(folded);
    }
    out
}

/// Plain spelling of unit and fraction glyphs.
fn compat_spelling(c: char) -> Option<&'static str> {
    Some(match c {
        '㎡' => "m²",
        '㎞' => "km",
        '㎏' => "kg",
        '㎝' => "cm",
        '㎜' => "mm",
        '℃' => "°C",
        '℉' => "°F",
        '½' => "1/2",
        '⅓' => "1/3",
        '⅔' => "2/3",
        '¼' => "1/4",
        '¾' => "3/4",
        '⅛' => "1/8",
        _ => return None,
    })
}

fn is_any_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_fullwidth_digits_letters_and_symbols() {
        assert_eq!(fold_compat("１２３ＡＢｃ％＋"), "123ABc%+");
    }

    #[test]
    fn keeps_chinese_punctuation() {
        assert_eq!(fold_compat("你好，世界！（是）？"), "你好，世界！（是）？");
    }

    #[test]
    fn folds_fullwidth_stop_only_between_digits() {
        assert_eq!(fold_compat("３．５．"), "3.5．");
    }

    #[test]
    fn folds_unit_and_fraction_glyphs() {
        assert_eq!(fold_compat("90㎡ 25℃ ½ 3½"), "90m² 25°C 1/2 3 1/2");
    }

    #[test]
    fn han_detection() {
        assert!(is_han('中'));
        assert!(is_han('〇'));
        assert!(!is_han('a'));
        assert!(!is_han('。'));
    }
}
