//! feed.xml as real feed readers see it: xmllint (libxml2) must accept it, and gPodder's
//! podcastparser and feedparser must read back what was published (tests/feed_check.py).
//!
//! The Python side runs in the virtualenv `make test` creates (.venv-test, pinned parsers).

mod common;

use narrate::feed::Outcome;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn write_episode(parent: &Path, slug: &str, title: &str, extras: bool) -> PathBuf {
    let dir = parent.join(slug);
    std::fs::create_dir_all(&dir).unwrap();
    let script = json!({
        "title": title,
        "language": "en",
        "source": {"path": null, "title": title, "byline": null, "date": null, "url": format!("https://example.org/{slug}?a=1&b=2")},
        "speakers": [
            {"id": "host", "name": "Daniel Reed", "role": "host"},
            {"id": "guest", "name": "María Ortega", "role": "guest"}
        ],
        "sections": [{"title": title}],
        "turns": [
            {"speaker": "host", "kind": "intro", "section": 0, "text": "An intro <with> markup & more."},
            {"speaker": "guest", "kind": "answer", "section": 0, "text": "An answer."}
        ]
    });
    std::fs::write(dir.join("script.json"), script.to_string()).unwrap();
    std::fs::write(dir.join("cues.json"), json!({"duration": 61.6, "sample_rate": 44100, "turns": [], "sentences": []}).to_string())
        .unwrap();
    std::fs::write(dir.join("episode.mp3"), vec![0u8; 1000 + title.len()]).unwrap();
    if extras {
        std::fs::write(dir.join("transcript.vtt"), "WEBVTT\n").unwrap();
        std::fs::write(dir.join("transcript.srt"), "1\n00:00:00,000 --> 00:00:01,000\nHi\n").unwrap();
        std::fs::write(dir.join("chapters.json"), r#"{"version":"1.2.0","chapters":[]}"#).unwrap();
    }
    dir
}

fn expected_item(slug: &str, title: &str, guid: &str, extras: bool, length: u64) -> Value {
    let url = |file: &str| format!("http://localhost:8080/episodes/{slug}/{file}");
    let transcripts = if extras {
        json!([{"url": url("transcript.srt"), "type": "application/x-subrip"}, {"url": url("transcript.vtt"), "type": "text/vtt"}])
    } else {
        json!([])
    };
    json!({
        "title": title, "guid": guid, "url": url("episode.mp3"), "length": length, "type": "audio/mpeg",
        "duration": 62, "transcripts": transcripts, "chapters": if extras { Value::from(url("chapters.json")) } else { Value::Null },
        "persons": [{"name": "Daniel Reed", "role": "host"}, {"name": "María Ortega", "role": "guest"}]
    })
}

#[test]
fn published_feed_reads_back_in_real_parsers() {
    let dir = tempfile::tempdir().unwrap();
    let show = dir.path().join("show/show.toml");
    narrate::feed::init_show(&show, false).unwrap();
    let settings = std::fs::read_to_string(&show).unwrap().replace("title = \"My Podcast\"", "title = \"Tests & <Friends>\"");
    std::fs::write(&show, settings).unwrap();

    let episodes = [("first", "First: \"quoted\"", true), ("second", "Second & last", true), ("third", "Third", false)];
    let out = dir.path().join("out");
    for (slug, title, extras) in episodes {
        let report = narrate::feed::publish(Some(&write_episode(&out, slug, title, extras)), &show, Default::default()).unwrap();
        assert_eq!(report.episode, Some((slug.to_owned(), Outcome::Added)));
    }
    let catalog_path = dir.path().join("show/catalog.json");
    let guids_before = std::fs::read_to_string(&catalog_path).unwrap();
    let report = narrate::feed::publish(Some(&out.join("second")), &show, Default::default()).unwrap();
    assert_eq!(report.episode, Some(("second".to_owned(), Outcome::Unchanged)));
    assert_eq!(report.items, 3);

    let catalog: Value = serde_json::from_str(&std::fs::read_to_string(&catalog_path).unwrap()).unwrap();
    let before: Value = serde_json::from_str(&guids_before).unwrap();
    let guid = |c: &Value, n: usize| c["episodes"][n]["guid"].as_str().unwrap().to_owned();
    for n in 0..3 {
        assert_eq!(guid(&catalog, n), guid(&before, n));
    }
    // Newest first, by first publication.
    let items: Vec<Value> = [2, 1, 0]
        .iter()
        .map(|&n| {
            let (slug, title, extras) = episodes[n];
            // The published MP3 carries the show's tag, so it is longer than the build's.
            let length = std::fs::metadata(dir.path().join("show/public/episodes").join(slug).join("episode.mp3")).unwrap().len();
            assert!(length > 1000 + title.len() as u64);
            expected_item(slug, title, &guid(&catalog, n), extras, length)
        })
        .collect();
    let expected = json!({
        "title": "Tests & <Friends>",
        "feed_url": "http://localhost:8080/feed.xml",
        "podcast_guid": catalog["podcast_guid"],
        "items": items,
    });
    let feed = report.feed_path;

    let out = Command::new("xmllint").arg("--noout").arg(&feed).output().expect("xmllint runs (make setup installs libxml2-utils)");
    assert!(out.status.success(), "xmllint: {}", String::from_utf8_lossy(&out.stderr));
    let python = common::test_python();
    let expected_path = dir.path().join("expected.json");
    std::fs::write(&expected_path, expected.to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/feed_check.py");
    let out = Command::new(python).arg(script).arg(&feed).arg(&expected_path).output().unwrap();
    assert!(out.status.success(), "feed_check.py:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}
