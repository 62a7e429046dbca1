//! Identity: `user_pools:` (Cognito user pools with app clients, a hosted
//! domain and federated identity providers).

use crate::spec::yes;
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

use super::data::SecretSpec;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SignIn {
    Email,
    Username,
    Phone,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Mfa {
    Off,
    #[default]
    Optional,
    Required,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct UserPoolSpec {
    /// Physical name (default `<app>-<env>-<key>`).
    #[serde(default)]
    pub name: Option<String>,
    /// What users sign in with: `email`, `username`, `phone`.
    #[serde(default = "default_sign_in")]
    pub sign_in: Vec<SignIn>,
    #[serde(default)]
    pub password: PasswordSpec,
    /// One-time codes from an authenticator app (TOTP).
    #[serde(default)]
    pub mfa: Mfa,
    /// Users may sign themselves up (off: administrators create them).
    #[serde(default = "yes")]
    pub self_sign_up: bool,
    #[serde(default = "yes")]
    pub deletion_protection: bool,
    /// Keep the pool (its users) when the stack deletes or replaces it.
    #[serde(default = "yes")]
    pub retain: bool,
    /// Prefix of the hosted sign-in domain
    /// (`<prefix>.auth.<region>.amazoncognito.com`).
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub clients: IndexMap<String, ClientSpec>,
    #[serde(default)]
    pub identity_providers: IndexMap<String, IdentityProviderSpec>,
}

fn default_sign_in() -> Vec<SignIn> {
    vec![SignIn::Email]
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordSpec {
    #[serde(default = "default_min_length")]
    pub min_length: u32,
    #[serde(default = "yes")]
    pub lowercase: bool,
    #[serde(default = "yes")]
    pub uppercase: bool,
    #[serde(default = "yes")]
    pub numbers: bool,
    #[serde(default = "yes")]
    pub symbols: bool,
    /// Days an administrator-set temporary password stays valid (0-365).
    #[serde(default = "default_temporary")]
    pub temporary_days: u32,
}

fn default_min_length() -> u32 {
    12
}
fn default_temporary() -> u32 {
    7
}

impl Default for PasswordSpec {
    fn default() -> Self {
        PasswordSpec {
            min_length: default_min_length(),
            lowercase: true,
            uppercase: true,
            numbers: true,
            symbols: true,
            temporary_days: default_temporary(),
        }
    }
}

/// `5m`, `1h`, `30d`: a token lifetime as written, unit kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    pub value: u32,
    pub unit: TimeUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
        }
    }
}

impl Lifetime {
    pub fn minutes(self) -> u64 {
        let per = match self.unit {
            TimeUnit::Minutes => 1,
            TimeUnit::Hours => 60,
            TimeUnit::Days => 1440,
        };
        u64::from(self.value) * per
    }
}

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = match self.unit {
            TimeUnit::Minutes => "m",
            TimeUnit::Hours => "h",
            TimeUnit::Days => "d",
        };
        write!(f, "{}{u}", self.value)
    }
}

impl<'de> Deserialize<'de> for Lifetime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        // By character, not byte: the last character may be multi-byte ("5分").
        let mut chars = s.chars();
        let unit = match chars.next_back() {
            Some('m') => TimeUnit::Minutes,
            Some('h') => TimeUnit::Hours,
            Some('d') => TimeUnit::Days,
            _ => {
                return Err(de::Error::custom(format!(
                    "'{s}' is not a lifetime: write a number and m, h or d ('60m', '1h', '30d')"
                )));
            }
        };
        let num = chars.as_str();
        let value = num.parse::<u32>().map_err(|_| {
            de::Error::custom(format!(
                "'{s}' is not a lifetime: write a number and m, h or d ('60m', '1h', '30d')"
            ))
        })?;
        Ok(Lifetime { value, unit })
    }
}

yaml_shape!(Lifetime, "Lifetime", {
    "description": "A token lifetime: a number and m, h or d.",
    "type": "string",
    "pattern": "^\\+?[0-9]+[mhd]$",
    "examples": ["60m", "1h", "30d"]
});

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenSpec {
    #[serde(default = "one_hour")]
    pub access: Lifetime,
    #[serde(default = "one_hour")]
    pub id: Lifetime,
    #[serde(default = "thirty_days")]
    pub refresh: Lifetime,
}

fn one_hour() -> Lifetime {
    Lifetime {
        value: 1,
        unit: TimeUnit::Hours,
    }
}
fn thirty_days() -> Lifetime {
    Lifetime {
        value: 30,
        unit: TimeUnit::Days,
    }
}

