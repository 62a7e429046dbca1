//! Identity: `user_pools:` (Cognito user pools with app clients, a hosted
//! domain and federated identity providers).

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SignIn {
    Email,
    Username,
    Phone,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Mfa {
    Off,
    #[default]
    Optional,
    Required,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
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

#[derive(Debug, Clone, Deserialize, PartialEq)]
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
#[serde(rename_all = "kebab-case")]
pub enum ProviderType {
    Google,
    Oidc,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
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
