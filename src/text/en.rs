//! English normalization for espeak-ng: numbers, money, dates, times,
//! units, abbreviations and symbols become words. Plain acronyms stay as
//! letters (espeak spells them); dotted ones lose their dots (U.S. → U S).
//! Chinese characters are left untouched.
//!
//! Like `zh.rs`, the work is an ordered list of rewrite steps from the most
//! specific patterns to the most generic ones.

use std::sync::LazyLock;

use regex::Regex;

use super::chars::fold_compat;
use super::en_num;
use super::rules::{
    address_pieces, first_char, group, is_ascii_letter, is_digit_or_point, last_char, pattern,
    rewrite, split_trailing_punctuation, strip_commas, ADDRESS,
};

/// Rewrites `text` for an English voice.
pub fn normalize(text: &str) -> String {
    tidy(&STEPS.iter().fold(text.to_string(), |t, step| step(&t)))
}

type Step = fn(&str) -> String;

const STEPS: &[Step] = &[
    fold_compat,
    read_addresses,
    expand_abbreviations,
    undot_acronyms,
    read_dates,
    read_times,
    read_phone_numbers,
    read_currency,
    read_percentages,
    read_units,
    read_decades,
    read_ordinals,
    read_fractions,
    read_ranges,
    read_dotted_numbers,
    read_signs,
    read_numbers,
    replace_symbols,
];

/// A number, with or without thousands separators and decimals.
const NUM: &str = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?";

/// Reads a number matched by [`NUM`]: plain 4-digit numbers that look like
/// years are read as years, others as amounts.
fn number_words(number: &str) -> String {
    let plain = strip_commas(number);
    match plain.split_once('.') {
        Some((int_part, frac_part)) => en_num::decimal(int_part, frac_part),
        None if plain.len() > 1 && plain.starts_with('0') => en_num::digits(&plain),
        None => en_num::cardinal(&plain),
    }
}

/// Like [`number_words`], but a bare 4-digit number from 1100 to 2099 is a
/// year ("in 1990", "1990-1995"). Written amounts of that size normally
/// carry a comma (1,500), which keeps them cardinal.
fn number_or_year_words(number: &str) -> String {
    if is_year(number) { en_num::year(number) } else { number_words(number) }
}

fn is_year(number: &str) -> bool {
    number.len() == 4 && number.parse::<u16>().is_ok_and(|n| (1100..=2099).contains(&n))
}

/// Web addresses and e-mails: www.thepaper.cn → "W W W dot thepaper dot C N".
fn read_addresses(text: &str) -> String {
    rewrite(&ADDRESS, text, |caps, _, after| {
        if is_ascii_letter(first_char(after)) {
            return None;
        }
        let (address, trailing) = split_trailing_punctuation(group(caps, 0));
        let words: Vec<String> = address_pieces(address).into_iter().map(read_address_piece).filter(|w| !w.is_empty()).collect();
        Some(format!("{}{trailing}", words.join(" ")))
    })
}

fn read_address_piece(piece: &str) -> String {
    let first = piece.chars().next().unwrap_or(' ');
    if first.is_ascii_alphabetic() {
        let has_vowel = piece.chars().any(|c| "aeiouAEIOU".contains(c));
        return if has_vowel && piece.len() > 2 { piece.to_string() } else { spell(piece) };
    }
    if first.is_ascii_digit() {
        return en_num::digits(piece);
    }
    match first {
        '.' => "dot",
        '/' => "slash",
        '-' => "dash",
        '_' => "underscore",
        '@' => "at",
        ':' => "colon",
        '?' => "question mark",
        '=' => "equals",
        '&' => "and",
        '#' => "hash",
        '%' => "percent",
        '~' => "tilde",
        '+' => "plus",
        _ => "",
    }
    .to_string()
}

/// "cn" → "C N".
fn spell(letters: &str) -> String {
    letters
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Keeps a sentence-final full stop that was also an abbreviation's dot.
fn final_stop(after: &str) -> &'static str {
    if after.trim().is_empty() { "." } else { "" }
}

