//! Chinese normalization: rewrites digits, Latin text and symbols into
//! Han characters so the pinyin front end of the Mandarin voice only sees
//! Han characters, punctuation and whitespace.
//!
//! The work is an ordered list of rewrite steps; the most specific
//! patterns (addresses, phone numbers, dates, times, money) run before the
//! generic ones (ranges, plain numbers, Latin words, leftover symbols).

use std::sync::LazyLock;

use regex::Regex;

use super::chars::{fold_compat, is_han};
use super::rules::{
    address_pieces, first_char, group, is_ascii_letter, is_digit_or_point, last_char, pattern,
    rewrite, split_trailing_punctuation, strip_commas, ADDRESS,
};
use super::{zh_latin, zh_num};

/// Rewrites `text` for the Mandarin voice.
pub fn normalize(text: &str) -> String {
    sanitize(&rewrite_all(text))
}

type Step = fn(&str) -> String;

const STEPS: &[Step] = &[
    fold_compat,
    strip_thousands_separators,
    read_addresses,
    read_phone_numbers,
    read_dates,
    read_dotted_numbers,
    read_years,
    read_times,
    read_currency,
    read_percentages,
    replace_units,
    replace_per_slash,
    read_fractions,
    read_ranges,
    read_operators,
    read_numbers,
    read_latin,
    replace_symbols,
];

/// Runs every rewrite step; what is left is only Han, punctuation,
/// whitespace and characters the voice cannot say at all (emoji, other
/// scripts), which [`sanitize`] drops.
fn rewrite_all(text: &str) -> String {
    STEPS.iter().fold(text.to_string(), |t, step| step(&t))
}

/// A number with an optional decimal part.
const NUM: &str = r"[0-9]+(?:\.[0-9]+)?";
/// Range separators between two numbers.
const RANGE_SEP: &str = r"\s*(?:-|–|—{1,2}|~|～|〜|至|到)\s*";

/// Characters that, right after a number, make it a quantity rather than a
/// year or a code (2000-3000元 is money, 2013-2015赛季 is years).
const QUANTITY_UNITS: &str = "元块角分万亿千百十人个件吨米克斤台辆份只名位次家户股张本篇条种项倍平公升度余多";

/// Words after a bare 2 that make it 两 (2个 → 两个, 2点 → 两点).
const LIANG_CLASSIFIERS: &[&str] = &[
    "个", "位", "名", "人", "次", "天", "种", "家", "条", "只", "件", "本", "张", "部", "台", "辆", "架",
    "艘", "座", "栋", "份", "句", "场", "届", "批", "项", "倍", "遍", "层", "所", "支", "把", "双", "对",
    "岁", "周", "年", "点", "小时", "分钟", "秒", "千", "万", "亿", "公里", "千米", "米", "吨", "斤", "公斤",
    "千克", "克", "升", "杯", "瓶", "块", "口", "轮", "趟", "门", "节", "篇", "首", "间", "套", "笔", "枚",
    "颗", "棵", "头", "片", "组", "段", "步", "样", "类", "成", "国", "方", "队", "党", "者",
];

/// Words starting with a classifier where 2 is still 二 (2年级 is a grade,
/// x的2次方 a power).
const LIANG_EXCEPTIONS: &[&str] = &["年级", "次方"];

fn strip_thousands_separators(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"[0-9]{1,3}(?:,[0-9]{3})+"));
    rewrite(&RE, text, |caps, before, after| {
        let glued = is_digit_or_point(last_char(before)) || first_char(after).is_some_and(|c| c.is_ascii_digit());
        (!glued).then(|| strip_commas(group(caps, 0)))
    })
}

/// Web addresses and e-mails, read piece by piece: www.thepaper.cn →
/// 达布留达布留达布留点瑟帕佩尔点西艾恩.
fn read_addresses(text: &str) -> String {
    rewrite(&ADDRESS, text, |caps, _, after| {
        if is_ascii_letter(first_char(after)) {
            return None;
        }
        let (address, trailing) = split_trailing_punctuation(group(caps, 0));
        let spoken: String = address_pieces(address).into_iter().map(read_address_piece).collect();
        Some(format!("{spoken}{trailing}"))
    })
}

