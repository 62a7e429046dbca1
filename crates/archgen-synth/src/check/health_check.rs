//! Rules for `health_check:` on a DNS record (MON037-MON039): the path
//! Route 53 requests, the topics its alarm notifies, and whether Route 53's
//! checkers (on the internet, over HTTPS on 443) can reach the name at all.

use super::monitoring::unknown;
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;
use crate::spec::app::{Ingress, Scheme};
use crate::spec::edge::{HealthCheckSpec, RecordSpec};

/// Route 53's limit on `ResourcePath`.
const MAX_PATH: usize = 255;

pub fn check(stack: &ResolvedStack, name: &str, record: &RecordSpec) -> Vec<Diagnostic> {
    let Some(hc) = &record.health_check else {
        return Vec::new();
    };
    let field = format!("dns.records.{name}.health_check");
    let mut out = Vec::new();
    if let Some(problem) = path_problem(&hc.path) {
        out.push(
            stack
                .error(
                    Code::Mon037,
                    &format!("{field}.path"),
                    format!("'{}' {problem}", hc.path),
                )
                .help("write the path Route 53 requests, e.g. path: /health"),
        );
    }
    out.extend(check_notify(stack, &field, hc));
    if record.load_balancer {
        out.extend(check_load_balancer(stack, &field, name));
    }
    out
}

fn path_problem(path: &str) -> Option<&'static str> {
    if !path.starts_with('/') {
        Some("does not start with '/'")
    } else if path.len() > MAX_PATH {
        Some("is longer than Route 53's 255 characters")
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("contains spaces or control characters")
    } else {
        None
    }
}

fn check_notify(stack: &ResolvedStack, field: &str, hc: &HealthCheckSpec) -> Vec<Diagnostic> {
    let topics = &stack.spec.topics;
    match &hc.notify {
        Some(list) if list.is_empty() => vec![
            stack
                .error(
                    Code::Mon038,
                    &format!("{field}.notify"),
                    "the health check's alarm notifies nobody",
                )
                .help("name a topic from 'topics:', or leave 'notify' out to notify every topic"),
        ],
        Some(list) => list
            .iter()
            .enumerate()
            .filter(|(_, t)| !topics.contains_key(*t))
            .map(|(i, t)| {
                unknown(
                    stack,
                    Code::Mon038,
                    &format!("{field}.notify[{i}]"),
                    "topic",
                    t,
                    topics.keys(),
                )
            })
            .collect(),
        None if topics.is_empty() => vec![
            stack
                .error(
                    Code::Mon038,
                    field,
                    "the health check's alarm notifies nobody: the stack has no topic",
                )
                .help("add a topic, e.g. topics: { alerts: { emails: [ops@example.com] } }"),
        ],
        None => Vec::new(),
    }
}

/// Route 53's checkers come from the internet, over HTTPS on 443.
fn check_load_balancer(stack: &ResolvedStack, field: &str, name: &str) -> Option<Diagnostic> {
    let lb = stack.spec.load_balancer.as_ref()?;
    let (problem, fix) = if lb.scheme == Scheme::Internal {
        (
            "the load balancer is internal: Route 53's checkers cannot reach it",
            "remove the health check, or check a public name (a distribution's) instead",
        )
    } else if lb.certificate.is_none() {
        (
            "the load balancer has no certificate, so nothing answers HTTPS on 443",
            "give load_balancer.certificate for this name",
        )
    } else if lb.ingress != Ingress::Internet {
        (
            "the load balancer admits only CloudFront, so Route 53's checkers are refused",
            "put the health check on the distribution's record instead",
        )
    } else {
        return None;
    };
    Some(
        stack
            .error(Code::Mon039, field, format!("'{name}': {problem}"))
            .help(fix),
    )
}

#[cfg(test)]
mod tests {
    use super::path_problem;

    #[test]
    fn a_path_starts_with_a_slash_and_fits_route_53() {
        assert_eq!(path_problem("/health"), None);
        assert_eq!(path_problem("/"), None);
        assert!(path_problem("health").is_some());
        assert!(path_problem("/a b").is_some());
        assert!(path_problem(&format!("/{}", "a".repeat(255))).is_some());
        assert_eq!(path_problem(&format!("/{}", "a".repeat(254))), None);
    }
}
