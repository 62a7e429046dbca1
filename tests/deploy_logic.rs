//! The deploy engine's judgement, over recorded CloudFormation data:
//! destructive-change guard, security-broadening detection, approval,
//! change-set table, root cause of a failed update.

#[path = "support/fake.rs"]
mod fake;

use archgen::deploy::Error;
use archgen::deploy::approval::{ApprovalFlags, ApprovalMode, Decision, decide};
use archgen::deploy::events;
use archgen::deploy::model::{ChangeSetInfo, ResourceChange, StackEvent, StackInfo};
use archgen::deploy::ops::deploy::{self, DeployOptions};
use archgen::deploy::ops::{Env, Target};
use archgen::deploy::risk::{RiskKind, assess};
use archgen::deploy::table;
use fake::{CTRL_C, Fake, Recorder, Script, fixture};
use serde_json::Value;
use std::time::Duration;

fn json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn change_set(name: &str) -> ChangeSetInfo {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn changes(cs: &ChangeSetInfo) -> Vec<ResourceChange> {
    cs.changes
        .iter()
        .map(|c| c.resource_change.clone())
        .collect()
}

fn events_newest_first(name: &str) -> Vec<StackEvent> {
    serde_json::from_value(json(name)["StackEvents"].clone()).unwrap()
}

fn flags(mode: ApprovalMode, yes: bool, allow_destructive: bool) -> ApprovalFlags {
    ApprovalFlags {
        mode,
        yes,
        allow_destructive,
        interactive: false,
    }
}

#[test]
fn rds_replacement_is_destructive_and_names_the_cause() {
    let cs = change_set("rds-replacement.change-set.json");
    let risks = assess(
        &changes(&cs),
        &json("rds-replacement.new-template.json"),
        Some(&json("rds-replacement.old-template.json")),
    );
    let db: Vec<_> = risks
        .iter()
        .filter(|r| r.logical_id == "Database")
        .collect();
    assert_eq!(db.len(), 1, "{risks:?}");
    assert_eq!(db[0].kind, RiskKind::Destructive);
    assert!(
        db[0].reason.contains("DBInstanceIdentifier"),
        "{}",
        db[0].reason
    );
    // A replaced task definition holds no data: not destructive.
    assert!(
        !risks.iter().any(|r| r.logical_id == "AppTaskDefinition"),
        "{risks:?}"
    );
}

#[test]
fn new_open_ingress_and_new_role_are_broadening() {
    let cs = change_set("rds-replacement.change-set.json");
    let risks = assess(
        &changes(&cs),
        &json("rds-replacement.new-template.json"),
        Some(&json("rds-replacement.old-template.json")),
    );
    let broadening: Vec<_> = risks
        .iter()
        .filter(|r| r.kind == RiskKind::Broadening)
        .collect();
    let sg = broadening
        .iter()
        .find(|r| r.logical_id == "AlbSecurityGroup")
        .expect("sg flagged");
    assert!(
        sg.reason.contains("tcp port 443 from 0.0.0.0/0"),
        "{}",
        sg.reason
    );
    assert!(
        broadening
            .iter()
            .any(|r| r.logical_id == "ExportRole" && r.reason.contains("new IAM Role"))
    );
    // The already-open-to-the-VPC rule is not new, so removing 0.0.0.0/0 from
    // the new template leaves nothing to flag on the group.
    let mut calmer = json("rds-replacement.new-template.json");
    calmer["Resources"]["AlbSecurityGroup"] =
        json("rds-replacement.old-template.json")["Resources"]["AlbSecurityGroup"].clone();
    let risks = assess(
        &changes(&cs),
        &calmer,
        Some(&json("rds-replacement.old-template.json")),
    );
    assert!(
        !risks.iter().any(|r| r.logical_id == "AlbSecurityGroup"),
        "{risks:?}"
    );
}

#[test]
fn bucket_deletion_is_destructive_but_a_retained_log_group_is_not() {
    let cs = change_set("bucket-deletion.change-set.json");
    let risks = assess(
        &changes(&cs),
        &serde_json::json!({"Resources": {}}),
        Some(&json("bucket-deletion.old-template.json")),
    );
    let destructive: Vec<&str> = risks
        .iter()
        .filter(|r| r.kind == RiskKind::Destructive)
        .map(|r| r.logical_id.as_str())
        .collect();
    assert_eq!(destructive, vec!["UploadsBucket"], "{risks:?}");
}

#[test]
fn destructive_changes_are_refused_whatever_the_approval_mode() {
    for name in ["rds-replacement", "bucket-deletion"] {
        let cs = change_set(&format!("{name}.change-set.json"));
        let new = if name == "bucket-deletion" {
            serde_json::json!({"Resources": {}})
        } else {
            json(&format!("{name}.new-template.json"))
        };
        let risks = assess(
            &changes(&cs),
            &new,
            Some(&json(&format!("{name}.old-template.json"))),
        );
        for mode in [
            ApprovalMode::Never,
            ApprovalMode::AnyChange,
            ApprovalMode::Broadening,
        ] {
            match decide(&risks, cs.changes.len(), flags(mode, true, false)) {
                Decision::Refuse(msg) => {
                    assert!(msg.contains("--allow-destructive"), "{msg}");
                    assert!(msg.contains("Nothing was changed"), "{msg}");
                }
                other => panic!("{name} {mode:?}: {other:?}"),
            }
        }
        assert_eq!(
            decide(
                &risks,
                cs.changes.len(),
                flags(ApprovalMode::Never, false, true)
            ),
            Decision::Proceed
        );
    }
}

#[test]
fn approval_modes() {
    let cs = change_set("rds-replacement.change-set.json");
    let risks = assess(
        &changes(&cs),
        &json("rds-replacement.new-template.json"),
        Some(&json("rds-replacement.old-template.json")),
    );
    let interactive = ApprovalFlags {
        interactive: true,
        ..flags(ApprovalMode::Broadening, false, true)
    };
    assert!(
        matches!(decide(&risks, 4, interactive), Decision::Ask(why) if why.contains("security-broadening"))
    );
    assert!(
        matches!(decide(&risks, 4, flags(ApprovalMode::Broadening, false, true)), Decision::Refuse(m) if m.contains("--yes"))
    );
    assert_eq!(
        decide(&risks, 4, flags(ApprovalMode::Broadening, true, true)),
        Decision::Proceed
    );
    // No broadening, mode broadening: nothing to ask.
    assert_eq!(
        decide(&[], 4, flags(ApprovalMode::Broadening, false, false)),
        Decision::Proceed
    );
    assert!(matches!(
        decide(&[], 4, flags(ApprovalMode::AnyChange, false, false)),
        Decision::Refuse(_)
    ));
}

#[test]
fn change_set_table_shows_replacement_causes_and_risks() {
    let cs = change_set("rds-replacement.change-set.json");
    let risks = assess(
        &changes(&cs),
        &json("rds-replacement.new-template.json"),
        Some(&json("rds-replacement.old-template.json")),
    );
    let text = table::render(&changes(&cs), &risks);
    let db = text.lines().find(|l| l.contains("Database")).unwrap();
    for cell in [
        "Modify",
        "AWS::RDS::DBInstance",
        "True",
        "DBInstanceIdentifier",
        "DESTRUCTIVE",
    ] {
        assert!(db.contains(cell), "{cell} missing in: {db}");
    }
    // BackupRetentionPeriod changes in place: not listed as a cause.
    assert!(!db.contains("BackupRetentionPeriod"), "{db}");
    let sg = text
        .lines()
        .find(|l| l.contains("AlbSecurityGroup") && l.contains("Modify"))
        .unwrap();
    assert!(sg.contains("False") && sg.contains("BROADENING"), "{sg}");
    assert!(text.contains("! destructive: Database"), "{text}");
}

#[test]
fn root_cause_skips_the_cancellation_cascade() {
    let newest_first = events_newest_first("failed-update.events.json");
    let chronological = events::since(&newest_first, None);
    let causes = events::root_cause(&chronological, 3);
    let ids: Vec<&str> = causes
        .iter()
        .map(|e| e.logical_resource_id.as_str())
        .collect();
    assert_eq!(ids, vec!["Database"]);
    assert!(
        causes[0]
            .resource_status_reason
            .as_deref()
            .unwrap()
            .contains("Cannot upgrade postgres")
    );
}

fn target() -> Target {
    fake::rds_replacement_target()
}

fn stack(status: &str) -> StackInfo {
    StackInfo {
        stack_name: "user-management-prod-main".into(),
        stack_status: status.into(),
        ..Default::default()
    }
}

fn run(fake: &Fake, console: &mut Recorder, opts: DeployOptions) -> Result<(), Error> {
    let env = Env {
        name: "prod".into(),
        poll: Duration::from_millis(1),
        wait_timeout: Duration::ZERO,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(deploy::run(fake, console, &env, &[target()], &opts))
}

/// The failed update: before execution the stack is settled; after, the
/// recorded events of a failed update and its rollback are there.
fn failed_update_script(change_set_file: &str) -> Fake {
    let all = events_newest_first("failed-update.events.json");
    let old = StackEvent {
        event_id: "previous-deploy-complete".into(),
        stack_name: "user-management-prod-main".into(),
        logical_resource_id: "user-management-prod-main".into(),
        resource_type: "AWS::CloudFormation::Stack".into(),
        timestamp: "2025-11-20T10:00:00.000Z".into(),
        resource_status: "UPDATE_COMPLETE".into(),
        ..Default::default()
    };
    Fake(std::rc::Rc::new(std::cell::RefCell::new(Script {
        stack: Some(stack("UPDATE_COMPLETE")),
        stack_after: Some(stack("UPDATE_ROLLBACK_COMPLETE")),
        change_set: change_set(change_set_file),
        deployed_template: fixture("rds-replacement.old-template.json"),
        events_before: vec![old],
        events_after: all,
        ..Default::default()
    })))
}

#[test]
fn failed_deploy_reports_root_cause_and_final_status() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    let mut console = Recorder::default();
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Broadening, true, true),
        ..Default::default()
    };
    let err = run(&fake, &mut console, opts).expect_err("the update failed");
    let Error::Failed(msg) = err else {
        panic!("{err:?}")
    };
    assert!(
        msg.contains("final status UPDATE_ROLLBACK_COMPLETE"),
        "{msg}"
    );
    assert!(
        msg.contains("Database (AWS::RDS::DBInstance) UPDATE_FAILED"),
        "{msg}"
    );
    assert!(
        msg.contains("Cannot upgrade postgres from 15.8 to 14.12"),
        "{msg}"
    );
    assert!(!msg.contains("Resource update cancelled"), "{msg}");
    // Every event of the operation was printed, one line each (no terminal).
    let printed = console.lines.join("\n");
    assert!(printed.contains("UPDATE_ROLLBACK_IN_PROGRESS"), "{printed}");
    assert!(!printed.contains("previous-deploy-complete"));
}

