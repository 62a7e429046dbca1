//! Putting a new output directory in place of the old one without a moment
//! when neither is complete: the old directory is renamed aside, the new one
//! renamed in, and only then is the old one deleted. If the second rename
//! fails, the old directory is renamed back.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

use crate::error::{Error, Result};

/// Writes `files` into a fresh hidden directory next to `out` (same
/// filesystem, so renames are atomic). Dropped without being swapped in, it
/// deletes itself.
pub fn stage(parent: &Path, out: &Path, files: &[(String, String)]) -> Result<TempDir> {
    let staging = tempfile::Builder::new()
        .prefix(&hidden_prefix(out, "new"))
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a scratch directory in", parent, e))?;
    for (name, body) in files {
        let path = staging.path().join(name);
        fs::write(&path, body).map_err(|e| Error::io("write", &path, e))?;
    }
    Ok(staging)
}

/// Moves `staging` to `out`. An existing `out` (already checked to be
/// archgen's) is kept aside until the new output is in place, and restored
/// if that fails. `rename` is `fs::rename` except in tests, which make it
/// fail on purpose.
pub fn replace(
    staging: TempDir,
    out: &Path,
    rename: impl Fn(&Path, &Path) -> io::Result<()>,
) -> Result<()> {
    let exists = fs::symlink_metadata(out).is_ok();
    if !exists {
        rename(staging.path(), out).map_err(|e| Error::io("move the new output into", out, e))?;
        let _ = staging.keep();
        return Ok(());
    }
    let parent = staging.path().parent().unwrap_or(Path::new("."));
    let aside = tempfile::Builder::new()
        .prefix(&hidden_prefix(out, "old"))
        .tempdir_in(parent)
        .map_err(|e| Error::io("create a scratch directory in", parent, e))?;
    let old: PathBuf = aside.path().join("previous");
    rename(out, &old).map_err(|e| Error::io("move aside", out, e))?;
    if let Err(e) = rename(staging.path(), out) {
        let failed = Error::io("move the new output into", out, e);
        return match rename(&old, out) {
            Ok(()) => Err(failed.with_note(" (the previous output is back in place)")),
            Err(restore) => {
                // Keep the previous output where it is rather than delete it.
                let kept = aside.keep();
                Err(failed.with_note(format!(
                    "; restoring the previous output also failed ({restore}): it is in {}",
                    kept.join("previous").display()
                )))
            }
        };
    }
    let _ = staging.keep();
    // The previous output is archgen's own; dropping `aside` deletes it.
    drop(aside);
    Ok(())
}

fn hidden_prefix(out: &Path, what: &str) -> String {
    let leaf = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    format!(".{leaf}.archgen-{what}-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn files(body: &str) -> Vec<(String, String)> {
        vec![
            ("main.template.json".to_string(), body.to_string()),
            ("manifest.json".to_string(), "{}".to_string()),
        ]
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn new_output_replaces_old_and_leaves_no_scratch_behind() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("main.template.json"), "old").unwrap();
        let staging = stage(root.path(), &out, &files("new")).unwrap();
        replace(staging, &out, |a, b| fs::rename(a, b)).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("main.template.json")).unwrap(),
            "new"
        );
        assert_eq!(entries(root.path()), vec!["out"]);
    }

    #[test]
    fn a_failed_move_into_place_restores_the_previous_output_byte_for_byte() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("main.template.json"), "old bytes\n").unwrap();
        fs::write(out.join("manifest.json"), "old manifest").unwrap();
        let staging = stage(root.path(), &out, &files("new")).unwrap();
        let calls = Cell::new(0);
        let err = replace(staging, &out, |a, b| {
            calls.set(calls.get() + 1);
            if calls.get() == 2 {
                return Err(io::Error::other("disk full"));
            }
            fs::rename(a, b)
        })
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("previous output is back"),
            "{err:#}"
        );
        assert_eq!(
            fs::read_to_string(out.join("main.template.json")).unwrap(),
            "old bytes\n"
        );
        assert_eq!(
            fs::read_to_string(out.join("manifest.json")).unwrap(),
            "old manifest"
        );
        assert_eq!(
            entries(root.path()),
            vec!["out"],
            "scratch directories are cleaned up"
        );
    }

    #[test]
    fn when_even_the_restore_fails_the_previous_output_is_kept_and_named() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("main.template.json"), "old").unwrap();
        let staging = stage(root.path(), &out, &files("new")).unwrap();
        let calls = Cell::new(0);
        let err = replace(staging, &out, |a, b| {
            calls.set(calls.get() + 1);
            if calls.get() >= 2 {
                return Err(io::Error::other("device gone"));
            }
            fs::rename(a, b)
        })
        .unwrap_err();
        let aside: Vec<PathBuf> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".out.archgen-old-"))
            .collect();
        assert_eq!(aside.len(), 1, "the previous output is kept aside");
        let kept = aside[0].join("previous");
        assert!(
            format!("{err:#}").contains(&kept.display().to_string()),
            "{err:#}"
        );
        assert_eq!(
            fs::read_to_string(kept.join("main.template.json")).unwrap(),
            "old"
        );
    }
}