fn expand_abbreviations(text: &str) -> String {
    static TITLE: LazyLock<Regex> = LazyLock::new(|| {
        pattern(r"\b(Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|Capt|Mt|Ave|Dept|approx|vs|etc|No)\.")
    });
    static LATIN: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(e\.g|i\.e|E\.g|I\.e)\.?,?"));
    let text = rewrite(&TITLE, text, |caps, _, after| {
        let next_is_capital = after.trim_start().chars().next().is_some_and(char::is_uppercase);
        let next_is_digit = after.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit());
        let word = match group(caps, 1) {
            "Mr" => "Mister",
            "Mrs" => "Missus",
            "Ms" => "Miz",
            "Dr" => "Doctor",
            "Prof" => "Professor",
            "St" if next_is_capital => "Saint",
            "St" => "Street",
            "Jr" => "Junior",
            "Sr" => "Senior",
            "Gen" => "General",
            "Gov" => "Governor",
            "Sen" => "Senator",
            "Rep" => "Representative",
            "Lt" => "Lieutenant",
            "Col" => "Colonel",
            "Capt" => "Captain",
            "Mt" => "Mount",
            "Ave" => "Avenue",
            "Dept" => "Department",
            "approx" => "approximately",
            "vs" => "versus",
            "No" if next_is_digit => "number",
            "No" => return None,
            _ => return Some(format!("et cetera{}", final_stop(after))),
        };
        Some(format!("{word}{}", if word == "Street" || word == "Junior" || word == "Senior" { final_stop(after) } else { "" }))
    });
    rewrite(&LATIN, &text, |caps, _, _| {
        let phrase = if group(caps, 1).eq_ignore_ascii_case("e.g") { "for example" } else { "that is" };
        let comma = if group(caps, 0).ends_with(',') { "," } else { "" };
        Some(format!("{phrase}{comma}"))
    })
}

/// U.S. → U S, U.K. → U K (espeak reads the letters).
fn undot_acronyms(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(?:[A-Za-z]\.){2,}"));
    rewrite(&RE, text, |caps, before, after| {
        if is_ascii_letter(last_char(before)) {
            return None;
        }
        Some(format!("{}{}", spell(group(caps, 0)), final_stop(after)))
    })
}

const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
];

/// Month number (1-based) of a full or abbreviated English month name.
fn month_number(name: &str) -> Option<usize> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let name = if name == "sept" { "sep".to_string() } else { name };
    MONTHS.iter().position(|m| {
        let m = m.to_ascii_lowercase();
        m == name || (name.len() == 3 && m.starts_with(&name))
    }).map(|i| i + 1)
}

const MONTH_PATTERN: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)";

/// "Oct. 16, 2023" → "October sixteenth, twenty twenty-three";
/// "16 October 2023" → "the sixteenth of October twenty twenty-three";
/// "2023-10-16" → "October sixteenth, twenty twenty-three".
fn read_dates(text: &str) -> String {
    static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
        pattern(&format!(r"\b{MONTH_PATTERN}\s+([0-9]{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+([0-9]{{4}})\b)?"))
    });
    static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
        pattern(&format!(r"\b([0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_PATTERN}(?:,?\s+([0-9]{{4}})\b)?"))
    });
    static ISO: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([0-9]{4})-([0-9]{2})-([0-9]{2})\b"));
    static SLASHED: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\b"));
    let text = rewrite(&MONTH_DAY, text, |caps, _, after| {
        if is_ascii_letter(first_char(after)) {
            return None;
        }
        month_day_year(month_number(group(caps, 1))?, group(caps, 2), group(caps, 3))
    });
    let text = rewrite(&DAY_MONTH, &text, |caps, _, _| {
        let month = month_number(group(caps, 2))?;
        let day: usize = group(caps, 1).parse().ok().filter(|d| (1..=31).contains(d))?;
        let year = group(caps, 3);
        let year = if year.is_empty() { String::new() } else { format!(" {}", en_num::year(year)) };
        Some(format!("the {} of {}{year}", en_num::ordinal(&day.to_string()), MONTHS[month - 1]))
    });
    let text = rewrite(&ISO, &text, |caps, _, _| {
        month_day_year(group(caps, 2).parse().ok()?, group(caps, 3), group(caps, 1))
    });
    rewrite(&SLASHED, &text, |caps, _, _| {
        let first: usize = group(caps, 1).parse().ok()?;
        let second: usize = group(caps, 2).parse().ok()?;
        // Month first (US) unless that cannot be a month.
        let (month, day) = if first > 12 { (second, first) } else { (first, second) };
        month_day_year(month, &day.to_string(), group(caps, 3))
    })
}

