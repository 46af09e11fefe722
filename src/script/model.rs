//! The Script: who speaks, in which sections, saying what. Serializable so a person can
//! review and edit it (`narrate script --json`) and render the edited file.

use crate::error::{Error, Result};
use crate::Language;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Script {
    pub title: String,
    pub language: Language,
    pub source: Source,
    pub speakers: Vec<Speaker>,
    pub sections: Vec<Section>,
    pub turns: Vec<Turn>,
}

/// Where the script came from; metadata read from the article's header.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub path: Option<String>,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// Stable key turns refer to: `host`, `guest`, `guest2`, `narrator`.
    pub id: String,
    /// Display name as the article gives it.
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Host,
    Guest,
    Narrator,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// A speaker id.
    pub speaker: String,
    pub kind: TurnKind,
    /// Index into `sections`.
    pub section: usize,
    /// Plain text; paragraphs separated by a blank line.
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TurnKind {
    Title,
    Intro,
    Heading,
    Question,
    Answer,
    Narration,
    /// Closing text after the interview's last answer, read by the host or narrator.
    Outro,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Host => "host",
            Role::Guest => "guest",
            Role::Narrator => "narrator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for TurnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            TurnKind::Title => "title",
            TurnKind::Intro => "intro",
            TurnKind::Heading => "heading",
            TurnKind::Question => "question",
            TurnKind::Answer => "answer",
            TurnKind::Narration => "narration",
            TurnKind::Outro => "outro",
        };
        f.write_str(name)
    }
}

impl Turn {
    /// The turn's paragraphs, without empty ones.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.text.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
    }
}

impl Script {
    /// A summary for feeds and tags: the article's intro, or else the first turn that is
    /// not a title or heading.
    pub fn description(&self) -> String {
        let is_body = |kind: TurnKind| !matches!(kind, TurnKind::Title | TurnKind::Heading);
        let turn = self.turns.iter().find(|t| t.kind == TurnKind::Intro).or_else(|| self.turns.iter().find(|t| is_body(t.kind)));
        match turn {
            Some(turn) => turn.paragraphs().collect::<Vec<_>>().join("\n\n"),
            None => self.title.trim().to_owned(),
        }
    }

    pub fn speaker(&self, id: &str) -> Option<&Speaker> {
        self.speakers.iter().find(|s| s.id == id)
    }

    /// Reads a script JSON file (as written by `narrate script --json`) and checks it.
    pub fn from_json_file(path: &Path) -> Result<Script> {
        let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
        let script: Script = serde_json::from_str(&text).map_err(|e| Error::Parse {
            path: path.into(),
            line: e.line(),
            message: format!("column {}: {e}", e.column()),
        })?;
        script.validate().map_err(|message| Error::InvalidScript { path: path.into(), message })?;
        Ok(script)
    }

    /// Checks the references inside a script: speakers exist, sections exist, text is there.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if self.turns.is_empty() {
            return Err("it has no turns".into());
        }
        let ids: HashSet<&str> = self.speakers.iter().map(|s| s.id.as_str()).collect();
        for (index, turn) in self.turns.iter().enumerate() {
            let n = index + 1;
            if !ids.contains(turn.speaker.as_str()) {
                return Err(format!("turn {n}: unknown speaker '{}'", turn.speaker));
            }
            if turn.section >= self.sections.len() {
                return Err(format!("turn {n}: section {} does not exist", turn.section));
            }
            if turn.text.trim().is_empty() {
                return Err(format!("turn {n}: text is empty"));
            }
        }
        Ok(())
    }
}

/// Readable rendering for `narrate script` without `--json`.
impl fmt::Display for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.title)?;
        writeln!(f, "language: {}", self.language)?;
        for speaker in &self.speakers {
            writeln!(f, "speaker {}: {} ({})", speaker.id, speaker.name, speaker.role)?;
        }
        // First speaker with each id, as `speaker` finds it, without a search per turn.
        let mut names: HashMap<&str, &str> = HashMap::new();
        for speaker in &self.speakers {
            names.entry(speaker.id.as_str()).or_insert(speaker.name.as_str());
        }
        let mut section = usize::MAX;
        for turn in &self.turns {
            if turn.section != section {
                section = turn.section;
                writeln!(f, "\n== {} ==", self.sections[section].title)?;
            }
            let name = names.get(turn.speaker.as_str()).copied().unwrap_or(turn.speaker.as_str());
            writeln!(f, "\n[{name} · {}]", turn.kind)?;
            for paragraph in turn.paragraphs() {
                writeln!(f, "{paragraph}")?;
            }
        }
        Ok(())
    }
}
