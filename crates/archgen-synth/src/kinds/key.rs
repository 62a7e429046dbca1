//! `keys:`: customer-managed KMS keys. Connecting grants decrypt (read) and
//! encrypt / data-key generation (write) on exactly that key.

use super::{Kind, Role, block};
use crate::spec::data::KeySpec;
use crate::synth::Ctx;
use crate::synth::data::kms;
use crate::template::Template;

block!(Keys, keys: KeySpec, "KMS key");

impl Kind for Keys {
    fn role(&self) -> Role {
        Role::Data { secret: false }
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("kms")
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, key) in &ctx.spec.keys {
            kms::build_key(t, ctx, name, key);
        }
    }
}
