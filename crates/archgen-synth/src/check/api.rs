//! Rules for `api:`.

use super::is_name;
use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::spec::ResolvedStack;
use crate::spec::api::LOAD_BALANCER;
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
    out
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
    use super::valid_route_key;

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
