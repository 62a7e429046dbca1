//! The command line as a user meets it: help, exit codes, and malformed
//! specs that must fail with file, line, field and a fix, writing nothing.

use crate::support::*;
use predicates::prelude::*;

/// A malformed variant of [`VALID`]: `from` replaced by `to` once.
pub struct Case {
    pub name: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// `main.yaml:<line>:` must appear.
    pub line: u32,
    pub field: &'static str,
    pub says: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "a PagerDuty URL written into the spec",
        from: "environments:",
        to: "topics:\n  alerts:\n    https: [{ url: \"https://events.pagerduty.com/integration/abc123/enqueue\" }]\nenvironments:",
        line: 13,
        field: "topics.alerts.https[0].url",
        says: &["this URL carries a key", "{ secret: pagerduty }"],
    },
    Case {
        name: "a Slack channel given by name",
        from: "environments:",
        to: "topics:\n  alerts:\n    slack: { workspace: T0123ABCDE, channel: \"#ops\" }\nenvironments:",
        line: 13,
        field: "topics.alerts.slack.channel",
        says: &["'#ops' is not a Slack channel id"],
    },
    Case {
        name: "dashboard hides an unknown component",
        from: "environments:",
        to: "dashboard:\n  hide: [wrker]\nenvironments:",
        line: 12,
        field: "dashboard.hide[0]",
        says: &[
            "there is no component with metrics 'wrker'",
            "did you mean 'worker'?",
        ],
    },
    Case {
        name: "dashboard compares a metric a component does not publish",
        from: "environments:",
        to: "dashboard:\n  compare:\n    - { title: Errors, metric: errors, on: [web] }\nenvironments:",
        line: 13,
        field: "dashboard.compare[0].on[0]",
        says: &["service 'web' does not publish 'errors'", "cpu, memory"],
    },
    Case {
        name: "DynamoDB sort key equal to the partition key",
        from: "environments:",
        to: "tables:\n  orders:\n    partition_key: { name: id, type: string }\n    sort_key: { name: id, type: string }\nenvironments:",
        line: 14,
        field: "tables.orders.sort_key.name",
        says: &["'id' is already the partition key"],
    },
    Case {
        name: "unknown access level in connects_to",
        from: "connects_to: [worker]",
        to: "connects_to: [worker:rw]",
        line: 25,
        field: "services.web.connects_to[0]",
        says: &["'rw' is not a valid value", "read-write"],
    },
    Case {
        name: "account that is not an account id",
        from: "region: ap-northeast-1\n",
        to: "region: ap-northeast-1\naccount: \"12345\"\n",
        line: 3,
        field: "account",
        says: &["'12345' is not an AWS account id", "12 digits"],
    },
    Case {
        name: "unknown field",
        from: "  cidr: 10.0.0.0/16",
        to: "  cidrr: 10.0.0.0/16",
        line: 4,
        field: "network.cidrr",
        says: &["unknown field 'cidrr'", "did you mean 'cidr'?"],
    },
    Case {
        name: "malformed CIDR",
        from: "10.0.0.0/16",
        to: "10.0.0.0/33",
        line: 4,
        field: "network.cidr",
        says: &["'10.0.0.0/33' is not an IPv4 CIDR block"],
    },
    Case {
        name: "host bits set",
        from: "10.0.11.0/24",
        to: "10.0.11.5/24",
        line: 8,
        field: "network.tiers.app.cidrs[0]",
        says: &["has host bits set", "did you mean '10.0.11.0/24'?"],
    },
    Case {
        name: "subnet outside the VPC",
        from: "10.0.12.0/24",
        to: "10.1.12.0/24",
        line: 8,
        field: "network.tiers.app.cidrs[1]",
        says: &["subnet 10.1.12.0/24 is outside the VPC CIDR 10.0.0.0/16"],
    },
    Case {
        name: "overlapping subnets",
        from: "10.0.12.0/24",
        to: "10.0.1.0/24",
        line: 8,
        field: "network.tiers.app.cidrs[1]",
        says: &["overlaps 10.0.1.0/24 (network.tiers.public.cidrs[0])"],
    },
    Case {
        name: "tier without a subnet per zone",
        from: "[10.0.11.0/24, 10.0.12.0/24]",
        to: "[10.0.11.0/24]",
        line: 8,
        field: "network.tiers.app.cidrs",
        says: &["tier 'app' has 1 subnet for 2 zones"],
    },
    Case {
        name: "private tier with no way out",
        from: "  nat: single",
        to: "  nat: none",
        line: 8,
        field: "network.tiers.app.type",
        says: &["has no way out", "endpoints"],
    },
    Case {
        name: "zone count out of range",
        from: "zones: 2",
        to: "zones: 7",
        line: 5,
        field: "network.zones",
        says: &["7 availability zones is out of range"],
    },
    Case {
        name: "zone from another region",
        from: "zones: 2",
        to: "zones: [us-east-1a, us-east-1b]",
        line: 5,
        field: "network.zones[0]",
        says: &["'us-east-1a' is not an availability zone of ap-northeast-1"],
    },
    Case {
        name: "unknown endpoint",
        from: "  nat: single",
        to: "  nat: single\n  endpoints: [s3, ecr.apii]",
        line: 11,
        field: "network.endpoints[1]",
        says: &["unknown VPC endpoint 'ecr.apii'", "did you mean 'ecr.api'?"],
    },
    Case {
        name: "wrong type",
        from: "zones: 2",
        to: "zones: two",
        line: 5,
        field: "network.zones",
        says: &["expected a zone count (1 to 6) or a list of zone names"],
    },
    Case {
        name: "unknown enum value",
        from: "nat: single",
        to: "nat: per-az",
        line: 10,
        field: "network.nat",
        says: &["'per-az' is not a valid value", "did you mean 'per-zone'?"],
    },
    Case {
        name: "missing required field",
        from: "region: ap-northeast-1\n",
        to: "",
        line: 1,
        field: "region",
        says: &["missing required field 'region'"],
    },
    Case {
        name: "unknown region",
        from: "region: ap-northeast-1",
        to: "region: ap-northeast-9",
        line: 2,
        field: "region",
        says: &["'ap-northeast-9' is not an AWS region"],
    },
    Case {
        name: "invalid app name",
        from: "app: demo",
        to: "app: Demo_App",
        line: 1,
        field: "app",
        says: &["app name 'Demo_App' is not usable"],
    },
    Case {
        name: "retention CloudWatch does not offer",
        from: "  nat: single",
        to: "  nat: single\n  flow_logs: { retention_days: 45 }",
        line: 11,
        field: "network.flow_logs.retention_days",
        says: &["45 days is not a CloudWatch Logs retention period", "365"],
    },
    Case {
        name: "mistake in another environment's overlay",
        from: "  dev: {}",
        to: "  dev: { network: { nat: per-az } }",
        line: 12,
        field: "network.nat",
        says: &["'per-az' is not a valid value"],
    },
    Case {
        name: "cidrs and mask together",
        from: "data: { type: isolated, mask: 24 }",
        to: "data: { type: isolated, mask: 24, cidrs: [10.0.21.0/24, 10.0.22.0/24] }",
        line: 9,
        field: "network.tiers.data.mask",
        says: &["give either 'cidrs' or 'mask', not both"],
    },
    Case {
        name: "NAT without a public tier",
        from: "    public: { type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }\n",
        to: "",
        line: 9,
        field: "network.nat",
        says: &["NAT gateways need a public tier"],
    },
    Case {
        name: "number where text is expected",
        from: "cidr: 10.0.0.0/16",
        to: "cidr: 10.5",
        line: 4,
        field: "network.cidr",
        says: &["expected a string, found a number", "write it in quotes"],
    },
    Case {
        name: "misspelt tier type",
        from: "type: isolated",
        to: "type: isolate",
        line: 9,
        field: "network.tiers.data.type",
        says: &["did you mean 'isolated'?"],
    },
    Case {
        name: "invalid YAML",
        from: "10.0.2.0/24] }",
        to: "10.0.2.0/24 }",
        line: 7,
        field: "",
        says: &["not valid YAML"],
    },
    Case {
        name: "environment that is not a mapping",
        from: "  dev: {}",
        to: "  dev: [1]",
        line: 12,
        field: "environments.dev",
        says: &["must be a mapping of overrides"],
    },
    Case {
        name: "invalid Fargate CPU/memory pair",
        from: "    memory: 512\n    port: 8080",
        to: "    memory: 4096\n    port: 8080",
        line: 22,
        field: "services.web.memory",
        says: &[
            "Fargate has no task with 256 CPU and 4096 MiB memory",
            "with cpu 256 use memory 512, 1024, 2048",
        ],
    },
    Case {
        name: "load balancer name over 32 characters",
        from: "name: demo-alb",
        to: "name: demo-application-load-balancer-prod",
        line: 17,
        field: "load_balancer.name",
        says: &["is 35 characters; AWS allows 32"],
    },
    Case {
        name: "uppercase ECR repository name",
        from: "web: { keep_tagged: 5 }",
        to: "web: { keep_tagged: 5, name: Demo/Web }",
        line: 15,
        field: "repositories.web.name",
        says: &[
            "'Demo/Web' is not a valid ECR repository name",
            "'demo/web'",
        ],
    },
    Case {
        name: "connection to an unknown component",
        from: "connects_to: [worker]",
        to: "connects_to: [wrker]",
        line: 25,
        field: "services.web.connects_to[0]",
        says: &[
            "there is no component 'wrker' to connect to",
            "did you mean 'worker'?",
        ],
    },
    Case {
        name: "port out of range",
        from: "port: 9000",
        to: "port: 70000",
        line: 30,
        field: "services.worker.port",
        says: &["port 70000 is out of range", "1 to 65535"],
    },
    Case {
        name: "image from an undeclared repository",
        from: "repository: web,",
        to: "repository: wbe,",
        line: 20,
        field: "services.web.image.repository",
        says: &["there is no repository 'wbe'", "did you mean 'web'?"],
    },
    Case {
        name: "load balancer logs to a KMS-encrypted bucket",
        from: "  name: demo-alb",
        to: "  name: demo-alb\n  access_logs: { bucket: logs }\nbuckets:\n  logs: { kms_key: k }\nkeys:\n  k: {}",
        line: 18,
        field: "load_balancer.access_logs.bucket",
        says: &["load balancer logs need SSE-S3"],
    },
    Case {
        name: "API route key that is not METHOD /path",
        from: "    port: 9000",
        to: "    port: 9000\napi:\n  routes:\n    web: { key: 'FETCH /x', target: load-balancer, auth: false }",
        line: 33,
        field: "api.routes.web.key",
        says: &["'FETCH /x' is not a route key", "METHOD /path"],
    },
    Case {
        name: "API route to an unknown target",
        from: "    port: 9000",
        to: "    port: 9000\napi:\n  routes:\n    web: { key: 'GET /x', target: load-balancr, auth: false }",
        line: 33,
        field: "api.routes.web.target",
        says: &[
            "there is no route target 'load-balancr'",
            "did you mean 'load-balancer'?",
        ],
    },
    Case {
        name: "API route that needs a token without an authorizer",
        from: "    port: 9000",
        to: "    port: 9000\napi:\n  routes:\n    web: { key: 'GET /x', target: load-balancer }",
        line: 33,
        field: "api.routes.web.auth",
        says: &["requires a token but the API has no authorizer"],
    },
    Case {
        name: "load balancer for CloudFront only, without a distribution",
        from: "  name: demo-alb",
        to: "  name: demo-alb\n  ingress: cloudfront",
        line: 18,
        field: "load_balancer.ingress",
        says: &[
            "no distribution uses it as an origin",
            "load_balancer: true",
        ],
    },
    Case {
        name: "access level on a service connection",
        from: "connects_to: [worker]",
        to: "connects_to: [worker:read]",
        line: 25,
        field: "services.web.connects_to[0]",
        says: &["a connection to a service takes no access level"],
    },
    Case {
        name: "engine version that is only a major version",
        from: "environments:",
        to: "databases:\n  db: { engine: postgres, version: \"15\", instance: db.t3.medium }\nenvironments:",
        line: 12,
        field: "databases.db.version",
        says: &["'15' is a major version", "15.15"],
    },
    Case {
        name: "instance class the engine does not offer",
        from: "environments:",
        to: "databases:\n  db: { engine: mysql, version: \"8.4.6\", instance: db.t3.mega }\nenvironments:",
        line: 12,
        field: "databases.db.instance",
        says: &["'db.t3.mega' is not an instance class RDS offers for mysql"],
    },
    Case {
        name: "serverless capacity out of range",
        from: "environments:",
        to: "databases:\n  db:\n    engine: aurora-postgresql\n    version: \"16.8\"\n    serverless: { min_acu: 0.5, max_acu: 300 }\nenvironments:",
        line: 15,
        field: "databases.db.serverless.max_acu",
        says: &[
            "300 ACU is not a Serverless v2 capacity",
            "0 to 256 ACU in steps of 0.5",
        ],
    },
    Case {
        name: "bucket name that breaks S3's rules",
        from: "environments:",
        to: "buckets:\n  uploads: { name: User_Uploads }\nenvironments:",
        line: 12,
        field: "buckets.uploads.name",
        says: &["bucket name 'User_Uploads-prod' breaks S3's naming rules"],
    },
    Case {
        name: "cluster mode without automatic failover",
        from: "environments:",
        to: "caches:\n  cache: { engine: redis, version: \"7.1\", node_type: cache.t3.micro, shards: 2, replicas: 1, automatic_failover: false }\nenvironments:",
        line: 12,
        field: "caches.cache.automatic_failover",
        says: &["cluster mode (shards) needs automatic failover"],
    },
    Case {
        name: "maintenance window overlapping the backup window",
        from: "environments:",
        to: "databases:\n  db:\n    engine: postgres\n    version: \"15.15\"\n    instance: db.t3.medium\n    backup: { window: \"03:00-04:00 Asia/Tokyo\" }\n    maintenance_window: \"wed 03:30-04:30 Asia/Tokyo\"\nenvironments:",
        line: 17,
        field: "databases.db.maintenance_window",
        says: &["overlaps the backup window (18:00-19:00 UTC)"],
    },
    Case {
        name: "maintenance window without a day",
        from: "environments:",
        to: "databases:\n  db:\n    engine: postgres\n    version: \"15.15\"\n    instance: db.t3.medium\n    maintenance_window: \"04:00-05:00 Asia/Tokyo\"\nenvironments:",
        line: 16,
        field: "databases.db.maintenance_window",
        says: &["needs a day of the week", "sun 04:00-05:00 Asia/Tokyo"],
    },
    Case {
        name: "window in a daylight-saving zone",
        from: "environments:",
        to: "databases:\n  db:\n    engine: postgres\n    version: \"15.15\"\n    instance: db.t3.medium\n    backup: { window: \"03:00-04:00 Europe/Berlin\" }\nenvironments:",
        line: 16,
        field: "databases.db.backup.window",
        says: &["observes daylight saving time"],
    },
    Case {
        name: "component name used twice",
        from: "environments:",
        to: "databases:\n  db:\n    engine: postgres\n    version: \"15.15\"\n    instance: db.t3.medium\nbuckets:\n  db: {}\nenvironments:",
        line: 17,
        field: "buckets.db",
        says: &["'db' is already a component name (under databases:)"],
    },
    Case {
        name: "SecureString parameter with a value",
        from: "environments:",
        to: "parameters:\n  api-key: { secure: true, value: hunter2 }\nenvironments:",
        line: 12,
        field: "parameters.api-key.value",
        says: &["CloudFormation cannot create SecureString parameters"],
    },
    Case {
        name: "key that is not declared",
        from: "environments:",
        to: "buckets:\n  uploads: { kms_key: dta }\nkeys:\n  data: {}\nenvironments:",
        line: 12,
        field: "buckets.uploads.kms_key",
        says: &["there is no key 'dta'", "did you mean 'data'?"],
    },
    Case {
        name: "identity-provider secret written as a literal",
        from: "environments:",
        to: "secrets:\n  idp: {}\nuser_pools:\n  users:\n    identity_providers:\n      google: { type: google, client_id: abc, client_secret: hunter2 }\nenvironments:",
        line: 16,
        field: "user_pools.users.identity_providers.google.client_secret",
        says: &[
            "a client secret is written into the spec",
            "{ secret: <key under secrets:>, key: <JSON field> }",
        ],
    },
    Case {
        name: "alarm on a metric the component does not publish",
        from: "environments:",
        to: "topics:\n  ops: { emails: [ops@example.com] }\nalarms:\n  web-latency: { on: web, metric: latency, above: 2 }\nenvironments:",
        line: 14,
        field: "alarms.web-latency.metric",
        says: &[
            "service 'web' does not publish 'latency'",
            "cpu, memory, running-tasks, unhealthy-hosts",
        ],
    },
    Case {
        name: "alarm on an unknown component",
        from: "environments:",
        to: "topics:\n  ops: { emails: [ops@example.com] }\nalarms:\n  web-cpu: { on: wbe, metric: cpu, above: 80 }\nenvironments:",
        line: 14,
        field: "alarms.web-cpu.on",
        says: &[
            "there is no component 'wbe' to watch",
            "did you mean 'web'?",
        ],
    },
    Case {
        name: "queue hides messages for less than its function runs",
        from: "environments:",
        to: "queues:\n  jobs: { visibility_timeout: 30 }\nfunctions:\n  consumer:\n    code: { bucket: demo-artifacts, key: consumer.zip }\n    runtime: python3.13\n    handler: app.handler\n    timeout: 60\n    trigger: { queue: jobs }\nenvironments:",
        line: 12,
        field: "queues.jobs.visibility_timeout",
        says: &[
            "less than the 60 s function 'consumer' may run",
            "at least 60",
        ],
    },
    Case {
        name: "token lifetime outside Cognito's range",
        from: "environments:",
        to: "user_pools:\n  users:\n    clients:\n      app: { tokens: { access: 2d } }\nenvironments:",
        line: 14,
        field: "user_pools.users.clients.app.tokens.access",
        says: &[
            "access token lifetime of 2d is outside Cognito's range",
            "5m to 24h",
        ],
    },
    Case {
        name: "CLOUDFRONT-scope web ACL attached to the load balancer",
        from: "environments:",
        to: "waf:\n  api:\n    scope: cloudfront\n    attach: [load_balancer]\nenvironments:",
        line: 14,
        field: "waf.api.attach[0]",
        says: &[
            "CLOUDFRONT-scope web ACL cannot protect a load balancer",
            "scope: regional",
        ],
    },
    Case {
        name: "rate limit below AWS's minimum",
        from: "environments:",
        to: "waf:\n  api:\n    attach: [load_balancer]\n    rules:\n      rl: { rate_limit: { limit: 5 } }\nenvironments:",
        line: 15,
        field: "waf.api.rules.rl.rate_limit.limit",
        says: &["rate limit of 5", "use 10 to 2,000,000,000"],
    },
    Case {
        name: "unknown managed rule group",
        from: "environments:",
        to: "waf:\n  api:\n    attach: [load_balancer]\n    rules:\n      crs: { managed: cor }\nenvironments:",
        line: 15,
        field: "waf.api.rules.crs.managed",
        says: &[
            "'cor' is not an AWS managed rule group",
            "did you mean 'core'?",
        ],
    },
    Case {
        name: "record in a zone that is not given",
        from: "environments:",
        to: "dns:\n  zones:\n    example.com: {}\n  records:\n    app.example.org: { load_balancer: true }\nenvironments:",
        line: 15,
        field: "dns.records.app.example.org",
        says: &[
            "'app.example.org' is in none of the zones given",
            "example.com",
        ],
    },
    Case {
        name: "CloudFront origin naming an unknown bucket",
        from: "environments:",
        to: "buckets:\n  site: {}\ncdn:\n  web:\n    origins: { s3: { bucket: sit } }\n    default: { origin: s3 }\nenvironments:",
        line: 15,
        field: "cdn.web.origins.s3.bucket",
        says: &["there is no bucket 'sit'", "did you mean 'site'?"],
    },
];