fn month_day_year(month: usize, day: &str, year: &str) -> Option<String> {
    let day_number: usize = day.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day_number) {
        return None;
    }
    let mut out = format!("{} {}", MONTHS[month - 1], en_num::ordinal(&day_number.to_string()));
    if !year.is_empty() {
        out.push_str(", ");
        out.push_str(&en_num::year(year));
    }
    Some(out)
}

/// 3:30 pm → "three thirty P M", 3:05 → "three oh five", 3:00 → "three
/// o'clock", 3pm → "three P M"; n:m that is not a time → "n to m".
fn read_times(text: &str) -> String {
    static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
        pattern(r"\b([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?:\s*([aApP])\.?[mM]\.?)?")
    });
    static HOUR: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([0-9]{1,2})\s*([aApP])\.?[mM]\.?"));
    static RATIO: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([0-9]+):([0-9]+)\b"));
    let text = rewrite(&CLOCK, text, |caps, _, after| {
        let hour: u32 = group(caps, 1).parse().ok()?;
        let minute: u32 = group(caps, 2).parse().ok()?;
        let second: u32 = group(caps, 3).parse().unwrap_or(0);
        if hour > 24 || minute > 59 || second > 59 || is_digit_or_point(first_char(after)) {
            return None;
        }
        let meridiem = group(caps, 4);
        let mut out = en_num::cardinal(group(caps, 1));
        match minute {
            0 if meridiem.is_empty() => out.push_str(" o'clock"),
            0 => {}
            1..=9 => out.push_str(&format!(" oh {}", en_num::cardinal(&minute.to_string()))),
            _ => out.push_str(&format!(" {}", en_num::cardinal(&minute.to_string()))),
        }
        if second > 0 {
            out.push_str(&format!(" and {} seconds", en_num::cardinal(&second.to_string())));
        }
        Some(out + &meridiem_words(meridiem, group(caps, 0), after))
    });
    let text = rewrite(&HOUR, &text, |caps, _, after| {
        let hour: u32 = group(caps, 1).parse().ok()?;
        if hour > 12 || is_ascii_letter(first_char(after)) {
            return None;
        }
        Some(en_num::cardinal(group(caps, 1)) + &meridiem_words(group(caps, 2), group(caps, 0), after))
    });
    rewrite(&RATIO, &text, |caps, _, _| {
        Some(format!("{} to {}", number_words(group(caps, 1)), number_words(group(caps, 2))))
    })
}

/// " A M" / " P M", keeping a sentence-final stop swallowed by "p.m.".
fn meridiem_words(letter: &str, matched: &str, after: &str) -> String {
    if letter.is_empty() {
        return String::new();
    }
    let stop = if matched.ends_with('.') { final_stop(after) } else { "" };
    format!(" {} M{stop}", letter.to_ascii_uppercase())
}

/// (555) 123-4567, 555-123-4567 → digits in groups separated by commas.
fn read_phone_numbers(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        pattern(r"(\+[0-9]{1,3}[\s-])?\(?\b([0-9]{3})\)?[\s.-]([0-9]{3})[.-]([0-9]{4})\b")
    });
    rewrite(&RE, text, |caps, _, _| {
        let mut groups: Vec<String> = Vec::new();
        let country = group(caps, 1).trim().trim_end_matches('-');
        if !country.is_empty() {
            groups.push(format!("plus {}", en_num::digits(country)));
        }
        groups.extend((2..=4).map(|i| en_num::digits(group(caps, i))));
        Some(groups.join(", "))
    })
}

struct Currency {
    major: (&'static str, &'static str),
    minor: Option<(&'static str, &'static str)>,
}

fn currency(sign: &str) -> Currency {
    let cents = Some(("cent", "cents"));
    match sign {
        "£" => Currency { major: ("pound", "pounds"), minor: Some(("penny", "pence")) },
        "€" => Currency { major: ("euro", "euros"), minor: cents },
        "¥" | "￥" => Currency { major: ("yen", "yen"), minor: None },
        "HK$" => Currency { major: ("Hong Kong dollar", "Hong Kong dollars"), minor: cents },
        "A$" => Currency { major: ("Australian dollar", "Australian dollars"), minor: cents },
        "C$" => Currency { major: ("Canadian dollar", "Canadian dollars"), minor: cents },
        _ => Currency { major: ("dollar", "dollars"), minor: cents },
    }
}

