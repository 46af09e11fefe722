//! `narrate play FILE|EPISODE_DIR`: plays an episode in the terminal with a progress line
//! (elapsed/total, chapter, speaker) and keys for pause and chapter jumps.
//!
//! The pure parts (times, chapters, speakers, the progress line) live in [`Playback`] and
//! [`parse_time`] and are tested without an audio device; `player` is the only part that
//! needs one.

mod decode;
mod device;
mod episode;
mod keys;
mod playback;
mod player;
mod terminal;
mod time;

pub use playback::{Playback, SpeakerSpan};
pub use time::{format_time, parse_time};

use crate::{Error, Result};
use std::path::Path;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlayOptions {
    /// Start this many seconds in (see [`parse_time`] for the command-line forms).
    pub from: Option<f64>,
    /// Start at this chapter, counted from 1.
    pub chapter: Option<usize>,
}

/// Plays `target`, an audio file or an episode folder (its `episode.mp3`, else
/// `episode.wav`), until it ends or the listener quits.
pub fn play(target: &Path, options: PlayOptions) -> Result<()> {
    let files = episode::locate(target)?;
    let decoder = decode::open(&files.audio)?;
    let duration = decode::duration(&decoder).or(files.cues.as_ref().map(|cues| cues.duration)).unwrap_or(0.0);
    let mut playback = Playback::for_episode(duration, files.script.as_ref(), files.cues.as_ref());
    if playback.chapters().is_empty() && !files.published_chapters.is_empty() {
        playback = Playback::new(duration, files.published_chapters, Vec::new());
    }
    let start = playback.start_position(options.from, options.chapter).map_err(Error::Usage)?;
    player::run(decoder, &playback, start)
}

