//! Rules for `api:`.

use super::is_name;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::spec::ResolvedStack;
use crate::spec::api::LOAD_BALANCER;
use crate::spec::app::{Ingress, RouteFrom, Scheme};
use crate::template::logs::RETENTION_DAYS;

const METHODS: &[&str] = &[
    "ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
];

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = &stack.spec;
    let Some(api) = &spec.api else { return out };
    if let Some(auth) = &api.authorizer {
        match spec.user_pools.get(&auth.user_pool) {
            None => out.push(
                stack
                    .error(
                        Code::Api004,
                        "api.authorizer.user_pool",
                        format!("there is no user pool '{}'", auth.user_pool),
                    )
                    .help(
                        match did_you_mean(
                            &auth.user_pool,
                            spec.user_pools.keys().map(String::as_str),
                        ) {
                            Some(p) => format!("did you mean '{p}'?"),
                            None => "declare it under 'user_pools:'".into(),
                        },
                    ),
            ),
            Some(pool) => {
                if auth.clients.is_empty() {
                    out.push(
                        stack
                            .error(
                                Code::Api004,
                                "api.authorizer.clients",
                                "the authorizer accepts no client",
                            )
                            .help("list the app clients whose tokens the API accepts"),
                    );
                }
                for (i, c) in auth.clients.iter().enumerate() {
                    if !pool.clients.contains_key(c) {
                        out.push(
                            stack
                                .error(
                                    Code::Api004,
                                    &format!("api.authorizer.clients[{i}]"),
                                    format!("user pool '{}' has no client '{c}'", auth.user_pool),
                                )
                                .help(format!(
                                    "clients of that pool: {}",
                                    nearest_names(c, pool.clients.keys().map(String::as_str))
                                )),
                        );
                    }
                }
            }
        }
    }
    if api.throttling.rate == 0 {
        out.push(
            stack
                .error(
                    Code::Api005,
                    "api.throttling.rate",
                    "a rate of 0 rejects every request",
                )
                .help("give the steady-state requests per second, e.g. 50"),
        );
    }
    if !RETENTION_DAYS.contains(&api.log_retention_days) {
        out.push(
            stack
                .error(
                    Code::Api010,
                    "api.log_retention_days",
                    format!(
                        "{} days is not a CloudWatch Logs retention period",
                        api.log_retention_days
                    ),
                )
                .help("use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ..."),
        );
    }
    out.extend(super::unknown_tier(
        stack,
        Code::Api003,
        "api.tier",
        &api.tier,
        "name a private tier of the network",
    ));
    if api.routes.is_empty() {
        out.push(
            stack
                .error(
                    Code::Api001,
                    "api.routes",
                    "an API needs at least one route",
                )
                .help("e.g. routes: { app: { key: 'ANY /{proxy+}', target: load-balancer } }"),
        );
    }
    let mut keys: Vec<&str> = Vec::new();
    for (name, route) in &api.routes {
        let base = format!("api.routes.{name}");
        if !is_name(name, 32) {
            out.push(
                stack
                    .error(
                        Code::Api006,
                        &base,
                        format!("route name '{name}' cannot be used in logical ids"),
                    )
                    .help("use lowercase letters, digits and hyphens"),
            );
        }
        if !valid_route_key(&route.key) {
            out.push(
                stack
                    .error(
                        Code::Api007,
                        &format!("{base}.key"),
                        format!("'{}' is not a route key", route.key),
                    )
                    .help(format!(
                        "write 'METHOD /path' with METHOD one of {}, or '$default'",
                        METHODS.join(", ")
                    )),
            );
        } else if keys.contains(&route.key.as_str()) {
            out.push(
                stack
                    .error(
                        Code::Api002,
                        &format!("{base}.key"),
                        format!("route key '{}' is used twice", route.key),
                    )
                    .help("give every route its own method and path"),
            );
        }
        keys.push(&route.key);
        if route.target == LOAD_BALANCER {
            if spec.load_balancer.is_none() {
                out.push(
                    stack
                        .error(
                            Code::Api008,
                            &format!("{base}.target"),
                            "the stack has no load balancer",
                        )
                        .help("add 'load_balancer:', or target a function"),
                );
            }
        } else if !spec.functions.contains_key(&route.target) {
            let mut targets: Vec<&str> = vec![LOAD_BALANCER];
            targets.extend(spec.functions.keys().map(String::as_str));
            out.push(
                stack
                    .error(
                        Code::Api008,
                        &format!("{base}.target"),
                        format!("there is no route target '{}'", route.target),
                    )
                    .help(match did_you_mean(&route.target, targets.iter().copied()) {
                        Some(t) => format!(
                            "did you mean '{t}'? Targets: {}",
                            nearest_names(&route.target, targets.iter().copied())
                        ),
                        None => format!(
                            "targets: {}",
                            nearest_names(&route.target, targets.iter().copied())
                        ),
                    }),
            );
        }
        if route.auth && api.authorizer.is_none() {
            out.push(
                stack
                    .error(Code::Api009, &format!("{base}.auth"), format!("route '{name}' requires a token but the API has no authorizer"))
                    .help("add 'authorizer: { user_pool: ..., clients: [...] }', or set 'auth: false' for a public route"),
            );
        }
    }
    out.extend(authorizer_bypasses(stack));
    out
}

