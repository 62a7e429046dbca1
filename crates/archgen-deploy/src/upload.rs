//! Templates over CloudFormation's inline limit go through S3, under a key
//! derived from their content so re-uploads of the same template are no-ops
//! in effect and every deployed version stays addressable.

use sha2::{Digest, Sha256};

use super::cfn::ArtifactStore;
use super::error::Error;
use super::model::TemplateSource;

/// CloudFormation's limit for TemplateBody, in bytes.
pub const MAX_INLINE_BYTES: usize = 51_200;

pub fn artifact_key(stack_name: &str, body: &str) -> String {
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    format!("archgen/{stack_name}/{hash}.template.json")
}

/// The virtual-host form, which CloudFormation (and moto) read from S3.
pub fn template_url(bucket: &str, region: &str, key: &str) -> String {
    format!("https://{bucket}.s3.{region}.amazonaws.com/{key}")
}

/// `{region}` in the bucket name becomes the stack's region, so one setting
/// serves an environment spread over regions (buckets are regional).
pub fn bucket_for(bucket: &str, region: &str) -> String {
    bucket.replace("{region}", region)
}

/// Why a template cannot be sent without a bucket, and what to pass.
pub fn bucket_needed(stack_name: &str, bytes: usize, region: &str) -> String {
    format!(
        "the template of stack {stack_name} is {bytes} bytes, over CloudFormation's \
         {MAX_INLINE_BYTES}-byte limit for inline templates. Pass --artifact-bucket BUCKET (or set \
         ARCHGEN_ARTIFACT_BUCKET) naming an S3 bucket in {region} that archgen may upload \
         templates to, or run `archgen bootstrap --env ENV` once per account and region to \
         create one that deploy finds by itself."
    )
}

/// Inline when small enough, else uploaded to `bucket` (which must exist in
/// `region`).
pub async fn prepare<S: ArtifactStore>(
    store: &S,
    body: &str,
    stack_name: &str,
    region: &str,
    bucket: Option<&str>,
) -> Result<TemplateSource, Error> {
    if body.len() <= MAX_INLINE_BYTES {
        return Ok(TemplateSource::Body(body.to_string()));
    }
    let Some(bucket) = bucket else {
        return Err(Error::Refused(bucket_needed(
            stack_name,
            body.len(),
            region,
        )));
    };
    let bucket = bucket_for(bucket, region);
    let key = artifact_key(stack_name, body);
    store
        .put_object(&bucket, &key, body.as_bytes().to_vec())
        .await
        .map_err(|e| {
            e.context(format!(
                "could not upload the template of stack {stack_name} to s3://{bucket}/{key} \
                 (check that the bucket exists in {region} and that your credentials may write to it)"
            ))
        })?;
    Ok(TemplateSource::Url(template_url(&bucket, region, &key)))
}