fn read_address_piece(piece: &str) -> String {
    let first = piece.chars().next().unwrap_or(' ');
    if first.is_ascii_alphabetic() {
        return zh_latin::read_word(piece);
    }
    if first.is_ascii_digit() {
        return zh_num::code(piece);
    }
    match first {
        '.' => "点",
        '/' => "斜杠",
        '-' => "杠",
        '_' => "下划线",
        '@' => "艾特",
        ':' => "冒号",
        '?' => "问号",
        '=' => "等于",
        '&' => "和",
        '#' => "井号",
        '%' => "百分号",
        '~' => "波浪号",
        '+' => "加",
        _ => "",
    }
    .to_string()
}

/// Phone numbers and codes, read digit by digit with 1 as 幺.
fn read_phone_numbers(text: &str) -> String {
    static KEYWORD: LazyLock<Regex> = LazyLock::new(|| {
        pattern(r"(电话|热线|手机|号码|传真|邮编|编号|尾号|卡号|账号|单号|工号|学号|QQ)([：:]?\s*)([0-9][0-9 -]*[0-9]|[0-9])")
    });
    static DASHED: LazyLock<Regex> = LazyLock::new(|| {
        pattern(r"(\+86[\s-]?)?(?:0[0-9]{2,3}-[0-9]{7,8}|[0-9]{3,4}(?:-[0-9]{3,4}){2,}|1[3-9][0-9]{9})")
    });
    let text = rewrite(&KEYWORD, text, |caps, _, after| {
        if is_digit_or_point(first_char(after)) {
            return None;
        }
        Some(format!("{}{}{}", group(caps, 1), group(caps, 2), zh_num::code(group(caps, 3))))
    });
    rewrite(&DASHED, &text, |caps, before, after| {
        if is_digit_or_point(last_char(before)) || is_digit_or_point(first_char(after)) {
            return None;
        }
        let prefix = if group(caps, 1).is_empty() { "" } else { "加八六" };
        let number = &group(caps, 0)[group(caps, 1).len()..];
        Some(format!("{prefix}{}", zh_num::code(number)))
    })
}

/// 2023-10-16, 2023/10/16, 2023.10.16 → 二零二三年十月十六日.
fn read_dates(text: &str) -> String {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"([0-9]{4})([-/.])([0-9]{1,2})([-/.])([0-9]{1,2})([日号])?"));
    rewrite(&RE, text, |caps, before, after| {
        let month: u32 = group(caps, 3).parse().ok()?;
        let day: u32 = group(caps, 5).parse().ok()?;
        let valid = group(caps, 2) == group(caps, 4) && (1..=12).contains(&month) && (1..=31).contains(&day);
        if !valid || is_digit_or_point(last_char(before)) || first_char(after).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        let day_word = if group(caps, 6).is_empty() { "日" } else { group(caps, 6) };
        Some(format!(
            "{}年{}月{}{}",
            zh_num::digits(group(caps, 1)),
            zh_num::cardinal(group(caps, 3)),
            zh_num::cardinal(group(caps, 5)),
            day_word
        ))
    })
}

/// Version numbers and IP addresses, digit by digit: 2.0.1 → 二点零点一.
fn read_dotted_numbers(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"[0-9]+(?:\.[0-9]+){2,}"));
    rewrite(&RE, text, |caps, _, _| {
        Some(group(caps, 0).split('.').map(zh_num::digits).collect::<Vec<_>>().join("点"))
    })
}

/// Years are read digit by digit: 2022年 → 二零二二年, 2013-2015年 →
/// 二零一三至二零一五年, and so are generations: 90后 → 九零后. A bare 4-digit range counts as years unless a
/// quantity unit follows it.
fn read_years(text: &str) -> String {
    static RANGE: LazyLock<Regex> =
        LazyLock::new(|| pattern(&format!(r"([0-9]{{4}}){RANGE_SEP}([0-9]{{4}})(\s*年)?")));
    static SINGLE: LazyLock<Regex> = LazyLock::new(|| pattern(r"([0-9]{4})(\s*年)"));
    static GENERATION: LazyLock<Regex> = LazyLock::new(|| pattern(r"([0-9]0)后"));
    let text = rewrite(&RANGE, text, |caps, before, after| {
        let from: u32 = group(caps, 1).parse().ok()?;
        let to: u32 = group(caps, 2).parse().ok()?;
        let plausible = (1000..=2199).contains(&from) && (1000..=2199).contains(&to) && from < to;
        let quantity = group(caps, 3).is_empty() && first_char(after).is_some_and(|c| QUANTITY_UNITS.contains(c));
        if !plausible || quantity || is_digit_or_point(last_char(before)) || is_digit_or_point(first_char(after)) {
            return None;
        }
        Some(format!("{}至{}{}", zh_num::digits(group(caps, 1)), zh_num::digits(group(caps, 2)), group(caps, 3)))
    });
    let text = rewrite(&SINGLE, &text, |caps, before, _| {
        if is_digit_or_point(last_char(before)) {
            return None;
        }
        Some(format!("{}{}", zh_num::digits(group(caps, 1)), group(caps, 2)))
    });
    rewrite(&GENERATION, &text, |caps, before, _| {
        if is_digit_or_point(last_char(before)) {
            return None;
        }
        Some(format!("{}后", zh_num::digits(group(caps, 1))))
    })
}

