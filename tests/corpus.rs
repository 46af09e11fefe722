//! The article corpus: articles written for this project in the formats other people use
//! (news Q&A in English and Chinese, radio transcripts, `Q.`/`A.`, `【记者】`, panels, prose,
//! Markdown of every kind, saved HTML pages). For each, the script a user gets — speakers
//! named as the article names them, turn kinds in order, what is dropped — and, from the
//! `--explain` listing, that every source sentence is spoken exactly once.

use narrate::article::inline::plain;
use narrate::script::{Entry, Explanation, Fate, Role, Script, TurnKind};
use narrate::Language::{self, En, Zh};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use Role::{Guest, Host, Narrator};

struct Case {
    file: &'static str,
    language: Language,
    speakers: &'static [(&'static str, Role)],
    /// Turn kinds in order: T title, I intro, H heading, Q question, A answer,
    /// N narration, O outro.
    turns: &'static str,
    /// Why the paragraphs not spoken are dropped, in source order.
    dropped: &'static [&'static str],
}

const BYLINE: &str = "metadata (byline)";
const DATE: &str = "metadata (date)";
const IMAGE: &str = "image";
const CAPTION: &str = "image caption";
const CREDIT: &str = "photo/production credit";
const END: &str = "end mark";
const PROMPT: &str = "platform prompt (subscribe, share, follow)";
const TIME: &str = "metadata (time)";
const LINK: &str = "link alone (navigation)";
const RELATED: &str = "related reading (not read)";
const NAME_LINE: &str = "speaker's name (labels the next paragraph)";