/// $48,500 → "forty-eight thousand five hundred dollars", $3.50 → "three
/// dollars fifty cents", $2.5 billion → "two point five billion dollars".
fn read_currency(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        let sign = r"(?:US\$|HK\$|A\$|C\$|\$|£|€|¥|￥)";
        pattern(&format!(
            r"({sign})\s?({NUM})(?:\s?(?:-|–|to)\s?{sign}?({NUM}))?(?:\s?(thousand|million|billion|trillion|bn|[kKmMbB])\b)?"
        ))
    });
    rewrite(&RE, text, |caps, _, after| {
        if is_ascii_letter(first_char(after)) {
            return None;
        }
        let money = currency(group(caps, 1));
        let scale = match group(caps, 4) {
            "k" | "K" => "thousand",
            "m" | "M" => "million",
            "b" | "B" | "bn" => "billion",
            other => other,
        };
        let (amount, upper) = (group(caps, 2), group(caps, 3));
        if !upper.is_empty() || !scale.is_empty() {
            let mut out = number_words(amount);
            if !upper.is_empty() {
                out = format!("{out} to {}", number_words(upper));
            }
            if !scale.is_empty() {
                out = format!("{out} {scale}");
            }
            return Some(format!("{out} {}", money.major.1));
        }
        Some(money_words(amount, &money))
    })
}

/// An amount with an optional 1–2 digit fraction in the minor unit.
fn money_words(amount: &str, money: &Currency) -> String {
    let plain = strip_commas(amount);
    let (whole, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let minor = match (money.minor, frac.len()) {
        (Some(minor), 1 | 2) => Some((minor, format!("{frac:0<2}"))),
        _ => None,
    };
    let Some((minor_names, cents)) = minor else {
        let is_one = plain == "1";
        let name = if is_one { money.major.0 } else { money.major.1 };
        return format!("{} {name}", number_words(amount));
    };
    let cents_value: u32 = cents.parse().unwrap_or(0);
    let whole_is_zero = whole.bytes().all(|b| b == b'0');
    let major_part = (!whole_is_zero).then(|| {
        let name = if whole == "1" { money.major.0 } else { money.major.1 };
        format!("{} {name}", en_num::cardinal(whole))
    });
    let minor_part = (cents_value > 0).then(|| {
        let name = if cents_value == 1 { minor_names.0 } else { minor_names.1 };
        format!("{} {name}", en_num::cardinal(&cents))
    });
    match (major_part, minor_part) {
        (Some(major), Some(minor)) => format!("{major} {minor}"),
        (Some(major), None) => major,
        (None, Some(minor)) => minor,
        (None, None) => format!("zero {}", money.major.1),
    }
}

/// 50% → "fifty percent", 10-20% → "ten to twenty percent".
fn read_percentages(text: &str) -> String {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| pattern(&format!(r"({NUM})(?:\s?%?\s?(?:-|–|to)\s?({NUM}))?\s?(%|‰)")));
    rewrite(&RE, text, |caps, before, _| {
        if is_digit_or_point(last_char(before)) {
            return None;
        }
        let word = if group(caps, 3) == "‰" { "per mille" } else { "percent" };
        let upper = group(caps, 2);
        let range = if upper.is_empty() { String::new() } else { format!(" to {}", number_words(upper)) };
        Some(format!("{}{range} {word}", number_words(group(caps, 1))))
    })
}

/// Unit symbols after a number: 100MW → "one hundred megawatts",
/// 5-7 km → "five to seven kilometers", 1 km → "one kilometer".
fn read_units(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        let symbols: Vec<String> = UNITS.iter().map(|(symbol, _, _)| regex::escape(symbol)).collect();
        pattern(&format!(r"({NUM})(?:\s?(?:-|–|to)\s?({NUM}))?\s?({})", symbols.join("|")))
    });
    rewrite(&RE, text, |caps, before, after| {
        let symbol = group(caps, 3);
        let ends_in_letter = symbol.chars().next_back().is_some_and(|c| c.is_ascii_alphabetic());
        if (ends_in_letter && is_ascii_letter(first_char(after))) || is_digit_or_point(last_char(before)) {
            return None;
        }
        let &(_, singular, plural) = UNITS.iter().find(|(s, _, _)| *s == symbol)?;
        let (low, high) = (group(caps, 1), group(caps, 2));
        let mut out = number_words(low);
        if !high.is_empty() {
            out = format!("{out} to {}", number_words(high));
        }
        let name = if high.is_empty() && low == "1" { singular } else { plural };
        Some(format!("{out} {name}"))
    })
}

