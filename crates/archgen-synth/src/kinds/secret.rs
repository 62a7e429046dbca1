//! `secrets:`: Secrets Manager secrets, generated or referenced. Connecting
//! grants reading the value; a service can also inject it (`secrets:`).

use super::{Kind, Role, block};
use crate::spec::data::SecretSpec;
use crate::synth::Ctx;
use crate::synth::data::secrets;
use crate::template::Template;

block!(Secrets, secrets: SecretSpec, "secret");

impl Kind for Secrets {
    fn role(&self) -> Role {
        Role::Data { secret: true }
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("secretsmanager")
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, secret) in &ctx.spec.secrets {
            secrets::build_secret(t, ctx, name, secret);
        }
    }
}