#[test]
fn destructive_change_set_is_refused_and_deleted_without_executing() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    let mut console = Recorder::default();
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Never, true, false),
        ..Default::default()
    };
    let err = run(&fake, &mut console, opts).expect_err("refused");
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("refusing to deploy") && m.contains("Database")),
        "{err:?}"
    );
    let calls = fake.calls();
    assert!(
        !calls.contains(&"execute_change_set".to_string()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"delete_change_set".to_string()),
        "{calls:?}"
    );
    // The table was shown before refusing, so the user sees why.
    assert!(console.lines.iter().any(|l| l.contains("DESTRUCTIVE")));
}

#[test]
fn change_sets_are_made_with_the_cloudformation_role_given() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    let role = "arn:aws:iam::123456789012:role/user-management-prod-cloudformation";
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Never, true, false),
        cloudformation_role: Some(role.into()),
        ..Default::default()
    };
    let _refused = run(&fake, &mut Recorder::default(), opts);
    assert_eq!(fake.0.borrow().change_set_roles, [Some(role.to_string())]);
}

#[test]
fn interactive_approval_declined_changes_nothing() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    let mut console = Recorder {
        interactive: true,
        answers: vec!["n".into()],
        ..Default::default()
    };
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Broadening, false, true),
        ..Default::default()
    };
    let err = run(&fake, &mut console, opts).expect_err("declined");
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("cancelled")),
        "{err:?}"
    );
    assert!(!fake.calls().contains(&"execute_change_set".to_string()));
    assert!(console.lines.iter().any(|l| l.contains("[y/N]")));
}

