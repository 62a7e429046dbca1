//! A scripted CloudFormation for driving the deploy engine without AWS:
//! it answers from recorded API data and records the calls made.

use archgen::deploy::Error;
use archgen::deploy::cfn::{ArtifactStore, AwsResult, Caller, Cloud, CloudFormation};
use archgen::deploy::console::Console;
use archgen::deploy::events::EventRange;
use archgen::deploy::model::{
    ChangeSetInfo, ChangeSetRequest, DriftDetection, ResourceDrift, StackEvent, StackInfo,
    StackResource, TemplateSource,
};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Default)]
pub struct Script {
    /// The role of each change set created, in order.
    pub change_set_roles: Vec<Option<String>>,
    pub stack: Option<StackInfo>,
    /// The stack as it is after ExecuteChangeSet.
    pub stack_after: Option<StackInfo>,
    pub change_set: ChangeSetInfo,
    pub deployed_template: String,
    /// Newest first, before and after execution.
    pub events_before: Vec<StackEvent>,
    pub events_after: Vec<StackEvent>,
    pub executed: bool,
    pub calls: Vec<String>,
    /// Stacks that do not exist, whatever `stack` says.
    pub missing: Vec<String>,
    /// Drift detection: the statuses reported one per poll (the last one
    /// repeats), and the drifted resources.
    pub drift_statuses: Vec<DriftDetection>,
    pub drifts: Vec<ResourceDrift>,
    /// ExecuteChangeSet fails with this message (nothing runs).
    pub execute_error: Option<String>,
    /// What ListStackResources returns.
    pub resources: Vec<StackResource>,
    /// ListImports: (export name, importing stack).
    pub imports: Vec<(String, String)>,
    /// DeleteStack succeeds (and counts as the operation that ran).
    pub delete_ok: bool,
    /// Answers to DescribeStacks before the operation, one per call, before
    /// `stack` (another operation finishing, say).
    pub polls_before: Vec<Option<StackInfo>>,
    /// Answers to DescribeStacks after the operation started, one per call,
    /// before `stack_after` (e.g. an `_IN_PROGRESS` state first).
    pub polls_after: Vec<Option<StackInfo>>,
}

#[derive(Clone, Default)]
pub struct Fake(pub Rc<RefCell<Script>>);

impl Fake {
    pub fn calls(&self) -> Vec<String> {
        self.0.borrow().calls.clone()
    }
    fn log(&self, call: &str) {
        self.0.borrow_mut().calls.push(call.to_string());
    }
}

impl CloudFormation for Fake {
    async fn describe_stack(&self, name: &str) -> AwsResult<Option<StackInfo>> {
        let s = self.0.borrow();
        if s.missing.iter().any(|m| m == name) {
            return Ok(None);
        }
        if !s.executed && s.polls_before.is_empty() {
            return Ok(s.stack.clone());
        }
        drop(s);
        let mut s = self.0.borrow_mut();
        if !s.executed {
            return Ok(s.polls_before.remove(0));
        }
        if s.polls_after.is_empty() {
            Ok(s.stack_after.clone())
        } else {
            Ok(s.polls_after.remove(0))
        }
    }
    async fn validate_template(&self, _: &TemplateSource) -> AwsResult<Vec<String>> {
        Ok(Vec::new())
    }
    async fn create_change_set(&self, request: &ChangeSetRequest) -> AwsResult<String> {
        self.log("create_change_set");
        // As CloudFormation does: a CREATE change set makes an empty stack.
        let mut s = self.0.borrow_mut();
        s.change_set_roles.push(request.role_arn.clone());
        if request.create && s.stack.is_none() {
            s.stack = Some(StackInfo {
                stack_name: request.stack_name.clone(),
                stack_status: "REVIEW_IN_PROGRESS".into(),
                ..Default::default()
            });
        }
        drop(s);
        Ok(self.0.borrow().change_set.change_set_id.clone())
    }
    async fn describe_change_set(&self, _: &str, _: &str) -> AwsResult<ChangeSetInfo> {
        Ok(self.0.borrow().change_set.clone())
    }
    async fn delete_change_set(&self, _: &str, _: &str) -> AwsResult<()> {
        self.log("delete_change_set");
        Ok(())
    }
    async fn cancel_update_stack(&self, _: &str) -> AwsResult<()> {
        self.log("cancel_update_stack");
        self.0.borrow_mut().executed = true;
        Ok(())
    }
    async fn continue_update_rollback(&self, _: &str, skip: &[String]) -> AwsResult<()> {
        self.log(&format!(
            "continue_update_rollback skipping {}",
            skip.join(",")
        ));
        self.0.borrow_mut().executed = true;
        Ok(())
    }
    async fn execute_change_set(&self, _: &str, _: &str, disable_rollback: bool) -> AwsResult<()> {
        self.log("execute_change_set");
        if disable_rollback {
            self.log("rollback disabled");
        }
        if let Some(message) = self.0.borrow().execute_error.clone() {
            return Err(Error::aws(message));
        }
        self.0.borrow_mut().executed = true;
        Ok(())
    }
    async fn stack_events(&self, _: &str, _: EventRange<'_>) -> AwsResult<Vec<StackEvent>> {
        let s = self.0.borrow();
        let mut all = if s.executed {
            s.events_after.clone()
        } else {
            Vec::new()
        };
        all.extend(s.events_before.clone());
        Ok(all)
    }
    async fn get_template(&self, _: &str) -> AwsResult<String> {
        Ok(self.0.borrow().deployed_template.clone())
    }
    async fn list_imports(&self, export_name: &str) -> AwsResult<Vec<String>> {
        self.log(&format!("list_imports {export_name}"));
        Ok(self
            .0
            .borrow()
            .imports
            .iter()
            .filter(|(e, _)| e == export_name)
            .map(|(_, s)| s.clone())
            .collect())
    }
    async fn list_stack_resources(&self, _: &str) -> AwsResult<Vec<StackResource>> {
        Ok(self.0.borrow().resources.clone())
    }
    async fn delete_stack(&self, _: &str) -> AwsResult<()> {
        self.log("delete_stack");
        let mut s = self.0.borrow_mut();
        if s.delete_ok {
            s.executed = true;
            Ok(())
        } else {
            Err(Error::aws("not scripted"))
        }
    }
    async fn detect_drift(&self, _: &str) -> AwsResult<String> {
        self.log("detect_stack_drift");
        Ok("detection-1".into())
    }
    async fn drift_detection(&self, _: &str) -> AwsResult<DriftDetection> {
        let mut s = self.0.borrow_mut();
        Ok(if s.drift_statuses.len() > 1 {
            s.drift_statuses.remove(0)
        } else {
            s.drift_statuses.first().cloned().unwrap_or_default()
        })
    }
    async fn resource_drifts(&self, _: &str) -> AwsResult<Vec<ResourceDrift>> {
        Ok(self.0.borrow().drifts.clone())
    }
    async fn set_termination_protection(&self, _: &str, _: bool) -> AwsResult<()> {
        self.log("set_termination_protection");
        Ok(())
    }
}

