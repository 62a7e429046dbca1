//! `archgen diff --format markdown`: the change sets of an environment as
//! Markdown, one table per stack, for a pull-request comment.
//!
//! [`collect`] runs the same diff as the terminal output (`ops::diff`) and
//! keeps what it saw per stack: `ops::diff` reports through a [`Console`]
//! only, so the changes are read from the CloudFormation answers on their
//! way through (see [`Recording`]). [`render`] turns them into Markdown.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use crate::cfn::{AwsResult, Cloud, CloudFormation};
use crate::changeset::is_no_change;
use crate::console::Console;
use crate::model::{
    ChangeSetInfo, ChangeSetRequest, ResourceChange, StackEvent, StackInfo, StackResource,
    TemplateSource,
};
use crate::ops::{self, Env, OpError, Target, parse_template, planned_creation};
use crate::risk::{self, Risk, RiskKind, recreation_causes};
use crate::state::{self, StackState};

/// What a diff found for one stack.
#[derive(Debug, Clone, PartialEq)]
pub struct StackDiff {
    /// The CloudFormation stack name.
    pub stack_name: String,
    pub region: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The stack does not exist (or failed to create and is created again):
    /// every resource of the template is added.
    Create {
        changes: Vec<ResourceChange>,
        risks: Vec<Risk>,
    },
    /// The change set of an existing stack.
    Update {
        changes: Vec<ResourceChange>,
        risks: Vec<Risk>,
    },
    NoChanges,
    /// Not previewed: its parameters come from a stack not deployed yet.
    Pending,
}

