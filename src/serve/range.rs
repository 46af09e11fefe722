//! The `Range` request header (RFC 9110 §14): which bytes of a file to send. One range
//! is served as 206; a header this server does not understand, or one with several ranges,
//! is ignored and the whole file sent, as the RFC allows.

#[derive(Debug, PartialEq, Eq)]
pub enum Selection {
    Whole,
    /// Bytes `start..=end` of the file.
    Part {
        start: u64,
        end: u64,
    },
    /// A range that lies wholly past the end of the file: answered with 416.
    Unsatisfiable,
}

/// What to send of a file `len` bytes long, given the request's `Range` header.
pub fn select(header: Option<&str>, len: u64) -> Selection {
    let Some(spec) = header.and_then(single_byte_range) else { return Selection::Whole };
    match spec {
        (Some(start), end) => {
            if end.is_some_and(|end| end < start) {
                Selection::Whole
            } else if start >= len {
                Selection::Unsatisfiable
            } else {
                Selection::Part { start, end: end.map_or(len - 1, |end| end.min(len - 1)) }
            }
        }
        (None, Some(suffix)) if suffix > 0 && len > 0 => Selection::Part { start: len.saturating_sub(suffix), end: len - 1 },
        (None, _) => Selection::Unsatisfiable,
    }
}

/// `bytes=a-b` → (Some(a), Some(b)), `bytes=a-` → (Some(a), None), `bytes=-n` → (None, Some(n)).
fn single_byte_range(header: &str) -> Option<(Option<u64>, Option<u64>)> {
    let (unit, spec) = header.trim().split_once('=')?;
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return None;
    }
    let (first, last) = spec.trim().split_once('-')?;
    match (number(first), number(last)) {
        (Some(Some(first)), Some(last)) => Some((Some(first), last)),
        (Some(None), Some(Some(suffix))) => Some((None, Some(suffix))),
        _ => None,
    }
}

/// `Some(None)` for an empty field, `Some(Some(n))` for digits, `None` for anything else.
fn number(field: &str) -> Option<Option<u64>> {
    if field.is_empty() {
        Some(None)
    } else if field.bytes().all(|b| b.is_ascii_digit()) {
        field.parse().ok().map(Some)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(start: u64, end: u64) -> Selection {
        Selection::Part { start, end }
    }

    #[test]
    fn serves_the_three_forms() {
        assert_eq!(select(Some("bytes=1000-1999"), 5000), part(1000, 1999));
        assert_eq!(select(Some("bytes=4000-"), 5000), part(4000, 4999));
        assert_eq!(select(Some("bytes=-500"), 5000), part(4500, 4999));
        assert_eq!(select(Some("Bytes = 0-0"), 5000), part(0, 0));
    }

    #[test]
    fn clamps_to_the_file() {
        assert_eq!(select(Some("bytes=4000-99999"), 5000), part(4000, 4999));
        assert_eq!(select(Some("bytes=-99999"), 5000), part(0, 4999));
    }

    #[test]
    fn ranges_past_the_end_are_unsatisfiable() {
        assert_eq!(select(Some("bytes=5000-"), 5000), Selection::Unsatisfiable);
        assert_eq!(select(Some("bytes=6000-7000"), 5000), Selection::Unsatisfiable);
        assert_eq!(select(Some("bytes=-0"), 5000), Selection::Unsatisfiable);
        assert_eq!(select(Some("bytes=0-"), 0), Selection::Unsatisfiable);
        assert_eq!(select(Some("bytes=-10"), 0), Selection::Unsatisfiable);
    }

    #[test]
    fn other_headers_mean_the_whole_file() {
        for header in
            ["bytes=0-1,5-6", "bytes=9-3", "bytes=-", "bytes=+1-2", "items=0-1", "bytes=a-b", "bytes 0-1", "bytes=99999999999999999999-"]
        {
            assert_eq!(select(Some(header), 5000), Selection::Whole, "{header}");
        }
        assert_eq!(select(None, 5000), Selection::Whole);
    }
}
