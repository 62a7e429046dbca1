//! Finding and reading stack files, and resolving one environment.

use std::path::{Path, PathBuf};

use super::StackSpec;
use super::de::{SpecError, from_node};
use super::node::{Key, Loc, Node, NodeKind};
use super::overlay::merge;
use super::yaml_error::explain;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean, nearest_names};

/// A stack file as written: its base definition and its overlays.
#[derive(Debug, Clone)]
pub struct StackFile {
    /// The file stem: `stacks/main.yaml` is stack `main`.
    pub name: String,
    pub path: PathBuf,
    pub source: String,
    pub base: Node,
    pub environments: Vec<(Key, Node)>,
    /// Where `environments:` was written, for errors about it.
    pub environments_loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub dir: PathBuf,
    pub stacks: Vec<StackFile>,
}

/// One stack for one environment: the merged tree (for locating errors) and
/// the typed spec.
#[derive(Debug, Clone)]
pub struct ResolvedStack<'p> {
    pub file: &'p StackFile,
    pub environment: String,
    pub node: Node,
    pub spec: StackSpec,
}

impl<'p> ResolvedStack<'p> {
    /// A diagnostic at the spec line of `field` (or its nearest ancestor).
    /// A field under `environments.` is found where it is declared.
    pub fn error(&self, code: Code, field: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, field, message).at(
            &self.file.path,
            self.locate(field),
            &self.file.source,
        )
    }

    /// Where `field` is written: in the merged tree, or for
    /// `environments.<env>...` in that environment's declaration.
    pub fn locate(&self, field: &str) -> Loc {
        match field.strip_prefix("environments.") {
            Some(rest) => self.file.locate_in_environments(rest),
            None => self.node.locate(field),
        }
    }

    /// A name written in two places: pinned to the key at `field`, and
    /// showing where the key at `first` is written too.
    pub fn name_clash(
        &self,
        code: Code,
        field: &str,
        first: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let key_loc = |f: &str| self.node.locate_key(f).unwrap_or_else(|| self.locate(f));
        Diagnostic::new(code, field, message)
            .at(&self.file.path, key_loc(field), &self.file.source)
            .also(key_loc(first), "first used here", &self.file.source)
    }
}

/// Whether `path` (`resources.X.Properties.Y`, or the same below
/// `environments.<env>.`) is in a block of CloudFormation values.
fn escape_hatch_path(path: &str) -> bool {
    let path = match path.strip_prefix("environments.") {
        Some(rest) => rest.split_once('.').map_or("", |(_, p)| p),
        None => path,
    };
    ["resources.", "overrides.", "outputs."]
        .iter()
        .any(|block| path.starts_with(block))
}

impl StackFile {
    /// Parses the text of the stack file at `path`, whose stem names the stack.
    pub fn from_source(path: PathBuf, source: String) -> Result<StackFile, Vec<Diagnostic>> {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !is_stack_name(&name) {
            return Err(vec![
                Diagnostic::new(Code::Project, "", format!("stack file name '{name}' cannot name a stack"))
                    .help("use lowercase letters, digits and hyphens, starting with a letter (e.g. main.yaml)")
                    .at(&path, Loc { line: 1, column: 1 }, &source),
            ]);
        }
        StackFile::parse(name, path, source)
    }

