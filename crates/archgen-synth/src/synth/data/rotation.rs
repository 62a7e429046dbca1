//! Rotation of the secrets archgen generates (`secrets.<name>.rotation_days`,
//! `caches.<name>.auth_token.rotation_days`): one small function per stack
//! that follows Secrets Manager's rotation protocol, a schedule per secret,
//! and a permission letting Secrets Manager invoke it for exactly that
//! secret. A plain secret gets a new random value of the shape it was
//! generated with; a cache's AUTH token is also set on the replication group
//! with ElastiCache's ROTATE strategy, which keeps the previous token valid
//! beside the new one, so clients still using it keep working until they
//! read the secret again.

use serde_json::json;

use super::{Ctx, key_arn, rate_days};
use crate::naming::pascal;
use crate::template::iam::{PolicyDocument, Role, Statement, role};
use crate::template::lambda::function::{Code, Environment, LoggingConfig};
use crate::template::lambda::{Function, Permission};
use crate::template::secretsmanager::RotationSchedule;
use crate::template::secretsmanager::rotation_schedule::RotationRules;
use crate::template::{Expr, Template};

/// How long the function may run: a cache's token change takes minutes,
/// and `testSecret` waits for it.
const TIMEOUT_SECONDS: i64 = 900;

/// The rotation function (Python 3, boto3; `templates/lambda/rotate_secret.py`). `VALUE_SHAPES` maps a secret's
/// name to the `GetRandomPassword` arguments it was generated with;
/// `REPLICATION_GROUPS` maps a cache token's secret name to its group.
pub const SECRET_ROTATION_CODE: &str = include_str!("../../../lambda/rotate_secret.py");

/// One secret to rotate.
struct Rotated {
    /// Logical id of the `AWS::SecretsManager::Secret`.
    secret_id: String,
    /// Its name, as the function sees it in `DescribeSecret`.
    name: String,
    /// `GetRandomPassword` arguments: the shape it was generated with.
    shape: serde_json::Value,
    days: u32,
    key: Option<Expr>,
    /// The replication group whose AUTH token it is.
    group: Option<String>,
}

fn rotated(ctx: &Ctx) -> Vec<Rotated> {
    let spec = ctx.spec;
    let mut out = Vec::new();
    for (name, s) in &spec.secrets {
        let (Some(days), None) = (s.rotation_days, &s.arn) else {
            continue;
        };
        let g = s.generate.clone().unwrap_or_default();
        let mut shape = json!({"PasswordLength": g.length});
        if let Some(x) = &g.exclude_characters {
            shape["ExcludeCharacters"] = x.clone().into();
        }
        if g.exclude_punctuation {
            shape["ExcludePunctuation"] = true.into();
        }
        out.push(Rotated {
            secret_id: format!("{}Secret", pascal(name)),
            name: super::secrets::secret_name(ctx, name, s),
            shape,
            days,
            key: spec.secret_key(s).map(key_arn),
            group: None,
        });
    }
    for (name, c) in &spec.caches {
        let Some(days) = c.auth_token.rotation_days else {
            continue;
        };
        out.push(Rotated {
            secret_id: super::elasticache::auth_token_id(name),
            name: super::elasticache::auth_token_name(ctx, name),
            shape: super::elasticache::auth_token_shape(),
            days,
            key: spec.auth_token_key(c).map(key_arn),
            group: Some(pascal(name)),
        });
    }
    out
}

