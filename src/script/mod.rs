//! The script builder: turns an article's paragraphs into speakers and turns.

mod builder;
mod explain;
mod labels;
mod model;
mod names;

pub use builder::{build, build_explained};
pub use explain::{Entry, Explanation, Fate};
pub use model::{Role, Script, Section, Source, Speaker, Turn, TurnKind};

/// Whether a paragraph opens with something written like a speaker label.
pub fn has_label(paragraph: &str) -> bool {
    labels::find(paragraph).is_some()
}