/// 3:30 → 三点三十分, 01:29 → 一点二十九分; n:m that is not a time is a
/// ratio or score: 3:1 → 三比一.
fn read_times(text: &str) -> String {
    static TIME: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"([0-9]{1,2})[:：]([0-9]{2})(?:[:：]([0-9]{2}))?"));
    static RATIO: LazyLock<Regex> = LazyLock::new(|| pattern(r"([0-9]+)[:：]([0-9]+)"));
    let text = rewrite(&TIME, text, |caps, before, after| {
        let hour: u32 = group(caps, 1).parse().ok()?;
        let minute: u32 = group(caps, 2).parse().ok()?;
        let second: u32 = group(caps, 3).parse().unwrap_or(0);
        if hour > 24 || minute > 59 || second > 59 || is_digit_or_point(last_char(before)) || is_digit_or_point(first_char(after)) {
            return None;
        }
        let mut out = if hour == 2 { "两".to_string() } else { zh_num::cardinal(group(caps, 1)) };
        out.push('点');
        if minute > 0 || second > 0 {
            out.push_str(&clock_field(minute, "分"));
        }
        if second > 0 {
            out.push_str(&clock_field(second, "秒"));
        }
        Some(out)
    });
    rewrite(&RATIO, &text, |caps, before, after| {
        if is_digit_or_point(last_char(before)) || is_digit_or_point(first_char(after)) {
            return None;
        }
        Some(format!("{}比{}", zh_num::cardinal(group(caps, 1)), zh_num::cardinal(group(caps, 2))))
    })
}

/// Minutes or seconds: 5 → 零五分, 30 → 三十分.
fn clock_field(value: u32, unit: &str) -> String {
    let words = zh_num::cardinal(&value.to_string());
    if value < 10 { format!("零{words}{unit}") } else { format!("{words}{unit}") }
}

/// Moves currency signs and codes behind the amount: $48500 → 48500美元,
/// ¥100 → 100元, $3.5亿 → 3.5亿美元. The digits are read later.
fn read_currency(text: &str) -> String {
    static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
        let sign = r"(?:US\$|HK\$|NT\$|S\$|A\$|C\$|\$|￥|¥|€|£|₩|₹|₽|RMB|CNY|USD|EUR|HKD)";
        pattern(&format!(
            r"({sign})\s*({NUM})(?:{RANGE_SEP}{sign}?\s*({NUM}))?(\s*(?:万亿|千亿|百亿|十亿|千万|百万|亿|万|千|百)|\s*(?:million|billion|trillion))?"
        ))
    });
    static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
        pattern(&format!(r"({NUM})(\s*(?:万亿|亿|万))?\s*(USD|RMB|CNY|EUR|GBP|JPY|HKD)"))
    });
    let text = rewrite(&PREFIX, text, |caps, _, after| {
        if is_ascii_letter(first_char(after)) {
            return None;
        }
        let name = currency_name(group(caps, 1));
        let mut out = group(caps, 2).to_string();
        if !group(caps, 3).is_empty() {
            out.push('至');
            out.push_str(group(caps, 3));
        }
        out.push_str(&multiplier(group(caps, 4).trim()));
        if !after.starts_with(name) {
            out.push_str(name);
        }
        Some(out)
    });
    rewrite(&SUFFIX, &text, |caps, _, after| {
        if is_ascii_letter(first_char(after)) {
            return None;
        }
        Some(format!("{}{}{}", group(caps, 1), group(caps, 2).trim(), currency_name(group(caps, 3))))
    })
}

fn currency_name(sign: &str) -> &'static str {
    match sign {
        "HK$" | "HKD" => "港元",
        "NT$" => "新台币",
        "S$" => "新加坡元",
        "A$" => "澳元",
        "C$" => "加元",
        "￥" | "¥" | "RMB" | "CNY" => "元",
        "€" | "EUR" => "欧元",
        "£" | "GBP" => "英镑",
        "JPY" => "日元",
        "₩" => "韩元",
        "₹" => "卢比",
        "₽" => "卢布",
        _ => "美元",
    }
}

