//! A database user per workload (issue 12): each workload that connects to a
//! database signs in as its own user with an IAM token, `rds-db:connect`
//! names only that user, the master secret is read by the deploy-time users
//! task only (unless a workload's `secrets:` asks for it), and the users
//! resource lists every workload with the privileges its access level implies.

use crate::cli::{Case, assert_fails_on};
use crate::support::*;
use serde_json::{Value, json};

/// [`VALID`] with a PostgreSQL database that `web` reads and `worker`
/// reads and writes.
fn with_database() -> String {
    VALID.replace(
        "    connects_to: [worker]\n",
        "    connects_to: [worker, db:read]\n",
    ) + "    connects_to: [db]\n\
databases:\n  db:\n    engine: postgres\n    version: \"15.15\"\n    instance: db.t3.medium\n"
}

fn statements(role: &Value) -> Vec<Value> {
    role["Properties"]["Policies"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .flat_map(|p| {
                    p["PolicyDocument"]["Statement"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `(role id, resource)` of every `rds-db:connect` grant in a template.
fn connect_grants(t: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (id, role) in resources_of(t, "AWS::IAM::Role") {
        for s in statements(role) {
            if s["Action"].to_string().contains("rds-db:connect") {
                for r in s["Resource"].as_array().unwrap() {
                    out.push((id.clone(), r["Fn::Sub"].as_str().unwrap().to_string()));
                }
            }
        }
    }
    out
}

/// The environment variable `name` of a service's first container, or of
/// a function.
fn workload_variable(t: &Value, role: &str, name: &str) -> Option<Value> {
    let r = &t["Resources"];
    if let Some(stem) = role.strip_suffix("TaskRole") {
        let env = r[format!("{stem}TaskDefinition")]["Properties"]["ContainerDefinitions"][0]
            ["Environment"]
            .as_array()?
            .clone();
        return env
            .into_iter()
            .find(|v| v["Name"] == name)
            .map(|v| v["Value"].clone());
    }
    let stem = role.strip_suffix("Role")?;
    let v = r[stem]["Properties"]["Environment"]["Variables"][name].clone();
    (!v.is_null()).then_some(v)
}

#[test]
fn each_workload_connects_only_as_its_own_user() {
    let mut seen = 0;
    for ex in EXAMPLES {
        for env in ENVIRONMENTS {
            let t = template_json(&synth_example(ex, env), "main");
            for (role, arn) in connect_grants(&t) {
                seen += 1;
                assert!(
                    !arn.ends_with("/*"),
                    "{ex} {env}: {role} connects as any user: {arn}"
                );
                let user = arn.rsplit('/').next().unwrap();
                // The user it may sign in as is the one it is told to use.
                assert_eq!(
                    workload_variable(&t, &role, "DB_USER"),
                    Some(json!(user)),
                    "{ex} {env}: {role}"
                );
                assert!(arn.contains(":dbuser:${Db"), "{ex} {env}: {arn}");
            }
        }
    }
    assert!(seen >= 15, "only {seen} connect grants in the examples");
    // Two workloads on one database: two users, one each.
    let t = template_json(&synth_example("multi-env-platform", "prod"), "main");
    let mut grants = connect_grants(&t);
    grants.sort();
    // On the primary and on each read replica, which has its own resource id.
    let arn = |instance: &str, user: &str| {
        format!(
            "arn:${{AWS::Partition}}:rds-db:${{AWS::Region}}:${{AWS::AccountId}}:dbuser:${{{instance}.DbiResourceId}}/{user}"
        )
    };
    let mut expected = Vec::new();
    for (role, user) in [
        ("BackendTaskRole", "backend"),
        ("WorkerFunctionRole", "worker"),
    ] {
        for instance in ["Db", "DbReplica1", "DbReplica2"] {
            expected.push((role.to_string(), arn(instance, user)));
        }
    }
    expected.sort();
    assert_eq!(grants, expected);
    // Aurora names its cluster's resource id.
    let t = template_json(&synth_example("solo-saving", "prod"), "main");
    assert_eq!(
        connect_grants(&t),
        vec![(
            "BackendTaskRole".to_string(),
            "arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${Db.DBClusterResourceId}/backend".to_string()
        )]
    );
}

/// Roles that may read database `Db`'s master secret.
fn master_secret_readers(t: &Value) -> Vec<String> {
    let secret = json!({"Fn::GetAtt": ["Db", "MasterUserSecret.SecretArn"]});
    let mut out: Vec<String> = resources_of(t, "AWS::IAM::Role")
        .into_iter()
        .filter(|(_, role)| {
            statements(role).iter().any(|s| {
                s["Action"].to_string().contains("secretsmanager:")
                    && s["Resource"].as_array().unwrap().contains(&secret)
            })
        })
        .map(|(id, _)| id.clone())
        .collect();
    out.sort();
    out
}

#[test]
fn no_workload_reads_the_master_secret_unless_its_secrets_ask() {
    for ex in EXAMPLES {
        for env in ENVIRONMENTS {
            let t = template_json(&synth_example(ex, env), "main");
            if t["Resources"].get("Db").is_none() {
                continue;
            }
            assert_eq!(
                master_secret_readers(&t),
                vec!["DbUsersTaskExecutionRole".to_string()],
                "{ex} {env}"
            );
            // And no container is given the password.
            for (id, td) in resources_of(&t, "AWS::ECS::TaskDefinition") {
                if id == "DbUsersTaskDefinition" {
                    continue;
                }
                let text = td.to_string();
                assert!(!text.contains("MasterUserSecret"), "{ex} {env}: {id}");
            }
        }
    }
    // Asked for explicitly, it is injected into that workload only.
    let spec = with_database().replace(
        "    connects_to: [db]\n",
        "    connects_to: [db]\n    secrets: { DB_PASSWORD: db }\n",
    );
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert_eq!(
        master_secret_readers(&t),
        vec![
            "DbUsersTaskExecutionRole".to_string(),
            "WorkerExecutionRole".to_string()
        ]
    );
}

#[test]
fn the_users_resource_lists_each_workload_with_its_grants() {
    let t = template_json(
        &TempProject::new(&with_database()).synth("prod").unwrap(),
        "main",
    );
    let r = &t["Resources"];
    let users = &r["DbUsers"];
    assert_eq!(users["Type"], "Custom::DatabaseUsers");
    assert_eq!(
        users["Properties"]["Users"],
        json!(["web:read", "worker:read-write"])
    );
    assert_eq!(
        users["Properties"]["TaskDefinition"],
        json!({"Ref": "DbUsersTaskDefinition"})
    );
    // The SQL the task runs: a user per workload, signing in by IAM token,
    // with exactly its access level's privileges.
    let c = &r["DbUsersTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    let env = c["Environment"].as_array().unwrap();
    let sql = env.iter().find(|v| v["Name"] == "USERS_SQL").unwrap()["Value"]
        .as_str()
        .unwrap();
    assert!(sql.contains("CREATE ROLE \"web\" LOGIN"), "{sql}");
    assert!(sql.contains("GRANT rds_iam TO \"web\";"), "{sql}");
    assert!(
        sql.contains("GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"web\";"),
        "{sql}"
    );
    assert!(
        sql.contains(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"worker\";"
        ),
        "{sql}"
    );
    assert!(!sql.contains("INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"web\""));
    // Only the users task gets the password, from the RDS-managed secret.
    assert_eq!(
        c["Secrets"],
        json!([{"Name": "PGPASSWORD", "ValueFrom": {"Fn::Join": ["", [
            {"Fn::GetAtt": ["Db", "MasterUserSecret.SecretArn"]}, ":password::"]]}}])
    );
    assert!(env.contains(&json!({"Name": "PGSSLMODE", "Value": "require"})));
    // Workloads start after their users exist and are told who they are.
    assert!(
        r["WebService"]["DependsOn"]
            .as_array()
            .unwrap()
            .contains(&json!("DbUsers"))
    );
    assert_eq!(
        workload_variable(&t, "WebTaskRole", "DB_USER"),
        Some(json!("web"))
    );
    // A change of grants changes the resource's properties, so it runs again.
    let narrowed =
        with_database().replace("    connects_to: [db]\n", "    connects_to: [db:read]\n");
    let t2 = template_json(&TempProject::new(&narrowed).synth("prod").unwrap(), "main");
    assert_eq!(
        t2["Resources"]["DbUsers"]["Properties"]["Users"],
        json!(["web:read", "worker:read"])
    );
    // MySQL: the IAM plugin, privileges on the database.
    let mysql = with_database().replace(
        "engine: postgres\n    version: \"15.15\"",
        "engine: mysql\n    version: \"8.0.43\"",
    );
    let t = template_json(&TempProject::new(&mysql).synth("prod").unwrap(), "main");
    let c = &t["Resources"]["DbUsersTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    let sql = c.to_string();
    assert!(
        sql.contains("CREATE USER IF NOT EXISTS 'web'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;"),
        "{sql}"
    );
    assert!(
        sql.contains("GRANT SELECT ON `db`.* TO 'web'@'%';"),
        "{sql}"
    );
    assert_eq!(c["Image"], "public.ecr.aws/docker/library/mysql:8.4");
}

#[test]
fn the_users_task_runner_can_run_only_that_task() {
    let t = template_json(
        &TempProject::new(&with_database()).synth("prod").unwrap(),
        "main",
    );
    let r = &t["Resources"];
    let s = statements(&r["DbUsersRole"]);
    let by_sid = |sid: &str| s.iter().find(|x| x["Sid"] == sid).unwrap().clone();
    let run = by_sid("RunUsersTask");
    assert_eq!(run["Action"], json!(["ecs:RunTask"]));
    assert_eq!(run["Resource"], json!([{"Ref": "DbUsersTaskDefinition"}]));
    assert_eq!(
        run["Condition"],
        json!({"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": ["Cluster", "Arn"]}}})
    );
    let pass = by_sid("PassUsersTaskRole");
    assert_eq!(
        pass["Resource"],
        json!([{"Fn::GetAtt": ["DbUsersTaskExecutionRole", "Arn"]}])
    );
    // Long enough to pull an image, and CloudFormation waits for the answer.
    let f = &r["DbUsersFunction"]["Properties"];
    assert_eq!(f["Timeout"], 600);
    assert_eq!(r["DbUsers"]["Properties"]["ServiceTimeout"], 1200);
    // The task reaches the database on its port, admitted by its group.
    let ingress = &r["DbFromDbUsersIngress"]["Properties"];
    assert_eq!(ingress["FromPort"], 5432);
    assert_eq!(
        ingress["SourceSecurityGroupId"],
        json!({"Fn::GetAtt": ["DbUsersTaskSecurityGroup", "GroupId"]})
    );
}

#[test]
fn iam_authentication_is_on_wherever_workloads_have_users() {
    let mut seen = 0;
    for ex in EXAMPLES {
        for env in ENVIRONMENTS {
            let t = template_json(&synth_example(ex, env), "main");
            if t["Resources"].get("DbUsers").is_none() {
                continue;
            }
            seen += 1;
            let db = &t["Resources"]["Db"]["Properties"];
            assert_eq!(db["EnableIAMDatabaseAuthentication"], true, "{ex} {env}");
        }
    }
    assert_eq!(seen, 15);
}

#[test]
fn going_without_workload_users_takes_a_reason_and_grants_no_connect() {
    let spec = with_database().replace(
        "    instance: db.t3.medium\n",
        "    instance: db.t3.medium\n    workload_users: { enabled: false, reason: the app cannot sign tokens yet }\n",
    );
    let t = template_json(&TempProject::new(&spec).synth("prod").unwrap(), "main");
    assert!(connect_grants(&t).is_empty());
    assert!(t["Resources"].get("DbUsers").is_none());
    assert!(t["Resources"].get("DbUsersTaskDefinition").is_none());
    assert_eq!(workload_variable(&t, "WorkerTaskRole", "DB_USER"), None);
}

#[test]
fn malformed_workload_users_fail_with_line_field_and_fix() {
    let valid = with_database();
    let line = |needle: &str| {
        valid
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i as u32 + 1)
            .unwrap()
    };
    let db_line = line("    instance: db.t3.medium");
    let cases = [
        Case {
            name: "workload users off without a reason",
            from: "    instance: db.t3.medium\n",
            to: "    instance: db.t3.medium\n    workload_users: { enabled: false }\n",
            line: db_line + 1,
            field: "databases.db.workload_users.enabled",
            says: &["goes without workload users", "reason: ..."],
        },
        Case {
            name: "workload users without IAM authentication",
            from: "    instance: db.t3.medium\n",
            to: "    instance: db.t3.medium\n    iam_auth: false\n",
            line: db_line + 1,
            field: "databases.db.iam_auth",
            says: &[
                "IAM database authentication is off",
                "remove 'iam_auth: false'",
            ],
        },
        Case {
            name: "a workload whose user name is the master user's",
            from: "  worker:\n",
            to: "  dbadmin:\n",
            line: line("    connects_to: [db]"),
            field: "services.dbadmin.connects_to[0]",
            says: &["would be 'dbadmin'", "rename the workload"],
        },
        Case {
            name: "a users-task image from an undeclared repository",
            from: "    instance: db.t3.medium\n",
            to: "    instance: db.t3.medium\n    workload_users: { image: { repository: wbe, tag: '16' } }\n",
            line: db_line + 1,
            field: "databases.db.workload_users.image.repository",
            says: &["there is no repository 'wbe'", "did you mean 'web'?"],
        },
        Case {
            name: "an unknown field of workload_users",
            from: "    instance: db.t3.medium\n",
            to: "    instance: db.t3.medium\n    workload_users: { enable: false }\n",
            line: db_line + 1,
            field: "",
            says: &["enable"],
        },
    ];
    for case in &cases {
        assert_fails_on(&valid, case);
    }
}

#[test]
fn a_tier_without_internet_needs_an_ecr_copy_of_the_client_image() {
    let yaml =
        std::fs::read_to_string(repo().join("examples/solo-saving/stacks/main.yaml")).unwrap();
    let without = yaml.replace(
        "    workload_users: { image: { repository: psql, tag: \"16\" } }\n",
        "",
    );
    assert_ne!(without, yaml);
    let err = TempProject::new(&without).synth("prod").unwrap_err();
    assert!(err.contains("NET017"), "{err}");
    assert!(err.contains("databases.db.workload_users"), "{err}");
    assert!(
        err.contains("the task creating the workload users of database 'db' runs in tier 'app', which has no route to the internet, and cannot pull its client image from public.ecr.aws"),
        "{err}"
    );
    // And it needs the Secrets Manager endpoint for the master secret.
    let no_secrets = yaml.replace(", ssm, secretsmanager]", ", ssm]");
    assert_ne!(no_secrets, yaml);
    let err = TempProject::new(&no_secrets).synth("prod").unwrap_err();
    assert!(err.contains("secretsmanager (the master secret)"), "{err}");
    // With the copy in ECR, the task pulls it with the image's grants only.
    let t = template_json(&synth_example("solo-saving", "prod"), "main");
    let c = &t["Resources"]["DbUsersTaskDefinition"]["Properties"]["ContainerDefinitions"][0];
    assert_eq!(
        c["Image"],
        json!({"Fn::Sub": "${PsqlRepository.RepositoryUri}:16"})
    );
}

#[test]
fn a_stack_without_services_gives_the_users_task_its_own_cluster() {
    let spec = "\
app: demo
region: ap-northeast-1
network:
  cidr: 10.0.0.0/16
  zones: 2
  tiers:
    app: { type: private, mask: 24 }
    data: { type: isolated, mask: 24 }
    public: { type: public, mask: 24 }
  nat: single
environments:
  prod: {}
databases:
  db:
    engine: mysql
    version: \"8.0.43\"
    instance: db.t3.medium
functions:
  report-builder:
    code: { bucket: demo-artifacts, key: reports.zip }
    runtime: python3.13
    handler: app.handler
    connects_to: [db:read]
";
    let t = template_json(&TempProject::new(spec).synth("prod").unwrap(), "main");
    let r = &t["Resources"];
    assert!(r.get("Cluster").is_none());
    assert_eq!(r["DbUsersCluster"]["Type"], "AWS::ECS::Cluster");
    assert_eq!(
        r["DbUsers"]["Properties"]["Cluster"],
        json!({"Ref": "DbUsersCluster"})
    );
    assert_eq!(
        r["DbUsers"]["Properties"]["Users"],
        json!(["report_builder:read"])
    );
    assert_eq!(r["ReportBuilderFunction"]["DependsOn"], json!(["DbUsers"]));
    assert_eq!(
        connect_grants(&t),
        vec![(
            "ReportBuilderFunctionRole".to_string(),
            "arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${Db.DbiResourceId}/report_builder".to_string()
        )]
    );
    assert_eq!(
        workload_variable(&t, "ReportBuilderFunctionRole", "DB_USER"),
        Some(json!("report_builder"))
    );
    assert_passes_cfn_lint(spec);
}

#[test]
fn the_users_task_of_each_engine_passes_cfn_lint() {
    assert_passes_cfn_lint(&with_database());
    assert_passes_cfn_lint(&with_database().replace(
        "engine: postgres\n    version: \"15.15\"",
        "engine: aurora-mysql\n    version: \"8.0.mysql_aurora.3.08.2\"\n    serverless: { min_acu: 0.5, max_acu: 2 }",
    ).replace("    instance: db.t3.medium\n", ""));
}

/// Synthesizes `spec` and runs cfn-lint on its templates.
fn assert_passes_cfn_lint(spec: &str) {
    let (_dir, paths) = write_prod(spec);
    assert_cfn_lint_clean(&paths);
}
