//! Publishing end to end, on fake episode folders.

use super::test_support::{self, Options, at};
use super::*;
use id3::TagLike;

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
        std::fs::write(dir.path().join("show/cover.png"), cover::draw("Test Show", "Narrate")).unwrap();
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

    fn publish(&self, episode: &Path, day: &str) -> Result<PublishReport> {
        publish_at(Some(episode), &self.show, PublishOptions::default(), at(day))
    }

    fn bytes(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).unwrap()
    }

    fn catalog(&self) -> Catalog {
        Catalog::load(&self.path("catalog.json")).unwrap().unwrap()
    }
}

fn titled(title: &str) -> Options {
    Options { title: title.into(), ..Options::default() }
}

#[test]
fn first_publication_writes_media_catalog_feed_and_page() {
    let f = Fixture::new();
    let report = f.publish(&f.episode("wind", &Options::default()), "2024-03-01T12:00:00Z").unwrap();
    assert_eq!(report.feed_path, f.path("public/feed.xml"));
    assert_eq!(report.page_path, f.path("public/index.html"));
    assert_eq!((report.items, report.episode), (1, Some(("wind".into(), Outcome::Added))));
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    for file in ["episode.mp3", "transcript.vtt", "transcript.srt", "chapters.json"] {
        assert!(f.path("public/episodes/wind").join(file).is_file(), "{file}");
    }
    // The mp3 is the enclosure; the wav is not published beside it.
    assert!(!f.path("public/episodes/wind/episode.wav").exists());
    assert_eq!(f.bytes("public/artwork.png"), f.bytes("cover.png"));

    let catalog = f.catalog();
    assert_eq!(catalog.podcast_guid, urls::podcast_guid("http://localhost:8080/feed.xml"));
    let entry = &catalog.episodes[0];
    assert_eq!(entry.guid, urls::episode_guid("http://localhost:8080/episodes/wind/"));
    let published_mp3 = f.bytes("public/episodes/wind/episode.mp3");
    assert_eq!(entry.enclosure, MediaFile { file: "episode.mp3".into(), length: published_mp3.len() as u64, mime_type: "audio/mpeg".into() });
    assert_eq!(entry.duration_secs, 46);
    assert_eq!(entry.link.as_deref(), Some("https://example.org/news/wind?a=1&b=2"));
    assert_eq!((entry.origin.as_deref(), entry.language), (Some("https://example.org/news/wind?a=1&b=2"), Some(crate::Language::En)));
    assert_eq!(
        entry.persons,
        vec![Person { name: "Daniel Reed".into(), role: Role::Host }, Person { name: "Maria Ortega".into(), role: Role::Guest }]
    );

    let feed = f.read("public/feed.xml");
    assert!(feed.contains("<itunes:image href=\"http://localhost:8080/artwork.png\"/>"), "{feed}");
    assert!(feed.contains("<pubDate>Fri, 01 Mar 2024 12:00:00 +0000</pubDate>"), "{feed}");
    let page = f.read("public/index.html");
    assert!(page.contains("<h1>Test Show</h1>") && page.contains("value=\"http://localhost:8080/feed.xml\""), "{page}");
    assert!(page.contains("<h2>Wind Farms on the Steppe</h2>"), "{page}");
}

#[test]
fn published_mp3_carries_the_show_tags() {
    let f = Fixture::new();
    f.publish(&f.episode("wind", &Options::default()), "2024-03-01T12:00:00Z").unwrap();
    let published = f.path("public/episodes/wind/episode.mp3");
    let tag = id3::Tag::read_from_path(&published).unwrap();
    assert_eq!((tag.title(), tag.album(), tag.artist()), (Some("Wind Farms on the Steppe"), Some("Test Show"), Some("Narrate")));
    let picture = tag.pictures().next().expect("cover embedded");
    assert_eq!(picture.data, f.bytes("cover.png"));
    assert!(std::fs::read(&published).unwrap().ends_with(test_support::MP3_FRAMES));
}

