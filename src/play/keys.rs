//! The keys that steer playback, read from the terminal in raw mode.

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::io;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    TogglePause,
    NextChapter,
    PreviousChapter,
    Quit,
}

/// space: pause/resume; n or →: next chapter; p or ←: previous chapter; q, Esc or Ctrl-C:
/// quit (raw mode turns Ctrl-C into a key, so it has to be handled here).
pub fn command_for(key: &KeyEvent) -> Option<Command> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    match key.code {
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Command::Quit),
        KeyCode::Char(' ') => Some(Command::TogglePause),
        KeyCode::Char('n' | 'N') | KeyCode::Right => Some(Command::NextChapter),
        KeyCode::Char('p' | 'P') | KeyCode::Left => Some(Command::PreviousChapter),
        KeyCode::Char('q' | 'Q') | KeyCode::Esc => Some(Command::Quit),
        _ => None,
    }
}

/// Waits up to `timeout` for a key; `None` if none came or it means nothing here.
pub fn next_command(timeout: Duration) -> io::Result<Option<Command>> {
    if !event::poll(timeout)? {
        return Ok(None);
    }
    match event::read()? {
        Event::Key(key) => Ok(command_for(&key)),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn maps_the_documented_keys() {
        assert_eq!(command_for(&press(KeyCode::Char(' '))), Some(Command::TogglePause));
        assert_eq!(command_for(&press(KeyCode::Char('n'))), Some(Command::NextChapter));
        assert_eq!(command_for(&press(KeyCode::Right)), Some(Command::NextChapter));
        assert_eq!(command_for(&press(KeyCode::Char('p'))), Some(Command::PreviousChapter));
        assert_eq!(command_for(&press(KeyCode::Left)), Some(Command::PreviousChapter));
        assert_eq!(command_for(&press(KeyCode::Char('q'))), Some(Command::Quit));
        assert_eq!(command_for(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Command::Quit));
        assert_eq!(command_for(&press(KeyCode::Char('c'))), None);
        assert_eq!(command_for(&press(KeyCode::Up)), None);
    }

    #[test]
    fn ignores_key_releases() {
        let release = KeyEvent::new_with_kind(KeyCode::Char('q'), KeyModifiers::NONE, KeyEventKind::Release);
        assert_eq!(command_for(&release), None);
    }
}