    pub fn parse(
        name: String,
        path: PathBuf,
        source: String,
    ) -> Result<StackFile, Vec<Diagnostic>> {
        let (mut node, mut tags) = Node::parse_with_tags(&source).map_err(|e| {
            let problem = explain(&e, &source);
            vec![
                Diagnostic::new(Code::Yaml, "", problem.message)
                    .help(problem.help)
                    .at(&path, problem.loc, &source),
            ]
        })?;
        let mut problems: Vec<Diagnostic> = node
            .duplicate_keys()
            .into_iter()
            .map(|(first, repeat)| {
                Diagnostic::new(
                    Code::Yaml,
                    "",
                    format!(
                        "key `{}` is written twice in this mapping (first at line {})",
                        repeat.name, first.loc.line
                    ),
                )
                .help("remove one of them; YAML keeps only one value per key")
                .at(&path, repeat.loc, &source)
                .also(first.loc, "first written here", &source)
            })
            .collect();
        // CloudFormation's short forms (`!Ref`, `!GetAtt`, `!Sub`, ...) are
        // accepted where CloudFormation values are written: in raw
        // resources, overrides and outputs.
        tags.retain(|(loc, tag)| {
            let path = node.path_at(*loc).unwrap_or_default();
            let in_escape_hatch = escape_hatch_path(&path);
            !(in_escape_hatch && node.expand_cloudformation_tag(*loc, tag))
        });
        problems.extend(tags.iter().map(|(loc, tag)| {
            Diagnostic::new(
                Code::Yaml001,
                node.path_at(*loc).unwrap_or_default(),
                format!("archgen does not interpret YAML tags such as '{tag}'"),
            )
            .help(format!(
                "write the value without '{tag}': archgen writes CloudFormation's functions itself, and a spec refers to components by their keys"
            ))
            .at(&path, *loc, &source)
        }));
        if !problems.is_empty() {
            return Err(problems);
        }
        if source.trim().is_empty() || node.kind == NodeKind::Null {
            return Err(vec![empty_stack_file(&path)]);
        }
        let NodeKind::Map(entries) = &node.kind else {
            return Err(vec![
                Diagnostic::new(
                    Code::Spec,
                    "",
                    format!("a stack file must be a mapping, found {}", node.type_name()),
                )
                .help("start the file with 'app: <name>' and 'region: <region>'")
                .at(&path, node.loc, &source),
            ]);
        };
        let mut base_entries = Vec::new();
        let mut environments = Vec::new();
        let mut environments_loc = node.loc;
        for (key, value) in entries {
            if key.name != "environments" {
                base_entries.push((key.clone(), value.clone()));
                continue;
            }
            environments_loc = key.loc;
            match &value.kind {
                NodeKind::Map(envs) => {
                    for (env, overlay) in envs {
                        let overlay = match overlay.kind {
                            NodeKind::Null => Node {
                                loc: overlay.loc,
                                kind: NodeKind::Map(Vec::new()),
                            },
                            NodeKind::Map(_) => overlay.clone(),
                            _ => {
                                return Err(vec![Diagnostic::new(
                                    Code::Spec,
                                    format!("environments.{}", env.name),
                                    format!(
                                        "environment '{}' must be a mapping of overrides, found {}",
                                        env.name,
                                        overlay.type_name()
                                    ),
                                )
                                .help("write '{}' for an environment without overrides")
                                .at(&path, overlay.loc, &source)]);
                            }
                        };
                        environments.push((env.clone(), overlay));
                    }
                }
                _ => {
                    return Err(vec![Diagnostic::new(Code::Spec, "environments", "'environments' must map environment names to overrides")
                        .help("for example:\nenvironments:\n  dev: {}\n  prod: { termination_protection: true }")
                        .at(&path, value.loc, &source)]);
                }
            }
        }
        let base = Node {
            loc: node.loc,
            kind: NodeKind::Map(base_entries),
        };
        Ok(StackFile {
            name,
            path,
            source,
            base,
            environments,
            environments_loc,
        })
    }

    /// Where `path` (below `environments.`) is written: an environment's
    /// name at its declaration, a field in its overlay.
    fn locate_in_environments(&self, path: &str) -> Loc {
        let (env, rest) = path.split_once('.').unwrap_or((path, ""));
        match self.environments.iter().find(|(k, _)| k.name == env) {
            Some((key, _)) if rest.is_empty() => key.loc,
            Some((key, overlay)) => overlay.locate_key(rest).unwrap_or(key.loc),
            None => self.environments_loc,
        }
    }

    pub fn environment_names(&self) -> Vec<&str> {
        self.environments
            .iter()
            .map(|(k, _)| k.name.as_str())
            .collect()
    }

