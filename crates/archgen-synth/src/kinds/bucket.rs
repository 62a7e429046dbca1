//! `buckets:`: S3 buckets, encrypted, private, TLS-only and retained.
//! Connecting grants object reads and writes on exactly that bucket.

use super::{Kind, Role, block};
use crate::spec::data::BucketSpec;
use crate::synth::Ctx;
use crate::synth::data::s3;
use crate::template::Template;

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
}
