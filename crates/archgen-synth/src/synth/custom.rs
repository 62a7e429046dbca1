//! Custom resources backed by a small inline Python function, for the few
//! things CloudFormation cannot express (revoking the default security
//! group's rules, looking up a managed prefix list). Each gets its own log
//! group and a role limited to what its code calls.

use crate::template::iam::{PolicyDocument, Role, Statement, role};
use crate::template::lambda::Function;
use crate::template::lambda::function::{Code, LoggingConfig};
use crate::template::logs::LogGroup;
use crate::template::{Custom, Expr, Policy, Tag, Template};

/// The handler's timeout when it only makes a few quick API calls.
pub const QUICK_TIMEOUT_SECONDS: i64 = 60;

pub struct InlineResource<'a> {
    /// Logical id of the custom resource; its parts are `<id>Logs`,
    /// `<id>Role` and `<id>Function`.
    pub id: &'a str,
    pub type_name: &'a str,
    pub function_description: &'a str,
    pub role_description: &'a str,
    pub policy_name: &'a str,
    /// Python 3 source using `cfnresponse` (available to inline code).
    pub code: &'a str,
    /// The one AWS API the code calls (`EC2`), for reviewers.
    pub api: &'a str,
    /// The handler's timeout; CloudFormation waits twice as long for its
    /// answer (`ServiceTimeout`).
    pub timeout_seconds: i64,
    /// What the code calls, besides writing its own logs.
    pub statements: Vec<Statement>,
    /// Action → why it is granted on `*`, for reviewers.
    pub wildcard_reasons: &'a [(&'a str, &'a str)],
    pub properties: Vec<(&'a str, Expr)>,
}

pub fn build<'t>(
    t: &'t mut Template,
    r: InlineResource,
    tags: Vec<Tag>,
) -> &'t mut crate::template::Resource {
    let logs = format!("{}Logs", r.id);
    let role = format!("{}Role", r.id);
    let function = format!("{}Function", r.id);
    let group = t.add(
        &logs,
        LogGroup {
            retention_in_days: Some(90.into()),
            tags: Some(tags.clone()),
            ..Default::default()
        },
    );
    group.retain_with(Policy::Delete);
    group.skip_check("CKV_AWS_158", "logs of a one-shot deployment helper; CloudWatch Logs encrypts them at rest with a service key");
    group.skip_check(
        "CKV_AWS_338",
        "logs of a one-shot deployment helper need no year-long retention",
    );

    let mut statements = r.statements;
    statements.push(Statement::allow(
        "WriteOwnLogs",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        vec![Expr::get_att(&logs, "Arn")],
    ));
    let role_resource = t.add(
        &role,
        Role {
            assume_role_policy_document: PolicyDocument::assumed_by("lambda.amazonaws.com").into(),
            description: Some(r.role_description.into()),
            policies: Some(vec![role::Policy {
                policy_name: r.policy_name.into(),
                policy_document: PolicyDocument::new(statements).into(),
            }]),
            tags: Some(tags.clone()),
            ..Default::default()
        },
    );
    if !r.wildcard_reasons.is_empty() {
        let reasons: serde_json::Map<String, serde_json::Value> = r
            .wildcard_reasons
            .iter()
            .map(|(a, why)| (a.to_string(), (*why).into()))
            .collect();
        role_resource.metadata =
            Some(serde_json::json!({"archgen": {"wildcard_resources": reasons}}));
    }
    let f = t.add(
        &function,
        Function {
            description: Some(r.function_description.into()),
            runtime: Some("python3.13".into()),
            handler: Some("index.handler".into()),
            role: Expr::get_att(&role, "Arn"),
            code: Code {
                zip_file: Some(r.code.into()),
                ..Default::default()
            },
            timeout: Some(r.timeout_seconds.into()),
            memory_size: Some(128.into()),
            logging_config: Some(LoggingConfig {
                log_group: Some(Expr::r#ref(&logs)),
                ..Default::default()
            }),
            tags: Some(tags),
            ..Default::default()
        },
    );
    let why = "runs once per stack change, invoked only by CloudFormation";
    f.skip_check(
        "CKV_AWS_115",
        &format!("no concurrency limit needed: {why}"),
    )
    .skip_check(
        "CKV_AWS_116",
        &format!("no dead-letter queue needed: {why}, which reports failures itself"),
    )
    .skip_check(
        "CKV_AWS_117",
        &format!(
            "calls only the {} API; placing it in the VPC would need NAT or endpoints for no gain",
            r.api
        ),
    )
    .skip_check("CKV_AWS_173", "has no environment variables")
    .skip_check(
        "CKV_AWS_272",
        "inline code written by archgen; code signing applies to uploaded packages",
    );
    // CloudFormation waits an hour for a response by default: a handler
    // that dies before answering would hold the deploy that long.
    let mut properties: Vec<(String, Expr)> = vec![
        ("ServiceToken".into(), Expr::get_att(&function, "Arn")),
        ("ServiceTimeout".into(), (2 * r.timeout_seconds).into()),
    ];
    properties.extend(r.properties.into_iter().map(|(k, v)| (k.to_string(), v)));
    t.add(
        r.id,
        Custom {
            type_name: r.type_name.into(),
            properties: properties.into_iter().collect(),
        },
    )
}
