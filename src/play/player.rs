//! Playing through the audio device: the loop that redraws progress and obeys keys.

use super::decode::EpisodeDecoder;
use super::device::Output;
use super::keys::{self, Command};
use super::playback::Playback;
use super::terminal::{self, RawMode};
use crate::Result;
use rodio::Player;
use std::io::{self, IsTerminal};
use std::time::Duration;

/// How often the progress line is redrawn (and keys are waited for in between).
const TICK: Duration = Duration::from_millis(200);

/// Plays `decoder` from `start` seconds until it ends or the listener quits.
pub fn run(decoder: EpisodeDecoder, playback: &Playback, start: f64) -> Result<()> {
    let output = Output::open()?;
    let player = Player::connect_new(output.mixer());
    player.append(decoder);
    if start > 0.0 {
        player.try_seek(Duration::from_secs_f64(start)).map_err(|e| crate::Error::Playback(format!("cannot start at {start:.1} s: {e}")))?;
    }
    let keys_enabled = io::stdin().is_terminal() && io::stdout().is_terminal();
    let raw_mode = if keys_enabled { Some(RawMode::enable().map_err(|e| terminal_error(&e))?) } else { None };
    let outcome = control_loop(&player, &output, playback, keys_enabled);
    drop(raw_mode);
    if io::stdout().is_terminal() {
        println!();
    }
    outcome
}

fn control_loop(player: &Player, output: &Output, playback: &Playback, keys_enabled: bool) -> Result<()> {
    let mut out = io::stdout();
    let show_progress = out.is_terminal();
    loop {
        let t = player.get_pos().as_secs_f64();
        if show_progress {
            let line = playback.progress_line(t, player.is_paused(), terminal::line_width());
            terminal::redraw_line(&mut out, &line).map_err(|e| terminal_error(&e))?;
        }
        if player.empty() {
            return Ok(());
        }
        if let Some(message) = output.failure() {
            return Err(crate::Error::Playback(format!("audio output failed: {message}")));
        }
        let command = if keys_enabled {
            keys::next_command(TICK).map_err(|e| terminal_error(&e))?
        } else {
            std::thread::sleep(TICK);
            None
        };
        match command {
            Some(Command::TogglePause) if player.is_paused() => player.play(),
            Some(Command::TogglePause) => player.pause(),
            Some(Command::NextChapter) => {
                if let Some(target) = playback.next_chapter_start(t) {
                    jump(player, target);
                }
            }
            Some(Command::PreviousChapter) => jump(player, playback.previous_chapter_start(t)),
            Some(Command::Quit) => return Ok(()),
            None => {}
        }
    }
}

/// Moves playback to `seconds`. A jump that fails leaves playback where it was, which is
/// all a listener can be offered mid-episode, so the error is not reported.
fn jump(player: &Player, seconds: f64) {
    let _ = player.try_seek(Duration::from_secs_f64(seconds));
}

fn terminal_error(error: &io::Error) -> crate::Error {
    crate::Error::Playback(format!("terminal: {error}"))
}
