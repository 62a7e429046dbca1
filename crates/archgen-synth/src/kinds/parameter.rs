//! `parameters:`: SSM parameters, plain ones created, SecureString ones
//! referenced. Connecting grants reading exactly that parameter.

use super::{Kind, block};
use crate::spec::StackSpec;
use crate::spec::data::ParameterSpec;
use crate::synth::Ctx;
use crate::synth::data::secrets;
use crate::template::Template;

block!(Parameters, ParameterSpec);

impl Kind for Parameters {
    fn block(&self) -> &'static str {
        "parameters"
    }
    fn noun(&self) -> &'static str {
        "parameter"
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("ssm")
    }
    fn keys<'a>(&self, spec: &'a StackSpec) -> Vec<&'a String> {
        spec.parameters.keys().collect()
    }
    fn is_data(&self) -> bool {
        true
    }
    fn holds_secret(&self) -> bool {
        true
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, param) in &ctx.spec.parameters {
            secrets::build_parameter(t, ctx, name, param);
        }
    }
}
