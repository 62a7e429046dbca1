//! `diff --format markdown`: what `markdown::collect` finds per stack when
//! the diff runs against recorded CloudFormation answers.

#[path = "support/fake.rs"]
mod fake;

use archgen::deploy::markdown::{self, Outcome, StackDiff};
use archgen::deploy::model::{ChangeSetInfo, StackInfo};
use archgen::deploy::ops::{Env, Target, targets};
use archgen::deploy::risk::RiskKind;
use archgen::manifest::StackEntry;
use fake::{Fake, Recorder};
use std::time::Duration;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/cfn/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn collect(fake: &Fake, env: &str, targets: &[Target]) -> (Vec<StackDiff>, Recorder) {
    let env = Env {
        name: env.into(),
        poll: Duration::from_millis(1),
    };
    let mut console = Recorder::default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stacks = rt
        .block_on(markdown::collect(fake, &mut console, &env, targets, None))
        .expect("diff succeeds");
    (stacks, console)
}

#[test]
fn an_existing_stack_shows_its_change_set_with_risks_against_the_deployed_template() {
    let template: serde_json::Value =
        serde_json::from_str(&fixture("rds-replacement.new-template.json")).unwrap();
    let target = Target {
        entry: StackEntry {
            name: "main".into(),
            stack_name: "user-management-prod-main".into(),
            region: "ap-northeast-1".into(),
            template_file: "main.template.json".into(),
            depends_on: vec![],
            parameters: Default::default(),
            termination_protection: false,
            tags: Default::default(),
        },
        region: "ap-northeast-1".into(),
        body: template.to_string(),
        template,
    };
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
    let (stacks, console) = collect(&fake, "prod", &[target]);
    assert_eq!(stacks.len(), 1);
    let Outcome::Update { changes, risks } = &stacks[0].outcome else {
        panic!("expected an update, got {:?}", stacks[0].outcome);
    };
    let ids: Vec<&str> = changes
        .iter()
        .map(|c| c.logical_resource_id.as_str())
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
    assert!(
        risks
            .iter()
            .any(|r| r.logical_id == "Database" && r.kind == RiskKind::Destructive),
        "{risks:?}"
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

    let md = markdown::render("prod", &stacks);
    assert!(md.contains(
        "| Modify | `Database` | `AWS::RDS::DBInstance` | True | DBInstanceIdentifier | ⚠️ **destructive** |"
    ), "{md}");
    assert!(md.contains("**4 change(s)** in 1 stack(s)"), "{md}");
}

#[test]
fn a_new_stack_is_listed_from_its_template_and_its_dependant_waits() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-env-platform");
    let project = archgen::spec::Project::load(&dir).expect("loads");
    let synthesis = archgen::synth::synthesize(&project, "staging").expect("synthesizes");
    let t = targets(&synthesis, None).expect("targets");
    // The main stack exists; its new edge stack does not.
    let fake = Fake::default();
    {
        let mut s = fake.0.borrow_mut();
        s.stack = Some(StackInfo {
            stack_name: t[1].entry.stack_name.clone(),
            stack_status: "UPDATE_COMPLETE".into(),
            ..Default::default()
        });
        s.missing = vec![t[0].entry.stack_name.clone()];
    }
    let (stacks, _) = collect(&fake, "staging", &t);
    let resources = t[0].template["Resources"].as_object().unwrap().len();
    match &stacks[0].outcome {
        Outcome::Create { changes, .. } => assert_eq!(changes.len(), resources),
        other => panic!("expected the edge stack to be created, got {other:?}"),
    }
    assert_eq!(stacks[0].region, "us-east-1");
    assert_eq!(stacks[1].outcome, Outcome::Pending);
    let md = markdown::render("staging", &stacks);
    assert!(
        md.contains(&format!("new stack: {resources} resource(s) to create")),
        "{md}"
    );
    assert!(md.contains("not previewed"), "{md}");
}
