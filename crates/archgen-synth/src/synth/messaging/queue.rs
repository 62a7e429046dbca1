//! One SQS queue and its dead-letter queue, both encrypted (SSE-SQS, or
//! SSE-KMS with a key from `keys:`), and the component that says what
//! sending to it and consuming from it take.

use crate::naming::pascal;
use crate::spec::messaging::QueueSpec;
use crate::synth::Ctx;
use crate::synth::connect::Component;
use crate::synth::data::key_arn;
use crate::template::iam::Statement;
use crate::template::sqs::Queue;
use crate::template::sqs::queue::RedrivePolicy;
use crate::template::{Expr, Template};

const DAY: u32 = 86_400;

pub fn queue_id(name: &str) -> String {
    format!("{}Queue", pascal(name))
}

pub fn dead_letter_id(name: &str) -> String {
    format!("{}DeadLetterQueue", pascal(name))
}

pub fn build(t: &mut Template, ctx: &mut Ctx, name: &str, q: &QueueSpec) {
    let p = pascal(name);
    let (id, dlq) = (queue_id(name), dead_letter_id(name));
    let kms = q.kms_key.as_deref().map(key_arn);
    let encryption = |kms: &Option<Expr>| match kms {
        Some(k) => (None, Some(k.clone())),
        None => (Some(true), None),
    };
    let (sse, key) = encryption(&kms);
    t.add(
        &dlq,
        Queue {
            queue_name: Some(ctx.names.physical(&format!("{name}-dlq")).into()),
            visibility_timeout: Some(q.visibility_timeout.into()),
            message_retention_period: Some((q.dead_letter_retention_days * DAY).into()),
            sqs_managed_sse_enabled: sse.map(Expr::from),
            kms_master_key_id: key.clone(),
            tags: Some(ctx.named(&format!("{name}-dlq"))),
            ..Default::default()
        },
    );
    t.add(
        &id,
        Queue {
            queue_name: Some(ctx.names.physical(name).into()),
            visibility_timeout: Some(q.visibility_timeout.into()),
            message_retention_period: Some((q.retention_days * DAY).into()),
            // Long polling: fewer empty receives.
            receive_message_wait_time_seconds: Some(20.into()),
            sqs_managed_sse_enabled: sse.map(Expr::from),
            kms_master_key_id: key,
            redrive_policy: Some(RedrivePolicy {
                dead_letter_target_arn: Some(Expr::get_att(&dlq, "Arn")),
                max_receive_count: Some(q.max_receive_count.into()),
            }),
            tags: Some(ctx.named(name)),
            ..Default::default()
        },
    );
    let arn = Expr::get_att(&id, "Arn");
    let mut c = Component::new(name, &crate::kinds::queue::Queues);
    c.read_grants.push(Statement::allow(
        &format!("Consume{p}"),
        &[
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes",
        ],
        vec![arn.clone()],
    ));
    c.write_grants.push(Statement::allow(
        &format!("SendTo{p}"),
        &["sqs:SendMessage", "sqs:GetQueueAttributes"],
        vec![arn.clone()],
    ));
    if let Some(k) = &kms {
        c.read_grants.push(Statement::allow(
            &format!("Decrypt{p}Messages"),
            &["kms:Decrypt"],
            vec![k.clone()],
        ));
        c.write_grants.push(Statement::allow(
            &format!("Encrypt{p}Messages"),
            &["kms:Decrypt", "kms:GenerateDataKey"],
            vec![k.clone()],
        ));
    }
    c.environment.push(("QUEUE_URL".into(), Expr::r#ref(&id)));
    c.environment.push(("QUEUE_ARN".into(), arn));
    ctx.components.register(c);
}
