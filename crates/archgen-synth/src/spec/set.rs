//! `--set [STACK:]PATH=VALUE`: deploy-time values without editing YAML (an
//! image tag built by CI, say). Each setting becomes one more overlay on the
//! environment, merged by the same rules (see [`super::overlay`]) and then
//! checked exactly as if it were written under `environments.<env>:` in the
//! stack file: a path that names no field, or a value of the wrong type, is
//! the same diagnostic an overlay would get.

use std::str::FromStr;

use super::load::Project;
use super::node::{Key, Loc, Node, NodeKind};
use super::overlay::compose;
use crate::error::Error;

/// One `--set`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The stack file it applies to; needed when there are several.
    pub stack: Option<String>,
    /// `services.api.image.tag` as its keys.
    pub path: Vec<String>,
    /// YAML text: `abc123` is a string, `3` a number, `[a, b]` a list;
    /// quote it (`'"1e10"'`) to force a string.
    pub value: String,
}

impl FromStr for Setting {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (target, value) = text.split_once('=').ok_or_else(|| {
            format!("--set {text}: expected PATH=VALUE, e.g. services.api.image.tag=v42")
        })?;
        let (stack, path) = match target.split_once(':') {
            Some((stack, path)) => (Some(stack.trim().to_string()), path),
            None => (None, target),
        };
        let path: Vec<String> = path.trim().split('.').map(str::to_string).collect();
        if path.iter().any(String::is_empty) {
            return Err(format!(
                "--set {text}: '{}' is not a field path; write keys separated by dots, e.g. \
                 services.api.image.tag",
                target.trim()
            ));
        }
        Ok(Setting {
            stack,
            path,
            value: value.to_string(),
        })
    }
}

impl Project {
    /// Adds each setting to the overlay of `env` in its stack file.
    pub fn apply_settings(&mut self, env: &str, settings: &[Setting]) -> Result<(), Error> {
        for setting in settings {
            let names: Vec<String> = self.stacks.iter().map(|s| s.name.clone()).collect();
            let several = self.stacks.len() > 1;
            let file = match &setting.stack {
                Some(stack) => self.stacks.iter_mut().find(|s| &s.name == stack).ok_or_else(|| {
                    Error::usage(format!(
                        "--set names stack '{stack}', which has no file under stacks/; stacks: {}",
                        names.join(", ")
                    ))
                })?,
                None if several => {
                    return Err(Error::usage(format!(
                        "--set {}: there are several stacks ({}); say which, as STACK:PATH=VALUE",
                        setting.path.join("."),
                        names.join(", ")
                    )));
                }
                None => self.stacks.first_mut().ok_or_else(|| {
                    Error::usage("--set: the project has no stack files")
                })?,
            };
            let Some((key, overlay)) = file.environments.iter_mut().find(|(k, _)| k.name == env)
            else {
                return Err(Error::usage(format!(
                    "--set: stack '{}' does not declare environment '{env}'",
                    file.name
                )));
            };
            let value = Node::parse(&setting.value).map_err(|e| {
                Error::usage(format!(
                    "--set {}: the value is not valid YAML ({e})",
                    setting.path.join(".")
                ))
            })?;
            // Errors about a set value point at the environment's
            // declaration, the nearest place in the file, and name the field.
            let nested = nest(&setting.path, relocate(value, key.loc), key.loc);
            // Composed, not merged: `--set path=~` must still remove the
            // base value, as `~` in the overlay would.
            *overlay = compose(overlay, &nested);
        }
        Ok(())
    }
}

/// `a.b.c` and a value as `{a: {b: {c: value}}}`.
fn nest(path: &[String], value: Node, loc: Loc) -> Node {
    path.iter().rev().fold(value, |inner, name| Node {
        loc,
        kind: NodeKind::Map(vec![(
            Key {
                name: name.clone(),
                loc,
            },
            inner,
        )]),
    })
}

fn relocate(node: Node, loc: Loc) -> Node {
    let kind = match node.kind {
        NodeKind::Seq(items) => {
            NodeKind::Seq(items.into_iter().map(|n| relocate(n, loc)).collect())
        }
        NodeKind::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Key { name: k.name, loc }, relocate(v, loc)))
                .collect(),
        ),
        other => other,
    };
    Node { loc, kind }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::synthesize;
    use std::path::PathBuf;

    const SPEC: &str = "app: demo
region: ap-northeast-1
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    public: { type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }
  nat: none
  restrict_default_security_group: false
  flow_logs: { enabled: false }
environments:
  staging: {}
";

    fn project() -> Project {
        Project::from_source(PathBuf::from("p/stacks/main.yaml"), SPEC.into()).expect("loads")
    }

    fn set(text: &str) -> Setting {
        text.parse().expect("parses")
    }

    #[test]
    fn a_setting_is_merged_like_an_overlay() {
        let mut p = project();
        p.apply_settings(
            "staging",
            &[
                set("network.tiers.data.type=isolated"),
                set("network.tiers.data.cidrs=[10.0.21.0/24, 10.0.22.0/24]"),
            ],
        )
        .expect("applies");
        let synthesis = synthesize(&p, "staging").expect("synthesizes");
        let json = synthesis.template("main").expect("main").to_json();
        assert!(json.contains("DataSubnet1"), "{json}");
        assert!(json.contains("10.0.21.0/24"), "{json}");
    }

    #[test]
    fn a_wrong_path_or_type_is_the_diagnostic_an_overlay_gets() {
        let mut p = project();
        p.apply_settings("staging", &[set("network.zonez=3")])
            .expect("applies");
        let report = synthesize(&p, "staging")
            .expect_err("unknown field")
            .render(false);
        assert!(report.contains("zonez"), "{report}");
        assert!(report.contains("main.yaml"), "{report}");

        let mut p = project();
        p.apply_settings("staging", &[set("network.zones=many")])
            .expect("applies");
        let report = synthesize(&p, "staging")
            .expect_err("not a number")
            .render(false);
        assert!(report.contains("network.zones"), "{report}");
    }

    #[test]
    fn malformed_settings_are_usage_errors() {
        assert!("network.zones".parse::<Setting>().is_err());
        assert!("network..zones=2".parse::<Setting>().is_err());
        assert_eq!(
            set("main:services.api.image.tag=v42"),
            Setting {
                stack: Some("main".into()),
                path: vec![
                    "services".into(),
                    "api".into(),
                    "image".into(),
                    "tag".into()
                ],
                value: "v42".into(),
            }
        );
        let mut p = project();
        let err = p
            .apply_settings("staging", &[set("edge:network.zones=2")])
            .expect_err("no such stack");
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("stacks: main"), "{err}");
    }
}
