//! Writing the episode's files. Every file is written to a temporary name in its folder
//! and renamed into place, so an interrupted run never leaves a truncated file behind.

pub mod chapters_json;
pub mod files;
pub mod info_frame;
pub mod mp3;
mod tag_date;
pub mod tags;
pub mod transcript;

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::Path;

const TEMP_PREFIX: &str = ".narrate-";
const TEMP_SUFFIX: &str = ".part";

/// Writes `path` atomically: `write` fills a temporary file that replaces `path` only once
/// it is complete and flushed.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
{
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io = Error::io(path);
    let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX).tempfile_in(dir).map_err(Error::io(dir))?;
    {
        let mut writer = BufWriter::new(temp.as_file_mut());
        write(&mut writer).and_then(|()| writer.flush()).map_err(Error::io(path))?;
    }
    temp.as_file().sync_all().map_err(Error::io(path))?;
    make_readable(temp.as_file()).map_err(Error::io(path))?;
    temp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Temporary files are created private (0600); published files should be readable like
/// any other the user writes.
#[cfg(unix)]
fn make_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn make_readable(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Whether `name` is a temporary file of [`write_atomic`] (one a killed run left behind).
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_json(&path, &vec![1, 2]).unwrap();
        let failed = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("interrupted"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[\n  1,\n  2\n]\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
