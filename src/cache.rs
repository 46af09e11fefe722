//! The segment cache: each utterance's audio, stored under a hash of everything that
//! determines it (engine and its model files, voice profile, normalized text), so a rebuild
//! after an edit — or after an interrupted run — synthesizes only what changed.
//!
//! An entry is one file: a header (magic, version, rate, sample count, SHA-256 of the
//! samples) and the samples as little-endian f32. Entries are written to a temporary name
//! and renamed, and checked on every read: a truncated or corrupt entry is a miss (and is
//! removed), never bad audio.
//!
//! The cache also keeps encoded MP3 streams under a hash of the audio they encode (with
//! the same kind of checked header), so the same episode built again — into another
//! folder, or with other tags — is not encoded again.
//!
//! A folder narrate creates for its cache gets a `CACHEDIR.TAG` (the Cache Directory
//! Tagging convention, which backup tools honour) naming narrate. `cache clear` empties
//! only such a folder, and only when everything in it is a cache entry: pointed at a
//! project or home folder by mistake (`--cache .`, `NARRATE_CACHE=~`), it refuses and
//! removes nothing.

use crate::audio::Buffer;
use crate::error::{Error, Result};
use crate::tts::VoiceProfile;
use crate::tts::store::hex;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 4] = b"NRSG";
const VERSION: u32 = 1;
const HEADER_LEN: usize = 4 + 4 + 4 + 8 + 32;
const STREAM_MAGIC: &[u8; 4] = b"NRMP";
const STREAM_HEADER_LEN: usize = 4 + 32;
/// File extensions of the two kinds of entry.
const SEGMENT: &str = "seg";
const STREAM: &str = "mp3";
/// The marker file of a cache folder, and what it says.
const MARKER: &str = "CACHEDIR.TAG";
const MARKER_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by narrate (its segment cache).\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";
/// Prefix of an entry being written (a killed run can leave one behind).
const TEMP_PREFIX: &str = ".entry-";

#[derive(Clone, Debug, PartialEq)]
pub struct SegmentCache {
    pub dir: PathBuf,
}

/// What `narrate cache stats` reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Synthesized utterances.
    pub segments: usize,
    /// Encoded MP3 streams.
    pub streams: usize,
    pub bytes: u64,
}

impl Default for SegmentCache {
    /// `$NARRATE_CACHE`, else `$XDG_CACHE_HOME/narrate/segments`, else `~/.cache/narrate/segments`.
    fn default() -> Self {
        let dir = std::env::var_os("NARRATE_CACHE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("narrate/segments")))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/narrate/segments")))
            .unwrap_or_else(|| PathBuf::from(".narrate-cache"));
        SegmentCache { dir }
    }
}

/// The speaking parameters of a voice as one key part; the Piper-only ones appear only
/// when set, so keys of other voices stay what they were.
fn voice_parameters(voice: &VoiceProfile) -> String {
    let mut text = format!("{:?} {:?} {:?}", voice.speed, voice.pitch, voice.formant);
    if voice.speaker.is_some() || voice.noise_scale.is_some() || voice.noise_w.is_some() {
        text.push_str(&format!(" {:?} {:?} {:?}", voice.speaker, voice.noise_scale, voice.noise_w));
    }
    text
}

impl SegmentCache {
    pub fn new(dir: PathBuf) -> Self {
        SegmentCache { dir }
    }

    /// The key for an utterance: engine fingerprint (engine version, model hashes, lexicon),
    /// every voice parameter and the text the engine reads.
    pub fn key(engine_fingerprint: &str, voice: &VoiceProfile, spoken: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [
            engine_fingerprint,
            &voice.engine,
            &voice.voice,
            voice.language.code(),
            &voice_parameters(voice),
            spoken,
        ] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hex(&hasher.finalize())
    }

    fn path(&self, key: &str, kind: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.{kind}"))
    }

    /// The cached audio for `key`, if present and intact.
    pub fn get(&self, key: &str) -> Option<Buffer> {
        self.read(key, SEGMENT, decode)
    }

    /// Stores `audio` under `key`, atomically.
    pub fn put(&self, key: &str, audio: &Buffer) -> Result<()> {
        self.write(key, SEGMENT, &[&encode(audio)])
    }

    /// The cached MP3 stream for `key`, if present and intact.
    pub fn get_stream(&self, key: &str) -> Option<Vec<u8>> {
        self.read(key, STREAM, decode_stream)
    }

    /// Stores an encoded MP3 stream under `key`, atomically.
    pub fn put_stream(&self, key: &str, stream: &[u8]) -> Result<()> {
        self.write(key, STREAM, &[STREAM_MAGIC, &Sha256::digest(stream), stream])
    }

