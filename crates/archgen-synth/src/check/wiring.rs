//! How services and functions are wired: their environment variables and
//! connections. Shared by the service (APP) and function (MSG) rules.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, did_you_mean, nearest_names};
use crate::kinds::Kind;
use crate::spec::ResolvedStack;
use crate::spec::app::{ComponentRef, SecretSpec};

/// Rule ids of one block: services or functions.
#[derive(Debug, Clone, Copy)]
pub struct Codes {
    pub unknown_component: Code,
    pub access_level: Code,
    pub credential: Code,
    pub duplicate_connection: Code,
    pub shadowed_variable: Code,
}

pub const SERVICES: Codes = Codes {
    unknown_component: Code::App044,
    access_level: Code::App015,
    credential: Code::App032,
    duplicate_connection: Code::App033,
    shadowed_variable: Code::App034,
};

pub const FUNCTIONS: Codes = Codes {
    unknown_component: Code::Msg004,
    access_level: Code::Msg004,
    credential: Code::Msg005,
    duplicate_connection: Code::Msg006,
    shadowed_variable: Code::Msg007,
};

/// Parts of a variable name that say it holds a credential.
const CREDENTIAL_WORDS: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "TOKEN"];
/// Suffixes that name where a credential is, not the credential itself.
const REFERENCE_SUFFIXES: &[&str] = &["_ARN", "_NAME", "_ID", "_URL", "_URI", "_PATH", "_FILE"];
/// Prefixes of AWS access key ids (long-term and temporary).
const ACCESS_KEY_PREFIXES: &[&str] = &["AKIA", "ASIA"];

/// Whether `name` looks like it holds a credential: `*PASSWORD*`,
/// `*SECRET*`, `*TOKEN*` or `*_KEY`, unless it names a reference to one
/// (`JWT_SECRET_ARN`).
pub fn credential_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if REFERENCE_SUFFIXES.iter().any(|s| upper.ends_with(s)) {
        return false;
    }
    CREDENTIAL_WORDS.iter().any(|w| upper.contains(w)) || upper.ends_with("_KEY")
}

