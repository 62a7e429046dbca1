//! L2 identity: Cognito user pools, their app clients, hosted domain and
//! federated identity providers whose client secrets stay in Secrets
//! Manager (dynamic references, resolved by CloudFormation at deploy time).

use std::collections::BTreeMap;

use super::Ctx;
use super::connect::Component;
use super::data::secrets::secret_name;
use crate::naming::pascal;
use crate::spec::identity::{
    ClientSecret, IdentityProvider, Mfa, ProviderKind, ProviderType, SignIn, UserPoolSpec,
};
use crate::template::cognito::user_pool::{
    AccountRecoverySetting, AdminCreateUserConfig, PasswordPolicy, Policies, RecoveryOption,
    UsernameConfiguration,
};
use crate::template::cognito::user_pool_client::TokenValidityUnits;
use crate::template::cognito::{
    UserPool, UserPoolClient, UserPoolDomain, UserPoolIdentityProvider,
};
use crate::template::iam::Statement;
use crate::template::{Expr, Policy, Template};

pub fn pool_id(name: &str) -> String {
    format!("{}UserPool", pascal(name))
}

pub fn client_id(pool: &str, client: &str) -> String {
    format!("{}{}Client", pool_id(pool), pascal(client))
}

pub fn build_pool(
    t: &mut Template,
    ctx: &mut Ctx,
    name: &str,
    spec: &UserPoolSpec,
    identity_providers: &[IdentityProvider],
) {
    let id = pool_id(name);
    let email = spec.sign_in.contains(&SignIn::Email);
    let phone = spec.sign_in.contains(&SignIn::Phone);
    let username = spec.sign_in.contains(&SignIn::Username);
    // With a username, email and phone are aliases of it; without one,
    // they are the username.
    let attrs: Vec<Expr> = [(email, "email"), (phone, "phone_number")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, a)| Expr::from(*a))
        .collect();
    let (username_attributes, alias_attributes) = if username {
        (None, (!attrs.is_empty()).then(|| attrs.clone()))
    } else {
        (Some(attrs.clone()), None)
    };
    let pw = &spec.password;
    let mut tags: BTreeMap<String, Expr> =
        BTreeMap::from([("Name".to_string(), Expr::from(ctx.names.physical(name)))]);
    for tag in &ctx.tags {
        tags.insert(tag.key.clone(), tag.value.clone());
    }
    let r = t.add(
        &id,
        UserPool {
            user_pool_name: Some(
                spec.name
                    .clone()
                    .unwrap_or_else(|| ctx.names.physical(name))
                    .into(),
            ),
            username_attributes,
            alias_attributes,
            // Cognito verifies the address before it can recover an account.
            auto_verified_attributes: Some(if email {
                vec!["email".into()]
            } else {
                attrs.clone()
            }),
            username_configuration: Some(UsernameConfiguration {
                case_sensitive: Some(false.into()),
            }),
            policies: Some(Policies {
                password_policy: Some(PasswordPolicy {
                    minimum_length: Some(pw.min_length.into()),
                    require_lowercase: Some(pw.lowercase.into()),
                    require_uppercase: Some(pw.uppercase.into()),
                    require_numbers: Some(pw.numbers.into()),
                    require_symbols: Some(pw.symbols.into()),
                    temporary_password_validity_days: Some(pw.temporary_days.into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            mfa_configuration: Some(
                match spec.mfa {
                    Mfa::Off => "OFF",
                    Mfa::Optional => "OPTIONAL",
                    Mfa::Required => "ON",
                }
                .into(),
            ),
            enabled_mfas: (spec.mfa != Mfa::Off).then(|| vec!["SOFTWARE_TOKEN_MFA".into()]),
            account_recovery_setting: Some(AccountRecoverySetting {
                recovery_mechanisms: Some(vec![RecoveryOption {
                    name: Some(
                        if email || !phone {
                            "verified_email"
                        } else {
                            "verified_phone_number"
                        }
                        .into(),
                    ),
                    priority: Some(1.into()),
                }]),
            }),
            admin_create_user_config: Some(AdminCreateUserConfig {
                allow_admin_create_user_only: Some((!spec.self_sign_up).into()),
                ..Default::default()
            }),
            deletion_protection: Some(
                if spec.deletion_protection {
                    "ACTIVE"
                } else {
                    "INACTIVE"
                }
                .into(),
            ),
            user_pool_tags: Some(tags),
            ..Default::default()
        },
    );
    // The pool holds the users: losing it loses every account.
    super::data::keep(
        r,
        ctx,
        spec.retain,
        Policy::Retain,
        &format!("user_pools.{name}"),
    );

    if let Some(prefix) = &spec.domain {
        t.add(
            format!("{id}Domain"),
            UserPoolDomain {
                domain: prefix.clone().into(),
                user_pool_id: Expr::r#ref(&id),
                ..Default::default()
            },
        );
    }

    let mut providers = Vec::new();
    // Secrets this stack creates, with the JSON keys its providers read.
    let mut generated: Vec<(String, String, Vec<String>)> = Vec::new();
    for ((key, idp), provider) in spec.identity_providers.iter().zip(identity_providers) {
        let ClientSecret {
            secret,
            spec: secret_spec,
            json_key,
        } = &provider.client_secret;
        // A literal dynamic reference: CloudFormation resolves it at deploy
        // time; the template names the secret, never its value.
        let secret_ref = match &secret_spec.arn {
            Some(arn) => arn.clone(),
            None => secret_name(ctx, secret, secret_spec),
        };
        let value = Expr::from(format!(
            "{{{{resolve:secretsmanager:{secret_ref}:SecretString:{json_key}}}}}"
        ));
        let pname = provider.name.clone();
        let mut details = BTreeMap::from([
            ("client_id".to_string(), Expr::from(idp.client_id.clone())),
            ("client_secret".to_string(), value),
        ]);
        let default_scopes = match idp.r#type {
            ProviderType::Google => "openid email profile",
            ProviderType::Oidc => "openid email profile",
        };
        details.insert(
            "authorize_scopes".into(),
            idp.scopes
                .as_ref()
                .map(|s| s.join(" "))
                .unwrap_or_else(|| default_scopes.into())
                .into(),
        );
        if let ProviderKind::Oidc { issuer } = &provider.kind {
            details.insert("oidc_issuer".into(), issuer.clone().into());
            details.insert("attributes_request_method".into(), "GET".into());
        }
        let mut mapping = idp.attributes.clone();
        if mapping.is_empty() {
            mapping.insert("email".into(), "email".into());
        }
        let pid = format!("{id}{}Provider", pascal(key));
        t.add(
            &pid,
            UserPoolIdentityProvider {
                user_pool_id: Expr::r#ref(&id),
                provider_name: pname.clone().into(),
                provider_type: match idp.r#type {
                    ProviderType::Google => "Google",
                    ProviderType::Oidc => "OIDC",
                }
                .into(),
                provider_details: details,
                attribute_mapping: Some(mapping.into_iter().map(|(k, v)| (k, v.into())).collect()),
                ..Default::default()
            },
        );
        providers.push((key.clone(), pname, pid));
        if secret_spec.arn.is_none() {
            match generated.iter_mut().find(|(s, _, _)| s == secret) {
                Some((_, _, keys)) => keys.push(json_key.clone()),
                None => generated.push((secret.clone(), secret_ref, vec![json_key.clone()])),
            }
        }
    }

    // The stack creates the secret with generated text, and CloudFormation
    // resolves the providers' references in the same deploy: the first
    // deploy must leave the providers out, or it fails.
    for (secret, physical, keys) in generated {
        ctx.notes.push(format!(
            "user_pools.{name}: the identity providers read their client secrets from secret '{secret}' ({}), which this stack creates; CloudFormation resolves them when it creates the providers, so the first deploy needs --set user_pools.{name}.identity_providers=~, then put {{{}}} into the secret, then deploy without --set",
            physical,
            keys.iter()
                .map(|k| format!("\"{k}\": ..."))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for (ckey, c) in &spec.clients {
        let cid = client_id(name, ckey);
        let mut supported: Vec<Expr> = vec!["COGNITO".into()];
        let mut depends = Vec::new();
        for (pkey, pname, pid) in &providers {
            if c.identity_providers
                .as_ref()
                .is_none_or(|list| list.contains(pkey))
            {
                supported.push(pname.clone().into());
                // A client may name a provider only once it exists.
                depends.push(pid.clone());
            }
        }
        let oauth = c.oauth.as_ref();
        let r = t.add(
            &cid,
            UserPoolClient {
                user_pool_id: Expr::r#ref(&id),
                client_name: Some(ctx.names.physical(&format!("{name}-{ckey}")).into()),
                generate_secret: Some((!c.public).into()),
                access_token_validity: Some(c.tokens.access.value.into()),
                id_token_validity: Some(c.tokens.id.value.into()),
                refresh_token_validity: Some(c.tokens.refresh.value.into()),
                token_validity_units: Some(TokenValidityUnits {
                    access_token: Some(c.tokens.access.unit.as_str().into()),
                    id_token: Some(c.tokens.id.unit.as_str().into()),
                    refresh_token: Some(c.tokens.refresh.unit.as_str().into()),
                }),
                // SRP keeps the password off the wire; refresh for sessions.
                explicit_auth_flows: Some(vec![
                    "ALLOW_USER_SRP_AUTH".into(),
                    "ALLOW_REFRESH_TOKEN_AUTH".into(),
                ]),
                prevent_user_existence_errors: Some("ENABLED".into()),
                enable_token_revocation: Some(true.into()),
                allowed_oauth_flows_user_pool_client: oauth.map(|_| true.into()),
                allowed_oauth_flows: oauth
                    .map(|o| o.flows.iter().map(|f| f.as_str().into()).collect()),
                allowed_oauth_scopes: oauth.map(|o| o.scopes.iter().map(Expr::from).collect()),
                callback_urls: oauth.map(|o| o.callback_urls.iter().map(Expr::from).collect()),
                logout_urls: oauth
                    .filter(|o| !o.logout_urls.is_empty())
                    .map(|o| o.logout_urls.iter().map(Expr::from).collect()),
                supported_identity_providers: Some(supported),
                ..Default::default()
            },
        );
        for d in depends {
            r.depends_on(d);
        }
    }

    // A connecting service gets the pool's ids and may administer its users
    // (the document's "task role: Cognito operations").
    let arn = Expr::get_att(&id, "Arn");
    let mut c = Component::new(name, &crate::kinds::user_pool::UserPools);
    c.read_grants.push(Statement::allow(
        &format!("Read{}Users", pascal(name)),
        &[
            "cognito-idp:AdminGetUser",
            "cognito-idp:ListUsers",
            "cognito-idp:AdminListGroupsForUser",
        ],
        vec![arn.clone()],
    ));
    c.write_grants.push(Statement::allow(
        &format!("Manage{}Users", pascal(name)),
        &[
            "cognito-idp:AdminCreateUser",
            "cognito-idp:AdminUpdateUserAttributes",
            "cognito-idp:AdminDisableUser",
            "cognito-idp:AdminEnableUser",
            "cognito-idp:AdminDeleteUser",
            "cognito-idp:AdminAddUserToGroup",
            "cognito-idp:AdminRemoveUserFromGroup",
            "cognito-idp:AdminUserGlobalSignOut",
        ],
        vec![arn],
    ));
    c.environment
        .push(("USER_POOL_ID".into(), Expr::r#ref(&id)));
    if let Some(first) = spec.clients.keys().next() {
        c.environment
            .push(("CLIENT_ID".into(), Expr::r#ref(client_id(name, first))));
    }
    ctx.components.register(c);
}