/// (symbol, singular, plural), longest symbols first so that "km/h" wins
/// over "km" and "min" over "m".
const UNITS: &[(&str, &str, &str)] = &[
    ("km/h", "kilometer per hour", "kilometers per hour"),
    ("kWh", "kilowatt hour", "kilowatt hours"),
    ("MWh", "megawatt hour", "megawatt hours"),
    ("GWh", "gigawatt hour", "gigawatt hours"),
    ("TWh", "terawatt hour", "terawatt hours"),
    ("mAh", "milliamp hour", "milliamp hours"),
    ("Gbps", "gigabit per second", "gigabits per second"),
    ("Mbps", "megabit per second", "megabits per second"),
    ("kcal", "kilocalorie", "kilocalories"),
    ("km²", "square kilometer", "square kilometers"),
    ("m/s", "meter per second", "meters per second"),
    ("mph", "mile per hour", "miles per hour"),
    ("GHz", "gigahertz", "gigahertz"),
    ("MHz", "megahertz", "megahertz"),
    ("kHz", "kilohertz", "kilohertz"),
    ("min", "minute", "minutes"),
    ("lbs", "pound", "pounds"),
    ("°C", "degree Celsius", "degrees Celsius"),
    ("°F", "degree Fahrenheit", "degrees Fahrenheit"),
    ("℃", "degree Celsius", "degrees Celsius"),
    ("℉", "degree Fahrenheit", "degrees Fahrenheit"),
    ("m²", "square meter", "square meters"),
    ("m³", "cubic meter", "cubic meters"),
    ("kW", "kilowatt", "kilowatts"),
    ("MW", "megawatt", "megawatts"),
    ("GW", "gigawatt", "gigawatts"),
    ("kV", "kilovolt", "kilovolts"),
    ("km", "kilometer", "kilometers"),
    ("cm", "centimeter", "centimeters"),
    ("mm", "millimeter", "millimeters"),
    ("nm", "nanometer", "nanometers"),
    ("μm", "micrometer", "micrometers"),
    ("kg", "kilogram", "kilograms"),
    ("mg", "milligram", "milligrams"),
    ("ml", "milliliter", "milliliters"),
    ("mL", "milliliter", "milliliters"),
    ("TB", "terabyte", "terabytes"),
    ("GB", "gigabyte", "gigabytes"),
    ("MB", "megabyte", "megabytes"),
    ("KB", "kilobyte", "kilobytes"),
    ("Hz", "hertz", "hertz"),
    ("dB", "decibel", "decibels"),
    ("ms", "millisecond", "milliseconds"),
    ("hr", "hour", "hours"),
    ("lb", "pound", "pounds"),
    ("oz", "ounce", "ounces"),
    ("ft", "foot", "feet"),
    ("°", "degree", "degrees"),
    ("m", "meter", "meters"),
    ("g", "gram", "grams"),
    ("L", "liter", "liters"),
    ("W", "watt", "watts"),
    ("V", "volt", "volts"),
];

/// "the 1990s" → "the nineteen nineties", "the '80s" → "the eighties".
fn read_decades(text: &str) -> String {
    static FULL: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([0-9]{3}0)s\b"));
    static SHORT: LazyLock<Regex> = LazyLock::new(|| pattern(r"(?:['’]|\b)([1-9]0)s\b"));
    let text = rewrite(&FULL, text, |caps, _, _| Some(en_num::plural(&en_num::year(group(caps, 1)))));
    rewrite(&SHORT, &text, |caps, _, _| Some(en_num::plural(&en_num::cardinal(group(caps, 1)))))
}

/// 21st → "twenty-first".
fn read_ordinals(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([0-9]+)(?:st|nd|rd|th)\b"));
    rewrite(&RE, text, |caps, _, _| Some(en_num::ordinal(group(caps, 1))))
}

