//! The same article in every supported encoding gives the same script.

mod common;

use common::narrate;
use std::path::Path;

fn script_json(path: &Path) -> serde_json::Value {
    let output = narrate(&["script", path.to_str().unwrap(), "--json"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let mut json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["source"]["path"] = serde_json::Value::Null;
    json
}

#[test]
fn utf8_bom_utf16_and_gbk_read_alike() {
    let fixture = Path::new("tests/fixtures/interview-zh-plain.txt");
    let text = std::fs::read_to_string(fixture).unwrap();
    let expected = script_json(fixture);
    let dir = tempfile::tempdir().unwrap();
    let variants: Vec<(&str, Vec<u8>)> = vec![
        ("bom.txt", [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat()),
        ("le.txt", [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()),
        ("be.txt", [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect()),
        ("gbk.txt", encoding_rs::GBK.encode(&text).0.into_owned()),
        ("crlf.txt", text.replace('\n', "\r\n").into_bytes()),
    ];
    for (name, bytes) in variants {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(script_json(&path), expected, "{name}");
    }
}