/// Whether `value` holds an AWS access key id (`AKIA` + 16 upper-case
/// letters or digits).
pub fn has_access_key(value: &str) -> bool {
    value.as_bytes().windows(20).any(|window| {
        ACCESS_KEY_PREFIXES
            .iter()
            .any(|p| window.starts_with(p.as_bytes()))
            && window
                .iter()
                .skip(4)
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// A literal credential in `environment:` is written into the template for
/// anyone who can read it: it belongs in `secrets:`.
pub fn literal_credentials(
    stack: &ResolvedStack,
    base: &str,
    environment: &BTreeMap<String, String>,
    codes: Codes,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (var, value) in environment {
        if value.is_empty() {
            continue;
        }
        let move_it = format!(
            "move it to 'secrets:' (e.g. secrets: {{ {var}: <a secret of this stack> }} or {{ ssm: /parameter/name }}) so it is injected at run time and never in the template"
        );
        let (why, help) = if has_access_key(value) {
            (
                format!("the value of '{var}' holds an AWS access key id"),
                format!(
                    "{move_it}; better still, connect to what it reaches (connects_to) and let the task role grant access"
                ),
            )
        } else if credential_name(var) {
            (
                format!("'{var}' looks like a credential, and its value is written into the spec"),
                format!("{move_it}; if it is not a credential, rename the variable"),
            )
        } else {
            continue;
        };
        out.push(
            stack
                .error(codes.credential, &format!("{base}.environment.{var}"), why)
                .help(help),
        );
    }
    out
}

/// `connects_to` of workload `own` (`services.api`): each entry names a
/// component of this stack other than itself, once, with an access level
/// only where the kind takes one.
/// `secrets:` of a service or a function: each names a component that holds
/// a secret (or an SSM parameter or a secret ARN), and is not also a plain
/// variable. The same rules (APP022, APP045) for both kinds of workload.
pub fn secrets(
    stack: &ResolvedStack,
    base: &str,
    secrets: &BTreeMap<String, SecretSpec>,
    environment: &BTreeMap<String, String>,
    components: &BTreeMap<String, &'static dyn Kind>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (var, secret) in secrets {
        // `<stack>.<component>` is checked when the stacks are linked.
        if let SecretSpec::Component(name) = secret
            && (!name.contains('.') || components.contains_key(name))
            && !components
                .get(name)
                .is_some_and(|k| k.role().holds_secret())
        {
            out.push(
                    stack
                        .error(Code::App022, &format!("{base}.secrets.{var}"), format!("there is no secret-holding component '{name}'"))
                        .help("name a database or secret declared in this stack, or use { ssm: /parameter/name } or { secret_arn: arn:... }"),
                );
        }
        if environment.contains_key(var) {
            out.push(
                stack
                    .error(
                        Code::App045,
                        &format!("{base}.secrets.{var}"),
                        format!("'{var}' is both a secret and a plain variable"),
                    )
                    .help("remove it from 'environment'"),
            );
        }
    }
    out
}

pub fn connections(
    stack: &ResolvedStack,
    base: &str,
    own: &str,
    entries: &[ComponentRef],
    components: &BTreeMap<String, &'static dyn Kind>,
    codes: Codes,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let field = format!("{base}.connects_to[{i}]");
        let name = entry.key.as_str();
        // Only services can be both (functions are not connectable).
        if name == own {
            out.push(
                stack
                    .error(
                        Code::App014,
                        &field,
                        format!("service '{own}' connects to itself"),
                    )
                    .help("remove this entry"),
            );
            continue;
        }
        if let Some(&first) = seen.get(name) {
            out.push(
                stack
                    .error(
                        codes.duplicate_connection,
                        &field,
                        format!("'{name}' is already in connects_to (entry {})", first + 1),
                    )
                    .help(format!(
                        "list '{name}' once, with the access it needs ('{name}:read-write' for both)"
                    )),
            );
        } else {
            seen.insert(name, i);
        }
        match components.get(name) {
            // `<stack>.<component>` is checked when the stacks are linked.
            None if name.contains('.') => {}
            None => {
                let names = components.keys().map(String::as_str);
                let help = match did_you_mean(name, names.clone()) {
                    Some(c) => format!(
                        "did you mean '{c}'? Components: {}",
                        nearest_names(name, names)
                    ),
                    None => format!("components in this stack: {}", nearest_names(name, names)),
                };
                out.push(
                    stack
                        .error(
                            codes.unknown_component,
                            &field,
                            format!("there is no component '{name}' to connect to"),
                        )
                        .help(help),
                );
            }
            Some(kind) if entry.access.is_some() && !kind.role().takes_access() => out.push(
                stack
                    .error(
                        codes.access_level,
                        &field,
                        format!("a connection to a {} takes no access level", kind.noun()),
                    )
                    .help(format!("write '{name}'")),
            ),
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_are_recognised_and_references_are_not() {
        for yes in [
            "DB_PASSWORD",
            "JWT_SECRET",
            "github_token",
            "API_KEY",
            "STRIPE_SECRET_KEY",
        ] {
            assert!(credential_name(yes), "{yes}");
        }
        for no in [
            "NODE_ENV",
            "PORT",
            "JWT_SECRET_ARN",
            "TOKEN_URL",
            "KEYSPACE",
            "SECRET_NAME",
        ] {
            assert!(!credential_name(no), "{no}");
        }
    }

    #[test]
    fn aws_access_key_ids_are_found_in_values() {
        assert!(has_access_key("AKIAIOSFODNN7EXAMPLE"));
        assert!(has_access_key("key=ASIAIOSFODNN7EXAMPLE;"));
        assert!(!has_access_key("AKIA-not-a-key"));
        assert!(!has_access_key("production"));
    }
}
