//! Bringing one's own Piper voice: `narrate voices install --from VOICE.onnx` installs it into
//! the store, writes a profile, and the voice then speaks an article.

mod common;

use common::narrate;
use narrate::tts::piper::{config_file, model_file, EN_JOE};
use narrate::tts::VoiceStore;

#[test]
fn a_downloaded_piper_voice_installs_and_speaks() {
    // The installed en-joe files stand in for a voice the user downloaded (`make test`
    // installs en-joe first).
    let installed = VoiceStore::default().dir(&EN_JOE);
    let model = model_file(&installed).expect("en-joe is installed (make test installs it)");
    let work = tempfile::tempdir().unwrap();
    let downloads = work.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    std::fs::copy(&model, downloads.join("my-voice.onnx")).unwrap();
    std::fs::copy(config_file(&model), downloads.join("my-voice.onnx.json")).unwrap();
    let voices = work.path().join("voices");
    std::fs::create_dir_all(voices.join("casts")).unwrap();
    std::fs::copy("voices/casts/default.toml", voices.join("casts/default.toml")).unwrap();
    let store = work.path().join("store");
    let (voices_arg, store_arg) = (voices.to_str().unwrap(), store.to_str().unwrap());

    let output = narrate(&["voices", "--voices", voices_arg, "install", "--from", downloads.join("my-voice.onnx").to_str().unwrap(), "--store", store_arg]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert!(store.join("my-voice/my-voice.onnx").is_file() && store.join("my-voice/my-voice.onnx.json").is_file());
    let profile = std::fs::read_to_string(voices.join("my-voice.toml")).unwrap();
    assert!(profile.contains("engine = \"piper\"") && profile.contains("voice = \"my-voice\"") && profile.contains("language = \"en\""), "{profile}");

    let listing = narrate(&["voices", "--voices", voices_arg, "--store", store_arg]);
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(listing.contains("my-voice") && listing.contains("installed from a user's file"), "{listing}");

    let out = work.path().join("out");
    let output = narrate(&[
        "build", "tests/fixtures/prose-en.txt", "--out", out.to_str().unwrap(), "--voices", voices_arg, "--store", store_arg,
        "--voice", "narrator=my-voice", "--format", "wav", "--quiet", "--offline",
    ]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let episode = narrate::audio::read_wav(&out.join("prose-en/episode.wav")).unwrap();
    assert!(episode.duration() > 3.0, "{} s", episode.duration());

    // A file that is not a Piper voice is refused, and nothing is installed.
    std::fs::write(downloads.join("broken.onnx"), b"not a model").unwrap();
    std::fs::write(downloads.join("broken.onnx.json"), std::fs::read(config_file(&model)).unwrap()).unwrap();
    let output = narrate(&["voices", "--voices", voices_arg, "install", "--from", downloads.join("broken.onnx").to_str().unwrap(), "--store", store_arg]);
    assert_eq!(output.status.code(), Some(1));
    assert!(common::stderr(&output).contains("broken.onnx"), "{}", common::stderr(&output));
    assert!(!store.join("broken").exists() && !voices.join("broken.toml").exists());
}
