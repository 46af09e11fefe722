//! feed.xml: RSS 2.0 with the iTunes, Podcasting 2.0, Atom and content namespaces, made
//! from the show and its catalog. quick-xml escapes text and attributes; characters XML
//! cannot carry at all are dropped before that.

use super::catalog::{Catalog, Entry};
use super::show::Show;
use super::urls;
use quick_xml::Writer;
use quick_xml::escape::escape;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::borrow::Cow;
use std::io::{self, Write};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

const NAMESPACES: [(&str, &str); 4] = [
    ("xmlns:itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"),
    ("xmlns:podcast", "https://podcastindex.org/namespace/1.0"),
    ("xmlns:atom", "http://www.w3.org/2005/Atom"),
    ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
];

/// Where the feed and its files are served, as the feed states them.
pub struct Urls {
    pub feed: String,
    pub artwork: String,
}

/// Writes the feed of `show` listing `catalog`'s episodes, newest first.
pub fn write<W: Write>(out: W, show: &Show, catalog: &Catalog, urls: &Urls, built: OffsetDateTime) -> io::Result<()> {
    let mut xml = Writer::new_with_indent(out, b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.create_element("rss").with_attribute(("version", "2.0")).with_attributes(NAMESPACES).write_inner_content(|xml| {
        xml.create_element("channel").write_inner_content(|xml| {
            channel(xml, show, catalog, urls, built)?;
            for entry in catalog.newest_first() {
                item(xml, show, entry)?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    xml.get_mut().write_all(b"\n")
}

fn channel<W: Write>(xml: &mut Writer<W>, show: &Show, catalog: &Catalog, urls: &Urls, built: OffsetDateTime) -> io::Result<()> {
    text(xml, "title", show.title.as_str())?;
    text(xml, "link", show.link())?;
    text(xml, "description", show.description.as_str())?;
    text(xml, "language", show.language.as_str())?;
    text(xml, "generator", "narrate")?;
    text(xml, "lastBuildDate", &rfc2822(built, "lastBuildDate")?)?;
    empty(xml, "atom:link", &[("href", &urls.feed), ("rel", "self"), ("type", "application/rss+xml")])?;
    xml.create_element("image").write_inner_content(|xml| {
        text(xml, "url", &urls.artwork)?;
        text(xml, "title", show.title.as_str())?;
        text(xml, "link", show.link())
    })?;
    text(xml, "itunes:author", show.author.as_str())?;
    empty(xml, "itunes:image", &[("href", &urls.artwork)])?;
    let category = xml.create_element("itunes:category").with_attribute(("text", clean(show.category.as_str()).as_ref()));
    match &show.subcategory {
        Some(sub) => category.write_inner_content(|xml| empty(xml, "itunes:category", &[("text", sub.as_str())]))?,
        None => category.write_empty()?,
    };
    text(xml, "itunes:explicit", if show.explicit { "true" } else { "false" })?;
    text(xml, "itunes:type", "episodic")?;
    if let Some(owner) = &show.owner {
        xml.create_element("itunes:owner").write_inner_content(|xml| {
            text(xml, "itunes:name", owner.name.as_str())?;
            text(xml, "itunes:email", owner.email.as_str())
        })?;
    }
    text(xml, "podcast:guid", &catalog.podcast_guid)
}

fn item<W: Write>(xml: &mut Writer<W>, show: &Show, entry: &Entry) -> io::Result<()> {
    let url = |file: &str| urls::join(&show.base_url, &["episodes", &entry.slug, file]);
    xml.create_element("item").write_inner_content(|xml| {
        text(xml, "title", &entry.title)?;
        text(xml, "description", &entry.description)?;
        text(xml, "content:encoded", &html(entry))?;
        if let Some(link) = &entry.link {
            text(xml, "link", link)?;
        }
        xml.create_element("guid").with_attribute(("isPermaLink", "false")).write_text_content(BytesText::new(&clean(&entry.guid)))?;
        text(xml, "pubDate", &rfc2822(entry.pub_date, &entry.slug)?)?;
        let enclosure = &entry.enclosure;
        let length = enclosure.length.to_string();
        empty(xml, "enclosure", &[("url", &url(&enclosure.file)), ("length", &length), ("type", &enclosure.mime_type)])?;
        text(xml, "itunes:duration", &entry.duration_secs.to_string())?;
        text(xml, "itunes:episodeType", "full")?;
        let transcript_language = entry.language.map(|l| l.code()).filter(|&code| code != show.language.primary());
        for transcript in &entry.transcripts {
            let mut attributes = vec![("url", url(&transcript.file)), ("type", transcript.mime_type.clone())];
            if let Some(code) = transcript_language {
                attributes.push(("language", code.into()));
            }
            if transcript.mime_type == "text/vtt" {
                attributes.push(("rel", "captions".into()));
            }
            let attributes: Vec<(&str, &str)> = attributes.iter().map(|(k, v)| (*k, v.as_str())).collect();
            empty(xml, "podcast:transcript", &attributes)?;
        }
        if let Some(chapters) = &entry.chapters {
            empty(xml, "podcast:chapters", &[("url", &url(&chapters.file)), ("type", &chapters.mime_type)])?;
        }
        for person in &entry.persons {
            xml.create_element("podcast:person")
                .with_attribute(("role", person.role.as_str()))
                .write_text_content(BytesText::new(&clean(&person.name)))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// The description as HTML paragraphs, with a link to the source article.
fn html(entry: &Entry) -> String {
    let mut html: String = entry.description.split("\n\n").map(|p| format!("<p>{}</p>", escape(p.trim()))).collect();
    if let Some(link) = &entry.link {
        let link = escape(link.as_str());
        html.push_str(&format!("<p>Source: <a href=\"{link}\">{link}</a></p>"));
    }
    html
}

/// The `lastBuildDate` a feed written by [`write`] states.
pub fn last_build_date(feed: &[u8]) -> Option<OffsetDateTime> {
    let text = std::str::from_utf8(feed).ok()?;
    let (_, rest) = text.split_once("<lastBuildDate>")?;
    let (date, _) = rest.split_once("</lastBuildDate>")?;
    OffsetDateTime::parse(date, &Rfc2822).ok()
}

fn rfc2822(time: OffsetDateTime, what: &str) -> io::Result<String> {
    time.format(&Rfc2822).map_err(|e| io::Error::other(format!("{what}: cannot write date {time}: {e}")))
}

fn text<W: Write>(xml: &mut Writer<W>, name: &str, value: &str) -> io::Result<()> {
    xml.create_element(name).write_text_content(BytesText::new(&clean(value)))?;
    Ok(())
}

fn empty<W: Write>(xml: &mut Writer<W>, name: &str, attributes: &[(&str, &str)]) -> io::Result<()> {
    let cleaned: Vec<(&str, Cow<str>)> = attributes.iter().map(|&(key, value)| (key, clean(value))).collect();
    xml.create_element(name).with_attributes(cleaned.iter().map(|(key, value)| (*key, value.as_ref()))).write_empty()?;
    Ok(())
}

/// `text` without the characters XML 1.0 forbids (control characters other than tab and
/// line breaks, U+FFFE, U+FFFF); escaping cannot represent them.
fn clean(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
    if text.chars().all(allowed) { Cow::Borrowed(text) } else { Cow::Owned(text.chars().filter(|&c| allowed(c)).collect()) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::catalog::MediaFile;
    use crate::feed::test_support::{at, entry};
    use crate::script::Role;

    fn show(extra: &str) -> Show {
        let text = format!(
            "title = \"Wind <&> Words\"\ndescription = \"Read aloud.\"\nauthor = \"Ann\"\nlanguage = \"en\"\n\
             category = \"Technology\"\nexplicit = true\nartwork = \"cover.png\"\nbase_url = \"https://pods.example.org/show\"\n{extra}"
        );
        toml::from_str(&text).unwrap()
    }

    fn render(show: &Show, catalog: &Catalog) -> String {
        let urls =
            Urls { feed: "https://pods.example.org/show/feed.xml".into(), artwork: "https://pods.example.org/show/artwork.png".into() };
        let mut out = Vec::new();
        write(&mut out, show, catalog, &urls, at("2024-05-06T07:08:09Z")).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn channel_elements() {
        let show = show("subcategory = \"Tech News\"\n[owner]\nname = \"Ann\"\nemail = \"ann@example.org\"\n");
        let feed = render(&show, &Catalog::new("pg-1".into()));
        for expected in [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" xmlns:podcast=\"https://podcastindex.org/namespace/1.0\"",
            "<title>Wind &lt;&amp;&gt; Words</title>",
            "<link>https://pods.example.org/show/</link>",
            "<lastBuildDate>Mon, 06 May 2024 07:08:09 +0000</lastBuildDate>",
            "<atom:link href=\"https://pods.example.org/show/feed.xml\" rel=\"self\" type=\"application/rss+xml\"/>",
            "<itunes:image href=\"https://pods.example.org/show/artwork.png\"/>",
            "<itunes:category text=\"Technology\">\n      <itunes:category text=\"Tech News\"/>\n    </itunes:category>",
            "<itunes:explicit>true</itunes:explicit>",
            "<itunes:owner>\n      <itunes:name>Ann</itunes:name>\n      <itunes:email>ann@example.org</itunes:email>\n    </itunes:owner>",
            "<podcast:guid>pg-1</podcast:guid>",
        ] {
            assert!(feed.contains(expected), "missing {expected} in\n{feed}");
        }
        assert!(!feed.contains("<item>"));
        assert_eq!(last_build_date(feed.as_bytes()), Some(at("2024-05-06T07:08:09Z")));
    }

    #[test]
    fn item_elements() {
        let mut catalog = Catalog::new("pg".into());
        let mut e = entry("风电 1", at("2024-01-02T03:04:05+01:00"));
        e.title = "Q&A: \"wind\"\u{1b}".into();
        e.link = Some("https://example.org/a?x=1&y=2".into());
        e.description = "One <b>.\n\nTwo.".into();
        e.transcripts = vec![
            MediaFile { file: "transcript.vtt".into(), length: 7, mime_type: "text/vtt".into() },
            MediaFile { file: "transcript.srt".into(), length: 9, mime_type: "application/x-subrip".into() },
        ];
        e.chapters = Some(MediaFile { file: "chapters.json".into(), length: 3, mime_type: "application/json+chapters".into() });
        e.persons.push(crate::feed::catalog::Person { name: "Bo".into(), role: Role::Guest });
        catalog.upsert(e);
        let feed = render(&show(""), &catalog);
        let base = "https://pods.example.org/show/episodes/%E9%A3%8E%E7%94%B5%201";
        for expected in [
            "<title>Q&amp;A: &quot;wind&quot;</title>".to_owned(),
            "<description>One &lt;b&gt;.\n\nTwo.</description>".to_owned(),
            "<content:encoded>&lt;p&gt;One &amp;lt;b&amp;gt;.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;&lt;p&gt;Source: &lt;a href=&quot;https://example.org/a?x=1&amp;amp;y=2&quot;&gt;".to_owned(),
            "<link>https://example.org/a?x=1&amp;y=2</link>".to_owned(),
            "<guid isPermaLink=\"false\">guid-风电 1</guid>".to_owned(),
            "<pubDate>Tue, 02 Jan 2024 03:04:05 +0100</pubDate>".to_owned(),
            format!("<enclosure url=\"{base}/episode.mp3\" length=\"12\" type=\"audio/mpeg\"/>"),
            "<itunes:duration>46</itunes:duration>".to_owned(),
            "<itunes:episodeType>full</itunes:episodeType>".to_owned(),
            format!("<podcast:transcript url=\"{base}/transcript.vtt\" type=\"text/vtt\" rel=\"captions\"/>"),
            format!("<podcast:transcript url=\"{base}/transcript.srt\" type=\"application/x-subrip\"/>"),
            format!("<podcast:chapters url=\"{base}/chapters.json\" type=\"application/json+chapters\"/>"),
            "<podcast:person role=\"host\">Ann</podcast:person>".to_owned(),
            "<podcast:person role=\"guest\">Bo</podcast:person>".to_owned(),
        ] {
            assert!(feed.contains(&expected), "missing {expected} in\n{feed}");
        }
        assert!(!feed.contains('\u{1b}'));
    }

    #[test]
    fn transcript_language_only_when_it_differs_from_the_show() {
        let mut catalog = Catalog::new("pg".into());
        for (slug, language) in [("en-1", crate::Language::En), ("zh-1", crate::Language::Zh)] {
            let mut e = entry(slug, at("2024-01-02T03:04:05Z"));
            e.language = Some(language);
            e.transcripts = vec![MediaFile { file: "transcript.srt".into(), length: 9, mime_type: "application/x-subrip".into() }];
            catalog.upsert(e);
        }
        let feed = render(&show(""), &catalog);
        let base = "https://pods.example.org/show/episodes";
        assert!(feed.contains(&format!("<podcast:transcript url=\"{base}/zh-1/transcript.srt\" type=\"application/x-subrip\" language=\"zh\"/>")), "{feed}");
        assert!(feed.contains(&format!("<podcast:transcript url=\"{base}/en-1/transcript.srt\" type=\"application/x-subrip\"/>")), "{feed}");
        // A regional show language (en-us) still matches an English episode.
        let regional = toml::from_str::<Show>(&format!("{}\nlanguage = \"en-US\"", SHOW_NO_LANGUAGE)).unwrap();
        assert_eq!(render(&regional, &catalog).matches("language=\"").count(), 1);
    }

    const SHOW_NO_LANGUAGE: &str = "title = \"T\"\ndescription = \"D\"\nauthor = \"A\"\ncategory = \"News\"\nexplicit = false\nbase_url = \"https://pods.example.org/show\"";

    #[test]
    fn items_newest_first() {
        let mut catalog = Catalog::new("pg".into());
        catalog.upsert(entry("first", at("2024-01-01T00:00:00Z")));
        catalog.upsert(entry("second", at("2024-02-01T00:00:00Z")));
        let feed = render(&show(""), &catalog);
        let second = feed.find("<title>SECOND</title>").unwrap();
        assert!(second < feed.find("<title>FIRST</title>").unwrap());
    }

    #[test]
    fn clean_drops_only_forbidden_characters() {
        assert_eq!(clean("a\tb\nc\u{0}\u{8}d\u{FFFF}é😀"), "a\tb\ncdé😀");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }
}
