//! English number words: cardinals, ordinals, years, digit strings.
//! Style: no "and" ("one hundred five"), hyphenated tens ("forty-eight").

const ONES: [&str; 20] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const TENS: [&str; 10] = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const SCALES: [&str; 12] = [
    "", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion", "sextillion",
    "septillion", "octillion", "nonillion", "decillion",
];

/// Reads an integer written in ASCII digits: "1500" → "one thousand five
/// hundred". Non-digits are ignored; numbers too large for the scale words
/// (over 36 digits) are read digit by digit.
pub fn cardinal(s: &str) -> String {
    let ds: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    let Some(first) = ds.iter().position(|&d| d != 0) else { return "zero".to_string() };
    let ds = &ds[first..];
    if ds.len() > SCALES.len() * 3 {
        return digits(s);
    }
    let head = ds.len() % 3;
    let mut groups: Vec<u16> = Vec::new();
    if head > 0 {
        groups.push(group_value(&ds[..head]));
    }
    groups.extend(ds[head..].chunks(3).map(group_value));
    let count = groups.len();
    let words: Vec<String> = groups
        .iter()
        .enumerate()
        .filter(|&(_, &g)| g > 0)
        .map(|(i, &g)| {
            let scale = SCALES[count - 1 - i];
            if scale.is_empty() { below_thousand(g) } else { format!("{} {scale}", below_thousand(g)) }
        })
        .collect();
    words.join(" ")
}

fn group_value(ds: &[u8]) -> u16 {
    ds.iter().fold(0u16, |acc, &d| acc * 10 + d as u16)
}

/// Words for 0..=999 (callers skip 0 except for "zero" itself).
fn below_thousand(n: u16) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    match (hundreds, rest) {
        (0, r) => below_hundred(r),
        (h, 0) => format!("{} hundred", ONES[h as usize]),
        (h, r) => format!("{} hundred {}", ONES[h as usize], below_hundred(r)),
    }
}

fn below_hundred(n: u16) -> String {
    match n {
        0..=19 => ONES[n as usize].to_string(),
        _ if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_string(),
        _ => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
    }
}

/// "21" → "twenty-first".
pub fn ordinal(s: &str) -> String {
    let words = cardinal(s);
    let split = words.rfind([' ', '-']).map_or(0, |p| p + 1);
    let (head, last) = words.split_at(split);
    let last = match last {
        "one" => "first".to_string(),
        "two" => "second".to_string(),
        "three" => "third".to_string(),
        "five" => "fifth".to_string(),
        "eight" => "eighth".to_string(),
        "nine" => "ninth".to_string(),
        "twelve" => "twelfth".to_string(),
        w if w.ends_with('y') => format!("{}ieth", &w[..w.len() - 1]),
        w => format!("{w}th"),
    };
    format!("{head}{last}")
}

/// Reads a year: 1990 → "nineteen ninety", 2005 → "two thousand five",
/// 2023 → "twenty twenty-three", 1905 → "nineteen oh five", 1900 →
/// "nineteen hundred". Only meant for 4-digit years; anything else is read
/// as a cardinal.
pub fn year(s: &str) -> String {
    let Ok(n) = s.parse::<u16>() else { return cardinal(s) };
    if !(1000..=9999).contains(&n) || s.len() != 4 {
        return cardinal(s);
    }
    let (high, low) = (n / 100, n % 100);
    if high % 10 == 0 && low < 10 {
        // 2000, 2005, 1007: "two thousand five".
        return cardinal(s);
    }
    match low {
        0 => format!("{} hundred", below_hundred(high)),
        1..=9 => format!("{} oh {}", below_hundred(high), ONES[low as usize]),
        _ => format!("{} {}", below_hundred(high), below_hundred(low)),
    }
}

/// Plural of a number word, for decades: "ninety" → "nineties".
pub fn plural(words: &str) -> String {
    if let Some(stem) = words.strip_suffix('y') {
        format!("{stem}ies")
    } else if words.ends_with('x') {
        format!("{words}es")
    } else {
        format!("{words}s")
    }
}

/// Reads each digit: "007" → "zero zero seven". Non-digits are skipped.
pub fn digits(s: &str) -> String {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| ONES[(b - b'0') as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// "3" + "14" → "three point one four".
pub fn decimal(int_part: &str, frac_part: &str) -> String {
    if frac_part.is_empty() {
        return cardinal(int_part);
    }
    format!("{} point {}", cardinal(int_part), digits(frac_part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals() {
        assert_eq!(cardinal("0"), "zero");
        assert_eq!(cardinal("13"), "thirteen");
        assert_eq!(cardinal("48"), "forty-eight");
        assert_eq!(cardinal("105"), "one hundred five");
        assert_eq!(cardinal("1500"), "one thousand five hundred");
        assert_eq!(cardinal("48500"), "forty-eight thousand five hundred");
        assert_eq!(cardinal("1000001"), "one million one");
        assert_eq!(cardinal("2000000000"), "two billion");
    }

    #[test]
    fn huge_numbers_fall_back_to_digits() {
        assert_eq!(cardinal(&"9".repeat(37)), vec!["nine"; 37].join(" "));
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal("1"), "first");
        assert_eq!(ordinal("21"), "twenty-first");
        assert_eq!(ordinal("12"), "twelfth");
        assert_eq!(ordinal("20"), "twentieth");
        assert_eq!(ordinal("103"), "one hundred third");
        assert_eq!(ordinal("11"), "eleventh");
    }

    #[test]
    fn years() {
        assert_eq!(year("1990"), "nineteen ninety");
        assert_eq!(year("2005"), "two thousand five");
        assert_eq!(year("2000"), "two thousand");
        assert_eq!(year("2010"), "twenty ten");
        assert_eq!(year("2023"), "twenty twenty-three");
        assert_eq!(year("1905"), "nineteen oh five");
        assert_eq!(year("1900"), "nineteen hundred");
    }

    #[test]
    fn decimals_and_digits() {
        assert_eq!(decimal("3", "5"), "three point five");
        assert_eq!(decimal("0", "25"), "zero point two five");
        assert_eq!(digits("007"), "zero zero seven");
        assert_eq!(plural("ninety"), "nineties");
    }
}
