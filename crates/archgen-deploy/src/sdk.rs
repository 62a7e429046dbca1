//! The AWS SDK behind the [`super::cfn`] traits: converts SDK types into the
//! plain model and SDK errors into one [`AwsFailure`] per failure class.

use aws_config::SdkConfig;
use aws_sdk_cloudformation as cfn;
use aws_sdk_cloudformation::config::Region;
use aws_sdk_cloudformation::config::retry::RetryConfig;
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::primitives::{DateTime, DateTimeFormat};
use aws_sdk_cloudformation::types as t;

use super::aws::Timeouts;
use super::cfn::{ArtifactStore, AwsResult, Caller, Cloud, CloudFormation};
use super::error::{AwsClass, AwsFailure, Error};
use super::events::{self, EventRange};
use super::model::{
    Change, ChangeDetail, ChangeSetInfo, ChangeSetRequest, ChangeTarget, DriftDetection,
    PropertyDifference, ResourceChange, ResourceDrift, StackEvent, StackInfo, StackOutput,
    StackResource, TemplateSource,
};

/// Stack events are read a page (100) at a time; this bounds one read.
const MAX_EVENT_PAGES: usize = 5;

/// Clients built from one loaded configuration (credentials, profile,
/// endpoint), each pinned to the region of the stack it serves.
#[derive(Debug, Clone)]
pub struct SdkCloud {
    config: SdkConfig,
    timeouts: Timeouts,
}

impl SdkCloud {
    /// `config` comes from [`super::aws::load`], which set its timeouts and
    /// retries; `timeouts` are the same values, for error messages.
    pub fn new(config: SdkConfig, timeouts: Timeouts) -> Self {
        SdkCloud { config, timeouts }
    }

    /// The endpoint a client of `service` talks to in `region`, as error
    /// messages should name it.
    fn endpoint(&self, service: &str, region: &str) -> String {
        match self.config.endpoint_url() {
            Some(url) => url.to_string(),
            None => format!("https://{service}.{region}.amazonaws.com"),
        }
    }

    fn calls(&self, service: &str, region: &str) -> Calls {
        Calls {
            endpoint: self.endpoint(service, region),
            timeouts: self.timeouts,
        }
    }

    /// A custom endpoint (`AWS_ENDPOINT_URL`) means a local emulator such as
    /// moto, which answers some failures with HTTP 500: a retried call could
    /// report success over a half-done operation, so retries are off there.
    fn local_endpoint(&self) -> bool {
        self.config.endpoint_url().is_some()
    }
}

impl Cloud for SdkCloud {
    type Cfn = SdkCfn;
    type Store = SdkS3;

    async fn caller(&self, region: &str) -> AwsResult<Caller> {
        let mut b = aws_sdk_sts::config::Builder::from(&self.config)
            .region(aws_sdk_sts::config::Region::new(region.to_string()));
        if self.local_endpoint() {
            b = b.retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled());
        }
        let calls = self.calls("sts", region);
        let out = aws_sdk_sts::Client::from_conf(b.build())
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| calls.error(e))?;
        Ok(Caller {
            account: out.account().unwrap_or_default().to_string(),
            arn: out.arn().unwrap_or_default().to_string(),
        })
    }

    fn cloudformation(&self, region: &str) -> SdkCfn {
        let mut b =
            cfn::config::Builder::from(&self.config).region(Region::new(region.to_string()));
        if self.local_endpoint() {
            b = b.retry_config(RetryConfig::disabled());
        }
        SdkCfn {
            client: cfn::Client::from_conf(b.build()),
            calls: self.calls("cloudformation", region),
        }
    }

    fn artifacts(&self, region: &str) -> SdkS3 {
        let mut b = aws_sdk_s3::config::Builder::from(&self.config)
            .region(aws_sdk_s3::config::Region::new(region.to_string()));
        if self.local_endpoint() {
            // An emulator on 127.0.0.1 has no per-bucket host names.
            b = b
                .force_path_style(true)
                .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled());
        }
        SdkS3 {
            client: aws_sdk_s3::Client::from_conf(b.build()),
            calls: self.calls("s3", region),
        }
    }
}

pub struct SdkCfn {
    client: cfn::Client,
    calls: Calls,
}

pub struct SdkS3 {
    client: aws_sdk_s3::Client,
    calls: Calls,
}

/// What a client's error messages need to know about where it calls.
#[derive(Debug, Clone)]
struct Calls {
    endpoint: String,
    timeouts: Timeouts,
}

