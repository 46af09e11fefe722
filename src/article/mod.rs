//! The input document: decoding its bytes and reading its structure (title, metadata,
//! headings, body paragraphs), with the non-spoken parts — images, captions, credits,
//! editor's notes — already removed.

mod decode;
pub mod inline;
mod parse;

pub use decode::decode;
pub use parse::parse;

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Metadata read from the article's header lines; never spoken except the title.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
}

/// One spoken block of the article, with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A section heading (`## …` or a paragraph that is only bold text).
    Heading { line: usize, text: String },
    /// A body paragraph, inline markup still in place (labels are read from it).
    Paragraph { line: usize, text: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    pub path: PathBuf,
    pub meta: Meta,
    pub blocks: Vec<Block>,
}

/// Reads, decodes and parses an article file.
pub fn read(path: &Path) -> Result<Article> {
    if path.is_dir() {
        return Err(Error::IsDirectory { path: path.into() });
    }
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    let text = decode(&bytes, path)?;
    let article = parse(&text, path);
    if article.blocks.is_empty() {
        let what = match &article.meta.title {
            Some(title) => format!("only the title \"{title}\""),
            None => "no paragraphs".into(),
        };
        return Err(Error::NothingToNarrate { path: path.into(), what });
    }
    Ok(article)
}
