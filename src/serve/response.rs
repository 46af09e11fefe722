//! Responses: a status, header fields and a body that is either small text or a slice of a
//! file streamed from disk. Every connection serves one request and is then closed.

use std::fs::File;
use std::fmt::Write as _;
use std::io::{self, Read, Seek, SeekFrom, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    PartialContent,
    BadRequest,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    RangeNotSatisfiable,
    HeaderFieldsTooLarge,
    InternalError,
    ServiceUnavailable,
}

impl Status {
    fn code_and_reason(self) -> (u16, &'static str) {
        match self {
            Status::Ok => (200, "OK"),
            Status::PartialContent => (206, "Partial Content"),
            Status::BadRequest => (400, "Bad Request"),
            Status::Forbidden => (403, "Forbidden"),
            Status::NotFound => (404, "Not Found"),
            Status::MethodNotAllowed => (405, "Method Not Allowed"),
            Status::RangeNotSatisfiable => (416, "Range Not Satisfiable"),
            Status::HeaderFieldsTooLarge => (431, "Request Header Fields Too Large"),
            Status::InternalError => (500, "Internal Server Error"),
            Status::ServiceUnavailable => (503, "Service Unavailable"),
        }
    }
}

enum Body {
    Text(Vec<u8>),
    /// `len` bytes of `file` from `start`.
    File {
        file: File,
        start: u64,
        len: u64,
    },
}

pub struct Response {
    status: Status,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

impl Response {
    pub fn text(status: Status, content_type: &str, text: String) -> Response {
        Response { status, headers: vec![("Content-Type", content_type.to_string())], body: Body::Text(text.into_bytes()) }
    }

    /// A short plain-text page for an error status.
    pub fn error(status: Status) -> Response {
        let (code, reason) = status.code_and_reason();
        Response::text(status, "text/plain; charset=utf-8", format!("{code} {reason}\n"))
    }

    /// `len` bytes of `file` from `start`, sent as they are read.
    pub fn file(status: Status, content_type: &str, file: File, start: u64, len: u64) -> Response {
        Response { status, headers: vec![("Content-Type", content_type.to_string())], body: Body::File { file, start, len } }
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Response {
        self.headers.push((name, value));
        self
    }

    /// Writes the response; the body only if `with_body` (it is left out for HEAD, with
    /// the headers unchanged).
    pub fn write_to(self, out: &mut impl Write, with_body: bool) -> io::Result<()> {
        let (code, reason) = self.status.code_and_reason();
        let len = match &self.body {
            Body::Text(bytes) => bytes.len() as u64,
            Body::File { len, .. } => *len,
        };
        let mut head = format!("HTTP/1.1 {code} {reason}\r\n");
        for (name, value) in &self.headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        let _ = write!(head, "Content-Length: {len}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n");
        out.write_all(head.as_bytes())?;
        if with_body {
            match self.body {
                Body::Text(bytes) => out.write_all(&bytes)?,
                Body::File { file, start, len } => stream_file(file, start, len, out)?,
            }
        }
        out.flush()
    }
}

fn stream_file(mut file: File, start: u64, len: u64, out: &mut impl Write) -> io::Result<()> {
    file.seek(SeekFrom::Start(start))?;
    let sent = io::copy(&mut file.take(len), out)?;
    if sent < len {
        // The file shrank after its size was read; the promised length cannot be kept.
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "file ended early"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_keeps_headers_and_drops_body() {
        let mut out = Vec::new();
        Response::error(Status::NotFound).write_to(&mut out, false).expect("write to memory");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(text.contains("Content-Length: 14\r\n"));
        assert!(text.ends_with("\r\n\r\n"));
    }

    #[test]
    fn streams_a_slice_of_a_file() {
        let mut temp = tempfile::tempfile().expect("temp file");
        temp.write_all(b"0123456789").expect("write");
        let mut out = Vec::new();
        Response::file(Status::PartialContent, "audio/wav", temp, 3, 4).write_to(&mut out, true).expect("write to memory");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("HTTP/1.1 206 Partial Content\r\nContent-Type: audio/wav\r\n"));
        assert!(text.ends_with("Content-Length: 4\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n3456"));
    }
}