fn multiplier(word: &str) -> String {
    match word {
        "million" => "百万".to_string(),
        "billion" => "十亿".to_string(),
        "trillion" => "万亿".to_string(),
        other => other.to_string(),
    }
}

/// 23.6% → 百分之23.6, 10%-20% and 10-20% → 百分之10至百分之20, ‰ → 千分之.
fn read_percentages(text: &str) -> String {
    static RANGE: LazyLock<Regex> =
        LazyLock::new(|| pattern(&format!(r"({NUM})\s*([%‰‱])?{RANGE_SEP}({NUM})\s*([%‰‱])")));
    static SINGLE: LazyLock<Regex> = LazyLock::new(|| pattern(&format!(r"({NUM})\s*([%‰‱])")));
    let text = rewrite(&RANGE, text, |caps, before, _| {
        if is_digit_or_point(last_char(before)) {
            return None;
        }
        let sign = if group(caps, 2).is_empty() { group(caps, 4) } else { group(caps, 2) };
        let prefix = per_prefix(sign);
        Some(format!("{prefix}{}至{prefix}{}", group(caps, 1), group(caps, 3)))
    });
    rewrite(&SINGLE, &text, |caps, before, _| {
        if is_digit_or_point(last_char(before)) {
            return None;
        }
        Some(format!("{}{}", per_prefix(group(caps, 2)), group(caps, 1)))
    })
}

fn per_prefix(sign: &str) -> &'static str {
    match sign {
        "‰" => "千分之",
        "‱" => "万分之",
        _ => "百分之",
    }
}

/// Latin unit symbols after a number: 100MW → 100兆瓦, 5km/h → 5公里每小时.
fn replace_units(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        let alternatives: Vec<String> = UNITS.iter().map(|(symbol, _)| regex::escape(symbol)).collect();
        pattern(&format!(r"([0-9])\s*({})", alternatives.join("|")))
    });
    rewrite(&RE, text, |caps, _, after| {
        let symbol = group(caps, 2);
        let ends_in_letter = symbol.chars().next_back().is_some_and(|c| c.is_ascii_alphabetic());
        if ends_in_letter && is_ascii_letter(first_char(after)) {
            return None;
        }
        let name = UNITS.iter().find(|(s, _)| *s == symbol).map(|(_, name)| *name)?;
        Some(format!("{}{name}", group(caps, 1)))
    })
}

/// Unit symbols and their Chinese names, longest symbols first so that
/// "km/h" wins over "km" and "min" over "m".
const UNITS: &[(&str, &str)] = &[
    ("km/h", "公里每小时"), ("kWh", "千瓦时"), ("kwh", "千瓦时"), ("MWh", "兆瓦时"), ("GWh", "吉瓦时"),
    ("TWh", "太瓦时"), ("mAh", "毫安时"), ("Gbps", "吉比特每秒"), ("Mbps", "兆比特每秒"), ("kcal", "千卡"),
    ("km²", "平方公里"), ("km2", "平方公里"), ("cm²", "平方厘米"), ("cm³", "立方厘米"), ("m/s", "米每秒"),
    ("GHz", "吉赫兹"), ("MHz", "兆赫兹"), ("kHz", "千赫兹"), ("mph", "英里每小时"), ("rpm", "转每分"),
    ("min", "分钟"), ("°C", "摄氏度"), ("°F", "华氏度"), ("m²", "平方米"), ("m³", "立方米"),
    ("kW", "千瓦"), ("MW", "兆瓦"), ("GW", "吉瓦"), ("kV", "千伏"), ("km", "公里"), ("cm", "厘米"),
    ("mm", "毫米"), ("nm", "纳米"), ("μm", "微米"), ("kg", "千克"), ("mg", "毫克"), ("ml", "毫升"),
    ("mL", "毫升"), ("TB", "太字节"), ("GB", "吉字节"), ("MB", "兆字节"), ("KB", "千字节"), ("Hz", "赫兹"),
    ("dB", "分贝"), ("ms", "毫秒"), ("ha", "公顷"), ("lb", "磅"), ("ft", "英尺"), ("°", "度"),
    ("m", "米"), ("g", "克"), ("L", "升"), ("W", "瓦"), ("V", "伏"), ("h", "小时"),
];