impl Calls {
    /// Sorts an SDK error into its class, keeping the SDK's own account
    /// (pages of nested sources) as the detail shown with `-v`.
    fn error<E>(&self, e: SdkError<E>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let detail = format!("{}", DisplayErrorContext(&e));
        let code = e.code().map(str::to_string);
        let message = e.message().unwrap_or_default().to_string();
        let status = e.raw_response().map(|r| r.status().as_u16());
        let endpoint = self.endpoint.clone();
        let class = match &e {
            SdkError::TimeoutError(_) => AwsClass::TimedOut { endpoint },
            SdkError::DispatchFailure(d) if d.is_timeout() => AwsClass::TimedOut { endpoint },
            SdkError::DispatchFailure(_) if detail.contains("credentials") => {
                AwsClass::NoCredentials
            }
            SdkError::DispatchFailure(_) => AwsClass::CannotConnect { endpoint },
            _ => classify(code.as_deref(), status),
        };
        let message = match &class {
            AwsClass::TimedOut { .. } => self.timeouts.describe(),
            AwsClass::CannotConnect { .. } => connect_cause(&detail).to_string(),
            AwsClass::NoCredentials => {
                "no AWS credentials found. Set AWS_PROFILE or pass --profile NAME, or export \
                 AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                    .to_string()
            }
            // A body that is not an AWS error (an HTML page, a stack trace)
            // says nothing useful on one line.
            AwsClass::ServerError { .. } if code.is_none() => String::new(),
            _ if code.is_none() && message.is_empty() => detail.clone(),
            _ => message,
        };
        AwsFailure {
            class,
            code,
            message,
            detail,
        }
        .into()
    }
}

/// Why a connection failed, in a few words, from the SDK's account.
fn connect_cause(detail: &str) -> &'static str {
    let d = detail.to_ascii_lowercase();
    if d.contains("connection refused") {
        "connection refused"
    } else if d.contains("dns") || d.contains("failed to lookup") {
        "host name not found"
    } else if d.contains("tls") || d.contains("certificate") {
        "TLS handshake failed"
    } else {
        "network error"
    }
}

/// The class of an error the service answered with.
fn classify(code: Option<&str>, status: Option<u16>) -> AwsClass {
    match code {
        Some(
            "Throttling"
            | "ThrottlingException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "SlowDown",
        ) => AwsClass::Throttled,
        Some(
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "AuthorizationError",
        ) => AwsClass::AccessDenied,
        None if status.is_some_and(|s| s >= 500) => AwsClass::ServerError {
            status: status.unwrap_or(500),
        },
        _ if status == Some(403) && code.is_none() => AwsClass::AccessDenied,
        _ => AwsClass::Service,
    }
}

fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
}

fn stack_info(s: &t::Stack) -> StackInfo {
    StackInfo {
        stack_id: s.stack_id().unwrap_or_default().to_string(),
        stack_name: s.stack_name().unwrap_or_default().to_string(),
        stack_status: s
            .stack_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        stack_status_reason: s.stack_status_reason().map(str::to_string),
        creation_time: time(s.creation_time()),
        last_updated_time: time(s.last_updated_time()),
        outputs: s
            .outputs()
            .iter()
            .map(|o| StackOutput {
                output_key: o.output_key().unwrap_or_default().to_string(),
                output_value: o.output_value().unwrap_or_default().to_string(),
                description: o.description().map(str::to_string),
            })
            .collect(),
        enable_termination_protection: s.enable_termination_protection().unwrap_or(false),
    }
}

fn resource_change(c: &t::ResourceChange) -> ResourceChange {
    ResourceChange {
        action: c
            .action()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default(),
        logical_resource_id: c.logical_resource_id().unwrap_or_default().to_string(),
        physical_resource_id: c.physical_resource_id().map(str::to_string),
        resource_type: c.resource_type().unwrap_or_default().to_string(),
        replacement: c.replacement().map(|r| r.as_str().to_string()),
        details: c
            .details()
            .iter()
            .map(|d| ChangeDetail {
                target: d
                    .target()
                    .map(|t| ChangeTarget {
                        attribute: t
                            .attribute()
                            .map(|a| a.as_str().to_string())
                            .unwrap_or_default(),
                        name: t.name().map(str::to_string),
                        requires_recreation: t
                            .requires_recreation()
                            .map(|r| r.as_str().to_string()),
                    })
                    .unwrap_or_default(),
                change_source: d.change_source().map(|s| s.as_str().to_string()),
                causing_entity: d.causing_entity().map(str::to_string),
            })
            .collect(),
    }
}

fn is_missing_stack(e: &Error) -> bool {
    e.aws_failure().is_some_and(|f| {
        f.code.as_deref() == Some("ValidationError") && f.message.contains("does not exist")
    })
}

