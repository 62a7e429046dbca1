//! `buckets:`: S3 buckets, encrypted, private, TLS-only and retained.
//! Connecting grants object reads and writes on exactly that bucket.

use super::{Kind, block};
use crate::spec::StackSpec;
use crate::spec::data::BucketSpec;
use crate::synth::Ctx;
use crate::synth::data::s3;
use crate::template::Template;

block!(Buckets, BucketSpec);

impl Kind for Buckets {
    fn block(&self) -> &'static str {
        "buckets"
    }
    fn noun(&self) -> &'static str {
        "bucket"
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("s3")
    }
    fn keys<'a>(&self, spec: &'a StackSpec) -> Vec<&'a String> {
        spec.buckets.keys().collect()
    }
    fn is_data(&self) -> bool {
        true
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, bucket) in &ctx.spec.buckets {
            s3::build(t, ctx, name, bucket);
        }
    }
}