#[test]
fn update_rollback_failed_explains_continue_update_rollback() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    fake.0.borrow_mut().stack = Some(stack("UPDATE_ROLLBACK_FAILED"));
    let mut console = Recorder::default();
    let err = run(&fake, &mut console, DeployOptions::default()).expect_err("refused");
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("continue-update-rollback --stack-name user-management-prod-main --region ap-northeast-1")),
        "{err:?}"
    );
    assert!(
        fake.calls().is_empty(),
        "nothing was attempted: {:?}",
        fake.calls()
    );
}

#[test]
fn busy_stack_is_refused_with_how_to_follow_it() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    fake.0.borrow_mut().stack = Some(stack("UPDATE_IN_PROGRESS"));
    let err = run(&fake, &mut Recorder::default(), DeployOptions::default()).expect_err("busy");
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("UPDATE_IN_PROGRESS") && m.contains("archgen status --env prod")),
        "{err:?}"
    );
}

#[test]
fn rollback_complete_without_consent_is_refused() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    fake.0.borrow_mut().stack = Some(stack("ROLLBACK_COMPLETE"));
    let err =
        run(&fake, &mut Recorder::default(), DeployOptions::default()).expect_err("needs consent");
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("--recreate")),
        "{err:?}"
    );
    assert!(!fake.calls().contains(&"delete_stack".to_string()));
}

/// The manifest of a two-region environment drives deploy: the us-east-1
/// edge stack first, and the main stack's parameters read from the edge
/// stack's outputs (CloudFormation exports do not cross regions).
#[test]
fn edge_stack_outputs_fill_the_main_stacks_parameters() {
    use archgen::deploy::model::StackOutput;
    use archgen::deploy::ops::targets;
    use archgen::deploy::outputs::{KnownOutputs, parameters};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-env-platform");
    let project = archgen::spec::Project::load(&dir).expect("loads");
    let synthesis = archgen::pipeline::synthesize(&project, "staging").expect("synthesizes");
    let t = targets(&synthesis, None).expect("targets");
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].entry.name.as_str(), t[0].region.as_str()),
        ("main-edge", "us-east-1")
    );
    assert_eq!(
        (t[1].entry.name.as_str(), t[1].region.as_str()),
        ("main", "ap-northeast-1")
    );
    // Before the edge stack is deployed, the main stack cannot be.
    let err = parameters(&t[1].entry, &KnownOutputs::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("main-edge") && err.contains("not deployed"),
        "{err}"
    );
    // deploy has no --stack flag: the advice must not suggest one.
    assert!(!err.contains("--stack"), "{err}");
    let out = |k: &str, v: &str| StackOutput {
        output_key: k.into(),
        output_value: v.into(),
        description: None,
    };
    let acl =
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/multi-env-platform-staging-edge/1";
    let cert = "arn:aws:acm:us-east-1:123456789012:certificate/42";
    let known = KnownOutputs::from([(
        "main-edge".to_string(),
        vec![
            out("EdgeWebAclArn", acl),
            out("WebCertificateArn", cert),
            out("Unrelated", "x"),
        ],
    )]);
    let mut got = parameters(&t[1].entry, &known).expect("all outputs present");
    got.sort();
    assert_eq!(
        got,
        vec![
            ("EdgeWebAclArn".to_string(), acl.to_string()),
            ("WebCertificateArn".to_string(), cert.to_string()),
        ]
    );
    // The edge stack itself needs nothing.
    assert!(
        parameters(&t[0].entry, &KnownOutputs::new())
            .unwrap()
            .is_empty()
    );
    // The same parameter names are declared by the main template.
    for (name, _) in &got {
        assert!(t[1].template["Parameters"][name].is_object(), "{name}");
    }
}