impl CloudFormation for SdkCfn {
    async fn describe_stack(&self, stack: &str) -> AwsResult<Option<StackInfo>> {
        match self.client.describe_stacks().stack_name(stack).send().await {
            Ok(out) => Ok(out
                .stacks()
                .first()
                .map(stack_info)
                .filter(|s| s.stack_status != "DELETE_COMPLETE")),
            Err(e) => {
                let e = self.calls.error(e);
                if is_missing_stack(&e) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn validate_template(&self, template: &TemplateSource) -> AwsResult<Vec<String>> {
        let req = self.client.validate_template();
        let req = match template {
            TemplateSource::Body(b) => req.template_body(b),
            TemplateSource::Url(u) => req.template_url(u),
        };
        let out = req.send().await.map_err(|e| self.calls.error(e))?;
        Ok(out
            .capabilities()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect())
    }

    async fn create_change_set(&self, r: &ChangeSetRequest) -> AwsResult<String> {
        let mut req = self
            .client
            .create_change_set()
            .stack_name(&r.stack_name)
            .change_set_name(&r.change_set_name)
            .change_set_type(if r.create {
                t::ChangeSetType::Create
            } else {
                t::ChangeSetType::Update
            })
            .description(&r.description);
        req = match &r.template {
            TemplateSource::Body(b) => req.template_body(b),
            TemplateSource::Url(u) => req.template_url(u),
        };
        for (k, v) in &r.parameters {
            req = req.parameters(
                t::Parameter::builder()
                    .parameter_key(k)
                    .parameter_value(v)
                    .build(),
            );
        }
        for c in &r.capabilities {
            req = req.capabilities(t::Capability::from(c.as_str()));
        }
        for (k, v) in &r.tags {
            req = req.tags(t::Tag::builder().key(k).value(v).build());
        }
        if let Some(role) = &r.role_arn {
            req = req.role_arn(role);
        }
        let out = req.send().await.map_err(|e| self.calls.error(e))?;
        Ok(out.id().unwrap_or(&r.change_set_name).to_string())
    }

    async fn describe_change_set(&self, stack: &str, change_set: &str) -> AwsResult<ChangeSetInfo> {
        let mut info = ChangeSetInfo::default();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .describe_change_set()
                .stack_name(stack)
                .change_set_name(change_set)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.calls.error(e))?;
            info.change_set_id = out.change_set_id().unwrap_or_default().to_string();
            info.status = out
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            info.status_reason = out.status_reason().map(str::to_string);
            info.execution_status = out.execution_status().map(|s| s.as_str().to_string());
            info.description = out.description().map(str::to_string);
            info.changes.extend(out.changes().iter().filter_map(|c| {
                c.resource_change().map(|rc| Change {
                    resource_change: resource_change(rc),
                })
            }));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(info),
            }
        }
    }

