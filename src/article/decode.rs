//! Bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK otherwise.
//! Binary and empty input are refused here, before anything else looks at the file.

use crate::error::{Error, Result};
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use std::path::Path;

/// Share of control characters above which a file is treated as binary.
const MAX_CONTROL_SHARE: f64 = 0.05;

/// Decodes an article file's bytes. `path` is only used in error messages.
pub fn decode(bytes: &[u8], path: &Path) -> Result<String> {
    let text = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest, path)?,
        [0xFF, 0xFE, rest @ ..] => UTF_16LE.decode_without_bom_handling(rest).0.into_owned(),
        [0xFE, 0xFF, rest @ ..] => UTF_16BE.decode_without_bom_handling(rest).0.into_owned(),
        _ => {
            if let Some(offset) = bytes.iter().position(|&b| b == 0) {
                return Err(Error::BinaryInput { path: path.into(), offset });
            }
            match std::str::from_utf8(bytes) {
                Ok(text) => text.to_owned(),
                Err(utf8_error) => {
                    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
                    if had_errors {
                        return Err(Error::Encoding { path: path.into(), offset: utf8_error.valid_up_to() });
                    }
                    text.into_owned()
                }
            }
        }
    };
    check_is_text(&text, path)?;
    Ok(text)
}

fn utf8(bytes: &[u8], path: &Path) -> Result<String> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| Error::Encoding { path: path.into(), offset: e.valid_up_to() + 3 })
}

/// Refuses whitespace-only text and text that is mostly control characters.
fn check_is_text(text: &str, path: &Path) -> Result<()> {
    let mut total = 0usize;
    let mut control = 0usize;
    let mut first_control = None;
    let mut has_content = false;
    for (offset, c) in text.char_indices() {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            control += 1;
            first_control.get_or_insert(offset);
        } else if !c.is_whitespace() && c != '\u{feff}' {
            has_content = true;
        }
    }
    if control > 0 && control as f64 > MAX_CONTROL_SHARE * total as f64 {
        return Err(Error::BinaryInput { path: path.into(), offset: first_control.unwrap_or(0) });
    }
    if !has_content {
        return Err(Error::EmptyInput { path: path.into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("a.txt")
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("你好".as_bytes(), p()).unwrap(), "你好");
        assert_eq!(decode(b"\xEF\xBB\xBFhello", p()).unwrap(), "hello");
    }

    #[test]
    fn utf16_both_byte_orders() {
        let le: Vec<u8> = [0xFF, 0xFE].into_iter().chain("问：好".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("问：好".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(&le, p()).unwrap(), "问：好");
        assert_eq!(decode(&be, p()).unwrap(), "问：好");
    }

    #[test]
    fn gbk_bytes() {
        let (bytes, _, _) = GB18030.encode("中哈关系");
        assert_eq!(decode(&bytes, p()).unwrap(), "中哈关系");
    }

    #[test]
    fn refuses_empty_binary_and_garbage() {
        assert!(matches!(decode(b"", p()), Err(Error::EmptyInput { .. })));
        assert!(matches!(decode(b" \n\t \r\n", p()), Err(Error::EmptyInput { .. })));
        assert!(matches!(decode(b"PK\x03\x04\x00\x00", p()), Err(Error::BinaryInput { offset: 4, .. })));
        assert!(matches!(decode(b"\x01\x02\x03\x04abc", p()), Err(Error::BinaryInput { .. })));
        assert!(matches!(decode(b"ab\xFF\xFF\xFF", p()), Err(Error::Encoding { offset: 2, .. })));
    }
}
