//! Chapters as a Podcasting 2.0 JSON chapters file (version 1.2.0), the file a feed's
//! `<podcast:chapters type="application/json+chapters">` tag points to.

use crate::mix::Chapter;
use serde::{Serialize, Serializer};

const VERSION: &str = "1.2.0";

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    chapters: Vec<JsonChapter<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonChapter<'a> {
    #[serde(serialize_with = "seconds")]
    start_time: f64,
    title: &'a str,
    #[serde(serialize_with = "seconds")]
    end_time: f64,
}

/// The chapters file for `chapters`, pretty-printed and ending in a newline.
pub fn chapters_json(chapters: &[Chapter]) -> String {
    let chapters = chapters.iter().map(|c| JsonChapter { start_time: c.start, title: &c.title, end_time: c.end }).collect();
    let document = Document { version: VERSION, chapters };
    // Strings and finite numbers under string keys: serializing cannot fail.
    let json = serde_json::to_string_pretty(&document).expect("chapters serialize to JSON");
    json + "\n"
}

/// Seconds rounded to the millisecond, whole seconds written as integers (`0`, not `0.0`);
/// negative and NaN times become 0.
fn seconds<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    let ms = (value * 1000.0).round().max(0.0);
    if ms % 1000.0 == 0.0 { serializer.serialize_u64((ms / 1000.0) as u64) } else { serializer.serialize_f64(ms / 1000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn podcasting_2_0_chapters() {
        let chapters = [
            Chapter { title: "Wind \"farms\"".into(), start: 0.0, end: 16.482154 },
            Chapter { title: "哪里最难？".into(), start: 16.482154, end: 120.0 },
        ];
        assert_eq!(
            chapters_json(&chapters),
            r#"{
  "version": "1.2.0",
  "chapters": [
    {
      "startTime": 0,
      "title": "Wind \"farms\"",
      "endTime": 16.482
    },
    {
      "startTime": 16.482,
      "title": "哪里最难？",
      "endTime": 120
    }
  ]
}
"#
        );
    }

    #[test]
    fn no_chapters() {
        assert_eq!(chapters_json(&[]), "{\n  \"version\": \"1.2.0\",\n  \"chapters\": []\n}\n");
    }
}
