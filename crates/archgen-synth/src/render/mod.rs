//! Writing a synthesis to disk: all or nothing, and only over archgen's own
//! output.
//!
//! [`ownership`] decides whether the output directory may be replaced;
//! [`swap`] puts the new output in place without ever losing the old one.

mod ownership;
mod swap;

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::synth::Synthesis;
use crate::template::Template;

pub use ownership::{FileList, Refusal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    pub fn render(self, t: &Template) -> String {
        match self {
            Format::Json => t.to_json(),
            Format::Yaml => t.to_yaml(),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// Renders every template and the manifest into a scratch directory next to
/// `out`, then swaps it into place, so a failure never leaves a mix of old
/// and new files. `out` is replaced only when archgen wrote it (see
/// [`ownership`]); `project_dir` is the directory holding `stacks/`, which
/// is never replaced. Returns the template paths written, in manifest order.
/// Fails with [`Error::OutputRefused`] (nothing touched) or [`Error::Io`]
/// (the previous output, if any, still in place).
pub fn write(
    synthesis: &Synthesis,
    out: &Path,
    project_dir: &Path,
    format: Format,
) -> Result<Vec<PathBuf>> {
    let mut manifest = synthesis.manifest.clone();
    let mut files = Vec::new();
    for (entry, (_, template)) in manifest.stacks.iter_mut().zip(&synthesis.templates) {
        entry.template_file = format!("{}.template.{}", entry.name, format.extension());
        files.push((entry.template_file.clone(), format.render(template)));
    }
    let templates: Vec<PathBuf> = files.iter().map(|(n, _)| out.join(n)).collect();
    let mut manifest_json = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::io("serialize the manifest for", out, e.into()))?;
    manifest_json.push('\n');
    files.push((ownership::MANIFEST.to_string(), manifest_json));

    put_in_place(&files, out, project_dir)?;
    Ok(templates)
}

/// Writes `files` (name → text, plain names) and a `manifest.json` listing
/// them ([`FileList`], signed `archgen <command>`) into `out`, all or
/// nothing and only over archgen's own output, as [`write`] does. Returns
/// the paths written.
pub fn write_files(
    files: Vec<(String, String)>,
    out: &Path,
    project_dir: &Path,
    command: &str,
) -> Result<Vec<PathBuf>> {
    let list = FileList {
        written_by: format!("{}{command}", ownership::WRITER),
        files: files.iter().map(|(name, _)| name.clone()).collect(),
    };
    let paths = list.files.iter().map(|n| out.join(n)).collect();
    let mut manifest = serde_json::to_string_pretty(&list)
        .map_err(|e| Error::io("serialize the manifest for", out, e.into()))?;
    manifest.push('\n');
    let mut files = files;
    files.push((ownership::MANIFEST.to_string(), manifest));
    put_in_place(&files, out, project_dir)?;
    Ok(paths)
}

/// Checks that `out` may be replaced, then stages `files` beside it and
/// swaps them in.
fn put_in_place(files: &[(String, String)], out: &Path, project_dir: &Path) -> Result<()> {
    ownership::ensure_replaceable(out, project_dir)?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    let staging = swap::stage(parent, out, files)?;
    swap::replace(staging, out, |from, to| fs::rename(from, to))?;
    Ok(())
}
