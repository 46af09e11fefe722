//! A cast maps each role of a script to a voice, per language. The default cast lives in
//! `voices/casts/default.toml`; `--cast FILE` and `--voice ROLE=VOICE` override it.

use crate::error::{Error, Result};
use crate::script::{Role, Script};
use crate::Language;
use std::collections::BTreeMap;
use std::path::Path;

/// `[zh] host = "…"` tables: language → role or speaker id → voice name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cast {
    entries: BTreeMap<String, BTreeMap<String, String>>,
}

impl Cast {
    pub fn load(path: &Path) -> Result<Cast> {
        let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
        let entries = toml::from_str(&text)
            .map_err(|e| Error::VoiceFile { path: path.into(), message: super::voice::one_line(&e.to_string()) })?;
        Ok(Cast { entries })
    }

    /// Applies `--voice ROLE=VOICE` for every language.
    pub fn assign(&mut self, role: &str, voice: &str) {
        for table in self.entries.values_mut() {
            table.insert(role.to_owned(), voice.to_owned());
        }
        self.entries.entry("*".into()).or_default().insert(role.to_owned(), voice.to_owned());
    }

    /// The voice for a script speaker: by speaker id (`guest2`), else by role.
    pub fn voice_for(&self, language: Language, speaker_id: &str, role: Role) -> Result<&str> {
        let lookup = |table: &str, key: &str| self.entries.get(table).and_then(|t| t.get(key)).map(String::as_str);
        lookup(language.code(), speaker_id)
            .or_else(|| lookup(language.code(), role.as_str()))
            .or_else(|| lookup("*", speaker_id))
            .or_else(|| lookup("*", role.as_str()))
            .ok_or_else(|| Error::NoCast { role: role.to_string(), language: language.to_string() })
    }

    /// Voice name per speaker id for a script.
    pub fn voices_for(&self, script: &Script) -> Result<BTreeMap<String, String>> {
        script
            .speakers
            .iter()
            .map(|s| Ok((s.id.clone(), self.voice_for(script.language, &s.id, s.role)?.to_owned())))
            .collect()
    }
}

/// Roles `--voice` may name in any script; speaker ids (`guest2`) depend on the script.
const ROLES: [&str; 3] = ["host", "guest", "narrator"];

/// Checks `--voice ROLE=VOICE` assignments against a script: ROLE must be a role or one of
/// the script's speaker ids, VOICE a voice of the catalog. Returns warnings for voices that
/// do not speak the script's language.
pub fn check_assignments(script: &Script, assignments: &[(String, String)], catalog: &super::VoiceCatalog) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    for (role, voice) in assignments {
        let known = ROLES.contains(&role.as_str()) || script.speakers.iter().any(|s| &s.id == role);
        if !known {
            let mut valid: Vec<&str> = ROLES.to_vec();
            valid.extend(script.speakers.iter().map(|s| s.id.as_str()).filter(|id| !ROLES.contains(id)));
            return Err(Error::UnknownRole { role: role.clone(), valid: valid.join(", ") });
        }
        let profile = catalog.get(voice)?;
        if profile.language != script.language {
            warnings.push(format!("voice '{voice}' speaks {} but the script is in {}; {role} will sound foreign", profile.language, script.language));
        }
    }
    Ok(warnings)
}

/// Parses a `ROLE=VOICE` command-line assignment.
pub fn parse_assignment(text: &str) -> std::result::Result<(String, String), String> {
    let (role, voice) = text.split_once('=').ok_or_else(|| format!("'{text}': expected ROLE=VOICE, e.g. guest=en-guest"))?;
    let (role, voice) = (role.trim(), voice.trim());
    if role.is_empty() || voice.is_empty() {
        return Err(format!("'{text}': expected ROLE=VOICE, e.g. guest=en-guest"));
    }
    Ok((role.to_owned(), voice.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cast() -> Cast {
        Cast { entries: toml::from_str("[en]\nhost = \"a\"\nguest = \"b\"\nguest2 = \"c\"\n[zh]\nhost = \"z\"\n").unwrap() }
    }

    #[test]
    fn speaker_id_before_role_and_overrides() {
        let mut c = cast();
        assert_eq!(c.voice_for(Language::En, "guest2", Role::Guest).unwrap(), "c");
        assert_eq!(c.voice_for(Language::En, "guest3", Role::Guest).unwrap(), "b");
        assert!(c.voice_for(Language::Zh, "guest", Role::Guest).is_err());
        c.assign("guest", "x");
        assert_eq!(c.voice_for(Language::Zh, "guest", Role::Guest).unwrap(), "x");
        assert_eq!(parse_assignment("host = en-host").unwrap(), ("host".into(), "en-host".into()));
        assert!(parse_assignment("host").is_err());
    }
}
