//! `narrate show init`: a commented show.toml to fill in.

use crate::export::write_atomic;
use crate::{Error, Result};
use std::io::Write;
use std::path::Path;

const TEMPLATE: &str = r#"# The podcast's settings, read by `narrate publish`.
# Episodes are published into the `public/` folder beside this file, with the feed
# (feed.xml) and the show's page (index.html). Serve that folder at `base_url`; to try it
# on this machine: narrate serve public   (then open http://localhost:8080/)

title = "My Podcast"
description = "Articles and interviews, read aloud."
# Shown as the show's author in podcast apps.
author = "Your Name"
# Language code of the show: en, en-us, zh-cn, ...
language = "en"
# An Apple Podcasts category (https://podcasters.apple.com/support/1691-apple-podcasts-categories)
# and, optionally, one of its subcategories.
category = "News"
# subcategory = "Daily News"
# Whether episodes contain explicit content.
explicit = false
# Cover art: a square JPEG or PNG, 1400 to 3000 pixels, as a file path relative to this
# file (copied into public/) or an https:// URL. Without it, publishing draws a cover
# with the show's title.
# artwork = "artwork.jpg"
# Where the public/ folder is served; every URL in the feed starts with it.
base_url = "http://localhost:8080/"
# The show's own web page, if it has one (defaults to base_url).
# link = "https://example.org/podcast"

# Who podcast directories may contact about the show.
# [owner]
# name = "Your Name"
# email = "you@example.org"
"#;

/// Writes a commented show.toml template to `path` (creating its folder). An existing file
/// is only replaced when `force` is set.
pub fn init_show(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        return Err(Error::Usage(format!("{}: already exists (use --force to overwrite it)", path.display())));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    write_atomic(path, |w| w.write_all(TEMPLATE.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::show::Show;

    #[test]
    fn template_loads_as_a_show() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/show.toml");
        init_show(&path, false).unwrap();
        let show = Show::load(&path).unwrap();
        assert_eq!(show.title.as_str(), "My Podcast");
        assert_eq!(show.base_url.as_str(), "http://localhost:8080/");
        assert_eq!(show.artwork, None);
        assert_eq!(show.placeholder_warnings().len(), 2);
        assert!(TEMPLATE.contains("narrate serve public"));
    }

    #[test]
    fn refuses_to_overwrite_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("show.toml");
        std::fs::write(&path, "title = \"Mine\"\n").unwrap();
        let message = init_show(&path, false).unwrap_err().to_string();
        assert!(message.ends_with("show.toml: already exists (use --force to overwrite it)"), "{message}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "title = \"Mine\"\n");
        init_show(&path, true).unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().starts_with("# The podcast's settings"));
    }
}
