//! Reading ASCII digit strings as Chinese numerals.
//!
//! Rule for 两 vs 二 (one rule, applied everywhere):
//! * a 2 in the 千 position is read 两 (2000 → 两千, 2345万 → 两千三百四十五万);
//! * so is a 2 that starts a group in the 百 position (200 → 两百, 218 → 两百一十八): the
//!   everyday reading, and one listeners (and speech recognizers) do not mistake for 二千;
//! * a 4-digit group whose whole value is 2 before 万/亿 is read 两 (20000 → 两万);
//! * otherwise 二 (1200 → 一千二百, 22 → 二十二, 0.2 → 零点二).
//!
//! Callers add the classifier rule (2个 → 两个) on top, see `zh.rs`.

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Longest integer read as an amount (up to 万亿 groups); longer digit
/// strings are read digit by digit.
pub const MAX_CARDINAL_DIGITS: usize = 16;

/// Reads every digit on its own, as in years: "2022" → 二零二二.
/// Non-digits are skipped.
pub fn digits(s: &str) -> String {
    s.chars().filter_map(digit_char).collect()
}

/// Reads every digit on its own with 1 as 幺, as in phone numbers and codes.
pub fn code(s: &str) -> String {
    s.chars()
        .filter_map(|c| if c == '1' { Some('幺') } else { digit_char(c) })
        .collect()
}

fn digit_char(c: char) -> Option<char> {
    c.to_digit(10).filter(|_| c.is_ascii_digit()).map(|d| DIGITS[d as usize])
}

/// Reads an integer written in ASCII digits as an amount:
/// "110" → 一百一十, "10" → 十, "123456789" → 一亿两千三百四十五万六千七百八十九.
/// Leading zeros are ignored; more than [`MAX_CARDINAL_DIGITS`] digits are
/// read digit by digit. Non-digit characters are ignored.
pub fn cardinal(s: &str) -> String {
    let ds: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    let first_nonzero = ds.iter().position(|&d| d != 0);
    let Some(start) = first_nonzero else { return "零".to_string() };
    let ds = &ds[start..];
    if ds.len() > MAX_CARDINAL_DIGITS {
        return ds.iter().map(|&d| DIGITS[d as usize]).collect();
    }
    // Split into 4-digit groups, most significant first.
    let head = ds.len() % 4;
    let mut groups: Vec<u16> = Vec::new();
    if head > 0 {
        groups.push(group_value(&ds[..head]));
    }
    for chunk in ds[head..].chunks(4) {
        groups.push(group_value(chunk));
    }
    let count = groups.len();
    let mut out = String::new();
    let mut gap = false;
    for (i, &g) in groups.iter().enumerate() {
        let unit = group_unit(count - 1 - i);
        if g == 0 {
            gap = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (gap || g < 1000) {
            out.push('零');
        }
        gap = false;
        if g == 2 && !unit.is_empty() {
            out.push('两');
        } else {
            out.push_str(&read_group(g, i == 0));
        }
        out.push_str(unit);
    }
    out
}

/// Reads a decimal: integer part as an amount, fraction digit by digit.
/// "218" + "9" → 两百一十八点九.
pub fn decimal(int_part: &str, frac_part: &str) -> String {
    let mut out = cardinal(int_part);
    if !frac_part.is_empty() {
        out.push('点');
        out.push_str(&digits(frac_part));
    }
    out
}

fn group_value(ds: &[u8]) -> u16 {
    ds.iter().fold(0u16, |acc, &d| acc * 10 + d as u16)
}

fn group_unit(index_from_right: usize) -> &'static str {
    match index_from_right {
        0 => "",
        1 => "万",
        2 => "亿",
        _ => "万亿",
    }
}

/// Reads 1..=9999. `leading` marks the most significant group, where
/// 10..=19 are read 十, 十一 ... instead of 一十, 一十一.
fn read_group(n: u16, leading: bool) -> String {
    const UNITS: [&str; 4] = ["千", "百", "十", ""];
    let ds = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut out = String::new();
    let mut started = false;
    let mut pending_zero = false;
    for (pos, &d) in ds.iter().enumerate() {
        if d == 0 {
            pending_zero = started;
            continue;
        }
        if pending_zero {
            out.push('零');
            pending_zero = false;
        }
        let bare_ten = pos == 2 && d == 1 && !started && leading;
        if !bare_ten {
            let liang = d == 2 && (pos == 0 || (pos == 1 && !started));
            out.push(if liang { '两' } else { DIGITS[d as usize] });
        }
        out.push_str(UNITS[pos]);
        started = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers() {
        assert_eq!(cardinal("0"), "零");
        assert_eq!(cardinal("7"), "七");
        assert_eq!(cardinal("10"), "十");
        assert_eq!(cardinal("15"), "十五");
        assert_eq!(cardinal("23"), "二十三");
        assert_eq!(cardinal("110"), "一百一十");
        assert_eq!(cardinal("310"), "三百一十");
        assert_eq!(cardinal("200"), "两百");
        assert_eq!(cardinal("1200"), "一千二百");
    }

    #[test]
    fn thousands_and_zeros() {
        assert_eq!(cardinal("1000"), "一千");
        assert_eq!(cardinal("1005"), "一千零五");
        assert_eq!(cardinal("1050"), "一千零五十");
        assert_eq!(cardinal("2300"), "两千三百");
        assert_eq!(cardinal("3200"), "三千二百");
    }

    #[test]
    fn wan_yi_grouping() {
        assert_eq!(cardinal("20000"), "两万");
        assert_eq!(cardinal("48500"), "四万八千五百");
        assert_eq!(cardinal("100010"), "十万零一十");
        assert_eq!(cardinal("150000"), "十五万");
        assert_eq!(cardinal("123456789"), "一亿两千三百四十五万六千七百八十九");
        assert_eq!(cardinal("100000000"), "一亿");
        assert_eq!(cardinal("100000001"), "一亿零一");
        assert_eq!(cardinal("100010000"), "一亿零一万");
        assert_eq!(cardinal("1000000000000"), "一万亿");
    }

    #[test]
    fn leading_zeros_and_huge_strings() {
        assert_eq!(cardinal("007"), "七");
        assert_eq!(cardinal("12345678901234567"), "一二三四五六七八九零一二三四五六七");
    }

    #[test]
    fn digit_readings() {
        assert_eq!(digits("2022"), "二零二二");
        assert_eq!(code("13800138000"), "幺三八零零幺三八零零零");
        assert_eq!(decimal("218", "9"), "两百一十八点九");
        assert_eq!(decimal("0", "05"), "零点零五");
    }
}
