//! Chinese words inside English text → Hanyu Pinyin without tone marks (`杭州` → `Hangzhou`),
//! so an English voice reads a name or place instead of spelling "Chinese letter".

use pinyin::ToPinyin;

/// Rewrites every run of Han characters as one capitalised pinyin word; everything else is
/// left as it is.
pub fn han_to_pinyin(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        match c.to_pinyin() {
            Some(syllable) => {
                if run.is_empty() && out.chars().last().is_some_and(char::is_alphanumeric) {
                    out.push(' ');
                }
                run.push_str(syllable.plain());
            }
            None => {
                let had_run = !run.is_empty();
                flush(&mut run, &mut out);
                if had_run && c.is_alphanumeric() {
                    out.push(' ');
                }
                out.push(c);
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

fn flush(run: &mut String, out: &mut String) {
    if run.is_empty() {
        return;
    }
    let mut chars = run.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
    run.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_runs_become_pinyin_words() {
        assert_eq!(han_to_pinyin("In the hills above 杭州, tea grows."), "In the hills above Hangzhou, tea grows.");
        assert_eq!(han_to_pinyin("before 清明. Then"), "before Qingming. Then");
        assert_eq!(han_to_pinyin("No Chinese here."), "No Chinese here.");
    }
}
