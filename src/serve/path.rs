//! From a request target to a file inside the served folder, refusing anything that could
//! reach outside it: `..` segments (plain or percent-encoded), hidden files, and symbolic
//! links that lead out of the folder.

use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

/// Why a request target does not name a file that may be served.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a path the server understands (bad percent-encoding, not UTF-8, no leading `/`).
    BadRequest,
    /// An attempt to leave the served folder.
    Forbidden,
    NotFound,
}

/// The decoded path segments of a request target: `/a/b%20c/?x=1` → `["a", "b c"]`.
/// Empty and `.` segments are dropped; `..` anywhere is refused.
pub fn segments(target: &str) -> Result<Vec<String>, Refusal> {
    let path = origin_path(target).ok_or(Refusal::BadRequest)?;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let decoded = String::from_utf8(percent_decode(path)?).map_err(|_| Refusal::BadRequest)?;
    let mut segments = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(Refusal::Forbidden),
            _ if segment.contains(['\\', '\0']) => return Err(Refusal::Forbidden),
            _ if !is_single_name(segment) => return Err(Refusal::Forbidden),
            _ if segment.starts_with('.') => return Err(Refusal::NotFound),
            _ => segments.push(segment.to_string()),
        }
    }
    Ok(segments)
}

/// The path part of an origin-form (`/a/b`) or absolute-form (`http://host/a/b`) target.
fn origin_path(target: &str) -> Option<&str> {
    if target.starts_with('/') {
        return Some(target);
    }
    let rest = target.strip_prefix("http://").or_else(|| target.strip_prefix("https://"))?;
    Some(rest.find('/').map_or("/", |slash| &rest[slash..]))
}

/// True when `segment` is one plain file name on this platform (not a drive or root).
fn is_single_name(segment: &str) -> bool {
    let mut components = Path::new(segment).components();
    matches!((components.next(), components.next()), (Some(Component::Normal(_)), None))
}

fn percent_decode(text: &str) -> Result<Vec<u8>, Refusal> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or(Refusal::BadRequest)?;
            let hex = std::str::from_utf8(hex).map_err(|_| Refusal::BadRequest)?;
            decoded.push(u8::from_str_radix(hex, 16).map_err(|_| Refusal::BadRequest)?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    Ok(decoded)
}

/// Percent-encodes one path segment for use in a link.
pub fn encode_segment(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

/// The file or folder that `segments` name inside `root` (a canonical path), after
/// following any symbolic links; it must still lie inside `root`.
pub fn resolve(root: &Path, segments: &[String]) -> Result<PathBuf, Refusal> {
    let joined = segments.iter().fold(root.to_path_buf(), |path, segment| path.join(segment));
    let real = joined.canonicalize().map_err(|_| Refusal::NotFound)?;
    if !real.starts_with(root) {
        return Err(Refusal::Forbidden);
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_segments() {
        assert_eq!(segments("/").unwrap(), Vec::<String>::new());
        assert_eq!(segments("/episodes/a%20b/episode.mp3?x=1#t").unwrap(), ["episodes", "a b", "episode.mp3"]);
        assert_eq!(segments("//feed.xml").unwrap(), ["feed.xml"]);
        assert_eq!(segments("/./a/").unwrap(), ["a"]);
        assert_eq!(segments("/%E4%B8%AD.json").unwrap(), ["中.json"]);
        assert_eq!(segments("http://localhost:8080/feed.xml").unwrap(), ["feed.xml"]);
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for target in ["/../etc/passwd", "/a/../../x", "/%2e%2e/x", "/%2E%2E%2Fx", "/a%2f..%2f..%2fx", "/a\\..\\x", "/a%00b"] {
            assert_eq!(segments(target), Err(Refusal::Forbidden), "{target}");
        }
    }

    #[test]
    fn refuses_hidden_files_and_malformed_targets() {
        assert_eq!(segments("/.git/config"), Err(Refusal::NotFound));
        assert_eq!(segments("/a/.narrate-x.part"), Err(Refusal::NotFound));
        assert_eq!(segments("etc/passwd"), Err(Refusal::BadRequest));
        assert_eq!(segments("*"), Err(Refusal::BadRequest));
        assert_eq!(segments("/%zz"), Err(Refusal::BadRequest));
        assert_eq!(segments("/%4"), Err(Refusal::BadRequest));
        assert_eq!(segments("/%ff"), Err(Refusal::BadRequest));
    }

    #[test]
    fn encodes_segments_for_links() {
        assert_eq!(encode_segment("a b/ü"), "a%20b%2F%C3%BC");
        assert_eq!(encode_segment("episode-1.mp3"), "episode-1.mp3");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_may_not_lead_outside() {
        let outside = tempfile::tempdir().expect("temp dir");
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "secret").expect("write");
        let served = tempfile::tempdir().expect("temp dir");
        std::fs::write(served.path().join("inside.txt"), "ok").expect("write");
        std::os::unix::fs::symlink(&secret, served.path().join("link.txt")).expect("symlink");
        std::os::unix::fs::symlink(served.path().join("inside.txt"), served.path().join("alias.txt")).expect("symlink");
        let root = served.path().canonicalize().expect("canonical");
        assert_eq!(resolve(&root, &["link.txt".into()]), Err(Refusal::Forbidden));
        assert!(resolve(&root, &["alias.txt".into()]).is_ok());
        assert_eq!(resolve(&root, &["missing.txt".into()]), Err(Refusal::NotFound));
    }
}
