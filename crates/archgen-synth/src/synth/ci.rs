//! `ci:`: GitHub Actions deploys this app through two roles.
//!
//! - The deploy role, assumed with GitHub's OIDC token by the named
//!   repository's branches and environments only, may do exactly what
//!   `archgen deploy` calls: change sets (and the stack reads, events,
//!   termination protection and recovery around them) on this app's
//!   stacks of this environment (`<app>-<env>-*`), read the bootstrap
//!   stack, upload templates to the artifact bucket under
//!   `archgen/<app>-<env>-*`, and pass the execution role to CloudFormation.
//!   It cannot create anything itself.
//! - The CloudFormation execution role, which CloudFormation assumes to
//!   create the resources: the AWS services archgen's templates use, and
//!   in IAM only roles named `<app>-<env>-*` (every role of this app's
//!   stacks is named after its stack) and GitHub's OIDC provider.

use serde_json::json;

use super::Ctx;
use crate::spec::ci::{CiSpec, GITHUB_ISSUER};
use crate::template::iam::{OidcProvider, PolicyDocument, Role, Statement, role};
use crate::template::{Export, Expr, Output, Template};

pub const PROVIDER: &str = "GitHubOidcProvider";
pub const DEPLOY_ROLE: &str = "DeployRole";
pub const EXECUTION_ROLE: &str = "CloudFormationExecutionRole";

/// The bucket `archgen bootstrap` creates: CloudFormation names it after
/// the bootstrap stack and the bucket's logical id.
const BOOTSTRAP_BUCKETS: &str = "archgen-bootstrap-artifactbucket-*";

/// What `archgen deploy` calls on a stack it deploys (crates/archgen-deploy:
/// ops/deploy.rs, preflight.rs, watch.rs, recover.rs).
const DEPLOY_ACTIONS: &[&str] = &[
    "cloudformation:CancelUpdateStack",
    "cloudformation:ContinueUpdateRollback",
    "cloudformation:CreateChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DeleteStack",
    "cloudformation:DescribeChangeSet",
    "cloudformation:DescribeStackEvents",
    "cloudformation:DescribeStacks",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:GetTemplate",
    "cloudformation:ListStackResources",
    "cloudformation:UpdateTerminationProtection",
];

/// The IAM prefixes of the services behind each CloudFormation namespace
/// archgen writes (`AWS::<Namespace>::<Type>`); IAM is granted separately.
pub const SERVICE_PREFIXES: &[(&str, &[&str])] = &[
    ("ApiGatewayV2", &["apigateway"]),
    ("ApplicationAutoScaling", &["application-autoscaling"]),
    ("Backup", &["backup", "backup-storage"]),
    ("CertificateManager", &["acm"]),
    ("Chatbot", &["chatbot"]),
    ("CloudFront", &["cloudfront"]),
    ("CloudTrail", &["cloudtrail"]),
    ("CloudWatch", &["cloudwatch"]),
    ("Cognito", &["cognito-idp"]),
    ("DynamoDB", &["dynamodb"]),
    ("EC2", &["ec2"]),
    ("ECR", &["ecr"]),
    ("ECS", &["ecs"]),
    ("ElastiCache", &["elasticache"]),
    ("ElasticLoadBalancingV2", &["elasticloadbalancing"]),
    ("KinesisFirehose", &["firehose"]),
    ("KMS", &["kms"]),
    ("Lambda", &["lambda"]),
    ("Logs", &["logs"]),
    ("RDS", &["rds"]),
    ("Route53", &["route53"]),
    ("S3", &["s3"]),
    ("SecretsManager", &["secretsmanager"]),
    ("ServiceDiscovery", &["servicediscovery", "route53"]),
    ("SNS", &["sns"]),
    ("SQS", &["sqs"]),
    ("SSM", &["ssm"]),
    ("WAFv2", &["wafv2"]),
];

/// The resource types archgen writes.
const TYPES: &str = include_str!("../template/generated/TYPES");

