//! Which directories archgen may replace with new output.
//!
//! archgen replaces a directory only when everything in it is archgen's own
//! output: a `manifest.json` that archgen wrote and the template files that
//! manifest lists. Anything else in it (a user's file, `stacks/`, `.git`)
//! means the directory is not archgen's, so it is refused before anything is
//! written. Some places are refused whatever they hold: `/`, the home
//! directory, the current directory, the project directory, any directory
//! holding `stacks/`, and any directory that contains one of those.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::manifest::Manifest;

/// The file by which archgen recognises its own output.
pub const MANIFEST: &str = "manifest.json";

/// At most this many foreign entries are named in a refusal.
const NAMED_ENTRIES: usize = 5;

/// `--out` names a directory that archgen will not replace.
#[derive(Debug)]
pub struct Refusal {
    pub out: PathBuf,
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "refusing to write output into {}: {}. archgen replaces only a directory that it \
             wrote itself (its manifest.json and templates) or an empty one; nothing was \
             changed. Choose another --out, e.g. out/<env>",
            self.out.display(),
            self.reason
        )
    }
}

impl std::error::Error for Refusal {}

/// Succeeds when `out` does not exist, is empty, or holds only archgen's
/// output, and is none of the places archgen never replaces.
pub fn ensure_replaceable(out: &Path, project_dir: &Path) -> Result<(), Refusal> {
    let refuse = |reason: String| Refusal {
        out: out.to_path_buf(),
        reason,
    };
    let meta = match fs::symlink_metadata(out) {
        Ok(meta) => meta,
        // Nothing there (or a parent is a file): writing will create it, or fail.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(());
        }
        Err(e) => return Err(refuse(format!("it cannot be read ({e})"))),
    };
    if meta.file_type().is_symlink() {
        return Err(refuse(
            "it is a symbolic link; name the directory itself".into(),
        ));
    }
    if !meta.is_dir() {
        return Err(refuse("it is a file, not a directory".into()));
    }
    let real = fs::canonicalize(out).map_err(|e| refuse(format!("it cannot be read ({e})")))?;
    if let Some(reason) = protected(&real, project_dir) {
        return Err(refuse(reason));
    }
    let entries = list(&real).map_err(|e| refuse(format!("it cannot be listed ({e})")))?;
    if entries.is_empty() {
        return Ok(());
    }
    let owned = archgen_files(&real);
    let foreign: Vec<&String> = entries
        .iter()
        .filter(|name| !owned.as_ref().is_some_and(|o| o.contains(name)))
        .collect();
    if foreign.is_empty() {
        return Ok(());
    }
    let mut named: Vec<String> = foreign
        .iter()
        .take(NAMED_ENTRIES)
        .map(|n| format!("'{n}'"))
        .collect();
    if foreign.len() > NAMED_ENTRIES {
        named.push(format!("and {} more", foreign.len() - NAMED_ENTRIES));
    }
    let what = if owned.is_some() {
        "besides archgen's output it holds"
    } else {
        "it is not empty and archgen did not write it (no manifest.json of archgen's); it holds"
    };
    Err(refuse(format!("{what} {}", named.join(", "))))
}

/// Why `real` (a canonical directory path) must never be replaced,
/// whatever it holds.
fn protected(real: &Path, project_dir: &Path) -> Option<String> {
    if real.parent().is_none() {
        return Some("it is the root directory".into());
    }
    if real.join("stacks").is_dir() {
        return Some("it holds a stacks/ directory, so it is a project".into());
    }
    let places = [
        ("the current directory", std::env::current_dir().ok()),
        (
            "the project directory (--dir)",
            Some(project_dir.to_path_buf()),
        ),
        ("your home directory", std::env::home_dir()),
    ];
    for (name, place) in places {
        let Some(place) = place.and_then(|p| fs::canonicalize(p).ok()) else {
            continue;
        };
        if place == real {
            return Some(format!("it is {name}"));
        }
        if place.starts_with(real) {
            return Some(format!("it contains {name}"));
        }
    }
    None
}