    /// Merges the environment's overlay and deserializes the typed spec.
    pub fn resolve(&self, env: &str) -> Result<ResolvedStack<'_>, Vec<Diagnostic>> {
        let Some((_, overlay)) = self.environments.iter().find(|(k, _)| k.name == env) else {
            let declared = self.environment_names();
            let listed = nearest_names(env, declared.iter().copied());
            let help = match (
                did_you_mean(env, declared.iter().copied()),
                declared.is_empty(),
            ) {
                (_, true) => "declare it under 'environments:', e.g. 'environments: { prod: {} }'"
                    .to_string(),
                (Some(s), _) => format!("did you mean '{s}'? Declared environments: {listed}"),
                (None, _) => format!("declared environments: {listed}"),
            };
            return Err(vec![
                Diagnostic::new(
                    Code::Env,
                    "environments",
                    format!("environment '{env}' is not declared in this stack"),
                )
                .help(help)
                .at(&self.path, self.environments_loc, &self.source),
            ]);
        };
        let node = merge(&self.base, overlay);
        let spec = self.deserialize_all(&node, overlay)?;
        Ok(ResolvedStack {
            file: self,
            environment: env.to_string(),
            node,
            spec,
        })
    }
}

impl StackFile {
    /// Deserializes the typed spec, reporting every structural problem, not
    /// only the first: serde stops at one error, so the offending key is
    /// taken out of a scratch copy and the rest is tried again.
    fn deserialize_all(&self, node: &Node, overlay: &Node) -> Result<StackSpec, Vec<Diagnostic>> {
        let mut scratch = node.clone();
        let mut problems = Vec::new();
        // Each round removes one key, so this ends; the cap bounds pathological files.
        for _ in 0..64 {
            match from_node::<StackSpec>(&scratch, "") {
                Ok(spec) if problems.is_empty() => return Ok(spec),
                Ok(_) => break,
                Err(e) => {
                    let parent = e.path.rsplit_once('.').map_or("", |(p, _)| p).to_string();
                    // A field missing because its name was misspelt is
                    // already explained by the unknown-field error.
                    let echo = scratch.locate(&e.path) == scratch.locate(&parent)
                        && problems
                            .iter()
                            .any(|d: &Diagnostic| d.field.starts_with(&format!("{parent}.")));
                    if let Some(removed_at) = removed_by_overlay(overlay, &e) {
                        problems.push(
                            Diagnostic::new(
                                Code::Spec,
                                e.path.clone(),
                                format!("{}: this overlay removes it", e.message),
                            )
                            .help("'~' (null) removes a key; give the field a value here, or delete this line to keep the base value")
                            .at(&self.path, removed_at, &self.source),
                        );
                    } else if !echo {
                        let mut d = Diagnostic::new(Code::Spec, e.path.clone(), e.message.clone());
                        d.help = e.help.clone();
                        problems.push(d.at(&self.path, e.loc.unwrap_or(node.loc), &self.source));
                    }
                    // Take out the offending key, or the block that lacks a
                    // field; stop when nothing more can be taken out.
                    if !scratch.remove(&e.path) && !scratch.remove(&parent) {
                        break;
                    }
                }
            }
        }
        Err(problems)
    }
}

/// For a missing required field that the environment's overlay set to
/// `~`, the line of that key in the overlay.
fn removed_by_overlay(overlay: &Node, e: &SpecError) -> Option<Loc> {
    if !e.is_missing_field() {
        return None;
    }
    let (parent, key) = e.path.rsplit_once('.').unwrap_or(("", &e.path));
    let parent = overlay.find(parent)?;
    let removed = parent.get(key)?.kind == NodeKind::Null;
    removed.then(|| parent.key(key).map(|k| k.loc))?
}

