//! `secrets:`: Secrets Manager secrets, generated or referenced. Connecting
//! grants reading the value; a service can also inject it (`secrets:`).

use super::{Kind, block};
use crate::spec::StackSpec;
use crate::spec::data::SecretSpec;
use crate::synth::Ctx;
use crate::synth::data::secrets;
use crate::template::Template;

block!(Secrets, SecretSpec);

impl Kind for Secrets {
    fn block(&self) -> &'static str {
        "secrets"
    }
    fn noun(&self) -> &'static str {
        "secret"
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("secretsmanager")
    }
    fn keys<'a>(&self, spec: &'a StackSpec) -> Vec<&'a String> {
        spec.secrets.keys().collect()
    }
    fn is_data(&self) -> bool {
        true
    }
    fn holds_secret(&self) -> bool {
        true
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, secret) in &ctx.spec.secrets {
            secrets::build_secret(t, ctx, name, secret);
        }
    }
}