/// API011: a route that checks a token reaches a service through the load
/// balancer; the same service must not answer the same paths to someone
/// who reaches the load balancer directly (from the internet, or through
/// a CloudFront behaviour on the load balancer), as that skips the check.
fn authorizer_bypasses(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let spec = &stack.spec;
    let mut out = Vec::new();
    let (Some(api), Some(lb)) = (&spec.api, &spec.load_balancer) else {
        return out;
    };
    if api.authorizer.is_none() || lb.scheme == Scheme::Internal {
        return out;
    }
    for (name, route) in &api.routes {
        if route.target != LOAD_BALANCER || !route.auth || route.direct_access.is_some() {
            continue;
        }
        let Some(path) = route_path_glob(&route.key) else {
            continue;
        };
        let Some(way_in) = direct_way_in(stack, lb.ingress, &path) else {
            continue;
        };
        let through_api = served_on(stack, &path, true);
        for service in served_on(stack, &path, false) {
            if !through_api.contains(&service) {
                continue;
            }
            out.push(
                stack
                    .error(
                        Code::Api011,
                        &format!("api.routes.{name}"),
                        format!(
                            "route '{name}' checks a token before '{service}', but {way_in} reaches '{service}' on {path} through the load balancer without it"
                        ),
                    )
                    .help(format!(
                        "give services.{service}.route 'from: api' so only the API's VPC link reaches that rule, or set 'direct_access: \"<why>\"' on api.routes.{name} if the direct way is intended"
                    )),
            );
        }
    }
    out
}

/// The route key's path as a listener-style glob: `{param}` and
/// `{proxy+}` match anything (`/api/{proxy+}` → `/api/*`).
fn route_path_glob(key: &str) -> Option<String> {
    if key == "$default" {
        return Some("/*".into());
    }
    let (_, path) = key.split_once(' ')?;
    let mut glob = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                glob.push('*');
            }
            _ if !in_param => glob.push(c),
            _ => {}
        }
    }
    Some(glob)
}

/// The text before the first wildcard.
fn literal_prefix(glob: &str) -> &str {
    glob.split(['*', '?']).next().unwrap_or(glob)
}

/// Whether some path matches both globs (conservatively: yes when one
/// literal prefix extends the other).
fn overlaps(a: &str, b: &str) -> bool {
    let (pa, pb) = (literal_prefix(a), literal_prefix(b));
    match (pa.len() == a.len(), pb.len() == b.len()) {
        (true, true) => a == b,
        (true, false) => a.starts_with(pb),
        (false, true) => b.starts_with(pa),
        (false, false) => pa.starts_with(pb) || pb.starts_with(pa),
    }
}

