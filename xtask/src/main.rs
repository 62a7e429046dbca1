//! Developer tasks for archgen, run as `cargo xtask <task>`.
//!
//! `gen-l1`: writes `crates/archgen-synth/src/template/generated/` (archgen's L1, one struct per
//! CloudFormation resource type) from the schemas vendored in
//! `crates/archgen-synth/schemas/cloudformation/`, for the types listed in
//! `crates/archgen-synth/src/template/generated/TYPES`.

mod naming;
mod render;
mod schema;

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const GENERATED_DIR: &str = "crates/archgen-synth/src/template/generated";
const SCHEMA_DIR: &str = "crates/archgen-synth/schemas/cloudformation";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen-l1"] => write_generated(&repo_root()),
        _ => {
            eprintln!("usage: cargo xtask gen-l1");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_path_buf()
}

/// Writes every generated file and removes generated files no longer
/// produced (a type dropped from TYPES).
fn write_generated(root: &Path) -> Result<()> {
    let files = generate(root)?;
    let dir = root.join(GENERATED_DIR);
    for existing in generated_files_on_disk(&dir)? {
        if !files.contains_key(&existing) {
            std::fs::remove_file(dir.join(&existing))
                .with_context(|| format!("removing {existing}"))?;
        }
    }
    for (name, text) in &files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    eprintln!("wrote {} files to {GENERATED_DIR}", files.len());
    Ok(())
}

/// The `.rs` files in the generated directory (TYPES is an input).
fn generated_files_on_disk(dir: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// The generated files, by name, formatted by rustfmt.
fn generate(root: &Path) -> Result<BTreeMap<String, String>> {
    let types_file = root.join(GENERATED_DIR).join("TYPES");
    let types_text = std::fs::read_to_string(&types_file)
        .with_context(|| format!("reading {}", types_file.display()))?;
    let schema_dir = root.join(SCHEMA_DIR);
    let version = std::fs::read_to_string(schema_dir.join("VERSION"))
        .context("reading schemas/cloudformation/VERSION")?;
    let header = render::header(&version);
    let schema_version = parse_version(&version)?;

    // Service module name (`ec2`) → its resource types, in TYPES order sorted.
    let mut services: BTreeMap<String, (String, Vec<schema::Resource>)> = BTreeMap::new();
    let mut types: Vec<&str> = types_text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    types.sort();
    types.dedup();
    for type_name in types {
        let parts: Vec<&str> = type_name.split("::").collect();
        let [_, service, _] = parts.as_slice() else {
            bail!("TYPES: {type_name} is not a resource type name like AWS::ECR::Repository");
        };
        let schema = schema::load(&schema_dir, type_name)?;
        let resource = schema::resource(type_name, &schema)?;
        services
            .entry(service.to_lowercase())
            .or_insert_with(|| (service.to_string(), Vec::new()))
            .1
            .push(resource);
    }

    let mut files = BTreeMap::new();
    for (module, (service, resources)) in &services {
        let text = render::service_file(&header, service, resources);
        files.insert(format!("{module}.rs"), rustfmt(&text)?);
    }
    let modules: Vec<String> = services.keys().cloned().collect();
    // `Props` variants: service module and resource (`Ec2Vpc`), unique by
    // construction.
    let types: Vec<(String, String)> = services
        .iter()
        .flat_map(|(module, (_, resources))| {
            let service = naming::capitalized(module);
            resources.iter().map(move |r| {
                (
                    format!("{service}{}", r.resource.name),
                    format!("{module}::{}", r.resource.name),
                )
            })
        })
        .collect();
    files.insert(
        "mod.rs".into(),
        rustfmt(&render::mod_file(
            &header,
            &modules,
            &schema_version,
            &types,
        ))?,
    );
    Ok(files)
}

/// Reads `schemas/cloudformation/VERSION`: a `schema_date=` line, and the
/// line naming the source release (`cfn-lint==1.58.0`).
fn parse_version(text: &str) -> Result<render::SchemaVersion> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let date = lines
        .iter()
        .find_map(|l| l.strip_prefix("schema_date="))
        .context("schemas/cloudformation/VERSION has no `schema_date=` line")?;
    let source = lines
        .iter()
        .find(|l| !l.starts_with("schema_date="))
        .context("schemas/cloudformation/VERSION does not name its source (`cfn-lint==1.58.0`)")?;
    Ok(render::SchemaVersion {
        source: source.to_string(),
        date: date.to_string(),
    })
}

/// Formats like `cargo fmt`, so `cargo fmt --check` accepts generated code.
fn rustfmt(source: &str) -> Result<String> {
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(source.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "rustfmt rejected the generated code (a generator bug):\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8(output.stdout)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_version_is_read_from_both_lines() {
        let v = parse_version("cfn-lint==1.58.0\nschema_date=2026-10-20T22:11:15Z\n").unwrap();
        assert_eq!(v.source, "cfn-lint==1.58.0");
        assert_eq!(v.date, "2026-10-20T22:11:15Z");
        let missing = parse_version("cfn-lint==1.58.0\n").err().unwrap();
        assert!(missing.to_string().contains("schema_date"), "{missing}");
    }

    /// The checked-in L1 is exactly what the vendored schemas and TYPES
    /// generate: a refresh of the schemas or an edit of TYPES or of the
    /// generator must come with the regenerated code.
    #[test]
    fn checked_in_l1_is_what_the_schemas_generate() {
        let root = repo_root();
        let expected = generate(&root).expect("generation succeeds");
        let dir = root.join(GENERATED_DIR);
        let on_disk = generated_files_on_disk(&dir).unwrap();
        let wanted: Vec<&String> = expected.keys().collect();
        assert_eq!(
            on_disk.iter().collect::<Vec<_>>(),
            wanted,
            "stale: the files in {GENERATED_DIR} differ from what is generated; run `cargo xtask gen-l1`"
        );
        for (name, text) in &expected {
            let current = std::fs::read_to_string(dir.join(name)).unwrap();
            assert!(
                current == *text,
                "stale: {GENERATED_DIR}/{name} differs from what is generated; run `cargo xtask gen-l1`"
            );
        }
    }
}
