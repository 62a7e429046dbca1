//! `databases.<key>.workload_users`: every workload that connects to a
//! database signs in as its own database user with an IAM authentication
//! token, instead of the master password. The users are created at deploy
//! time by a one-shot ECS task running the engine's own client (an inline
//! Lambda has no database driver): the master secret is injected into that
//! task only, and its SQL is idempotent (create if missing, then grant
//! exactly the privileges of the workload's access level).

use super::{Ctx, key_arn};
use crate::kinds::database::{WorkloadUser, first_tier, users};
use crate::naming::pascal;
use crate::spec::app::{Access, ImageSpec};
use crate::spec::data::{DatabaseSpec, Engine};
use crate::spec::network::TierKind;
use crate::synth::app::{ecr, iam, rules, service};
use crate::synth::custom;
use crate::template::ecs::cluster::ClusterSettings;
use crate::template::ecs::task_definition::{
    ContainerDefinition, KeyValuePair, RuntimePlatform, Secret,
};
use crate::template::ecs::{Cluster, TaskDefinition};
use crate::template::iam::Statement;
use crate::template::logs::LogGroup;
use crate::template::{Expr, Policy, Template};

/// The table privileges an access level implies. Writing includes SELECT:
/// both engines require it for an UPDATE or DELETE whose WHERE reads a
/// column, which is nearly every one.
pub fn privileges(access: Access) -> &'static [&'static str] {
    if access.writes() {
        &["SELECT", "INSERT", "UPDATE", "DELETE"]
    } else {
        &["SELECT"]
    }
}

/// Idempotent SQL that creates each user if missing, lets it sign in only
/// by IAM token, and sets its privileges to exactly those of its access
/// level (a narrowed level revokes what it no longer implies).
pub fn sql(engine: Engine, database: &str, users: &[WorkloadUser]) -> String {
    let mut out = Vec::new();
    for u in users {
        let privs = privileges(u.access).join(", ");
        let name = &u.name;
        if engine.is_postgres() {
            out.push(format!(
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN CREATE ROLE \"{name}\" LOGIN; END IF; END$$;"
            ));
            out.push(format!("GRANT rds_iam TO \"{name}\";"));
            out.push(format!(
                "GRANT CONNECT ON DATABASE \"{database}\" TO \"{name}\";"
            ));
            out.push(format!("GRANT USAGE ON SCHEMA public TO \"{name}\";"));
            out.push(format!(
                "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM \"{name}\";"
            ));
            out.push(format!(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM \"{name}\";"
            ));
            out.push(format!(
                "GRANT {privs} ON ALL TABLES IN SCHEMA public TO \"{name}\";"
            ));
            out.push(format!(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {privs} ON TABLES TO \"{name}\";"
            ));
            if u.access.writes() {
                out.push(format!(
                    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO \"{name}\";"
                ));
                out.push(format!(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO \"{name}\";"
                ));
            }
        } else {
            out.push(format!(
                "CREATE USER IF NOT EXISTS '{name}'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;"
            ));
            out.push(format!(
                "REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{name}'@'%';"
            ));
            out.push(format!("GRANT {privs} ON `{database}`.* TO '{name}'@'%';"));
        }
    }
    out.join("\n")
}

/// The client image: the spec's, else the engine's official image (its
/// client speaks to every server version RDS offers of that major).
fn image(db: &DatabaseSpec) -> Expr {
    match &db.workload_users.image {
        Some(ImageSpec::Repository { repository, tag }) => Expr::sub(format!(
            "${{{}.RepositoryUri}}:{tag}",
            ecr::repository_id(repository)
        )),
        Some(ImageSpec::Uri(uri)) => uri.clone().into(),
        None if db.engine.is_postgres() => {
            let major = db.version.split('.').next().unwrap_or("16");
            format!("public.ecr.aws/docker/library/postgres:{major}").into()
        }
        None => "public.ecr.aws/docker/library/mysql:8.4".into(),
    }
}

/// Logical id stem of database `name`'s users task (`DbUsers`).
pub fn id(name: &str) -> String {
    format!("{}Users", pascal(name))
}

