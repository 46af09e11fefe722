//! Times as people type and read them: `200`, `3:20`, `1:02:03` (seconds may have a
//! fraction: `3:20.5`).

/// Parses a time given on the command line into seconds.
pub fn parse_time(text: &str) -> Result<f64, String> {
    let invalid = || format!("invalid time '{text}': expected SECONDS, M:SS or H:MM:SS");
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3 {
        return Err(invalid());
    }
    let (seconds_part, larger) = parts.split_last().ok_or_else(invalid)?;
    let seconds = parse_seconds(seconds_part).ok_or_else(invalid)?;
    if !larger.is_empty() && seconds >= 60.0 {
        return Err(invalid());
    }
    let mut total = seconds;
    for (index, part) in larger.iter().rev().enumerate() {
        let value: u32 = digits(part).ok_or_else(invalid)?;
        let is_minutes_under_hours = index == 0 && larger.len() == 2;
        if is_minutes_under_hours && value >= 60 {
            return Err(invalid());
        }
        total += f64::from(value) * 60f64.powi(index as i32 + 1);
    }
    Ok(total)
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Whole seconds with an optional fraction: `20`, `20.5`.
fn parse_seconds(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    digits(whole)?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || fraction.is_empty() {
        return None;
    }
    text.parse().ok()
}

/// `m:ss`, or `h:mm:ss` from an hour on; fractions are dropped.
pub fn format_time(seconds: f64) -> String {
    let whole = if seconds.is_finite() { seconds.max(0.0) as u64 } else { 0 };
    let (hours, minutes, secs) = (whole / 3600, whole / 60 % 60, whole % 60);
    if hours > 0 { format!("{hours}:{minutes:02}:{secs:02}") } else { format!("{minutes}:{secs:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_forms() {
        assert_eq!(parse_time("200"), Ok(200.0));
        assert_eq!(parse_time("3:20"), Ok(200.0));
        assert_eq!(parse_time("1:02:03"), Ok(3723.0));
        assert_eq!(parse_time("0:00"), Ok(0.0));
        assert_eq!(parse_time("3:20.5"), Ok(200.5));
        assert_eq!(parse_time("90:00"), Ok(5400.0));
        assert_eq!(parse_time(" 7 "), Ok(7.0));
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for text in ["", ":", "3:", ":20", "3:60", "1:60:00", "1:2:3:4", "-5", "+5", "3m", "1e3", "3:20.", "inf", "NaN", "3:-1"] {
            let error = parse_time(text).expect_err(text);
            assert!(error.contains("expected SECONDS, M:SS or H:MM:SS"), "{error}");
        }
    }

    #[test]
    fn formats_minutes_and_hours() {
        assert_eq!(format_time(0.0), "0:00");
        assert_eq!(format_time(18.6), "0:18");
        assert_eq!(format_time(200.0), "3:20");
        assert_eq!(format_time(3723.9), "1:02:03");
        assert_eq!(format_time(-3.0), "0:00");
        assert_eq!(format_time(f64::NAN), "0:00");
    }
}
