//! One Lambda function: its log group, its own role with exactly the grants
//! its trigger and connections imply, its own security group (HTTPS out,
//! plus one rule per connection), placement in a private tier, and the
//! event source mapping from its queue.

use std::collections::BTreeMap;

use super::queue::queue_id;
use crate::naming::pascal;
use crate::spec::app::{Access, Architecture};
use crate::spec::messaging::FunctionSpec;
use crate::spec::network::TierKind;
use crate::synth::Ctx;
use crate::synth::app::{iam, rules};
use crate::synth::connect::{self, SecretSource};
use crate::synth::data::tier_subnets;
use crate::synth::logs::retained_log_group;
use crate::template::iam::{PolicyDocument, Role, Statement, role};
use crate::template::lambda::event_source_mapping::ScalingConfig;
use crate::template::lambda::function::{
    Code, Environment, LoggingConfig, TracingConfig, VpcConfig,
};
use crate::template::lambda::{EventSourceMapping, Function};
use crate::template::{Expr, Template};

pub fn function_id(name: &str) -> String {
    format!("{}Function", pascal(name))
}

/// The function's log group.
pub fn log_group_id(name: &str) -> String {
    format!("{}Logs", function_id(name))
}

pub fn security_group_id(name: &str) -> String {
    format!("{}FunctionSecurityGroup", pascal(name))
}

/// Lambda may assume the role only for functions of this account.
fn lambda_trust() -> PolicyDocument {
    let mut doc = PolicyDocument::assumed_by("lambda.amazonaws.com");
    doc.statement[0].condition = Some(serde_json::json!({
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }));
    doc
}