    /// The cached MP3 stream for `key` as an open file positioned at the stream, and its
    /// length, if present and intact (checked by reading it through once).
    pub fn stream_file(&self, key: &str) -> Option<(std::fs::File, u64)> {
        use std::io::{Read, Seek, SeekFrom};
        let path = self.path(key, STREAM);
        let mut file = std::fs::File::open(&path).ok()?;
        let mut header = [0u8; STREAM_HEADER_LEN];
        let intact = file.read_exact(&mut header).is_ok() && &header[..4] == STREAM_MAGIC && {
            let mut hasher = Sha256::new();
            std::io::copy(&mut file, &mut hasher).is_ok() && hasher.finalize().as_slice() == &header[4..]
        };
        if !intact {
            let _ = std::fs::remove_file(&path);
            return None;
        }
        let len = file.seek(SeekFrom::End(0)).ok()? - STREAM_HEADER_LEN as u64;
        file.seek(SeekFrom::Start(STREAM_HEADER_LEN as u64)).ok()?;
        Some((file, len))
    }

    /// Stores an MP3 stream made of `head` and then everything `rest` reads, atomically.
    pub fn put_stream_from(&self, key: &str, head: &[u8], rest: &mut (impl std::io::Read + std::io::Seek)) -> Result<()> {
        use std::io::SeekFrom;
        let path = self.path(key, STREAM);
        let io = Error::io(&path);
        let mut hasher = Sha256::new();
        hasher.update(head);
        rest.seek(SeekFrom::Start(0)).map_err(Error::io(&path))?;
        std::io::copy(rest, &mut hasher).map_err(Error::io(&path))?;
        rest.seek(SeekFrom::Start(0)).map_err(io)?;
        let digest = hasher.finalize();
        self.write_with(key, STREAM, |temp| {
            temp.write_all(STREAM_MAGIC)?;
            temp.write_all(&digest)?;
            temp.write_all(head)?;
            std::io::copy(rest, temp).map(|_| ())
        })
    }

    fn read<T>(&self, key: &str, kind: &str, decode: fn(&[u8]) -> Option<T>) -> Option<T> {
        let path = self.path(key, kind);
        let bytes = std::fs::read(&path).ok()?;
        let entry = decode(&bytes);
        if entry.is_none() {
            // Truncated or corrupt (an interrupted write cannot cause this, a damaged disk
            // or a hand edit can): drop it so it is made again.
            let _ = std::fs::remove_file(&path);
        }
        entry
    }

    /// Writes the entry made of `parts`, atomically.
    fn write(&self, key: &str, kind: &str, parts: &[&[u8]]) -> Result<()> {
        self.write_with(key, kind, |temp| parts.iter().try_for_each(|part| temp.write_all(part)))
    }

    /// Writes the entry `fill` writes, atomically.
    fn write_with(&self, key: &str, kind: &str, fill: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> std::io::Result<()>) -> Result<()> {
        let path = self.path(key, kind);
        let dir = path.parent().unwrap_or(&self.dir);
        if !dir.is_dir() {
            self.open()?;
            std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir).map_err(Error::io(dir))?;
        {
            let mut writer = std::io::BufWriter::new(temp.as_file_mut());
            fill(&mut writer).and_then(|()| writer.flush()).map_err(Error::io(&path))?;
        }
        temp.persist(&path).map_err(|e| Error::io(&path)(e.error))?;
        Ok(())
    }

    pub fn stats(&self) -> Result<CacheStats> {
        let mut stats = CacheStats::default();
        for file in entries(&self.dir)? {
            if file.path().extension().is_some_and(|e| e == STREAM) {
                stats.streams += 1;
            } else {
                stats.segments += 1;
            }
            stats.bytes += file.metadata().map(|m| m.len()).unwrap_or(0);
        }
        Ok(stats)
    }

    /// Makes the cache ready to fill, before a build spends time synthesizing: creates the
    /// folder with its marker if it does not exist (and marks a folder an older narrate
    /// made, holding nothing but entries), and checks that a file can be written there.
    pub fn open(&self) -> Result<()> {
        let not_writable = |e: std::io::Error| Error::Usage(format!("cache folder {} is not writable: {e} (choose another with --cache DIR, or build with --no-cache)", self.dir.display()));
        if !self.dir.exists() {
            std::fs::create_dir_all(&self.dir).map_err(not_writable)?;
        }
        let marker = self.dir.join(MARKER);
        if !marker.exists() && self.unknown_items()?.is_empty() {
            std::fs::write(&marker, MARKER_TEXT).map_err(not_writable)?;
        }
        tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(&self.dir).map_err(not_writable)?;
        Ok(())
    }