/// The task that creates database `name`'s workload users: its security
/// group (admitted by the database's), log group, execution role (image,
/// logs, the master secret) and task definition.
pub fn build(t: &mut Template, ctx: &mut Ctx, name: &str, db: &DatabaseSpec) {
    if !(db.iam_auth && db.workload_users.enabled) {
        return;
    }
    let users = users(ctx.spec, name);
    let Some(net) = ctx.network.as_ref() else {
        return;
    };
    if users.is_empty() {
        return;
    }
    let p = pascal(name);
    let id = id(name);
    let what = format!("{name}-users");
    let sg = format!("{id}TaskSecurityGroup");
    t.add(
        &sg,
        rules::https_out_group(
            net.vpc_id.clone(),
            format!("Task creating the workload users of database {name}"),
            "HTTPS to AWS APIs (image pull, logs, the master secret)",
            ctx.named(&what),
        ),
    );
    rules::allow(
        t,
        &what,
        &sg,
        name,
        Expr::get_att(format!("{p}SecurityGroup"), "GroupId"),
        super::rds::port(db),
        "the users task connects to the database",
    );

    let logs = format!("{id}TaskLogs");
    let group = t.add(
        &logs,
        LogGroup {
            retention_in_days: Some(365.into()),
            tags: Some(ctx.named(&what)),
            ..Default::default()
        },
    );
    group.retain_with(Policy::Delete);
    group.skip_check(
        "CKV_AWS_158",
        "CloudWatch Logs encrypts every log group at rest with a service key",
    );

    let secret_arn = Expr::get_att(&p, "MasterUserSecret.SecretArn");
    let mut execution = match &db.workload_users.image {
        Some(ImageSpec::Repository { repository, .. }) => {
            iam::pull_image(Expr::get_att(ecr::repository_id(repository), "Arn"))
        }
        Some(ImageSpec::Uri(uri)) => iam::ecr_repository_arn(uri)
            .map(iam::pull_image)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    execution.push(Statement::allow(
        "WriteLogs",
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        vec![Expr::get_att(&logs, "Arn")],
    ));
    execution.push(Statement::allow(
        "ReadMasterSecret",
        &["secretsmanager:GetSecretValue"],
        vec![secret_arn.clone()],
    ));
    if let Some(key) = db.kms_key.as_deref() {
        execution.push(Statement::allow(
            "DecryptMasterSecret",
            &["kms:Decrypt"],
            vec![key_arn(key)],
        ));
    }
    let reasons = iam::wildcard_reasons(&execution);
    let role = t.add(
        format!("{id}TaskExecutionRole"),
        iam::task_role(
            format!("Execution role of the task creating database {name}'s workload users: its image, its logs and the master secret"),
            "execution",
            execution,
            ctx.named(&what),
        ),
    );
    role.metadata = reasons;

    // The instance's or the cluster's writer endpoint.
    let host = Expr::get_att(&p, "Endpoint.Address");
    let database = super::rds::database_name(name, db);
    let master = super::rds::username(db);
    let (command, environment, password_var, user) = if db.engine.is_postgres() {
        (
            "printf '%s\\n' \"$USERS_SQL\" | psql --no-psqlrc -v ON_ERROR_STOP=1 --single-transaction -f -",
            vec![
                ("PGDATABASE", Expr::from(database.clone())),
                ("PGHOST", host),
                ("PGPORT", super::rds::port(db).to_string().into()),
                ("PGSSLMODE", "require".into()),
                ("PGUSER", master.into()),
            ],
            "PGPASSWORD",
            "postgres",
        )
    } else {
        (
            "mysql --ssl-mode=REQUIRED --host=\"$DB_HOST\" --port=\"$DB_PORT\" --user=\"$DB_USER\" --database=\"$DB_NAME\" --execute=\"$USERS_SQL\"",
            vec![
                ("DB_HOST", host),
                ("DB_NAME", database.clone().into()),
                ("DB_PORT", super::rds::port(db).to_string().into()),
                ("DB_USER", master.into()),
            ],
            "MYSQL_PWD",
            "mysql",
        )
    };
    let mut environment: Vec<KeyValuePair> = environment
        .into_iter()
        .map(|(k, v)| KeyValuePair {
            name: Some(k.into()),
            value: Some(v),
        })
        .collect();
    environment.push(KeyValuePair {
        name: Some("USERS_SQL".into()),
        value: Some(sql(db.engine, &database, &users).into()),
    });
    t.add(
        format!("{id}TaskDefinition"),
        TaskDefinition {
            family: Some(ctx.names.physical(&what).into()),
            cpu: Some("256".into()),
            memory: Some("512".into()),
            network_mode: Some("awsvpc".into()),
            requires_compatibilities: Some(vec!["FARGATE".into()]),
            execution_role_arn: Some(Expr::get_att(format!("{id}TaskExecutionRole"), "Arn")),
            runtime_platform: Some(RuntimePlatform {
                cpu_architecture: Some("X86_64".into()),
                operating_system_family: Some("LINUX".into()),
            }),
            container_definitions: Some(vec![ContainerDefinition {
                name: "users".into(),
                image: image(db),
                essential: Some(true.into()),
                entry_point: Some(vec!["sh".into(), "-c".into()]),
                command: Some(vec![command.into()]),
                environment: Some(environment),
                secrets: Some(vec![Secret {
                    name: password_var.into(),
                    value_from: Expr::Join(String::new(), vec![secret_arn, ":password::".into()]),
                }]),
                readonly_root_filesystem: Some(true.into()),
                // The official images' unprivileged user; a copy in ECR
                // runs as its own image says.
                user: db.workload_users.image.is_none().then(|| user.into()),
                privileged: Some(false.into()),
                log_configuration: Some(service::awslogs(&logs, "users")),
                ..Default::default()
            }]),
            tags: Some(ctx.named(&what)),
            ..Default::default()
        },
    );
    let subnets = net.subnets_in(
        first_tier(ctx.spec, &users).as_deref(),
        &[TierKind::Private, TierKind::Isolated],
    );
    // The stack's cluster exists when it has services; otherwise the task
    // gets one of its own (clusters cost nothing).
    let cluster = if ctx.spec.services.is_empty() {
        let id = format!("{id}Cluster");
        t.add(
            &id,
            Cluster {
                cluster_name: Some(ctx.names.physical(&what).into()),
                cluster_settings: Some(vec![ClusterSettings {
                    name: Some("containerInsights".into()),
                    value: Some("enhanced".into()),
                }]),
                tags: Some(ctx.named(&what)),
                ..Default::default()
            },
        );
        id
    } else {
        service::CLUSTER.to_string()
    };
    run_at_deploy(t, ctx, name, &users, subnets, &cluster);
}

/// Lambda's longest wait for the task: pulling the client image and
/// starting a Fargate task take a few minutes at most.
const RUN_TIMEOUT_SECONDS: i64 = 600;

/// The custom resource that runs the users task at each deploy where the
/// users or their grants changed (they are its properties, and the task
/// definition's revision changes with the SQL), and fails the deploy when
/// the task's exit code is not 0.
fn run_at_deploy(
    t: &mut Template,
    ctx: &Ctx,
    name: &str,
    users: &[WorkloadUser],
    subnets: Vec<Expr>,
    cluster: &str,
) {
    let id = id(name);
    let task_definition = format!("{id}TaskDefinition");
    let mut describe = Statement::allow(
        "WatchUsersTask",
        &["ecs:DescribeTasks"],
        vec![Expr::sub(format!(
            "arn:${{AWS::Partition}}:ecs:${{AWS::Region}}:${{AWS::AccountId}}:task/${{{cluster}}}/*"
        ))],
    );
    describe.condition = Some(serde_json::json!({
        "ArnEquals": {"ecs:cluster": {"Fn::GetAtt": [cluster, "Arn"]}}
    }));
    let mut run = Statement::allow(
        "RunUsersTask",
        &["ecs:RunTask"],
        vec![Expr::r#ref(&task_definition)],
    );
    run.condition = describe.condition.clone();
    let mut pass = Statement::allow(
        "PassUsersTaskRole",
        &["iam:PassRole"],
        vec![Expr::get_att(format!("{id}TaskExecutionRole"), "Arn")],
    );
    pass.condition = Some(serde_json::json!({
        "StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
    }));
    let listed: Vec<Expr> = users
        .iter()
        .map(|u| format!("{}:{}", u.name, access_name(u.access)).into())
        .collect();
    let r = custom::build(
        t,
        custom::InlineResource {
            id: &id,
            type_name: "Custom::DatabaseUsers",
            function_description: &format!(
                "Runs the task that creates database {name}'s workload users"
            ),
            role_description: &format!(
                "Lets the database-users resource run and watch database {name}'s users task only"
            ),
            policy_name: "run-database-users-task",
            code: DATABASE_USERS_CODE,
            api: "ECS",
            timeout_seconds: RUN_TIMEOUT_SECONDS,
            statements: vec![run, describe, pass],
            wildcard_reasons: &[],
            properties: vec![
                ("Database", name.into()),
                ("Cluster", Expr::r#ref(cluster)),
                ("TaskDefinition", Expr::r#ref(&task_definition)),
                ("Subnets", Expr::List(subnets)),
                (
                    "SecurityGroup",
                    Expr::get_att(format!("{id}TaskSecurityGroup"), "GroupId"),
                ),
                ("Users", Expr::List(listed)),
            ],
        },
        ctx.named(&format!("{name}-users")),
    );
    // The task reaches the database through these rules.
    r.depends_on(format!(
        "{}From{}Ingress",
        pascal(name),
        pascal(&format!("{name}-users"))
    ));
    r.depends_on(format!(
        "{}To{}Egress",
        pascal(&format!("{name}-users")),
        pascal(name)
    ));
}

fn access_name(access: Access) -> &'static str {
    match access {
        Access::Read => "read",
        Access::Write => "write",
        Access::ReadWrite => "read-write",
    }
}

// Source: templates/lambda/database_users.py (unit-tested in tests/lambda/),
// through this crate's `lambda/` link, so the published crate carries it.
const DATABASE_USERS_CODE: &str = include_str!("../../../lambda/database_users.py");