/// The Markdown report of `env`'s diff: a heading, a summary line, and per
/// stack a table of its changes with their risks.
pub fn render(env: &str, stacks: &[StackDiff]) -> String {
    let total: usize = stacks.iter().map(|s| s.outcome.changes().len()).sum();
    let risky = stacks
        .iter()
        .map(|s| s.outcome.risks().len())
        .sum::<usize>();
    let mut out = format!("### archgen diff: `{}`\n\n", escape(env));
    out.push_str(&match (total, risky) {
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
        escape(&stack.stack_name),
        escape(&stack.region)
    );
    let (summary, changes, risks) = match &stack.outcome {
        Outcome::Create { changes, risks } => (
            format!("new stack: {} resource(s) to create", changes.len()),
            changes,
            risks,
        ),
        Outcome::Update { changes, risks } => {
            (format!("{} change(s)", changes.len()), changes, risks)
        }
        Outcome::NoChanges => return format!("{title}: no changes\n"),
        Outcome::Pending => {
            return format!(
                "{title}: not previewed, its parameters come from a stack that is not \
                 deployed yet (deploy creates both in order)\n"
            );
        }
    };
    let mut out = format!("{title}: {summary}\n\n");
    out.push_str("| Action | Logical ID | Type | Replacement | Caused by | Risk |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for change in changes {
        let marks: Vec<&str> = risks
            .iter()
            .filter(|r| r.logical_id == change.logical_resource_id)
            .map(|r| risk_label(r.kind))
            .collect();
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {} | {} | {} |\n",
            escape(&change.action),
            escape(&change.logical_resource_id),
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
    if !risks.is_empty() {
        out.push('\n');
        for r in risks {
            out.push_str(&format!(
                "- {} `{}` ({}): {}\n",
                risk_label(r.kind),
                escape(&r.logical_id),
                escape(&r.resource_type),
                escape(&r.reason)
            ));
        }
    }
    out
}

fn risk_label(kind: RiskKind) -> &'static str {
    match kind {
        RiskKind::Destructive => "⚠️ **destructive**",
        RiskKind::Broadening => "🔓 **broadening**",
    }
}

/// True / Conditional / False for modifications, as the terminal table says.
fn replacement(c: &ResourceChange) -> String {
    if c.action != "Modify" {
        return "-".into();
    }
    c.replacement.clone().unwrap_or_else(|| "unknown".into())
}

/// The properties behind a replacement, else every property that changes,
/// as the terminal table says.
fn caused_by(c: &ResourceChange) -> String {
    let mut names = recreation_causes(c);
    if names.is_empty() {
        names = c
            .details
            .iter()
            .map(|d| {
                d.target
                    .name
                    .clone()
                    .unwrap_or_else(|| d.target.attribute.clone())
            })
            .filter(|n| !n.is_empty())
            .collect();
        names.dedup();
    }
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

impl Outcome {
    /// How many changes the stack has, as `ops::diff` counts them.
    pub fn change_count(&self) -> usize {
        self.changes().len()
    }

    fn changes(&self) -> &[ResourceChange] {
        match self {
            Outcome::Create { changes, .. } | Outcome::Update { changes, .. } => changes,
            Outcome::NoChanges | Outcome::Pending => &[],
        }
    }

    fn risks(&self) -> &[Risk] {
        match self {
            Outcome::Create { risks, .. } | Outcome::Update { risks, .. } => risks,
            Outcome::NoChanges | Outcome::Pending => &[],
        }
    }
}

/// Runs the diff of `targets` (its progress lines go to `console`) and
/// returns what it found per stack, in deployment order.
pub async fn collect<K: Cloud>(
    cloud: &K,
    console: &mut dyn Console,
    env: &Env,
    targets: &[Target],
    artifact_bucket: Option<&str>,
) -> Result<Vec<StackDiff>, OpError> {
    let recording = Recording {
        inner: cloud,
        seen: Rc::default(),
    };
    ops::diff::run(&recording, console, env, targets, artifact_bucket).await?;
    let seen = recording.seen.borrow();
    Ok(targets.iter().map(|t| stack_diff(t, &seen)).collect())
}

/// The outcome for one stack from what CloudFormation answered, following
/// the cases of `ops::diff`.
fn stack_diff(target: &Target, seen: &Seen) -> StackDiff {
    let name = &target.entry.stack_name;
    let current = seen.stacks.get(name).cloned().flatten();
    let outcome = match state::classify(current.as_ref()) {
        StackState::Missing | StackState::FailedCreate(_) => {
            let changes = planned_creation(&target.template);
            let risks = risk::assess(&changes, &target.template, None);
            Outcome::Create { changes, risks }
        }
        _ => match seen.change_sets.get(name) {
            Some(info) if info.status == "CREATE_COMPLETE" => {
                let changes: Vec<ResourceChange> = info
                    .changes
                    .iter()
                    .map(|c| c.resource_change.clone())
                    .collect();
                let old = seen.templates.get(name).and_then(|t| parse_template(t));
                let risks = risk::assess(&changes, &target.template, old.as_ref());
                Outcome::Update { changes, risks }
            }
            Some(info) if is_no_change(info.status_reason.as_deref().unwrap_or("")) => {
                Outcome::NoChanges
            }
            // No change set: diff skipped the stack for want of parameters.
            _ => Outcome::Pending,
        },
    };
    StackDiff {
        stack_name: name.clone(),
        region: target.region.clone(),
        outcome,
    }
}

/// CloudFormation's answers during a diff, by stack name.
#[derive(Default)]
struct Seen {
    /// The first DescribeStacks answer: the state the diff started from.
    stacks: HashMap<String, Option<StackInfo>>,
    /// The last DescribeChangeSet answer: the computed change set.
    change_sets: HashMap<String, ChangeSetInfo>,
    /// The deployed template, for the risk of changes against it.
    templates: HashMap<String, String>,
}

/// A [`Cloud`] (over a borrowed one) or a [`CloudFormation`] client that
/// passes every call through and notes the answers.
struct Recording<T> {
    inner: T,
    seen: Rc<RefCell<Seen>>,
}

impl<K: Cloud> Cloud for Recording<&K> {
    type Cfn = Recording<K::Cfn>;
    type Store = K::Store;
    fn cloudformation(&self, region: &str) -> Self::Cfn {
        Recording {
            inner: self.inner.cloudformation(region),
            seen: self.seen.clone(),
        }
    }
    fn artifacts(&self, region: &str) -> Self::Store {
        self.inner.artifacts(region)
    }
}

impl<C: CloudFormation> CloudFormation for Recording<C> {
    async fn describe_stack(&self, stack: &str) -> AwsResult<Option<StackInfo>> {
        let answer = self.inner.describe_stack(stack).await?;
        let mut seen = self.seen.borrow_mut();
        seen.stacks
            .entry(stack.to_string())
            .or_insert_with(|| answer.clone());
        Ok(answer)
    }
    async fn describe_change_set(&self, stack: &str, change_set: &str) -> AwsResult<ChangeSetInfo> {
        let answer = self.inner.describe_change_set(stack, change_set).await?;
        self.seen
            .borrow_mut()
            .change_sets
            .insert(stack.to_string(), answer.clone());
        Ok(answer)
    }
    async fn get_template(&self, stack: &str) -> AwsResult<String> {
        let answer = self.inner.get_template(stack).await?;
        self.seen
            .borrow_mut()
            .templates
            .insert(stack.to_string(), answer.clone());
        Ok(answer)
    }
    async fn validate_template(&self, template: &TemplateSource) -> AwsResult<Vec<String>> {
        self.inner.validate_template(template).await
    }
    async fn create_change_set(&self, request: &ChangeSetRequest) -> AwsResult<String> {
        self.inner.create_change_set(request).await
    }
    async fn delete_change_set(&self, stack: &str, change_set: &str) -> AwsResult<()> {
        self.inner.delete_change_set(stack, change_set).await
    }
    async fn execute_change_set(&self, stack: &str, change_set: &str) -> AwsResult<()> {
        self.inner.execute_change_set(stack, change_set).await
    }
    async fn stack_events(&self, stack: &str) -> AwsResult<Vec<StackEvent>> {
        self.inner.stack_events(stack).await
    }
    async fn list_stack_resources(&self, stack: &str) -> AwsResult<Vec<StackResource>> {
        self.inner.list_stack_resources(stack).await
    }
    async fn delete_stack(&self, stack: &str) -> AwsResult<()> {
        self.inner.delete_stack(stack).await
    }
    async fn set_termination_protection(&self, stack: &str, enabled: bool) -> AwsResult<()> {
        self.inner.set_termination_protection(stack, enabled).await
    }
}

/// Progress for `--format markdown`: the diff's lines go to standard error,
/// so standard output holds only the Markdown.
#[derive(Default)]
pub struct ProgressOnStderr;

impl Console for ProgressOnStderr {
    fn line(&mut self, text: &str) {
        let _ = writeln!(std::io::stderr(), "{text}");
    }
    fn status(&mut self, _: &str) {}
    fn clear_status(&mut self) {}
    fn ask(&mut self, _: &str) -> Option<String> {
        None
    }
    fn interactive(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeDetail, ChangeTarget};

    fn detail(name: &str, recreation: &str) -> ChangeDetail {
        ChangeDetail {
            target: ChangeTarget {
                attribute: "Properties".into(),
                name: Some(name.into()),
                requires_recreation: Some(recreation.into()),
            },
            change_source: Some("DirectModification".into()),
            causing_entity: None,
        }
    }

    fn change(action: &str, id: &str, kind: &str, replacement: Option<&str>) -> ResourceChange {
        ResourceChange {
            action: action.into(),
            logical_resource_id: id.into(),
            resource_type: kind.into(),
            replacement: replacement.map(String::from),
            ..Default::default()
        }
    }

    fn risk(id: &str, kind_of_resource: &str, kind: RiskKind, reason: &str) -> Risk {
        Risk {
            logical_id: id.into(),
            resource_type: kind_of_resource.into(),
            kind,
            reason: reason.into(),
        }
    }

    /// A prod diff as CloudFormation reports it: the main stack replaces its
    /// database and opens its load balancer, the edge stack is new, the
    /// queue stack is unchanged and a stack fed by the new edge stack waits.
    fn prod() -> Vec<StackDiff> {
        let mut database = change("Modify", "Database", "AWS::RDS::DBInstance", Some("True"));
        database.details = vec![
            detail("DBInstanceIdentifier", "Always"),
            detail("BackupRetentionPeriod", "Never"),
        ];
        let mut alb_sg = change(
            "Modify",
            "AlbSecurityGroup",
            "AWS::EC2::SecurityGroup",
            Some("False"),
        );
        alb_sg.details = vec![detail("SecurityGroupIngress", "Never")];
        vec![
            StackDiff {
                stack_name: "user-management-prod-main".into(),
                region: "ap-northeast-1".into(),
                outcome: Outcome::Update {
                    changes: vec![
                        database,
                        alb_sg,
                        change("Add", "ExportRole", "AWS::IAM::Role", None),
                    ],
                    risks: vec![
                        risk(
                            "Database",
                            "AWS::RDS::DBInstance",
                            RiskKind::Destructive,
                            "is replaced (DBInstanceIdentifier): its data is lost",
                        ),
                        risk(
                            "AlbSecurityGroup",
                            "AWS::EC2::SecurityGroup",
                            RiskKind::Broadening,
                            "admits 0.0.0.0/0 on port 443",
                        ),
                    ],
                },
            },
            StackDiff {
                stack_name: "user-management-prod-edge".into(),
                region: "us-east-1".into(),
                outcome: Outcome::Create {
                    changes: vec![
                        change("Add", "WebAcl", "AWS::WAFv2::WebACL", None),
                        change("Add", "Distribution", "AWS::CloudFront::Distribution", None),
                    ],
                    risks: vec![],
                },
            },
            StackDiff {
                stack_name: "user-management-prod-queues".into(),
                region: "ap-northeast-1".into(),
                outcome: Outcome::NoChanges,
            },
            StackDiff {
                stack_name: "user-management-prod-api".into(),
                region: "ap-northeast-1".into(),
                outcome: Outcome::Pending,
            },
        ]
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
        assert_eq!(render("prod", &prod()), expected);
        let counted: usize = prod().iter().map(|s| s.outcome.change_count()).sum();
        assert_eq!(counted, 5);
    }

    #[test]
    fn nothing_to_change_says_so() {
        let stacks = vec![StackDiff {
            stack_name: "demo-dev-main".into(),
            region: "eu-west-1".into(),
            outcome: Outcome::NoChanges,
        }];
        assert_eq!(
            render("dev", &stacks),
            "### archgen diff: `dev`\n\nNo changes in 1 stack(s).\n\n\
             #### `demo-dev-main` (eu-west-1): no changes\n"
        );
    }

    #[test]
    fn cell_text_cannot_break_the_table_or_inject_html() {
        let stacks = vec![StackDiff {
            stack_name: "demo-dev-main".into(),
            region: "eu-west-1".into(),
            outcome: Outcome::Update {
                changes: vec![change("Modify", "Queue", "AWS::SQS::Queue", None)],
                risks: vec![risk(
                    "Queue",
                    "AWS::SQS::Queue",
                    RiskKind::Destructive,
                    "a | b <img src=x>\nnext `line`",
                )],
            },
        }];
        let md = render("dev", &stacks);
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
