//! Publishing end to end, on fake episode folders.

use super::test_support::{self, Options, at};
use super::*;

const SHOW: &str = r#"title = "Test Show"
description = "Articles, read aloud."
author = "Narrate"
language = "en"
category = "News"
explicit = false
artwork = "cover.png"
base_url = "http://localhost:8080/"
"#;

struct Fixture {
    dir: tempfile::TempDir,
    show: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let show = dir.path().join("show/show.toml");
        std::fs::create_dir_all(show.parent().unwrap()).unwrap();
        std::fs::write(&show, SHOW).unwrap();
        std::fs::write(dir.path().join("show/cover.png"), b"PNG").unwrap();
        Fixture { dir, show }
    }

    fn episode(&self, slug: &str, options: &Options) -> PathBuf {
        test_support::write(&self.dir.path().join("out"), slug, options)
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join("show").join(relative)
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    fn catalog(&self) -> Catalog {
        Catalog::load(&self.path("catalog.json")).unwrap().unwrap()
    }
}

fn titled(title: &str) -> Options {
    Options { title: title.into(), ..Options::default() }
}

#[test]
fn first_publication_writes_media_catalog_and_feed() {
    let f = Fixture::new();
    let report = publish_at(&f.episode("wind", &Options::default()), &f.show, at("2024-03-01T12:00:00Z")).unwrap();
    assert_eq!(report.feed_path, f.path("public/feed.xml"));
    assert_eq!(report.episode_url, "http://localhost:8080/episodes/wind/episode.mp3");
    assert_eq!((report.items, report.updated), (1, false));
    for file in ["episode.mp3", "transcript.vtt", "transcript.srt", "chapters.json"] {
        assert!(f.path("public/episodes/wind").join(file).is_file(), "{file}");
    }
    // The mp3 is the enclosure; the wav is not published beside it.
    assert!(!f.path("public/episodes/wind/episode.wav").exists());
    assert_eq!(f.read("public/artwork.png"), "PNG");

    let catalog = f.catalog();
    assert_eq!(catalog.podcast_guid, urls::podcast_guid("http://localhost:8080/feed.xml"));
    let entry = &catalog.episodes[0];
    assert_eq!(entry.guid, urls::episode_guid("http://localhost:8080/episodes/wind/"));
    assert_eq!(entry.enclosure, MediaFile { file: "episode.mp3".into(), length: 12, mime_type: "audio/mpeg".into() });
    assert_eq!(entry.duration_secs, 46);
    assert_eq!(entry.link.as_deref(), Some("https://example.org/news/wind?a=1&b=2"));
    assert_eq!(
        entry.persons,
        vec![Person { name: "Daniel Reed".into(), role: Role::Host }, Person { name: "Maria Ortega".into(), role: Role::Guest }]
    );

    let feed = f.read("public/feed.xml");
    assert!(feed.contains("<itunes:image href=\"http://localhost:8080/artwork.png\"/>"), "{feed}");
    assert!(feed.contains("<pubDate>Fri, 01 Mar 2024 12:00:00 +0000</pubDate>"), "{feed}");
}

#[test]
fn republishing_keeps_every_episode_and_guid() {
    let f = Fixture::new();
    let days = ["2024-03-01T12:00:00Z", "2024-03-02T12:00:00Z", "2024-03-03T12:00:00Z"];
    for (n, day) in days.iter().enumerate() {
        let episode = f.episode(&format!("ep{n}"), &titled(&format!("Episode {n}")));
        publish_at(&episode, &f.show, at(day)).unwrap();
    }
    let before = f.catalog();

    // Rebuilt elsewhere, now without mp3, transcripts or chapters.
    let changed =
        test_support::write(&f.dir.path().join("rebuilt"), "ep1", &Options { mp3: false, extras: false, ..titled("Episode 1, revised") });
    let report = publish_at(&changed, &f.show, at("2024-04-01T12:00:00Z")).unwrap();
    assert_eq!((report.items, report.updated), (3, true));
    assert_eq!(report.episode_url, "http://localhost:8080/episodes/ep1/episode.wav");

    let after = f.catalog();
    let guids = |c: &Catalog| c.episodes.iter().map(|e| (e.slug.clone(), e.guid.clone())).collect::<Vec<_>>();
    assert_eq!(guids(&after), guids(&before));
    assert_eq!(after.podcast_guid, before.podcast_guid);
    let ep1 = &after.episodes[1];
    assert_eq!((ep1.title.as_str(), ep1.pub_date, ep1.updated), ("Episode 1, revised", at(days[1]), at("2024-04-01T12:00:00Z")));
    assert_eq!(ep1.enclosure.mime_type, "audio/wav");
    assert_eq!((after.episodes[0].clone(), after.episodes[2].clone()), (before.episodes[0].clone(), before.episodes[2].clone()));

    // The files the episode no longer has are gone from its public folder.
    assert!(!f.path("public/episodes/ep1/episode.mp3").exists());
    assert!(!f.path("public/episodes/ep1/transcript.vtt").exists());
    assert!(f.path("public/episodes/ep1/episode.wav").exists());

    let feed = f.read("public/feed.xml");
    assert_eq!(feed.matches("<item>").count(), 3);
    for entry in &after.episodes {
        assert_eq!(feed.matches(&format!("<guid isPermaLink=\"false\">{}</guid>", entry.guid)).count(), 1);
    }
    let order: Vec<usize> =
        ["Episode 2", "Episode 1, revised", "Episode 0"].iter().map(|t| feed.find(&format!("<title>{t}</title>")).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first by first publication: {order:?}");
}

#[test]
fn malformed_catalog_stops_before_anything_is_written() {
    let f = Fixture::new();
    publish_at(&f.episode("a", &Options::default()), &f.show, at("2024-03-01T12:00:00Z")).unwrap();
    let feed = f.read("public/feed.xml");
    let broken = f.read("catalog.json").replacen("\"slug\"", "\"slgu\"", 1);
    std::fs::write(f.path("catalog.json"), &broken).unwrap();

    let message = publish_at(&f.episode("b", &Options::default()), &f.show, at("2024-03-02T12:00:00Z")).unwrap_err().to_string();
    assert!(message.contains("catalog.json: line ") && message.contains("unknown field `slgu`"), "{message}");
    assert_eq!(f.read("catalog.json"), broken);
    assert_eq!(f.read("public/feed.xml"), feed);
    assert!(!f.path("public/episodes/b").exists());
}

#[test]
fn episode_without_audio_is_refused() {
    let f = Fixture::new();
    let episode = f.episode("mute", &Options { mp3: false, wav: false, ..Options::default() });
    let message = publish_at(&episode, &f.show, at("2024-03-01T12:00:00Z")).unwrap_err().to_string();
    assert!(message.contains("mute: not a publishable episode: no episode audio"), "{message}");
    assert!(!f.path("catalog.json").exists());
    assert!(!f.path("public").exists());
}

#[test]
fn missing_artwork_file_is_refused() {
    let f = Fixture::new();
    std::fs::remove_file(f.path("cover.png")).unwrap();
    let message = publish_at(&f.episode("a", &Options::default()), &f.show, at("2024-03-01T12:00:00Z")).unwrap_err().to_string();
    assert!(message.ends_with("cover.png: artwork file not found (see `artwork` in show.toml)"), "{message}");
    assert!(!f.path("public").exists());
}
