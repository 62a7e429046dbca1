//! `parameters:`: SSM parameters, plain ones created, SecureString ones
//! referenced. Connecting grants reading exactly that parameter.

use super::{Kind, Role, block};
use crate::spec::data::ParameterSpec;
use crate::synth::Ctx;
use crate::synth::data::secrets;
use crate::template::Template;

block!(Parameters, parameters: ParameterSpec, "parameter");

impl Kind for Parameters {
    fn role(&self) -> Role {
        Role::Data { secret: true }
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("ssm")
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, param) in &ctx.spec.parameters {
            secrets::build_parameter(t, ctx, name, param);
        }
    }
}
