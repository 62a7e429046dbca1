//! What synth accepts, CloudFormation accepts: specs that would give a
//! template CloudFormation or the service refuses fail `synth` with file,
//! line, field and a fix, and write nothing.

use crate::support::*;

/// Runs `synth prod` on `spec` and checks it fails at `main.yaml:<line>:`
/// with `field` and every text in `says`, writing nothing.
#[track_caller]
fn assert_refused(spec: &str, line: u32, field: &str, says: &[&str]) {
    let project = TempProject::new(spec);
    let (code, stderr) = project.synth_prod_cli();
    assert_eq!(code, Some(1), "exit code\n{stderr}");
    let place = format!("main.yaml:{line}:");
    assert!(stderr.contains(&place), "expected {place} in\n{stderr}");
    if !field.is_empty() {
        assert!(
            stderr.contains(&format!("field: {field}\n")),
            "expected field {field} in\n{stderr}"
        );
    }
    for s in says {
        assert!(stderr.contains(s), "expected '{s}' in\n{stderr}");
    }
    assert!(
        !project.path().join("out").exists(),
        "wrote output despite the error"
    );
}

/// `VALID` with `to` in place of the first `from`.
fn valid_with(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "'{from}' is not in the valid spec");
    VALID.replacen(from, to, 1)
}

#[test]
fn a_derived_queue_name_over_80_characters_is_refused_at_its_key() {
    // demo-application-with-long-name-prod-<key>-dlq is 81 characters; the
    // queue itself (77) would pass, its dead-letter queue would not.
    let key = format!("notifications-for-every-store-{}", "c".repeat(10));
    let spec = valid_with(
        "app: demo\n",
        &format!("app: demo-application-with-long-name\nqueues:\n  {key}: {{}}\n"),
    );
    assert_refused(
        &spec,
        3,
        &format!("queues.{key}"),
        &[
            "error[NAME001]",
            "-dlq' is 81 characters; AWS allows 80 in SQS queue names",
            &format!("shorten the key '{key}' or the app name"),
        ],
    );
}

#[test]
fn a_load_balancer_name_starting_with_internal_is_refused() {
    assert_refused(
        &valid_with("name: demo-alb", "name: internal-alb"),
        17,
        "load_balancer.name",
        &[
            "error[APP012]",
            "may not start with 'internal-'",
            "drop the 'internal-' prefix, e.g. 'alb'",
        ],
    );
}

#[test]
fn a_cognito_client_name_over_128_characters_is_refused() {
    let pool = "p".repeat(60);
    let client = "c".repeat(60);
    let spec = valid_with(
        "environments:",
        &format!("user_pools:\n  {pool}:\n    clients:\n      {client}: {{}}\nenvironments:"),
    );
    assert_refused(
        &spec,
        14,
        &format!("user_pools.{pool}.clients.{client}"),
        &[
            "Cognito user pool or app client name 'demo-prod-",
            "is 131 characters; AWS allows 128",
        ],
    );
}

#[test]
fn a_secret_name_with_a_space_is_refused() {
    let spec = valid_with(
        "environments:",
        "secrets:\n  api-key: { name: api key }\nenvironments:",
    );
    assert_refused(
        &spec,
        12,
        "secrets.api-key.name",
        &["Secrets Manager secret name 'demo/prod/api key' has ' '"],
    );
}

#[test]
fn a_stack_over_500_resources_is_refused_with_the_count_and_how_to_split() {
    // Each queue is two resources (the queue and its dead-letter queue).
    let queues: String = (0..260).map(|i| format!("  q{i}: {{}}\n")).collect();
    let spec = valid_with("environments:", &format!("queues:\n{queues}environments:"));
    assert_refused(
        &spec,
        1,
        "",
        &[
            "error[STACK001]",
            "stack 'main' has 5",
            "resources; CloudFormation allows 500 per template",
            "move some components into another file under stacks/",
        ],
    );
}

