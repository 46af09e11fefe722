//! The show path a new user takes: `narrate show init`, `narrate publish`, `narrate serve`,
//! then the show page in a real browser (headless Chromium, Debian's `chromium` package,
//! which `make setup` installs). The page must list every episode, newest first, and the
//! audio its player points at must answer a range request. A screenshot of the page is left
//! in target/tmp/show-page.png for a person to look at.

mod common;

use serde_json::json;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Flags that let Chromium run headless in a container, without a GPU, sandbox or network.
const CHROMIUM_FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// An episode folder as `narrate build` leaves it, with a transcript and chapters.
fn write_episode(parent: &Path, slug: &str, title: &str, language: &str) -> PathBuf {
    let dir = parent.join(slug);
    std::fs::create_dir_all(&dir).unwrap();
    let script = json!({
        "title": title, "language": language,
        "source": {"path": format!("{slug}.md"), "title": title, "byline": null, "date": null, "url": null},
        "speakers": [{"id": "host", "name": "Ana", "role": "host"}, {"id": "guest", "name": "Ben", "role": "guest"}],
        "sections": [{"title": title}],
        "turns": [
            {"speaker": "host", "kind": "intro", "section": 0, "text": format!("About {title}.")},
            {"speaker": "host", "kind": "question", "section": 0, "text": "Why?"},
            {"speaker": "guest", "kind": "answer", "section": 0, "text": "Because."}
        ]
    });
    std::fs::write(dir.join("script.json"), script.to_string()).unwrap();
    std::fs::write(dir.join("cues.json"), json!({"duration": 75.0, "sample_rate": 44100, "turns": [], "sentences": []}).to_string())
        .unwrap();
    let audio: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.join("episode.mp3"), audio).unwrap();
    std::fs::write(dir.join("transcript.vtt"), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>Why?</v>\n\n00:01:05.000 --> 00:01:06.000\n<v Ben>Because.</v>\n")
        .unwrap();
    std::fs::write(dir.join("transcript.srt"), "1\n00:00:01,000 --> 00:00:02,000\nAna: Why?\n").unwrap();
    std::fs::write(
        dir.join("chapters.json"),
        json!({"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}, {"startTime": 65, "title": "Why?"}]}).to_string(),
    )
    .unwrap();
    dir
}

fn run(args: &[&str], cwd: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_narrate")).args(args).current_dir(cwd).output().expect("narrate runs");
    assert!(output.status.success(), "narrate {args:?}: {}", common::stderr(&output));
}

/// `narrate serve`, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn chromium(args: &[&str], profile: &Path) -> String {
    let output = Command::new("chromium")
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs (make setup installs Debian's chromium package)");
    assert!(output.status.success(), "chromium {args:?}: {}", common::stderr(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Sends a GET for `path` with a Range header; returns the status line and headers, and the body.
fn ranged_get(address: SocketAddr, path: &str, range: &str) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nRange: {range}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a reply head");
    (String::from_utf8_lossy(&raw[..split]).into_owned(), raw[split + 4..].to_vec())
}

#[test]
fn the_show_page_works_in_a_browser_from_init_to_serve() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let port = free_port();
    run(&["show", "init", "podcast/show.toml"], work);
    // The one edit a user makes to try it on another port; the rest is the template.
    let show = work.join("podcast/show.toml");
    let settings = std::fs::read_to_string(&show).unwrap().replace("localhost:8080", &format!("localhost:{port}"));
    std::fs::write(&show, settings.replace("My Podcast", "风与文字 Wind & Words")).unwrap();
    let episodes = [("rivers", "Rivers and Roads", "en"), ("wind", "风电的故事", "zh"), ("tides", "Tides", "en")];
    for (slug, title, language) in episodes {
        write_episode(&work.join("output"), slug, title, language);
        run(&["publish", &format!("output/{slug}"), "--show", "podcast/show.toml"], work);
    }

    let server = Command::new(env!("CARGO_BIN_EXE_narrate"))
        .args(["serve", "podcast/public", "--port", &port.to_string()])
        .current_dir(work)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("narrate serve starts");
    let _server = Server(server);
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(address).is_err() {
        assert!(Instant::now() < deadline, "narrate serve did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }

    let url = format!("http://{address}/");
    let profile = tempfile::tempdir().unwrap();
    let dom = chromium(&["--dump-dom", &url], profile.path());
    assert!(dom.contains("<h1>风与文字 Wind &amp; Words</h1>"), "{dom}");
    assert!(dom.contains(&format!("value=\"http://localhost:{port}/feed.xml\"")), "{dom}");
    assert_eq!(dom.matches("<article class=\"episode\"").count(), episodes.len(), "{dom}");
    let positions: Vec<usize> = ["Tides", "风电的故事", "Rivers and Roads"]
        .iter()
        .map(|title| dom.find(&format!("<h2>{title}</h2>")).unwrap_or_else(|| panic!("{title} missing from\n{dom}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "newest first: {positions:?}");
    assert!(dom.contains("<button data-start=\"65.000\">1:05</button>Why?"), "chapters listed: {dom}");
    assert!(dom.contains("<b>Ben:</b> Because."), "transcript shown: {dom}");
    assert!(dom.contains("<img src=\"artwork.png\""), "{dom}");

    // The players' sources, as the browser has them, answer byte ranges.
    let sources: Vec<&str> = dom.split("<audio ").skip(1).filter_map(|a| a.split("src=\"").nth(1)?.split('"').next()).collect();
    assert_eq!(sources.len(), episodes.len(), "{dom}");
    for source in sources {
        let (head, body) = ranged_get(address, &format!("/{source}"), "bytes=100-199");
        assert!(head.starts_with("HTTP/1.1 206"), "{source}: {head}");
        assert!(head.to_ascii_lowercase().contains("content-type: audio/mpeg"), "{head}");
        assert_eq!(body.len(), 100, "{source}");
    }

    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("show-page.png");
    let _ = std::fs::remove_file(&screenshot);
    chromium(&[&format!("--screenshot={}", screenshot.display()), "--window-size=1100,1600", "--hide-scrollbars", &url], profile.path());
    let image = std::fs::read(&screenshot).expect("screenshot written");
    assert!(image.starts_with(b"\x89PNG\r\n\x1a\n") && image.len() > 10_000, "{} bytes", image.len());
}