    async fn delete_change_set(&self, stack: &str, change_set: &str) -> AwsResult<()> {
        self.client
            .delete_change_set()
            .stack_name(stack)
            .change_set_name(change_set)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.calls.error(e))
    }

    async fn cancel_update_stack(&self, stack: &str) -> AwsResult<()> {
        self.client
            .cancel_update_stack()
            .stack_name(stack)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.calls.error(e))
    }

    async fn continue_update_rollback(&self, stack: &str, skip: &[String]) -> AwsResult<()> {
        self.client
            .continue_update_rollback()
            .stack_name(stack)
            .set_resources_to_skip((!skip.is_empty()).then(|| skip.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.calls.error(e))
    }

    async fn execute_change_set(
        &self,
        stack: &str,
        change_set: &str,
        disable_rollback: bool,
    ) -> AwsResult<()> {
        // Never retried: a retry after a lost response can execute twice or
        // report success for an execution that failed.
        self.client
            .execute_change_set()
            .stack_name(stack)
            .change_set_name(change_set)
            .set_disable_rollback(disable_rollback.then_some(true))
            .customize()
            .config_override(cfn::config::Builder::default().retry_config(RetryConfig::disabled()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.calls.error(e))
    }

    async fn stack_events(&self, stack: &str, range: EventRange<'_>) -> AwsResult<Vec<StackEvent>> {
        let page = |token: Option<String>| async move {
            let out = self
                .client
                .describe_stack_events()
                .stack_name(stack)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| self.calls.error(e))?;
            let events = out
                .stack_events()
                .iter()
                .map(|e| StackEvent {
                    event_id: e.event_id().unwrap_or_default().to_string(),
                    stack_name: e.stack_name().unwrap_or_default().to_string(),
                    logical_resource_id: e.logical_resource_id().unwrap_or_default().to_string(),
                    physical_resource_id: e.physical_resource_id().map(str::to_string),
                    resource_type: e.resource_type().unwrap_or_default().to_string(),
                    timestamp: time(e.timestamp()).unwrap_or_default(),
                    resource_status: e
                        .resource_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    resource_status_reason: e.resource_status_reason().map(str::to_string),
                })
                .collect();
            Ok((events, out.next_token().map(str::to_string)))
        };
        events::read_pages(page, range, MAX_EVENT_PAGES).await
    }

    async fn get_template(&self, stack: &str) -> AwsResult<String> {
        let out = self
            .client
            .get_template()
            .stack_name(stack)
            .template_stage(t::TemplateStage::Original)
            .send()
            .await
            .map_err(|e| self.calls.error(e))?;
        Ok(out.template_body().unwrap_or_default().to_string())
    }

    async fn list_imports(&self, export_name: &str) -> AwsResult<Vec<String>> {
        let mut stacks = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = match self
                .client
                .list_imports()
                .export_name(export_name)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(out) => out,
                Err(e) => {
                    // CloudFormation answers "is not imported by any stack" (or
                    // "does not exist") with a ValidationError.
                    let e = self.calls.error(e);
                    let nobody = e.aws_failure().is_some_and(|f| {
                        f.code.as_deref() == Some("ValidationError")
                            && (f.message.contains("not imported")
                                || f.message.contains("does not exist"))
                    });
                    return if nobody { Ok(stacks) } else { Err(e) };
                }
            };
            stacks.extend(out.imports().iter().cloned());
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(stacks),
            }
        }
    }

    async fn list_stack_resources(&self, stack: &str) -> AwsResult<Vec<StackResource>> {
        let mut resources = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_stack_resources()
                .stack_name(stack)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.calls.error(e))?;
            resources.extend(out.stack_resource_summaries().iter().map(|r| {
                StackResource {
                    logical_resource_id: r.logical_resource_id().unwrap_or_default().to_string(),
                    physical_resource_id: r.physical_resource_id().map(str::to_string),
                    resource_type: r.resource_type().unwrap_or_default().to_string(),
                    resource_status: r
                        .resource_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                }
            }));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(resources),
            }
        }
    }

    async fn delete_stack(&self, stack: &str) -> AwsResult<()> {
        self.client
            .delete_stack()
            .stack_name(stack)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.calls.error(e))
    }

    async fn detect_drift(&self, stack: &str) -> AwsResult<String> {
        let out = self
            .client
            .detect_stack_drift()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| self.calls.error(e))?;
        Ok(out
            .stack_drift_detection_id()
            .unwrap_or_default()
            .to_string())
    }

    async fn drift_detection(&self, detection_id: &str) -> AwsResult<DriftDetection> {
        let out = self
            .client
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(detection_id)
            .send()
            .await
            .map_err(|e| self.calls.error(e))?;
        Ok(DriftDetection {
            detection_status: out
                .detection_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            stack_drift_status: out.stack_drift_status().map(|s| s.as_str().to_string()),
            detection_status_reason: out.detection_status_reason().map(str::to_string),
        })
    }

    async fn resource_drifts(&self, stack: &str) -> AwsResult<Vec<ResourceDrift>> {
        let mut drifts = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .describe_stack_resource_drifts()
                .stack_name(stack)
                .stack_resource_drift_status_filters(t::StackResourceDriftStatus::Modified)
                .stack_resource_drift_status_filters(t::StackResourceDriftStatus::Deleted)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.calls.error(e))?;
            drifts.extend(out.stack_resource_drifts().iter().map(|d| {
                ResourceDrift {
                    logical_resource_id: d.logical_resource_id().unwrap_or_default().to_string(),
                    physical_resource_id: d.physical_resource_id().map(str::to_string),
                    resource_type: d.resource_type().unwrap_or_default().to_string(),
                    stack_resource_drift_status: d
                        .stack_resource_drift_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    property_differences: d
                        .property_differences()
                        .iter()
                        .map(|p| PropertyDifference {
                            property_path: p.property_path().unwrap_or_default().to_string(),
                            expected_value: p.expected_value().unwrap_or_default().to_string(),
                            actual_value: p.actual_value().unwrap_or_default().to_string(),
                            difference_type: p
                                .difference_type()
                                .map(|d| d.as_str().to_string())
                                .unwrap_or_default(),
                        })
                        .collect(),
                }
            }));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(drifts),
            }
        }
    }

    async fn set_termination_protection(&self, stack: &str, enabled: bool) -> AwsResult<()> {
        self.client
            .update_termination_protection()
            .stack_name(stack)
            .enable_termination_protection(enabled)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.calls.error(e))
    }
}

impl ArtifactStore for SdkS3 {
    async fn check_bucket(&self, bucket: &str) -> AwsResult<()> {
        self.client
            .head_bucket()
            .bucket(bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.calls.error(e))
    }

    async fn put_object(&self, bucket: &str, key: &str, body: Vec<u8>) -> AwsResult<()> {
        self.client
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .body(body.into())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| self.calls.error(e))
    }
}