#[test]
fn a_description_over_1024_bytes_is_refused_at_its_line() {
    let spec = valid_with(
        "region: ap-northeast-1\n",
        &format!(
            "region: ap-northeast-1\ndescription: {}\n",
            "d".repeat(1000)
        ),
    );
    assert_refused(
        &spec,
        3,
        "description",
        &[
            "error[STACK003]",
            "bytes; CloudFormation allows 1024",
            "shorten 'description'",
        ],
    );
}

/// `VALID` with a scaling schedule on the routed service `web`, at line 30.
fn with_schedule(cron: &str, time_zone: &str) -> String {
    valid_with(
        "    connects_to: [worker]\n",
        &format!(
            "    connects_to: [worker]\n    scaling:\n      min: 1\n      max: 4\n      schedules:\n        morning: {{ cron: '{cron}', time_zone: {time_zone}, min: 2 }}\n"
        ),
    )
}

#[test]
fn a_cron_with_both_day_fields_set_is_refused() {
    assert_refused(
        &with_schedule("0 9 * * MON-FRI *", "Asia/Tokyo"),
        30,
        "services.web.scaling.schedules.morning.cron",
        &[
            "error[APP021]",
            "sets both day-of-month ('*') and day-of-week ('MON-FRI')",
            "with '?' in day-of-month or day-of-week",
        ],
    );
}

#[test]
fn a_cron_field_out_of_range_is_refused() {
    assert_refused(
        &with_schedule("0 25 ? * MON-FRI *", "Asia/Tokyo"),
        30,
        "services.web.scaling.schedules.morning.cron",
        &["'0 25 ? * MON-FRI *' is not a valid cron expression"],
    );
}

#[test]
fn an_unknown_time_zone_is_refused_with_a_suggestion() {
    assert_refused(
        &with_schedule("0 9 ? * MON-FRI *", "Asia/Tokio"),
        30,
        "services.web.scaling.schedules.morning.time_zone",
        &[
            "'Asia/Tokio' is not an IANA time zone",
            "did you mean 'Asia/Tokyo'?",
        ],
    );
}

#[test]
fn a_zone_without_daylight_saving_time_is_accepted_and_written() {
    let project = TempProject::new(&with_schedule("0 9 ? * MON-FRI *", "Australia/Brisbane"));
    let synthesis = project.synth("prod").expect("a valid schedule");
    let t = template_json(&synthesis, "main");
    let actions = resources_of(&t, "AWS::ApplicationAutoScaling::ScalableTarget");
    let action = &actions[0].1["Properties"]["ScheduledActions"][0];
    assert_eq!(action["Timezone"], "Australia/Brisbane");
    assert_eq!(action["Schedule"], "cron(0 9 ? * MON-FRI *)");
}

#[test]
fn a_cidr_not_in_canonical_form_is_refused() {
    assert_refused(
        &valid_with("10.0.0.0/16", "10.0.0.0/016"),
        4,
        "network.cidr",
        &[
            "error[NET002]",
            "'10.0.0.0/016' has leading zeros",
            "did you mean '10.0.0.0/16'?",
        ],
    );
    assert_refused(
        &valid_with("10.0.0.0/16", "010.0.0.0/16"),
        4,
        "network.cidr",
        &[
            "'010.0.0.0/16' has leading zeros",
            "did you mean '10.0.0.0/16'?",
        ],
    );
}

#[test]
fn a_health_check_path_without_a_leading_slash_is_refused() {
    assert_refused(
        &valid_with(
            "    route: { default: true }",
            "    route: { default: true, health_check: { path: health } }",
        ),
        24,
        "services.web.route.health_check.path",
        &[
            "error[APP030]",
            "health-check path 'health' does not start with '/'",
            "write '/health'",
        ],
    );
}

#[test]
fn an_alb_certificate_from_another_region_is_refused() {
    assert_refused(
        &valid_with(
            "  name: demo-alb\n",
            "  name: demo-alb\n  certificate: { arn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }\n",
        ),
        18,
        "load_balancer.certificate.arn",
        &[
            "error[APP031]",
            "the certificate is in us-east-1, but a load balancer can use only certificates of its own region (ap-northeast-1)",
        ],
    );
}

