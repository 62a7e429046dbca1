//! Finding and reading stack files, and resolving one environment.

use std::path::{Path, PathBuf};

use super::StackSpec;
use super::de::from_node;
use super::node::{Key, Loc, Node, NodeKind};
use super::overlay::merge;
use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};

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
    pub fn error(&self, code: &'static str, field: &str, message: impl Into<String>) -> Diagnostic {
        let loc = self.node.locate(field);
        Diagnostic::new(code, field, message).at(&self.file.path, loc, &self.file.source)
    }
}

impl StackFile {
    /// Parses the text of the stack file at `path`, whose stem names the stack.
    pub fn from_source(path: PathBuf, source: String) -> Result<StackFile, Box<Diagnostic>> {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !is_stack_name(&name) {
            return Err(Box::new(
                Diagnostic::new("PROJECT", "", format!("stack file name '{name}' cannot name a stack"))
                    .help("use lowercase letters, digits and hyphens, starting with a letter (e.g. main.yaml)")
                    .at(&path, Loc { line: 1, column: 1 }, &source),
            ));
        }
        StackFile::parse(name, path, source)
    }

    pub fn parse(
        name: String,
        path: PathBuf,
        source: String,
    ) -> Result<StackFile, Box<Diagnostic>> {
        let node = Node::parse(&source)
            .map_err(|e| {
                let loc = e
                    .location()
                    .map(|l| Loc {
                        line: l.line(),
                        column: l.column(),
                    })
                    .unwrap_or(Loc { line: 1, column: 1 });
                let message = e.without_snippet().to_string();
                let message = message.lines().next().unwrap_or("invalid YAML").to_string();
                Diagnostic::new("YAML", "", format!("this is not valid YAML: {message}"))
                    .help("check indentation and quoting around this line")
                    .at(&path, loc, &source)
            })
            .map_err(Box::new)?;
        let NodeKind::Map(entries) = &node.kind else {
            return Err(Box::new(
                Diagnostic::new(
                    "SPEC",
                    "",
                    format!("a stack file must be a mapping, found {}", node.type_name()),
                )
                .help("start the file with 'app: <name>' and 'region: <region>'")
                .at(&path, node.loc, &source),
            ));
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
                                return Err(Box::new(Diagnostic::new(
                                    "SPEC",
                                    format!("environments.{}", env.name),
                                    format!(
                                        "environment '{}' must be a mapping of overrides, found {}",
                                        env.name,
                                        overlay.type_name()
                                    ),
                                )
                                .help("write '{}' for an environment without overrides")
                                .at(&path, overlay.loc, &source)));
                            }
                        };
                        environments.push((env.clone(), overlay));
                    }
                }
                _ => {
                    return Err(Box::new(Diagnostic::new("SPEC", "environments", "'environments' must map environment names to overrides")
                        .help("for example:\nenvironments:\n  dev: {}\n  prod: { termination_protection: true }")
                        .at(&path, value.loc, &source)));
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
            let help = match (
                did_you_mean(env, declared.iter().copied()),
                declared.is_empty(),
            ) {
                (_, true) => "declare it under 'environments:', e.g. 'environments: { prod: {} }'"
                    .to_string(),
                (Some(s), _) => format!(
                    "did you mean '{s}'? Declared environments: {}",
                    declared.join(", ")
                ),
                (None, _) => format!("declared environments: {}", declared.join(", ")),
            };
            return Err(vec![
                Diagnostic::new(
                    "ENV",
                    "environments",
                    format!("environment '{env}' is not declared in this stack"),
                )
                .help(help)
                .at(&self.path, self.environments_loc, &self.source),
            ]);
        };
        let node = merge(&self.base, overlay);
        let spec = self.deserialize_all(&node)?;
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
    fn deserialize_all(&self, node: &Node) -> Result<StackSpec, Vec<Diagnostic>> {
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
                    if !echo {
                        let mut d = Diagnostic::new("SPEC", e.path.clone(), e.message.clone());
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

impl Project {
    /// Reads every `stacks/*.yaml` (and `.yml`) under `dir`, in name order.
    pub fn load(dir: &Path) -> Result<Project, Diagnostics> {
        let stacks_dir = dir.join("stacks");
        let fail = |message: String, help: &str| {
            let mut d = Diagnostics::default();
            d.push(Diagnostic::new("PROJECT", "", message).help(help).at(
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
        for path in paths {
            let source = match std::fs::read_to_string(&path) {
                Ok(s) => s,
                Err(e) => {
                    diagnostics.push(
                        Diagnostic::new(
                            "PROJECT",
                            "",
                            format!("cannot read {}: {e}", path.display()),
                        )
                        .help("make sure the file is readable UTF-8 text")
                        .at(&path, Loc::default(), ""),
                    );
                    continue;
                }
            };
            match StackFile::from_source(path, source) {
                Ok(s) => stacks.push(s),
                Err(d) => diagnostics.push(*d),
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
            Err(d) => {
                let mut diagnostics = Diagnostics::default();
                diagnostics.push(*d);
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

pub fn is_stack_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.len() <= 64
}
