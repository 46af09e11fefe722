//! Reading an HTTP/1.x request head: the request line and the header fields. Bodies are
//! never read: the server only answers GET and HEAD.

use std::io::{BufRead, Read};

/// Largest request head accepted; browsers and podcast apps send far less.
const MAX_HEAD_BYTES: u64 = 16 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Other,
}

#[derive(Debug)]
pub struct Request {
    pub method: Method,
    /// The request target as sent, e.g. `/episodes/a%20b/episode.mp3?t=1`.
    pub target: String,
    headers: Vec<(String, String)>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The client closed the connection or went quiet before sending a request.
    Closed,
    Malformed,
    TooLarge,
}

impl Request {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// Reads one request head from `reader`.
pub fn read(reader: &mut impl BufRead) -> Result<Request, RequestError> {
    let mut limited = reader.take(MAX_HEAD_BYTES);
    let Some(request_line) = next_line(&mut limited)? else { return Err(RequestError::Closed) };
    let (method, target) = parse_request_line(&request_line)?;
    let mut headers = Vec::new();
    loop {
        let line = next_line(&mut limited)?.ok_or(RequestError::Malformed)?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or(RequestError::Malformed)?;
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(RequestError::Malformed);
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    Ok(Request { method, target, headers })
}

/// The next line without its line ending, or `None` at the end of the stream.
fn next_line(reader: &mut std::io::Take<&mut impl BufRead>) -> Result<Option<String>, RequestError> {
    let mut bytes = Vec::new();
    // A read error here is a timeout or a reset: nobody is left to answer.
    let read = reader.read_until(b'\n', &mut bytes).map_err(|_| RequestError::Closed)?;
    if read == 0 {
        return if reader.limit() == 0 { Err(RequestError::TooLarge) } else { Ok(None) };
    }
    if bytes.last() != Some(&b'\n') {
        return Err(if reader.limit() == 0 { RequestError::TooLarge } else { RequestError::Malformed });
    }
    bytes.pop();
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    String::from_utf8(bytes).map(Some).map_err(|_| RequestError::Malformed)
}

fn parse_request_line(line: &str) -> Result<(Method, String), RequestError> {
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(RequestError::Malformed);
    };
    if !version.starts_with("HTTP/1.") || target.is_empty() {
        return Err(RequestError::Malformed);
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => Method::Other,
    };
    Ok((method, target.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Request, RequestError> {
        read(&mut text.as_bytes())
    }

    #[test]
    fn reads_method_target_and_headers() {
        let request = parse("HEAD /feed.xml HTTP/1.1\r\nHost: x\r\nrange:  bytes=0-9 \r\n\r\n").expect("valid request");
        assert_eq!(request.method, Method::Head);
        assert_eq!(request.target, "/feed.xml");
        assert_eq!(request.header("Range"), Some("bytes=0-9"));
        assert_eq!(request.header("Accept"), None);
    }

    #[test]
    fn accepts_bare_newlines() {
        let request = parse("GET / HTTP/1.0\nHost: x\n\n").expect("valid request");
        assert_eq!(request.method, Method::Get);
    }

    #[test]
    fn refuses_bad_heads() {
        assert_eq!(parse("").unwrap_err(), RequestError::Closed);
        assert_eq!(parse("GET /\r\n\r\n").unwrap_err(), RequestError::Malformed);
        assert_eq!(parse("GET / SPDY/3\r\n\r\n").unwrap_err(), RequestError::Malformed);
        assert_eq!(parse("GET / HTTP/1.1\r\nno colon\r\n\r\n").unwrap_err(), RequestError::Malformed);
        assert_eq!(parse("GET / HTTP/1.1\r\nHost: x\r\n").unwrap_err(), RequestError::Malformed);
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
        assert_eq!(parse(&huge).unwrap_err(), RequestError::TooLarge);
    }

    #[test]
    fn other_methods_are_recognized_as_such() {
        assert_eq!(parse("POST / HTTP/1.1\r\n\r\n").expect("valid request").method, Method::Other);
    }
}