#[test]
fn a_cloudfront_certificate_outside_us_east_1_is_refused() {
    assert_refused(
        &valid_with(
            "environments:",
            "buckets:\n  site: {}\ncdn:\n  web:\n    aliases: [example.com]\n    certificate: { arn: 'arn:aws:acm:ap-northeast-1:123456789012:certificate/abc' }\n    origins: { s3: { bucket: site } }\n    default: { origin: s3 }\nenvironments:",
        ),
        16,
        "cdn.web.certificate.arn",
        &[
            "error[EDGE024]",
            "the certificate is in ap-northeast-1, but CloudFront uses only certificates in us-east-1",
        ],
    );
}

#[test]
fn a_tag_value_with_a_character_aws_refuses_is_refused() {
    assert_refused(
        &valid_with("app: demo\n", "app: demo\ntags: { team: 'web&mobile' }\n"),
        2,
        "tags.team",
        &["error[APP004]", "the value of tag 'team' has '&'"],
    );
}

#[test]
fn more_than_50_tags_with_archgens_own_are_refused() {
    let tags: Vec<String> = (0..47).map(|i| format!("t{i}: x")).collect();
    assert_refused(
        &valid_with(
            "app: demo\n",
            &format!("app: demo\ntags: {{ {} }}\n", tags.join(", ")),
        ),
        2,
        "tags",
        &[
            "error[APP029]",
            "every resource would carry 51 tags (47 from the spec, 4 from archgen",
            "keep at most 46 tags",
        ],
    );
}

#[test]
fn a_load_balancer_in_one_zone_is_refused() {
    let spec = valid_with("zones: 2", "zones: 1")
        .replace("[10.0.1.0/24, 10.0.2.0/24]", "[10.0.1.0/24]")
        .replace("[10.0.11.0/24, 10.0.12.0/24]", "[10.0.11.0/24]");
    assert_refused(
        &spec,
        5,
        "network.zones",
        &[
            "error[NET015]",
            "the load balancer needs subnets in two availability zones, and the network has 1",
        ],
    );
}

#[test]
fn a_literal_password_in_a_service_environment_points_to_secrets() {
    assert_refused(
        &valid_with(
            "    connects_to: [worker]\n",
            "    environment: { NODE_ENV: production, DB_PASSWORD: hunter2 }\n    connects_to: [worker]\n",
        ),
        25,
        "services.web.environment.DB_PASSWORD",
        &[
            "error[APP032]",
            "'DB_PASSWORD' looks like a credential",
            "move it to 'secrets:'",
            "if it is not a credential, rename the variable",
        ],
    );
}

#[test]
fn an_access_key_in_a_function_environment_is_refused() {
    assert_refused(
        &valid_with(
            "environments:",
            "functions:\n  uploader:\n    code: { bucket: demo-artifacts, key: uploader.zip }\n    runtime: python3.13\n    handler: app.handler\n    environment: { UPLOAD_USER: AKIAIOSFODNN7EXAMPLE }\nenvironments:",
        ),
        16,
        "functions.uploader.environment.UPLOAD_USER",
        &[
            "error[MSG005]",
            "the value of 'UPLOAD_USER' holds an AWS access key id",
            "move it to 'secrets:'",
        ],
    );
}

#[test]
fn the_same_connection_twice_is_refused_at_the_second() {
    assert_refused(
        &valid_with("connects_to: [worker]", "connects_to: [worker, worker]"),
        25,
        "services.web.connects_to[1]",
        &[
            "error[APP033]",
            "'worker' is already in connects_to (entry 1)",
        ],
    );
}

#[test]
fn a_variable_set_by_environment_and_by_a_connection_is_refused() {
    assert_refused(
        &valid_with(
            "    connects_to: [worker]\n",
            "    environment: { WORKER_URL: 'http://localhost:9000' }\n    connects_to: [worker]\n",
        ),
        25,
        "services.web.environment.WORKER_URL",
        &[
            "error[APP034]",
            "'WORKER_URL' is set here and by the connection to 'worker'",
            "remove 'WORKER_URL' from 'environment'",
        ],
    );
}

