//! Article → Script: finds the interview's speakers, gives them roles, and turns the
//! paragraphs into title / intro / heading / question / answer (or narration) turns.

use super::labels::{self, Label};
use super::model::{Role, Script, Section, Source, Speaker, Turn, TurnKind};
use super::names;
use crate::article::{inline, Article, Block};
use crate::text;
use std::collections::HashMap;

/// Builds the script for an article.
pub fn build(article: &Article) -> Script {
    let language = text::detect_language(&all_text(article));
    let title = article.meta.title.clone().unwrap_or_else(|| untitled(article));
    let labels: Vec<Option<Label>> = article
        .blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph { text, .. } => labels::find(text),
            Block::Heading { .. } => None,
        })
        .collect();
    let speakers = cast_speakers(article, &labels, language);
    let mut builder = TurnBuilder::new(&title, article.meta.title.is_some(), speakers.is_empty());
    for (block, label) in article.blocks.iter().zip(&labels) {
        match block {
            Block::Heading { text, .. } => builder.heading(text),
            Block::Paragraph { text, .. } => match label.as_ref().and_then(|l| speakers.by_label.get(l.name)) {
                Some(speaker) => builder.labelled(speaker, &inline::plain(label_rest(label))),
                None => builder.paragraph(&inline::plain(text)),
            },
        }
    }
    let (speakers, sections, turns) = builder.finish(speakers.list, language);
    Script {
        title: title.clone(),
        language,
        source: Source {
            path: Some(article.path.display().to_string()),
            title: article.meta.title.clone(),
            byline: article.meta.byline.clone(),
            date: article.meta.date.clone(),
            url: article.meta.url.clone(),
        },
        speakers,
        sections,
        turns,
    }
}

fn label_rest<'a>(label: &'a Option<Label>) -> &'a str {
    label.as_ref().map_or("", |l| l.rest)
}

fn all_text(article: &Article) -> String {
    let mut text = article.meta.title.clone().unwrap_or_default();
    for block in &article.blocks {
        let (Block::Heading { text: t, .. } | Block::Paragraph { text: t, .. }) = block;
        text.push('\n');
        text.push_str(t);
    }
    text
}

fn untitled(article: &Article) -> String {
    article.path.file_stem().map_or_else(|| "Untitled".into(), |s| s.to_string_lossy().into_owned())
}

/// The interview's speakers, keyed by the label text used in the article.
struct Cast {
    list: Vec<Speaker>,
    by_label: HashMap<String, SpeakerTurns>,
}

#[derive(Clone)]
struct SpeakerTurns {
    id: String,
    kind: TurnKind,
}

impl Cast {
    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Per-label tallies used to decide which labels are speakers and who asks.
struct LabelStats<'a> {
    name: &'a str,
    turns: usize,
    questions: usize,
    bold: bool,
}

/// Decides which label candidates are speakers and which of them is the interviewer.
fn cast_speakers(article: &Article, labels: &[Option<Label>], language: crate::Language) -> Cast {
    let mut stats: Vec<LabelStats> = Vec::new();
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for label in labels.iter().flatten() {
        let index = *index_of.entry(label.name).or_insert_with(|| {
            stats.push(LabelStats { name: label.name, turns: 0, questions: 0, bold: label.bold });
            stats.len() - 1
        });
        stats[index].turns += 1;
        stats[index].questions += usize::from(is_question(label.rest));
    }
    let bold_names = stats.iter().filter(|s| s.bold).count();
    stats.retain(|s| {
        s.turns >= 2 || labels::is_question_marker(s.name) || labels::is_answer_marker(s.name) || (s.bold && bold_names >= 2)
    });
    if stats.len() < 2 && !stats.iter().any(|s| labels::is_question_marker(s.name)) {
        return Cast { list: Vec::new(), by_label: HashMap::new() };
    }
    let interviewer = interviewer(&stats);
    let mut list = Vec::new();
    let mut by_label = HashMap::new();
    let mut guests = 0;
    let lead = names::Lead::of(article);
    for (index, stat) in stats.iter().enumerate() {
        let (id, role, kind) = if index == interviewer {
            ("host".to_owned(), Role::Host, TurnKind::Question)
        } else {
            guests += 1;
            let id = if guests == 1 { "guest".to_owned() } else { format!("guest{guests}") };
            (id, Role::Guest, TurnKind::Answer)
        };
        let name = names::full_name(stat.name, role, article, &lead, language);
        list.push(Speaker { id: id.clone(), name, role });
        by_label.insert(stat.name.to_owned(), SpeakerTurns { id, kind });
    }
    Cast { list, by_label }
}

