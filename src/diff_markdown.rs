//! `archgen diff --format markdown`: the deployer's view of a diff
//! (`deploy::markdown::view`) written with the tera templates of
//! `templates/diff/`, for a pull-request comment.

use archgen_deploy::markdown::view;
use archgen_deploy::ops::diff::DiffReport;
use archgen_synth::Error;
use tera::Context;

use crate::text::{engine, render as render_template};

const REPORT: &str = include_str!("../templates/diff/report.md.tera");
const STACK: &str = include_str!("../templates/diff/stack.md.tera");

pub fn render(report: &DiffReport) -> Result<String, Error> {
    let tera = engine(&[("stack.md", STACK), ("report.md", REPORT)])?;
    let mut context = Context::new();
    context.insert("diff", &view(report));
    render_template(&tera, "report.md", &context)
}

#[cfg(test)]
mod tests {
    use super::*;
    use archgen_deploy::ops::diff::{ChangeEntry, RiskEntry, StackDiff};

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
        assert_eq!(render(&prod()).unwrap(), expected);
    }

    #[test]
    fn nothing_to_change_says_so() {
        let report = DiffReport {
            environment: "dev".into(),
            changes: 0,
            stacks: vec![stack("demo-dev-main", "eu-west-1", "no-changes", vec![])],
        };
        assert_eq!(
            render(&report).unwrap(),
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
        let md = render(&report).unwrap();
        assert!(
            md.contains("| Modify | `Queue` | `AWS::SQS::Queue` | unknown | - |"),
            "{md}"
        );
        assert!(
            md.contains("a \\| b &lt;img src=x&gt; next 'line'\n"),
            "{md}"
        );
    }

    #[test]
    fn a_risky_change_is_listed_before_the_safe_ones_it_followed() {
        let mut bucket = change("Remove", "Uploads", "AWS::S3::Bucket", None);
        bucket.risks = vec![risk("destructive", "is deleted with its objects")];
        let report = DiffReport {
            environment: "prod".into(),
            changes: 2,
            stacks: vec![stack(
                "demo-prod-main",
                "eu-west-1",
                "update",
                vec![change("Add", "Topic", "AWS::SNS::Topic", None), bucket],
            )],
        };
        let md = render(&report).unwrap();
        let rows: Vec<&str> = md
            .lines()
            .filter(|l| l.starts_with("| Re") || l.starts_with("| Add"))
            .collect();
        assert_eq!(
            rows,
            [
                "| Remove | `Uploads` | `AWS::S3::Bucket` | - | - | ⚠️ **destructive** |",
                "| Add | `Topic` | `AWS::SNS::Topic` | - | - | - |",
            ],
            "{md}"
        );
    }
}
