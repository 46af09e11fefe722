//! `narrate serve` over real sockets: a show folder served on a free port, checked with a
//! plain TCP client, with curl, and through the binary (request log, base_url warning).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

/// Patterned bytes, so any slice of the file is recognizable.
fn audio_bytes() -> Vec<u8> {
    (0..5000u32).map(|i| (i % 251) as u8).collect()
}

const SCRIPT: &str = r#"{"title":"Rivers & <Roads>","language":"en","source":{},
  "speakers":[{"id":"host","name":"Ana","role":"host"},{"id":"guest","name":"Ben","role":"guest"}],
  "sections":[{"title":"Talk"}],
  "turns":[{"speaker":"host","kind":"question","section":0,"text":"Why <rivers>?"},
           {"speaker":"guest","kind":"answer","section":0,"text":"Because."}]}"#;

const CUES: &str = r#"{"duration":4.0,"sample_rate":8000,
  "turns":[{"turn":0,"speaker":"host","kind":"question","section":0,"start":0.1,"end":1.0},
           {"turn":1,"speaker":"guest","kind":"answer","section":0,"start":1.5,"end":3.5}],
  "sentences":[{"turn":0,"speaker":"host","start":0.1,"end":1.0,"text":"Why <rivers>?"},
               {"turn":1,"speaker":"guest","start":1.5,"end":3.5,"text":"Because."}]}"#;

/// A published show: feed, artwork and one episode; a secret file beside the folder and
/// a link inside it pointing at the secret.
fn show_folder(parent: &Path) -> std::path::PathBuf {
    let root = parent.join("show");
    let episode = root.join("episodes").join("rivers");
    std::fs::create_dir_all(&episode).expect("create folders");
    let files: [(&Path, &str, &[u8]); 9] = [
        (&root, "feed.xml", b"<rss/>"),
        (&root, "cover.jpg", b"\xff\xd8\xff"),
        (&root, "notes.xml", b"<notes/>"),
        (&episode, "script.json", SCRIPT.as_bytes()),
        (&episode, "cues.json", CUES.as_bytes()),
        (&episode, "transcript.vtt", b"WEBVTT\n"),
        (&episode, "transcript.srt", b"1\n"),
        (&episode, "chapters.json", b"[]"),
        (parent, "secret.txt", b"do not serve"),
    ];
    for (folder, name, bytes) in files {
        std::fs::write(folder.join(name), bytes).expect("write fixture");
    }
    std::fs::write(episode.join("episode.wav"), audio_bytes()).expect("write audio");
    #[cfg(unix)]
    std::os::unix::fs::symlink(parent.join("secret.txt"), root.join("escape.txt")).expect("symlink");
    root
}

