//! Rules for `queues:` and `functions:`.

use super::is_name;
use super::monitoring::unknown;
use super::wiring;
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;
use crate::spec::network::TierKind;
use crate::template::logs::RETENTION_DAYS;

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = &stack.spec;
    let range = |out: &mut Vec<Diagnostic>, field: &str, what: &str, v: u32, lo: u32, hi: u32| {
        if !(lo..=hi).contains(&v) {
            out.push(
                stack
                    .error(Code::Msg001, field, format!("{what} {v} is out of range"))
                    .help(format!("use {lo} to {hi}")),
            );
        }
    };
    for (name, q) in &spec.queues {
        let base = format!("queues.{name}");
        if !is_name(name, 64) {
            out.push(
                stack
                    .error(
                        Code::Msg008,
                        &base,
                        format!("queue key '{name}' cannot name a queue"),
                    )
                    .help("use lowercase letters, digits and hyphens, starting with a letter"),
            );
        }
        range(
            &mut out,
            &format!("{base}.visibility_timeout"),
            "visibility timeout",
            q.visibility_timeout,
            0,
            43_200,
        );
        range(
            &mut out,
            &format!("{base}.retention_days"),
            "retention of",
            q.retention_days,
            1,
            14,
        );
        range(
            &mut out,
            &format!("{base}.dead_letter_retention_days"),
            "dead-letter retention of",
            q.dead_letter_retention_days,
            1,
            14,
        );
        range(
            &mut out,
            &format!("{base}.max_receive_count"),
            "max receive count",
            q.max_receive_count,
            1,
            1000,
        );
        if q.dead_letter_retention_days < q.retention_days {
            // A message's age counts from its first enqueue: a shorter DLQ
            // retention drops failed messages before anyone can look.
            out.push(
                stack
                    .error(Code::Msg009, &format!("{base}.dead_letter_retention_days"), format!("the dead-letter queue keeps messages {} days, less than the queue's {}", q.dead_letter_retention_days, q.retention_days))
                    .help("keep dead letters at least as long as the queue keeps messages (14 days is the most)"),
            );
        }
        if let Some(k) = &q.kms_key
            && !spec.keys.contains_key(k)
        {
            out.push(unknown(
                stack,
                Code::Msg010,
                &format!("{base}.kms_key"),
                "key",
                k,
                spec.keys.keys(),
            ));
        }
    }

    let components = super::connectable(spec);
    for (name, f) in &spec.functions {
        let base = format!("functions.{name}");
        if !is_name(name, 64) || spec.app.len() + stack.environment.len() + name.len() + 2 > 64 {
            out.push(
                stack
                    .error(Code::Msg002, &base, format!("function key '{name}' cannot name a function"))
                    .help("use lowercase letters, digits and hyphens; '<app>-<env>-<key>' must fit in 64 characters"),
            );
        }
        match (&f.code, &f.image) {
            (Some(_), Some(_)) | (None, None) => out.push(
                stack
                    .error(Code::Msg012, &base, "give either 'code' (a zip package in S3) or 'image' (a container image URI)")
                    .help("e.g. code: { bucket: my-artifacts, key: worker/1.0.0.zip }, runtime: python3.13, handler: app.handler"),
            ),
            (Some(_), None) if f.runtime.is_none() || f.handler.is_none() => out.push(
                stack
                    .error(Code::Msg012, &base, "a zip package needs 'runtime' and 'handler'")
                    .help("e.g. runtime: python3.13, handler: app.handler"),
            ),
            _ => {}
        }
        range(
            &mut out,
            &format!("{base}.memory"),
            "memory",
            f.memory,
            128,
            10_240,
        );
        range(
            &mut out,
            &format!("{base}.timeout"),
            "timeout",
            f.timeout,
            1,
            900,
        );
        if !RETENTION_DAYS.contains(&f.log_retention_days) {
            out.push(
                stack
                    .error(
                        Code::Msg013,
                        &format!("{base}.log_retention_days"),
                        format!(
                            "{} days is not a CloudWatch Logs retention period",
                            f.log_retention_days
                        ),
                    )
                    .help("use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ..."),
            );
        }
        if let Some(tier) = &f.tier {
            let kind = spec
                .network
                .as_ref()
                .and_then(|n| n.tiers.get(tier))
                .map(|t| t.kind);
            if kind != Some(TierKind::Private) && kind != Some(TierKind::Isolated) {
                out.push(
                    stack
                        .error(Code::Msg014, &format!("{base}.tier"), format!("there is no private tier '{tier}'"))
                        .help("name a private tier (an isolated one needs endpoints for every AWS API the function calls)"),
                );
            }
        }
        if let Some(trigger) = &f.trigger {
            let tb = format!("{base}.trigger");
            match spec.queues.get(&trigger.queue) {
                None => out.push(unknown(stack, Code::Msg003, &format!("{tb}.queue"), "queue", &trigger.queue, spec.queues.keys())),
                Some(q) if q.visibility_timeout < f.timeout => out.push(
                    stack
                        .error(
                            Code::Msg015,
                            &format!("queues.{}.visibility_timeout", trigger.queue),
                            format!(
                                "queue '{}' hides a received message for {} s, less than the {} s function '{name}' may run",
                                trigger.queue, q.visibility_timeout, f.timeout
                            ),
                        )
                        .help(format!(
                            "set visibility_timeout to at least {} (AWS suggests six times the function timeout, {})",
                            f.timeout,
                            f.timeout.saturating_mul(6).min(43_200)
                        )),
                ),
                _ => {}
            }
            range(
                &mut out,
                &format!("{tb}.batching_window"),
                "batching window",
                trigger.batching_window,
                0,
                300,
            );
            let max = if trigger.batching_window > 0 {
                10_000
            } else {
                10
            };
            range(
                &mut out,
                &format!("{tb}.batch_size"),
                "batch size",
                trigger.batch_size,
                1,
                max,
            );
            // The SQS event source's MaximumConcurrency range.
            range(
                &mut out,
                &format!("{tb}.max_concurrency"),
                "maximum concurrency",
                trigger.max_concurrency,
                2,
                1000,
            );
        }
        out.extend(wiring::connections(
            stack,
            &base,
            name,
            &f.connects_to,
            &components,
            wiring::FUNCTIONS,
        ));
        out.extend(wiring::literal_credentials(
            stack,
            &base,
            &f.environment,
            wiring::FUNCTIONS,
        ));
        out.extend(wiring::secrets(
            stack,
            &base,
            &f.secrets,
            &f.environment,
            &components,
        ));
    }
    out
}