const CASES: &[Case] = &[
    // English news Q&A
    Case { file: "en-spoke-with.md", language: En, speakers: &[("Clara Jensen", Host), ("Rosa Delgado", Guest)], turns: "TIQAQA", dropped: &[BYLINE] },
    Case { file: "en-interviewed.txt", language: En, speakers: &[("Ann Lee", Host), ("Bob Stone", Guest)], turns: "TIQAQA", dropped: &[] },
    Case { file: "en-with-x.md", language: En, speakers: &[("Interviewer", Host), ("Dr. Marcus Webb", Guest)], turns: "TIQAQA", dropped: &[] },
    Case { file: "en-conversation-with.md", language: En, speakers: &[("Interviewer", Host), ("Priya Nair", Guest)], turns: "TIQAQA", dropped: &[] },
    Case { file: "en-dr-labels.txt", language: En, speakers: &[("Nora Quinn", Host), ("Dr. Tomas Berg", Guest)], turns: "TIQAQAQA", dropped: &[BYLINE] },
    Case { file: "en-italic-labels.md", language: En, speakers: &[("Sam Whitfield", Host), ("Edith Marsh", Guest)], turns: "TIQAQA", dropped: &[BYLINE] },
    Case { file: "en-setext.md", language: En, speakers: &[("Lucy Tran", Host), ("Minh Pham", Guest)], turns: "TIHQAQA", dropped: &[BYLINE] },
    Case { file: "en-mixed-chinese.md", language: En, speakers: &[("Ellen Shaw", Host), ("Chen Wei", Guest)], turns: "TIQAQA", dropped: &[BYLINE] },
    // Transcripts with `NAME (role):`
    Case { file: "en-transcript-roles.txt", language: En, speakers: &[("Maria Santos", Host), ("David Kim", Guest)], turns: "TQAQAQA", dropped: &[] },
    // Names on a line of their own (literary magazines), a closing credit
    Case {
        file: "en-paris-review.txt",
        language: En,
        speakers: &[("Paul Arden", Host), ("Helen Marr", Guest)],
        turns: "TIQAQAO",
        dropped: &[NAME_LINE, NAME_LINE, NAME_LINE, NAME_LINE],
    },
    // A briefing transcript: unnamed `Q:` reporters, an opening statement, time stamps
    Case { file: "en-press-briefing.txt", language: En, speakers: &[("Ms. Cole", Guest), ("Interviewer", Host)], turns: "TIAQAQAQ", dropped: &[TIME] },
    // Questions set in bold on their own line, answers under them, no labels
    Case { file: "en-bold-questions.md", language: En, speakers: &[("Joel Hart", Host), ("Guest", Guest)], turns: "TIQAQAQA", dropped: &[BYLINE, "editor's note"] },
    // An automatic transcript: `Name  0:07` over the words
    Case { file: "en-otter-transcript.txt", language: En, speakers: &[("Sarah Lin", Host), ("Tom Okafor", Guest)], turns: "TQAQA", dropped: &[CREDIT] },
    Case { file: "en-live-qa.html", language: En, speakers: &[("Nina Patel", Host), ("Leo Brandt", Guest)], turns: "TIQAQA", dropped: &[IMAGE, CREDIT] },
    // Labels that are initials, the names in the lead
    Case { file: "en-initials.md", language: En, speakers: &[("Jo Hale", Host), ("Amir Haddad", Guest)], turns: "TIQAQA", dropped: &[] },
    // Show notes: a time-stamped list is read, links and the Patreon line are not
    Case { file: "en-show-notes.md", language: En, speakers: &[("Narrator", Narrator)], turns: "TNHNNNH", dropped: &[LINK, LINK, PROMPT] },
    // A page whose questions are <h3> headings, the expert named in the lead
    Case {
        file: "en-h3-questions.html",
        language: En,
        speakers: &[("Rachel Ng", Host), ("Professor Ines Carvalho", Guest)],
        turns: "TIQAQA",
        dropped: &[],
    },
    // Bold questions with the answer on the very next line, an italic closing note
    Case { file: "en-guardian-style.md", language: En, speakers: &[("Sam Reid", Host), ("Guest", Guest)], turns: "TIQAQAO", dropped: &[] },
    // An AMA: `Posted by u/…`, `**Q: …**` / `**A:**`, the poster's closing edit in the last answer
    Case { file: "en-reddit-ama.md", language: En, speakers: &[("Interviewer", Host), ("Guest", Guest)], turns: "TIQAQA", dropped: &[BYLINE] },
    // A newsletter post: byline line, subscribe prompt, share and comment buttons, a footnote
    Case { file: "en-newsletter.md", language: En, speakers: &[("Narrator", Narrator)], turns: "TNNNNN", dropped: &[BYLINE, PROMPT, PROMPT, PROMPT] },
    // Outros and editor's notes after the last answer
    Case { file: "en-editor-note-outro.md", language: En, speakers: &[("Grace Okafor", Host), ("Tom Becker", Guest)], turns: "TIQAQAO", dropped: &[BYLINE, DATE, "separator", "editor's note"] },
    // Markdown as people write it
    Case { file: "en-markdown-features.md", language: En, speakers: &[("Lena Fischer", Host), ("Jonas Weber", Guest)], turns: "THIQAQAQA", dropped: &[BYLINE, "table (not read)", "code block (not read)"] },
    // Images: a caption is dropped, running text after an image is not
    Case { file: "en-captions-vs-text.md", language: En, speakers: &[("Narrator", Narrator)], turns: "TNNN", dropped: &[BYLINE, IMAGE, CAPTION, IMAGE] },
    // Prose with quotes, a blockquote and a footnote
    Case { file: "en-prose-quotes.md", language: En, speakers: &[("Narrator", Narrator)], turns: "TNNNNN", dropped: &[] },
    // Panels: each guest their own speaker
    Case {
        file: "en-panel.md",
        language: En,
        speakers: &[("Omar Haddad", Host), ("Ingrid Solberg", Guest), ("Mayor Tom Reyes", Guest), ("Janet Mills", Guest)],
        turns: "TIQAAQAAA",
        dropped: &[BYLINE],
    },
    // HTML pages with navigation, ads, related links, comments, scripts and styles
    Case {
        file: "en-glacier-page.html",
        language: En,
        speakers: &[("Hanna Lund", Host), ("Dr. Tomas Berg", Guest)],
        turns: "TIQAQAQAO",
        dropped: &[BYLINE, IMAGE, CREDIT, "advertisement"],
    },
    Case {
        file: "en-panel-page.html",
        language: En,
        speakers: &[("Daniel Okoro", Host), ("Dr. Amara Singh", Guest), ("Felix Moreau", Guest), ("Rita Olsen", Guest)],
        turns: "TIQAAAQAAA",
        dropped: &[],
    },
    Case { file: "zh-news-page.html", language: Zh, speakers: &[("赵明", Host), ("苏婉", Guest)], turns: "TIQAQAQA", dropped: &[IMAGE, CREDIT] },
    // Chinese news Q&A
    Case { file: "zh-dash-subtitle.md", language: Zh, speakers: &[("王晓雨", Host), ("陈淑芬", Guest)], turns: "TIQAQA", dropped: &[BYLINE, DATE, IMAGE, CAPTION, END] },
    Case { file: "zh-zhuanfang-le.txt", language: Zh, speakers: &[("赵明", Host), ("周启明", Guest)], turns: "TIQAQA", dropped: &[BYLINE] },
    Case { file: "zh-duihua.md", language: Zh, speakers: &[("孙悦", Host), ("林海", Guest)], turns: "TIQAQAQA", dropped: &[BYLINE, DATE] },
    Case { file: "zh-jieshou.txt", language: Zh, speakers: &[("钱程", Host), ("郑凯", Guest)], turns: "TIQAQAO", dropped: &[BYLINE] },
    Case { file: "zh-bracket-labels.txt", language: Zh, speakers: &[("李青", Host), ("何永生", Guest)], turns: "TIQAQA", dropped: &[BYLINE] },
    Case { file: "zh-outlet-single-reporter.md", language: Zh, speakers: &[("赵明", Host), ("吴敏", Guest)], turns: "TIQAQA", dropped: &[BYLINE, DATE] },
    Case { file: "zh-bold-variants.md", language: Zh, speakers: &[("韩冰", Host), ("许亮", Guest)], turns: "TIHQAHQA", dropped: &[DATE, BYLINE] },
    Case { file: "zh-outro.txt", language: Zh, speakers: &[("冯雪", Host), ("杨春燕", Guest)], turns: "TIQAQAO", dropped: &[BYLINE, END] },
    Case { file: "zh-panel.txt", language: Zh, speakers: &[("唐薇", Host), ("王大厨", Guest), ("刘师傅", Guest)], turns: "TIQAAQAA", dropped: &[BYLINE] },
    // A press conference: reporters of several outlets ask, one spokesperson answers
    Case {
        file: "zh-press-conference.txt",
        language: Zh,
        speakers: &[("记者", Host), ("法新社记者", Host), ("毛宁", Guest), ("总台央视记者", Host), ("彭博社记者", Host)],
        turns: "TQAQAQA",
        dropped: &[DATE, END],
    },
    // A WeChat article: follow prompts, a byline line, `**Q：…？**` / `A：`, a credits block
    Case {
        file: "zh-wechat.md",
        language: Zh,
        speakers: &[("李晓雯", Host), ("嘉宾", Guest)],
        turns: "TIQAQA",
        dropped: &[PROMPT, BYLINE, IMAGE, CREDIT, "separator", CREDIT, CREDIT, CREDIT, PROMPT],
    },
    // A news agency's `问：`/`答：` with a dateline and an editor's credit
    Case { file: "zh-xinhua-qa.txt", language: Zh, speakers: &[("张旭", Host), ("嘉宾", Guest)], turns: "TIQAQA", dropped: &[BYLINE, CREDIT] },
    // Meeting minutes from an automatic transcript: `说话人 1 00:00:03` over the words
    Case { file: "zh-feishu.txt", language: Zh, speakers: &[("说话人 1", Guest), ("说话人 2", Host)], turns: "TAQAQA", dropped: &[] },
    // A profile: quotes inside narration, section headings, a closing `（记者 刘畅）`
    Case { file: "zh-profile.md", language: Zh, speakers: &[("旁白", Narrator)], turns: "TNHNNHN", dropped: &[BYLINE, CREDIT] },
    // A government page: a press conference with reporters of two outlets, `_site` in the title
    Case {
        file: "zh-gov-page.html",
        language: Zh,
        speakers: &[("记者", Host), ("中国日报记者", Host), ("付凌晖", Guest), ("路透社记者", Host)],
        turns: "TIQAQA",
        dropped: &[CREDIT],
    },
    // A portal's Q&A: a `来源：` line, `【导读】`, lines without blank lines between, `相关阅读：`
    Case { file: "zh-sina-qa.txt", language: Zh, speakers: &[("记者", Host), ("李若晨", Guest)], turns: "TIQAQA", dropped: &[CREDIT, RELATED, RELATED] },
    // A podcast transcript with time codes, a guest/host key block and a sponsor line
    Case { file: "zh-podcast-transcript.txt", language: Zh, speakers: &[("阿原", Host), ("周小满", Guest)], turns: "TIQAQAQAO", dropped: &[] },
    Case { file: "zh-prose.md", language: Zh, speakers: &[("旁白", Narrator)], turns: "TNNNNNNNN", dropped: &["table (not read)"] },
];