/// Starts the server on a free port; it runs until the test process ends.
fn start(root: std::path::PathBuf) -> SocketAddr {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = narrate::serve::serve(&root, 0, |address| sender.send(address).expect("report address"));
        panic!("server stopped: {outcome:?}");
    });
    receiver.recv_timeout(Duration::from_secs(10)).expect("server ready")
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Sends `head` (request line and headers, without the closing blank line) and reads the
/// whole reply; the server closes the connection after each response.
fn send(address: SocketAddr, head: &str) -> Reply {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(format!("{head}\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes()).expect("send request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read reply");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("reply has a head");
    let head = String::from_utf8(raw[..split].to_vec()).expect("head is text");
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("status code");
    Reply { status, head, body: raw[split + 4..].to_vec() }
}

fn get(address: SocketAddr, path: &str) -> Reply {
    send(address, &format!("GET {path} HTTP/1.1"))
}

#[test]
fn serves_show_files_with_their_types() {
    let dir = tempfile::tempdir().expect("temp dir");
    let address = start(show_folder(dir.path()));
    let cases = [
        ("/feed.xml", "application/rss+xml"),
        ("/notes.xml", "application/xml"),
        ("/cover.jpg", "image/jpeg"),
        ("/episodes/rivers/episode.wav", "audio/wav"),
        ("/episodes/rivers/transcript.vtt", "text/vtt"),
        ("/episodes/rivers/transcript.srt", "application/x-subrip"),
        ("/episodes/rivers/chapters.json", "application/json"),
        ("/", "text/html; charset=utf-8"),
    ];
    for (path, content_type) in cases {
        let reply = get(address, path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("Content-Type"), Some(content_type), "{path}");
        assert_eq!(reply.header("Content-Length"), Some(reply.body.len().to_string().as_str()), "{path}");
    }
    let audio = get(address, "/episodes/rivers/episode.wav");
    assert_eq!(audio.body, audio_bytes());
    assert_eq!(audio.header("Accept-Ranges"), Some("bytes"));
}

#[test]
fn answers_byte_ranges() {
    let dir = tempfile::tempdir().expect("temp dir");
    let address = start(show_folder(dir.path()));
    let bytes = audio_bytes();
    let ranged = |range: &str| send(address, &format!("GET /episodes/rivers/episode.wav HTTP/1.1\r\nRange: {range}"));

    let middle = ranged("bytes=1000-1999");
    assert_eq!(middle.status, 206);
    assert_eq!(middle.header("Content-Range"), Some("bytes 1000-1999/5000"));
    assert_eq!(middle.header("Content-Length"), Some("1000"));
    assert_eq!(middle.body, bytes[1000..2000]);

    let open_ended = ranged("bytes=4990-");
    assert_eq!(open_ended.header("Content-Range"), Some("bytes 4990-4999/5000"));
    assert_eq!(open_ended.body, bytes[4990..]);

    let suffix = ranged("bytes=-10");
    assert_eq!(suffix.header("Content-Range"), Some("bytes 4990-4999/5000"));
    assert_eq!(suffix.body, bytes[4990..]);

    let unsatisfiable = ranged("bytes=5000-6000");
    assert_eq!(unsatisfiable.status, 416);
    assert_eq!(unsatisfiable.header("Content-Range"), Some("bytes */5000"));
}

#[test]
fn head_sends_headers_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let address = start(show_folder(dir.path()));
    let reply = send(address, "HEAD /episodes/rivers/episode.wav HTTP/1.1");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("Content-Length"), Some("5000"));
    assert_eq!(reply.header("Content-Type"), Some("audio/wav"));
    assert!(reply.body.is_empty());
    let ranged = send(address, "HEAD /episodes/rivers/episode.wav HTTP/1.1\r\nRange: bytes=0-99");
    assert_eq!((ranged.status, ranged.header("Content-Length")), (206, Some("100")));
    assert!(ranged.body.is_empty());
}

#[test]
fn refuses_unknown_paths_traversal_and_other_methods() {
    let dir = tempfile::tempdir().expect("temp dir");
    let address = start(show_folder(dir.path()));
    assert_eq!(get(address, "/missing.mp3").status, 404);
    assert_eq!(get(address, "/episodes/rivers/").status, 404);
    for path in ["/../secret.txt", "/episodes/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/escape.txt"] {
        let reply = get(address, path);
        assert!(matches!(reply.status, 403 | 404), "{path}: {}", reply.status);
        assert!(!String::from_utf8_lossy(&reply.body).contains("do not serve"), "{path}");
    }
    assert_eq!(get(address, "//etc/passwd").status, 404);
    assert_eq!(send(address, "POST /feed.xml HTTP/1.1").status, 405);
    assert_eq!(send(address, "GARBAGE").status, 400);
}

#[test]
fn index_lists_episodes_with_player_and_escaped_transcript() {
    let dir = tempfile::tempdir().expect("temp dir");
    let address = start(show_folder(dir.path()));
    let page = String::from_utf8(get(address, "/").body).expect("utf-8 page");
    assert!(page.contains("<h2>Rivers &amp; &lt;Roads&gt;</h2>"), "{page}");
    assert!(page.contains("<audio controls"), "{page}");
    assert!(page.contains("<source src=\"episodes/rivers/episode.wav\" type=\"audio/wav\">"), "{page}");
    assert!(page.contains("<b>Ana:</b> Why &lt;rivers&gt;?"), "{page}");
    assert!(page.contains("<b>Ben:</b> Because."), "{page}");
    assert!(page.contains("href=\"feed.xml\""), "{page}");
    assert!(!page.contains("<rivers>"), "{page}");
}