/// "元/吨" → 元每吨: a slash before a Chinese unit means "per".
fn replace_per_slash(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        pattern(r"([\p{Han}0-9])\s*/\s*(平方米|千瓦时|公里|千米|公斤|千克|小时|分钟|吨|克|斤|米|秒|天|日|周|月|年|人|次|件|个|台|辆|股|份|升|亩|户|瓦|度|桶|张|平)")
    });
    RE.replace_all(text, "${1}每${2}").into_owned()
}

/// 1/2 → 二分之一.
fn read_fractions(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"([0-9]+)/([0-9]+)"));
    rewrite(&RE, text, |caps, before, after| {
        let glued = |c: Option<char>| is_digit_or_point(c) || c == Some('/');
        if glued(last_char(before)) || glued(first_char(after)) {
            return None;
        }
        let (numerator, denominator) = (group(caps, 1), group(caps, 2));
        if denominator.bytes().all(|b| b == b'0') {
            return Some(format!("{}斜杠{}", zh_num::cardinal(numerator), zh_num::cardinal(denominator)));
        }
        Some(format!("{}分之{}", zh_num::cardinal(denominator), zh_num::cardinal(numerator)))
    })
}

/// 1-7月 → 1至7月, 10~20 → 10至20, 5摄氏度~10摄氏度 → 5摄氏度至10摄氏度.
fn read_ranges(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        pattern(&format!(r"({NUM})(\p{{Han}}{{0,5}}?)\s*(?:-|–|—{{1,2}}|~|～|〜)\s*({NUM})"))
    });
    rewrite(&RE, text, |caps, before, _| {
        if is_digit_or_point(last_char(before)) || is_ascii_letter(last_char(before)) {
            return None;
        }
        Some(format!("{}{}至{}", group(caps, 1), group(caps, 2), group(caps, 3)))
    })
}

/// Signs and arithmetic between numbers: -5 → 负5, ±3 → 正负3, 3×4 → 3乘4,
/// 100+ → 100多, x^2 → x的2次方.
fn read_operators(text: &str) -> String {
    static NEGATIVE: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"(^|[^0-9A-Za-z])-\s?(百分之|千分之|万分之|[0-9])"));
    static BINARY: LazyLock<Regex> =
        LazyLock::new(|| pattern(r"([0-9])\s*([+x×*÷<>≤≥≠≈=])\s*([0-9])"));
    static MORE_THAN: LazyLock<Regex> = LazyLock::new(|| pattern(r"([0-9])\+"));
    static POWER: LazyLock<Regex> = LazyLock::new(|| pattern(r"\^\s*([0-9]+)"));
    let text = NEGATIVE.replace_all(text, "${1}负${2}").into_owned();
    let text = POWER.replace_all(&text, "的${1}次方").into_owned();
    let text = text.replace('±', "正负");
    // Twice, so that chains like 1+2+3 are fully rewritten.
    let text = (0..2).fold(text, |t, _| {
        rewrite(&BINARY, &t, |caps, _, _| {
            let word = match group(caps, 2) {
                "+" => "加",
                "x" | "×" | "*" => "乘",
                "÷" => "除以",
                "<" => "小于",
                ">" => "大于",
                "≤" => "小于等于",
                "≥" => "大于等于",
                "≠" => "不等于",
                "≈" => "约等于",
                _ => "等于",
            };
            Some(format!("{}{word}{}", group(caps, 1), group(caps, 3)))
        })
    });
    rewrite(&MORE_THAN, &text, |caps, _, after| {
        (!first_char(after).is_some_and(|c| c.is_ascii_digit())).then(|| format!("{}多", group(caps, 1)))
    })
}

/// Every number left: decimals, amounts, codes.
fn read_numbers(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"([0-9]+)(?:\.([0-9]+))?"));
    rewrite(&RE, text, |caps, before, after| {
        let (int_part, frac_part) = (group(caps, 1), group(caps, 2));
        if !frac_part.is_empty() {
            return Some(zh_num::decimal(int_part, frac_part));
        }
        Some(read_integer(int_part, last_char(before), after))
    })
}

fn read_integer(digits: &str, before: Option<char>, after: &str) -> String {
    let quantity = first_char(after).is_some_and(|c| QUANTITY_UNITS.contains(c));
    let is_code = (digits.len() > 1 && digits.starts_with('0'))
        || (digits.len() >= 11 && !quantity)
        || digits.len() > zh_num::MAX_CARDINAL_DIGITS;
    if is_code {
        return zh_num::code(digits);
    }
    if digits == "2" && before != Some('第') && takes_liang(after) {
        return "两".to_string();
    }
    zh_num::cardinal(digits)
}

