//! One connection: read the request, decide the response, write it, close.

use super::index;
use super::mime::content_type;
use super::path::{self, Refusal};
use super::range::{self, Selection};
use super::request::{self, Method, Request, RequestError};
use super::response::{Response, Status};
use std::fs::File;
use std::io::{BufReader, Read};
use std::net::{Shutdown, TcpStream};
use std::path::Path;
use std::time::Duration;

/// How long a client may take to send its request, or to accept the next bytes of a reply.
const READ_TIMEOUT: Duration = Duration::from_secs(15);
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long, and for how many bytes, leftovers from a client are read before closing.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: u64 = 64 * 1024;

pub fn handle(stream: TcpStream, root: &Path) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let (response, with_body) = match request::read(&mut BufReader::new(&stream)) {
        Ok(request) => (respond(&request, root), request.method != Method::Head),
        Err(RequestError::Closed) => return,
        Err(RequestError::Malformed) => (Response::error(Status::BadRequest), true),
        Err(RequestError::TooLarge) => (Response::error(Status::HeaderFieldsTooLarge), true),
    };
    // A client that hangs up mid-reply is no error of ours; there is nobody to tell.
    if response.write_to(&mut &stream, with_body).is_ok() {
        close_gracefully(&stream);
    }
}

/// Closing a socket with unread request bytes in it resets the connection, and the client
/// may lose the reply it has not read yet (the 400 for a malformed request, say). So stop
/// sending, then read and drop what the client still sends until it closes its side.
fn close_gracefully(stream: &TcpStream) {
    if stream.shutdown(Shutdown::Write).is_err() || stream.set_read_timeout(Some(LINGER)).is_err() {
        return;
    }
    let _ = std::io::copy(&mut stream.take(LINGER_BYTES), &mut std::io::sink());
}

/// The response to a well-formed request.
fn respond(request: &Request, root: &Path) -> Response {
    if request.method == Method::Other {
        return Response::error(Status::MethodNotAllowed).with_header("Allow", "GET, HEAD".into());
    }
    let file = path::segments(&request.target)
        .and_then(|segments| if segments.is_empty() { Ok(None) } else { path::resolve(root, &segments).map(Some) });
    match file {
        Ok(None) => Response::text(Status::Ok, "text/html; charset=utf-8", index::page(root)),
        Ok(Some(file)) => serve_file(&file, request.header("Range")),
        Err(Refusal::BadRequest) => Response::error(Status::BadRequest),
        Err(Refusal::Forbidden) => Response::error(Status::Forbidden),
        Err(Refusal::NotFound) => Response::error(Status::NotFound),
    }
}

fn serve_file(path: &Path, range_header: Option<&str>) -> Response {
    let opened = File::open(path).and_then(|file| file.metadata().map(|meta| (file, meta.len())));
    let Ok((file, len)) = opened else { return Response::error(Status::InternalError) };
    let content_type = content_type(path);
    let response = match range::select(range_header, len) {
        Selection::Whole => Response::file(Status::Ok, content_type, file, 0, len),
        Selection::Part { start, end } => Response::file(Status::PartialContent, content_type, file, start, end - start + 1)
            .with_header("Content-Range", format!("bytes {start}-{end}/{len}")),
        Selection::Unsatisfiable => Response::error(Status::RangeNotSatisfiable).with_header("Content-Range", format!("bytes */{len}")),
    };
    response.with_header("Accept-Ranges", "bytes".into())
}
