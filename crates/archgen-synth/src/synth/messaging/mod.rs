//! L2 messaging: SQS queues with dead-letter queues, and Lambda functions
//! placed in the VPC, triggered by a queue, wired by their connections.

pub mod function;
pub mod queue;

use super::Ctx;
use crate::template::Template;

/// Queues register as components before the application tier resolves
/// the services' connections.
pub fn build_queues(t: &mut Template, ctx: &mut Ctx) {
    for (name, q) in &ctx.spec.queues {
        queue::build(t, ctx, name, q);
    }
}

/// Functions come after the services, so they may connect to them too.
pub fn build_functions(t: &mut Template, ctx: &mut Ctx) {
    for (name, f) in &ctx.spec.functions {
        function::build(t, ctx, name, f);
    }
}
