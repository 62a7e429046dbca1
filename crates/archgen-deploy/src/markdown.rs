//! `archgen diff --format markdown`: the diff of an environment
//! (`ops::diff::report`, the data `diff --json` prints) as Markdown, one
//! table per stack, for a pull-request comment.

use crate::ops::diff::{ChangeEntry, DiffReport, StackDiff};

/// The Markdown report of a diff: a heading, a summary line, and per stack
/// a table of its changes with their risks.
pub fn render(report: &DiffReport) -> String {
    let stacks = &report.stacks;
    let risky: usize = stacks
        .iter()
        .flat_map(|s| &s.changes)
        .map(|c| c.risks.len())
        .sum();
    let mut out = format!("### archgen diff: `{}`\n\n", escape(&report.environment));
    out.push_str(&match (report.changes, risky) {
        (0, _) => format!("No changes in {} stack(s).\n", stacks.len()),
        (n, 0) => format!("**{n} change(s)** in {} stack(s).\n", stacks.len()),
        (n, r) => format!(
            "**{n} change(s)** in {} stack(s), **{r} need(s) a second look** \
             (destructive or broadening).\n",
            stacks.len()
        ),
    });
    for stack in stacks {
        out.push('\n');
        out.push_str(&render_stack(stack));
    }
    out
}

fn render_stack(stack: &StackDiff) -> String {
    let title = format!(
        "#### `{}` ({})",
        escape(&stack.stack),
        escape(&stack.region)
    );
    let summary = match stack.plan {
        "create" | "recreate" => {
            format!("new stack: {} resource(s) to create", stack.changes.len())
        }
        "waits" => {
            return format!(
                "{title}: not previewed, its parameters come from a stack that is not \
                 deployed yet (deploy creates both in order)\n"
            );
        }
        _ if stack.changes.is_empty() => return format!("{title}: no changes\n"),
        _ => format!("{} change(s)", stack.changes.len()),
    };
    let mut out = format!("{title}: {summary}\n\n");
    out.push_str("| Action | Logical ID | Type | Replacement | Caused by | Risk |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for change in &stack.changes {
        let marks: Vec<&str> = change.risks.iter().map(|r| risk_label(r.kind)).collect();
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {} | {} | {} |\n",
            escape(&change.action),
            escape(&change.logical_id),
            escape(&change.resource_type),
            escape(&replacement(change)),
            escape(&caused_by(change)),
            if marks.is_empty() {
                "-".to_string()
            } else {
                marks.join(", ")
            }
        ));
    }
    let risks: Vec<_> = stack
        .changes
        .iter()
        .flat_map(|c| c.risks.iter().map(move |r| (c, r)))
        .collect();
    if !risks.is_empty() {
        out.push('\n');
        for (c, r) in risks {
            out.push_str(&format!(
                "- {} `{}` ({}): {}\n",
                risk_label(r.kind),
                escape(&c.logical_id),
                escape(&c.resource_type),
                escape(&r.reason)
            ));
        }
    }
    out
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

