//! The terminal while playing: raw mode (keys arrive one at a time, unechoed), restored
//! when playback ends however it ends, and the progress line redrawn in place.

use crossterm::cursor::MoveToColumn;
use crossterm::queue;
use crossterm::style::Print;
use crossterm::terminal::{self, Clear, ClearType};
use std::io::{self, Write};
use std::sync::Once;

/// Raw mode for as long as this value lives.
pub struct RawMode(());

impl RawMode {
    pub fn enable() -> io::Result<RawMode> {
        restore_on_panic();
        terminal::enable_raw_mode()?;
        Ok(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// A panic message is printed before unwinding reaches `RawMode::drop`; leave raw mode
/// first so the message is readable. Disabling raw mode when it is off does nothing.
fn restore_on_panic() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = terminal::disable_raw_mode();
            previous(info);
        }));
    });
}

/// Columns available for the progress line (one less than the terminal, so it never wraps).
pub fn line_width() -> usize {
    terminal::size().map_or(80, |(columns, _)| usize::from(columns)).saturating_sub(1)
}

/// Replaces the current line with `line`.
pub fn redraw_line(out: &mut impl Write, line: &str) -> io::Result<()> {
    queue!(out, MoveToColumn(0), Print(line), Clear(ClearType::UntilNewLine))?;
    out.flush()
}
