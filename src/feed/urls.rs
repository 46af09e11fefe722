//! Public URLs and the identifiers derived from them.

use super::show::BaseUrl;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use uuid::Uuid;

/// Everything but RFC 3986 unreserved characters is escaped inside a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The namespace of `podcast:guid` values, fixed by the podcast namespace spec.
const PODCAST_GUID_NAMESPACE: Uuid = Uuid::from_u128(0xead4c236_bf58_58c6_a2c6_a6b28d128cb6);

/// `segment` percent-encoded for use as one segment of a URL path.
pub fn segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// `base` followed by `segments`, each percent-encoded, joined by `/`.
pub fn join(base: &BaseUrl, segments: &[&str]) -> String {
    let mut url = base.as_str().to_owned();
    for (index, segment) in segments.iter().enumerate() {
        if index > 0 {
            url.push('/');
        }
        url.extend(utf8_percent_encode(segment, SEGMENT));
    }
    url
}

/// The feed's `podcast:guid`: UUIDv5 of its URL without scheme and trailing slashes.
pub fn podcast_guid(feed_url: &str) -> String {
    let without_scheme = feed_url.split_once("://").map_or(feed_url, |(_, rest)| rest);
    Uuid::new_v5(&PODCAST_GUID_NAMESPACE, without_scheme.trim_end_matches('/').as_bytes()).to_string()
}

/// An episode's guid: UUIDv5 (URL namespace) of its folder's URL when first published.
/// Stored in the catalog, so a later change of URL does not change it.
pub fn episode_guid(episode_folder_url: &str) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, episode_folder_url.as_bytes()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> BaseUrl {
        BaseUrl::try_from(url.to_owned()).unwrap()
    }

    #[test]
    fn segments_are_percent_encoded() {
        let url = join(&base("https://example.org/pods"), &["episodes", "风电 & wind?#", "episode.mp3"]);
        assert_eq!(url, "https://example.org/pods/episodes/%E9%A3%8E%E7%94%B5%20%26%20wind%3F%23/episode.mp3");
        assert_eq!(join(&base("http://localhost:8080/"), &["feed.xml"]), "http://localhost:8080/feed.xml");
    }

    #[test]
    fn podcast_guid_matches_the_spec_examples() {
        assert_eq!(podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml"), "917393e3-1b1e-5cef-ace4-edaa54e1f810");
        assert_eq!(podcast_guid("http://podnews.net/rss/"), "9b024349-ccf0-5f69-a609-6b82873eab3c");
    }

    #[test]
    fn episode_guid_is_deterministic_per_url() {
        let a = episode_guid("http://localhost:8080/episodes/a/");
        assert_eq!(a, episode_guid("http://localhost:8080/episodes/a/"));
        assert_ne!(a, episode_guid("http://localhost:8080/episodes/b/"));
    }
}
