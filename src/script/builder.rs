//! Article → Script: finds the interview's speakers, gives them roles, and turns the
//! paragraphs into title / intro / heading / question / answer (or narration) turns.

use super::explain::{Entry, Explanation, Fate};
use super::labels::{self, Label};
use super::model::{Role, Script, Section, Source, Speaker, Turn, TurnKind};
use super::names;
use crate::article::{inline, Article, Block};
use crate::text;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Closing lines that are not part of an answer: a third-person report on the guest, an
/// end mark, an editor's note.
static OUTRO_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:he|she|they)\s+(?:says|said|adds|added|hopes|plans|will)|(?:says|said)\s+(?:he|she|they)|^\(?end\)?$|edited for|this interview|[他她](?:说|表示|称|希望|坦言)|（完）|\(完\)|^完$|^—+\s*end\s*—+$|记者手记|编者|本期节目|本节目由|感谢(?:您的)?收听|谢谢(?:大家|您)?收听|thanks for listening|this (?:episode|programme|program) (?:was|is) (?:supported|sponsored|brought|produced)|^(?:interview(?:ed)?|conducted|reporting|edited|compiled|produced) by\b")
        .unwrap()
});

/// Builds the script for an article.
pub fn build(article: &Article) -> Script {
    build_with_origins(article).0
}

/// Builds the script and the account of what became of each source paragraph.
pub fn build_explained(article: &Article) -> (Script, Explanation) {
    let (script, origins) = build_with_origins(article);
    let explanation = explain(article, &script.speakers, &script.turns, origins);
    (script, explanation)
}

fn build_with_origins(article: &Article) -> (Script, Vec<Origin>) {
    let language = text::detect_language(&all_text(article));
    let title = article.meta.title.clone().unwrap_or_else(|| untitled(article));
    let mut labels: Vec<Option<Label>> = article
        .blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph { text, .. } => labels::find(text),
            Block::Heading { .. } | Block::Break { .. } => None,
        })
        .collect();
    let name_lines = attach_standalone_labels(&article.blocks, &mut labels);
    if labels.iter().all(Option::is_none) {
        label_question_headings(&article.blocks, &mut labels);
    }
    let speakers = cast_speakers(article, &labels, language);
    let outro_from = if speakers.is_empty() { None } else { outro_start(article, &labels, &speakers) };
    let mut builder = TurnBuilder::new(&title, article.meta.title.is_some(), speakers.is_empty());
    for (index, (block, label)) in article.blocks.iter().zip(&labels).enumerate() {
        let line = block.line();
        match block {
            Block::Heading { text, .. } => match label.as_ref().and_then(|l| speakers.by_label.get(l.name)) {
                Some(speaker) => builder.labelled(line, text, speaker, &inline::plain(label_rest(label))),
                None => builder.heading(line, text),
            },
            Block::Break { .. } => builder.note(line, "---", "separator"),
            Block::Paragraph { text, .. } if name_lines[index] && labels[index + 1].as_ref().is_some_and(|l| speakers.by_label.contains_key(l.name)) => {
                builder.note(line, text, "speaker's name (labels the next paragraph)")
            }
            Block::Paragraph { text, .. } => match label.as_ref().and_then(|l| speakers.by_label.get(l.name)) {
                Some(speaker) => builder.labelled(line, text, speaker, &inline::plain(label_rest(label))),
                None if outro_from.is_some_and(|from| index >= from) => builder.outro(line, text),
                None => builder.paragraph(line, text),
            },
        }
    }
    let (speakers, sections, turns, origins) = builder.finish(speakers.list, language);
    let script = Script {
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
    };
    (script, origins)
}

/// Names set on a line of their own (see [`labels::standalone`]) become the label of the
/// paragraph after them when the name does so at least twice in the article, or is a
/// question or answer marker. Returns which blocks are such name lines.
fn attach_standalone_labels<'a>(blocks: &'a [Block], labels: &mut [Option<Label<'a>>]) -> Vec<bool> {
    let candidates: Vec<Option<(&'a str, &'a str)>> = (0..blocks.len())
        .map(|i| {
            let (Block::Paragraph { text, .. }, Some(Block::Paragraph { text: next, .. })) = (&blocks[i], blocks.get(i + 1)) else { return None };
            let name = labels::standalone(text)?;
            (labels[i + 1].is_none() && labels::standalone(next).is_none()).then_some((name, next.as_str()))
        })
        .collect();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for (name, _) in candidates.iter().flatten() {
        *uses.entry(name).or_default() += 1;
    }
    let mut name_lines = vec![false; blocks.len()];
    for (i, candidate) in candidates.into_iter().enumerate() {
        let Some((name, rest)) = candidate else { continue };
        if uses[name] >= 2 || labels::is_question_marker(name) || labels::is_answer_marker(name) {
            labels[i + 1] = Some(Label { name, rest, bold: false, role: None });
            name_lines[i] = true;
        }
    }
    name_lines
}