    /// Removes every entry, leaving the (marked) folder; returns what was removed. A folder
    /// without narrate's marker, or holding anything but cache entries, is refused and left
    /// untouched.
    pub fn clear(&self) -> Result<CacheStats> {
        if !self.dir.exists() {
            return Ok(CacheStats::default());
        }
        let refuse = |reason: String| Error::NotACache { dir: self.dir.clone(), reason };
        let marked = std::fs::read_to_string(self.dir.join(MARKER)).is_ok_and(|text| text == MARKER_TEXT);
        if !marked {
            return Err(refuse(format!("it has no {MARKER} written by narrate")));
        }
        let unknown = self.unknown_items()?;
        if let Some(first) = unknown.first() {
            let more = match unknown.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            return Err(refuse(format!("it holds {}{more}, which narrate did not put there", first.display())));
        }
        let stats = self.stats()?;
        for shard in shards(&self.dir)? {
            for entry in std::fs::read_dir(&shard).map_err(Error::io(&shard))? {
                let path = entry.map_err(Error::io(&shard))?.path();
                std::fs::remove_file(&path).map_err(Error::io(&path))?;
            }
            std::fs::remove_dir(&shard).map_err(Error::io(&shard))?;
        }
        Ok(stats)
    }

    /// Everything in the cache folder that is not part of its layout (the marker, shard
    /// folders named by two hex digits holding entries, and entries being written), as
    /// paths relative to the folder.
    fn unknown_items(&self) -> Result<Vec<PathBuf>> {
        let mut unknown = Vec::new();
        for item in std::fs::read_dir(&self.dir).map_err(Error::io(&self.dir))? {
            let item = item.map_err(Error::io(&self.dir))?;
            let name = item.file_name();
            let is_dir = item.file_type().map_err(Error::io(item.path()))?.is_dir();
            if !is_dir {
                if name != MARKER {
                    unknown.push(PathBuf::from(name));
                }
                continue;
            }
            let shard = name.to_str().filter(|n| n.len() == 2 && is_hex(n));
            let Some(shard) = shard else {
                unknown.push(PathBuf::from(name));
                continue;
            };
            for entry in std::fs::read_dir(item.path()).map_err(Error::io(item.path()))? {
                let entry = entry.map_err(Error::io(item.path()))?;
                let file = entry.file_name();
                let is_file = entry.file_type().map_err(Error::io(entry.path()))?.is_file();
                let known = is_file && file.to_str().is_some_and(|f| is_entry_name(f, shard));
                if !known {
                    unknown.push(Path::new(shard).join(file));
                }
            }
        }
        unknown.sort();
        Ok(unknown)
    }
}

/// Whether `name` is an entry of shard `shard`: `<64 hex digits starting with shard>.seg`
/// or `.mp3`, or an entry being written.
fn is_entry_name(name: &str, shard: &str) -> bool {
    if name.starts_with(TEMP_PREFIX) {
        return true;
    }
    let Some((key, kind)) = name.rsplit_once('.') else { return false };
    key.len() == 64 && is_hex(key) && key.starts_with(shard) && (kind == SEGMENT || kind == STREAM)
}

