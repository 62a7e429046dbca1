//! Writing a synthesis to disk: all or nothing.

use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

use crate::synth::Synthesis;
use crate::template::Template;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
/// and new files. Returns the paths written, in manifest order.
pub fn write(synthesis: &Synthesis, out: &Path, format: Format) -> Result<Vec<PathBuf>> {
    let mut manifest = synthesis.manifest.clone();
    let mut files = Vec::new();
    for (entry, (_, template)) in manifest.stacks.iter_mut().zip(&synthesis.templates) {
        entry.template_file = format!("{}.template.{}", entry.name, format.extension());
        files.push((entry.template_file.clone(), format.render(template)));
    }
    let mut manifest_json =
        serde_json::to_string_pretty(&manifest).context("serializing the manifest")?;
    manifest_json.push('\n');
    files.push(("manifest.json".to_string(), manifest_json));

    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let leaf = out.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let scratch = parent.join(format!(".{leaf}.archgen-tmp-{}", std::process::id()));
    let result = (|| -> Result<Vec<PathBuf>> {
        if scratch.exists() {
            fs::remove_dir_all(&scratch)?;
        }
        fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;
        for (name, body) in &files {
            fs::write(scratch.join(name), body).with_context(|| format!("writing {name}"))?;
        }
        if out.exists() {
            fs::remove_dir_all(out).with_context(|| format!("replacing {}", out.display()))?;
        }
        fs::rename(&scratch, out)
            .with_context(|| format!("moving output into {}", out.display()))?;
        Ok(files
            .iter()
            .take(files.len() - 1)
            .map(|(n, _)| out.join(n))
            .collect())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&scratch);
    }
    result
}
