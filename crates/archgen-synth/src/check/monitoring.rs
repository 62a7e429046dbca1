//! Rules for `topics:` and `alarms:`.

use super::is_name;
use super::log_pattern;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::kinds::metrics::{watchable_names, watched};
use crate::spec::ResolvedStack;
use crate::spec::monitoring::TopicSpec;

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = &stack.spec;
    for (name, topic) in &spec.topics {
        let base = format!("topics.{name}");
        if !is_name(name, 64) {
            out.push(
                stack
                    .error(
                        Code::Mon001,
                        &base,
                        format!("topic key '{name}' cannot name a topic"),
                    )
                    .help("use lowercase letters, digits and hyphens, starting with a letter"),
            );
        }
        if let Some(k) = &topic.kms_key
            && !spec.keys.contains_key(k)
        {
            out.push(unknown(
                stack,
                Code::Mon008,
                &format!("{base}.kms_key"),
                "key",
                k,
                spec.keys.keys(),
            ));
        }
        out.extend(check_destinations(stack, &base, topic));
        for (i, email) in topic.emails.iter().enumerate() {
            let ok = email.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !email.contains(char::is_whitespace)
            });
            if !ok {
                out.push(
                    stack
                        .error(
                            Code::Mon009,
                            &format!("{base}.emails[{i}]"),
                            format!("'{email}' is not an email address"),
                        )
                        .help("write an address such as ops@example.com"),
                );
            }
        }
    }
    for (name, a) in &spec.alarms {
        let base = format!("alarms.{name}");
        if !is_name(name, 200) {
            out.push(
                stack
                    .error(
                        Code::Mon002,
                        &base,
                        format!("alarm key '{name}' cannot name an alarm"),
                    )
                    .help("use lowercase letters, digits and hyphens, e.g. 'api-cpu-high'"),
            );
        }
        match (&a.metric, &a.log_pattern) {
            (Some(metric), None) => {
                out.extend(check_metric(stack, &base, a, metric));
                if a.log.is_some() {
                    out.push(
                        stack
                            .error(
                                Code::Mon015,
                                &format!("{base}.log"),
                                "'log' chooses the log a 'log_pattern' reads; this alarm has none",
                            )
                            .help("remove 'log', or replace 'metric' with a 'log_pattern'"),
                    );
                }
            }
            (None, Some(pattern)) => out.extend(log_pattern::check(stack, &base, a, pattern)),
            (Some(_), Some(_)) => out.push(
                stack
                    .error(
                        Code::Mon015,
                        &base,
                        "give either 'metric' or 'log_pattern', not both",
                    )
                    .help("an alarm watches one metric: split it into two alarms"),
            ),
            (None, None) => out.push(
                stack
                    .error(Code::Mon015, &base, "the alarm watches nothing")
                    .help("give 'metric: cpu' (see the metric table) or 'log_pattern: \"ERROR\"'"),
            ),
        }
        match (a.above, a.below) {
            (Some(_), Some(_)) | (None, None) => out.push(
                stack
                    .error(
                        Code::Mon005,
                        &base,
                        "give exactly one of 'above' or 'below'",
                    )
                    .help("e.g. above: 80"),
            ),
            (Some(x), None) | (None, Some(x)) if !x.is_finite() => out.push(
                stack
                    .error(Code::Mon005, &base, "the threshold is not a number")
                    .help("e.g. above: 80"),
            ),
            _ => {}
        }
        if !is_period(a.period) {
            out.push(
                stack
                    .error(
                        Code::Mon006,
                        &format!("{base}.period"),
                        format!("{} s is not a CloudWatch alarm period", a.period),
                    )
                    .help("use 10, 30, or a multiple of 60 seconds (60, 300, 3600)"),
            );
        }
        if a.evaluation_periods == 0
            || u64::from(a.period) * u64::from(a.evaluation_periods) > 86_400
        {
            out.push(
                stack
                    .error(
                        Code::Mon006,
                        &format!("{base}.evaluation_periods"),
                        format!("{} periods of {} s", a.evaluation_periods, a.period),
                    )
                    .help("evaluate at least 1 period, and at most one day in total"),
            );
        }
        if let Some(m) = a.datapoints_to_alarm
            && (m == 0 || m > a.evaluation_periods)
        {
            out.push(
                stack
                    .error(
                        Code::Mon006,
                        &format!("{base}.datapoints_to_alarm"),
                        format!("{m} of {} periods", a.evaluation_periods),
                    )
                    .help("give 1 to evaluation_periods"),
            );
        }
        match &a.notify {
            Some(list) => {
                for (i, t) in list.iter().enumerate() {
                    if !spec.topics.contains_key(t) {
                        out.push(unknown(
                            stack,
                            Code::Mon007,
                            &format!("{base}.notify[{i}]"),
                            "topic",
                            t,
                            spec.topics.keys(),
                        ));
                    }
                }
                if list.is_empty() {
                    out.push(
                        stack
                            .error(
                                Code::Mon007,
                                &format!("{base}.notify"),
                                "the alarm notifies nobody",
                            )
                            .help("name a topic from 'topics:'"),
                    );
                }
            }
            None if spec.topics.is_empty() => out.push(
                stack
                    .error(
                        Code::Mon007,
                        &base,
                        "the alarm notifies nobody: the stack has no topic",
                    )
                    .help("add a topic, e.g. topics: { alerts: { emails: [ops@example.com] } }"),
            ),
            None => {}
        }
    }
    out.extend(check_dashboard(stack));
    if let Some(k) = &spec.logs.kms_key {
        if !spec.keys.contains_key(k) {
            out.push(unknown(
                stack,
                Code::Mon014,
                "logs.kms_key",
                "key",
                k,
                spec.keys.keys(),
            ));
        } else if spec.logs.service_key {
            out.push(
                stack
                    .error(
                        Code::Mon014,
                        "logs.service_key",
                        "'service_key: true' and 'kms_key' contradict each other",
                    )
                    .help(
                        "keep one: kms_key names the key, service_key keeps CloudWatch Logs' own",
                    ),
            );
        }
    }
    out
}