#[test]
fn republishing_a_revised_episode_keeps_every_episode_and_guid() {
    let f = Fixture::new();
    let days = ["2024-03-01T12:00:00Z", "2024-03-02T12:00:00Z", "2024-03-03T12:00:00Z"];
    for (n, day) in days.iter().enumerate() {
        let options = Options { url: format!("https://example.org/{n}"), ..titled(&format!("Episode {n}")) };
        f.publish(&f.episode(&format!("ep{n}"), &options), day).unwrap();
    }
    let before = f.catalog();

    // Rebuilt elsewhere from the same article, revised, now without transcripts or chapters.
    let options = Options { extras: false, url: "https://example.org/1".into(), ..titled("Episode 1, revised") };
    let changed = test_support::write(&f.dir.path().join("rebuilt"), "ep1", &options);
    let report = f.publish(&changed, "2024-04-01T12:00:00Z").unwrap();
    assert_eq!((report.items, report.episode), (3, Some(("ep1".into(), Outcome::Updated))));

    let after = f.catalog();
    let guids = |c: &Catalog| c.episodes.iter().map(|e| (e.slug.clone(), e.guid.clone())).collect::<Vec<_>>();
    assert_eq!(guids(&after), guids(&before));
    assert_eq!(after.podcast_guid, before.podcast_guid);
    let ep1 = &after.episodes[1];
    assert_eq!((ep1.title.as_str(), ep1.pub_date, ep1.updated), ("Episode 1, revised", at(days[1]), at("2024-04-01T12:00:00Z")));
    assert_eq!((after.episodes[0].clone(), after.episodes[2].clone()), (before.episodes[0].clone(), before.episodes[2].clone()));

    // The files the episode no longer has are gone from its public folder.
    assert!(!f.path("public/episodes/ep1/transcript.vtt").exists());
    assert!(f.path("public/episodes/ep1/episode.mp3").exists());

    let feed = f.read("public/feed.xml");
    assert_eq!(feed.matches("<item>").count(), 3);
    for entry in &after.episodes {
        assert_eq!(feed.matches(&format!("<guid isPermaLink=\"false\">{}</guid>", entry.guid)).count(), 1);
    }
    let order: Vec<usize> =
        ["Episode 2", "Episode 1, revised", "Episode 0"].iter().map(|t| feed.find(&format!("<title>{t}</title>")).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first by first publication: {order:?}");
    let page = f.read("public/index.html");
    assert_eq!(page.matches("<article class=\"episode\"").count(), 3);
}

/// Every file of the show: what must stay exactly as it was.
fn snapshot(f: &Fixture) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut files = Vec::new();
    let mut folders = vec![f.path("")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
                files.push((path.clone(), std::fs::read(&path).unwrap(), modified));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn another_episode_under_a_published_name_is_refused_unless_replacing() {
    let f = Fixture::new();
    f.publish(&f.episode("talk", &Options::default()), "2024-03-01T12:00:00Z").unwrap();
    let first_guid = f.catalog().episodes[0].guid.clone();
    let before = snapshot(&f);

    let other = Options { url: "https://example.org/other-talk".into(), ..titled("Another Talk") };
    let other_dir = test_support::write(&f.dir.path().join("elsewhere"), "talk", &other);
    let message = f.publish(&other_dir, "2024-03-02T12:00:00Z").unwrap_err().to_string();
    assert!(
        message.contains("the show already has an episode 'talk': \"Wind Farms on the Steppe\" (from https://example.org/news/wind?a=1&b=2), not \"Another Talk\" (from https://example.org/other-talk)"),
        "{message}"
    );
    assert!(message.contains("--replace"), "{message}");
    assert_eq!(snapshot(&f), before, "nothing was written");

    let report = publish_at(Some(&other_dir), &f.show, PublishOptions { replace: true }, at("2024-03-02T12:00:00Z")).unwrap();
    assert_eq!(report.episode, Some(("talk".into(), Outcome::Replaced)));
    let catalog = f.catalog();
    assert_eq!(catalog.episodes.len(), 1);
    let entry = &catalog.episodes[0];
    assert_ne!(entry.guid, first_guid, "a replacement is a new episode for podcast apps");
    assert_eq!((entry.title.as_str(), entry.pub_date), ("Another Talk", at("2024-03-02T12:00:00Z")));
    assert!(f.read("public/feed.xml").contains(&format!("<guid isPermaLink=\"false\">{}</guid>", entry.guid)));
}

#[test]
fn a_build_without_the_published_mp3_is_refused() {
    let f = Fixture::new();
    f.publish(&f.episode("wind", &Options::default()), "2024-03-01T12:00:00Z").unwrap();
    let before = snapshot(&f);
    let wav_only = test_support::write(&f.dir.path().join("rebuilt"), "wind", &Options { mp3: false, ..Options::default() });
    let message = f.publish(&wav_only, "2024-03-02T12:00:00Z").unwrap_err().to_string();
    assert!(message.contains("wind: not a publishable episode: it has no episode.mp3 but the show publishes MP3"), "{message}");
    assert!(message.contains("--format mp3"), "{message}");
    assert_eq!(snapshot(&f), before, "the published MP3 and the feed are kept");

    // A new WAV-only episode may not join a show of MP3s either.
    let other = test_support::write(&f.dir.path().join("out"), "other", &Options { mp3: false, url: "https://example.org/x".into(), ..Options::default() });
    assert!(f.publish(&other, "2024-03-02T12:00:00Z").unwrap_err().to_string().contains("the show publishes MP3"));
}

#[test]
fn republishing_an_unchanged_episode_changes_nothing() {
    let f = Fixture::new();
    let episode = f.episode("wind", &Options::default());
    f.publish(&episode, "2024-03-01T12:00:00Z").unwrap();
    let before = snapshot(&f);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let report = f.publish(&episode, "2024-03-05T12:00:00Z").unwrap();
    assert_eq!(report.episode, Some(("wind".into(), Outcome::Unchanged)));
    assert!(!report.feed_changed);
    assert_eq!(snapshot(&f), before, "no file rewritten, no lastBuildDate bump");

    // New audio of the same length is a change.
    let mp3 = test_support::mp3("Wind Farms on the Steppe");
    let mut changed = mp3.clone();
    *changed.last_mut().unwrap() ^= 1;
    std::fs::write(episode.join("episode.mp3"), changed).unwrap();
    let report = f.publish(&episode, "2024-03-06T12:00:00Z").unwrap();
    assert_eq!(report.episode, Some(("wind".into(), Outcome::Updated)));
    assert!(f.bytes("public/episodes/wind/episode.mp3").ends_with(&changed_frames(&mp3)));
    assert_eq!(f.catalog().episodes[0].updated, at("2024-03-06T12:00:00Z"));
}

/// The frames of `mp3` with the last byte changed, as in the test above.
fn changed_frames(mp3: &[u8]) -> Vec<u8> {
    let mut frames = test_support::MP3_FRAMES.to_vec();
    *frames.last_mut().unwrap() = mp3.last().unwrap() ^ 1;
    frames
}

#[test]
fn publishing_without_an_episode_rebuilds_feed_and_page_after_show_toml_changes() {
    let f = Fixture::new();
    f.publish(&f.episode("wind", &Options::default()), "2024-03-01T12:00:00Z").unwrap();
    let report = publish_at(None, &f.show, PublishOptions::default(), at("2024-03-02T12:00:00Z")).unwrap();
    assert_eq!((report.episode, report.feed_changed), (None, false));
    assert!(f.read("public/feed.xml").contains("<lastBuildDate>Fri, 01 Mar 2024 12:00:00 +0000</lastBuildDate>"));

    std::fs::write(&f.show, SHOW.replace("Test Show", "Renamed Show")).unwrap();
    let report = publish_at(None, &f.show, PublishOptions::default(), at("2024-03-03T12:00:00Z")).unwrap();
    assert!(report.feed_changed);
    let feed = f.read("public/feed.xml");
    assert!(feed.contains("<title>Renamed Show</title>") && feed.contains("<lastBuildDate>Sun, 03 Mar 2024 12:00:00 +0000</lastBuildDate>"), "{feed}");
    assert!(f.read("public/index.html").contains("<h1>Renamed Show</h1>"));
    assert_eq!(f.catalog().episodes.len(), 1);
}

#[test]
fn unpublish_takes_the_episode_out_of_files_feed_and_page() {
    let f = Fixture::new();
    f.publish(&f.episode("a", &titled("Alpha")), "2024-03-01T12:00:00Z").unwrap();
    f.publish(&f.episode("b", &Options { url: "https://example.org/b".into(), ..titled("Beta") }), "2024-03-02T12:00:00Z").unwrap();
    std::fs::write(f.path("public/episodes/a/my-notes.txt"), "mine").unwrap();
    let report = unpublish("a", &f.show).unwrap();
    assert_eq!((report.items, report.episode), (1, Some(("a".into(), Outcome::Removed))));
    assert_eq!(f.catalog().episodes.iter().map(|e| e.slug.as_str()).collect::<Vec<_>>(), ["b"]);
    assert!(!f.path("public/episodes/a/episode.mp3").exists());
    assert_eq!(f.read("public/episodes/a/my-notes.txt"), "mine", "files publish did not write stay");
    assert!(!f.read("public/feed.xml").contains("<title>Alpha</title>"));
    assert!(!f.read("public/index.html").contains("Alpha"));
    let message = unpublish("zzz", &f.show).unwrap_err().to_string();
    assert!(message.ends_with("catalog.json: no episode 'zzz' in this show (published: b)"), "{message}");
}

#[test]
fn without_artwork_a_cover_is_drawn_and_placeholders_are_warned_about() {
    let f = Fixture::new();
    let text = SHOW.replace("artwork = \"cover.png\"\n", "").replace("Test Show", "My Podcast");
    std::fs::write(&f.show, text).unwrap();
    let report = f.publish(&f.episode("a", &Options::default()), "2024-03-01T12:00:00Z").unwrap();
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
    assert!(report.notes[0].contains("title is still the placeholder \"My Podcast\""), "{:?}", report.notes);
    assert!(report.notes[1].contains("drew a 1400×1400 cover with the show's title (public/artwork.png)"), "{:?}", report.notes);
    assert_eq!(f.bytes("public/artwork.png"), cover::draw("My Podcast", "Narrate"));
    // Said when the cover is drawn, not on every publication.
    let again = f.publish(&f.episode("a", &Options::default()), "2024-03-02T12:00:00Z").unwrap();
    assert_eq!(again.notes.len(), 1, "{:?}", again.notes);
    assert!(f.read("public/feed.xml").contains("<itunes:image href=\"http://localhost:8080/artwork.png\"/>"));
    assert!(f.read("public/index.html").contains("<img src=\"artwork.png\""));
}

#[test]
fn malformed_catalog_stops_before_anything_is_written() {
    let f = Fixture::new();
    f.publish(&f.episode("a", &Options::default()), "2024-03-01T12:00:00Z").unwrap();
    let feed = f.read("public/feed.xml");
    let broken = f.read("catalog.json").replacen("\"slug\"", "\"slgu\"", 1);
    std::fs::write(f.path("catalog.json"), &broken).unwrap();

    let message = f.publish(&f.episode("b", &Options::default()), "2024-03-02T12:00:00Z").unwrap_err().to_string();
    assert!(message.contains("catalog.json: line ") && message.contains("unknown field `slgu`"), "{message}");
    assert_eq!(f.read("catalog.json"), broken);
    assert_eq!(f.read("public/feed.xml"), feed);
    assert!(!f.path("public/episodes/b").exists());
}

#[test]
fn episode_without_audio_is_refused() {
    let f = Fixture::new();
    let episode = f.episode("mute", &Options { mp3: false, wav: false, ..Options::default() });
    let message = f.publish(&episode, "2024-03-01T12:00:00Z").unwrap_err().to_string();
    assert!(message.contains("mute: not a publishable episode: no episode audio"), "{message}");
    assert!(!f.path("catalog.json").exists());
    assert!(!f.path("public").exists());
}

#[test]
fn missing_or_unusable_artwork_is_refused() {
    let f = Fixture::new();
    std::fs::remove_file(f.path("cover.png")).unwrap();
    let message = f.publish(&f.episode("a", &Options::default()), "2024-03-01T12:00:00Z").unwrap_err().to_string();
    assert!(message.contains("cover.png: artwork file not found (see `artwork` in show.toml; without that line narrate draws a cover)"), "{message}");
    assert!(!f.path("public").exists());
    std::fs::write(f.path("cover.png"), b"GIF89a").unwrap();
    let message = f.publish(&f.episode("a", &Options::default()), "2024-03-01T12:00:00Z").unwrap_err().to_string();
    assert!(message.ends_with("cover.png: artwork must be a JPEG or PNG image"), "{message}");
    assert!(!f.path("public").exists());
}