impl Default for TokenSpec {
    fn default() -> Self {
        TokenSpec {
            access: one_hour(),
            id: one_hour(),
            refresh: thirty_days(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum OAuthFlow {
    Code,
    Implicit,
    ClientCredentials,
}

impl OAuthFlow {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthFlow::Code => "code",
            OAuthFlow::Implicit => "implicit",
            OAuthFlow::ClientCredentials => "client_credentials",
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OAuthSpec {
    #[serde(default = "default_flows")]
    pub flows: Vec<OAuthFlow>,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    pub callback_urls: Vec<String>,
    #[serde(default)]
    pub logout_urls: Vec<String>,
}

fn default_flows() -> Vec<OAuthFlow> {
    vec![OAuthFlow::Code]
}
fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "email".into(), "profile".into()]
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// A public client (mobile app, browser) gets no client secret.
    #[serde(default = "yes")]
    pub public: bool,
    #[serde(default)]
    pub tokens: TokenSpec,
    #[serde(default)]
    pub oauth: Option<OAuthSpec>,
    /// Identity providers offered by this client (default: all of the
    /// pool's, plus the pool's own sign-in).
    #[serde(default)]
    pub identity_providers: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProviderType {
    Google,
    Oidc,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IdentityProviderSpec {
    pub r#type: ProviderType,
    /// Name shown on the hosted sign-in page (default: the key).
    #[serde(default)]
    pub name: Option<String>,
    /// The OAuth client id issued by the provider (not a secret).
    pub client_id: String,
    /// Where the client secret lives: `{ secret: <secrets key>, key: <json key> }`.
    pub client_secret: SecretValue,
    /// OIDC issuer URL (`oidc` only).
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// User-pool attribute → provider claim (default: email → email).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// An identity provider as `check` reads it: its Cognito name, its kind
/// with what that kind needs, and the secret its client secret lives in.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityProvider {
    pub name: String,
    pub kind: ProviderKind,
    pub client_secret: ClientSecret,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProviderKind {
    Google,
    Oidc { issuer: String },
}

/// A field of a secret declared under `secrets:`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientSecret {
    /// The key under `secrets:`.
    pub secret: String,
    pub spec: SecretSpec,
    /// The JSON field holding the client secret.
    pub json_key: String,
}

impl IdentityProviderSpec {
    /// The name Cognito knows the provider by: `Google` for Google, else
    /// `name` (default: the key).
    pub fn provider_name(&self, key: &str) -> String {
        match self.r#type {
            ProviderType::Google => "Google".into(),
            ProviderType::Oidc => self.name.as_deref().unwrap_or(key).to_string(),
        }
    }

    /// The provider with its secret resolved against `secrets`; `None` when
    /// the client secret is a literal or names no declared secret, or an
    /// OIDC provider has no issuer (the rules report each).
    pub fn resolve(
        &self,
        key: &str,
        secrets: &IndexMap<String, SecretSpec>,
    ) -> Option<IdentityProvider> {
        let SecretValue::Secret {
            secret,
            key: json_key,
        } = &self.client_secret
        else {
            return None;
        };
        let kind = match (self.r#type, &self.issuer) {
            (ProviderType::Google, _) => ProviderKind::Google,
            (ProviderType::Oidc, Some(issuer)) => ProviderKind::Oidc {
                issuer: issuer.clone(),
            },
            (ProviderType::Oidc, None) => return None,
        };
        Some(IdentityProvider {
            name: self.provider_name(key),
            kind,
            client_secret: ClientSecret {
                secret: secret.clone(),
                spec: secrets.get(secret)?.clone(),
                json_key: json_key.clone(),
            },
        })
    }
}

/// A secret value given by reference: a Secrets Manager secret from
/// `secrets:` and a JSON key in it. A literal is kept only to be refused
/// with its line.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretValue {
    Literal,
    Secret { secret: String, key: String },
}

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Ref {
            secret: String,
            key: String,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SecretValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("{ secret: <key under secrets:>, key: <field of its JSON> }")
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<SecretValue, E> {
                Ok(SecretValue::Literal)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<SecretValue, E> {
                Ok(SecretValue::Literal)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<SecretValue, E> {
                Ok(SecretValue::Literal)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SecretValue, A::Error> {
                let r = Ref::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(SecretValue::Secret {
                    secret: r.secret,
                    key: r.key,
                })
            }
        }
        d.deserialize_any(V)
    }
}

yaml_shape!(SecretValue, "SecretValue", {
    "description": "A reference to a secret's field: `{ secret: <key under secrets:>, key: <field of its JSON> }`. A literal value is refused by `archgen check`.",
    "anyOf": [
        { "type": ["string", "integer"] },
        {
            "type": "object",
            "properties": {
                "secret": { "type": "string" },
                "key": { "type": "string" }
            },
            "required": ["secret", "key"],
            "additionalProperties": false
        }
    ]
});

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(yaml: &str) -> IdentityProviderSpec {
        serde_saphyr::from_str(yaml).unwrap()
    }

    fn secrets() -> IndexMap<String, SecretSpec> {
        serde_saphyr::from_str("idp-secrets: { name: idp }").unwrap()
    }

    #[test]
    fn an_oidc_provider_resolves_with_its_issuer_and_secret() {
        let idp = provider(
            "type: oidc\nname: LINE\nclient_id: '1656'\nclient_secret: { secret: idp-secrets, key: line }\nissuer: https://access.line.me\n",
        );
        let p = idp.resolve("line", &secrets()).unwrap();
        assert_eq!(p.name, "LINE");
        assert_eq!(
            p.kind,
            ProviderKind::Oidc {
                issuer: "https://access.line.me".into()
            }
        );
        assert_eq!(p.client_secret.secret, "idp-secrets");
        assert_eq!(p.client_secret.json_key, "line");
        assert_eq!(p.client_secret.spec.name.as_deref(), Some("idp"));
    }

    #[test]
    fn google_is_always_named_google() {
        let idp = provider(
            "type: google\nname: グーグル\nclient_id: abc\nclient_secret: { secret: idp-secrets, key: google }\n",
        );
        assert_eq!(idp.provider_name("google-login"), "Google");
        assert_eq!(
            idp.resolve("google-login", &secrets()).unwrap().kind,
            ProviderKind::Google
        );
    }

    #[test]
    fn a_literal_secret_an_unknown_secret_or_a_missing_issuer_does_not_resolve() {
        let literal = provider("type: google\nclient_id: abc\nclient_secret: hunter2\n");
        assert_eq!(literal.resolve("google", &secrets()), None);
        let unknown = provider(
            "type: google\nclient_id: abc\nclient_secret: { secret: nowhere, key: google }\n",
        );
        assert_eq!(unknown.resolve("google", &secrets()), None);
        let no_issuer = provider(
            "type: oidc\nclient_id: abc\nclient_secret: { secret: idp-secrets, key: line }\n",
        );
        assert_eq!(no_issuer.resolve("line", &secrets()), None);
    }
}
