//! `keys:`: customer-managed KMS keys. Connecting grants decrypt (read) and
//! encrypt / data-key generation (write) on exactly that key.

use super::{Kind, block};
use crate::spec::StackSpec;
use crate::spec::data::KeySpec;
use crate::synth::Ctx;
use crate::synth::data::kms;
use crate::template::Template;

block!(Keys, KeySpec);

impl Kind for Keys {
    fn block(&self) -> &'static str {
        "keys"
    }
    fn noun(&self) -> &'static str {
        "KMS key"
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("kms")
    }
    fn keys<'a>(&self, spec: &'a StackSpec) -> Vec<&'a String> {
        spec.keys.keys().collect()
    }
    fn is_data(&self) -> bool {
        true
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, key) in &ctx.spec.keys {
            kms::build_key(t, ctx, name, key);
        }
    }
}