/// Text safe inside a table cell or a code span: no column breaks, no HTML,
/// no line breaks.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('`', "'")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::diff::RiskEntry;

    fn change(action: &str, id: &str, kind: &str, replacement: Option<&str>) -> ChangeEntry {
        ChangeEntry {
            action: action.into(),
            logical_id: id.into(),
            resource_type: kind.into(),
            replacement: replacement.map(String::from),
            replaced_because_of: Vec::new(),
            properties: Vec::new(),
            risks: Vec::new(),
        }
    }

    fn risk(kind: &'static str, reason: &str) -> RiskEntry {
        RiskEntry {
            kind,
            reason: reason.into(),
        }
    }

    fn stack(name: &str, region: &str, plan: &'static str, changes: Vec<ChangeEntry>) -> StackDiff {
        StackDiff {
            stack: name.into(),
            region: region.into(),
            plan,
            changes,
        }
    }

    /// A prod diff as CloudFormation reports it: the main stack replaces its
    /// database and opens its load balancer, the edge stack is new, the
    /// queue stack is unchanged and a stack fed by the new edge stack waits.
    fn prod() -> DiffReport {
        let mut database = change("Modify", "Database", "AWS::RDS::DBInstance", Some("True"));
        database.replaced_because_of = vec!["DBInstanceIdentifier".into()];
        database.properties = vec![
            "DBInstanceIdentifier".into(),
            "BackupRetentionPeriod".into(),
        ];
        database.risks = vec![risk(
            "destructive",
            "is replaced (DBInstanceIdentifier): its data is lost",
        )];
        let mut alb_sg = change(
            "Modify",
            "AlbSecurityGroup",
            "AWS::EC2::SecurityGroup",
            Some("False"),
        );
        alb_sg.properties = vec!["SecurityGroupIngress".into()];
        alb_sg.risks = vec![risk("broadening", "admits 0.0.0.0/0 on port 443")];
        DiffReport {
            environment: "prod".into(),
            changes: 5,
            stacks: vec![
                stack(
                    "user-management-prod-main",
                    "ap-northeast-1",
                    "update",
                    vec![
                        database,
                        alb_sg,
                        change("Add", "ExportRole", "AWS::IAM::Role", None),
                    ],
                ),
                stack(
                    "user-management-prod-edge",
                    "us-east-1",
                    "create",
                    vec![
                        change("Add", "WebAcl", "AWS::WAFv2::WebACL", None),
                        change("Add", "Distribution", "AWS::CloudFront::Distribution", None),
                    ],
                ),
                stack(
                    "user-management-prod-queues",
                    "ap-northeast-1",
                    "no-changes",
                    vec![],
                ),
                stack(
                    "user-management-prod-api",
                    "ap-northeast-1",
                    "waits",
                    vec![],
                ),
            ],
        }
    }

    #[test]
    fn a_table_per_stack_with_replacements_causes_and_risks() {
        let expected = "\
### archgen diff: `prod`

**5 change(s)** in 4 stack(s), **2 need(s) a second look** (destructive or broadening).

#### `user-management-prod-main` (ap-northeast-1): 3 change(s)

| Action | Logical ID | Type | Replacement | Caused by | Risk |
|---|---|---|---|---|---|
| Modify | `Database` | `AWS::RDS::DBInstance` | True | DBInstanceIdentifier | ⚠️ **destructive** |
| Modify | `AlbSecurityGroup` | `AWS::EC2::SecurityGroup` | False | SecurityGroupIngress | 🔓 **broadening** |
| Add | `ExportRole` | `AWS::IAM::Role` | - | - | - |

- ⚠️ **destructive** `Database` (AWS::RDS::DBInstance): is replaced (DBInstanceIdentifier): its data is lost
- 🔓 **broadening** `AlbSecurityGroup` (AWS::EC2::SecurityGroup): admits 0.0.0.0/0 on port 443

#### `user-management-prod-edge` (us-east-1): new stack: 2 resource(s) to create

| Action | Logical ID | Type | Replacement | Caused by | Risk |
|---|---|---|---|---|---|
| Add | `WebAcl` | `AWS::WAFv2::WebACL` | - | - | - |
| Add | `Distribution` | `AWS::CloudFront::Distribution` | - | - | - |

#### `user-management-prod-queues` (ap-northeast-1): no changes

#### `user-management-prod-api` (ap-northeast-1): not previewed, its parameters come from a stack that is not deployed yet (deploy creates both in order)
";
        assert_eq!(render(&prod()), expected);
    }

    #[test]
    fn nothing_to_change_says_so() {
        let report = DiffReport {
            environment: "dev".into(),
            changes: 0,
            stacks: vec![stack("demo-dev-main", "eu-west-1", "no-changes", vec![])],
        };
        assert_eq!(
            render(&report),
            "### archgen diff: `dev`\n\nNo changes in 1 stack(s).\n\n\
             #### `demo-dev-main` (eu-west-1): no changes\n"
        );
    }

    #[test]
    fn cell_text_cannot_break_the_table_or_inject_html() {
        let mut queue = change("Modify", "Queue", "AWS::SQS::Queue", None);
        queue.risks = vec![risk("destructive", "a | b <img src=x>\nnext `line`")];
        let report = DiffReport {
            environment: "dev".into(),
            changes: 1,
            stacks: vec![stack("demo-dev-main", "eu-west-1", "update", vec![queue])],
        };
        let md = render(&report);
        assert!(
            md.contains("| Modify | `Queue` | `AWS::SQS::Queue` | unknown | - |"),
            "{md}"
        );
        assert!(
            md.contains("a \\| b &lt;img src=x&gt; next 'line'\n"),
            "{md}"
        );
    }
}