/// The interviewer: a question marker if there is one, otherwise the label whose turns
/// are most often questions; ties go to the label that speaks first.
fn interviewer(stats: &[LabelStats]) -> usize {
    if let Some(i) = stats.iter().position(|s| labels::is_question_marker(s.name)) {
        return i;
    }
    if let Some(i) = stats.iter().position(|s| labels::is_answer_marker(s.name)) {
        return usize::from(i == 0);
    }
    let mut best = 0;
    for (i, s) in stats.iter().enumerate() {
        let share = s.questions as f64 / s.turns as f64;
        let best_share = stats[best].questions as f64 / stats[best].turns as f64;
        if share > best_share + 1e-9 {
            best = i;
        }
    }
    best
}

/// Whether a turn's text ends as a question (closing quotes and brackets ignored).
fn is_question(text: &str) -> bool {
    let end = text.trim_end_matches(|c: char| c.is_whitespace() || "”\"’'）)*_".contains(c));
    end.ends_with(['？', '?'])
}

/// Accumulates turns and sections while walking the article's blocks.
struct TurnBuilder {
    narrated: bool,
    started: bool,
    sections: Vec<Section>,
    turns: Vec<Turn>,
}

impl TurnBuilder {
    /// `spoken_title`: whether the article has a title of its own to read out (a title
    /// made up from the file name is not read).
    fn new(title: &str, spoken_title: bool, narrated: bool) -> Self {
        let speaker = if narrated { "narrator" } else { "host" };
        let title_turn = Turn { speaker: speaker.into(), kind: TurnKind::Title, section: 0, text: title.to_owned() };
        TurnBuilder {
            narrated,
            started: false,
            sections: vec![Section { title: title.to_owned() }],
            turns: if spoken_title { vec![title_turn] } else { Vec::new() },
        }
    }

    fn voice_of_text(&self) -> &'static str {
        if self.narrated {
            "narrator"
        } else {
            "host"
        }
    }

    fn section(&self) -> usize {
        self.sections.len() - 1
    }

    fn heading(&mut self, text: &str) {
        let text = inline::plain(text);
        if text.is_empty() {
            return;
        }
        self.sections.push(Section { title: text.clone() });
        let section = self.section();
        self.turns.push(Turn { speaker: self.voice_of_text().into(), kind: TurnKind::Heading, section, text });
    }

    fn labelled(&mut self, speaker: &SpeakerTurns, text: &str) {
        self.started = true;
        let section = self.section();
        self.turns.push(Turn { speaker: speaker.id.clone(), kind: speaker.kind, section, text: text.to_owned() });
    }

    fn paragraph(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let section = self.section();
        let continues = match self.turns.last() {
            Some(_) if self.narrated => false,
            Some(last) if self.started => matches!(last.kind, TurnKind::Question | TurnKind::Answer | TurnKind::Intro),
            Some(last) => last.kind == TurnKind::Intro && last.section == section,
            None => false,
        };
        match self.turns.last_mut() {
            Some(last) if continues => {
                if !last.text.is_empty() {
                    last.text.push_str("\n\n");
                }
                last.text.push_str(text);
            }
            _ => {
                let kind = if self.narrated { TurnKind::Narration } else { TurnKind::Intro };
                self.turns.push(Turn { speaker: self.voice_of_text().into(), kind, section, text: text.to_owned() });
            }
        }
    }

    /// Drops turns left empty (a label with nothing after it) and names the narrator.
    fn finish(mut self, mut speakers: Vec<Speaker>, language: crate::Language) -> (Vec<Speaker>, Vec<Section>, Vec<Turn>) {
        self.turns.retain(|t| !t.text.trim().is_empty());
        if self.narrated {
            let name = match language {
                crate::Language::Zh => "旁白",
                crate::Language::En => "Narrator",
            };
            speakers = vec![Speaker { id: "narrator".into(), name: name.into(), role: Role::Narrator }];
        }
        (speakers, self.sections, self.turns)
    }
}
