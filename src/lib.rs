//! narrate: article → script → speech → mixed podcast episode.

pub mod article;
pub mod audio;
mod error;
mod lang;
pub mod script;
pub mod text;

pub use error::{Error, Result};
pub use lang::Language;
