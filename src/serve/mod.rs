//! `narrate serve`: previews a folder (a show's `public/`, or a build's `output/`) for
//! browsers and podcast apps on this machine.
//!
//! Files are served by tower-http's `ServeDir` on axum, which does what a podcast client
//! needs of a file server: byte ranges (seeking in audio), `ETag`/`Last-Modified` with
//! `304 Not Modified`, `HEAD`, and no path outside the folder through `..`. Around it are
//! the parts that are this program's own: a log line per request, `Access-Control-Allow-Origin: *`
//! (web players fetch transcripts and chapters from other origins, as Podcasting 2.0 asks),
//! the content types podcast files are expected under, refusing symbolic links that lead out
//! of the folder, and a generated page at `/` for a folder without an `index.html`.

mod index;
mod mime;
mod path;

use crate::feed::Show;
use crate::{Error, Result};
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use path::Refusal;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::ServeDir;

/// Worker threads: a preview server has a handful of clients.
const WORKERS: usize = 2;

/// Serves `dir` on 127.0.0.1:`port` until the process ends, logging each request to
/// stderr. Port 0 picks a free port; `ready` is told the address once the server listens.
pub fn serve(dir: &Path, port: u16, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let root = dir.canonicalize().map_err(Error::io(dir))?;
    if !root.is_dir() {
        return Err(Error::Serve(format!("{}: not a directory", dir.display())));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .map_err(|e| Error::Serve(format!("cannot start the server: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|e| Error::Serve(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
        let address = listener.local_addr().map_err(|e| Error::Serve(format!("cannot read the listening address: {e}")))?;
        ready(address);
        let app = app(Arc::new(root)).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app).await.map_err(|e| Error::Serve(format!("server stopped: {e}")))
    })
}

fn app(root: Arc<PathBuf>) -> Router {
    let generated_page = Handler::with_state(generated_page, Arc::clone(&root));
    let files = ServeDir::new(root.as_path()).fallback(generated_page);
    let cors = CorsLayer::new().allow_origin(Any).allow_methods([Method::GET, Method::HEAD]);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(content_type))
        .layer(middleware::from_fn_with_state(root, confine))
        .layer(cors)
        .layer(middleware::from_fn(log))
}

/// `/` of a folder without an index.html: the episodes found in it. Anything else that
/// `ServeDir` did not find is not there.
async fn generated_page(State(root): State<Arc<PathBuf>>, uri: Uri) -> Response {
    if uri.path() == "/" { Html(index::page(&root)).into_response() } else { StatusCode::NOT_FOUND.into_response() }
}

/// Refuses what `ServeDir` would otherwise serve but must not be: hidden files (temporary
/// files of a publication under way, `.git`) and symbolic links that lead out of the folder.
async fn confine(State(root): State<Arc<PathBuf>>, request: Request, next: Next) -> Response {
    let refusal = match path::segments(&request.uri().to_string()) {
        Ok(segments) if segments.is_empty() => None,
        Ok(segments) => path::resolve(&root, &segments).err(),
        Err(refusal) => Some(refusal),
    };
    match refusal {
        None => next.run(request).await,
        Some(Refusal::BadRequest) => StatusCode::BAD_REQUEST.into_response(),
        Some(Refusal::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Some(Refusal::NotFound) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Sets the content type podcast apps expect for the files of a show (`ServeDir` guesses
/// from the extension alone: feed.xml as `text/xml`, say).
async fn content_type(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // A folder is served as its index.html.
    let expected = if path.ends_with('/') { mime::content_type(Path::new("index.html")) } else { mime::content_type(Path::new(path)) };
    let mut response = next.run(request).await;
    if let Some(expected) = expected.filter(|_| response.status().is_success()) {
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(expected));
    }
    response
}

/// One line per request on stderr: client, method, path, status, bytes sent, time taken.
async fn log(ConnectInfo(client): ConnectInfo<SocketAddr>, request: Request, next: Next) -> Response {
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let started = Instant::now();
    let response = next.run(request).await;
    let length = response.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    eprintln!("{} {method} {uri} {} {length} {millis:.1}ms", client.ip(), response.status().as_u16());
    response
}

/// A warning when the show beside a served `public/` folder expects to be served somewhere
/// else than `address`: the feed's and the page's links would point there, not here.
pub fn base_url_warning(dir: &Path, address: SocketAddr) -> Option<String> {
    let show_path = dir.canonicalize().ok()?.parent()?.join("show.toml");
    let show = Show::load(&show_path).ok()?;
    let base = show.base_url.as_str();
    let here = format!("http://localhost:{}/", address.port());
    let (scheme, rest) = base.split_once("://")?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port.parse::<u16>().ok()?),
        _ => (authority, if scheme == "https" { 443 } else { 80 }),
    };
    let local = matches!(host.to_ascii_lowercase().as_str(), "localhost" | "127.0.0.1" | "[::1]");
    if scheme == "http" && local && port == address.port() && path.is_empty() {
        return None;
    }
    Some(format!(
        "{}: base_url is {base}, but this server is {here}: the feed and the page link to {base}; \
         to try the show here, set base_url = \"{here}\" and run `narrate publish --show {}` (or serve with --port {port})",
        show_path.display(),
        show_path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show_with_base(base_url: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("public")).unwrap();
        let text = format!(
            "title = \"T\"\ndescription = \"D\"\nauthor = \"A\"\nlanguage = \"en\"\ncategory = \"News\"\nexplicit = false\nbase_url = \"{base_url}\"\n"
        );
        std::fs::write(dir.path().join("show.toml"), text).unwrap();
        dir
    }

    #[test]
    fn warns_when_the_show_expects_another_address() {
        let at = |port| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let local = show_with_base("http://localhost:8080/");
        assert_eq!(base_url_warning(&local.path().join("public"), at(8080)), None);
        let warning = base_url_warning(&local.path().join("public"), at(9000)).unwrap();
        assert!(warning.contains("base_url is http://localhost:8080/, but this server is http://localhost:9000/"), "{warning}");
        assert!(warning.contains("--port 8080"), "{warning}");
        let remote = show_with_base("https://pods.example.org/show/");
        assert!(base_url_warning(&remote.path().join("public"), at(8080)).unwrap().contains("base_url is https://pods.example.org/show/"));
        // Not a show's public folder: nothing to compare with.
        assert_eq!(base_url_warning(remote.path(), at(8080)), None);
    }
}
