//! The files of an episode folder: what `narrate build` writes, and what `publish`,
//! `serve` and `play` look for.

/// A file an episode folder may hold, and its MIME type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileKind {
    pub name: &'static str,
    pub mime: &'static str,
}

pub const MP3: FileKind = FileKind { name: "episode.mp3", mime: "audio/mpeg" };
pub const WAV: FileKind = FileKind { name: "episode.wav", mime: "audio/wav" };
/// Episode audio in order of preference: the feed's enclosure, the player's choice.
pub const AUDIO: [FileKind; 2] = [MP3, WAV];
pub const VTT: FileKind = FileKind { name: "transcript.vtt", mime: "text/vtt" };
pub const SRT: FileKind = FileKind { name: "transcript.srt", mime: "application/x-subrip" };
/// Podcasting 2.0 chapters, under the type that namespace asks for.
pub const CHAPTERS: FileKind = FileKind { name: "chapters.json", mime: "application/json+chapters" };
/// The cue list: where each turn and sentence is in the audio.
pub const CUES: FileKind = FileKind { name: "cues.json", mime: "application/json" };
/// The script the episode was rendered from.
pub const SCRIPT: FileKind = FileKind { name: "script.json", mime: "application/json" };