static FOOTNOTE: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"\[\^[^\]]+\]").unwrap());
static TIME_CODE: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"^\[\d{2}:\d{2}:\d{2}\]").unwrap());

fn fixture(file: &str) -> PathBuf {
    Path::new("tests/fixtures/corpus").join(file)
}

fn kind_letter(kind: TurnKind) -> char {
    match kind {
        TurnKind::Title => 'T',
        TurnKind::Intro => 'I',
        TurnKind::Heading => 'H',
        TurnKind::Question => 'Q',
        TurnKind::Answer => 'A',
        TurnKind::Narration => 'N',
        TurnKind::Outro => 'O',
    }
}

fn sentences(text: &str) -> Vec<String> {
    narrate::text::sentences(text, usize::MAX)
}

/// Letters and digits only: how a source line is found again inside a paragraph that
/// joined, unquoted or unmarked it.
fn letters(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Every sentence of the script is the sentence of exactly one spoken source paragraph,
/// and every sentence of every spoken paragraph is in the script once.
fn check_sentences_spoken_once(case: &Case, script: &Script, explanation: &Explanation) {
    let mut from_source: BTreeMap<String, i64> = BTreeMap::new();
    for entry in &explanation.entries {
        let Fate::Spoken { turn, said, .. } = &entry.fate else { continue };
        let turn_text = &script.turns[turn - 1].text;
        for sentence in sentences(said) {
            assert!(turn_text.contains(&sentence), "{}: line {}: {sentence:?} is not in turn {turn}", case.file, entry.line);
            *from_source.entry(sentence).or_default() += 1;
        }
        // What is said is the paragraph's text, at most without a speaker label before it.
        let whole = plain(&entry.text);
        let label = whole.strip_suffix(said.as_str()).unwrap_or_else(|| panic!("{}: line {}: {said:?} is not the end of {whole:?}", case.file, entry.line));
        assert!(label.chars().count() <= 40, "{}: line {}: {label:?} dropped from a spoken paragraph", case.file, entry.line);
    }
    let mut in_script: BTreeMap<String, i64> = BTreeMap::new();
    for turn in &script.turns {
        for paragraph in turn.paragraphs() {
            for sentence in sentences(paragraph) {
                *in_script.entry(sentence).or_default() += 1;
            }
        }
    }
    assert_eq!(in_script, from_source, "{}: sentences spoken ≠ sentences of the spoken paragraphs", case.file);
}

/// The listing accounts for every line of a text article.
fn check_every_line_listed(case: &Case, entries: &[Entry]) {
    let source = std::fs::read_to_string(fixture(case.file)).unwrap();
    let listed: Vec<String> = entries.iter().map(|e| letters(&e.text)).collect();
    for (number, line) in source.lines().enumerate() {
        let line = line.trim().trim_start_matches(['>', '#', ' ']);
        let line = line.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(['.', ')', '-', '*', '+', ' ']);
        // Footnote markers (`[^1]`) and time codes (`[00:01:05]`) are dropped from the
        // paragraph they stand in.
        let key = letters(&FOOTNOTE.replace_all(&TIME_CODE.replace(line, ""), ""));
        if key.is_empty() || line.chars().all(|c| "=-".contains(c)) {
            continue;
        }
        assert!(listed.iter().any(|l| l.contains(&key)), "{}: line {} ({line:?}) is not in the --explain listing", case.file, number + 1);
    }
}

#[test]
fn corpus_scripts_name_speakers_and_speak_every_sentence_once() {
    assert!(CASES.len() >= 25);
    for case in CASES {
        let (script, explanation) = narrate::explain_article(&fixture(case.file)).unwrap_or_else(|e| panic!("{}: {e}", case.file));
        assert_eq!(script.language, case.language, "{}", case.file);
        let speakers: Vec<(&str, Role)> = script.speakers.iter().map(|s| (s.name.as_str(), s.role)).collect();
        assert_eq!(speakers, case.speakers, "{}", case.file);
        let turns: String = script.turns.iter().map(|t| kind_letter(t.kind)).collect();
        assert_eq!(turns, case.turns, "{}", case.file);
        let dropped: Vec<&str> = explanation
            .entries
            .iter()
            .filter_map(|e| match &e.fate {
                Fate::Dropped { reason } => Some(reason.as_str()),
                Fate::Spoken { .. } => None,
            })
            .collect();
        assert_eq!(dropped, case.dropped, "{}", case.file);
        check_sentences_spoken_once(case, &script, &explanation);
        if !case.file.ends_with(".html") {
            check_every_line_listed(case, &explanation.entries);
        }
        for turn in &script.turns {
            for mark in ["**", "](", "http", "<", "&amp;", "[^", "| ", "```"] {
                assert!(!turn.text.contains(mark), "{}: {mark:?} read out in {:?}", case.file, turn.text);
            }
        }
    }
}

#[test]
fn guests_of_a_panel_are_told_apart() {
    let script = narrate::load_script(&fixture("en-panel.md")).unwrap();
    let ids: Vec<&str> = script.speakers.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["host", "guest", "guest2", "guest3"]);
    let by: Vec<&str> = script.turns.iter().filter(|t| t.kind == TurnKind::Answer).map(|t| t.speaker.as_str()).collect();
    assert_eq!(by, ["guest", "guest2", "guest3", "guest", "guest2"]);
}

