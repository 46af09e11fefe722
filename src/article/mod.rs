//! The input document: decoding its bytes and reading its structure (title, metadata,
//! headings, body paragraphs), with the non-spoken parts — images, captions, credits,
//! editor's notes — already removed.

mod blocks;
mod decode;
mod html;
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
    /// Line the title was read from (none when it came from HTML metadata or the file name).
    pub title_line: Option<usize>,
}

impl Meta {
    /// Fills the fields still empty from `other` (a page's own metadata).
    fn fill_from(&mut self, other: Meta) {
        self.title = self.title.take().or(other.title);
        self.byline = self.byline.take().or(other.byline);
        self.date = self.date.take().or(other.date);
        self.url = self.url.take().or(other.url);
    }
}

/// One spoken block of the article, with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A section heading (`## …` or a paragraph that is only bold text).
    Heading { line: usize, text: String },
    /// A body paragraph, inline markup still in place (labels are read from it).
    Paragraph { line: usize, text: String },
    /// A horizontal rule: a break in the text (what follows an interview's last answer
    /// after one is not the guest's).
    Break { line: usize },
}

impl Block {
    pub fn line(&self) -> usize {
        match self {
            Block::Heading { line, .. } | Block::Paragraph { line, .. } | Block::Break { line } => *line,
        }
    }
}

/// A paragraph of the source that is not spoken, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub line: usize,
    pub text: String,
    pub reason: Skip,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// A header line kept as metadata: `byline`, `date` or `url`.
    Metadata(&'static str),
    Image,
    Caption,
    Credit,
    EditorsNote,
    Advert,
    /// A publishing platform's prompt: subscribe, share, follow, `在看`.
    Prompt,
    /// `（完）`, `(END)`: the mark that closes a news story.
    EndMark,
    /// `相关阅读：`, `Related stories` and the headlines listed under it.
    Related,
    /// A paragraph that is only a link (`[Share](…)`, `[Related story](…)`).
    Link,
    /// Markup with no words in it.
    Markup,
    Table,
    Code,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Metadata(field) => write!(f, "metadata ({field})"),
            Skip::Image => f.write_str("image"),
            Skip::Caption => f.write_str("image caption"),
            Skip::Credit => f.write_str("photo/production credit"),
            Skip::EditorsNote => f.write_str("editor's note"),
            Skip::Advert => f.write_str("advertisement"),
            Skip::Prompt => f.write_str("platform prompt (subscribe, share, follow)"),
            Skip::EndMark => f.write_str("end mark"),
            Skip::Related => f.write_str("related reading (not read)"),
            Skip::Link => f.write_str("link alone (navigation)"),
            Skip::Markup => f.write_str("markup without words"),
            Skip::Table => f.write_str("table (not read)"),
            Skip::Code => f.write_str("code block (not read)"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    pub path: PathBuf,
    pub meta: Meta,
    pub blocks: Vec<Block>,
    /// Source paragraphs that are not spoken, in source order.
    pub skipped: Vec<Skipped>,
}

/// Reads, decodes and parses an article file: Markdown or plain text, or an HTML page
/// (`.html`/`.htm`, or text that starts as one) whose article text is extracted first.
pub fn read(path: &Path) -> Result<Article> {
    if path.is_dir() {
        return Err(Error::IsDirectory { path: path.into() });
    }
    let bytes = std::fs::read(path).map_err(Error::io(path))?;
    let text = decode(&bytes, path)?;
    let article = if html::is_html(path, &text) {
        let (markdown, page_meta) = html::extract(&text, path)?;
        let mut article = parse(&markdown, path);
        article.meta.fill_from(page_meta);
        article
    } else {
        parse(&text, path)
    };
    if article.blocks.is_empty() {
        let what = match &article.meta.title {
            Some(title) => format!("only the title \"{title}\""),
            None => "no paragraphs".into(),
        };
        return Err(Error::NothingToNarrate { path: path.into(), what });
    }
    Ok(article)
}
