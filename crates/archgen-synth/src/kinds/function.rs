//! `functions:`: Lambda functions, a workload like services: its own role
//! with the grants its connections imply, placed in a private tier.

use super::metrics::{Metric, Watched, dim};
use super::{Kind, Named, Role, block};
use crate::spec::StackSpec;
use crate::spec::messaging::FunctionSpec;
use crate::synth::Ctx;
use crate::synth::messaging::function;
use crate::template::{Expr, Template};

block!(Functions, functions: FunctionSpec, "function");

impl Kind for Functions {
    fn role(&self) -> Role {
        Role::Workload
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, f) in &ctx.spec.functions {
            function::build(t, ctx, name, f);
        }
    }
    fn log_group(&self, spec: &StackSpec, key: &str) -> Option<String> {
        spec.functions.get(key)?;
        Some(function::log_group_id(key))
    }
    fn watch(&self, spec: &StackSpec, key: &str) -> Option<Watched> {
        spec.functions.get(key)?;
        let name = || vec![dim("FunctionName", Expr::r#ref(function::function_id(key)))];
        const LAMBDA: &str = "AWS/Lambda";
        Some(Watched {
            noun: self.noun(),
            metrics: vec![
                Metric::new("errors", LAMBDA, "Errors", "Sum", true, "invocations").on(name()),
                Metric::rate("error-rate", LAMBDA, "Errors", "Invocations").on(name()),
                Metric::new("throttles", LAMBDA, "Throttles", "Sum", true, "invocations")
                    .on(name()),
                Metric::new(
                    "duration",
                    LAMBDA,
                    "Duration",
                    "Maximum",
                    true,
                    "milliseconds",
                )
                .on(name()),
            ],
        })
    }
}
