//! Task execution and task roles with exactly the grants a service needs.

use crate::template::iam::{PolicyDocument, Role, Statement, role};
use crate::template::{Expr, Tag};

/// ECS may assume these roles only for tasks of this account.
fn ecs_tasks_trust() -> PolicyDocument {
    let mut doc = PolicyDocument::assumed_by("ecs-tasks.amazonaws.com");
    doc.statement[0].condition = Some(serde_json::json!({
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }));
    doc
}

/// A role for ECS tasks with one inline policy, or none when there is
/// nothing to grant. Identical statements are merged and Sids made unique.
pub fn task_role(
    description: String,
    policy_name: &str,
    statements: Vec<Statement>,
    tags: Vec<Tag>,
) -> Role {
    let statements = dedupe(statements);
    Role {
        assume_role_policy_document: ecs_tasks_trust().into(),
        description: Some(description.into()),
        policies: (!statements.is_empty()).then(|| {
            vec![role::Policy {
                policy_name: policy_name.into(),
                policy_document: PolicyDocument::new(statements).into(),
            }]
        }),
        tags: Some(tags),
        ..Default::default()
    }
}

pub fn dedupe(statements: Vec<Statement>) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    for s in statements {
        if out.contains(&s) {
            continue;
        }
        let mut s = s;
        if let Some(sid) = s.sid.clone() {
            let mut n = 2;
            while out.iter().any(|o| o.sid == s.sid) {
                s.sid = Some(format!("{sid}{n}"));
                n += 1;
            }
        }
        out.push(s);
    }
    out
}

/// The statements that let ECS pull an image from an ECR repository.
pub fn pull_image(repository_arn: Expr) -> Vec<Statement> {
    vec![
        Statement::allow(
            "PullImage",
            &[
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
            ],
            vec![repository_arn],
        ),
        // ECR issues registry tokens account-wide; the action has no
        // resource-level permissions.
        Statement::allow(
            "GetRegistryToken",
            &["ecr:GetAuthorizationToken"],
            vec!["*".into()],
        ),
    ]
}

/// The ARN of an ECR repository from an image URI in this account's
/// registry form (`<acct>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`).
pub fn ecr_repository_arn(uri: &str) -> Option<Expr> {
    let (host, path) = uri.split_once('/')?;
    let mut parts = host.split('.');
    let account = parts.next()?;
    if parts.next()? != "dkr" || parts.next()? != "ecr" {
        return None;
    }
    let region = parts.next()?;
    let repo = path.split(['@', ':']).next()?;
    Some(Expr::sub(format!(
        "arn:${{AWS::Partition}}:ecr:{region}:{account}:repository/{repo}"
    )))
}

/// Wildcard-resource actions in a role, with the reason, for reviewers.
pub fn wildcard_reasons(statements: &[Statement]) -> Option<serde_json::Value> {
    let mut reasons = serde_json::Map::new();
    for s in statements {
        if s.resource
            .as_ref()
            .is_some_and(|r| r.contains(&Expr::from("*")))
        {
            for a in &s.action {
                let why = match a.as_str() {
                    "ecr:GetAuthorizationToken" => {
                        "registry tokens are account-wide; no resource-level permissions"
                    }
                    a if a.starts_with("ssmmessages:") => {
                        "ECS Exec channels have no resource-level permissions"
                    }
                    a if a.starts_with("ec2:") => {
                        "Lambda manages the function's network interfaces in the VPC; EC2 describes have no resource-level permissions"
                    }
                    a if a.starts_with("cloudwatch:") => {
                        "CloudWatch alarm and metric reads have no resource-level permissions for listing"
                    }
                    a if a.starts_with("xray:") => {
                        "X-Ray trace segments have no resource-level permissions"
                    }
                    _ => "the action has no resource-level permissions",
                };
                reasons.insert(a.clone(), why.into());
            }
        }
    }
    (!reasons.is_empty()).then(|| serde_json::json!({"archgen": {"wildcard_resources": reasons}}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecr_uris_give_repository_arns_and_others_none() {
        let arn =
            ecr_repository_arn("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/user-api:latest")
                .unwrap();
        assert_eq!(
            arn,
            Expr::sub("arn:${AWS::Partition}:ecr:ap-northeast-1:123456789012:repository/user-api")
        );
        assert!(ecr_repository_arn("public.ecr.aws/nginx/nginx:1.27").is_none());
        assert!(ecr_repository_arn("nginx:1.27").is_none());
    }

    #[test]
    fn identical_grants_merge_and_sids_stay_unique() {
        let a = Statement::allow("Read", &["s3:GetObject"], vec!["arn:a".into()]);
        let b = Statement::allow("Read", &["s3:GetObject"], vec!["arn:b".into()]);
        let out = dedupe(vec![a.clone(), a, b]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].sid.as_deref(), Some("Read2"));
    }
}