/// The IAM prefixes the execution role needs: the services of the types
/// archgen generates (`template/generated/TYPES`), but IAM.
pub fn execution_prefixes() -> Vec<&'static str> {
    let namespaces: Vec<&str> = TYPES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split("::").nth(1))
        .collect();
    let mut out: Vec<&str> = SERVICE_PREFIXES
        .iter()
        .filter(|(n, _)| namespaces.contains(n))
        .flat_map(|(_, p)| p.iter().copied())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

pub fn build(t: &mut Template, ctx: &Ctx, ci: &CiSpec) {
    let provider = match &ci.provider {
        Some(arn) => Expr::from(arn.clone()),
        None => {
            t.add(
                PROVIDER,
                OidcProvider {
                    url: Some(format!("https://{GITHUB_ISSUER}").into()),
                    client_id_list: Some(vec!["sts.amazonaws.com".into()]),
                    tags: Some(ctx.named("github-oidc")),
                    ..Default::default()
                },
            );
            Expr::r#ref(PROVIDER)
        }
    };
    let prefix = ctx.names.physical("");
    execution_role(t, ctx, &prefix);
    deploy_role(t, ctx, ci, provider, &prefix);
    for (id, what) in [
        (
            DEPLOY_ROLE,
            "the role GitHub Actions assumes to deploy (role-to-assume)",
        ),
        (
            EXECUTION_ROLE,
            "the role archgen deploy passes to CloudFormation (--cloudformation-role)",
        ),
    ] {
        let output = format!("{id}Arn");
        t.output(
            &output,
            Output {
                description: what.into(),
                value: Expr::get_att(id, "Arn"),
                export: Some(Export {
                    name: ctx.names.export(&output).into(),
                }),
            },
        );
    }
}

/// `arn:...:cloudformation:*:<account>:stack/<name>/*` (every region: the
/// edge stack lives in us-east-1).
fn stacks(name: &str) -> Expr {
    Expr::sub(format!(
        "arn:${{AWS::Partition}}:cloudformation:*:${{AWS::AccountId}}:stack/{name}/*"
    ))
}

