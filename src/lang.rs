//! The languages narrate reads and speaks.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Language of an article, a script or a voice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Zh,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "cmn" | "zh-cn" | "chinese" => Ok(Language::Zh),
            "en" | "en-us" | "en-gb" | "english" => Ok(Language::En),
            other => Err(format!("unknown language '{other}' (expected zh or en)")),
        }
    }
}