impl Project {
    /// Reads every `stacks/*.yaml` (and `.yml`) under `dir`, in name order.
    pub fn load(dir: &Path) -> Result<Project, Diagnostics> {
        let stacks_dir = dir.join("stacks");
        let fail = |message: String, help: &str| {
            let mut d = Diagnostics::default();
            d.push(Diagnostic::new(Code::Project, "", message).help(help).at(
                &stacks_dir,
                Loc { line: 0, column: 0 },
                "",
            ));
            d
        };
        let entries = std::fs::read_dir(&stacks_dir).map_err(|e| {
            fail(
                format!(
                    "cannot read the stacks directory {}: {e}",
                    stacks_dir.display()
                ),
                "run archgen from a project directory that has stacks/*.yaml, or pass --dir PATH",
            )
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(fail(
                format!("no stack files in {}", stacks_dir.display()),
                "add one YAML file per stack, e.g. stacks/main.yaml",
            ));
        }
        let mut diagnostics = Diagnostics::default();
        let mut stacks = Vec::new();
        let mut stems: Vec<(String, PathBuf)> = Vec::new();
        for path in paths {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let source = match read_stack_file(&path) {
                Ok(s) => s,
                Err(d) => {
                    diagnostics.push(*d);
                    continue;
                }
            };
            // `main.yaml` and `main.yml` would both be stack `main`.
            if let Some((_, first)) = stems.iter().find(|(stem, _)| *stem == name) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::Stack004,
                        "",
                        format!(
                            "{} and {} are both stack '{name}'",
                            first.display(),
                            path.display()
                        ),
                    )
                    .help("a stack's name is its file name without the extension: rename or remove one of the two files")
                    .at(&path, Loc { line: 1, column: 1 }, &source),
                );
                continue;
            }
            stems.push((name.clone(), path.clone()));
            match StackFile::from_source(path, source) {
                Ok(s) => stacks.push(s),
                Err(problems) => problems.into_iter().for_each(|d| diagnostics.push(d)),
            }
        }
        if diagnostics.is_empty() {
            Ok(Project {
                dir: dir.to_path_buf(),
                stacks,
            })
        } else {
            Err(diagnostics.finish())
        }
    }

    /// A project of one stack file given as text, as if read from `path`
    /// (`stacks/main.yaml`): for tests and fuzzing, which need no directory.
    pub fn from_source(path: PathBuf, source: String) -> Result<Project, Diagnostics> {
        let dir = path
            .parent()
            .and_then(Path::parent)
            .unwrap_or(Path::new("."))
            .to_path_buf();
        match StackFile::from_source(path, source) {
            Ok(stack) => Ok(Project {
                dir,
                stacks: vec![stack],
            }),
            Err(problems) => {
                let mut diagnostics = Diagnostics::default();
                problems.into_iter().for_each(|d| diagnostics.push(d));
                Err(diagnostics)
            }
        }
    }

    /// Every environment any stack declares, in first-declared order.
    pub fn environment_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.stacks {
            for name in s.environment_names() {
                if !out.iter().any(|n| n == name) {
                    out.push(name.to_string());
                }
            }
        }
        out
    }
}

/// The text of a stack file; a file that is not UTF-8 is reported at its
/// first bad byte.
fn read_stack_file(path: &Path) -> Result<String, Box<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(
            Code::Project,
            "",
            format!("cannot read {}: {e}", path.display()),
        )
        .help("make sure the file exists and is readable")
        .at(path, Loc::default(), "")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        // The prefix up to the bad byte is valid UTF-8 by definition.
        let before = bytes
            .get(..valid)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default();
        let last_line = before.rsplit('\n').next().unwrap_or_default();
        let loc = Loc {
            line: before.matches('\n').count() as u64 + 1,
            column: last_line.chars().count() as u64 + 1,
        };
        Box::new(
            Diagnostic::new(
                Code::Project,
                "",
                format!(
                    "{} is not UTF-8 text: byte 0x{:02X} at line {}, column {} is not valid UTF-8",
                    path.display(),
                    bytes.get(valid).copied().unwrap_or_default(),
                    loc.line,
                    loc.column
                ),
            )
            .help("save the file as UTF-8 (in most editors: File > Save with Encoding > UTF-8)")
            .at(path, loc, &String::from_utf8_lossy(bytes)),
        )
    })
}

/// An empty stack file (or one with only comments) is reported by name.
fn empty_stack_file(path: &Path) -> Diagnostic {
    Diagnostic::new(
        Code::Project,
        "",
        format!(
            "{} is empty: a stack needs at least `app:` and `region:`",
            path.display()
        ),
    )
    .help("write e.g. 'app: my-app' and 'region: ap-northeast-1', or delete the file")
    .at(path, Loc::default(), "")
}

pub fn is_stack_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.len() <= 64
}