/// An alarm on a metric the component publishes (MON003, MON004), with a
/// threshold a percentage can reach (MON005).
fn check_metric(
    stack: &ResolvedStack,
    base: &str,
    a: &crate::spec::monitoring::AlarmSpec,
    metric: &str,
) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let mut out = Vec::new();
    match watched(spec, &a.on) {
        None => {
            let names = watchable_names(spec);
            let help = match did_you_mean(&a.on, names.iter().map(String::as_str)) {
                Some(s) => format!(
                    "did you mean '{s}'? Components with metrics: {}",
                    nearest_names(&a.on, names.iter().map(String::as_str))
                ),
                None => format!(
                    "components with metrics: {}",
                    nearest_names(&a.on, names.iter().map(String::as_str))
                ),
            };
            out.push(
                stack
                    .error(
                        Code::Mon003,
                        &format!("{base}.on"),
                        format!("there is no component '{}' to watch", a.on),
                    )
                    .help(help),
            );
        }
        Some(w) => {
            let list: Vec<_> = w.metrics.iter().map(|p| p.metric).collect();
            if !list.iter().any(|m| m.name == metric) {
                let names = w.names();
                let help = match did_you_mean(metric, names.iter().copied()) {
                    Some(s) => format!(
                        "did you mean '{s}'? A {} publishes: {}",
                        w.noun,
                        names.join(", ")
                    ),
                    None => format!("a {} publishes: {}", w.noun, names.join(", ")),
                };
                out.push(
                    stack
                        .error(
                            Code::Mon004,
                            &format!("{base}.metric"),
                            format!("{} '{}' does not publish '{}'", w.noun, a.on, metric),
                        )
                        .help(help),
                );
            } else if list.iter().any(|m| m.name == metric && m.unit == "percent")
                && a.above
                    .or(a.below)
                    .is_some_and(|x| !(0.0..=100.0).contains(&x))
            {
                out.push(
                    stack
                        .error(
                            Code::Mon005,
                            base,
                            format!(
                                "'{}' is a percentage; the threshold is outside 0-100",
                                metric
                            ),
                        )
                        .help("give a threshold from 0 to 100"),
                );
            }
        }
    }
    out
}

