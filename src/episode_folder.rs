//! Replacing an episode folder whole. A build writes every file into a staging folder
//! beside its target (`out/.<name>.building-XXXXXX`) and swaps it in only when all of
//! them are written, so a failed or interrupted build (disk full, Ctrl-C, kill) leaves the
//! previous episode exactly as it was — or nothing, for a first build — and no file of an
//! earlier build (an `episode.wav` after a rebuild with `--format mp3`) survives a rebuild.

use crate::error::{Error, Result};
use crate::export::files::{AUDIO, CHAPTERS, CUES, SCRIPT, SRT, VTT};
use crate::export::is_temporary;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Marks a staging folder's name after `.<name>`.
const STAGING: &str = ".building-";

/// A staging folder for the episode folder `target`; dropped uncommitted, it is removed.
pub struct Staging {
    dir: TempDir,
    target: PathBuf,
}

impl Staging {
    /// Creates the staging folder for `out_dir/name` (and `out_dir` itself), removing any
    /// a killed build of the same name left behind. This is also the check that the
    /// output folder is writable, made before a build spends time synthesizing.
    pub fn begin(out_dir: &Path, name: &str) -> Result<Staging> {
        let not_writable = |e: std::io::Error| Error::Usage(format!("output folder {} is not writable: {e} (choose another with --out DIR)", out_dir.display()));
        std::fs::create_dir_all(out_dir).map_err(not_writable)?;
        let prefix = format!(".{name}{STAGING}");
        for entry in std::fs::read_dir(out_dir).map_err(Error::io(out_dir))?.flatten() {
            let stale = entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix) && n.len() == prefix.len() + 6);
            if stale && entry.path().is_dir() {
                std::fs::remove_dir_all(entry.path()).map_err(Error::io(entry.path()))?;
            }
        }
        let dir = tempfile::Builder::new().prefix(&prefix).tempdir_in(out_dir).map_err(not_writable)?;
        Ok(Staging { dir, target: out_dir.join(name) })
    }

    /// Where the files are written.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Puts the staged folder in place of the target, in one step where the system can
    /// swap two folders (Linux), and removes the previous episode.
    pub fn commit(self) -> Result<()> {
        let target = &self.target;
        if !target.exists() {
            let staged = self.dir.keep();
            return std::fs::rename(&staged, target).map_err(Error::io(target));
        }
        if exchange(self.dir.path(), target).is_err() {
            // Two renames: a kill between them leaves no episode folder (the previous one
            // waits under a staging name until the next build removes it).
            let parent = self.dir.path().parent().unwrap_or(Path::new("."));
            let name = target.file_name().unwrap_or_default().to_string_lossy();
            let old = tempfile::Builder::new().prefix(&format!(".{name}{STAGING}")).tempdir_in(parent).map_err(Error::io(parent))?;
            std::fs::remove_dir(old.path()).map_err(Error::io(old.path()))?;
            std::fs::rename(target, old.path()).map_err(Error::io(target))?;
            let staged = self.dir.keep();
            std::fs::rename(&staged, target).map_err(Error::io(target))?;
            return Ok(());
        }
        // The staging folder's name now holds the previous episode; dropping removes it.
        drop(self.dir);
        Ok(())
    }
}

/// Atomically exchanges two folders (renameat2 with RENAME_EXCHANGE).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let result = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if result == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Checks that `dir`, if it exists, can be replaced by a new build: it must be a folder
/// holding nothing but files narrate writes there (a user's notes would be lost).
pub fn check_replaceable(dir: &Path, own_files: &[&str]) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Error::Usage(format!("{} exists and is not an episode folder; move it or build with another --out", dir.display())));
    }
    let known = |name: &str| own_files.contains(&name) || AUDIO.iter().chain(&[VTT, SRT, CHAPTERS, CUES, SCRIPT]).any(|f| f.name == name) || is_temporary(name);
    let mut strangers: Vec<String> = std::fs::read_dir(dir)
        .map_err(Error::io(dir))?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !known(name))
        .collect();
    strangers.sort();
    let Some(first) = strangers.first() else { return Ok(()) };
    let more = if strangers.len() > 1 { format!(" and {} more", strangers.len() - 1) } else { String::new() };
    Err(Error::Usage(format!(
        "{} holds {first}{more}, which narrate did not write; a build replaces the episode folder whole, so move it out first (or build with another --out)",
        dir.display()
    )))
}