fn deploy_role(t: &mut Template, ctx: &Ctx, ci: &CiSpec, provider: Expr, prefix: &str) {
    let bucket = ci.artifact_bucket.as_deref().unwrap_or(BOOTSTRAP_BUCKETS);
    let mut pass = Statement::allow(
        "PassExecutionRoleToCloudFormation",
        &["iam:PassRole"],
        vec![Expr::get_att(EXECUTION_ROLE, "Arn")],
    );
    pass.condition =
        Some(json!({"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}}));
    let statements = vec![
        Statement::allow(
            "ChangeSetsOnThisAppsStacks",
            DEPLOY_ACTIONS,
            vec![stacks(&format!("{prefix}*"))],
        ),
        Statement::allow(
            "FindTheArtifactBucket",
            &[
                "cloudformation:DescribeStacks",
                "cloudformation:ListStackResources",
            ],
            vec![stacks(crate::spec::ci::BOOTSTRAP_STACK)],
        ),
        Statement::allow(
            "UploadTemplates",
            &["s3:PutObject", "s3:GetObject"],
            vec![Expr::sub(format!(
                "arn:${{AWS::Partition}}:s3:::{bucket}/archgen/{prefix}*"
            ))],
        ),
        Statement::allow(
            "CheckTheArtifactBucket",
            &["s3:ListBucket"],
            vec![Expr::sub(format!("arn:${{AWS::Partition}}:s3:::{bucket}"))],
        ),
        // Neither has resource-level permissions.
        Statement::allow(
            "ValidateTemplates",
            &["cloudformation:ValidateTemplate"],
            vec!["*".into()],
        ),
        pass,
    ];
    let reasons = super::app::iam::wildcard_reasons(&statements);
    let trust = PolicyDocument::new(vec![Statement {
        sid: Some("GitHubActionsOfThisRepository".into()),
        effect: "Allow",
        principal: Some(json!({"Federated": provider})),
        action: vec!["sts:AssumeRoleWithWebIdentity".into()],
        resource: None,
        condition: Some(json!({
            "StringEquals": {
                format!("{GITHUB_ISSUER}:aud"): "sts.amazonaws.com",
                format!("{GITHUB_ISSUER}:sub"): ci.subjects(),
            }
        })),
    }]);
    let r = t.add(
        DEPLOY_ROLE,
        Role {
            role_name: Some(format!("{prefix}deploy").into()),
            assume_role_policy_document: trust.into(),
            description: Some(
                format!(
                    "GitHub Actions of {} deploy the {prefix}* stacks with archgen",
                    ci.repository
                )
                .into(),
            ),
            max_session_duration: Some(3600.into()),
            policies: Some(vec![role::Policy {
                policy_name: "archgen-deploy".into(),
                policy_document: PolicyDocument::new(statements).into(),
            }]),
            tags: Some(ctx.named("deploy")),
            ..Default::default()
        },
    );
    r.metadata = reasons;
}

fn execution_role(t: &mut Template, ctx: &Ctx, prefix: &str) {
    let services: Vec<String> = execution_prefixes()
        .into_iter()
        .map(|p| format!("{p}:*"))
        .collect();
    let services: Vec<&str> = services.iter().map(String::as_str).collect();
    let statements = vec![
        Statement::allow("ManageTheStacksResources", &services, vec!["*".into()]),
        Statement::allow(
            "ManageThisAppsRoles",
            &["iam:*"],
            vec![Expr::sub(format!(
                "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{prefix}*"
            ))],
        ),
        Statement::allow(
            "ManageGitHubOidcProvider",
            &[
                "iam:AddClientIDToOpenIDConnectProvider",
                "iam:CreateOpenIDConnectProvider",
                "iam:DeleteOpenIDConnectProvider",
                "iam:GetOpenIDConnectProvider",
                "iam:RemoveClientIDFromOpenIDConnectProvider",
                "iam:TagOpenIDConnectProvider",
                "iam:UntagOpenIDConnectProvider",
                "iam:UpdateOpenIDConnectProviderThumbprint",
            ],
            vec![Expr::sub(format!(
                "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:oidc-provider/{GITHUB_ISSUER}"
            ))],
        ),
        // ECS, RDS, ElastiCache, Auto Scaling and load balancers create
        // their service-linked roles on first use.
        Statement::allow(
            "CreateServiceLinkedRoles",
            &["iam:CreateServiceLinkedRole"],
            vec![Expr::sub(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/*",
            )],
        ),
    ];
    let mut trust = PolicyDocument::assumed_by("cloudformation.amazonaws.com");
    trust.statement[0].condition =
        Some(json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}));
    let r = t.add(
        EXECUTION_ROLE,
        Role {
            role_name: Some(format!("{prefix}cloudformation").into()),
            assume_role_policy_document: trust.into(),
            description: Some(
                format!("CloudFormation creates the resources of the {prefix}* stacks").into(),
            ),
            policies: Some(vec![role::Policy {
                policy_name: "archgen-stack-resources".into(),
                policy_document: PolicyDocument::new(statements).into(),
            }]),
            tags: Some(ctx.named("cloudformation")),
            ..Default::default()
        },
    );
    // Reviewers' reasons for each service-wide grant on any resource.
    let reasons: serde_json::Map<String, serde_json::Value> = services
        .iter()
        .map(|a| {
            (
                a.to_string(),
                "CloudFormation creates and deletes this service's resources of the app's stacks; most are named by CloudFormation, so no ARN pattern bounds them".into(),
            )
        })
        .collect();
    r.metadata = Some(json!({"archgen": {"wildcard_resources": reasons}}));
    let why = "CloudFormation's execution role creates, changes and deletes every resource of this app's stacks: the services archgen writes, with IAM limited to this app's roles";
    for check in [
        "CKV_AWS_107",
        "CKV_AWS_108",
        "CKV_AWS_109",
        "CKV_AWS_110",
        "CKV_AWS_111",
    ] {
        r.skip_check(check, why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every CloudFormation namespace archgen generates types for has its
    /// IAM prefixes here, so the execution role can create it: a type added
    /// to TYPES without a row fails this test.
    #[test]
    fn every_generated_namespace_has_its_service_prefixes() {
        for line in TYPES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let namespace = line.split("::").nth(1).unwrap();
            if namespace == "IAM" {
                continue;
            }
            assert!(
                SERVICE_PREFIXES.iter().any(|(n, _)| *n == namespace),
                "no IAM prefix for {line}"
            );
        }
    }
}