/// Runs `synth prod` on a project and returns its stderr, checking exit 1
/// and that nothing was written.
fn refused_project(project: &TempProject) -> String {
    let (code, stderr) = project.synth_prod_cli();
    assert_eq!(code, Some(1), "exit code\n{stderr}");
    assert!(!project.path().join("out").exists(), "wrote output");
    stderr
}

#[test]
fn two_stack_files_with_the_same_stem_are_refused() {
    let project = TempProject::new(VALID);
    std::fs::write(project.path().join("stacks/main.yml"), VALID).unwrap();
    let stderr = refused_project(&project);
    assert!(stderr.contains("error[STACK004]"), "{stderr}");
    assert!(stderr.contains("main.yml:1:"), "{stderr}");
    assert!(stderr.contains("are both stack 'main'"), "{stderr}");
    assert!(
        stderr.contains("rename or remove one of the two files"),
        "{stderr}"
    );
}

#[test]
fn two_stacks_exporting_the_same_name_are_refused() {
    // Two stacks of one app, each with a network: both export demo-prod-VpcId.
    let project = TempProject::new(VALID);
    let other = "app: demo\nregion: ap-northeast-1\nnetwork:\n  cidr: 10.1.0.0/16\n  zones: 2\n  tiers:\n    app: { type: isolated, mask: 24 }\nenvironments:\n  dev: {}\n  prod: {}\n";
    std::fs::write(project.path().join("stacks/shared.yaml"), other).unwrap();
    let stderr = refused_project(&project);
    assert!(stderr.contains("error[STACK005]"), "{stderr}");
    assert!(stderr.contains("shared.yaml:1:"), "{stderr}");
    assert!(
        stderr.contains("stack 'shared' exports 'demo-prod-VpcId' (output VpcId), which stack 'main' exports too"),
        "{stderr}"
    );
    assert!(stderr.contains("in one stack only"), "{stderr}");
}

#[test]
fn a_yaml_tag_is_refused_never_dropped() {
    assert_refused(
        &valid_with(
            "    port: 9000",
            "    port: 9000\n    environment: { SITE: !Sub '${AWS::Region}' }",
        ),
        31,
        "services.worker.environment.SITE",
        &[
            "error[YAML001]",
            "archgen does not interpret YAML tags such as '!Sub'",
            "write the value without '!Sub'",
        ],
    );
}

#[test]
fn a_derived_waf_ip_set_name_over_128_characters_is_refused_at_its_rule() {
    let acl = "a".repeat(64);
    let rule = "r".repeat(64);
    let spec = valid_with(
        "environments:",
        &format!(
            "waf:\n  {acl}:\n    attach: [load_balancer]\n    rules:\n      {rule}: {{ ip_block: {{ addresses: [203.0.113.0/24] }} }}\nenvironments:"
        ),
    );
    assert_refused(
        &spec,
        15,
        &format!("waf.{acl}.rules.{rule}"),
        &[
            "error[NAME001]",
            "is 139 characters; AWS allows 128 in WAF web ACL or IP set names",
            &format!(
                "shorten the rule key '{rule}', the web ACL key '{acl}' or the app name 'demo'"
            ),
        ],
    );
}

#[test]
fn a_derived_origin_access_control_name_over_64_characters_is_refused() {
    let dist = "w".repeat(55);
    let spec = valid_with(
        "environments:",
        &format!(
            "buckets:\n  site: {{}}\ncdn:\n  {dist}:\n    origins: {{ s3: {{ bucket: site }} }}\n    default: {{ origin: s3 }}\nenvironments:"
        ),
    );
    assert_refused(
        &spec,
        15,
        &format!("cdn.{dist}"),
        &[
            "error[NAME001]",
            "is 65 characters; AWS allows 64 in CloudFront origin access control names",
            &format!("shorten the key '{dist}' or the app name 'demo'"),
        ],
    );
}