#[test]
fn diff_of_a_stack_fed_by_an_undeployed_edge_stack_says_so_instead_of_failing() {
    use archgen::deploy::ops::diff;
    // The main stack exists; its new edge stack does not.
    let (t, fake) = fake::new_edge_stack();
    let mut console = Recorder::default();
    let env = Env {
        name: "staging".into(),
        poll: Duration::from_millis(1),
        wait_timeout: Duration::ZERO,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let changes = rt
        .block_on(diff::run(&fake, &mut console, &env, &t, None))
        .expect("diff succeeds");
    let text = console.lines.join("\n");
    assert!(text.contains("deploy would create"), "{text}");
    assert!(
        text.contains("takes parameters from stack 'main-edge', which is not deployed yet"),
        "{text}"
    );
    // The edge stack's resources are the changes; no change set was made
    // for a stack whose parameters have no values.
    assert!(changes > 0);
    assert!(
        !fake.calls().contains(&"create_change_set".to_string()),
        "{:?}",
        fake.calls()
    );
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn prod_env() -> Env {
    Env {
        name: "prod".into(),
        poll: Duration::from_millis(1),
        wait_timeout: Duration::ZERO,
    }
}

/// A stack that another operation is changing, with no time to wait: the
/// advice fits diff and destroy (it used to say "run deploy again").
#[test]
fn busy_stack_advice_in_diff_and_destroy_does_not_say_deploy() {
    use archgen::deploy::ops::{destroy, diff};
    let fake = failed_update_script("rds-replacement.change-set.json");
    fake.0.borrow_mut().stack = Some(stack("UPDATE_IN_PROGRESS"));
    let err = block_on(diff::run(
        &fake,
        &mut Recorder::default(),
        &prod_env(),
        &[target()],
        None,
    ))
    .expect_err("busy")
    .to_string();
    assert!(err.contains("busy (UPDATE_IN_PROGRESS)"), "{err}");
    assert!(err.contains("--wait-timeout"), "{err}");
    assert!(!err.contains("deploy"), "{err}");

    let err = block_on(destroy::run(
        &fake,
        &mut Recorder::default(),
        &prod_env(),
        &[target()],
        destroy::DestroyOptions {
            yes: true,
            ..Default::default()
        },
    ))
    .expect_err("busy")
    .to_string();
    assert!(err.contains("busy (UPDATE_IN_PROGRESS)"), "{err}");
    assert!(!err.contains("deploy"), "{err}");
    assert!(!fake.calls().contains(&"delete_stack".to_string()));
}

/// A deletion that ends in DELETE_FAILED is reported as a failed deletion
/// with its root cause, and its live progress counts the stack's resources.
#[test]
fn failed_destroy_says_deletion_and_progress_counts_the_resources() {
    use archgen::deploy::model::StackResource;
    use archgen::deploy::ops::destroy;
    let name = "user-management-prod-main";
    let resource = |id: &str, t: &str| StackResource {
        logical_resource_id: id.into(),
        physical_resource_id: Some(format!("{id}-physical")),
        resource_type: t.into(),
        resource_status: "CREATE_COMPLETE".into(),
    };
    let event = |id: &str, status: &str, t: &str, reason: Option<&str>| StackEvent {
        event_id: format!("{id}-{status}"),
        stack_name: name.into(),
        logical_resource_id: id.into(),
        resource_type: t.into(),
        timestamp: "2025-11-21T09:00:00.000Z".into(),
        resource_status: status.into(),
        resource_status_reason: reason.map(str::to_string),
        ..Default::default()
    };
    let stack_type = "AWS::CloudFormation::Stack";
    let fake = Fake::default();
    {
        let mut s = fake.0.borrow_mut();
        s.stack = Some(stack("UPDATE_COMPLETE"));
        s.delete_ok = true;
        s.resources = vec![
            resource("Vpc", "AWS::EC2::VPC"),
            resource("AppSecurityGroup", "AWS::EC2::SecurityGroup"),
            resource("AssetsBucket", "AWS::S3::Bucket"),
        ];
        s.polls_after = vec![Some(stack("DELETE_IN_PROGRESS"))];
        s.stack_after = Some(stack("DELETE_FAILED"));
        // Newest first, as the API returns them.
        s.events_after = vec![
            event(
                name,
                "DELETE_FAILED",
                stack_type,
                Some("The following resource(s) failed to delete: [AssetsBucket]. "),
            ),
            event(
                "AssetsBucket",
                "DELETE_FAILED",
                "AWS::S3::Bucket",
                Some("The bucket you tried to delete is not empty"),
            ),
            event(
                "AppSecurityGroup",
                "DELETE_COMPLETE",
                "AWS::EC2::SecurityGroup",
                None,
            ),
            event(
                name,
                "DELETE_IN_PROGRESS",
                stack_type,
                Some("User Initiated"),
            ),
        ];
    }
    let mut console = Recorder {
        interactive: true,
        ..Default::default()
    };
    let err = block_on(destroy::run(
        &fake,
        &mut console,
        &prod_env(),
        &[target()],
        destroy::DestroyOptions {
            yes: true,
            ..Default::default()
        },
    ))
    .expect_err("the deletion failed");
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "deletion of stack user-management-prod-main failed: final status DELETE_FAILED"
        ),
        "{msg}"
    );
    assert!(!msg.contains("deploy of stack"), "{msg}");
    assert!(
        msg.contains("The bucket you tried to delete is not empty"),
        "{msg}"
    );
    assert_eq!(err.exit_code(), 3);
    assert!(
        console
            .statuses
            .iter()
            .any(|l| l.starts_with("[1/3 resources, 1 failed]")),
        "{:?}",
        console.statuses
    );
    assert!(
        console.statuses.iter().all(|l| !l.contains("/?")),
        "{:?}",
        console.statuses
    );
}

