//! ECR repositories: scanned on push, encrypted, immutable tags by default,
//! lifecycle rules, retained with the stack (images are artefacts).

use super::super::Ctx;
use crate::naming::pascal;
use crate::spec::app::RepositorySpec;
use crate::template::ecr::Repository;
use crate::template::ecr::repository::{
    EncryptionConfiguration, ImageScanningConfiguration, LifecyclePolicy,
};
use crate::template::{Policy, Template};

pub fn repository_id(key: &str) -> String {
    format!("{}Repository", pascal(key))
}

/// The repository's name: the spec's, or `<app>-<env>-<key>`.
pub fn repository_name(ctx: &Ctx, key: &str, spec: &RepositorySpec) -> String {
    spec.name.clone().unwrap_or_else(|| ctx.names.physical(key))
}

pub fn build(t: &mut Template, ctx: &Ctx) {
    for (key, spec) in &ctx.spec.repositories {
        let repo = t.add(
            repository_id(key),
            Repository {
                repository_name: Some(repository_name(ctx, key, spec).into()),
                image_tag_mutability: Some(
                    if spec.immutable_tags {
                        "IMMUTABLE"
                    } else {
                        "MUTABLE"
                    }
                    .into(),
                ),
                image_scanning_configuration: Some(ImageScanningConfiguration {
                    scan_on_push: Some(spec.scan_on_push.into()),
                }),
                encryption_configuration: Some(EncryptionConfiguration {
                    encryption_type: "KMS".into(),
                    ..Default::default()
                }),
                lifecycle_policy: lifecycle(spec).map(|text| LifecyclePolicy {
                    lifecycle_policy_text: Some(text.into()),
                    ..Default::default()
                }),
                tags: Some(ctx.named(key)),
                ..Default::default()
            },
        );
        repo.retain_with(Policy::Retain);
        if !spec.immutable_tags {
            repo.skip_check(
                "CKV_AWS_51",
                &format!(
                    "mutable tags chosen in the spec (repositories.{key}.immutable_tags: false)"
                ),
            );
        }
        if !spec.scan_on_push {
            repo.skip_check(
                "CKV_AWS_163",
                &format!(
                    "scan on push switched off in the spec (repositories.{key}.scan_on_push: false)"
                ),
            );
        }
    }
}

/// ECR lifecycle policy JSON: expire untagged images first (rule 1), then
/// keep only the newest N images of any tag (rule 2, lowest priority as
/// ECR requires for `tagStatus: any`).
fn lifecycle(spec: &RepositorySpec) -> Option<String> {
    let mut rules = Vec::new();
    if let Some(days) = spec.expire_untagged_days {
        rules.push(serde_json::json!({
            "rulePriority": rules.len() + 1,
            "description": format!("Expire untagged images after {days} days"),
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": days},
            "action": {"type": "expire"}
        }));
    }
    if let Some(n) = spec.keep_tagged {
        rules.push(serde_json::json!({
            "rulePriority": rules.len() + 1,
            "description": format!("Keep the newest {n} images"),
            "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": n},
            "action": {"type": "expire"}
        }));
    }
    (!rules.is_empty()).then(|| serde_json::json!({"rules": rules}).to_string())
}