impl ArtifactStore for Fake {
    async fn put_object(&self, _: &str, _: &str, _: Vec<u8>) -> AwsResult<()> {
        self.log("put_object");
        Ok(())
    }
    async fn check_bucket(&self, _: &str) -> AwsResult<()> {
        Ok(())
    }
}

impl Cloud for Fake {
    type Cfn = Fake;
    type Store = Fake;
    fn cloudformation(&self, _: &str) -> Fake {
        self.clone()
    }
    fn artifacts(&self, _: &str) -> Fake {
        self.clone()
    }
    async fn caller(&self, _: &str) -> AwsResult<Caller> {
        self.log("get_caller_identity");
        Ok(Caller {
            account: "123456789012".into(),
            arn: "arn:aws:iam::123456789012:user/ci".into(),
        })
    }
}

/// An answer that stands for Ctrl-C at the prompt.
pub const CTRL_C: &str = "\u{3}";

/// Records what a command prints; answers questions from a list.
#[derive(Default)]
pub struct Recorder {
    pub lines: Vec<String>,
    /// Every live status line shown.
    pub statuses: Vec<String>,
    pub answers: Vec<String>,
    pub interactive: bool,
    pub interrupted: bool,
}

impl Console for Recorder {
    fn line(&mut self, text: &str) {
        self.lines.push(text.to_string());
    }
    fn status(&mut self, text: &str) {
        self.statuses.push(text.to_string());
    }
    fn clear_status(&mut self) {}
    fn ask(&mut self, question: &str) -> Option<String> {
        self.lines.push(question.to_string());
        let answer = (!self.answers.is_empty()).then(|| self.answers.remove(0));
        self.interrupted = answer.as_deref() == Some(CTRL_C);
        answer.filter(|_| !self.interrupted)
    }
    fn interactive(&self) -> bool {
        self.interactive
    }
    fn interrupted(&self) -> bool {
        self.interrupted
    }
}

/// multi-env-platform in staging as deploy and diff see it when its main
/// stack is deployed and its new us-east-1 edge stack is not: the targets
/// (edge first) and a CloudFormation that answers so.
pub fn new_edge_stack() -> (Vec<archgen::deploy::ops::Target>, Fake) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-env-platform");
    let project = archgen::spec::Project::load(&dir).expect("loads");
    let synthesis = archgen::pipeline::synthesize(&project, "staging").expect("synthesizes");
    let targets = archgen::deploy::ops::targets(&synthesis, None).expect("targets");
    let fake = Fake::default();
    {
        let mut s = fake.0.borrow_mut();
        s.stack = Some(StackInfo {
            stack_name: targets[1].entry.stack_name.clone(),
            stack_status: "UPDATE_COMPLETE".into(),
            ..Default::default()
        });
        s.missing = vec![targets[0].entry.stack_name.clone()];
    }
    (targets, fake)
}

/// A recorded CloudFormation answer under `tests/fixtures/cfn/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/cfn/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// user-management's prod main stack with the recorded template that
/// replaces its database (`rds-replacement.new-template.json`).
pub fn rds_replacement_target() -> archgen::deploy::ops::Target {
    let template: serde_json::Value =
        serde_json::from_str(&fixture("rds-replacement.new-template.json")).unwrap();
    archgen::deploy::ops::Target {
        entry: archgen::manifest::StackEntry {
            name: "main".into(),
            stack_name: "user-management-prod-main".into(),
            region: "ap-northeast-1".into(),
            template_file: "main.template.json".into(),
            depends_on: vec![],
            parameters: Default::default(),
            termination_protection: false,
            account: None,
            tags: Default::default(),
        },
        region: "ap-northeast-1".into(),
        body: template.to_string(),
        template,
    }
}
