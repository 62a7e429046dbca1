//! `diff --format markdown`: the report `ops::diff::report` builds from
//! recorded CloudFormation answers, rendered as Markdown.

#[path = "support/fake.rs"]
mod fake;

use archgen::deploy::model::{ChangeSetInfo, StackInfo};
use archgen::deploy::ops::diff::{self, DiffReport};
use archgen::deploy::ops::{Env, Target};
use archgen::diff_markdown as markdown;
use fake::{Fake, Recorder, fixture};
use std::time::Duration;

fn collect(fake: &Fake, env: &str, targets: &[Target]) -> (DiffReport, Recorder) {
    let env = Env {
        name: env.into(),
        poll: Duration::from_millis(1),
        wait_timeout: Duration::ZERO,
    };
    let mut console = Recorder::default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stacks = rt
        .block_on(diff::report(fake, &mut console, &env, targets, None))
        .expect("diff succeeds");
    (stacks, console)
}

#[test]
fn an_existing_stack_shows_its_change_set_with_risks_against_the_deployed_template() {
    let target = fake::rds_replacement_target();
    let fake = Fake::default();
    {
        let mut s = fake.0.borrow_mut();
        s.stack = Some(StackInfo {
            stack_name: "user-management-prod-main".into(),
            stack_status: "UPDATE_COMPLETE".into(),
            ..Default::default()
        });
        s.change_set =
            serde_json::from_str::<ChangeSetInfo>(&fixture("rds-replacement.change-set.json"))
                .unwrap();
        s.deployed_template = fixture("rds-replacement.old-template.json");
    }
    let (report, console) = collect(&fake, "prod", &[target]);
    assert_eq!(report.stacks.len(), 1);
    let stack = &report.stacks[0];
    assert_eq!(stack.plan, "update");
    let ids: Vec<&str> = stack
        .changes
        .iter()
        .map(|c| c.logical_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "Database",
            "AlbSecurityGroup",
            "AppTaskDefinition",
            "ExportRole"
        ]
    );
    let database = &stack.changes[0];
    assert!(
        database.risks.iter().any(|r| r.kind == "destructive"),
        "{:?}",
        database.risks
    );
    // The terminal diff ran as usual (its lines went to the console) and
    // its change set was deleted.
    assert!(
        console
            .lines
            .iter()
            .any(|l| l.contains("4 change(s) to update"))
    );
    assert!(fake.calls().contains(&"delete_change_set".to_string()));

    let md = markdown::render(&report).unwrap();
    assert!(md.contains(
        "| Modify | `Database` | `AWS::RDS::DBInstance` | True | DBInstanceIdentifier | ⚠️ **destructive** |"
    ), "{md}");
    assert!(md.contains("**4 change(s)** in 1 stack(s)"), "{md}");
}

#[test]
fn a_new_stack_is_listed_from_its_template_and_its_dependant_waits() {
    // The main stack exists; its new edge stack does not.
    let (t, fake) = fake::new_edge_stack();
    let (report, _) = collect(&fake, "staging", &t);
    let resources = t[0].template["Resources"].as_object().unwrap().len();
    assert_eq!(report.stacks[0].plan, "create");
    assert_eq!(report.stacks[0].changes.len(), resources);
    assert_eq!(report.stacks[0].region, "us-east-1");
    assert_eq!(report.stacks[1].plan, "waits");
    let md = markdown::render(&report).unwrap();
    assert!(
        md.contains(&format!("new stack: {resources} resource(s) to create")),
        "{md}"
    );
    assert!(md.contains("not previewed"), "{md}");
}
