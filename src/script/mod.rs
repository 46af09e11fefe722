//! The script builder: turns an article's paragraphs into speakers and turns.

mod builder;
mod labels;
mod model;
mod names;

pub use builder::build;
pub use model::{Role, Script, Section, Source, Speaker, Turn, TurnKind};
