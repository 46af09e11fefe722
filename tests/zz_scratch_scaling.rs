// TEMPORARY exploration harness; deleted before hand-off.
use std::path::Path;
use std::time::Instant;

fn time<F: FnMut()>(mut f: F) -> f64 { let t = Instant::now(); f(); t.elapsed().as_secs_f64() }

fn pipeline(text: &str) {
    let p = Path::new("x.md");
    let a = narrate::article::parse(text, p);
    let s = narrate::script::build(&a);
    std::hint::black_box(&s);
}
fn split_norm(text: &str) {
    for s in narrate::text::sentences(text, 30) {
        std::hint::black_box(narrate::text::normalize(&s, narrate::Language::Zh));
        std::hint::black_box(narrate::text::normalize(&s, narrate::Language::En));
    }
}
fn raw_norm(text: &str) {
    std::hint::black_box(narrate::text::normalize(text, narrate::Language::Zh));
    std::hint::black_box(narrate::text::normalize(text, narrate::Language::En));
}

#[test]
fn scaling() {
    let gens: Vec<(&str, Box<dyn Fn(usize) -> String>)> = vec![
        ("bangs+a", Box::new(|n| "!".repeat(n) + "a")),
        ("dots+a", Box::new(|n| ".".repeat(n) + "a")),
        ("a.han", Box::new(|n| "a.中".repeat(n))),
        ("han-then-dot", Box::new(|n| "中".repeat(n) + ".")),
        ("stars", Box::new(|n| "**".repeat(n))),
        ("stars-a", Box::new(|n| "*a".repeat(n))),
        ("under", Box::new(|n| "_ ".repeat(n))),
        ("links", Box::new(|n| "[a](".repeat(n))),
        ("brackets", Box::new(|n| "[".repeat(n) + "](")),
        ("spaces", Box::new(|n| "a".to_string() + &" ".repeat(n) + "b")),
        ("digits", Box::new(|n| "1".repeat(n))),
        ("digits-dot", Box::new(|n| "1.".repeat(n))),
        ("digits-comma", Box::new(|n| "1,000".repeat(n))),
        ("range", Box::new(|n| "1-".repeat(n))),
        ("words", Box::new(|n| "word ".repeat(n))),
        ("camel", Box::new(|n| "aB".repeat(n))),
        ("latin", Box::new(|n| "abcdefghij".repeat(n))),
        ("colon", Box::new(|n| "Ab: ".repeat(n))),
        ("quote", Box::new(|n| "\"".repeat(n) + "a")),
        ("closers", Box::new(|n| "a.".to_string() + &"”".repeat(n) + "a")),
        ("url", Box::new(|n| "http://".to_string() + &"a".repeat(n))),
        ("address-dots", Box::new(|n| "a.".repeat(n) + "com")),
        ("email", Box::new(|n| "a@".repeat(n))),
        ("han-2", Box::new(|n| "2个".repeat(n))),
        ("dollar", Box::new(|n| "$1".repeat(n))),
        ("emdash", Box::new(|n| "—".repeat(n))),
        ("comma", Box::new(|n| "，".repeat(n))),
        ("mixed-dot", Box::new(|n| "a. ".repeat(n))),
        ("mr", Box::new(|n| "Mr.".repeat(n) + " X")),
        ("ellipsis-upper", Box::new(|n| ".!".repeat(n) + " X")),
    ];
    let han = |i: usize| -> String { let mut s = String::new(); let mut k = i; loop { s.push(char::from_u32(0x4E00 + 200 + (k % 1000) as u32).unwrap()); k /= 1000; if k == 0 { break; } } s };
    let latin = |i: usize| -> String { let mut s = String::from("X"); let mut k = i; loop { s.push((b'a' + (k % 26) as u8) as char); k /= 26; if k == 0 { break; } } s };
    let gens2: Vec<(&str, Box<dyn Fn(usize) -> String>)> = vec![
        ("plain-distinct", Box::new(move |n| (0..n).map(|i| format!("{}：你好。\n\n", han(i))).collect())),
        ("bold-distinct", Box::new(move |n| (0..n).map(|i| format!("**{}：**你好。\n\n", han(i))).collect())),
        ("bold-latin", Box::new(move |n| "Intro text about people. ".repeat(n) + "\n\n" + &(0..n).map(|i| format!("**{}:** hello?\n\n", latin(i))).collect::<String>())),
        ("bold-latin-nolead", Box::new(move |n| (0..n).map(|i| format!("**{}:** hello?\n\n", latin(i))).collect::<String>())),
        ("bold-single", Box::new(move |n| "介绍张霄和王五。".repeat(n) + "\n\n" + &(0..n).map(|i| format!("**{}：**你好？\n\n", char::from_u32(0x4E00 + (i % 20000) as u32).unwrap())).collect::<String>())),
        ("qa", Box::new(|n| "问：为什么？\n\n答：因为。\n\n".repeat(n))),
        ("wrapped", Box::new(|n| "a line that wraps\n".repeat(n))),
        ("paras", Box::new(|n| "一段话。\n\n".repeat(n))),
        ("headings", Box::new(|n| "## 标题\n\n".repeat(n))),
        ("images", Box::new(|n| "![a](b)\n\n说明\n\n".repeat(n))),
    ];
    for (name, g) in &gens2 {
        let n = 50_000;
        let (a, b) = (g(n), g(2 * n));
        let t1 = time(|| pipeline(&a)); let t2 = time(|| pipeline(&b));
        let s = narrate::script::build(&narrate::article::parse(&b, Path::new("x.md")));
        let t3 = time(|| { std::hint::black_box(s.to_string()); });
        eprintln!("{name:14} pipeline {t1:.3}/{t2:.3} display {t3:.3} speakers {} turns {}", s.speakers.len(), s.turns.len());
    }
    if std::env::var("ONLY_ARTICLE").is_ok() { return; }
    let n = 20_000;
    for (name, g) in &gens {
        let (a, b) = (g(n), g(2 * n));
        let r = |f: fn(&str)| { let t1 = time(|| f(&a)); let t2 = time(|| f(&b)); (t1, t2) };
        let p = r(pipeline); let s = r(split_norm); let z = r(raw_norm);
        eprintln!("{name:14} pipeline {:.3}/{:.3}  split+norm {:.3}/{:.3}  norm {:.3}/{:.3}", p.0, p.1, s.0, s.1, z.0, z.1);
    }
}
