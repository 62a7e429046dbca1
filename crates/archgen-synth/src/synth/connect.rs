//! The connection graph. Builders register each component a service may
//! connect to (a database, a cache, a bucket, a secret, another service), and
//! say what reaching it takes: a port on its security group, IAM statements,
//! environment variables, a secret. The services builder then turns each
//! declared connection into exactly those rules and grants, and nothing more
//! (the way CDK's `connections` and `grant*` work).

use indexmap::IndexMap;
use std::collections::BTreeMap;

use super::Ctx;
use super::app::rules;
use crate::kinds::service::Services;
use crate::kinds::{Kind, Named};
use crate::spec::app::{Access, ComponentRef, SecretSpec};
use crate::template::iam::Statement;
use crate::template::{Expr, Template};

/// A port behind a security group.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkEndpoint {
    /// The id of the component's security group (`Fn::GetAtt X.GroupId`,
    /// or an import of it from the stack that creates the component).
    pub group_id: Expr,
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

/// `kms:Decrypt` on the key of a secret, only when Secrets Manager asks on
/// the reader's behalf (`GetSecretValue`): the grant cannot be used to
/// decrypt anything else encrypted with the same key.
pub fn decrypt_secret_grant(sid: &str, key: Expr) -> Statement {
    let mut s = Statement::allow(sid, &["kms:Decrypt"], vec![key]);
    s.condition = Some(serde_json::json!({
        "StringEquals": {
            "kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}
        }
    }));
    s
}

/// What connecting to one component takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    /// The spec key (`db`, `uploads`, `backend`).
    pub name: String,
    pub kind: &'static dyn Kind,
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
    /// A database whose connecting workloads each sign in as their own user.
    pub database_users: Option<DatabaseUsers>,
}

/// How a workload connects to a database with its own user: `rds-db:connect`
/// on `dbuser:<resource id>/<user>` of each instance and the user's name as
/// `<TARGET>_USER`.
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseUsers {
    pub sid: String,
    /// The custom resource that creates the users: a workload of the same
    /// stack starts after it (another stack's deploys after the whole stack).
    pub resource: Option<String>,
    /// The resource ids (the primary or cluster, then RDS read replicas):
    /// `Fn::GetAtt`s, or their imports in another stack.
    pub resource_ids: Vec<Expr>,
    /// The database's region when it is not the connecting stack's.
    pub region: Option<String>,
    /// For a database of another stack: the connecting stack, whose
    /// workloads sign in as `<stack>_<key>`.
    pub importer: Option<String>,
}

impl DatabaseUsers {
    /// The ARN `rds-db:connect` names for `user` on each resource id.
    fn user_arns(&self, user: &str) -> Vec<Expr> {
        let region = self.region.as_deref().unwrap_or("${AWS::Region}");
        let arn = |id: &str| {
            format!(
                "arn:${{AWS::Partition}}:rds-db:{region}:${{AWS::AccountId}}:dbuser:${{{id}}}/{user}"
            )
        };
        self.resource_ids
            .iter()
            .map(|id| match id {
                Expr::GetAtt(resource, attribute) => {
                    Expr::sub(arn(&format!("{resource}.{attribute}")))
                }
                other => Expr::SubWith(
                    arn("ResourceId"),
                    BTreeMap::from([("ResourceId".to_string(), other.clone())]),
                ),
            })
            .collect()
    }
}

