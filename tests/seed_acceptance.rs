//! Acceptance on the user's seed interview (in ../shared/seeds, outside this repository).
//! The file is an acceptance input, not a fixture: when it is absent the test says so.

mod common;

use narrate::script::{Role, Script, TurnKind};
use std::path::Path;

const SEED: &str = "../shared/seeds/000_3793176bbd19ba8a.txt";

fn seed_script() -> Option<Script> {
    if !Path::new(SEED).exists() {
        eprintln!("note: {SEED} not present; seed acceptance not run");
        return None;
    }
    let output = common::narrate(&["script", SEED, "--json"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    Some(serde_json::from_slice(&output.stdout).expect("script JSON"))
}

#[test]
fn seed_interview_script() {
    let Some(s) = seed_script() else { return };
    let speakers: Vec<(&str, Role)> = s.speakers.iter().map(|x| (x.name.as_str(), x.role)).collect();
    assert_eq!(speakers, vec![("澎湃新闻", Role::Host), ("张霄", Role::Guest)]);
    let of = |kind| s.turns.iter().filter(|t| t.kind == kind).collect::<Vec<_>>();
    let (questions, answers) = (of(TurnKind::Question), of(TurnKind::Answer));
    assert_eq!((questions.len(), answers.len()), (6, 6));
    // Article order: questions and answers alternate, starting with a question.
    let qa: Vec<TurnKind> = s.turns.iter().map(|t| t.kind).filter(|k| matches!(k, TurnKind::Question | TurnKind::Answer)).collect();
    assert!(qa.chunks(2).all(|pair| pair == [TurnKind::Question, TurnKind::Answer]));
    assert!(questions[0].text.starts_with("中哈建交30多年来"));
    assert!(answers[5].text.ends_with("更好服务两国经济发展和民生保障。"));
    let headings: Vec<&str> = of(TurnKind::Heading).iter().map(|t| t.text.as_str()).collect();
    assert_eq!(headings, vec!["五年见证中哈关系发展", "共同构建更加紧密的中国-中亚命运共同体"]);
    for turn in &s.turns {
        for banned in ["![", "http", "**", "题词“一带一路，携手圆梦”。\n", "接受澎湃新闻专访。", "题写寄语", "调色", "马小童 图", "以下为专访全文"] {
            assert!(!turn.text.contains(banned), "turn contains {banned:?}: {}", turn.text);
        }
    }
    let answer_text: String = answers.iter().map(|t| t.text.as_str()).collect();
    for lead in ["第一，元首战略引领是中哈关系的政治优势和鲜明特色。", "第四，紧密国际协作为中哈关系增添新内涵。", "一是便利人员往来。", "三是加强教育合作。"] {
        assert!(answer_text.contains(lead), "answers lack {lead}");
    }
    assert_eq!(s.source.date.as_deref(), Some("2023-10-16 01:29"));
    assert_eq!(s.source.url.as_deref(), Some("https://m.thepaper.cn/detail/24910398"));
}

#[test]
fn seed_explain_drops_only_captions_credits_and_metadata() {
    if !Path::new(SEED).exists() {
        eprintln!("note: {SEED} not present; seed acceptance not run");
        return;
    }
    let output = common::narrate(&["script", SEED, "--explain", "--json"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let listing: serde_json::Value = serde_json::from_slice(&output.stdout).expect("explain JSON");
    let entries = listing["entries"].as_array().unwrap();
    let dropped: Vec<(u64, &str)> = entries
        .iter()
        .filter(|e| e["fate"]["fate"] == "dropped")
        .map(|e| (e["line"].as_u64().unwrap(), e["fate"]["reason"].as_str().unwrap()))
        .collect();
    for (line, reason) in &dropped {
        let allowed = reason.starts_with("metadata") || ["image", "image caption", "photo/production credit", "editor's note"].contains(reason);
        assert!(allowed, "line {line} dropped as {reason}");
    }
    // 3 metadata lines, the credit line, 3 images, 2 captions, a photo credit, the editor's note.
    assert_eq!(dropped.len(), 11, "{dropped:?}");
    assert!(entries.iter().filter(|e| e["fate"]["fate"] == "spoken").count() > 40);
}