#[test]
fn malformed_specs_fail_with_file_line_field_and_fix_and_write_nothing() {
    assert!(CASES.len() >= 15);
    for case in CASES {
        assert_fails_with_file_line_field_and_fix(case);
    }
}

/// Runs `archgen synth prod` on the case's spec: exit 1 (never a panic's
/// 101), the place, the field and every expected phrase on stderr, nothing written.
pub fn assert_fails_with_file_line_field_and_fix(case: &Case) {
    assert_fails_on(VALID, case);
}

/// As [`assert_fails_with_file_line_field_and_fix`], on a variant of `valid`.
pub fn assert_fails_on(valid: &str, case: &Case) {
    assert!(
        valid.contains(case.from),
        "{}: pattern not in the valid spec",
        case.name
    );
    let project = TempProject::new(&valid.replacen(case.from, case.to, 1));
    let (code, stderr) = project.synth_prod_cli();
    assert_eq!(code, Some(1), "{}: exit code\n{stderr}", case.name);
    let place = format!("main.yaml:{}:", case.line);
    assert!(
        stderr.contains(&place),
        "{}: expected {place} in\n{stderr}",
        case.name
    );
    if !case.field.is_empty() {
        assert!(
            stderr.contains(&format!("field: {}", case.field)),
            "{}: expected field {} in\n{stderr}",
            case.name,
            case.field
        );
    }
    for s in case.says {
        assert!(
            stderr.contains(s),
            "{}: expected '{s}' in\n{stderr}",
            case.name
        );
    }
    assert!(
        !project.path().join("out").exists(),
        "{}: wrote output despite the error",
        case.name
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let spec = VALID
        .replace("10.0.0.0/16", "10.0.0.0/33")
        .replace("ap-northeast-1", "ap-northeast-9")
        .replace("app: demo", "app: Demo");
    let project = TempProject::new(&spec);
    archgen()
        .args(["synth", "prod", "--dir"])
        .arg(project.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("3 problems found, and 1 warning"))
        .stderr(predicate::str::contains("main.yaml:1:"))
        .stderr(predicate::str::contains("main.yaml:2:"))
        .stderr(predicate::str::contains("main.yaml:4:"))
        .stderr(predicate::function(|err: &str| {
            // One pointer to `archgen explain` per run, not one per error.
            err.matches("archgen explain").count() == 1
                // VALID's load balancer has no web ACL: a warning, counted apart.
                && err.contains("3 problems found, and 1 warning\n= note: run `archgen explain APP001` for more")
        }));
}

#[test]
fn explain_prints_what_a_rule_checks_in_any_case() {
    archgen()
        .args(["explain", "net003"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "NET003: a subnet is outside the VPC CIDR\n\n",
        ))
        .stdout(predicate::str::contains(
            "Every subnet must lie inside `network.cidr`",
        ));
}

#[test]
fn explain_an_unknown_code_is_a_usage_error_with_a_suggestion() {
    archgen()
        .args(["explain", "NOPE999"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("there is no rule code 'NOPE999'"));
    archgen()
        .args(["explain", "NET03"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean NET003?"));
}

#[test]
fn every_structural_mistake_is_reported_too_not_only_the_first() {
    let spec = VALID
        .replace("  cidr: 10.0.0.0/16", "  cidrr: 10.0.0.0/16")
        .replace("zones: 2", "zones: two")
        .replace(
            "    cpu: 256\n    memory: 512\n    port: 9000",
            "    cpu: 256\n    memroy: 512\n    port: 9000",
        );
    let project = TempProject::new(&spec);
    let (code, stderr) = project.synth_prod_cli();
    assert_eq!(code, Some(1), "{stderr}");
    for (line, says) in [
        (4, "unknown field 'cidrr'"),
        (5, "expected a zone count"),
        (29, "unknown field 'memroy'"),
    ] {
        assert!(
            stderr.contains(&format!("main.yaml:{line}:")),
            "line {line} missing in\n{stderr}"
        );
        assert!(stderr.contains(says), "'{says}' missing in\n{stderr}");
    }
}

#[test]
fn unknown_environment_is_a_usage_error_listing_the_declared_ones() {
    let project = TempProject::new(VALID);
    archgen()
        .args(["synth", "prd", "--dir"])
        .arg(project.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "environment 'prd' is not declared",
        ))
        .stderr(predicate::str::contains("Did you mean 'prod'?"))
        .stderr(predicate::str::contains("Declared environments: dev, prod"));
}

#[test]
fn missing_environment_argument_is_a_usage_error() {
    archgen()
        .arg("synth")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ENV"));
    archgen().assert().code(2);
    archgen()
        .args(["synth", "prod", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn help_explains_itself_with_examples_and_exit_codes() {
    archgen()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("synth"))
        .stdout(predicate::str::contains("Exit codes"))
        .stdout(predicate::str::contains("archgen synth prod"));
    archgen()
        .args(["synth", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("--dir"))
        .stdout(predicate::str::contains("--out"))
        .stdout(predicate::str::contains("--format"))
        .stdout(predicate::str::contains("--stdout"));
}

#[test]
fn synth_writes_one_template_per_stack_and_a_manifest() {
    let project = TempProject::new(VALID);
    archgen()
        .args(["synth", "--env", "prod", "--dir"])
        .arg(project.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "stack demo-prod-main in ap-northeast-1",
        ));
    let out = project.path().join("out/prod");
    let template: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("main.template.json")).unwrap()).unwrap();
    assert_eq!(template["AWSTemplateFormatVersion"], "2010-09-09");
    assert_eq!(
        template["Resources"]["Vpc"]["Properties"]["CidrBlock"],
        "10.0.0.0/16"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["stacks"][0]["stack_name"], "demo-prod-main");
    assert_eq!(manifest["stacks"][0]["template_file"], "main.template.json");
}

#[test]
fn yaml_format_and_custom_out_dir() {
    let project = TempProject::new(VALID);
    let out = project.path().join("elsewhere");
    archgen()
        .args(["synth", "dev", "--format", "yaml", "--dir"])
        .arg(project.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let yaml = std::fs::read_to_string(out.join("main.template.yaml")).unwrap();
    assert!(
        yaml.starts_with("AWSTemplateFormatVersion: \"2010-09-09\""),
        "{yaml}"
    );
    assert!(yaml.contains("Type: AWS::EC2::VPC"));
    assert!(!project.path().join("out").exists());
}

#[test]
fn stdout_prints_the_template_and_writes_nothing() {
    let project = TempProject::new(VALID);
    let out = archgen()
        .args(["synth", "prod", "--stdout", "--dir"])
        .arg(project.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let template: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is the JSON template");
    assert_eq!(template["Resources"]["Vpc"]["Type"], "AWS::EC2::VPC");
    assert!(!project.path().join("out").exists());
}

#[test]
fn a_failed_run_leaves_the_previous_output_untouched() {
    let project = TempProject::new(VALID);
    archgen()
        .args(["synth", "prod", "--dir"])
        .arg(project.path())
        .assert()
        .success();
    let file = project.path().join("out/prod/main.template.json");
    let before = std::fs::read(&file).unwrap();
    std::fs::write(
        project.path().join("stacks/main.yaml"),
        VALID.replace("zones: 2", "zones: 9"),
    )
    .unwrap();
    archgen()
        .args(["synth", "prod", "--dir"])
        .arg(project.path())
        .assert()
        .code(1);
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(project.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "prod")
        .collect();
    assert!(
        leftovers.is_empty(),
        "scratch files left behind: {leftovers:?}"
    );
}

#[test]
fn missing_stacks_directory_says_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    archgen()
        .args(["synth", "prod", "--dir"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot read the stacks directory"))
        .stderr(predicate::str::contains("--dir"));
}

#[test]
fn the_default_project_synthesizes_prod_from_the_repository_root() {
    let out = tempfile::tempdir().unwrap();
    archgen()
        .current_dir(repo())
        .args(["synth", "prod", "--out"])
        .arg(out.path())
        .assert()
        .success();
    assert!(out.path().join("main.template.json").exists());
}

// Errors that help (issue 9 §4): each points at the line the problem is on,
// speaks the user's language rather than the parser library's, and stays
// short however large the spec.

/// Runs `synth prod` on a project whose `stacks/main.yaml` holds `bytes`;
/// returns the exit code and stderr (piped, so without colour).
fn synth_bytes(bytes: &[u8]) -> (Option<i32>, String) {
    let project = TempProject::new("");
    std::fs::write(project.path().join("stacks/main.yaml"), bytes).unwrap();
    let result = project.synth_prod_cli();
    assert!(!project.path().join("out").exists(), "wrote output");
    result
}

fn synth_spec(spec: &str) -> String {
    let (code, stderr) = synth_bytes(spec.as_bytes());
    assert_eq!(code, Some(1), "{stderr}");
    stderr
}

fn assert_says(stderr: &str, says: &[&str]) {
    for s in says {
        assert!(stderr.contains(s), "expected '{s}' in\n{stderr}");
    }
}

#[test]
fn an_environment_name_error_points_at_its_declaration() {
    let stderr = synth_spec(&VALID.replacen("  dev: {}", "  dev: {}\n  Big_Env: {}", 1));
    assert_says(
        &stderr,
        &[
            "environment name 'Big_Env' is not usable",
            "main.yaml:13:3",
            "field: environments.Big_Env",
        ],
    );
}

#[test]
fn an_overlay_that_removes_a_required_field_is_reported_at_the_overlay() {
    let stderr = synth_spec(&VALID.replacen("  prod: {}", "  prod: { region: ~ }", 1));
    assert_says(
        &stderr,
        &[
            "missing required field 'region'",
            "this overlay removes it",
            "main.yaml:13:11",
        ],
    );
}

#[test]
fn a_name_used_in_two_component_blocks_is_shown_at_both() {
    let spec = VALID.replacen(
        "environments:",
        "databases:\n  db:\n    engine: postgres\n    version: \"15.15\"\n    instance: db.t3.medium\nbuckets:\n  db: {}\nenvironments:",
        1,
    );
    let stderr = synth_spec(&spec);
    // The second use is the error; the first is shown and labelled.
    assert_says(
        &stderr,
        &[
            "main.yaml:17:3",
            "12 |   db:",
            "first used here",
            "17 |   db: {}",
            // One mistake, one error.
            "1 problem found",
        ],
    );
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_the_first_bad_byte() {
    let mut bytes =
        b"app: demo\nregion: ap-northeast-1\nenvironments: { prod: {} }\ntags:\n  owner: caf"
            .to_vec();
    bytes.extend([0xE9, b'\n']);
    let (code, stderr) = synth_bytes(&bytes);
    assert_eq!(code, Some(1), "{stderr}");
    assert_says(
        &stderr,
        &[
            "main.yaml:5:13",
            "is not UTF-8 text: byte 0xE9 at line 5, column 13",
            "save the file as UTF-8",
        ],
    );
    assert!(!stderr.contains(":0"), "line 0 in\n{stderr}");
}

#[test]
fn an_empty_stack_file_is_reported_by_its_name() {
    for text in ["", "\n  \n", "# only a comment\n"] {
        let (code, stderr) = synth_bytes(text.as_bytes());
        assert_eq!(code, Some(1), "{text:?}: {stderr}");
        assert_says(
            &stderr,
            &["stacks/main.yaml is empty: a stack needs at least `app:` and `region:`"],
        );
    }
}

#[test]
fn a_key_written_twice_is_shown_at_both_places_in_plain_words() {
    let stderr = synth_spec(&VALID.replacen("  nat: single", "  nat: single\n  zones: 3", 1));
    assert_says(
        &stderr,
        &[
            "key `zones` is written twice in this mapping (first at line 5)",
            "main.yaml:11:3",
            " 5 |   zones: 2",
            "first written here",
            "remove one of them",
        ],
    );
    assert!(!stderr.contains("DuplicateKeyPolicy"), "{stderr}");
}

#[test]
fn a_second_yaml_document_says_what_to_do() {
    let stderr = synth_spec(&format!("{VALID}---\napp: other\n"));
    assert_says(
        &stderr,
        &[
            "a stack file holds one YAML document",
            "remove the `---` separator or split it into two stack files",
            "main.yaml:31:1",
        ],
    );
    assert!(!stderr.contains("from_str"), "{stderr}");
}

#[test]
fn a_decimal_where_an_integer_is_expected_says_integer() {
    let stderr = synth_spec(&VALID.replacen("    cpu: 256", "    cpu: 512.0", 1));
    assert_says(
        &stderr,
        &[
            "expected an integer (0 or more), found 512.0",
            "main.yaml:21:10",
            "write it without the decimal point: 512",
        ],
    );
    assert!(!stderr.contains("u32"), "{stderr}");
}

#[test]
fn an_alias_bomb_is_refused_in_a_sentence() {
    let mut spec = String::from("app: demo\nregion: ap-northeast-1\nenvironments: { prod: {} }\n");
    spec.push_str("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let items = vec![format!("*{prev}"); 10].join(", ");
        spec.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    let stderr = synth_spec(&spec);
    assert_says(
        &stderr,
        &[
            "this file expands YAML aliases beyond archgen's limit (",
            "write the values out or use fewer aliases",
        ],
    );
    for internal in ["budget breached", "{ ", "Nodes"] {
        assert!(!stderr.contains(internal), "'{internal}' in\n{stderr}");
    }
}

#[test]
fn help_lists_stay_short_in_a_spec_with_thousands_of_components() {
    let buckets: String = (0..2000)
        .map(|i| format!("  bucket-{i:04}: {{}}\n"))
        .collect();
    let with_buckets = VALID.replacen(
        "environments:",
        &format!("buckets:\n{buckets}environments:"),
        1,
    );
    for typos in [&["wrker"][..], &["wrker", "wroker", "bucket-99999"]] {
        let spec = with_buckets.replacen(
            "connects_to: [worker]",
            &format!("connects_to: [{}]", typos.join(", ")),
            1,
        );
        let stderr = synth_spec(&spec);
        assert_says(
            &stderr,
            &[
                "there is no component 'wrker' to connect to",
                "did you mean 'worker'?",
                // web, worker and the 2,000 buckets, less the five listed.
                " and 1997 more",
                &format!("{} problem", typos.len()),
            ],
        );
        assert!(
            stderr.len() < 2048 * typos.len(),
            "{} bytes for {} errors:\n{stderr}",
            stderr.len(),
            typos.len()
        );
    }
}

#[test]
fn the_caret_sits_under_the_token_on_a_line_with_wide_characters() {
    let stderr = synth_spec(&VALID.replacen(
        "region: ap-northeast-1\n",
        "region: ap-northeast-1\ntags: { 名前: x, aws:foo: bar }\n",
        1,
    ));
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.ends_with("| tags: { 名前: x, aws:foo: bar }"))
        .unwrap_or_else(|| panic!("source line missing in\n{stderr}"));
    let gutter = lines[at].find("| ").unwrap() + 2;
    let caret = lines[at + 1]
        .get(gutter..)
        .expect("a caret under the source line");
    // `tags: { ` is 8 columns, 名前 takes 4, `: x, aws:foo: ` 14: 26 in all.
    assert_eq!(caret, format!("{}^^^", " ".repeat(26)), "in\n{stderr}");
}

#[test]
fn colour_follows_the_terminal_no_color_and_clicolor_force() {
    let project = TempProject::new(&VALID.replacen("zones: 2", "zones: 9", 1));
    let stderr_with = |vars: &[(&str, &str)]| {
        let mut cmd = archgen();
        cmd.args(["synth", "prod", "--dir"])
            .arg(project.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stderr).unwrap()
    };
    let forced = stderr_with(&[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\u{1b}["), "no ANSI styles in\n{forced}");
    for plain in [stderr_with(&[]), stderr_with(&[("NO_COLOR", "1")])] {
        assert!(!plain.contains('\u{1b}'), "ANSI styles in\n{plain}");
        assert!(plain.contains("error[NET"), "{plain}");
    }
}

/// The README's table of rule codes, as `Code` declares them (by id).
fn rule_code_table() -> String {
    let mut codes = archgen::diagnostic::Code::ALL.to_vec();
    codes.sort();
    let mut table = String::from("| Code | Summary |\n|---|---|\n");
    for code in codes {
        table.push_str(&format!("| `{}` | {} |\n", code.id(), code.summary()));
    }
    table
}

#[test]
fn the_readme_lists_every_rule_code_with_its_summary() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split_once("\n## Rule codes\n")
        .map(|(_, rest)| rest)
        .expect("README.md has a '## Rule codes' section");
    // The table is the run of lines starting with '|' in that section.
    let listed: String = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected = rule_code_table();
    assert!(
        listed == expected,
        "README.md's 'Rule codes' table is stale; replace it with:\n\n{expected}"
    );
}

/// `--version` names the release, the commit it was built from and the date
/// of the vendored CloudFormation schemas, read here from their VERSION file.
#[test]
fn version_names_the_release_the_commit_and_the_schema_date() {
    let version_file =
        std::fs::read_to_string(repo().join("crates/archgen-synth/schemas/cloudformation/VERSION"))
            .unwrap();
    let schema_date = version_file
        .lines()
        .find_map(|l| l.strip_prefix("schema_date="))
        .expect("VERSION has schema_date=");
    let head = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let commit = match head {
        Some(sha) => format!("commit {}", sha.chars().take(12).collect::<String>()),
        None => "unknown commit".to_string(),
    };
    let expected = format!(
        "archgen {} ({commit}, CloudFormation schemas {schema_date} from cfn-lint==1.58.0)\n",
        env!("CARGO_PKG_VERSION")
    );
    for flag in ["--version", "-V"] {
        archgen()
            .arg(flag)
            .assert()
            .success()
            .stdout(expected.clone());
    }
}

/// The README says which version it describes, and the CHANGELOG has a
/// section for it: bumping the version without either fails here.
#[test]
fn readme_and_changelog_name_the_current_version() {
    let version = env!("CARGO_PKG_VERSION");
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("This README describes **archgen {version}**")),
        "README.md must say it describes archgen {version}"
    );
    let changelog = std::fs::read_to_string(repo().join("CHANGELOG.md")).unwrap();
    assert!(
        changelog
            .lines()
            .any(|l| l == format!("## {version}") || l.starts_with(&format!("## {version} "))),
        "CHANGELOG.md has no `## {version}` section"
    );
}

/// A spec with two rule errors, in different places.
pub(crate) fn two_errors_spec() -> String {
    VALID
        .replace(
            "app: { type: private, cidrs: [10.0.11.0/24, 10.0.12.0/24] }",
            "app: { type: private, cidrs: [10.0.11.0/24, 10.1.12.0/24] }",
        )
        .replace(
            "    memory: 512\n    port: 9000",
            "    memory: 100\n    port: 9000",
        )
}

#[test]
fn check_reports_every_problem_as_sarif_for_code_scanning() {
    let project = TempProject::new(&two_errors_spec());
    let out = archgen()
        .args(["check", "--format", "sarif"])
        .current_dir(project.path())
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "an invalid spec exits 1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 problems found, and 1 warning"),
        "{stderr}"
    );
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "archgen");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), archgen::diagnostic::Code::ALL.len());
    let results = runs[0]["results"].as_array().unwrap();
    let found: Vec<(String, String, u64, u64)> = results
        .iter()
        .map(|r| {
            let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], r["ruleId"], "ruleIndex points at its rule");
            let code = archgen::diagnostic::Code::from_id(r["ruleId"].as_str().unwrap()).unwrap();
            assert_eq!(rule["shortDescription"]["text"], code.summary());
            // VALID's load balancer has no web ACL: APP051 is a warning.
            let level = if code.id() == "APP051" {
                "warning"
            } else {
                "error"
            };
            assert_eq!(r["level"], level);
            let physical = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                physical["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                physical["region"]["startLine"].as_u64().unwrap(),
                physical["region"]["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("NET003".into(), "stacks/main.yaml".into(), 8, 49),
            ("APP051".into(), "stacks/main.yaml".into(), 16, 1),
            ("APP010".into(), "stacks/main.yaml".into(), 29, 13),
        ]
    );
    assert!(
        results[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("field: network.tiers.app.cidrs[1]\nhelp: pick a subnet inside 10.0.0.0/16")
    );
}

#[test]
fn check_covers_every_environment_and_writes_nothing() {
    let project = TempProject::new(VALID);
    archgen()
        .args(["check", "--dir"])
        .arg(project.path())
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::ends_with(
            "checked 2 environment(s) (dev, prod): no errors\n",
        ))
        // VALID's load balancer has no web ACL: a warning, not a failure.
        .stderr(predicate::str::contains("warning[APP051]"));
    let sarif = archgen()
        .args(["check", "--format", "sarif", "--dir"])
        .arg(project.path())
        .assert()
        .success();
    let log: serde_json::Value = serde_json::from_slice(&sarif.get_output().stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().all(|r| r["level"] == "warning"),
        "{results:?}"
    );
    let entries: Vec<_> = std::fs::read_dir(project.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "only stacks/: check writes nothing");

    // A mistake in the dev overlay fails check, as it fails synth prod.
    let broken =
        TempProject::new(&VALID.replace("  dev: {}", "  dev: { network: { nat: sometimes } }"));
    let (code, stderr) = {
        let out = archgen()
            .args(["check", "--dir"])
            .arg(broken.path())
            .env_remove("CLICOLOR_FORCE")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(code, Some(1), "{stderr}");
    assert_says(
        &stderr,
        &[
            "main.yaml:12:26",
            "'sometimes' is not a valid value",
            "field: network.nat",
        ],
    );
    archgen()
        .args(["check", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn bash_completion_is_a_valid_script_that_knows_every_subcommand_and_flag() {
    let out = archgen().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    for word in [
        "synth", "deploy", "diff", "destroy", "status", "explain", "check", "--format", "--env",
    ] {
        assert!(script.contains(word), "completion lacks {word}");
    }
    // bash parses it without running it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archgen.bash");
    std::fs::write(&path, &script).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn the_man_page_documents_every_subcommand() {
    let out = archgen().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH archgen 1"), "{page}");
    for sub in ["synth", "deploy", "diff", "explain", "completions"] {
        assert!(page.contains(sub), "man page lacks {sub}");
    }
    let err = archgen().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(err.status.code(), Some(2));
}

#[test]
fn init_writes_a_project_that_synthesizes_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("shop");
    // The app name comes from the directory.
    archgen()
        .args(["init", "--preset", "web-app", "--dir"])
        .arg(&project)
        .assert()
        .success();
    let spec = std::fs::read_to_string(project.join("stacks/main.yaml")).unwrap();
    assert!(
        spec.contains("app: shop\n") && spec.contains("region: us-east-1\n"),
        "{spec}"
    );
    assert!(!spec.contains("{{"), "unrendered template text:\n{spec}");
    let ignore = std::fs::read_to_string(project.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/out/"), "{ignore}");
    archgen()
        .args(["synth", "dev", "--dir"])
        .arg(&project)
        .assert()
        .success();
    // A second init changes nothing and says why.
    std::fs::write(project.join("stacks/main.yaml"), "app: mine\n").unwrap();
    let out = archgen()
        .args(["init", "--preset", "static-site", "--dir"])
        .arg(&project)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exist"));
    assert_eq!(
        std::fs::read_to_string(project.join("stacks/main.yaml")).unwrap(),
        "app: mine\n"
    );
    // A name AWS cannot use is refused before anything is written.
    let bad = dir.path().join("9lives");
    let out = archgen()
        .args(["init", "--dir"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--name"));
    assert!(!bad.join("stacks").exists());
}