/// Whether every path `inner` matches, `outer` matches too.
fn covers(outer: &str, inner: &str) -> bool {
    let po = literal_prefix(outer);
    if po.len() == outer.len() {
        return outer == inner;
    }
    outer == format!("{po}*") && literal_prefix(inner).starts_with(po)
}

/// Who reaches the load balancer on `path` other than through the API, if
/// anyone: the internet, or a distribution whose behaviour for it has the
/// load balancer as origin.
fn direct_way_in(stack: &ResolvedStack, ingress: Ingress, path: &str) -> Option<String> {
    if ingress == Ingress::Internet {
        return Some("anyone on the internet".into());
    }
    for (key, d) in &stack.spec.cdn {
        let on_lb = |origin: &str| d.origins.get(origin).is_some_and(|o| o.load_balancer);
        let by_path = d
            .behaviors
            .values()
            .find(|b| overlaps(&b.path, path) && on_lb(&b.origin));
        if let Some(b) = by_path {
            return Some(format!("CloudFront ('cdn.{key}', behaviour {})", b.path));
        }
        let path_elsewhere = d
            .behaviors
            .values()
            .any(|b| covers(&b.path, path) && !on_lb(&b.origin));
        if on_lb(&d.default.origin) && !path_elsewhere {
            return Some(format!("CloudFront ('cdn.{key}', default behaviour)"));
        }
    }
    None
}

/// The services the listener may send a request on `path` to: every
/// service whose rule overlaps it, and the default route's service unless
/// a rule covers the whole path. A caller outside the VPC (`through_api`
/// false) does not match `from: api` rules.
fn served_on<'a>(stack: &'a ResolvedStack, path: &str, through_api: bool) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut covered = false;
    let mut default = None;
    for (key, s) in &stack.spec.services {
        let Some(route) = &s.route else { continue };
        if route.default {
            default = Some(key.as_str());
        }
        if !through_api && route.from == RouteFrom::Api {
            continue;
        }
        // A host condition narrows nothing for an attacker, who sets Host.
        let paths: Vec<&str> = if route.paths.is_empty() && !route.hosts.is_empty() {
            vec!["/*"]
        } else {
            route.paths.iter().map(String::as_str).collect()
        };
        if paths.iter().any(|p| overlaps(p, path)) {
            found.push(key.as_str());
        }
        covered |= paths.iter().any(|p| covers(p, path));
    }
    if !covered && let Some(d) = default {
        found.push(d);
    }
    found
}

fn valid_route_key(key: &str) -> bool {
    if key == "$default" {
        return true;
    }
    match key.split_once(' ') {
        Some((method, path)) => {
            METHODS.contains(&method) && path.starts_with('/') && !path.contains(' ')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{covers, overlaps, route_path_glob, valid_route_key};

    #[test]
    fn route_paths_become_listener_globs() {
        assert_eq!(route_path_glob("ANY /api/{proxy+}").unwrap(), "/api/*");
        assert_eq!(
            route_path_glob("GET /users/{id}/orders").unwrap(),
            "/users/*/orders"
        );
        assert_eq!(route_path_glob("$default").unwrap(), "/*");
    }

    #[test]
    fn globs_overlap_when_a_path_matches_both() {
        assert!(overlaps("/api/*", "/api/*"));
        assert!(overlaps("/*", "/api/*"));
        assert!(overlaps("/api/health", "/api/*"));
        assert!(!overlaps("/assets/*", "/api/*"));
        assert!(!overlaps("/api/health", "/api/ready"));
        assert!(covers("/api/*", "/api/orders/*"));
        assert!(!covers("/api/health", "/api/*"));
        assert!(!covers("/a*/x", "/api/*"));
    }

    #[test]
    fn route_keys_are_method_and_path_or_default() {
        assert!(valid_route_key("ANY /api/{proxy+}"));
        assert!(valid_route_key("GET /health"));
        assert!(valid_route_key("$default"));
        assert!(!valid_route_key("FETCH /x"));
        assert!(!valid_route_key("GET health"));
        assert!(!valid_route_key("/health"));
    }
}
