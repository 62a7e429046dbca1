//! The narrow slice of CloudFormation (and S3) that deploy uses. The
//! commands talk only to these traits, so their logic runs against fakes in
//! tests and against the AWS SDK (see [`super::sdk`]) for real.

// The traits are used through generics inside this crate on one runtime, so
// the futures need no `Send` bound (which is what the lint warns about).
#![allow(async_fn_in_trait)]

use super::model::{
    ChangeSetInfo, ChangeSetRequest, DriftDetection, ResourceDrift, StackEvent, StackInfo,
    StackResource, TemplateSource,
};

/// AWS calls fail with the crate's one error type, whose
/// [`Error::Aws`](super::error::Error::Aws) variant says which class of
/// failure it was.
pub type AwsResult<T> = Result<T, super::error::Error>;

pub trait CloudFormation {
    /// None when the stack does not exist (or is DELETE_COMPLETE).
    async fn describe_stack(&self, stack: &str) -> AwsResult<Option<StackInfo>>;
    /// Returns the capabilities CloudFormation says the template needs.
    async fn validate_template(&self, template: &TemplateSource) -> AwsResult<Vec<String>>;
    /// Returns the change set id.
    async fn create_change_set(&self, request: &ChangeSetRequest) -> AwsResult<String>;
    /// With every page of changes.
    async fn describe_change_set(&self, stack: &str, change_set: &str) -> AwsResult<ChangeSetInfo>;
    async fn delete_change_set(&self, stack: &str, change_set: &str) -> AwsResult<()>;
    /// `disable_rollback`: leave a failed operation as it failed
    /// (`--no-rollback`), for debugging.
    async fn execute_change_set(
        &self,
        stack: &str,
        change_set: &str,
        disable_rollback: bool,
    ) -> AwsResult<()>;
    /// Stops an update in progress; CloudFormation rolls it back.
    async fn cancel_update_stack(&self, stack: &str) -> AwsResult<()>;
    /// Resumes a rollback that failed (UPDATE_ROLLBACK_FAILED), skipping
    /// the resources named (their logical ids).
    async fn continue_update_rollback(&self, stack: &str, skip: &[String]) -> AwsResult<()>;
    /// Newest first, as the API returns them; as many pages as `range`
    /// needs (see [`super::events::read_pages`]).
    async fn stack_events(
        &self,
        stack: &str,
        range: super::events::EventRange<'_>,
    ) -> AwsResult<Vec<StackEvent>>;
    /// The deployed template body (JSON or YAML text).
    async fn get_template(&self, stack: &str) -> AwsResult<String>;
    /// The names of the stacks that import export `export_name` (ListImports);
    /// empty when none does, or when the export does not exist.
    async fn list_imports(&self, export_name: &str) -> AwsResult<Vec<String>>;
    async fn list_stack_resources(&self, stack: &str) -> AwsResult<Vec<StackResource>>;
    async fn delete_stack(&self, stack: &str) -> AwsResult<()>;
    /// Starts drift detection; returns its id.
    async fn detect_drift(&self, stack: &str) -> AwsResult<String>;
    async fn drift_detection(&self, detection_id: &str) -> AwsResult<DriftDetection>;
    /// The resources found MODIFIED or DELETED by the last detection.
    async fn resource_drifts(&self, stack: &str) -> AwsResult<Vec<ResourceDrift>>;
    async fn set_termination_protection(&self, stack: &str, enabled: bool) -> AwsResult<()>;
}

/// The identity behind the credentials in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    pub arn: String,
}

/// Where templates too big to send inline are uploaded.
pub trait ArtifactStore {
    async fn put_object(&self, bucket: &str, key: &str, body: Vec<u8>) -> AwsResult<()>;
    /// Succeeds when the bucket exists and the caller may use it.
    async fn check_bucket(&self, bucket: &str) -> AwsResult<()>;
}

/// Hands out clients per region, since the stacks of one environment may
/// live in several regions (an edge stack in us-east-1, say).
pub trait Cloud {
    type Cfn: CloudFormation;
    type Store: ArtifactStore;
    fn cloudformation(&self, region: &str) -> Self::Cfn;
    fn artifacts(&self, region: &str) -> Self::Store;
    /// Who the credentials belong to (STS GetCallerIdentity).
    async fn caller(&self, region: &str) -> AwsResult<Caller>;
}
