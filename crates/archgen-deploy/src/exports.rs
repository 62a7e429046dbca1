//! The export guard. CloudFormation refuses to update a stack in a way that
//! removes or changes an export another stack imports (and to delete such a
//! stack), but only when the change set runs, halfway through a deploy.
//! `deploy` and `diff` find those changes first, from the deployed and the
//! new template and ListImports, and refuse them, naming the importer and
//! the order that works.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cfn::CloudFormation;
use crate::error::Error;

/// Export name → (output id, its value as written) of a template. archgen
/// writes export names as literals; an export named by an expression is
/// left to CloudFormation.
pub fn exports_of(template: &Value) -> BTreeMap<String, (String, Value)> {
    template
        .get("Outputs")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(id, output)| {
            let name = output.get("Export")?.get("Name")?.as_str()?;
            let value = output.get("Value").cloned().unwrap_or(Value::Null);
            Some((name.to_string(), (id.clone(), value)))
        })
        .collect()
}

/// How an update treats an export of the deployed stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportChange {
    /// The new template no longer exports it.
    Removed { export: String, output: String },
    /// The new template exports it with another value.
    Changed { export: String, output: String },
}

impl ExportChange {
    pub fn export(&self) -> &str {
        match self {
            ExportChange::Removed { export, .. } | ExportChange::Changed { export, .. } => export,
        }
    }
}

/// The exports of `deployed` that `new` removes or gives another value.
pub fn export_changes(deployed: &Value, new: &Value) -> Vec<ExportChange> {
    let after = exports_of(new);
    exports_of(deployed)
        .into_iter()
        .filter_map(|(export, (output, value))| match after.get(&export) {
            None => Some(ExportChange::Removed { export, output }),
            Some((_, v)) if *v != value => Some(ExportChange::Changed { export, output }),
            Some(_) => None,
        })
        .collect()
}

/// Refuses an update of `stack` that removes or changes an export another
/// stack imports. `deployed` is the stack's current template, `new` the one
/// about to be sent; `prefix` (`<app>-<env>-`) turns an importer of this
/// project back into its spec name, for the `--stack` hint.
pub async fn guard<C: CloudFormation>(
    cfn: &C,
    stack: &str,
    env: &str,
    prefix: &str,
    deployed: &Value,
    new: &Value,
) -> Result<(), Error> {
    let mut problems = Vec::new();
    for change in export_changes(deployed, new) {
        let importers = cfn.list_imports(change.export()).await?;
        if importers.is_empty() {
            continue;
        }
        let what = match &change {
            ExportChange::Removed { export, output } => {
                format!("removes export {export} (output {output})")
            }
            ExportChange::Changed { export, output } => {
                format!("changes the value of export {export} (output {output})")
            }
        };
        problems.push(format!("{what}, which {} import(s)", importers.join(", ")));
        let hints: Vec<String> = importers
            .iter()
            .map(|i| match i.strip_prefix(prefix) {
                Some(spec) if !prefix.is_empty() => {
                    format!("archgen deploy --env {env} --stack {spec}")
                }
                _ => format!("update stack {i}, which is not part of this project"),
            })
            .collect();
        problems.push(format!(
            "  first stop using it: remove the connection that reads it from the importing stack's spec and deploy that stack alone ({}), then deploy {stack}",
            hints.join("; ")
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::Refused(format!(
        "the change to stack {stack} would break stacks that import its exports, and CloudFormation would refuse it halfway through the deploy:\n  {}",
        problems.join("\n  ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(outputs: Value) -> Value {
        json!({ "Resources": {}, "Outputs": outputs })
    }

    #[test]
    fn removed_and_changed_exports_are_found_and_unchanged_ones_are_not() {
        let deployed = template(json!({
            "DbHost": { "Value": { "Fn::GetAtt": ["Db", "Endpoint.Address"] },
                        "Export": { "Name": "shop-prod-data-DbHost" } },
            "DbPort": { "Value": { "Fn::GetAtt": ["Db", "Endpoint.Port"] },
                        "Export": { "Name": "shop-prod-data-DbPort" } },
            "CacheHost": { "Value": { "Fn::GetAtt": ["Cache", "PrimaryEndPoint.Address"] },
                           "Export": { "Name": "shop-prod-data-CacheHost" } },
            "Internal": { "Value": "x" }
        }));
        let new = template(json!({
            "DbHost": { "Value": { "Fn::GetAtt": ["Db2", "Endpoint.Address"] },
                        "Export": { "Name": "shop-prod-data-DbHost" } },
            "DbPort": { "Value": { "Fn::GetAtt": ["Db", "Endpoint.Port"] },
                        "Export": { "Name": "shop-prod-data-DbPort" } }
        }));
        assert_eq!(
            export_changes(&deployed, &new),
            [
                ExportChange::Removed {
                    export: "shop-prod-data-CacheHost".into(),
                    output: "CacheHost".into()
                },
                ExportChange::Changed {
                    export: "shop-prod-data-DbHost".into(),
                    output: "DbHost".into()
                },
            ]
        );
        assert!(export_changes(&deployed, &deployed).is_empty());
    }
}