/// A topic's Slack channel and HTTPS endpoints: ids Chatbot accepts, and
/// no credential written into a URL.
fn check_destinations(stack: &ResolvedStack, base: &str, topic: &TopicSpec) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(slack) = &topic.slack {
        for (field, id, example) in [
            ("workspace", &slack.workspace, "T0123ABCD"),
            ("channel", &slack.channel, "C0123ABCD"),
        ] {
            if id.is_empty() || id.len() > 256 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                out.push(
                    stack
                        .error(
                            Code::Mon012,
                            &format!("{base}.slack.{field}"),
                            format!("'{id}' is not a Slack {field} id"),
                        )
                        .help(format!(
                            "write the id (letters and digits, e.g. {example}), not the name"
                        )),
                );
            }
        }
    }
    for (i, endpoint) in topic.https.iter().enumerate() {
        let field = format!("{base}.https[{i}]");
        match (&endpoint.url, &endpoint.secret) {
            (Some(url), None) => {
                if !url.starts_with("https://") {
                    out.push(
                        stack
                            .error(
                                Code::Mon013,
                                &format!("{field}.url"),
                                format!("'{url}' is not an https:// URL"),
                            )
                            .help("SNS delivers to HTTPS endpoints only here: write https://..."),
                    );
                } else if url_holds_credential(url) {
                    out.push(
                        stack
                            .error(Code::Mon013, &format!("{field}.url"), "this URL carries a key: it would be written into the template")
                            .help("keep the URL in a secret ('secrets: { pagerduty: { arn: ... } }') and write 'https: [{ secret: pagerduty }]'"),
                    );
                }
            }
            (None, Some(secret)) => {
                if !stack.spec.secrets.contains_key(secret) {
                    out.push(unknown(
                        stack,
                        Code::Mon013,
                        &format!("{field}.secret"),
                        "secret",
                        secret,
                        stack.spec.secrets.keys(),
                    ));
                }
            }
            _ => out.push(
                stack
                    .error(Code::Mon013, &field, "give either 'url' or 'secret'")
                    .help("e.g. { secret: pagerduty } for a URL that holds a key"),
            ),
        }
    }
    out
}

/// PagerDuty's integration URLs and query strings with a key or token in
/// them are credentials.
fn url_holds_credential(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.contains("/integration/")
        || ["token=", "key=", "secret=", "signature=", "sig="]
            .iter()
            .any(|k| lower.contains(&format!("?{k}")) || lower.contains(&format!("&{k}")))
}

/// A period CloudWatch accepts: 10 or 30 seconds (high resolution), or
/// whole minutes.
fn is_period(seconds: u32) -> bool {
    seconds == 10 || seconds == 30 || (seconds >= 60 && seconds.is_multiple_of(60))
}

/// `dashboard:` names components that publish what it shows.
fn check_dashboard(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let d = &spec.dashboard;
    let mut out = Vec::new();
    let names = watchable_names(spec);
    for (i, key) in d.hide.iter().enumerate() {
        if !names.contains(key) {
            out.push(unknown(
                stack,
                Code::Mon010,
                &format!("dashboard.hide[{i}]"),
                "component with metrics",
                key,
                names.iter(),
            ));
        }
    }
    for (i, c) in d.compare.iter().enumerate() {
        let base = format!("dashboard.compare[{i}]");
        if c.title.trim().is_empty() {
            out.push(
                stack
                    .error(
                        Code::Mon011,
                        &format!("{base}.title"),
                        "the graph has no title",
                    )
                    .help("say what the graph compares, e.g. 'CPU of every service'"),
            );
        }
        if c.on.is_empty() {
            out.push(
                stack
                    .error(
                        Code::Mon011,
                        &format!("{base}.on"),
                        "the graph compares nothing",
                    )
                    .help("list the components to compare, e.g. on: [web, api]"),
            );
        }
        for (j, key) in c.on.iter().enumerate() {
            let field = format!("{base}.on[{j}]");
            match watched(spec, key) {
                None => out.push(unknown(
                    stack,
                    Code::Mon010,
                    &field,
                    "component with metrics",
                    key,
                    names.iter(),
                )),
                Some(w) if w.find(&c.metric).is_none() => out.push(
                    stack
                        .error(
                            Code::Mon011,
                            &field,
                            format!("{} '{key}' does not publish '{}'", w.noun, c.metric),
                        )
                        .help(format!("a {} publishes: {}", w.noun, w.names().join(", "))),
                ),
                Some(_) => {}
            }
        }
    }
    if !is_period(d.period) {
        out.push(
            stack
                .error(
                    Code::Mon011,
                    "dashboard.period",
                    format!("{} s is not a CloudWatch period", d.period),
                )
                .help("use 10, 30, or a multiple of 60 seconds (60, 300, 3600)"),
        );
    }
    out
}

/// `there is no <what> '<name>'`, with a suggestion from `names`.
pub fn unknown<'a>(
    stack: &ResolvedStack,
    code: Code,
    field: &str,
    what: &str,
    name: &str,
    names: impl Iterator<Item = &'a String> + Clone,
) -> Diagnostic {
    let all: Vec<&str> = names.map(String::as_str).collect();
    let help = match did_you_mean(name, all.iter().copied()) {
        Some(s) => format!("did you mean '{s}'?"),
        None if all.is_empty() => format!("declare it first; this stack has no {what}"),
        None => format!("use one of: {}", nearest_names(name, all)),
    };
    stack
        .error(code, field, format!("there is no {what} '{name}'"))
        .help(help)
}