/// `**How did you start?**` over the answer: an interview without speaker labels that sets
/// each question as a line of its own in bold (a heading to the parser). When every heading
/// is a question, two or more, each is labelled `Q` and the paragraph under it `A`.
fn label_question_headings<'a>(blocks: &'a [Block], labels: &mut [Option<Label<'a>>]) {
    let headings: Vec<usize> = (0..blocks.len()).filter(|&i| matches!(blocks[i], Block::Heading { .. })).collect();
    let asks = |i: usize| matches!(&blocks[i], Block::Heading { text, .. } if is_question(text)) && matches!(blocks.get(i + 1), Some(Block::Paragraph { .. }));
    if headings.len() < 2 || !headings.iter().all(|&i| asks(i)) {
        return;
    }
    for i in headings {
        let (Block::Heading { text: question, .. }, Some(Block::Paragraph { text: answer, .. })) = (&blocks[i], blocks.get(i + 1)) else { continue };
        labels[i] = Some(Label { name: "Q", rest: question, bold: true, role: None });
        labels[i + 1] = Some(Label { name: "A", rest: answer, bold: false, role: None });
    }
}

/// Index of the first block after the last labelled turn that is not part of that answer:
/// a separator, a heading, or a paragraph that reads as an outro (see [`OUTRO_LINE`]) or
/// names the last speaker in the third person.
fn outro_start(article: &Article, labels: &[Option<Label>], cast: &Cast) -> Option<usize> {
    let last = labels.iter().rposition(|l| l.as_ref().is_some_and(|l| cast.by_label.contains_key(l.name)))?;
    let last_label = labels[last].as_ref()?;
    let speaker = cast.by_label.get(last_label.name)?;
    if speaker.kind != TurnKind::Answer {
        return None;
    }
    let name = cast.list.iter().find(|s| s.id == speaker.id).map_or(last_label.name, |s| s.name.as_str());
    let mentions = name_forms(name, last_label.name);
    (last + 1..article.blocks.len()).find(|&index| match &article.blocks[index] {
        Block::Break { .. } | Block::Heading { .. } => true,
        Block::Paragraph { text, .. } => {
            let plain = inline::plain(text);
            OUTRO_LINE.is_match(&plain) || is_italic(text) || mentions.iter().any(|m| plain.contains(m.as_str()))
        }
    })
}

/// The ways a text refers to a speaker: the full name, the label, and a Latin surname.
fn name_forms(name: &str, label: &str) -> Vec<String> {
    let mut forms = vec![name.to_owned(), label.to_owned()];
    if let Some(surname) = name.split_whitespace().last().filter(|s| s.len() > 2 && s.is_ascii()) {
        forms.push(surname.to_owned());
    }
    forms.retain(|f| f.chars().count() >= 2 && !labels::is_question_marker(f) && !labels::is_answer_marker(f));
    forms
}

fn is_italic(text: &str) -> bool {
    let text = text.trim();
    (text.starts_with('_') && text.ends_with('_') || text.starts_with('*') && !text.starts_with("**") && text.ends_with('*')) && text.len() > 2
}

/// Merges the spoken blocks' fates with the article's skipped paragraphs, in source order.
fn explain(article: &Article, speakers: &[Speaker], turns: &[Turn], origins: Vec<Origin>) -> Explanation {
    let mut names: HashMap<&str, &str> = HashMap::new();
    for speaker in speakers {
        names.entry(speaker.id.as_str()).or_insert(speaker.name.as_str());
    }
    let mut entries: Vec<Entry> = Vec::new();
    if let (Some(line), Some(title)) = (article.meta.title_line, &article.meta.title) {
        let speaker = turns.first().filter(|t| t.kind == TurnKind::Title).map(|t| t.speaker.clone());
        entries.push(spoken_entry(line, title, title, speaker.map(|s| (0, s)), &names, TurnKind::Title));
    }
    for origin in origins {
        let entry = match origin.turn {
            Some(turn) => spoken_entry(origin.line, &origin.text, &origin.said, Some((turn, turns[turn].speaker.clone())), &names, turns[turn].kind),
            None => Entry { line: origin.line, text: origin.text, fate: Fate::Dropped { reason: origin.reason.into() } },
        };
        entries.push(entry);
    }
    for skipped in &article.skipped {
        entries.push(Entry { line: skipped.line, text: skipped.text.clone(), fate: Fate::Dropped { reason: skipped.reason.to_string() } });
    }
    entries.sort_by_key(|e| e.line);
    Explanation { entries }
}