#[test]
fn validators_give_304_and_cors_is_open_for_transcripts_and_chapters() {
    let dir = tempfile::tempdir().expect("temp dir");
    let address = start(show_folder(dir.path()));
    for path in ["/episodes/rivers/transcript.vtt", "/episodes/rivers/chapters.json", "/episodes/rivers/episode.wav", "/feed.xml"] {
        let first = send(address, &format!("GET {path} HTTP/1.1\r\nOrigin: https://player.example.org"));
        assert_eq!(first.status, 200, "{path}");
        assert_eq!(first.header("Access-Control-Allow-Origin"), Some("*"), "{path}");
        let etag = first.header("ETag").unwrap_or_else(|| panic!("{path}: no ETag")).to_owned();
        let modified = first.header("Last-Modified").unwrap_or_else(|| panic!("{path}: no Last-Modified")).to_owned();
        let by_etag = send(address, &format!("GET {path} HTTP/1.1\r\nIf-None-Match: {etag}"));
        assert_eq!(by_etag.status, 304, "{path}");
        assert!(by_etag.body.is_empty());
        let by_date = send(address, &format!("GET {path} HTTP/1.1\r\nIf-Modified-Since: {modified}"));
        assert_eq!(by_date.status, 304, "{path}");
        let stale = send(address, &format!("GET {path} HTTP/1.1\r\nIf-None-Match: \"other\""));
        assert_eq!(stale.status, 200, "{path}");
    }
}

#[test]
fn a_published_show_page_is_served_at_the_root() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = show_folder(dir.path());
    std::fs::write(root.join("index.html"), "<!DOCTYPE html><title>The show</title>").expect("write page");
    let address = start(root);
    let page = get(address, "/");
    assert_eq!((page.status, page.header("Content-Type")), (200, Some("text/html; charset=utf-8")));
    assert_eq!(page.body, b"<!DOCTYPE html><title>The show</title>");
    assert!(page.header("ETag").is_some());
}

#[test]
fn the_binary_logs_each_request_and_warns_about_another_base_url() {
    let dir = tempfile::tempdir().expect("temp dir");
    let show = dir.path().join("podcast/show.toml");
    narrate::feed::init_show(&show, false).expect("show.toml");
    let public = dir.path().join("podcast/public");
    std::fs::create_dir_all(&public).expect("public folder");
    std::fs::write(public.join("feed.xml"), "<rss/>").expect("feed");
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_narrate"))
        .args(["serve", "--port", &port.to_string()])
        .arg(&public)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("narrate serve starts");
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(address).is_err() {
        assert!(std::time::Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(get(address, "/feed.xml").status, 200);
    assert_eq!(get(address, "/missing.mp3").status, 404);
    server.kill().expect("stop server");
    let output = server.wait_with_output().expect("server output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let log: Vec<&str> = stderr.lines().filter(|l| l.starts_with("127.0.0.1 ")).collect();
    assert_eq!(log.len(), 2, "{stderr}");
    assert!(log[0].starts_with("127.0.0.1 GET /feed.xml 200 6 "), "{stderr}");
    assert!(log[1].starts_with("127.0.0.1 GET /missing.mp3 404 "), "{stderr}");
    assert!(stderr.contains(&format!("base_url is http://localhost:8080/, but this server is http://localhost:{port}/")), "{stderr}");
    assert!(String::from_utf8_lossy(&output.stdout).contains(&format!("on http://127.0.0.1:{port}/")));
}

#[test]
fn curl_fetches_a_range() {
    let dir = tempfile::tempdir().expect("temp dir");
    let address = start(show_folder(dir.path()));
    let url = format!("http://{address}/episodes/rivers/episode.wav");
    let output = std::process::Command::new("curl")
        .args(["-s", "-r", "1000-1999", "-w", "\n%{http_code}", &url])
        .output()
        .expect("curl runs (make setup installs it)");
    assert!(output.status.success(), "curl exit {:?}", output.status);
    let (body, code) = output.stdout.split_at(output.stdout.len() - 4);
    assert_eq!(code, b"\n206");
    assert_eq!(body, &audio_bytes()[1000..2000]);
}

#[test]
fn reports_a_busy_port_and_a_missing_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("address").port();
    let busy = narrate::serve::serve(dir.path(), port, |_| panic!("must not be ready")).expect_err("port is taken");
    assert!(busy.to_string().starts_with(&format!("cannot listen on 127.0.0.1:{port}:")), "{busy}");
    let missing = narrate::serve::serve(&dir.path().join("nope"), 0, |_| panic!("must not be ready")).expect_err("no folder");
    assert!(missing.to_string().contains("nope"), "{missing}");
}
