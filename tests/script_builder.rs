//! The script a user gets for each input format: speakers, roles, turn kinds and texts.

use narrate::script::{Role, Script, TurnKind};
use std::path::Path;

fn script(fixture: &str) -> Script {
    narrate::load_script(&Path::new("tests/fixtures").join(fixture)).expect("fixture builds a script")
}

fn kinds(script: &Script) -> Vec<TurnKind> {
    script.turns.iter().map(|t| t.kind).collect()
}

fn speaker_names(script: &Script) -> Vec<(String, Role)> {
    script.speakers.iter().map(|s| (s.name.clone(), s.role)).collect()
}

fn texts_of(script: &Script, kind: TurnKind) -> Vec<&str> {
    script.turns.iter().filter(|t| t.kind == kind).map(|t| t.text.as_str()).collect()
}

fn all_text(script: &Script) -> String {
    script.turns.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join("\n")
}

#[test]
fn bold_chinese_interview_with_images_credits_and_bold_leads() {
    let s = script("interview-zh-bold.md");
    assert_eq!(s.language, narrate::Language::Zh);
    assert_eq!(s.title, "专访｜城市规划师陈静：让河流回到城市中心");
    assert_eq!(s.source.byline.as_deref(), Some("晨报记者 刘洋"));
    assert_eq!(s.source.date.as_deref(), Some("2024-03-08 10:15"));
    assert_eq!(s.source.url.as_deref(), Some("https://example.cn/news/12345"));
    assert_eq!(speaker_names(&s), vec![("晨报".into(), Role::Host), ("陈静".into(), Role::Guest)]);
    use TurnKind::*;
    assert_eq!(kinds(&s), vec![Title, Intro, Heading, Question, Answer, Heading, Question, Answer]);
    assert_eq!(texts_of(&s, Heading), vec!["河流与城市", "未来的计划"]);
    let sections: Vec<&str> = s.sections.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(sections, vec![s.title.as_str(), "河流与城市", "未来的计划"]);
    // The answer continues over the paragraphs that open with bold lead sentences.
    let answers = texts_of(&s, Answer);
    assert!(answers[0].contains("第一，河道要安全。我们先完成了防洪改造。"), "{}", answers[0]);
    assert!(answers[0].contains("第二，步道要连通。"));
    assert_eq!(answers[0].split("\n\n").count(), 3);
    let text = all_text(&s);
    for dropped in ["![", "http", "**", "改造后的滨河步道", "题写寄语", "剪辑", "周敏 图", "以下为专访全文"] {
        assert!(!text.contains(dropped), "turn text contains {dropped:?}");
    }
    assert!(texts_of(&s, Intro)[0].starts_with("三月初"));
}

#[test]
fn plain_chinese_labels_resolve_abbreviations_and_ignore_in_text_colons() {
    let s = script("interview-zh-plain.txt");
    assert_eq!(s.title, "社区食堂开进老街区");
    assert_eq!(speaker_names(&s), vec![("王明".into(), Role::Host), ("李华".into(), Role::Guest)]);
    use TurnKind::*;
    assert_eq!(kinds(&s), vec![Title, Intro, Question, Answer, Question, Answer]);
    assert!(texts_of(&s, Intro)[0].contains("时间：下午3点"));
    // `注：` inside an answer is not a speaker: it continues the answer.
    assert!(texts_of(&s, Answer)[0].ends_with("注：食堂只收现金和本地卡。"));
}

#[test]
fn english_bold_surnames_take_the_full_names_from_the_lead() {
    let s = script("interview-en.md");
    assert_eq!(s.language, narrate::Language::En);
    assert_eq!(speaker_names(&s), vec![("Daniel Reed".into(), Role::Host), ("Maria Ortega".into(), Role::Guest)]);
    use TurnKind::*;
    assert_eq!(kinds(&s), vec![Title, Intro, Question, Answer, Question, Answer, Question, Answer]);
    assert_eq!(texts_of(&s, Question), vec!["How did the project begin?", "What was the hardest part?", "What comes next?"]);
    assert!(texts_of(&s, Answer)[1].ends_with("Note: the crews worked in two shifts to finish before the frost."));
    let text = all_text(&s);
    for dropped in ["Turbines at the site", "Photo:", "edited for length", "http"] {
        assert!(!text.contains(dropped), "turn text contains {dropped:?}");
    }
}

#[test]
fn q_and_a_markers_take_names_from_byline_and_lead() {
    let s = script("interview-qa-en.txt");
    assert_eq!(s.title, "A Conversation About Libraries");
    assert_eq!(speaker_names(&s), vec![("Ann Lee".into(), Role::Host), ("Samuel Park".into(), Role::Guest)]);
    use TurnKind::*;
    assert_eq!(kinds(&s), vec![Title, Intro, Question, Answer, Question, Answer]);
    assert!(texts_of(&s, Answer)[0].contains("Note: the library now opens on Sundays."));
}

#[test]
fn a_dialogue_without_lead_starts_with_the_questions() {
    let s = script("dialogue-en.md");
    assert_eq!(speaker_names(&s), vec![("Host".into(), Role::Host), ("Guest".into(), Role::Guest)]);
    use TurnKind::*;
    assert_eq!(kinds(&s), vec![Title, Question, Answer, Question, Answer]);
}

#[test]
fn prose_is_read_by_one_narrator_paragraph_by_paragraph() {
    for (fixture, name, paragraphs) in [("prose-en.txt", "Narrator", 2), ("prose-zh.txt", "旁白", 2)] {
        let s = script(fixture);
        assert_eq!(speaker_names(&s), vec![(name.into(), Role::Narrator)], "{fixture}");
        assert_eq!(texts_of(&s, TurnKind::Narration).len(), paragraphs, "{fixture}");
        assert_eq!(s.turns[0].kind, TurnKind::Title);
    }
    let s = script("prose-en.txt");
    assert_eq!(s.turns[1].text, "The lighthouse stood at the end of the long stone pier. Every night the keeper climbed the narrow stairs and lit the lamp.");
}

#[test]
fn script_json_round_trips() {
    let s = script("interview-en.md");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.json");
    std::fs::write(&path, serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(narrate::load_script(&path).unwrap(), s);
}
