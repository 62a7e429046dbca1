//! The connection graph. Builders register each component a service may
//! connect to (a database, a cache, a bucket, a secret, another service), and
//! say what reaching it takes: a port on its security group, IAM statements,
//! environment variables, a secret. The services builder then turns each
//! declared connection into exactly those rules and grants, and nothing more
//! (the way CDK's `connections` and `grant*` work).

use indexmap::IndexMap;

use crate::template::Expr;
use crate::template::iam::Statement;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

impl Access {
    pub fn parse(s: &str) -> Option<Access> {
        match s {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            "read-write" => Some(Access::ReadWrite),
            _ => None,
        }
    }
    pub fn reads(self) -> bool {
        matches!(self, Access::Read | Access::ReadWrite)
    }
    pub fn writes(self) -> bool {
        matches!(self, Access::Write | Access::ReadWrite)
    }
}

/// A port behind a security group.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkEndpoint {
    /// Logical id of the component's security group.
    pub security_group: String,
    pub port: u16,
}

/// Where a secret value lives, for ECS `secrets[].valueFrom`.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretSource {
    /// A Secrets Manager secret; `json_key` selects one field of a JSON secret
    /// (RDS-managed secrets hold `username` and `password`).
    SecretsManager { arn: Expr, json_key: Option<String> },
    /// An SSM parameter, by full ARN (SecureString parameters are created
    /// outside CloudFormation and referenced by name).
    SsmParameter { arn: Expr },
}

#[derive(Debug, Clone, PartialEq)]
pub struct SecretRef {
    pub source: SecretSource,
    /// The customer-managed KMS key that encrypts it, if any: the reader
    /// then needs `kms:Decrypt` on exactly that key.
    pub kms_key_arn: Option<Expr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentKind {
    Service,
    LoadBalancer,
    Database,
    Cache,
    Bucket,
    Secret,
    Parameter,
    Key,
    Queue,
    Topic,
    Function,
    UserPool,
}

impl ComponentKind {
    pub fn describe(self) -> &'static str {
        match self {
            ComponentKind::Service => "service",
            ComponentKind::LoadBalancer => "load balancer",
            ComponentKind::Database => "database",
            ComponentKind::Cache => "cache",
            ComponentKind::Bucket => "bucket",
            ComponentKind::Secret => "secret",
            ComponentKind::Parameter => "parameter",
            ComponentKind::Key => "KMS key",
            ComponentKind::Queue => "queue",
            ComponentKind::Topic => "topic",
            ComponentKind::Function => "function",
            ComponentKind::UserPool => "user pool",
        }
    }

    /// The spec block its components are declared in.
    pub fn block(self) -> &'static str {
        match self {
            ComponentKind::Service => "services",
            ComponentKind::LoadBalancer => "load_balancer",
            ComponentKind::Database => "databases",
            ComponentKind::Cache => "caches",
            ComponentKind::Bucket => "buckets",
            ComponentKind::Secret => "secrets",
            ComponentKind::Parameter => "parameters",
            ComponentKind::Key => "keys",
            ComponentKind::Queue => "queues",
            ComponentKind::Topic => "topics",
            ComponentKind::Function => "functions",
            ComponentKind::UserPool => "user_pools",
        }
    }
}

/// What connecting to one component takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// The spec key (`db`, `uploads`, `backend`).
    pub name: String,
    pub kind: ComponentKind,
    /// Reached over the network on this port of this group.
    pub network: Option<NetworkEndpoint>,
    /// Task-role statements for reading and for writing.
    pub read_grants: Vec<Statement>,
    pub write_grants: Vec<Statement>,
    /// Variables given to a connecting container, by suffix: a connection to
    /// `db` with `("HOST", ...)` sets `DB_HOST`. Never a credential.
    pub environment: Vec<(String, Expr)>,
    /// The secret a service may inject from this component (`secrets:`).
    pub secret: Option<SecretRef>,
}

impl Component {
    pub fn new(name: &str, kind: ComponentKind) -> Self {
        Component {
            name: name.to_string(),
            kind,
            network: None,
            read_grants: Vec::new(),
            write_grants: Vec::new(),
            environment: Vec::new(),
            secret: None,
        }
    }

    /// The grants a connection with `access` implies.
    pub fn grants(&self, access: Access) -> Vec<Statement> {
        let mut out = Vec::new();
        if access.reads() {
            out.extend(self.read_grants.iter().cloned());
        }
        if access.writes() {
            out.extend(self.write_grants.iter().cloned());
        }
        out
    }
}

/// Every component of one stack, by spec key, in registration order.
#[derive(Debug, Clone, Default)]
pub struct Components(IndexMap<String, Component>);

impl Components {
    pub fn register(&mut self, c: Component) {
        self.0.insert(c.name.clone(), c);
    }
    pub fn get(&self, name: &str) -> Option<&Component> {
        self.0.get(name)
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// `user-uploads` → `USER_UPLOADS`: the prefix of a connection's variables.
pub fn env_prefix(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}