#[test]
fn markdown_lists_quotes_and_footnotes_are_read_as_sentences() {
    let script = narrate::load_script(&fixture("en-markdown-features.md")).unwrap();
    let answer = &script.turns.iter().find(|t| t.text.starts_with("Three things")).unwrap().text;
    assert!(answer.contains("\n\nbrake cables that rust in winter;\n\nchains"), "{answer}");
    let last = &script.turns.last().unwrap().text;
    assert!(last.contains("bookings & nothing more:\n\nFix the small things before they become big things.\n\nThat is the only rule I have."), "{last}");
    let prose = narrate::load_script(&fixture("en-prose-quotes.md")).unwrap();
    let text: Vec<&str> = prose.turns.iter().map(|t| t.text.as_str()).collect();
    assert!(text.contains(&"The island's population has fallen by half since 1980. Most of the young people have left for Galway or Boston."));
    assert!(text.contains(&"Figures from the national census."));
}

#[test]
fn html_page_metadata() {
    let script = narrate::load_script(&fixture("en-glacier-page.html")).unwrap();
    assert_eq!(script.title, "Listening to a Shrinking Glacier");
    assert_eq!(script.source.url.as_deref(), Some("https://northern-ledger.example/science/2025/listening-to-a-glacier"));
    assert!(script.source.byline.as_deref().is_some_and(|b| b.contains("Hanna Lund")));
    assert!(script.source.date.is_some());
    let all: String = script.turns.iter().map(|t| t.text.as_str()).collect();
    for boilerplate in ["Subscribe", "Advertisement", "Related", "Great piece", "dataLayer", "All rights reserved", "display:block"] {
        assert!(!all.contains(boilerplate), "{boilerplate:?} read out");
    }
}