fn list(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        names.push(entry?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// The manifest of output that is not templates (`archgen docs`): who wrote
/// it and the files it holds.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileList {
    /// `archgen docs`: a manifest of anyone else is not archgen's.
    pub written_by: String,
    pub files: Vec<String>,
}

/// `FileList::written_by` of every list archgen writes starts with this.
pub const WRITER: &str = "archgen ";

/// The files a manifest of archgen's lists: a synthesis's templates, or a
/// [`FileList`]'s files.
fn listed_files(text: &str) -> Option<Vec<String>> {
    if let Ok(manifest) = serde_json::from_str::<Manifest>(text) {
        return Some(
            manifest
                .stacks
                .into_iter()
                .map(|s| s.template_file)
                .collect(),
        );
    }
    let list: FileList = serde_json::from_str(text).ok()?;
    list.written_by.starts_with(WRITER).then_some(list.files)
}

/// The names archgen wrote into `dir`: its manifest and the files the
/// manifest lists, as plain files directly in `dir` (archgen writes nothing
/// else); `None` when there is no manifest of archgen's.
fn archgen_files(dir: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let mut names: Vec<String> = listed_files(&text)?
        .into_iter()
        .filter(|f| Path::new(f).file_name().is_some_and(|n| n == f.as_str()))
        .filter(|f| fs::symlink_metadata(dir.join(f)).is_ok_and(|m| m.is_file()))
        .collect();
    names.push(MANIFEST.to_string());
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_listing(files: &[&str]) -> String {
        let stacks: Vec<serde_json::Value> = files
            .iter()
            .map(|f| {
                serde_json::json!({
                    "name": "main", "stack_name": "a-prod-main", "region": "us-east-1",
                    "template_file": f, "depends_on": [], "parameters": {},
                    "termination_protection": false, "tags": {}
                })
            })
            .collect();
        serde_json::json!({ "app": "a", "environment": "prod", "stacks": stacks }).to_string()
    }

    #[test]
    fn a_missing_or_empty_directory_may_be_written() {
        let root = tempfile::tempdir().unwrap();
        let project = root.path().join("project");
        assert!(ensure_replaceable(&root.path().join("nope"), &project).is_ok());
        fs::create_dir(root.path().join("empty")).unwrap();
        assert!(ensure_replaceable(&root.path().join("empty"), &project).is_ok());
    }

    #[test]
    fn archgen_output_may_be_replaced_but_not_with_a_user_file_in_it() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(
            out.join(MANIFEST),
            manifest_listing(&["main.template.json"]),
        )
        .unwrap();
        fs::write(out.join("main.template.json"), "{}").unwrap();
        assert!(ensure_replaceable(&out, root.path()).is_ok());

        fs::write(out.join("notes.txt"), "mine").unwrap();
        let refusal = ensure_replaceable(&out, root.path()).unwrap_err();
        assert!(refusal.reason.contains("'notes.txt'"), "{refusal}");
    }

    #[test]
    fn a_manifest_that_is_not_archgens_does_not_make_a_directory_archgens() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(MANIFEST), r#"{"name": "my-web-app"}"#).unwrap();
        let refusal = ensure_replaceable(&out, root.path()).unwrap_err();
        assert!(refusal.reason.contains("did not write it"), "{refusal}");
    }

    #[test]
    fn a_file_list_of_archgens_owns_its_files_and_no_other() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("docs");
        fs::create_dir(&out).unwrap();
        let list = |writer: &str| {
            serde_json::json!({ "written_by": writer, "files": ["main.prod.md"] }).to_string()
        };
        fs::write(out.join(MANIFEST), list("archgen docs")).unwrap();
        fs::write(out.join("main.prod.md"), "# doc").unwrap();
        assert!(ensure_replaceable(&out, root.path()).is_ok());

        fs::write(out.join("design.md"), "mine").unwrap();
        let refusal = ensure_replaceable(&out, root.path()).unwrap_err();
        assert!(refusal.reason.contains("'design.md'"), "{refusal}");

        fs::remove_file(out.join("design.md")).unwrap();
        fs::write(out.join(MANIFEST), list("mkdocs")).unwrap();
        let refusal = ensure_replaceable(&out, root.path()).unwrap_err();
        assert!(refusal.reason.contains("did not write it"), "{refusal}");
    }

    #[test]
    fn a_manifest_cannot_claim_files_outside_its_directory() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir_all(out.join("sub")).unwrap();
        fs::write(out.join(MANIFEST), manifest_listing(&["sub/x.json", "sub"])).unwrap();
        let refusal = ensure_replaceable(&out, root.path()).unwrap_err();
        assert!(refusal.reason.contains("'sub'"), "{refusal}");
    }

    #[test]
    fn a_directory_holding_stacks_is_refused_even_when_only_archgen_files_surround_it() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("stacks")).unwrap();
        let refusal = ensure_replaceable(root.path(), &root.path().join("elsewhere")).unwrap_err();
        assert!(refusal.reason.contains("stacks/"), "{refusal}");
    }

    #[test]
    fn the_root_directory_is_refused() {
        let refusal = ensure_replaceable(Path::new("/"), Path::new("/tmp")).unwrap_err();
        assert!(refusal.reason.contains("root directory"), "{refusal}");
    }

    #[test]
    fn an_ancestor_of_the_project_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let project = root.path().join("a").join("project");
        fs::create_dir_all(&project).unwrap();
        let refusal = ensure_replaceable(&root.path().join("a"), &project).unwrap_err();
        assert!(refusal.reason.contains("contains the project"), "{refusal}");
    }
}