/// A change set that does not say whether the database is replaced (the
/// Replacement field absent, as moto and some CloudFormation answers leave
/// it) is guarded like a replacement: refused without --allow-destructive.
#[test]
fn unknown_replacement_of_a_database_is_guarded_like_a_replacement() {
    let mut cs = change_set("rds-replacement.change-set.json");
    for c in &mut cs.changes {
        let rc = &mut c.resource_change;
        rc.replacement = None;
        for d in &mut rc.details {
            d.target.requires_recreation = None;
        }
    }
    let risks = assess(
        &changes(&cs),
        &json("rds-replacement.new-template.json"),
        Some(&json("rds-replacement.old-template.json")),
    );
    let db: Vec<_> = risks
        .iter()
        .filter(|r| r.logical_id == "Database")
        .collect();
    assert_eq!(db.len(), 1, "{risks:?}");
    assert_eq!(db[0].kind, RiskKind::Destructive);
    assert!(db[0].reason.contains("does not say"), "{}", db[0].reason);
    // Not knowing is harmless where no data is held.
    assert!(
        !risks
            .iter()
            .any(|r| r.logical_id == "AppTaskDefinition" && r.kind == RiskKind::Destructive),
        "{risks:?}"
    );
    assert!(matches!(
        decide(&risks, cs.changes.len(), flags(ApprovalMode::Never, true, false)),
        Decision::Refuse(m) if m.contains("Database")
    ));

    // When every changed property is known to update in place, the missing
    // Replacement field is no reason to refuse.
    let mut in_place = cs.clone();
    for c in &mut in_place.changes {
        for d in &mut c.resource_change.details {
            d.target.requires_recreation = Some("Never".into());
        }
    }
    let risks = assess(
        &changes(&in_place),
        &json("rds-replacement.new-template.json"),
        Some(&json("rds-replacement.old-template.json")),
    );
    assert!(
        !risks.iter().any(|r| r.kind == RiskKind::Destructive),
        "{risks:?}"
    );
}

/// Every stack's state is read before the first change set: a stack that
/// cannot be updated, later in the order, stops the deploy before the
/// first stack changes, and every problem is listed together.
#[test]
fn preflight_refuses_before_the_first_change_set_and_lists_every_problem() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    fake.0.borrow_mut().stack = Some(stack("UPDATE_ROLLBACK_FAILED"));
    // A first stack that does not exist yet, and would be created.
    let mut first = target();
    first.entry.name = "edge".into();
    first.entry.stack_name = "user-management-prod-edge".into();
    fake.0.borrow_mut().missing = vec![first.entry.stack_name.clone()];
    // An outputs file in a directory that does not exist.
    let dir = tempfile::tempdir().unwrap();
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Never, true, true),
        outputs_file: Some(dir.path().join("missing/outputs.json")),
        ..Default::default()
    };
    let err = block_on(deploy::run(
        &fake,
        &mut Recorder::default(),
        &prod_env(),
        &[first, target()],
        &opts,
    ))
    .expect_err("preflight fails");
    let msg = err.to_string();
    assert!(msg.contains("preflight found 2 problem(s)"), "{msg}");
    assert!(msg.contains("UPDATE_ROLLBACK_FAILED"), "{msg}");
    assert!(msg.contains("missing/outputs.json"), "{msg}");
    assert!(matches!(err, Error::Refused(_)), "{err:?}");
    assert!(
        fake.calls().is_empty(),
        "nothing was attempted: {:?}",
        fake.calls()
    );
}

/// A first deploy whose change set is not executed: the stack the CREATE
/// change set made (empty, REVIEW_IN_PROGRESS) goes too.
fn first_deploy_answered(answer: &str) -> (Fake, Result<(), Error>) {
    let fake = failed_update_script("rds-replacement.change-set.json");
    {
        let mut s = fake.0.borrow_mut();
        s.stack = None;
        s.stack_after = None;
        s.delete_ok = true;
    }
    let mut console = Recorder {
        interactive: true,
        answers: vec![answer.to_string()],
        ..Default::default()
    };
    let opts = DeployOptions {
        approval: flags(ApprovalMode::AnyChange, false, true),
        ..Default::default()
    };
    let result = run(&fake, &mut console, opts);
    (fake, result)
}

