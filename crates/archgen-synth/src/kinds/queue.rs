//! `queues:`: SQS queues, each with a dead-letter queue. Connecting grants
//! receiving (read) and sending (write) on exactly that queue.

use super::metrics::{Metric, Watched, dim};
use super::{Kind, Named, Role, block};
use crate::naming::pascal;
use crate::spec::StackSpec;
use crate::spec::messaging::QueueSpec;
use crate::synth::Ctx;
use crate::synth::messaging::queue;
use crate::template::{Expr, Template};

block!(Queues, queues: QueueSpec, "queue");

impl Kind for Queues {
    fn role(&self) -> Role {
        Role::Component
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("sqs")
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, q) in &ctx.spec.queues {
            queue::build(t, ctx, name, q);
        }
    }
    fn watch(&self, spec: &StackSpec, key: &str) -> Option<Watched> {
        spec.queues.get(key)?;
        let p = pascal(key);
        let queue = || {
            vec![dim(
                "QueueName",
                Expr::get_att(format!("{p}Queue"), "QueueName"),
            )]
        };
        const SQS: &str = "AWS/SQS";
        Some(Watched {
            noun: self.noun(),
            metrics: vec![
                Metric::new(
                    "age-of-oldest-message",
                    SQS,
                    "ApproximateAgeOfOldestMessage",
                    "Maximum",
                    false,
                    "seconds",
                )
                .on(queue()),
                Metric::new(
                    "visible-messages",
                    SQS,
                    "ApproximateNumberOfMessagesVisible",
                    "Maximum",
                    false,
                    "messages",
                )
                .on(queue()),
                // The same gauge, on the dead-letter queue: messages that failed.
                Metric::new(
                    "dead-letters",
                    SQS,
                    "ApproximateNumberOfMessagesVisible",
                    "Maximum",
                    false,
                    "messages",
                )
                .on(vec![dim(
                    "QueueName",
                    Expr::get_att(format!("{p}DeadLetterQueue"), "QueueName"),
                )]),
            ],
        })
    }
}