fn spoken_entry(line: usize, text: &str, said: &str, turn: Option<(usize, String)>, names: &HashMap<&str, &str>, kind: TurnKind) -> Entry {
    let fate = match turn {
        Some((turn, speaker)) => {
            let name = names.get(speaker.as_str()).map_or_else(|| speaker.clone(), |name| (*name).to_owned());
            Fate::Spoken { turn: turn + 1, speaker, name, kind, said: said.to_owned() }
        }
        None => Fate::Dropped { reason: "title (not read)".into() },
    };
    Entry { line, text: text.to_owned(), fate }
}

fn label_rest<'a>(label: &'a Option<Label>) -> &'a str {
    label.as_ref().map_or("", |l| l.rest)
}

fn all_text(article: &Article) -> String {
    let mut text = article.meta.title.clone().unwrap_or_default();
    for block in &article.blocks {
        if let Block::Heading { text: t, .. } | Block::Paragraph { text: t, .. } = block {
            text.push('\n');
            text.push_str(t);
        }
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
    /// Written as the interviewer: `Q`, `记者`, `NAME (host)`.
    marks_host: bool,
}

/// Decides which label candidates are speakers and which of them is the interviewer.
fn cast_speakers(article: &Article, labels: &[Option<Label>], language: crate::Language) -> Cast {
    let mut stats: Vec<LabelStats> = Vec::new();
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for label in labels.iter().flatten() {
        let index = *index_of.entry(label.name).or_insert_with(|| {
            stats.push(LabelStats { name: label.name, turns: 0, questions: 0, bold: label.bold, marks_host: false });
            stats.len() - 1
        });
        stats[index].turns += 1;
        stats[index].marks_host |= label.marks_host();
        stats[index].questions += usize::from(is_question(label.rest));
    }
    let bold_names = stats.iter().filter(|s| s.bold).count();
    stats.retain(|s| {
        s.turns >= 2 || s.marks_host || labels::is_answer_marker(s.name) || (s.bold && bold_names >= 2)
    });
    if stats.len() < 2 && !stats.iter().any(|s| s.marks_host) {
        return Cast { list: Vec::new(), by_label: HashMap::new() };
    }
    let interviewers = interviewers(&stats);
    let mut list = Vec::new();
    let mut by_label = HashMap::new();
    let (mut hosts, mut guests) = (0, 0);
    let numbered = |word: &str, n: usize| if n == 1 { word.to_owned() } else { format!("{word}{n}") };
    let lead = names::Lead::of(article);
    if interviewers.len() > 1 {
        // Several reporters ask (a press conference): the title and the lead are read by
        // an interviewer of the episode's own, in the same voice as the questions.
        let marker = if language == crate::Language::Zh { "记者" } else { "Q" };
        list.push(Speaker { id: "host".into(), name: names::full_name(marker, Role::Host, article, &lead, language), role: Role::Host });
        hosts = 1;
    }
    for (index, stat) in stats.iter().enumerate() {
        let (id, role, kind) = if interviewers.contains(&index) {
            hosts += 1;
            (numbered("host", hosts), Role::Host, TurnKind::Question)
        } else {
            guests += 1;
            (numbered("guest", guests), Role::Guest, TurnKind::Answer)
        };
        let name = names::full_name(stat.name, role, article, &lead, language);
        list.push(Speaker { id: id.clone(), name, role });
        by_label.insert(stat.name.to_owned(), SpeakerTurns { id, kind });
    }
    Cast { list, by_label }
}

/// Who asks: every label written as the interviewer (a question marker, a reporter, a
/// `(host)` role: a press conference has several), otherwise the one label whose turns are
/// most often questions; ties go to the label that speaks first.
fn interviewers(stats: &[LabelStats]) -> Vec<usize> {
    let marked: Vec<usize> = (0..stats.len()).filter(|&i| stats[i].marks_host).collect();
    if !marked.is_empty() {
        return marked;
    }
    if let Some(i) = stats.iter().position(|s| labels::is_answer_marker(s.name)) {
        return vec![usize::from(i == 0)];
    }
    let mut best = 0;
    for (i, s) in stats.iter().enumerate() {
        let share = s.questions as f64 / s.turns as f64;
        let best_share = stats[best].questions as f64 / stats[best].turns as f64;
        if share > best_share + 1e-9 {
            best = i;
        }
    }
    vec![best]
}

/// Whether a turn's text ends as a question (closing quotes and brackets ignored).
fn is_question(text: &str) -> bool {
    let end = text.trim_end_matches(|c: char| c.is_whitespace() || "”\"’'）)*_".contains(c));
    end.ends_with(['？', '?'])
}

/// Where one source block went: the turn it is spoken in, or why it is not.
struct Origin {
    line: usize,
    text: String,
    turn: Option<usize>,
    /// What of it is spoken: its plain text without the speaker label.
    said: String,
    reason: &'static str,
}

/// Accumulates turns and sections while walking the article's blocks.
struct TurnBuilder {
    narrated: bool,
    started: bool,
    sections: Vec<Section>,
    turns: Vec<Turn>,
    origins: Vec<Origin>,
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
            origins: Vec::new(),
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

    /// Records that the block at `line` went into the last turn.
    fn spoken(&mut self, line: usize, source: &str, said: &str) {
        let turn = self.turns.len().checked_sub(1);
        self.origins.push(Origin { line, text: source.to_owned(), turn, said: said.to_owned(), reason: "" });
    }

    fn note(&mut self, line: usize, source: &str, reason: &'static str) {
        self.origins.push(Origin { line, text: source.to_owned(), turn: None, said: String::new(), reason });
    }

    fn heading(&mut self, line: usize, source: &str) {
        let text = inline::plain(source);
        if text.is_empty() {
            return self.note(line, source, "markup without words");
        }
        self.sections.push(Section { title: text.clone() });
        let section = self.section();
        self.turns.push(Turn { speaker: self.voice_of_text().into(), kind: TurnKind::Heading, section, text: text.clone() });
        self.spoken(line, source, &text);
    }

    fn labelled(&mut self, line: usize, source: &str, speaker: &SpeakerTurns, text: &str) {
        self.started = true;
        let section = self.section();
        self.turns.push(Turn { speaker: speaker.id.clone(), kind: speaker.kind, section, text: text.to_owned() });
        self.spoken(line, source, text);
    }

    /// Closing text after the last answer: the host's (or narrator's) outro.
    fn outro(&mut self, line: usize, source: &str) {
        let text = inline::plain(source);
        if text.is_empty() {
            return self.note(line, source, "markup without words");
        }
        let section = self.section();
        match self.turns.last_mut() {
            Some(last) if last.kind == TurnKind::Outro && last.section == section => {
                last.text.push_str("\n\n");
                last.text.push_str(&text);
            }
            _ => {
                let speaker = self.voice_of_text().into();
                self.turns.push(Turn { speaker, kind: TurnKind::Outro, section, text: text.clone() });
            }
        }
        self.spoken(line, source, &text);
    }

    fn paragraph(&mut self, line: usize, source: &str) {
        let text = inline::plain(source);
        if text.is_empty() {
            return self.note(line, source, "markup without words");
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
                last.text.push_str(&text);
            }
            _ => {
                let kind = if self.narrated { TurnKind::Narration } else { TurnKind::Intro };
                self.turns.push(Turn { speaker: self.voice_of_text().into(), kind, section, text: text.clone() });
            }
        }
        self.spoken(line, source, &text);
    }

    /// Drops turns left empty (a label with nothing after it) and names the narrator.
    fn finish(mut self, mut speakers: Vec<Speaker>, language: crate::Language) -> (Vec<Speaker>, Vec<Section>, Vec<Turn>, Vec<Origin>) {
        let mut new_index = Vec::with_capacity(self.turns.len());
        let mut kept = 0;
        for turn in &self.turns {
            let keep = !turn.text.trim().is_empty();
            new_index.push(keep.then_some(kept));
            kept += usize::from(keep);
        }
        self.turns.retain(|t| !t.text.trim().is_empty());
        for origin in &mut self.origins {
            if let Some(turn) = origin.turn {
                origin.turn = new_index[turn];
                if origin.turn.is_none() {
                    origin.reason = "speaker label with nothing after it";
                }
            }
        }
        if self.narrated {
            let name = match language {
                crate::Language::Zh => "旁白",
                crate::Language::En => "Narrator",
            };
            speakers = vec![Speaker { id: "narrator".into(), name: name.into(), role: Role::Narrator }];
        }
        (speakers, self.sections, self.turns, self.origins)
    }
}