#[test]
fn declined_first_deploy_deletes_the_empty_stack_it_created() {
    let (fake, result) = first_deploy_answered("n");
    let err = result.expect_err("declined");
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("cancelled")),
        "{err:?}"
    );
    let calls = fake.calls();
    assert_eq!(
        calls,
        ["create_change_set", "delete_change_set", "delete_stack"],
        "{calls:?}"
    );
}

#[test]
fn ctrl_c_at_the_approval_prompt_interrupts_and_changes_nothing() {
    let (fake, result) = first_deploy_answered(CTRL_C);
    let err = result.expect_err("interrupted");
    assert!(matches!(&err, Error::Interrupted(_)), "{err:?}");
    assert_eq!(err.exit_code(), 130);
    assert!(err.to_string().contains("not executed"), "{err}");
    let calls = fake.calls();
    assert!(
        !calls.contains(&"execute_change_set".to_string()),
        "{calls:?}"
    );
    assert!(calls.contains(&"delete_stack".to_string()), "{calls:?}");
}

/// Destroy asks once per stack; Ctrl-C at the second question stops there,
/// as it does at the first.
#[test]
fn ctrl_c_at_destroys_second_confirmation_stops_without_deleting() {
    use archgen::deploy::ops::destroy;
    let fake = Fake::default();
    {
        let mut s = fake.0.borrow_mut();
        s.stack = Some(stack("UPDATE_COMPLETE"));
        s.delete_ok = true;
        // The first stack's deletion ends with the stack gone; the second
        // stack is still there.
        s.polls_after = vec![None];
        s.stack_after = Some(stack("UPDATE_COMPLETE"));
    }
    let mut second = target();
    second.entry.name = "edge".into();
    second.entry.stack_name = "user-management-prod-edge".into();
    // Destroy goes last-deployed first: `second`, then `target()`.
    let mut console = Recorder {
        interactive: true,
        answers: vec!["user-management-prod-edge".into(), CTRL_C.into()],
        ..Default::default()
    };
    let err = block_on(destroy::run(
        &fake,
        &mut console,
        &prod_env(),
        &[target(), second],
        destroy::DestroyOptions::default(),
    ))
    .expect_err("interrupted");
    assert!(matches!(&err, Error::Interrupted(_)), "{err:?}");
    assert_eq!(err.exit_code(), 130);
    assert!(
        err.to_string()
            .contains("stack user-management-prod-main was not deleted"),
        "{err}"
    );
    let deletes = fake.calls().iter().filter(|c| *c == "delete_stack").count();
    assert_eq!(deletes, 1, "{:?}", fake.calls());
}

/// A stack another operation is changing is waited for, visibly, and the
/// deploy goes ahead once it settles (it used to be refused at once).
#[test]
fn busy_stack_is_waited_for_then_deployed() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    {
        let mut s = fake.0.borrow_mut();
        s.polls_before = vec![
            Some(stack("UPDATE_IN_PROGRESS")),
            Some(stack("UPDATE_IN_PROGRESS")),
            Some(stack("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")),
        ];
        s.stack = Some(stack("UPDATE_COMPLETE"));
        s.stack_after = Some(stack("UPDATE_COMPLETE"));
        s.events_after = Vec::new();
    }
    let env = Env {
        name: "prod".into(),
        poll: Duration::from_millis(1),
        wait_timeout: Duration::from_secs(60),
    };
    let mut console = Recorder::default();
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Never, true, true),
        ..Default::default()
    };
    block_on(deploy::run(&fake, &mut console, &env, &[target()], &opts)).expect("deploys");
    let printed = console.lines.join("\n");
    assert!(
        printed.contains(
            "stack user-management-prod-main is busy (UPDATE_IN_PROGRESS): waiting for the other \
             operation to finish (up to 60 s, --wait-timeout)"
        ),
        "{printed}"
    );
    assert!(fake.calls().contains(&"execute_change_set".to_string()));
}

#[test]
fn cancel_stops_an_update_and_follows_its_rollback() {
    use archgen::deploy::ops::recover;
    use archgen::deploy::watch::ProgressMode;
    let fake = Fake::default();
    {
        let mut s = fake.0.borrow_mut();
        s.stack = Some(stack("UPDATE_IN_PROGRESS"));
        s.stack_after = Some(stack("UPDATE_ROLLBACK_COMPLETE"));
    }
    let mut console = Recorder::default();
    block_on(recover::cancel(
        &fake,
        &mut console,
        &prod_env(),
        &[target()],
        ProgressMode::Events,
    ))
    .expect("cancelled");
    assert_eq!(fake.calls(), ["cancel_update_stack"]);
    let printed = console.lines.join("\n");
    assert!(
        printed.contains("UPDATE_ROLLBACK_COMPLETE: stack user-management-prod-main"),
        "{printed}"
    );

    // A settled stack has nothing to cancel.
    let fake = Fake::default();
    fake.0.borrow_mut().stack = Some(stack("UPDATE_COMPLETE"));
    let mut console = Recorder::default();
    block_on(recover::cancel(
        &fake,
        &mut console,
        &prod_env(),
        &[target()],
        ProgressMode::Events,
    ))
    .expect("nothing to do");
    assert!(fake.calls().is_empty(), "{:?}", fake.calls());
    assert!(
        console.lines.join("\n").contains("nothing was cancelled"),
        "{:?}",
        console.lines
    );
}

