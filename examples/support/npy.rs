//! Minimal reader for little-endian `.npy` files (format 1.x/2.x, C order), shared by the
//! reference-check examples.

use std::path::Path;

pub struct Array {
    pub shape: Vec<usize>,
    pub dtype: String,
    pub bytes: Vec<u8>,
}

pub fn read(path: &Path) -> Result<Array, String> {
    let raw = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if raw.len() < 10 || &raw[..6] != b"\x93NUMPY" {
        return Err(format!("{}: not an npy file", path.display()));
    }
    let (header_len, start) = match raw[6] {
        1 => (u16::from_le_bytes([raw[8], raw[9]]) as usize, 10),
        _ if raw.len() >= 12 => (u32::from_le_bytes([raw[8], raw[9], raw[10], raw[11]]) as usize, 12),
        _ => return Err(format!("{}: truncated header", path.display())),
    };
    let header = std::str::from_utf8(raw.get(start..start + header_len).ok_or("truncated header")?)
        .map_err(|e| e.to_string())?;
    let field = |key: &str| -> Result<&str, String> {
        let at = header.find(key).ok_or(format!("{}: no {key} in header", path.display()))?;
        Ok(header[at + key.len()..].trim_start_matches([':', ' ', '\'']))
    };
    let dtype = field("'descr'")?.split('\'').next().unwrap_or("").to_string();
    if field("'fortran_order'")?.starts_with("True") {
        return Err(format!("{}: fortran order not supported", path.display()));
    }
    let shape_text = field("'shape'")?;
    let shape_text = &shape_text[shape_text.find('(').ok_or("bad shape")? + 1..shape_text.find(')').ok_or("bad shape")?];
    let shape = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Array { shape, dtype, bytes: raw[start + header_len..].to_vec() })
}

impl Array {
    pub fn f32s(&self) -> Result<Vec<f32>, String> {
        if self.dtype != "<f4" {
            return Err(format!("expected <f4, found {}", self.dtype));
        }
        Ok(self.bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
    pub fn i32s(&self) -> Result<Vec<i32>, String> {
        if self.dtype != "<i4" {
            return Err(format!("expected <i4, found {}", self.dtype));
        }
        Ok(self.bytes.chunks_exact(4).map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
}