fn takes_liang(after: &str) -> bool {
    !LIANG_EXCEPTIONS.iter().any(|w| after.starts_with(w)) && LIANG_CLASSIFIERS.iter().any(|w| after.starts_with(w))
}

/// Latin words and Greek letters, written with Han characters. A dot
/// before a letter is part of a name (Node.js, .NET) and is read 点.
fn read_latin(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"[A-Za-z]+(?:['’][A-Za-z]+)*"));
    static NAME_DOT: LazyLock<Regex> = LazyLock::new(|| pattern(r"\.([A-Za-z])"));
    let text = NAME_DOT.replace_all(text, "点$1");
    let text = rewrite(&RE, &text, |caps, _, _| Some(zh_latin::read_word(group(caps, 0))));
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match zh_latin::greek_name(c) {
            Some(name) => out.push_str(name),
            None => out.push(c),
        }
    }
    out
}

/// Symbols left over after the number rules.
fn replace_symbols(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let word = match c {
            '&' => "和",
            '@' => "艾特",
            '+' => "加",
            '=' => "等于",
            '×' => "乘",
            '÷' => "除以",
            '≈' => "约等于",
            '≠' => "不等于",
            '≤' => "小于等于",
            '≥' => "大于等于",
            '%' => "百分号",
            '‰' => "千分号",
            '$' => "美元",
            '¥' | '￥' => "元",
            '€' => "欧元",
            '£' => "英镑",
            '°' => "度",
            '/' => "、",
            '-' | '_' | '|' | '\\' => " ",
            '#' | '*' | '^' | '`' | '~' | '～' | '〜' | '<' | '>' | '²' | '³' | '©' | '®' | '™' => "",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(word);
    }
    out
}

/// Punctuation the Mandarin front end may receive (it turns it into pauses).
fn is_output_punctuation(c: char) -> bool {
    ",.!?;:'\"()[]{}".contains(c) || "，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕〖〗…—–·・﹏｛｝［］＂＇．｡｢｣､".contains(c)
}