pub fn build(t: &mut Template, ctx: &mut Ctx, name: &str, f: &FunctionSpec) {
    let p = pascal(name);
    let id = function_id(name);
    let logs = log_group_id(name);
    retained_log_group(
        t,
        &logs,
        Some(format!("/aws/lambda/{}", ctx.names.physical(name)).into()),
        f.log_retention_days,
        &format!("functions.{name}.log_retention_days"),
        ctx.named(name),
    );

    let mut grants = vec![Statement::allow(
        "WriteLogs",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        vec![Expr::get_att(&logs, "Arn")],
    )];
    let mut environment: BTreeMap<String, Expr> = f
        .environment
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();

    // Placement: its own group, HTTPS out (AWS APIs), and a rule per
    // network connection below.
    let sg = security_group_id(name);
    let vpc = ctx.network.as_ref().map(|net| {
        t.add(
            &sg,
            rules::https_out_group(
                net.vpc_id.clone(),
                format!("{name} function"),
                "HTTPS to AWS APIs (SQS, logs, secrets)",
                ctx.named(&format!("{name}-function")),
            ),
        );
        VpcConfig {
            security_group_ids: Some(vec![Expr::r#ref(&sg)]),
            subnet_ids: Some(tier_subnets(ctx, f.tier.as_deref(), TierKind::Private)),
            ..Default::default()
        }
    });
    if vpc.is_some() {
        // Lambda creates and removes the function's network interfaces.
        grants.push(Statement::allow(
            "ManageNetworkInterfaces",
            &[
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            vec!["*".into()],
        ));
    }

    // The trigger: read what its queue holds, nothing else of it.
    if let Some(trigger) = &f.trigger
        && let Some(q) = ctx.components.get(&trigger.queue)
    {
        grants.extend(q.grants(Access::Read));
    }
    let wired = connect::wire(
        t,
        ctx,
        &connect::Workload {
            key: name,
            label: format!("{name} function"),
            security_group: vpc.is_some().then_some(sg.as_str()),
        },
        &f.connects_to,
    );
    grants.extend(wired.grants);
    environment.extend(wired.environment);
    let depends_on = wired.depends_on;
    // `secrets:`: Lambda cannot inject a value, so the function gets where
    // it lives and may read exactly that (the same grants a service's
    // execution role gets).
    for mut read in connect::secret_reads(ctx, name, &f.secrets) {
        if matches!(read.source, SecretSource::SsmParameter { .. }) {
            // SDK code reads one parameter with GetParameter; ECS uses the
            // plural.
            read.grants[0].action.insert(0, "ssm:GetParameter".into());
        }
        match read.source {
            SecretSource::SecretsManager { arn, json_key } => {
                environment.insert(format!("{}_SECRET_ARN", read.var), arn);
                if let Some(k) = json_key {
                    environment.insert(format!("{}_SECRET_KEY", read.var), k.into());
                }
            }
            SecretSource::SsmParameter { arn } => {
                environment.insert(format!("{}_PARAMETER_ARN", read.var), arn);
            }
        }
        grants.extend(read.grants);
    }
    if f.tracing {
        grants.push(connect::xray_grant());
    }
    let has_network = vpc.is_some();
    let grants = iam::dedupe(grants);
    let reasons = iam::wildcard_reasons(&grants);
    let role = t.add(
        format!("{id}Role"),
        Role {
            assume_role_policy_document: lambda_trust().into(),
            description: Some(
                format!(
                    "Role of function {name}: logs, its trigger and its declared connections only"
                )
                .into(),
            ),
            policies: Some(vec![role::Policy {
                policy_name: "function".into(),
                policy_document: PolicyDocument::new(grants).into(),
            }]),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    role.metadata = reasons;
    if has_network {
        role.skip_check(
            "CKV_AWS_111",
            "Lambda creates the function's VPC network interfaces with these ec2 actions on '*', as AWS's own AWSLambdaVPCAccessExecutionRole grants them",
        );
    }

    let code = match (&f.code, &f.image) {
        (Some(c), _) => Code {
            s3_bucket: Some(c.bucket.clone().into()),
            s3_key: Some(c.key.clone().into()),
            s3_object_version: c.version.clone().map(Expr::from),
            ..Default::default()
        },
        (None, Some(image)) => Code {
            image_uri: Some(image.clone().into()),
            ..Default::default()
        },
        (None, None) => Code::default(),
    };
    let is_image = f.code.is_none() && f.image.is_some();
    let has_vpc = vpc.is_some();
    let func = t.add(
        &id,
        Function {
            function_name: Some(ctx.names.physical(name).into()),
            description: Some(
                format!("{} {} function {name}", ctx.spec.app, ctx.environment).into(),
            ),
            runtime: if is_image {
                None
            } else {
                f.runtime.clone().map(Expr::from)
            },
            handler: if is_image {
                None
            } else {
                f.handler.clone().map(Expr::from)
            },
            package_type: is_image.then(|| "Image".into()),
            architectures: Some(vec![
                match f.architecture {
                    Architecture::X86_64 => "x86_64",
                    Architecture::Arm64 => "arm64",
                }
                .into(),
            ]),
            role: Expr::get_att(format!("{id}Role"), "Arn"),
            code,
            timeout: Some(f.timeout.into()),
            memory_size: Some(f.memory.into()),
            reserved_concurrent_executions: f.reserved_concurrency.map(Expr::from),
            environment: (!environment.is_empty()).then_some(Environment {
                variables: Some(environment),
            }),
            vpc_config: vpc,
            tracing_config: f.tracing.then(|| TracingConfig {
                mode: Some("Active".into()),
            }),
            logging_config: Some(LoggingConfig {
                log_group: Some(Expr::r#ref(&logs)),
                ..Default::default()
            }),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    if f.reserved_concurrency.is_none() {
        // Reserving concurrency takes it from the account's pool (and fails
        // where the quota is low), so it stays opt-in; say what caps it.
        let reason = match &f.trigger {
            Some(t) => format!(
                "its queue trigger runs at most {} at once (functions.{name}.trigger.max_concurrency); reserving concurrency (functions.{name}.reserved_concurrency) would take it from the account's pool",
                t.max_concurrency
            ),
            None => format!(
                "no concurrency cap in the spec (functions.{name}.reserved_concurrency): it scales with its callers"
            ),
        };
        func.skip_check("CKV_AWS_115", &reason);
    }
    func.skip_check(
        "CKV_AWS_116",
        "failed messages go to the trigger queue's dead-letter queue; a function DLQ applies to asynchronous invocations only",
    )
    .skip_check(
        "CKV_AWS_173",
        "variables hold endpoints and names, never secrets (those are read from Secrets Manager); Lambda encrypts them at rest",
    )
    .skip_check(
        "CKV_AWS_272",
        "the package is built and signed (or not) by the pipeline that uploads it; archgen only points at it",
    );
    // It signs in to a database as a user that must exist first.
    for d in depends_on {
        func.depends_on(d);
    }
    if !has_vpc {
        func.skip_check(
            "CKV_AWS_117",
            "the stack has no network: the function runs outside a VPC",
        );
    }

    if let Some(trigger) = &f.trigger {
        t.add(
            format!("{p}From{}Trigger", pascal(&trigger.queue)),
            EventSourceMapping {
                event_source_arn: Some(Expr::get_att(queue_id(&trigger.queue), "Arn")),
                function_name: Expr::r#ref(&id),
                batch_size: Some(trigger.batch_size.into()),
                maximum_batching_window_in_seconds: (trigger.batching_window > 0)
                    .then(|| trigger.batching_window.into()),
                function_response_types: trigger
                    .partial_failures
                    .then(|| vec!["ReportBatchItemFailures".into()]),
                // A bounded consumer: a burst of messages waits in the
                // queue instead of opening a connection per message.
                scaling_config: Some(ScalingConfig {
                    maximum_concurrency: Some(trigger.max_concurrency.into()),
                }),
                enabled: Some(true.into()),
                ..Default::default()
            },
        );
    }
}