#[test]
fn continue_rollback_skips_the_named_resources_and_reports_a_second_failure() {
    use archgen::deploy::ops::recover;
    use archgen::deploy::watch::ProgressMode;
    let run = |after: &str| {
        let fake = Fake::default();
        {
            let mut s = fake.0.borrow_mut();
            s.stack = Some(stack("UPDATE_ROLLBACK_FAILED"));
            s.stack_after = Some(stack(after));
        }
        let result = block_on(recover::continue_rollback(
            &fake,
            &mut Recorder::default(),
            &prod_env(),
            &[target()],
            &["Database".to_string()],
            ProgressMode::Events,
        ));
        (fake, result)
    };
    let (fake, result) = run("UPDATE_ROLLBACK_COMPLETE");
    result.expect("rolled back");
    assert_eq!(fake.calls(), ["continue_update_rollback skipping Database"]);

    let (_, result) = run("UPDATE_ROLLBACK_FAILED");
    let err = result.expect_err("failed again");
    assert!(
        err.to_string().starts_with(
            "rollback of stack user-management-prod-main failed: final status UPDATE_ROLLBACK_FAILED"
        ),
        "{err}"
    );
    assert_eq!(err.exit_code(), 3);
}

#[test]
fn no_rollback_executes_without_rollback_and_says_how_to_go_on() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    fake.0.borrow_mut().stack_after = Some(stack("UPDATE_FAILED"));
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Never, true, true),
        no_rollback: true,
        ..Default::default()
    };
    let err = run(&fake, &mut Recorder::default(), opts).expect_err("the update failed");
    assert!(
        fake.calls().contains(&"rollback disabled".to_string()),
        "{:?}",
        fake.calls()
    );
    let msg = err.to_string();
    assert!(msg.contains("final status UPDATE_FAILED"), "{msg}");
    assert!(msg.contains("left as it failed (--no-rollback)"), "{msg}");
    assert!(
        msg.contains("rollback-stack --stack-name user-management-prod-main"),
        "{msg}"
    );
}

/// A kept change set that CloudFormation marked OBSOLETE (the stack changed
/// after it was made) is refused without executing, and kept.
#[test]
fn execute_refuses_an_obsolete_kept_change_set() {
    use archgen::deploy::ops::deploy::Execution;
    let fake = failed_update_script("rds-replacement.change-set.json");
    fake.0.borrow_mut().change_set.execution_status = Some("OBSOLETE".into());
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Never, true, true),
        execution: Execution::Prepared("release-7".into()),
        ..Default::default()
    };
    let err = run(&fake, &mut Recorder::default(), opts).expect_err("stale");
    assert!(
        matches!(&err, Error::Refused(m) if m.contains("OBSOLETE") && m.contains("--no-execute")),
        "{err:?}"
    );
    let calls = fake.calls();
    assert!(
        !calls.contains(&"execute_change_set".to_string()),
        "{calls:?}"
    );
    assert!(
        !calls.contains(&"create_change_set".to_string()),
        "{calls:?}"
    );
    assert!(
        !calls.contains(&"delete_change_set".to_string()),
        "{calls:?}"
    );
}

/// Drift over recorded DescribeStackResourceDrifts data: each drifted
/// resource with its property differences, after the detection completes.
#[test]
fn drift_lists_drifted_resources_and_their_properties() {
    use archgen::deploy::model::{DriftDetection, ResourceDrift};
    use archgen::deploy::ops::drift;
    let drifts: Vec<ResourceDrift> =
        serde_json::from_value(json("drift.resource-drifts.json")["StackResourceDrifts"].clone())
            .unwrap();
    let fake = Fake::default();
    {
        let mut s = fake.0.borrow_mut();
        s.stack = Some(stack("UPDATE_COMPLETE"));
        let status = |d: &str, s: Option<&str>| DriftDetection {
            detection_status: d.into(),
            stack_drift_status: s.map(str::to_string),
            detection_status_reason: None,
        };
        s.drift_statuses = vec![
            status("DETECTION_IN_PROGRESS", None),
            status("DETECTION_COMPLETE", Some("DRIFTED")),
        ];
        s.drifts = drifts;
    }
    let mut console = Recorder::default();
    let n = block_on(drift::run(&fake, &mut console, &prod_env(), &[target()])).expect("detects");
    assert_eq!(n, 3);
    let text = console.lines.join("\n");
    for expected in [
        "user-management-prod-main (ap-northeast-1): 3 drifted resource(s)",
        "  AlbSecurityGroup (AWS::EC2::SecurityGroup) MODIFIED  [sg-0a1b2c3d4e5f67890]",
        "    /SecurityGroupIngress/1: added {\"CidrIp\":\"203.0.113.7/32\"",
        "    /BackupRetentionPeriod: 14 -> 1",
        "    /DeletionProtection: true -> false",
        "  AlarmTopic (AWS::SNS::Topic) DELETED",
        "3 drifted resource(s) in total",
    ] {
        assert!(text.contains(expected), "'{expected}' missing in\n{text}");
    }
    assert_eq!(fake.calls(), ["detect_stack_drift"]);
    assert_eq!(archgen::deploy::Error::Drifted(n).exit_code(), 4);
}