fn is_hex(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The shard folders of a cache.
fn shards(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for item in std::fs::read_dir(dir).map_err(Error::io(dir))? {
        let path = item.map_err(Error::io(dir))?.path();
        if path.is_dir() {
            found.push(path);
        }
    }
    Ok(found)
}

/// Every entry file under the cache folder (none if it does not exist yet).
fn entries(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    let mut found = Vec::new();
    let Ok(shards) = std::fs::read_dir(dir) else { return Ok(found) };
    for shard in shards {
        let shard = shard.map_err(Error::io(dir))?;
        if !shard.path().is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(shard.path()).map_err(Error::io(shard.path()))? {
            let entry = entry.map_err(Error::io(shard.path()))?;
            if entry.path().extension().is_some_and(|e| e == SEGMENT || e == STREAM) {
                found.push(entry);
            }
        }
    }
    Ok(found)
}

fn encode(audio: &Buffer) -> Vec<u8> {
    let mut data = Vec::with_capacity(audio.samples.len() * 4);
    for sample in &audio.samples {
        data.extend_from_slice(&sample.to_le_bytes());
    }
    let mut bytes = Vec::with_capacity(HEADER_LEN + data.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&audio.rate.to_le_bytes());
    bytes.extend_from_slice(&(audio.samples.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&Sha256::digest(&data));
    bytes.extend_from_slice(&data);
    bytes
}

fn decode(bytes: &[u8]) -> Option<Buffer> {
    let (header, data) = (bytes.get(..HEADER_LEN)?, bytes.get(HEADER_LEN..)?);
    let field = |range: std::ops::Range<usize>| header.get(range);
    if field(0..4)? != MAGIC || u32::from_le_bytes(field(4..8)?.try_into().ok()?) != VERSION {
        return None;
    }
    let rate = u32::from_le_bytes(field(8..12)?.try_into().ok()?);
    let count = u64::from_le_bytes(field(12..20)?.try_into().ok()?);
    if data.len() as u64 != count.checked_mul(4)? || Sha256::digest(data).as_slice() != field(20..52)? {
        return None;
    }
    let samples = data.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    Some(Buffer::new(rate, samples))
}

fn decode_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let (header, stream) = (bytes.get(..STREAM_HEADER_LEN)?, bytes.get(STREAM_HEADER_LEN..)?);
    (&header[..4] == STREAM_MAGIC && Sha256::digest(stream).as_slice() == &header[4..]).then(|| stream.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_corruption_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = SegmentCache::new(dir.path().to_path_buf());
        let audio = Buffer::new(24_000, vec![0.25, -0.5, 0.125]);
        let key = "ab".repeat(32);
        assert_eq!(cache.get(&key), None);
        cache.put(&key, &audio).unwrap();
        assert_eq!(cache.get(&key), Some(audio.clone()));
        assert_eq!(cache.stats().unwrap().segments, 1);

        let path = cache.path(&key, SEGMENT);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 2]).unwrap();
        assert_eq!(cache.get(&key), None, "truncated");
        assert!(!path.exists(), "a bad entry is removed");

        cache.put(&key, &audio).unwrap();
        let mut flipped = std::fs::read(&path).unwrap();
        *flipped.last_mut().unwrap() ^= 1;
        std::fs::write(&path, flipped).unwrap();
        assert_eq!(cache.get(&key), None, "corrupt");

        cache.put_stream(&key, b"frames").unwrap();
        assert_eq!(cache.get_stream(&key).as_deref(), Some(&b"frames"[..]));
        let stats = cache.stats().unwrap();
        assert_eq!((stats.segments, stats.streams), (0, 1), "the corrupt segment is gone, the stream counts");
        let path = cache.path(&key, STREAM);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(cache.get_stream(&key), None, "truncated stream");
        assert!(!path.exists());

        cache.put(&key, &audio).unwrap();
        cache.put_stream(&key, b"frames").unwrap();
        let cleared = cache.clear().unwrap();
        assert_eq!((cleared.segments, cleared.streams), (1, 1));
        assert_eq!(cache.stats().unwrap(), CacheStats::default());
    }

    #[test]
    fn clear_removes_only_a_marked_cache_of_entries() {
        let dir = tempfile::tempdir().unwrap();
        let audio = Buffer::new(24_000, vec![0.25; 10]);
        let key = "cd".repeat(32);

        // A folder narrate did not create: refused, untouched.
        let project = dir.path().join("project");
        std::fs::create_dir(&project).unwrap();
        std::fs::write(project.join("notes.txt"), "mine").unwrap();
        let cache = SegmentCache::new(project.clone());
        cache.put(&key, &audio).unwrap();
        let error = cache.clear().unwrap_err().to_string();
        assert!(error.contains("not a narrate cache") && error.contains(MARKER), "{error}");
        assert!(project.join("notes.txt").is_file() && cache.get(&key).is_some());

        // A cache folder narrate made, with a stranger's file in it: refused, untouched.
        let made = SegmentCache::new(dir.path().join("made"));
        made.put(&key, &audio).unwrap();
        assert!(made.dir.join(MARKER).is_file());
        std::fs::write(made.dir.join(&key[..2]).join("keep.txt"), "mine").unwrap();
        let error = made.clear().unwrap_err().to_string();
        assert!(error.contains("keep.txt"), "{error}");
        assert!(made.get(&key).is_some());
        std::fs::remove_file(made.dir.join(&key[..2]).join("keep.txt")).unwrap();
        assert_eq!(made.clear().unwrap().segments, 1);
        assert!(made.dir.join(MARKER).is_file() && made.get(&key).is_none());

        // An older narrate's cache (entries only, no marker) is marked when next opened.
        std::fs::remove_file(made.dir.join(MARKER)).unwrap();
        made.put(&key, &audio).unwrap();
        made.open().unwrap();
        assert_eq!(made.clear().unwrap().segments, 1);
    }
}
