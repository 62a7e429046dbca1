//! deploy, diff, destroy and status against moto's CloudFormation.

mod support;

use std::time::{Duration, Instant};
use support::{
    Moto, STACK, Stub, archgen_at, cfn_error, http_response, project, stderr, stdout, write_stack,
};

const DATA_TIER: &str = "    data: { type: isolated, cidrs: [10.0.21.0/24, 10.0.22.0/24] }";

#[test]
fn deploy_creates_then_reports_no_changes_then_updates() {
    let moto = Moto::start();
    let dir = project("");

    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--yes"]);
    assert!(
        out.status.success(),
        "first deploy: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("to create stack demo-staging-main"), "{text}");
    assert!(text.contains("Add     Vpc"), "{text}");
    assert!(
        text.contains("CREATE_COMPLETE: stack demo-staging-main"),
        "{text}"
    );

    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("no changes: stack demo-staging-main is up to date"),
        "{}",
        stdout(&out)
    );

    write_stack(dir.path(), DATA_TIER);
    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--yes"]);
    assert!(
        out.status.success(),
        "update: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("to update stack demo-staging-main"), "{text}");
    assert!(text.contains("DataSubnet1"), "{text}");
    assert!(
        text.contains("UPDATE_COMPLETE: stack demo-staging-main"),
        "{text}"
    );

    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("status:       UPDATE_COMPLETE"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn diff_fail_exits_4_with_changes_and_0_after_deploy() {
    let moto = Moto::start();
    let dir = project("");

    // A stack that does not exist yet: the template-level preview.
    let out = moto.run(dir.path(), &["diff", "--env", "staging", "--fail"]);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("stack demo-staging-main does not exist"),
        "{}",
        stdout(&out)
    );
    // diff must not leave a stack behind (a CREATE change set would).
    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    assert!(stdout(&out).contains("not deployed"), "{}", stdout(&out));

    moto.archgen(dir.path())
        .args(["deploy", "--env", "staging", "--yes"])
        .assert()
        .success();
    let out = moto.run(dir.path(), &["diff", "--env", "staging", "--fail"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    // An update is previewed through a change set, which is then deleted.
    write_stack(dir.path(), DATA_TIER);
    let out = moto.run(dir.path(), &["diff", "--env", "staging", "--fail"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("6 change(s) to update stack"), "{text}");
    assert!(
        stderr(&out).contains("change(s) present"),
        "{}",
        stderr(&out)
    );
    // Without --fail, changes are not an error.
    moto.archgen(dir.path())
        .args(["diff", "--env", "staging"])
        .assert()
        .success();
    // The diff did not apply anything: deploying still has the changes.
    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--yes"]);
    assert!(stdout(&out).contains("UPDATE_COMPLETE"), "{}", stdout(&out));
}

#[test]
fn destroy_needs_confirmation_and_removes_the_stack() {
    let moto = Moto::start();
    let dir = project("");
    moto.archgen(dir.path())
        .args(["deploy", "--env", "staging", "--yes"])
        .assert()
        .success();

    // No terminal and no --yes: refused, stack kept.
    let out = moto.run(dir.path(), &["destroy", "--env", "staging"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("Pass --yes"), "{}", stderr(&out));
    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    assert!(stdout(&out).contains("CREATE_COMPLETE"), "{}", stdout(&out));

    let out = moto.run(dir.path(), &["destroy", "--env", "staging", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains(&format!("deleted stack {STACK}")),
        "{}",
        stdout(&out)
    );
    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    assert!(stdout(&out).contains("not deployed"), "{}", stdout(&out));

    // Again: nothing to delete is not an error.
    let out = moto.run(dir.path(), &["destroy", "--env", "staging", "--yes"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("does not exist"), "{}", stdout(&out));
}

/// 15 tiers in 4 zones: about 70 KB of template, over the inline limit.
/// Enough subnets (30 tiers × 4 zones) that even the compact template is
/// over CloudFormation's 51,200-byte inline limit.
fn big_tiers() -> String {
    (1..=30)
        .map(|i| format!("    t{i}: {{ type: isolated, mask: 24 }}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn big_template_goes_through_the_artifact_bucket() {
    let moto = Moto::start();
    let dir = project("");
    let spec = std::fs::read_to_string(dir.path().join("stacks/main.yaml"))
        .unwrap()
        .replace("zones: 2", "zones: 4")
        .replace(
            "    public: { type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }\n",
            &format!("{}\n", big_tiers()),
        );
    std::fs::write(dir.path().join("stacks/main.yaml"), spec).unwrap();

    // Without a bucket: a clear refusal naming the flag.
    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("--artifact-bucket"),
        "{}",
        stderr(&out)
    );

    moto.create_bucket("demo-artifacts");
    let out = moto
        .archgen(dir.path())
        .args(["deploy", "--env", "staging", "--yes"])
        .env("ARCHGEN_ARTIFACT_BUCKET", "demo-artifacts")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("CREATE_COMPLETE"), "{}", stdout(&out));
    let listing = moto.list_objects("demo-artifacts");
    assert!(listing.contains("archgen/demo-staging-main/"), "{listing}");
    assert!(listing.contains(".template.json"), "{listing}");
}

#[test]
fn failing_execution_is_reported_with_the_reason() {
    let moto = Moto::start();
    let dir = project("");
    // Zones that do not exist: subnet creation fails inside the change set.
    let spec = std::fs::read_to_string(dir.path().join("stacks/main.yaml"))
        .unwrap()
        .replace("zones: 2", "zones: [ap-northeast-1x, ap-northeast-1y]");
    std::fs::write(dir.path().join("stacks/main.yaml"), spec).unwrap();
    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("deploy of stack demo-staging-main failed"),
        "{err}"
    );
    assert!(err.contains("ap-northeast-1x"), "{err}");
}

#[test]
fn broadening_change_without_terminal_needs_yes() {
    let moto = Moto::start();
    let dir = project("");
    // The default approval mode asks only for broadening changes; a plain
    // network has none, so no --yes is needed.
    let out = moto.run(dir.path(), &["deploy", "--env", "staging"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // any-change asks for every change, and there is no terminal to ask on.
    write_stack(dir.path(), DATA_TIER);
    let out = moto.run(
        dir.path(),
        &[
            "deploy",
            "--env",
            "staging",
            "--require-approval",
            "any-change",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("no terminal to ask on"),
        "{}",
        stderr(&out)
    );
    // Refused means nothing applied and no change set left to block the next run.
    let out = moto.run(dir.path(), &["diff", "--env", "staging", "--fail"]);
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn outputs_file_and_missing_credentials() {
    let moto = Moto::start();
    let dir = project("");
    let file = dir.path().join("out.json");
    moto.archgen(dir.path())
        .args(["deploy", "--env", "staging", "--yes", "--outputs-file"])
        .arg(&file)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    // moto keeps no outputs after a change-set deploy, but the stack is listed.
    assert!(json.get(STACK).is_some_and(|v| v.is_object()), "{json}");

    let out = moto
        .archgen(dir.path())
        .args(["status", "--env", "staging"])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("no AWS credentials found"), "{err}");
    // One line of advice, not the credential chain's kilobyte of detail.
    assert!(err.contains("AWS_PROFILE"), "{err}");
    assert!(err.lines().count() <= 2 && err.len() < 500, "{err}");
}

#[test]
fn unknown_environment_is_a_usage_error() {
    let moto = Moto::start();
    let dir = project("");
    let out = moto.run(dir.path(), &["deploy", "--env", "stagin"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Did you mean 'staging'?"),
        "{}",
        stderr(&out)
    );
}

/// The message a user sees for an AWS failure: one line (and the hint to
/// use -v), never the SDK's debug dump.
fn assert_one_line(err: &str) {
    assert!(err.lines().count() <= 2, "{err}");
    for dump in [
        "DispatchFailure",
        "ConnectorError",
        "SdkError",
        "Response {",
        "<html",
    ] {
        assert!(!err.contains(dump), "'{dump}' in {err}");
    }
}

#[test]
fn refused_connection_names_the_endpoint_and_aws_endpoint_url() {
    let dir = project("");
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let out = archgen_at(&endpoint, dir.path())
        .args(["status", "--env", "staging"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "cannot connect to {endpoint} (connection refused)"
        )),
        "{err}"
    );
    assert!(err.contains("AWS_ENDPOINT_URL"), "{err}");
    assert_one_line(&err);

    // -v adds the SDK's account.
    let out = archgen_at(&endpoint, dir.path())
        .args(["status", "--env", "staging", "-v"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("details: "), "{err}");
}

#[test]
fn server_errors_throttling_and_access_denied_are_one_line_each() {
    let dir = project("");
    let run = |stub: &Stub| {
        let out = archgen_at(&stub.endpoint(), dir.path())
            .args(["status", "--env", "staging"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        stderr(&out)
    };

    let html = "<html><body><h1>500 Internal Server Error</h1>Traceback (most recent call last): ...</body></html>";
    let err = run(&Stub::start(Some(http_response(
        "500 Internal Server Error",
        "text/html",
        html,
    ))));
    assert!(err.contains("failed with HTTP 500"), "{err}");
    assert_one_line(&err);

    let err = run(&Stub::start(Some(cfn_error(
        "400 Bad Request",
        "Throttling",
        "Rate exceeded",
    ))));
    assert!(err.contains("throttling"), "{err}");
    assert!(err.contains("Rate exceeded"), "{err}");
    assert_one_line(&err);

    let denied = "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: \
                  cloudformation:DescribeStacks on resource: arn:aws:cloudformation:ap-northeast-1:\
                  123456789012:stack/demo-staging-main/*";
    let err = run(&Stub::start(Some(cfn_error(
        "403 Forbidden",
        "AccessDenied",
        denied,
    ))));
    assert!(err.contains("access denied"), "{err}");
    // The action and the principal, as AWS names them.
    assert!(err.contains("cloudformation:DescribeStacks"), "{err}");
    assert!(err.contains("user/ci"), "{err}");
    assert_one_line(&err);
}

#[test]
fn an_endpoint_that_never_answers_times_out_with_a_clear_message() {
    let dir = project("");
    let stub = Stub::start(None);
    let started = Instant::now();
    let out = archgen_at(&stub.endpoint(), dir.path())
        .args(["status", "--env", "staging", "--aws-timeout", "2"])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{} did not answer in time", stub.endpoint())),
        "{err}"
    );
    assert!(err.contains("--aws-timeout"), "{err}");
    assert_one_line(&err);
    // No retries against a local endpoint: one attempt of 2 s, plus start-up.
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

/// Failures that used to surface after stacks had changed are found before
/// the first change set, all at once: a pinned zone outside --region, an
/// outputs file that cannot be written, an artifact bucket that does not
/// exist (for the second stack, after the first would have been created).
#[test]
fn preflight_lists_every_problem_and_changes_nothing() {
    let moto = Moto::start();
    let dir = project("");
    let spec = std::fs::read_to_string(dir.path().join("stacks/main.yaml"))
        .unwrap()
        .replace("zones: 2", "zones: [ap-northeast-1a, ap-northeast-1c]");
    std::fs::write(dir.path().join("stacks/main.yaml"), &spec).unwrap();
    let out = moto.run(
        dir.path(),
        &[
            "deploy",
            "--env",
            "staging",
            "--yes",
            "--region",
            "us-west-2",
            "--outputs-file",
            "missing-dir/outputs.json",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("preflight found 2 problem(s)"), "{err}");
    assert!(
        err.contains(
            "deploys to us-west-2 but its spec pins zones ap-northeast-1a, ap-northeast-1c"
        ),
        "{err}"
    );
    assert!(err.contains("missing-dir"), "{err}");
    let out = moto.run(
        dir.path(),
        &["status", "--env", "staging", "--region", "us-west-2"],
    );
    assert!(stdout(&out).contains("not deployed"), "{}", stdout(&out));

    // A second stack (deployed after main) too big to send inline, with a
    // bucket that does not exist.
    let big = spec
        .replace("app: demo", "app: demo2")
        .replace(
            "    public: { type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }\n",
            &format!("{}\n", big_tiers()),
        )
        .replace("zones: [ap-northeast-1a, ap-northeast-1c]", "zones: 4");
    std::fs::write(dir.path().join("stacks/zbig.yaml"), big).unwrap();
    let out = moto
        .archgen(dir.path())
        .args(["deploy", "--env", "staging", "--yes"])
        .env("ARCHGEN_ARTIFACT_BUCKET", "no-such-bucket")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("preflight found 1 problem(s)"), "{err}");
    assert!(err.contains("s3://no-such-bucket"), "{err}");
    assert!(
        !stdout(&out).contains("CREATE_COMPLETE"),
        "{}",
        stdout(&out)
    );
    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    assert_eq!(
        stdout(&out).matches("not deployed").count(),
        2,
        "{}",
        stdout(&out)
    );
}

/// A first deploy refused before execution leaves no empty
/// REVIEW_IN_PROGRESS stack behind, and status does not call it running.
#[test]
fn refused_first_deploy_leaves_no_stack_behind() {
    let moto = Moto::start();
    let dir = project("");
    let out = moto.run(
        dir.path(),
        &[
            "deploy",
            "--env",
            "staging",
            "--require-approval",
            "any-change",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("no terminal to ask on"),
        "{}",
        stderr(&out)
    );
    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{STACK} (ap-northeast-1): not deployed")),
        "{text}"
    );
    assert!(!text.contains("REVIEW_IN_PROGRESS"), "{text}");
    assert!(!text.contains("in progress"), "{text}");
}

/// On a real terminal, Ctrl-C at destroy's second confirmation stops
/// archgen with exit 130 and says what was left. (Against AWS the first
/// stack's watch has taken over SIGINT by then and the old blocking prompt
/// swallowed Ctrl-C; moto deletes before the watch listens, and the old
/// prompt died of the signal without a word: exit -2 here.)
#[test]
fn ctrl_c_at_the_second_prompt_on_a_terminal_stops_with_130() {
    let moto = Moto::start();
    let dir = project("");
    let spec = std::fs::read_to_string(dir.path().join("stacks/main.yaml")).unwrap();
    std::fs::write(
        dir.path().join("stacks/second.yaml"),
        spec.replace("app: demo", "app: demo2"),
    )
    .unwrap();
    moto.archgen(dir.path())
        .args(["deploy", "--env", "staging", "--yes"])
        .assert()
        .success();

    let tools = std::env::var_os("ARCHGEN_TOOLS_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/venv/bin")
        });
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/terminal/ctrl_c_at_prompt.py");
    let archgen = assert_cmd::cargo::cargo_bin("archgen");
    let out = std::process::Command::new(tools.join("python3"))
        .arg(&script)
        .args([
            "Type the stack name to confirm",
            "demo2-staging-second",
            "--",
        ])
        .arg(&archgen)
        .args(["destroy", "--env", "staging"])
        .current_dir(dir.path())
        .env_clear()
        .env("HOME", dir.path())
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(
        text.contains("deleted stack demo2-staging-second"),
        "{text}"
    );
    assert!(
        text.contains("interrupted: Ctrl-C at the prompt: stack demo-staging-main was not deleted"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("exit: 130"), "{text}");
    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    assert!(stdout(&out).contains("CREATE_COMPLETE"), "{}", stdout(&out));
}

/// `diff --json` and `status --json`: the documented fields, on a stack
/// that does not exist, then deployed, then changed in the spec.
#[test]
fn diff_and_status_json_have_the_documented_fields() {
    let moto = Moto::start();
    let dir = project("");
    let json = |args: &[&str], code: i32| -> serde_json::Value {
        let out = moto.run(dir.path(), args);
        assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
        serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|e| panic!("{e}: not JSON:\n{}", stdout(&out)))
    };

    let diff = json(&["diff", "--env", "staging", "--json"], 0);
    assert_eq!(diff["environment"], "staging");
    let stack = &diff["stacks"][0];
    assert_eq!(stack["stack"], STACK);
    assert_eq!(stack["region"], "ap-northeast-1");
    assert_eq!(stack["plan"], "create");
    let vpc = stack["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["logical_id"] == "Vpc")
        .expect("the VPC is created");
    assert_eq!(vpc["action"], "Add");
    assert_eq!(vpc["resource_type"], "AWS::EC2::VPC");
    assert_eq!(diff["changes"], stack["changes"].as_array().unwrap().len());

    let status = json(&["status", "--env", "staging", "--json"], 0);
    assert_eq!(status["stacks"][0]["deployed"], false);
    assert!(status["stacks"][0]["status"].is_null(), "{status}");

    moto.archgen(dir.path())
        .args(["deploy", "--env", "staging", "--yes"])
        .assert()
        .success();
    let status = json(&["status", "--env", "staging", "--json"], 0);
    let stack = &status["stacks"][0];
    assert_eq!(stack["deployed"], true);
    assert_eq!(stack["status"], "CREATE_COMPLETE");
    assert_eq!(stack["termination_protection"], false);
    assert!(stack["failures"].as_array().unwrap().is_empty(), "{stack}");
    assert!(stack["outputs"].is_object(), "{stack}");

    write_stack(dir.path(), DATA_TIER);
    let diff = json(&["diff", "--env", "staging", "--json", "--fail"], 4);
    assert_eq!(diff["changes"], 6, "{diff}");
    assert_eq!(diff["stacks"][0]["plan"], "update");
    assert!(
        diff["stacks"][0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["logical_id"] == "DataSubnet1" && c["action"] == "Add"),
        "{diff}"
    );
}

/// `--set` changes the spec for one run, as an overlay would; a wrong path
/// is the spec error an overlay would get (exit 1), nothing is deployed.
#[test]
fn set_values_apply_like_an_overlay_for_one_run() {
    let moto = Moto::start();
    let dir = project("");
    moto.archgen(dir.path())
        .args(["deploy", "--env", "staging", "--yes"])
        .assert()
        .success();
    let data_tier = [
        "--set",
        "network.tiers.data.type=isolated",
        "--set",
        "network.tiers.data.cidrs=[10.0.21.0/24, 10.0.22.0/24]",
    ];
    let out = moto.run(
        dir.path(),
        &[&["diff", "--env", "staging", "--fail"][..], &data_tier[..]].concat(),
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("6 change(s) to update stack"),
        "{}",
        stdout(&out)
    );
    // The file is unchanged: without --set there is nothing to do.
    let out = moto.run(dir.path(), &["diff", "--env", "staging", "--fail"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    let out = moto.run(
        dir.path(),
        &[
            "deploy",
            "--env",
            "staging",
            "--yes",
            "--set",
            "network.zonez=3",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("unknown field 'zonez'"), "{err}");
    assert!(err.contains("field: network.zonez"), "{err}");
    let out = moto.run(
        dir.path(),
        &[&["deploy", "--env", "staging", "--yes"][..], &data_tier[..]].concat(),
    );
    assert!(stdout(&out).contains("UPDATE_COMPLETE"), "{}", stdout(&out));
}

/// `account:` pins the account an environment deploys to: moto's caller
/// is 123456789012, so that account deploys, and another is refused by
/// deploy, diff and destroy, naming both, before anything changes.
#[test]
fn a_pinned_account_must_match_the_callers() {
    let moto = Moto::start();
    let dir = project("");
    let pin = |account: &str| {
        let spec = std::fs::read_to_string(dir.path().join("stacks/main.yaml")).unwrap();
        let spec = match spec.split_once("  staging:") {
            Some((head, _)) => format!("{head}  staging: {{ account: \"{account}\" }}\n"),
            None => panic!("no staging environment in {spec}"),
        };
        std::fs::write(dir.path().join("stacks/main.yaml"), spec).unwrap();
    };
    pin("123456789012");
    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    pin("111111111111");
    for args in [
        &["deploy", "--env", "staging", "--yes"][..],
        &["diff", "--env", "staging"][..],
        &["destroy", "--env", "staging", "--yes"][..],
    ] {
        let out = moto.run(dir.path(), args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("belong to account 123456789012"), "{err}");
        assert!(err.contains("(account 111111111111)"), "{err}");
    }
    // Nothing was deleted.
    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    assert!(stdout(&out).contains("CREATE_COMPLETE"), "{}", stdout(&out));
}

/// A release pipeline: `deploy --no-execute` creates the change sets and
/// keeps them; `deploy --execute` runs exactly those, and refuses when the
/// spec changed in between.
#[test]
fn no_execute_keeps_the_change_sets_and_execute_runs_them() {
    let moto = Moto::start();
    let dir = project("");
    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--no-execute"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("to create stack demo-staging-main"), "{text}");
    assert!(
        text.contains("change set archgen-pending of stack demo-staging-main is kept for review"),
        "{text}"
    );
    let out = moto.run(dir.path(), &["status", "--env", "staging"]);
    assert!(stdout(&out).contains("not deployed"), "{}", stdout(&out));

    let out = moto.run(
        dir.path(),
        &["deploy", "--env", "staging", "--execute", "--yes"],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("CREATE_COMPLETE: stack demo-staging-main"),
        "{}",
        stdout(&out)
    );

    // Prepared, then the spec changes: the kept change set is stale.
    write_stack(dir.path(), DATA_TIER);
    let out = moto.run(
        dir.path(),
        &[
            "deploy",
            "--env",
            "staging",
            "--no-execute",
            "--change-set",
            "release-7",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("6 change(s) to update"),
        "{}",
        stdout(&out)
    );
    write_stack(
        dir.path(),
        "    extra: { type: isolated, cidrs: [10.0.31.0/24, 10.0.32.0/24] }",
    );
    let out = moto.run(
        dir.path(),
        &[
            "deploy",
            "--env",
            "staging",
            "--execute",
            "--change-set",
            "release-7",
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("is not what the spec says now"), "{err}");
    // Back to the reviewed spec: the kept change set runs.
    write_stack(dir.path(), DATA_TIER);
    let out = moto.run(
        dir.path(),
        &[
            "deploy",
            "--env",
            "staging",
            "--execute",
            "--change-set",
            "release-7",
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("UPDATE_COMPLETE"), "{}", stdout(&out));
    // Nothing left to run: the stack is as the spec says.
    let out = moto.run(
        dir.path(),
        &["deploy", "--env", "staging", "--execute", "--yes"],
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("no changes"), "{}", stdout(&out));
}

/// `archgen bootstrap` creates the artifact bucket stack; deploy then sends
/// a template over the inline limit through it with no flag.
#[test]
fn bootstrap_then_a_big_template_deploys_without_flags() {
    let moto = Moto::start();
    let dir = project("");
    let spec = std::fs::read_to_string(dir.path().join("stacks/main.yaml"))
        .unwrap()
        .replace("zones: 2", "zones: 4")
        .replace(
            "    public: { type: public, cidrs: [10.0.1.0/24, 10.0.2.0/24] }\n",
            &format!("{}\n", big_tiers()),
        );
    std::fs::write(dir.path().join("stacks/main.yaml"), spec).unwrap();

    let out = moto.run(dir.path(), &["bootstrap", "--env", "staging"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("CREATE_COMPLETE: stack archgen-bootstrap"),
        "{text}"
    );
    let bucket = text
        .split_once("artifact bucket ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .expect("the bucket is named")
        .to_string();
    // Again: an update with nothing to do.
    let out = moto.run(dir.path(), &["bootstrap", "--env", "staging"]);
    assert!(stdout(&out).contains("no changes"), "{}", stdout(&out));

    let out = moto.run(dir.path(), &["deploy", "--env", "staging", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("CREATE_COMPLETE: stack demo-staging-main"),
        "{}",
        stdout(&out)
    );
    let listing = moto.list_objects(&bucket);
    assert!(listing.contains("archgen/demo-staging-main/"), "{listing}");
}
