//! Rules for `user_pools:`.

use super::is_name;
use super::monitoring::unknown;
use crate::diagnostic::{Code, Diagnostic};
use crate::spec::ResolvedStack;
use crate::spec::identity::{Lifetime, ProviderType, SecretValue};

/// Cognito's limits on token lifetimes, in minutes.
const ACCESS_ID_RANGE: (u64, u64) = (5, 24 * 60);
const REFRESH_RANGE: (u64, u64) = (60, 3650 * 24 * 60);

pub fn check(stack: &ResolvedStack) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = &stack.spec;
    for (name, pool) in &spec.user_pools {
        let base = format!("user_pools.{name}");
        if !is_name(name, 64) {
            out.push(
                stack
                    .error(
                        Code::Idn001,
                        &base,
                        format!("user pool key '{name}' cannot name a pool"),
                    )
                    .help("use lowercase letters, digits and hyphens, starting with a letter"),
            );
        }
        if pool.sign_in.is_empty() {
            out.push(
                stack
                    .error(
                        Code::Idn007,
                        &format!("{base}.sign_in"),
                        "users need something to sign in with",
                    )
                    .help("e.g. sign_in: [email] or [email, username]"),
            );
        }
        let pw = &pool.password;
        if !(6..=99).contains(&pw.min_length) {
            out.push(
                stack
                    .error(
                        Code::Idn008,
                        &format!("{base}.password.min_length"),
                        format!("minimum length {} is out of range", pw.min_length),
                    )
                    .help("Cognito allows 6 to 99"),
            );
        }
        if pw.temporary_days > 365 {
            out.push(
                stack
                    .error(
                        Code::Idn008,
                        &format!("{base}.password.temporary_days"),
                        format!("{} days is out of range", pw.temporary_days),
                    )
                    .help("Cognito allows 0 to 365 days"),
            );
        }
        if let Some(d) = &pool.domain {
            let lower = d.to_ascii_lowercase();
            if !is_name(d, 63)
                || ["aws", "amazon", "cognito"]
                    .iter()
                    .any(|w| lower.contains(w))
            {
                out.push(
                    stack
                        .error(Code::Idn002, &format!("{base}.domain"), format!("'{d}' cannot be a Cognito domain prefix"))
                        .help("use lowercase letters, digits and hyphens, without 'aws', 'amazon' or 'cognito'"),
                );
            }
        }
        for (key, idp) in &pool.identity_providers {
            let ib = format!("{base}.identity_providers.{key}");
            let pname = idp.provider_name(key);
            if !(3..=32).contains(&pname.len()) || pname.contains(['_', ' ']) {
                out.push(
                    stack
                        .error(Code::Idn004, &ib, format!("'{pname}' cannot name an identity provider"))
                        .help("Cognito provider names are 3 to 32 characters without spaces or '_'; set 'name', e.g. name: X-Twitter"),
                );
            }
            match &idp.client_secret {
                SecretValue::Literal => out.push(
                    stack
                        .error(Code::Idn003, &format!("{ib}.client_secret"), "a client secret is written into the spec")
                        .help("keep it in Secrets Manager and refer to it: client_secret: { secret: <key under secrets:>, key: <JSON field> }; then rotate the exposed secret with the provider"),
                ),
                SecretValue::Secret { secret, .. } if !spec.secrets.contains_key(secret) => {
                    out.push(unknown(stack, Code::Idn003, &format!("{ib}.client_secret.secret"), "secret", secret, spec.secrets.keys()));
                }
                SecretValue::Secret { secret, .. }
                    if spec.secrets.get(secret).is_some_and(|s| s.rotation_days.is_some()) =>
                {
                    // A random value would overwrite the provider's secret.
                    out.push(
                        stack
                            .error(Code::Idn013, &format!("secrets.{secret}.rotation_days"), format!("identity provider '{key}' reads its client secret from this secret, which the provider issues: a random value would break sign-in"))
                            .help("remove 'rotation_days'; rotate the client secret with the provider, then store the new value in the secret"),
                    );
                }
                _ => {}
            }
            match (idp.r#type, &idp.issuer) {
                (ProviderType::Oidc, None) => out.push(
                    stack
                        .error(Code::Idn004, &ib, "an OIDC provider needs 'issuer'")
                        .help("e.g. issuer: https://access.line.me"),
                ),
                (ProviderType::Oidc, Some(i)) if !i.starts_with("https://") => out.push(
                    stack
                        .error(
                            Code::Idn004,
                            &format!("{ib}.issuer"),
                            format!("issuer '{i}' is not an https URL"),
                        )
                        .help("give the provider's issuer URL, e.g. https://access.line.me"),
                ),
                (ProviderType::Google, Some(_)) => out.push(
                    stack
                        .error(
                            Code::Idn004,
                            &format!("{ib}.issuer"),
                            "Google's issuer is fixed",
                        )
                        .help("remove 'issuer'"),
                ),
                _ => {}
            }
        }
        for (ckey, c) in &pool.clients {
            let cb = format!("{base}.clients.{ckey}");
            let lifetime = |out: &mut Vec<Diagnostic>,
                            what: &str,
                            l: Lifetime,
                            (lo, hi): (u64, u64),
                            help: &str| {
                if !(lo..=hi).contains(&l.minutes()) {
                    out.push(
                        stack
                            .error(
                                Code::Idn005,
                                &format!("{cb}.tokens.{what}"),
                                format!(
                                    "a {what} token lifetime of {l} is outside Cognito's range"
                                ),
                            )
                            .help(help.to_string()),
                    );
                }
            };
            lifetime(
                &mut out,
                "access",
                c.tokens.access,
                ACCESS_ID_RANGE,
                "access tokens live 5 minutes to 1 day (5m to 24h)",
            );
            lifetime(
                &mut out,
                "id",
                c.tokens.id,
                ACCESS_ID_RANGE,
                "ID tokens live 5 minutes to 1 day (5m to 24h)",
            );
            lifetime(
                &mut out,
                "refresh",
                c.tokens.refresh,
                REFRESH_RANGE,
                "refresh tokens live 1 hour to 10 years (1h to 3650d)",
            );
            if let Some(o) = &c.oauth {
                if o.callback_urls.is_empty() {
                    out.push(
                        stack
                            .error(
                                Code::Idn006,
                                &format!("{cb}.oauth.callback_urls"),
                                "OAuth needs at least one callback URL",
                            )
                            .help("e.g. callback_urls: [https://app.example.com/callback]"),
                    );
                }
                for (i, u) in o.callback_urls.iter().chain(&o.logout_urls).enumerate() {
                    let local = u.starts_with("http://localhost");
                    if !u.starts_with("https://") && !local && !u.contains("://") {
                        out.push(
                            stack
                                .error(Code::Idn006, &format!("{cb}.oauth"), format!("'{u}' (URL {}) is not a URL", i + 1))
                                .help("use https:// (http:// only for localhost), or an app scheme such as myapp://callback"),
                        );
                    } else if u.starts_with("http://") && !local {
                        out.push(
                            stack
                                .error(
                                    Code::Idn006,
                                    &format!("{cb}.oauth"),
                                    format!("'{u}' sends tokens over plain HTTP"),
                                )
                                .help("use https:// (Cognito allows http:// only for localhost)"),
                        );
                    }
                }
            }
            for (i, p) in c.identity_providers.iter().flatten().enumerate() {
                if !pool.identity_providers.contains_key(p) {
                    out.push(unknown(
                        stack,
                        Code::Idn006,
                        &format!("{cb}.identity_providers[{i}]"),
                        "identity provider",
                        p,
                        pool.identity_providers.keys(),
                    ));
                }
            }
        }
    }
    out
}
