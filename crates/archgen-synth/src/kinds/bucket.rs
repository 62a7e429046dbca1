//! `buckets:`: S3 buckets, encrypted, private, TLS-only and retained.
//! Connecting grants object reads and writes on exactly that bucket.

use super::{Backup, DataEvents, Kind, Role, block};
use crate::spec::StackSpec;
use crate::spec::data::BucketSpec;
use crate::synth::Ctx;
use crate::synth::connect::Component;
use crate::synth::data::s3;
use crate::template::Expr;
use crate::template::Template;
use crate::template::iam::Statement;

block!(Buckets, buckets: BucketSpec, "bucket");

impl Kind for Buckets {
    fn role(&self) -> Role {
        Role::Data { secret: false }
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("s3")
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, bucket) in &ctx.spec.buckets {
            s3::build(t, ctx, name, bucket);
        }
    }
    fn backup(&self, spec: &StackSpec, key: &str) -> Backup {
        match spec.buckets.get(key) {
            // AWS Backup reads an S3 bucket's versions: it refuses others.
            Some(b) if !b.versioned => Backup::Blocked(format!(
                "AWS Backup backs up versioned buckets only: set buckets.{key}.versioned: true"
            )),
            Some(_) => Backup::Resource {
                arn: Expr::get_att(s3::bucket_id(key), "Arn"),
                s3: true,
                cold: false,
            },
            None => Backup::Unsupported,
        }
    }
    fn data_events(&self, spec: &StackSpec, key: &str) -> Option<DataEvents> {
        spec.buckets.get(key)?;
        // Every object of the bucket: the ARN prefix with its slash.
        Some(DataEvents {
            resource_type: "AWS::S3::Object",
            arn: Expr::sub(format!("${{{}.Arn}}/", s3::bucket_id(key))),
        })
    }
}

/// What connecting to a bucket grants, created or existing: object reads
/// and the listing (read), object writes and deletes (write).
/// `arn` is the bucket's, `objects` its objects' (`<arn>/*`).
pub fn grants(c: &mut Component, stem: &str, arn: Expr, objects: Expr) {
    c.read_grants.push(Statement::allow(
        &format!("Read{stem}Objects"),
        &["s3:GetObject"],
        vec![objects.clone()],
    ));
    c.read_grants.push(Statement::allow(
        &format!("List{stem}Bucket"),
        &["s3:ListBucket"],
        vec![arn],
    ));
    c.write_grants.push(Statement::allow(
        &format!("Write{stem}Objects"),
        &["s3:PutObject", "s3:DeleteObject"],
        vec![objects],
    ));
}