/// Drops what the voice cannot say (emoji, control characters, other
/// scripts) and tidies whitespace.
fn sanitize(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| c == ' ' || is_han(c) || is_output_punctuation(c))
        .collect();
    kept.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        normalize(text)
    }

    #[test]
    fn years_digit_by_digit() {
        assert_eq!(n("2022年"), "二零二二年");
        assert_eq!(n("“2019年”"), "“二零一九年”");
        assert_eq!(n("2013-2015年"), "二零一三至二零一五年");
        assert_eq!(n("2013—2015"), "二零一三至二零一五");
        assert_eq!(n("1990年代"), "一九九零年代");
        assert_eq!(n("90后和00后"), "九零后和零零后");
    }

    #[test]
    fn year_like_ranges_with_units_are_amounts() {
        assert_eq!(n("1000-2000元"), "一千至两千元");
    }

    #[test]
    fn amounts() {
        assert_eq!(n("310亿"), "三百一十亿");
        assert_eq!(n("3000余人"), "三千余人");
        assert_eq!(n("23对"), "二十三对");
        assert_eq!(n("10"), "十");
        assert_eq!(n("110"), "一百一十");
        assert_eq!(n("1000"), "一千");
        assert_eq!(n("1005"), "一千零五");
        assert_eq!(n("20000"), "两万");
        assert_eq!(n("2300万吨"), "两千三百万吨");
        assert_eq!(n("123456789"), "一亿两千三百四十五万六千七百八十九");
        assert_eq!(n("3,200"), "三千二百");
    }

    #[test]
    fn liang_before_classifiers() {
        assert_eq!(n("2个人"), "两个人");
        assert_eq!(n("2亿美元"), "两亿美元");
        assert_eq!(n("第2位"), "第二位");
        assert_eq!(n("2月"), "二月");
        assert_eq!(n("2年级"), "二年级");
    }

    #[test]
    fn decimals_and_percentages() {
        assert_eq!(n("218.9亿美元"), "两百一十八点九亿美元");
        assert_eq!(n("23.6%"), "百分之二十三点六");
        assert_eq!(n("90%"), "百分之九十");
        assert_eq!(n("5‰"), "千分之五");
        assert_eq!(n("10%-20%"), "百分之十至百分之二十");
        assert_eq!(n("10-20%"), "百分之十至百分之二十");
        assert_eq!(n("0.5"), "零点五");
    }

    #[test]
    fn ranges() {
        assert_eq!(n("1-7月"), "一至七月");
        assert_eq!(n("3-5天"), "三至五天");
        assert_eq!(n("10~20"), "十至二十");
        assert_eq!(n("10～20"), "十至二十");
        assert_eq!(n("-5℃~10℃"), "负五摄氏度至十摄氏度");
        assert_eq!(n("3天-5天"), "三天至五天");
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(n("2023年5月"), "二零二三年五月");
        assert_eq!(n("9月6日"), "九月六日");
        assert_eq!(n("2023-10-16"), "二零二三年十月十六日");
        assert_eq!(n("2023/10/16"), "二零二三年十月十六日");
        assert_eq!(n("12月31日前"), "十二月三十一日前");
        assert_eq!(n("01:29"), "一点二十九分");
        assert_eq!(n("3:30"), "三点三十分");
        assert_eq!(n("3:05"), "三点零五分");
        assert_eq!(n("14:00"), "十四点");
        assert_eq!(n("下午3点"), "下午三点");
        assert_eq!(n("下午2点"), "下午两点");
        assert_eq!(n("比分3:1"), "比分三比一");
    }

    #[test]
    fn ordinals_and_durations() {
        assert_eq!(n("第12位"), "第十二位");
        assert_eq!(n("31年"), "三十一年");
    }

    #[test]
    fn versions_and_ip_addresses() {
        assert_eq!(n("版本2.0.1"), "版本二点零点一");
        assert_eq!(n("192.168.1.1"), "一九二点一六八点一点一");
    }

    #[test]
    fn units() {
        assert_eq!(n("100MW"), "一百兆瓦");
        assert_eq!(n("60兆瓦"), "六十兆瓦");
        assert_eq!(n("5km"), "五公里");
        assert_eq!(n("3kg"), "三千克");
        assert_eq!(n("25℃"), "二十五摄氏度");
        assert_eq!(n("25°C"), "二十五摄氏度");
        assert_eq!(n("90m²"), "九十平方米");
        assert_eq!(n("90㎡"), "九十平方米");
        assert_eq!(n("15cm"), "十五厘米");
        assert_eq!(n("64GB"), "六十四吉字节");
        assert_eq!(n("500MB"), "五百兆字节");
        assert_eq!(n("7kW"), "七千瓦");
        assert_eq!(n("120km/h"), "一百二十公里每小时");
        assert_eq!(n("3-5km"), "三至五公里");
        assert_eq!(n("3000元/吨"), "三千元每吨");
    }

    #[test]
    fn currency() {
        assert_eq!(n("$48,500"), "四万八千五百美元");
        assert_eq!(n("￥100"), "一百元");
        assert_eq!(n("¥100"), "一百元");
        assert_eq!(n("¥100元"), "一百元");
        assert_eq!(n("€20"), "二十欧元");
        assert_eq!(n("£5"), "五英镑");
        assert_eq!(n("$3.5亿"), "三点五亿美元");
        assert_eq!(n("310亿美元"), "三百一十亿美元");
        assert_eq!(n("$2.5 billion"), "二点五十亿美元");
        assert_eq!(n("100 USD"), "一百美元");
        assert_eq!(n("$10-20"), "十至二十美元");
    }

    #[test]
    fn phone_numbers_read_digit_by_digit_with_yao() {
        assert_eq!(n("13812345678"), "幺三八幺二三四五六七八");
        assert_eq!(n("010-12345678"), "零幺零幺二三四五六七八");
        assert_eq!(n("400-820-8820"), "四零零八二零八八二零");
        assert_eq!(n("电话：12315"), "电话：幺二三幺五");
        assert_eq!(n("+86 13812345678"), "加八六幺三八幺二三四五六七八");
        assert_eq!(n("123456789012"), "幺二三四五六七八九零幺二");
    }

    #[test]
    fn fractions_signs_and_operators() {
        assert_eq!(n("1/2"), "二分之一");
        assert_eq!(n("½"), "二分之一");
        assert_eq!(n("2/3"), "三分之二");
        assert_eq!(n("-5"), "负五");
        assert_eq!(n("气温-5℃"), "气温负五摄氏度");
        assert_eq!(n("±3"), "正负三");
        assert_eq!(n("3×4=12"), "三乘四等于十二");
        assert_eq!(n("1+2"), "一加二");
        assert_eq!(n("100+国家"), "一百多国家");
        assert_eq!(n("1920x1080"), "一千九百二十乘一千零八十");
        assert_eq!(n("x^2"), "艾克斯的二次方");
    }

    #[test]
    fn latin_words_and_acronyms() {
        assert_eq!(n("5G"), "五基");
        assert_eq!(n("OTA升级"), "欧梯诶升级");
        assert_eq!(n("CEO"), "西伊欧");
        assert_eq!(n("GDP增长"), "基低批增长");
        assert_eq!(n("APP"), "诶批批");
        assert_eq!(n("Nazarbayev University"), "纳扎尔巴耶夫 乌尼维尔西蒂");
        assert_eq!(n("β射线"), "贝塔射线");
        assert_eq!(n("Node.js"), "诺德点杰艾斯");
    }

    #[test]
    fn addresses() {
        assert_eq!(n("www.thepaper.cn"), "达布留达布留达布留点瑟帕佩尔点西艾恩");
        assert_eq!(n("见www.thepaper.cn。"), "见达布留达布留达布留点瑟帕佩尔点西艾恩。");
        assert_eq!(n("ab@qq.com"), "诶比艾特丘丘点科姆");
    }

    #[test]
    fn symbols() {
        assert_eq!(n("研发&制造"), "研发和制造");
        assert_eq!(n("男/女"), "男、女");
        assert_eq!(n("#话题#"), "话题");
        assert_eq!(n("“你好”（是）《书》"), "“你好”（是）《书》");
    }

    #[test]
    fn fullwidth_input() {
        assert_eq!(n("１２３"), "一百二十三");
        assert_eq!(n("ＣＥＯ"), "西伊欧");
        assert_eq!(n("２０２２年"), "二零二二年");
    }

    /// Independent restatement of the output contract.
    fn speakable_by_mandarin_voice(c: char) -> bool {
        let han = ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c) || c == '〇';
        han || c.is_whitespace() || ",.!?;:'\"()[]{}，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕〖〗…—–·・﹏｛｝［］＂＇．｡｢｣､".contains(c)
    }

    const TRICKY: &[&str] = &[
        "2023年第3季度营收218.9亿美元，同比增长23.6%，约合$48,500/人。",
        "请拨打010-12345678或13812345678，邮编100000，QQ:12345",
        "5G、OTA、CEO、GDP、APP都是Nazarbayev University的热词。",
        "访问 https://www.thepaper.cn/newsDetail_forward_123?x=1&y=2 了解",
        "温度-5℃~10℃，湿度±3%，风速12m/s，功率100MW，面积90㎡",
        "比分3:1，时间01:29，下午3点，2013-2015年，1-7月，3-5天，10~20",
        "1/2、3/4、0/0、100+、3×4=12、a<b、x^2、C++、C#、.NET、Node.js",
        "１２３ＡＢＣ％＋－＝＄＆＠／＃ ｘｙｚ",
        "😀🎉 emoji 中文 \u{0007}\u{200F}שלום مرحبا Привет こんにちは 한국어",
        "99999999999999999999999999999999999999999999元",
        "1.2.3.4 v2.0.1 192.168.1.1 3.14159 .5 5. 00 0 -0 --5 ++",
        "α β μm ½ ² ³ ° ‰ ‱ № § © ® ™ • ← → ★",
        "“2019年”他说：“我们有3000余人。”",
        "$ € £ ¥ % & @ = + - / \\ | _ ~ ` ^ * # < > [ ] { }",
    ];

    #[test]
    fn output_is_only_han_punctuation_and_whitespace() {
        for input in TRICKY {
            let out = normalize(input);
            let bad: Vec<char> = out.chars().filter(|&c| !speakable_by_mandarin_voice(c)).collect();
            assert!(bad.is_empty(), "{input:?} → {out:?} has {bad:?}");
        }
    }

    #[test]
    fn no_latin_letter_or_digit_survives_to_sanitizing() {
        for input in TRICKY {
            let rewritten = rewrite_all(input);
            assert!(
                !rewritten.chars().any(|c| c.is_ascii_alphanumeric()),
                "{input:?} → {rewritten:?}"
            );
        }
    }

    #[test]
    fn survives_hostile_input() {
        let long_run = "很".repeat(5000);
        assert_eq!(normalize(&long_run), long_run);
        let digits = "1".repeat(5000);
        assert_eq!(normalize(&digits), "幺".repeat(5000));
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("\u{0000}\u{FFFF}\u{10FFFF}"), "");
    }
}