/// 1/2 → "one half", 3/4 → "three quarters", 2/3 → "two thirds",
/// 24/7 → "twenty-four seven", 9/15 → "nine over fifteen".
fn read_fractions(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"([0-9]+)/([0-9]+)"));
    rewrite(&RE, text, |caps, before, after| {
        let glued = |c: Option<char>| is_digit_or_point(c) || c == Some('/');
        if glued(last_char(before)) || glued(first_char(after)) {
            return None;
        }
        let (top, bottom) = (group(caps, 1), group(caps, 2));
        let numerator = en_num::cardinal(top);
        if top == "24" && bottom == "7" {
            return Some("twenty-four seven".to_string());
        }
        let singular = top.trim_start_matches('0') == "1";
        let denominator = match bottom.trim_start_matches('0') {
            "2" => if singular { "half".to_string() } else { "halves".to_string() },
            "4" => if singular { "quarter".to_string() } else { "quarters".to_string() },
            d if d.len() == 1 && d != "1" => {
                let ordinal = en_num::ordinal(d);
                if singular { ordinal } else { format!("{ordinal}s") }
            }
            "10" => if singular { "tenth".to_string() } else { "tenths".to_string() },
            _ => return Some(format!("{numerator} over {}", en_num::cardinal(bottom))),
        };
        Some(format!("{numerator} {denominator}"))
    })
}

/// 1990-1995 → "nineteen ninety to nineteen ninety-five", 5-7 → "five to
/// seven", 5~7 → "five to seven".
fn read_ranges(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(&format!(r"({NUM})\s?(?:-|–|—|~|～)\s?({NUM})")));
    rewrite(&RE, text, |caps, before, after| {
        if is_ascii_letter(last_char(before)) || is_digit_or_point(last_char(before)) || first_char(after) == Some('-') {
            return None;
        }
        let (low, high) = (group(caps, 1), group(caps, 2));
        let high_words = if is_year(low) && high.len() == 2 {
            en_num::cardinal(high)
        } else if is_year(low) {
            number_or_year_words(high)
        } else {
            number_words(high)
        };
        Some(format!("{} to {high_words}", number_or_year_words(low)))
    })
}

/// Version numbers and IP addresses: 192.168.1.1 → "one hundred ninety-two
/// dot one hundred sixty-eight dot one dot one".
fn read_dotted_numbers(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"[0-9]+(?:\.[0-9]+){2,}"));
    rewrite(&RE, text, |caps, _, _| {
        Some(group(caps, 0).split('.').map(en_num::cardinal).collect::<Vec<_>>().join(" dot "))
    })
}

/// -5 → "minus five", ±2 → "plus or minus two", ~5 → "about five",
/// x^2 → "x squared", C# → "C sharp".
fn read_signs(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(r"(^|[^0-9A-Za-z.])(-|±|~|\+)([0-9])"));
    static POWER: LazyLock<Regex> = LazyLock::new(|| pattern(r"\^\s*([0-9]+)"));
    static SHARP: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([CF])#"));
    let text = SHARP.replace_all(text, "$1 sharp");
    let text = rewrite(&POWER, &text, |caps, _, _| {
        Some(match group(caps, 1) {
            "2" => " squared".to_string(),
            "3" => " cubed".to_string(),
            n => format!(" to the power of {}", en_num::cardinal(n)),
        })
    });
    rewrite(&RE, &text, |caps, _, _| {
        let word = match group(caps, 2) {
            "-" => "minus ",
            "±" => "plus or minus ",
            "~" => "about ",
            _ => "plus ",
        };
        Some(format!("{}{word}{}", group(caps, 1), group(caps, 3)))
    })
}

/// Every number left. A number glued to letters ("5G", "iPhone15") gets
/// spaces so espeak does not read one odd word.
fn read_numbers(text: &str) -> String {
    static RE: LazyLock<Regex> = LazyLock::new(|| pattern(NUM));
    rewrite(&RE, text, |caps, before, after| {
        let lead = if is_ascii_letter(last_char(before)) { " " } else { "" };
        let trail = if is_ascii_letter(first_char(after)) { " " } else { "" };
        Some(format!("{lead}{}{trail}", number_or_year_words(group(caps, 0))))
    })
}