impl Component {
    pub fn new(name: &str, kind: &'static dyn Kind) -> Self {
        Component {
            name: name.to_string(),
            kind,
            network: None,
            read_grants: Vec::new(),
            write_grants: Vec::new(),
            environment: Vec::new(),
            secret: None,
            database_users: None,
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
/// A component of another stack (`data.db`) gives the same variables as a
/// local one (`DB_HOST`).
pub fn env_prefix(name: &str) -> String {
    let name = name.rsplit_once('.').map_or(name, |(_, key)| key);
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

/// A workload (a service or a function) whose connections are wired.
pub struct Workload<'a> {
    /// Its spec key.
    pub key: &'a str,
    /// How security-group rules describe it (`api`, `worker function`).
    pub label: String,
    /// Its security group, when it runs in the VPC.
    pub security_group: Option<&'a str>,
}

/// What a workload's declared connections add up to.
#[derive(Debug, Default)]
pub struct Wired {
    /// Grants for its role, in connection order.
    pub grants: Vec<Statement>,
    /// `<COMPONENT>_<SUFFIX>` variables for its environment.
    pub environment: BTreeMap<String, Expr>,
    /// It calls another service through Service Connect.
    pub calls_services: bool,
    /// Resources it must start after (the database users it signs in as).
    pub depends_on: Vec<String>,
}

/// Turns each declared connection into exactly what reaching the component
/// takes: a rule on each side of the network path (when both ends are in
/// the VPC), the grants of the access level, and the component's variables.
/// Every workload kind wires its connections here, so they cannot drift.
pub fn wire(t: &mut Template, ctx: &Ctx, w: &Workload, connects_to: &[ComponentRef]) -> Wired {
    let mut wired = Wired::default();
    for entry in connects_to {
        let Some(target) = ctx.components.get(&entry.key).cloned() else {
            // `check` resolves every connection before synth runs.
            ctx.bug(format!(
                "{} connects to '{}', which no builder registered",
                w.key, entry.key
            ));
            continue;
        };
        if let (Some(endpoint), Some(sg)) = (&target.network, w.security_group) {
            rules::allow(
                t,
                w.key,
                sg,
                &entry.key,
                endpoint.group_id.clone(),
                endpoint.port,
                &format!("{} connects to {}", w.label, target.kind.noun()),
            );
        }
        wired.grants.extend(target.grants(entry.granted()));
        let prefix = env_prefix(&entry.key);
        for (suffix, value) in &target.environment {
            wired
                .environment
                .insert(format!("{prefix}_{suffix}"), value.clone());
        }
        if let Some(users) = &target.database_users {
            let user = match &users.importer {
                Some(stack) => crate::kinds::database::imported_user_name(stack, w.key),
                None => crate::kinds::database::user_name(w.key),
            };
            wired.grants.push(Statement::allow(
                &users.sid,
                &["rds-db:connect"],
                users.user_arns(&user),
            ));
            wired
                .environment
                .insert(format!("{prefix}_USER"), user.into());
            wired.depends_on.extend(users.resource.clone());
        }
        wired.calls_services |= target.kind.block() == Services.block();
    }
    wired
}

/// One `secrets:` entry of a workload, resolved: where the value lives and
/// what reading exactly it takes.
pub struct SecretRead {
    /// The variable it is for.
    pub var: String,
    pub source: SecretSource,
    /// `Read<Var>` (and `Decrypt<Var>` for a customer-managed key).
    pub grants: Vec<Statement>,
}

/// Resolves a workload's `secrets:` (services inject them, functions read
/// them): the same sources and the same narrow grants for both.
pub fn secret_reads(
    ctx: &Ctx,
    owner: &str,
    secrets: &BTreeMap<String, SecretSpec>,
) -> Vec<SecretRead> {
    let mut out = Vec::new();
    for (var, spec) in secrets {
        let sid = crate::naming::pascal(&var.to_ascii_lowercase());
        let (source, kms) = match spec {
            SecretSpec::Component(name) => {
                match ctx.components.get(name).and_then(|c| c.secret.clone()) {
                    Some(r) => (r.source, r.kms_key_arn),
                    None => {
                        // `check` allows only components that hold a secret.
                        ctx.bug(format!(
                            "{owner} reads the secret of '{name}', which has none"
                        ));
                        continue;
                    }
                }
            }
            SecretSpec::Ssm(path) => (
                SecretSource::SsmParameter {
                    arn: Expr::sub(format!(
                        "arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/{}",
                        path.trim_start_matches('/')
                    )),
                },
                None,
            ),
            SecretSpec::SecretArn { arn, key } => (
                SecretSource::SecretsManager {
                    arn: arn.clone().into(),
                    json_key: key.clone(),
                },
                None,
            ),
        };
        let mut grants = vec![match &source {
            SecretSource::SecretsManager { arn, .. } => Statement::allow(
                &format!("Read{sid}"),
                &["secretsmanager:GetSecretValue"],
                vec![arn.clone()],
            ),
            SecretSource::SsmParameter { arn } => Statement::allow(
                &format!("Read{sid}"),
                &["ssm:GetParameters"],
                vec![arn.clone()],
            ),
        }];
        if let Some(key) = kms {
            grants.push(decrypt_secret_grant(&format!("Decrypt{sid}"), key));
        }
        out.push(SecretRead {
            var: var.clone(),
            source,
            grants,
        });
    }
    out
}

/// Sending traces to X-Ray, for any workload: the write actions of AWS's
/// `AWSXRayDaemonWriteAccess` policy that SDKs and the daemon use (sampling
/// rules are read by both). X-Ray has no resource-level permissions.
pub fn xray_grant() -> Statement {
    Statement::allow(
        "XRayTraces",
        &[
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
        ],
        vec!["*".into()],
    )
}
