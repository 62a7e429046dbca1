//! `archgen diff --format markdown`: the diff of an environment
//! (`ops::diff::report`, the data `diff --json` prints) as the view a
//! pull-request comment shows: per stack its counts, then its changes with
//! the destructive and broadening ones first and marked. The text comes
//! from the tera templates in `templates/diff/`, rendered by the `archgen`
//! crate (this crate, like the synthesizer, carries no template engine).

use serde::Serialize;

use crate::ops::diff::{ChangeEntry, DiffReport, StackDiff};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiffView {
    pub environment: String,
    pub changes: usize,
    /// Changes with at least one risk, over all stacks.
    pub risky: usize,
    pub stacks: Vec<StackView>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StackView {
    pub stack: String,
    pub region: String,
    /// `new` (create or recreate), `waits`, `none` (no changes), `update`.
    pub plan: &'static str,
    pub changes: Vec<ChangeView>,
    pub risks: Vec<RiskView>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChangeView {
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    pub replacement: String,
    pub caused_by: String,
    /// `⚠️ **destructive**`, `🔓 **broadening**`; empty when none.
    pub marks: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RiskView {
    pub mark: &'static str,
    pub logical_id: String,
    pub resource_type: String,
    pub reason: String,
}

pub fn view(report: &DiffReport) -> DiffView {
    DiffView {
        environment: report.environment.clone(),
        changes: report.changes,
        risky: report
            .stacks
            .iter()
            .flat_map(|s| &s.changes)
            .map(|c| c.risks.len())
            .sum(),
        stacks: report.stacks.iter().map(stack_view).collect(),
    }
}

fn stack_view(stack: &StackDiff) -> StackView {
    // What needs a second look comes first: destructive, then broadening,
    // then the rest, each in CloudFormation's order.
    let mut changes: Vec<&ChangeEntry> = stack.changes.iter().collect();
    changes.sort_by_key(|c| rank(c));
    StackView {
        stack: stack.stack.clone(),
        region: stack.region.clone(),
        plan: match stack.plan {
            "create" | "recreate" => "new",
            "waits" => "waits",
            _ if stack.changes.is_empty() => "none",
            _ => "update",
        },
        risks: changes
            .iter()
            .flat_map(|c| {
                c.risks.iter().map(|r| RiskView {
                    mark: risk_label(r.kind),
                    logical_id: c.logical_id.clone(),
                    resource_type: c.resource_type.clone(),
                    reason: r.reason.clone(),
                })
            })
            .collect(),
        changes: changes
            .into_iter()
            .map(|c| ChangeView {
                action: c.action.clone(),
                logical_id: c.logical_id.clone(),
                resource_type: c.resource_type.clone(),
                replacement: replacement(c),
                caused_by: caused_by(c),
                marks: c.risks.iter().map(|r| risk_label(r.kind)).collect(),
            })
            .collect(),
    }
}

fn rank(c: &ChangeEntry) -> u8 {
    if c.risks.iter().any(|r| r.kind == "destructive") {
        0
    } else if c.risks.is_empty() {
        2
    } else {
        1
    }
}

fn risk_label(kind: &str) -> &'static str {
    match kind {
        "destructive" => "⚠️ **destructive**",
        _ => "🔓 **broadening**",
    }
}

/// True / Conditional / False for modifications, as the terminal table says.
fn replacement(c: &ChangeEntry) -> String {
    if c.action != "Modify" {
        return "-".into();
    }
    c.replacement.clone().unwrap_or_else(|| "unknown".into())
}

/// The properties behind a replacement, else every property that changes,
/// as the terminal table says.
fn caused_by(c: &ChangeEntry) -> String {
    let names = if c.replaced_because_of.is_empty() {
        &c.properties
    } else {
        &c.replaced_because_of
    };
    if names.is_empty() {
        "-".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::diff::RiskEntry;

    fn change(action: &str, id: &str, risk: Option<&'static str>) -> ChangeEntry {
        ChangeEntry {
            action: action.into(),
            logical_id: id.into(),
            resource_type: "AWS::S3::Bucket".into(),
            replacement: None,
            replaced_because_of: Vec::new(),
            properties: Vec::new(),
            risks: risk
                .map(|kind| RiskEntry {
                    kind,
                    reason: format!("{id} is {kind}"),
                })
                .into_iter()
                .collect(),
        }
    }

    fn report(plan: &'static str, changes: Vec<ChangeEntry>) -> DiffReport {
        DiffReport {
            environment: "prod".into(),
            changes: changes.len(),
            stacks: vec![StackDiff {
                stack: "demo-prod-main".into(),
                region: "eu-west-1".into(),
                plan,
                changes,
            }],
        }
    }

    #[test]
    fn destructive_then_broadening_changes_come_first_each_in_their_order() {
        let view = view(&report(
            "update",
            vec![
                change("Add", "A", None),
                change("Modify", "B", Some("broadening")),
                change("Remove", "C", Some("destructive")),
                change("Modify", "D", None),
                change("Modify", "E", Some("destructive")),
            ],
        ));
        let stack = &view.stacks[0];
        let order: Vec<&str> = stack
            .changes
            .iter()
            .map(|c| c.logical_id.as_str())
            .collect();
        assert_eq!(order, ["C", "E", "B", "A", "D"]);
        assert_eq!(stack.changes[0].marks, ["⚠️ **destructive**"]);
        assert!(stack.changes[3].marks.is_empty());
        let risks: Vec<&str> = stack.risks.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(
            risks,
            ["C is destructive", "E is destructive", "B is broadening"]
        );
        assert_eq!(view.risky, 3);
    }

    #[test]
    fn the_plan_says_whether_a_stack_is_new_waits_or_has_nothing_to_change() {
        let plan = |plan, changes| view(&report(plan, changes)).stacks[0].plan;
        assert_eq!(plan("create", vec![change("Add", "A", None)]), "new");
        assert_eq!(plan("recreate", vec![change("Add", "A", None)]), "new");
        assert_eq!(plan("waits", vec![]), "waits");
        assert_eq!(plan("no-changes", vec![]), "none");
        assert_eq!(plan("update", vec![change("Add", "A", None)]), "update");
    }
}