/// ExecuteChangeSet rejected before anything ran (a template error found at
/// execution): the first deploy's empty REVIEW_IN_PROGRESS stack goes too.
#[test]
fn a_rejected_first_execution_deletes_the_empty_stack() {
    let fake = failed_update_script("rds-replacement.change-set.json");
    {
        let mut s = fake.0.borrow_mut();
        s.stack = None;
        s.delete_ok = true;
        s.stack_after = None;
        s.execute_error = Some(
            "ValidationError: Template error: instance of Fn::GetAtt references undefined \
             resource AdminTopicKey"
                .into(),
        );
    }
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Never, true, true),
        ..Default::default()
    };
    let err = run(&fake, &mut Recorder::default(), opts).expect_err("rejected");
    let msg = err.to_string();
    assert!(msg.contains("AdminTopicKey"), "{msg}");
    assert!(msg.contains("stack status: REVIEW_IN_PROGRESS"), "{msg}");
    let calls = fake.calls();
    assert!(
        calls.ends_with(&["delete_change_set".to_string(), "delete_stack".to_string()]),
        "{calls:?}"
    );
}

/// `--no-execute` deploys nothing, so a stack fed by a stack that does not
/// exist yet cannot be prepared: preflight says so before any change set.
#[test]
fn no_execute_refuses_a_stack_fed_by_an_undeployed_stack_before_any_change_set() {
    use archgen::deploy::ops::deploy::Execution;
    // The main stack exists; its new edge stack does not.
    let (t, fake) = fake::new_edge_stack();
    let opts = DeployOptions {
        approval: flags(ApprovalMode::Never, true, true),
        execution: Execution::Prepare("release-7".into()),
        // The main template is over the inline limit.
        artifact_bucket: Some("artifacts-{region}".into()),
        ..Default::default()
    };
    let env = Env {
        name: "staging".into(),
        poll: Duration::from_millis(1),
        wait_timeout: Duration::ZERO,
    };
    let err = block_on(deploy::run(
        &fake,
        &mut Recorder::default(),
        &env,
        &t,
        &opts,
    ))
    .expect_err("cannot prepare");
    let msg = err.to_string();
    assert!(msg.contains("preflight found 1 problem(s)"), "{msg}");
    assert!(
        msg.contains(&format!(
            "stack {} reads outputs of stack(s) main-edge that are not deployed yet",
            t[1].entry.stack_name
        )),
        "{msg}"
    );
    assert!(fake.calls().is_empty(), "{:?}", fake.calls());
}

/// The data stack of the multi-stack example, synthesized for staging; with
/// `without_cache`, after the application stopped connecting to the cache.
fn data_template(without_cache: bool) -> Value {
    let src =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/eyewear-retail-stacks");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    for file in ["network.yaml", "data.yaml", "app.yaml"] {
        let mut text = std::fs::read_to_string(src.join("stacks").join(file)).unwrap();
        if without_cache && file == "app.yaml" {
            text = text
                .replace("data.db, data.cache, data.uploads", "data.db, data.uploads")
                .replace(", REDIS_AUTH_TOKEN: data.cache", "");
        }
        std::fs::write(dir.path().join("stacks").join(file), text).unwrap();
    }
    let project = archgen::spec::Project::load(dir.path()).unwrap();
    let s = archgen::pipeline::synthesize(&project, "staging").unwrap();
    serde_json::to_value(s.template("data").unwrap()).unwrap()
}

#[test]
fn an_update_that_removes_an_imported_export_is_refused_naming_the_importer() {
    use archgen::deploy::exports::{ExportChange, export_changes, guard};
    let deployed = data_template(false);
    let new = data_template(true);
    // Exactly the cache's exports go: nothing else of the data stack changes.
    let removed: Vec<String> = export_changes(&deployed, &new)
        .iter()
        .map(|c| match c {
            ExportChange::Removed { output, .. } => output.clone(),
            ExportChange::Changed { output, .. } => format!("changed {output}"),
        })
        .collect();
    assert_eq!(
        removed,
        [
            "CacheAuthSecretArn",
            "CacheHost",
            "CachePort",
            "CacheSecretKeyArn",
            "CacheSecurityGroupId"
        ]
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fake = Fake::default();
    fake.0.borrow_mut().imports = vec![
        (
            "eyewear-retail-staging-data-CacheHost".into(),
            "eyewear-retail-staging-app".into(),
        ),
        (
            "eyewear-retail-staging-data-DbHost".into(),
            "eyewear-retail-staging-app".into(),
        ),
    ];
    let err = rt
        .block_on(guard(
            &fake,
            "eyewear-retail-staging-data",
            "staging",
            "eyewear-retail-staging-",
            &deployed,
            &new,
        ))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("removes export eyewear-retail-staging-data-CacheHost (output CacheHost), which eyewear-retail-staging-app import(s)"),
        "{err}"
    );
    assert!(
        err.contains("archgen deploy --env staging --stack app"),
        "{err}"
    );
    // Exports nobody imports may go; the DbHost export stays, so its
    // importer is not asked about.
    assert!(!err.contains("CachePort"), "{err}");
    assert!(
        !fake.calls().iter().any(|c| c.contains("DbHost")),
        "{:?}",
        fake.calls()
    );

    fake.0.borrow_mut().imports.clear();
    rt.block_on(guard(
        &fake,
        "eyewear-retail-staging-data",
        "staging",
        "eyewear-retail-staging-",
        &deployed,
        &new,
    ))
    .expect("no importer: the update may go");
}