/// The function, its role and logs, and each secret's schedule; nothing
/// when no secret asks for rotation.
pub fn build(t: &mut Template, ctx: &mut Ctx) {
    let secrets = rotated(ctx);
    if secrets.is_empty() {
        return;
    }
    let logs = "SecretRotationLogs";
    let role_id = "SecretRotationRole";
    let function = "SecretRotationFunction";
    crate::synth::logs::retained_log_group(
        t,
        logs,
        None,
        365,
        "a year of rotations, the audit trail",
        ctx.named("secret-rotation"),
    );

    let arns: Vec<Expr> = secrets.iter().map(|s| Expr::r#ref(&s.secret_id)).collect();
    let mut statements = vec![
        Statement::allow(
            "RotateTheseSecrets",
            &[
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage",
            ],
            arns,
        ),
        Statement::allow(
            "GenerateRandomValues",
            &["secretsmanager:GetRandomPassword"],
            vec!["*".into()],
        ),
    ];
    let mut keys: Vec<Expr> = secrets.iter().filter_map(|s| s.key.clone()).collect();
    keys.dedup();
    if !keys.is_empty() {
        let mut use_keys = Statement::allow(
            "UseSecretKeysThroughSecretsManager",
            &["kms:Decrypt", "kms:GenerateDataKey"],
            keys,
        );
        use_keys.condition = Some(json!({
            "StringEquals": {
                "kms:ViaService": {"Fn::Sub": "secretsmanager.${AWS::Region}.amazonaws.com"}
            }
        }));
        statements.push(use_keys);
    }
    let groups: Vec<&str> = secrets.iter().filter_map(|s| s.group.as_deref()).collect();
    if !groups.is_empty() {
        statements.push(Statement::allow(
            "SetCacheAuthTokens",
            &[
                "elasticache:DescribeReplicationGroups",
                "elasticache:ModifyReplicationGroup",
            ],
            groups
                .iter()
                .map(|g| {
                    Expr::sub(format!(
                        "arn:${{AWS::Partition}}:elasticache:${{AWS::Region}}:${{AWS::AccountId}}:replicationgroup:${{{g}}}"
                    ))
                })
                .collect(),
        ));
    }
    statements.push(Statement::allow(
        "WriteOwnLogs",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        vec![Expr::get_att(logs, "Arn")],
    ));
    let role = t.add(
        role_id,
        Role {
            assume_role_policy_document: PolicyDocument::assumed_by("lambda.amazonaws.com").into(),
            description: Some("Rotates the secrets archgen generates for this stack".into()),
            policies: Some(vec![role::Policy {
                policy_name: "rotate-generated-secrets".into(),
                policy_document: PolicyDocument::new(statements).into(),
            }]),
            tags: Some(ctx.named("secret-rotation")),
            ..Default::default()
        },
    );
    role.metadata = Some(json!({"archgen": {"wildcard_resources": {
        "secretsmanager:GetRandomPassword": "GetRandomPassword acts on no resource"
    }}}));

    let shapes: serde_json::Map<String, serde_json::Value> = secrets
        .iter()
        .map(|s| (s.name.clone(), s.shape.clone()))
        .collect();
    let mut variables = std::collections::BTreeMap::new();
    variables.insert(
        "VALUE_SHAPES".to_string(),
        Expr::from(serde_json::Value::Object(shapes).to_string()),
    );
    let group_map: Vec<String> = secrets
        .iter()
        .filter_map(|s| {
            s.group
                .as_ref()
                .map(|g| format!("{}:\"${{{g}}}\"", json!(s.name)))
        })
        .collect();
    if !group_map.is_empty() {
        variables.insert(
            "REPLICATION_GROUPS".to_string(),
            Expr::sub(format!("{{{}}}", group_map.join(","))),
        );
    }
    let f = t.add(
        function,
        Function {
            description: Some(
                "Rotates generated secrets (Secrets Manager's four-step protocol)".into(),
            ),
            runtime: Some("python3.13".into()),
            handler: Some("index.handler".into()),
            role: Expr::get_att(role_id, "Arn"),
            code: Code {
                zip_file: Some(SECRET_ROTATION_CODE.into()),
                ..Default::default()
            },
            timeout: Some(TIMEOUT_SECONDS.into()),
            memory_size: Some(128.into()),
            environment: Some(Environment {
                variables: Some(variables),
            }),
            logging_config: Some(LoggingConfig {
                log_group: Some(Expr::r#ref(logs)),
                ..Default::default()
            }),
            tags: Some(ctx.named("secret-rotation")),
            ..Default::default()
        },
    );
    let why = "invoked only by Secrets Manager on the rotation schedules";
    f.skip_check(
        "CKV_AWS_115",
        &format!("no concurrency limit needed: {why}"),
    )
    .skip_check(
        "CKV_AWS_116",
        &format!("no dead-letter queue needed: {why}, which records a failed rotation and retries it"),
    )
    .skip_check(
        "CKV_AWS_117",
        "calls only the Secrets Manager and ElastiCache APIs; placing it in the VPC would need NAT or endpoints for no gain",
    )
    .skip_check(
        "CKV_AWS_173",
        "its environment holds secret names, value lengths and replication group ids, no secret",
    )
    .skip_check(
        "CKV_AWS_272",
        "inline code written by archgen; code signing applies to uploaded packages",
    );

    for s in &secrets {
        let permission = format!("{}RotationPermission", s.secret_id);
        // Secrets Manager may invoke it for this secret only.
        t.add(
            &permission,
            Permission {
                action: "lambda:InvokeFunction".into(),
                function_name: Expr::r#ref(function),
                principal: "secretsmanager.amazonaws.com".into(),
                source_account: Some(Expr::r#ref("AWS::AccountId")),
                source_arn: Some(Expr::r#ref(&s.secret_id)),
                ..Default::default()
            },
        );
        let schedule = t.add(
            format!("{}Rotation", s.secret_id),
            RotationSchedule {
                secret_id: Expr::r#ref(&s.secret_id),
                rotation_lambda_arn: Some(Expr::get_att(function, "Arn")),
                rotation_rules: Some(RotationRules {
                    schedule_expression: Some(rate_days(s.days).into()),
                    ..Default::default()
                }),
                // A deploy never rotates on its own; the schedule does.
                rotate_immediately_on_update: Some(false.into()),
                ..Default::default()
            },
        );
        schedule.depends_on(permission);
    }
}
