//! Content types by file name, for the files a show folder holds.

use std::path::Path;

/// The type a file of a show is served as; `None` for files a show does not hold.
pub fn content_type(path: &Path) -> Option<&'static str> {
    if path.file_name().is_some_and(|name| name == "feed.xml") {
        return Some("application/rss+xml");
    }
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let content_type = match extension.as_deref() {
        Some("mp3") => "audio/mpeg",
        Some("wav") => "audio/wav",
        Some("m4a") => "audio/mp4",
        Some("xml") => "application/xml",
        Some("vtt") => "text/vtt",
        Some("srt") => "application/x-subrip",
        Some("json") => "application/json",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => return None,
    };
    Some(content_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_folder_files() {
        let cases = [
            ("feed.xml", "application/rss+xml"),
            ("other.xml", "application/xml"),
            ("episodes/a/episode.mp3", "audio/mpeg"),
            ("episode.WAV", "audio/wav"),
            ("transcript.vtt", "text/vtt"),
            ("transcript.srt", "application/x-subrip"),
            ("chapters.json", "application/json"),
            ("cover.jpg", "image/jpeg"),
            ("cover.png", "image/png"),
            ("index.html", "text/html; charset=utf-8"),
        ];
        for (name, expected) in cases {
            assert_eq!(content_type(Path::new(name)), Some(expected), "{name}");
        }
        assert_eq!(content_type(Path::new("README")), None);
    }
}