/// Symbols left over after the number rules.
fn replace_symbols(text: &str) -> String {
    static SLASH_WORDS: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b([a-z]+)/([a-z]+)\b"));
    let text = rewrite(&SLASH_WORDS, text, |caps, _, _| {
        let (a, b) = (group(caps, 1), group(caps, 2));
        Some(if a == "and" && b == "or" { "and or".to_string() } else { format!("{a} or {b}") })
    });
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let word = match c {
            '&' => " and ",
            '@' => " at ",
            '+' => " plus ",
            '=' => " equals ",
            '×' => " times ",
            '÷' => " divided by ",
            '±' => " plus or minus ",
            '%' => " percent ",
            '‰' => " per mille ",
            '°' => " degrees ",
            '$' => " dollars ",
            '€' => " euros ",
            '£' => " pounds ",
            '¥' | '￥' => " yen ",
            '/' | '_' | '|' | '\\' => " ",
            '#' | '*' | '^' | '`' | '~' | '<' | '>' => "",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(word);
    }
    out
}

/// Drops control characters and pictographs (emoji, arrows, ©), and
/// collapses the spaces the rewrites left behind.
fn tidy(text: &str) -> String {
    static DROP: LazyLock<Regex> = LazyLock::new(|| pattern(r"[\p{So}\p{Cf}\p{Co}]|[\p{Cc}&&[^\n\t]]"));
    static SPACES: LazyLock<Regex> = LazyLock::new(|| pattern(r"[ \t]+"));
    static BEFORE_PUNCT: LazyLock<Regex> = LazyLock::new(|| pattern(r" +([,.;:!?)])"));
    let text = DROP.replace_all(text, " ");
    let text = SPACES.replace_all(&text, " ");
    let text = BEFORE_PUNCT.replace_all(&text, "$1");
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        normalize(text)
    }

    #[test]
    fn integers_decimals_negatives() {
        assert_eq!(n("1,500"), "one thousand five hundred");
        assert_eq!(n("3.5"), "three point five");
        assert_eq!(n("It was -5 outside."), "It was minus five outside.");
        assert_eq!(n("42 people"), "forty-two people");
        assert_eq!(n("007"), "zero zero seven");
    }

    #[test]
    fn ordinals() {
        assert_eq!(n("the 21st century"), "the twenty-first century");
        assert_eq!(n("2nd and 3rd"), "second and third");
    }

    #[test]
    fn years_and_decades() {
        assert_eq!(n("in 1990"), "in nineteen ninety");
        assert_eq!(n("in 2005"), "in two thousand five");
        assert_eq!(n("in 2023"), "in twenty twenty-three");
        assert_eq!(n("the 1990s"), "the nineteen nineties");
        assert_eq!(n("the '80s"), "the eighties");
    }

    #[test]
    fn percentages() {
        assert_eq!(n("50%"), "fifty percent");
        assert_eq!(n("23.6%"), "twenty-three point six percent");
        assert_eq!(n("10-20%"), "ten to twenty percent");
    }

    #[test]
    fn currency() {
        assert_eq!(n("$48,500"), "forty-eight thousand five hundred dollars");
        assert_eq!(n("$3.50"), "three dollars fifty cents");
        assert_eq!(n("$1"), "one dollar");
        assert_eq!(n("$0.99"), "ninety-nine cents");
        assert_eq!(n("£20"), "twenty pounds");
        assert_eq!(n("£2.50"), "two pounds fifty pence");
        assert_eq!(n("€5"), "five euros");
        assert_eq!(n("¥1000"), "one thousand yen");
        assert_eq!(n("$2.5 billion"), "two point five billion dollars");
        assert_eq!(n("$5m"), "five million dollars");
        assert_eq!(n("$10-20"), "ten to twenty dollars");
    }

    #[test]
    fn ranges() {
        assert_eq!(n("1990-1995"), "nineteen ninety to nineteen ninety-five");
        assert_eq!(n("5-7"), "five to seven");
        assert_eq!(n("1990-95"), "nineteen ninety to ninety-five");
        assert_eq!(n("5~7"), "five to seven");
    }

    #[test]
    fn times() {
        assert_eq!(n("3:30 pm"), "three thirty P M");
        assert_eq!(n("at 3:30 p.m."), "at three thirty P M.");
        assert_eq!(n("3:05"), "three oh five");
        assert_eq!(n("3:00"), "three o'clock");
        assert_eq!(n("at 3pm"), "at three P M");
        assert_eq!(n("won 3:1"), "won three to one");
    }

    #[test]
    fn dates() {
        assert_eq!(n("Oct. 16, 2023"), "October sixteenth, twenty twenty-three");
        assert_eq!(n("16 October 2023"), "the sixteenth of October twenty twenty-three");
        assert_eq!(n("2023-10-16"), "October sixteenth, twenty twenty-three");
        assert_eq!(n("on March 3"), "on March third");
        assert_eq!(n("10/16/2023"), "October sixteenth, twenty twenty-three");
    }

    #[test]
    fn units() {
        assert_eq!(n("100MW"), "one hundred megawatts");
        assert_eq!(n("5 km"), "five kilometers");
        assert_eq!(n("1 km"), "one kilometer");
        assert_eq!(n("20°C"), "twenty degrees Celsius");
        assert_eq!(n("3 kg"), "three kilograms");
        assert_eq!(n("120 km/h"), "one hundred twenty kilometers per hour");
        assert_eq!(n("5-7 km"), "five to seven kilometers");
        assert_eq!(n("1.5 GB"), "one point five gigabytes");
    }

    #[test]
    fn abbreviations() {
        assert_eq!(n("Mr. Smith and Dr. Jones"), "Mister Smith and Doctor Jones");
        assert_eq!(n("Mrs. Lee"), "Missus Lee");
        assert_eq!(n("St. Louis"), "Saint Louis");
        assert_eq!(n("Main St."), "Main Street.");
        assert_eq!(n("apples, pears, etc."), "apples, pears, et cetera.");
        assert_eq!(n("Ali vs. Frazier"), "Ali versus Frazier");
        assert_eq!(n("fruit, e.g. apples"), "fruit, for example apples");
        assert_eq!(n("that, i.e., this"), "that, that is, this");
        assert_eq!(n("No. 5"), "number five");
    }

    #[test]
    fn dotted_acronyms() {
        assert_eq!(n("the U.S. economy"), "the U S economy");
        assert_eq!(n("in the U.S."), "in the U S.");
        assert_eq!(n("the CEO of NASA"), "the CEO of NASA");
    }

    #[test]
    fn symbols_and_addresses() {
        assert_eq!(n("R&D"), "R and D");
        assert_eq!(n("2 + 2 = 4"), "two plus two equals four");
        assert_eq!(n("see www.thepaper.cn."), "see W W W dot thepaper dot C N.");
        assert_eq!(n("mail anna@example.com"), "mail anna at example dot com");
        assert_eq!(n("https://thepaper.cn/news"), "thepaper dot C N slash news");
        assert_eq!(n("and/or"), "and or");
        assert_eq!(n("1/2 cup"), "one half cup");
        assert_eq!(n("3/4"), "three quarters");
        assert_eq!(n("24/7"), "twenty-four seven");
        assert_eq!(n("½ cup"), "one half cup");
        assert_eq!(n("x^2 and 2^10"), "x squared and two to the power of ten");
        assert_eq!(n("C# and C++"), "C sharp and C plus plus");
        assert_eq!(n("5G and iPhone15"), "five G and iPhone fifteen");
    }

    #[test]
    fn phone_numbers() {
        assert_eq!(n("(555) 123-4567"), "five five five, one two three, four five six seven");
    }

    #[test]
    fn chinese_is_untouched() {
        assert_eq!(n("他说三百一十亿"), "他说三百一十亿");
        assert_eq!(n("the word 二零二三"), "the word 二零二三");
    }

    #[test]
    fn no_digits_survive_hostile_input() {
        let inputs = [
            "😀 emoji \u{0007} control \u{200F}שלום مرحبا",
            &"9".repeat(5000),
            "1.2.3 .5 5. -0 --5 ++ 1e10 0x1F 3/0 99:99 $ $$5 5$ %%",
            "１２３ full-width ＡＢＣ",
        ];
        for input in inputs {
            let out = normalize(input);
            assert!(!out.chars().any(|c| c.is_ascii_digit()), "{input:?} → {out:?}");
        }
    }
}
