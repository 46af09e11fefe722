//! Reading an article's free-text date for the ID3 tag. Articles write dates as
//! `2024-03-08 10:15`, `2023年10月16日`, `October 16, 2023` or `16 Oct. 2023`; the tag
//! wants a year and, when known, a month and day.

/// A publication date as far as it could be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct TagDate {
    pub year: i32,
    /// Month (1–12) and day (1–31), when both are known.
    pub month_day: Option<(u32, u32)>,
}

const MONTHS: [&str; 12] =
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/// The date in `text`: the first four-digit number is the year; the month is an English
/// month name (then the day is the first other number up to 31) or, when the year comes
/// first, the number after it (then the day follows: year-month-day, as in ISO 8601 and
/// Chinese dates). Day-first or month-first numeric dates are ambiguous: year only.
pub(super) fn parse(text: &str) -> Option<TagDate> {
    let numbers: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).collect();
    let year_at = numbers.iter().position(|n| n.len() == 4)?;
    let year: i32 = numbers[year_at].parse().ok()?;
    let others = || numbers.iter().enumerate().filter(move |&(i, _)| i != year_at).map(|(_, n)| n.parse::<u32>().ok());
    let month_day = match month_name(text) {
        Some(month) => others().flatten().find(|&n| (1..=31).contains(&n)).map(|day| (month, day)),
        None if year_at == 0 => {
            let mut rest = others();
            rest.next().flatten().zip(rest.next().flatten())
        }
        None => None,
    };
    let month_day = month_day.filter(|&(month, day)| (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month));
    Some(TagDate { year, month_day })
}

/// The month named by an English word in `text`, whole or abbreviated to three letters
/// or more ("Sep", "Sept.", "September").
fn month_name(text: &str) -> Option<u32> {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|word| word.len() >= 3).find_map(|word| {
        let word = word.to_ascii_lowercase();
        MONTHS.iter().position(|month| month.starts_with(&word)).map(|i| i as u32 + 1)
    })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month_day: Option<(u32, u32)>) -> Option<TagDate> {
        Some(TagDate { year, month_day })
    }

    #[test]
    fn reads_common_article_dates() {
        assert_eq!(parse("October 16, 2023"), date(2023, Some((10, 16))));
        assert_eq!(parse("16 Oct. 2023"), date(2023, Some((10, 16))));
        assert_eq!(parse("Published Sept 3rd, 2021"), date(2021, Some((9, 3))));
        assert_eq!(parse("2024-03-08 10:15"), date(2024, Some((3, 8))));
        assert_eq!(parse("2024-03-08T10:15:00Z"), date(2024, Some((3, 8))));
        assert_eq!(parse("2023年10月16日"), date(2023, Some((10, 16))));
        assert_eq!(parse("2023"), date(2023, None));
    }

    #[test]
    fn ambiguous_or_impossible_dates_keep_only_the_year() {
        assert_eq!(parse("03/08/2024"), date(2024, None));
        assert_eq!(parse("2023-02-29"), date(2023, None));
        assert_eq!(parse("2024-02-29"), date(2024, Some((2, 29))));
        assert_eq!(parse("2024-13-01"), date(2024, None));
        assert_eq!(parse("last Tuesday"), None);
        assert_eq!(parse(""), None);
    }
}
